//! Queues email in the mail outbox, inside the caller's transaction: the
//! message exists exactly when the change that caused it does, the request
//! never waits for the mail server, and the outbox worker
//! (`jobs::mail`) sends it with retries. The body holds links that are
//! credentials, so it is stored encrypted and emptied once sent.
//!
//! Without `RC_SMTP_URL` nothing is queued: the operator log says which
//! address would have got which message (never the link: links are
//! credentials, and logs are not the place for them) and the UI shows what
//! can be shown instead (the invitation link to copy).

use crate::server::db::entities::mail_outbox;
use crate::server::db::{self, new_id};
use crate::server::error::AppResult;
use crate::server::integrations::mail::Email;
use crate::server::state::AppState;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait};

/// Queues `email` to `to`; answers whether it was queued (false without
/// SMTP). The caller wakes the worker after committing
/// (`state.outbox_wake.notify_one()`).
pub async fn queue(
    state: &AppState,
    conn: &impl ConnectionTrait,
    to: &str,
    email: &Email,
) -> AppResult<bool> {
    if !state.email_enabled() {
        tracing::info!(to = %to, subject = %email.subject, "email not sent: no SMTP server is configured (RC_SMTP_URL)");
        return Ok(false);
    }
    let body = serde_json::json!({ "text": email.text, "html": email.html }).to_string();
    let now = db::now();
    mail_outbox::ActiveModel {
        id: Set(new_id()),
        to_address: Set(to.to_string()),
        subject: Set(email.subject.clone()),
        body: Set(state.cipher.encrypt(&body)?),
        attempts: Set(0),
        next_attempt_at: Set(now),
        last_error: Set(None),
        sent_at: Set(None),
        failed_at: Set(None),
        created_at: Set(now),
    }
    .insert(conn)
    .await?;
    Ok(true)
}
