//! Sprints, deployment groups, dependencies, the dashboard and the calendar,
//! for their pages.

use crate::domain::ids::{DependencyId, GroupId, ReleaseId, SprintId, UserId};
use crate::serverfns::releases::ReleaseRow;
use crate::views::*;

pub use crate::views::{CalendarData, SprintSummary};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::ctx;

#[cfg(feature = "ssr")]
fn all() -> crate::server::services::PageRequest {
    crate::server::services::PageRequest {
        limit: Some(500),
        cursor: None,
    }
}

#[cfg(feature = "ssr")]
async fn rows(
    state: &crate::server::state::AppState,
    team: &crate::server::access::TeamContext,
    f: crate::server::services::releases::ReleaseFilter,
) -> Result<Vec<ReleaseRow>, ApiError> {
    let page = crate::server::services::releases::list(state, team, &f).await?;
    let (services, members) = super::releases::names(state, team).await?;
    Ok(page
        .items
        .into_iter()
        .map(|r| super::releases::row(r, &services, &members))
        .collect())
}

/// `/sprints`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SprintsPageData {
    /// Newest first.
    pub sprints: Vec<SprintSummary>,
    /// ADMIN+ manages sprints.
    pub can_manage: bool,
}

/// The sprints page.
#[server(prefix = "/rpc")]
pub async fn sprints_page() -> Result<SprintsPageData, ApiError> {
    let state = ctx::state()?;
    let team = ctx::team().await?;
    Ok(SprintsPageData {
        sprints: crate::server::services::sprints::list_with_progress(&state, &team).await?,
        can_manage: team.role().can_manage_team_config(),
    })
}

/// Creates a sprint and opens it.
#[server(prefix = "/rpc")]
pub async fn create_sprint(
    name: String,
    start_date: String,
    end_date: String,
    status: String,
) -> Result<(), ApiError> {
    use crate::server::services::sprints::{self, SprintInput};
    let state = ctx::state()?;
    let team = ctx::team().await?;
    let s = sprints::create(
        &state,
        &team.admin("manage sprints")?,
        SprintInput {
            name: Some(name),
            start_date: Some(start_date),
            end_date: Some(end_date),
            status: Some(status).filter(|s| !s.is_empty()),
        },
    )
    .await?;
    leptos_axum::redirect(&format!("/sprints/{}", s.id));
    Ok(())
}

/// `/sprints/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SprintPageData {
    /// The sprint.
    pub sprint: SprintView,
    /// Its releases.
    pub releases: Vec<ReleaseRow>,
    /// ADMIN+ edits it.
    pub can_manage: bool,
}

/// One sprint with its releases.
#[server(prefix = "/rpc")]
pub async fn sprint_page(id: SprintId) -> Result<SprintPageData, ApiError> {
    use crate::server::services::releases::ReleaseFilter;
    let state = ctx::state()?;
    let team = ctx::team().await?;
    let sprint = crate::server::services::sprints::get(&state, &team, &id).await?;
    let releases = rows(
        &state,
        &team,
        ReleaseFilter {
            sprint_id: Some(id.into_string()),
            limit: Some(500),
            ..Default::default()
        },
    )
    .await?;
    Ok(SprintPageData {
        sprint,
        releases,
        can_manage: team.role().can_manage_team_config(),
    })
}

/// Edits a sprint.
#[server(prefix = "/rpc")]
pub async fn update_sprint(
    id: SprintId,
    name: String,
    start_date: String,
    end_date: String,
    status: String,
) -> Result<SprintView, ApiError> {
    use crate::server::services::sprints::{self, SprintInput};
    let state = ctx::state()?;
    let team = ctx::team().await?;
    sprints::update(
        &state,
        &team.admin("manage sprints")?,
        &id,
        SprintInput {
            name: Some(name),
            start_date: Some(start_date),
            end_date: Some(end_date),
            status: Some(status),
        },
    )
    .await
    .map_err(ApiError::from)
}

/// Deletes a sprint and goes back to the list.
#[server(prefix = "/rpc")]
pub async fn delete_sprint(id: SprintId) -> Result<(), ApiError> {
    let state = ctx::state()?;
    let team = ctx::team().await?;
    crate::server::services::sprints::delete(&state, &team.admin("manage sprints")?, &id).await?;
    leptos_axum::redirect("/sprints");
    Ok(())
}

