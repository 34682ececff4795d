//! Single sign-on through OpenID Connect providers (`RC_OIDC_<ID>_*`).
//!
//! A sign-in starts with a `state` (stored as its SHA-256, with the nonce
//! and PKCE verifier encrypted, for ten minutes) that is also put in a
//! short-lived cookie: the callback must come back to the browser that
//! started it. A valid ID token then signs in:
//! - the account already linked to that provider identity; or
//! - the account with the token's email — only when the provider says the
//!   email is verified (it vouches for the address, so the account's email
//!   counts as verified from then on); or
//! - a new account with that verified email and no password.
//!
//! Anything else — no or an unverified email, a domain outside the
//! provider's allow-list, a bad state, a token the integration refuses —
//! creates nothing. An identity can be unlinked while the account keeps a
//! password or another identity.

use super::{create_session, security_log, ClientMeta, NewSession};
use crate::domain::kinds::SecurityEventKind as Ev;
use crate::domain::validation;
use crate::server::auth::AuthSession;
use crate::server::config::OidcProvider;
use crate::server::crypto::hash_token;
use crate::server::db::entities::{oidc_state, team_member, user, user_identity};
use crate::server::db::scoped::TeamOwned;
use crate::server::db::{self, new_id};
use crate::server::error::{AppError, AppResult};
use crate::server::services::ts;
use crate::server::state::AppState;
use crate::views::{IdentityView, ProviderView, UserView};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};

/// How long a started sign-in may take.
pub const STATE_MINUTES: i64 = 10;
/// The cookie that binds a sign-in to the browser that started it.
pub const STATE_COOKIE: &str = "rc_oidc";

/// The configured providers, in id order.
pub fn providers(state: &AppState) -> Vec<ProviderView> {
    state
        .settings
        .oidc
        .iter()
        .map(|p| ProviderView {
            id: p.id.clone(),
            name: p.name.clone(),
        })
        .collect()
}

fn provider<'a>(state: &'a AppState, id: &str) -> AppResult<&'a OidcProvider> {
    state
        .settings
        .oidc
        .iter()
        .find(|p| p.id == id)
        .ok_or_else(|| AppError::NotFound("no sign-in provider has this id".into()))
}

/// Where the provider sends the browser back.
pub fn redirect_uri(state: &AppState, provider: &str) -> String {
    format!("{}/api/auth/oidc/{provider}/callback", state.public_url)
}

/// Starts a sign-in: answers the provider's URL and the `state` to keep in
/// the browser's cookie.
pub async fn begin(
    state: &AppState,
    provider_id: &str,
    next: Option<&str>,
) -> AppResult<(String, String)> {
    let p = provider(state, provider_id)?;
    let started = state
        .oidc
        .start(p, &redirect_uri(state, &p.id))
        .await
        .map_err(|e| AppError::BadGateway(e.to_string()))?;
    let now = db::now();
    oidc_state::ActiveModel {
        id: Set(hash_token(&started.state)),
        provider: Set(p.id.clone()),
        nonce: Set(state.cipher.encrypt(&started.nonce)?),
        pkce_verifier: Set(state.cipher.encrypt(&started.pkce_verifier)?),
        redirect_after: Set(next
            .filter(|n| !n.is_empty())
            .map(crate::server::auth::safe_next)),
        expires_at: Set(now + chrono::Duration::minutes(STATE_MINUTES)),
        created_at: Set(now),
    }
    .insert(&state.db)
    .await?;
    Ok((started.url, started.state))
}

/// What the callback brought.
pub struct Callback<'a> {
    /// `code`.
    pub code: Option<&'a str>,
    /// `state`.
    pub state: Option<&'a str>,
    /// `error` (the provider refused or the person cancelled).
    pub error: Option<&'a str>,
    /// The state cookie of this browser.
    pub cookie_state: Option<&'a str>,
}

/// A refused sign-in: 400 with a message the sign-in page can show.
fn refused(message: impl Into<String>) -> AppError {
    AppError::bad_request(message)
}

