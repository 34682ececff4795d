//! Wire and view types: what the REST API returns and what server functions
//! hand to the UI. Plain data (serde, camelCase), compiled for the server and
//! the browser; the server builds them from database rows.

pub mod error;
pub mod planning;

pub use error::{ApiError, ErrorKind};
pub use planning::{CalendarData, SprintSummary};

use crate::domain::roles::Role;
use serde::{Deserialize, Serialize};

/// A user as others may see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserView {
    /// Opaque id.
    pub id: String,
    /// Lower-cased email.
    pub email: String,
    /// Display name.
    pub name: String,
    /// RFC 3339.
    pub created_at: String,
}

/// A team the caller belongs to, with their role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TeamMembershipView {
    /// Team id.
    pub id: String,
    /// Team name.
    pub name: String,
    /// Team slug.
    pub slug: String,
    /// The caller's role there.
    pub role: Role,
}

/// `GET /api/me`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MeView {
    /// The signed-in user.
    pub user: UserView,
    /// Their teams, by name.
    pub teams: Vec<TeamMembershipView>,
    /// The team selected in this session.
    pub current_team_id: Option<String>,
}

impl MeView {
    /// The current team's entry, if one is selected.
    pub fn current_team(&self) -> Option<&TeamMembershipView> {
        let id = self.current_team_id.as_deref()?;
        self.teams.iter().find(|t| t.id == id)
    }
}

/// A team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TeamView {
    /// Opaque id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Unique slug.
    pub slug: String,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub updated_at: String,
}

/// A member of the current team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MemberView {
    /// The user's id.
    pub user_id: String,
    /// Their email.
    pub email: String,
    /// Their name.
    pub name: String,
    /// Their role.
    pub role: Role,
    /// When they joined (RFC 3339).
    pub joined_at: String,
}

/// A pending invitation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvitationView {
    /// Opaque id.
    pub id: String,
    /// Who is invited.
    pub email: String,
    /// The role they will get.
    pub role: Role,
    /// RFC 3339.
    pub expires_at: String,
    /// RFC 3339.
    pub created_at: String,
    /// The inviter's name, if they still exist.
    pub invited_by: Option<String>,
}

/// A just-created invitation: the only time the token is shown.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvitationCreated {
    /// Opaque id.
    pub id: String,
    /// Who is invited.
    pub email: String,
    /// The role they will get.
    pub role: Role,
    /// The secret token (shown once).
    pub token: String,
    /// The link to send: `PUBLIC_URL/invite/{token}`.
    pub url: String,
    /// RFC 3339.
    pub expires_at: String,
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
#[serde(rename_all = "camelCase")]
pub struct MembershipView {
    /// The team joined.
    pub team_id: String,
    /// The user who joined.
    pub user_id: String,
    /// Their role.
    pub role: Role,
    /// The team joined.
    pub team: TeamView,
}

/// `GET /api/team/settings`: never the webhook URL itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    pub slack_last_error_at: Option<String>,
    /// Notifications given up after a day of retries (read-only).
    pub slack_failed_messages: u64,
}

/// A page of a list: `{"items": [...], "nextCursor": ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    /// This page's items.
    pub items: Vec<T>,
    /// Pass as `?cursor=` for the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

/// A release as a card on the board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BoardCard {
    /// Release id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Version string.
    pub version: String,
    /// Status.
    pub status: crate::domain::status::ReleaseStatus,
    /// The service's name.
    pub service_name: String,
    /// Urgency.
    pub priority: crate::domain::status::Priority,
    /// The owner's name.
    pub owner_name: Option<String>,
    /// Blocked by hand.
    pub is_blocked: bool,
    /// Why.
    pub blocked_reason: Option<String>,
    /// `YYYY-MM-DD`.
    pub target_date: Option<String>,
    /// For optimistic concurrency on moves.
    pub revision: i64,
    /// Releases it BLOCKS-depends on that are not deployed yet
    /// ("Search 1.2.0"): it cannot ship before them.
    #[serde(default)]
    pub blocked_by: Vec<String>,
}

