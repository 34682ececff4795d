//! The REST surface of `API.md`, mounted under `/api`. Handlers are thin:
//! extract, authorise, call one service, map the result. Anything under
//! `/api` that no route matches is a JSON 404, never the app's HTML page.

mod account;
mod auth;
mod automation;
mod catalog;
mod docs;
mod health;
mod integrations;
mod oauth;
mod openapi;
mod planning;
mod policy;
mod releases;
mod teams;
mod webhooks;

pub use auth::client_meta;

use crate::server::error::AppError;
use crate::server::state::AppState;
use axum::Router;
use utoipa_axum::router::OpenApiRouter;

/// Every `/api` route, mounted at `/api` (the request time limit wraps the
/// whole app, see `server::headers`).
pub fn router() -> Router<AppState> {
    documented().0
}

/// The OpenAPI document of [`router`], built once per process.
pub fn document() -> &'static utoipa::openapi::OpenApi {
    static DOC: std::sync::OnceLock<utoipa::openapi::OpenApi> = std::sync::OnceLock::new();
    DOC.get_or_init(|| documented().1)
}

/// The router and its document, from the same lists: each module registers
/// its handlers with `routes!`, which takes the method and the path from the
/// handler's `#[utoipa::path]`, so a route cannot exist undocumented (and a
/// test checks that nothing under `src/server/api` calls `.route(` instead).
fn documented() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let api = OpenApiRouter::default()
        .merge(health::router())
        .merge(openapi::router())
        .merge(docs::router())
        .merge(auth::router())
        .merge(account::router())
        .merge(teams::router())
        .merge(catalog::router())
        .merge(automation::router())
        .merge(releases::router())
        .merge(planning::router())
        .merge(planning::items_router())
        .merge(policy::router())
        .merge(oauth::router())
        .merge(integrations::router())
        .merge(webhooks::router())
        .merge(releases::stream_router())
        .fallback(unmatched);
    let (router, doc) = OpenApiRouter::with_openapi(openapi::base())
        .nest("/api", api)
        .split_for_parts();
    (router, openapi::finish(doc))
}

/// `?limit=&cursor=`; a malformed query is a 400 with our JSON body.
pub(crate) fn page_query(
    q: Result<
        axum::extract::Query<crate::server::services::PageRequest>,
        axum::extract::rejection::QueryRejection,
    >,
) -> Result<crate::server::services::PageRequest, AppError> {
    q.map(|axum::extract::Query(p)| p)
        .map_err(|e| AppError::bad_request(format!("invalid query: {}", e.body_text())))
}

/// The JSON 404 for any `/api/...` path no route matches.
pub async fn unmatched() -> AppError {
    AppError::NotFound("no such API route".into())
}
