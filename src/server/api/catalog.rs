//! `/api/services`, and `/api/search` over everything of the team.

use super::page_query;
use crate::domain::ids::ServiceId;
use crate::server::access::TeamContext;
use crate::server::error::{ApiJson, AppError, AppResult};
use crate::server::services::catalog::{self, ServiceInput};
use crate::server::services::team_search::{self, FindQuery};
use crate::server::services::PageRequest;
use crate::server::state::AppState;
use crate::views::{Page, SearchResults, ServiceView};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(list, create))
        .routes(routes!(get_one, update, remove))
        .routes(routes!(search))
}

/// The `{id}` of a service.
const SERVICE_ID: &str = "The service's id";

/// Search the team
///
/// Any member. Releases (by title and version), services (name, slug),
/// sprints, deployment groups and people (name, email) of the current team
/// whose words start with the words of `q` — all of them — best matches
/// first. A blank `q` finds nothing.
#[utoipa::path(get, path = "/search", tag = "catalog", params(FindQuery),
    responses((status = 200, description = "The hits, best first", body = SearchResults)))]
async fn search(
    State(s): State<AppState>,
    ctx: TeamContext,
    q: Result<Query<FindQuery>, QueryRejection>,
) -> AppResult<Json<SearchResults>> {
    let Query(q) =
        q.map_err(|e| AppError::bad_request(format!("invalid query: {}", e.body_text())))?;
    Ok(Json(team_search::find(&s, &ctx, &q).await?))
}

/// List services
///
/// Any member.
#[utoipa::path(get, path = "/services", tag = "catalog", params(PageRequest),
    responses((status = 200, description = "A page of services", body = Page<ServiceView>)))]
async fn list(
    State(s): State<AppState>,
    ctx: TeamContext,
    q: Result<Query<PageRequest>, QueryRejection>,
) -> AppResult<Json<Page<ServiceView>>> {
    Ok(Json(catalog::list(&s, &ctx, &page_query(q)?).await?))
}

/// Create a service
///
/// ADMIN and up. `name` is required; `slug` is derived from it when
/// absent and is unique in the team.
#[utoipa::path(post, path = "/services", tag = "catalog", request_body = ServiceInput,
    responses((status = 201, description = "Created", body = ServiceView),
        (status = 409, description = "Another service of the team has that slug", body = crate::server::error::ErrorBody)))]
async fn create(
    State(s): State<AppState>,
    ctx: TeamContext,
    ApiJson(body): ApiJson<ServiceInput>,
) -> AppResult<(StatusCode, Json<ServiceView>)> {
    Ok((
        StatusCode::CREATED,
        Json(catalog::create(&s, &ctx.admin("create services")?, body).await?),
    ))
}

/// One service
///
/// Any member.
#[utoipa::path(get, path = "/services/{id}", tag = "catalog",
    params(("id" = String, Path, description = SERVICE_ID)),
    responses((status = 200, description = "The service", body = ServiceView)))]
async fn get_one(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<ServiceId>,
) -> AppResult<Json<ServiceView>> {
    Ok(Json(catalog::get(&s, &ctx, &id).await?))
}

/// Change a service
///
/// ADMIN and up. Absent fields stay; `null` or empty clears `githubRepo`
/// and `jiraProjectKey`.
#[utoipa::path(patch, path = "/services/{id}", tag = "catalog", request_body = ServiceInput,
    params(("id" = String, Path, description = SERVICE_ID)),
    responses((status = 200, description = "The changed service", body = ServiceView),
        (status = 409, description = "Another service of the team has that slug", body = crate::server::error::ErrorBody)))]
async fn update(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<ServiceId>,
    ApiJson(body): ApiJson<ServiceInput>,
) -> AppResult<Json<ServiceView>> {
    Ok(Json(
        catalog::update(&s, &ctx.admin("edit services")?, &id, body).await?,
    ))
}

/// Delete a service
///
/// ADMIN and up. Its releases go with it.
#[utoipa::path(delete, path = "/services/{id}", tag = "catalog",
    params(("id" = String, Path, description = SERVICE_ID)),
    responses((status = 204, description = "Deleted")))]
async fn remove(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<ServiceId>,
) -> AppResult<StatusCode> {
    catalog::delete(&s, &ctx.admin("delete services")?, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
