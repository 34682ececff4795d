//! `/api/auth/*` and `/api/me`: accounts and sessions.

use crate::server::auth::{
    clear_session_cookie, session_cookie, AuthSession, ClientAddr, ResolvedAuth,
};
use crate::server::error::{ApiJson, AppResult};
use crate::server::services::accounts::{self, ClientMeta, NewSession};
use crate::server::services::teams;
use crate::server::state::AppState;
use crate::views::{MeView, UserView};
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use serde::Deserialize;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/sign-up", post(sign_up))
        .route("/auth/sign-in", post(sign_in))
        .route("/auth/sign-out", post(sign_out))
        .route("/auth/password", post(change_password))
        .route("/me", get(me))
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

#[derive(Deserialize)]
struct SignUp {
    email: String,
    name: String,
    password: String,
}

#[derive(Deserialize)]
struct SignIn {
    email: String,
    password: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ChangePassword {
    current_password: String,
    new_password: String,
}

#[derive(serde::Serialize)]
struct UserBody {
    user: UserView,
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

async fn change_password(
    State(state): State<AppState>,
    auth: AuthSession,
    ApiJson(body): ApiJson<ChangePassword>,
) -> AppResult<StatusCode> {
    accounts::change_password(&state, &auth, &body.current_password, &body.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn me(State(state): State<AppState>, auth: AuthSession) -> AppResult<Json<MeView>> {
    Ok(Json(teams::me(&state, &auth).await?))
}