/// Puts every release matching the board's filters (not yet finished) into
/// a sprint; answers how many moved.
#[server(prefix = "/rpc")]
pub async fn assign_sprint_by_filter(
    sprint_id: SprintId,
    service_id: String,
    owner_id: String,
    priority: String,
    blocked: String,
    q: String,
) -> Result<usize, ApiError> {
    use crate::server::services::releases::{self, ReleaseFilter};
    let state = ctx::state()?;
    let team = ctx::team().await?;
    let filter = ReleaseFilter {
        service_id: Some(service_id),
        owner_id: Some(owner_id),
        priority: Some(priority),
        blocked: Some(blocked),
        q: Some(q),
        ..Default::default()
    };
    Ok(
        releases::assign_sprint(&state, &team.editor("edit releases")?, &filter, &sprint_id)
            .await?,
    )
}

/// `/deployment-groups`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupsPageData {
    /// Newest first.
    pub groups: Vec<DeploymentGroupView>,
    /// For the form.
    pub sprints: Vec<SprintView>,
    /// For the form.
    pub members: Vec<MemberView>,
    /// ADMIN+ creates groups.
    pub can_manage: bool,
}

/// The deployment groups page.
#[server(prefix = "/rpc")]
pub async fn groups_page() -> Result<GroupsPageData, ApiError> {
    let state = ctx::state()?;
    let team = ctx::team().await?;
    let groups = crate::server::services::groups::list(&state, &team, &all())
        .await?
        .items;
    let sprints = crate::server::services::sprints::list(&state, &team, &all())
        .await?
        .items;
    let (_, members) = super::releases::names(&state, &team).await?;
    Ok(GroupsPageData {
        groups,
        sprints,
        members,
        can_manage: team.role().can_manage_team_config(),
    })
}

/// The group form's fields as a full update (empty selects clear).
#[cfg(feature = "ssr")]
fn group_input(
    name: String,
    sprint_id: SprintId,
    owner_id: UserId,
    target_date: String,
    deployment_order: String,
) -> crate::server::services::groups::GroupInput {
    crate::server::services::groups::GroupInput {
        name: Some(name),
        sprint_id: Some(Some(sprint_id)),
        owner_id: Some(Some(owner_id)),
        target_date: Some(Some(target_date)),
        deployment_order: Some(deployment_order),
    }
}

/// Creates a deployment group and opens it.
#[server(prefix = "/rpc")]
pub async fn create_group(
    name: String,
    sprint_id: SprintId,
    owner_id: UserId,
    target_date: String,
    deployment_order: String,
) -> Result<(), ApiError> {
    use crate::server::services::groups;
    let state = ctx::state()?;
    let team = ctx::team().await?;
    let g = groups::create(
        &state,
        &team.admin("manage deployment groups")?,
        group_input(name, sprint_id, owner_id, target_date, deployment_order),
    )
    .await?;
    leptos_axum::redirect(&format!("/deployment-groups/{}", g.id));
    Ok(())
}

/// `/deployment-groups/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupPageData {
    /// The group.
    pub group: DeploymentGroupView,
    /// Its releases in order.
    pub releases: Vec<GroupReleaseView>,
    /// The rollout plan.
    pub plan: PlanView,
    /// Releases that could join (not finished, not in this group).
    pub candidates: Vec<ReleaseRef>,
    /// For the form.
    pub sprints: Vec<SprintView>,
    /// For the form.
    pub members: Vec<MemberView>,
    /// MEMBER+ adds, removes and orders the group's releases.
    pub can_edit: bool,
    /// ADMIN+ edits and deletes the group.
    pub can_manage: bool,
}