/// One column of the board: its status, how many releases match the
/// filters in it, and the cards shown (all of them for work in progress,
/// the most recent for finished columns).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BoardColumn {
    /// The column's status.
    pub status: crate::domain::status::ReleaseStatus,
    /// Matching releases in this status.
    pub total: u64,
    /// The cards shown.
    pub cards: Vec<BoardCard>,
}

/// A deployable service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceView {
    /// Opaque id.
    pub id: String,
    /// The owning team.
    pub team_id: String,
    /// Name.
    pub name: String,
    /// Team-unique slug.
    pub slug: String,
    /// Description.
    pub description: String,
    /// `owner/name` on GitHub.
    pub github_repo: Option<String>,
    /// Jira project key.
    pub jira_project_key: Option<String>,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub updated_at: String,
}

/// A release, as `API.md` "Release" describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReleaseView {
    /// Opaque id.
    pub id: String,
    /// The owning team.
    pub team_id: String,
    /// Its service.
    pub service_id: String,
    /// Title.
    pub title: String,
    /// The release's own version ("2.4.0").
    pub version: String,
    /// Markdown description.
    pub description: String,
    /// Where it is in its life.
    pub status: crate::domain::status::ReleaseStatus,
    /// Urgency.
    pub priority: crate::domain::status::Priority,
    /// Owner (a team member).
    pub owner_id: Option<String>,
    /// Sprint.
    pub sprint_id: Option<String>,
    /// Deployment group.
    pub deployment_group_id: Option<String>,
    /// `YYYY-MM-DD`.
    pub target_date: Option<String>,
    /// Blocked by hand.
    pub is_blocked: bool,
    /// Why.
    pub blocked_reason: Option<String>,
    /// Set when it entered IN_STAGING.
    pub staging_deployed_at: Option<String>,
    /// Set when it entered DEPLOYED.
    pub production_deployed_at: Option<String>,
    /// Grows with every change (optimistic concurrency).
    pub revision: i64,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub updated_at: String,
}

/// One audit-log entry; also the payload of each live event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActivityView {
    /// Opaque id.
    pub id: String,
    /// The team.
    pub team_id: String,
    /// The release it is about, while it exists.
    pub release_id: Option<String>,
    /// Who did it.
    pub user_id: Option<String>,
    /// Their name at the time.
    pub user_name: Option<String>,
    /// `STATUS_CHANGED`, …
    #[serde(rename = "type")]
    pub activity_type: crate::domain::kinds::ActivityType,
    /// A short verb.
    pub action: String,
    /// A readable sentence.
    pub description: String,
    /// Structured details.
    pub metadata: Option<serde_json::Value>,
    /// RFC 3339.
    pub created_at: String,
}

/// A comment on a release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CommentView {
    /// Opaque id.
    pub id: String,
    /// The release.
    pub release_id: String,
    /// The author, while they exist.
    pub author_id: Option<String>,
    /// The author's name.
    pub author_name: Option<String>,
    /// Markdown source.
    pub body: String,
    /// The Markdown rendered and sanitised (no scripts, no `javascript:` links).
    pub body_html: String,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub updated_at: String,
}

/// A release waiting for something, with what holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Waiting {
    /// The release.
    pub release: ReleaseView,
    /// Its service's name.
    pub service_name: String,
    /// Why it cannot go: the manual reason and unresolved blockers.
    pub blockers: Vec<String>,
}

/// A sprint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SprintView {
    /// Opaque id.
    pub id: String,
    /// Its team.
    pub team_id: String,
    /// Name.
    pub name: String,
    /// `YYYY-MM-DD`.
    pub start_date: String,
    /// `YYYY-MM-DD`, not before the start.
    pub end_date: String,
    /// PLANNING, ACTIVE, COMPLETED or CANCELLED.
    pub status: crate::domain::kinds::SprintStatus,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub updated_at: String,
}

