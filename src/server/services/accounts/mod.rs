//! Accounts and sessions: sign-up, sign-in, sign-out, password changes, and
//! the operator's password reset. The rest of a person's identity lives
//! beside this file: `email` (verification links and address changes),
//! `reset` (forgotten passwords), `profile` (name, sessions, deleting the
//! account) and `security_log` (what the profile's log shows).

use crate::domain::ids::{TeamId, UserId};
use crate::domain::validation;
use crate::server::auth::AuthSession;
use crate::server::crypto::{self, hash_token};
use crate::server::db::entities::{session, team_member, user};
use crate::server::db::scoped::TeamOwned;
use crate::server::db::{self, new_id};
use crate::server::error::{AppError, AppResult};
use crate::server::events::Revocation;
use crate::server::limits::{self, Key, PasswordHasher};
use crate::server::services::ts;
use crate::server::state::AppState;
use crate::views::UserView;
use sea_orm::QueryOrder;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
};
use std::time::Duration;

pub mod email;
pub mod profile;
pub mod reset;
pub mod security_log;
pub mod sso;

use crate::domain::kinds::SecurityEventKind as Ev;

/// Shortest password accepted.
pub const MIN_PASSWORD: usize = 10;
/// Longest password accepted (hashing cost is bounded).
pub const MAX_PASSWORD: usize = 1024;

/// Where a request came from (for sessions and the rate limits).
#[derive(Debug, Clone, Default)]
pub struct ClientMeta {
    /// The client's address: the TCP peer, or what a trusted proxy says
    /// (`RC_TRUSTED_PROXIES`); `None` only when unknown.
    pub ip: Option<std::net::IpAddr>,
    /// The `User-Agent` header, truncated.
    pub user_agent: Option<String>,
}

/// A freshly created session: the token goes into the cookie, once.
pub struct NewSession {
    /// The secret token.
    pub token: String,
    /// How long the cookie lives.
    pub max_age: Duration,
    /// The team the session starts in (none: the person has no team yet).
    pub team_id: Option<TeamId>,
}

impl From<user::Model> for UserView {
    fn from(u: user::Model) -> Self {
        Self {
            id: u.id,
            email: u.email,
            name: u.name,
            created_at: ts(u.created_at),
            email_verified: u.email_verified_at.is_some(),
            pending_email: u.pending_email,
        }
    }
}

pub(crate) fn check_password(field: &'static str, password: &str) -> AppResult<()> {
    let n = password.chars().count();
    if n < MIN_PASSWORD {
        return Err(AppError::invalid_field(
            field,
            format!("password must be at least {MIN_PASSWORD} characters"),
        ));
    }
    if n > MAX_PASSWORD {
        return Err(AppError::invalid_field(
            field,
            format!("password must be at most {MAX_PASSWORD} characters"),
        ));
    }
    Ok(())
}

fn too_many(what: &str) -> AppError {
    AppError::TooManyRequests(format!("too many {what}; try again in a few minutes"))
}

/// The limiter key of a client address (unknown addresses share one).
fn address_key(meta: &ClientMeta) -> Key {
    match meta.ip {
        Some(ip) => Key::of_address(ip),
        None => Key::of("address", "unknown"),
    }
}

/// Creates an account and signs it in.
#[tracing::instrument(skip_all)]
pub async fn sign_up(
    state: &AppState,
    email: &str,
    name: &str,
    password: &str,
    meta: &ClientMeta,
) -> AppResult<(UserView, NewSession)> {
    if let Some(ip) = meta.ip {
        if !state.limits.sign_ups.allow(ip) {
            return Err(too_many("sign-ups from this address"));
        }
    }
    let email = validation::email(email)?;
    let name = validation::required_line("name", name, validation::MAX_NAME)?;
    check_password("password", password)?;
    let hash = state.limits.hasher.hash(password.to_string()).await?;
    let now = db::now();
    let model = user::ActiveModel {
        id: Set(new_id()),
        email: Set(email),
        name: Set(name),
        password_hash: Set(hash),
        created_at: Set(now),
        updated_at: Set(now),
        email_verified_at: Set(None),
        pending_email: Set(None),
        deleted_at: Set(None),
    };
    // The account, its first log entry and its verification email are one
    // change: a verification link is never lost to a crash in between.
    let txn = db::begin_write(&state.db).await?;
    let user = match model.insert(&txn).await {
        Ok(u) => u,
        Err(e) if db::is_unique_violation(&e) => {
            return Err(AppError::Conflict(
                "an account with this email already exists".into(),
            ))
        }
        Err(e) => return Err(e.into()),
    };
    security_log::record(&txn, &user.id, Ev::AccountCreated, meta, None).await?;
    let queued = email::send_verification(state, &txn, &user, &user.email, false, meta).await?;
    txn.commit().await?;
    if queued {
        state.outbox_wake.notify_one();
    }
    let session = create_session(state, &user.id, None, meta).await?;
    tracing::info!(user_id = %user.id, "account created");
    Ok((user.into(), session))
}

