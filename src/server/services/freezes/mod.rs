//! Freezes: ADMIN+ declares times when no release moves into an
//! environment — a one-off window, "stop the line" (from now until lifted),
//! or a weekly window in a time zone; any member reads them. When a freeze
//! is in force is the domain's rule (`domain::policy::freeze`); this file
//! checks the input and stores it; [`in_force`] answers "what is frozen at
//! this moment".

use crate::domain::activity::Change;
use crate::domain::deployments::Environment;
use crate::domain::ids::{FreezeId, ServiceId};
use crate::domain::policy::freeze::{self, Schedule, Weekly};
use crate::domain::validation;
use crate::server::access::{Admin, TeamContext};
use crate::server::db::entities::{freeze as entity, service};
use crate::server::db::scoped::TeamOwned;
use crate::server::db::{self, new_id};
use crate::server::error::{AppError, AppResult};
use crate::server::services::activity::audit;
use crate::server::services::{double_option, moment, ts, PageRequest};
use crate::server::state::AppState;
use crate::views::{FreezeView, Page, Recurrence};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::Deserialize;

mod in_force;

pub(crate) use in_force::in_force_facts;
pub use in_force::{active, edges_across_teams, holding, windows, Edge};

/// Create or change a freeze (on a change, absent fields stay; `endsAt:
/// null` makes it open-ended again, `endsAt` now lifts it).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FreezeInput {
    /// Its name (required on create).
    pub name: Option<String>,
    /// Why (shown on the board's banner).
    pub reason: Option<String>,
    /// From when (RFC 3339); default: now.
    pub starts_at: Option<String>,
    /// Until when (RFC 3339); absent or `null`: until lifted.
    #[serde(default, deserialize_with = "double_option")]
    pub ends_at: Option<Option<String>>,
    /// A weekly window; `null`: one stretch from `startsAt` to `endsAt`.
    #[serde(default, deserialize_with = "double_option")]
    pub recurrence: Option<Option<Recurrence>>,
    /// IANA time zone of the weekly window (default `UTC`).
    pub timezone: Option<String>,
    /// The services it holds (empty or absent: every service).
    pub service_ids: Option<Vec<ServiceId>>,
    /// STAGING and/or PRODUCTION (default both).
    pub environments: Option<Vec<Environment>>,
}

/// Parses an IANA zone name (`Europe/Berlin`).
pub fn zone(v: &str) -> AppResult<Tz> {
    v.parse::<Tz>().map_err(|_| {
        AppError::invalid_field(
            "timezone",
            format!("unknown time zone {}", crate::domain::quote(v)),
        )
    })
}

fn weekly(r: &Recurrence) -> AppResult<Weekly> {
    let day = |field: &'static str, v: &str| {
        freeze::parse_day(v).ok_or_else(|| {
            AppError::invalid_field(
                field,
                format!("{field} must be one of MON, TUE, WED, THU, FRI, SAT, SUN"),
            )
        })
    };
    let time = |field: &'static str, v: &str| {
        freeze::parse_time(v).ok_or_else(|| {
            AppError::invalid_field(field, format!("{field} must be a time like 08:00"))
        })
    };
    Ok(Weekly {
        start_day: day("recurrence.startDay", &r.start_day)?,
        start_time: time("recurrence.startTime", &r.start_time)?,
        end_day: day("recurrence.endDay", &r.end_day)?,
        end_time: time("recurrence.endTime", &r.end_time)?,
    })
}

/// A stored freeze, read: its schedule and zone.
struct Stored {
    row: entity::Model,
    recurrence: Option<Recurrence>,
    schedule: Schedule,
    zone: Tz,
    service_ids: Vec<ServiceId>,
    environments: Vec<Environment>,
}

impl Stored {
    fn read(row: entity::Model) -> Stored {
        let recurrence: Option<Recurrence> = row
            .recurrence
            .as_deref()
            .and_then(|r| serde_json::from_str(r).ok());
        let weekly = recurrence.as_ref().and_then(|r| weekly(r).ok());
        let zone = row.timezone.parse::<Tz>().unwrap_or(Tz::UTC);
        Stored {
            schedule: Schedule {
                starts_at: row.starts_at,
                ends_at: row.ends_at,
                weekly,
            },
            service_ids: serde_json::from_str(&row.service_ids).unwrap_or_default(),
            environments: serde_json::from_str(&row.environments)
                .unwrap_or_else(|_| Environment::ALL.to_vec()),
            recurrence,
            zone,
            row,
        }
    }

    /// A moment in the freeze's own zone, as the checks say it
    /// ("Mon 26 Oct 08:00 Europe/Berlin").
    fn local_words(&self, t: DateTime<Utc>) -> String {
        let local = t.with_timezone(&self.zone);
        format!("{} {}", local.format("%a %-d %b %H:%M"), self.zone.name())
    }

