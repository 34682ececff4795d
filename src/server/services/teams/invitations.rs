//! Invitations: an ADMIN invites an email with a role; the link carries a
//! token (stored hashed) that the invited person accepts once. Where the
//! server sends email the link is emailed (naming the team and who
//! invited) and accepting needs a *verified* email equal to the invited
//! one; the link is also shown once to the inviter, to copy. "Resend"
//! makes a new link (the old one stops working) and emails it again.

use super::{membership, parse_role, set_current_team};
use crate::domain::kinds::ResourceType;
use crate::domain::roles::Role;
use crate::domain::validation;
use crate::server::access::Admin;
use crate::server::auth::AuthSession;
use crate::server::crypto::{self, hash_token};
use crate::server::db::entities::{invitation, team, team_member, user};
use crate::server::db::scoped::TeamOwned;
use crate::server::db::{self, new_id};
use crate::server::error::{AppError, AppResult};
use crate::server::services::{activity, ts, PageRequest};
use crate::server::state::AppState;
use crate::views::*;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

/// How long an invitation link stays valid.
pub const INVITATION_DAYS: i64 = 7;

/// Invites an email with a role; the token is returned once, stored hashed.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id()))]
pub async fn invite(
    state: &AppState,
    ctx: &Admin<'_>,
    email: &str,
    role: &str,
) -> AppResult<InvitationCreated> {
    let email = validation::email(email)?;
    let role = parse_role(role)?;
    if !ctx.role().can_manage_role(role, role) {
        return Err(AppError::Forbidden(format!(
            "your role ({}) cannot invite a {}",
            ctx.role(),
            role
        )));
    }
    let already = team_member::Entity::find_in(ctx)
        .find_also_related(user::Entity)
        .filter(user::Column::Email.eq(email.as_str()))
        .count(&state.db)
        .await?;
    if already > 0 {
        return Err(AppError::Conflict(format!(
            "{email} is already a member of this team"
        )));
    }
    let token = crypto::random_token();
    let now = db::now();
    let txn = db::begin_write(&state.db).await?;
    let inv = invitation::ActiveModel {
        id: Set(new_id()),
        team_id: Set(ctx.team_id().clone()),
        email: Set(email),
        role: Set(role),
        token_hash: Set(hash_token(&token)),
        invited_by: Set(ctx.user_id().cloned()),
        expires_at: Set(now + chrono::Duration::days(INVITATION_DAYS)),
        accepted_at: Set(None),
        accepted_by: Set(None),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let url = format!("{}/invite/{token}", state.public_url);
    let emailed = email_invitation(state, &txn, ctx, &inv, &url).await?;
    let event = activity::added(
        &txn,
        ctx,
        ResourceType::Invitation,
        &inv.id,
        &inv.email,
        Some(role.as_str().to_string()),
    )
    .await?;
    txn.commit().await?;
    state.events.publish(vec![event]);
    if emailed {
        state.outbox_wake.notify_one();
    }
    Ok(InvitationCreated {
        id: inv.id,
        email: inv.email,
        role,
        url,
        token,
        expires_at: ts(inv.expires_at),
        emailed,
    })
}

/// Queues the invitation email (team name, inviter, role, link); answers
/// whether it was queued (false without SMTP: the inviter copies the link,
/// and the operator log says which address would have got it).
async fn email_invitation(
    state: &AppState,
    conn: &impl ConnectionTrait,
    ctx: &Admin<'_>,
    inv: &invitation::Model,
    url: &str,
) -> AppResult<bool> {
    // Without SMTP, `mail::queue` only tells the operator log where the
    // message would have gone; the inviter copies the link shown once.
    let team = team::Entity::find_by_id(ctx.team_id().clone())
        .one(conn)
        .await?
        .ok_or_else(|| AppError::not_found("team"))?;
    let inviter = match ctx.user_id() {
        Some(id) => user::Entity::find_by_id(id.clone())
            .one(conn)
            .await?
            .map(|u| u.name),
        None => None,
    }
    .unwrap_or_else(|| format!("An admin of {}", team.name));
    let email = crate::server::integrations::mail::templates::invitation(
        &team.name,
        &inviter,
        inv.role.as_str(),
        url,
        INVITATION_DAYS,
    );
    crate::server::services::mail::queue(state, conn, &inv.email, &email).await
}

/// Sends a pending invitation again: a new link (the old one stops
/// working) valid for another [`INVITATION_DAYS`] days, emailed where the
/// server sends email and shown once, to copy.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), id = %id))]
pub async fn resend_invitation(
    state: &AppState,
    ctx: &Admin<'_>,
    id: &crate::domain::ids::InvitationId,
) -> AppResult<InvitationCreated> {
    let txn = db::begin_write(&state.db).await?;
    let inv = invitation::Entity::find_in(ctx)
        .filter(invitation::Column::Id.eq(id))
        .filter(invitation::Column::AcceptedAt.is_null())
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found("invitation"))?;
    // Counted only where an email will really go.
    if state.email_enabled() && !state.limits.emails.allow(&inv.email) {
        return Err(AppError::TooManyRequests(
            "too many emails to this address; try again in an hour".into(),
        ));
    }
    let token = crypto::random_token();
    let expires_at = db::now() + chrono::Duration::days(INVITATION_DAYS);
    invitation::Entity::update_many_in(ctx)
        .col_expr(
            invitation::Column::TokenHash,
            sea_orm::sea_query::Expr::value(hash_token(&token)),
        )
        .col_expr(
            invitation::Column::ExpiresAt,
            sea_orm::sea_query::Expr::value(expires_at),
        )
        .filter(invitation::Column::Id.eq(inv.id.as_str()))
        .exec(&txn)
        .await?;
    let url = format!("{}/invite/{token}", state.public_url);
    let emailed = email_invitation(state, &txn, ctx, &inv, &url).await?;
    let event = activity::changed(
        &txn,
        ctx,
        ResourceType::Invitation,
        &inv.id,
        &inv.email,
        [("expiresAt", serde_json::json!(ts(inv.expires_at)))],
        [("expiresAt", serde_json::json!(ts(expires_at)))],
    )
    .await?;
    txn.commit().await?;
    state.events.publish(event);
    if emailed {
        state.outbox_wake.notify_one();
    }
    Ok(InvitationCreated {
        id: inv.id,
        email: inv.email,
        role: inv.role,
        url,
        token,
        expires_at: ts(expires_at),
        emailed,
    })
}

