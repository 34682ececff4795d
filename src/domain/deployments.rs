//! Deployments reported by CI, and how the board follows them.
//!
//! A pipeline reports what it did (`POST /api/deployments`): a service's
//! version reached an environment, or failed to, or was rolled back. The
//! report is a fact and is always recorded; the release then *follows
//! reality* — forward along the state machine's legal path, one step at a
//! time, never skipping a rule a person would meet. [`path`] decides that
//! path, or says in words why the board cannot follow (the *drift*).
//!
//! Decisions:
//! - Only SUCCEEDED on STAGING (→ IN_STAGING), SUCCEEDED on PRODUCTION
//!   (→ DEPLOYED) and ROLLED_BACK on PRODUCTION (→ ROLLED_BACK) move a
//!   release; STARTED, FAILED and a staging rollback are recorded only.
//! - A release already at or past the target (a staging report for a
//!   release in READY_PRODUCTION) stays where it is, without drift: the
//!   board is ahead of that report, not wrong.
//! - A CANCELLED or ROLLED_BACK release is never moved by a report: a
//!   person reopens it first. That is drift, said in the answer.
//! - Rolling back is one step from DEPLOYED only; anything else is drift.

use super::status::ReleaseStatus;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Where a pipeline deployed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Environment {
    /// The staging environment.
    Staging,
    /// Production.
    Production,
}

/// What the pipeline reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DeployStatus {
    /// The deployment began.
    Started,
    /// The version runs in the environment.
    Succeeded,
    /// The deployment failed; whatever ran before still runs.
    Failed,
    /// The version was taken back out of the environment.
    RolledBack,
}

impl Environment {
    /// Both, in pipeline order.
    pub const ALL: [Environment; 2] = [Self::Staging, Self::Production];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Staging => "STAGING",
            Self::Production => "PRODUCTION",
        }
    }

    /// The name people read.
    pub fn label(self) -> &'static str {
        match self {
            Self::Staging => "staging",
            Self::Production => "production",
        }
    }
}

impl DeployStatus {
    /// Every status.
    pub const ALL: [DeployStatus; 4] = [
        Self::Started,
        Self::Succeeded,
        Self::Failed,
        Self::RolledBack,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Started => "STARTED",
            Self::Succeeded => "SUCCEEDED",
            Self::Failed => "FAILED",
            Self::RolledBack => "ROLLED_BACK",
        }
    }

    /// What a report says of `what` (a release, a version) in words, for
    /// the activity log and the command line: "Checkout 2.4.0 deployed to
    /// staging", "a failed deployment of 2.4.0 to production".
    pub fn phrase(self, what: &str, environment: Environment) -> String {
        match self {
            Self::Succeeded => format!("{what} deployed to {environment}"),
            Self::Started => format!("{what} deploying to {environment}"),
            Self::Failed => format!("a failed deployment of {what} to {environment}"),
            Self::RolledBack => format!("{what} rolled back in {environment}"),
        }
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

macro_rules! parse_wire {
    ($ty:ident, $field:literal, $what:literal) => {
        impl FromStr for $ty {
            type Err = super::DomainError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::ALL
                    .into_iter()
                    .find(|v| v.as_str() == s)
                    .ok_or_else(|| {
                        super::DomainError::invalid(
                            $field,
                            format!(concat!("unknown ", $what, " {}"), super::quote(s)),
                        )
                    })
            }
        }
    };
}
parse_wire!(Environment, "environment", "environment");
parse_wire!(DeployStatus, "status", "deployment status");

/// The state a report asks the release to reach, if it asks for one.
pub fn target(environment: Environment, status: DeployStatus) -> Option<ReleaseStatus> {
    match (environment, status) {
        (Environment::Staging, DeployStatus::Succeeded) => Some(ReleaseStatus::InStaging),
        (Environment::Production, DeployStatus::Succeeded) => Some(ReleaseStatus::Deployed),
        (Environment::Production, DeployStatus::RolledBack) => Some(ReleaseStatus::RolledBack),
        _ => None,
    }
}

