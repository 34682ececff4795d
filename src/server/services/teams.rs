//! Teams, memberships, roles, invitations and team settings. Role rules
//! come from `domain::roles`; the last OWNER is protected here, inside a
//! write transaction that serialises membership changes of one team.

use crate::domain::roles::Role;
use crate::domain::validation;
use crate::server::access::{self, Admin, TeamContext};
use crate::server::auth::AuthSession;
use crate::server::config::Backend;
use crate::server::crypto::{self, hash_token, Cipher};
use crate::server::db::entities::{invitation, session, team, team_member, user};
use crate::server::db::scoped::TeamOwned;
use crate::server::db::{self, new_id};
use crate::server::error::{AppError, AppResult};
use crate::server::events::Revocation;
use crate::server::services::{ts, PageRequest};
use crate::server::state::AppState;
use crate::views::*;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Statement,
};

/// How long an invitation link stays valid.
pub const INVITATION_DAYS: i64 = 7;

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
async fn lock_team(state: &AppState, txn: &DatabaseTransaction, team_id: &str) -> AppResult<()> {
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
        .filter(team_member::Column::UserId.eq(auth.user.id.as_str()))
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
    team_id: Option<String>,
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
    team_id: &str,
    user_id: &str,
) -> AppResult<Option<team_member::Model>> {
    Ok(team_member::Entity::find_in_team(team_id)
        .filter(team_member::Column::UserId.eq(user_id))
        .one(conn)
        .await?)
}

/// Makes `team_id` the session's current team; 404 unless a member.
pub async fn select_team(state: &AppState, auth: &AuthSession, team_id: &str) -> AppResult<()> {
    membership(&state.db, team_id, &auth.user.id)
        .await?
        .ok_or_else(|| AppError::not_found("team"))?;
    set_current_team(&state.db, &auth.session_id, Some(team_id.to_string())).await
}

/// Deletes a team and everything in it (OWNER of that team only).
pub async fn delete_team(state: &AppState, auth: &AuthSession, team_id: &str) -> AppResult<()> {
    let txn = db::begin_write(&state.db).await?;
    let ctx = access::for_member(&txn, team_id, &auth.user)
        .await?
        .ok_or_else(|| AppError::not_found("team"))?;
    let owner = ctx.owner("delete the team")?;
    team::Entity::delete_by_id(owner.team_id().to_string())
        .exec(&txn)
        .await?;
    txn.commit().await?;
    state.events.revoke(Revocation::Team {
        team_id: team_id.to_string(),
    });
    tracing::info!(team_id, user_id = %auth.user.id, "team deleted");
    Ok(())
}

async fn owner_count(conn: &impl ConnectionTrait, team_id: &str) -> AppResult<u64> {
    Ok(team_member::Entity::find_in_team(team_id)
        .filter(team_member::Column::Role.eq(Role::Owner))
        .count(conn)
        .await?)
}

/// Leaves the current team; the last OWNER cannot (400).
pub async fn leave(state: &AppState, ctx: &TeamContext) -> AppResult<()> {
    remove(state, ctx, ctx.user_id()).await
}

/// Lists the current team's members, oldest membership first.
pub async fn members(
    state: &AppState,
    ctx: &TeamContext,
    page: &PageRequest,
) -> AppResult<Page<MemberView>> {
    let mut q = team_member::Entity::find_in(ctx)
        .find_also_related(user::Entity)
        .order_by_asc(team_member::Column::Id)
        .limit(page.limit()? + 1);
    if let Some(c) = &page.cursor {
        q = q.filter(team_member::Column::Id.gt(c.as_str()));
    }
    let rows = q.all(&state.db).await?;
    let items: Vec<(String, MemberView)> = rows
        .into_iter()
        .filter_map(|(m, u)| {
            let u = u?;
            Some((
                m.id.clone(),
                MemberView {
                    role: stored_role(&m),
                    user_id: u.id,
                    email: u.email,
                    name: u.name,
                    joined_at: ts(m.created_at),
                },
            ))
        })
        .collect();
    let page = page.page(items, |(id, _)| id.clone())?;
    Ok(Page {
        items: page.items.into_iter().map(|(_, v)| v).collect(),
        next_cursor: page.next_cursor,
    })
}

