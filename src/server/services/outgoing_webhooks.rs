//! Outgoing webhooks: a team's subscriptions (ADMIN+) and their
//! deliveries. (Inbound deliveries from GitHub and Jira are `webhooks`.)
//!
//! Deliveries are rows of the same outbox as Slack's messages (kind
//! [`WEBHOOK`]), queued by [`enqueue`] inside the transaction of the change
//! that caused them — every change the activity log records is one event
//! (`domain::webhooks::EventType::of`) — and sent by the outbox worker in
//! order per webhook, retried with back-off for a day, signed per the
//! Standard Webhooks specification (`integrations::webhooks`). Each event
//! gets a message id (`webhook-id`) that stays the same on every retry and
//! on a redelivery, so receivers drop duplicates.
//!
//! Pausing a webhook stops new deliveries from being queued; those already
//! queued still go out. Deleting it deletes its deliveries with it.

use crate::domain::activity::Change;
use crate::domain::ids::{DeliveryId, ReleaseId, TeamId, WebhookId};
use crate::domain::kinds::ResourceType;
use crate::domain::webhooks::{EventFilter, EventType};
use crate::server::access::{Admin, TeamContext};
use crate::server::db::entities::{
    comment, deployment, outbox, release, release_dependency, webhook,
};
use crate::server::db::scoped::TeamOwned;
use crate::server::db::{self, new_id};
use crate::server::error::{AppError, AppResult};
use crate::server::integrations::webhooks as client;
use crate::server::services::{activity, ts, PageRequest};
use crate::server::state::AppState;
use crate::views::{DeliveryStatus, DeliveryView, Page, WebhookCreated, WebhookView};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::Deserialize;

/// Kind of an outbox row that is a webhook delivery.
pub const WEBHOOK: &str = "WEBHOOK";

/// At most this many webhooks per team.
pub const MAX_PER_TEAM: u64 = 20;

/// `POST /api/team/webhooks`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewWebhook {
    /// https://…
    pub url: String,
    /// `["*"]` or event names.
    pub events: Vec<String>,
    /// Defaults to true.
    #[serde(default)]
    pub active: Option<bool>,
}

/// `PATCH /api/team/webhooks/{id}`: what is given changes.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WebhookPatch {
    /// A new URL (checked again).
    pub url: Option<String>,
    /// A new event filter.
    pub events: Option<Vec<String>>,
    /// Pause (false) or resume (true).
    pub active: Option<bool>,
}

fn filter_of(stored: &str) -> EventFilter {
    let names: Vec<String> = serde_json::from_str(stored).unwrap_or_default();
    EventFilter::parse(&names).unwrap_or(EventFilter::Only(vec![]))
}

fn view(w: &webhook::Model) -> WebhookView {
    WebhookView {
        id: w.id.clone(),
        url: w.url.clone(),
        events: filter_of(&w.events).to_names(),
        active: w.active,
        created_at: ts(w.created_at),
        updated_at: ts(w.updated_at),
    }
}

/// A delivery as the API shows it.
fn delivery(o: outbox::Model) -> DeliveryView {
    let status = if o.sent_at.is_some() {
        DeliveryStatus::Delivered
    } else if o.failed_at.is_some() {
        DeliveryStatus::Failed
    } else {
        DeliveryStatus::Pending
    };
    DeliveryView {
        id: DeliveryId::from(o.id),
        event: o.event.unwrap_or_default(),
        status,
        attempts: o.attempts,
        response_status: o.response_status,
        last_error: o.last_error,
        next_attempt_at: (status == DeliveryStatus::Pending).then(|| ts(o.next_attempt_at)),
        created_at: ts(o.created_at),
        delivered_at: o.sent_at.map(ts),
    }
}

fn checked_url(state: &AppState, url: &str) -> AppResult<String> {
    client::check_url(url, &state.settings.outbound_allow_hosts)
        .map(|u| u.to_string())
        .map_err(|m| AppError::invalid_field("url", m))
}

