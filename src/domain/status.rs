//! The release status state machine — the one place that says which moves are
//! legal. The server enforces it; the board asks it which columns to highlight.
//!
//! Main flow: PLANNING → IN_DEVELOPMENT → IN_REVIEW → READY_STAGING →
//! IN_STAGING → STAGING_VERIFIED → READY_PRODUCTION → DEPLOYED.
//!
//! Decisions (see also README, "Release lifecycle"):
//! - **One step back is allowed** inside the main flow before DEPLOYED
//!   (IN_REVIEW → IN_DEVELOPMENT, IN_STAGING → READY_STAGING, …): reviews
//!   bounce and staging fails, and the board should say so honestly. Skipping
//!   forward or jumping back several steps is not.
//! - CANCELLED is reachable from every state except DEPLOYED and CANCELLED: a
//!   deployed release is rolled back, not cancelled.
//! - ROLLED_BACK only from DEPLOYED; DEPLOYED only goes to ROLLED_BACK.
//! - CANCELLED may be reopened to PLANNING; ROLLED_BACK may go to
//!   IN_DEVELOPMENT (fix forward) or CANCELLED.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Where a release is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReleaseStatus {
    /// Scoped, not started.
    Planning,
    /// Being built.
    InDevelopment,
    /// Code review.
    InReview,
    /// Waiting for a staging deployment.
    ReadyStaging,
    /// Running on staging.
    InStaging,
    /// Verified on staging.
    StagingVerified,
    /// Waiting for a production deployment.
    ReadyProduction,
    /// Running in production.
    Deployed,
    /// Abandoned.
    Cancelled,
    /// Taken back out of production.
    RolledBack,
}

impl ReleaseStatus {
    /// Every status, main flow first, then the two side states.
    pub const ALL: [ReleaseStatus; 10] = [
        Self::Planning,
        Self::InDevelopment,
        Self::InReview,
        Self::ReadyStaging,
        Self::InStaging,
        Self::StagingVerified,
        Self::ReadyProduction,
        Self::Deployed,
        Self::Cancelled,
        Self::RolledBack,
    ];

    /// The main flow, in order: the board's columns.
    pub const MAIN_FLOW: [ReleaseStatus; 8] = [
        Self::Planning,
        Self::InDevelopment,
        Self::InReview,
        Self::ReadyStaging,
        Self::InStaging,
        Self::StagingVerified,
        Self::ReadyProduction,
        Self::Deployed,
    ];

    /// Position in the main flow, `None` for CANCELLED and ROLLED_BACK.
    pub fn flow_index(self) -> Option<usize> {
        Self::MAIN_FLOW.iter().position(|s| *s == self)
    }

    /// Whether `self → to` is a legal move. Moving to the same state is not a
    /// move and is not legal.
    pub fn can_move_to(self, to: ReleaseStatus) -> bool {
        use ReleaseStatus::*;
        if self == to {
            return false;
        }
        match (self, to) {
            (Deployed, RolledBack) => true,
            (Deployed, _) => false,
            (RolledBack, InDevelopment | Cancelled) => true,
            (RolledBack, _) => false,
            (Cancelled, Planning) => true,
            (Cancelled, _) => false,
            (_, Cancelled) => true,
            (_, RolledBack) => false,
            (from, to) => match (from.flow_index(), to.flow_index()) {
                (Some(a), Some(b)) => b == a + 1 || a == b + 1,
                _ => false,
            },
        }
    }

    /// Every state reachable in one legal move, in display order.
    pub fn allowed_targets(self) -> Vec<ReleaseStatus> {
        Self::ALL
            .into_iter()
            .filter(|to| self.can_move_to(*to))
            .collect()
    }

    /// The states that end a release's life: DEPLOYED, CANCELLED and
    /// ROLLED_BACK. Their lists grow forever, so boards and dashboards show
    /// the work in flight in full and only the latest of these.
    pub const FINISHED: [ReleaseStatus; 3] = [Self::Deployed, Self::Cancelled, Self::RolledBack];

