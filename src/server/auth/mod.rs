//! Who is calling: sessions (cookies), the team context, CSRF defence, the
//! sign-in rate limit, and page protection.
//!
//! One middleware ([`resolve_session`]) looks the session cookie up once per
//! request and leaves the result in the request's extensions; extractors
//! ([`AuthSession`], [`TeamContext`]) and the page guard read it from there.
//! [`TeamContext`] is the only way into team data: services take it, never a
//! bare team id.

use crate::server::access::{self, TeamContext};
use crate::server::crypto::hash_token;
use crate::server::db::entities::{session, user};
use crate::server::error::AppError;
use crate::server::state::AppState;
use crate::ui::routes::Access;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use sea_orm::ColumnTrait;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

/// The session cookie's name over plain http (development).
pub const SESSION_COOKIE: &str = "rc_session";
/// Its name over https: the `__Host-` prefix makes browsers accept it only
/// from this very origin (Secure, `Path=/`, no `Domain`), so a sibling
/// subdomain cannot plant a session cookie of its own.
pub const SECURE_SESSION_COOKIE: &str = "__Host-rc_session";

/// The session cookie's name for this server.
pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}

/// Who is at the other end: the TCP peer, or, when that peer is a trusted
/// proxy (`RC_TRUSTED_PROXIES`), the client `X-Forwarded-For` names. Put in
/// the request's extensions by [`resolve_session`] for every request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

/// The client address of a request that arrived from `peer`. Only when
/// `peer` is a trusted proxy is `X-Forwarded-For` read, from the right:
/// the first address that is not itself a trusted proxy is the client
/// (anything to its left was written by the client and proves nothing).
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[ipnet::IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        let Some(ip) = parse_hop(hop) else {
            break; // garbage: believe nothing further left
        };
        client = ip;
        if !is_trusted(&ip) {
            break;
        }
    }
    client
}

/// One `X-Forwarded-For` entry: an address, perhaps with a port.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))
}

/// A signed-in caller.
#[derive(Debug, Clone)]
pub struct AuthSession {
    /// The session row's id (not the secret token).
    pub session_id: String,
    /// The signed-in user.
    pub user: user::Model,
    /// The team selected in this session, if any.
    pub current_team_id: Option<crate::domain::ids::TeamId>,
}

/// What [`resolve_session`] leaves in the request extensions.
#[derive(Debug, Clone, Default)]
pub struct ResolvedAuth {
    /// The session, when the cookie named a live one.
    pub session: Option<Arc<AuthSession>>,
    /// The team context, when a team is selected and the user is its member,
    /// or the team of a live API token.
    pub team: Option<Arc<TeamContext>>,
    /// The request carried a live API token (`Authorization: Bearer rc_…`):
    /// cookies were ignored and the Origin check does not apply.
    pub via_token: bool,
}

/// The `/api` routes that belong to a person, not a team: an API token
/// gets 403 there (`API.md`, "API tokens").
pub const PERSONAL_ROUTES: [&str; 6] = [
    "/api/auth/",
    "/api/me",
    "/api/teams",
    "/api/invitations/",
    "/api/oauth/",
    "/api/team/api-tokens",
];

/// Whether `path` is one of [`PERSONAL_ROUTES`] (a prefix that ends a path
/// segment: `/api/teams/x` is, `/api/teamsx` is not).
pub fn is_personal_route(path: &str) -> bool {
    PERSONAL_ROUTES.iter().any(|p| {
        path.strip_prefix(p)
            .is_some_and(|rest| p.ends_with('/') || rest.is_empty() || rest.starts_with('/'))
    })
}

/// The `/api` routes no credential reaches: health checks and inbound
/// webhooks (GitHub and Jira sign their bodies; a probe or a proxy may add
/// an `Authorization` header of its own). A bearer header there is ignored.
pub fn is_open_route(path: &str) -> bool {
    path.starts_with("/api/webhooks/") || path == "/api/health" || path.starts_with("/api/health/")
}

/// The bearer credential of `Authorization: Bearer …`, if any.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// Reads one cookie from the request headers (every `Cookie` header, as
/// the `cookie` crate splits them; a malformed pair is skipped).
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_string())
}

