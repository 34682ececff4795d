//! The team's feeds: `/activity` a page at a time, the deploy queue and
//! what is blocked.

use crate::domain::ids::UserId;
use crate::views::*;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::names;
#[cfg(feature = "ssr")]
use crate::serverfns::ctx;

/// A page of the team's activity feed, newest first: the `/activity`
/// page's filters (as in the URL) and the cursor of the page before.
#[server(prefix = "/rpc")]
pub async fn activity_feed(
    #[server(default)] filter: ActivityQuery,
    #[server(default)] cursor: Option<String>,
) -> Result<ActivityPageData, ApiError> {
    use crate::server::error::AppError;
    use crate::server::services::activity::{self, ActivityFilter};
    let state = ctx::state()?;
    let team = ctx::team().await?;
    let blank = |v: Option<String>| v.filter(|v| !v.trim().is_empty());
    let day = |v: Option<String>, field: &str| -> Result<Option<String>, AppError> {
        match blank(v) {
            None => Ok(None),
            Some(d) => chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
                .map(|d| Some(format!("{d}T00:00:00Z")))
                .map_err(|_| AppError::invalid_field(field, "a date must look like 2026-12-04")),
        }
    };
    let to = day(filter.to, "to")?.map(|t| {
        // The `to` day is included: the feed stops at the next midnight.
        let t: chrono::DateTime<chrono::Utc> = t.parse().unwrap_or_default();
        (t + chrono::Duration::days(1)).to_rfc3339()
    });
    let actor_id = match filter.mine {
        true => Some(team.person("see your own activity")?.to_string()),
        false => blank(filter.actor_id),
    };
    let page = activity::feed(
        &state,
        &team,
        None,
        &ActivityFilter {
            actor_id,
            types: blank(filter.types),
            resource_type: blank(filter.resource_type),
            resource_id: None,
            from: day(filter.from, "from")?,
            to,
            limit: Some(50),
            cursor: cursor.clone(),
        },
    )
    .await?;
    // The person filter's choices come with the first page only.
    let members = match cursor {
        None => names(&state, &team).await?.1,
        Some(_) => vec![],
    };
    Ok(ActivityPageData {
        items: page.items,
        next_cursor: page.next_cursor,
        members,
        me: team.person("read the activity")?.clone(),
    })
}

/// A page of `/activity`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityPageData {
    /// Entries, newest first.
    pub items: Vec<ActivityView>,
    /// The cursor of the next page, if there is one.
    pub next_cursor: Option<String>,
    /// The team's members (with the first page only).
    pub members: Vec<MemberView>,
    /// The caller ("Only mine").
    pub me: UserId,
}

/// `/deploy-queue`: ready for staging, ready for production.
#[server(prefix = "/rpc")]
pub async fn deploy_queue() -> Result<(Vec<Waiting>, Vec<Waiting>), ApiError> {
    let state = ctx::state()?;
    let team = ctx::team().await?;
    crate::server::services::releases::deploy_queue(&state, &team)
        .await
        .map_err(ApiError::from)
}

/// `/blocked`: what is blocked, and why.
#[server(prefix = "/rpc")]
pub async fn blocked_releases() -> Result<Vec<Waiting>, ApiError> {
    let state = ctx::state()?;
    let team = ctx::team().await?;
    crate::server::services::releases::blocked(&state, &team)
        .await
        .map_err(ApiError::from)
}