    /// Whether this state ends a release's life (see [`Self::FINISHED`]).
    pub fn is_finished(self) -> bool {
        Self::FINISHED.contains(&self)
    }

    /// The wire names of every state still in flight (a filter value).
    pub fn in_flight_names() -> Vec<&'static str> {
        Self::ALL
            .into_iter()
            .filter(|s| !s.is_finished())
            .map(|s| s.as_str())
            .collect()
    }

    /// Whether a release must be free of blocks to enter this state: nothing
    /// blocked ships. Entering READY_PRODUCTION or DEPLOYED needs every BLOCKS
    /// dependency deployed *and* no manual block (`isBlocked`); the two
    /// combine. Earlier states stay open so work can go on around a block.
    pub fn requires_unblocked(self) -> bool {
        matches!(self, Self::ReadyProduction | Self::Deployed)
    }

    /// Checks a move, with an error that names both states.
    pub fn check_move(self, to: ReleaseStatus) -> Result<(), super::DomainError> {
        if self.can_move_to(to) {
            Ok(())
        } else {
            Err(super::DomainError::IllegalTransition { from: self, to })
        }
    }

    /// The wire name (`READY_STAGING`).
    pub fn as_str(self) -> &'static str {
        use ReleaseStatus::*;
        match self {
            Planning => "PLANNING",
            InDevelopment => "IN_DEVELOPMENT",
            InReview => "IN_REVIEW",
            ReadyStaging => "READY_STAGING",
            InStaging => "IN_STAGING",
            StagingVerified => "STAGING_VERIFIED",
            ReadyProduction => "READY_PRODUCTION",
            Deployed => "DEPLOYED",
            Cancelled => "CANCELLED",
            RolledBack => "ROLLED_BACK",
        }
    }

    /// The name people read ("Ready for production").
    pub fn label(self) -> &'static str {
        use ReleaseStatus::*;
        match self {
            Planning => "Planning",
            InDevelopment => "In development",
            InReview => "In review",
            ReadyStaging => "Ready for staging",
            InStaging => "In staging",
            StagingVerified => "Staging verified",
            ReadyProduction => "Ready for production",
            Deployed => "Deployed",
            Cancelled => "Cancelled",
            RolledBack => "Rolled back",
        }
    }

    /// The colour family of this status (`UI.md`): used for the column dot,
    /// card edge, badge and chart series alike.
    pub fn color(self) -> &'static str {
        use ReleaseStatus::*;
        match self {
            Planning => "gray",
            InDevelopment => "blue",
            InReview => "violet",
            ReadyStaging => "amber",
            InStaging => "orange",
            StagingVerified => "teal",
            ReadyProduction => "lime",
            Deployed => "green",
            Cancelled => "slate",
            RolledBack => "red",
        }
    }
}

/// For people: the label ("In staging"). The wire name is
/// [`ReleaseStatus::as_str`] (and serde); nothing formats a status with
/// `{}` for a machine.
impl fmt::Display for ReleaseStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl FromStr for ReleaseStatus {
    type Err = super::DomainError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| {
                super::DomainError::invalid("status", format!("unknown status {}", super::quote(s)))
            })
    }
}

/// How urgent a release is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Priority {
    /// Whenever it fits.
    Low,
    /// The default.
    #[default]
    Medium,
    /// Soon.
    High,
    /// Now.
    Critical,
}

impl Priority {
    /// Every priority, lowest first.
    pub const ALL: [Priority; 4] = [Self::Low, Self::Medium, Self::High, Self::Critical];

