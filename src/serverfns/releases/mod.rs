//! Releases, for their pages:
//!
//! - this file: the list (`/releases`), the new-release form, and the rows
//!   (a release with its service's and owner's names) other pages share;
//! - [`page`]: one release's page, its lists and its changes;
//! - [`comments`]: adding, editing and deleting comments;
//! - [`feeds`]: the activity feed, the deploy queue and what is blocked.

mod comments;
mod feeds;
mod page;

pub use comments::*;
pub use feeds::*;
pub use page::*;

use crate::views::*;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::ctx;

/// A release with the names it refers to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReleaseRow {
    /// The release.
    pub release: ReleaseView,
    /// Its service's name.
    pub service_name: String,
    /// Its owner's name.
    pub owner_name: Option<String>,
}

/// What the releases page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReleasesPageData {
    /// Matching releases, newest first.
    pub rows: Vec<ReleaseRow>,
    /// The team's services (for the filter and the new-release form).
    pub services: Vec<ServiceView>,
    /// The team's members (owner filter and picker).
    pub members: Vec<MemberView>,
    /// The team's sprints (new-release form; first page only).
    pub sprints: Vec<SprintView>,
    /// The team's deployment groups (new-release form; first page only).
    pub groups: Vec<DeploymentGroupView>,
    /// Whether the caller may create and edit.
    pub can_edit: bool,
    /// The cursor of the next page of rows, if there is one.
    pub next_cursor: Option<String>,
    /// How many releases match (first page only).
    pub total: Option<u64>,
}

#[cfg(feature = "ssr")]
pub(crate) async fn names(
    state: &crate::server::state::AppState,
    team: &crate::server::access::TeamContext,
) -> Result<(Vec<ServiceView>, Vec<MemberView>), ApiError> {
    use crate::server::services::{catalog, teams, PageRequest};
    let all = PageRequest {
        limit: Some(500),
        cursor: None,
    };
    let services = catalog::list(state, team, &all).await?.items;
    let members = teams::members(state, team, &all).await?.items;
    Ok((services, members))
}

/// Releases with their service's and owner's names, looked up for these
/// releases alone: right for a team of any size (the pickers' lists stop
/// at 500; a row's names never do).
#[cfg(feature = "ssr")]
pub(crate) async fn named(
    state: &crate::server::state::AppState,
    team: &crate::server::access::TeamContext,
    releases: Vec<ReleaseView>,
) -> Result<Vec<ReleaseRow>, ApiError> {
    let services = crate::server::services::catalog::names_of(
        state,
        team,
        releases.iter().map(|r| r.service_id.clone()),
    )
    .await?;
    let owners =
        crate::server::services::user_names(&state.db, releases.iter().map(|r| r.owner_id.clone()))
            .await?;
    Ok(releases
        .into_iter()
        .map(|r| ReleaseRow {
            service_name: services.get(&r.service_id).cloned().unwrap_or_default(),
            owner_name: r.owner_id.as_ref().and_then(|o| owners.get(o).cloned()),
            release: r,
        })
        .collect())
}

/// The releases page: filters come from the URL query.
#[server(prefix = "/rpc")]
pub async fn releases_page(
    status: String,
    service_id: String,
    owner_id: String,
    priority: String,
    blocked: String,
    q: String,
    cursor: Option<String>,
) -> Result<ReleasesPageData, ApiError> {
    use crate::server::services::releases::{self, ReleaseFilter};
    let state = ctx::state()?;
    let team = ctx::team().await?;
    let f = ReleaseFilter {
        status: Some(status),
        service_id: Some(service_id),
        owner_id: Some(owner_id),
        priority: Some(priority),
        blocked: Some(blocked),
        q: Some(q),
        limit: Some(100),
        cursor: cursor.clone(),
        ..Default::default()
    };
    let page = releases::list(&state, &team, &f).await?;
    let (services, members) = names(&state, &team).await?;
    let rows = named(&state, &team, page.items).await?;
    // The total and the pickers of the new-release form come with the first
    // page only.
    let (sprints, groups, total) = match cursor {
        Some(_) => (vec![], vec![], None),
        None => {
            let (sprints, groups) = plans(&state, &team).await?;
            (
                sprints,
                groups,
                Some(releases::count(&state, &team, &f).await?),
            )
        }
    };
    Ok(ReleasesPageData {
        rows,
        next_cursor: page.next_cursor,
        total,
        services,
        members,
        sprints,
        groups,
        can_edit: team.role().can_edit_releases(),
    })
}