/// The `Set-Cookie` value that stores a new session token: host-only,
/// `HttpOnly`, `SameSite=Lax`, `Secure` over https.
pub fn session_cookie(token: &str, max_age: Duration, secure: bool) -> String {
    let max_age = i64::try_from(max_age.as_secs()).unwrap_or(i64::MAX);
    cookie::Cookie::build((session_cookie_name(secure), token))
        .path("/")
        .http_only(true)
        .same_site(cookie::SameSite::Lax)
        .max_age(cookie::time::Duration::seconds(max_age))
        .secure(secure)
        .build()
        .to_string()
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_session_cookie(secure: bool) -> String {
    session_cookie("", Duration::ZERO, secure)
}

/// Looks a session token up: live session, its user, and the team context.
pub async fn lookup(state: &AppState, token: &str) -> Result<ResolvedAuth, AppError> {
    let db = &state.db;
    let now = crate::server::db::now();
    // However active, a session ends RC_SESSION_MAX_DAYS after sign-in.
    let live = sea_orm::Condition::all()
        .add(session::Column::ExpiresAt.gt(now))
        .add(
            session::Column::CreatedAt
                .gt(now - chrono::Duration::days(state.settings.session_max_days)),
        );
    let Some((sess, user, team)) = access::for_session(db, hash_token(token), live).await? else {
        return Ok(ResolvedAuth::default());
    };
    let team = team.map(Arc::new);
    crate::server::services::accounts::touch_session(state, &sess).await;
    let current_team_id = team.as_ref().map(|t| t.team_id().clone());
    Ok(ResolvedAuth {
        session: Some(Arc::new(AuthSession {
            session_id: sess.id,
            user,
            current_team_id,
        })),
        team,
        via_token: false,
    })
}

/// A bearer request under `/api`: the token's team, or the answer that ends
/// the request (401 for a token that is not live, 403 on a person's route).
async fn resolve_bearer(
    state: &AppState,
    path: &str,
    token: &str,
) -> Result<ResolvedAuth, Response> {
    let ctx = match crate::server::services::api_tokens::authenticate(state, token).await {
        Ok(Some(ctx)) => ctx,
        Ok(None) => {
            let mut res =
                AppError::Unauthorized(crate::server::services::api_tokens::REFUSED.into())
                    .into_response();
            res.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
            return Err(res);
        }
        Err(e) => return Err(e.into_response()),
    };
    if is_personal_route(path) {
        return Err(AppError::Forbidden(
            "this route belongs to a person: an API token cannot use it".into(),
        )
        .into_response());
    }
    Ok(ResolvedAuth {
        session: None,
        team: Some(Arc::new(ctx)),
        via_token: true,
    })
}

/// Middleware: resolves the session cookie once per request (static assets
/// excepted) into [`ResolvedAuth`].
pub async fn resolve_session(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let peer = req
        .extensions()
        .get::<axum::extract::ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    if let Some(peer) = peer {
        let ip = client_ip(peer, req.headers(), &state.settings.trusted_proxies);
        req.extensions_mut().insert(ClientAddr(ip));
    }
    let path = req.uri().path();
    let is_asset = path.starts_with("/pkg/") || path == "/favicon.svg" || path == "/favicon.ico";
    let mut resolved = ResolvedAuth::default();
    let cookie = session_cookie_name(state.settings.secure_cookies());
    let api_bearer = (path.starts_with("/api/") && !is_open_route(path))
        .then(|| bearer(req.headers()))
        .flatten();
    if let Some(token) = api_bearer {
        // A bearer request ignores cookies: it acts as the token, whatever
        // session the same client may also hold.
        let path = path.to_string();
        match resolve_bearer(&state, &path, token).await {
            Ok(r) => resolved = r,
            Err(res) => return res,
        }
    } else if !is_asset {
        if let Some(token) = cookie_value(req.headers(), cookie) {
            match lookup(&state, &token).await {
                Ok(r) => resolved = r,
                Err(e) => return e.into_response(),
            }
        }
    }
    req.extensions_mut().insert(resolved);
    next.run(req).await
}

impl<S: Send + Sync> FromRequestParts<S> for AuthSession {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let resolved = parts.extensions.get::<ResolvedAuth>();
        if resolved.is_some_and(|r| r.via_token) {
            return Err(AppError::Forbidden(
                "this route belongs to a person: an API token cannot use it".into(),
            ));
        }
        resolved
            .and_then(|r| r.session.as_deref().cloned())
            .ok_or_else(|| AppError::Unauthorized("sign in first".into()))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for TeamContext {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let resolved = parts.extensions.get::<ResolvedAuth>();
        if let Some(team) = resolved
            .filter(|r| r.via_token)
            .and_then(|r| r.team.as_deref())
        {
            return Ok(team.clone());
        }
        AuthSession::from_request_parts(parts, state).await?;
        parts
            .extensions
            .get::<ResolvedAuth>()
            .and_then(|r| r.team.as_deref().cloned())
            .ok_or_else(|| AppError::Forbidden("no team selected".into()))
    }
}

/// Middleware: CSRF defence for cookie requests that change state (`API.md`).
/// Refused with 403: an `Origin` naming another origin than the app's, or
/// (without `Origin`) `Sec-Fetch-Site: cross-site`. A matching `Origin` is
/// enough. A request that carried a live API token is exempt (it ignored
/// cookies, so a forged cross-site request gains nothing from them); an
/// `Authorization` header that is not a live token proves nothing and was
/// already refused with 401.
///
/// The app's origin is `PUBLIC_URL`'s. Without `PUBLIC_URL`, the origin the
/// request itself was addressed to (its `Host`) is accepted, so that
/// `http://localhost:3000` and `http://127.0.0.1:3000` both work in
/// development; a cross-site page can never forge that pair.
pub async fn csrf_guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let via_token = req
        .extensions()
        .get::<ResolvedAuth>()
        .is_some_and(|r| r.via_token);
    let changes_state =
        !via_token && !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if changes_state && !same_origin(&state, req.headers()) {
        return AppError::Forbidden("cross-origin request refused".into()).into_response();
    }
    next.run(req).await
}

