//! What `GET /api/search` and the command palette show.

use serde::{Deserialize, Serialize};

/// What a search hit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SearchKind {
    /// A release.
    Release,
    /// A service.
    Service,
    /// A sprint.
    Sprint,
    /// A deployment group.
    DeploymentGroup,
    /// A member of the team.
    Person,
}

impl SearchKind {
    /// The kind in words, for a result's label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Release => "Release",
            Self::Service => "Service",
            Self::Sprint => "Sprint",
            Self::DeploymentGroup => "Deployment group",
            Self::Person => "Person",
        }
    }
}

/// One thing found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SearchHit {
    /// What it is.
    pub kind: SearchKind,
    /// Its id.
    pub id: String,
    /// Its name ("Checkout 2.4.0", "Payments API", "Ada Lovelace").
    pub title: String,
    /// A line more ("Payments · In review", "ada@example.com · Admin").
    pub subtitle: String,
    /// Its page in the app.
    pub url: String,
}

/// The answer of a search: the best matches first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SearchResults {
    /// The hits, best first.
    pub items: Vec<SearchHit>,
}
