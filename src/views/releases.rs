//! Releases, their board cards and columns, services, activity, comments.

use crate::domain::ids::{
    ActivityId, CommentId, GroupId, ReleaseId, ServiceId, SprintId, TeamId, UserId,
};
use serde::{Deserialize, Serialize};

/// A release as a card on the board. Only the board reads it (through its
/// server function, and from the page as hydration data, where a board of
/// hundreds of cards carries it once per card): it travels as an array in
/// a fixed order, not an object, so no card repeats the field names — see
/// [`CardWire`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardCard {
    /// Release id.
    pub id: ReleaseId,
    /// Title.
    pub title: String,
    /// Version string.
    pub version: String,
    /// Status. Not sent per card: the card's column says it, and
    /// [`BoardColumn`]'s deserialisation puts it back.
    pub status: crate::domain::status::ReleaseStatus,
    /// The service's name.
    pub service_name: String,
    /// Urgency.
    pub priority: crate::domain::status::Priority,
    /// The owner's name.
    pub owner_name: Option<String>,
    /// Blocked by hand.
    pub is_blocked: bool,
    /// Why.
    pub blocked_reason: Option<String>,
    /// `YYYY-MM-DD`.
    pub target_date: Option<chrono::NaiveDate>,
    /// For optimistic concurrency on moves.
    pub revision: i64,
    /// Releases it BLOCKS-depends on that are not deployed yet
    /// ("Search 1.2.0"): it cannot ship before them.
    pub blocked_by: Vec<String>,
    /// Moves the state machine allows but the release policy holds now (a
    /// freeze, missing approvals, open tickets), each with why: the board
    /// shows it on the column while the card is dragged.
    pub holds: Vec<MoveHold>,
}

/// A card as it travels: `[id, title, version, serviceName, priority,
/// revision, ownerName, targetDate, isBlocked, blockedReason, blockedBy,
/// holds]` — absent values as `null`, `false` and `[]`. As an object, the
/// names alone were a hundred bytes of each card's JSON (37 KB of a board
/// of 370 cards, sent in every board page's hydration data).
type CardWire = (
    ReleaseId,
    String,
    String,
    String,
    crate::domain::status::Priority,
    i64,
    Option<String>,
    Option<chrono::NaiveDate>,
    bool,
    Option<String>,
    Vec<String>,
    Vec<MoveHold>,
);

impl Serialize for BoardCard {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (
            &self.id,
            &self.title,
            &self.version,
            &self.service_name,
            self.priority,
            self.revision,
            &self.owner_name,
            self.target_date,
            self.is_blocked,
            &self.blocked_reason,
            &self.blocked_by,
            &self.holds,
        )
            .serialize(s)
    }
}

impl<'de> Deserialize<'de> for BoardCard {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (
            id,
            title,
            version,
            service_name,
            priority,
            revision,
            owner_name,
            target_date,
            is_blocked,
            blocked_reason,
            blocked_by,
            holds,
        ): CardWire = Deserialize::deserialize(d)?;
        Ok(Self {
            id,
            title,
            version,
            status: placeholder_status(),
            service_name,
            priority,
            owner_name,
            is_blocked,
            blocked_reason,
            target_date,
            revision,
            blocked_by,
            holds,
        })
    }
}

/// A move the release policy holds, and why (its first failing check).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MoveHold {
    /// The status it cannot move into now.
    pub to: crate::domain::status::ReleaseStatus,
    /// Why.
    pub reason: String,
}

/// One column of the board: its status, how many releases match the
/// filters in it, and the cards shown (all of them for work in progress,
/// the most recent for finished columns).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", from = "ColumnWire")]
pub struct BoardColumn {
    /// The column's status.
    pub status: crate::domain::status::ReleaseStatus,
    /// Matching releases in this status.
    pub total: u64,
    /// The cards shown.
    pub cards: Vec<BoardCard>,
}

/// What [`BoardCard::status`] holds until its column fills it in.
fn placeholder_status() -> crate::domain::status::ReleaseStatus {
    crate::domain::status::ReleaseStatus::Planning
}

/// A column as it travels: its cards without their status.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ColumnWire {
    status: crate::domain::status::ReleaseStatus,
    total: u64,
    cards: Vec<BoardCard>,
}

