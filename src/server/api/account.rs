//! `/api/me*` and the emailed links of `/api/auth/*`: the caller's own
//! account (name, email, deletion), its sessions and security log, email
//! verification and the password reset.

use super::auth::{client_meta, UserBody};
use super::page_query;
use crate::server::auth::{AuthSession, ClientAddr};
use crate::server::error::{ApiJson, AppResult};
use crate::server::services::accounts::{email, profile, reset, security_log, sso};
use crate::server::services::{teams, PageRequest};
use crate::server::state::AppState;
use crate::views::{IdentityView, MeView, Page, ProviderView, SecurityEventView, SessionView};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(me, update_me, delete_me))
        .routes(routes!(verify_email))
        .routes(routes!(resend_verification))
        .routes(routes!(forgot_password))
        .routes(routes!(reset_password))
        .routes(routes!(sessions))
        .routes(routes!(revoke_session))
        .routes(routes!(security_log))
        .routes(routes!(providers))
        .routes(routes!(oidc_authorize))
        .routes(routes!(oidc_callback))
        .routes(routes!(identities))
        .routes(routes!(unlink_identity))
}

/// What to change of the caller's account.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct UpdateMe {
    /// A new display name (up to 200 characters).
    name: Option<String>,
    /// A new email address: it takes effect once the link sent to it is
    /// used (`pendingEmail` until then), or at once where the server sends
    /// no email. The current address cancels a pending change.
    email: Option<String>,
}

/// The confirmation of an account deletion.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct DeleteMe {
    /// The account's email address, typed again.
    confirm_email: String,
}

/// An emailed link's secret.
#[derive(Deserialize, utoipa::ToSchema)]
struct TokenBody {
    /// The `token` of the link (`/verify-email?token=…`).
    token: String,
}

/// An address that forgot its password.
#[derive(Deserialize, utoipa::ToSchema)]
struct ForgotPassword {
    /// The account's email address.
    email: String,
}

/// A reset link's secret and the new password.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct ResetPassword {
    /// The `token` of the link (`/reset-password?token=…`).
    token: String,
    /// 10 to 1024 characters.
    new_password: String,
}

/// The same answer whether or not an account has the address.
#[derive(serde::Serialize, utoipa::ToSchema)]
struct Accepted {
    /// What happens next.
    message: String,
}

/// Who am I
///
/// Any signed-in person. The account, the teams it belongs to (with its
/// role in each) and the session's current team; whether the email is
/// verified, a pending new address, and whether this server sends email.
#[utoipa::path(get, path = "/me", tag = "auth",
    responses((status = 200, description = "The caller", body = MeView)))]
async fn me(State(state): State<AppState>, auth: AuthSession) -> AppResult<Json<MeView>> {
    Ok(Json(teams::me(&state, &auth).await?))
}

/// Change my name or email
///
/// Any signed-in person, for their own account. A new email takes effect
/// once the link sent to it is used (`pendingEmail` until then).
#[utoipa::path(patch, path = "/me", tag = "auth", request_body = UpdateMe,
    responses((status = 200, description = "The account", body = UserBody),
        (status = 409, description = "Another account has that email", body = crate::server::error::ErrorBody),
        (status = 429, description = "Too many emails to that address", body = crate::server::error::ErrorBody)))]
async fn update_me(
    State(state): State<AppState>,
    auth: AuthSession,
    addr: Option<Extension<ClientAddr>>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<UpdateMe>,
) -> AppResult<Json<UserBody>> {
    let meta = client_meta(addr.map(|a| a.0), &headers);
    let user = profile::update(
        &state,
        &auth,
        body.name.as_deref(),
        body.email.as_deref(),
        &meta,
    )
    .await?;
    Ok(Json(UserBody { user }))
}

/// Delete my account
///
/// Any signed-in person, confirmed by typing the account's email. Refused
/// (409, naming the teams) while they are the last OWNER of a team. Their
/// sessions, memberships, OAuth connections and the API tokens they made
/// go; their releases, comments and log entries stay, by "Former member".
#[utoipa::path(delete, path = "/me", tag = "auth", request_body = DeleteMe,
    responses((status = 204, description = "Deleted; every session is signed out"),
        (status = 409, description = "The last OWNER of the named teams", body = crate::server::error::ErrorBody)))]
