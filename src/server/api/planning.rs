//! `/api/sprints`, `/api/deployment-groups` (with their releases, order and
//! rollout plan), `/api/releases/{id}/dependencies` and
//! `/api/dashboard/stats`.

use super::page_query;
use crate::domain::ids::{DependencyId, GroupId, ItemId, ReleaseId, SprintId};
use crate::server::access::TeamContext;
use crate::server::error::{ApiJson, AppError, AppResult};
use crate::server::services::dashboard::{self, DashboardStats};
use crate::server::services::dependencies::{self, DependencyInput};
use crate::server::services::groups::{self, AddRelease, GroupInput, Reorder};
use crate::server::services::items::ItemInput;
use crate::server::services::sprints::{self, SprintInput};
use crate::server::services::PageRequest;
use crate::server::state::AppState;
use crate::views::{
    DependencyView, DeploymentGroupView, GroupReleaseView, ItemView, Page, PlanView, SprintView,
};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(list_sprints, create_sprint))
        .routes(routes!(get_sprint, update_sprint, delete_sprint))
        .routes(routes!(list_groups, create_group))
        .routes(routes!(get_group, update_group, delete_group))
        .routes(routes!(group_releases, add_group_release))
        .routes(routes!(reorder_group))
        .routes(routes!(remove_group_release))
        .routes(routes!(group_plan))
        .routes(routes!(list_dependencies, add_dependency))
        .routes(routes!(remove_dependency))
        .routes(routes!(stats))
}

/// The `{id}` of a sprint.
const SPRINT_ID: &str = "The sprint's id";
/// The `{id}` of a deployment group.
const GROUP_ID: &str = "The deployment group's id";
/// The `{id}` of a release.
const RELEASE_ID: &str = "The release's id";

/// List sprints
///
/// Any member. Most recent start first.
#[utoipa::path(get, path = "/sprints", tag = "planning", params(PageRequest),
    responses((status = 200, description = "A page of sprints", body = Page<SprintView>)))]
async fn list_sprints(
    State(s): State<AppState>,
    ctx: TeamContext,
    q: Result<Query<PageRequest>, QueryRejection>,
) -> AppResult<Json<Page<SprintView>>> {
    Ok(Json(sprints::list(&s, &ctx, &page_query(q)?).await?))
}

/// Create a sprint
///
/// ADMIN and up. `name`, `startDate` and `endDate` are required; the status
/// defaults to PLANNING. A team has at most one ACTIVE sprint: creating a
/// second one is 409.
#[utoipa::path(post, path = "/sprints", tag = "planning", request_body = SprintInput,
    responses((status = 201, description = "Created", body = SprintView),
        (status = 409, description = "Another sprint is already ACTIVE", body = crate::server::error::ErrorBody)))]
async fn create_sprint(
    State(s): State<AppState>,
    ctx: TeamContext,
    ApiJson(body): ApiJson<SprintInput>,
) -> AppResult<(StatusCode, Json<SprintView>)> {
    Ok((
        StatusCode::CREATED,
        Json(sprints::create(&s, &ctx.admin("manage sprints")?, body).await?),
    ))
}

/// One sprint
///
/// Any member.
#[utoipa::path(get, path = "/sprints/{id}", tag = "planning",
    params(("id" = String, Path, description = SPRINT_ID)),
    responses((status = 200, description = "The sprint", body = SprintView)))]
async fn get_sprint(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<SprintId>,
) -> AppResult<Json<SprintView>> {
    Ok(Json(sprints::get(&s, &ctx, &id).await?))
}

/// Change a sprint
///
/// ADMIN and up. Absent fields stay. Making it ACTIVE while another sprint
/// is ACTIVE is 409.
#[utoipa::path(patch, path = "/sprints/{id}", tag = "planning", request_body = SprintInput,
    params(("id" = String, Path, description = SPRINT_ID)),
    responses((status = 200, description = "The changed sprint", body = SprintView),
        (status = 409, description = "Another sprint is already ACTIVE", body = crate::server::error::ErrorBody)))]
async fn update_sprint(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<SprintId>,
    ApiJson(body): ApiJson<SprintInput>,
) -> AppResult<Json<SprintView>> {
    Ok(Json(
        sprints::update(&s, &ctx.admin("manage sprints")?, &id, body).await?,
    ))
}

/// Delete a sprint
///
/// ADMIN and up. Its releases and deployment groups stay, unassigned.
#[utoipa::path(delete, path = "/sprints/{id}", tag = "planning",
    params(("id" = String, Path, description = SPRINT_ID)),
    responses((status = 204, description = "Deleted")))]
