//! `/api/webhooks/*`: inbound events from GitHub and Jira (signature-checked).

use crate::server::error::AppResult;
use crate::server::services::webhooks;
use crate::server::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use axum::{Json, Router};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/webhooks/github", post(github))
        .route("/webhooks/jira", post(jira))
}

async fn github(
    State(s): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<Json<serde_json::Value>> {
    let h = |k: &str| headers.get(k).and_then(|v| v.to_str().ok());
    let n = webhooks::github(
        &s,
        h("x-github-event"),
        h("x-hub-signature-256"),
        h("x-github-delivery"),
        &body,
    )
    .await?;
    Ok(Json(serde_json::json!({"updated": n})))
}

async fn jira(
    State(s): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<Json<serde_json::Value>> {
    let h = |k: &str| headers.get(k).and_then(|v| v.to_str().ok());
    let n = webhooks::jira(
        &s,
        h("x-hub-signature"),
        h("x-atlassian-webhook-identifier"),
        &body,
    )
    .await?;
    Ok(Json(serde_json::json!({"updated": n})))
}