impl From<ColumnWire> for BoardColumn {
    fn from(w: ColumnWire) -> Self {
        let mut cards = w.cards;
        for c in &mut cards {
            c.status = w.status;
        }
        Self {
            status: w.status,
            total: w.total,
            cards,
        }
    }
}

/// A deployable service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ServiceView {
    /// Opaque id.
    pub id: ServiceId,
    /// The owning team.
    pub team_id: TeamId,
    /// Name.
    pub name: String,
    /// Team-unique slug.
    pub slug: String,
    /// Description.
    pub description: String,
    /// `owner/name` on GitHub.
    pub github_repo: Option<String>,
    /// Jira project key.
    pub jira_project_key: Option<String>,
    /// RFC 3339.
    pub created_at: crate::domain::time::Timestamp,
    /// RFC 3339.
    pub updated_at: crate::domain::time::Timestamp,
}

/// A release, as `API.md` "Release" describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ReleaseView {
    /// Opaque id.
    pub id: ReleaseId,
    /// The owning team.
    pub team_id: TeamId,
    /// Its service.
    pub service_id: ServiceId,
    /// Title.
    pub title: String,
    /// The release's own version ("2.4.0").
    pub version: String,
    /// Markdown description.
    pub description: String,
    /// Where it is in its life.
    pub status: crate::domain::status::ReleaseStatus,
    /// Urgency.
    pub priority: crate::domain::status::Priority,
    /// Owner (a team member).
    pub owner_id: Option<UserId>,
    /// Sprint.
    pub sprint_id: Option<SprintId>,
    /// Deployment group.
    pub deployment_group_id: Option<GroupId>,
    /// `YYYY-MM-DD`.
    pub target_date: Option<chrono::NaiveDate>,
    /// Blocked by hand.
    pub is_blocked: bool,
    /// Why.
    pub blocked_reason: Option<String>,
    /// Set when it entered IN_STAGING.
    pub staging_deployed_at: Option<crate::domain::time::Timestamp>,
    /// Set when it entered DEPLOYED.
    pub production_deployed_at: Option<crate::domain::time::Timestamp>,
    /// Grows with every change (optimistic concurrency).
    pub revision: i64,
    /// RFC 3339.
    pub created_at: crate::domain::time::Timestamp,
    /// RFC 3339.
    pub updated_at: crate::domain::time::Timestamp,
}

/// One audit-log entry; also the payload of each live event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ActivityView {
    /// Opaque id.
    pub id: ActivityId,
    /// The team.
    pub team_id: TeamId,
    /// The release it is about, while it exists.
    pub release_id: Option<ReleaseId>,
    /// Who did it.
    pub user_id: Option<UserId>,
    /// Their name at the time.
    pub user_name: Option<String>,
    /// `STATUS_CHANGED`, …
    #[serde(rename = "type")]
    pub activity_type: crate::domain::kinds::ActivityType,
    /// A short verb.
    pub action: String,
    /// A readable sentence.
    pub description: String,
    /// Structured details.
    pub metadata: Option<serde_json::Value>,
    /// Who did it (the same as `userId`; none: no person, or one since deleted).
    pub actor_id: Option<UserId>,
    /// Their name now, or the API token's that did it (as `userName`).
    pub actor_name: Option<String>,
    /// What it is about: RELEASE, SERVICE, SPRINT, DEPLOYMENT_GROUP, MEMBER,
    /// INVITATION, SETTINGS, CONNECTION, API_TOKEN, WEBHOOK, FREEZE, POLICY.
    pub resource_type: Option<crate::domain::kinds::ResourceType>,
    /// Its id (kept after it is deleted).
    pub resource_id: Option<String>,
    /// Each field it changed: `{field: [before, after]}` (empty when the
    /// entry is not an edit).
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    #[serde(default)]
    pub changes: crate::domain::activity::Changes,
    /// RFC 3339.
    pub created_at: crate::domain::time::Timestamp,
}