/// Finishes a sign-in: answers the account, its new session and where to go.
pub async fn finish(
    state: &AppState,
    provider_id: &str,
    cb: Callback<'_>,
    meta: &ClientMeta,
) -> AppResult<(UserView, NewSession, String)> {
    let p = provider(state, provider_id)?;
    let (Some(code), Some(st)) = (cb.code, cb.state) else {
        return Err(refused(match cb.error {
            Some("access_denied") => format!("{} sign-in was cancelled", p.name),
            Some(_) => format!("{} refused the sign-in", p.name),
            None => "the sign-in answer is incomplete; try again".to_string(),
        }));
    };
    if cb.cookie_state != Some(st) {
        return Err(refused(
            "this sign-in was not started in this browser (or took too long); try again",
        ));
    }
    // Single use: the row is claimed by deleting it.
    let id = hash_token(st);
    let row = oidc_state::Entity::find_by_id(id.clone())
        .one(&state.db)
        .await?
        .ok_or_else(|| refused("this sign-in link was already used or expired; try again"))?;
    let gone = oidc_state::Entity::delete_by_id(id).exec(&state.db).await?;
    if gone.rows_affected != 1 || row.expires_at <= db::now() || row.provider != p.id {
        return Err(refused(
            "this sign-in link was already used or expired; try again",
        ));
    }
    let nonce = state.cipher.decrypt(&row.nonce)?;
    let verifier = state.cipher.decrypt(&row.pkce_verifier)?;
    let who = state
        .oidc
        .finish(
            p,
            &redirect_uri(state, &p.id),
            code,
            nonce.expose(),
            verifier.expose(),
        )
        .await
        .map_err(|e| {
            tracing::warn!(provider = %p.id, error = %e, "single sign-on refused");
            refused(e.to_string())
        })?;
    let email = match (&who.email, who.email_verified) {
        (Some(e), true) => validation::email(e)
            .map_err(|_| refused(format!("{} gave an email address we cannot use", p.name)))?,
        _ => {
            return Err(refused(format!(
                "{} did not vouch for an email address of this account (no verified email)",
                p.name
            )))
        }
    };
    if !p.allowed_domains.is_empty() {
        let domain = email.rsplit('@').next().unwrap_or_default();
        if !p.allowed_domains.iter().any(|d| d == domain) {
            return Err(refused(format!(
                "only addresses at {} may sign in with {}",
                p.allowed_domains.join(", "),
                p.name
            )));
        }
    }

    let now = db::now();
    let txn = db::begin_write(&state.db).await?;
    let linked = user_identity::Entity::find()
        .filter(user_identity::Column::Provider.eq(p.id.as_str()))
        .filter(user_identity::Column::Subject.eq(who.subject.as_str()))
        .one(&txn)
        .await?;
    let account = match linked {
        Some(identity) => {
            user_identity::ActiveModel {
                id: Set(identity.id.clone()),
                last_used_at: Set(now),
                ..Default::default()
            }
            .update(&txn)
            .await?;
            user::Entity::find_by_id(identity.user_id.clone())
                .one(&txn)
                .await?
                .filter(|u| u.deleted_at.is_none())
                .ok_or_else(|| refused("this account was deleted"))?
        }
        None => {
            let existing = user::Entity::find()
                .filter(user::Column::Email.eq(email.as_str()))
                .filter(user::Column::DeletedAt.is_null())
                .one(&txn)
                .await?;
            let account = match existing {
                Some(u) => {
                    if u.email_verified_at.is_none() {
                        user::ActiveModel {
                            id: Set(u.id.clone()),
                            email_verified_at: Set(Some(now)),
                            updated_at: Set(now),
                            ..Default::default()
                        }
                        .update(&txn)
                        .await?
                    } else {
                        u
                    }
                }
                None => {
                    let name = who
                        .name
                        .clone()
                        .map(|n| n.chars().take(validation::MAX_NAME).collect::<String>())
                        .unwrap_or_else(|| email.split('@').next().unwrap_or("").to_string());
                    let u = user::ActiveModel {
                        id: Set(new_id()),
                        email: Set(email.clone()),
                        name: Set(name),
                        // No password: this account signs in with its provider
                        // (or sets one through "Forgot password?").
                        password_hash: Set(String::new()),
                        created_at: Set(now),
                        updated_at: Set(now),
                        email_verified_at: Set(Some(now)),
                        pending_email: Set(None),
                        deleted_at: Set(None),
                    }
                    .insert(&txn)
                    .await?;
                    let detail = format!("through {}", p.name);
                    security_log::record(&txn, &u.id, Ev::AccountCreated, meta, Some(&detail))
                        .await?;
                    u
                }
            };
            user_identity::ActiveModel {
                id: Set(new_id()),
                user_id: Set(account.id.clone()),
                provider: Set(p.id.clone()),
                subject: Set(who.subject.clone()),
                email: Set(email.clone()),
                created_at: Set(now),
                last_used_at: Set(now),
            }
            .insert(&txn)
            .await?;
            let detail = format!("{} ({email})", p.name);
            security_log::record(&txn, &account.id, Ev::IdentityLinked, meta, Some(&detail))
                .await?;
            account
        }
    };
    let detail = format!("with {}", p.name);
    security_log::record(&txn, &account.id, Ev::SignedIn, meta, Some(&detail)).await?;
    txn.commit().await?;
    let team = team_member::Entity::find_across_teams()
        .filter(team_member::Column::UserId.eq(&account.id))
        .order_by_desc(team_member::Column::Id)
        .one(&state.db)
        .await?
        .map(|m| m.team_id);
    let has_team = team.is_some();
    let session = create_session(state, &account.id, team, meta).await?;
    let next = row.redirect_after.unwrap_or_else(|| {
        if has_team {
            "/board".into()
        } else {
            "/select-team".into()
        }
    });
    tracing::info!(user_id = %account.id, provider = %p.id, "signed in with single sign-on");
    Ok((account.into(), session, next))
}

