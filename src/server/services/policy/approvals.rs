//! Approvals of a release's version for a move: list, approve or reject
//! (as a person the rule names, under separation of duties), withdraw, and
//! voiding when the version changes. Every decision is audited.

use crate::domain::activity::{release_label, Change};
use crate::domain::ids::{ApprovalId, ReleaseId, UserId};
use crate::domain::policy::{self, Decision};
use crate::domain::roles::Role;
use crate::domain::status::ReleaseStatus;
use crate::domain::validation;
use crate::server::access::{Editor, TeamContext};
use crate::server::db::entities::{approval, release, team_member, user};
use crate::server::db::scoped::TeamOwned;
use crate::server::db::{self, new_id};
use crate::server::error::{AppError, AppResult};
use crate::server::services::activity::{self, NewActivity};
use crate::server::services::releases::{self};
use crate::server::services::ts;
use crate::server::state::AppState;
use crate::views::{ActivityView, ApprovalView};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde::Deserialize;
use std::collections::HashMap;

use super::rules;

/// The approvals of `r`'s current version (for every status), oldest first,
/// with each author's name and role now (a former member's counts for
/// nothing: no role).
pub(super) async fn approvals_of(
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
    r: &release::Model,
) -> AppResult<Vec<(approval::Model, String, Option<Role>)>> {
    let rows = approval::Entity::find_in(ctx)
        .filter(approval::Column::ReleaseId.eq(r.id.clone()))
        .filter(approval::Column::Version.eq(r.version.clone()))
        .order_by_asc(approval::Column::Id)
        .all(conn)
        .await?;
    if rows.is_empty() {
        return Ok(vec![]);
    }
    let ids: Vec<String> = rows.iter().map(|a| a.user_id.to_string()).collect();
    let names: HashMap<UserId, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(ids.clone()))
        .all(conn)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let roles: HashMap<UserId, Role> = team_member::Entity::find_in(ctx)
        .filter(team_member::Column::UserId.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|m| (m.user_id, m.role))
        .collect();
    Ok(rows
        .into_iter()
        .map(|a| {
            let name = names
                .get(&a.user_id)
                .cloned()
                .unwrap_or_else(|| "someone".into());
            let role = roles.get(&a.user_id).copied();
            (a, name, role)
        })
        .collect())
}

pub(super) fn view(a: approval::Model, user_name: String) -> ApprovalView {
    ApprovalView {
        decision: Decision::parse(&a.decision).unwrap_or(Decision::Reject),
        id: a.id,
        release_id: a.release_id,
        user_id: a.user_id,
        user_name,
        to_status: a.to_status,
        comment: a.comment,
        version: a.version,
        created_at: ts(a.created_at),
    }
}

/// `GET /api/releases/{id}/approvals` (any member): the current version's.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), release_id = %id))]
pub async fn approvals(
    state: &AppState,
    ctx: &TeamContext,
    id: &ReleaseId,
) -> AppResult<Vec<ApprovalView>> {
    let r = releases::find(&state.db, ctx, id).await?;
    Ok(approvals_of(&state.db, ctx, &r)
        .await?
        .into_iter()
        .map(|(a, name, _)| view(a, name))
        .collect())
}

/// `POST /api/releases/{id}/approvals`: `{toStatus, decision, comment}`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApprovalInput {
    /// The move it is about.
    pub to_status: ReleaseStatus,
    /// APPROVE or REJECT.
    pub decision: Decision,
    /// Why (up to 20,000 characters).
    #[serde(default)]
    pub comment: String,
}