/// Signs in. Unknown email and wrong password get the same answer in about
/// the same time; repeated failures get 429.
#[tracing::instrument(skip_all)]
pub async fn sign_in(
    state: &AppState,
    email: &str,
    password: &str,
    meta: &ClientMeta,
) -> AppResult<(UserView, NewSession)> {
    // The email is validated before anything keys on it: an invalid one
    // (say, a megabyte of text) only counts against the address.
    let email = validation::email(email).ok();
    let account = email.as_deref().map(|e| Key::of("account", e));
    let mut keys = vec![(address_key(meta), limits::SIGN_IN_FAILURES_PER_ADDRESS)];
    if let Some(k) = account {
        keys.push((k, limits::SIGN_IN_FAILURES_PER_ACCOUNT));
    }
    let Some(attempt) = state.limits.failures.begin(&keys) else {
        return Err(too_many("failed sign-in attempts"));
    };
    let found = match &email {
        Some(email) => {
            user::Entity::find()
                .filter(user::Column::Email.eq(email.as_str()))
                .one(&state.db)
                .await?
        }
        None => None,
    };
    let password = password.chars().take(MAX_PASSWORD).collect::<String>();
    let hasher = &state.limits.hasher;
    let (ok, user) = match found {
        Some(u) => (
            hasher.verify(password, u.password_hash.clone()).await?,
            Some(u),
        ),
        None => {
            hasher
                .verify(password, crypto::dummy_password_hash().to_string())
                .await?;
            (false, None)
        }
    };
    let user = match user {
        Some(u) if ok => u,
        other => {
            attempt.failed();
            if let Some(u) = &other {
                security_log::record(&state.db, &u.id, Ev::SignInFailed, meta, None).await?;
            }
            return Err(AppError::Unauthorized("wrong email or password".into()));
        }
    };
    attempt.succeeded(account.as_slice());
    // A returning user lands in the team they joined most recently.
    let team = team_member::Entity::find_across_teams()
        .filter(team_member::Column::UserId.eq(&user.id))
        .order_by_desc(team_member::Column::Id)
        .one(&state.db)
        .await?
        .map(|m| m.team_id);
    let session = create_session(state, &user.id, team, meta).await?;
    security_log::record(
        &state.db,
        &user.id,
        Ev::SignedIn,
        meta,
        Some("with a password"),
    )
    .await?;
    Ok((user.into(), session))
}

/// Creates a session row and returns its token.
#[tracing::instrument(skip_all, fields(user_id = %user_id))]
pub async fn create_session(
    state: &AppState,
    user_id: &UserId,
    team_id: Option<TeamId>,
    meta: &ClientMeta,
) -> AppResult<NewSession> {
    let token = crypto::random_token();
    let now = db::now();
    let days = state.settings.session_days.max(1);
    session::ActiveModel {
        id: Set(new_id()),
        user_id: Set(user_id.clone()),
        token_hash: Set(hash_token(&token)),
        current_team_id: Set(team_id.clone()),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(now + chrono::Duration::days(days)),
        user_agent: Set(meta.user_agent.clone()),
        ip: Set(meta.ip.map(|ip| ip.to_string())),
    }
    .insert(&state.db)
    .await?;
    Ok(NewSession {
        token,
        max_age: Duration::from_secs(days as u64 * 86_400),
        team_id,
    })
}

/// Revokes a session server-side; its open live streams end with it.
pub async fn sign_out(state: &AppState, session_id: &str) -> AppResult<()> {
    session::Entity::delete_by_id(session_id.to_string())
        .exec(&state.db)
        .await?;
    state.events.revoke(Revocation::Session {
        session_id: session_id.to_string(),
    });
    Ok(())
}

