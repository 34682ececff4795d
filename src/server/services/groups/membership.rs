//! A deployment group's releases: adding, removing, reordering, and the
//! room and position rules a release's own update also uses.

use super::{find, AddRelease, Reorder};
use crate::domain::activity::release_label;
use crate::domain::graph;
use crate::domain::ids::{GroupId, ReleaseId};
use crate::server::access::{Editor, TeamContext};
use crate::server::db;
use crate::server::db::entities::{deployment_group, release};
use crate::server::db::scoped::TeamOwned;
use crate::server::error::{AppError, AppResult};
use crate::server::services::activity::{self, Change, NewActivity};
use crate::server::state::AppState;
use crate::views::{GroupReleaseView, ReleaseView};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashSet;

pub(super) async fn members(
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
    group_id: &GroupId,
) -> AppResult<Vec<release::Model>> {
    Ok(release::Entity::find_in(ctx)
        .filter(release::Column::DeploymentGroupId.eq(group_id))
        .order_by_asc(release::Column::GroupPosition)
        .order_by_asc(release::Column::Id)
        .all(conn)
        .await?)
}

/// The group's releases in deployment order, with 1-based positions.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), id = %id))]
pub async fn releases(
    state: &AppState,
    ctx: &TeamContext,
    id: &GroupId,
) -> AppResult<Vec<GroupReleaseView>> {
    let g = find(&state.db, ctx, id).await?;
    Ok(members(&state.db, ctx, &g.id)
        .await?
        .into_iter()
        .enumerate()
        .map(|(i, r)| GroupReleaseView {
            position: i as i32 + 1,
            release: ReleaseView::from(r),
        })
        .collect())
}

/// What a group's "Add a release" offers: releases in flight that are not
/// in this group (in none, or in another, which they would leave), whose
/// title, version or description holds `q` (all of them when it is empty),
/// most recently changed first, up to `limit` — with how many match in all,
/// so the page can say what it leaves out.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), id = %id))]
pub async fn candidates(
    state: &AppState,
    ctx: &TeamContext,
    id: &GroupId,
    q: &str,
    limit: u64,
) -> AppResult<(Vec<ReleaseView>, u64)> {
    use crate::domain::status::ReleaseStatus;
    use crate::server::services::releases::{conditions, ReleaseFilter};
    use sea_orm::Condition;
    let g = find(&state.db, ctx, id).await?;
    let f = ReleaseFilter {
        status: Some(ReleaseStatus::in_flight_names().join(",")),
        q: Some(q.to_string()),
        ..Default::default()
    };
    let cond = conditions(ctx, &f)?.add(
        Condition::any()
            .add(release::Column::DeploymentGroupId.is_null())
            .add(release::Column::DeploymentGroupId.ne(g.id.as_str())),
    );
    let total = release::Entity::find_in(ctx)
        .filter(cond.clone())
        .count(&state.db)
        .await?;
    let rows = release::Entity::find_in(ctx)
        .filter(cond)
        .order_by_desc(release::Column::UpdatedAt)
        .order_by_desc(release::Column::Id)
        .limit(limit)
        .all(&state.db)
        .await?;
    Ok((rows.into_iter().map(ReleaseView::from).collect(), total))
}

/// The position after the group's last release (1 for an empty group).
pub(crate) async fn next_position(
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
    group_id: &GroupId,
) -> AppResult<i32> {
    let last = release::Entity::find_in(ctx)
        .filter(release::Column::DeploymentGroupId.eq(group_id))
        .select_only()
        .column_as(release::Column::GroupPosition.max(), "m")
        .into_tuple::<Option<i32>>()
        .one(conn)
        .await?
        .flatten()
        .unwrap_or(0);
    Ok(last + 1)
}

/// 400 when the group already holds [`graph::MAX_GROUP_SIZE`] releases.
pub(crate) async fn check_room(
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
    group_id: &GroupId,
) -> AppResult<()> {
    let size = release::Entity::find_in(ctx)
        .filter(release::Column::DeploymentGroupId.eq(group_id))
        .count(conn)
        .await?;
    if size >= graph::MAX_GROUP_SIZE as u64 {
        return Err(AppError::invalid_field(
            "deploymentGroupId",
            format!(
                "a deployment group holds at most {} releases",
                graph::MAX_GROUP_SIZE
            ),
        ));
    }
    Ok(())
}

