//! Services, for the services page.

use crate::domain::ids::ServiceId;
use crate::views::{ApiError, ServiceEnvironments, ServiceView};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::ctx;

/// A page of the services page: services in the order they were added, each
/// with what runs in staging and production (from CI's deployment reports).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ServicesPageData {
    /// This page's services.
    pub items: Vec<(ServiceView, ServiceEnvironments)>,
    /// Whether the caller may manage them.
    pub can_manage: bool,
    /// The cursor of the next page, if there is one.
    pub next_cursor: Option<String>,
    /// How many services the team has (first page only).
    pub total: Option<u64>,
}

/// The team's services, 100 at a time (`cursor`: the page after it).
#[server(prefix = "/rpc")]
pub async fn list_services(cursor: Option<String>) -> Result<ServicesPageData, ApiError> {
    use crate::server::services::{catalog, deployments, PageRequest};
    let state = ctx::state()?;
    let team = ctx::team().await?;
    let first = cursor.is_none();
    let page = catalog::list(
        &state,
        &team,
        &PageRequest {
            limit: Some(100),
            cursor,
        },
    )
    .await?;
    let mut running = deployments::environments_of_team(&state, &team).await?;
    let items = page
        .items
        .into_iter()
        .map(|s| {
            let envs = running.remove(&s.id).unwrap_or_default();
            (s, envs)
        })
        .collect();
    let total = match first {
        true => Some(catalog::count(&state, &team).await?),
        false => None,
    };
    Ok(ServicesPageData {
        total,
        items,
        can_manage: team.role().can_manage_team_config(),
        next_cursor: page.next_cursor,
    })
}

/// Creates or updates a service (`id` empty = create).
#[server(prefix = "/rpc")]
pub async fn save_service(
    id: ServiceId,
    name: String,
    slug: String,
    description: String,
    github_repo: String,
    jira_project_key: String,
) -> Result<ServiceView, ApiError> {
    use crate::server::services::catalog::{self, ServiceInput};
    let state = ctx::state()?;
    let team = ctx::team().await?;
    let input = ServiceInput {
        name: Some(name),
        slug: Some(slug).filter(|s| !s.trim().is_empty()),
        description: Some(description),
        github_repo: Some(Some(github_repo)),
        jira_project_key: Some(Some(jira_project_key)),
    };
    if id.is_empty() {
        catalog::create(&state, &team.admin("create services")?, input)
            .await
            .map_err(ApiError::from)
    } else {
        catalog::update(&state, &team.admin("edit services")?, &id, input)
            .await
            .map_err(ApiError::from)
    }
}

/// Deletes a service and its releases.
#[server(prefix = "/rpc")]
pub async fn delete_service(id: ServiceId) -> Result<(), ApiError> {
    let state = ctx::state()?;
    let team = ctx::team().await?;
    crate::server::services::catalog::delete(&state, &team.admin("delete services")?, &id)
        .await
        .map_err(ApiError::from)
}

/// The caller's GitHub repositories (`owner/name`), most recently pushed
/// first, for picking a service's repository.
#[server(prefix = "/rpc")]
pub async fn my_github_repos() -> Result<Vec<String>, ApiError> {
    let state = ctx::state()?;
    let team = ctx::team().await?;
    Ok(crate::server::services::search::github_repos(
        &state,
        team.person("list GitHub repositories")?,
    )
    .await?
    .into_iter()
    .map(|r| r.full_name)
    .collect())
}

/// The command palette's search: the team's releases, services, sprints,
/// deployment groups and people matching `q`, best first (the same search
/// as `GET /api/search`).
#[server(prefix = "/rpc")]
pub async fn search_team(q: String) -> Result<crate::views::SearchResults, ApiError> {
    use crate::server::services::team_search::{self, FindQuery};
    let state = ctx::state()?;
    let team = ctx::team().await?;
    team_search::find(
        &state,
        &team,
        &FindQuery {
            q: Some(q),
            limit: Some(12),
        },
    )
    .await
    .map_err(ApiError::from)
}
