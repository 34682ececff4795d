//! Response headers every answer gets, and the request time limit.
//!
//! - Pages carry a Content-Security-Policy whose `script-src` is a fresh
//!   nonce per response — no `'unsafe-inline'` for scripts, so injected
//!   markup could not run even if it got onto a page. The nonce is made
//!   here, before the page renders: it goes into the request
//!   ([`CspNonce`]), Leptos takes it from there for its own inline scripts
//!   ([`provide_page_nonce`]), and the header is set here on the way out —
//!   one value, whatever the renderer does with its own response options.
//!   Every other answer gets a policy that allows nothing at all.
//! - `frame-ancestors 'none'` (and `X-Frame-Options: DENY`), `nosniff`,
//!   a strict referrer policy; HSTS when `PUBLIC_URL` is https.
//! - `Cache-Control: no-store` on everything but static assets: pages and
//!   API answers carry team and account data that no cache may keep. The
//!   front end's files (`/pkg/…`) carry a content hash in their names when
//!   built for serving, so they are `immutable` for a year — a new build has
//!   new names; anything else static is revalidated (`no-cache`).
//! - Every request but the live stream is bounded by
//!   `RC_REQUEST_TIMEOUT_SECS` (REST, server functions and pages alike).

use crate::server::error::ErrorBody;
use crate::server::state::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// This response's script nonce, in the request's extensions.
#[derive(Debug, Clone)]
pub struct CspNonce(pub std::sync::Arc<str>);

impl CspNonce {
    /// 128 random bits, URL-safe base64.
    fn new() -> Self {
        use base64::Engine;
        let bytes: [u8; 16] = rand::random();
        Self(
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(bytes)
                .into(),
        )
    }
}

/// For the Leptos render of a page: the nonce of this request replaces the
/// one Leptos made itself, so its inline scripts carry the header's value.
/// Called from the router's additional context (after Leptos provides
/// the request's parts).
pub fn provide_page_nonce() {
    use leptos::prelude::{provide_context, use_context};
    if let Some(nonce) =
        use_context::<http::request::Parts>().and_then(|p| p.extensions.get::<CspNonce>().cloned())
    {
        provide_context(leptos::nonce::Nonce::from_value(nonce.0));
    }
}

/// Whether a request is for a page (a document the renderer answers).
fn is_page_request(req: &Request) -> bool {
    let path = req.uri().path();
    req.method() == axum::http::Method::GET
        && !path.starts_with("/api")
        && !path.starts_with("/rpc")
        && !is_static_asset(path)
}

/// The policy of a page rendered with `nonce`.
pub fn page_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
         font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

/// The policy of everything that is not a page: nothing may load or run.
pub const NON_PAGE_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/// HSTS for two years, subdomains included (sent only over https).
pub const HSTS: &str = "max-age=63072000; includeSubDomains";

/// How a file whose name changes with its content may be cached.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Whether a path names one of the front end's files by its content:
/// `/pkg/<name>.<hash>.<ext>`, as cargo-leptos names them with `hash-files`
/// (the hash: at least eight letters, digits, `-` or `_`). A new build
/// gives changed files new names, so such a file never changes.
pub fn has_content_hash(path: &str) -> bool {
    let Some(file) = path.strip_prefix("/pkg/") else {
        return false;
    };
    let parts: Vec<&str> = file.split('.').collect();
    parts.len() >= 3
        && !file.contains('/')
        && parts[1..parts.len() - 1].iter().any(|p| {
            p.len() >= 8
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// Whether a path is a static asset (hashed or public files): cacheable.
pub fn is_static_asset(path: &str) -> bool {
    path.starts_with("/pkg/")
        || (!path.starts_with("/api/")
            && !path.starts_with("/rpc/")
            && path
                .rsplit('/')
                .next()
                .is_some_and(|last| last.contains('.')))
}

/// Middleware: the headers above.
pub async fn security_headers(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let is_static = is_static_asset(req.uri().path());
    let hashed = has_content_hash(req.uri().path());
    let nonce = is_page_request(&req).then(CspNonce::new);
    if let Some(n) = &nonce {
        req.extensions_mut().insert(n.clone());
    }
    let mut res = next.run(req).await;
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let h = res.headers_mut();
    if let (Some(n), true) = (&nonce, is_html) {
        if let Ok(v) = HeaderValue::from_str(&page_csp(&n.0)) {
            h.insert(header::CONTENT_SECURITY_POLICY, v);
        }
    }
    let set = |h: &mut axum::http::HeaderMap, name: header::HeaderName, value: &'static str| {
        if !h.contains_key(&name) {
            h.insert(name, HeaderValue::from_static(value));
        }
    };
    set(h, header::CONTENT_SECURITY_POLICY, NON_PAGE_CSP);
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::X_FRAME_OPTIONS, "DENY");
    set(
        h,
        header::REFERRER_POLICY,
        "strict-origin-when-cross-origin",
    );
    let cache = match (is_static, hashed) {
        (false, _) => "no-store",
        (true, true) => IMMUTABLE,
        (true, false) => "no-cache",
    };
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if state.settings.secure_cookies() {
        set(h, header::STRICT_TRANSPORT_SECURITY, HSTS);
    }
    res
}

/// Middleware: answers 408 when a request takes longer than
/// `RC_REQUEST_TIMEOUT_SECS`. The live stream (`/api/events`) is meant to
/// stay open and is exempt.
pub async fn time_limit(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.uri().path() == "/api/events" {
        return next.run(req).await;
    }
    let limit = std::time::Duration::from_secs(state.settings.request_timeout_secs.max(1));
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(res) => res,
        Err(_) => (
            StatusCode::REQUEST_TIMEOUT,
            axum::Json(ErrorBody {
                error: "the request took too long".into(),
                fields: Default::default(),
                checks: vec![],
            }),
        )
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_assets_are_told_apart() {
        for p in ["/pkg/release_coordinator.wasm", "/favicon.svg"] {
            assert!(is_static_asset(p), "{p}");
        }
        for p in [
            "/board",
            "/releases/abc",
            "/api/releases",
            "/api/x.json",
            "/rpc/get_me",
        ] {
            assert!(!is_static_asset(p), "{p}");
        }
    }

    #[test]
    fn only_files_named_by_their_content_are_immutable() {
        for p in [
            "/pkg/release_coordinator.Xk3_9aZ-07qLmN2b.wasm",
            "/pkg/release_coordinator.0123456789abcdef.css",
        ] {
            assert!(has_content_hash(p), "{p}");
        }
        for p in [
            "/pkg/release_coordinator.wasm",
            "/pkg/release_coordinator.js",
            "/pkg/a.b.c",
            "/favicon.0123456789abcdef.svg",
            "/pkg/x/y.0123456789abcdef.js",
        ] {
            assert!(!has_content_hash(p), "{p}");
        }
    }

    #[test]
    fn pages_allow_only_their_own_scripts() {
        let csp = page_csp("abc123");
        assert!(csp.contains("script-src 'nonce-abc123' 'strict-dynamic'"));
        let scripts = csp
            .split(';')
            .find(|d| d.trim().starts_with("script-src"))
            .unwrap();
        assert!(!scripts.contains("unsafe-inline"));
        assert!(csp.contains("frame-ancestors 'none'"));
    }
}
