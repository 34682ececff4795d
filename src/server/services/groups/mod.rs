//! Deployment groups: releases shipped together, in a chosen order
//! (SEQUENTIAL) or in waves (SIMULTANEOUS), and their rollout plan. ADMIN+
//! creates, edits and deletes groups; MEMBER+ adds, removes and orders their
//! releases (`API.md`, roles). A group holds at most
//! [`graph::MAX_GROUP_SIZE`] releases. Adding a release records
//! DEPLOYMENT_GROUP_ASSIGNED on it; a release is in at most one group
//! (adding it elsewhere moves it).
//!
//! This file: the groups themselves; [`membership`]: which releases a group
//! holds and in what order; [`plan`]: the rollout plan.

mod membership;
mod plan;

pub use membership::{add_release, candidates, releases, remove_release, reorder};
pub(crate) use membership::{check_room, next_position};
pub use plan::{is_ready, plan};

use crate::domain::ids::{GroupId, ReleaseId};
use crate::domain::kinds::{DeploymentOrder, ResourceType};
use crate::domain::validation;
use crate::server::access::{Admin, TeamContext};
use crate::server::db::entities::{deployment_group, release};
use crate::server::db::scoped::TeamOwned;
use crate::server::db::{self, new_id};
use crate::server::error::{AppError, AppResult};
use crate::server::services::releases::{check_owner, parse_date};
use crate::server::services::{activity, ts, PageRequest};
use crate::server::state::AppState;
use crate::views::{DeploymentGroupView, Page};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::Deserialize;

impl From<deployment_group::Model> for DeploymentGroupView {
    fn from(g: deployment_group::Model) -> Self {
        Self {
            deployment_order: g.deployment_order,
            id: g.id,
            team_id: g.team_id,
            name: g.name,
            sprint_id: g.sprint_id,
            owner_id: g.owner_id,
            target_date: g.target_date,
            created_at: ts(g.created_at),
            updated_at: ts(g.updated_at),
        }
    }
}

/// Create or update input; `null`/empty clears the optional fields.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GroupInput {
    /// Name (required on create).
    pub name: Option<String>,
    /// The sprint.
    #[serde(default, deserialize_with = "crate::server::services::double_option")]
    pub sprint_id: Option<Option<crate::domain::ids::SprintId>>,
    /// The owner (a member).
    #[serde(default, deserialize_with = "crate::server::services::double_option")]
    pub owner_id: Option<Option<crate::domain::ids::UserId>>,
    /// `YYYY-MM-DD`.
    #[serde(default, deserialize_with = "crate::server::services::double_option")]
    pub target_date: Option<Option<String>>,
    /// SEQUENTIAL (default) or SIMULTANEOUS.
    pub deployment_order: Option<String>,
}

/// A release to add to a deployment group (`{releaseId}`).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AddRelease {
    /// The release to add.
    pub release_id: ReleaseId,
}

/// A deployment group's new release order (`{releaseIds: [...]}`).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Reorder {
    /// Every release of the group, in the new order.
    pub release_ids: Vec<ReleaseId>,
}

pub(crate) async fn find(
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
    id: &GroupId,
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
            crate::server::services::sprints::find(conn, ctx, id)
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
    page.page(items, |g: &DeploymentGroupView| g.id.to_string())
}

/// How many deployment groups the team has (a list's total).
pub async fn count(state: &AppState, ctx: &TeamContext) -> AppResult<u64> {
    use sea_orm::PaginatorTrait;
    Ok(deployment_group::Entity::find_in(ctx)
        .count(&state.db)
        .await?)
}

/// One group.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), id = %id))]
pub async fn get(
    state: &AppState,
    ctx: &TeamContext,
    id: &GroupId,
) -> AppResult<DeploymentGroupView> {
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
        team_id: Set(ctx.team_id().clone()),
        name: Set(String::new()),
        sprint_id: Set(None),
        owner_id: Set(None),
        target_date: Set(None),
        deployment_order: Set(DeploymentOrder::Sequential),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let txn = db::begin_write(&state.db).await?;
    apply(&txn, ctx, &mut am, &input).await?;
    let g = am.insert(&txn).await?;
    let event = activity::added(&txn, ctx, GROUP, &g.id, &g.name, None).await?;
    txn.commit().await?;
    state.events.publish(vec![event]);
    Ok(g.into())
}

/// What this file's audit entries are about.
const GROUP: ResourceType = ResourceType::DeploymentGroup;

/// A group's fields as the audit log shows them.
fn fields(g: &deployment_group::Model) -> [(&'static str, serde_json::Value); 5] {
    use serde_json::json;
    [
        ("name", json!(g.name)),
        ("sprintId", json!(g.sprint_id)),
        ("ownerId", json!(g.owner_id)),
        ("targetDate", json!(g.target_date.map(|d| d.to_string()))),
        ("deploymentOrder", json!(g.deployment_order)),
    ]
}

/// Edits a group.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), id = %id))]
pub async fn update(
    state: &AppState,
    ctx: &Admin<'_>,
    id: &GroupId,
    input: GroupInput,
) -> AppResult<DeploymentGroupView> {
    let txn = db::begin_write(&state.db).await?;
    let cur = find(&txn, ctx, id).await?;
    let mut am: deployment_group::ActiveModel = cur.clone().into();
    apply(&txn, ctx, &mut am, &input).await?;
    am.updated_at = Set(db::now());
    let g = am.update(&txn).await?;
    let event =
        activity::changed(&txn, ctx, GROUP, &g.id, &g.name, fields(&cur), fields(&g)).await?;
    txn.commit().await?;
    state.events.publish(event);
    Ok(g.into())
}

/// Deletes a group; its releases stay, ungrouped.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), id = %id))]
pub async fn delete(state: &AppState, ctx: &Admin<'_>, id: &GroupId) -> AppResult<()> {
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
        .filter(deployment_group::Column::Id.eq(g.id.clone()))
        .exec(&txn)
        .await?;
    let event = activity::removed(&txn, ctx, GROUP, &g.id, &g.name).await?;
    txn.commit().await?;
    state.events.publish(vec![event]);
    Ok(())
}
