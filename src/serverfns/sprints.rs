//! Sprints, for their pages: the list with progress, one sprint, its form,
//! and putting a filtered board into a sprint.

use crate::domain::ids::SprintId;
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
