//! Sends queued email (`services::mail`): each due message is claimed with a
//! compare-and-set lease on `next_attempt_at` (so several app servers share
//! the queue without sending twice in the normal case), decrypted, sent
//! through the SMTP server, and then marked sent with its body emptied (the
//! link in it is a credential). A failure is retried with the outbox's
//! back-off for `RC_OUTBOX_GIVE_UP_HOURS`; a permanent refusal (a bad
//! address, a 5xx answer) or a message past that is marked failed and
//! stays, visible to the operator, never silently dropped. Runs in the
//! outbox worker's loop and is woken by the same signal.

use super::outbox::backoff_ms;
use crate::server::db;
use crate::server::db::entities::mail_outbox;
use crate::server::integrations::mail::{Email, MailError};
use crate::server::state::AppState;
use chrono::Duration;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

/// One pass over due messages, oldest first; answers how many were sent.
pub async fn deliver_due(state: &AppState) -> anyhow::Result<usize> {
    let Some(mailer) = state.mailer.clone() else {
        return Ok(0);
    };
    let now = db::now();
    let due = mail_outbox::Entity::find()
        .filter(mail_outbox::Column::SentAt.is_null())
        .filter(mail_outbox::Column::FailedAt.is_null())
        .filter(mail_outbox::Column::NextAttemptAt.lte(now))
        .order_by_asc(mail_outbox::Column::NextAttemptAt)
        .limit(50)
        .all(&state.db)
        .await?;
    let mut sent = 0;
    for row in due {
        let claimed = mail_outbox::Entity::update_many()
            .col_expr(
                mail_outbox::Column::NextAttemptAt,
                Expr::value(now + Duration::seconds(120)),
            )
            .filter(mail_outbox::Column::Id.eq(row.id.as_str()))
            .filter(mail_outbox::Column::NextAttemptAt.eq(row.next_attempt_at))
            .filter(mail_outbox::Column::SentAt.is_null())
            .exec(&state.db)
            .await?;
        if claimed.rows_affected != 1 {
            continue;
        }
        let result = match decode(state, &row) {
            Ok(email) => mailer.send(&row.to_address, &email).await,
            Err(e) => Err(e),
        };
        let at = db::now();
        let attempts = row.attempts + 1;
        let update = mail_outbox::Entity::update_many()
            .col_expr(mail_outbox::Column::Attempts, Expr::value(attempts))
            .filter(mail_outbox::Column::Id.eq(row.id.as_str()));
        match result {
            Ok(()) => {
                sent += 1;
                update
                    .col_expr(mail_outbox::Column::SentAt, Expr::value(Some(at)))
                    .col_expr(mail_outbox::Column::Body, Expr::value(String::new()))
                    .col_expr(
                        mail_outbox::Column::LastError,
                        Expr::value(Option::<String>::None),
                    )
                    .exec(&state.db)
                    .await?;
                tracing::info!(mail_id = %row.id, "email sent");
            }
            Err(e) => {
                let give_up_at =
                    row.created_at + Duration::hours(state.settings.outbox_give_up_hours as i64);
                let give_up = at >= give_up_at || matches!(e, MailError::Permanent(_));
                let next = at
                    + Duration::milliseconds(backoff_ms(
                        state.settings.outbox_retry_base_ms,
                        row.attempts,
                        None,
                    ) as i64);
                tracing::warn!(mail_id = %row.id, attempts, give_up, error = %e, "email not sent");
                let mut update = update
                    .col_expr(mail_outbox::Column::NextAttemptAt, Expr::value(next))
                    .col_expr(
                        mail_outbox::Column::LastError,
                        Expr::value(Some(e.to_string())),
                    )
                    .col_expr(
                        mail_outbox::Column::FailedAt,
                        Expr::value(give_up.then_some(at)),
                    );
                if give_up {
                    // Never sent: the link in it need not be kept either.
                    update = update.col_expr(mail_outbox::Column::Body, Expr::value(String::new()));
                }
                update.exec(&state.db).await?;
            }
        }
    }
    Ok(sent)
}

fn decode(state: &AppState, row: &mail_outbox::Model) -> Result<Email, MailError> {
    let plain = state.cipher.decrypt(&row.body).map_err(|_| {
        MailError::Permanent("the message cannot be decrypted (was the key rotated?)".into())
    })?;
    let v: serde_json::Value = serde_json::from_str(plain.expose())
        .map_err(|_| MailError::Permanent("corrupt message body".into()))?;
    let part = |k: &str| {
        v.get(k)
            .and_then(|x| x.as_str())
            .unwrap_or_default()
            .to_string()
    };
    Ok(Email {
        subject: row.subject.clone(),
        text: part("text"),
        html: part("html"),
    })
}
