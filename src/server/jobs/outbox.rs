//! The outbox worker: sends queued Slack messages and webhook deliveries
//! (`services::outgoing_webhooks`, in order per webhook), retrying with
//! exponential back-off. Messages are rows written in the same transaction
//! as the change that caused them, so a restart or a Slack outage delays
//! them and never loses them, and the user's action never waits for Slack.
//!
//! Each row is claimed with a compare-and-set lease on `next_attempt_at`
//! (no lock held across the HTTP call), so several app servers on one
//! database share the work without sending a message twice in the normal
//! case. A message that fails is retried with back-off (doubling from
//! `RC_OUTBOX_RETRY_BASE_MS`, capped at one minute, or what Slack asks with
//! `Retry-After`) for `RC_OUTBOX_GIVE_UP_HOURS` (a day by default); then it
//! is marked failed (`failed_at`) and counted in the team's settings —
//! never silently dropped. The team's `slackLastError` shows the problem
//! from the first failed attempt and clears with the next success.

use crate::server::db;
use crate::server::db::entities::{outbox, team, webhook};
use crate::server::db::scoped::TeamOwned;
use crate::server::integrations::slack::{self, SlackError};
use crate::server::integrations::webhooks::DeliveryError;
use crate::server::services::outgoing_webhooks::WEBHOOK;
use crate::server::state::AppState;
use chrono::Duration;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

/// The longest wait between two attempts (unless Slack asks for longer).
pub const MAX_BACKOFF_MS: u64 = 60_000;
/// Kind of a Slack message row.
pub const SLACK_MESSAGE: &str = "SLACK_MESSAGE";

/// Delay before attempt `n + 1` after `n` failures: the base doubling, at
/// most a minute, or what Slack asked for with `Retry-After`.
pub fn backoff_ms(base_ms: u64, failures: i32, retry_after_secs: Option<u64>) -> u64 {
    capped_backoff_ms(base_ms, failures, retry_after_secs, MAX_BACKOFF_MS)
}

/// The same doubling with another cap (the item sync waits up to an hour).
pub fn capped_backoff_ms(
    base_ms: u64,
    failures: i32,
    retry_after_secs: Option<u64>,
    cap_ms: u64,
) -> u64 {
    let exp = base_ms.saturating_mul(1u64 << failures.clamp(0, 20) as u32);
    let d = exp.min(cap_ms);
    match retry_after_secs {
        Some(s) => d.max(s.saturating_mul(1000)),
        None => d,
    }
}

/// Runs until `stop` turns true: a pass over due messages, then sleep until
/// the next poll or until something is queued.
pub async fn run(state: AppState, mut stop: tokio::sync::watch::Receiver<bool>) {
    let poll = std::time::Duration::from_millis(state.settings.outbox_poll_ms.max(50));
    loop {
        if let Err(e) = deliver_due(&state).await {
            tracing::warn!(error = %e, "outbox pass failed");
        }
        if let Err(e) = super::mail::deliver_due(&state).await {
            tracing::warn!(error = %e, "mail outbox pass failed");
        }
        tokio::select! {
            _ = tokio::time::sleep(poll) => {}
            _ = state.outbox_wake.notified() => {}
            _ = stop.changed() => break,
        }
        if *stop.borrow() {
            break;
        }
    }
}

