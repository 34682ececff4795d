//! GitHub, OAuth app flow: the authorize URL, the code exchange and the
//! signed-in account (`EXTERNAL-APIS.md`, "GitHub, OAuth app"). Base URLs
//! come from configuration and may carry a path prefix, so every URL is the
//! base with the endpoint's path appended.

use crate::domain::items::pr_status;
use serde::Deserialize;

/// Why a GitHub call failed (never containing a token).
#[derive(Debug, thiserror::Error)]
pub enum GitHubError {
    /// 401: the token is revoked or wrong.
    #[error("GitHub refused the token (401)")]
    Unauthorized,
    /// 403/429 with a rate-limit signal: wait this many seconds (when known).
    #[error("GitHub is rate limiting requests")]
    RateLimited(Option<u64>),
    /// Another error status, or an OAuth error answer.
    #[error("GitHub answered {0}")]
    Failed(String),
    /// Not reachable or timed out.
    #[error("GitHub could not be reached")]
    Unreachable,
    /// An answer that is not the documented JSON.
    #[error("GitHub sent an unexpected answer")]
    Malformed,
}

/// `{base}/login/oauth/authorize?...`
pub fn authorize_url(oauth_base: &str, client_id: &str, redirect_uri: &str, state: &str) -> String {
    let q: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("client_id", client_id)
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("scope", "repo")
        .append_pair("state", state)
        .finish();
    format!(
        "{}/login/oauth/authorize?{q}",
        oauth_base.trim_end_matches('/')
    )
}

/// The token answer.
#[derive(Deserialize)]
pub struct Token {
    /// The access token (classic OAuth-app tokens do not expire).
    pub access_token: Option<String>,
    /// Granted scopes, comma-separated.
    pub scope: Option<String>,
    /// On failure: `bad_verification_code`, …
    pub error: Option<String>,
}

/// Written by hand: the token is never printed.
impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Token")
            .field(
                "access_token",
                &self.access_token.as_ref().map(|_| "[redacted]"),
            )
            .field("scope", &self.scope)
            .field("error", &self.error)
            .finish()
    }
}

/// The signed-in account.
#[derive(Debug, Deserialize)]
pub struct Account {
    /// Login name.
    pub login: String,
    /// Numeric id.
    pub id: i64,
}

/// Exchanges an authorization code for a token.
pub async fn exchange_code(
    http: &reqwest::Client,
    oauth_base: &str,
    client_id: &str,
    client_secret: &str,
    code: &str,
    redirect_uri: &str,
) -> Result<(String, Option<String>), GitHubError> {
    let res = http
        .post(format!(
            "{}/login/oauth/access_token",
            oauth_base.trim_end_matches('/')
        ))
        .header("accept", "application/json")
        .form(&[
            ("client_id", client_id),
            ("client_secret", client_secret),
            ("code", code),
            ("redirect_uri", redirect_uri),
        ])
        .send()
        .await
        .map_err(|_| GitHubError::Unreachable)?;
    if !res.status().is_success() {
        return Err(GitHubError::Failed(res.status().as_u16().to_string()));
    }
    let t: Token = res.json().await.map_err(|_| GitHubError::Malformed)?;
    match (t.access_token, t.error) {
        (Some(tok), None) => Ok((tok, t.scope)),
        (_, Some(e)) => Err(GitHubError::Failed(e)),
        _ => Err(GitHubError::Malformed),
    }
}

/// `GET {api}/user`.
pub async fn account(
    http: &reqwest::Client,
    api_base: &str,
    token: &str,
) -> Result<Account, GitHubError> {
    api_get(http, api_base, "/user", &[], token)
        .await?
        .ok_or_else(|| GitHubError::Failed("404".into()))
}

/// `GET {api}{path}?{query}` with the token: the parsed answer, `None` for
/// a 404, or the error the status means (see [`checked`]).
async fn api_get<T: serde::de::DeserializeOwned>(
    http: &reqwest::Client,
    api_base: &str,
    path: &str,
    query: &[(&str, &str)],
    token: &str,
) -> Result<Option<T>, GitHubError> {
    let res = http
        .get(format!("{}{path}", api_base.trim_end_matches('/')))
        .query(query)
        .bearer_auth(token)
        .header("accept", "application/vnd.github+json")
        .send()
        .await
        .map_err(|_| GitHubError::Unreachable)?;
    match checked(res)? {
        Some(res) => res
            .json()
            .await
            .map(Some)
            .map_err(|_| GitHubError::Malformed),
        None => Ok(None),
    }
}

