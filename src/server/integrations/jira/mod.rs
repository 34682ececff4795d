//! Jira Cloud through Atlassian OAuth 2.0 (3LO) (`EXTERNAL-APIS.md`,
//! "Atlassian (Jira Cloud)"): the authorize URL, the code exchange, the
//! rotating refresh, the accessible sites, one issue and JQL search
//! (`/rest/api/3/search/jql`, the only search endpoint left). Base URLs come
//! from configuration and may carry a path prefix.

use super::retry_after;
use serde::Deserialize;

mod oauth;
pub use oauth::{authorize_url, exchange_code, refresh, Tokens};

/// Read work items and users; `offline_access` yields the refresh token.
pub const SCOPES: &str = "read:jira-work read:jira-user offline_access";

/// Why a Jira call failed (never containing a token).
#[derive(Debug, thiserror::Error)]
pub enum JiraError {
    /// 401: the access token is not (or no longer) accepted.
    #[error("Jira refused the token (401)")]
    Unauthorized,
    /// The refresh token was refused (`invalid_grant`): reconnect.
    #[error("Jira refused to renew the connection ({0}); reconnect Jira")]
    RefreshRefused(String),
    /// 429: wait this many seconds (when Jira said).
    #[error("Jira is rate limiting requests")]
    RateLimited(Option<u64>),
    /// Jira refused the query (400), with its own explanation.
    #[error("Jira refused the search: {0}")]
    BadQuery(String),
    /// Another error status.
    #[error("Jira answered {0}")]
    Failed(u16),
    /// Not reachable or timed out.
    #[error("Jira could not be reached")]
    Unreachable,
    /// An answer that is not the documented JSON.
    #[error("Jira sent an unexpected answer")]
    Malformed,
}

/// A Jira site the token may reach.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq, Eq)]
pub struct Site {
    /// The cloudId.
    pub id: String,
    /// The site's name ("acme").
    pub name: String,
    /// `https://acme.atlassian.net`.
    pub url: String,
}

async fn get_json<T: serde::de::DeserializeOwned>(
    http: &reqwest::Client,
    url: String,
    token: &str,
    query: &[(&str, &str)],
) -> Result<Option<T>, JiraError> {
    let res = http
        .get(url)
        .query(query)
        .bearer_auth(token)
        .header("accept", "application/json")
        .send()
        .await
        .map_err(|_| JiraError::Unreachable)?;
    match res.status().as_u16() {
        200 => res.json().await.map(Some).map_err(|_| JiraError::Malformed),
        404 => Ok(None),
        401 => Err(JiraError::Unauthorized),
        429 => Err(JiraError::RateLimited(retry_after(res.headers()))),
        400 => {
            #[derive(Deserialize)]
            struct Errs {
                #[serde(rename = "errorMessages", default)]
                error_messages: Vec<String>,
            }
            let e: Option<Errs> = res.json().await.ok();
            let msg = e
                .map(|e| e.error_messages.join("; "))
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| "400".into());
            Err(JiraError::BadQuery(msg.chars().take(300).collect()))
        }
        s => Err(JiraError::Failed(s)),
    }
}

/// `GET {api}/oauth/token/accessible-resources`.
pub async fn accessible_resources(
    http: &reqwest::Client,
    api_base: &str,
    token: &str,
) -> Result<Vec<Site>, JiraError> {
    get_json(
        http,
        format!(
            "{}/oauth/token/accessible-resources",
            api_base.trim_end_matches('/')
        ),
        token,
        &[],
    )
    .await?
    .ok_or(JiraError::Failed(404))
}

/// The signed-in Atlassian account.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Myself {
    /// Atlassian account id.
    pub account_id: String,
    /// Display name.
    pub display_name: Option<String>,
}

fn site_api(api_base: &str, cloud_id: &str) -> String {
    format!(
        "{}/ex/jira/{cloud_id}/rest/api/3",
        api_base.trim_end_matches('/')
    )
}

