//! Releases: create, read with filters, update (fields and status, through
//! the state machine), delete. Every change writes its activity rows in the
//! same transaction and bumps `revision` with a compare-and-set, so two
//! concurrent changes end in one success and one 409, never a lost update.
//!
//! - this file: the view of a row, reading one or a page, the input shape,
//!   deleting, and the Slack notices a change queues;
//! - [`filter`]: the filters of `GET /api/releases` as one SQL condition;
//! - [`create`](mod@create): a new release and its first placements;
//! - [`update`](mod@update): the update rules (one release, or the filtered
//!   board into a sprint in one transaction);
//! - [`board`](mod@board): the board's columns, the deploy queue and what is
//!   blocked.

mod board;
mod bulk;
mod create;
mod filter;
mod update;

pub use board::{blocked, board, deploy_queue, BOARD_LIMIT};
pub use bulk::assign_sprint;
pub use create::create;
pub(crate) use create::create_in;
pub use filter::ReleaseFilter;
pub(crate) use filter::{blocked_condition, conditions, like_pattern};
pub(crate) use update::apply_update;
pub use update::{unresolved_blockers, update};

use crate::domain::activity::release_label;
use crate::domain::ids::ReleaseId;
use crate::domain::status::{Priority, ReleaseStatus};
use crate::server::access::{Editor, TeamContext};
use crate::server::db::entities::{release, service, team_member, user};
use crate::server::db::scoped::TeamOwned;
use crate::server::db::{self};
use crate::server::error::{AppError, AppResult};
use crate::server::services::activity::{self, Change, NewActivity};
use crate::server::services::{ts, PageRequest};
use crate::server::state::AppState;
use crate::views::{Page, ReleaseView};
use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;

impl From<release::Model> for ReleaseView {
    fn from(r: release::Model) -> Self {
        Self {
            status: r.status,
            priority: r.priority,
            id: r.id,
            team_id: r.team_id,
            service_id: r.service_id,
            title: r.title,
            version: r.version,
            description: r.description,
            owner_id: r.owner_id,
            sprint_id: r.sprint_id,
            deployment_group_id: r.deployment_group_id,
            target_date: r.target_date,
            is_blocked: r.is_blocked,
            blocked_reason: r.blocked_reason,
            staging_deployed_at: r.staging_deployed_at.map(ts),
            production_deployed_at: r.production_deployed_at.map(ts),
            revision: r.revision,
            created_at: ts(r.created_at),
            updated_at: ts(r.updated_at),
        }
    }
}

/// Lists releases, newest first.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id()))]
pub async fn list(
    state: &AppState,
    ctx: &TeamContext,
    f: &ReleaseFilter,
) -> AppResult<Page<ReleaseView>> {
    let page = PageRequest {
        limit: f.limit,
        cursor: f.cursor.clone(),
    };
    let mut cond = conditions(ctx, f)?;
    if let Some(c) = &page.cursor {
        cond = cond.add(release::Column::Id.lt(c.as_str()));
    }
    let rows = release::Entity::find_in(ctx)
        .filter(cond)
        .order_by_desc(release::Column::Id)
        .limit(page.limit()? + 1)
        .all(&state.db)
        .await?;
    page.page(
        rows.into_iter().map(ReleaseView::from).collect(),
        |r: &ReleaseView| r.id.to_string(),
    )
}

/// How many releases match the filters (the list's total; its cursor and
/// limit play no part). One indexed `COUNT` within the team.
pub async fn count(state: &AppState, ctx: &TeamContext, f: &ReleaseFilter) -> AppResult<u64> {
    use sea_orm::PaginatorTrait;
    Ok(release::Entity::find_in(ctx)
        .filter(conditions(ctx, f)?)
        .count(&state.db)
        .await?)
}

pub(crate) async fn find(
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
    id: &ReleaseId,
) -> AppResult<release::Model> {
    release::Entity::find_by_id_in(ctx, id.to_string())
        .one(conn)
        .await?
        .ok_or_else(|| AppError::not_found("release"))
}

/// One release.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), id = %id))]
pub async fn get(state: &AppState, ctx: &TeamContext, id: &ReleaseId) -> AppResult<ReleaseView> {
    Ok(find(&state.db, ctx, id).await?.into())
}

