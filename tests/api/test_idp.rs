//! A small OpenID Connect provider for the tests, on loopback: discovery,
//! JWKS, an authorization endpoint that answers at once for the person the
//! test chose, and a token endpoint that checks the client secret, the
//! redirect URI and the PKCE verifier and returns an ID token signed with a
//! key generated for this run. The test can ask it to misbehave: sign with
//! another key, name another audience or issuer, or hand out an expired
//! token — the app must refuse each.

use axum::extract::{Form, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use openidconnect::core::{
    CoreIdToken, CoreIdTokenClaims, CoreJsonWebKeySet, CoreJwsSigningAlgorithm,
    CoreRsaPrivateSigningKey,
};
use openidconnect::{
    Audience, EmptyAdditionalClaims, EndUserEmail, EndUserName, IssuerUrl, JsonWebKeyId, Nonce,
    PrivateSigningKey, StandardClaims, SubjectIdentifier,
};
use serde::Deserialize;
use serde_json::json;
use sha2::Digest;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

pub const CLIENT_ID: &str = "release-coordinator";
pub const CLIENT_SECRET: &str = "idp-test-secret";

/// How the next token is made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Good,
    WrongKey,
    WrongAudience,
    WrongIssuer,
    Expired,
}

/// Who signs in next.
#[derive(Clone, Debug)]
pub struct Person {
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: bool,
    pub name: String,
}

struct Pending {
    person: Person,
    nonce: String,
    challenge: String,
    redirect_uri: String,
    mode: Mode,
}

struct Inner {
    issuer: String,
    person: Mutex<Option<Person>>,
    mode: Mutex<Mode>,
    codes: Mutex<HashMap<String, Pending>>,
}

#[derive(Clone)]
pub struct TestIdp {
    pub issuer: String,
    inner: Arc<Inner>,
}

/// Two RSA keys per test run: the provider's, and a stranger's.
fn keys() -> &'static (String, String) {
    static KEYS: OnceLock<(String, String)> = OnceLock::new();
    KEYS.get_or_init(|| {
        use rsa::pkcs1::EncodeRsaPrivateKey;
        let make = || {
            let k = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap();
            k.to_pkcs1_pem(rsa::pkcs1::LineEnding::LF)
                .unwrap()
                .to_string()
        };
        (make(), make())
    })
}

fn signing_key(pem: &str) -> CoreRsaPrivateSigningKey {
    CoreRsaPrivateSigningKey::from_pem(pem, Some(JsonWebKeyId::new("test-key-1".into()))).unwrap()
}

impl TestIdp {
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let issuer = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
        let inner = Arc::new(Inner {
            issuer: issuer.clone(),
            person: Mutex::new(None),
            mode: Mutex::new(Mode::Good),
            codes: Mutex::new(HashMap::new()),
        });
        let _ = keys();
        let app = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/jwks", get(jwks))
            .route("/authorize", get(authorize))
            .route("/token", post(token))
            .with_state(inner.clone());
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self { issuer, inner }
    }

    /// The app's settings for this provider as `<id>`.
    pub fn env(&self, id: &str, name: &str) -> Vec<(String, String)> {
        let up = id.to_uppercase();
        vec![
            (format!("RC_OIDC_{up}_ISSUER"), self.issuer.clone()),
            (format!("RC_OIDC_{up}_CLIENT_ID"), CLIENT_ID.into()),
            (format!("RC_OIDC_{up}_CLIENT_SECRET"), CLIENT_SECRET.into()),
            (format!("RC_OIDC_{up}_NAME"), name.into()),
        ]
    }

    pub fn sign_in_as(&self, person: Person) {
        *self.inner.person.lock().unwrap() = Some(person);
    }

    pub fn set_mode(&self, mode: Mode) {
        *self.inner.mode.lock().unwrap() = mode;
    }
}

