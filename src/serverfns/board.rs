//! The board's data.

use crate::views::{ApiError, BoardColumn, MemberView, ServiceView};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::ctx;

/// What `/board` shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardData {
    /// Every status, in `ReleaseStatus::ALL` order.
    pub columns: Vec<BoardColumn>,
    /// The team's services (filter).
    pub services: Vec<ServiceView>,
    /// The team's members (filter).
    pub members: Vec<MemberView>,
    /// Whether the caller may move cards.
    pub can_edit: bool,
    /// Sprints that are not finished (assign the filtered releases).
    pub sprints: Vec<crate::views::SprintView>,
}

/// The board under the filters of the URL (`serviceId`, `ownerId`,
/// `priority`, `blocked`, `q`); `show` asks for more cards in some columns
/// (see [`crate::domain::board::ColumnSizes`]); `closed=1` loads the cards
/// of the collapsed "Closed" area too.
/// Its URL is fixed (`/rpc/board`) so the benchmark can call it.
#[server(prefix = "/rpc", endpoint = "board")]
pub async fn board(
    service_id: String,
    owner_id: String,
    priority: String,
    blocked: String,
    q: String,
    show: String,
    closed: String,
) -> Result<BoardData, ApiError> {
    use crate::domain::board::ColumnSizes;
    use crate::server::services::releases::{self, ReleaseFilter};
    let state = ctx::state()?;
    let team = ctx::team().await?;
    let f = ReleaseFilter {
        service_id: Some(service_id),
        owner_id: Some(owner_id),
        priority: Some(priority),
        blocked: Some(blocked),
        q: Some(q),
        ..Default::default()
    };
    let sizes = ColumnSizes::parse(&show);
    // The columns, the filters' pickers and the open sprints are
    // independent: asked at once, the data call takes as long as the
    // slowest of them, not their sum.
    let open_sprints = async {
        let page = crate::server::services::PageRequest {
            limit: Some(100),
            cursor: None,
        };
        Ok::<_, ApiError>(
            crate::server::services::sprints::list(&state, &team, &page)
                .await?
                .items
                .into_iter()
                .filter(|s| {
                    matches!(
                        s.status,
                        crate::domain::kinds::SprintStatus::Planning
                            | crate::domain::kinds::SprintStatus::Active
                    )
                })
                .collect(),
        )
    };
    let columns = async {
        Ok::<_, ApiError>(releases::board(&state, &team, &f, &sizes, closed == "1").await?)
    };
    let (columns, (services, members), sprints) =
        futures::try_join!(columns, super::releases::names(&state, &team), open_sprints)?;
    Ok(BoardData {
        sprints,
        columns,
        services,
        members,
        can_edit: team.role().can_edit_releases(),
    })
}
