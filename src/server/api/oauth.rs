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
use axum::Json;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(list))
        .routes(routes!(remove))
        .routes(routes!(github_authorize))
        .routes(routes!(github_callback))
        .routes(routes!(jira_authorize))
        .routes(routes!(jira_callback))
        .routes(routes!(jira_site))
}

/// The callback's redirect, in words.
const LANDING: &str = "Back to the profile page: `/settings/profile?connected=…` when \
    connected, `?choose=jira` when the Atlassian account reaches several sites, `?error=…` \
    when the provider refused or could not be reached";

/// Your connections
///
/// Any signed-in person: their own connections to GitHub and Jira, never
/// a token.
#[utoipa::path(get, path = "/oauth/connections", tag = "integrations",
    responses((status = 200, description = "The caller's connections", body = Vec<ConnectionView>)))]
async fn list(
    State(s): State<AppState>,
    auth: AuthSession,
) -> AppResult<Json<Vec<ConnectionView>>> {
    Ok(Json(oauth::connections(&s, &auth).await?))
}

/// Disconnect
///
/// Any signed-in person, for their own connection.
#[utoipa::path(delete, path = "/oauth/connections/{provider}", tag = "integrations",
    params(("provider" = String, Path, description = "`github` or `jira`")),
    responses((status = 204, description = "Disconnected")))]
async fn remove(
    State(s): State<AppState>,
    auth: AuthSession,
    Path(provider): Path<String>,
) -> AppResult<StatusCode> {
    oauth::disconnect(&s, &auth, &provider).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Connect GitHub
///
/// Any signed-in person. Sends the browser to GitHub to grant access; it
/// comes back to the callback. 503 when this server has no GitHub app.
#[utoipa::path(get, path = "/oauth/github/authorize", tag = "integrations",
    responses((status = 303, description = "To GitHub's authorization page"),
        (status = 503, description = "GitHub is not configured on this server", body = crate::server::error::ErrorBody)))]
async fn github_authorize(State(s): State<AppState>, auth: AuthSession) -> AppResult<Redirect> {
    Ok(Redirect::to(&oauth::start_github(&s, &auth).await?))
}

/// What the provider sends back to the callback.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct Callback {
    /// The authorization code to exchange.
    code: Option<String>,
    /// The `state` this server issued when the dance began (single-use).
    state: Option<String>,
    /// The provider's refusal (`access_denied`).
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

/// GitHub's callback
///
/// Any signed-in person: the one who began the dance. Stores the
/// connection (replacing an earlier one) and goes back to the profile; a
/// bad or used `state` is 400 and stores nothing.
#[utoipa::path(get, path = "/oauth/github/callback", tag = "integrations", params(Callback),
    responses((status = 303, description = LANDING)))]
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

/// Connect Jira
///
/// Any signed-in person. Sends the browser to Atlassian to grant access;
/// it comes back to the callback. 503 when this server has no Jira app.
#[utoipa::path(get, path = "/oauth/jira/authorize", tag = "integrations",
    responses((status = 303, description = "To Atlassian's authorization page"),
        (status = 503, description = "Jira is not configured on this server", body = crate::server::error::ErrorBody)))]
async fn jira_authorize(State(s): State<AppState>, auth: AuthSession) -> AppResult<Redirect> {
    Ok(Redirect::to(&oauth::start_jira(&s, &auth).await?))
}

/// Jira's callback
///
/// Any signed-in person: the one who began the dance. Stores the
/// connection (replacing an earlier one) and goes back to the profile,
/// which asks for the site when the account reaches several; a bad or
/// used `state` is 400 and stores nothing.
#[utoipa::path(get, path = "/oauth/jira/callback", tag = "integrations", params(Callback),
    responses((status = 303, description = LANDING)))]
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

/// The Jira site a connection uses.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = JiraSiteChoice)]
struct SiteChoice {
    /// The site's cloudId: one of the connection's `siteChoices`
    /// (required).
    cloud_id: Option<String>,
}

/// Choose the Jira site
///
/// Any signed-in person, for their own Jira connection: picks one of the
/// sites the Atlassian account reaches.
#[utoipa::path(put, path = "/oauth/jira/site", tag = "integrations", request_body = SiteChoice,
    responses((status = 200, description = "The connection, with its site", body = ConnectionView)))]
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