fn same_origin(state: &AppState, headers: &HeaderMap) -> bool {
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        Some(origin) => {
            let origin = origin.trim_end_matches('/');
            if origin.eq_ignore_ascii_case(&state.public_url) {
                return true;
            }
            if state.settings.public_url.is_none() {
                let host = headers
                    .get(header::HOST)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default();
                return !host.is_empty() && origin.eq_ignore_ascii_case(&format!("http://{host}"));
            }
            false
        }
        None => headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) != Some("cross-site"),
    }
}

/// Middleware for page requests: real HTTP redirects, decided before the
/// page streams. No session → `/sign-in?next=…`; a team page without a
/// current team → `/select-team`; a signed-in user on the sign-in or sign-up
/// page → where they were going.
pub async fn page_guard(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let is_page = req.method() == Method::GET
        && !path.starts_with("/api")
        && !path.starts_with("/rpc")
        && !path.starts_with("/pkg/")
        && path != "/metrics"
        && !path.contains('.');
    if !is_page {
        return next.run(req).await;
    }
    let auth = req
        .extensions()
        .get::<ResolvedAuth>()
        .cloned()
        .unwrap_or_default();
    let access = crate::ui::routes::access_of(&path);
    if auth.session.is_none() && access != Access::Public {
        let target = req
            .uri()
            .path_and_query()
            .map(|pq| pq.as_str())
            .unwrap_or("/");
        let next_param: String = form_urlencoded::byte_serialize(target.as_bytes()).collect();
        return Redirect::to(&format!("/sign-in?next={next_param}")).into_response();
    }
    if auth.session.is_some() && (path == "/sign-in" || path == "/sign-up") {
        let query = req.uri().query().unwrap_or_default();
        let dest = form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == "next")
            .map(|(_, v)| safe_next(&v))
            .unwrap_or_else(|| "/board".to_string());
        return Redirect::to(&dest).into_response();
    }
    if auth.team.is_none() && access == Access::Team {
        return Redirect::to("/select-team").into_response();
    }
    next.run(req).await
}

/// A `next` target that stays on this site, or `/board`.
///
/// Kept only when it is a plain local path a browser cannot read as another
/// origin: it starts with exactly one `/`, and every character is one a URL
/// path or query may hold unescaped (RFC 3986 `pchar`, `/`, `?`, `#`, `%`).
/// So no control characters (browsers drop TAB and newlines, turning
/// `/\t/evil.example` into `//evil.example`), no backslashes (read as `/`),
/// no spaces or non-ASCII, nothing that could make a header fail to build.
pub fn safe_next(next: &str) -> String {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@/?#%".contains(c);
    let mut chars = next.chars();
    let local = chars.next() == Some('/')
        && !matches!(chars.next(), Some('/' | '\\'))
        && next.len() <= 2000
        && next.chars().all(allowed);
    if local {
        next.to_string()
    } else {
        "/board".to_string()
    }
}

#[cfg(test)]
mod tests;