#[cfg(feature = "ssr")]
async fn plans(
    state: &crate::server::state::AppState,
    team: &crate::server::access::TeamContext,
) -> Result<(Vec<SprintView>, Vec<DeploymentGroupView>), ApiError> {
    use crate::server::services::{groups, sprints, PageRequest};
    let all = PageRequest {
        limit: Some(500),
        cursor: None,
    };
    Ok((
        sprints::list(state, team, &all).await?.items,
        groups::list(state, team, &all).await?.items,
    ))
}

/// What the new-release form offers to pick from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewReleaseChoices {
    /// The team's services (a release belongs to one).
    pub services: Vec<ServiceView>,
    /// Possible owners.
    pub members: Vec<MemberView>,
    /// Sprints it can join.
    pub sprints: Vec<SprintView>,
    /// Deployment groups it can join.
    pub groups: Vec<DeploymentGroupView>,
}

/// The pickers of the new-release dialog, loaded when it opens (the board
/// does not carry them).
#[server(prefix = "/rpc")]
pub async fn new_release_options() -> Result<NewReleaseChoices, ApiError> {
    let state = ctx::state()?;
    let team = ctx::team().await?;
    team.editor("create releases")?;
    let (services, members) = names(&state, &team).await?;
    let (sprints, groups) = plans(&state, &team).await?;
    Ok(NewReleaseChoices {
        services,
        members,
        sprints,
        groups,
    })
}

pub use create_form::*;

/// The new-release form's server function: one argument per field of the
/// form, so it works as a plain form post without JavaScript.
mod create_form {
    #![allow(clippy::too_many_arguments)]
    #[cfg(feature = "ssr")]
    use super::{ctx, optional_priority};
    use crate::domain::ids::ServiceId;
    use crate::views::ApiError;
    use leptos::prelude::*;

    /// Creates a release and opens it.
    #[server(prefix = "/rpc")]
    pub async fn create_release(
        service_id: ServiceId,
        title: String,
        version: String,
        priority: String,
        target_date: String,
        description: String,
        #[server(default)] owner_id: String,
        #[server(default)] sprint_id: String,
        #[server(default)] deployment_group_id: String,
    ) -> Result<(), ApiError> {
        use crate::server::services::releases::{self, ReleaseInput};
        let state = ctx::state()?;
        let team = ctx::team().await?;
        // The form's selects send an id, or nothing for "none".
        fn chosen<T: From<String>>(v: String) -> Option<Option<T>> {
            let v = v.trim().to_string();
            (!v.is_empty()).then(|| Some(T::from(v)))
        }
        let input = ReleaseInput {
            service_id: Some(service_id),
            title: Some(title),
            version: Some(version),
            // The form's select sends a wire name, or nothing for the default.
            priority: optional_priority(&priority)?,
            target_date: Some(Some(target_date)),
            description: Some(description),
            owner_id: chosen(owner_id),
            sprint_id: chosen(sprint_id),
            deployment_group_id: chosen(deployment_group_id),
            ..Default::default()
        };
        let r = releases::create(&state, &team.editor("create releases")?, input).await?;
        leptos_axum::redirect(&format!("/releases/{}", r.id));
        Ok(())
    }
}

/// A priority from a form field: empty is "not given"; anything else must be
/// a wire name (a 400 naming `priority` otherwise).
#[cfg(feature = "ssr")]
fn optional_priority(
    value: &str,
) -> Result<Option<crate::domain::status::Priority>, crate::server::error::AppError> {
    if value.is_empty() {
        return Ok(None);
    }
    Ok(Some(value.parse()?))
}

#[cfg(feature = "ssr")]
/// Every row of a page-sized list (the pages show up to 500).
pub(super) fn all() -> crate::server::services::PageRequest {
    crate::server::services::PageRequest {
        limit: Some(500),
        cursor: None,
    }
}

#[cfg(feature = "ssr")]
/// A page of release rows (with service and owner names) matching `f`.
pub(super) async fn rows(
    state: &crate::server::state::AppState,
    team: &crate::server::access::TeamContext,
    f: crate::server::services::releases::ReleaseFilter,
) -> Result<Page<ReleaseRow>, ApiError> {
    let page = crate::server::services::releases::list(state, team, &f).await?;
    Ok(Page {
        items: named(state, team, page.items).await?,
        next_cursor: page.next_cursor,
    })
}
