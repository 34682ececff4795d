//! The sentence people read for a [`Change`].

use super::{Change, Changes};
use crate::domain::kinds::{DependencyType, ItemType, ResourceType};
use crate::domain::roles::Role;

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
            Updated {
                release, fields, ..
            } => {
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
            Added {
                resource_type,
                name,
                detail,
                ..
            } => added(who, *resource_type, name, detail.as_deref()),
            Changed {
                resource_type,
                name,
                changes,
                ..
            } => changed(who, *resource_type, name, changes),
            Removed {
                resource_type,
                name,
                ..
            } => removed(who, *resource_type, name),
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

/// A role's wire name in words ("ADMIN" → "Admin"); other text as it is.
fn role_words(v: &str) -> String {
    v.parse::<Role>()
        .map(|r| r.label().to_string())
        .unwrap_or_else(|_| v.to_string())
}

/// "Ada added the service Checkout", "Ada invited bob@example.com as Member".
fn added(who: &str, kind: ResourceType, name: &str, detail: Option<&str>) -> String {
    let noun = kind.noun();
    match (kind, detail) {
        (ResourceType::Member, Some(role)) if who == name => {
            format!("{name} joined the team as {}", role_words(role))
        }
        (ResourceType::Member, Some(role)) => {
            format!("{who} added {name} to the team as {}", role_words(role))
        }
        (ResourceType::Invitation, Some(role)) => {
            format!("{who} invited {name} as {}", role_words(role))
        }
        (ResourceType::Connection, Some(account)) => {
            format!("{who} connected {name} as {account}")
        }
        (ResourceType::Connection, None) => format!("{who} connected {name}"),
        (ResourceType::ApiToken, Some(role)) => {
            format!(
                "{who} created the {noun} {name} acting as {}",
                role_words(role)
            )
        }
        _ => format!("{who} added the {noun} {name}"),
    }
}

/// "Ada changed Bob's role from Member to Admin", "Ada changed the name
/// and end date of the sprint Sprint 12".
fn changed(who: &str, kind: ResourceType, name: &str, changes: &Changes) -> String {
    if let (ResourceType::Member, Some((from, to))) = (kind, changes.get("role")) {
        let words = |v: &serde_json::Value| role_words(v.as_str().unwrap_or_default());
        return format!(
            "{who} changed {name}'s role from {} to {}",
            words(from),
            words(to)
        );
    }
    if kind == ResourceType::Invitation {
        return format!("{who} sent the invitation to {name} again");
    }
    let fields: Vec<String> = changes.keys().map(|f| camel_words(f)).collect();
    let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
    match (kind, fields.is_empty()) {
        (ResourceType::Settings, true) => format!("{who} changed the team settings"),
        (ResourceType::Settings, false) => {
            format!("{who} changed the {} in the team settings", list(&fields))
        }
        (_, true) => format!("{who} changed the {} {name}", kind.noun()),
        (_, false) => format!(
            "{who} changed the {} of the {} {name}",
            list(&fields),
            kind.noun()
        ),
    }
}

/// "Ada deleted the service Checkout", "Bob left the team".
fn removed(who: &str, kind: ResourceType, name: &str) -> String {
    match kind {
        ResourceType::Member if who == name => format!("{name} left the team"),
        ResourceType::Member => format!("{who} removed {name} from the team"),
        ResourceType::Invitation => format!("{who} revoked the invitation of {name}"),
        ResourceType::Connection => format!("{who} disconnected {name}"),
        ResourceType::ApiToken => format!("{who} revoked the API token {name}"),
        ResourceType::Webhook => format!("{who} removed the webhook {name}"),
        _ => format!("{who} deleted the {} {name}", kind.noun()),
    }
}

/// A camelCase field name in words: "slackChannel" → "slack channel".
fn camel_words(field: &str) -> String {
    let mut out = String::with_capacity(field.len() + 4);
    for c in field.chars() {
        if c.is_ascii_uppercase() {
            out.push(' ');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}
