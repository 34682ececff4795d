//! Liveness and readiness probes for load balancers and orchestrators.

use crate::server::error::AppError;
use crate::server::state::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/health", get(live))
        .route("/health/ready", get(ready))
}

/// The process is up and serving.
async fn live() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

/// The process can do useful work: the database answers.
async fn ready(State(state): State<AppState>) -> Result<Json<Value>, AppError> {
    if crate::server::db::ping(&state.db).await {
        Ok(Json(json!({"status": "ok", "database": "ok"})))
    } else {
        Err(AppError::Unavailable("database is not answering".into()))
    }
}
