//! The audit log: activity rows written inside the caller's transaction,
//! and the feeds that read them.

use crate::domain::ids::ReleaseId;
use crate::domain::kinds::ActivityType;
use crate::server::access::TeamContext;
use crate::server::db::entities::activity;
use crate::server::db::scoped::TeamOwned;
use crate::server::db::{self, new_id};
use crate::server::error::AppResult;
use crate::server::services::{ts, PageRequest};
use crate::server::state::AppState;
use crate::views::{ActivityView, Page};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

/// One activity to record.
pub struct NewActivity<'a> {
    /// What happened.
    pub kind: ActivityType,
    /// The release it is about.
    pub release_id: Option<&'a ReleaseId>,
    /// A short verb ("moved", "created").
    pub action: &'a str,
    /// The readable sentence.
    pub description: String,
    /// Structured details.
    pub metadata: Option<serde_json::Value>,
}

/// Writes an activity row with `conn` (the change's own transaction) and
/// returns its view, to publish after commit.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id()))]
pub async fn record(
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
    a: NewActivity<'_>,
) -> AppResult<ActivityView> {
    let row = activity::ActiveModel {
        id: Set(new_id()),
        team_id: Set(ctx.team_id().clone()),
        release_id: Set(a.release_id.cloned()),
        user_id: Set(Some(ctx.user_id().clone())),
        activity_type: Set(a.kind),
        action: Set(a.action.into()),
        description: Set(a.description),
        metadata: Set(a.metadata.as_ref().map(|m| m.to_string())),
        created_at: Set(db::now()),
    }
    .insert(conn)
    .await?;
    Ok(view(row, Some(ctx.user_name().to_string())))
}

/// Writes an activity no person did (an inbound webhook, a sync): no user.
pub async fn record_system(
    conn: &impl ConnectionTrait,
    team_id: &crate::domain::ids::TeamId,
    a: NewActivity<'_>,
) -> AppResult<ActivityView> {
    let row = activity::ActiveModel {
        id: Set(new_id()),
        team_id: Set(team_id.clone()),
        release_id: Set(a.release_id.cloned()),
        user_id: Set(None),
        activity_type: Set(a.kind),
        action: Set(a.action.into()),
        description: Set(a.description),
        metadata: Set(a.metadata.as_ref().map(|m| m.to_string())),
        created_at: Set(db::now()),
    }
    .insert(conn)
    .await?;
    Ok(view(row, None))
}

fn view(a: activity::Model, user_name: Option<String>) -> ActivityView {
    ActivityView {
        activity_type: a.activity_type,
        metadata: a
            .metadata
            .as_deref()
            .and_then(|m| serde_json::from_str(m).ok()),
        id: a.id,
        team_id: a.team_id,
        release_id: a.release_id,
        user_id: a.user_id,
        user_name,
        action: a.action,
        description: a.description,
        created_at: ts(a.created_at),
    }
}

/// The team feed (or one release's), newest first.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), release_id = ?release_id))]
pub async fn feed(
    state: &AppState,
    ctx: &TeamContext,
    release_id: Option<&ReleaseId>,
    page: &PageRequest,
) -> AppResult<Page<ActivityView>> {
    let mut q = activity::Entity::find_in(ctx)
        .order_by_desc(activity::Column::Id)
        .limit(page.limit()? + 1);
    if let Some(r) = release_id {
        q = q.filter(activity::Column::ReleaseId.eq(r));
    }
    if let Some(c) = &page.cursor {
        q = q.filter(activity::Column::Id.lt(c.as_str()));
    }
    let rows = q.all(&state.db).await?;
    let names = super::user_names(&state.db, rows.iter().map(|a| a.user_id.clone())).await?;
    let items = rows
        .into_iter()
        .map(|a| {
            let name = a.user_id.as_ref().and_then(|id| names.get(id).cloned());
            view(a, name)
        })
        .collect();
    page.page(items, |a: &ActivityView| a.id.to_string())
}
