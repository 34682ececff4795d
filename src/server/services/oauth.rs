//! A user's OAuth connections (GitHub now; Jira follows the same shape).
//! `start` stores only the SHA-256 of a random `state`, bound to the user
//! and provider, valid ten minutes and single-use; `finish` checks it before
//! anything else, so a missing, wrong, foreign or expired `state` stores
//! nothing. Tokens are stored encrypted (AES-256-GCM with a key id) and
//! never leave this module in a view.

use crate::domain::kinds::Provider;
use crate::server::auth::AuthSession;
use crate::server::crypto::{hash_token, random_token};
use crate::server::db::entities::{oauth_connection, oauth_state};
use crate::server::db::{self, new_id};
use crate::server::error::{AppError, AppResult};
use crate::server::integrations::github;
use crate::server::services::ts;
use crate::server::state::AppState;
use chrono::Duration;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde::Serialize;

/// A connection as the user sees it: never a token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionView {
    /// JIRA or GITHUB.
    pub provider: Provider,
    /// The account's name there.
    pub account_name: Option<String>,
    /// Whether the token still works.
    pub is_valid: bool,
    /// Why not, if not.
    pub last_error: Option<String>,
    /// RFC 3339.
    pub connected_at: String,
}

fn redirect_uri(state: &AppState, provider: Provider) -> String {
    format!(
        "{}/api/oauth/{}/callback",
        state.public_url.trim_end_matches('/'),
        provider.as_str().to_lowercase()
    )
}

/// Begins the GitHub flow: the URL to send the browser to.
pub async fn start_github(state: &AppState, auth: &AuthSession) -> AppResult<String> {
    let app = state.settings.github.as_ref().ok_or_else(|| {
        AppError::Unavailable("GitHub is not configured on this server (GITHUB_CLIENT_ID)".into())
    })?;
    let token = random_token();
    let now = db::now();
    oauth_state::ActiveModel {
        id: Set(hash_token(&token)),
        user_id: Set(auth.user.id.clone()),
        provider: Set(Provider::Github.as_str().into()),
        pkce_verifier: Set(None),
        redirect_after: Set(Some("/settings/profile".into())),
        expires_at: Set(now + Duration::minutes(10)),
        created_at: Set(now),
    }
    .insert(&state.db)
    .await?;
    Ok(github::authorize_url(
        &state.settings.github_oauth_base,
        &app.client_id,
        &redirect_uri(state, Provider::Github),
        &token,
    ))
}

/// Checks and consumes a `state`: it must exist, belong to this user and
/// provider, and not be expired. Anything else is 400.
async fn take_state(
    state: &AppState,
    auth: &AuthSession,
    provider: Provider,
    raw: Option<&str>,
) -> AppResult<()> {
    let bad =
        || AppError::bad_request("invalid or expired OAuth state; start the connection again");
    let raw = raw.filter(|s| !s.is_empty()).ok_or_else(bad)?;
    let row = oauth_state::Entity::find_by_id(hash_token(raw))
        .one(&state.db)
        .await?
        .ok_or_else(bad)?;
    // Single use, whatever happens next.
    oauth_state::Entity::delete_by_id(row.id.clone())
        .exec(&state.db)
        .await?;
    if row.user_id != auth.user.id
        || row.provider != provider.as_str()
        || row.expires_at < db::now()
    {
        return Err(bad());
    }
    Ok(())
}

/// Completes the GitHub flow: exchanges the code, reads the account and
/// stores the connection (replacing an earlier one).
pub async fn finish_github(
    state: &AppState,
    auth: &AuthSession,
    code: Option<&str>,
    raw_state: Option<&str>,
) -> AppResult<ConnectionView> {
    take_state(state, auth, Provider::Github, raw_state).await?;
    let app =
        state.settings.github.as_ref().ok_or_else(|| {
            AppError::Unavailable("GitHub is not configured on this server".into())
        })?;
    let code = code
        .filter(|c| !c.is_empty())
        .ok_or_else(|| AppError::bad_request("GitHub sent no authorization code"))?;
    let (token, scopes) = github::exchange_code(
        &state.http,
        &state.settings.github_oauth_base,
        &app.client_id,
        app.client_secret.expose(),
        code,
        &redirect_uri(state, Provider::Github),
    )
    .await
    .map_err(|e| AppError::BadGateway(e.to_string()))?;
    let who = github::account(&state.http, &state.settings.github_api_base, &token)
        .await
        .map_err(|e| AppError::BadGateway(e.to_string()))?;
    let encrypted = state.cipher.encrypt(&token).map_err(AppError::Internal)?;
    let now = db::now();
    let existing = oauth_connection::Entity::find()
        .filter(oauth_connection::Column::UserId.eq(auth.user.id.as_str()))
        .filter(oauth_connection::Column::Provider.eq(Provider::Github.as_str()))
        .one(&state.db)
        .await?;
    let saved = match existing {
        Some(c) => {
            let mut am: oauth_connection::ActiveModel = c.into();
            am.access_token = Set(encrypted);
            am.refresh_token = Set(None);
            am.expires_at = Set(None);
            am.scopes = Set(scopes);
            am.account_id = Set(Some(who.id.to_string()));
            am.account_name = Set(Some(who.login.clone()));
            am.is_valid = Set(true);
            am.last_error = Set(None);
            am.last_error_at = Set(None);
            am.updated_at = Set(now);
            am.update(&state.db).await?
        }
        None => {
            oauth_connection::ActiveModel {
                id: Set(new_id()),
                user_id: Set(auth.user.id.clone()),
                provider: Set(Provider::Github.as_str().into()),
                access_token: Set(encrypted),
                refresh_token: Set(None),
                expires_at: Set(None),
                scopes: Set(scopes),
                account_id: Set(Some(who.id.to_string())),
                account_name: Set(Some(who.login.clone())),
                metadata: Set(None),
                is_valid: Set(true),
                last_error: Set(None),
                last_error_at: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(&state.db)
            .await?
        }
    };
    Ok(view(saved))
}

fn view(c: oauth_connection::Model) -> ConnectionView {
    ConnectionView {
        provider: c.provider.parse().unwrap_or(Provider::Github),
        account_name: c.account_name,
        is_valid: c.is_valid,
        last_error: c.last_error,
        connected_at: ts(c.created_at),
    }
}

/// The caller's connections.
pub async fn connections(state: &AppState, auth: &AuthSession) -> AppResult<Vec<ConnectionView>> {
    Ok(oauth_connection::Entity::find()
        .filter(oauth_connection::Column::UserId.eq(auth.user.id.as_str()))
        .all(&state.db)
        .await?
        .into_iter()
        .map(view)
        .collect())
}

/// Removes one of the caller's connections (404 when there is none).
pub async fn disconnect(state: &AppState, auth: &AuthSession, provider: &str) -> AppResult<()> {
    let p: Provider = provider
        .to_uppercase()
        .parse()
        .map_err(|_| AppError::not_found("provider"))?;
    let res = oauth_connection::Entity::delete_many()
        .filter(oauth_connection::Column::UserId.eq(auth.user.id.as_str()))
        .filter(oauth_connection::Column::Provider.eq(p.as_str()))
        .exec(&state.db)
        .await?;
    if res.rows_affected == 0 {
        return Err(AppError::not_found("connection"));
    }
    Ok(())
}
