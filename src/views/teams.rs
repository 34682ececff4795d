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
