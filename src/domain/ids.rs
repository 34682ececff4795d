//! Typed ids: one newtype per kind of record, so a release id cannot be
//! passed where a team id is expected — the compiler refuses it.
//!
//! On the wire and in the database an id is the same text as always
//! (`#[serde(transparent)]`; the SeaORM column traits live beside the
//! entities in `server::db::types`, because this folder compiles for the
//! browser and knows no database). An id is opaque: any text the client
//! sends is a *candidate* id of its kind, and a lookup that finds nothing
//! answers 404 — so there is no parsing step that could fail here.
//!
//! ```
//! use release_coordinator::domain::ids::{ReleaseId, TeamId};
//! let release = ReleaseId::from("0191f0c3");
//! assert_eq!(release.as_str(), "0191f0c3");
//! assert_eq!(serde_json::to_string(&release).unwrap(), "\"0191f0c3\"");
//! // let team: TeamId = release; // does not compile: different kinds
//! # let _ = TeamId::from("t");
//! ```

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident;)+) => {$(
        $(#[$doc])*
        #[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// The id as text (for URLs, logs and messages).
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Whether the id is empty text (forms send `""` for "none").
            pub fn is_empty(&self) -> bool {
                self.0.is_empty()
            }

            /// The id's text, owned.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self(s)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_owned())
            }
        }

        impl From<&String> for $name {
            fn from(s: &String) -> Self {
                Self(s.clone())
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> Self {
                id.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(Self(s.to_owned()))
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }

        impl PartialEq<$name> for String {
            fn eq(&self, other: &$name) -> bool {
                self == &other.0
            }
        }

        impl PartialEq<$name> for str {
            fn eq(&self, other: &$name) -> bool {
                self == other.0
            }
        }
    )+};
}

ids! {
    /// A team (the tenant: every other record but users belongs to one).
    TeamId;
    /// A person's account.
    UserId;
    /// A service of a team's catalog.
    ServiceId;
    /// A release of a service: a card on the board.
    ReleaseId;
    /// A sprint of a team.
    SprintId;
    /// A deployment group (releases that ship together).
    GroupId;
    /// A comment on a release.
    CommentId;
    /// A Jira ticket or GitHub pull request linked to a release.
    ItemId;
    /// A dependency edge between two releases.
    DependencyId;
    /// An activity (audit log) entry.
    ActivityId;
    /// An invitation to join a team.
    InvitationId;
    /// A person's OAuth connection to Jira or GitHub.
    ConnectionId;
    /// A team API token.
    TokenId;
    /// A deployment reported by CI.
    DeploymentId;
    /// An outgoing webhook subscription.
    WebhookId;
    /// One delivery of an outgoing webhook (an outbox row).
    DeliveryId;
    /// A freeze: a time no release moves into an environment.
    FreezeId;
    /// An approval (or rejection) of a release's move.
    ApprovalId;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_its_text_on_the_wire() {
        let id = ReleaseId::from("abc");
        assert_eq!(serde_json::to_value(&id).unwrap(), serde_json::json!("abc"));
        let back: ReleaseId = serde_json::from_str("\"abc\"").unwrap();
        assert_eq!(back, id);
        assert_eq!(id.to_string(), "abc");
        assert!(id == "abc");
    }

    #[test]
    fn a_non_text_id_is_refused() {
        assert!(serde_json::from_str::<TeamId>("42").is_err());
    }
}
