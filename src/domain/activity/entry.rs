//! What an entry is of a [`Change`]: its type, what it is about, the
//! fields it changed, and its stored form (the `action` column and the
//! JSON `metadata`) both ways.

use super::{Change, Changes};
use crate::domain::kinds::{ActivityType, ResourceType};

impl Change {
    /// The entry's type (the vocabulary of the original design).
    pub fn kind(&self) -> ActivityType {
        use Change::*;
        match self {
            Created { .. } => ActivityType::ReleaseCreated,
            Moved { .. } => ActivityType::StatusChanged,
            Assigned { .. } => ActivityType::UserAssigned,
            Grouped { .. } => ActivityType::DeploymentGroupAssigned,
            DependencyAdded { .. } => ActivityType::DependencyAdded,
            DependencyResolved { .. } => ActivityType::DependencyResolved,
            ItemAdded { .. } => ActivityType::ItemAdded,
            ItemRemoved { .. } => ActivityType::ItemRemoved,
            Commented { .. } => ActivityType::CommentAdded,
            DeploymentReported { .. } => ActivityType::DeploymentReported,
            PolicyOverridden { .. } => ActivityType::PolicyOverridden,
            FreezeDeclared { .. }
            | FreezeChanged { .. }
            | FreezeLifted { .. }
            | FreezeDeleted { .. }
            | PolicyChanged { .. } => ActivityType::PolicyChanged,
            Reviewed { .. } | ReviewWithdrawn { .. } | ApprovalsVoided { .. } => {
                ActivityType::ApprovalChanged
            }
            Added { resource_type, .. }
            | Changed { resource_type, .. }
            | Removed { resource_type, .. } => match resource_type {
                ResourceType::Service => ActivityType::ServiceChanged,
                ResourceType::Sprint => ActivityType::SprintChanged,
                ResourceType::DeploymentGroup => ActivityType::DeploymentGroupChanged,
                ResourceType::Member => ActivityType::MemberChanged,
                ResourceType::Invitation => ActivityType::InvitationChanged,
                ResourceType::Connection => ActivityType::ConnectionChanged,
                ResourceType::ApiToken => ActivityType::ApiTokenChanged,
                ResourceType::Webhook => ActivityType::WebhookChanged,
                ResourceType::Freeze | ResourceType::Policy => ActivityType::PolicyChanged,
                ResourceType::Settings => ActivityType::SettingsChanged,
                ResourceType::Release => ActivityType::ReleaseUpdated,
            },
            Deleted { .. }
            | Updated { .. }
            | Blocked { .. }
            | Unblocked { .. }
            | Ungrouped { .. }
            | Reordered { .. }
            | DependencyRemoved { .. }
            | DependencyUnresolved { .. }
            | ItemSynced { .. }
            | CommentEdited { .. }
            | CommentDeleted { .. } => ActivityType::ReleaseUpdated,
        }
    }

    /// What the entry is about, and its id when the change names it (a
    /// release's changes take the release's id from the entry; the policy's
    /// is the team's).
    pub fn resource(&self) -> (ResourceType, Option<String>) {
        use Change::*;
        match self {
            Added {
                resource_type,
                resource_id,
                ..
            }
            | Changed {
                resource_type,
                resource_id,
                ..
            }
            | Removed {
                resource_type,
                resource_id,
                ..
            } => (*resource_type, Some(resource_id.clone())),
            FreezeDeclared { freeze_id, .. }
            | FreezeChanged { freeze_id, .. }
            | FreezeLifted { freeze_id, .. }
            | FreezeDeleted { freeze_id, .. } => {
                (ResourceType::Freeze, Some(freeze_id.to_string()))
            }
            PolicyChanged { .. } => (ResourceType::Policy, None),
            Reordered {
                deployment_group_id,
                ..
            } => (
                ResourceType::DeploymentGroup,
                Some(deployment_group_id.to_string()),
            ),
            _ => (ResourceType::Release, None),
        }
    }

    /// Each field the change touched, before and after (empty when the
    /// change is not an edit of fields).
    pub fn changes(&self) -> Changes {
        use serde_json::json;
        use Change::*;
        let one = |field: &str, before: serde_json::Value, after: serde_json::Value| {
            Changes::from([(field.to_string(), (before, after))])
        };
        match self {
            Changed { changes, .. } | Updated { changes, .. } => changes.clone(),
            Moved { from, to, .. } => one("status", json!(from), json!(to)),
            Assigned { from, to, .. } => one("ownerId", json!(from), json!(to)),
            Blocked { .. } => one("isBlocked", json!(false), json!(true)),
            Unblocked { .. } => one("isBlocked", json!(true), json!(false)),
            _ => Changes::new(),
        }
    }

    /// Splits the change into its `action` column and its metadata.
    pub fn to_stored(&self) -> (String, serde_json::Value) {
        let mut v = serde_json::to_value(self).expect("a change always serialises");
        let action = v
            .as_object_mut()
            .and_then(|o| o.remove("action"))
            .and_then(|a| a.as_str().map(str::to_string))
            .unwrap_or_default();
        (action, v)
    }

    /// Reads a change back from its `action` and metadata; `None` when they
    /// do not hold one (an entry written before its facts were complete).
    pub fn from_stored(action: &str, metadata: Option<&serde_json::Value>) -> Option<Change> {
        let mut m = match metadata {
            Some(serde_json::Value::Object(m)) => m.clone(),
            None => serde_json::Map::new(),
            Some(_) => return None,
        };
        m.insert("action".into(), action.into());
        serde_json::from_value(serde_json::Value::Object(m)).ok()
    }
}