/// Maps an answer's status: `Ok(Some)` for 2xx, `Ok(None)` for 404, and
/// the error for the rest — 401 revoked; 403/429 with a rate-limit signal
/// (`retry-after`, or `x-ratelimit-remaining: 0` with `x-ratelimit-reset`).
fn checked(res: reqwest::Response) -> Result<Option<reqwest::Response>, GitHubError> {
    let status = res.status().as_u16();
    let h = res.headers();
    match status {
        200..=299 => Ok(Some(res)),
        404 => Ok(None),
        401 => Err(GitHubError::Unauthorized),
        403 | 429 => {
            let exhausted =
                h.get("x-ratelimit-remaining").and_then(|v| v.to_str().ok()) == Some("0");
            let wait = super::retry_after(h).or_else(|| {
                let reset: i64 = h.get("x-ratelimit-reset")?.to_str().ok()?.parse().ok()?;
                Some((reset - chrono::Utc::now().timestamp()).max(1) as u64)
            });
            if status == 429 || exhausted || h.contains_key("retry-after") {
                Err(GitHubError::RateLimited(wait))
            } else {
                Err(GitHubError::Failed("403".into()))
            }
        }
        s => Err(GitHubError::Failed(s.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::authorize_url;

    #[test]
    fn authorize_url_keeps_a_path_prefix_and_escapes() {
        let u = authorize_url(
            "http://127.0.0.1:9000/gh/",
            "id 1",
            "http://app/cb?x=1",
            "s&t",
        );
        assert_eq!(
            u,
            "http://127.0.0.1:9000/gh/login/oauth/authorize?client_id=id+1&redirect_uri=http%3A%2F%2Fapp%2Fcb%3Fx%3D1&scope=repo&state=s%26t"
        );
    }
}

/// A pull request, as an item caches it.
#[derive(Debug, Deserialize)]
pub struct Pull {
    /// Title.
    pub title: String,
    /// `open` or `closed`.
    pub state: String,
    /// Set when merged.
    pub merged_at: Option<String>,
    /// A draft.
    #[serde(default)]
    pub draft: bool,
    /// Web page.
    #[serde(default)]
    pub html_url: String,
    /// Author.
    pub user: Option<PullUser>,
    /// Assignee.
    pub assignee: Option<PullUser>,
}

/// A user on a pull request.
#[derive(Debug, Clone, Deserialize)]
pub struct PullUser {
    /// Login.
    pub login: String,
}

impl Pull {
    /// `merged`, `closed`, `draft` or `open` — status and category at once.
    pub fn status(&self) -> &'static str {
        pr_status(self.merged_at.is_some(), self.state == "closed", self.draft)
    }
}

/// `GET {api}/repos/{owner}/{repo}/pulls/{number}`; a 404 is `Ok(None)`.
pub async fn pull(
    http: &reqwest::Client,
    api_base: &str,
    token: &str,
    owner: &str,
    repo: &str,
    number: u64,
) -> Result<Option<Pull>, GitHubError> {
    let path = format!("/repos/{owner}/{repo}/pulls/{number}");
    api_get(http, api_base, &path, &[], token).await
}

/// A pull request as the issue search returns it.
#[derive(Debug, Clone, Deserialize)]
pub struct FoundPull {
    /// Number.
    pub number: u64,
    /// Title.
    pub title: String,
    /// `open` or `closed`.
    pub state: String,
    /// Draft.
    #[serde(default)]
    pub draft: bool,
    /// Web page.
    #[serde(default)]
    pub html_url: String,
    /// Author.
    pub user: Option<PullUser>,
    /// Marks merged ones.
    pub pull_request: Option<FoundPullMarker>,
}

/// `pull_request` of a search hit.
#[derive(Debug, Clone, Deserialize)]
pub struct FoundPullMarker {
    /// Set when merged.
    pub merged_at: Option<String>,
}

impl FoundPull {
    /// `merged`, `closed`, `draft` or `open`.
    pub fn status(&self) -> &'static str {
        let merged = self
            .pull_request
            .as_ref()
            .and_then(|p| p.merged_at.as_ref())
            .is_some();
        pr_status(merged, self.state == "closed", self.draft)
    }
}

#[derive(Debug, Deserialize)]
struct SearchPage {
    #[serde(default)]
    items: Vec<FoundPull>,
}

/// `GET {api}/search/issues?q=…`: the first page, most recently updated
/// first. `q` is built by `domain::items::github_pr_query`.
pub async fn search_pulls(
    http: &reqwest::Client,
    api_base: &str,
    token: &str,
    q: &str,
    per_page: u32,
) -> Result<Vec<FoundPull>, GitHubError> {
    let per_page = per_page.to_string();
    let query = [
        ("q", q),
        ("per_page", per_page.as_str()),
        ("sort", "updated"),
    ];
    Ok(
        api_get::<SearchPage>(http, api_base, "/search/issues", &query, token)
            .await?
            .map(|p| p.items)
            .unwrap_or_default(),
    )
}

/// A repository the user can reach.
#[derive(Debug, Clone, Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct Repo {
    /// `owner/name`.
    pub full_name: String,
    /// Private or public.
    #[serde(default)]
    pub private: bool,
}

/// `GET {api}/user/repos?sort=pushed&per_page=100`: the user's repositories,
/// most recently pushed first (one page: enough to pick from).
pub async fn repos(
    http: &reqwest::Client,
    api_base: &str,
    token: &str,
) -> Result<Vec<Repo>, GitHubError> {
    let query = [("sort", "pushed"), ("per_page", "100")];
    Ok(api_get(http, api_base, "/user/repos", &query, token)
        .await?
        .unwrap_or_default())
}
