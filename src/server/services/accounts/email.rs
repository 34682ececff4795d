//! Email addresses that are proven: single-use links (24 hours, stored as
//! SHA-256 of the secret) that verify a new account's address or a changed
//! one. Where SMTP is configured an unverified account can do everything
//! but accept an invitation; without SMTP nothing can be verified, nothing
//! is sent, and invitations stay bound to the account's email as before.
//!
//! The tokens themselves (issue, consume) serve the password reset too.

use super::security_log;
use super::ClientMeta;
use crate::domain::kinds::SecurityEventKind as Ev;
use crate::server::auth::AuthSession;
use crate::server::crypto::{self, hash_token};
use crate::server::db::entities::{email_token, user};
use crate::server::db::{self, new_id};
use crate::server::error::{AppError, AppResult};
use crate::server::integrations::mail::templates;
use crate::server::services::mail;
use crate::server::state::AppState;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};

/// Purpose of a verification link.
pub const VERIFY_EMAIL: &str = "VERIFY_EMAIL";
/// Purpose of a password reset link.
pub const RESET_PASSWORD: &str = "RESET_PASSWORD";
/// How long a verification link works.
pub const VERIFY_HOURS: i64 = 24;

/// The answer to any link that does not work, whatever the reason: it
/// never tells an unknown token from a used or an expired one.
pub fn invalid_link() -> AppError {
    AppError::invalid_field(
        "token",
        "this link does not work: it was already used, it expired, or a newer one was sent",
    )
}

/// A new single-use token for `purpose`, sent to `email`; earlier unused
/// tokens of the same purpose stop working (only the newest link does).
pub(super) async fn issue(
    conn: &impl ConnectionTrait,
    user_id: &crate::domain::ids::UserId,
    purpose: &str,
    email: &str,
    valid_for: chrono::Duration,
) -> AppResult<String> {
    email_token::Entity::delete_many()
        .filter(email_token::Column::UserId.eq(user_id))
        .filter(email_token::Column::Purpose.eq(purpose))
        .filter(email_token::Column::UsedAt.is_null())
        .exec(conn)
        .await?;
    let token = crypto::random_token();
    let now = db::now();
    email_token::ActiveModel {
        id: Set(new_id()),
        user_id: Set(user_id.clone()),
        purpose: Set(purpose.to_string()),
        email: Set(email.to_string()),
        token_hash: Set(hash_token(&token)),
        expires_at: Set(now + valid_for),
        used_at: Set(None),
        created_at: Set(now),
    }
    .insert(conn)
    .await?;
    Ok(token)
}

/// Uses a token once: compare-and-set on `used_at`, so two requests racing
/// with one link cannot both win.
pub(super) async fn consume(
    conn: &impl ConnectionTrait,
    token: &str,
    purpose: &str,
) -> AppResult<email_token::Model> {
    let token = token.trim();
    if token.is_empty() || token.len() > 200 {
        return Err(invalid_link());
    }
    let now = db::now();
    let row = email_token::Entity::find()
        .filter(email_token::Column::TokenHash.eq(hash_token(token)))
        .filter(email_token::Column::Purpose.eq(purpose))
        .one(conn)
        .await?
        .filter(|t| t.used_at.is_none() && t.expires_at > now)
        .ok_or_else(invalid_link)?;
    let claimed = email_token::Entity::update_many()
        .col_expr(email_token::Column::UsedAt, Expr::value(Some(now)))
        .filter(email_token::Column::Id.eq(row.id.as_str()))
        .filter(email_token::Column::UsedAt.is_null())
        .exec(conn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(invalid_link());
    }
    Ok(row)
}

/// Emails `address` a link that verifies it for `user` (their address, or
/// the new one they asked for). Answers whether a message was queued
/// (false without SMTP). The caller wakes the outbox after committing.
pub async fn send_verification(
    state: &AppState,
    conn: &impl ConnectionTrait,
    user: &user::Model,
    address: &str,
    new_address: bool,
    meta: &ClientMeta,
) -> AppResult<bool> {
    if !state.email_enabled() {
        return Ok(false);
    }
    let token = issue(
        conn,
        &user.id,
        VERIFY_EMAIL,
        address,
        chrono::Duration::hours(VERIFY_HOURS),
    )
    .await?;
    let link = format!("{}/verify-email?token={token}", state.public_url);
    let email = templates::verify_email(&user.name, address, &link, new_address);
    let queued = mail::queue(state, conn, address, &email).await?;
    security_log::record(conn, &user.id, Ev::VerificationSent, meta, Some(address)).await?;
    Ok(queued)
}

/// Sends the caller a new verification link: to their pending new address
/// if they asked for one, else to their address if it is not verified yet.
pub async fn resend(state: &AppState, auth: &AuthSession, meta: &ClientMeta) -> AppResult<()> {
    if !state.email_enabled() {
        return Err(AppError::bad_request(
            "this server does not send email (no SMTP server is configured), so addresses are not verified",
        ));
    }
    let user = &auth.user;
    let (address, new_address) = match (&user.pending_email, user.email_verified_at) {
        (Some(p), _) => (p.clone(), true),
        (None, None) => (user.email.clone(), false),
        (None, Some(_)) => {
            return Err(AppError::bad_request(
                "your email address is already verified",
            ))
        }
    };
    if !state.limits.emails.allow(&address) {
        return Err(AppError::TooManyRequests(
            "too many emails to this address; try again in an hour".into(),
        ));
    }
    let txn = db::begin_write(&state.db).await?;
    send_verification(state, &txn, user, &address, new_address, meta).await?;
    txn.commit().await?;
    state.outbox_wake.notify_one();
    Ok(())
}

/// Uses a verification link: the account's address is verified, or its
/// pending new address takes effect (verified).
pub async fn verify(state: &AppState, token: &str, meta: &ClientMeta) -> AppResult<()> {
    let txn = db::begin_write(&state.db).await?;
    let row = consume(&txn, token, VERIFY_EMAIL).await?;
    let user = user::Entity::find_by_id(row.user_id.clone())
        .one(&txn)
        .await?
        .ok_or_else(invalid_link)?;
    let now = db::now();
    if row.email == user.email {
        if user.email_verified_at.is_none() {
            user::ActiveModel {
                id: Set(user.id.clone()),
                email_verified_at: Set(Some(now)),
                updated_at: Set(now),
                ..Default::default()
            }
            .update(&txn)
            .await?;
        }
        security_log::record(&txn, &user.id, Ev::EmailVerified, meta, Some(&row.email)).await?;
    } else if user.pending_email.as_deref() == Some(row.email.as_str()) {
        let changed = user::ActiveModel {
            id: Set(user.id.clone()),
            email: Set(row.email.clone()),
            pending_email: Set(None),
            email_verified_at: Set(Some(now)),
            updated_at: Set(now),
            ..Default::default()
        }
        .update(&txn)
        .await;
        match changed {
            Ok(_) => {}
            Err(e) if db::is_unique_violation(&e) => {
                return Err(AppError::Conflict(
                    "another account uses this address now; choose another one".into(),
                ))
            }
            Err(e) => return Err(e.into()),
        }
        let detail = format!("{} → {}", user.email, row.email);
        security_log::record(&txn, &user.id, Ev::EmailChanged, meta, Some(&detail)).await?;
    } else {
        // The address changed since the link was sent: it proves nothing now.
        return Err(invalid_link());
    }
    txn.commit().await?;
    Ok(())
}