async fn delete_me(
    State(state): State<AppState>,
    auth: AuthSession,
    ApiJson(body): ApiJson<DeleteMe>,
) -> AppResult<StatusCode> {
    profile::delete(&state, &auth, &body.confirm_email).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Verify an email address
///
/// Public: the token of the emailed link is the credential. The account's
/// address is verified, or its pending new address takes effect. 400 for an
/// unknown, used or expired link.
#[utoipa::path(post, path = "/auth/verify-email", tag = "auth", security(()), request_body = TokenBody,
    responses((status = 204, description = "Verified")))]
async fn verify_email(
    State(state): State<AppState>,
    addr: Option<Extension<ClientAddr>>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<TokenBody>,
) -> AppResult<StatusCode> {
    let meta = client_meta(addr.map(|a| a.0), &headers);
    email::verify(&state, &body.token, &meta).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Send the verification link again
///
/// Any signed-in person: to the pending new address, or to the account's
/// address while it is not verified (the older link stops working). 400
/// when there is nothing to verify or the server sends no email.
#[utoipa::path(post, path = "/auth/verify-email/resend", tag = "auth",
    responses((status = 204, description = "Sent"),
        (status = 429, description = "Too many emails to this address", body = crate::server::error::ErrorBody)))]
async fn resend_verification(
    State(state): State<AppState>,
    auth: AuthSession,
    addr: Option<Extension<ClientAddr>>,
    headers: HeaderMap,
) -> AppResult<StatusCode> {
    let meta = client_meta(addr.map(|a| a.0), &headers);
    email::resend(&state, &auth, &meta).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Forgot the password
///
/// Public. Emails a link to `/reset-password?token=…`, valid one hour, if an
/// account has the address; the answer is the same either way. More than a
/// few requests an hour for one address get 429.
#[utoipa::path(post, path = "/auth/forgot-password", tag = "auth", security(()), request_body = ForgotPassword,
    responses((status = 202, description = "If an account has the address, a link is on its way", body = Accepted),
        (status = 429, description = "Too many requests for this address", body = crate::server::error::ErrorBody)))]
async fn forgot_password(
    State(state): State<AppState>,
    addr: Option<Extension<ClientAddr>>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<ForgotPassword>,
) -> AppResult<(StatusCode, Json<Accepted>)> {
    let meta = client_meta(addr.map(|a| a.0), &headers);
    reset::forgot(&state, &body.email, &meta).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(Accepted {
            message: "If an account has this address, we sent it a link to choose a new password. It works for one hour.".into(),
        }),
    ))
}

/// Reset the password
///
/// Public: the token of the emailed link is the credential. Sets the new
/// password and signs out every session of the account. 400 for an unknown,
/// used or expired link.
#[utoipa::path(post, path = "/auth/reset-password", tag = "auth", security(()), request_body = ResetPassword,
    responses((status = 204, description = "Changed; every session is signed out")))]
async fn reset_password(
    State(state): State<AppState>,
    addr: Option<Extension<ClientAddr>>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<ResetPassword>,
) -> AppResult<StatusCode> {
    let meta = client_meta(addr.map(|a| a.0), &headers);
    reset::reset(&state, &body.token, &body.new_password, &meta).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// My sessions
///
/// Any signed-in person: their live sessions, most recently used first,
/// with the browser, the address and when each was last used (all on one
/// page: `nextCursor` is always null).
#[utoipa::path(get, path = "/auth/sessions", tag = "auth", params(PageRequest),
    responses((status = 200, description = "The caller's sessions", body = Page<SessionView>)))]
async fn sessions(
    State(state): State<AppState>,
    auth: AuthSession,
    q: Result<Query<PageRequest>, QueryRejection>,
) -> AppResult<Json<Page<SessionView>>> {
    let all = profile::sessions(&state, &auth).await?;
    Ok(Json(page_query(q)?.slice(all, |s| s.id.clone())?))
}