/// A deployment group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentGroupView {
    /// Opaque id.
    pub id: String,
    /// Its team.
    pub team_id: String,
    /// Name.
    pub name: String,
    /// The sprint it belongs to.
    pub sprint_id: Option<String>,
    /// Who runs the rollout.
    pub owner_id: Option<String>,
    /// `YYYY-MM-DD`.
    pub target_date: Option<String>,
    /// SEQUENTIAL or SIMULTANEOUS.
    pub deployment_order: crate::domain::kinds::DeploymentOrder,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub updated_at: String,
}

/// A release in a deployment group, in deployment order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupReleaseView {
    /// 1-based position in the chosen order.
    pub position: i32,
    /// The release.
    #[serde(flatten)]
    pub release: ReleaseView,
}

/// A release as the other end of a dependency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReleaseRef {
    /// Release id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Version.
    pub version: String,
    /// Status.
    pub status: crate::domain::status::ReleaseStatus,
    /// Its service's name.
    pub service_name: String,
}

/// A dependency: `releaseId` depends on `dependsOnId`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DependencyView {
    /// Opaque id.
    pub id: String,
    /// The dependent release.
    pub release_id: String,
    /// The release it depends on.
    pub depends_on_id: String,
    /// BLOCKS, SOFT_DEPENDENCY or REQUIRES_SYNC.
    #[serde(rename = "type")]
    pub dep_type: crate::domain::kinds::DependencyType,
    /// When a BLOCKS dependency was resolved (its blocker deployed).
    pub resolved_at: Option<String>,
    /// Who added it.
    pub created_by: Option<String>,
    /// RFC 3339.
    pub created_at: String,
    /// The release depended on, for display.
    pub depends_on: Option<ReleaseRef>,
    /// The dependent release, for display.
    pub release: Option<ReleaseRef>,
}

/// One release in a rollout plan step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanRelease {
    /// Release id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Version.
    pub version: String,
    /// Status.
    pub status: crate::domain::status::ReleaseStatus,
    /// READY_PRODUCTION (or already DEPLOYED), and not blocked.
    pub ready: bool,
}

/// One step of a rollout plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanStep {
    /// 1-based.
    pub position: usize,
    /// Deployed together.
    pub releases: Vec<PlanRelease>,
    /// Every release of the step is ready.
    pub ready: bool,
}

/// A change the plan made to the chosen order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanCorrection {
    /// The release that moved.
    pub release_id: String,
    /// The release it now follows or joins.
    pub after_id: String,
    /// `BLOCKED_BY` or `SYNCED_WITH`.
    pub reason: String,
    /// In words.
    pub message: String,
}

/// `GET /api/deployment-groups/{id}/plan`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanView {
    /// SEQUENTIAL or SIMULTANEOUS.
    pub deployment_order: crate::domain::kinds::DeploymentOrder,
    /// Ordered steps (waves for SIMULTANEOUS).
    pub steps: Vec<PlanStep>,
    /// What the plan changed in the chosen order, and why.
    pub corrections: Vec<PlanCorrection>,
    /// Every step is ready.
    pub ready: bool,
}

/// A release with a target date coming up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpcomingRelease {
    /// Release id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Version.
    pub version: String,
    /// Status.
    pub status: crate::domain::status::ReleaseStatus,
    /// `YYYY-MM-DD`.
    pub target_date: String,
    /// Its service's name.
    pub service_name: String,
}

/// The active sprint's progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SprintProgress {
    /// The sprint.
    pub sprint: SprintView,
    /// Releases in it.
    pub total: u64,
    /// Of which DEPLOYED.
    pub deployed: u64,
    /// deployed ÷ total (0 when empty).
    pub progress: f64,
}