/// The legal steps from `current` to where the report says the release is:
/// each step is one legal move of the state machine. Empty when nothing is
/// to move; `Err` with the drift (why the board cannot follow, in words
/// that read after "the board did not follow: ") otherwise.
/// Blocking rules are not known here: the service meets them step by step,
/// exactly as a person's move would, and a refused step is drift too.
pub fn path(
    current: ReleaseStatus,
    environment: Environment,
    status: DeployStatus,
) -> Result<Vec<ReleaseStatus>, String> {
    let Some(to) = target(environment, status) else {
        return Ok(vec![]);
    };
    if current == to {
        return Ok(vec![]);
    }
    if to == ReleaseStatus::RolledBack {
        return if current == ReleaseStatus::Deployed {
            Ok(vec![ReleaseStatus::RolledBack])
        } else {
            Err(format!(
                "the release is {current}, not Deployed; only a deployed release can be rolled back"
            ))
        };
    }
    match (current.flow_index(), to.flow_index()) {
        (Some(from), Some(target)) if from >= target => Ok(vec![]),
        (Some(from), Some(target)) => Ok(ReleaseStatus::MAIN_FLOW[from + 1..=target].to_vec()),
        _ => Err(format!(
            "the release is {current}; reopen it on the board before it can follow"
        )),
    }
}

/// What runs in one environment after a series of reports (oldest first,
/// each with its version): the index of the latest SUCCEEDED report still
/// standing. A ROLLED_BACK report of a version takes back every success of
/// that version (a retried deployment reports success twice), so what ran
/// before it counts again; STARTED and FAILED change nothing.
pub fn standing(reports: &[(DeployStatus, &str)]) -> Option<usize> {
    let mut stack: Vec<usize> = vec![];
    for (i, (status, version)) in reports.iter().enumerate() {
        match status {
            DeployStatus::Succeeded => stack.push(i),
            DeployStatus::RolledBack => stack.retain(|j| reports[*j].1 != *version),
            DeployStatus::Started | DeployStatus::Failed => {}
        }
    }
    stack.last().copied()
}

#[cfg(test)]
mod tests {
    use super::DeployStatus::*;
    use super::Environment::*;
    use super::*;
    use proptest::prelude::*;
    use ReleaseStatus as S;

    #[test]
    fn a_staging_success_walks_the_main_flow_to_in_staging() {
        assert_eq!(
            path(S::Planning, Staging, Succeeded).unwrap(),
            vec![S::InDevelopment, S::InReview, S::ReadyStaging, S::InStaging]
        );
        assert_eq!(path(S::InStaging, Staging, Succeeded).unwrap(), vec![]);
        // The board is ahead of the report: nothing to do, no drift.
        assert_eq!(
            path(S::ReadyProduction, Staging, Succeeded).unwrap(),
            vec![]
        );
    }

    #[test]
    fn a_production_success_ends_in_deployed() {
        assert_eq!(
            path(S::StagingVerified, Production, Succeeded).unwrap(),
            vec![S::ReadyProduction, S::Deployed]
        );
    }

    #[test]
    fn started_and_failed_reports_move_nothing() {
        for s in S::ALL {
            for env in Environment::ALL {
                assert_eq!(path(s, env, Started).unwrap(), vec![]);
                assert_eq!(path(s, env, Failed).unwrap(), vec![]);
            }
            assert_eq!(path(s, Staging, RolledBack).unwrap(), vec![]);
        }
    }

    #[test]
    fn a_rollback_only_follows_a_deployment_and_says_why_not() {
        assert_eq!(
            path(S::Deployed, Production, RolledBack).unwrap(),
            vec![S::RolledBack]
        );
        let drift = path(S::InStaging, Production, RolledBack).unwrap_err();
        assert!(
            drift.contains("only a deployed release can be rolled back"),
            "{drift}"
        );
    }

