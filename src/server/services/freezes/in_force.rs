//! What is frozen when: the freezes in force at a moment (for the policy
//! check and the board), the windows that opened or closed (for Slack) and
//! those in a span of days (for the calendar).

use super::Stored;
use crate::domain::deployments::Environment;
use crate::domain::ids::{FreezeId, ServiceId};
use crate::domain::policy::freeze;
use crate::server::access::TeamContext;
use crate::server::db;
use crate::server::db::entities::freeze as entity;
use crate::server::db::scoped::TeamOwned;
use crate::server::error::AppResult;
use crate::server::services::{moment, ts};
use crate::server::state::AppState;
use crate::views::FreezeView;
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, QueryFilter, QueryOrder};

/// The freezes in force at `at` (default now), soonest to close first.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id()))]
pub async fn active(
    state: &AppState,
    ctx: &TeamContext,
    at: Option<&str>,
) -> AppResult<Vec<FreezeView>> {
    let at = match at {
        Some(a) => moment("at", a)?,
        None => db::now(),
    };
    let mut items: Vec<FreezeView> = in_force(&state.db, ctx, at)
        .await?
        .into_iter()
        .map(|s| s.view(at))
        .collect();
    items.sort_by(|a, b| {
        (a.in_force_until.is_none(), a.in_force_until, &a.id).cmp(&(
            b.in_force_until.is_none(),
            b.in_force_until,
            &b.id,
        ))
    });
    Ok(items)
}

/// The stored freezes in force at `at`. Those that have begun and not
/// ended are read (a team keeps few), then the domain decides.
pub(super) async fn in_force(
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
    at: DateTime<Utc>,
) -> AppResult<Vec<Stored>> {
    let rows = entity::Entity::find_in(ctx)
        .filter(entity::Column::StartsAt.lte(at))
        .filter(
            Condition::any()
                .add(entity::Column::EndsAt.is_null())
                .add(entity::Column::EndsAt.gt(at)),
        )
        .order_by_asc(entity::Column::Id)
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(Stored::read)
        .filter(|s| s.in_force(at).is_some())
        .collect())
}

/// The freezes in force at `at` that hold a move of `service` into `env`:
/// name and, in words, until when (what the policy check says).
pub async fn holding(
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
    service: &ServiceId,
    env: Environment,
    at: DateTime<Utc>,
) -> AppResult<Vec<crate::domain::policy::FreezeFact>> {
    Ok(in_force_facts(conn, ctx, at)
        .await?
        .into_iter()
        .filter(|(services, envs, _)| {
            envs.contains(&env) && (services.is_empty() || services.contains(service))
        })
        .map(|(_, _, fact)| fact)
        .collect())
}

/// A freeze window that opened or closed: what Slack is told.
#[derive(Debug, Clone)]
pub struct Edge {
    /// The team.
    pub team_id: crate::domain::ids::TeamId,
    /// The freeze.
    pub freeze_id: FreezeId,
    /// Its name.
    pub name: String,
    /// Why.
    pub reason: String,
    /// Opened (else closed).
    pub started: bool,
    /// When it opened or closed.
    pub at: DateTime<Utc>,
    /// Until when it holds, in words, for a start ("Mon 26 Oct 08:00 Europe/Berlin").
    pub until: Option<String>,
    /// What it holds, in words ("production").
    pub holds: String,
}

/// Every freeze window of every team that opened or closed in `(since,
/// now]` (for the job that tells Slack; it acts for the system).
pub async fn edges_across_teams(
    conn: &impl ConnectionTrait,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> AppResult<Vec<Edge>> {
    let rows = entity::Entity::find_across_teams()
        .filter(entity::Column::StartsAt.lte(now))
        .filter(
            Condition::any()
                .add(entity::Column::EndsAt.is_null())
                .add(entity::Column::EndsAt.gt(since)),
        )
        .order_by_asc(entity::Column::Id)
        .all(conn)
        .await?;
    let mut out = vec![];
    for s in rows.into_iter().map(Stored::read) {
        let holds = s
            .environments
            .iter()
            .map(|e| e.label())
            .collect::<Vec<_>>()
            .join(" and ");
        for w in freeze::windows_between(
            &s.schedule,
            &s.zone,
            since,
            now + chrono::Duration::seconds(1),
        ) {
            let edge = |started: bool, at: DateTime<Utc>| Edge {
                team_id: s.row.team_id.clone(),
                freeze_id: s.row.id.clone(),
                name: s.row.name.clone(),
                reason: s.row.reason.clone(),
                started,
                at,
                until: w.end.filter(|_| started).map(|end| s.local_words(end)),
                holds: holds.clone(),
            };
            if w.start > since && w.start <= now {
                out.push(edge(true, w.start));
            }
            if let Some(end) = w.end.filter(|e| *e > since && *e <= now) {
                out.push(edge(false, end));
            }
        }
    }
    Ok(out)
}

/// The team's freeze windows overlapping `[from, to)`, by start (the calendar).
pub async fn windows(
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> AppResult<Vec<crate::views::FreezeWindow>> {
    let rows = entity::Entity::find_in(ctx)
        .filter(entity::Column::StartsAt.lt(to))
        .filter(
            Condition::any()
                .add(entity::Column::EndsAt.is_null())
                .add(entity::Column::EndsAt.gt(from)),
        )
        .all(conn)
        .await?;
    let mut out = vec![];
    for s in rows.into_iter().map(Stored::read) {
        for w in freeze::windows_between(&s.schedule, &s.zone, from, to) {
            out.push(crate::views::FreezeWindow {
                freeze_id: s.row.id.clone(),
                name: s.row.name.clone(),
                start: ts(w.start),
                end: w.end.map(ts),
            });
        }
    }
    out.sort_by(|a, b| (a.start, &a.freeze_id).cmp(&(b.start, &b.freeze_id)));
    Ok(out)
}

/// Every freeze in force at `at` with what it holds: its services (empty:
/// all), its environments, and the fact the policy check reads (the board
/// asks once for all its cards).
pub(crate) async fn in_force_facts(
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
    at: DateTime<Utc>,
) -> AppResult<
    Vec<(
        Vec<ServiceId>,
        Vec<Environment>,
        crate::domain::policy::FreezeFact,
    )>,
> {
    Ok(in_force(conn, ctx, at)
        .await?
        .into_iter()
        .map(|s| {
            let until = s
                .in_force(at)
                .and_then(|w| w.end)
                .map(|end| s.local_words(end));
            (
                s.service_ids,
                s.environments,
                crate::domain::policy::FreezeFact {
                    name: s.row.name,
                    until,
                },
            )
        })
        .collect())
}
