//! Who is calling: sessions (cookies), the team context, CSRF defence, the
//! sign-in rate limit, and page protection.
//!
//! One middleware ([`resolve_session`]) looks the session cookie up once per
//! request and leaves the result in the request's extensions; extractors
//! ([`AuthSession`], [`TeamContext`]) and the page guard read it from there.
//! [`TeamContext`] is the only way into team data: services take it, never a
//! bare team id.

use crate::domain::roles::Role;
use crate::server::crypto::hash_token;
use crate::server::db::entities::{session, team_member, user};
use crate::server::error::AppError;
use crate::server::state::AppState;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The session cookie.
pub const SESSION_COOKIE: &str = "rc_session";

/// A signed-in caller.
#[derive(Debug, Clone)]
pub struct AuthSession {
    /// The session row's id (not the secret token).
    pub session_id: String,
    /// The signed-in user.
    pub user: user::Model,
    /// The team selected in this session, if any.
    pub current_team_id: Option<String>,
}

/// A caller acting inside a team, with their role there. Built only from an
/// [`AuthSession`] whose current team the user is a member of.
#[derive(Debug, Clone)]
pub struct TeamContext {
    /// The team acted on.
    pub team_id: String,
    /// The acting user.
    pub user_id: String,
    /// The user's display name (for activity descriptions).
    pub user_name: String,
    /// Their role in the team.
    pub role: Role,
}

impl TeamContext {
    /// Fails with 403 unless `allowed` (a rule from `domain::roles`) holds.
    pub fn require(
        &self,
        allowed: fn(Role) -> bool,
        action: &'static str,
    ) -> Result<&Self, AppError> {
        if allowed(self.role) {
            Ok(self)
        } else {
            Err(crate::domain::DomainError::Forbidden {
                role: self.role,
                action,
            }
            .into())
        }
    }
}

/// What [`resolve_session`] leaves in the request extensions.
#[derive(Debug, Clone, Default)]
pub struct ResolvedAuth {
    /// The session, when the cookie named a live one.
    pub session: Option<Arc<AuthSession>>,
    /// The team context, when a team is selected and the user is its member.
    pub team: Option<Arc<TeamContext>>,
}

