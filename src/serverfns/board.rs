//! The board's data.

use crate::views::BoardCard;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::ctx;

/// The current team's releases as board cards, newest change first.
#[server(prefix = "/rpc")]
pub async fn board_cards() -> Result<Vec<BoardCard>, ServerFnError> {
    let state = ctx::state()?;
    let team = ctx::team().await?;
    crate::server::services::releases::board_cards(&state, &team)
        .await
        .map_err(ctx::err)
}
