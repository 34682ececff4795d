//! `/api/services`.

use super::page_query;
use crate::domain::ids::ServiceId;
use crate::server::access::TeamContext;
use crate::server::error::{ApiJson, AppResult};
use crate::server::services::catalog::{self, ServiceInput};
use crate::server::services::PageRequest;
use crate::server::state::AppState;
use crate::views::{Page, ServiceView};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/services", get(list).post(create))
        .route("/services/{id}", get(get_one).patch(update).delete(remove))
}

async fn list(
    State(s): State<AppState>,
    ctx: TeamContext,
    q: Result<Query<PageRequest>, QueryRejection>,
) -> AppResult<Json<Page<ServiceView>>> {
    Ok(Json(catalog::list(&s, &ctx, &page_query(q)?).await?))
}

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

async fn get_one(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<ServiceId>,
) -> AppResult<Json<ServiceView>> {
    Ok(Json(catalog::get(&s, &ctx, &id).await?))
}

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

async fn remove(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<ServiceId>,
) -> AppResult<StatusCode> {
    catalog::delete(&s, &ctx.admin("delete services")?, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
