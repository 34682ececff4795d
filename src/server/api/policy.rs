//! Release policy over HTTP: `/api/freezes`, the team's rules
//! (`/api/team/policy`), approvals, and what a move would meet
//! (`/api/releases/{id}/checks`).

use super::page_query;
use crate::domain::ids::{ApprovalId, FreezeId, ReleaseId};
use crate::domain::policy::Policy;
use crate::domain::status::ReleaseStatus;
use crate::server::access::TeamContext;
use crate::server::error::{ApiJson, AppError, AppResult};
use crate::server::services::freezes::{self, FreezeInput};
use crate::server::services::policy::{self, ApprovalInput};
use crate::server::services::PageRequest;
use crate::server::state::AppState;
use crate::views::{ApprovalView, FreezeView, MoveChecks, Page};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(list, create))
        .routes(routes!(active))
        .routes(routes!(get_one, update, remove))
        .routes(routes!(checks))
        .routes(routes!(get_policy, put_policy))
        .routes(routes!(list_approvals, approve))
        .routes(routes!(withdraw))
}

/// The release policy
///
/// Any member. The team's rules, one per target status: approvals
/// (how many, from which roles, with separation of duties) and readiness
/// gates (linked Jira tickets done, pull requests merged). A new team has
/// none.
#[utoipa::path(get, path = "/team/policy", tag = "policy",
    responses((status = 200, description = "The rules", body = Policy)))]
async fn get_policy(State(s): State<AppState>, ctx: TeamContext) -> AppResult<Json<Policy>> {
    Ok(Json(policy::get(&s, &ctx).await?))
}

/// Replace the release policy
///
/// ADMIN and up. The whole list of rules; omitted fields mean "not
/// required". Audited.
#[utoipa::path(put, path = "/team/policy", tag = "policy", request_body = Policy,
    responses((status = 200, description = "The rules now", body = Policy)))]
async fn put_policy(
    State(s): State<AppState>,
    ctx: TeamContext,
    ApiJson(body): ApiJson<Policy>,
) -> AppResult<Json<Policy>> {
    Ok(Json(
        policy::put(&s, &ctx.admin("change the release policy")?, body).await?,
    ))
}

/// A release's approvals
///
/// Any member. The approvals and rejections of the release's current
/// version (a version change voids them), oldest first.
#[utoipa::path(get, path = "/releases/{id}/approvals", tag = "policy",
    params(("id" = String, Path, description = "The release's id"), PageRequest),
    responses((status = 200, description = "The approvals", body = Page<ApprovalView>)))]
async fn list_approvals(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<ReleaseId>,
    q: Result<Query<PageRequest>, QueryRejection>,
) -> AppResult<Json<Page<ApprovalView>>> {
    let page = super::page_query(q)?;
    let all = policy::approvals(&s, &ctx, &id).await?;
    Ok(Json(page.slice(all, |a| a.id.to_string())?))
}

/// Approve or reject a move
///
/// A person (not a token) whose role the rule for `toStatus` names, and
/// — under separation of duties — neither the release's owner nor whoever
/// set its version (403 otherwise). A REJECT holds the move until its
/// author withdraws it. With no rule for `toStatus` the decision is
/// recorded, not required. Deciding again replaces your earlier decision.
#[utoipa::path(post, path = "/releases/{id}/approvals", tag = "policy", request_body = ApprovalInput,
    params(("id" = String, Path, description = "The release's id")),
    responses((status = 201, description = "Recorded", body = ApprovalView)))]
async fn approve(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<ReleaseId>,
    ApiJson(body): ApiJson<ApprovalInput>,
) -> AppResult<(StatusCode, Json<ApprovalView>)> {
    Ok((
        StatusCode::CREATED,
        Json(policy::approve(&s, &ctx.editor("approve releases")?, &id, body).await?),
    ))
}

/// Withdraw an approval or rejection
///
/// Its author only (MEMBER and up).
#[utoipa::path(delete, path = "/releases/{id}/approvals/{approval_id}", tag = "policy",
    params(("id" = String, Path, description = "The release's id"),
        ("approval_id" = String, Path, description = "The approval's id")),
    responses((status = 204, description = "Withdrawn")))]
async fn withdraw(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path((id, approval_id)): Path<(ReleaseId, ApprovalId)>,
) -> AppResult<StatusCode> {
    policy::withdraw(&s, &ctx.editor("withdraw approvals")?, &id, &approval_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `?toStatus=`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
struct ToStatus {
    /// The status the release would move into.
    #[param(value_type = ReleaseStatus)]
    to_status: String,
}

/// What a move would meet
///
/// Any member. Every check of moving the release into `toStatus` now —
/// the state machine, blockers, freezes in force — each with `ok` and why;
/// `allowed` when all pass. What the board and the release page show
/// before a move.
#[utoipa::path(get, path = "/releases/{id}/checks", tag = "policy",
    params(("id" = String, Path, description = "The release's id"), ToStatus),
    responses((status = 200, description = "The checks", body = MoveChecks)))]
