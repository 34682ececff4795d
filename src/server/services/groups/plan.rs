//! The rollout plan of a deployment group: ordered steps (or waves), each
//! with its releases and their readiness.

use super::find;
use super::membership::members;
use crate::domain::graph::{self, CorrectionKind, Edge, Order};
use crate::domain::ids::GroupId;
use crate::domain::kinds::DeploymentOrder;
use crate::domain::status::ReleaseStatus;
use crate::server::access::TeamContext;
use crate::server::db::entities::{release, release_dependency};
use crate::server::db::scoped::TeamOwned;
use crate::server::error::AppResult;
use crate::server::state::AppState;
use crate::views::{PlanCorrection, PlanRelease, PlanStep, PlanView};
use sea_orm::{ColumnTrait, QueryFilter};
use std::collections::HashMap;

/// A release counts as ready for the rollout when it is READY_PRODUCTION
/// (or already DEPLOYED) and not blocked by hand.
pub fn is_ready(r: &release::Model) -> bool {
    let s: ReleaseStatus = r.status;
    matches!(s, ReleaseStatus::ReadyProduction | ReleaseStatus::Deployed) && !r.is_blocked
}

/// `GET /api/deployment-groups/{id}/plan`.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), id = %id))]
pub async fn plan(state: &AppState, ctx: &TeamContext, id: &GroupId) -> AppResult<PlanView> {
    let g = find(&state.db, ctx, id).await?;
    let rs = members(&state.db, ctx, &g.id).await?;
    let ids: Vec<crate::domain::ids::ReleaseId> = rs.iter().map(|r| r.id.clone()).collect();
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
    let name = |id: &crate::domain::ids::ReleaseId| {
        let id = id.as_str();
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