/// One pass: every due, unsent message, oldest first.
pub async fn deliver_due(state: &AppState) -> anyhow::Result<usize> {
    let now = db::now();
    let due = outbox::Entity::find_across_teams()
        .filter(outbox::Column::SentAt.is_null())
        .filter(outbox::Column::FailedAt.is_null())
        .filter(outbox::Column::NextAttemptAt.lte(now))
        .order_by_asc(outbox::Column::NextAttemptAt)
        .limit(50)
        .all(&state.db)
        .await?;
    let mut sent = 0;
    for row in due {
        // A webhook's deliveries go out in order: one waits while an
        // earlier one of the same webhook is still pending.
        if row.kind == WEBHOOK && earlier_pending(state, &row).await? {
            continue;
        }
        // Claim: lease the row for a minute; someone else's claim wins.
        let claimed = outbox::Entity::update_across_teams()
            .col_expr(
                outbox::Column::NextAttemptAt,
                Expr::value(now + Duration::seconds(60)),
            )
            .filter(outbox::Column::Id.eq(row.id.as_str()))
            .filter(outbox::Column::NextAttemptAt.eq(row.next_attempt_at))
            .filter(outbox::Column::SentAt.is_null())
            .exec(&state.db)
            .await?;
        if claimed.rows_affected != 1 {
            continue;
        }
        if row.kind == WEBHOOK {
            if deliver_webhook(state, &row).await? {
                sent += 1;
            }
            continue;
        }
        let result = send(state, &row).await;
        let at = db::now();
        // The message's outcome and the team's last error change together:
        // the settings page never shows a count and a text that disagree.
        let txn = db::begin_write(&state.db).await?;
        match result {
            Ok(()) => {
                sent += 1;
                outbox::Entity::update_across_teams()
                    .col_expr(outbox::Column::SentAt, Expr::value(Some(at)))
                    .col_expr(outbox::Column::Attempts, Expr::value(row.attempts + 1))
                    .col_expr(
                        outbox::Column::LastError,
                        Expr::value(Option::<String>::None),
                    )
                    .filter(outbox::Column::Id.eq(row.id.as_str()))
                    .exec(&txn)
                    .await?;
                // Slack works again: clear the team's last error.
                team::Entity::update_many()
                    .col_expr(
                        team::Column::SlackLastError,
                        Expr::value(Option::<String>::None),
                    )
                    .filter(team::Column::Id.eq(row.team_id.as_str()))
                    .filter(team::Column::SlackLastError.is_not_null())
                    .exec(&txn)
                    .await?;
            }
            Err(e) => {
                let attempts = row.attempts + 1;
                let retry_after = match &e {
                    SendError::Slack(SlackError::Status { retry_after, .. }) => *retry_after,
                    _ => None,
                };
                let message = e.to_string();
                let give_up_at =
                    row.created_at + Duration::hours(state.settings.outbox_give_up_hours as i64);
                // Nothing to send to (the webhook was removed): no retry helps.
                let give_up = at >= give_up_at || matches!(e, SendError::NotConfigured);
                let next = at
                    + Duration::milliseconds(backoff_ms(
                        state.settings.outbox_retry_base_ms,
                        row.attempts,
                        retry_after,
                    ) as i64);
                tracing::warn!(outbox_id = %row.id, team_id = %row.team_id, attempts, give_up, error = %message, "Slack message not delivered");
                outbox::Entity::update_across_teams()
                    .col_expr(outbox::Column::Attempts, Expr::value(attempts))
                    .col_expr(outbox::Column::NextAttemptAt, Expr::value(next))
                    .col_expr(
                        outbox::Column::LastError,
                        Expr::value(Some(message.clone())),
                    )
                    .col_expr(outbox::Column::FailedAt, Expr::value(give_up.then_some(at)))
                    .filter(outbox::Column::Id.eq(row.id.as_str()))
                    .exec(&txn)
                    .await?;
                // The settings page shows the problem from the first failure.
                let shown = if give_up {
                    format!("{message} (gave up after {attempts} attempts)")
                } else {
                    format!("{message} (retrying)")
                };
                team::Entity::update_many()
                    .col_expr(team::Column::SlackLastError, Expr::value(Some(shown)))
                    .col_expr(team::Column::SlackLastErrorAt, Expr::value(Some(at)))
                    .filter(team::Column::Id.eq(row.team_id.as_str()))
                    .exec(&txn)
                    .await?;
            }
        }
        txn.commit().await?;
    }
    Ok(sent)
}

/// Whether an earlier delivery of the same webhook is still pending.
async fn earlier_pending(state: &AppState, row: &outbox::Model) -> anyhow::Result<bool> {
    let Some(hook) = row.webhook_id.as_deref() else {
        return Ok(false);
    };
    Ok(outbox::Entity::find_across_teams()
        .select_only()
        .column(outbox::Column::Id)
        .filter(outbox::Column::WebhookId.eq(hook))
        .filter(outbox::Column::SentAt.is_null())
        .filter(outbox::Column::FailedAt.is_null())
        .filter(outbox::Column::Id.lt(row.id.as_str()))
        .into_tuple::<String>()
        .one(&state.db)
        .await?
        .is_some())
}