async fn checks(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<ReleaseId>,
    q: Result<Query<ToStatus>, QueryRejection>,
) -> AppResult<Json<MoveChecks>> {
    let Query(q) =
        q.map_err(|e| AppError::bad_request(format!("invalid query: {}", e.body_text())))?;
    let to: ReleaseStatus = q.to_status.parse().map_err(|_| {
        AppError::invalid_field(
            "toStatus",
            format!(
                "toStatus must be a status such as DEPLOYED, not {}",
                crate::domain::quote(&q.to_status)
            ),
        )
    })?;
    Ok(Json(policy::checks(&s, &ctx, &id, to).await?))
}

/// The `{id}` of a freeze.
const FREEZE_ID: &str = "The freeze's id";

const MANAGE: &str = "manage freezes";

/// List freezes
///
/// Any member. Newest first; each says whether it is in force now.
#[utoipa::path(get, path = "/freezes", tag = "policy", params(PageRequest),
    responses((status = 200, description = "A page of freezes", body = Page<FreezeView>)))]
async fn list(
    State(s): State<AppState>,
    ctx: TeamContext,
    q: Result<Query<PageRequest>, QueryRejection>,
) -> AppResult<Json<Page<FreezeView>>> {
    Ok(Json(freezes::list(&s, &ctx, &page_query(q)?).await?))
}

/// Declare a freeze
///
/// ADMIN and up. While it is in force no release moves into its
/// environments (IN_STAGING for STAGING, DEPLOYED for PRODUCTION) for its
/// services. "Stop the line": `{name, reason}` alone — from now until
/// lifted. A weekly window: `recurrence` in `timezone`, e.g. every Friday
/// 15:00 to Monday 08:00 in Europe/Berlin.
#[utoipa::path(post, path = "/freezes", tag = "policy", request_body = FreezeInput,
    responses((status = 201, description = "Declared", body = FreezeView)))]
async fn create(
    State(s): State<AppState>,
    ctx: TeamContext,
    ApiJson(body): ApiJson<FreezeInput>,
) -> AppResult<(StatusCode, Json<FreezeView>)> {
    Ok((
        StatusCode::CREATED,
        Json(freezes::create(&s, &ctx.admin(MANAGE)?, body).await?),
    ))
}

/// `?at=`: a moment (RFC 3339); default now.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct At {
    /// The moment to ask about (RFC 3339); default: now.
    at: Option<String>,
}

/// Freezes in force
///
/// Any member. The freezes in force at `at` (default now), the one to
/// close soonest first.
#[utoipa::path(get, path = "/freezes/active", tag = "policy", params(At, PageRequest),
    responses((status = 200, description = "The freezes in force", body = Page<FreezeView>)))]
async fn active(
    State(s): State<AppState>,
    ctx: TeamContext,
    q: Result<Query<At>, QueryRejection>,
    p: Result<Query<PageRequest>, QueryRejection>,
) -> AppResult<Json<Page<FreezeView>>> {
    let Query(q) =
        q.map_err(|e| AppError::bad_request(format!("invalid query: {}", e.body_text())))?;
    let page = super::page_query(p)?;
    let items = freezes::active(&s, &ctx, q.at.as_deref()).await?;
    Ok(Json(page.slice(items, |f| f.id.to_string())?))
}

/// One freeze
///
/// Any member.
#[utoipa::path(get, path = "/freezes/{id}", tag = "policy",
    params(("id" = String, Path, description = FREEZE_ID)),
    responses((status = 200, description = "The freeze", body = FreezeView)))]
async fn get_one(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<FreezeId>,
) -> AppResult<Json<FreezeView>> {
    Ok(Json(freezes::get(&s, &ctx, &id).await?))
}

/// Change or lift a freeze
///
/// ADMIN and up. Absent fields stay. `endsAt` set to now (or earlier)
/// lifts it; `endsAt: null` makes it last until lifted.
#[utoipa::path(patch, path = "/freezes/{id}", tag = "policy", request_body = FreezeInput,
    params(("id" = String, Path, description = FREEZE_ID)),
    responses((status = 200, description = "The changed freeze", body = FreezeView)))]
async fn update(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<FreezeId>,
    ApiJson(body): ApiJson<FreezeInput>,
) -> AppResult<Json<FreezeView>> {
    Ok(Json(
        freezes::update(&s, &ctx.admin(MANAGE)?, &id, body).await?,
    ))
}

/// Delete a freeze
///
/// ADMIN and up.
#[utoipa::path(delete, path = "/freezes/{id}", tag = "policy",
    params(("id" = String, Path, description = FREEZE_ID)),
    responses((status = 204, description = "Deleted")))]
async fn remove(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<FreezeId>,
) -> AppResult<StatusCode> {
    freezes::delete(&s, &ctx.admin(MANAGE)?, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
