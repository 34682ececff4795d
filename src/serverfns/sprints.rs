//! Sprints, for their pages: the list with progress, one sprint, its form,
//! and putting a filtered board into a sprint.

use crate::domain::ids::SprintId;
use crate::domain::status::ReleaseStatus;
use crate::serverfns::releases::ReleaseRow;
use crate::views::*;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::ctx;
#[cfg(feature = "ssr")]
use super::releases::rows;

/// `/sprints`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SprintsPageData {
    /// Newest first, a page at a time.
    pub sprints: Vec<SprintSummary>,
    /// The cursor of the next page, if there is one.
    pub next_cursor: Option<String>,
    /// ADMIN+ manages sprints.
    pub can_manage: bool,
}

/// Sprints per page of `/sprints`.
pub const SPRINTS_PAGE: u64 = 50;

/// The sprints page: the first page without a cursor, the next ones after it.
#[server(prefix = "/rpc")]
pub async fn sprints_page(cursor: Option<String>) -> Result<SprintsPageData, ApiError> {
    use crate::server::services::PageRequest;
    let state = ctx::state()?;
    let team = ctx::team().await?;
    let page = crate::server::services::sprints::list_with_progress(
        &state,
        &team,
        &PageRequest {
            limit: Some(SPRINTS_PAGE),
            cursor,
        },
    )
    .await?;
    Ok(SprintsPageData {
        sprints: page.items,
        next_cursor: page.next_cursor,
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
    /// How many of its releases are in each status (none: left out).
    pub counts: Vec<(ReleaseStatus, u64)>,
    /// Its first releases, newest first.
    pub releases: Vec<ReleaseRow>,
    /// The cursor of the releases after them, if there are more.
    pub next_cursor: Option<String>,
    /// ADMIN+ edits it.
    pub can_manage: bool,
}

/// A sprint's releases per page.
pub const SPRINT_RELEASES_PAGE: u64 = 100;

/// One sprint with its status counts and first releases.
#[server(prefix = "/rpc")]
pub async fn sprint_page(id: SprintId) -> Result<SprintPageData, ApiError> {
    let state = ctx::state()?;
    let team = ctx::team().await?;
    let sprint = crate::server::services::sprints::get(&state, &team, &id).await?;
    let counts = crate::server::services::sprints::status_counts(&state, &team, &id).await?;
    let page = sprint_rows(&state, &team, id, None).await?;
    Ok(SprintPageData {
        sprint,
        counts,
        releases: page.items,
        next_cursor: page.next_cursor,
        can_manage: team.role().can_manage_team_config(),
    })
}

/// A sprint's releases after `cursor` (its page's "Load more").
#[server(prefix = "/rpc")]
pub async fn sprint_releases(id: SprintId, cursor: String) -> Result<Page<ReleaseRow>, ApiError> {
    let state = ctx::state()?;
    let team = ctx::team().await?;
    // An unknown sprint is a 404, not an empty page.
    crate::server::services::sprints::get(&state, &team, &id).await?;
    sprint_rows(&state, &team, id, Some(cursor)).await
}

#[cfg(feature = "ssr")]
async fn sprint_rows(
    state: &crate::server::state::AppState,
    team: &crate::server::access::TeamContext,
    id: SprintId,
    cursor: Option<String>,
) -> Result<Page<ReleaseRow>, ApiError> {
    use crate::server::services::releases::ReleaseFilter;
    rows(
        state,
        team,
        ReleaseFilter {
            sprint_id: Some(id.into_string()),
            limit: Some(SPRINT_RELEASES_PAGE),
            cursor,
            ..Default::default()
        },
    )
    .await
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
