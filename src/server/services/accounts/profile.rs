//! A person's own account: their name and email, their signed-in sessions,
//! and deleting the account.
//!
//! A deleted account's row stays as a nameless "Former member" (as GitLab's
//! ghost user): releases, comments and the audit log keep an author that
//! says what happened, while everything that is the person's goes — email,
//! password, sessions, team memberships, OAuth connections, the API tokens
//! they made, pending links and their security log.

use super::email::send_verification;
use super::{security_log, ClientMeta};
use crate::domain::kinds::SecurityEventKind as Ev;
use crate::domain::roles::Role;
use crate::domain::validation;
use crate::server::auth::AuthSession;
use crate::server::db::entities::{
    api_token, email_token, oauth_connection, oauth_state, security_event, session, team,
    team_member, user, user_identity,
};
use crate::server::db::scoped::TeamOwned;
use crate::server::db::{self};
use crate::server::error::{AppError, AppResult};
use crate::server::events::Revocation;
use crate::server::services::ts;
use crate::server::state::AppState;
use crate::views::{SessionView, UserView};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};

/// The name a deleted account's row shows.
pub const FORMER_MEMBER: &str = "Former member";

/// Changes the caller's name and/or email. A new email takes effect once
/// the link sent to it is used (`pendingEmail` until then) — or at once on
/// a server without SMTP, where nothing can be verified. Asking for the
/// current address again cancels a pending change.
pub async fn update(
    state: &AppState,
    auth: &AuthSession,
    name: Option<&str>,
    email: Option<&str>,
    meta: &ClientMeta,
) -> AppResult<UserView> {
    let name = name
        .map(|n| validation::required_line("name", n, validation::MAX_NAME))
        .transpose()?;
    let email = email.map(validation::email).transpose()?;
    let me = &auth.user;
    let txn = db::begin_write(&state.db).await?;
    let mut change = user::ActiveModel {
        id: Set(me.id.clone()),
        updated_at: Set(db::now()),
        ..Default::default()
    };
    if let Some(n) = name.filter(|n| n != &me.name) {
        security_log::record(&txn, &me.id, Ev::NameChanged, meta, Some(&n)).await?;
        change.name = Set(n);
    }
    let mut queued = false;
    match email {
        // The current address again: a pending change is cancelled.
        Some(e) if e == me.email && me.pending_email.is_some() => {
            change.pending_email = Set(None);
        }
        Some(e) if e == me.email => {}
        Some(e) => {
            let taken = user::Entity::find()
                .filter(user::Column::Email.eq(e.as_str()))
                .count(&txn)
                .await?
                > 0;
            if taken {
                return Err(AppError::Conflict(
                    "an account with this email already exists".into(),
                ));
            }
            if state.email_enabled() {
                if !state.limits.emails.allow(&e) {
                    return Err(AppError::TooManyRequests(
                        "too many emails to this address; try again in an hour".into(),
                    ));
                }
                queued = send_verification(state, &txn, me, &e, true, meta).await?;
                security_log::record(&txn, &me.id, Ev::EmailChangeRequested, meta, Some(&e))
                    .await?;
                change.pending_email = Set(Some(e));
            } else {
                let detail = format!(
                    "{} → {e} (not verified: this server sends no email)",
                    me.email
                );
                security_log::record(&txn, &me.id, Ev::EmailChanged, meta, Some(&detail)).await?;
                change.email = Set(e);
                change.email_verified_at = Set(None);
                change.pending_email = Set(None);
            }
        }
        None => {}
    }
    let updated = match change.update(&txn).await {
        Ok(u) => u,
        Err(e) if db::is_unique_violation(&e) => {
            return Err(AppError::Conflict(
                "an account with this email already exists".into(),
            ))
        }
        Err(e) => return Err(e.into()),
    };
    txn.commit().await?;
    if queued {
        state.outbox_wake.notify_one();
    }
    Ok(updated.into())
}

/// The caller's live sessions, most recently used first.
pub async fn sessions(state: &AppState, auth: &AuthSession) -> AppResult<Vec<SessionView>> {
    let rows = session::Entity::find()
        .filter(session::Column::UserId.eq(&auth.user.id))
        .filter(session::Column::ExpiresAt.gt(db::now()))
        .order_by_desc(session::Column::LastSeenAt)
        .order_by_desc(session::Column::Id)
        .all(&state.db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|s| SessionView {
            current: s.id == auth.session_id,
            id: s.id,
            user_agent: s.user_agent,
            ip: s.ip,
            created_at: ts(s.created_at),
            last_seen_at: ts(s.last_seen_at),
        })
        .collect())
}

