//! GitHub, OAuth app flow: the authorize URL, the code exchange and the
//! signed-in account (`EXTERNAL-APIS.md`, "GitHub, OAuth app"). Base URLs
//! come from configuration and may carry a path prefix, so every URL is the
//! base with the endpoint's path appended.

use serde::Deserialize;

/// Why a GitHub call failed (never containing a token).
#[derive(Debug, thiserror::Error)]
pub enum GitHubError {
    /// 401: the token is revoked or wrong.
    #[error("GitHub refused the token (401)")]
    Unauthorized,
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
#[derive(Debug, Deserialize)]
pub struct Token {
    /// The access token (classic OAuth-app tokens do not expire).
    pub access_token: Option<String>,
    /// Granted scopes, comma-separated.
    pub scope: Option<String>,
    /// On failure: `bad_verification_code`, …
    pub error: Option<String>,
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
    let res = http
        .get(format!("{}/user", api_base.trim_end_matches('/')))
        .bearer_auth(token)
        .header("accept", "application/vnd.github+json")
        .send()
        .await
        .map_err(|_| GitHubError::Unreachable)?;
    match res.status().as_u16() {
        200 => res.json().await.map_err(|_| GitHubError::Malformed),
        401 => Err(GitHubError::Unauthorized),
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
    pub html_url: String,
    /// Author.
    pub user: Option<PullUser>,
    /// Assignee.
    pub assignee: Option<PullUser>,
}

/// A user on a pull request.
#[derive(Debug, Deserialize)]
pub struct PullUser {
    /// Login.
    pub login: String,
}

impl Pull {
    /// `merged`, `closed`, `draft` or `open` — status and category at once.
    pub fn status(&self) -> &'static str {
        if self.merged_at.is_some() {
            "merged"
        } else if self.state == "closed" {
            "closed"
        } else if self.draft {
            "draft"
        } else {
            "open"
        }
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
    let res = http
        .get(format!(
            "{}/repos/{owner}/{repo}/pulls/{number}",
            api_base.trim_end_matches('/')
        ))
        .bearer_auth(token)
        .header("accept", "application/vnd.github+json")
        .send()
        .await
        .map_err(|_| GitHubError::Unreachable)?;
    match res.status().as_u16() {
        200 => res
            .json()
            .await
            .map(Some)
            .map_err(|_| GitHubError::Malformed),
        404 => Ok(None),
        401 => Err(GitHubError::Unauthorized),
        s => Err(GitHubError::Failed(s.to_string())),
    }
}
