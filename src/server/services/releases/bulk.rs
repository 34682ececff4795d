//! Changing many releases at once: the filtered board into a sprint, in one
//! write transaction through the same rules as a single update.

use super::filter::{conditions, ReleaseFilter};
use super::update::apply_update;
use super::ReleaseInput;
use crate::domain::ids::{ReleaseId, SprintId};
use crate::domain::status::ReleaseStatus;
use crate::server::access::Editor;
use crate::server::db::entities::release;
use crate::server::db::scoped::TeamOwned;
use crate::server::db::{self};
use crate::server::error::{AppError, AppResult};
use crate::server::state::AppState;
use sea_orm::sea_query::Condition;
use sea_orm::{ColumnTrait, QueryFilter, QueryOrder, QuerySelect};

/// Puts every release in flight that matches `filter` into the sprint, in
/// one write transaction: each goes through the same rules, revision and
/// activity as a single update, and a refusal of any leaves all as they
/// were. Releases already in the sprint are left alone; answers how many
/// moved. (The board's "Add to sprint" for the whole filtered board.)
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), sprint_id = %sprint_id))]
pub async fn assign_sprint(
    state: &AppState,
    ctx: &Editor<'_>,
    filter: &ReleaseFilter,
    sprint_id: &SprintId,
) -> AppResult<usize> {
    let txn = db::begin_write(&state.db).await?;
    crate::server::services::sprints::find(&txn, ctx, sprint_id)
        .await
        .map_err(|e| match e {
            // Only a missing sprint is the caller's mistake; a database
            // failure stays what it is (500, logged).
            AppError::NotFound(_) => {
                AppError::invalid_field("sprintId", "there is no such sprint in this team")
            }
            other => other,
        })?;
    let cond = conditions(ctx, filter)?
        .add(release::Column::Status.is_not_in(ReleaseStatus::FINISHED))
        .add(
            Condition::any()
                .add(release::Column::SprintId.is_null())
                .add(release::Column::SprintId.ne(sprint_id)),
        );
    let ids: Vec<ReleaseId> = release::Entity::find_in(ctx)
        .select_only()
        .column(release::Column::Id)
        .filter(cond)
        .order_by_asc(release::Column::Id)
        .into_tuple()
        .all(&txn)
        .await?;
    let mut applied = Vec::with_capacity(ids.len());
    for id in &ids {
        let input = ReleaseInput {
            sprint_id: Some(Some(sprint_id.clone())),
            ..Default::default()
        };
        applied.push(apply_update(state, &txn, ctx, id, input).await?);
    }
    txn.commit().await?;
    for a in applied {
        a.announce(state);
    }
    Ok(ids.len())
}
