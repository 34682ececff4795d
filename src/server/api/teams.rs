//! Teams, members, invitations and team settings.

use crate::server::access::TeamContext;
use crate::server::auth::AuthSession;
use crate::server::error::{ApiJson, AppResult};
use crate::server::services::teams::{self, SettingsPatch};
use crate::server::services::PageRequest;
use crate::server::state::AppState;
use crate::views::*;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, patch, post};
use axum::{Json, Router};
use serde::Deserialize;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/teams", post(create_team))
        .route("/teams/{id}/select", post(select_team))
        .route("/teams/{id}", delete(delete_team))
        .route("/team/leave", post(leave))
        .route("/team/members", get(members))
        .route(
            "/team/members/{user_id}",
            patch(change_role).delete(remove_member),
        )
        .route("/team/invitations", get(invitations).post(invite))
        .route("/team/invitations/{id}", delete(revoke_invitation))
        .route("/invitations/{token}", get(preview_invitation))
        .route("/invitations/{token}/accept", post(accept_invitation))
        .route("/team/settings", get(settings).patch(update_settings))
        .route("/team/settings/test-slack", axum::routing::post(test_slack))
}

#[derive(Deserialize)]
struct NewTeam {
    name: String,
}

#[derive(Deserialize)]
struct RoleBody {
    role: String,
}

#[derive(Deserialize)]
struct NewInvitation {
    email: String,
    role: String,
}

use super::page_query;

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

async fn select_team(
    State(state): State<AppState>,
    auth: AuthSession,
    Path(id): Path<crate::domain::ids::TeamId>,
) -> AppResult<StatusCode> {
    teams::select_team(&state, &auth, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn delete_team(
    State(state): State<AppState>,
    auth: AuthSession,
    Path(id): Path<crate::domain::ids::TeamId>,
) -> AppResult<StatusCode> {
    teams::delete_team(&state, &auth, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn leave(State(state): State<AppState>, ctx: TeamContext) -> AppResult<StatusCode> {
    teams::leave(&state, &ctx).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn members(
    State(state): State<AppState>,
    ctx: TeamContext,
    q: Result<Query<PageRequest>, axum::extract::rejection::QueryRejection>,
) -> AppResult<Json<Page<MemberView>>> {
    Ok(Json(teams::members(&state, &ctx, &page_query(q)?).await?))
}

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

async fn remove_member(
    State(state): State<AppState>,
    ctx: TeamContext,
    Path(user_id): Path<crate::domain::ids::UserId>,
) -> AppResult<StatusCode> {
    teams::remove(&state, &ctx, &user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

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

async fn revoke_invitation(
    State(state): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<crate::domain::ids::InvitationId>,
) -> AppResult<StatusCode> {
    teams::revoke_invitation(&state, &ctx.admin("revoke invitations")?, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn preview_invitation(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> AppResult<Json<InvitationPreview>> {
    Ok(Json(teams::preview_invitation(&state, &token).await?))
}

async fn accept_invitation(
    State(state): State<AppState>,
    auth: AuthSession,
    Path(token): Path<String>,
) -> AppResult<Json<MembershipView>> {
    Ok(Json(teams::accept_invitation(&state, &auth, &token).await?))
}

async fn settings(
    State(state): State<AppState>,
    ctx: TeamContext,
) -> AppResult<Json<TeamSettingsView>> {
    Ok(Json(teams::settings(&state, &ctx).await?))
}

async fn test_slack(
    State(state): State<AppState>,
    ctx: TeamContext,
) -> AppResult<Json<serde_json::Value>> {
    teams::test_slack(&state, &ctx.admin("send a Slack test message")?).await?;
    Ok(Json(serde_json::json!({"ok": true})))
}

async fn update_settings(
    State(state): State<AppState>,
    ctx: TeamContext,
    ApiJson(body): ApiJson<SettingsPatch>,
) -> AppResult<Json<TeamSettingsView>> {
    Ok(Json(
        teams::update_settings(&state, &ctx.admin("change team settings")?, body).await?,
    ))
}
