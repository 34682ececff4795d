//! "Forgot password?": a link emailed to the address, valid one hour,
//! single use, stored hashed. Asking answers the same whether or not an
//! account has the address (and takes about as long: the only difference is
//! one insert); asking is limited per address (`RC_EMAILS_PER_HOUR`, the
//! same limit whether an account exists or not). Using the link sets the
//! new password and signs out every session of the account. The operator's
//! `reset-password` command stays for servers without SMTP.

use super::email::{consume, invalid_link, issue, RESET_PASSWORD};
use super::{check_password, security_log, set_password, ClientMeta};
use crate::domain::kinds::SecurityEventKind as Ev;
use crate::domain::validation;
use crate::server::db::entities::user;
use crate::server::db::{self};
use crate::server::error::{AppError, AppResult};
use crate::server::events::Revocation;
use crate::server::integrations::mail::templates;
use crate::server::services::mail;
use crate::server::state::AppState;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

/// How long a reset link works.
pub const RESET_HOURS: i64 = 1;

/// Emails a reset link if an account has `email`. The answer is the same
/// either way; only a flood to one address gets 429.
pub async fn forgot(state: &AppState, email: &str, meta: &ClientMeta) -> AppResult<()> {
    let email = validation::email(email)?;
    if !state.limits.emails.allow(&email) {
        return Err(AppError::TooManyRequests(
            "too many reset emails to this address; try again in an hour".into(),
        ));
    }
    let Some(account) = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(&state.db)
        .await?
    else {
        return Ok(());
    };
    if !state.email_enabled() {
        tracing::info!(user_id = %account.id, "password reset asked for, but no SMTP server is configured: nothing sent (an operator can run `release-coordinator reset-password`)");
        return Ok(());
    }
    let txn = db::begin_write(&state.db).await?;
    let token = issue(
        &txn,
        &account.id,
        RESET_PASSWORD,
        &account.email,
        chrono::Duration::hours(RESET_HOURS),
    )
    .await?;
    let link = format!("{}/reset-password?token={token}", state.public_url);
    mail::queue(
        state,
        &txn,
        &account.email,
        &templates::reset_password(&account.name, &link),
    )
    .await?;
    security_log::record(&txn, &account.id, Ev::PasswordResetRequested, meta, None).await?;
    txn.commit().await?;
    state.outbox_wake.notify_one();
    Ok(())
}

/// Uses a reset link: sets the password, signs out every session of the
/// account, and (the link reached the address) counts the address verified.
pub async fn reset(
    state: &AppState,
    token: &str,
    new_password: &str,
    meta: &ClientMeta,
) -> AppResult<()> {
    check_password("newPassword", new_password)?;
    let hash = state.limits.hasher.hash(new_password.to_string()).await?;
    let txn = db::begin_write(&state.db).await?;
    let row = consume(&txn, token, RESET_PASSWORD).await?;
    let account = user::Entity::find_by_id(row.user_id.clone())
        .one(&txn)
        .await?
        .filter(|u| u.email == row.email)
        .ok_or_else(invalid_link)?;
    set_password(&txn, &account.id, hash, None).await?;
    if account.email_verified_at.is_none() {
        user::ActiveModel {
            id: Set(account.id.clone()),
            email_verified_at: Set(Some(db::now())),
            ..Default::default()
        }
        .update(&txn)
        .await?;
    }
    security_log::record(
        &txn,
        &account.id,
        Ev::PasswordReset,
        meta,
        Some("through an emailed link; every session signed out"),
    )
    .await?;
    txn.commit().await?;
    state.events.revoke(Revocation::UserExcept {
        user_id: account.id.clone(),
        keep: None,
    });
    Ok(())
}
