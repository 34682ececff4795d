//! Accounts, teams, members and invitations, for the pages.

use crate::domain::ids::{InvitationId, TeamId, UserId};
use crate::domain::roles::Role;
use crate::views::*;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::ctx;

/// The signed-in user with their teams, or `None` when signed out.
#[server(prefix = "/rpc")]
pub async fn get_me() -> Result<Option<MeView>, ApiError> {
    let state = ctx::state()?;
    match ctx::maybe_session().await {
        Some(auth) => Ok(Some(
            crate::server::services::teams::me(&state, &auth).await?,
        )),
        None => Ok(None),
    }
}

#[cfg(feature = "ssr")]
fn start_session(
    state: &crate::server::state::AppState,
    s: &crate::server::services::accounts::NewSession,
) {
    ctx::set_cookie(&crate::server::auth::session_cookie(
        &s.token,
        s.max_age,
        state.settings.secure_cookies(),
    ));
}

/// Signs in and goes to `next` (a local path) or the board.
#[server(prefix = "/rpc")]
pub async fn sign_in(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<(), ApiError> {
    let state = ctx::state()?;
    let meta = ctx::client_meta().await;
    let (_, session) =
        crate::server::services::accounts::sign_in(&state, &email, &password, &meta).await?;
    start_session(&state, &session);
    // Someone without a team yet starts by choosing or creating one.
    let home = if session.team_id.is_some() {
        "/board"
    } else {
        "/select-team"
    };
    let dest = next
        .filter(|n| !n.is_empty())
        .map(|n| crate::server::auth::safe_next(&n))
        .unwrap_or_else(|| home.into());
    leptos_axum::redirect(&dest);
    Ok(())
}

/// Creates an account, signs it in and goes to `next` or team selection.
#[server(prefix = "/rpc")]
pub async fn sign_up(
    name: String,
    email: String,
    password: String,
    next: Option<String>,
) -> Result<(), ApiError> {
    let state = ctx::state()?;
    let meta = ctx::client_meta().await;
    let (_, session) =
        crate::server::services::accounts::sign_up(&state, &email, &name, &password, &meta).await?;
    start_session(&state, &session);
    let dest = next
        .filter(|n| !n.is_empty())
        .map(|n| crate::server::auth::safe_next(&n))
        .unwrap_or_else(|| "/select-team".into());
    leptos_axum::redirect(&dest);
    Ok(())
}

/// Signs out (the session is revoked server-side) and goes to the start page.
#[server(prefix = "/rpc")]
pub async fn sign_out() -> Result<(), ApiError> {
    let state = ctx::state()?;
    if let Some(auth) = ctx::maybe_session().await {
        crate::server::services::accounts::sign_out(&state, &auth.session_id).await?;
    }
    ctx::set_cookie(&crate::server::auth::clear_session_cookie(
        state.settings.secure_cookies(),
    ));
    leptos_axum::redirect("/sign-in");
    Ok(())
}

/// Creates a team (the caller becomes OWNER) and opens its board.
#[server(prefix = "/rpc")]
pub async fn create_team(name: String) -> Result<(), ApiError> {
    let state = ctx::state()?;
    let auth = ctx::session().await?;
    crate::server::services::teams::create_team(&state, &auth, &name).await?;
    leptos_axum::redirect("/board");
    Ok(())
}

/// Switches the current team and opens its board.
#[server(prefix = "/rpc")]
pub async fn select_team(team_id: TeamId) -> Result<(), ApiError> {
    let state = ctx::state()?;
    let auth = ctx::session().await?;
    crate::server::services::teams::select_team(&state, &auth, &team_id).await?;
    leptos_axum::redirect("/board");
    Ok(())
}

/// Everything the members page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MembersPageData {
    /// The caller's role.
    pub my_role: Role,
    /// The caller's user id.
    pub my_user_id: String,
    /// Members, oldest first: the first 100 (or the page after `cursor`).
    pub members: Vec<MemberView>,
    /// The cursor of the next page of members, if there is one.
    pub next_cursor: Option<String>,
    /// How many members the team has (first page only).
    pub total: Option<u64>,
    /// Pending invitations (empty for roles that cannot invite).
    pub invitations: Vec<InvitationView>,
    /// The team's id and name.
    pub team_id: String,
    /// Team name.
    pub team_name: String,
}

/// The members page's data: members 100 at a time (`cursor`: the page
/// after it); pending invitations with the first page.
#[server(prefix = "/rpc")]
pub async fn members_page(cursor: Option<String>) -> Result<MembersPageData, ApiError> {
    use crate::server::services::{teams, PageRequest};
    let state = ctx::state()?;
    let team = ctx::team().await?;
    let first = cursor.is_none();
    let page = teams::members(
        &state,
        &team,
        &PageRequest {
            limit: Some(100),
            cursor,
        },
    )
    .await?;
    let all = PageRequest {
        limit: Some(500),
        cursor: None,
    };
    let invitations = if first && team.role().can_invite() {
        teams::invitations(&state, &team.admin("see pending invitations")?, &all)
            .await?
            .items
    } else {
        vec![]
    };
    let settings = teams::settings(&state, &team).await?;
    let total = match first {
        true => Some(teams::member_count(&state, &team).await?),
        false => None,
    };
    Ok(MembersPageData {
        total,
        my_role: team.role(),
        my_user_id: team.person("see the team")?.to_string(),
        members: page.items,
        next_cursor: page.next_cursor,
        invitations,
        team_id: team.team_id().to_string(),
        team_name: settings.name,
    })
}

/// Invites an email with a role; returns the link (shown once).
#[server(prefix = "/rpc")]
pub async fn invite_member(email: String, role: String) -> Result<InvitationCreated, ApiError> {
    let state = ctx::state()?;
    let team = ctx::team().await?;
    crate::server::services::teams::invite(&state, &team.admin("invite people")?, &email, &role)
        .await
        .map_err(ApiError::from)
}