    /// The window in force at `at`, if any.
    fn in_force(&self, at: DateTime<Utc>) -> Option<freeze::Window> {
        freeze::in_force(&self.schedule, &self.zone, at)
    }

    fn view(self, at: DateTime<Utc>) -> FreezeView {
        let window = self.in_force(at);
        FreezeView {
            in_force: window.is_some(),
            in_force_until: window.and_then(|w| w.end).map(ts),
            id: self.row.id,
            name: self.row.name,
            reason: self.row.reason,
            starts_at: ts(self.row.starts_at),
            ends_at: self.row.ends_at.map(ts),
            recurrence: self.recurrence,
            timezone: self.row.timezone,
            service_ids: self.service_ids,
            environments: self.environments,
            created_by: self.row.created_by,
            created_at: ts(self.row.created_at),
            updated_at: ts(self.row.updated_at),
        }
    }
}

async fn find(
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
    id: &FreezeId,
) -> AppResult<entity::Model> {
    entity::Entity::find_by_id_in(ctx, id.to_string())
        .one(conn)
        .await?
        .ok_or_else(|| AppError::not_found("freeze"))
}

/// Every service named must be one of the team's.
async fn check_services(
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
    ids: &[ServiceId],
) -> AppResult<()> {
    let mut unique: Vec<&ServiceId> = ids.iter().collect();
    unique.sort();
    unique.dedup();
    if unique.len() > 200 {
        return Err(AppError::invalid_field(
            "serviceIds",
            "at most 200 services",
        ));
    }
    let found = service::Entity::find_in(ctx)
        .filter(service::Column::Id.is_in(unique.iter().map(|s| s.as_str())))
        .count(conn)
        .await?;
    if found != unique.len() as u64 {
        return Err(AppError::invalid_field(
            "serviceIds",
            "serviceIds names a service this team does not have",
        ));
    }
    Ok(())
}

/// The team's freezes, newest first.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id()))]
pub async fn list(
    state: &AppState,
    ctx: &TeamContext,
    page: &PageRequest,
) -> AppResult<Page<FreezeView>> {
    let mut q = entity::Entity::find_in(ctx)
        .order_by_desc(entity::Column::Id)
        .limit(page.limit()? + 1);
    if let Some(c) = &page.cursor {
        q = q.filter(entity::Column::Id.lt(c.as_str()));
    }
    let now = db::now();
    let items: Vec<FreezeView> = q
        .all(&state.db)
        .await?
        .into_iter()
        .map(|r| Stored::read(r).view(now))
        .collect();
    page.page(items, |f: &FreezeView| f.id.to_string())
}

/// One freeze.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), id = %id))]
pub async fn get(state: &AppState, ctx: &TeamContext, id: &FreezeId) -> AppResult<FreezeView> {
    Ok(Stored::read(find(&state.db, ctx, id).await?).view(db::now()))
}

/// The checked fields of an input, over what is stored.
struct Checked {
    name: String,
    reason: String,
    starts_at: DateTime<Utc>,
    ends_at: Option<DateTime<Utc>>,
    recurrence: Option<Recurrence>,
    timezone: String,
    service_ids: Vec<ServiceId>,
    environments: Vec<Environment>,
}

async fn check(
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
    input: FreezeInput,
    cur: Option<&Stored>,
) -> AppResult<Checked> {
    let name = match (&input.name, cur) {
        (Some(n), _) => validation::required_line("name", n, validation::MAX_NAME)?,
        (None, Some(c)) => c.row.name.clone(),
        (None, None) => return Err(AppError::invalid_field("name", "name is required")),
    };
    let reason = match (&input.reason, cur) {
        (Some(r), _) => validation::long_text("reason", r, validation::MAX_DESCRIPTION)?,
        (None, Some(c)) => c.row.reason.clone(),
        (None, None) => String::new(),
    };
    let starts_at = match (&input.starts_at, cur) {
        (Some(s), _) => moment("startsAt", s)?,
        (None, Some(c)) => c.row.starts_at,
        (None, None) => db::now(),
    };
    let ends_at = match (&input.ends_at, cur) {
        (Some(Some(e)), _) => Some(moment("endsAt", e)?),
        (Some(None), _) => None,
        (None, Some(c)) => c.row.ends_at,
        (None, None) => None,
    };
    let lifting = cur.is_some() && matches!(input.ends_at, Some(Some(_)));
    let ends_at = match ends_at {
        // Lifting a freeze that has not begun yet: it never will.
        Some(end) if end <= starts_at && lifting => Some(starts_at),
        Some(end) if end <= starts_at => {
            return Err(AppError::invalid_field(
                "endsAt",
                "endsAt must be after startsAt",
            ))
        }
        other => other,
    };
    let recurrence = match (input.recurrence, cur) {
        (Some(r), _) => r,
        (None, Some(c)) => c.recurrence.clone(),
        (None, None) => None,
    };
    if let Some(r) = &recurrence {
        weekly(r)?;
    }
    let timezone = match (&input.timezone, cur) {
        (Some(z), _) => zone(z.trim())?.name().to_string(),
        (None, Some(c)) => c.row.timezone.clone(),
        (None, None) => "UTC".to_string(),
    };
    let service_ids = match (input.service_ids, cur) {
        (Some(ids), _) => {
            check_services(conn, ctx, &ids).await?;
            let mut ids = ids;
            ids.sort();
            ids.dedup();
            ids
        }
        (None, Some(c)) => c.service_ids.clone(),
        (None, None) => vec![],
    };
    let environments = match (input.environments, cur) {
        (Some(envs), _) if envs.is_empty() => {
            return Err(AppError::invalid_field(
                "environments",
                "name STAGING, PRODUCTION or both",
            ))
        }
        (Some(envs), _) => Environment::ALL
            .into_iter()
            .filter(|e| envs.contains(e))
            .collect(),
        (None, Some(c)) => c.environments.clone(),
        (None, None) => Environment::ALL.to_vec(),
    };
    Ok(Checked {
        name,
        reason,
        starts_at,
        ends_at,
        recurrence,
        timezone,
        service_ids,
        environments,
    })
}

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}

