//! Wire and view types: what the REST API returns and what server functions
//! hand to the UI. Plain data (serde, camelCase), compiled for the server and
//! the browser; the server builds them from database rows. One file per
//! area; everything is re-exported here, so `crate::views::ReleaseView`.

pub mod automation;
pub mod error;
pub mod integrations;
pub mod planning;
pub mod policy;
pub mod releases;
pub mod search;
pub mod teams;

pub use automation::*;
pub use error::{ApiError, ErrorKind};
pub use integrations::*;
pub use planning::*;
pub use policy::*;
pub use releases::*;
pub use search::*;
pub use teams::*;

use serde::{Deserialize, Serialize};

/// A page of a list: `{"items": [...], "nextCursor": ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    /// This page's items.
    pub items: Vec<T>,
    /// Pass as `?cursor=` for the next page; `null` on the last.
    pub next_cursor: Option<String>,
}