/// Revokes a pending invitation.
#[server(prefix = "/rpc")]
pub async fn revoke_invitation(id: InvitationId) -> Result<(), ApiError> {
    let state = ctx::state()?;
    let team = ctx::team().await?;
    crate::server::services::teams::revoke_invitation(
        &state,
        &team.admin("revoke invitations")?,
        &id,
    )
    .await
    .map_err(ApiError::from)
}

/// Changes the caller's password; their other sessions are signed out.
#[server(prefix = "/rpc")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), ApiError> {
    let state = ctx::state()?;
    let auth = ctx::session().await?;
    crate::server::services::accounts::change_password(
        &state,
        &auth,
        &current_password,
        &new_password,
    )
    .await
    .map_err(ApiError::from)
}

/// Changes a member's role.
#[server(prefix = "/rpc")]
pub async fn change_member_role(user_id: UserId, role: String) -> Result<(), ApiError> {
    let state = ctx::state()?;
    let team = ctx::team().await?;
    crate::server::services::teams::change_role(
        &state,
        &team.admin("change roles")?,
        &user_id,
        &role,
    )
    .await?;
    Ok(())
}

/// Removes a member from the team.
#[server(prefix = "/rpc")]
pub async fn remove_member(user_id: UserId) -> Result<(), ApiError> {
    let state = ctx::state()?;
    let team = ctx::team().await?;
    crate::server::services::teams::remove(&state, &team, &user_id).await?;
    Ok(())
}

/// Leaves the current team.
#[server(prefix = "/rpc")]
pub async fn leave_team() -> Result<(), ApiError> {
    let state = ctx::state()?;
    let team = ctx::team().await?;
    crate::server::services::teams::leave(&state, &team).await?;
    leptos_axum::redirect("/select-team");
    Ok(())
}

/// Deletes the current team and everything in it (OWNER).
#[server(prefix = "/rpc")]
pub async fn delete_team(team_id: TeamId) -> Result<(), ApiError> {
    let state = ctx::state()?;
    let auth = ctx::session().await?;
    crate::server::services::teams::delete_team(&state, &auth, &team_id).await?;
    leptos_axum::redirect("/select-team");
    Ok(())
}

/// What the invitation page shows, plus who is signed in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvitePageData {
    /// The invitation, or `None` when the token is unknown.
    pub invitation: Option<InvitationPreview>,
    /// The signed-in user's email.
    pub signed_in_as: Option<String>,
    /// Whether the signed-in user must verify their email before accepting
    /// (the server sends email and theirs is not verified yet).
    pub needs_verification: bool,
    /// Whether this server sends email (and so verifies addresses).
    pub email_enabled: bool,
}

/// The invitation page's data (public).
#[server(prefix = "/rpc")]
pub async fn invite_page(token: String) -> Result<InvitePageData, ApiError> {
    let state = ctx::state()?;
    let invitation = crate::server::services::teams::preview_invitation(&state, &token)
        .await
        .ok();
    let session = ctx::maybe_session().await;
    let email_enabled = state.email_enabled();
    let needs_verification = email_enabled
        && session
            .as_ref()
            .is_some_and(|s| s.user.email_verified_at.is_none());
    Ok(InvitePageData {
        invitation,
        signed_in_as: session.map(|s| s.user.email.clone()),
        needs_verification,
        email_enabled,
    })
}

/// Accepts an invitation and opens the team's board.
#[server(prefix = "/rpc")]
pub async fn accept_invitation(token: String) -> Result<(), ApiError> {
    let state = ctx::state()?;
    let auth = ctx::session().await?;
    crate::server::services::teams::accept_invitation(&state, &auth, &token).await?;
    leptos_axum::redirect("/board");
    Ok(())
}

/// Which integrations this server has set up, and the caller's OAuth
/// connections (never a token).
#[server(prefix = "/rpc")]
pub async fn my_connections() -> Result<crate::views::ConnectionsInfo, ApiError> {
    use crate::views::{ConnectionInfo, ConnectionsInfo, SiteChoice};
    let state = ctx::state()?;
    let auth = ctx::session().await?;
    let site = |s: crate::server::services::oauth::SiteView| SiteChoice {
        id: s.id,
        name: s.name,
        url: s.url,
    };
    Ok(ConnectionsInfo {
        // Without an app, "Connect" could only fail: the page says what to set.
        github_available: state.settings.github.is_some(),
        jira_available: state.settings.jira.is_some(),
        list: crate::server::services::oauth::connections(&state, &auth)
            .await?
            .into_iter()
            .map(|c| ConnectionInfo {
                provider: c.provider.as_str().to_string(),
                account_name: c.account_name,
                is_valid: c.is_valid,
                last_error: c.last_error,
                site: c.site.map(site),
                site_choices: c.site_choices.into_iter().map(site).collect(),
            })
            .collect(),
    })
}

/// Picks the Jira site of a connection whose account reaches several.
#[server(prefix = "/rpc")]
pub async fn choose_jira_site(cloud_id: String) -> Result<(), ApiError> {
    let state = ctx::state()?;
    let auth = ctx::session().await?;
    crate::server::services::oauth::choose_jira_site(&state, &auth, &cloud_id).await?;
    Ok(())
}

/// Removes one of the caller's connections.
#[server(prefix = "/rpc")]
pub async fn disconnect(provider: String) -> Result<(), ApiError> {
    let state = ctx::state()?;
    let auth = ctx::session().await?;
    crate::server::services::oauth::disconnect(&state, &auth, &provider)
        .await
        .map_err(ApiError::from)
}
