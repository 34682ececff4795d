//! Release dependencies: "release depends on dependsOn". Refused: a
//! self-dependency (400), a release of another team (404), a duplicate or an
//! edge that would close a cycle (409, naming it). Adding runs under a
//! write transaction (on PostgreSQL also a per-team advisory lock), so two
//! concurrent edges cannot close a cycle between them.
//!
//! A BLOCKS dependency is resolved when its blocker enters DEPLOYED
//! ([`resolve_for_deployed`], called in the same transaction as the move):
//! `resolvedAt` is set and DEPENDENCY_RESOLVED is recorded on the dependent.

use crate::domain::activity::release_label;
use crate::domain::graph::{self, Edge};
use crate::domain::ids::{DependencyId, ReleaseId};
use crate::domain::kinds::DependencyType;
use crate::domain::status::ReleaseStatus;
use crate::server::access::{Editor, TeamContext};
use crate::server::db::entities::{release, release_dependency, service};
use crate::server::db::scoped::TeamOwned;
use crate::server::db::{self, new_id};
use crate::server::error::{AppError, AppResult};
use crate::server::services::activity::{self, Change, NewActivity};
use crate::server::services::ts;
use crate::server::state::AppState;
use crate::views::{DependencyView, Page, ReleaseRef};
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Func, IntoColumnRef, LikeExpr};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, QueryFilter,
    QueryOrder, QuerySelect, Statement,
};
use serde::Deserialize;
use std::collections::HashMap;

mod lifecycle;
pub(crate) use lifecycle::{blocked_by, resolve_for_deployed, unresolve_for_undeployed};

/// A dependency to add: this release depends on `dependsOnId`
/// (`{dependsOnId, type}`).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DependencyInput {
    /// The release depended on (required; one of this team's).
    pub depends_on_id: Option<ReleaseId>,
    /// BLOCKS, SOFT_DEPENDENCY or REQUIRES_SYNC (required).
    #[serde(rename = "type")]
    pub dep_type: Option<String>,
}

/// Releases of the team whose title, version or service name contains `q`
/// (any case; `%` and `_` are plain text), for picking a dependency: at
/// most 10, most recently changed first, never `exclude`. One query.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id()))]
pub async fn candidates(
    state: &AppState,
    ctx: &TeamContext,
    q: &str,
    exclude: &str,
) -> AppResult<Vec<ReleaseRef>> {
    let q = q.trim();
    if q.is_empty() {
        return Ok(vec![]);
    }
    let pattern = super::releases::like_pattern(q);
    let like = |col: sea_orm::sea_query::ColumnRef| {
        Expr::expr(Func::lower(Expr::col(col))).like(LikeExpr::new(pattern.clone()).escape('\\'))
    };
    let rows = release::Entity::find_in(ctx)
        .find_also_related(service::Entity)
        .filter(release::Column::Id.ne(exclude))
        .filter(
            Condition::any()
                .add(like(
                    (release::Entity, release::Column::Title).into_column_ref(),
                ))
                .add(like(
                    (release::Entity, release::Column::Version).into_column_ref(),
                ))
                .add(like(
                    (service::Entity, service::Column::Name).into_column_ref(),
                )),
        )
        .order_by_desc(release::Column::UpdatedAt)
        .order_by_asc(release::Column::Id)
        .limit(10)
        .all(&state.db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(r, s)| ReleaseRef {
            id: r.id,
            title: r.title,
            version: r.version,
            status: r.status,
            service_name: s.map(|s| s.name).unwrap_or_default(),
        })
        .collect())
}

/// The releases `ids` as references (title, version, status, service).
pub(crate) async fn refs(
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
    ids: Vec<ReleaseId>,
) -> AppResult<HashMap<ReleaseId, ReleaseRef>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = release::Entity::find_in(ctx)
        .filter(release::Column::Id.is_in(ids))
        .find_also_related(service::Entity)
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(r, s)| {
            (
                r.id.clone(),
                ReleaseRef {
                    status: r.status,
                    id: r.id,
                    title: r.title,
                    version: r.version,
                    service_name: s.map(|s| s.name).unwrap_or_default(),
                },
            )
        })
        .collect())
}

