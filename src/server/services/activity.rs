//! The audit log: activity rows written inside the caller's transaction,
//! and the feeds that read them.

pub use crate::domain::activity::Change;
use crate::domain::ids::{ReleaseId, TeamId, UserId};
use crate::server::access::{Actor, TeamContext};
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

/// One activity to record: the release it is about and what changed. The
/// entry's type, `action`, metadata and sentence all come from the
/// [`Change`] (see `domain::activity`).
pub struct NewActivity<'a> {
    /// The release it is about.
    pub release_id: Option<&'a ReleaseId>,
    /// What happened, with the facts its sentence needs.
    pub change: Change,
}

impl<'a> NewActivity<'a> {
    /// A change to the release `id`.
    pub fn on(id: &'a ReleaseId, change: Change) -> Self {
        Self {
            release_id: Some(id),
            change,
        }
    }
}

/// Writes an activity row with `conn` (the change's own transaction) and
/// returns its view, to publish after commit.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id()))]
pub async fn record(
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
    a: NewActivity<'_>,
) -> AppResult<ActivityView> {
    // No person did it: the entry names the token ("CI deploy (token)"),
    // and keeps naming it after the token is revoked.
    let by_token = match ctx.actor() {
        Actor::Token { token_id, name } => {
            Some(serde_json::json!({ "id": token_id, "name": name }))
        }
        Actor::Person { .. } => None,
    };
    // Whoever subscribed hears of it, in this same transaction.
    super::outgoing_webhooks::enqueue(conn, ctx, a.release_id, &a.change).await?;
    let row = row(
        ctx.team_id(),
        ctx.user_id(),
        Some(ctx.user_name()),
        a,
        by_token,
    );
    let row = row.insert(conn).await?;
    Ok(view(row, Some(ctx.user_name().to_string())))
}

/// The metadata key naming the API token that did it: `{id, name}`.
const BY_TOKEN: &str = "byToken";

/// The token's name an entry carries (see [`BY_TOKEN`]).
fn token_name(metadata: Option<&serde_json::Value>) -> Option<String> {
    metadata?
        .get(BY_TOKEN)?
        .get("name")?
        .as_str()
        .map(str::to_string)
}

/// Writes an activity no person did (an inbound webhook, a sync): no user.
pub async fn record_system(
    conn: &impl ConnectionTrait,
    team_id: &TeamId,
    a: NewActivity<'_>,
) -> AppResult<ActivityView> {
    let row = row(team_id, None, None, a, None).insert(conn).await?;
    Ok(view(row, None))
}

/// The row of a new entry: the change's facts, and its sentence as written now.
fn row(
    team_id: &TeamId,
    user_id: Option<&UserId>,
    user_name: Option<&str>,
    a: NewActivity<'_>,
    by_token: Option<serde_json::Value>,
) -> activity::ActiveModel {
    let (action, mut metadata) = a.change.to_stored();
    if let (Some(t), Some(o)) = (by_token, metadata.as_object_mut()) {
        o.insert(BY_TOKEN.into(), t);
    }
    activity::ActiveModel {
        id: Set(new_id()),
        team_id: Set(team_id.clone()),
        release_id: Set(a.release_id.cloned()),
        user_id: Set(user_id.cloned()),
        activity_type: Set(a.change.kind()),
        action: Set(action),
        description: Set(a.change.describe(user_name)),
        metadata: Set(Some(metadata.to_string())),
        created_at: Set(db::now()),
    }
}

/// An entry as people read it: its sentence written now from its facts
/// (with the actor's current name), or the stored one when the facts cannot
/// be read (entries of older versions).
fn view(a: activity::Model, user_name: Option<String>) -> ActivityView {
    let metadata: Option<serde_json::Value> = a
        .metadata
        .as_deref()
        .and_then(|m| serde_json::from_str(m).ok());
    let user_name = user_name.or_else(|| token_name(metadata.as_ref()));
    let description = match Change::from_stored(&a.action, metadata.as_ref()) {
        Some(c) => c.describe(user_name.as_deref()),
        None => a.description,
    };
    ActivityView {
        activity_type: a.activity_type,
        metadata,
        description,
        id: a.id,
        team_id: a.team_id,
        release_id: a.release_id,
        user_id: a.user_id,
        user_name,
        action: a.action,
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
