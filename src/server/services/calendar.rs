//! The calendar: what is due in one month — releases by target date,
//! sprints overlapping it, deployment groups by target date.

use crate::server::access::TeamContext;
use crate::server::db::entities::{deployment_group, release, service, sprint};
use crate::server::db::scoped::TeamOwned;
use crate::server::error::{AppError, AppResult};
use crate::server::state::AppState;
use crate::views::{CalendarData, UpcomingRelease};
use chrono::{Datelike, Months, NaiveDate};
use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};

/// The first and last day of `month` (`YYYY-MM`; blank = the month of
/// `today`), or a 400 naming the field.
pub fn month_bounds(month: &str, today: NaiveDate) -> AppResult<(NaiveDate, NaiveDate)> {
    let month = month.trim();
    let shaped = month.len() == 7
        && month.bytes().enumerate().all(|(i, b)| {
            if i == 4 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    let first = if month.is_empty() {
        NaiveDate::from_ymd_opt(today.year(), today.month(), 1)
    } else if !shaped {
        None
    } else {
        NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").ok()
    }
    .ok_or_else(|| AppError::invalid_field("month", "month must look like 2026-12"))?;
    let last = first
        .checked_add_months(Months::new(1))
        .and_then(|next| next.pred_opt())
        .ok_or_else(|| AppError::invalid_field("month", "that month is out of range"))?;
    Ok((first, last))
}

/// One month of the team's calendar.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id()))]
pub async fn month(state: &AppState, ctx: &TeamContext, month: &str) -> AppResult<CalendarData> {
    let (first, last) = month_bounds(month, chrono::Utc::now().date_naive())?;
    let releases = release::Entity::find_in(ctx)
        .filter(release::Column::TargetDate.between(first, last))
        .find_also_related(service::Entity)
        .order_by_asc(release::Column::TargetDate)
        .order_by_asc(release::Column::Id)
        .all(&state.db)
        .await?
        .into_iter()
        .filter_map(|(r, s)| {
            Some(UpcomingRelease {
                target_date: r.target_date?,
                status: r.status,
                id: r.id,
                title: r.title,
                version: r.version,
                service_name: s.map(|s| s.name).unwrap_or_default(),
            })
        })
        .collect();
    let sprints = sprint::Entity::find_in(ctx)
        .filter(sprint::Column::StartDate.lte(last))
        .filter(sprint::Column::EndDate.gte(first))
        .order_by_asc(sprint::Column::StartDate)
        .all(&state.db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    let groups = deployment_group::Entity::find_in(ctx)
        .filter(deployment_group::Column::TargetDate.between(first, last))
        .order_by_asc(deployment_group::Column::TargetDate)
        .all(&state.db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    let day = |d: NaiveDate| d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    let freezes = crate::server::services::freezes::windows(
        &state.db,
        ctx,
        day(first),
        day(last) + chrono::Duration::days(1),
    )
    .await?;
    Ok(CalendarData {
        month: first.format("%Y-%m").to_string(),
        releases,
        sprints,
        groups,
        freezes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_month_runs_from_its_first_to_its_last_day() {
        let today = d(2026, 12, 1);
        assert_eq!(
            month_bounds("2026-02", today).unwrap(),
            (d(2026, 2, 1), d(2026, 2, 28))
        );
        assert_eq!(
            month_bounds("2028-02", today).unwrap(),
            (d(2028, 2, 1), d(2028, 2, 29))
        );
        assert_eq!(
            month_bounds(" 2026-12 ", today).unwrap(),
            (d(2026, 12, 1), d(2026, 12, 31))
        );
        assert_eq!(
            month_bounds("", d(2026, 7, 19)).unwrap(),
            (d(2026, 7, 1), d(2026, 7, 31))
        );
    }

    #[test]
    fn a_month_that_is_not_one_is_refused_by_field() {
        for bad in ["2026-13", "26-1", "december", "2026-12-05", "+262143-12"] {
            match month_bounds(bad, d(2026, 12, 1)) {
                Err(AppError::BadRequest { fields, .. }) => {
                    assert!(fields.contains_key("month"), "{bad}: {fields:?}")
                }
                other => panic!("{bad}: {other:?}"),
            }
        }
    }
}
