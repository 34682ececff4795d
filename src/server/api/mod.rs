//! The REST surface of `API.md`, mounted under `/api`. Handlers are thin:
//! extract, authorise, call one service, map the result. Anything under
//! `/api` that no route matches is a JSON 404, never the app's HTML page.

mod auth;
mod health;
mod teams;

pub use auth::client_meta;

use crate::server::error::AppError;
use crate::server::state::AppState;
use axum::Router;

/// Every `/api` route.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(health::router())
        .merge(auth::router())
        .merge(teams::router())
        .fallback(unmatched)
}

/// The JSON 404 for any `/api/...` path no route matches.
pub async fn unmatched() -> AppError {
    AppError::NotFound("no such API route".into())
}
