//! Atlassian's OAuth 2.0 (3LO): the authorize URL, the code exchange and
//! the rotating refresh (each refresh returns a new refresh token).

use super::{JiraError, SCOPES};
use crate::server::integrations::retry_after;
use serde::Deserialize;
use serde_json::json;

/// `{auth}/authorize?audience=api.atlassian.com&…&prompt=consent`.
pub fn authorize_url(auth_base: &str, client_id: &str, redirect_uri: &str, state: &str) -> String {
    let q: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("audience", "api.atlassian.com")
        .append_pair("client_id", client_id)
        .append_pair("scope", SCOPES)
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("state", state)
        .append_pair("response_type", "code")
        .append_pair("prompt", "consent")
        .finish()
        // Atlassian documents `%20` between scopes; `+` never appears
        // otherwise (form encoding writes a literal plus as `%2B`).
        .replace('+', "%20");
    format!("{}/authorize?{q}", auth_base.trim_end_matches('/'))
}

/// A token answer: access token for about an hour, and the next refresh token.
#[derive(Deserialize)]
pub struct Tokens {
    /// Bearer token for `api.atlassian.com`.
    pub access_token: String,
    /// The rotating refresh token (with `offline_access`).
    pub refresh_token: Option<String>,
    /// Seconds until the access token expires.
    pub expires_in: Option<i64>,
    /// Granted scopes, space-separated.
    pub scope: Option<String>,
}

/// Written by hand: the tokens are never printed.
impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("access_token", &"[redacted]")
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "[redacted]"),
            )
            .field("expires_in", &self.expires_in)
            .field("scope", &self.scope)
            .finish()
    }
}

#[derive(Debug, Deserialize)]
struct OAuthError {
    error: Option<String>,
    error_description: Option<String>,
}

async fn token_call(
    http: &reqwest::Client,
    auth_base: &str,
    body: serde_json::Value,
    refreshing: bool,
) -> Result<Tokens, JiraError> {
    let res = http
        .post(format!("{}/oauth/token", auth_base.trim_end_matches('/')))
        .json(&body)
        .send()
        .await
        .map_err(|_| JiraError::Unreachable)?;
    let status = res.status().as_u16();
    match status {
        200 => res.json().await.map_err(|_| JiraError::Malformed),
        400 | 401 | 403 => {
            let e: OAuthError = res.json().await.unwrap_or(OAuthError {
                error: None,
                error_description: None,
            });
            let why = e.error.unwrap_or_else(|| status.to_string());
            // Atlassian's descriptions are plain text about the grant, never the token.
            let why = match e.error_description {
                Some(d) if !d.is_empty() => {
                    format!("{why}: {}", d.chars().take(200).collect::<String>())
                }
                _ => why,
            };
            if refreshing {
                Err(JiraError::RefreshRefused(why))
            } else {
                Err(JiraError::BadQuery(why))
            }
        }
        429 => Err(JiraError::RateLimited(retry_after(res.headers()))),
        s => Err(JiraError::Failed(s)),
    }
}

/// Exchanges an authorization code.
pub async fn exchange_code(
    http: &reqwest::Client,
    auth_base: &str,
    client_id: &str,
    client_secret: &str,
    code: &str,
    redirect_uri: &str,
) -> Result<Tokens, JiraError> {
    token_call(
        http,
        auth_base,
        json!({
            "grant_type": "authorization_code",
            "client_id": client_id,
            "client_secret": client_secret,
            "code": code,
            "redirect_uri": redirect_uri,
        }),
        false,
    )
    .await
}

/// Trades the refresh token for a new access token *and a new refresh
/// token*; the old one stops working.
pub async fn refresh(
    http: &reqwest::Client,
    auth_base: &str,
    client_id: &str,
    client_secret: &str,
    refresh_token: &str,
) -> Result<Tokens, JiraError> {
    token_call(
        http,
        auth_base,
        json!({
            "grant_type": "refresh_token",
            "client_id": client_id,
            "client_secret": client_secret,
            "refresh_token": refresh_token,
        }),
        true,
    )
    .await
}
