//! Usable tokens for the other services: GitHub as stored, Jira refreshed
//! ahead of expiry under a per-connection lock.

use super::flow::jira_app;
use super::{find, jira_meta};
use crate::domain::ids::UserId;
use crate::domain::kinds::Provider;
use crate::server::config::Backend;
use crate::server::db::entities::oauth_connection;
use crate::server::db::{self};
use crate::server::error::{AppError, AppResult};
use crate::server::integrations::jira::{self, JiraError};
use crate::server::state::AppState;
use chrono::Duration;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QuerySelect, TransactionTrait,
};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, Weak};

/// A usable GitHub token of a user.
pub struct GitHubAccess {
    /// The connection's id (to mark it invalid).
    pub connection_id: String,
    /// The decrypted token: pass it on, never log it.
    pub token: String,
}

/// A usable Jira token of a user, and the site it works on.
pub struct JiraAccess {
    /// The connection's id.
    pub connection_id: String,
    /// The decrypted access token: pass it on, never log it.
    pub token: String,
    /// The chosen site's cloudId.
    pub cloud_id: String,
    /// The chosen site's address (for browse links).
    pub site_url: String,
}

fn unusable(provider: &str, c: &oauth_connection::Model) -> AppError {
    let why = c
        .last_error
        .as_deref()
        .map(|e| format!(" ({e})"))
        .unwrap_or_default();
    AppError::bad_request(format!(
        "your {provider} connection no longer works{why}; reconnect {provider} on your profile"
    ))
}

/// No connection: say how to get one, or that this server cannot.
fn not_connected(app_configured: bool, provider: &str) -> AppError {
    if app_configured {
        AppError::bad_request(format!("connect {provider} first (Profile → Connections)"))
    } else {
        AppError::bad_request(format!(
            "{provider} is not set up on this server ({}_CLIENT_ID and {}_CLIENT_SECRET)",
            provider.to_uppercase(),
            provider.to_uppercase()
        ))
    }
}

/// A 400 saying how to connect, unless the user has a connection to
/// `provider` (usable or not).
#[tracing::instrument(skip_all, fields(user_id = %user_id))]
pub async fn require_connection(
    state: &AppState,
    user_id: &UserId,
    provider: Provider,
) -> AppResult<()> {
    let configured = match provider {
        Provider::Github => state.settings.github.is_some(),
        Provider::Jira => state.settings.jira.is_some(),
    };
    match find(state, user_id, provider).await? {
        Some(_) => Ok(()),
        None => Err(not_connected(
            configured,
            match provider {
                Provider::Github => "GitHub",
                Provider::Jira => "Jira",
            },
        )),
    }
}

/// The user's GitHub token, or a 400 saying how to get one.
#[tracing::instrument(skip_all, fields(user_id = %user_id))]
pub async fn github_access(state: &AppState, user_id: &UserId) -> AppResult<GitHubAccess> {
    let c = find(state, user_id, Provider::Github)
        .await?
        .ok_or_else(|| not_connected(state.settings.github.is_some(), "GitHub"))?;
    if !c.is_valid {
        return Err(unusable("GitHub", &c));
    }
    let token = state.cipher.decrypt(&c.access_token).map_err(|_| {
        AppError::bad_request("your GitHub connection cannot be read; reconnect GitHub")
    })?;
    Ok(GitHubAccess {
        connection_id: c.id,
        token: token.expose().to_string(),
    })
}

/// Marks a connection invalid with the reason; the profile page then asks
/// the user to reconnect.
pub async fn invalidate(state: &AppState, connection_id: &str, reason: &str) -> AppResult<()> {
    mark_invalid(&state.db, connection_id, reason).await
}

/// How long before expiry a Jira access token is renewed.
const REFRESH_MARGIN_SECS: i64 = 300;

fn needs_refresh(c: &oauth_connection::Model) -> bool {
    c.expires_at
        .is_some_and(|e| e - Duration::seconds(REFRESH_MARGIN_SECS) <= db::now())
}

/// One lock per connection id within this process (the refresh of one
/// connection never runs twice at once here; PostgreSQL's row lock covers
/// other app servers).
fn refresh_lock(id: &str) -> Arc<tokio::sync::Mutex<()>> {
    static LOCKS: OnceLock<Mutex<HashMap<String, Weak<tokio::sync::Mutex<()>>>>> = OnceLock::new();
    let mut map = LOCKS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    map.retain(|_, w| w.strong_count() > 0);
    if let Some(l) = map.get(id).and_then(Weak::upgrade) {
        return l;
    }
    let l = Arc::new(tokio::sync::Mutex::new(()));
    map.insert(id.to_string(), Arc::downgrade(&l));
    l
}

