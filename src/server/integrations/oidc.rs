//! OpenID Connect with the `openidconnect` crate: discovery (cached for an
//! hour), the authorization-code flow with PKCE (S256), `state` and
//! `nonce`, and ID-token validation — the signature against the provider's
//! JWKS, the issuer, the audience, the expiry and the nonce. The HTTP
//! client follows no redirects (a discovery document cannot send us
//! elsewhere). Nothing here touches the database: `services::accounts::sso`
//! keeps the state and decides what a verified identity means.

use crate::server::config::OidcProvider;
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a discovery document (and its keys) is reused.
const DISCOVERY_TTL: Duration = Duration::from_secs(3600);

/// What a provider vouched for in a valid ID token.
#[derive(Debug, Clone)]
pub struct VerifiedIdentity {
    /// The provider's `sub`.
    pub subject: String,
    /// The `email` claim (lower-cased), if any.
    pub email: Option<String>,
    /// The `email_verified` claim.
    pub email_verified: bool,
    /// The `name` claim, if any.
    pub name: Option<String>,
}

/// A sign-in to start: the URL to send the browser to and the secrets to
/// keep until the callback.
pub struct Started {
    /// The provider's authorization URL.
    pub url: String,
    /// The `state` sent (the browser brings it back).
    pub state: String,
    /// The `nonce` the ID token must carry.
    pub nonce: String,
    /// The PKCE verifier for the code exchange.
    pub pkce_verifier: String,
}

/// Why a sign-in failed (the message is safe to show).
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// The provider could not be reached or answered badly.
    #[error("the identity provider could not be reached: {0}")]
    Unavailable(String),
    /// The answer was not acceptable (bad code, bad token).
    #[error("the identity provider's answer was refused: {0}")]
    Refused(String),
}

/// The discovery cache and the HTTP client of every configured provider.
pub struct Oidc {
    http: reqwest::Client,
    cache: Mutex<HashMap<String, (Instant, CoreProviderMetadata)>>,
}

impl Oidc {
    /// A client with `timeout_ms` per request and no redirects.
    pub fn new(timeout_ms: u64) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_millis(timeout_ms.max(1000)))
            .build()?;
        Ok(Self {
            http,
            cache: Mutex::new(HashMap::new()),
        })
    }

    async fn metadata(&self, p: &OidcProvider) -> Result<CoreProviderMetadata, OidcError> {
        if let Ok(cache) = self.cache.lock() {
            if let Some((at, m)) = cache.get(&p.id) {
                if at.elapsed() < DISCOVERY_TTL {
                    return Ok(m.clone());
                }
            }
        }
        let issuer = IssuerUrl::new(p.issuer.clone())
            .map_err(|e| OidcError::Unavailable(format!("bad issuer URL: {e}")))?;
        let m = CoreProviderMetadata::discover_async(issuer, &self.http)
            .await
            .map_err(|e| OidcError::Unavailable(format!("discovery failed: {e}")))?;
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(p.id.clone(), (Instant::now(), m.clone()));
        }
        Ok(m)
    }

    /// Forgets a provider's discovery document (its keys may have rotated).
    pub fn forget(&self, provider: &str) {
        if let Ok(mut cache) = self.cache.lock() {
            cache.remove(provider);
        }
    }

    /// The authorization URL of a new sign-in (code flow, PKCE S256,
    /// `openid email profile`).
    pub async fn start(&self, p: &OidcProvider, redirect: &str) -> Result<Started, OidcError> {
        let m = self.metadata(p).await?;
        let client = CoreClient::from_provider_metadata(
            m,
            ClientId::new(p.client_id.clone()),
            Some(ClientSecret::new(p.client_secret.expose().clone())),
        )
        .set_redirect_uri(
            RedirectUrl::new(redirect.to_string())
                .map_err(|e| OidcError::Unavailable(format!("bad redirect URL: {e}")))?,
        );
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".into()))
            .add_scope(Scope::new("profile".into()))
            .set_pkce_challenge(challenge)
            .url();
        Ok(Started {
            url: url.to_string(),
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        })
    }

    /// Exchanges the code and validates the ID token.
    pub async fn finish(
        &self,
        p: &OidcProvider,
        redirect: &str,
        code: &str,
        nonce: &str,
        pkce_verifier: &str,
    ) -> Result<VerifiedIdentity, OidcError> {
        let m = self.metadata(p).await?;
        let client = CoreClient::from_provider_metadata(
            m,
            ClientId::new(p.client_id.clone()),
            Some(ClientSecret::new(p.client_secret.expose().clone())),
        )
        .set_redirect_uri(
            RedirectUrl::new(redirect.to_string())
                .map_err(|e| OidcError::Unavailable(format!("bad redirect URL: {e}")))?,
        );
        let token = client
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .map_err(|e| OidcError::Unavailable(format!("no token endpoint: {e}")))?
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_string()))
            .request_async(&self.http)
            .await
            .map_err(|e| OidcError::Refused(format!("the code exchange failed: {}", short(&e))))?;
        let id_token = token
            .id_token()
            .ok_or_else(|| OidcError::Refused("no ID token in the answer".into()))?;
        let verifier = client.id_token_verifier();
        let claims = match id_token.claims(&verifier, &Nonce::new(nonce.to_string())) {
            Ok(c) => c,
            Err(e) => {
                // Keys rotate: a signature from a key we do not know yet
                // gets one more try after the next discovery.
                self.forget(&p.id);
                return Err(OidcError::Refused(format!(
                    "the ID token is not valid: {e}"
                )));
            }
        };
        Ok(VerifiedIdentity {
            subject: claims.subject().as_str().to_string(),
            email: claims.email().map(|e| e.as_str().trim().to_lowercase()),
            email_verified: claims.email_verified().unwrap_or(false),
            name: claims
                .name()
                .and_then(|n| n.get(None))
                .map(|n| n.as_str().trim().to_string())
                .filter(|n| !n.is_empty()),
        })
    }
}

/// An error's text, bounded (a provider's body can be long).
fn short(e: &dyn std::fmt::Display) -> String {
    let mut s = e.to_string();
    s.truncate(200);
    s
}