pub(crate) async fn views(
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
    rows: Vec<release_dependency::Model>,
) -> AppResult<Vec<DependencyView>> {
    let ids: Vec<ReleaseId> = rows
        .iter()
        .flat_map(|d| [d.release_id.clone(), d.depends_on_id.clone()])
        .collect();
    let refs = refs(conn, ctx, ids).await?;
    Ok(rows
        .into_iter()
        .map(|d| DependencyView {
            dep_type: d.dep_type,
            depends_on: refs.get(&d.depends_on_id).cloned(),
            release: refs.get(&d.release_id).cloned(),
            id: d.id,
            release_id: d.release_id,
            depends_on_id: d.depends_on_id,
            resolved_at: d.resolved_at.map(ts),
            created_by: d.created_by,
            created_at: ts(d.created_at),
        })
        .collect())
}

/// What release `id` depends on, oldest first.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), id = %id))]
pub async fn list(
    state: &AppState,
    ctx: &TeamContext,
    id: &ReleaseId,
) -> AppResult<Page<DependencyView>> {
    let r = super::releases::find(&state.db, ctx, id).await?;
    let rows = release_dependency::Entity::find_in(ctx)
        .filter(release_dependency::Column::ReleaseId.eq(r.id.as_str()))
        .order_by_asc(release_dependency::Column::Id)
        .all(&state.db)
        .await?;
    Ok(Page {
        items: views(&state.db, ctx, rows).await?,
        next_cursor: None,
    })
}

/// What depends on release `id`.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), id = %id))]
pub async fn dependents(
    state: &AppState,
    ctx: &TeamContext,
    id: &ReleaseId,
) -> AppResult<Vec<DependencyView>> {
    let r = super::releases::find(&state.db, ctx, id).await?;
    let rows = release_dependency::Entity::find_in(ctx)
        .filter(release_dependency::Column::DependsOnId.eq(r.id.as_str()))
        .order_by_asc(release_dependency::Column::Id)
        .all(&state.db)
        .await?;
    views(&state.db, ctx, rows).await
}

/// Every dependency edge of the team (for cycle checks and graphs).
pub(crate) async fn team_edges(
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
) -> AppResult<Vec<release_dependency::Model>> {
    Ok(release_dependency::Entity::find_in(ctx).all(conn).await?)
}

