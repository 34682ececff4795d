//! The release page's planning: dependencies, the dependency picker, and
//! the release's sprint and deployment group.

use crate::domain::ids::{DependencyId, GroupId, ReleaseId, SprintId};
use crate::views::*;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::ctx;
#[cfg(feature = "ssr")]
use super::releases::all;

/// What the release page shows about planning.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReleasePlanningData {
    /// What it depends on.
    pub dependencies: Vec<DependencyView>,
    /// What depends on it.
    pub dependents: Vec<DependencyView>,
    /// The team's sprints (picker).
    pub sprints: Vec<SprintView>,
    /// The team's groups (picker).
    pub groups: Vec<DeploymentGroupView>,
}

/// The release page's planning section.
#[server(prefix = "/rpc")]
pub async fn release_planning(id: ReleaseId) -> Result<ReleasePlanningData, ApiError> {
    use crate::server::services::dependencies;
    let state = ctx::state()?;
    let team = ctx::team().await?;
    Ok(ReleasePlanningData {
        dependencies: dependencies::list(&state, &team, &id).await?.items,
        dependents: dependencies::dependents(&state, &team, &id).await?,
        sprints: crate::server::services::sprints::list(&state, &team, &all())
            .await?
            .items,
        groups: crate::server::services::groups::list(&state, &team, &all())
            .await?
            .items,
    })
}

/// Releases of the team matching `q` (title, version or service), for
/// picking a dependency; at most 10, never `exclude`.
#[server(prefix = "/rpc")]
pub async fn search_releases(q: String, exclude: String) -> Result<Vec<ReleaseRef>, ApiError> {
    let state = ctx::state()?;
    let team = ctx::team().await?;
    Ok(crate::server::services::dependencies::candidates(&state, &team, &q, &exclude).await?)
}

/// Adds a dependency from the release page.
#[server(prefix = "/rpc")]
pub async fn add_dependency(
    release_id: ReleaseId,
    depends_on_id: ReleaseId,
    dep_type: String,
) -> Result<DependencyView, ApiError> {
    use crate::server::services::dependencies::{self, DependencyInput};
    let state = ctx::state()?;
    let team = ctx::team().await?;
    dependencies::create(
        &state,
        &team.editor("change dependencies")?,
        &release_id,
        DependencyInput {
            depends_on_id: Some(depends_on_id),
            dep_type: Some(dep_type),
        },
    )
    .await
    .map_err(ApiError::from)
}

/// Removes a dependency from the release page.
#[server(prefix = "/rpc")]
pub async fn remove_dependency(
    release_id: ReleaseId,
    dependency_id: DependencyId,
) -> Result<(), ApiError> {
    let state = ctx::state()?;
    let team = ctx::team().await?;
    crate::server::services::dependencies::delete(
        &state,
        &team.editor("change dependencies")?,
        &release_id,
        &dependency_id,
    )
    .await
    .map_err(ApiError::from)
}

/// Puts a release into a sprint and a deployment group (empty = none).
#[server(prefix = "/rpc")]
pub async fn set_release_plan(
    id: ReleaseId,
    sprint_id: SprintId,
    deployment_group_id: GroupId,
) -> Result<ReleaseView, ApiError> {
    use crate::server::services::releases::{self, ReleaseInput};
    let state = ctx::state()?;
    let team = ctx::team().await?;
    releases::update(
        &state,
        &team.editor("edit releases")?,
        &id,
        ReleaseInput {
            sprint_id: Some(Some(sprint_id)),
            deployment_group_id: Some(Some(deployment_group_id)),
            ..Default::default()
        },
    )
    .await
    .map_err(ApiError::from)
}
