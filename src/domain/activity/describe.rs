//! The sentence people read for a [`Change`].

use super::Change;
use crate::domain::kinds::{DependencyType, ItemType};

impl Change {
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
            DeploymentReported {
                release,
                environment,
                status,
                drift,
                ..
            } => {
                let what = status.phrase(release, *environment);
                match drift {
                    Some(d) => format!("{who} reported {what}, but the board did not follow: {d}"),
                    None => format!("{who} reported {what}"),
                }
            }
            FreezeDeclared {
                name,
                reason,
                environments,
                ..
            } => {
                let envs: Vec<&str> = environments
                    .iter()
                    .map(|e| match e {
                        crate::domain::deployments::Environment::Staging => "staging",
                        crate::domain::deployments::Environment::Production => "production",
                    })
                    .collect();
                let why = if reason.trim().is_empty() {
                    String::new()
                } else {
                    format!(": {}", reason.trim())
                };
                format!("{who} declared the freeze '{name}' on {}{why}", list(&envs))
            }
            FreezeChanged { name, .. } => format!("{who} changed the freeze '{name}'"),
            FreezeLifted { name, .. } => format!("{who} lifted the freeze '{name}'"),
            FreezeDeleted { name, .. } => format!("{who} deleted the freeze '{name}'"),
            PolicyChanged { statuses } if statuses.is_empty() => {
                format!("{who} cleared the release policy rules")
            }
            PolicyChanged { statuses } => {
                let names: Vec<&str> = statuses.iter().map(|s| s.label()).collect();
                format!(
                    "{who} changed the release policy (rules for {})",
                    list(&names)
                )
            }
            Reviewed {
                release,
                to_status,
                decision,
                ..
            } => {
                let verb = match decision {
                    crate::domain::policy::Decision::Approve => "approved",
                    crate::domain::policy::Decision::Reject => "rejected",
                };
                format!("{who} {verb} moving {release} to {}", to_status.label())
            }
            ReviewWithdrawn {
                release,
                to_status,
                decision,
                ..
            } => {
                let what = match decision {
                    crate::domain::policy::Decision::Approve => "approval",
                    crate::domain::policy::Decision::Reject => "rejection",
                };
                format!(
                    "{who} withdrew their {what} of moving {release} to {}",
                    to_status.label()
                )
            }
            ApprovalsVoided {
                release,
                version,
                count,
            } => format!(
                "{count} approval{} of version {version} no longer count{}: {release} has a new version",
                if *count == 1 { "" } else { "s" },
                if *count == 1 { "s" } else { "" }
            ),
            PolicyOverridden {
                release,
                to,
                reason,
                reasons,
                ..
            } => format!(
                "{who} moved {release} to {} overriding the release policy ({}): {reason}",
                to.label(),
                reasons.join("; ")
            ),
        }
    }
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
