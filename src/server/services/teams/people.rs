//! The members of a team: listing them, changing roles within the rules of
//! `domain::roles`, removing someone, leaving.

use super::{lock_team, membership, owner_count, parse_role, stored_role};
use crate::domain::ids::UserId;
use crate::domain::kinds::ResourceType;
use crate::domain::roles::Role;
use crate::server::access::{Admin, TeamContext};
use crate::server::db::entities::{session, team_member, user};
use crate::server::db::scoped::TeamOwned;
use crate::server::db::{self};
use crate::server::error::{AppError, AppResult};
use crate::server::events::Revocation;
use crate::server::services::{activity, ts, PageRequest};
use crate::server::state::AppState;
use crate::views::*;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

/// Leaves the current team; the last OWNER cannot (400).
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id()))]
pub async fn leave(state: &AppState, ctx: &TeamContext) -> AppResult<()> {
    let me = ctx.person("leave a team")?.clone();
    remove(state, ctx, &me).await
}

/// Lists the current team's members, oldest membership first.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id()))]
pub async fn members(
    state: &AppState,
    ctx: &TeamContext,
    page: &PageRequest,
) -> AppResult<Page<MemberView>> {
    let mut q = team_member::Entity::find_in(ctx)
        .find_also_related(user::Entity)
        .order_by_asc(team_member::Column::Id)
        .limit(page.limit()? + 1);
    if let Some(c) = &page.cursor {
        q = q.filter(team_member::Column::Id.gt(c.as_str()));
    }
    let rows = q.all(&state.db).await?;
    let items: Vec<(String, MemberView)> = rows
        .into_iter()
        .filter_map(|(m, u)| {
            let u = u?;
            Some((
                m.id.clone(),
                MemberView {
                    role: stored_role(&m),
                    user_id: u.id,
                    email: u.email,
                    name: u.name,
                    joined_at: ts(m.created_at),
                },
            ))
        })
        .collect();
    let page = page.page(items, |(id, _)| id.clone())?;
    Ok(Page {
        items: page.items.into_iter().map(|(_, v)| v).collect(),
        next_cursor: page.next_cursor,
    })
}

/// How many members the team has (a list's total).
pub async fn member_count(state: &AppState, ctx: &TeamContext) -> AppResult<u64> {
    use sea_orm::PaginatorTrait;
    Ok(team_member::Entity::find_in(ctx).count(&state.db).await?)
}

/// Changes a member's role within the rules of `domain::roles` (an ADMIN
/// manages MEMBERs and VIEWERs only); the last OWNER cannot be demoted.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), user_id = %user_id))]
pub async fn change_role(
    state: &AppState,
    ctx: &Admin<'_>,
    user_id: &UserId,
    role: &str,
) -> AppResult<MemberView> {
    let target_role = parse_role(role)?;
    let txn = db::begin_write(&state.db).await?;
    lock_team(state, &txn, ctx.team_id()).await?;
    let m = membership(&txn, ctx.team_id(), user_id)
        .await?
        .ok_or_else(|| AppError::not_found("member"))?;
    let current = stored_role(&m);
    if !ctx.role().can_manage_role(current, target_role) {
        return Err(AppError::Forbidden(format!(
            "your role ({}) cannot change a {} into a {}",
            ctx.role(),
            current,
            target_role
        )));
    }
    if current == Role::Owner
        && target_role != Role::Owner
        && owner_count(&txn, ctx.team_id()).await? <= 1
    {
        return Err(AppError::bad_request(
            "the last owner cannot be demoted; make someone else an owner first",
        ));
    }
    let updated = team_member::ActiveModel {
        id: Set(m.id.clone()),
        role: Set(target_role),
        ..Default::default()
    }
    .update(&txn)
    .await?;
    let u = user::Entity::find_by_id(user_id.clone())
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found("member"))?;
    let event = activity::changed(
        &txn,
        ctx,
        ResourceType::Member,
        &u.id,
        &u.name,
        [("role", serde_json::json!(current))],
        [("role", serde_json::json!(target_role))],
    )
    .await?;
    txn.commit().await?;
    state.events.publish(event);
    Ok(MemberView {
        role: target_role,
        user_id: u.id,
        email: u.email,
        name: u.name,
        joined_at: ts(updated.created_at),
    })
}

/// Removes a member, or the caller (leaving, which any role may). Removing
/// someone else takes an ADMIN with the right to manage their role; the
/// last OWNER is never removed.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), user_id = %user_id))]
pub async fn remove(state: &AppState, ctx: &TeamContext, user_id: &UserId) -> AppResult<()> {
    if ctx.user_id() == Some(user_id) {
        remove_member(state, ctx, user_id).await
    } else {
        let admin = ctx.admin("remove members")?;
        remove_member(state, &admin, user_id).await
    }
}

async fn remove_member(state: &AppState, ctx: &TeamContext, user_id: &UserId) -> AppResult<()> {
    let txn = db::begin_write(&state.db).await?;
    lock_team(state, &txn, ctx.team_id()).await?;
    let m = membership(&txn, ctx.team_id(), user_id)
        .await?
        .ok_or_else(|| AppError::not_found("member"))?;
    let current = stored_role(&m);
    let is_self = ctx.user_id() == Some(user_id);
    if !is_self && !ctx.role().can_manage_role(current, current) {
        return Err(AppError::Forbidden(format!(
            "your role ({}) cannot remove a {}",
            ctx.role(),
            current
        )));
    }
    if current == Role::Owner && owner_count(&txn, ctx.team_id()).await? <= 1 {
        return Err(AppError::bad_request(if is_self {
            "the last owner cannot leave; make someone else an owner first, or delete the team"
        } else {
            "the last owner cannot be removed"
        }));
    }
    team_member::Entity::delete_many_in(ctx)
        .filter(team_member::Column::Id.eq(m.id))
        .exec(&txn)
        .await?;
    let name = user::Entity::find_by_id(user_id.clone())
        .one(&txn)
        .await?
        .map(|u| u.name)
        .unwrap_or_default();
    let event = activity::removed(&txn, ctx, ResourceType::Member, user_id, &name).await?;
    // Their sessions no longer point at a team they are not in.
    session::Entity::update_many()
        .col_expr(
            session::Column::CurrentTeamId,
            sea_orm::sea_query::Expr::value(Option::<String>::None),
        )
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::CurrentTeamId.eq(ctx.team_id()))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    state.events.publish(vec![event]);
    // Their open boards stop hearing the team now, not at the next check.
    state.events.revoke(Revocation::Member {
        team_id: ctx.team_id().clone(),
        user_id: user_id.clone(),
    });
    Ok(())
}
