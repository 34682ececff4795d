//! A person's own identity, for the pages: forgotten passwords, emailed
//! links, the profile (name, email, sessions, security log) and deleting
//! the account.

use crate::views::*;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::ctx;

/// Whether this server sends email (public: the sign-in and forgot-password
/// pages say what to do without it).
#[server(prefix = "/rpc")]
pub async fn email_setup() -> Result<bool, ApiError> {
    Ok(ctx::state()?.email_enabled())
}

/// Asks for a reset link; the same answer whether or not the address has an
/// account.
#[server(prefix = "/rpc")]
pub async fn forgot_password(email: String) -> Result<(), ApiError> {
    let state = ctx::state()?;
    let meta = ctx::client_meta().await;
    crate::server::services::accounts::reset::forgot(&state, &email, &meta).await?;
    Ok(())
}

/// Sets a new password through an emailed link, then goes to sign-in.
#[server(prefix = "/rpc")]
pub async fn reset_password(token: String, new_password: String) -> Result<(), ApiError> {
    let state = ctx::state()?;
    let meta = ctx::client_meta().await;
    crate::server::services::accounts::reset::reset(&state, &token, &new_password, &meta).await?;
    // Every session of the account ended, this browser's too.
    ctx::set_cookie(&crate::server::auth::clear_session_cookie(
        state.settings.secure_cookies(),
    ));
    leptos_axum::redirect("/sign-in?reset=1");
    Ok(())
}

/// Uses a verification link.
#[server(prefix = "/rpc")]
pub async fn verify_email(token: String) -> Result<(), ApiError> {
    let state = ctx::state()?;
    let meta = ctx::client_meta().await;
    crate::server::services::accounts::email::verify(&state, &token, &meta).await?;
    Ok(())
}

/// Sends the caller's verification link again.
#[server(prefix = "/rpc")]
pub async fn resend_verification() -> Result<(), ApiError> {
    let state = ctx::state()?;
    let auth = ctx::session().await?;
    let meta = ctx::client_meta().await;
    crate::server::services::accounts::email::resend(&state, &auth, &meta).await?;
    Ok(())
}

/// Changes the caller's name and email (a new email waits for its link).
#[server(prefix = "/rpc")]
pub async fn update_profile(name: String, email: Option<String>) -> Result<UserView, ApiError> {
    let state = ctx::state()?;
    let auth = ctx::session().await?;
    let meta = ctx::client_meta().await;
    Ok(crate::server::services::accounts::profile::update(
        &state,
        &auth,
        Some(&name),
        email.as_deref(),
        &meta,
    )
    .await?)
}

/// The caller's sessions and security log, for the profile page.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SecurityOverview {
    /// Live sessions, most recently used first.
    pub sessions: Vec<SessionView>,
    /// The newest account events.
    pub events: Vec<SecurityEventView>,
}

/// The profile's sessions and security log.
#[server(prefix = "/rpc")]
pub async fn account_activity() -> Result<SecurityOverview, ApiError> {
    use crate::server::services::accounts::{profile, security_log};
    let state = ctx::state()?;
    let auth = ctx::session().await?;
    let page = crate::server::services::PageRequest {
        limit: Some(50),
        cursor: None,
    };
    Ok(SecurityOverview {
        sessions: profile::sessions(&state, &auth).await?,
        events: security_log::list(&state, &auth, &page).await?.items,
    })
}

/// Signs one of the caller's sessions out.
#[server(prefix = "/rpc")]
pub async fn sign_out_session(id: String) -> Result<(), ApiError> {
    let state = ctx::state()?;
    let auth = ctx::session().await?;
    let meta = ctx::client_meta().await;
    crate::server::services::accounts::profile::revoke_session(&state, &auth, &id, &meta).await?;
    Ok(())
}

/// Deletes the caller's account (confirmed by its email) and goes home.
#[server(prefix = "/rpc")]
pub async fn delete_account(confirm_email: String) -> Result<(), ApiError> {
    let state = ctx::state()?;
    let auth = ctx::session().await?;
    crate::server::services::accounts::profile::delete(&state, &auth, &confirm_email).await?;
    ctx::set_cookie(&crate::server::auth::clear_session_cookie(
        state.settings.secure_cookies(),
    ));
    leptos_axum::redirect("/?deleted=1");
    Ok(())
}

/// Sends a pending invitation again (a new link, shown once).
#[server(prefix = "/rpc")]
pub async fn resend_invitation(
    id: crate::domain::ids::InvitationId,
) -> Result<InvitationCreated, ApiError> {
    let state = ctx::state()?;
    let team = ctx::team().await?;
    Ok(crate::server::services::teams::resend_invitation(
        &state,
        &team.admin("resend invitations")?,
        &id,
    )
    .await?)
}

/// The single-sign-on providers of the sign-in page (public).
#[server(prefix = "/rpc")]
pub async fn sign_in_providers() -> Result<Vec<ProviderView>, ApiError> {
    Ok(crate::server::services::accounts::sso::providers(
        &ctx::state()?,
    ))
}

/// The caller's linked single-sign-on identities.
#[server(prefix = "/rpc")]
pub async fn my_identities() -> Result<Vec<IdentityView>, ApiError> {
    let state = ctx::state()?;
    let auth = ctx::session().await?;
    Ok(crate::server::services::accounts::sso::identities(&state, &auth).await?)
}

/// Unlinks one of the caller's identities.
#[server(prefix = "/rpc")]
pub async fn unlink_identity(id: String) -> Result<(), ApiError> {
    let state = ctx::state()?;
    let auth = ctx::session().await?;
    let meta = ctx::client_meta().await;
    crate::server::services::accounts::sso::unlink(&state, &auth, &id, &meta).await?;
    Ok(())
}