/// Adds a dependency.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), id = %id))]
pub async fn create(
    state: &AppState,
    ctx: &Editor<'_>,
    id: &ReleaseId,
    input: DependencyInput,
) -> AppResult<DependencyView> {
    let on = input
        .depends_on_id
        .filter(|s| !s.as_str().trim().is_empty())
        .ok_or_else(|| AppError::invalid_field("dependsOnId", "dependsOnId is required"))?;
    let kind: DependencyType = input
        .dep_type
        .as_deref()
        .unwrap_or("")
        .parse()
        .map_err(|_| {
            AppError::invalid_field(
                "type",
                "type must be BLOCKS, SOFT_DEPENDENCY or REQUIRES_SYNC",
            )
        })?;
    let txn = db::begin_write(&state.db).await?;
    if txn.get_database_backend() == DbBackend::Postgres {
        // Serialise edge changes per team: the cycle check reads all edges.
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock(hashtext($1))",
            [format!("deps:{}", ctx.team_id()).into()],
        ))
        .await?;
    }
    let r = super::releases::find(&txn, ctx, id).await?;
    if r.id == on {
        return Err(AppError::invalid_field(
            "dependsOnId",
            "a release cannot depend on itself",
        ));
    }
    let blocker = super::releases::find(&txn, ctx, &on)
        .await
        .map_err(|_| AppError::not_found("release to depend on"))?;
    let existing = team_edges(&txn, ctx).await?;
    if existing
        .iter()
        .any(|d| d.release_id == r.id && d.depends_on_id == blocker.id)
    {
        return Err(AppError::Conflict(format!(
            "{} {} already depends on {} {}",
            r.title, r.version, blocker.title, blocker.version
        )));
    }
    let edges: Vec<Edge> = existing
        .iter()
        .map(release_dependency::Model::edge)
        .collect();
    if let Some(cycle) = graph::cycle_with(&edges, &r.id, &blocker.id, kind) {
        let names = refs(&txn, ctx, cycle.clone()).await?;
        let path: Vec<String> = cycle
            .iter()
            .map(|id| {
                names
                    .get(id)
                    .map(|n| format!("{} {}", n.title, n.version))
                    .unwrap_or_else(|| id.to_string())
            })
            .collect();
        return Err(AppError::Conflict(format!(
            "this dependency would close a cycle: {}",
            path.join(" → ")
        )));
    }
    let now = db::now();
    let blocker_deployed = blocker.status == ReleaseStatus::Deployed;
    let d = release_dependency::ActiveModel {
        id: Set(new_id()),
        team_id: Set(ctx.team_id().clone()),
        release_id: Set(r.id.clone()),
        depends_on_id: Set(blocker.id.clone()),
        dep_type: Set(kind),
        resolved_at: Set((kind == DependencyType::Blocks && blocker_deployed).then_some(now)),
        created_by: Set(ctx.user_id().cloned()),
        created_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        if db::is_unique_violation(&e) {
            AppError::Conflict("that dependency already exists".into())
        } else {
            e.into()
        }
    })?;
    let ev = activity::record(
        &txn,
        ctx,
        NewActivity::on(
            &r.id,
            Change::DependencyAdded {
                release: release_label(&r.title, &r.version),
                dependency_id: d.id.clone(),
                depends_on_id: blocker.id.clone(),
                depends_on: release_label(&blocker.title, &blocker.version),
                kind,
            },
        ),
    )
    .await?;
    let view = views(&txn, ctx, vec![d]).await?.remove(0);
    // A new BLOCKS edge on an undeployed blocker blocks the release: say so.
    let mut queued = 0;
    if kind == DependencyType::Blocks && !blocker_deployed {
        if let Some(info) = super::notify::release_info(&txn, ctx, &r.id).await? {
            let notice = crate::server::integrations::slack::Notice::Blocked {
                reason: Some(format!(
                    "waiting for {} {} to be deployed",
                    blocker.title, blocker.version
                )),
                by: ctx.user_name().to_string(),
            };
            queued =
                super::notify::enqueue(&txn, ctx.team_id(), &state.public_url, &info, &[notice])
                    .await?;
        }
    }
    txn.commit().await?;
    state.events.publish([ev]);
    if queued > 0 {
        state.outbox_wake.notify_one();
    }
    Ok(view)
}

/// Removes a dependency.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), id = %id))]
pub async fn delete(
    state: &AppState,
    ctx: &Editor<'_>,
    id: &ReleaseId,
    dep_id: &DependencyId,
) -> AppResult<()> {
    let txn = db::begin_write(&state.db).await?;
    let r = super::releases::find(&txn, ctx, id).await?;
    let d = release_dependency::Entity::find_by_id_in(ctx, dep_id.to_string())
        .filter(release_dependency::Column::ReleaseId.eq(r.id.as_str()))
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found("dependency"))?;
    let other = refs(&txn, ctx, vec![d.depends_on_id.clone()]).await?;
    release_dependency::Entity::delete_many_in(ctx)
        .filter(release_dependency::Column::Id.eq(d.id.clone()))
        .exec(&txn)
        .await?;
    let ev = activity::record(
        &txn,
        ctx,
        NewActivity::on(
            &r.id,
            Change::DependencyRemoved {
                release: release_label(&r.title, &r.version),
                dependency_id: d.id.clone(),
                depends_on_id: d.depends_on_id.clone(),
                depends_on: other
                    .get(&d.depends_on_id)
                    .map(|o| release_label(&o.title, &o.version)),
            },
        ),
    )
    .await?;
    txn.commit().await?;
    state.events.publish([ev]);
    Ok(())
}
