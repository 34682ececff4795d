//! Deployment groups: releases shipped together, in a chosen order
//! (SEQUENTIAL) or in waves (SIMULTANEOUS), and their rollout plan. ADMIN+
//! creates, edits and deletes groups; MEMBER+ adds, removes and orders their
//! releases (`API.md`, roles). A group holds at most
//! [`graph::MAX_GROUP_SIZE`] releases. Adding a release records
//! DEPLOYMENT_GROUP_ASSIGNED on it; a release is in at most one group
//! (adding it elsewhere moves it).

use crate::domain::graph::{self, CorrectionKind, Edge, Order};
use crate::domain::kinds::{ActivityType, DeploymentOrder};
use crate::domain::status::ReleaseStatus;
use crate::domain::validation;
use crate::server::access::{Admin, Editor, TeamContext};
use crate::server::db::entities::{deployment_group, release, release_dependency};
use crate::server::db::scoped::TeamOwned;
use crate::server::db::{self, new_id};
use crate::server::error::{AppError, AppResult};
use crate::server::services::activity::{self, NewActivity};
use crate::server::services::releases::{check_owner, parse_date};
use crate::server::services::{ts, PageRequest};
use crate::server::state::AppState;
use crate::views::{
    DeploymentGroupView, GroupReleaseView, Page, PlanCorrection, PlanRelease, PlanStep, PlanView,
    ReleaseView,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::Deserialize;
use serde_json::json;
use std::collections::{HashMap, HashSet};

impl From<deployment_group::Model> for DeploymentGroupView {
    fn from(g: deployment_group::Model) -> Self {
        Self {
            deployment_order: g.deployment_order,
            id: g.id,
            team_id: g.team_id,
            name: g.name,
            sprint_id: g.sprint_id,
            owner_id: g.owner_id,
            target_date: g.target_date.map(|d| d.format("%Y-%m-%d").to_string()),
            created_at: ts(g.created_at),
            updated_at: ts(g.updated_at),
        }
    }
}

/// Create or update input; `null`/empty clears the optional fields.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GroupInput {
    /// Name.
    pub name: Option<String>,
    /// The sprint.
    #[serde(default, deserialize_with = "crate::server::services::double_option")]
    pub sprint_id: Option<Option<String>>,
    /// The owner (a member).
    #[serde(default, deserialize_with = "crate::server::services::double_option")]
    pub owner_id: Option<Option<String>>,
    /// `YYYY-MM-DD`.
    #[serde(default, deserialize_with = "crate::server::services::double_option")]
    pub target_date: Option<Option<String>>,
    /// SEQUENTIAL (default) or SIMULTANEOUS.
    pub deployment_order: Option<String>,
}

/// `{releaseId}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AddRelease {
    /// The release to add.
    pub release_id: String,
}

/// `{releaseIds: [...]}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Reorder {
    /// Every release of the group, in the new order.
    pub release_ids: Vec<String>,
}

pub(crate) async fn find(
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
    id: &str,
) -> AppResult<deployment_group::Model> {
    deployment_group::Entity::find_by_id_in(ctx, id.to_string())
        .one(conn)
        .await?
        .ok_or_else(|| AppError::not_found("deployment group"))
}

fn order(v: &str) -> AppResult<DeploymentOrder> {
    v.parse().map_err(|_| {
        AppError::invalid_field(
            "deploymentOrder",
            "deploymentOrder must be SEQUENTIAL or SIMULTANEOUS",
        )
    })
}

async fn apply(
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
    am: &mut deployment_group::ActiveModel,
    input: &GroupInput,
) -> AppResult<()> {
    if let Some(n) = &input.name {
        am.name = Set(validation::required_line("name", n, validation::MAX_NAME)?);
    }
    if let Some(s) = &input.sprint_id {
        let s = s.clone().filter(|s| !s.is_empty());
        if let Some(id) = &s {
            super::sprints::find(conn, ctx, id)
                .await
                .map_err(|_| AppError::invalid_field("sprintId", "no such sprint in this team"))?;
        }
        am.sprint_id = Set(s);
    }
    if let Some(o) = &input.owner_id {
        let o = o.clone().filter(|o| !o.is_empty());
        if let Some(id) = &o {
            check_owner(conn, ctx, id).await?;
        }
        am.owner_id = Set(o);
    }
    if let Some(d) = &input.target_date {
        am.target_date = Set(d
            .as_deref()
            .filter(|d| !d.is_empty())
            .map(parse_date)
            .transpose()?);
    }
    if let Some(o) = &input.deployment_order {
        am.deployment_order = Set(order(o)?);
    }
    Ok(())
}

