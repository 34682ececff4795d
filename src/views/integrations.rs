//! Jira and GitHub: connections, search hits, linked items.

use crate::domain::ids::{ItemId, ReleaseId};
use serde::{Deserialize, Serialize};

/// A user's connection to Jira or GitHub, as the profile page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConnectionInfo {
    /// JIRA or GITHUB.
    pub provider: String,
    /// The account there.
    pub account_name: Option<String>,
    /// Whether it still works.
    pub is_valid: bool,
    /// Why not.
    pub last_error: Option<String>,
    /// Jira: the chosen site ("acme", its address).
    pub site: Option<SiteChoice>,
    /// Jira, until one is chosen: the sites the account reaches.
    pub site_choices: Vec<SiteChoice>,
}

/// A Jira site a connection can use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SiteChoice {
    /// The cloudId.
    pub id: String,
    /// "acme".
    pub name: String,
    /// `https://acme.atlassian.net`.
    pub url: String,
}

/// The profile's Connections section: which integrations this server has
/// set up, and the caller's connections.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ConnectionsInfo {
    /// `GITHUB_CLIENT_ID`/`GITHUB_CLIENT_SECRET` are set.
    pub github_available: bool,
    /// `JIRA_CLIENT_ID`/`JIRA_CLIENT_SECRET` are set.
    pub jira_available: bool,
    /// The caller's connections.
    pub list: Vec<ConnectionInfo>,
}

/// A search result that can be linked to a release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SearchHitView {
    /// JIRA_TICKET or GITHUB_PR.
    pub item_type: String,
    /// What linking sends.
    pub external_id: String,
    /// Title.
    pub title: String,
    /// Status name.
    pub status: String,
    /// new/indeterminate/done, or open/draft/closed/merged.
    pub status_category: String,
    /// Assignee or author.
    pub assignee: Option<String>,
    /// Web page.
    pub url: String,
}

/// A Jira ticket or GitHub pull request linked to a release, with its cached
/// state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ItemView {
    /// Opaque id.
    pub id: ItemId,
    /// The release.
    pub release_id: ReleaseId,
    /// JIRA_TICKET or GITHUB_PR.
    #[serde(rename = "type")]
    pub item_type: crate::domain::kinds::ItemType,
    /// `PROJ-123` or `owner/repo#42`.
    pub external_id: String,
    /// Cached title.
    pub title: Option<String>,
    /// Cached status (`open`, `merged`, …).
    pub status: Option<String>,
    /// new/indeterminate/done, or open/merged/closed/draft.
    pub status_category: Option<String>,
    /// Cached assignee.
    pub assignee: Option<String>,
    /// Link.
    pub url: Option<String>,
    /// RFC 3339.
    pub last_synced_at: Option<crate::domain::time::Timestamp>,
    /// Why the last sync failed.
    pub sync_error: Option<String>,
    /// RFC 3339.
    pub created_at: crate::domain::time::Timestamp,
}
