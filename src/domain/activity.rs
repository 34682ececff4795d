//! What an activity entry records, and the sentence people read.
//!
//! An entry stores *facts* — a [`Change`]: its `action` column and its JSON
//! `metadata` — and the sentence ("Ada moved Checkout 2.4.0 from In review
//! to Ready for staging") is written from those facts each time the entry is
//! read, by [`Change::describe`]. Wording can improve without rewriting
//! history, and every entry of one kind reads the same way. The sentence is
//! also stored (`description`), as written at the time: it is what an entry
//! whose facts cannot be read (written by an older version) shows.
//!
//! Releases are named by what they were called *then* (`release`: title and
//! version), because an audit trail outlives renames and deletions; people
//! by their name now (the caller passes it).

use crate::domain::ids::{CommentId, DependencyId, GroupId, ItemId, ReleaseId, ServiceId, UserId};
use crate::domain::kinds::{ActivityType, DependencyType, ItemType};
use crate::domain::status::ReleaseStatus;
use serde::{Deserialize, Serialize};

/// One change, with the facts its sentence needs. Serialised with its
/// `action` as the tag (the `action` column) and the rest as the entry's
/// metadata; the field names are the metadata keys the API has always shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "action",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
pub enum Change {
    /// A release was created.
    Created {
        /// The release, as named then.
        release: String,
        /// Its title.
        title: String,
        /// Its service.
        service_id: ServiceId,
        /// The service's name then.
        service: String,
    },
    /// A release was deleted.
    Deleted {
        /// The release, as named then.
        release: String,
        /// Its title.
        title: String,
        /// The service's name then.
        service: String,
        /// Always true: readers filter on it.
        deleted: bool,
    },
    /// A release's fields changed.
    Updated {
        /// The release, as named then.
        release: String,
        /// The fields, by their API names (`targetDate`, `sprint`, …).
        fields: Vec<String>,
    },
    /// A release moved to another status.
    Moved {
        /// The release, as named then.
        release: String,
        /// Where it was.
        from: ReleaseStatus,
        /// Where it went.
        to: ReleaseStatus,
    },
    /// A release was marked blocked by hand.
    Blocked {
        /// The release, as named then.
        release: String,
        /// Always true.
        is_blocked: bool,
        /// Why, when someone said.
        blocked_reason: Option<String>,
    },
    /// A release's manual block was lifted.
    Unblocked {
        /// The release, as named then.
        release: String,
        /// Always false.
        is_blocked: bool,
    },
    /// A release's owner changed.
    Assigned {
        /// The release, as named then.
        release: String,
        /// The owner before.
        from: Option<UserId>,
        /// The owner after (none: unassigned).
        to: Option<UserId>,
        /// The new owner's name then.
        to_name: Option<String>,
    },
    /// A release joined a deployment group.
    Grouped {
        /// The release, as named then.
        release: String,
        /// The group.
        deployment_group_id: GroupId,
        /// The group's name then.
        group: String,
        /// The group it left, if any.
        from: Option<GroupId>,
    },
    /// A release left a deployment group.
    Ungrouped {
        /// The release, as named then.
        release: String,
        /// The group.
        deployment_group_id: GroupId,
        /// The group's name then.
        group: String,
    },
    /// A deployment group's order changed.
    Reordered {
        /// The group.
        deployment_group_id: GroupId,
        /// The group's name then.
        group: String,
        /// The new order.
        release_ids: Vec<ReleaseId>,
    },
    /// A dependency was noted.
    DependencyAdded {
        /// The dependent release, as named then.
        release: String,
        /// The dependency.
        dependency_id: DependencyId,
        /// What it depends on.
        depends_on_id: ReleaseId,
        /// That release, as named then.
        depends_on: String,
        /// How.
        #[serde(rename = "type")]
        kind: DependencyType,
    },
    /// A dependency was removed.
    DependencyRemoved {
        /// The dependent release, as named then.
        release: String,
        /// The dependency.
        dependency_id: DependencyId,
        /// What it depended on.
        depends_on_id: ReleaseId,
        /// That release, as named then (none: it was deleted).
        depends_on: Option<String>,
    },
    /// A blocker was deployed: the dependent is free of it.
    DependencyResolved {
        /// The dependent release, as named then.
        release: String,
        /// The dependency.
        dependency_id: DependencyId,
        /// The blocker.
        depends_on_id: ReleaseId,
        /// The blocker, as named then.
        depends_on: String,
    },
    /// A deployed blocker left DEPLOYED: the dependent waits again.
    DependencyUnresolved {
        /// The dependent release, as named then.
        release: String,
        /// The dependency.
        dependency_id: DependencyId,
        /// The blocker.
        depends_on_id: ReleaseId,
        /// The blocker, as named then.
        depends_on: String,
        /// Where the blocker went.
        status: ReleaseStatus,
    },
    /// A ticket or pull request was linked.
    ItemAdded {
        /// The release, as named then.
        release: String,
        /// The linked item.
        item_id: ItemId,
        /// Ticket or pull request.
        #[serde(rename = "type")]
        kind: ItemType,
        /// "PAY-12", "acme/pay#7".
        external_id: String,
    },
    /// A ticket or pull request was unlinked.
    ItemRemoved {
        /// The release, as named then.
        release: String,
        /// The item.
        item_id: ItemId,
        /// "PAY-12", "acme/pay#7".
        external_id: String,
    },
    /// A linked item's status changed at its source (no person did it).
    ItemSynced {
        /// The item.
        item_id: ItemId,
        /// Ticket or pull request.
        #[serde(rename = "type")]
        kind: ItemType,
        /// "PAY-12", "acme/pay#7".
        external_id: String,
        /// Its status at the source ("Done", "merged").
        status: String,
    },
    /// Someone commented.
    Commented {
        /// The release, as named then.
        release: String,
        /// The comment.
        comment_id: CommentId,
    },
    /// A comment was edited.
    CommentEdited {
        /// The release, as named then.
        release: String,
        /// The comment.
        comment_id: CommentId,
    },
    /// A comment was deleted.
    CommentDeleted {
        /// The release, as named then.
        release: String,
        /// The comment.
        comment_id: CommentId,
    },
}

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

    /// The sentence people read. `actor` is who did it, by their name now
    /// (`None`: someone no longer known, or no person at all).
    pub fn describe(&self, actor: Option<&str>) -> String {
        use Change::*;
        let who = actor.unwrap_or("Someone");
        match self {
            Created {
                release, service, ..
            } => format!("{who} created {release} for {service}"),
            Deleted {
                release, service, ..
            } => format!("{who} deleted {release} of {service}"),
            Updated { release, fields } => {
                let fields: Vec<&str> = fields.iter().map(|f| field_words(f)).collect();
                format!("{who} updated the {} of {release}", list(&fields))
            }
            Moved { release, from, to } => format!(
                "{who} moved {release} from {} to {}",
                from.label(),
                to.label()
            ),
            Blocked {
                release,
                blocked_reason: Some(r),
                ..
            } => format!("{who} marked {release} as blocked: {r}"),
            Blocked { release, .. } => format!("{who} marked {release} as blocked"),
            Unblocked { release, .. } => format!("{who} unblocked {release}"),
            Assigned {
                release, to_name, ..
            } => format!(
                "{who} assigned {release} to {}",
                to_name.as_deref().unwrap_or("nobody")
            ),
            Grouped { release, group, .. } => {
                format!("{who} added {release} to deployment group {group}")
            }
            Ungrouped { release, group, .. } => {
                format!("{who} removed {release} from deployment group {group}")
            }
            Reordered { group, .. } => format!("{who} reordered deployment group {group}"),
            DependencyAdded {
                release,
                depends_on,
                kind,
                ..
            } => {
                let verb = match kind {
                    DependencyType::Blocks => "is blocked by",
                    DependencyType::SoftDependency => "depends on",
                    DependencyType::RequiresSync => "deploys together with",
                };
                format!("{who} noted that {release} {verb} {depends_on}")
            }
            DependencyRemoved {
                release,
                depends_on,
                ..
            } => format!(
                "{who} removed the dependency of {release} on {}",
                depends_on.as_deref().unwrap_or("a deleted release")
            ),
            DependencyResolved {
                release,
                depends_on,
                ..
            } => format!("{release} is no longer blocked by {depends_on}: it is deployed"),
            DependencyUnresolved {
                release,
                depends_on,
                status,
                ..
            } => format!(
                "{release} is blocked again by {depends_on}: it is {} now",
                status.label().to_lowercase()
            ),
            ItemAdded {
                release,
                external_id,
                ..
            } => format!("{who} linked {external_id} to {release}"),
            ItemRemoved {
                release,
                external_id,
                ..
            } => format!("{who} unlinked {external_id} from {release}"),
            ItemSynced {
                kind,
                external_id,
                status,
                ..
            } => format!("{}: {external_id} is now {status}", provider(*kind)),
            Commented { release, .. } => format!("{who} commented on {release}"),
            CommentEdited { release, .. } => format!("{who} edited a comment on {release}"),
            CommentDeleted { release, .. } => format!("{who} deleted a comment on {release}"),
        }
    }
}