/// Signs one of the caller's sessions out (the current one too, if asked);
/// its live streams end with it.
pub async fn revoke_session(
    state: &AppState,
    auth: &AuthSession,
    id: &str,
    meta: &ClientMeta,
) -> AppResult<()> {
    let txn = db::begin_write(&state.db).await?;
    let found = session::Entity::find_by_id(id.to_string())
        .filter(session::Column::UserId.eq(&auth.user.id))
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found("session"))?;
    session::Entity::delete_by_id(found.id.clone())
        .exec(&txn)
        .await?;
    let detail = found.user_agent.as_deref().map(|ua| {
        format!(
            "the session of {}",
            ua.chars().take(120).collect::<String>()
        )
    });
    security_log::record(
        &txn,
        &auth.user.id,
        Ev::SessionRevoked,
        meta,
        detail.as_deref(),
    )
    .await?;
    txn.commit().await?;
    state.events.revoke(Revocation::Session {
        session_id: found.id,
    });
    Ok(())
}

/// Deletes the caller's account, confirmed by typing its email. Refused
/// (409, naming the teams) while they are the last OWNER of a team.
pub async fn delete(state: &AppState, auth: &AuthSession, confirm_email: &str) -> AppResult<()> {
    let me = &auth.user;
    if !confirm_email.trim().eq_ignore_ascii_case(&me.email) {
        return Err(AppError::invalid_field(
            "confirmEmail",
            "type your account's email address to confirm",
        ));
    }
    let txn = db::begin_write(&state.db).await?;
    let owned = team_member::Entity::find_across_teams()
        .filter(team_member::Column::UserId.eq(&me.id))
        .filter(team_member::Column::Role.eq(Role::Owner))
        .all(&txn)
        .await?;
    let mut last_owner_of = Vec::new();
    for m in owned {
        let owners = team_member::Entity::find_in_team(&m.team_id)
            .filter(team_member::Column::Role.eq(Role::Owner))
            .count(&txn)
            .await?;
        if owners <= 1 {
            if let Some(t) = team::Entity::find_by_id(m.team_id.clone())
                .one(&txn)
                .await?
            {
                last_owner_of.push(t.name);
            }
        }
    }
    if !last_owner_of.is_empty() {
        last_owner_of.sort();
        return Err(AppError::Conflict(format!(
            "you are the last owner of {}: make someone else an owner or delete the team first",
            last_owner_of.join(", ")
        )));
    }
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(&me.id))
        .exec(&txn)
        .await?;
    team_member::Entity::delete_across_teams()
        .filter(team_member::Column::UserId.eq(&me.id))
        .exec(&txn)
        .await?;
    oauth_connection::Entity::delete_many()
        .filter(oauth_connection::Column::UserId.eq(&me.id))
        .exec(&txn)
        .await?;
    oauth_state::Entity::delete_many()
        .filter(oauth_state::Column::UserId.eq(&me.id))
        .exec(&txn)
        .await?;
    api_token::Entity::delete_across_teams()
        .filter(api_token::Column::CreatedBy.eq(&me.id))
        .exec(&txn)
        .await?;
    email_token::Entity::delete_many()
        .filter(email_token::Column::UserId.eq(&me.id))
        .exec(&txn)
        .await?;
    user_identity::Entity::delete_many()
        .filter(user_identity::Column::UserId.eq(&me.id))
        .exec(&txn)
        .await?;
    security_event::Entity::delete_many()
        .filter(security_event::Column::UserId.eq(&me.id))
        .exec(&txn)
        .await?;
    let now = db::now();
    user::ActiveModel {
        id: Set(me.id.clone()),
        email: Set(format!("{}@deleted.invalid", me.id)),
        name: Set(FORMER_MEMBER.into()),
        password_hash: Set(String::new()),
        pending_email: Set(None),
        email_verified_at: Set(None),
        deleted_at: Set(Some(now)),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(&txn)
    .await?;
    txn.commit().await?;
    state.events.revoke(Revocation::UserExcept {
        user_id: me.id.clone(),
        keep: None,
    });
    tracing::info!(user_id = %me.id, "account deleted");
    Ok(())
}
