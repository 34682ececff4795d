//! `/api/oauth/*`: the caller's own connections. The browser is sent to the
//! provider and comes back to the callback, which answers with a redirect
//! to the profile page (`?connected=github|jira`, `?choose=jira` when the
//! Atlassian account reaches several sites, or `?error=` when the provider
//! refused or could not be reached); a bad `state` is a 400 and stores
//! nothing. `PUT /api/oauth/jira/site {cloudId}` picks the site (beyond
//! `API.md`, which names the choice but not its route).

use crate::server::auth::AuthSession;
use crate::server::error::{ApiJson, AppError, AppResult};
use crate::server::services::oauth::{self, ConnectionView};
use crate::server::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Redirect;
use axum::routing::{delete, get, put};
use axum::{Json, Router};
use serde::Deserialize;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/oauth/connections", get(list))
        .route("/oauth/connections/{provider}", delete(remove))
        .route("/oauth/github/authorize", get(github_authorize))
        .route("/oauth/github/callback", get(github_callback))
        .route("/oauth/jira/authorize", get(jira_authorize))
        .route("/oauth/jira/callback", get(jira_callback))
        .route("/oauth/jira/site", put(jira_site))
}

async fn list(
    State(s): State<AppState>,
    auth: AuthSession,
) -> AppResult<Json<Vec<ConnectionView>>> {
    Ok(Json(oauth::connections(&s, &auth).await?))
}

async fn remove(
    State(s): State<AppState>,
    auth: AuthSession,
    Path(provider): Path<String>,
) -> AppResult<StatusCode> {
    oauth::disconnect(&s, &auth, &provider).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn github_authorize(State(s): State<AppState>, auth: AuthSession) -> AppResult<Redirect> {
    Ok(Redirect::to(&oauth::start_github(&s, &auth).await?))
}

#[derive(Debug, Deserialize)]
struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// The provider's own refusal (`?error=access_denied`): back to the
/// profile with a short, safe code.
fn refused(err: &str) -> Redirect {
    let code: String = err
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .take(64)
        .collect();
    Redirect::to(&format!("/settings/profile?error={code}"))
}

/// The callback's parameters, or the way back for a refusal at the provider.
fn callback_query(
    q: Result<Query<Callback>, axum::extract::rejection::QueryRejection>,
) -> AppResult<Result<Callback, Redirect>> {
    let Query(q) =
        q.map_err(|e| AppError::bad_request(format!("invalid query: {}", e.body_text())))?;
    Ok(match q.error.as_deref() {
        Some(err) => Err(refused(err)),
        None => Ok(q),
    })
}

/// Where a finished dance lands. A bad `state` stays a 400, as the
/// contract says; a provider that failed us is `?error=<provider>_unavailable`.
fn landing(provider: &str, finished: AppResult<Redirect>) -> AppResult<Redirect> {
    match finished {
        Err(AppError::BadGateway(_)) => Ok(Redirect::to(&format!(
            "/settings/profile?error={provider}_unavailable"
        ))),
        other => other,
    }
}

async fn github_callback(
    State(s): State<AppState>,
    auth: AuthSession,
    q: Result<Query<Callback>, axum::extract::rejection::QueryRejection>,
) -> AppResult<Redirect> {
    let q = match callback_query(q)? {
        Ok(q) => q,
        Err(back) => return Ok(back),
    };
    let done = oauth::finish_github(&s, &auth, q.code.as_deref(), q.state.as_deref()).await;
    landing(
        "github",
        done.map(|_| Redirect::to("/settings/profile?connected=github")),
    )
}

async fn jira_authorize(State(s): State<AppState>, auth: AuthSession) -> AppResult<Redirect> {
    Ok(Redirect::to(&oauth::start_jira(&s, &auth).await?))
}

async fn jira_callback(
    State(s): State<AppState>,
    auth: AuthSession,
    q: Result<Query<Callback>, axum::extract::rejection::QueryRejection>,
) -> AppResult<Redirect> {
    let q = match callback_query(q)? {
        Ok(q) => q,
        Err(back) => return Ok(back),
    };
    let done = oauth::finish_jira(&s, &auth, q.code.as_deref(), q.state.as_deref()).await;
    landing(
        "jira",
        done.map(|c| {
            // Several sites: the profile asks which one.
            Redirect::to(if c.site_choices.is_empty() {
                "/settings/profile?connected=jira"
            } else {
                "/settings/profile?choose=jira"
            })
        }),
    )
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SiteChoice {
    cloud_id: Option<String>,
}

async fn jira_site(
    State(s): State<AppState>,
    auth: AuthSession,
    ApiJson(body): ApiJson<SiteChoice>,
) -> AppResult<Json<ConnectionView>> {
    let id = body
        .cloud_id
        .filter(|c| !c.is_empty())
        .ok_or_else(|| AppError::invalid_field("cloudId", "cloudId is required"))?;
    Ok(Json(oauth::choose_jira_site(&s, &auth, &id).await?))
}