/// Create and update input; on update absent fields stay, `null` clears.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReleaseInput {
    /// The service (create only).
    pub service_id: Option<crate::domain::ids::ServiceId>,
    /// Title.
    pub title: Option<String>,
    /// Version string.
    pub version: Option<String>,
    /// Markdown.
    pub description: Option<String>,
    /// New status (update only): moves along the state machine. An
    /// unknown value is refused when the body is read (400 naming `status`).
    pub status: Option<ReleaseStatus>,
    /// Priority (an unknown value: 400 naming `priority`, at the edge).
    pub priority: Option<Priority>,
    /// Owner.
    #[serde(default, deserialize_with = "crate::server::services::double_option")]
    pub owner_id: Option<Option<crate::domain::ids::UserId>>,
    /// Target date `YYYY-MM-DD`.
    #[serde(default, deserialize_with = "crate::server::services::double_option")]
    pub target_date: Option<Option<String>>,
    /// Blocked by hand.
    pub is_blocked: Option<bool>,
    /// The sprint (`null` or empty removes it).
    #[serde(default, deserialize_with = "crate::server::services::double_option")]
    pub sprint_id: Option<Option<crate::domain::ids::SprintId>>,
    /// The deployment group (`null` or empty removes it; joining puts the
    /// release last in the group's order).
    #[serde(default, deserialize_with = "crate::server::services::double_option")]
    pub deployment_group_id: Option<Option<crate::domain::ids::GroupId>>,
    /// Why.
    #[serde(default, deserialize_with = "crate::server::services::double_option")]
    pub blocked_reason: Option<Option<String>>,
    /// The revision this change is based on; stale → 409.
    pub revision: Option<i64>,
    /// With `status`: ADMIN+ moves past the freeze, approval and readiness
    /// checks (never the state machine or a blocker), with a reason.
    #[serde(rename = "override")]
    pub policy_override: Option<crate::server::services::policy::Override>,
}

pub(crate) fn parse_date(v: &str) -> AppResult<NaiveDate> {
    NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").map_err(|_| {
        AppError::invalid_field("targetDate", "targetDate must be a date like 2026-12-04")
    })
}

pub(crate) async fn check_owner(
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
    owner: &crate::domain::ids::UserId,
) -> AppResult<()> {
    let member = team_member::Entity::find_in(ctx)
        .filter(team_member::Column::UserId.eq(owner))
        .one(conn)
        .await?;
    member.map(|_| ()).ok_or_else(|| {
        AppError::invalid_field("ownerId", "the owner must be a member of this team")
    })
}

pub(crate) async fn user_name(
    conn: &impl ConnectionTrait,
    id: &crate::domain::ids::UserId,
) -> AppResult<String> {
    Ok(user::Entity::find_by_id(id.to_string())
        .one(conn)
        .await?
        .map(|u| u.name)
        .unwrap_or_else(|| "someone".into()))
}

/// Deletes a release (MEMBER+); its activity stays, detached.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), id = %id))]
pub async fn delete(state: &AppState, ctx: &Editor<'_>, id: &ReleaseId) -> AppResult<()> {
    let txn = db::begin_write(&state.db).await?;
    let cur = find(&txn, ctx, id).await?;
    let svc_name = service::Entity::find_by_id_in(ctx, cur.service_id.clone())
        .one(&txn)
        .await?
        .map(|s| s.name)
        .unwrap_or_default();
    let ev = activity::record(
        &txn,
        ctx,
        NewActivity::on(
            id,
            Change::Deleted {
                release: release_label(&cur.title, &cur.version),
                title: cur.title.clone(),
                service: svc_name,
                deleted: true,
            },
        ),
    )
    .await?;
    release::Entity::delete_many_in(ctx)
        .filter(release::Column::Id.eq(cur.id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    state.events.publish([ev]);
    Ok(())
}

/// Slack notices for a change (status move, manual block or unblock),
/// queued in the change's transaction.
async fn notify_change(
    state: &AppState,
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
    before: &release::Model,
    after: &release::Model,
    service_name: &str,
    extra: Vec<crate::server::integrations::slack::Notice>,
) -> AppResult<usize> {
    use crate::server::integrations::slack::{Notice, ReleaseInfo};
    let mut notices = vec![];
    if before.status != after.status {
        let from: ReleaseStatus = before.status;
        let to: ReleaseStatus = after.status;
        let by = ctx.user_name().to_string();
        notices.push(
            if matches!(
                to,
                ReleaseStatus::ReadyStaging | ReleaseStatus::ReadyProduction
            ) {
                Notice::ReadyToDeploy { from, to, by }
            } else {
                Notice::StatusChanged { from, to, by }
            },
        );
    }
    if before.is_blocked != after.is_blocked {
        notices.push(if after.is_blocked {
            Notice::Blocked {
                reason: after.blocked_reason.clone(),
                by: ctx.user_name().to_string(),
            }
        } else {
            Notice::Unblocked {
                by: ctx.user_name().to_string(),
            }
        });
    }
    notices.extend(extra);
    if notices.is_empty() {
        return Ok(0);
    }
    let owner = match &after.owner_id {
        Some(o) => Some(user_name(conn, o).await?),
        None => None,
    };
    let info = ReleaseInfo {
        id: after.id.clone(),
        title: after.title.clone(),
        version: after.version.clone(),
        service: service_name.to_string(),
        owner,
    };
    crate::server::services::notify::enqueue(
        conn,
        ctx.team_id(),
        &state.public_url,
        &info,
        &notices,
    )
    .await
}
