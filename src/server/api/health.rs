//! Liveness and readiness probes for load balancers and orchestrators.

use crate::server::error::AppError;
use crate::server::state::AppState;
use axum::extract::State;
use axum::Json;
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(live))
        .routes(routes!(ready))
}

/// The answer of the liveness probe: `{"status": "ok"}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
struct Liveness {
    /// Always `ok`.
    status: &'static str,
}

/// The answer of the readiness probe: `{"database": "ok", "status": "ok"}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
struct Readiness {
    /// Always `ok`: the database answered.
    database: &'static str,
    /// Always `ok`.
    status: &'static str,
}

/// Liveness
///
/// Public (no credential). The process is up and serving.
#[utoipa::path(get, path = "/health", tag = "meta", security(()),
    responses((status = 200, description = "Up", body = Liveness)))]
async fn live() -> Json<Liveness> {
    Json(Liveness { status: "ok" })
}

/// Readiness
///
/// Public (no credential). The process can do useful work: the database
/// answers.
#[utoipa::path(get, path = "/health/ready", tag = "meta", security(()),
    responses((status = 200, description = "Ready", body = Readiness),
        (status = 503, description = "The database is not answering", body = crate::server::error::ErrorBody)))]
async fn ready(State(state): State<AppState>) -> Result<Json<Readiness>, AppError> {
    if crate::server::db::ping(&state.db).await {
        Ok(Json(Readiness {
            database: "ok",
            status: "ok",
        }))
    } else {
        Err(AppError::Unavailable("database is not answering".into()))
    }
}