/// Puts a release into the group (at the end), moving it out of any other.
/// Used by `POST …/releases` and by `PATCH /api/releases/{id}`.
pub(crate) async fn assign(
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
    group: &deployment_group::Model,
    r: &release::Model,
) -> AppResult<Option<crate::views::ActivityView>> {
    if r.deployment_group_id.as_ref() == Some(&group.id) {
        return Ok(None);
    }
    check_room(conn, ctx, &group.id).await?;
    let position = next_position(conn, ctx, &group.id).await?;
    release::Entity::update_many_in(ctx)
        .col_expr(
            release::Column::DeploymentGroupId,
            Expr::value(Some(group.id.clone())),
        )
        .col_expr(release::Column::GroupPosition, Expr::value(Some(position)))
        .col_expr(release::Column::Revision, Expr::value(r.revision + 1))
        .col_expr(release::Column::UpdatedAt, Expr::value(db::now()))
        .filter(release::Column::Id.eq(r.id.as_str()))
        .exec(conn)
        .await?;
    let ev = activity::record(
        conn,
        ctx,
        NewActivity::on(
            &r.id,
            Change::Grouped {
                release: release_label(&r.title, &r.version),
                deployment_group_id: group.id.clone(),
                group: group.name.clone(),
                from: r.deployment_group_id.clone(),
            },
        ),
    )
    .await?;
    Ok(Some(ev))
}

/// `POST /api/deployment-groups/{id}/releases`.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), id = %id))]
pub async fn add_release(
    state: &AppState,
    ctx: &Editor<'_>,
    id: &GroupId,
    input: AddRelease,
) -> AppResult<Vec<GroupReleaseView>> {
    let txn = db::begin_write(&state.db).await?;
    let g = find(&txn, ctx, id).await?;
    let r = crate::server::services::releases::find(&txn, ctx, &input.release_id).await?;
    let ev = assign(&txn, ctx, &g, &r).await?;
    txn.commit().await?;
    state.events.publish(ev);
    releases(state, ctx, id).await
}

/// `DELETE /api/deployment-groups/{id}/releases/{releaseId}`.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), id = %id, release_id = %release_id))]
pub async fn remove_release(
    state: &AppState,
    ctx: &Editor<'_>,
    id: &GroupId,
    release_id: &ReleaseId,
) -> AppResult<()> {
    let txn = db::begin_write(&state.db).await?;
    let g = find(&txn, ctx, id).await?;
    let r = crate::server::services::releases::find(&txn, ctx, release_id).await?;
    if r.deployment_group_id.as_ref() != Some(&g.id) {
        return Err(AppError::not_found("release in this deployment group"));
    }
    release::Entity::update_many_in(ctx)
        .col_expr(
            release::Column::DeploymentGroupId,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            release::Column::GroupPosition,
            Expr::value(Option::<i32>::None),
        )
        .col_expr(release::Column::Revision, Expr::value(r.revision + 1))
        .col_expr(release::Column::UpdatedAt, Expr::value(db::now()))
        .filter(release::Column::Id.eq(r.id.as_str()))
        .exec(&txn)
        .await?;
    let ev = activity::record(
        &txn,
        ctx,
        NewActivity::on(
            &r.id,
            Change::Ungrouped {
                release: release_label(&r.title, &r.version),
                deployment_group_id: g.id.clone(),
                group: g.name.clone(),
            },
        ),
    )
    .await?;
    txn.commit().await?;
    state.events.publish([ev]);
    Ok(())
}

/// `PUT /api/deployment-groups/{id}/releases/order`: the full new order.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), id = %id))]
pub async fn reorder(
    state: &AppState,
    ctx: &Editor<'_>,
    id: &GroupId,
    input: Reorder,
) -> AppResult<Vec<GroupReleaseView>> {
    let txn = db::begin_write(&state.db).await?;
    let g = find(&txn, ctx, id).await?;
    let current: HashSet<ReleaseId> = members(&txn, ctx, &g.id)
        .await?
        .into_iter()
        .map(|r| r.id)
        .collect();
    let given: HashSet<ReleaseId> = input.release_ids.iter().cloned().collect();
    if given.len() != input.release_ids.len() {
        return Err(AppError::invalid_field(
            "releaseIds",
            "releaseIds lists a release twice",
        ));
    }
    if given != current {
        return Err(AppError::invalid_field(
            "releaseIds",
            "releaseIds must list exactly the releases of this group",
        ));
    }
    for (i, rid) in input.release_ids.iter().enumerate() {
        release::Entity::update_many_in(ctx)
            .col_expr(
                release::Column::GroupPosition,
                Expr::value(Some(i as i32 + 1)),
            )
            .filter(release::Column::Id.eq(rid.as_str()))
            .filter(release::Column::DeploymentGroupId.eq(g.id.as_str()))
            .exec(&txn)
            .await?;
    }
    let ev = activity::record(
        &txn,
        ctx,
        NewActivity {
            release_id: None,
            change: Change::Reordered {
                deployment_group_id: g.id.clone(),
                group: g.name.clone(),
                release_ids: input.release_ids.clone(),
            },
        },
    )
    .await?;
    txn.commit().await?;
    state.events.publish([ev]);
    releases(state, ctx, id).await
}
