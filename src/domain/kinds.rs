//! Closed vocabularies of the data model. The database stores their wire
//! names as text (adding a value needs no migration); these enums are the one
//! place that lists them.

use serde::{Deserialize, Serialize};

/// Declares a wire enum: SCREAMING_SNAKE on the wire, `as_str`, `ALL`, `FromStr`.
macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident, $field:literal { $($(#[$vmeta:meta])* $variant:ident => $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $wire)] $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The wire name.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        // The OpenAPI schema: the wire names (written out here: the derive
        // cannot read a `rename` that comes through a macro).
        #[cfg(feature = "ssr")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($wire),+]))
                    .into()
            }
        }

        #[cfg(feature = "ssr")]
        impl utoipa::ToSchema for $name {}

        impl std::str::FromStr for $name {
            type Err = super::DomainError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s).ok_or_else(|| {
                    super::DomainError::invalid($field, format!("unknown value {}", super::quote(s)))
                })
            }
        }
    };
}

wire_enum!(
    /// How one release depends on another.
    DependencyType, "type" {
        /// Hard: the blocker must be deployed first.
        Blocks => "BLOCKS",
        /// Informational only.
        SoftDependency => "SOFT_DEPENDENCY",
        /// Both must be deployed together.
        RequiresSync => "REQUIRES_SYNC",
    }
);

wire_enum!(
    /// What kind of external work item is linked to a release.
    ItemType, "type" {
        /// A Jira work item (`PROJ-123`).
        JiraTicket => "JIRA_TICKET",
        /// A GitHub pull request (`owner/repo#42`).
        GithubPr => "GITHUB_PR",
    }
);

wire_enum!(
    /// What an activity row records.
    ActivityType, "type" {
        /// A release was created.
        ReleaseCreated => "RELEASE_CREATED",
        /// A release's fields changed.
        ReleaseUpdated => "RELEASE_UPDATED",
        /// A release moved to another status.
        StatusChanged => "STATUS_CHANGED",
        /// A ticket or PR was linked.
        ItemAdded => "ITEM_ADDED",
        /// A ticket or PR was unlinked.
        ItemRemoved => "ITEM_REMOVED",
        /// A dependency was added.
        DependencyAdded => "DEPENDENCY_ADDED",
        /// A blocking dependency's blocker was deployed.
        DependencyResolved => "DEPENDENCY_RESOLVED",
        /// Someone commented.
        CommentAdded => "COMMENT_ADDED",
        /// A release joined or left a deployment group.
        DeploymentGroupAssigned => "DEPLOYMENT_GROUP_ASSIGNED",
        /// A release's owner changed.
        UserAssigned => "USER_ASSIGNED",
        /// CI reported a deployment of the release.
        DeploymentReported => "DEPLOYMENT_REPORTED",
        /// A freeze or the team's policy rules changed.
        PolicyChanged => "POLICY_CHANGED",
        /// An approval was given, rejected, withdrawn or voided.
        ApprovalChanged => "APPROVAL_CHANGED",
        /// An ADMIN+ moved a release past policy checks.
        PolicyOverridden => "POLICY_OVERRIDDEN",
        /// A service was added, changed or deleted.
        ServiceChanged => "SERVICE_CHANGED",
        /// A sprint was added, changed or deleted.
        SprintChanged => "SPRINT_CHANGED",
        /// A deployment group was added, changed or deleted.
        DeploymentGroupChanged => "DEPLOYMENT_GROUP_CHANGED",
        /// Someone joined or left the team, or their role changed.
        MemberChanged => "MEMBER_CHANGED",
        /// An invitation was sent, resent or revoked.
        InvitationChanged => "INVITATION_CHANGED",
        /// The team's settings changed.
        SettingsChanged => "SETTINGS_CHANGED",
        /// Someone connected or disconnected Jira or GitHub.
        ConnectionChanged => "CONNECTION_CHANGED",
        /// An API token was created or revoked.
        ApiTokenChanged => "API_TOKEN_CHANGED",
        /// An outgoing webhook was added, changed or removed.
        WebhookChanged => "WEBHOOK_CHANGED",
    }
);

