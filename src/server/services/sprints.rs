//! Sprints: ADMIN+ creates, edits and deletes them; releases are assigned
//! through the release (`sprintId`). A team has at most one ACTIVE sprint
//! (always; there is no per-team switch): the service says which one is
//! active, and a partial unique index backs it up under concurrency.

use crate::domain::ids::SprintId;
use crate::domain::kinds::{ResourceType, SprintStatus};
use crate::domain::status::ReleaseStatus;
use crate::domain::validation;
use crate::server::access::{Admin, TeamContext};
use crate::server::db::entities::{release, sprint};
use crate::server::db::scoped::TeamOwned;
use crate::server::db::{self, new_id};
use crate::server::error::{AppError, AppResult};
use crate::server::services::{activity, ts, PageRequest};
use crate::server::state::AppState;
use crate::views::{Page, SprintSummary, SprintView};
use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::Deserialize;
use std::collections::HashMap;

impl From<sprint::Model> for SprintView {
    fn from(s: sprint::Model) -> Self {
        Self {
            status: s.status,
            id: s.id,
            team_id: s.team_id,
            name: s.name,
            start_date: s.start_date,
            end_date: s.end_date,
            created_at: ts(s.created_at),
            updated_at: ts(s.updated_at),
        }
    }
}

/// Create or update input (absent fields stay as they are on update).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SprintInput {
    /// Name (required on create).
    pub name: Option<String>,
    /// First day, `YYYY-MM-DD` (required on create).
    pub start_date: Option<String>,
    /// Last day, `YYYY-MM-DD`, not before `startDate` (required on create).
    pub end_date: Option<String>,
    /// PLANNING (default), ACTIVE, COMPLETED, CANCELLED.
    pub status: Option<String>,
}

fn date(field: &'static str, v: &str) -> AppResult<NaiveDate> {
    NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").map_err(|_| {
        AppError::invalid_field(field, format!("{field} must be a date like 2026-12-04"))
    })
}

fn status(v: &str) -> AppResult<SprintStatus> {
    v.parse().map_err(|_| {
        AppError::invalid_field(
            "status",
            "status must be PLANNING, ACTIVE, COMPLETED or CANCELLED",
        )
    })
}

pub(crate) async fn find(
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
    id: &SprintId,
) -> AppResult<sprint::Model> {
    sprint::Entity::find_by_id_in(ctx, id.to_string())
        .one(conn)
        .await?
        .ok_or_else(|| AppError::not_found("sprint"))
}

/// Refuses a second ACTIVE sprint, naming the one that is.
async fn check_one_active(
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
    except: Option<&SprintId>,
) -> AppResult<()> {
    let mut q =
        sprint::Entity::find_in(ctx).filter(sprint::Column::Status.eq(SprintStatus::Active));
    if let Some(id) = except {
        q = q.filter(sprint::Column::Id.ne(id));
    }
    if let Some(active) = q.one(conn).await? {
        return Err(AppError::Conflict(format!(
            "\"{}\" is already the active sprint; complete or cancel it first (a team has one active sprint at a time)",
            active.name
        )));
    }
    Ok(())
}

fn active_conflict(e: sea_orm::DbErr) -> AppError {
    if db::is_unique_violation(&e) {
        AppError::Conflict(
            "another sprint became active at the same time; reload and try again".into(),
        )
    } else {
        e.into()
    }
}

/// Lists sprints, most recent start first.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id()))]
pub async fn list(
    state: &AppState,
    ctx: &TeamContext,
    page: &PageRequest,
) -> AppResult<Page<SprintView>> {
    let mut q = sprint::Entity::find_in(ctx)
        .order_by_desc(sprint::Column::Id)
        .limit(page.limit()? + 1);
    if let Some(c) = &page.cursor {
        q = q.filter(sprint::Column::Id.lt(c.as_str()));
    }
    let items: Vec<SprintView> = q
        .all(&state.db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    page.page(items, |s: &SprintView| s.id.to_string())
}

/// A page of the team's sprints, most recent first, each with how many
/// releases it holds and how many of them are deployed (one grouped count
/// over the page's sprints).
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id()))]
pub async fn list_with_progress(
    state: &AppState,
    ctx: &TeamContext,
    page: &PageRequest,
) -> AppResult<Page<SprintSummary>> {
    let sprints = list(state, ctx, page).await?;
    let ids: Vec<String> = sprints.items.iter().map(|s| s.id.to_string()).collect();
    let counts: Vec<(SprintId, ReleaseStatus, i64)> = if ids.is_empty() {
        vec![]
    } else {
        release::Entity::find_in(ctx)
            .select_only()
            .column(release::Column::SprintId)
            .column(release::Column::Status)
            .column_as(release::Column::Id.count(), "n")
            .filter(release::Column::SprintId.is_in(ids))
            .group_by(release::Column::SprintId)
            .group_by(release::Column::Status)
            .into_tuple()
            .all(&state.db)
            .await?
    };
    let mut progress: HashMap<SprintId, (usize, usize)> = HashMap::new();
    for (sprint_id, status, n) in counts {
        let n = usize::try_from(n).unwrap_or(0);
        let entry = progress.entry(sprint_id).or_default();
        entry.0 += n;
        if status == ReleaseStatus::Deployed {
            entry.1 += n;
        }
    }
    Ok(Page {
        items: sprints
            .items
            .into_iter()
            .map(|s| {
                let (total, deployed) = progress.get(&s.id).copied().unwrap_or_default();
                SprintSummary {
                    sprint: s,
                    total,
                    deployed,
                }
            })
            .collect(),
        next_cursor: sprints.next_cursor,
    })
}