fn checked_events(events: &[String]) -> AppResult<String> {
    let f = EventFilter::parse(events).map_err(|m| AppError::invalid_field("events", m))?;
    Ok(serde_json::to_string(&f.to_names()).unwrap_or_else(|_| "[]".into()))
}

async fn find(
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
    id: &WebhookId,
) -> AppResult<webhook::Model> {
    webhook::Entity::find_by_id_in(ctx, id.clone())
        .one(conn)
        .await?
        .ok_or_else(|| AppError::not_found("webhook"))
}

/// Adds a webhook (ADMIN+); the answer carries its secret, shown once.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id()))]
pub async fn create(
    state: &AppState,
    ctx: &Admin<'_>,
    input: NewWebhook,
) -> AppResult<WebhookCreated> {
    let url = checked_url(state, &input.url)?;
    let events = checked_events(&input.events)?;
    let count = webhook::Entity::find_in(ctx)
        .select_only()
        .column(webhook::Column::Id)
        .into_tuple::<String>()
        .all(&state.db)
        .await?
        .len() as u64;
    if count >= MAX_PER_TEAM {
        return Err(AppError::bad_request(format!(
            "a team has at most {MAX_PER_TEAM} webhooks; delete one first"
        )));
    }
    let secret = client::new_secret();
    let sealed = state
        .cipher
        .encrypt(&secret)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("sealing a webhook secret: {e}")))?;
    let now = db::now();
    let w = webhook::ActiveModel {
        id: Set(new_id()),
        team_id: Set(ctx.team_id().clone()),
        url: Set(url),
        events: Set(events),
        secret: Set(sealed),
        active: Set(input.active.unwrap_or(true)),
        created_by: Set(ctx.user_id().cloned()),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let txn = db::begin_write(&state.db).await?;
    let w = w.insert(&txn).await?;
    let event = activity::added(
        &txn,
        ctx,
        ResourceType::Webhook,
        &w.id,
        &host_of(&w.url),
        None,
    )
    .await?;
    txn.commit().await?;
    state.events.publish(vec![event]);
    tracing::info!(webhook_id = %w.id, "webhook added");
    Ok(WebhookCreated {
        webhook: view(&w),
        secret,
    })
}

/// The team's webhooks, oldest first (ADMIN+).
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id()))]
pub async fn list(state: &AppState, ctx: &Admin<'_>) -> AppResult<Page<WebhookView>> {
    let rows = webhook::Entity::find_in(ctx)
        .order_by_asc(webhook::Column::Id)
        .all(&state.db)
        .await?;
    Ok(Page {
        items: rows.iter().map(view).collect(),
        next_cursor: None,
    })
}

/// Changes a webhook's URL, events or pause (ADMIN+).
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), id = %id))]
pub async fn update(
    state: &AppState,
    ctx: &Admin<'_>,
    id: &WebhookId,
    patch: WebhookPatch,
) -> AppResult<WebhookView> {
    let w = find(&state.db, ctx, id).await?;
    let mut am = webhook::ActiveModel {
        id: Set(w.id.clone()),
        updated_at: Set(db::now()),
        ..Default::default()
    };
    if let Some(u) = &patch.url {
        am.url = Set(checked_url(state, u)?);
    }
    if let Some(e) = &patch.events {
        am.events = Set(checked_events(e)?);
    }
    if let Some(a) = patch.active {
        am.active = Set(a);
    }
    let txn = db::begin_write(&state.db).await?;
    let updated = am.update(&txn).await?;
    let event = activity::changed(
        &txn,
        ctx,
        ResourceType::Webhook,
        &updated.id,
        &host_of(&updated.url),
        audit_fields(&w),
        audit_fields(&updated),
    )
    .await?;
    txn.commit().await?;
    state.events.publish(event);
    Ok(view(&updated))
}

/// A webhook as the audit log names it: its URL's host only (a path or
/// query may hold a credential, and every member reads the log).
fn host_of(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| "a webhook".into())
}

