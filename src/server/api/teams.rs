//! Teams, members, invitations and team settings.

use super::page_query;
use crate::server::access::TeamContext;
use crate::server::auth::AuthSession;
use crate::server::error::{ApiJson, AppResult};
use crate::server::services::teams::{self, SettingsPatch};
use crate::server::services::PageRequest;
use crate::server::state::AppState;
use crate::views::*;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(create_team))
        .routes(routes!(select_team))
        .routes(routes!(delete_team))
        .routes(routes!(leave))
        .routes(routes!(members))
        .routes(routes!(change_role, remove_member))
        .routes(routes!(invitations, invite))
        .routes(routes!(revoke_invitation))
        .routes(routes!(resend_invitation))
        .routes(routes!(preview_invitation))
        .routes(routes!(accept_invitation))
        .routes(routes!(settings, update_settings))
        .routes(routes!(test_slack))
}

/// The `{id}` of a team.
const TEAM_ID: &str = "The team's id";
/// The `{token}` of an invitation link.
const INVITATION_TOKEN: &str = "The invitation's secret token (the last part of its link)";

/// A new team.
#[derive(Deserialize, utoipa::ToSchema)]
struct NewTeam {
    /// The team's name (up to 200 characters).
    name: String,
}

/// A member's new role.
#[derive(Deserialize, utoipa::ToSchema)]
struct RoleBody {
    /// `OWNER`, `ADMIN`, `MEMBER` or `VIEWER`.
    #[schema(value_type = crate::domain::roles::Role)]
    role: String,
}

/// Whom to invite, with which role.
#[derive(Deserialize, utoipa::ToSchema)]
struct NewInvitation {
    /// The invited person's email address.
    email: String,
    /// The role they will get: `OWNER`, `ADMIN`, `MEMBER` or `VIEWER`.
    #[schema(value_type = crate::domain::roles::Role)]
    role: String,
}

/// Slack accepted the test message.
#[derive(Serialize, utoipa::ToSchema)]
struct SlackTestResult {
    /// Always `true`.
    ok: bool,
}

/// Create a team
///
/// Any signed-in person. The caller becomes its OWNER, and it becomes the
/// session's current team.
#[utoipa::path(post, path = "/teams", tag = "teams", request_body = NewTeam,
    responses((status = 201, description = "Created", body = TeamView)))]
async fn create_team(
    State(state): State<AppState>,
    auth: AuthSession,
    ApiJson(body): ApiJson<NewTeam>,
) -> AppResult<(StatusCode, Json<TeamView>)> {
    Ok((
        StatusCode::CREATED,
        Json(teams::create_team(&state, &auth, &body.name).await?),
    ))
}

/// Switch the current team
///
/// Any signed-in person, for a team they are a member of: it becomes the
/// session's current team.
#[utoipa::path(post, path = "/teams/{id}/select", tag = "teams",
    params(("id" = String, Path, description = TEAM_ID)),
    responses((status = 204, description = "Selected")))]
async fn select_team(
    State(state): State<AppState>,
    auth: AuthSession,
    Path(id): Path<crate::domain::ids::TeamId>,
) -> AppResult<StatusCode> {
    teams::select_team(&state, &auth, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Delete a team
///
/// OWNER only (of that team). Deletes the team and everything in it.
#[utoipa::path(delete, path = "/teams/{id}", tag = "teams",
    params(("id" = String, Path, description = TEAM_ID)),
    responses((status = 204, description = "Deleted")))]
async fn delete_team(
    State(state): State<AppState>,
    auth: AuthSession,
    Path(id): Path<crate::domain::ids::TeamId>,
) -> AppResult<StatusCode> {
    teams::delete_team(&state, &auth, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Leave the current team
///
/// Any member, as a person (a token cannot leave). The last OWNER cannot
/// leave (400): make someone else an owner first, or delete the team.
#[utoipa::path(post, path = "/team/leave", tag = "teams",
    responses((status = 204, description = "Left the team")))]
async fn leave(State(state): State<AppState>, ctx: TeamContext) -> AppResult<StatusCode> {
    teams::leave(&state, &ctx).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The team's members
///
/// Any member. Oldest membership first.
#[utoipa::path(get, path = "/team/members", tag = "teams", params(PageRequest),
    responses((status = 200, description = "A page of members", body = Page<MemberView>)))]