async fn discovery(State(s): State<Arc<Inner>>) -> Json<serde_json::Value> {
    let i = &s.issuer;
    Json(json!({
        "issuer": i,
        "authorization_endpoint": format!("{i}/authorize"),
        "token_endpoint": format!("{i}/token"),
        "jwks_uri": format!("{i}/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "email", "profile"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": ["sub", "email", "email_verified", "name"],
    }))
}

async fn jwks() -> Json<CoreJsonWebKeySet> {
    Json(CoreJsonWebKeySet::new(vec![
        signing_key(&keys().0).as_verification_key()
    ]))
}

async fn authorize(
    State(s): State<Arc<Inner>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some(person) = s.person.lock().unwrap().clone() else {
        return (StatusCode::BAD_REQUEST, "nobody to sign in").into_response();
    };
    let ok = q.get("client_id").map(String::as_str) == Some(CLIENT_ID)
        && q.get("response_type").map(String::as_str) == Some("code")
        && q.get("code_challenge_method").map(String::as_str) == Some("S256")
        && q.get("scope")
            .is_some_and(|s| s.split(' ').any(|x| x == "openid"));
    if !ok {
        return (StatusCode::BAD_REQUEST, "bad authorization request").into_response();
    }
    let code = uuid::Uuid::new_v4().simple().to_string();
    let redirect_uri = q.get("redirect_uri").cloned().unwrap_or_default();
    s.codes.lock().unwrap().insert(
        code.clone(),
        Pending {
            person,
            nonce: q.get("nonce").cloned().unwrap_or_default(),
            challenge: q.get("code_challenge").cloned().unwrap_or_default(),
            redirect_uri: redirect_uri.clone(),
            mode: *s.mode.lock().unwrap(),
        },
    );
    let mut url = url::Url::parse(&redirect_uri).unwrap();
    url.query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", q.get("state").map(String::as_str).unwrap_or(""));
    (StatusCode::FOUND, [(header::LOCATION, url.to_string())]).into_response()
}

#[derive(Deserialize)]
struct TokenForm {
    grant_type: String,
    code: String,
    redirect_uri: Option<String>,
    code_verifier: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
}

async fn token(
    State(s): State<Arc<Inner>>,
    headers: HeaderMap,
    Form(f): Form<TokenForm>,
) -> Response {
    let refuse = |why: &str| {
        (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "invalid_grant", "error_description": why})),
        )
            .into_response()
    };
    // client_secret_basic or client_secret_post.
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
        .and_then(|b| String::from_utf8(b).ok());
    let (id, secret) = match basic {
        Some(pair) => {
            let (i, s) = pair.split_once(':').unwrap_or_default();
            let dec = |x: &str| {
                url::form_urlencoded::parse(format!("x={x}").as_bytes())
                    .next()
                    .map(|(_, v)| v.to_string())
                    .unwrap_or_default()
            };
            (dec(i), dec(s))
        }
        None => (
            f.client_id.clone().unwrap_or_default(),
            f.client_secret.clone().unwrap_or_default(),
        ),
    };
    if id != CLIENT_ID || secret != CLIENT_SECRET {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": "invalid_client"})),
        )
            .into_response();
    }
    if f.grant_type != "authorization_code" {
        return refuse("grant type");
    }
    let Some(p) = s.codes.lock().unwrap().remove(&f.code) else {
        return refuse("unknown or used code");
    };
    if f.redirect_uri.as_deref() != Some(p.redirect_uri.as_str()) {
        return refuse("redirect_uri");
    }
    let verifier = f.code_verifier.unwrap_or_default();
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(sha2::Sha256::digest(verifier.as_bytes()));
    if challenge != p.challenge {
        return refuse("PKCE verifier");
    }
    let now = chrono::Utc::now();
    let (issued, expires) = match p.mode {
        Mode::Expired => (
            now - chrono::Duration::hours(2),
            now - chrono::Duration::hours(1),
        ),
        _ => (now, now + chrono::Duration::minutes(5)),
    };
    let issuer = match p.mode {
        Mode::WrongIssuer => "https://someone-else.example".to_string(),
        _ => s.issuer.clone(),
    };
    let audience = match p.mode {
        Mode::WrongAudience => "another-app".to_string(),
        _ => CLIENT_ID.to_string(),
    };
    let mut standard = StandardClaims::new(SubjectIdentifier::new(p.person.subject.clone()))
        .set_email_verified(Some(p.person.email_verified))
        .set_name(Some(EndUserName::new(p.person.name.clone()).into()));
    if let Some(e) = &p.person.email {
        standard = standard.set_email(Some(EndUserEmail::new(e.clone())));
    }
    let claims = CoreIdTokenClaims::new(
        IssuerUrl::new(issuer).unwrap(),
        vec![Audience::new(audience)],
        expires,
        issued,
        standard,
        EmptyAdditionalClaims {},
    )
    .set_nonce(Some(Nonce::new(p.nonce.clone())));
    let pem = match p.mode {
        Mode::WrongKey => &keys().1,
        _ => &keys().0,
    };
    let id_token = CoreIdToken::new(
        claims,
        &signing_key(pem),
        CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
        None,
        None,
    )
    .unwrap();
    Json(json!({
        "access_token": uuid::Uuid::new_v4().simple().to_string(),
        "token_type": "Bearer",
        "expires_in": 300,
        "id_token": id_token.to_string(),
    }))
    .into_response()
}
