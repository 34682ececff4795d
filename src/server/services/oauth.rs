//! A user's OAuth connections to GitHub and Jira.
//!
//! - `start` stores only the SHA-256 of a random `state`, bound to the user
//!   and provider, valid ten minutes and single-use; `finish_*` checks it
//!   before anything else, so a missing, wrong, foreign or expired `state`
//!   stores nothing.
//! - Tokens are stored encrypted (AES-256-GCM with a key id) and never leave
//!   this module in a view. Other services get a usable token through
//!   [`github_access`] / [`jira_access`].
//! - Jira access tokens live an hour: they are refreshed five minutes before
//!   expiry with the rotating refresh token, under a per-connection lock (and
//!   on PostgreSQL a row lock, so two app servers never refresh at once); the
//!   new refresh token is stored in the same write as the new access token. A
//!   refused refresh marks the connection invalid with Atlassian's reason.
//! - A Jira account may reach several sites: with one, it is chosen; with
//!   more, the connection waits for the user to pick one ([`choose_jira_site`]).

use crate::domain::kinds::Provider;
use crate::server::auth::AuthSession;
use crate::server::config::Backend;
use crate::server::crypto::{hash_token, random_token};
use crate::server::db::entities::{oauth_connection, oauth_state};
use crate::server::db::{self, new_id};
use crate::server::error::{AppError, AppResult};
use crate::server::integrations::github;
use crate::server::integrations::jira::{self, JiraError, Site};
use crate::server::services::ts;
use crate::server::state::AppState;
use chrono::Duration;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QuerySelect, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, Weak};

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
    /// Jira: the chosen site's name and address.
    pub site: Option<SiteView>,
    /// Jira, while no site is chosen: the sites to choose from.
    pub site_choices: Vec<SiteView>,
}

/// A Jira site as the user sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SiteView {
    /// The cloudId.
    pub id: String,
    /// "acme".
    pub name: String,
    /// `https://acme.atlassian.net`.
    pub url: String,
}

/// What a Jira connection keeps besides tokens (`metadata` JSON).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct JiraMeta {
    cloud_id: Option<String>,
    site_name: Option<String>,
    site_url: Option<String>,
    /// Every reachable site, while the user has not chosen.
    #[serde(default)]
    sites: Vec<SiteView>,
}

fn jira_meta(c: &oauth_connection::Model) -> JiraMeta {
    c.metadata
        .as_deref()
        .and_then(|m| serde_json::from_str(m).ok())
        .unwrap_or_default()
}

fn redirect_uri(state: &AppState, provider: Provider) -> String {
    format!(
        "{}/api/oauth/{}/callback",
        state.public_url.trim_end_matches('/'),
        provider.as_str().to_lowercase()
    )
}

async fn new_state(state: &AppState, auth: &AuthSession, provider: Provider) -> AppResult<String> {
    let token = random_token();
    let now = db::now();
    oauth_state::ActiveModel {
        id: Set(hash_token(&token)),
        user_id: Set(auth.user.id.clone()),
        provider: Set(provider),
        pkce_verifier: Set(None),
        redirect_after: Set(Some("/settings/profile".into())),
        expires_at: Set(now + Duration::minutes(10)),
        created_at: Set(now),
    }
    .insert(&state.db)
    .await?;
    Ok(token)
}

fn github_app(state: &AppState) -> AppResult<&crate::server::config::OAuthApp> {
    state.settings.github.as_ref().ok_or_else(|| {
        AppError::Unavailable(
            "GitHub is not configured on this server (GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET)"
                .into(),
        )
    })
}

fn jira_app(state: &AppState) -> AppResult<&crate::server::config::OAuthApp> {
    state.settings.jira.as_ref().ok_or_else(|| {
        AppError::Unavailable(
            "Jira is not configured on this server (JIRA_CLIENT_ID, JIRA_CLIENT_SECRET)".into(),
        )
    })
}

/// Begins the GitHub flow: the URL to send the browser to.
pub async fn start_github(state: &AppState, auth: &AuthSession) -> AppResult<String> {
    let app = github_app(state)?;
    let token = new_state(state, auth, Provider::Github).await?;
    Ok(github::authorize_url(
        &state.settings.github_oauth_base,
        &app.client_id,
        &redirect_uri(state, Provider::Github),
        &token,
    ))
}

