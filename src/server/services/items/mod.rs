//! Items linked to a release: Jira tickets and GitHub pull requests.
//! Adding one fetches its title, status, assignee and link through the
//! *caller's* connection and caches them; ITEM_ADDED and ITEM_REMOVED are
//! recorded. Refreshing (Sync now, the background job, webhooks) goes
//! through [`fetch`] and [`apply`], and a status that changed is written
//! to the activity feed, so open pages see it live. A token the provider
//! refuses (401; for Jira after one forced refresh) marks the connection
//! invalid, and the profile page asks to reconnect.
//!
//! This file: linking, unlinking and syncing on request; [`fetch`]: asking
//! Jira or GitHub for an item through the caller's connection and storing
//! what came back (also used by the sync job and the webhooks).

mod fetch;

pub use fetch::{
    apply, fetch, linked_site, record_change, store_error, store_fetched, sync_one, FetchFailure,
    Fetched,
};
pub(crate) use fetch::{github_error, jira_error};

use crate::domain::activity::release_label;
use crate::domain::ids::{ItemId, ReleaseId};
use crate::domain::items::{parse_jira_key, parse_pr};
use crate::domain::kinds::ItemType;
use crate::server::access::{Editor, TeamContext};
use crate::server::db::entities::release_item;
use crate::server::db::scoped::TeamOwned;
use crate::server::db::{self, new_id};
use crate::server::error::{AppError, AppResult};
use crate::server::services::activity::{self, Change, NewActivity};
use crate::server::services::ts;
use crate::server::state::AppState;
use crate::views::{ItemView, Page};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, QueryFilter, QueryOrder};
use serde::Deserialize;

/// A Jira ticket or GitHub pull request to link (`{type, externalId}`).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ItemInput {
    /// JIRA_TICKET or GITHUB_PR (required).
    #[serde(rename = "type")]
    pub item_type: Option<String>,
    /// `PROJ-123`, `owner/repo#42` or a pull request URL (required).
    pub external_id: Option<String>,
}

fn view(i: release_item::Model) -> ItemView {
    ItemView {
        item_type: i.item_type,
        id: i.id,
        release_id: i.release_id,
        external_id: i.external_id,
        title: i.title,
        status: i.status,
        status_category: i.status_category,
        assignee: i.assignee,
        url: i.url,
        last_synced_at: i.last_synced_at.map(ts),
        sync_error: i.sync_error,
        created_at: ts(i.created_at),
    }
}

/// The items of one of the team's releases, oldest first (404 for another
/// team's release).
async fn of_release(
    state: &AppState,
    ctx: &TeamContext,
    release_id: &ReleaseId,
) -> AppResult<Vec<release_item::Model>> {
    let r = crate::server::services::releases::find(&state.db, ctx, release_id).await?;
    Ok(release_item::Entity::find_in(ctx)
        .filter(release_item::Column::ReleaseId.eq(r.id.as_str()))
        .order_by_asc(release_item::Column::Id)
        .all(&state.db)
        .await?)
}

/// The release's items, oldest first.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), release_id = %release_id))]
pub async fn list(
    state: &AppState,
    ctx: &TeamContext,
    release_id: &ReleaseId,
) -> AppResult<Page<ItemView>> {
    let items = of_release(state, ctx, release_id)
        .await?
        .into_iter()
        .map(view)
        .collect();
    Ok(Page {
        items,
        next_cursor: None,
    })
}

