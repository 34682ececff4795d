//! Deletes what has expired, so no table grows without bound: sessions past
//! their sliding or absolute lifetime, used or expired OAuth states,
//! delivered outbox rows after a week, invitations a month past their
//! expiry, and webhook delivery ids past the replay window. Also forgets the
//! in-memory limiter entries that have run out. Every `RC_PURGE_INTERVAL_SECS`,
//! and once at start-up.

use crate::server::db;
use crate::server::db::entities::{
    email_token, invitation, mail_outbox, oauth_state, oidc_state, outbox, session,
    webhook_delivery,
};
use crate::server::db::scoped::TeamOwned;
use crate::server::state::AppState;
use chrono::Duration;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter};

/// How long delivered notifications are kept (for looking into problems).
pub const KEEP_DELIVERED: Duration = Duration::days(7);
/// How long an expired, unused invitation is kept.
pub const KEEP_EXPIRED_INVITATIONS: Duration = Duration::days(30);

/// Runs until `stop` turns true.
pub async fn run(state: AppState, mut stop: tokio::sync::watch::Receiver<bool>) {
    let every = std::time::Duration::from_secs(state.settings.purge_interval_secs);
    loop {
        match purge(&state).await {
            Ok(n) if n > 0 => tracing::info!(rows = n, "purged expired rows"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "purge failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.changed() => break,
        }
        if *stop.borrow() {
            break;
        }
    }
}

/// One pass; answers how many rows went.
pub async fn purge(state: &AppState) -> anyhow::Result<u64> {
    state.limits.prune();
    let now = db::now();
    let db = &state.db;
    let oldest_session = now - Duration::days(state.settings.session_max_days);
    let mut n = session::Entity::delete_many()
        .filter(
            Condition::any()
                .add(session::Column::ExpiresAt.lte(now))
                .add(session::Column::CreatedAt.lte(oldest_session)),
        )
        .exec(db)
        .await?
        .rows_affected;
    n += oauth_state::Entity::delete_many()
        .filter(oauth_state::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?
        .rows_affected;
    n += outbox::Entity::delete_across_teams()
        .filter(outbox::Column::SentAt.lte(now - KEEP_DELIVERED))
        .exec(db)
        .await?
        .rows_affected;
    n += oidc_state::Entity::delete_many()
        .filter(oidc_state::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?
        .rows_affected;
    // Used or expired emailed links: nothing to keep.
    n += email_token::Entity::delete_many()
        .filter(email_token::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?
        .rows_affected;
    // Sent email (already emptied of its body) and email given up on.
    n += mail_outbox::Entity::delete_many()
        .filter(
            Condition::any()
                .add(mail_outbox::Column::SentAt.lte(now - KEEP_DELIVERED))
                .add(mail_outbox::Column::FailedAt.lte(now - KEEP_DELIVERED)),
        )
        .exec(db)
        .await?
        .rows_affected;
    n += invitation::Entity::delete_across_teams()
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::ExpiresAt.lte(now - KEEP_EXPIRED_INVITATIONS))
        .exec(db)
        .await?
        .rows_affected;
    n += webhook_delivery::Entity::delete_many()
        .filter(
            webhook_delivery::Column::ReceivedAt
                .lte(now - crate::server::services::webhooks::REPLAY_WINDOW),
        )
        .exec(db)
        .await?
        .rows_affected;
    Ok(n)
}