/// Pending invitations (not accepted, not expired), oldest first; only for
/// those who may invite (the emails are theirs to see, not every member's).
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id()))]
pub async fn invitations(
    state: &AppState,
    ctx: &Admin<'_>,
    page: &PageRequest,
) -> AppResult<Page<InvitationView>> {
    let mut q = invitation::Entity::find_in(ctx)
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::ExpiresAt.gt(db::now()))
        .order_by_asc(invitation::Column::Id)
        .limit(page.limit()? + 1);
    if let Some(c) = &page.cursor {
        q = q.filter(invitation::Column::Id.gt(c.as_str()));
    }
    let rows = q.all(&state.db).await?;
    let inviters =
        crate::server::services::user_names(&state.db, rows.iter().map(|i| i.invited_by.clone()))
            .await?;
    let items = rows
        .into_iter()
        .map(|i| InvitationView {
            invited_by: i
                .invited_by
                .as_ref()
                .and_then(|id| inviters.get(id).cloned()),
            role: i.role,
            id: i.id,
            email: i.email,
            expires_at: ts(i.expires_at),
            created_at: ts(i.created_at),
        })
        .collect();
    page.page(items, |i: &InvitationView| i.id.to_string())
}

/// Revokes a pending invitation.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), id = %id))]
pub async fn revoke_invitation(
    state: &AppState,
    ctx: &Admin<'_>,
    id: &crate::domain::ids::InvitationId,
) -> AppResult<()> {
    let txn = db::begin_write(&state.db).await?;
    let inv = invitation::Entity::find_in(ctx)
        .filter(invitation::Column::Id.eq(id))
        .filter(invitation::Column::AcceptedAt.is_null())
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found("invitation"))?;
    invitation::Entity::delete_many_in(ctx)
        .filter(invitation::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    let event = activity::removed(&txn, ctx, ResourceType::Invitation, &inv.id, &inv.email).await?;
    txn.commit().await?;
    state.events.publish(vec![event]);
    Ok(())
}