/// One group with its plan.
#[server(prefix = "/rpc")]
pub async fn group_page(id: GroupId) -> Result<GroupPageData, ApiError> {
    use crate::domain::status::ReleaseStatus;
    use crate::server::services::{groups, releases};
    let state = ctx::state()?;
    let team = ctx::team().await?;
    let group = groups::get(&state, &team, &id).await?;
    let members_of = groups::releases(&state, &team, &id).await?;
    let plan = groups::plan(&state, &team, &id).await?;
    let open = ReleaseStatus::in_flight_names();
    let rows = rows(
        &state,
        &team,
        releases::ReleaseFilter {
            status: Some(open.join(",")),
            limit: Some(500),
            ..Default::default()
        },
    )
    .await?;
    let candidates = rows
        .into_iter()
        .filter(|r| r.release.deployment_group_id.as_ref() != Some(&id))
        .map(|r| ReleaseRef {
            id: r.release.id,
            title: r.release.title,
            version: r.release.version,
            status: r.release.status,
            service_name: r.service_name,
        })
        .collect();
    let sprints = crate::server::services::sprints::list(&state, &team, &all())
        .await?
        .items;
    let (_, members) = super::releases::names(&state, &team).await?;
    Ok(GroupPageData {
        group,
        releases: members_of,
        plan,
        candidates,
        sprints,
        members,
        can_edit: team.role().can_edit_releases(),
        can_manage: team.role().can_manage_team_config(),
    })
}

/// Edits a group.
#[server(prefix = "/rpc")]
pub async fn update_group(
    id: GroupId,
    name: String,
    sprint_id: SprintId,
    owner_id: UserId,
    target_date: String,
    deployment_order: String,
) -> Result<DeploymentGroupView, ApiError> {
    use crate::server::services::groups;
    let state = ctx::state()?;
    let team = ctx::team().await?;
    groups::update(
        &state,
        &team.admin("manage deployment groups")?,
        &id,
        group_input(name, sprint_id, owner_id, target_date, deployment_order),
    )
    .await
    .map_err(ApiError::from)
}

/// Deletes a group and goes back to the list.
#[server(prefix = "/rpc")]
pub async fn delete_group(id: GroupId) -> Result<(), ApiError> {
    let state = ctx::state()?;
    let team = ctx::team().await?;
    crate::server::services::groups::delete(&state, &team.admin("manage deployment groups")?, &id)
        .await?;
    leptos_axum::redirect("/deployment-groups");
    Ok(())
}

/// Adds a release to a group.
#[server(prefix = "/rpc")]
pub async fn add_to_group(group_id: GroupId, release_id: ReleaseId) -> Result<(), ApiError> {
    use crate::server::services::groups::{self, AddRelease};
    let state = ctx::state()?;
    let team = ctx::team().await?;
    groups::add_release(
        &state,
        &team.editor("change a deployment group's releases")?,
        &group_id,
        AddRelease { release_id },
    )
    .await?;
    Ok(())
}

/// Removes a release from a group.
#[server(prefix = "/rpc")]
pub async fn remove_from_group(group_id: GroupId, release_id: ReleaseId) -> Result<(), ApiError> {
    let state = ctx::state()?;
    let team = ctx::team().await?;
    crate::server::services::groups::remove_release(
        &state,
        &team.editor("change a deployment group's releases")?,
        &group_id,
        &release_id,
    )
    .await
    .map_err(ApiError::from)
}

/// Sets a group's order (`release_ids` comma-separated, every member once).
#[server(prefix = "/rpc")]
pub async fn reorder_group(group_id: GroupId, release_ids: String) -> Result<(), ApiError> {
    use crate::server::services::groups::{self, Reorder};
    let state = ctx::state()?;
    let team = ctx::team().await?;
    let ids = release_ids
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(ReleaseId::from)
        .collect();
    groups::reorder(
        &state,
        &team.editor("change a deployment group's releases")?,
        &group_id,
        Reorder { release_ids: ids },
    )
    .await?;
    Ok(())
}

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

/// The dashboard over `days` days.
#[server(prefix = "/rpc")]
pub async fn load_dashboard(days: i64) -> Result<DashboardStats, ApiError> {
    let state = ctx::state()?;
    let team = ctx::team().await?;
    crate::server::services::dashboard::stats(&state, &team, days)
        .await
        .map_err(ApiError::from)
}

/// The calendar for `month` (`YYYY-MM`; empty = this month).
#[server(prefix = "/rpc")]
pub async fn calendar_month(month: String) -> Result<CalendarData, ApiError> {
    let state = ctx::state()?;
    let team = ctx::team().await?;
    Ok(crate::server::services::calendar::month(&state, &team, &month).await?)
}