/// Changes a member's role within the rules of `domain::roles` (an ADMIN
/// manages MEMBERs and VIEWERs only); the last OWNER cannot be demoted.
pub async fn change_role(
    state: &AppState,
    ctx: &Admin<'_>,
    user_id: &str,
    role: &str,
) -> AppResult<MemberView> {
    let target_role = parse_role(role)?;
    let txn = db::begin_write(&state.db).await?;
    lock_team(state, &txn, ctx.team_id()).await?;
    let m = membership(&txn, ctx.team_id(), user_id)
        .await?
        .ok_or_else(|| AppError::not_found("member"))?;
    let current = stored_role(&m);
    if !ctx.role().can_manage_role(current, target_role) {
        return Err(AppError::Forbidden(format!(
            "your role ({}) cannot change a {} into a {}",
            ctx.role(),
            current,
            target_role
        )));
    }
    if current == Role::Owner
        && target_role != Role::Owner
        && owner_count(&txn, ctx.team_id()).await? <= 1
    {
        return Err(AppError::bad_request(
            "the last owner cannot be demoted; make someone else an owner first",
        ));
    }
    let updated = team_member::ActiveModel {
        id: Set(m.id.clone()),
        role: Set(target_role),
        ..Default::default()
    }
    .update(&txn)
    .await?;
    let u = user::Entity::find_by_id(user_id.to_string())
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found("member"))?;
    txn.commit().await?;
    Ok(MemberView {
        role: target_role,
        user_id: u.id,
        email: u.email,
        name: u.name,
        joined_at: ts(updated.created_at),
    })
}

/// Removes a member, or the caller (leaving, which any role may). Removing
/// someone else takes an ADMIN with the right to manage their role; the
/// last OWNER is never removed.
pub async fn remove(state: &AppState, ctx: &TeamContext, user_id: &str) -> AppResult<()> {
    if user_id == ctx.user_id() {
        remove_member(state, ctx, user_id).await
    } else {
        let admin = ctx.admin("remove members")?;
        remove_member(state, &admin, user_id).await
    }
}

async fn remove_member(state: &AppState, ctx: &TeamContext, user_id: &str) -> AppResult<()> {
    let txn = db::begin_write(&state.db).await?;
    lock_team(state, &txn, ctx.team_id()).await?;
    let m = membership(&txn, ctx.team_id(), user_id)
        .await?
        .ok_or_else(|| AppError::not_found("member"))?;
    let current = stored_role(&m);
    let is_self = user_id == ctx.user_id();
    if !is_self && !ctx.role().can_manage_role(current, current) {
        return Err(AppError::Forbidden(format!(
            "your role ({}) cannot remove a {}",
            ctx.role(),
            current
        )));
    }
    if current == Role::Owner && owner_count(&txn, ctx.team_id()).await? <= 1 {
        return Err(AppError::bad_request(if is_self {
            "the last owner cannot leave; make someone else an owner first, or delete the team"
        } else {
            "the last owner cannot be removed"
        }));
    }
    team_member::Entity::delete_many_in(ctx)
        .filter(team_member::Column::Id.eq(m.id))
        .exec(&txn)
        .await?;
    // Their sessions no longer point at a team they are not in.
    session::Entity::update_many()
        .col_expr(
            session::Column::CurrentTeamId,
            sea_orm::sea_query::Expr::value(Option::<String>::None),
        )
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::CurrentTeamId.eq(ctx.team_id()))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    // Their open boards stop hearing the team now, not at the next check.
    state.events.revoke(Revocation::Member {
        team_id: ctx.team_id().to_string(),
        user_id: user_id.to_string(),
    });
    Ok(())
}

/// Invites an email with a role; the token is returned once, stored hashed.
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
    let inv = invitation::ActiveModel {
        id: Set(new_id()),
        team_id: Set(ctx.team_id().to_string()),
        email: Set(email),
        role: Set(role),
        token_hash: Set(hash_token(&token)),
        invited_by: Set(Some(ctx.user_id().to_string())),
        expires_at: Set(now + chrono::Duration::days(INVITATION_DAYS)),
        accepted_at: Set(None),
        accepted_by: Set(None),
        created_at: Set(now),
    }
    .insert(&state.db)
    .await?;
    Ok(InvitationCreated {
        id: inv.id,
        email: inv.email,
        role,
        url: format!("{}/invite/{token}", state.public_url),
        token,
        expires_at: ts(inv.expires_at),
    })
}

/// Pending invitations (not accepted, not expired), oldest first; only for
/// those who may invite (the emails are theirs to see, not every member's).
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
    let inviters = super::user_names(&state.db, rows.iter().map(|i| i.invited_by.clone())).await?;
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
    page.page(items, |i: &InvitationView| i.id.clone())
}