wire_enum!(
    /// What an activity entry is about (`resourceType` in the API).
    ResourceType, "resourceType" {
        /// A release.
        Release => "RELEASE",
        /// A service.
        Service => "SERVICE",
        /// A sprint.
        Sprint => "SPRINT",
        /// A deployment group.
        DeploymentGroup => "DEPLOYMENT_GROUP",
        /// A member of the team (its id is the person's).
        Member => "MEMBER",
        /// An invitation.
        Invitation => "INVITATION",
        /// The team's settings (its id is the team's).
        Settings => "SETTINGS",
        /// A person's Jira or GitHub connection.
        Connection => "CONNECTION",
        /// An API token.
        ApiToken => "API_TOKEN",
        /// An outgoing webhook.
        Webhook => "WEBHOOK",
        /// A freeze window.
        Freeze => "FREEZE",
        /// The team's release policy.
        Policy => "POLICY",
    }
);

impl ResourceType {
    /// The kind of thing in words ("deployment group").
    pub fn noun(self) -> &'static str {
        match self {
            Self::Release => "release",
            Self::Service => "service",
            Self::Sprint => "sprint",
            Self::DeploymentGroup => "deployment group",
            Self::Member => "member",
            Self::Invitation => "invitation",
            Self::Settings => "team settings",
            Self::Connection => "connection",
            Self::ApiToken => "API token",
            Self::Webhook => "webhook",
            Self::Freeze => "freeze",
            Self::Policy => "release policy",
        }
    }
}

wire_enum!(
    /// A sprint's state.
    SprintStatus, "status" {
        /// Not started (the default).
        Planning => "PLANNING",
        /// Running.
        Active => "ACTIVE",
        /// Done.
        Completed => "COMPLETED",
        /// Abandoned.
        Cancelled => "CANCELLED",
    }
);

wire_enum!(
    /// How a deployment group rolls out.
    DeploymentOrder, "deploymentOrder" {
        /// One after another, in the chosen order.
        Sequential => "SEQUENTIAL",
        /// In waves, all at once where the dependencies allow.
        Simultaneous => "SIMULTANEOUS",
    }
);

wire_enum!(
    /// Which OAuth provider a connection belongs to.
    Provider, "provider" {
        /// Atlassian Jira Cloud.
        Jira => "JIRA",
        /// GitHub.
        Github => "GITHUB",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_round_trip() {
        for v in ActivityType::ALL {
            assert_eq!(v.as_str().parse::<ActivityType>().unwrap(), *v);
            assert_eq!(serde_json::to_string(v).unwrap(), format!("\"{v}\""));
        }
        assert_eq!(ActivityType::ALL.len(), 23);
        for v in ResourceType::ALL {
            assert_eq!(v.as_str().parse::<ResourceType>().unwrap(), *v);
        }
        assert!("blocks".parse::<DependencyType>().is_err());
    }
}

wire_enum!(
    /// An event of a person's own security log (the profile shows them).
    SecurityEventKind, "kind" {
        /// The account was created.
        AccountCreated => "ACCOUNT_CREATED",
        /// Signed in with a password or single sign-on.
        SignedIn => "SIGNED_IN",
        /// A sign-in with a wrong password.
        SignInFailed => "SIGN_IN_FAILED",
        /// Changed the password from the profile.
        PasswordChanged => "PASSWORD_CHANGED",
        /// A reset link was emailed.
        PasswordResetRequested => "PASSWORD_RESET_REQUESTED",
        /// The password was reset through an emailed link (or by an operator).
        PasswordReset => "PASSWORD_RESET",
        /// A verification link was emailed.
        VerificationSent => "VERIFICATION_SENT",
        /// The email address was verified.
        EmailVerified => "EMAIL_VERIFIED",
        /// A new email address waits for its link.
        EmailChangeRequested => "EMAIL_CHANGE_REQUESTED",
        /// The email address changed (its new one verified).
        EmailChanged => "EMAIL_CHANGED",
        /// The display name changed.
        NameChanged => "NAME_CHANGED",
        /// A session was signed out from the sessions list.
        SessionRevoked => "SESSION_REVOKED",
        /// A single-sign-on identity was linked.
        IdentityLinked => "IDENTITY_LINKED",
        /// A single-sign-on identity was unlinked.
        IdentityUnlinked => "IDENTITY_UNLINKED",
    }
);
