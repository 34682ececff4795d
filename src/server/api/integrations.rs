//! `/api/integrations/*`: searching Jira and GitHub through the caller's
//! connection, and the caller's GitHub repositories (for a service's
//! repository picker — beyond `API.md`, which asks for the picker).

use crate::server::access::TeamContext;
use crate::server::error::{AppError, AppResult};
use crate::server::integrations::github::Repo;
use crate::server::services::search::{self, SearchQuery, SearchResults};
use crate::server::state::AppState;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(jira))
        .routes(routes!(github))
        .routes(routes!(repos))
}

fn query(q: Result<Query<SearchQuery>, QueryRejection>) -> AppResult<SearchQuery> {
    q.map(|Query(q)| q)
        .map_err(|e| AppError::bad_request(format!("invalid query: {}", e.body_text())))
}

/// Search Jira
///
/// Any member, as a person, through their own Jira connection (a token
/// cannot). Text (or an issue key) in the service's project, or the
/// caller's own JQL ANDed with the project; at most 20 hits.
#[utoipa::path(get, path = "/integrations/jira/search", tag = "integrations", params(SearchQuery),
    responses((status = 200, description = "The hits and the JQL that was run", body = SearchResults),
        (status = 502, description = "Jira answered badly", body = crate::server::error::ErrorBody),
        (status = 503, description = "Jira is rate limiting requests", body = crate::server::error::ErrorBody)))]
async fn jira(
    State(s): State<AppState>,
    ctx: TeamContext,
    q: Result<Query<SearchQuery>, QueryRejection>,
) -> AppResult<Json<SearchResults>> {
    Ok(Json(search::jira(&s, &ctx, query(q)?).await?))
}

/// Search GitHub pull requests
///
/// Any member, as a person, through their own GitHub connection (a token
/// cannot). Pull requests of `repo` (default: the service's repository);
/// a pasted reference or number finds that pull request; at most 20 hits.
#[utoipa::path(get, path = "/integrations/github/search", tag = "integrations", params(SearchQuery),
    responses((status = 200, description = "The hits and the query that was run", body = SearchResults),
        (status = 502, description = "GitHub answered badly", body = crate::server::error::ErrorBody),
        (status = 503, description = "GitHub is rate limiting requests", body = crate::server::error::ErrorBody)))]
async fn github(
    State(s): State<AppState>,
    ctx: TeamContext,
    q: Result<Query<SearchQuery>, QueryRejection>,
) -> AppResult<Json<SearchResults>> {
    Ok(Json(search::github(&s, &ctx, query(q)?).await?))
}

/// Your GitHub repositories
///
/// Any member, as a person, through their own GitHub connection (a token
/// cannot). Most recently pushed first, one page of up to 100: for
/// picking a service's repository.
#[utoipa::path(get, path = "/integrations/github/repos", tag = "integrations",
    responses((status = 200, description = "The caller's repositories", body = Vec<Repo>),
        (status = 502, description = "GitHub answered badly", body = crate::server::error::ErrorBody),
        (status = 503, description = "GitHub is rate limiting requests", body = crate::server::error::ErrorBody)))]
async fn repos(State(s): State<AppState>, ctx: TeamContext) -> AppResult<Json<Vec<Repo>>> {
    Ok(Json(
        search::github_repos(
            &s,
            ctx.person("list GitHub repositories through a connection")?,
        )
        .await?,
    ))
}