/// Approves or rejects a move of the release's current version, as a
/// person whose role the rule names and who is neither its owner nor
/// whoever set its version (under separation of duties). A second decision
/// of the same person on the same move replaces the first. Audited.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), release_id = %id))]
pub async fn approve(
    state: &AppState,
    ctx: &Editor<'_>,
    id: &ReleaseId,
    input: ApprovalInput,
) -> AppResult<ApprovalView> {
    let me = ctx.person("approve releases")?.clone();
    let comment = validation::long_text("comment", &input.comment, validation::MAX_COMMENT)?;
    let txn = db::begin_write(&state.db).await?;
    let r = releases::find(&txn, ctx, id).await?;
    let rules = rules(&txn, ctx).await?;
    let rule = rules
        .rule_for(input.to_status)
        .and_then(|r| r.approvals.as_ref());
    policy::may_approve(
        rule,
        &me,
        ctx.role(),
        r.owner_id.as_ref(),
        r.version_set_by.as_ref(),
    )
    .map_err(AppError::Forbidden)?;
    approval::Entity::delete_many_in(ctx)
        .filter(approval::Column::ReleaseId.eq(r.id.clone()))
        .filter(approval::Column::UserId.eq(me.clone()))
        .filter(approval::Column::ToStatus.eq(input.to_status))
        .exec(&txn)
        .await?;
    let row = approval::ActiveModel {
        id: Set(new_id()),
        team_id: Set(ctx.team_id().clone()),
        release_id: Set(r.id.clone()),
        user_id: Set(me),
        to_status: Set(input.to_status),
        decision: Set(input.decision.as_str().into()),
        comment: Set(comment.clone()),
        version: Set(r.version.clone()),
        created_at: Set(db::now()),
    }
    .insert(&txn)
    .await?;
    let event = activity::record(
        &txn,
        ctx,
        NewActivity::on(
            &r.id,
            Change::Reviewed {
                release: release_label(&r.title, &r.version),
                approval_id: row.id.clone(),
                to_status: input.to_status,
                decision: input.decision,
                comment,
            },
        ),
    )
    .await?;
    txn.commit().await?;
    state.events.publish([event]);
    state.outbox_wake.notify_one();
    Ok(view(row, ctx.user_name().to_string()))
}

/// Withdraws an approval or rejection: its author only. Audited.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), release_id = %id))]
pub async fn withdraw(
    state: &AppState,
    ctx: &Editor<'_>,
    id: &ReleaseId,
    approval_id: &ApprovalId,
) -> AppResult<()> {
    let me = ctx.person("withdraw approvals")?.clone();
    let txn = db::begin_write(&state.db).await?;
    let r = releases::find(&txn, ctx, id).await?;
    let a = approval::Entity::find_by_id_in(ctx, approval_id.to_string())
        .filter(approval::Column::ReleaseId.eq(r.id.clone()))
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found("approval"))?;
    if a.user_id != me {
        return Err(AppError::Forbidden(
            "only its author can withdraw an approval".into(),
        ));
    }
    approval::Entity::delete_many_in(ctx)
        .filter(approval::Column::Id.eq(a.id.clone()))
        .exec(&txn)
        .await?;
    let event = activity::record(
        &txn,
        ctx,
        NewActivity::on(
            &r.id,
            Change::ReviewWithdrawn {
                release: release_label(&r.title, &r.version),
                approval_id: a.id,
                to_status: a.to_status,
                decision: Decision::parse(&a.decision).unwrap_or(Decision::Approve),
            },
        ),
    )
    .await?;
    txn.commit().await?;
    state.events.publish([event]);
    state.outbox_wake.notify_one();
    Ok(())
}

/// A version change voids the approvals of the old version (deleted, and
/// the count audited); returns the activity, if there were any.
pub(crate) async fn void_approvals(
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
    r: &release::Model,
    new_label: String,
) -> AppResult<Option<ActivityView>> {
    let gone = approval::Entity::delete_many_in(ctx)
        .filter(approval::Column::ReleaseId.eq(r.id.clone()))
        .exec(conn)
        .await?
        .rows_affected;
    if gone == 0 {
        return Ok(None);
    }
    Ok(Some(
        activity::record(
            conn,
            ctx,
            NewActivity::on(
                &r.id,
                Change::ApprovalsVoided {
                    release: new_label,
                    version: r.version.clone(),
                    count: u32::try_from(gone).unwrap_or(u32::MAX),
                },
            ),
        )
        .await?,
    ))
}