async fn delete_sprint(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<SprintId>,
) -> AppResult<StatusCode> {
    sprints::delete(&s, &ctx.admin("manage sprints")?, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// List deployment groups
///
/// Any member. Newest first.
#[utoipa::path(get, path = "/deployment-groups", tag = "planning", params(PageRequest),
    responses((status = 200, description = "A page of deployment groups", body = Page<DeploymentGroupView>)))]
async fn list_groups(
    State(s): State<AppState>,
    ctx: TeamContext,
    q: Result<Query<PageRequest>, QueryRejection>,
) -> AppResult<Json<Page<DeploymentGroupView>>> {
    Ok(Json(groups::list(&s, &ctx, &page_query(q)?).await?))
}

/// Create a deployment group
///
/// ADMIN and up. `name` is required; the order defaults to SEQUENTIAL.
#[utoipa::path(post, path = "/deployment-groups", tag = "planning", request_body = GroupInput,
    responses((status = 201, description = "Created", body = DeploymentGroupView)))]
async fn create_group(
    State(s): State<AppState>,
    ctx: TeamContext,
    ApiJson(body): ApiJson<GroupInput>,
) -> AppResult<(StatusCode, Json<DeploymentGroupView>)> {
    Ok((
        StatusCode::CREATED,
        Json(groups::create(&s, &ctx.admin("manage deployment groups")?, body).await?),
    ))
}

/// One deployment group
///
/// Any member.
#[utoipa::path(get, path = "/deployment-groups/{id}", tag = "planning",
    params(("id" = String, Path, description = GROUP_ID)),
    responses((status = 200, description = "The deployment group", body = DeploymentGroupView)))]
async fn get_group(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<GroupId>,
) -> AppResult<Json<DeploymentGroupView>> {
    Ok(Json(groups::get(&s, &ctx, &id).await?))
}

/// Change a deployment group
///
/// ADMIN and up. Absent fields stay, `null` or empty clears.
#[utoipa::path(patch, path = "/deployment-groups/{id}", tag = "planning", request_body = GroupInput,
    params(("id" = String, Path, description = GROUP_ID)),
    responses((status = 200, description = "The changed deployment group", body = DeploymentGroupView)))]
async fn update_group(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<GroupId>,
    ApiJson(body): ApiJson<GroupInput>,
) -> AppResult<Json<DeploymentGroupView>> {
    Ok(Json(
        groups::update(&s, &ctx.admin("manage deployment groups")?, &id, body).await?,
    ))
}

/// Delete a deployment group
///
/// ADMIN and up. Its releases stay, ungrouped.
#[utoipa::path(delete, path = "/deployment-groups/{id}", tag = "planning",
    params(("id" = String, Path, description = GROUP_ID)),
    responses((status = 204, description = "Deleted")))]
async fn delete_group(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<GroupId>,
) -> AppResult<StatusCode> {
    groups::delete(&s, &ctx.admin("manage deployment groups")?, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A deployment group's releases
///
/// Any member. In deployment order, with 1-based positions, all in one page.
#[utoipa::path(get, path = "/deployment-groups/{id}/releases", tag = "planning",
    params(("id" = String, Path, description = GROUP_ID), PageRequest),
    responses((status = 200, description = "The group's releases, in order", body = Page<GroupReleaseView>)))]
async fn group_releases(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<GroupId>,
    q: Result<Query<PageRequest>, QueryRejection>,
) -> AppResult<Json<Page<GroupReleaseView>>> {
    let page = page_query(q)?;
    let all = groups::releases(&s, &ctx, &id).await?;
    Ok(Json(page.slice(all, |g| g.release.id.to_string())?))
}

/// Add a release to a deployment group
///
/// MEMBER and up. The release goes last in the group's order and leaves any
/// other group it was in. A full group is 400.
#[utoipa::path(post, path = "/deployment-groups/{id}/releases", tag = "planning", request_body = AddRelease,
    params(("id" = String, Path, description = GROUP_ID)),
    responses((status = 201, description = "The group's releases, in order", body = Page<GroupReleaseView>)))]
async fn add_group_release(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<GroupId>,
    ApiJson(body): ApiJson<AddRelease>,
) -> AppResult<(StatusCode, Json<Page<GroupReleaseView>>)> {
    Ok((
        StatusCode::CREATED,
        Json(Page {
            items: groups::add_release(
                &s,
                &ctx.editor("change a deployment group's releases")?,
                &id,
                body,
            )
            .await?,
            next_cursor: None,
        }),
    ))
}