async fn find_invitation(conn: &impl ConnectionTrait, token: &str) -> AppResult<invitation::Model> {
    // The token is the credential: it names its team.
    invitation::Entity::find_across_teams()
        .filter(invitation::Column::TokenHash.eq(hash_token(token)))
        .one(conn)
        .await?
        .ok_or_else(|| AppError::NotFound("this invitation does not exist".into()))
}

/// What the invitation page shows (public: the token is the credential).
pub async fn preview_invitation(state: &AppState, token: &str) -> AppResult<InvitationPreview> {
    let inv = find_invitation(&state.db, token).await?;
    let team = team::Entity::find_by_id(inv.team_id.clone())
        .one(&state.db)
        .await?
        .ok_or_else(|| AppError::not_found("invitation"))?;
    let status = if inv.accepted_at.is_some() {
        "used"
    } else if inv.expires_at <= db::now() {
        "expired"
    } else {
        "valid"
    };
    Ok(InvitationPreview {
        team_name: team.name,
        email: inv.email,
        role: inv.role,
        state: status.into(),
    })
}

/// Accepts an invitation: the signed-in user (whose email it was sent to)
/// joins with the invited role, and the team becomes current.
pub async fn accept_invitation(
    state: &AppState,
    auth: &AuthSession,
    token: &str,
) -> AppResult<MembershipView> {
    let txn = db::begin_write(&state.db).await?;
    let inv = find_invitation(&txn, token).await?;
    if inv.accepted_at.is_some() {
        return Err(AppError::Gone(
            "this invitation has already been used".into(),
        ));
    }
    if inv.expires_at <= db::now() {
        return Err(AppError::Gone(
            "this invitation has expired; ask for a new one".into(),
        ));
    }
    if inv.email != auth.user.email {
        return Err(AppError::Forbidden(format!(
            "this invitation was sent to another email address; sign in as {} to accept it",
            inv.email
        )));
    }
    // Where addresses can be proven, the invitation goes to whoever proved
    // they read the invited address — not to whoever signed up with it first.
    if state.email_enabled() && auth.user.email_verified_at.is_none() {
        return Err(AppError::Forbidden(format!(
            "verify your email address first: use the link we sent to {}, or ask for a new one (Resend)",
            inv.email
        )));
    }
    let role: Role = inv.role;
    let team = team::Entity::find_by_id(inv.team_id.clone())
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found("invitation"))?;
    if membership(&txn, &team.id, &auth.user.id).await?.is_some() {
        return Err(AppError::Conflict(
            "you are already a member of this team".into(),
        ));
    }
    let now = db::now();
    // Compare-and-set on accepted_at: a second accept racing this one loses.
    let claimed = invitation::Entity::update_many_in_team(&inv.team_id)
        .col_expr(
            invitation::Column::AcceptedAt,
            sea_orm::sea_query::Expr::value(Some(now)),
        )
        .col_expr(
            invitation::Column::AcceptedBy,
            sea_orm::sea_query::Expr::value(Some(auth.user.id.clone())),
        )
        .filter(invitation::Column::Id.eq(inv.id.as_str()))
        .filter(invitation::Column::AcceptedAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(AppError::Gone(
            "this invitation has already been used".into(),
        ));
    }
    team_member::ActiveModel {
        id: Set(new_id()),
        team_id: Set(team.id.clone()),
        user_id: Set(auth.user.id.clone()),
        role: Set(role),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    set_current_team(&txn, &auth.session_id, Some(team.id.clone())).await?;
    let event = activity::record_as_person(
        &txn,
        &team.id,
        &auth.user.id,
        &auth.user.name,
        crate::domain::activity::Change::Added {
            resource_type: ResourceType::Member,
            resource_id: auth.user.id.to_string(),
            name: auth.user.name.clone(),
            detail: Some(role.as_str().to_string()),
        },
    )
    .await?;
    txn.commit().await?;
    state.events.publish(vec![event]);
    Ok(MembershipView {
        team_id: team.id.clone(),
        user_id: auth.user.id.clone(),
        role,
        team: team.into(),
    })
}
