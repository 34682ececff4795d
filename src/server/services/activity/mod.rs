//! The audit log: activity rows written inside the caller's transaction,
//! and the feeds that read them; [`export`] streams them as CSV or JSON
//! Lines.

pub use crate::domain::activity::{changes_of, Change};
use crate::domain::ids::{ReleaseId, TeamId, UserId};
use crate::domain::kinds::{ActivityType, ResourceType};
use crate::server::access::{Actor, TeamContext};
use crate::server::db::entities::activity;
use crate::server::db::scoped::TeamOwned;
use crate::server::db::{self, new_id};
use crate::server::error::{AppError, AppResult};
use crate::server::services::{moment, parse_list, ts, PageRequest};
use crate::server::state::AppState;
use crate::views::{ActivityView, Page};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::Deserialize;

mod export;

pub use export::{export, ExportFormat};

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

/// Records a change to something other than a release (a service, a
/// member, a token…) with `conn`, the change's own transaction.
pub async fn audit(
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
    change: Change,
) -> AppResult<ActivityView> {
    record(
        conn,
        ctx,
        NewActivity {
            release_id: None,
            change,
        },
    )
    .await
}

/// Records that a `kind` thing (`id`, called `name`) came to be; `detail`
/// is a word more for the sentence (a role, an account).
pub async fn added(
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
    kind: ResourceType,
    id: impl ToString,
    name: &str,
    detail: Option<String>,
) -> AppResult<ActivityView> {
    let change = Change::Added {
        resource_type: kind,
        resource_id: id.to_string(),
        name: name.to_string(),
        detail,
    };
    audit(conn, ctx, change).await
}

