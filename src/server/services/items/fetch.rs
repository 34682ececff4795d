//! Fetching a linked item from Jira or GitHub through a user's connection,
//! and storing what came back (or why it could not be fetched).

use crate::domain::ids::UserId;
use crate::domain::items::{jira_issue_url, parse_jira_key, parse_pr, pull_request_url, PrRef};
use crate::domain::kinds::ItemType;
use crate::server::db;
use crate::server::db::entities::release_item;
use crate::server::error::{AppError, AppResult};
use crate::server::integrations::github::{self, GitHubError};
use crate::server::integrations::jira::{self, JiraError};
use crate::server::services::activity::{self, Change, NewActivity};
use crate::server::services::oauth;
use crate::server::state::AppState;
use sea_orm::{ActiveModelTrait, ActiveValue::Set};

/// What a provider says about an item now.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// Title.
    pub title: String,
    /// Status name (`In Progress`, `merged`).
    pub status: String,
    /// new/indeterminate/done, or open/draft/closed/merged.
    pub category: String,
    /// Assignee (GitHub: or the author).
    pub assignee: Option<String>,
    /// Web page.
    pub url: String,
}

impl Fetched {
    /// A pull request's state; the link is built from the reference (the
    /// provider's `html_url` is never stored).
    pub fn from_pull(p: github::Pull, pr: &PrRef, web_base: &str) -> Self {
        Self {
            title: p.title.clone(),
            status: p.status().into(),
            category: p.status().into(),
            assignee: p.assignee.or(p.user).map(|u| u.login),
            url: pull_request_url(web_base, pr),
        }
    }

    /// An issue's state; the link is `{site}/browse/{KEY}` with the site's
    /// checked origin and the key we asked for.
    pub fn from_issue(i: &jira::Issue, site: &str, key: &str) -> Self {
        Self {
            title: i.fields.summary.clone().unwrap_or_default(),
            status: i.status_name().unwrap_or_else(|| "unknown".into()),
            category: i.category().unwrap_or_else(|| "indeterminate".into()),
            assignee: i.assignee(),
            url: jira_issue_url(site, key),
        }
    }
}

/// Why reading an item failed: the error to answer, and for the background
/// sync whether to back off (provider down or rate limiting) and for how
/// long the provider asked.
#[derive(Debug)]
pub struct FetchFailure {
    /// What the user is told.
    pub error: AppError,
    /// Provider trouble, not the user's connection: retry later.
    pub transient: bool,
    /// Seconds the provider asked us to wait (`Retry-After`).
    pub retry_after: Option<u64>,
    /// The connection reaches another Jira site than the one the item was
    /// linked on: this item cannot be read through it (others can).
    pub wrong_site: bool,
}

impl From<AppError> for FetchFailure {
    fn from(error: AppError) -> Self {
        let transient = matches!(error, AppError::BadGateway(_) | AppError::Unavailable(_));
        Self {
            error,
            transient,
            retry_after: None,
            wrong_site: false,
        }
    }
}

/// The Jira site an item was linked on: the origin of its link, which is
/// always built as `{site}/browse/{KEY}`.
pub fn linked_site(item: &release_item::Model) -> Option<String> {
    item.url
        .as_deref()
        .and_then(crate::server::integrations::site_origin)
}

impl From<FetchFailure> for AppError {
    fn from(f: FetchFailure) -> Self {
        f.error
    }
}

/// Wait time in words for a rate-limited provider.
fn later(secs: Option<u64>) -> String {
    match secs {
        Some(s) if s > 0 => format!("try again in {s} s"),
        _ => "try again in a minute".into(),
    }
}

/// What a GitHub failure means (a 401 marks the connection invalid).
pub(crate) async fn github_error(
    state: &AppState,
    connection_id: &str,
    e: GitHubError,
) -> Result<FetchFailure, AppError> {
    Ok(match e {
        GitHubError::Unauthorized => {
            oauth::invalidate(state, connection_id, "GitHub refused the token (401)").await?;
            AppError::bad_request("GitHub refused your token; reconnect GitHub on your profile")
                .into()
        }
        GitHubError::RateLimited(s) => FetchFailure {
            error: AppError::Unavailable(format!("GitHub is rate limiting requests; {}", later(s))),
            transient: true,
            retry_after: s,
            wrong_site: false,
        },
        e => AppError::BadGateway(e.to_string()).into(),
    })
}

/// What a Jira failure means (after the forced-refresh retry).
pub(crate) async fn jira_error(
    state: &AppState,
    connection_id: &str,
    e: JiraError,
) -> Result<FetchFailure, AppError> {
    Ok(match e {
        JiraError::Unauthorized => {
            oauth::invalidate(state, connection_id, "Jira refused the token (401)").await?;
            AppError::bad_request("Jira refused your token; reconnect Jira on your profile").into()
        }
        JiraError::RateLimited(s) => FetchFailure {
            error: AppError::Unavailable(format!("Jira is rate limiting requests; {}", later(s))),
            transient: true,
            retry_after: s,
            wrong_site: false,
        },
        JiraError::BadQuery(m) => {
            AppError::bad_request(format!("Jira refused the request: {m}")).into()
        }
        e => AppError::BadGateway(e.to_string()).into(),
    })
}