/// Remove a release from a deployment group
///
/// MEMBER and up. The release stays, ungrouped.
#[utoipa::path(delete, path = "/deployment-groups/{id}/releases/{release_id}", tag = "planning",
    params(("id" = String, Path, description = GROUP_ID),
        ("release_id" = String, Path, description = "The id of a release in the group")),
    responses((status = 204, description = "Removed")))]
async fn remove_group_release(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path((id, release_id)): Path<(GroupId, ReleaseId)>,
) -> AppResult<StatusCode> {
    groups::remove_release(
        &s,
        &ctx.editor("change a deployment group's releases")?,
        &id,
        &release_id,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Reorder a deployment group
///
/// MEMBER and up. `releaseIds` lists every release of the group exactly
/// once, in the new order.
#[utoipa::path(put, path = "/deployment-groups/{id}/releases/order", tag = "planning", request_body = Reorder,
    params(("id" = String, Path, description = GROUP_ID)),
    responses((status = 200, description = "The group's releases, in the new order", body = Page<GroupReleaseView>)))]
async fn reorder_group(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<GroupId>,
    ApiJson(body): ApiJson<Reorder>,
) -> AppResult<Json<Page<GroupReleaseView>>> {
    Ok(Json(Page {
        items: groups::reorder(
            &s,
            &ctx.editor("change a deployment group's releases")?,
            &id,
            body,
        )
        .await?,
        next_cursor: None,
    }))
}

/// A deployment group's rollout plan
///
/// Any member. Ordered steps (or waves, for SIMULTANEOUS) from the group's
/// order and its releases' dependencies, with each release's readiness.
#[utoipa::path(get, path = "/deployment-groups/{id}/plan", tag = "planning",
    params(("id" = String, Path, description = GROUP_ID)),
    responses((status = 200, description = "The rollout plan", body = PlanView)))]
async fn group_plan(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<GroupId>,
) -> AppResult<Json<PlanView>> {
    Ok(Json(groups::plan(&s, &ctx, &id).await?))
}

/// A release's dependencies
///
/// Any member. What the release depends on, oldest first, all in one page.
#[utoipa::path(get, path = "/releases/{id}/dependencies", tag = "planning",
    params(("id" = String, Path, description = RELEASE_ID), PageRequest),
    responses((status = 200, description = "The release's dependencies", body = Page<DependencyView>)))]
async fn list_dependencies(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<ReleaseId>,
    q: Result<Query<PageRequest>, QueryRejection>,
) -> AppResult<Json<Page<DependencyView>>> {
    let page = page_query(q)?;
    let all = dependencies::list(&s, &ctx, &id).await?.items;
    Ok(Json(page.slice(all, |d| d.id.to_string())?))
}

/// Add a dependency
///
/// MEMBER and up. The release comes to depend on `dependsOnId`. A release
/// cannot depend on itself (400); a duplicate or an edge that would close a
/// cycle is 409, naming it.
#[utoipa::path(post, path = "/releases/{id}/dependencies", tag = "planning", request_body = DependencyInput,
    params(("id" = String, Path, description = RELEASE_ID)),
    responses((status = 201, description = "Created", body = DependencyView),
        (status = 409, description = "The dependency exists already or would close a cycle", body = crate::server::error::ErrorBody)))]
async fn add_dependency(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<ReleaseId>,
    ApiJson(body): ApiJson<DependencyInput>,
) -> AppResult<(StatusCode, Json<DependencyView>)> {
    Ok((
        StatusCode::CREATED,
        Json(dependencies::create(&s, &ctx.editor("change dependencies")?, &id, body).await?),
    ))
}

/// Remove a dependency
///
/// MEMBER and up.
#[utoipa::path(delete, path = "/releases/{id}/dependencies/{dependency_id}", tag = "planning",
    params(("id" = String, Path, description = RELEASE_ID),
        ("dependency_id" = String, Path, description = "The dependency's id")),
    responses((status = 204, description = "Removed")))]
async fn remove_dependency(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path((id, dependency_id)): Path<(ReleaseId, DependencyId)>,
) -> AppResult<StatusCode> {
    dependencies::delete(&s, &ctx.editor("change dependencies")?, &id, &dependency_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `?days=` (1–365, default 30).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct StatsQuery {
    /// The window of the DORA figures, in days: 1–365 (default 30).
    days: Option<i64>,
}

/// Dashboard figures
///
/// Any member. Where the team's releases are now, and the four DORA figures
/// over the last `days` days.
#[utoipa::path(get, path = "/dashboard/stats", tag = "planning", params(StatsQuery),
    responses((status = 200, description = "The dashboard figures", body = DashboardStats)))]
