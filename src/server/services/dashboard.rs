//! `/api/dashboard/stats`: where the team's releases are now, and the four
//! DORA figures over a window, computed by `domain::metrics` from the
//! team's own activity log (every STATUS_CHANGED to DEPLOYED or
//! ROLLED_BACK, with the release's creation time and service).

use crate::domain::kinds::{ActivityType, SprintStatus};
use crate::domain::metrics::{self, Deployment, Rollback};
use crate::domain::status::ReleaseStatus;
use crate::server::access::TeamContext;
use crate::server::db::entities::{activity, release, service, sprint};
use crate::server::db::scoped::TeamOwned;
use crate::server::error::{AppError, AppResult};
use crate::server::state::AppState;
use crate::views::{SprintProgress, SprintView, UpcomingRelease};
use chrono::{Datelike, Duration, Utc};
use sea_orm::{ColumnTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::{BTreeMap, HashMap};

pub use crate::views::DashboardStats;

/// The dashboard over the last `days` days (1–365).
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id()))]
pub async fn stats(state: &AppState, ctx: &TeamContext, days: i64) -> AppResult<DashboardStats> {
    if !(1..=365).contains(&days) {
        return Err(AppError::invalid_field(
            "days",
            "days must be between 1 and 365",
        ));
    }
    let db = &state.db;
    let now = Utc::now();
    let from = now - Duration::days(days);

    let counts: Vec<(String, i64)> = release::Entity::find_in(ctx)
        .select_only()
        .column(release::Column::Status)
        .column_as(release::Column::Id.count(), "n")
        .group_by(release::Column::Status)
        .into_tuple()
        .all(db)
        .await?;
    let count_of = |s: ReleaseStatus| {
        counts
            .iter()
            .find(|(k, _)| k == s.as_str())
            .map(|(_, n)| u64::try_from(*n).unwrap_or(0))
            .unwrap_or(0)
    };
    let counts_by_status: BTreeMap<String, u64> = ReleaseStatus::ALL
        .into_iter()
        .map(|s| (s.as_str().to_string(), count_of(s)))
        .collect();

    // Work in flight that is blocked (by hand or by an undeployed BLOCKS
    // dependency): one count, the same rule as every other place.
    let blocked = release::Entity::find_in(ctx)
        .filter(release::Column::Status.is_not_in(ReleaseStatus::FINISHED))
        .filter(super::releases::blocked_condition(ctx))
        .count(db)
        .await?;

    let monday = (now - Duration::days(i64::from(now.weekday().num_days_from_monday())))
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .map(|d| d.and_utc())
        .unwrap_or(now);
    let deployed_this_week = release::Entity::find_in(ctx)
        .filter(release::Column::Status.eq(ReleaseStatus::Deployed))
        .filter(release::Column::ProductionDeployedAt.gte(monday))
        .count(db)
        .await?;

    let horizon = (now + Duration::days(14)).date_naive();
    let upcoming = release::Entity::find_in(ctx)
        .filter(release::Column::Status.is_not_in(ReleaseStatus::FINISHED))
        .filter(release::Column::TargetDate.lte(horizon))
        .find_also_related(service::Entity)
        .order_by_asc(release::Column::TargetDate)
        .limit(10)
        .all(db)
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

    let active_sprint = match sprint::Entity::find_in(ctx)
        .filter(sprint::Column::Status.eq(SprintStatus::Active))
        .one(db)
        .await?
    {
        None => None,
        Some(sp) => {
            let statuses: Vec<String> = release::Entity::find_in(ctx)
                .select_only()
                .column(release::Column::Status)
                .filter(release::Column::SprintId.eq(sp.id.as_str()))
                .into_tuple()
                .all(db)
                .await?;
            let total = statuses.len() as u64;
            let deployed = statuses
                .iter()
                .filter(|s| s.as_str() == ReleaseStatus::Deployed.as_str())
                .count() as u64;
            Some(SprintProgress {
                sprint: SprintView::from(sp),
                total,
                deployed,
                progress: if total == 0 {
                    0.0
                } else {
                    deployed as f64 / total as f64
                },
            })
        }
    };

    // History: every move to DEPLOYED or ROLLED_BACK since the window opened
    // (later deployments restore rollbacks of the window).
    let moves = activity::Entity::find_in(ctx)
        .filter(activity::Column::ActivityType.eq(ActivityType::StatusChanged))
        .filter(activity::Column::CreatedAt.gte(from))
        .all(db)
        .await?;
    let to_of = |a: &activity::Model| -> Option<String> {
        let m: serde_json::Value = serde_json::from_str(a.metadata.as_deref()?).ok()?;
        m.get("to")?.as_str().map(str::to_string)
    };
    let relevant: Vec<(activity::Model, String)> = moves
        .into_iter()
        .filter_map(|a| {
            let to = to_of(&a)?;
            (to == ReleaseStatus::Deployed.as_str() || to == ReleaseStatus::RolledBack.as_str())
                .then_some((a, to))
        })
        .collect();
    let ids: Vec<crate::domain::ids::ReleaseId> = relevant
        .iter()
        .filter_map(|(a, _)| a.release_id.clone())
        .collect();
    let releases: HashMap<crate::domain::ids::ReleaseId, release::Model> = if ids.is_empty() {
        HashMap::new()
    } else {
        release::Entity::find_in(ctx)
            .filter(release::Column::Id.is_in(ids))
            .all(db)
            .await?
            .into_iter()
            .map(|r| (r.id.clone(), r))
            .collect()
    };
    let mut deploys = vec![];
    let mut rollbacks = vec![];
    for (a, to) in relevant {
        // A deleted release leaves its activity but no creation time.
        let Some(r) = a.release_id.as_ref().and_then(|id| releases.get(id)) else {
            continue;
        };
        if to == ReleaseStatus::Deployed.as_str() {
            deploys.push(Deployment {
                service: r.service_id.to_string(),
                created_at: r.created_at,
                deployed_at: a.created_at,
            });
        } else {
            rollbacks.push(Rollback {
                service: r.service_id.to_string(),
                at: a.created_at,
            });
        }
    }
    // Where CI reports deployments, they are the truth of when a release
    // reached production: frequency and lead time (and the weekly chart)
    // use them, and their definitions say so.
    let reported =
        crate::server::services::deployments::production_successes(db, ctx, from).await?;
    let (deployment_frequency, lead_time, weekly) = if reported.is_empty() {
        (
            metrics::deployment_frequency(&deploys, from, now),
            metrics::lead_time(&deploys, from, now),
            metrics::weekly(&deploys, from, now),
        )
    } else {
        let (f, l) = metrics::from_reports(&reported, from, now);
        (f, l, metrics::weekly(&reported, from, now))
    };
    Ok(DashboardStats {
        days,
        blocked,
        ready_for_staging: count_of(ReleaseStatus::ReadyStaging),
        ready_for_production: count_of(ReleaseStatus::ReadyProduction),
        counts_by_status,
        deployed_this_week,
        upcoming,
        active_sprint,
        deployment_frequency,
        lead_time,
        change_failure_rate: metrics::change_failure_rate(&deploys, &rollbacks, from, now),
        time_to_restore: metrics::time_to_restore(&deploys, &rollbacks, from, now),
        weekly,
    })
}