/// Lists groups, newest first.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id()))]
pub async fn list(
    state: &AppState,
    ctx: &TeamContext,
    page: &PageRequest,
) -> AppResult<Page<DeploymentGroupView>> {
    let mut q = deployment_group::Entity::find_in(ctx)
        .order_by_desc(deployment_group::Column::Id)
        .limit(page.limit()? + 1);
    if let Some(c) = &page.cursor {
        q = q.filter(deployment_group::Column::Id.lt(c.as_str()));
    }
    let items = q
        .all(&state.db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    page.page(items, |g: &DeploymentGroupView| g.id.clone())
}

/// One group.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), id = %id))]
pub async fn get(state: &AppState, ctx: &TeamContext, id: &str) -> AppResult<DeploymentGroupView> {
    Ok(find(&state.db, ctx, id).await?.into())
}

/// Creates a group.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id()))]
pub async fn create(
    state: &AppState,
    ctx: &Admin<'_>,
    input: GroupInput,
) -> AppResult<DeploymentGroupView> {
    if input.name.is_none() {
        return Err(AppError::invalid_field("name", "name is required"));
    }
    let now = db::now();
    let mut am = deployment_group::ActiveModel {
        id: Set(new_id()),
        team_id: Set(ctx.team_id().to_string()),
        name: Set(String::new()),
        sprint_id: Set(None),
        owner_id: Set(None),
        target_date: Set(None),
        deployment_order: Set(DeploymentOrder::Sequential),
        created_at: Set(now),
        updated_at: Set(now),
    };
    apply(&state.db, ctx, &mut am, &input).await?;
    Ok(am.insert(&state.db).await?.into())
}

/// Edits a group.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), id = %id))]
pub async fn update(
    state: &AppState,
    ctx: &Admin<'_>,
    id: &str,
    input: GroupInput,
) -> AppResult<DeploymentGroupView> {
    let cur = find(&state.db, ctx, id).await?;
    let mut am: deployment_group::ActiveModel = cur.into();
    apply(&state.db, ctx, &mut am, &input).await?;
    am.updated_at = Set(db::now());
    Ok(am.update(&state.db).await?.into())
}

/// Deletes a group; its releases stay, ungrouped.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), id = %id))]
pub async fn delete(state: &AppState, ctx: &Admin<'_>, id: &str) -> AppResult<()> {
    let g = find(&state.db, ctx, id).await?;
    let txn = db::begin_write(&state.db).await?;
    release::Entity::update_many_in(ctx)
        .col_expr(
            release::Column::GroupPosition,
            Expr::value(Option::<i32>::None),
        )
        .filter(release::Column::DeploymentGroupId.eq(g.id.as_str()))
        .exec(&txn)
        .await?;
    deployment_group::Entity::delete_many_in(ctx)
        .filter(deployment_group::Column::Id.eq(g.id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

async fn members(
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
    group_id: &str,
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
    id: &str,
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

/// The position after the group's last release (1 for an empty group).
pub(crate) async fn next_position(
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
    group_id: &str,
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
    group_id: &str,
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
    if r.deployment_group_id.as_deref() == Some(group.id.as_str()) {
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
        NewActivity {
            kind: ActivityType::DeploymentGroupAssigned,
            release_id: Some(&r.id),
            action: "grouped",
            description: format!(
                "{} added {} {} to deployment group {}",
                ctx.user_name(),
                r.title,
                r.version,
                group.name
            ),
            metadata: Some(json!({"deploymentGroupId": group.id, "from": r.deployment_group_id})),
        },
    )
    .await?;
    Ok(Some(ev))
}

/// `POST /api/deployment-groups/{id}/releases`.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), id = %id))]
pub async fn add_release(
    state: &AppState,
    ctx: &Editor<'_>,
    id: &str,
    input: AddRelease,
) -> AppResult<Vec<GroupReleaseView>> {
    let txn = db::begin_write(&state.db).await?;
    let g = find(&txn, ctx, id).await?;
    let r = super::releases::find(&txn, ctx, &input.release_id).await?;
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
    id: &str,
    release_id: &str,
) -> AppResult<()> {
    let txn = db::begin_write(&state.db).await?;
    let g = find(&txn, ctx, id).await?;
    let r = super::releases::find(&txn, ctx, release_id).await?;
    if r.deployment_group_id.as_deref() != Some(g.id.as_str()) {
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
        NewActivity {
            kind: ActivityType::ReleaseUpdated,
            release_id: Some(&r.id),
            action: "ungrouped",
            description: format!(
                "{} removed {} {} from deployment group {}",
                ctx.user_name(),
                r.title,
                r.version,
                g.name
            ),
            metadata: Some(json!({"deploymentGroupId": g.id})),
        },
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
    id: &str,
    input: Reorder,
) -> AppResult<Vec<GroupReleaseView>> {
    let txn = db::begin_write(&state.db).await?;
    let g = find(&txn, ctx, id).await?;
    let current: HashSet<String> = members(&txn, ctx, &g.id)
        .await?
        .into_iter()
        .map(|r| r.id)
        .collect();
    let given: HashSet<String> = input.release_ids.iter().cloned().collect();
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
            kind: ActivityType::ReleaseUpdated,
            release_id: None,
            action: "reordered",
            description: format!("{} reordered deployment group {}", ctx.user_name(), g.name),
            metadata: Some(json!({"deploymentGroupId": g.id, "releaseIds": input.release_ids})),
        },
    )
    .await?;
    txn.commit().await?;
    state.events.publish([ev]);
    releases(state, ctx, id).await
}

/// A release counts as ready for the rollout when it is READY_PRODUCTION
/// (or already DEPLOYED) and not blocked by hand.
pub fn is_ready(r: &release::Model) -> bool {
    let s: ReleaseStatus = r.status;
    matches!(s, ReleaseStatus::ReadyProduction | ReleaseStatus::Deployed) && !r.is_blocked
}

/// `GET /api/deployment-groups/{id}/plan`.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), id = %id))]
pub async fn plan(state: &AppState, ctx: &TeamContext, id: &str) -> AppResult<PlanView> {
    let g = find(&state.db, ctx, id).await?;
    let rs = members(&state.db, ctx, &g.id).await?;
    let ids: Vec<String> = rs.iter().map(|r| r.id.clone()).collect();
    let deps = release_dependency::Entity::find_in(ctx)
        .filter(release_dependency::Column::ReleaseId.is_in(ids.clone()))
        .filter(release_dependency::Column::DependsOnId.is_in(ids.clone()))
        .all(&state.db)
        .await?;
    let edges: Vec<Edge> = deps.iter().map(release_dependency::Model::edge).collect();
    let how = g.deployment_order;
    let p = graph::plan(
        &ids,
        &edges,
        match how {
            DeploymentOrder::Sequential => Order::Sequential,
            DeploymentOrder::Simultaneous => Order::Simultaneous,
        },
    );
    let by_id: HashMap<&str, &release::Model> = rs.iter().map(|r| (r.id.as_str(), r)).collect();
    let name = |id: &str| {
        by_id
            .get(id)
            .map(|r| format!("{} {}", r.title, r.version))
            .unwrap_or_else(|| id.to_string())
    };
    let steps: Vec<PlanStep> = p
        .steps
        .iter()
        .enumerate()
        .map(|(i, step)| {
            let releases: Vec<PlanRelease> = step
                .iter()
                .filter_map(|id| by_id.get(id.as_str()))
                .map(|r| PlanRelease {
                    id: r.id.clone(),
                    title: r.title.clone(),
                    version: r.version.clone(),
                    status: r.status,
                    ready: is_ready(r),
                })
                .collect();
            PlanStep {
                position: i + 1,
                ready: releases.iter().all(|r| r.ready),
                releases,
            }
        })
        .collect();
    let corrections = p
        .corrections
        .iter()
        .map(|c| PlanCorrection {
            release_id: c.release.clone(),
            after_id: c.after.clone(),
            reason: match c.kind {
                CorrectionKind::BlockedBy => "BLOCKED_BY",
                CorrectionKind::SyncedWith => "SYNCED_WITH",
            }
            .into(),
            message: match c.kind {
                CorrectionKind::BlockedBy => format!(
                    "{} moved after {}: it is blocked by it",
                    name(&c.release),
                    name(&c.after)
                ),
                CorrectionKind::SyncedWith => format!(
                    "{} moved up to deploy together with {} (REQUIRES_SYNC)",
                    name(&c.release),
                    name(&c.after)
                ),
            },
        })
        .collect();
    Ok(PlanView {
        deployment_order: how,
        ready: !steps.is_empty() && steps.iter().all(|s| s.ready),
        steps,
        corrections,
    })
}