/// How many of the sprint's releases are in each status (those with none
/// left out): the sprint page's sections and progress, whatever part of its
/// list is loaded.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), id = %id))]
pub async fn status_counts(
    state: &AppState,
    ctx: &TeamContext,
    id: &SprintId,
) -> AppResult<Vec<(ReleaseStatus, u64)>> {
    let counts: Vec<(ReleaseStatus, i64)> = release::Entity::find_in(ctx)
        .select_only()
        .column(release::Column::Status)
        .column_as(release::Column::Id.count(), "n")
        .filter(release::Column::SprintId.eq(id.as_str()))
        .group_by(release::Column::Status)
        .into_tuple()
        .all(&state.db)
        .await?;
    Ok(ReleaseStatus::ALL
        .into_iter()
        .filter_map(|st| {
            let n = counts.iter().find(|(s, _)| *s == st)?.1;
            Some((st, u64::try_from(n).unwrap_or(0)))
        })
        .filter(|(_, n)| *n > 0)
        .collect())
}

/// One sprint.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), id = %id))]
pub async fn get(state: &AppState, ctx: &TeamContext, id: &SprintId) -> AppResult<SprintView> {
    Ok(find(&state.db, ctx, id).await?.into())
}

/// Creates a sprint (ADMIN+).
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id()))]
pub async fn create(
    state: &AppState,
    ctx: &Admin<'_>,
    input: SprintInput,
) -> AppResult<SprintView> {
    let name = validation::required_line(
        "name",
        input.name.as_deref().unwrap_or(""),
        validation::MAX_NAME,
    )?;
    let start = date(
        "startDate",
        input
            .start_date
            .as_deref()
            .ok_or_else(|| AppError::invalid_field("startDate", "startDate is required"))?,
    )?;
    let end = date(
        "endDate",
        input
            .end_date
            .as_deref()
            .ok_or_else(|| AppError::invalid_field("endDate", "endDate is required"))?,
    )?;
    if end < start {
        return Err(AppError::invalid_field(
            "endDate",
            "endDate cannot be before startDate",
        ));
    }
    let st = match input.status.as_deref() {
        Some(s) => status(s)?,
        None => SprintStatus::Planning,
    };
    let txn = db::begin_write(&state.db).await?;
    if st == SprintStatus::Active {
        check_one_active(&txn, ctx, None).await?;
    }
    let now = db::now();
    let s = sprint::ActiveModel {
        id: Set(new_id()),
        team_id: Set(ctx.team_id().clone()),
        name: Set(name),
        start_date: Set(start),
        end_date: Set(end),
        status: Set(st),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(active_conflict)?;
    let event = activity::added(&txn, ctx, ResourceType::Sprint, &s.id, &s.name, None).await?;
    txn.commit().await?;
    state.events.publish(vec![event]);
    Ok(s.into())
}

/// A sprint's fields as the audit log shows them.
fn fields(s: &sprint::Model) -> [(&'static str, serde_json::Value); 4] {
    use serde_json::json;
    [
        ("name", json!(s.name)),
        ("startDate", json!(s.start_date.to_string())),
        ("endDate", json!(s.end_date.to_string())),
        ("status", json!(s.status)),
    ]
}

/// Edits a sprint (ADMIN+).
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), id = %id))]
pub async fn update(
    state: &AppState,
    ctx: &Admin<'_>,
    id: &SprintId,
    input: SprintInput,
) -> AppResult<SprintView> {
    let txn = db::begin_write(&state.db).await?;
    let cur = find(&txn, ctx, id).await?;
    let mut am: sprint::ActiveModel = cur.clone().into();
    if let Some(n) = &input.name {
        am.name = Set(validation::required_line("name", n, validation::MAX_NAME)?);
    }
    let start = match &input.start_date {
        Some(d) => date("startDate", d)?,
        None => cur.start_date,
    };
    let end = match &input.end_date {
        Some(d) => date("endDate", d)?,
        None => cur.end_date,
    };
    if end < start {
        return Err(AppError::invalid_field(
            "endDate",
            "endDate cannot be before startDate",
        ));
    }
    am.start_date = Set(start);
    am.end_date = Set(end);
    if let Some(s) = &input.status {
        let st = status(s)?;
        if st == SprintStatus::Active {
            check_one_active(&txn, ctx, Some(id)).await?;
        }
        am.status = Set(st);
    }
    am.updated_at = Set(db::now());
    let s = am.update(&txn).await.map_err(active_conflict)?;
    let event = activity::changed(
        &txn,
        ctx,
        ResourceType::Sprint,
        &s.id,
        &s.name,
        fields(&cur),
        fields(&s),
    )
    .await?;
    txn.commit().await?;
    state.events.publish(event);
    Ok(s.into())
}

/// Deletes a sprint (ADMIN+); its releases and groups stay, unassigned.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), id = %id))]
pub async fn delete(state: &AppState, ctx: &Admin<'_>, id: &SprintId) -> AppResult<()> {
    let txn = db::begin_write(&state.db).await?;
    let s = find(&txn, ctx, id).await?;
    sprint::Entity::delete_many_in(ctx)
        .filter(sprint::Column::Id.eq(s.id.clone()))
        .exec(&txn)
        .await?;
    let event = activity::removed(&txn, ctx, ResourceType::Sprint, &s.id, &s.name).await?;
    txn.commit().await?;
    state.events.publish(vec![event]);
    Ok(())
}