async fn members(
    State(state): State<AppState>,
    ctx: TeamContext,
    q: Result<Query<PageRequest>, axum::extract::rejection::QueryRejection>,
) -> AppResult<Json<Page<MemberView>>> {
    Ok(Json(teams::members(&state, &ctx, &page_query(q)?).await?))
}

/// Change a member's role
///
/// ADMIN and up: an OWNER manages everyone, an ADMIN only MEMBERs and
/// VIEWERs (and cannot make anyone an ADMIN or OWNER). The last OWNER
/// cannot be demoted (400).
#[utoipa::path(patch, path = "/team/members/{user_id}", tag = "teams", request_body = RoleBody,
    params(("user_id" = String, Path, description = "The member's user id")),
    responses((status = 200, description = "The member with their new role", body = MemberView)))]
async fn change_role(
    State(state): State<AppState>,
    ctx: TeamContext,
    Path(user_id): Path<crate::domain::ids::UserId>,
    ApiJson(body): ApiJson<RoleBody>,
) -> AppResult<Json<MemberView>> {
    Ok(Json(
        teams::change_role(&state, &ctx.admin("change roles")?, &user_id, &body.role).await?,
    ))
}

/// Remove a member
///
/// ADMIN and up (an ADMIN removes only MEMBERs and VIEWERs), or any member
/// removing themself (leaving). The last OWNER is never removed (400).
#[utoipa::path(delete, path = "/team/members/{user_id}", tag = "teams",
    params(("user_id" = String, Path, description = "The member's user id")),
    responses((status = 204, description = "Removed")))]
async fn remove_member(
    State(state): State<AppState>,
    ctx: TeamContext,
    Path(user_id): Path<crate::domain::ids::UserId>,
) -> AppResult<StatusCode> {
    teams::remove(&state, &ctx, &user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Invite someone
///
/// ADMIN and up, with a role they may grant (an ADMIN invites MEMBERs and
/// VIEWERs only). The answer holds the secret token and the link to send;
/// they are shown this once. The link is valid for 7 days. Where the server
/// sends email the link is also emailed to the invitee (`emailed`).
#[utoipa::path(post, path = "/team/invitations", tag = "teams", request_body = NewInvitation,
    responses((status = 201, description = "Created; the only time the token is shown", body = InvitationCreated),
        (status = 409, description = "That email is already a member of the team", body = crate::server::error::ErrorBody)))]
async fn invite(
    State(state): State<AppState>,
    ctx: TeamContext,
    ApiJson(body): ApiJson<NewInvitation>,
) -> AppResult<(StatusCode, Json<InvitationCreated>)> {
    Ok((
        StatusCode::CREATED,
        Json(
            teams::invite(
                &state,
                &ctx.admin("invite people")?,
                &body.email,
                &body.role,
            )
            .await?,
        ),
    ))
}

/// Pending invitations
///
/// ADMIN and up. Not yet accepted and not expired, oldest first.
#[utoipa::path(get, path = "/team/invitations", tag = "teams", params(PageRequest),
    responses((status = 200, description = "A page of pending invitations", body = Page<InvitationView>)))]
async fn invitations(
    State(state): State<AppState>,
    ctx: TeamContext,
    q: Result<Query<PageRequest>, axum::extract::rejection::QueryRejection>,
) -> AppResult<Json<Page<InvitationView>>> {
    Ok(Json(
        teams::invitations(
            &state,
            &ctx.admin("see pending invitations")?,
            &page_query(q)?,
        )
        .await?,
    ))
}

/// Revoke an invitation
///
/// ADMIN and up. Only a pending (not yet accepted) invitation.
#[utoipa::path(delete, path = "/team/invitations/{id}", tag = "teams",
    params(("id" = String, Path, description = "The invitation's id")),
    responses((status = 204, description = "Revoked")))]