/// Sign a session out
///
/// Any signed-in person, for one of their own sessions: it answers 401 from
/// then on and its live streams end.
#[utoipa::path(delete, path = "/auth/sessions/{id}", tag = "auth",
    params(("id" = String, Path, description = "The session's id")),
    responses((status = 204, description = "Signed out")))]
async fn revoke_session(
    State(state): State<AppState>,
    auth: AuthSession,
    addr: Option<Extension<ClientAddr>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    let meta = client_meta(addr.map(|a| a.0), &headers);
    profile::revoke_session(&state, &auth, &id, &meta).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// My security log
///
/// Any signed-in person: their own account events (sign-ins, failed
/// sign-ins, password changes and resets, verification, sessions signed
/// out), newest first. Never a token or a password.
#[utoipa::path(get, path = "/me/security-log", tag = "auth", params(PageRequest),
    responses((status = 200, description = "A page of events", body = Page<SecurityEventView>)))]
async fn security_log(
    State(state): State<AppState>,
    auth: AuthSession,
    q: Result<Query<PageRequest>, QueryRejection>,
) -> AppResult<Json<Page<SecurityEventView>>> {
    Ok(Json(
        security_log::list(&state, &auth, &page_query(q)?).await?,
    ))
}

/// The single-sign-on providers
///
/// Public: the OpenID Connect providers this server offers on its sign-in
/// page (`RC_OIDC_<ID>_*`), in id order.
#[utoipa::path(get, path = "/auth/providers", tag = "auth", security(()), params(PageRequest),
    responses((status = 200, description = "The providers", body = Page<ProviderView>)))]
async fn providers(
    State(state): State<AppState>,
    q: Result<Query<PageRequest>, QueryRejection>,
) -> AppResult<Json<Page<ProviderView>>> {
    Ok(Json(
        page_query(q)?.slice(sso::providers(&state), |p| p.id.clone())?,
    ))
}

/// Where to go after signing in (a path of this site).
#[derive(Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct NextQuery {
    /// A local path to open after signing in (anything else is ignored).
    next: Option<String>,
}

/// The state cookie of a sign-in in flight (empty value and no age clear it).
fn state_cookie(value: &str, secure: bool) -> String {
    let age = if value.is_empty() {
        0
    } else {
        sso::STATE_MINUTES * 60
    };
    cookie::Cookie::build((sso::STATE_COOKIE, value))
        .path("/api/auth/oidc")
        .http_only(true)
        .same_site(cookie::SameSite::Lax)
        .max_age(cookie::time::Duration::seconds(age))
        .secure(secure)
        .build()
        .to_string()
}

/// Sign in with a provider
///
/// Public. Answers 302 to the provider's authorization endpoint with
/// `state`, `nonce` and a PKCE `code_challenge` (S256); a short-lived
/// cookie binds the sign-in to this browser.
#[utoipa::path(get, path = "/auth/oidc/{id}/authorize", tag = "auth", security(()),
    params(("id" = String, Path, description = "The provider's id"), NextQuery),
    responses((status = 302, description = "To the provider",
            headers(("Location" = String, description = "The provider's authorization URL"))),
        (status = 502, description = "The provider could not be reached", body = crate::server::error::ErrorBody)))]
async fn oidc_authorize(
    State(state): State<AppState>,
    Path(id): Path<String>,
    q: Result<Query<NextQuery>, QueryRejection>,
) -> AppResult<Response> {
    // A query that does not parse is no `next` at all.
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let (url, st) = sso::begin(&state, &id, q.next.as_deref()).await?;
    Ok((
        StatusCode::FOUND,
        [
            (header::LOCATION, url),
            (
                header::SET_COOKIE,
                state_cookie(&st, state.settings.secure_cookies()),
            ),
        ],
    )
        .into_response())
}

