//! `/api/auth/*` and `/api/me`: accounts and sessions.

use crate::server::auth::{
    clear_session_cookie, session_cookie, AuthSession, ClientAddr, ResolvedAuth,
};
use crate::server::error::{ApiJson, AppResult};
use crate::server::services::accounts::{self, ClientMeta, NewSession};
use crate::server::state::AppState;
use crate::views::UserView;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(sign_up))
        .routes(routes!(sign_in))
        .routes(routes!(sign_out))
        .routes(routes!(change_password))
}

/// The caller's address (resolved once per request, proxies considered)
/// and user agent.
pub fn client_meta(addr: Option<ClientAddr>, headers: &HeaderMap) -> ClientMeta {
    ClientMeta {
        ip: addr.map(|a| a.0),
        user_agent: headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(300).collect()),
    }
}

/// A new account.
#[derive(Deserialize, utoipa::ToSchema)]
struct SignUp {
    /// The email address to sign in with (one account per address).
    email: String,
    /// The name others see (up to 200 characters).
    name: String,
    /// 10 to 1024 characters.
    password: String,
}

/// The credentials of an account.
#[derive(Deserialize, utoipa::ToSchema)]
struct SignIn {
    /// The account's email address.
    email: String,
    /// The account's password.
    password: String,
}

/// The current password and its replacement.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct ChangePassword {
    /// The password in use now.
    current_password: String,
    /// The new password: 10 to 1024 characters.
    new_password: String,
}

/// An account (after sign-up and sign-in, its session is in the `Set-Cookie` header).
#[derive(serde::Serialize, utoipa::ToSchema)]
pub(super) struct UserBody {
    /// The account.
    pub(super) user: UserView,
}

fn with_session(
    state: &AppState,
    status: StatusCode,
    user: UserView,
    session: NewSession,
) -> Response {
    let cookie = session_cookie(
        &session.token,
        session.max_age,
        state.settings.secure_cookies(),
    );
    (
        status,
        [(header::SET_COOKIE, cookie)],
        Json(UserBody { user }),
    )
        .into_response()
}

/// Create an account
///
/// Public. Creates the account and signs it in: the answer sets the session
/// cookie. Sign-ups per address are limited (429).
#[utoipa::path(post, path = "/auth/sign-up", tag = "auth", security(()), request_body = SignUp,
    responses((status = 201, description = "Created and signed in", body = UserBody,
            headers(("Set-Cookie" = String, description = "The new session cookie"))),
        (status = 409, description = "An account with this email already exists", body = crate::server::error::ErrorBody),
        (status = 429, description = "Too many sign-ups from this address", body = crate::server::error::ErrorBody)))]
async fn sign_up(
    State(state): State<AppState>,
    addr: Option<Extension<ClientAddr>>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SignUp>,
) -> AppResult<Response> {
    let meta = client_meta(addr.map(|a| a.0), &headers);
    let (user, session) =
        accounts::sign_up(&state, &body.email, &body.name, &body.password, &meta).await?;
    Ok(with_session(&state, StatusCode::CREATED, user, session))
}

/// Sign in
///
/// Public. The answer sets the session cookie; the session starts in the
/// team the user joined most recently. An unknown email and a wrong
/// password get the same 401; repeated failures get 429.
#[utoipa::path(post, path = "/auth/sign-in", tag = "auth", security(()), request_body = SignIn,
    responses((status = 200, description = "Signed in", body = UserBody,
            headers(("Set-Cookie" = String, description = "The new session cookie"))),
        (status = 401, description = "Wrong email or password", body = crate::server::error::ErrorBody),
        (status = 429, description = "Too many failed sign-in attempts", body = crate::server::error::ErrorBody)))]
async fn sign_in(
    State(state): State<AppState>,
    addr: Option<Extension<ClientAddr>>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SignIn>,
) -> AppResult<Response> {
    let meta = client_meta(addr.map(|a| a.0), &headers);
    let (user, session) = accounts::sign_in(&state, &body.email, &body.password, &meta).await?;
    Ok(with_session(&state, StatusCode::OK, user, session))
}

/// Sign out
///
/// Public: ends the session of the cookie sent, if any, and clears the
/// cookie either way.
#[utoipa::path(post, path = "/auth/sign-out", tag = "auth", security(()),
    responses((status = 204, description = "Signed out",
        headers(("Set-Cookie" = String, description = "Clears the session cookie")))))]
async fn sign_out(
    State(state): State<AppState>,
    Extension(resolved): Extension<ResolvedAuth>,
) -> AppResult<Response> {
    if let Some(auth) = resolved.session {
        accounts::sign_out(&state, &auth.session_id).await?;
    }
    Ok((
        StatusCode::NO_CONTENT,
        [(
            header::SET_COOKIE,
            clear_session_cookie(state.settings.secure_cookies()),
        )],
    )
        .into_response())
}

/// Change the password
///
/// Any signed-in person, for their own account. Every other session of
/// theirs is signed out; this one stays. Repeated wrong current passwords
/// get 429.
#[utoipa::path(post, path = "/auth/password", tag = "auth", request_body = ChangePassword,
    responses((status = 204, description = "Changed"),
        (status = 429, description = "Too many wrong current passwords", body = crate::server::error::ErrorBody)))]
async fn change_password(
    State(state): State<AppState>,
    auth: AuthSession,
    ApiJson(body): ApiJson<ChangePassword>,
) -> AppResult<StatusCode> {
    accounts::change_password(&state, &auth, &body.current_password, &body.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}