/// Sliding expiry: a session in use is extended, at most every five minutes
/// (so reads do not turn into writes on every request), but never past its
/// absolute end (`RC_SESSION_MAX_DAYS` after sign-in). Best effort.
pub async fn touch_session(state: &AppState, sess: &session::Model) {
    let now = db::now();
    if now - sess.last_seen_at < chrono::Duration::minutes(5) {
        return;
    }
    let days = state.settings.session_days.max(1);
    let absolute_end = sess.created_at + chrono::Duration::days(state.settings.session_max_days);
    let update = session::ActiveModel {
        id: Set(sess.id.clone()),
        last_seen_at: Set(now),
        expires_at: Set((now + chrono::Duration::days(days)).min(absolute_end)),
        ..Default::default()
    };
    if let Err(e) = update.update(&state.db).await {
        tracing::warn!(error = %e, "could not extend a session");
    }
}

/// Changes the caller's password; every other session of theirs is revoked.
pub async fn change_password(
    state: &AppState,
    auth: &AuthSession,
    current: &str,
    new: &str,
) -> AppResult<()> {
    check_password("newPassword", new)?;
    // Someone holding a stolen session must not be able to guess the
    // password through this form: wrong guesses count per user.
    let key = Key::of("password-check", auth.user.id.as_str());
    let Some(attempt) = state
        .limits
        .failures
        .begin(&[(key, limits::PASSWORD_CHECK_FAILURES_PER_USER)])
    else {
        return Err(too_many("wrong passwords"));
    };
    let current = current.chars().take(MAX_PASSWORD).collect::<String>();
    let hasher = &state.limits.hasher;
    if !hasher
        .verify(current, auth.user.password_hash.clone())
        .await?
    {
        attempt.failed();
        return Err(AppError::invalid_field(
            "currentPassword",
            "the current password is wrong",
        ));
    }
    attempt.succeeded(&[key]);
    let hash = hasher.hash(new.to_string()).await?;
    let txn = db::begin_write(&state.db).await?;
    set_password(&txn, &auth.user.id, hash, Some(&auth.session_id)).await?;
    security_log::record(
        &txn,
        &auth.user.id,
        Ev::PasswordChanged,
        &ClientMeta::default(),
        Some("from the profile; other sessions signed out"),
    )
    .await?;
    txn.commit().await?;
    state.events.revoke(Revocation::UserExcept {
        user_id: auth.user.id.clone(),
        keep: Some(auth.session_id.clone()),
    });
    Ok(())
}

/// The operator's reset (`release-coordinator reset-password EMAIL`): sets a
/// new password and revokes every session of that user.
pub async fn reset_password(
    hasher: &PasswordHasher,
    db_conn: &DatabaseConnection,
    email: &str,
    new: &str,
) -> AppResult<UserView> {
    let email = validation::email(email)?;
    check_password("password", new)?;
    let user = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(db_conn)
        .await?
        .ok_or_else(|| AppError::not_found("user"))?;
    let hash = hasher.hash(new.to_string()).await?;
    let txn = db::begin_write(db_conn).await?;
    let updated = set_password(&txn, &user.id, hash, None).await?;
    security_log::record(
        &txn,
        &user.id,
        Ev::PasswordReset,
        &ClientMeta::default(),
        Some("by an operator; every session signed out"),
    )
    .await?;
    txn.commit().await?;
    Ok(updated.into())
}

/// Stores a new password hash and signs the user out of every session but
/// `keep` (the one that made the change, if any).
pub(crate) async fn set_password(
    txn: &sea_orm::DatabaseTransaction,
    user_id: &UserId,
    hash: String,
    keep: Option<&str>,
) -> AppResult<user::Model> {
    let updated = user::ActiveModel {
        id: Set(user_id.clone()),
        password_hash: Set(hash),
        updated_at: Set(db::now()),
        ..Default::default()
    }
    .update(txn)
    .await?;
    let mut revoke = session::Entity::delete_many().filter(session::Column::UserId.eq(user_id));
    if let Some(keep) = keep {
        revoke = revoke.filter(session::Column::Id.ne(keep));
    }
    revoke.exec(txn).await?;
    Ok(updated)
}