async fn stats(
    State(s): State<AppState>,
    ctx: TeamContext,
    q: Result<Query<StatsQuery>, QueryRejection>,
) -> AppResult<Json<DashboardStats>> {
    let Query(q) =
        q.map_err(|e| AppError::bad_request(format!("invalid query: {}", e.body_text())))?;
    Ok(Json(
        dashboard::stats(&s, &ctx, q.days.unwrap_or(30)).await?,
    ))
}

pub(super) fn items_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(list_items, add_item))
        // Sync now for a whole release (beyond `API.md`'s per-item route).
        .routes(routes!(sync_items))
        .routes(routes!(remove_item))
        .routes(routes!(sync_item))
}

/// The `{item_id}` of a linked item.
const ITEM_ID: &str = "The linked item's id";

/// A release's linked items
///
/// Any member. Its Jira tickets and GitHub pull requests with their cached
/// state, oldest first, all in one page.
#[utoipa::path(get, path = "/releases/{id}/items", tag = "planning",
    params(("id" = String, Path, description = RELEASE_ID), PageRequest),
    responses((status = 200, description = "The release's items", body = Page<ItemView>)))]
async fn list_items(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<ReleaseId>,
    q: Result<Query<PageRequest>, QueryRejection>,
) -> AppResult<Json<Page<crate::views::ItemView>>> {
    let page = page_query(q)?;
    let all = crate::server::services::items::list(&s, &ctx, &id)
        .await?
        .items;
    Ok(Json(page.slice(all, |i| i.id.to_string())?))
}

/// Link an item
///
/// MEMBER and up, as a person (a token cannot link items). Links a Jira
/// ticket or GitHub pull request, fetching its title, status, assignee and
/// link through the caller's own connection; 404 when the provider does not
/// show it to them.
#[utoipa::path(post, path = "/releases/{id}/items", tag = "planning", request_body = ItemInput,
    params(("id" = String, Path, description = RELEASE_ID)),
    responses((status = 201, description = "Linked", body = ItemView),
        (status = 409, description = "The item is already linked to this release", body = crate::server::error::ErrorBody),
        (status = 502, description = "Jira or GitHub failed", body = crate::server::error::ErrorBody),
        (status = 503, description = "Jira or GitHub is rate limiting requests", body = crate::server::error::ErrorBody)))]
async fn add_item(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<ReleaseId>,
    ApiJson(body): ApiJson<crate::server::services::items::ItemInput>,
) -> AppResult<(StatusCode, Json<crate::views::ItemView>)> {
    Ok((
        StatusCode::CREATED,
        Json(crate::server::services::items::add(&s, &ctx.editor("link items")?, &id, body).await?),
    ))
}

/// Unlink an item
///
/// MEMBER and up.
#[utoipa::path(delete, path = "/releases/{id}/items/{item_id}", tag = "planning",
    params(("id" = String, Path, description = RELEASE_ID), ("item_id" = String, Path, description = ITEM_ID)),
    responses((status = 204, description = "Unlinked")))]
async fn remove_item(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path((id, item_id)): Path<(ReleaseId, ItemId)>,
) -> AppResult<StatusCode> {
    crate::server::services::items::remove(&s, &ctx.editor("unlink items")?, &id, &item_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sync an item now
///
/// MEMBER and up, as a person (a token cannot sync). Refreshes the item's
/// cached state through the caller's connection. A provider that is down or
/// rate limiting keeps the cached state and says why in `syncError`; a
/// missing or unusable connection is 400.
#[utoipa::path(post, path = "/releases/{id}/items/{item_id}/sync", tag = "planning",
    params(("id" = String, Path, description = RELEASE_ID), ("item_id" = String, Path, description = ITEM_ID)),
    responses((status = 200, description = "The item", body = ItemView)))]
async fn sync_item(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path((id, item_id)): Path<(ReleaseId, ItemId)>,
) -> AppResult<Json<crate::views::ItemView>> {
    Ok(Json(
        crate::server::services::items::sync(&s, &ctx.editor("sync linked items")?, &id, &item_id)
            .await?,
    ))
}

/// Sync all of a release's items now
///
/// MEMBER and up, as a person (a token cannot sync). Refreshes every linked
/// item through the caller's connections, as the per-item sync does.
#[utoipa::path(post, path = "/releases/{id}/items/sync", tag = "planning",
    params(("id" = String, Path, description = RELEASE_ID)),
    responses((status = 200, description = "The release's items", body = Page<ItemView>)))]
async fn sync_items(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<ReleaseId>,
) -> AppResult<Json<Page<crate::views::ItemView>>> {
    Ok(Json(
        crate::server::services::items::sync_release(&s, &ctx.editor("sync linked items")?, &id)
            .await?,
    ))
}