/// A release's name wherever people read it: its title and version.
pub fn release_label(title: &str, version: &str) -> String {
    format!("{title} {version}")
}

/// The service a linked item lives in.
fn provider(kind: ItemType) -> &'static str {
    match kind {
        ItemType::JiraTicket => "Jira",
        ItemType::GithubPr => "GitHub",
    }
}

/// A release field's API name in words.
fn field_words(field: &str) -> &str {
    match field {
        "targetDate" => "target date",
        "deploymentGroup" | "deployment group" => "deployment group",
        other => other,
    }
}

/// "a", "a and b", "a, b and c".
fn list(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn moved() -> Change {
        Change::Moved {
            release: "Checkout 2.4.0".into(),
            from: ReleaseStatus::InReview,
            to: ReleaseStatus::ReadyStaging,
        }
    }

    #[test]
    fn a_change_is_stored_as_its_action_and_the_metadata_keys_of_the_api() {
        let (action, meta) = moved().to_stored();
        assert_eq!(action, "moved");
        assert_eq!(
            meta,
            json!({"release": "Checkout 2.4.0", "from": "IN_REVIEW", "to": "READY_STAGING"})
        );
        assert_eq!(Change::from_stored(&action, Some(&meta)), Some(moved()));
    }

    #[test]
    fn the_sentence_uses_labels_and_the_actors_name_now() {
        assert_eq!(
            moved().describe(Some("Ada")),
            "Ada moved Checkout 2.4.0 from In review to Ready for staging"
        );
        assert!(moved().describe(None).starts_with("Someone moved"));
        let updated = Change::Updated {
            release: "Checkout 2.4.0".into(),
            fields: vec!["title".into(), "targetDate".into(), "priority".into()],
        };
        assert_eq!(
            updated.describe(Some("Ada")),
            "Ada updated the title, target date and priority of Checkout 2.4.0"
        );
    }

    #[test]
    fn entries_without_their_facts_are_not_guessed() {
        // Older rows (no `release` key) and unknown actions read back as
        // nothing, so the stored sentence is shown instead.
        assert_eq!(
            Change::from_stored(
                "moved",
                Some(&json!({"from": "PLANNING", "to": "DEPLOYED"}))
            ),
            None
        );
        assert_eq!(Change::from_stored("teleported", None), None);
        assert_eq!(Change::from_stored("moved", Some(&json!([1, 2]))), None);
    }

    #[test]
    fn every_kind_of_change_round_trips_and_reads_as_a_sentence() {
        let rid: ReleaseId = "r1".parse().unwrap();
        let changes = [
            Change::Created {
                release: "A 1".into(),
                title: "A".into(),
                service_id: "s1".parse().unwrap(),
                service: "Pay".into(),
            },
            Change::Deleted {
                release: "A 1".into(),
                title: "A".into(),
                service: "Pay".into(),
                deleted: true,
            },
            Change::Blocked {
                release: "A 1".into(),
                is_blocked: true,
                blocked_reason: Some("waiting".into()),
            },
            Change::Unblocked {
                release: "A 1".into(),
                is_blocked: false,
            },
            Change::Assigned {
                release: "A 1".into(),
                from: None,
                to: None,
                to_name: None,
            },
            Change::Reordered {
                deployment_group_id: "g1".parse().unwrap(),
                group: "Wave".into(),
                release_ids: vec![rid.clone()],
            },
            Change::DependencyAdded {
                release: "A 1".into(),
                dependency_id: "d1".parse().unwrap(),
                depends_on_id: rid.clone(),
                depends_on: "B 2".into(),
                kind: DependencyType::RequiresSync,
            },
            Change::DependencyUnresolved {
                release: "A 1".into(),
                dependency_id: "d1".parse().unwrap(),
                depends_on_id: rid,
                depends_on: "B 2".into(),
                status: ReleaseStatus::RolledBack,
            },
            Change::ItemSynced {
                item_id: "i1".parse().unwrap(),
                kind: ItemType::JiraTicket,
                external_id: "PAY-12".into(),
                status: "Done".into(),
            },
        ];
        let sentences = [
            "Ada created A 1 for Pay",
            "Ada deleted A 1 of Pay",
            "Ada marked A 1 as blocked: waiting",
            "Ada unblocked A 1",
            "Ada assigned A 1 to nobody",
            "Ada reordered deployment group Wave",
            "Ada noted that A 1 deploys together with B 2",
            "A 1 is blocked again by B 2: it is rolled back now",
            "Jira: PAY-12 is now Done",
        ];
        for (c, s) in changes.iter().zip(sentences) {
            let (action, meta) = c.to_stored();
            assert_eq!(Change::from_stored(&action, Some(&meta)).as_ref(), Some(c));
            assert_eq!(c.describe(Some("Ada")), s);
        }
    }
}