/// One attempt of a claimed webhook delivery, and its outcome written back:
/// delivered, or retried with back-off until `RC_OUTBOX_GIVE_UP_HOURS`
/// after it was queued (then FAILED). Answers whether it was delivered.
async fn deliver_webhook(state: &AppState, row: &outbox::Model) -> anyhow::Result<bool> {
    let hook = match row.webhook_id.as_deref() {
        Some(id) => {
            // The row's own team: the webhook it was queued for, if it still exists.
            webhook::Entity::find_in_team(&row.team_id)
                .filter(webhook::Column::Id.eq(id))
                .one(&state.db)
                .await?
        }
        None => None,
    };
    let result = match &hook {
        None => Err(DeliveryError::Refused("the webhook was deleted".into())),
        Some(w) => match state.cipher.decrypt(&w.secret) {
            Err(_) => Err(DeliveryError::Refused(
                "the webhook's secret cannot be decrypted (was the key rotated?)".into(),
            )),
            Ok(secret) => {
                crate::server::integrations::webhooks::deliver(
                    &w.url,
                    &state.settings.outbound_allow_hosts,
                    secret.expose(),
                    row.message_id.as_deref().unwrap_or(row.id.as_str()),
                    &row.payload,
                )
                .await
            }
        },
    };
    let at = db::now();
    let attempts = row.attempts + 1;
    let update = outbox::Entity::update_across_teams()
        .col_expr(outbox::Column::Attempts, Expr::value(attempts))
        .filter(outbox::Column::Id.eq(row.id.as_str()));
    match result {
        Ok(status) => {
            update
                .col_expr(outbox::Column::SentAt, Expr::value(Some(at)))
                .col_expr(
                    outbox::Column::ResponseStatus,
                    Expr::value(Some(i32::from(status))),
                )
                .col_expr(
                    outbox::Column::LastError,
                    Expr::value(Option::<String>::None),
                )
                .exec(&state.db)
                .await?;
            Ok(true)
        }
        Err(e) => {
            let status = match &e {
                DeliveryError::Status(s) => Some(i32::from(*s)),
                _ => None,
            };
            let give_up_at =
                row.created_at + Duration::hours(state.settings.outbox_give_up_hours as i64);
            let give_up = at >= give_up_at || hook.is_none();
            let next = at
                + Duration::milliseconds(backoff_ms(
                    state.settings.outbox_retry_base_ms,
                    row.attempts,
                    None,
                ) as i64);
            tracing::warn!(outbox_id = %row.id, webhook_id = ?row.webhook_id, attempts, give_up, error = %e, "webhook not delivered");
            update
                .col_expr(outbox::Column::NextAttemptAt, Expr::value(next))
                .col_expr(outbox::Column::ResponseStatus, Expr::value(status))
                .col_expr(outbox::Column::LastError, Expr::value(Some(e.to_string())))
                .col_expr(outbox::Column::FailedAt, Expr::value(give_up.then_some(at)))
                .exec(&state.db)
                .await?;
            Ok(false)
        }
    }
}

#[derive(Debug, thiserror::Error)]
enum SendError {
    #[error("{0}")]
    Slack(#[from] SlackError),
    #[error("no Slack webhook is configured")]
    NotConfigured,
    #[error("{0}")]
    Other(String),
}

async fn send(state: &AppState, row: &outbox::Model) -> Result<(), SendError> {
    let team = team::Entity::find_by_id(row.team_id.clone())
        .one(&state.db)
        .await
        .map_err(|e| SendError::Other(e.to_string()))?
        .ok_or(SendError::NotConfigured)?;
    let Some(stored) = team.slack_webhook_url.as_deref() else {
        return Err(SendError::NotConfigured);
    };
    let url = state.cipher.decrypt(stored).map_err(|_| {
        SendError::Other("the stored webhook URL cannot be decrypted (was the key rotated?)".into())
    })?;
    let mut body: serde_json::Value = serde_json::from_str(&row.payload)
        .map_err(|_| SendError::Other("corrupt message payload".into()))?;
    // The team's channel, as set now (a legacy webhook posts there; an app's
    // webhook keeps its own channel and ignores it).
    if let (Some(channel), Some(obj)) = (
        team.slack_channel
            .as_deref()
            .filter(|c| !c.trim().is_empty()),
        body.as_object_mut(),
    ) {
        obj.insert(
            "channel".into(),
            serde_json::Value::String(channel.to_string()),
        );
    }
    slack::post(&state.http, url.expose(), &body).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::backoff_ms;

    #[test]
    fn backoff_doubles_caps_and_respects_retry_after() {
        assert_eq!(backoff_ms(1000, 0, None), 1000);
        assert_eq!(backoff_ms(1000, 3, None), 8000);
        assert_eq!(backoff_ms(1000, 30, None), 60_000, "capped at a minute");
        assert_eq!(backoff_ms(2000, 5, None), 60_000);
        assert_eq!(backoff_ms(1000, 0, Some(30)), 30_000);
        assert_eq!(backoff_ms(1000, 6, Some(1)), 60_000);
        assert_eq!(backoff_ms(1000, 0, Some(120)), 120_000, "Slack's wish wins");
    }
}
