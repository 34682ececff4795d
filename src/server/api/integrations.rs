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
use axum::routing::get;
use axum::{Json, Router};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/integrations/jira/search", get(jira))
        .route("/integrations/github/search", get(github))
        .route("/integrations/github/repos", get(repos))
}

fn query(q: Result<Query<SearchQuery>, QueryRejection>) -> AppResult<SearchQuery> {
    q.map(|Query(q)| q)
        .map_err(|e| AppError::bad_request(format!("invalid query: {}", e.body_text())))
}

async fn jira(
    State(s): State<AppState>,
    ctx: TeamContext,
    q: Result<Query<SearchQuery>, QueryRejection>,
) -> AppResult<Json<SearchResults>> {
    Ok(Json(search::jira(&s, &ctx, query(q)?).await?))
}

async fn github(
    State(s): State<AppState>,
    ctx: TeamContext,
    q: Result<Query<SearchQuery>, QueryRejection>,
) -> AppResult<Json<SearchResults>> {
    Ok(Json(search::github(&s, &ctx, query(q)?).await?))
}

async fn repos(State(s): State<AppState>, ctx: TeamContext) -> AppResult<Json<Vec<Repo>>> {
    Ok(Json(
        search::github_repos(
            &s,
            ctx.person("list GitHub repositories through a connection")?,
        )
        .await?,
    ))
}