/// A webhook's fields as the audit log shows them.
fn audit_fields(w: &webhook::Model) -> [(&'static str, serde_json::Value); 3] {
    use serde_json::json;
    let events: serde_json::Value = serde_json::from_str(&w.events).unwrap_or(json!(w.events));
    [
        ("url", json!(host_of(&w.url))),
        ("events", events),
        ("active", json!(w.active)),
    ]
}

/// Deletes a webhook and its deliveries (ADMIN+).
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), id = %id))]
pub async fn delete(state: &AppState, ctx: &Admin<'_>, id: &WebhookId) -> AppResult<()> {
    let w = find(&state.db, ctx, id).await?;
    let txn = db::begin_write(&state.db).await?;
    outbox::Entity::delete_many_in(ctx)
        .filter(outbox::Column::WebhookId.eq(w.id.as_str()))
        .exec(&txn)
        .await?;
    webhook::Entity::delete_many_in(ctx)
        .filter(webhook::Column::Id.eq(w.id.as_str()))
        .exec(&txn)
        .await?;
    let event =
        activity::removed(&txn, ctx, ResourceType::Webhook, &w.id, &host_of(&w.url)).await?;
    txn.commit().await?;
    state.events.publish(vec![event]);
    Ok(())
}

/// A webhook's latest deliveries, newest first (ADMIN+).
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), id = %id))]
pub async fn deliveries(
    state: &AppState,
    ctx: &Admin<'_>,
    id: &WebhookId,
    page: &PageRequest,
) -> AppResult<Page<DeliveryView>> {
    let w = find(&state.db, ctx, id).await?;
    let mut q = outbox::Entity::find_in(ctx)
        .filter(outbox::Column::WebhookId.eq(w.id.as_str()))
        .order_by_desc(outbox::Column::Id)
        .limit(page.limit()? + 1);
    if let Some(c) = &page.cursor {
        q = q.filter(outbox::Column::Id.lt(c.as_str()));
    }
    let items = q.all(&state.db).await?.into_iter().map(delivery).collect();
    page.page(items, |d: &DeliveryView| d.id.to_string())
}

/// Queues one delivery of `body` to `w`.
async fn queue(
    conn: &impl ConnectionTrait,
    w: &webhook::Model,
    event: EventType,
    message_id: String,
    body: String,
) -> AppResult<outbox::Model> {
    let now = db::now();
    Ok(outbox::ActiveModel {
        id: Set(new_id()),
        team_id: Set(w.team_id.clone()),
        kind: Set(WEBHOOK.into()),
        payload: Set(body),
        attempts: Set(0),
        next_attempt_at: Set(now),
        last_error: Set(None),
        sent_at: Set(None),
        created_at: Set(now),
        failed_at: Set(None),
        webhook_id: Set(Some(w.id.to_string())),
        event: Set(Some(event.as_str().into())),
        message_id: Set(Some(message_id)),
        response_status: Set(None),
    }
    .insert(conn)
    .await?)
}

fn new_message_id() -> String {
    format!("msg_{}", uuid::Uuid::now_v7().simple())
}

fn body(event: EventType, data: serde_json::Value) -> String {
    serde_json::json!({
        "type": event.as_str(),
        "timestamp": ts(db::now()),
        "data": data,
    })
    .to_string()
}

/// "Send test": queues a `ping` to the webhook (ADMIN+), paused or not.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), id = %id))]
pub async fn test(state: &AppState, ctx: &Admin<'_>, id: &WebhookId) -> AppResult<DeliveryView> {
    let w = find(&state.db, ctx, id).await?;
    let data = serde_json::json!({
        "teamId": w.team_id,
        "webhookId": w.id,
        "message": "A test delivery from Release Coordinator: this webhook works.",
    });
    let row = queue(
        &state.db,
        &w,
        EventType::Ping,
        new_message_id(),
        body(EventType::Ping, data),
    )
    .await?;
    state.outbox_wake.notify_one();
    Ok(delivery(row))
}