/// What the provider sends back.
#[derive(Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct CallbackQuery {
    /// The authorization code.
    code: Option<String>,
    /// The `state` sent with the authorization request.
    state: Option<String>,
    /// The provider's error (`access_denied`, …).
    error: Option<String>,
}

/// Back from a provider
///
/// Public: where the provider sends the browser. A valid sign-in sets the
/// session cookie and answers 303 to `next` (or the board, or
/// `/select-team`); a refused one (bad `state`, a token with a wrong
/// signature, issuer or audience, an expired token, no verified email, a
/// domain not allowed) answers 303 to `/sign-in?error=…` and creates
/// nothing.
#[utoipa::path(get, path = "/auth/oidc/{id}/callback", tag = "auth", security(()),
    params(("id" = String, Path, description = "The provider's id"), CallbackQuery),
    responses((status = 303, description = "Signed in (to `next`) or refused (to `/sign-in?error=…`)",
        headers(("Location" = String, description = "Where the browser goes next"),
            ("Set-Cookie" = String, description = "The new session cookie, when signed in")))))]
async fn oidc_callback(
    State(state): State<AppState>,
    Path(id): Path<String>,
    q: Result<Query<CallbackQuery>, QueryRejection>,
    addr: Option<Extension<ClientAddr>>,
    headers: HeaderMap,
) -> AppResult<Response> {
    // A query that does not parse is refused like an incomplete one.
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let meta = client_meta(addr.map(|a| a.0), &headers);
    let secure = state.settings.secure_cookies();
    let cookie_state = crate::server::auth::cookie_value(&headers, sso::STATE_COOKIE);
    let cb = sso::Callback {
        code: q.code.as_deref(),
        state: q.state.as_deref(),
        error: q.error.as_deref(),
        cookie_state: cookie_state.as_deref(),
    };
    let clear = state_cookie("", secure);
    match sso::finish(&state, &id, cb, &meta).await {
        Ok((_, session, next)) => {
            let mut resp = (StatusCode::SEE_OTHER, [(header::LOCATION, next)]).into_response();
            let h = resp.headers_mut();
            for c in [
                crate::server::auth::session_cookie(&session.token, session.max_age, secure),
                clear,
            ] {
                if let Ok(v) = c.parse() {
                    h.append(header::SET_COOKIE, v);
                }
            }
            Ok(resp)
        }
        Err(
            e @ (crate::server::error::AppError::BadRequest { .. }
            | crate::server::error::AppError::NotFound(_)),
        ) => {
            let msg: String = form_urlencoded::byte_serialize(e.to_string().as_bytes()).collect();
            Ok((
                StatusCode::SEE_OTHER,
                [
                    (header::LOCATION, format!("/sign-in?error={msg}")),
                    (header::SET_COOKIE, clear),
                ],
            )
                .into_response())
        }
        Err(e) => Err(e),
    }
}

/// My linked identities
///
/// Any signed-in person: the single-sign-on identities linked to their
/// account, oldest first.
#[utoipa::path(get, path = "/me/identities", tag = "auth", params(PageRequest),
    responses((status = 200, description = "The identities", body = Page<IdentityView>)))]
async fn identities(
    State(state): State<AppState>,
    auth: AuthSession,
    q: Result<Query<PageRequest>, QueryRejection>,
) -> AppResult<Json<Page<IdentityView>>> {
    let all = sso::identities(&state, &auth).await?;
    Ok(Json(page_query(q)?.slice(all, |i| i.id.clone())?))
}

/// Unlink an identity
///
/// Any signed-in person, for their own identity: 400 when it is their last
/// way to sign in (no password and no other identity).
#[utoipa::path(delete, path = "/me/identities/{id}", tag = "auth",
    params(("id" = String, Path, description = "The identity's id")),
    responses((status = 204, description = "Unlinked")))]
async fn unlink_identity(
    State(state): State<AppState>,
    auth: AuthSession,
    addr: Option<Extension<ClientAddr>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    let meta = client_meta(addr.map(|a| a.0), &headers);
    sso::unlink(&state, &auth, &id, &meta).await?;
    Ok(StatusCode::NO_CONTENT)
}
