//! Searching Jira and GitHub for items to link, through the caller's own
//! connection (`API.md`, `/api/integrations/*`). The JQL is built by the
//! pure rule in `domain::jql` and the GitHub query by
//! `domain::items::github_pr_query`: user text cannot widen either. The project or repository defaults
//! to the service's (`serviceId`, or the service of `releaseId`).

use crate::domain::ids::UserId;
use crate::domain::items::{
    github_pr_query, jira_issue_url, parse_jira_key, parse_pr, pull_request_url,
};
use crate::domain::jql;
use crate::domain::kinds::ItemType;
use crate::server::access::TeamContext;
use crate::server::error::{AppError, AppResult};
use crate::server::integrations::github;
use crate::server::integrations::jira::{self, JiraError};
use crate::server::services::items::{github_error, jira_error};
use crate::server::services::oauth;
use crate::server::state::AppState;
use serde::{Deserialize, Serialize};

/// Query parameters of both searches.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Plain text (or an issue key).
    pub q: Option<String>,
    /// Jira: a project key (defaults to the service's).
    pub project: Option<String>,
    /// Jira: the user's own JQL, ANDed with the project.
    pub jql: Option<String>,
    /// GitHub: `owner/name` (defaults to the service's).
    pub repo: Option<String>,
    /// Whose defaults to use.
    #[param(value_type = Option<String>)]
    pub service_id: Option<crate::domain::ids::ServiceId>,
    /// Or: the release whose service's defaults to use.
    #[param(value_type = Option<String>)]
    pub release_id: Option<crate::domain::ids::ReleaseId>,
}

/// One search result, in the shape of a linked item.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SearchHit {
    /// JIRA_TICKET or GITHUB_PR.
    #[serde(rename = "type")]
    pub item_type: ItemType,
    /// What to POST as `externalId` to link it.
    pub external_id: String,
    /// Title.
    pub title: String,
    /// Status name.
    pub status: String,
    /// new/indeterminate/done, or open/draft/closed/merged.
    pub status_category: String,
    /// Assignee (GitHub: the author).
    pub assignee: Option<String>,
    /// Web page.
    pub url: String,
}

/// The answer: the hits and the exact query that was run.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SearchResults {
    /// At most 20.
    pub items: Vec<SearchHit>,
    /// The JQL or GitHub query sent.
    pub query: String,
}

const MAX_HITS: u32 = 20;

/// The service named by `serviceId` or by the release `releaseId`.
async fn service_defaults(
    state: &AppState,
    ctx: &TeamContext,
    q: &SearchQuery,
) -> AppResult<Option<crate::views::ServiceView>> {
    let id = match (&q.service_id, &q.release_id) {
        (Some(s), _) => s.clone(),
        (None, Some(r)) => super::releases::get(state, ctx, r).await?.service_id,
        (None, None) => return Ok(None),
    };
    Ok(Some(super::catalog::get(state, ctx, &id).await?))
}

/// `GET /api/integrations/jira/search`.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id()))]
pub async fn jira(state: &AppState, ctx: &TeamContext, q: SearchQuery) -> AppResult<SearchResults> {
    let service = service_defaults(state, ctx, &q).await?;
    let project = q
        .project
        .clone()
        .filter(|p| !p.trim().is_empty())
        .map(|p| p.trim().to_string())
        .or_else(|| service.and_then(|s| s.jira_project_key));
    let built = jql::build_search(project.as_deref(), q.q.as_deref(), q.jql.as_deref())?;
    let api = &state.settings.atlassian_api_base;
    let mut access = oauth::jira_access(
        state,
        ctx.person("search Jira through a connection")?,
        false,
    )
    .await?;
    let mut res = jira::search(
        &state.http,
        api,
        &access.token,
        &access.cloud_id,
        &built,
        MAX_HITS,
    )
    .await;
    if matches!(res, Err(JiraError::Unauthorized)) {
        access = oauth::jira_access(state, ctx.person("search Jira through a connection")?, true)
            .await?;
        res = jira::search(
            &state.http,
            api,
            &access.token,
            &access.cloud_id,
            &built,
            MAX_HITS,
        )
        .await;
    }
    let issues = match res {
        Ok(i) => i,
        Err(e) => return Err(jira_error(state, &access.connection_id, e).await?.into()),
    };
    Ok(SearchResults {
        items: issues
            .iter()
            .filter_map(|i| {
                let key = parse_jira_key(&i.key)?;
                Some(SearchHit {
                    item_type: ItemType::JiraTicket,
                    url: jira_issue_url(&access.site_url, &key),
                    external_id: key,
                    title: i.fields.summary.clone().unwrap_or_default(),
                    status: i.status_name().unwrap_or_default(),
                    status_category: i.category().unwrap_or_else(|| "indeterminate".into()),
                    assignee: i.assignee(),
                })
            })
            .collect(),
        query: built,
    })
}

