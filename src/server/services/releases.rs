//! Releases: reading them for the board.

use crate::server::auth::TeamContext;
use crate::server::db::entities::{release, service};
use crate::server::error::AppResult;
use crate::server::state::AppState;
use crate::views::BoardCard;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

/// Most cards the board loads at once.
pub const BOARD_LIMIT: u64 = 500;

/// The team's releases as cards, most recently changed first; one query.
pub async fn board_cards(state: &AppState, ctx: &TeamContext) -> AppResult<Vec<BoardCard>> {
    let rows = release::Entity::find()
        .filter(release::Column::TeamId.eq(ctx.team_id.as_str()))
        .find_also_related(service::Entity)
        .order_by_desc(release::Column::UpdatedAt)
        .limit(BOARD_LIMIT)
        .all(&state.db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(r, s)| {
            Some(BoardCard {
                status: r.status.parse().ok()?,
                id: r.id,
                title: r.title,
                version: r.version,
                service_name: s.map(|s| s.name).unwrap_or_default(),
            })
        })
        .collect())
}
