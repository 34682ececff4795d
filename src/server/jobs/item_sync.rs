//! The background sync of linked Jira tickets and GitHub pull requests:
//! webhooks keep items current where they can reach us, and this job keeps
//! them current where they cannot (a server behind NAT, a missed delivery).
//!
//! Each pass takes the connections that are due, claims each with a
//! compare-and-set lease (so several app servers share the work without
//! calling a provider twice), and refreshes the items *linked by that
//! connection's owner* whose cached state is older than `RC_ITEM_SYNC_SECS`.
//! A provider that is down or rate limiting stops the connection's pass and
//! backs it off — doubling from 30 s up to an hour, or what `Retry-After`
//! asked — without touching other connections. A connection that stops
//! working is marked invalid (by the fetch) and skipped until reconnected;
//! its items keep their last known state and can be synced by anyone with
//! a working connection ("Sync now").

use crate::domain::kinds::{ItemType, Provider};
use crate::server::db;
use crate::server::db::entities::{oauth_connection, release_item, team_member};
use crate::server::db::scoped::TeamOwned;
use crate::server::jobs::outbox::capped_backoff_ms;
use crate::server::services::items;
use crate::server::state::AppState;
use chrono::Duration;
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

/// First back-off delay after a failed pass.
const BACKOFF_BASE_MS: u64 = 30_000;
/// Longest back-off of a connection whose provider keeps failing.
const BACKOFF_CAP_MS: u64 = 3_600_000;
/// How long a claimed connection is reserved for its pass.
const LEASE_SECS: i64 = 300;
/// Items one connection refreshes per pass (the rest wait for the next).
const ITEMS_PER_PASS: u64 = 100;

/// Runs until `stop` turns true; off when `RC_ITEM_SYNC_SECS` is 0.
pub async fn run(state: AppState, mut stop: tokio::sync::watch::Receiver<bool>) {
    let every = state.settings.item_sync_secs;
    if every == 0 {
        return;
    }
    // Look a few times per interval, at most once a minute.
    let tick = std::time::Duration::from_secs((every / 4).clamp(1, 60));
    loop {
        tokio::select! {
            _ = tokio::time::sleep(tick) => {}
            _ = stop.changed() => break,
        }
        if *stop.borrow() {
            break;
        }
        match pass(&state).await {
            Ok(0) => {}
            Ok(n) => tracing::debug!(items = n, "linked items synced"),
            Err(e) => tracing::warn!(error = %e, "item sync pass failed"),
        }
    }
}

/// One pass over every due connection; answers how many items it refreshed.
pub async fn pass(state: &AppState) -> anyhow::Result<usize> {
    let now = db::now();
    let due = oauth_connection::Entity::find()
        .filter(oauth_connection::Column::IsValid.eq(true))
        .filter(
            Condition::any()
                .add(oauth_connection::Column::NextSyncAt.is_null())
                .add(oauth_connection::Column::NextSyncAt.lte(now)),
        )
        .order_by_asc(oauth_connection::Column::NextSyncAt)
        .limit(50)
        .all(&state.db)
        .await?;
    let mut total = 0;
    for c in due {
        // Claim: someone else's claim (another server) wins.
        let mut claim = oauth_connection::Entity::update_many()
            .col_expr(
                oauth_connection::Column::NextSyncAt,
                Expr::value(Some(now + Duration::seconds(LEASE_SECS))),
            )
            .filter(oauth_connection::Column::Id.eq(c.id.as_str()));
        claim = match c.next_sync_at {
            Some(at) => claim.filter(oauth_connection::Column::NextSyncAt.eq(at)),
            None => claim.filter(oauth_connection::Column::NextSyncAt.is_null()),
        };
        if claim.exec(&state.db).await?.rows_affected != 1 {
            continue;
        }
        let (done, next) = sync_connection(state, &c).await?;
        total += done;
        oauth_connection::Entity::update_many()
            .col_expr(oauth_connection::Column::NextSyncAt, Expr::value(next.1))
            .col_expr(oauth_connection::Column::SyncFailures, Expr::value(next.0))
            .filter(oauth_connection::Column::Id.eq(c.id.as_str()))
            .exec(&state.db)
            .await?;
    }
    Ok(total)
}

/// `(failures in a row, next time)` after a connection's pass.
type Next = (i32, Option<chrono::DateTime<chrono::Utc>>);

async fn sync_connection(
    state: &AppState,
    c: &oauth_connection::Model,
) -> anyhow::Result<(usize, Next)> {
    let kind = match c.provider {
        Provider::Jira => ItemType::JiraTicket,
        Provider::Github => ItemType::GithubPr,
    };
    let cutoff = db::now() - Duration::seconds(state.settings.item_sync_secs as i64);
    // Only items of teams the linker still belongs to: a member who left
    // no longer lends their connection to the team.
    let their_teams = sea_orm::sea_query::Query::select()
        .column(team_member::Column::TeamId)
        .from(team_member::Entity)
        .and_where(team_member::Column::UserId.eq(c.user_id.as_str()))
        .to_owned();
    let stale = release_item::Entity::find_across_teams()
        .filter(release_item::Column::AddedBy.eq(c.user_id.as_str()))
        .filter(release_item::Column::TeamId.in_subquery(their_teams))
        .filter(release_item::Column::ItemType.eq(kind))
        .filter(
            Condition::any()
                .add(release_item::Column::LastSyncedAt.is_null())
                .add(release_item::Column::LastSyncedAt.lt(cutoff)),
        )
        .order_by_asc(release_item::Column::LastSyncedAt)
        .limit(ITEMS_PER_PASS)
        .all(&state.db)
        .await?;
    let mut done = 0;
    for item in stale {
        let site = items::linked_site(&item);
        let fetched =
            items::fetch(state, &c.user_id, kind, &item.external_id, site.as_deref()).await;
        match fetched {
            Ok(found) => {
                items::store_fetched(state, item, kind, found).await?;
                done += 1;
            }
            Err(f) if f.wrong_site => {
                // Linked on another site than this connection reaches: say
                // so on the item and go on with the others.
                items::store_error(state, item, &f.error.to_string()).await?;
            }
            Err(f) if f.transient => {
                // The provider is in trouble: note it on the item, back off.
                items::store_error(state, item, &f.error.to_string()).await?;
                let failures = c.sync_failures + 1;
                let wait =
                    capped_backoff_ms(BACKOFF_BASE_MS, failures - 1, f.retry_after, BACKOFF_CAP_MS);
                let next = db::now() + Duration::milliseconds(wait as i64);
                tracing::info!(
                    provider = %c.provider,
                    failures,
                    wait_ms = wait,
                    "item sync backing off"
                );
                return Ok((done, (failures, Some(next))));
            }
            Err(_) => {
                // The connection no longer works (now marked invalid): stop.
                return Ok((done, (0, None)));
            }
        }
    }
    // Caught up: come back when the oldest item goes stale again.
    Ok((done, (0, None)))
}
