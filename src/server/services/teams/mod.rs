//! Teams, memberships, roles, invitations and team settings. Role rules
//! come from `domain::roles`; the last OWNER is protected here, inside a
//! write transaction that serialises membership changes of one team.
//!
//! - this file: teams themselves (create, choose, delete) and `GET /api/me`;
//! - [`people`]: members, their roles, removing and leaving;
//! - [`invitations`]: inviting by email, previewing and accepting a link;
//! - [`team_settings`]: the Slack webhook and other settings.

mod invitations;
mod people;
mod team_settings;

pub use invitations::{
    accept_invitation, invitations, invite, preview_invitation, resend_invitation,
    revoke_invitation, INVITATION_DAYS,
};
pub use people::{change_role, leave, member_count, members, remove};
pub use team_settings::{
    mask_webhook, settings, test_slack, update_settings, validate_webhook_url, SettingsPatch,
};

use crate::domain::ids::{TeamId, UserId};
use crate::domain::roles::Role;
use crate::domain::validation;
use crate::server::access::{self};
use crate::server::auth::AuthSession;
use crate::server::config::Backend;
use crate::server::crypto::{self};
use crate::server::db::entities::{session, team, team_member};
use crate::server::db::scoped::TeamOwned;
use crate::server::db::{self, new_id};
use crate::server::error::{AppError, AppResult};
use crate::server::events::Revocation;
use crate::server::services::ts;
use crate::server::state::AppState;
use crate::views::*;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction,
    EntityTrait, PaginatorTrait, QueryFilter, Statement,
};

impl From<team::Model> for TeamView {
    fn from(t: team::Model) -> Self {
        Self {
            id: t.id,
            name: t.name,
            slug: t.slug,
            created_at: ts(t.created_at),
            updated_at: ts(t.updated_at),
        }
    }
}

/// Takes a lock that serialises membership changes of one team (PostgreSQL:
/// the team row; SQLite: the write transaction is already exclusive).
async fn lock_team(state: &AppState, txn: &DatabaseTransaction, team_id: &TeamId) -> AppResult<()> {
    if state.settings.backend == Backend::Postgres {
        txn.execute_raw(Statement::from_sql_and_values(
            txn.get_database_backend(),
            "SELECT id FROM teams WHERE id = $1 FOR UPDATE",
            [team_id.into()],
        ))
        .await?;
    }
    Ok(())
}

fn parse_role(raw: &str) -> AppResult<Role> {
    raw.parse::<Role>()
        .map_err(|_| AppError::invalid_field("role", "role must be OWNER, ADMIN, MEMBER or VIEWER"))
}

fn stored_role(m: &team_member::Model) -> Role {
    // Rows are only ever written from `Role`; an unknown value would be a bug
    // or manual tampering, and reads least privilege.
    m.role
}

/// `GET /api/me`.
pub async fn me(state: &AppState, auth: &AuthSession) -> AppResult<MeView> {
    // The caller's own memberships, whatever team.
    let rows = team_member::Entity::find_across_teams()
        .filter(team_member::Column::UserId.eq(&auth.user.id))
        .find_also_related(team::Entity)
        .all(&state.db)
        .await?;
    let mut teams: Vec<TeamMembershipView> = rows
        .into_iter()
        .filter_map(|(m, t)| {
            t.map(|t| TeamMembershipView {
                role: stored_role(&m),
                id: t.id,
                name: t.name,
                slug: t.slug,
            })
        })
        .collect();
    teams.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then(a.id.cmp(&b.id))
    });
    Ok(MeView {
        user: auth.user.clone().into(),
        teams,
        current_team_id: auth.current_team_id.clone(),
        email_verified: auth.user.email_verified_at.is_some(),
        pending_email: auth.user.pending_email.clone(),
        email_enabled: state.email_enabled(),
    })
}

/// Creates a team; the caller becomes its OWNER and it becomes current.
pub async fn create_team(state: &AppState, auth: &AuthSession, name: &str) -> AppResult<TeamView> {
    let name = validation::required_line("name", name, validation::MAX_NAME)?;
    let base = validation::slugify(&name, "team");
    let txn = db::begin_write(&state.db).await?;
    // A unique slug: the name's, or with a short random suffix when taken.
    let mut slug = base.clone();
    for _ in 0..5 {
        let taken = team::Entity::find()
            .filter(team::Column::Slug.eq(slug.as_str()))
            .count(&txn)
            .await?
            > 0;
        if !taken {
            break;
        }
        slug = format!(
            "{base}-{}",
            &crypto::random_token()[..6]
                .to_lowercase()
                .replace(['-', '_'], "x")
        );
    }
    let now = db::now();
    let team = team::ActiveModel {
        id: Set(new_id()),
        name: Set(name),
        slug: Set(slug),
        slack_webhook_url: Set(None),
        slack_channel: Set(None),
        notify_on_status_change: Set(true),
        notify_on_blocked: Set(true),
        notify_on_ready_to_deploy: Set(true),
        slack_last_error: Set(None),
        slack_last_error_at: Set(None),
        policy: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    team_member::ActiveModel {
        id: Set(new_id()),
        team_id: Set(team.id.clone()),
        user_id: Set(auth.user.id.clone()),
        role: Set(Role::Owner),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    set_current_team(&txn, &auth.session_id, Some(team.id.clone())).await?;
    txn.commit().await?;
    tracing::info!(team_id = %team.id, user_id = %auth.user.id, "team created");
    Ok(team.into())
}

async fn set_current_team(
    conn: &impl ConnectionTrait,
    session_id: &str,
    team_id: Option<TeamId>,
) -> AppResult<()> {
    session::ActiveModel {
        id: Set(session_id.to_string()),
        current_team_id: Set(team_id),
        ..Default::default()
    }
    .update(conn)
    .await?;
    Ok(())
}

async fn membership(
    conn: &impl ConnectionTrait,
    team_id: &TeamId,
    user_id: &UserId,
) -> AppResult<Option<team_member::Model>> {
    Ok(team_member::Entity::find_in_team(team_id)
        .filter(team_member::Column::UserId.eq(user_id))
        .one(conn)
        .await?)
}

/// Makes `team_id` the session's current team; 404 unless a member.
pub async fn select_team(state: &AppState, auth: &AuthSession, team_id: &TeamId) -> AppResult<()> {
    membership(&state.db, team_id, &auth.user.id)
        .await?
        .ok_or_else(|| AppError::not_found("team"))?;
    set_current_team(&state.db, &auth.session_id, Some(team_id.clone())).await
}

/// Deletes a team and everything in it (OWNER of that team only).
pub async fn delete_team(state: &AppState, auth: &AuthSession, team_id: &TeamId) -> AppResult<()> {
    let txn = db::begin_write(&state.db).await?;
    let ctx = access::for_member(&txn, team_id, &auth.user)
        .await?
        .ok_or_else(|| AppError::not_found("team"))?;
    let owner = ctx.owner("delete the team")?;
    team::Entity::delete_by_id(owner.team_id().clone())
        .exec(&txn)
        .await?;
    txn.commit().await?;
    state.events.revoke(Revocation::Team {
        team_id: team_id.clone(),
    });
    tracing::info!(team_id = %team_id, user_id = %auth.user.id, "team deleted");
    Ok(())
}

async fn owner_count(conn: &impl ConnectionTrait, team_id: &TeamId) -> AppResult<u64> {
    Ok(team_member::Entity::find_in_team(team_id)
        .filter(team_member::Column::Role.eq(Role::Owner))
        .count(conn)
        .await?)
}