/// Links an item to a release.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), release_id = %release_id))]
pub async fn add(
    state: &AppState,
    ctx: &Editor<'_>,
    release_id: &ReleaseId,
    input: ItemInput,
) -> AppResult<ItemView> {
    let r = crate::server::services::releases::find(&state.db, ctx, release_id).await?;
    let kind: ItemType = input
        .item_type
        .as_deref()
        .unwrap_or("")
        .parse()
        .map_err(|_| AppError::invalid_field("type", "type must be JIRA_TICKET or GITHUB_PR"))?;
    let raw = input.external_id.unwrap_or_default();
    let external_id = match kind {
        ItemType::JiraTicket => parse_jira_key(&raw).ok_or_else(|| {
            AppError::invalid_field("externalId", "a Jira key looks like PROJ-123")
        })?,
        ItemType::GithubPr => parse_pr(&raw)
            .ok_or_else(|| {
                AppError::invalid_field(
                    "externalId",
                    "a pull request looks like owner/repo#42 or https://github.com/owner/repo/pull/42",
                )
            })?
            .external_id(),
    };
    let me = ctx.person("link tickets and pull requests through a connection")?;
    let f = fetch(state, me, kind, &external_id, None)
        .await?
        .ok_or_else(|| {
            AppError::NotFound(match kind {
                ItemType::JiraTicket => format!("Jira has no issue {external_id} you can see"),
                ItemType::GithubPr => {
                    format!("GitHub has no pull request {external_id} you can see")
                }
            })
        })?;
    let now = db::now();
    let model = release_item::ActiveModel {
        id: Set(new_id()),
        team_id: Set(ctx.team_id().clone()),
        release_id: Set(r.id.clone()),
        item_type: Set(kind),
        external_id: Set(external_id),
        status: Set(Some(f.status)),
        status_category: Set(Some(f.category)),
        assignee: Set(f.assignee),
        url: Set(Some(f.url)),
        title: Set(Some(f.title)),
        added_by: Set(Some(me.clone())),
        last_synced_at: Set(Some(now)),
        sync_error: Set(None),
        created_at: Set(now),
    };
    let txn = db::begin_write(&state.db).await?;
    let saved = model.insert(&txn).await.map_err(|e| {
        if db::is_unique_violation(&e) {
            AppError::Conflict("that item is already linked to this release".into())
        } else {
            e.into()
        }
    })?;
    let ev = activity::record(
        &txn,
        ctx,
        NewActivity::on(
            &r.id,
            Change::ItemAdded {
                release: release_label(&r.title, &r.version),
                item_id: saved.id.clone(),
                kind,
                external_id: saved.external_id.clone(),
            },
        ),
    )
    .await?;
    txn.commit().await?;
    state.events.publish([ev]);
    Ok(view(saved))
}

/// Unlinks an item.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), release_id = %release_id, item_id = %item_id))]
pub async fn remove(
    state: &AppState,
    ctx: &Editor<'_>,
    release_id: &ReleaseId,
    item_id: &ItemId,
) -> AppResult<()> {
    let r = crate::server::services::releases::find(&state.db, ctx, release_id).await?;
    let item = release_item::Entity::find_by_id_in(ctx, item_id.to_string())
        .filter(release_item::Column::ReleaseId.eq(r.id.as_str()))
        .one(&state.db)
        .await?
        .ok_or_else(|| AppError::not_found("item"))?;
    let txn = db::begin_write(&state.db).await?;
    release_item::Entity::delete_many_in(ctx)
        .filter(release_item::Column::Id.eq(item.id.clone()))
        .exec(&txn)
        .await?;
    let ev = activity::record(
        &txn,
        ctx,
        NewActivity::on(
            &r.id,
            Change::ItemRemoved {
                release: release_label(&r.title, &r.version),
                item_id: item.id.clone(),
                external_id: item.external_id.clone(),
            },
        ),
    )
    .await?;
    txn.commit().await?;
    state.events.publish([ev]);
    Ok(())
}

/// Refreshes one item's cached state through the caller's connection.
/// A provider that is down or rate limiting leaves the cached state and
/// records why on the item (`syncError`); an unusable connection answers
/// 400 saying to reconnect.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), release_id = %release_id, item_id = %item_id))]
pub async fn sync(
    state: &AppState,
    ctx: &Editor<'_>,
    release_id: &ReleaseId,
    item_id: &ItemId,
) -> AppResult<ItemView> {
    let r = crate::server::services::releases::find(&state.db, ctx, release_id).await?;
    let item = release_item::Entity::find_by_id_in(ctx, item_id.to_string())
        .filter(release_item::Column::ReleaseId.eq(r.id.as_str()))
        .one(&state.db)
        .await?
        .ok_or_else(|| AppError::not_found("item"))?;
    let me = ctx.person("refresh items through a connection")?;
    Ok(view(sync_one(state, me, item).await?))
}

/// Refreshes every item of a release through the caller's connections.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), release_id = %release_id))]
pub async fn sync_release(
    state: &AppState,
    ctx: &Editor<'_>,
    release_id: &ReleaseId,
) -> AppResult<Page<ItemView>> {
    let me = ctx.person("refresh items through a connection")?;
    let items = of_release(state, ctx, release_id).await?;
    let mut out = vec![];
    for item in items {
        out.push(view(sync_one(state, me, item).await?));
    }
    Ok(Page {
        items: out,
        next_cursor: None,
    })
}
