//! The dashboard and the calendar.

use crate::views::*;

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::ctx;

/// The dashboard over `days` days.
#[server(prefix = "/rpc")]
pub async fn load_dashboard(days: i64) -> Result<DashboardStats, ApiError> {
    let state = ctx::state()?;
    let team = ctx::team().await?;
    crate::server::services::dashboard::stats(&state, &team, days)
        .await
        .map_err(ApiError::from)
}

/// The calendar for `month` (`YYYY-MM`; empty = this month).
#[server(prefix = "/rpc")]
pub async fn calendar_month(month: String) -> Result<CalendarData, ApiError> {
    let state = ctx::state()?;
    let team = ctx::team().await?;
    Ok(crate::server::services::calendar::month(&state, &team, &month).await?)
}
