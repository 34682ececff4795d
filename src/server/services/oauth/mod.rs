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
//!
//! This file holds the stored connection and its views; [`flow`] the
//! authorize / callback dance and the Jira site choice; [`access`] handing
//! out usable tokens, with Jira's refresh.

mod access;
mod flow;

pub use access::{
    github_access, invalidate, jira_access, require_connection, GitHubAccess, JiraAccess,
};
pub use flow::{choose_jira_site, finish_github, finish_jira, start_github, start_jira};

use crate::domain::activity::Change;
use crate::domain::ids::UserId;
use crate::domain::kinds::{Provider, ResourceType};
use crate::server::auth::AuthSession;
use crate::server::db::entities::oauth_connection;
use crate::server::db::{self, new_id};
use crate::server::error::{AppError, AppResult};
use crate::server::services::{activity, ts};
use crate::server::state::AppState;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};

/// A connection as the user sees it: never a token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
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
    pub connected_at: crate::domain::time::Timestamp,
    /// Jira: the chosen site's name and address.
    pub site: Option<SiteView>,
    /// Jira, while no site is chosen: the sites to choose from.
    pub site_choices: Vec<SiteView>,
}

/// A Jira site as the user sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
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
    let txn = db::begin_write(&state.db).await?;
    let saved = if am.id.is_unchanged() {
        am.update(&txn).await?
    } else {
        am.insert(&txn).await?
    };
    let change = Change::Added {
        resource_type: ResourceType::Connection,
        resource_id: saved.id.to_string(),
        name: provider_name(s.provider).into(),
        detail: saved.account_name.clone(),
    };
    let event = audit_connection(&txn, auth, change).await?;
    txn.commit().await?;
    state.events.publish(event);
    Ok(saved)
}

/// A provider as people name it.
fn provider_name(p: Provider) -> &'static str {
    match p {
        Provider::Github => "GitHub",
        Provider::Jira => "Jira",
    }
}

/// A connection is a person's, not a team's: its entry goes to the log of
/// the team they are working in (none when they have not chosen one).
async fn audit_connection(
    conn: &impl sea_orm::ConnectionTrait,
    auth: &AuthSession,
    change: Change,
) -> AppResult<Option<crate::views::ActivityView>> {
    let Some(team_id) = &auth.current_team_id else {
        return Ok(None);
    };
    Ok(Some(
        activity::record_as_person(conn, team_id, &auth.user.id, &auth.user.name, change).await?,
    ))
}

async fn find(
    state: &AppState,
    user_id: &UserId,
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
        .filter(oauth_connection::Column::UserId.eq(&auth.user.id))
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
    let txn = db::begin_write(&state.db).await?;
    let Some(c) = oauth_connection::Entity::find()
        .filter(oauth_connection::Column::UserId.eq(&auth.user.id))
        .filter(oauth_connection::Column::Provider.eq(p))
        .one(&txn)
        .await?
    else {
        return Err(AppError::not_found("connection"));
    };
    oauth_connection::Entity::delete_many()
        .filter(oauth_connection::Column::Id.eq(c.id.clone()))
        .exec(&txn)
        .await?;
    let change = Change::Removed {
        resource_type: ResourceType::Connection,
        resource_id: c.id.to_string(),
        name: provider_name(p).into(),
    };
    let event = audit_connection(&txn, auth, change).await?;
    txn.commit().await?;
    state.events.publish(event);
    Ok(())
}

// ---------------------------------------------------------------------------
// Using a connection
