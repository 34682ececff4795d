//! Connecting: the authorize redirect, the callback (state checked first),
//! and choosing a Jira site.

use super::{find, jira_meta, upsert, view, ConnectionView, JiraMeta, SiteView, Stored};
use crate::domain::kinds::Provider;
use crate::server::auth::AuthSession;
use crate::server::crypto::{hash_token, random_token};
use crate::server::db::entities::{oauth_connection, oauth_state};
use crate::server::db::{self};
use crate::server::error::{AppError, AppResult};
use crate::server::integrations::github;
use crate::server::integrations::jira::{self, Site};
use crate::server::state::AppState;
use chrono::Duration;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};

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

pub(super) fn jira_app(state: &AppState) -> AppResult<&crate::server::config::OAuthApp> {
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