/// Begins the Jira flow: Atlassian's 3LO authorize URL.
pub async fn start_jira(state: &AppState, auth: &AuthSession) -> AppResult<String> {
    let app = jira_app(state)?;
    let token = new_state(state, auth, Provider::Jira).await?;
    Ok(jira::authorize_url(
        &state.settings.atlassian_auth_base,
        &app.client_id,
        &redirect_uri(state, Provider::Jira),
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
    if row.user_id != auth.user.id || row.provider != provider || row.expires_at < db::now() {
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
    let app = github_app(state)?;
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
    let saved = upsert(
        state,
        auth,
        Stored {
            provider: Provider::Github,
            access_token: state.cipher.encrypt(&token).map_err(AppError::Internal)?,
            refresh_token: None,
            expires_at: None,
            scopes,
            account_id: who.id.to_string(),
            account_name: who.login,
            metadata: None,
        },
    )
    .await?;
    Ok(view(saved))
}

/// Completes the Jira flow: exchanges the code, reads the reachable sites
/// and the account, and stores the connection. With several sites the
/// connection waits for a choice (`needs_site` in the answer).
pub async fn finish_jira(
    state: &AppState,
    auth: &AuthSession,
    code: Option<&str>,
    raw_state: Option<&str>,
) -> AppResult<ConnectionView> {
    take_state(state, auth, Provider::Jira, raw_state).await?;
    let app = jira_app(state)?;
    let code = code
        .filter(|c| !c.is_empty())
        .ok_or_else(|| AppError::bad_request("Atlassian sent no authorization code"))?;
    let s = &state.settings;
    let tokens = jira::exchange_code(
        &state.http,
        &s.atlassian_auth_base,
        &app.client_id,
        app.client_secret.expose(),
        code,
        &redirect_uri(state, Provider::Jira),
    )
    .await
    .map_err(|e| AppError::BadGateway(e.to_string()))?;
    let sites =
        jira::accessible_resources(&state.http, &s.atlassian_api_base, &tokens.access_token)
            .await
            .map_err(|e| AppError::BadGateway(e.to_string()))?;
    let Some(first) = sites.first() else {
        return Err(AppError::BadGateway(
            "this Atlassian account cannot reach any Jira site".into(),
        ));
    };
    let who = jira::myself(
        &state.http,
        &s.atlassian_api_base,
        &tokens.access_token,
        &first.id,
    )
    .await
    .map_err(|e| AppError::BadGateway(e.to_string()))?;
    let meta = if sites.len() == 1 {
        chosen(first)
    } else {
        let mut choices: Vec<SiteView> = sites.iter().map(site_view).collect();
        choices.sort_by_key(|a| a.name.to_lowercase());
        JiraMeta {
            sites: choices,
            ..Default::default()
        }
    };
    let saved = upsert(
        state,
        auth,
        Stored {
            provider: Provider::Jira,
            access_token: state
                .cipher
                .encrypt(&tokens.access_token)
                .map_err(AppError::Internal)?,
            refresh_token: tokens
                .refresh_token
                .as_deref()
                .map(|t| state.cipher.encrypt(t))
                .transpose()
                .map_err(AppError::Internal)?,
            expires_at: Some(db::now() + Duration::seconds(tokens.expires_in.unwrap_or(3600))),
            scopes: tokens.scope,
            account_id: who.account_id,
            account_name: who
                .display_name
                .unwrap_or_else(|| "Atlassian account".into()),
            metadata: Some(serde_json::to_string(&meta).unwrap_or_default()),
        },
    )
    .await?;
    Ok(view(saved))
}

fn site_view(s: &Site) -> SiteView {
    SiteView {
        id: s.id.clone(),
        name: s.name.clone(),
        url: s.url.trim_end_matches('/').to_string(),
    }
}

fn chosen(s: &Site) -> JiraMeta {
    JiraMeta {
        cloud_id: Some(s.id.clone()),
        site_name: Some(s.name.clone()),
        site_url: Some(s.url.trim_end_matches('/').to_string()),
        sites: vec![],
    }
}

/// Picks the Jira site of a connection that reaches several.
pub async fn choose_jira_site(
    state: &AppState,
    auth: &AuthSession,
    cloud_id: &str,
) -> AppResult<ConnectionView> {
    let c = find(state, &auth.user.id, Provider::Jira)
        .await?
        .ok_or_else(|| AppError::not_found("Jira connection"))?;
    let meta = jira_meta(&c);
    let pick = meta
        .sites
        .iter()
        .chain(
            meta.cloud_id
                .as_ref()
                .map(|id| SiteView {
                    id: id.clone(),
                    name: meta.site_name.clone().unwrap_or_default(),
                    url: meta.site_url.clone().unwrap_or_default(),
                })
                .as_ref(),
        )
        .find(|s| s.id == cloud_id)
        .cloned()
        .ok_or_else(|| {
            AppError::invalid_field("cloudId", "that is not one of your connection's Jira sites")
        })?;
    let meta = chosen(&Site {
        id: pick.id,
        name: pick.name,
        url: pick.url,
    });
    let mut am: oauth_connection::ActiveModel = c.into();
    am.metadata = Set(Some(serde_json::to_string(&meta).unwrap_or_default()));
    am.updated_at = Set(db::now());
    Ok(view(am.update(&state.db).await?))
}

/// A connection as it is written after a successful dance.
struct Stored {
    provider: Provider,
    access_token: String,
    refresh_token: Option<String>,
    expires_at: Option<chrono::DateTime<chrono::Utc>>,
    scopes: Option<String>,
    account_id: String,
    account_name: String,
    metadata: Option<String>,
}

/// Stores a connection, replacing the user's earlier one for the provider.
async fn upsert(
    state: &AppState,
    auth: &AuthSession,
    s: Stored,
) -> AppResult<oauth_connection::Model> {
    let now = db::now();
    let mut am = match find(state, &auth.user.id, s.provider).await? {
        Some(c) => c.into(),
        None => oauth_connection::ActiveModel {
            id: Set(new_id()),
            user_id: Set(auth.user.id.clone()),
            provider: Set(s.provider),
            created_at: Set(now),
            ..Default::default()
        },
    };
    am.access_token = Set(s.access_token);
    am.refresh_token = Set(s.refresh_token);
    am.expires_at = Set(s.expires_at);
    am.scopes = Set(s.scopes);
    am.account_id = Set(Some(s.account_id));
    am.account_name = Set(Some(s.account_name));
    am.metadata = Set(s.metadata);
    am.is_valid = Set(true);
    am.last_error = Set(None);
    am.last_error_at = Set(None);
    // A fresh connection starts the background sync afresh.
    am.sync_failures = Set(0);
    am.next_sync_at = Set(None);
    am.updated_at = Set(now);
    let saved = if am.id.is_unchanged() {
        am.update(&state.db).await?
    } else {
        am.insert(&state.db).await?
    };
    Ok(saved)
}

async fn find(
    state: &AppState,
    user_id: &str,
    provider: Provider,
) -> AppResult<Option<oauth_connection::Model>> {
    Ok(oauth_connection::Entity::find()
        .filter(oauth_connection::Column::UserId.eq(user_id))
        .filter(oauth_connection::Column::Provider.eq(provider))
        .one(&state.db)
        .await?)
}

fn view(c: oauth_connection::Model) -> ConnectionView {
    let meta = jira_meta(&c);
    let site = match (meta.cloud_id, meta.site_name, meta.site_url) {
        (Some(id), Some(name), Some(url)) => Some(SiteView { id, name, url }),
        _ => None,
    };
    ConnectionView {
        provider: c.provider,
        account_name: c.account_name,
        is_valid: c.is_valid,
        last_error: c.last_error,
        connected_at: ts(c.created_at),
        site,
        site_choices: meta.sites,
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
        .filter(oauth_connection::Column::Provider.eq(p))
        .exec(&state.db)
        .await?;
    if res.rows_affected == 0 {
        return Err(AppError::not_found("connection"));
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Using a connection

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
pub async fn require_connection(
    state: &AppState,
    user_id: &str,
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
pub async fn github_access(state: &AppState, user_id: &str) -> AppResult<GitHubAccess> {
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
pub async fn jira_access(state: &AppState, user_id: &str, force: bool) -> AppResult<JiraAccess> {
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
