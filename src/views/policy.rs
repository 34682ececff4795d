//! Release policy on the wire: freezes.

use crate::domain::deployments::Environment;
use crate::domain::ids::{FreezeId, ServiceId, UserId};
use crate::domain::time::Timestamp;
use serde::{Deserialize, Serialize};

/// A weekly window in the freeze's time zone: opens every `startDay` at
/// `startTime`, closes at the next `endDay` `endTime`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Recurrence {
    /// `MON`..`SUN`.
    pub start_day: String,
    /// `HH:MM`, local time.
    pub start_time: String,
    /// `MON`..`SUN`.
    pub end_day: String,
    /// `HH:MM`, local time.
    pub end_time: String,
}

/// A freeze: while it is in force, no release moves into its environments
/// (IN_STAGING for STAGING, DEPLOYED for PRODUCTION) for its services.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct FreezeView {
    /// Opaque id.
    pub id: FreezeId,
    /// Its name ("Black Friday").
    pub name: String,
    /// Why.
    pub reason: String,
    /// From when.
    pub starts_at: Timestamp,
    /// Until when; `null`: until lifted.
    pub ends_at: Option<Timestamp>,
    /// A weekly window, repeating from `startsAt` until `endsAt`; `null`: one stretch.
    pub recurrence: Option<Recurrence>,
    /// The IANA time zone of the weekly window.
    pub timezone: String,
    /// The services it holds; empty: every service.
    pub service_ids: Vec<ServiceId>,
    /// The environments it holds.
    pub environments: Vec<Environment>,
    /// Whether it is in force now (or at the `at` asked for).
    pub in_force: bool,
    /// When the window in force closes (`null`: not in force, or until lifted).
    pub in_force_until: Option<Timestamp>,
    /// Who created it.
    pub created_by: Option<UserId>,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

/// What a move would meet: every check of it, and whether it may happen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MoveChecks {
    /// The status asked about.
    pub to_status: crate::domain::status::ReleaseStatus,
    /// Whether the move may happen now.
    pub allowed: bool,
    /// Each check: TRANSITION, BLOCKER, FREEZE, APPROVALS, ITEMS, PULL_REQUESTS.
    pub checks: Vec<crate::domain::policy::Check>,
}

/// An approval (or rejection) of moving the release's current version into
/// a status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ApprovalView {
    /// Opaque id.
    pub id: crate::domain::ids::ApprovalId,
    /// The release.
    pub release_id: crate::domain::ids::ReleaseId,
    /// Who.
    pub user_id: UserId,
    /// Their name.
    pub user_name: String,
    /// The move it is about.
    pub to_status: crate::domain::status::ReleaseStatus,
    /// APPROVE or REJECT.
    pub decision: crate::domain::policy::Decision,
    /// What they said.
    pub comment: String,
    /// The version it approves (always the release's current one).
    pub version: String,
    /// When.
    pub created_at: Timestamp,
}

/// A move the caller could approve or reject, and whether they may.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Approvable {
    /// The move.
    pub to_status: crate::domain::status::ReleaseStatus,
    /// How many approvals the rule asks for (0: none asked, recorded only).
    pub required: u32,
    /// Who may approve, in words ("ADMIN or OWNER").
    pub from: String,
    /// Why the caller may not, if they may not.
    pub refused: Option<String>,
}

/// The release page's policy panel: each move it could make now with its
/// checks, the current version's approvals, and what the caller may approve.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReleasePolicy {
    /// The checks of each legal move from here.
    pub moves: Vec<MoveChecks>,
    /// Approvals and rejections of the current version.
    pub approvals: Vec<ApprovalView>,
    /// The moves the team's rules ask approvals for, and the next move.
    pub approvable: Vec<Approvable>,
    /// The caller.
    pub me: Option<UserId>,
    /// Whether the caller may override (ADMIN+).
    pub can_override: bool,
}

/// The board's freeze banner: what is frozen now, and whether the caller
/// may stop the line or lift a freeze (ADMIN+).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BoardFreezes {
    /// The freezes in force now.
    pub freezes: Vec<FreezeView>,
    /// ADMIN+.
    pub can_manage: bool,
}

/// The "Release policy" settings page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicySettings {
    /// The team's rules.
    pub rules: Vec<crate::domain::policy::Rule>,
    /// The team's freezes, newest first.
    pub freezes: Vec<FreezeView>,
    /// The team's services (names for the freezes' scopes).
    pub services: Vec<super::ServiceView>,
    /// ADMIN+: may change them.
    pub can_manage: bool,
}

/// One stretch of time a freeze holds (the calendar shows them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct FreezeWindow {
    /// The freeze.
    pub freeze_id: FreezeId,
    /// Its name.
    pub name: String,
    /// Opens.
    pub start: Timestamp,
    /// Closes (`null`: until lifted).
    pub end: Option<Timestamp>,
}