/// Queues a delivery's event again: a new series of attempts with the same
/// `webhook-id` and body (ADMIN+).
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), id = %id))]
pub async fn redeliver(
    state: &AppState,
    ctx: &Admin<'_>,
    id: &WebhookId,
    delivery_id: &DeliveryId,
) -> AppResult<DeliveryView> {
    let w = find(&state.db, ctx, id).await?;
    let d = outbox::Entity::find_in(ctx)
        .filter(outbox::Column::Id.eq(delivery_id.as_str()))
        .filter(outbox::Column::WebhookId.eq(w.id.as_str()))
        .one(&state.db)
        .await?
        .ok_or_else(|| AppError::not_found("delivery"))?;
    let event = d
        .event
        .as_deref()
        .and_then(EventType::parse)
        .unwrap_or(EventType::Ping);
    let message_id = d.message_id.clone().unwrap_or_else(new_message_id);
    let row = queue(&state.db, &w, event, message_id, d.payload).await?;
    state.outbox_wake.notify_one();
    Ok(delivery(row))
}

/// Queues the event of an activity just recorded (in the change's own
/// transaction) to every active webhook of the team that hears it; answers
/// how many were queued. `data` is the resource in the API's own shape.
pub async fn enqueue(
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
    release_id: Option<&ReleaseId>,
    change: &Change,
) -> AppResult<usize> {
    let Some(event) = EventType::of(change) else {
        return Ok(0);
    };
    let hooks: Vec<webhook::Model> = webhook::Entity::find_in(ctx)
        .filter(webhook::Column::Active.eq(true))
        .all(conn)
        .await?
        .into_iter()
        .filter(|w| filter_of(&w.events).accepts(event))
        .collect();
    if hooks.is_empty() {
        return Ok(0);
    }
    let data = data_of(conn, ctx, release_id, change).await?;
    let body = body(event, data);
    // One event, one message id, whichever webhooks hear it.
    let message_id = new_message_id();
    for w in &hooks {
        queue(conn, w, event, message_id.clone(), body.clone()).await?;
    }
    Ok(hooks.len())
}

fn json(v: impl serde::Serialize) -> AppResult<serde_json::Value> {
    serde_json::to_value(v).map_err(|e| AppError::Internal(e.into()))
}

/// The resource an event is about, as the API shows it, with `teamId`.
async fn data_of(
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
    release_id: Option<&ReleaseId>,
    change: &Change,
) -> AppResult<serde_json::Value> {
    let team_id: &TeamId = ctx.team_id();
    let mut data = match change {
        Change::DeploymentReported { deployment_id, .. } => {
            match deployment::Entity::find_by_id_in(ctx, deployment_id.clone())
                .one(conn)
                .await?
            {
                Some(d) => json(super::deployments::view(d))?,
                None => serde_json::json!({ "id": deployment_id }),
            }
        }
        Change::DependencyAdded { dependency_id, .. }
        | Change::DependencyResolved { dependency_id, .. } => {
            let rows = release_dependency::Entity::find_by_id_in(ctx, dependency_id.clone())
                .all(conn)
                .await?;
            match super::dependencies::views(conn, ctx, rows).await?.pop() {
                Some(v) => json(v)?,
                None => serde_json::json!({ "id": dependency_id }),
            }
        }
        Change::Commented { comment_id, .. } => {
            match comment::Entity::find_by_id_in(ctx, comment_id.clone())
                .one(conn)
                .await?
            {
                Some(c) => json(super::comments::view(c, Some(ctx.user_name().to_string())))?,
                None => serde_json::json!({ "id": comment_id }),
            }
        }
        _ => match release_id {
            Some(id) => match release::Entity::find_by_id_in(ctx, id.clone())
                .one(conn)
                .await?
            {
                Some(r) => json(crate::views::ReleaseView::from(r))?,
                None => serde_json::json!({ "id": id }),
            },
            None => serde_json::json!({}),
        },
    };
    if let Some(o) = data.as_object_mut() {
        o.entry("teamId")
            .or_insert_with(|| serde_json::json!(team_id));
    }
    Ok(data)
}