/// Revokes a pending invitation.
pub async fn revoke_invitation(state: &AppState, ctx: &Admin<'_>, id: &str) -> AppResult<()> {
    let res = invitation::Entity::delete_many_in(ctx)
        .filter(invitation::Column::Id.eq(id))
        .filter(invitation::Column::AcceptedAt.is_null())
        .exec(&state.db)
        .await?;
    if res.rows_affected == 0 {
        return Err(AppError::not_found("invitation"));
    }
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
    txn.commit().await?;
    Ok(MembershipView {
        team_id: team.id.clone(),
        user_id: auth.user.id.clone(),
        role,
        team: team.into(),
    })
}

/// The settings as shown, with the count of notifications given up.
async fn settings_of(state: &AppState, t: team::Model) -> AppResult<TeamSettingsView> {
    let failed = crate::server::db::entities::outbox::Entity::find_in_team(&t.id)
        .filter(crate::server::db::entities::outbox::Column::FailedAt.is_not_null())
        .count(&state.db)
        .await?;
    let mut v = settings_view(t, &state.cipher);
    v.slack_failed_messages = failed;
    Ok(v)
}

fn settings_view(t: team::Model, cipher: &Cipher) -> TeamSettingsView {
    let hint = t
        .slack_webhook_url
        .as_deref()
        .and_then(|enc| cipher.decrypt(enc).ok())
        .map(|url| mask_webhook(url.expose()));
    TeamSettingsView {
        name: t.name,
        slack_webhook_configured: t.slack_webhook_url.is_some(),
        slack_webhook_hint: hint,
        slack_channel: t.slack_channel,
        notify_on_status_change: t.notify_on_status_change,
        notify_on_blocked: t.notify_on_blocked,
        notify_on_ready_to_deploy: t.notify_on_ready_to_deploy,
        slack_last_error: t.slack_last_error,
        slack_last_error_at: t.slack_last_error_at.map(ts),
        slack_failed_messages: 0,
    }
}

/// `https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXy9z` →
/// `https://hooks.slack.com/services/…/…/…Xy9z`: enough to recognise, never enough to use.
pub fn mask_webhook(url: &str) -> String {
    let (origin, path) = match url
        .find("://")
        .and_then(|i| url[i + 3..].find('/').map(|j| i + 3 + j))
    {
        Some(p) => (&url[..p], &url[p..]),
        None => return "…".into(),
    };
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let n = segments.len();
    let masked: Vec<String> = segments
        .iter()
        .enumerate()
        .map(|(i, s)| {
            if i == 0 && n > 1 {
                s.to_string()
            } else if i + 1 == n {
                let tail: String = s
                    .chars()
                    .rev()
                    .take(4)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                format!("…{tail}")
            } else {
                "…".to_string()
            }
        })
        .collect();
    format!("{origin}/{}", masked.join("/"))
}

/// Checks a Slack webhook URL: `https://hooks.slack.com/…`, or any http(s)
/// URL whose host is in `RC_OUTBOUND_ALLOW_HOSTS` (so the server cannot be
/// made to call private addresses).
pub fn validate_webhook_url(url: &str, allow_hosts: &[String]) -> AppResult<String> {
    let url = url.trim();
    let bad = || {
        AppError::invalid_field(
            "slackWebhookUrl",
            "the webhook URL must start with https://hooks.slack.com/",
        )
    };
    let (scheme, rest) = url.split_once("://").ok_or_else(bad)?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@')
        || url.len() > 2000
        || url.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(bad());
    }
    let host = authority
        .rsplit_once(':')
        .map(|(h, _)| h)
        .unwrap_or(authority)
        .to_lowercase();
    let allowed_extra =
        allow_hosts.iter().any(|h| h == &host) && matches!(scheme, "http" | "https");
    let slack = scheme == "https" && host == "hooks.slack.com" && rest.len() > authority.len() + 1;
    if slack || allowed_extra {
        Ok(url.to_string())
    } else {
        Err(bad())
    }
}

/// `GET /api/team/settings` (any member).
pub async fn settings(state: &AppState, ctx: &TeamContext) -> AppResult<TeamSettingsView> {
    let t = team::Entity::find_by_id(ctx.team_id().to_string())
        .one(&state.db)
        .await?
        .ok_or_else(|| AppError::not_found("team"))?;
    settings_of(state, t).await
}