/// `owner/name` with GitHub's allowed characters.
fn valid_repo(repo: &str) -> bool {
    parse_pr(&format!("{repo}#1")).is_some()
}

/// `GET /api/integrations/github/search`.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id()))]
pub async fn github(
    state: &AppState,
    ctx: &TeamContext,
    q: SearchQuery,
) -> AppResult<SearchResults> {
    let service = service_defaults(state, ctx, &q).await?;
    let repo = q
        .repo
        .clone()
        .filter(|r| !r.trim().is_empty())
        .map(|r| r.trim().to_string())
        .or_else(|| service.and_then(|s| s.github_repo))
        .ok_or_else(|| {
            AppError::invalid_field(
                "repo",
                "choose a repository (owner/name); the service has none",
            )
        })?;
    if !valid_repo(&repo) {
        return Err(AppError::invalid_field(
            "repo",
            "a repository looks like owner/name",
        ));
    }
    let terms = q.q.unwrap_or_default();
    if terms.chars().count() > 200 {
        return Err(AppError::invalid_field("q", "the search is too long"));
    }
    // A pasted reference or number finds that pull request.
    let terms = match parse_pr(&terms) {
        Some(pr) if format!("{}/{}", pr.owner, pr.repo).eq_ignore_ascii_case(&repo) => {
            pr.number.to_string()
        }
        _ => terms.trim().trim_start_matches('#').to_string(),
    };
    let access =
        oauth::github_access(state, ctx.person("search GitHub through a connection")?).await?;
    let query = github_pr_query(&repo, &terms);
    let found = github::search_pulls(
        &state.http,
        &state.settings.github_api_base,
        &access.token,
        &query,
        MAX_HITS,
    )
    .await;
    let pulls = match found {
        Ok(p) => p,
        Err(e) => return Err(github_error(state, &access.connection_id, e).await?.into()),
    };
    Ok(SearchResults {
        items: pulls
            .iter()
            .filter_map(|p| {
                let pr = parse_pr(&format!("{repo}#{}", p.number))?;
                Some(SearchHit {
                    item_type: ItemType::GithubPr,
                    external_id: pr.external_id(),
                    url: pull_request_url(&state.settings.github_oauth_base, &pr),
                    title: p.title.clone(),
                    status: p.status().into(),
                    status_category: p.status().into(),
                    assignee: p.user.as_ref().map(|u| u.login.clone()),
                })
            })
            .collect(),
        query,
    })
}

/// `GET /api/integrations/github/repos`: the caller's repositories, for
/// picking a service's repository.
#[tracing::instrument(skip_all, fields(user_id = %user_id))]
pub async fn github_repos(state: &AppState, user_id: &UserId) -> AppResult<Vec<github::Repo>> {
    let access = oauth::github_access(state, user_id).await?;
    match github::repos(&state.http, &state.settings.github_api_base, &access.token).await {
        Ok(r) => Ok(r),
        Err(e) => Err(github_error(state, &access.connection_id, e).await?.into()),
    }
}
