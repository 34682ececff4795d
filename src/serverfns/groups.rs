//! Deployment groups, for their pages: the list, one group with its plan,
//! its form, membership and order.

use crate::domain::ids::{GroupId, ReleaseId, SprintId, UserId};
use crate::views::*;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::ctx;
#[cfg(feature = "ssr")]
use super::releases::all;

/// `/deployment-groups`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupsPageData {
    /// Newest first: 100 (or the page after `cursor`).
    pub groups: Vec<DeploymentGroupView>,
    /// The cursor of the next page of groups, if there is one.
    pub next_cursor: Option<String>,
    /// How many groups the team has (first page only).
    pub total: Option<u64>,
    /// For the form.
    pub sprints: Vec<SprintView>,
    /// For the form.
    pub members: Vec<MemberView>,
    /// ADMIN+ creates groups.
    pub can_manage: bool,
}

/// The deployment groups page, 100 groups at a time (`cursor`: the page
/// after it).
#[server(prefix = "/rpc")]
pub async fn groups_page(cursor: Option<String>) -> Result<GroupsPageData, ApiError> {
    let state = ctx::state()?;
    let team = ctx::team().await?;
    let total = match cursor {
        None => Some(crate::server::services::groups::count(&state, &team).await?),
        Some(_) => None,
    };
    let page = crate::server::services::groups::list(
        &state,
        &team,
        &crate::server::services::PageRequest {
            limit: Some(100),
            cursor,
        },
    )
    .await?;
    let sprints = crate::server::services::sprints::list(&state, &team, &all())
        .await?
        .items;
    let (_, members) = super::releases::names(&state, &team).await?;
    Ok(GroupsPageData {
        total,
        groups: page.items,
        next_cursor: page.next_cursor,
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
    /// Releases that could join (in flight, not in this group, matching the
    /// page's `q`), most recently changed first: up to [`CANDIDATES`].
    pub candidates: Vec<ReleaseRef>,
    /// How many releases could join and match `q`, shown or not.
    pub candidates_total: u64,
    /// For the form.
    pub sprints: Vec<SprintView>,
    /// For the form.
    pub members: Vec<MemberView>,
    /// MEMBER+ adds, removes and orders the group's releases.
    pub can_edit: bool,
    /// ADMIN+ edits and deletes the group.
    pub can_manage: bool,
}

/// How many releases the "Add a release" picker offers at once; past that,
/// the page says how many more there are and the search narrows them.
pub const CANDIDATES: u64 = 50;

/// One group with its plan; `q` narrows the releases offered to join it.
#[server(prefix = "/rpc")]
pub async fn group_page(
    id: GroupId,
    #[server(default)] q: String,
) -> Result<GroupPageData, ApiError> {
    use crate::server::services::groups;
    let state = ctx::state()?;
    let team = ctx::team().await?;
    let group = groups::get(&state, &team, &id).await?;
    let members_of = groups::releases(&state, &team, &id).await?;
    let plan = groups::plan(&state, &team, &id).await?;
    let (found, candidates_total) = groups::candidates(&state, &team, &id, &q, CANDIDATES).await?;
    let (_, members) = super::releases::names(&state, &team).await?;
    let candidates = super::releases::named(&state, &team, found)
        .await?
        .into_iter()
        .map(|row| ReleaseRef {
            id: row.release.id,
            title: row.release.title,
            version: row.release.version,
            status: row.release.status,
            service_name: row.service_name,
        })
        .collect();
    let sprints = crate::server::services::sprints::list(&state, &team, &all())
        .await?
        .items;
    Ok(GroupPageData {
        group,
        releases: members_of,
        plan,
        candidates,
        candidates_total,
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
