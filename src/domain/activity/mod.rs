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

use crate::domain::deployments::{DeployStatus, Environment};
use crate::domain::ids::{
    ApprovalId, CommentId, DependencyId, DeploymentId, FreezeId, GroupId, ItemId, ReleaseId,
    ServiceId, UserId,
};
use crate::domain::kinds::{DependencyType, ItemType, ResourceType};
use crate::domain::policy::{CheckKind, Decision};
use crate::domain::status::ReleaseStatus;
use serde::{Deserialize, Serialize};

/// What changed in a thing: each field, by its API name, with its value
/// before and after (`{field: [before, after]}` on the wire).
pub type Changes = std::collections::BTreeMap<String, (serde_json::Value, serde_json::Value)>;

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
        /// Each field before and after (absent in entries of older versions).
        #[serde(default, skip_serializing_if = "Changes::is_empty")]
        changes: Changes,
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
    /// CI reported a deployment of the release.
    DeploymentReported {
        /// The release, as named then.
        release: String,
        /// The report.
        deployment_id: DeploymentId,
        /// Where.
        environment: Environment,
        /// What happened.
        status: DeployStatus,
        /// Why the board did not follow, when it could not.
        drift: Option<String>,
    },
    /// A freeze was declared.
    FreezeDeclared {
        /// The freeze.
        freeze_id: FreezeId,
        /// Its name.
        name: String,
        /// Why.
        reason: String,
        /// What it holds.
        environments: Vec<Environment>,
    },
    /// A freeze was changed.
    FreezeChanged {
        /// The freeze.
        freeze_id: FreezeId,
        /// Its name.
        name: String,
    },
    /// A freeze was lifted (its end set to now).
    FreezeLifted {
        /// The freeze.
        freeze_id: FreezeId,
        /// Its name.
        name: String,
    },
    /// A freeze was deleted.
    FreezeDeleted {
        /// The freeze.
        freeze_id: FreezeId,
        /// Its name.
        name: String,
    },
    /// The team's release policy rules changed.
    PolicyChanged {
        /// The statuses the rules now guard.
        statuses: Vec<ReleaseStatus>,
    },
    /// Someone approved or rejected a move of a release's version.
    Reviewed {
        /// The release, as named then.
        release: String,
        /// The approval.
        approval_id: ApprovalId,
        /// The move it is about.
        to_status: ReleaseStatus,
        /// For or against.
        decision: Decision,
        /// What they said.
        comment: String,
    },
    /// An approval or rejection was withdrawn by its author.
    ReviewWithdrawn {
        /// The release, as named then.
        release: String,
        /// The approval.
        approval_id: ApprovalId,
        /// The move it was about.
        to_status: ReleaseStatus,
        /// What it was.
        decision: Decision,
    },
    /// A version change voided the approvals of the old version.
    ApprovalsVoided {
        /// The release, as named now.
        release: String,
        /// The version they approved.
        version: String,
        /// How many.
        count: u32,
    },
    /// Something other than a release came to be: a service, sprint or
    /// deployment group, a member, an invitation, a connection, an API token,
    /// a webhook.
    Added {
        /// What kind of thing.
        resource_type: ResourceType,
        /// Its id (a member's is the person's id).
        resource_id: String,
        /// Its name then (a person's name, an invitation's email).
        name: String,
        /// A word more where the sentence needs it: a role, an account.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        detail: Option<String>,
    },
    /// Such a thing changed: each field, by its API name, before and after.
    Changed {
        /// What kind of thing.
        resource_type: ResourceType,
        /// Its id.
        resource_id: String,
        /// Its name then.
        name: String,
        /// `{field: [before, after]}`; secrets appear only as "changed".
        changes: Changes,
    },
    /// Such a thing went away (deleted, revoked, removed, left).
    Removed {
        /// What kind of thing.
        resource_type: ResourceType,
        /// Its id.
        resource_id: String,
        /// Its name then.
        name: String,
    },
    /// An ADMIN+ moved a release past policy checks, with a reason.
    PolicyOverridden {
        /// The release, as named then.
        release: String,
        /// Where it moved from.
        from: ReleaseStatus,
        /// Where it moved.
        to: ReleaseStatus,
        /// Why.
        reason: String,
        /// The checks passed over.
        checks: Vec<CheckKind>,
        /// What each said.
        reasons: Vec<String>,
    },
}

/// The fields that differ between two versions of a thing, each as
/// `(field, before, after)`; equal ones are left out.
pub fn changes_of<'a>(
    fields: impl IntoIterator<Item = (&'a str, serde_json::Value, serde_json::Value)>,
) -> Changes {
    fields
        .into_iter()
        .filter(|(_, b, a)| b != a)
        .map(|(f, b, a)| (f.to_string(), (b, a)))
        .collect()
}

/// A release's name wherever people read it: its title and version.
pub fn release_label(title: &str, version: &str) -> String {
    format!("{title} {version}")
}

mod describe;
mod entry;

#[cfg(test)]
mod tests;