/// Reads one cookie from the request headers.
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// The `Set-Cookie` value that stores a new session token.
pub fn session_cookie(token: &str, max_age: Duration, secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        max_age.as_secs(),
        if secure { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_session_cookie(secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    )
}

/// Looks a session token up: live session, its user, and the team context.
pub async fn lookup(state: &AppState, token: &str) -> Result<ResolvedAuth, AppError> {
    let db = &state.db;
    let now = crate::server::db::now();
    let found = session::Entity::find()
        .filter(session::Column::TokenHash.eq(hash_token(token)))
        .filter(session::Column::ExpiresAt.gt(now))
        .find_also_related(user::Entity)
        .one(db)
        .await?;
    let Some((sess, Some(user))) = found else {
        return Ok(ResolvedAuth::default());
    };
    let team = match &sess.current_team_id {
        Some(team_id) => team_member::Entity::find()
            .filter(team_member::Column::TeamId.eq(team_id.as_str()))
            .filter(team_member::Column::UserId.eq(user.id.as_str()))
            .one(db)
            .await?
            .and_then(|m| m.role.parse::<Role>().ok())
            .map(|role| {
                Arc::new(TeamContext {
                    team_id: team_id.clone(),
                    user_id: user.id.clone(),
                    user_name: user.name.clone(),
                    role,
                })
            }),
        None => None,
    };
    crate::server::services::accounts::touch_session(state, &sess).await;
    let current_team_id = team.as_ref().map(|t| t.team_id.clone());
    Ok(ResolvedAuth {
        session: Some(Arc::new(AuthSession {
            session_id: sess.id,
            user,
            current_team_id,
        })),
        team,
    })
}

/// Middleware: resolves the session cookie once per request (static assets
/// excepted) into [`ResolvedAuth`].
pub async fn resolve_session(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path();
    let is_asset = path.starts_with("/pkg/") || path == "/favicon.svg" || path == "/favicon.ico";
    let mut resolved = ResolvedAuth::default();
    if !is_asset {
        if let Some(token) = cookie_value(req.headers(), SESSION_COOKIE) {
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
        parts
            .extensions
            .get::<ResolvedAuth>()
            .and_then(|r| r.session.as_deref().cloned())
            .ok_or_else(|| AppError::Unauthorized("sign in first".into()))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for TeamContext {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
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
/// enough. Bearer requests are exempt (no ambient credentials).
///
/// The app's origin is `PUBLIC_URL`'s. Without `PUBLIC_URL`, the origin the
/// request itself was addressed to (its `Host`) is accepted, so that
/// `http://localhost:3000` and `http://127.0.0.1:3000` both work in
/// development; a cross-site page can never forge that pair.
pub async fn csrf_guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let changes_state = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("Bearer "));
    if changes_state && !bearer && !same_origin(&state, req.headers()) {
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

/// Pages anyone may see.
fn is_public_page(path: &str) -> bool {
    matches!(path, "/" | "/sign-in" | "/sign-up") || path.starts_with("/invite/")
}

/// Pages that act on the current team (`API.md`, "Pages").
pub fn is_team_page(path: &str) -> bool {
    const TEAM_PAGES: [&str; 13] = [
        "/board",
        "/releases",
        "/services",
        "/sprints",
        "/deployment-groups",
        "/deploy-queue",
        "/blocked",
        "/calendar",
        "/dashboard",
        "/activity",
        "/settings",
        "/new-release",
        "/search",
    ];
    TEAM_PAGES
        .iter()
        .any(|p| path == *p || path.starts_with(&format!("{p}/")))
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
        && !path.contains('.');
    if !is_page {
        return next.run(req).await;
    }
    let auth = req
        .extensions()
        .get::<ResolvedAuth>()
        .cloned()
        .unwrap_or_default();
    if auth.session.is_none() && !is_public_page(&path) {
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
    if auth.team.is_none() && is_team_page(&path) {
        return Redirect::to("/select-team").into_response();
    }
    next.run(req).await
}

/// A `next` target that stays on this site: a local path, never `//host` or
/// a full URL (no open redirect). Anything else becomes `/board`.
pub fn safe_next(next: &str) -> String {
    if next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.contains("://")
    {
        next.to_string()
    } else {
        "/board".to_string()
    }
}

/// Counts failed sign-ins per account and per client address in a sliding
/// window; past the limit, sign-in answers 429 until the window passes.
/// Only failures count, so normal use never gets near it. Kept in memory:
/// with several app servers each keeps its own count (documented in README).
#[derive(Debug, Default)]
pub struct SignInLimiter {
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

impl SignInLimiter {
    /// Failures allowed per account in the window.
    pub const PER_ACCOUNT: usize = 5;
    /// Failures allowed per client address in the window.
    pub const PER_ADDRESS: usize = 30;
    /// The window.
    pub const WINDOW: Duration = Duration::from_secs(15 * 60);

    fn keys(email: &str, ip: &str) -> [(String, usize); 2] {
        [
            (format!("a:{email}"), Self::PER_ACCOUNT),
            (format!("i:{ip}"), Self::PER_ADDRESS),
        ]
    }

    /// Whether another attempt for this account from this address is allowed.
    pub fn allowed(&self, email: &str, ip: &str) -> bool {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        Self::keys(email, ip).iter().all(|(key, limit)| {
            let entries = map.entry(key.clone()).or_default();
            entries.retain(|t| now.duration_since(*t) < Self::WINDOW);
            entries.len() < *limit
        })
    }

    /// Records a failed attempt.
    pub fn record_failure(&self, email: &str, ip: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        for (key, _) in Self::keys(email, ip) {
            map.entry(key).or_default().push(Instant::now());
        }
        if map.len() > 100_000 {
            let now = Instant::now();
            map.retain(|_, v| v.iter().any(|t| now.duration_since(*t) < Self::WINDOW));
        }
    }

    /// Forgets an account's failures after a successful sign-in.
    pub fn record_success(&self, email: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(&format!("a:{email}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_never_leaves_the_site() {
        assert_eq!(
            safe_next("/releases?status=DEPLOYED"),
            "/releases?status=DEPLOYED"
        );
        for bad in ["//evil.com", "https://evil.com", "/\\evil.com", "evil", ""] {
            assert_eq!(safe_next(bad), "/board", "{bad}");
        }
    }

    #[test]
    fn page_classes() {
        assert!(is_public_page("/") && is_public_page("/invite/abc") && !is_public_page("/board"));
        assert!(
            is_team_page("/board")
                && is_team_page("/settings/members")
                && is_team_page("/releases/x")
        );
        assert!(!is_team_page("/select-team") && !is_team_page("/boards"));
    }

    #[test]
    fn limiter_counts_failures_per_account() {
        let l = SignInLimiter::default();
        for _ in 0..SignInLimiter::PER_ACCOUNT {
            assert!(l.allowed("a@x.io", "1.2.3.4"));
            l.record_failure("a@x.io", "1.2.3.4");
        }
        assert!(
            !l.allowed("a@x.io", "5.6.7.8"),
            "per account, whatever the address"
        );
        assert!(
            l.allowed("b@x.io", "1.2.3.4"),
            "another account from the same address"
        );
        l.record_success("a@x.io");
        assert!(l.allowed("a@x.io", "1.2.3.4"));
    }

    #[test]
    fn cookies_are_parsed() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, "a=1; rc_session=tok; b=2".parse().unwrap());
        assert_eq!(cookie_value(&h, "rc_session").as_deref(), Some("tok"));
        assert_eq!(cookie_value(&h, "zz"), None);
        assert!(session_cookie("t", Duration::from_secs(60), true)
            .contains("HttpOnly; SameSite=Lax; Max-Age=60; Secure"));
    }
}