/// The user's Jira access, refreshed first when it is about to expire (or
/// when `force`, after Jira answered 401 to a token we thought was good).
#[tracing::instrument(skip_all, fields(user_id = %user_id))]
pub async fn jira_access(state: &AppState, user_id: &UserId, force: bool) -> AppResult<JiraAccess> {
    let mut c = find(state, user_id, Provider::Jira)
        .await?
        .ok_or_else(|| not_connected(state.settings.jira.is_some(), "Jira"))?;
    if !c.is_valid {
        return Err(unusable("Jira", &c));
    }
    let meta = jira_meta(&c);
    let (Some(cloud_id), Some(site_url)) = (meta.cloud_id, meta.site_url) else {
        return Err(AppError::bad_request(
            "choose your Jira site first (Profile → Connections)",
        ));
    };
    // Links to issues are built from this origin: it must be a plain https one.
    let site_url = crate::server::integrations::site_origin(&site_url).ok_or_else(|| {
        AppError::bad_request("your Jira site's address is not an https address; reconnect Jira")
    })?;
    if force || needs_refresh(&c) {
        c = refresh_jira(state, c, force).await?;
    }
    let token = state.cipher.decrypt(&c.access_token).map_err(|_| {
        AppError::bad_request("your Jira connection cannot be read; reconnect Jira")
    })?;
    Ok(JiraAccess {
        connection_id: c.id,
        token: token.expose().to_string(),
        cloud_id,
        site_url,
    })
}

async fn refresh_jira(
    state: &AppState,
    c: oauth_connection::Model,
    force: bool,
) -> AppResult<oauth_connection::Model> {
    let lock = refresh_lock(&c.id);
    let _held = lock.lock().await;
    match state.settings.backend {
        Backend::Postgres => {
            // The row stays locked until the new tokens are written, so
            // another app server waits and then sees them.
            let txn = state.db.begin().await?;
            let fresh = oauth_connection::Entity::find_by_id(c.id.clone())
                .lock_exclusive()
                .one(&txn)
                .await?
                .ok_or_else(|| AppError::bad_request("connect Jira first"))?;
            let out = refresh_row(state, &txn, fresh, &c, force).await;
            txn.commit().await?;
            out
        }
        Backend::Sqlite => {
            // One app server per SQLite file: the process lock is enough.
            // Not a transaction across the HTTP call, which would hold the
            // database's single writer slot while Atlassian answers.
            let fresh = oauth_connection::Entity::find_by_id(c.id.clone())
                .one(&state.db)
                .await?
                .ok_or_else(|| AppError::bad_request("connect Jira first"))?;
            refresh_row(state, &state.db, fresh, &c, force).await
        }
    }
}

/// Refreshes `fresh` (the row as read under the lock) unless someone else
/// already did since `seen` was read.
async fn refresh_row<C: ConnectionTrait>(
    state: &AppState,
    db: &C,
    fresh: oauth_connection::Model,
    seen: &oauth_connection::Model,
    force: bool,
) -> AppResult<oauth_connection::Model> {
    if !fresh.is_valid {
        return Err(unusable("Jira", &fresh));
    }
    let renewed_meanwhile = fresh.access_token != seen.access_token;
    if renewed_meanwhile || (!force && !needs_refresh(&fresh)) {
        return Ok(fresh);
    }
    let app = jira_app(state)?;
    let Some(stored) = fresh.refresh_token.as_deref() else {
        let reason = "Jira gave no refresh token (offline_access)";
        mark_invalid(db, &fresh.id, reason).await?;
        return Err(unusable_reason("Jira", reason));
    };
    let refresh_token = state.cipher.decrypt(stored).map_err(|_| {
        AppError::bad_request("your Jira connection cannot be read; reconnect Jira")
    })?;
    match jira::refresh(
        &state.http,
        &state.settings.atlassian_auth_base,
        &app.client_id,
        app.client_secret.expose(),
        refresh_token.expose(),
    )
    .await
    {
        Ok(t) => {
            let mut am: oauth_connection::ActiveModel = fresh.into();
            am.access_token = Set(state
                .cipher
                .encrypt(&t.access_token)
                .map_err(AppError::Internal)?);
            // Rotation: the answer carries the next refresh token, and the
            // one just used is dead. Both are written in this one update.
            if let Some(rt) = t.refresh_token.as_deref() {
                am.refresh_token = Set(Some(state.cipher.encrypt(rt).map_err(AppError::Internal)?));
            }
            am.expires_at = Set(Some(
                db::now() + Duration::seconds(t.expires_in.unwrap_or(3600)),
            ));
            if let Some(scope) = t.scope {
                am.scopes = Set(Some(scope));
            }
            am.last_error = Set(None);
            am.last_error_at = Set(None);
            am.updated_at = Set(db::now());
            Ok(am.update(db).await?)
        }
        Err(JiraError::RefreshRefused(why)) => {
            let reason = format!("Jira refused to renew the connection ({why})");
            mark_invalid(db, &fresh.id, &reason).await?;
            Err(unusable_reason("Jira", &reason))
        }
        Err(JiraError::RateLimited(_)) => Err(AppError::Unavailable(
            "Jira is rate limiting requests; try again in a minute".into(),
        )),
        Err(e) => Err(AppError::BadGateway(e.to_string())),
    }
}

fn unusable_reason(provider: &str, reason: &str) -> AppError {
    AppError::bad_request(format!(
        "your {provider} connection no longer works ({reason}); reconnect {provider} on your profile"
    ))
}

async fn mark_invalid<C: ConnectionTrait>(db: &C, id: &str, reason: &str) -> AppResult<()> {
    oauth_connection::Entity::update_many()
        .col_expr(oauth_connection::Column::IsValid, Expr::value(false))
        .col_expr(
            oauth_connection::Column::LastError,
            Expr::value(Some(reason.to_string())),
        )
        .col_expr(
            oauth_connection::Column::LastErrorAt,
            Expr::value(Some(db::now())),
        )
        .filter(oauth_connection::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