    #[test]
    fn a_cancelled_release_does_not_follow() {
        let drift = path(S::Cancelled, Production, Succeeded).unwrap_err();
        assert!(drift.contains("reopen it"), "{drift}");
        assert!(drift.contains("Cancelled"), "{drift}");
        assert!(path(S::RolledBack, Staging, Succeeded).is_err());
    }

    #[test]
    fn what_runs_is_the_latest_success_a_rollback_did_not_take_back() {
        assert_eq!(standing(&[]), None);
        assert_eq!(standing(&[(Started, "1"), (Failed, "1")]), None);
        assert_eq!(
            standing(&[(Succeeded, "1"), (Started, "2"), (Succeeded, "2")]),
            Some(2)
        );
        assert_eq!(
            standing(&[(Succeeded, "1"), (Succeeded, "2"), (RolledBack, "2")]),
            Some(0)
        );
        assert_eq!(standing(&[(Succeeded, "1"), (RolledBack, "1")]), None);
        assert_eq!(standing(&[(Succeeded, "1"), (Failed, "2")]), Some(0));
        // A retried deployment reported twice is rolled back at once.
        assert_eq!(
            standing(&[
                (Succeeded, "1"),
                (Succeeded, "2"),
                (Succeeded, "2"),
                (RolledBack, "2")
            ]),
            Some(0)
        );
        // Rolling back a version that no longer runs changes what runs now not at all.
        assert_eq!(
            standing(&[(Succeeded, "1"), (Succeeded, "2"), (RolledBack, "1")]),
            Some(1)
        );
    }

    #[test]
    fn wire_names_parse_and_unknown_ones_are_refused() {
        assert_eq!("PRODUCTION".parse::<Environment>().unwrap(), Production);
        assert_eq!("ROLLED_BACK".parse::<DeployStatus>().unwrap(), RolledBack);
        let err = "prod".parse::<Environment>().unwrap_err();
        assert_eq!(err.to_string(), "unknown environment \"prod\"");
    }

    fn any_status() -> impl Strategy<Value = ReleaseStatus> {
        proptest::sample::select(S::ALL.to_vec())
    }
    fn any_env() -> impl Strategy<Value = Environment> {
        proptest::sample::select(Environment::ALL.to_vec())
    }
    fn any_report() -> impl Strategy<Value = DeployStatus> {
        proptest::sample::select(DeployStatus::ALL.to_vec())
    }

    proptest! {
        /// Every path is a chain of legal moves that ends where the report
        /// points; a drift happens only where no legal forward path exists.
        #[test]
        fn every_path_is_legal_and_ends_at_the_target(
            from in any_status(), env in any_env(), report in any_report()
        ) {
            match path(from, env, report) {
                Ok(steps) => {
                    let mut at = from;
                    for s in &steps {
                        prop_assert!(at.can_move_to(*s), "{at:?} → {s:?}");
                        at = *s;
                    }
                    if let (Some(to), Some(last)) = (target(env, report), steps.last()) {
                        prop_assert_eq!(*last, to);
                    }
                    // Never backwards along the main flow.
                    if let (Some(a), Some(b)) = (from.flow_index(), at.flow_index()) {
                        prop_assert!(b >= a);
                    }
                }
                Err(drift) => {
                    prop_assert!(target(env, report).is_some());
                    prop_assert!(!drift.is_empty());
                }
            }
        }

        /// `standing` names a SUCCEEDED report whose version no later
        /// rollback took back, or none.
        #[test]
        fn standing_is_a_success_no_later_rollback_took_back(
            reports in proptest::collection::vec((any_report(), proptest::sample::select(vec!["1", "2", "3"])), 0..20)
        ) {
            if let Some(i) = standing(&reports) {
                prop_assert_eq!(reports[i].0, Succeeded);
                let v = reports[i].1;
                prop_assert!(!reports[i + 1..].iter().any(|(s, w)| *s == RolledBack && *w == v));
            }
        }
    }
}
