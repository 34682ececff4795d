//! Reading what CI reported: the list of reports, what runs in each
//! environment, and the production successes the dashboard counts.

use super::view;
use crate::domain::deployments::{self, DeployStatus, Environment};
use crate::domain::ids::{ReleaseId, ServiceId};
use crate::server::access::TeamContext;
use crate::server::db::entities::{deployment, release, service};
use crate::server::db::scoped::TeamOwned;
use crate::server::error::{AppError, AppResult};
use crate::server::services::{ts, PageRequest};
use crate::server::state::AppState;
use crate::views::{DeploymentView, Page, RunningVersion, ServiceEnvironments};
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;
use std::collections::HashMap;

/// `GET /api/deployments`: filters and paging.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct DeploymentFilter {
    /// One service.
    #[param(value_type = Option<String>)]
    pub service_id: Option<ServiceId>,
    /// One release.
    #[param(value_type = Option<String>)]
    pub release_id: Option<ReleaseId>,
    /// STAGING or PRODUCTION.
    pub environment: Option<String>,
    /// STARTED, SUCCEEDED, FAILED or ROLLED_BACK.
    pub status: Option<String>,
    /// Items per page.
    pub limit: Option<u64>,
    /// The `nextCursor` of the previous page.
    pub cursor: Option<String>,
}

/// Reported deployments, newest first.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id()))]
pub async fn list(
    state: &AppState,
    ctx: &TeamContext,
    f: &DeploymentFilter,
) -> AppResult<Page<DeploymentView>> {
    let page = PageRequest {
        limit: f.limit,
        cursor: f.cursor.clone(),
    };
    let mut q = deployment::Entity::find_in(ctx)
        .order_by_desc(deployment::Column::Id)
        .limit(page.limit()? + 1);
    if let Some(s) = f.service_id.as_ref().filter(|s| !s.is_empty()) {
        q = q.filter(deployment::Column::ServiceId.eq(s));
    }
    if let Some(r) = f.release_id.as_ref().filter(|r| !r.is_empty()) {
        q = q.filter(deployment::Column::ReleaseId.eq(r));
    }
    if let Some(e) = f.environment.as_deref().filter(|e| !e.is_empty()) {
        q = q.filter(deployment::Column::Environment.eq(e.parse::<Environment>()?));
    }
    if let Some(s) = f.status.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(deployment::Column::Status.eq(s.parse::<DeployStatus>()?));
    }
    if let Some(c) = &page.cursor {
        q = q.filter(deployment::Column::Id.lt(c.as_str()));
    }
    let items = q.all(&state.db).await?.into_iter().map(view).collect();
    page.page(items, |d: &DeploymentView| d.id.to_string())
}

/// How many reports back what runs in an environment is looked for: a
/// rollback reaches back over at most this many.
const HISTORY: u64 = 200;

/// What runs in one environment, from its reports newest first.
fn running(newest_first: &[deployment::Model]) -> Option<RunningVersion> {
    let oldest_first: Vec<&deployment::Model> = newest_first.iter().rev().collect();
    let reports: Vec<(DeployStatus, &str)> = oldest_first
        .iter()
        .map(|d| (d.status, d.version.as_str()))
        .collect();
    let i = deployments::standing(&reports)?;
    let d = oldest_first[i];
    Some(RunningVersion {
        version: d.version.clone(),
        release_id: d.release_id.clone(),
        deployed_at: ts(d.created_at),
        commit_sha: d.commit_sha.clone(),
        url: d.url.clone(),
    })
}

/// `GET /api/services/{id}/environments`: what runs in staging and
/// production, from the latest SUCCEEDED report a rollback did not take back.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), service_id = %id))]
pub async fn environments(
    state: &AppState,
    ctx: &TeamContext,
    id: &ServiceId,
) -> AppResult<ServiceEnvironments> {
    let svc = service::Entity::find_by_id_in(ctx, id.clone())
        .one(&state.db)
        .await?
        .ok_or_else(|| AppError::not_found("service"))?;
    let mut out = ServiceEnvironments::default();
    for env in Environment::ALL {
        let rows = deployment::Entity::find_in(ctx)
            .filter(deployment::Column::ServiceId.eq(&svc.id))
            .filter(deployment::Column::Environment.eq(env))
            .filter(
                deployment::Column::Status
                    .is_in([DeployStatus::Succeeded, DeployStatus::RolledBack]),
            )
            .order_by_desc(deployment::Column::Id)
            .limit(HISTORY)
            .all(&state.db)
            .await?;
        let now = running(&rows);
        match env {
            Environment::Staging => out.staging = now,
            Environment::Production => out.production = now,
        }
    }
    Ok(out)
}

/// What runs where for every service of the team (the services page), in
/// one query over the latest reports.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id()))]
pub async fn environments_of_team(
    state: &AppState,
    ctx: &TeamContext,
) -> AppResult<HashMap<ServiceId, ServiceEnvironments>> {
    let rows = deployment::Entity::find_in(ctx)
        .filter(
            deployment::Column::Status.is_in([DeployStatus::Succeeded, DeployStatus::RolledBack]),
        )
        .order_by_desc(deployment::Column::Id)
        .limit(HISTORY * 20)
        .all(&state.db)
        .await?;
    let mut by: HashMap<(ServiceId, Environment), Vec<deployment::Model>> = HashMap::new();
    for r in rows {
        by.entry((r.service_id.clone(), r.environment))
            .or_default()
            .push(r);
    }
    let mut out: HashMap<ServiceId, ServiceEnvironments> = HashMap::new();
    for ((svc, env), rows) in by {
        let e = out.entry(svc).or_default();
        match env {
            Environment::Staging => e.staging = running(&rows),
            Environment::Production => e.production = running(&rows),
        }
    }
    Ok(out)
}

/// The team's successful production reports since `since`, as the
/// dashboard's deployments (release created → reported deployed): its
/// DORA figures use these where they exist.
pub async fn production_successes(
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
    since: chrono::DateTime<chrono::Utc>,
) -> AppResult<Vec<crate::domain::metrics::Deployment>> {
    let rows = deployment::Entity::find_in(ctx)
        .filter(deployment::Column::Environment.eq(Environment::Production))
        .filter(deployment::Column::Status.eq(DeployStatus::Succeeded))
        .filter(deployment::Column::CreatedAt.gte(since))
        .find_also_related(release::Entity)
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(d, r)| {
            r.map(|r| crate::domain::metrics::Deployment {
                service: d.service_id.to_string(),
                created_at: r.created_at,
                deployed_at: d.created_at,
            })
        })
        .collect())
}
