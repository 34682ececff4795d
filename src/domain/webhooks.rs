//! Outgoing webhooks: which events there are, which change of the activity
//! log is which event, and what a subscription's event filter accepts.
//!
//! Every change the audit log records is the one source of webhook events:
//! the activity row and the deliveries are written in the same transaction
//! (`services::activity`), so a receiver hears exactly what the log says
//! happened, and nothing that was rolled back.

use super::activity::Change;
use serde::{Deserialize, Serialize};

/// An event a webhook can subscribe to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum EventType {
    /// A release was created.
    #[serde(rename = "release.created")]
    ReleaseCreated,
    /// A release's fields changed (title, owner, block, group, …).
    #[serde(rename = "release.updated")]
    ReleaseUpdated,
    /// A release moved to another status.
    #[serde(rename = "release.status_changed")]
    ReleaseStatusChanged,
    /// A release was deleted.
    #[serde(rename = "release.deleted")]
    ReleaseDeleted,
    /// CI reported a deployment.
    #[serde(rename = "deployment.reported")]
    DeploymentReported,
    /// A dependency was added.
    #[serde(rename = "dependency.added")]
    DependencyAdded,
    /// A blocking dependency's blocker was deployed.
    #[serde(rename = "dependency.resolved")]
    DependencyResolved,
    /// Someone commented.
    #[serde(rename = "comment.added")]
    CommentAdded,
    /// "Send test": a ping to check the receiver (always delivered).
    #[serde(rename = "ping")]
    Ping,
}

impl EventType {
    /// The events a subscription may name, in display order (not `ping`,
    /// which every webhook gets when asked for).
    pub const SUBSCRIBABLE: [EventType; 8] = [
        Self::ReleaseCreated,
        Self::ReleaseUpdated,
        Self::ReleaseStatusChanged,
        Self::ReleaseDeleted,
        Self::DeploymentReported,
        Self::DependencyAdded,
        Self::DependencyResolved,
        Self::CommentAdded,
    ];

    /// The wire name (`release.status_changed`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ReleaseCreated => "release.created",
            Self::ReleaseUpdated => "release.updated",
            Self::ReleaseStatusChanged => "release.status_changed",
            Self::ReleaseDeleted => "release.deleted",
            Self::DeploymentReported => "deployment.reported",
            Self::DependencyAdded => "dependency.added",
            Self::DependencyResolved => "dependency.resolved",
            Self::CommentAdded => "comment.added",
            Self::Ping => "ping",
        }
    }

    /// What it means, for the settings page.
    pub fn label(self) -> &'static str {
        match self {
            Self::ReleaseCreated => "Release created",
            Self::ReleaseUpdated => "Release updated",
            Self::ReleaseStatusChanged => "Release status changed",
            Self::ReleaseDeleted => "Release deleted",
            Self::DeploymentReported => "Deployment reported",
            Self::DependencyAdded => "Dependency added",
            Self::DependencyResolved => "Dependency resolved",
            Self::CommentAdded => "Comment added",
            Self::Ping => "Test (ping)",
        }
    }

    /// The event of a wire name.
    pub fn parse(s: &str) -> Option<EventType> {
        Self::SUBSCRIBABLE
            .into_iter()
            .chain([Self::Ping])
            .find(|e| e.as_str() == s)
    }

    /// The event an activity entry is, if any: each change the log records
    /// is at most one event.
    pub fn of(change: &Change) -> Option<EventType> {
        use Change::*;
        Some(match change {
            Created { .. } => Self::ReleaseCreated,
            Moved { .. } => Self::ReleaseStatusChanged,
            Deleted { .. } => Self::ReleaseDeleted,
            Updated { .. }
            | Blocked { .. }
            | Unblocked { .. }
            | Assigned { .. }
            | Grouped { .. }
            | Ungrouped { .. } => Self::ReleaseUpdated,
            DeploymentReported { .. } => Self::DeploymentReported,
            DependencyAdded { .. } => Self::DependencyAdded,
            DependencyResolved { .. } => Self::DependencyResolved,
            Commented { .. } => Self::CommentAdded,
            Reordered { .. }
            | DependencyRemoved { .. }
            | DependencyUnresolved { .. }
            | ItemAdded { .. }
            | ItemRemoved { .. }
            | ItemSynced { .. }
            | CommentEdited { .. }
            | CommentDeleted { .. } => return None,
            Reviewed { .. } | ReviewWithdrawn { .. } | ApprovalsVoided { .. } => {
                Self::ReleaseUpdated
            }
            // The move itself is its own `release.status_changed` event.
            PolicyOverridden { .. } => Self::ReleaseUpdated,
            FreezeDeclared { .. }
            | FreezeChanged { .. }
            | FreezeLifted { .. }
            | FreezeDeleted { .. }
            | PolicyChanged { .. }
            | Added { .. }
            | Changed { .. }
            | Removed { .. } => return None,
        })
    }
}