/// The `/activity` page's filters, as its URL holds them (`?actor=&type=
/// &resource=&from=&to=&mine=`); dates are days (`2026-12-04`), both included.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ActivityQuery {
    /// One person's entries.
    pub actor_id: Option<String>,
    /// Entry types, comma-separated.
    pub types: Option<String>,
    /// What they are about (`SERVICE`, …).
    pub resource_type: Option<String>,
    /// From this day.
    pub from: Option<String>,
    /// Up to and including this day.
    pub to: Option<String>,
    /// Only the caller's own ("My activity").
    pub mine: bool,
}

/// A comment on a release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CommentView {
    /// Opaque id.
    pub id: CommentId,
    /// The release.
    pub release_id: ReleaseId,
    /// The author, while they exist.
    pub author_id: Option<UserId>,
    /// The author's name.
    pub author_name: Option<String>,
    /// Markdown source.
    pub body: String,
    /// The Markdown rendered and sanitised (no scripts, no `javascript:` links).
    pub body_html: String,
    /// RFC 3339.
    pub created_at: crate::domain::time::Timestamp,
    /// RFC 3339.
    pub updated_at: crate::domain::time::Timestamp,
}

/// A release waiting for something, with what holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Waiting {
    /// The release.
    pub release: ReleaseView,
    /// Its service's name.
    pub service_name: String,
    /// Why it cannot go: the manual reason and unresolved blockers.
    pub blockers: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::status::{Priority, ReleaseStatus};

    /// A board column travels without its cards' statuses (the page carries
    /// hundreds) and comes back with them.
    #[test]
    fn a_column_travels_without_its_cards_statuses_and_comes_back_whole() {
        let card = |id: &str| BoardCard {
            id: ReleaseId::from(id.to_string()),
            title: "Checkout".into(),
            version: "2.4.0".into(),
            status: ReleaseStatus::InReview,
            service_name: "Payments".into(),
            priority: Priority::High,
            owner_name: None,
            is_blocked: false,
            blocked_reason: None,
            target_date: None,
            revision: 3,
            blocked_by: vec![],
            holds: vec![],
        };
        let column = BoardColumn {
            status: ReleaseStatus::InReview,
            total: 2,
            cards: vec![card("a"), card("b")],
        };
        let json = serde_json::to_value(&column).unwrap();
        assert_eq!(json["status"], "IN_REVIEW");
        assert_eq!(
            json["cards"][0],
            serde_json::json!([
                "a",
                "Checkout",
                "2.4.0",
                "Payments",
                "HIGH",
                3,
                null,
                null,
                false,
                null,
                [],
                []
            ]),
            "a card is an array in CardWire's order, without its status"
        );
        let back: BoardColumn = serde_json::from_value(json).unwrap();
        assert_eq!(back, column);
        assert!(back
            .cards
            .iter()
            .all(|c| c.status == ReleaseStatus::InReview));
    }

    /// Every field of a card survives the trip, and a card of another
    /// shape (a field missing, one too many) is refused, not guessed at.
    #[test]
    fn a_full_card_travels_whole_and_a_misshapen_one_is_refused() {
        let card = BoardCard {
            id: ReleaseId::from("r1".to_string()),
            title: "Ledger".into(),
            version: "1.0.0".into(),
            status: ReleaseStatus::InStaging,
            service_name: "Billing".into(),
            priority: Priority::Critical,
            owner_name: Some("Ada".into()),
            is_blocked: true,
            blocked_reason: Some("waiting on legal".into()),
            target_date: "2026-12-04".parse().ok(),
            revision: 7,
            blocked_by: vec!["Search 1.2.0".into()],
            holds: vec![MoveHold {
                to: ReleaseStatus::StagingVerified,
                reason: "frozen".into(),
            }],
        };
        let column = BoardColumn {
            status: ReleaseStatus::InStaging,
            total: 1,
            cards: vec![card],
        };
        let text = serde_json::to_string(&column).unwrap();
        let back: BoardColumn = serde_json::from_str(&text).unwrap();
        assert_eq!(back, column);
        let json = serde_json::to_value(&column).unwrap();
        let mut short = json.clone();
        short["cards"][0].as_array_mut().unwrap().pop();
        assert!(serde_json::from_value::<BoardColumn>(short).is_err());
        let mut long = json;
        long["cards"][0]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!(1));
        assert!(serde_json::from_value::<BoardColumn>(long).is_err());
    }
}
