//! Linked work items on the release page.

use crate::domain::ids::{ItemId, ReleaseId};
use crate::views::{ApiError, ItemView, SearchHitView};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::ctx;

/// The release's linked items.
#[server(prefix = "/rpc")]
pub async fn release_items(release_id: ReleaseId) -> Result<Vec<ItemView>, ApiError> {
    let state = ctx::state()?;
    let team = ctx::team().await?;
    Ok(
        crate::server::services::items::list(&state, &team, &release_id)
            .await?
            .items,
    )
}

/// Links a Jira ticket (`PAY-12`) or a pull request (`owner/repo#42` or
/// its URL); `item_type` is JIRA_TICKET or GITHUB_PR.
#[server(prefix = "/rpc")]
pub async fn link_item(
    release_id: ReleaseId,
    item_type: String,
    external_id: String,
) -> Result<ItemView, ApiError> {
    use crate::server::services::items::{self, ItemInput};
    let state = ctx::state()?;
    let team = ctx::team().await?;
    items::add(
        &state,
        &team.editor("link items")?,
        &release_id,
        ItemInput {
            item_type: Some(item_type),
            external_id: Some(external_id),
        },
    )
    .await
    .map_err(ApiError::from)
}

/// Searches Jira (`source` = JIRA_TICKET) or GitHub pull requests
/// (GITHUB_PR) with the release's service's project or repository, through
/// the caller's connection. `jql` is Jira's advanced search.
#[server(prefix = "/rpc")]
pub async fn search_items(
    release_id: ReleaseId,
    source: String,
    q: String,
    #[server(default)] jql: Option<String>,
) -> Result<Vec<SearchHitView>, ApiError> {
    use crate::server::services::search::{self, SearchQuery};
    let state = ctx::state()?;
    let team = ctx::team().await?;
    let query = SearchQuery {
        q: Some(q),
        jql: jql.filter(|j| !j.trim().is_empty()),
        release_id: Some(release_id),
        ..Default::default()
    };
    let found = match source.as_str() {
        "JIRA_TICKET" => search::jira(&state, &team, query).await,
        _ => search::github(&state, &team, query).await,
    }?;
    Ok(found
        .items
        .into_iter()
        .map(|h| SearchHitView {
            item_type: h.item_type.as_str().to_string(),
            external_id: h.external_id,
            title: h.title,
            status: h.status,
            status_category: h.status_category,
            assignee: h.assignee,
            url: h.url,
        })
        .collect())
}

/// Refreshes every item of the release now.
#[server(prefix = "/rpc")]
pub async fn sync_release_items(release_id: ReleaseId) -> Result<(), ApiError> {
    let state = ctx::state()?;
    let team = ctx::team().await?;
    crate::server::services::items::sync_release(
        &state,
        &team.editor("sync linked items")?,
        &release_id,
    )
    .await?;
    Ok(())
}

/// Unlinks an item; answers what it was (for Undo, which links it again).
#[server(prefix = "/rpc")]
pub async fn unlink_item(release_id: ReleaseId, item_id: ItemId) -> Result<ItemView, ApiError> {
    use crate::server::services::items;
    let state = ctx::state()?;
    let team = ctx::team().await?;
    let editor = team.editor("unlink items")?;
    let item = items::list(&state, &team, &release_id)
        .await?
        .items
        .into_iter()
        .find(|i| i.id == item_id)
        .ok_or_else(|| crate::server::error::AppError::not_found("item"))?;
    items::remove(&state, &editor, &release_id, &item_id).await?;
    Ok(item)
}

/// Refreshes an item now.
#[server(prefix = "/rpc")]
pub async fn sync_item(release_id: ReleaseId, item_id: ItemId) -> Result<ItemView, ApiError> {
    let state = ctx::state()?;
    let team = ctx::team().await?;
    crate::server::services::items::sync(
        &state,
        &team.editor("sync linked items")?,
        &release_id,
        &item_id,
    )
    .await
    .map_err(ApiError::from)
}
