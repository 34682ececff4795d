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
use crate::server::services::sprints::{self, SprintInput};
use crate::server::services::PageRequest;
use crate::server::state::AppState;
use crate::views::{
    DependencyView, DeploymentGroupView, GroupReleaseView, Page, PlanView, SprintView,
};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, put};
use axum::{Json, Router};
use serde::Deserialize;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/sprints", get(list_sprints).post(create_sprint))
        .route(
            "/sprints/{id}",
            get(get_sprint).patch(update_sprint).delete(delete_sprint),
        )
        .route("/deployment-groups", get(list_groups).post(create_group))
        .route(
            "/deployment-groups/{id}",
            get(get_group).patch(update_group).delete(delete_group),
        )
        .route(
            "/deployment-groups/{id}/releases",
            get(group_releases).post(add_group_release),
        )
        .route("/deployment-groups/{id}/releases/order", put(reorder_group))
        .route(
            "/deployment-groups/{id}/releases/{release_id}",
            delete(remove_group_release),
        )
        .route("/deployment-groups/{id}/plan", get(group_plan))
        .route(
            "/releases/{id}/dependencies",
            get(list_dependencies).post(add_dependency),
        )
        .route(
            "/releases/{id}/dependencies/{dependency_id}",
            delete(remove_dependency),
        )
        .route("/dashboard/stats", get(stats))
}

async fn list_sprints(
    State(s): State<AppState>,
    ctx: TeamContext,
    q: Result<Query<PageRequest>, QueryRejection>,
) -> AppResult<Json<Page<SprintView>>> {
    Ok(Json(sprints::list(&s, &ctx, &page_query(q)?).await?))
}

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

async fn get_sprint(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<SprintId>,
) -> AppResult<Json<SprintView>> {
    Ok(Json(sprints::get(&s, &ctx, &id).await?))
}

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

async fn delete_sprint(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<SprintId>,
) -> AppResult<StatusCode> {
    sprints::delete(&s, &ctx.admin("manage sprints")?, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn list_groups(
    State(s): State<AppState>,
    ctx: TeamContext,
    q: Result<Query<PageRequest>, QueryRejection>,
) -> AppResult<Json<Page<DeploymentGroupView>>> {
    Ok(Json(groups::list(&s, &ctx, &page_query(q)?).await?))
}

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

async fn get_group(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<GroupId>,
) -> AppResult<Json<DeploymentGroupView>> {
    Ok(Json(groups::get(&s, &ctx, &id).await?))
}

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

async fn delete_group(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<GroupId>,
) -> AppResult<StatusCode> {
    groups::delete(&s, &ctx.admin("manage deployment groups")?, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn group_releases(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<GroupId>,
) -> AppResult<Json<Page<GroupReleaseView>>> {
    Ok(Json(Page {
        items: groups::releases(&s, &ctx, &id).await?,
        next_cursor: None,
    }))
}

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

async fn group_plan(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<GroupId>,
) -> AppResult<Json<PlanView>> {
    Ok(Json(groups::plan(&s, &ctx, &id).await?))
}

async fn list_dependencies(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<ReleaseId>,
) -> AppResult<Json<Page<DependencyView>>> {
    Ok(Json(dependencies::list(&s, &ctx, &id).await?))
}

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

async fn remove_dependency(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path((id, dependency_id)): Path<(ReleaseId, DependencyId)>,
) -> AppResult<StatusCode> {
    dependencies::delete(&s, &ctx.editor("change dependencies")?, &id, &dependency_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `?days=` (1–365, default 30).
#[derive(Debug, Deserialize)]
struct StatsQuery {
    days: Option<i64>,
}

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

pub(super) fn items_router() -> Router<AppState> {
    Router::new()
        .route("/releases/{id}/items", get(list_items).post(add_item))
        // Sync now for a whole release (beyond `API.md`'s per-item route).
        .route("/releases/{id}/items/sync", axum::routing::post(sync_items))
        .route("/releases/{id}/items/{item_id}", delete(remove_item))
        .route(
            "/releases/{id}/items/{item_id}/sync",
            axum::routing::post(sync_item),
        )
}

async fn list_items(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<ReleaseId>,
) -> AppResult<Json<Page<crate::views::ItemView>>> {
    Ok(Json(
        crate::server::services::items::list(&s, &ctx, &id).await?,
    ))
}

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

async fn remove_item(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path((id, item_id)): Path<(ReleaseId, ItemId)>,
) -> AppResult<StatusCode> {
    crate::server::services::items::remove(&s, &ctx.editor("unlink items")?, &id, &item_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

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