/// The fields `PATCH /api/team/settings` accepts; absent fields are unchanged.
#[derive(Default, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SettingsPatch {
    /// Team name.
    pub name: Option<String>,
    /// Full webhook URL; empty string clears it.
    pub slack_webhook_url: Option<String>,
    /// Channel override; empty string clears it.
    pub slack_channel: Option<String>,
    /// Switch.
    pub notify_on_status_change: Option<bool>,
    /// Switch.
    pub notify_on_blocked: Option<bool>,
    /// Switch.
    pub notify_on_ready_to_deploy: Option<bool>,
}

/// Written by hand: the webhook URL is a secret and is never printed.
impl std::fmt::Debug for SettingsPatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SettingsPatch")
            .field("name", &self.name)
            .field(
                "slack_webhook_url",
                &self.slack_webhook_url.as_ref().map(|_| "[redacted]"),
            )
            .field("slack_channel", &self.slack_channel)
            .field("notify_on_status_change", &self.notify_on_status_change)
            .field("notify_on_blocked", &self.notify_on_blocked)
            .field("notify_on_ready_to_deploy", &self.notify_on_ready_to_deploy)
            .finish()
    }
}

/// "Send test message" (OWNER/ADMIN): posts to the team's webhook now and
/// answers with Slack's verdict (502 with Slack's error text when it fails).
pub async fn test_slack(state: &AppState, ctx: &Admin<'_>) -> AppResult<()> {
    let t = team::Entity::find_by_id(ctx.team_id().to_string())
        .one(&state.db)
        .await?
        .ok_or_else(|| AppError::not_found("team"))?;
    let stored = t
        .slack_webhook_url
        .as_deref()
        .ok_or_else(|| AppError::bad_request("no Slack webhook is configured"))?;
    let url = state
        .cipher
        .decrypt(stored)
        .map_err(|_| AppError::BadGateway("the stored webhook URL cannot be decrypted".into()))?;
    let body = crate::server::integrations::slack::test_message(&t.name, &state.public_url);
    crate::server::integrations::slack::post(&state.http, url.expose(), &body)
        .await
        .map_err(|e| AppError::BadGateway(e.to_string()))
}

/// `PATCH /api/team/settings` (OWNER/ADMIN).
pub async fn update_settings(
    state: &AppState,
    ctx: &Admin<'_>,
    patch: SettingsPatch,
) -> AppResult<TeamSettingsView> {
    let mut am = team::ActiveModel {
        id: Set(ctx.team_id().to_string()),
        updated_at: Set(db::now()),
        ..Default::default()
    };
    if let Some(name) = &patch.name {
        am.name = Set(validation::required_line(
            "name",
            name,
            validation::MAX_NAME,
        )?);
    }
    if let Some(url) = &patch.slack_webhook_url {
        am.slack_webhook_url = Set(if url.trim().is_empty() {
            None
        } else {
            let url = validate_webhook_url(url, &state.settings.outbound_allow_hosts)?;
            Some(state.cipher.encrypt(&url)?)
        });
    }
    if let Some(ch) = &patch.slack_channel {
        am.slack_channel = Set(if ch.trim().is_empty() {
            None
        } else {
            Some(validation::required_line("slackChannel", ch, 80)?)
        });
    }
    if let Some(v) = patch.notify_on_status_change {
        am.notify_on_status_change = Set(v);
    }
    if let Some(v) = patch.notify_on_blocked {
        am.notify_on_blocked = Set(v);
    }
    if let Some(v) = patch.notify_on_ready_to_deploy {
        am.notify_on_ready_to_deploy = Set(v);
    }
    let t = am.update(&state.db).await?;
    settings_of(state, t).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhook_urls_are_masked() {
        assert_eq!(
            mask_webhook("https://hooks.slack.com/services/T000/B000/abcdefghXy9z"),
            "https://hooks.slack.com/services/…/…/…Xy9z"
        );
    }

    #[test]
    fn webhook_hosts_are_restricted() {
        let none: Vec<String> = vec![];
        assert!(validate_webhook_url("https://hooks.slack.com/services/T/B/x", &none).is_ok());
        for bad in [
            "http://hooks.slack.com/services/T/B/x",
            "https://hooks.slack.com.evil.com/x",
            "https://evil.com@hooks.slack.com/x",
            "https://127.0.0.1/x",
            "https://hooks.slack.com",
            "ftp://hooks.slack.com/x",
        ] {
            assert!(validate_webhook_url(bad, &none).is_err(), "{bad}");
        }
        let allow = vec!["127.0.0.1".to_string()];
        assert!(validate_webhook_url("http://127.0.0.1:9999/hook", &allow).is_ok());
    }
}
