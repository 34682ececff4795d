//! The pure rules of Release Coordinator.
//!
//! Everything here compiles for the server *and* for the browser (WASM): the
//! board highlights legal drop targets with the very same state machine the
//! server enforces. Nothing in this folder does I/O, reads the clock behind
//! the caller's back, or knows about HTTP or SQL.
//!
//! - [`activity`]: what an audit entry records, and the sentence read from it.
//! - [`board`]: how many cards each board column shows (the `show` key).
//! - [`deployments`]: CI's deployment reports and the path the board follows.
//! - [`ids`]: typed ids, one per kind of record.
//! - [`time`]: `Timestamp`, a moment in the API's exact format.
//! - [`status`]: the release status state machine and priorities.
//! - [`roles`]: team roles and what each may do, in one place.
//! - [`validation`]: text limits and input shapes shared by every entry point.
//! - [`jql`]: building Jira searches that user text cannot widen.
//! - [`webhooks`]: outgoing webhook events and subscription filters.
//! - [`policy`]: release policy — whether a move may happen, check by check
//!   (freezes, approvals, readiness), and when a freeze is in force.
//! - [`search`]: finding things by what people type — words, index
//!   queries, ranking.
//! - [`kinds`]: the small closed vocabularies of the data model (dependency
//!   types, item types, activity types, sprint status, deployment order).

pub mod activity;
pub mod board;
pub mod deployments;
pub mod graph;
pub mod ids;
pub mod items;
pub mod jql;
pub mod kinds;
pub mod metrics;
pub mod policy;
pub mod roles;
pub mod search;
pub mod status;
pub mod time;
pub mod validation;
pub mod webhooks;

/// A domain rule was broken. The web edge maps each variant to a status code;
/// nothing here knows about HTTP.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// Input that does not have the required shape (maps to 400).
    #[error("{message}")]
    Invalid {
        /// The field at fault, when there is one.
        field: Option<&'static str>,
        /// Human-readable explanation.
        message: String,
    },
    /// A status move the state machine forbids (maps to 400).
    #[error("cannot move a release from {from} to {to}")]
    IllegalTransition {
        /// The state the release is in.
        from: status::ReleaseStatus,
        /// The state that was asked for.
        to: status::ReleaseStatus,
    },
    /// The caller's role does not allow the action (maps to 403).
    #[error("your role ({role}) does not allow this: {action}")]
    Forbidden {
        /// The caller's role in the team.
        role: roles::Role,
        /// What was attempted, in words.
        action: &'static str,
    },
}

impl DomainError {
    /// A validation error on one field.
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid {
            field: Some(field),
            message: message.into(),
        }
    }
}

/// A value quoted in an error message, cut to 40 characters: a refused
/// value is named, but a megabyte of input is never echoed back.
pub fn quote(value: &str) -> String {
    let mut cut: String = value.chars().take(40).collect();
    if value.chars().count() > 40 {
        cut.push('…');
    }
    format!("{cut:?}")
}