/// `GET …/rest/api/3/myself`.
pub async fn myself(
    http: &reqwest::Client,
    api_base: &str,
    token: &str,
    cloud_id: &str,
) -> Result<Myself, JiraError> {
    get_json(
        http,
        format!("{}/myself", site_api(api_base, cloud_id)),
        token,
        &[],
    )
    .await?
    .ok_or(JiraError::Failed(404))
}

/// A Jira work item with the fields we cache.
#[derive(Debug, Clone, Deserialize)]
pub struct Issue {
    /// `PAY-12`.
    pub key: String,
    /// The asked-for fields.
    pub fields: IssueFields,
}

/// `summary`, `status`, `assignee`.
#[derive(Debug, Clone, Deserialize)]
pub struct IssueFields {
    /// Title.
    pub summary: Option<String>,
    /// Workflow status.
    pub status: Option<IssueStatus>,
    /// Assignee, when there is one.
    pub assignee: Option<IssueUser>,
}

/// A status and its category.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IssueStatus {
    /// The team's own name for it ("Ready for QA").
    pub name: String,
    /// `new`, `indeterminate` or `done`.
    pub status_category: Option<StatusCategory>,
}

/// A status category.
#[derive(Debug, Clone, Deserialize)]
pub struct StatusCategory {
    /// `new`, `indeterminate` or `done`.
    pub key: String,
}

/// A person on an issue.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IssueUser {
    /// Display name.
    pub display_name: Option<String>,
}

impl Issue {
    /// The status name ("In Progress").
    pub fn status_name(&self) -> Option<String> {
        self.fields.status.as_ref().map(|s| s.name.clone())
    }

    /// `new`, `indeterminate` or `done` — what readiness counts.
    pub fn category(&self) -> Option<String> {
        self.fields
            .status
            .as_ref()
            .and_then(|s| s.status_category.as_ref())
            .map(|c| c.key.clone())
    }

    /// The assignee's name.
    pub fn assignee(&self) -> Option<String> {
        self.fields
            .assignee
            .as_ref()
            .and_then(|a| a.display_name.clone())
    }
}

const FIELDS: &str = "summary,status,assignee";

/// `GET …/issue/{key}?fields=summary,status,assignee`; 404 is `Ok(None)`.
pub async fn issue(
    http: &reqwest::Client,
    api_base: &str,
    token: &str,
    cloud_id: &str,
    key: &str,
) -> Result<Option<Issue>, JiraError> {
    get_json(
        http,
        format!("{}/issue/{key}", site_api(api_base, cloud_id)),
        token,
        &[("fields", FIELDS)],
    )
    .await
}

#[derive(Debug, Deserialize)]
struct SearchPage {
    #[serde(default)]
    issues: Vec<Issue>,
}

/// `GET …/search/jql?jql=…&fields=summary,status,assignee&maxResults=…`:
/// the first page (searches here are for picking, not for export).
pub async fn search(
    http: &reqwest::Client,
    api_base: &str,
    token: &str,
    cloud_id: &str,
    jql: &str,
    max: u32,
) -> Result<Vec<Issue>, JiraError> {
    let max = max.to_string();
    let page: SearchPage = get_json(
        http,
        format!("{}/search/jql", site_api(api_base, cloud_id)),
        token,
        &[("jql", jql), ("fields", FIELDS), ("maxResults", &max)],
    )
    .await?
    .ok_or(JiraError::Failed(404))?;
    Ok(page.issues)
}

#[cfg(test)]
mod tests {
    use super::authorize_url;

    #[test]
    fn authorize_url_asks_for_offline_access_and_consent() {
        let u = authorize_url("http://127.0.0.1:9/auth/", "cid", "http://app/cb", "s t");
        assert_eq!(
            u,
            "http://127.0.0.1:9/auth/authorize?audience=api.atlassian.com&client_id=cid&scope=read%3Ajira-work%20read%3Ajira-user%20offline_access&redirect_uri=http%3A%2F%2Fapp%2Fcb&state=s%20t&response_type=code&prompt=consent"
        );
    }
}