/// `GET /api/dashboard/stats?days=`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DashboardStats {
    /// The window of the four delivery figures, in days.
    pub days: i64,
    /// Every status with its count.
    pub counts_by_status: std::collections::BTreeMap<String, u64>,
    /// Releases in flight that are blocked (by hand or by a dependency).
    pub blocked: u64,
    /// In READY_STAGING.
    pub ready_for_staging: u64,
    /// In READY_PRODUCTION.
    pub ready_for_production: u64,
    /// Entered DEPLOYED since Monday 00:00 UTC.
    pub deployed_this_week: u64,
    /// Not yet deployed, target date in the next 14 days (or overdue), soonest first.
    pub upcoming: Vec<UpcomingRelease>,
    /// The ACTIVE sprint, if any.
    pub active_sprint: Option<SprintProgress>,
    /// DEPLOYED per week.
    pub deployment_frequency: crate::domain::metrics::Figure,
    /// Created → DEPLOYED, hours (median, p90).
    pub lead_time: crate::domain::metrics::Figure,
    /// ROLLED_BACK ÷ DEPLOYED.
    pub change_failure_rate: crate::domain::metrics::Figure,
    /// ROLLED_BACK → the service's next DEPLOYED, hours (median).
    pub time_to_restore: crate::domain::metrics::Figure,
    /// Deployments and median lead time per week of the window (charts).
    pub weekly: Vec<crate::domain::metrics::WeekPoint>,
}

/// A user's connection to Jira or GitHub, as the profile page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionInfo {
    /// JIRA or GITHUB.
    pub provider: String,
    /// The account there.
    pub account_name: Option<String>,
    /// Whether it still works.
    pub is_valid: bool,
    /// Why not.
    pub last_error: Option<String>,
    /// Jira: the chosen site ("acme", its address).
    pub site: Option<SiteChoice>,
    /// Jira, until one is chosen: the sites the account reaches.
    pub site_choices: Vec<SiteChoice>,
}

/// A Jira site a connection can use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteChoice {
    /// The cloudId.
    pub id: String,
    /// "acme".
    pub name: String,
    /// `https://acme.atlassian.net`.
    pub url: String,
}

/// The profile's Connections section: which integrations this server has
/// set up, and the caller's connections.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionsInfo {
    /// `GITHUB_CLIENT_ID`/`GITHUB_CLIENT_SECRET` are set.
    pub github_available: bool,
    /// `JIRA_CLIENT_ID`/`JIRA_CLIENT_SECRET` are set.
    pub jira_available: bool,
    /// The caller's connections.
    pub list: Vec<ConnectionInfo>,
}

/// A search result that can be linked to a release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchHitView {
    /// JIRA_TICKET or GITHUB_PR.
    pub item_type: String,
    /// What linking sends.
    pub external_id: String,
    /// Title.
    pub title: String,
    /// Status name.
    pub status: String,
    /// new/indeterminate/done, or open/draft/closed/merged.
    pub status_category: String,
    /// Assignee or author.
    pub assignee: Option<String>,
    /// Web page.
    pub url: String,
}

/// A Jira ticket or GitHub pull request linked to a release, with its cached
/// state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemView {
    /// Opaque id.
    pub id: String,
    /// The release.
    pub release_id: String,
    /// JIRA_TICKET or GITHUB_PR.
    #[serde(rename = "type")]
    pub item_type: crate::domain::kinds::ItemType,
    /// `PROJ-123` or `owner/repo#42`.
    pub external_id: String,
    /// Cached title.
    pub title: Option<String>,
    /// Cached status (`open`, `merged`, …).
    pub status: Option<String>,
    /// new/indeterminate/done, or open/merged/closed/draft.
    pub status_category: Option<String>,
    /// Cached assignee.
    pub assignee: Option<String>,
    /// Link.
    pub url: Option<String>,
    /// RFC 3339.
    pub last_synced_at: Option<String>,
    /// Why the last sync failed.
    pub sync_error: Option<String>,
    /// RFC 3339.
    pub created_at: String,
}