/// Declares a freeze (ADMIN+); audited.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id()))]
pub async fn create(
    state: &AppState,
    ctx: &Admin<'_>,
    input: FreezeInput,
) -> AppResult<FreezeView> {
    let txn = db::begin_write(&state.db).await?;
    let c = check(&txn, ctx, input, None).await?;
    let now = db::now();
    let row = entity::ActiveModel {
        id: Set(new_id()),
        team_id: Set(ctx.team_id().clone()),
        name: Set(c.name),
        reason: Set(c.reason),
        starts_at: Set(c.starts_at),
        ends_at: Set(c.ends_at),
        recurrence: Set(c.recurrence.as_ref().map(json)),
        timezone: Set(c.timezone),
        service_ids: Set(json(&c.service_ids)),
        environments: Set(json(&c.environments)),
        created_by: Set(ctx.user_id().cloned()),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let stored = Stored::read(row);
    let event = audit(
        &txn,
        ctx,
        Change::FreezeDeclared {
            freeze_id: stored.row.id.clone(),
            name: stored.row.name.clone(),
            reason: stored.row.reason.clone(),
            environments: stored.environments.clone(),
        },
    )
    .await?;
    txn.commit().await?;
    state.events.publish(vec![event]);
    Ok(stored.view(now))
}

/// Changes a freeze (ADMIN+); `endsAt` now lifts it. Audited.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), id = %id))]
pub async fn update(
    state: &AppState,
    ctx: &Admin<'_>,
    id: &FreezeId,
    input: FreezeInput,
) -> AppResult<FreezeView> {
    let txn = db::begin_write(&state.db).await?;
    let cur = Stored::read(find(&txn, ctx, id).await?);
    let now = db::now();
    let was_on = cur.row.ends_at.is_none_or(|e| e > now);
    let c = check(&txn, ctx, input, Some(&cur)).await?;
    let lifted = was_on && c.ends_at.is_some_and(|e| e <= now);
    let mut am: entity::ActiveModel = cur.row.into();
    am.name = Set(c.name);
    am.reason = Set(c.reason);
    am.starts_at = Set(c.starts_at);
    am.ends_at = Set(c.ends_at);
    am.recurrence = Set(c.recurrence.as_ref().map(json));
    am.timezone = Set(c.timezone);
    am.service_ids = Set(json(&c.service_ids));
    am.environments = Set(json(&c.environments));
    am.updated_at = Set(now);
    let row = am.update(&txn).await?;
    let (freeze_id, name) = (row.id.clone(), row.name.clone());
    let change = if lifted {
        Change::FreezeLifted { freeze_id, name }
    } else {
        Change::FreezeChanged { freeze_id, name }
    };
    let event = audit(&txn, ctx, change).await?;
    txn.commit().await?;
    state.events.publish(vec![event]);
    Ok(Stored::read(row).view(now))
}

/// Removes a freeze (ADMIN+); audited.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), id = %id))]
pub async fn delete(state: &AppState, ctx: &Admin<'_>, id: &FreezeId) -> AppResult<()> {
    let txn = db::begin_write(&state.db).await?;
    let f = find(&txn, ctx, id).await?;
    entity::Entity::delete_many_in(ctx)
        .filter(entity::Column::Id.eq(f.id.clone()))
        .exec(&txn)
        .await?;
    let event = audit(
        &txn,
        ctx,
        Change::FreezeDeleted {
            freeze_id: f.id,
            name: f.name,
        },
    )
    .await?;
    txn.commit().await?;
    state.events.publish(vec![event]);
    Ok(())
}
