//! Planning: sprints (with their progress), deployment groups and their
//! rollout plans, dependencies, the dashboard and the calendar.

use super::ReleaseView;
use crate::domain::ids::{DependencyId, GroupId, ReleaseId, SprintId, TeamId, UserId};
use serde::{Deserialize, Serialize};

/// A sprint with how far along it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SprintSummary {
    /// The sprint.
    pub sprint: SprintView,
    /// Releases in it.
    pub total: usize,
    /// Of which deployed.
    pub deployed: usize,
}

/// One month of the calendar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CalendarData {
    /// `YYYY-MM`.
    pub month: String,
    /// Releases with a target date in the month.
    pub releases: Vec<UpcomingRelease>,
    /// Sprints overlapping the month.
    pub sprints: Vec<SprintView>,
    /// Deployment groups with a target date in the month.
    pub groups: Vec<DeploymentGroupView>,
    /// Freeze windows overlapping the month (a weekly freeze: each week's).
    #[serde(default)]
    pub freezes: Vec<super::FreezeWindow>,
}

/// A sprint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SprintView {
    /// Opaque id.
    pub id: SprintId,
    /// Its team.
    pub team_id: TeamId,
    /// Name.
    pub name: String,
    /// `YYYY-MM-DD`.
    pub start_date: chrono::NaiveDate,
    /// `YYYY-MM-DD`, not before the start.
    pub end_date: chrono::NaiveDate,
    /// PLANNING, ACTIVE, COMPLETED or CANCELLED.
    pub status: crate::domain::kinds::SprintStatus,
    /// RFC 3339.
    pub created_at: crate::domain::time::Timestamp,
    /// RFC 3339.
    pub updated_at: crate::domain::time::Timestamp,
}

/// A deployment group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DeploymentGroupView {
    /// Opaque id.
    pub id: GroupId,
    /// Its team.
    pub team_id: TeamId,
    /// Name.
    pub name: String,
    /// The sprint it belongs to.
    pub sprint_id: Option<SprintId>,
    /// Who runs the rollout.
    pub owner_id: Option<UserId>,
    /// `YYYY-MM-DD`.
    pub target_date: Option<chrono::NaiveDate>,
    /// SEQUENTIAL or SIMULTANEOUS.
    pub deployment_order: crate::domain::kinds::DeploymentOrder,
    /// RFC 3339.
    pub created_at: crate::domain::time::Timestamp,
    /// RFC 3339.
    pub updated_at: crate::domain::time::Timestamp,
}

/// A release in a deployment group, in deployment order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ReleaseRef {
    /// Release id.
    pub id: ReleaseId,
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
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DependencyView {
    /// Opaque id.
    pub id: DependencyId,
    /// The dependent release.
    pub release_id: ReleaseId,
    /// The release it depends on.
    pub depends_on_id: ReleaseId,
    /// BLOCKS, SOFT_DEPENDENCY or REQUIRES_SYNC.
    #[serde(rename = "type")]
    pub dep_type: crate::domain::kinds::DependencyType,
    /// When a BLOCKS dependency was resolved (its blocker deployed).
    pub resolved_at: Option<crate::domain::time::Timestamp>,
    /// Who added it.
    pub created_by: Option<UserId>,
    /// RFC 3339.
    pub created_at: crate::domain::time::Timestamp,
    /// The release depended on, for display.
    pub depends_on: Option<ReleaseRef>,
    /// The dependent release, for display.
    pub release: Option<ReleaseRef>,
}

/// One release in a rollout plan step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PlanRelease {
    /// Release id.
    pub id: ReleaseId,
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
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PlanCorrection {
    /// The release that moved.
    pub release_id: ReleaseId,
    /// The release it now follows or joins.
    pub after_id: ReleaseId,
    /// `BLOCKED_BY` or `SYNCED_WITH`.
    pub reason: String,
    /// In words.
    pub message: String,
}

/// `GET /api/deployment-groups/{id}/plan`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UpcomingRelease {
    /// Release id.
    pub id: ReleaseId,
    /// Title.
    pub title: String,
    /// Version.
    pub version: String,
    /// Status.
    pub status: crate::domain::status::ReleaseStatus,
    /// `YYYY-MM-DD`.
    pub target_date: chrono::NaiveDate,
    /// Its service's name.
    pub service_name: String,
}

/// The active sprint's progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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
