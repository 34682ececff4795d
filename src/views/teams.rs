//! People and teams: users, memberships, members, invitations, settings.

use crate::domain::ids::{InvitationId, TeamId, UserId};
use crate::domain::roles::Role;
use serde::{Deserialize, Serialize};

/// A user as others may see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UserView {
    /// Opaque id.
    pub id: UserId,
    /// Lower-cased email.
    pub email: String,
    /// Display name.
    pub name: String,
    /// RFC 3339.
    pub created_at: crate::domain::time::Timestamp,
    /// Whether the account proved it reads `email` (a link, or a single
    /// sign-on provider that vouches for it).
    #[serde(default)]
    pub email_verified: bool,
    /// A new address waiting for its verification link; `email` stays in
    /// force until then.
    #[serde(default)]
    pub pending_email: Option<String>,
}

/// A team the caller belongs to, with their role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TeamMembershipView {
    /// Team id.
    pub id: TeamId,
    /// Team name.
    pub name: String,
    /// Team slug.
    pub slug: String,
    /// The caller's role there.
    pub role: Role,
}

/// `GET /api/me`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MeView {
    /// The signed-in user.
    pub user: UserView,
    /// Their teams, by name.
    pub teams: Vec<TeamMembershipView>,
    /// The team selected in this session.
    pub current_team_id: Option<TeamId>,
    /// The same as `user.emailVerified`.
    #[serde(default)]
    pub email_verified: bool,
    /// The same as `user.pendingEmail`.
    #[serde(default)]
    pub pending_email: Option<String>,
    /// Whether this server sends email (`RC_SMTP_URL`); without it nothing
    /// is verified and invitations stay bound to the account's email.
    #[serde(default)]
    pub email_enabled: bool,
}

impl MeView {
    /// The current team's entry, if one is selected.
    pub fn current_team(&self) -> Option<&TeamMembershipView> {
        let id = self.current_team_id.as_ref()?;
        self.teams.iter().find(|t| &t.id == id)
    }
}

/// A team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TeamView {
    /// Opaque id.
    pub id: TeamId,
    /// Name.
    pub name: String,
    /// Unique slug.
    pub slug: String,
    /// RFC 3339.
    pub created_at: crate::domain::time::Timestamp,
    /// RFC 3339.
    pub updated_at: crate::domain::time::Timestamp,
}

/// A member of the current team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MemberView {
    /// The user's id.
    pub user_id: UserId,
    /// Their email.
    pub email: String,
    /// Their name.
    pub name: String,
    /// Their role.
    pub role: Role,
    /// When they joined (RFC 3339).
    pub joined_at: crate::domain::time::Timestamp,
}

/// A pending invitation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct InvitationView {
    /// Opaque id.
    pub id: InvitationId,
    /// Who is invited.
    pub email: String,
    /// The role they will get.
    pub role: Role,
    /// RFC 3339.
    pub expires_at: crate::domain::time::Timestamp,
    /// RFC 3339.
    pub created_at: crate::domain::time::Timestamp,
    /// The inviter's name, if they still exist.
    pub invited_by: Option<String>,
}

/// A just-created invitation: the only time the token is shown.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct InvitationCreated {
    /// Opaque id.
    pub id: InvitationId,
    /// Who is invited.
    pub email: String,
    /// The role they will get.
    pub role: Role,
    /// The secret token (shown once).
    pub token: String,
    /// The link to send: `PUBLIC_URL/invite/{token}`.
    pub url: String,
    /// RFC 3339.
    pub expires_at: crate::domain::time::Timestamp,
    /// Whether the link was emailed to the invitee (false where the server
    /// sends no email: copy the link to them).
    #[serde(default)]
    pub emailed: bool,
}

/// Written by hand: the token (and the link holding it) is never printed.
impl std::fmt::Debug for InvitationCreated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InvitationCreated")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("role", &self.role)
            .field("token", &"[redacted]")
            .field("url", &"[redacted]")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// What the invitation page shows before accepting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct InvitationPreview {
    /// The team's name.
    pub team_name: String,
    /// The invited email.
    pub email: String,
    /// The role offered.
    pub role: Role,
    /// `valid`, `expired` or `used`.
    pub state: String,
}

/// The result of accepting an invitation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MembershipView {
    /// The team joined.
    pub team_id: TeamId,
    /// The user who joined.
    pub user_id: UserId,
    /// Their role.
    pub role: Role,
    /// The team joined.
    pub team: TeamView,
}

/// `GET /api/team/settings`: never the webhook URL itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TeamSettingsView {
    /// Team name.
    pub name: String,
    /// Whether a Slack webhook is set.
    pub slack_webhook_configured: bool,
    /// A masked hint of the URL (`https://hooks.slack.com/services/…/…/…Xy9z`).
    pub slack_webhook_hint: Option<String>,
    /// Channel override.
    pub slack_channel: Option<String>,
    /// Notify on status changes.
    pub notify_on_status_change: bool,
    /// Notify on blocked/unblocked.
    pub notify_on_blocked: bool,
    /// Notify when ready to deploy.
    pub notify_on_ready_to_deploy: bool,
    /// The last Slack delivery error, read-only.
    pub slack_last_error: Option<String>,
    /// When it happened (RFC 3339).
    pub slack_last_error_at: Option<crate::domain::time::Timestamp>,
    /// Notifications given up after a day of retries (read-only).
    pub slack_failed_messages: u64,
}

/// A signed-in session of the caller (`GET /api/auth/sessions`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SessionView {
    /// Opaque id (not the secret).
    pub id: String,
    /// Whether this is the session making the request.
    pub current: bool,
    /// The browser's `User-Agent` at sign-in.
    pub user_agent: Option<String>,
    /// The address it signed in from.
    pub ip: Option<String>,
    /// RFC 3339.
    pub created_at: crate::domain::time::Timestamp,
    /// When it was last used (to within five minutes).
    pub last_seen_at: crate::domain::time::Timestamp,
}

/// An event of the caller's security log (`GET /api/me/security-log`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SecurityEventView {
    /// Opaque id.
    pub id: String,
    /// What happened.
    pub kind: crate::domain::kinds::SecurityEventKind,
    /// The client address, when known.
    pub ip: Option<String>,
    /// The browser's `User-Agent`, when known.
    pub user_agent: Option<String>,
    /// A short detail (never a secret).
    pub detail: Option<String>,
    /// RFC 3339.
    pub created_at: crate::domain::time::Timestamp,
}

/// A single-sign-on provider people may sign in with (`GET /api/auth/providers`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ProviderView {
    /// The `{id}` of `/api/auth/oidc/{id}/authorize`.
    pub id: String,
    /// The name on its button ("Sign in with <name>").
    pub name: String,
}

/// One of the caller's single-sign-on identities (`GET /api/me/identities`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct IdentityView {
    /// Opaque id.
    pub id: String,
    /// The provider's id.
    pub provider: String,
    /// The provider's display name.
    pub provider_name: String,
    /// The email the provider vouched for.
    pub email: String,
    /// RFC 3339.
    pub created_at: crate::domain::time::Timestamp,
    /// When it was last used to sign in.
    pub last_used_at: crate::domain::time::Timestamp,
}