/// The caller's linked identities, oldest first.
pub async fn identities(state: &AppState, auth: &AuthSession) -> AppResult<Vec<IdentityView>> {
    let rows = user_identity::Entity::find()
        .filter(user_identity::Column::UserId.eq(&auth.user.id))
        .order_by_asc(user_identity::Column::Id)
        .all(&state.db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|i| IdentityView {
            provider_name: state
                .settings
                .oidc
                .iter()
                .find(|p| p.id == i.provider)
                .map(|p| p.name.clone())
                .unwrap_or_else(|| i.provider.clone()),
            id: i.id,
            provider: i.provider,
            email: i.email,
            created_at: ts(i.created_at),
            last_used_at: ts(i.last_used_at),
        })
        .collect())
}

/// Unlinks one of the caller's identities, unless it is their last way to
/// sign in (no password and no other identity).
pub async fn unlink(
    state: &AppState,
    auth: &AuthSession,
    id: &str,
    meta: &ClientMeta,
) -> AppResult<()> {
    let txn = db::begin_write(&state.db).await?;
    let identity = user_identity::Entity::find_by_id(id.to_string())
        .filter(user_identity::Column::UserId.eq(&auth.user.id))
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found("identity"))?;
    let others = user_identity::Entity::find()
        .filter(user_identity::Column::UserId.eq(&auth.user.id))
        .filter(user_identity::Column::Id.ne(identity.id.as_str()))
        .count(&txn)
        .await?;
    if others == 0 && auth.user.password_hash.is_empty() {
        return Err(AppError::bad_request(
            "this is your only way to sign in: set a password first (\"Forgot password?\" on the sign-in page emails a link) or link another provider",
        ));
    }
    user_identity::Entity::delete_by_id(identity.id.clone())
        .exec(&txn)
        .await?;
    let name = state
        .settings
        .oidc
        .iter()
        .find(|p| p.id == identity.provider)
        .map(|p| p.name.clone())
        .unwrap_or_else(|| identity.provider.clone());
    let detail = format!("{name} ({})", identity.email);
    security_log::record(
        &txn,
        &auth.user.id,
        Ev::IdentityUnlinked,
        meta,
        Some(&detail),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