impl std::fmt::Display for EventType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a webhook hears: every event (`["*"]`), or the ones it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventFilter {
    /// `["*"]`: every event, those added later included.
    All,
    /// These events only (sorted, no duplicates, never empty).
    Only(Vec<EventType>),
}

impl EventFilter {
    /// Reads a subscription's `events`: `["*"]` or known event names;
    /// anything else is refused with the reason (for a 400 naming `events`).
    pub fn parse(events: &[String]) -> Result<EventFilter, String> {
        if events.is_empty() {
            return Err("choose at least one event, or [\"*\"] for all of them".into());
        }
        if events.iter().any(|e| e == "*") {
            return if events.len() == 1 {
                Ok(Self::All)
            } else {
                Err("\"*\" already means every event: send it alone".into())
            };
        }
        let mut out = vec![];
        for e in events {
            match EventType::parse(e) {
                Some(EventType::Ping) | None => {
                    return Err(format!(
                        "unknown event {}; the events are {}",
                        super::quote(e),
                        EventType::SUBSCRIBABLE.map(|e| e.as_str()).join(", ")
                    ))
                }
                Some(t) => out.push(t),
            }
        }
        out.sort();
        out.dedup();
        Ok(Self::Only(out))
    }

    /// The wire form: `["*"]` or the names.
    pub fn to_names(&self) -> Vec<String> {
        match self {
            Self::All => vec!["*".into()],
            Self::Only(v) => v.iter().map(|e| e.as_str().to_string()).collect(),
        }
    }

    /// Whether the webhook hears `event` (a ping is always heard).
    pub fn accepts(&self, event: EventType) -> bool {
        event == EventType::Ping
            || match self {
                Self::All => true,
                Self::Only(v) => v.contains(&event),
            }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_filter_is_all_or_known_events() {
        assert_eq!(
            EventFilter::parse(&names(&["*"])).unwrap(),
            EventFilter::All
        );
        let f = EventFilter::parse(&names(&[
            "comment.added",
            "release.created",
            "comment.added",
        ]))
        .unwrap();
        assert_eq!(
            f,
            EventFilter::Only(vec![EventType::ReleaseCreated, EventType::CommentAdded])
        );
        assert_eq!(f.to_names(), names(&["release.created", "comment.added"]));
        assert!(EventFilter::parse(&[]).is_err());
        assert!(EventFilter::parse(&names(&["*", "release.created"])).is_err());
        assert!(EventFilter::parse(&names(&["ping"])).is_err());
        let err = EventFilter::parse(&names(&["release.exploded"])).unwrap_err();
        assert!(
            err.contains("release.exploded") && err.contains("comment.added"),
            "{err}"
        );
    }

    #[test]
    fn a_ping_is_always_heard() {
        let f = EventFilter::Only(vec![EventType::CommentAdded]);
        assert!(f.accepts(EventType::Ping));
        assert!(f.accepts(EventType::CommentAdded));
        assert!(!f.accepts(EventType::ReleaseCreated));
        assert!(EventFilter::All.accepts(EventType::ReleaseDeleted));
    }

    #[test]
    fn wire_names_round_trip() {
        for e in EventType::SUBSCRIBABLE.into_iter().chain([EventType::Ping]) {
            assert_eq!(EventType::parse(e.as_str()), Some(e));
            assert_eq!(
                serde_json::to_value(e).unwrap(),
                serde_json::json!(e.as_str())
            );
        }
    }

    proptest! {
        /// Whatever was accepted reads back to the same filter.
        #[test]
        fn accepted_filters_round_trip(picks in proptest::collection::vec(0usize..8, 1..10)) {
            let events: Vec<String> = picks
                .iter()
                .map(|i| EventType::SUBSCRIBABLE[*i].as_str().to_string())
                .collect();
            let f = EventFilter::parse(&events).unwrap();
            prop_assert_eq!(EventFilter::parse(&f.to_names()).unwrap(), f.clone());
            for i in picks {
                prop_assert!(f.accepts(EventType::SUBSCRIBABLE[i]));
            }
        }
    }
}