async fn revoke_invitation(
    State(state): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<crate::domain::ids::InvitationId>,
) -> AppResult<StatusCode> {
    teams::revoke_invitation(&state, &ctx.admin("revoke invitations")?, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Send an invitation again
///
/// ADMIN and up. A pending invitation gets a new link (the old one stops
/// working), valid for another 7 days; it is emailed where the server sends
/// email (`emailed`), and shown this once to copy.
#[utoipa::path(post, path = "/team/invitations/{id}/resend", tag = "teams",
    params(("id" = String, Path, description = "The invitation's id")),
    responses((status = 200, description = "The new link; the only time its token is shown", body = InvitationCreated),
        (status = 429, description = "Too many emails to this address", body = crate::server::error::ErrorBody)))]
async fn resend_invitation(
    State(state): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<crate::domain::ids::InvitationId>,
) -> AppResult<Json<InvitationCreated>> {
    Ok(Json(
        teams::resend_invitation(&state, &ctx.admin("resend invitations")?, &id).await?,
    ))
}

/// Look at an invitation
///
/// Public: the token is the credential. The team, the invited email, the
/// role offered, and whether the link is still `valid`, `expired` or
/// `used`.
#[utoipa::path(get, path = "/invitations/{token}", tag = "teams", security(()),
    params(("token" = String, Path, description = INVITATION_TOKEN)),
    responses((status = 200, description = "What the invitation offers", body = InvitationPreview)))]
async fn preview_invitation(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> AppResult<Json<InvitationPreview>> {
    Ok(Json(teams::preview_invitation(&state, &token).await?))
}

/// Accept an invitation
///
/// Any signed-in person whose email the invitation was sent to: they join
/// with the invited role, and the team becomes the session's current team.
/// Where the server sends email, that email must be verified (403 with the
/// reason otherwise).
#[utoipa::path(post, path = "/invitations/{token}/accept", tag = "teams",
    params(("token" = String, Path, description = INVITATION_TOKEN)),
    responses((status = 200, description = "Joined", body = MembershipView),
        (status = 409, description = "Already a member of this team", body = crate::server::error::ErrorBody),
        (status = 410, description = "The invitation was already used or has expired", body = crate::server::error::ErrorBody)))]
async fn accept_invitation(
    State(state): State<AppState>,
    auth: AuthSession,
    Path(token): Path<String>,
) -> AppResult<Json<MembershipView>> {
    Ok(Json(teams::accept_invitation(&state, &auth, &token).await?))
}

/// The team's settings
///
/// Any member. Never the Slack webhook URL itself, only a masked hint.
#[utoipa::path(get, path = "/team/settings", tag = "teams",
    responses((status = 200, description = "The settings", body = TeamSettingsView)))]
async fn settings(
    State(state): State<AppState>,
    ctx: TeamContext,
) -> AppResult<Json<TeamSettingsView>> {
    Ok(Json(teams::settings(&state, &ctx).await?))
}

/// Send a Slack test message
///
/// ADMIN and up. Posts a test message to the team's Slack webhook now: 400
/// when none is configured, 502 with Slack's error when the post fails.
#[utoipa::path(post, path = "/team/settings/test-slack", tag = "teams",
    responses((status = 200, description = "Slack accepted the message", body = SlackTestResult),
        (status = 502, description = "Slack refused the message or could not be reached", body = crate::server::error::ErrorBody)))]
async fn test_slack(
    State(state): State<AppState>,
    ctx: TeamContext,
) -> AppResult<Json<SlackTestResult>> {
    teams::test_slack(&state, &ctx.admin("send a Slack test message")?).await?;
    Ok(Json(SlackTestResult { ok: true }))
}

/// Change the team's settings
///
/// ADMIN and up. Absent fields stay unchanged; an empty
/// `slackWebhookUrl` or `slackChannel` clears it.
#[utoipa::path(patch, path = "/team/settings", tag = "teams", request_body = SettingsPatch,
    responses((status = 200, description = "The changed settings", body = TeamSettingsView)))]
async fn update_settings(
    State(state): State<AppState>,
    ctx: TeamContext,
    ApiJson(body): ApiJson<SettingsPatch>,
) -> AppResult<Json<TeamSettingsView>> {
    Ok(Json(
        teams::update_settings(&state, &ctx.admin("change team settings")?, body).await?,
    ))
}
