//! Leptos `#[server]` functions, grouped by resource. Each is thin: take the
//! state and the caller from context, call one service, return a view type.
//! They live under the `/rpc` prefix (`#[server(prefix = "/rpc")]`) — `/api`
//! belongs to the REST contract alone.

pub mod account;
pub mod automation;
pub mod board;
pub mod catalog;
pub mod dashboard;
pub mod groups;
pub mod identity;
pub mod items;
pub mod planning;
pub mod policy;
pub mod releases;
pub mod settings;
pub mod sprints;

/// The URL prefix of every server function.
pub const PREFIX: &str = "/rpc";

#[cfg(feature = "ssr")]
pub(crate) mod ctx {
    //! Reaching the app state and the caller from inside a server function.
    use crate::server::access::TeamContext;
    use crate::server::auth::{AuthSession, ResolvedAuth};
    use crate::server::error::AppError;
    use crate::server::state::AppState;
    use crate::views::ApiError;
    use leptos::prelude::*;

    /// The shared state (provided by the router for every request).
    pub fn state() -> Result<AppState, ApiError> {
        use_context::<AppState>().ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!("BUG: no AppState in context")).into()
        })
    }

    async fn resolved() -> ResolvedAuth {
        leptos_axum::extract::<axum::Extension<ResolvedAuth>>()
            .await
            .map(|e| e.0)
            .unwrap_or_default()
    }

    /// The signed-in caller, or "sign in first".
    pub async fn session() -> Result<AuthSession, ApiError> {
        resolved()
            .await
            .session
            .as_deref()
            .cloned()
            .ok_or_else(|| AppError::Unauthorized("sign in first".into()).into())
    }

    /// The signed-in caller, if any.
    pub async fn maybe_session() -> Option<AuthSession> {
        resolved().await.session.as_deref().cloned()
    }

    /// The caller inside their current team, or "no team selected".
    pub async fn team() -> Result<TeamContext, ApiError> {
        session().await?;
        resolved()
            .await
            .team
            .as_deref()
            .cloned()
            .ok_or_else(|| AppError::Forbidden("no team selected".into()).into())
    }

    /// Adds a `Set-Cookie` header to the response.
    pub fn set_cookie(value: &str) {
        if let (Some(resp), Ok(v)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            http::HeaderValue::from_str(value),
        ) {
            resp.append_header(http::header::SET_COOKIE, v);
        }
    }

    /// Where the request came from (address, proxies considered, and user
    /// agent), for sessions, the limits and the security log.
    pub async fn client_meta() -> crate::server::services::accounts::ClientMeta {
        let addr = leptos_axum::extract::<axum::Extension<crate::server::auth::ClientAddr>>()
            .await
            .ok()
            .map(|c| c.0);
        let headers = leptos_axum::extract::<http::HeaderMap>()
            .await
            .unwrap_or_default();
        crate::server::api::client_meta(addr, &headers)
    }
}