    /// Urgency as a number: LOW 0 … CRITICAL 3 (sort by it, most urgent first).
    pub fn rank(self) -> u8 {
        match self {
            Self::Low => 0,
            Self::Medium => 1,
            Self::High => 2,
            Self::Critical => 3,
        }
    }

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "LOW",
            Self::Medium => "MEDIUM",
            Self::High => "HIGH",
            Self::Critical => "CRITICAL",
        }
    }

    /// The name people read.
    pub fn label(self) -> &'static str {
        match self {
            Self::Low => "Low",
            Self::Medium => "Medium",
            Self::High => "High",
            Self::Critical => "Critical",
        }
    }
}

impl FromStr for Priority {
    type Err = super::DomainError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| {
                super::DomainError::invalid(
                    "priority",
                    format!("unknown priority {}", super::quote(s)),
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::ReleaseStatus::{self, *};
    use proptest::prelude::*;

    /// The documented table, written out by hand so a change to the rule
    /// above has to be a deliberate change here too.
    fn documented(from: ReleaseStatus) -> &'static [ReleaseStatus] {
        match from {
            Planning => &[InDevelopment, Cancelled],
            InDevelopment => &[Planning, InReview, Cancelled],
            InReview => &[InDevelopment, ReadyStaging, Cancelled],
            ReadyStaging => &[InReview, InStaging, Cancelled],
            InStaging => &[ReadyStaging, StagingVerified, Cancelled],
            StagingVerified => &[InStaging, ReadyProduction, Cancelled],
            ReadyProduction => &[StagingVerified, Deployed, Cancelled],
            Deployed => &[RolledBack],
            Cancelled => &[Planning],
            RolledBack => &[InDevelopment, Cancelled],
        }
    }

    #[test]
    fn every_pair_matches_the_documented_table() {
        for from in ReleaseStatus::ALL {
            for to in ReleaseStatus::ALL {
                let expected = documented(from).contains(&to);
                assert_eq!(from.can_move_to(to), expected, "{from} -> {to}");
                assert_eq!(from.check_move(to).is_ok(), expected, "{from} -> {to}");
            }
        }
    }

    #[test]
    fn finished_states_are_the_ends_of_the_machine() {
        // A finished state leaves only by rollback or reopening, never forward.
        for s in ReleaseStatus::ALL {
            let ends = s.allowed_targets().iter().all(|t| {
                matches!(
                    (s, t),
                    (Deployed, RolledBack)
                        | (Cancelled, Planning)
                        | (RolledBack, InDevelopment | Cancelled)
                )
            });
            assert_eq!(s.is_finished(), ends && s != Planning, "{s}");
        }
        assert_eq!(ReleaseStatus::in_flight_names().len(), 7);
    }

    #[test]
    fn only_shipping_states_require_an_unblocked_release() {
        let shipping: Vec<_> = ReleaseStatus::ALL
            .into_iter()
            .filter(|s| s.requires_unblocked())
            .collect();
        assert_eq!(shipping, vec![ReadyProduction, Deployed]);
    }

    #[test]
    fn illegal_move_error_names_both_states() {
        let err = Planning.check_move(Deployed).unwrap_err().to_string();
        assert!(err.contains("from Planning to Deployed"), "{err}");
    }

    #[test]
    fn wire_names_round_trip() {
        for s in ReleaseStatus::ALL {
            assert_eq!(s.as_str().parse::<ReleaseStatus>().unwrap(), s);
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.as_str()));
        }
        assert!("ready_staging".parse::<ReleaseStatus>().is_err());
    }

    proptest! {
        /// Whatever moves are attempted, applying only the accepted ones keeps
        /// a release inside the machine: every state it passes through was
        /// reached by a legal edge, and DEPLOYED is only ever left for ROLLED_BACK.
        #[test]
        fn random_walks_stay_in_the_machine(moves in proptest::collection::vec(0usize..10, 0..200)) {
            let mut state = Planning;
            for m in moves {
                let to = ReleaseStatus::ALL[m];
                if state.check_move(to).is_ok() {
                    prop_assert!(documented(state).contains(&to));
                    if state == Deployed { prop_assert_eq!(to, RolledBack); }
                    state = to;
                }
            }
        }
    }
}