/// Reads an item's current state through `user_id`'s connection:
/// `Ok(None)` when the provider no longer shows it to that user. A Jira
/// item already linked on `site` is read only through a connection to that
/// same site: keys repeat across sites, and another site's `PAY-12` is
/// another ticket.
#[tracing::instrument(skip_all, fields(user_id = %user_id))]
pub async fn fetch(
    state: &AppState,
    user_id: &UserId,
    kind: ItemType,
    external_id: &str,
    site: Option<&str>,
) -> Result<Option<Fetched>, FetchFailure> {
    match kind {
        ItemType::GithubPr => {
            let pr = parse_pr(external_id)
                .ok_or_else(|| AppError::bad_request("not a pull request reference"))?;
            let access = oauth::github_access(state, user_id).await?;
            match github::pull(
                &state.http,
                &state.settings.github_api_base,
                &access.token,
                &pr.owner,
                &pr.repo,
                pr.number,
            )
            .await
            {
                Ok(p) => {
                    Ok(p.map(|p| Fetched::from_pull(p, &pr, &state.settings.github_oauth_base)))
                }
                Err(e) => Err(github_error(state, &access.connection_id, e).await?),
            }
        }
        ItemType::JiraTicket => {
            let key = parse_jira_key(external_id)
                .ok_or_else(|| AppError::bad_request("not a Jira key"))?;
            let api = &state.settings.atlassian_api_base;
            let mut access = oauth::jira_access(state, user_id, false).await?;
            if let Some(site) = site.filter(|s| *s != access.site_url) {
                return Err(FetchFailure {
                    error: AppError::bad_request(format!(
                        "{key} was linked on {site}; your Jira connection is to {}",
                        access.site_url
                    )),
                    transient: false,
                    retry_after: None,
                    wrong_site: true,
                });
            }
            let mut result =
                jira::issue(&state.http, api, &access.token, &access.cloud_id, &key).await;
            if matches!(result, Err(JiraError::Unauthorized)) {
                // Perhaps revoked, perhaps our clock: one forced refresh, then believe it.
                access = oauth::jira_access(state, user_id, true).await?;
                result = jira::issue(&state.http, api, &access.token, &access.cloud_id, &key).await;
            }
            match result {
                Ok(i) => Ok(i.map(|i| Fetched::from_issue(&i, &access.site_url, &key))),
                Err(e) => Err(jira_error(state, &access.connection_id, e).await?),
            }
        }
    }
}

/// Writes fetched state onto an item; answers the activity to record when
/// the status changed (`None` otherwise).
pub fn apply(
    am: &mut release_item::ActiveModel,
    before: &release_item::Model,
    f: Fetched,
) -> Option<(String, String)> {
    let changed = before.status.as_deref() != Some(f.status.as_str()) && before.status.is_some();
    let status = f.status.clone();
    am.title = Set(Some(f.title));
    am.status = Set(Some(f.status));
    am.status_category = Set(Some(f.category));
    am.assignee = Set(f.assignee);
    am.url = Set(Some(f.url));
    am.last_synced_at = Set(Some(db::now()));
    am.sync_error = Set(None);
    changed.then(|| (before.external_id.clone(), status))
}

/// Records "PAY-12 is now Done" on the release's feed.
pub async fn record_change(
    conn: &impl sea_orm::ConnectionTrait,
    item: &release_item::Model,
    status: &str,
) -> AppResult<crate::views::ActivityView> {
    activity::record_system(
        conn,
        &item.team_id,
        NewActivity::on(
            &item.release_id,
            Change::ItemSynced {
                item_id: item.id.clone(),
                kind: item.item_type,
                external_id: item.external_id.clone(),
                status: status.to_string(),
            },
        ),
    )
    .await
}

/// Fetches and stores one item's state through `user_id`'s connection.
/// Provider trouble (down, rate limited, refused) is kept on the item as
/// `syncError`, not answered; only a missing or unusable connection is an
/// error (the caller must act).
#[tracing::instrument(skip_all, fields(user_id = %user_id))]
pub async fn sync_one(
    state: &AppState,
    user_id: &UserId,
    item: release_item::Model,
) -> AppResult<release_item::Model> {
    let kind: ItemType = item.item_type;
    // Without a connection the caller could not even ask: a 400 that
    // writes nothing (the item's state is not in question).
    let provider = match kind {
        ItemType::JiraTicket => crate::domain::kinds::Provider::Jira,
        ItemType::GithubPr => crate::domain::kinds::Provider::Github,
    };
    oauth::require_connection(state, user_id, provider).await?;
    let site = linked_site(&item);
    match fetch(state, user_id, kind, &item.external_id, site.as_deref()).await {
        Ok(found) => store_fetched(state, item, kind, found).await,
        // Linked on another site than the caller's: not the item's problem.
        Err(f) if f.wrong_site => Err(f.error),
        Err(f) if !f.transient => {
            store_error(state, item, &f.error.to_string()).await?;
            Err(f.error)
        }
        Err(f) => store_error(state, item, &f.error.to_string()).await,
    }
}

/// Keeps why a sync failed on the item (its cached state stays).
pub async fn store_error(
    state: &AppState,
    item: release_item::Model,
    why: &str,
) -> AppResult<release_item::Model> {
    let mut am: release_item::ActiveModel = item.into();
    am.sync_error = Set(Some(why.to_string()));
    Ok(am.update(&state.db).await?)
}

/// Stores what a provider answered; a changed status goes to the feed.
pub async fn store_fetched(
    state: &AppState,
    item: release_item::Model,
    kind: ItemType,
    found: Option<Fetched>,
) -> AppResult<release_item::Model> {
    let Some(f) = found else {
        let why = match kind {
            ItemType::JiraTicket => "Jira no longer shows this issue",
            ItemType::GithubPr => "GitHub no longer shows this pull request",
        };
        return store_error(state, item, why).await;
    };
    let mut am: release_item::ActiveModel = item.clone().into();
    let change = apply(&mut am, &item, f);
    let txn = db::begin_write(&state.db).await?;
    let saved = am.update(&txn).await?;
    let ev = match change {
        Some((_, status)) => Some(record_change(&txn, &saved, &status).await?),
        None => None,
    };
    txn.commit().await?;
    state.events.publish(ev);
    Ok(saved)
}
