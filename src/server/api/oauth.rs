//! `/api/oauth/*`: the caller's own connections. The browser is sent to the
//! provider and comes back to the callback, which answers with a redirect
//! to the profile page (`?connected=github`, or `?error=` when the provider
//! refused); a bad `state` is a 400 and stores nothing.

use crate::server::auth::AuthSession;
use crate::server::error::{AppError, AppResult};
use crate::server::services::oauth::{self, ConnectionView};
use crate::server::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Redirect;
use axum::routing::{delete, get};
use axum::{Json, Router};
use serde::Deserialize;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/oauth/connections", get(list))
        .route("/oauth/connections/{provider}", delete(remove))
        .route("/oauth/github/authorize", get(github_authorize))
        .route("/oauth/github/callback", get(github_callback))
}

async fn list(
    State(s): State<AppState>,
    auth: AuthSession,
) -> AppResult<Json<Vec<ConnectionView>>> {
    Ok(Json(oauth::connections(&s, &auth).await?))
}

async fn remove(
    State(s): State<AppState>,
    auth: AuthSession,
    Path(provider): Path<String>,
) -> AppResult<StatusCode> {
    oauth::disconnect(&s, &auth, &provider).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn github_authorize(State(s): State<AppState>, auth: AuthSession) -> AppResult<Redirect> {
    Ok(Redirect::to(&oauth::start_github(&s, &auth).await?))
}

#[derive(Debug, Deserialize)]
struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

async fn github_callback(
    State(s): State<AppState>,
    auth: AuthSession,
    q: Result<Query<Callback>, axum::extract::rejection::QueryRejection>,
) -> AppResult<Redirect> {
    let Query(q) =
        q.map_err(|e| AppError::bad_request(format!("invalid query: {}", e.body_text())))?;
    if let Some(err) = q.error.as_deref() {
        // The user said no at GitHub (access_denied): nothing to store.
        let code: String = err
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
            .take(64)
            .collect();
        return Ok(Redirect::to(&format!("/settings/profile?error={code}")));
    }
    match oauth::finish_github(&s, &auth, q.code.as_deref(), q.state.as_deref()).await {
        Ok(_) => Ok(Redirect::to("/settings/profile?connected=github")),
        // The state check failed: 400, as the contract says.
        Err(e @ AppError::BadRequest { .. }) => Err(e),
        Err(AppError::BadGateway(_)) => {
            Ok(Redirect::to("/settings/profile?error=github_unavailable"))
        }
        Err(e) => Err(e),
    }
}
