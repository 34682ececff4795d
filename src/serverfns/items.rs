//! Linked work items on the release page.

use crate::views::ItemView;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::ctx;

/// The release's linked items.
#[server(prefix = "/rpc")]
pub async fn release_items(release_id: String) -> Result<Vec<ItemView>, ServerFnError> {
    let state = ctx::state()?;
    let team = ctx::team().await?;
    Ok(
        crate::server::services::items::list(&state, &team, &release_id)
            .await
            .map_err(ctx::err)?
            .items,
    )
}

/// Links a pull request (`owner/repo#42` or its URL).
#[server(prefix = "/rpc")]
pub async fn link_item(release_id: String, external_id: String) -> Result<ItemView, ServerFnError> {
    use crate::server::services::items::{self, ItemInput};
    let state = ctx::state()?;
    let team = ctx::team().await?;
    items::add(
        &state,
        &team,
        &release_id,
        ItemInput {
            item_type: Some("GITHUB_PR".into()),
            external_id: Some(external_id),
        },
    )
    .await
    .map_err(ctx::err)
}

/// Unlinks an item.
#[server(prefix = "/rpc")]
pub async fn unlink_item(release_id: String, item_id: String) -> Result<(), ServerFnError> {
    let state = ctx::state()?;
    let team = ctx::team().await?;
    crate::server::services::items::remove(&state, &team, &release_id, &item_id)
        .await
        .map_err(ctx::err)
}

/// Refreshes an item now.
#[server(prefix = "/rpc")]
pub async fn sync_item(release_id: String, item_id: String) -> Result<ItemView, ServerFnError> {
    let state = ctx::state()?;
    let team = ctx::team().await?;
    crate::server::services::items::sync(&state, &team, &release_id, &item_id)
        .await
        .map_err(ctx::err)
}