/// Records the fields of a `kind` thing that differ between `before` and
/// `after` (each `(field, value)`, in the same order); nothing when none do.
pub async fn changed<const N: usize>(
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
    kind: ResourceType,
    id: impl ToString,
    name: &str,
    before: [(&'static str, serde_json::Value); N],
    after: [(&'static str, serde_json::Value); N],
) -> AppResult<Option<ActivityView>> {
    let changes = changes_of(
        before
            .into_iter()
            .zip(after)
            .map(|((f, b), (_, a))| (f, b, a)),
    );
    if changes.is_empty() {
        return Ok(None);
    }
    let change = Change::Changed {
        resource_type: kind,
        resource_id: id.to_string(),
        name: name.to_string(),
        changes,
    };
    Ok(Some(audit(conn, ctx, change).await?))
}

/// Records that a `kind` thing went away (deleted, revoked, removed, left).
pub async fn removed(
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
    kind: ResourceType,
    id: impl ToString,
    name: &str,
) -> AppResult<ActivityView> {
    let change = Change::Removed {
        resource_type: kind,
        resource_id: id.to_string(),
        name: name.to_string(),
    };
    audit(conn, ctx, change).await
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

/// Writes an activity a person did in a team without acting through it:
/// joining it (through an invitation), or connecting an account while it
/// is their current team. Such changes are never webhook events.
pub async fn record_as_person(
    conn: &impl ConnectionTrait,
    team_id: &TeamId,
    user_id: &UserId,
    user_name: &str,
    change: Change,
) -> AppResult<ActivityView> {
    debug_assert!(crate::domain::webhooks::EventType::of(&change).is_none());
    let a = NewActivity {
        release_id: None,
        change,
    };
    let row = row(team_id, Some(user_id), Some(user_name), a, None)
        .insert(conn)
        .await?;
    Ok(view(row, Some(user_name.to_string())))
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
    let (resource_type, resource_id) = a.change.resource();
    let resource_id = resource_id.or_else(|| match resource_type {
        ResourceType::Release => a.release_id.map(ToString::to_string),
        // The policy is the team's own.
        _ => Some(team_id.to_string()),
    });
    activity::ActiveModel {
        id: Set(new_id()),
        team_id: Set(team_id.clone()),
        release_id: Set(a.release_id.cloned()),
        user_id: Set(user_id.cloned()),
        activity_type: Set(a.change.kind()),
        action: Set(action),
        description: Set(a.change.describe(user_name)),
        metadata: Set(Some(metadata.to_string())),
        resource_type: Set(Some(resource_type)),
        resource_id: Set(resource_id),
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
    let change = Change::from_stored(&a.action, metadata.as_ref());
    let (description, changes) = match change {
        Some(c) => (c.describe(user_name.as_deref()), c.changes()),
        None => (a.description, Default::default()),
    };
    ActivityView {
        actor_id: a.user_id.clone(),
        actor_name: user_name.clone(),
        resource_type: a.resource_type,
        resource_id: a.resource_id,
        changes,
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

/// `GET /api/activities` filters, also the export's; they combine.
#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ActivityFilter {
    /// Entries by this person.
    pub actor_id: Option<String>,
    /// Entry types, comma-separated (`STATUS_CHANGED,SERVICE_CHANGED`).
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub types: Option<String>,
    /// What they are about: RELEASE, SERVICE, SPRINT, DEPLOYMENT_GROUP,
    /// MEMBER, INVITATION, SETTINGS, CONNECTION, API_TOKEN, WEBHOOK, FREEZE
    /// or POLICY.
    pub resource_type: Option<String>,
    /// The id of what they are about.
    pub resource_id: Option<String>,
    /// From this moment on (RFC 3339, inclusive).
    pub from: Option<String>,
    /// Before this moment (RFC 3339, exclusive).
    pub to: Option<String>,
    /// Page size (default 100, at most 500).
    pub limit: Option<u64>,
    /// The `nextCursor` of the previous page.
    pub cursor: Option<String>,
}

impl From<PageRequest> for ActivityFilter {
    /// A page of every entry.
    fn from(p: PageRequest) -> Self {
        Self {
            limit: p.limit,
            cursor: p.cursor,
            ..Default::default()
        }
    }
}

impl ActivityFilter {
    /// The page it asks for.
    pub fn page(&self) -> PageRequest {
        PageRequest {
            limit: self.limit,
            cursor: self.cursor.clone(),
        }
    }

    /// The filters as one condition, or a 400 naming the bad one.
    fn condition(&self) -> AppResult<Condition> {
        let text = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        let mut c = Condition::all();
        if let Some(a) = text(&self.actor_id) {
            c = c.add(activity::Column::UserId.eq(a));
        }
        let types: Vec<ActivityType> = parse_list("type", &self.types)?;
        if !types.is_empty() {
            c = c.add(activity::Column::ActivityType.is_in(types));
        }
        if let Some(r) = text(&self.resource_type) {
            let r: ResourceType = r.parse().map_err(|_| {
                AppError::invalid_field(
                    "resourceType",
                    format!("unknown resourceType {}", crate::domain::quote(&r)),
                )
            })?;
            c = c.add(activity::Column::ResourceType.eq(r));
        }
        if let Some(r) = text(&self.resource_id) {
            c = c.add(activity::Column::ResourceId.eq(r));
        }
        let from = text(&self.from).map(|v| moment("from", &v)).transpose()?;
        let to = text(&self.to).map(|v| moment("to", &v)).transpose()?;
        if let (Some(f), Some(t)) = (from, to) {
            if f >= t {
                return Err(AppError::invalid_field("to", "to must be after from"));
            }
        }
        if let Some(f) = from {
            c = c.add(activity::Column::CreatedAt.gte(f));
        }
        if let Some(t) = to {
            c = c.add(activity::Column::CreatedAt.lt(t));
        }
        Ok(c)
    }
}

/// Reads one page of entries matching `cond`, newest first, after `cursor`.
async fn read_page(
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
    cond: Condition,
    cursor: Option<&str>,
    limit: u64,
) -> AppResult<Vec<ActivityView>> {
    let mut q = activity::Entity::find_in(ctx)
        .filter(cond)
        .order_by_desc(activity::Column::Id)
        .limit(limit);
    if let Some(c) = cursor {
        q = q.filter(activity::Column::Id.lt(c));
    }
    let rows = q.all(conn).await?;
    let names = super::user_names(conn, rows.iter().map(|a| a.user_id.clone())).await?;
    Ok(rows
        .into_iter()
        .map(|a| {
            let name = a.user_id.as_ref().and_then(|id| names.get(id).cloned());
            view(a, name)
        })
        .collect())
}

/// The team feed (or one release's), newest first, filtered.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), release_id = ?release_id))]
pub async fn feed(
    state: &AppState,
    ctx: &TeamContext,
    release_id: Option<&ReleaseId>,
    filter: &ActivityFilter,
) -> AppResult<Page<ActivityView>> {
    let page = filter.page();
    let mut cond = filter.condition()?;
    if let Some(r) = release_id {
        cond = cond.add(activity::Column::ReleaseId.eq(r));
    }
    let items = read_page(
        &state.db,
        ctx,
        cond,
        page.cursor.as_deref(),
        page.limit()? + 1,
    )
    .await?;
    page.page(items, |a: &ActivityView| a.id.to_string())
}
