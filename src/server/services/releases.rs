//! Releases: create, read with filters, update (fields and status, through
//! the state machine), delete. Every change writes its activity rows in the
//! same transaction and bumps `revision` with a compare-and-set, so two
//! concurrent changes end in one success and one 409, never a lost update.

use crate::domain::kinds::{ActivityType, DependencyType};
use crate::domain::status::{Priority, ReleaseStatus};
use crate::domain::validation;
use crate::server::access::{Editor, TeamContext};
use crate::server::db::entities::{release, release_dependency, service, team_member, user};
use crate::server::db::scoped::TeamOwned;
use crate::server::db::{self, new_id};
use crate::server::error::{AppError, AppResult};
use crate::server::services::activity::{self, NewActivity};
use crate::server::services::{ts, PageRequest};
use crate::server::state::AppState;
use crate::views::{ActivityView, BoardCard, BoardColumn, Page, ReleaseView, Waiting};
use chrono::NaiveDate;
use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, Func, JoinType, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Deserialize;
use serde_json::json;

/// Most cards the board loads at once.
pub const BOARD_LIMIT: u64 = 500;

impl From<release::Model> for ReleaseView {
    fn from(r: release::Model) -> Self {
        Self {
            status: r.status,
            priority: r.priority,
            id: r.id,
            team_id: r.team_id,
            service_id: r.service_id,
            title: r.title,
            version: r.version,
            description: r.description,
            owner_id: r.owner_id,
            sprint_id: r.sprint_id,
            deployment_group_id: r.deployment_group_id,
            target_date: r.target_date.map(|d| d.format("%Y-%m-%d").to_string()),
            is_blocked: r.is_blocked,
            blocked_reason: r.blocked_reason,
            staging_deployed_at: r.staging_deployed_at.map(ts),
            production_deployed_at: r.production_deployed_at.map(ts),
            revision: r.revision,
            created_at: ts(r.created_at),
            updated_at: ts(r.updated_at),
        }
    }
}

/// `GET /api/releases` filters (`status` and `priority` take comma lists).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReleaseFilter {
    /// `PLANNING,IN_REVIEW`.
    pub status: Option<String>,
    /// One service.
    pub service_id: Option<String>,
    /// One sprint.
    pub sprint_id: Option<String>,
    /// One deployment group.
    pub deployment_group_id: Option<String>,
    /// One owner.
    pub owner_id: Option<String>,
    /// `HIGH,CRITICAL`.
    pub priority: Option<String>,
    /// `true` or `false`.
    pub blocked: Option<String>,
    /// Text in title, version or description.
    pub q: Option<String>,
    /// Page size.
    pub limit: Option<u64>,
    /// Page cursor.
    pub cursor: Option<String>,
}

fn parse_list<T: std::str::FromStr>(
    field: &'static str,
    raw: &Option<String>,
) -> AppResult<Vec<T>> {
    let Some(raw) = raw.as_deref().filter(|s| !s.trim().is_empty()) else {
        return Ok(vec![]);
    };
    raw.split(',')
        .map(|p| {
            p.trim().parse::<T>().map_err(|_| {
                AppError::invalid_field(
                    field,
                    format!("unknown {field} {}", crate::domain::quote(p.trim())),
                )
            })
        })
        .collect()
}

/// "Blocked", the one meaning every page, filter and count uses: marked
/// blocked by hand, or waiting on a BLOCKS dependency whose blocker is not
/// deployed (which is what keeps it out of READY_PRODUCTION and DEPLOYED).
pub(crate) fn blocked_condition(ctx: &TeamContext) -> Condition {
    let blocker = Alias::new("blocker");
    let waiting = Query::select()
        .column((
            release_dependency::Entity,
            release_dependency::Column::ReleaseId,
        ))
        .from(release_dependency::Entity)
        .join_as(
            JoinType::InnerJoin,
            release::Entity,
            blocker.clone(),
            Expr::col((blocker.clone(), release::Column::Id)).equals((
                release_dependency::Entity,
                release_dependency::Column::DependsOnId,
            )),
        )
        .and_where(
            Expr::col((
                release_dependency::Entity,
                release_dependency::Column::TeamId,
            ))
            .eq(ctx.team_id()),
        )
        .and_where(
            Expr::col((
                release_dependency::Entity,
                release_dependency::Column::DepType,
            ))
            .eq(DependencyType::Blocks),
        )
        .and_where(Expr::col((blocker, release::Column::Status)).ne(ReleaseStatus::Deployed))
        .to_owned();
    Condition::any()
        .add(release::Column::IsBlocked.eq(true))
        .add(release::Column::Id.in_subquery(waiting))
}

/// The filter as a SQL condition (the team, and every filter given).
fn conditions(ctx: &TeamContext, f: &ReleaseFilter) -> AppResult<Condition> {
    let mut cond = Condition::all();
    let statuses: Vec<ReleaseStatus> = parse_list("status", &f.status)?;
    if !statuses.is_empty() {
        cond = cond.add(release::Column::Status.is_in(statuses));
    }
    let priorities: Vec<Priority> = parse_list("priority", &f.priority)?;
    if !priorities.is_empty() {
        cond = cond.add(release::Column::Priority.is_in(priorities));
    }
    for (col, v) in [
        (release::Column::ServiceId, &f.service_id),
        (release::Column::SprintId, &f.sprint_id),
        (release::Column::DeploymentGroupId, &f.deployment_group_id),
        (release::Column::OwnerId, &f.owner_id),
    ] {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            cond = cond.add(col.eq(v));
        }
    }
    match f.blocked.as_deref() {
        None | Some("") => {}
        Some("true") => cond = cond.add(blocked_condition(ctx)),
        Some("false") => cond = cond.add(blocked_condition(ctx).not()),
        Some(_) => {
            return Err(AppError::invalid_field(
                "blocked",
                "blocked must be true or false",
            ))
        }
    }
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let pattern = format!(
            "%{}%",
            q.to_lowercase()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        // Qualified: the board joins services, which have a description too.
        let like = |col: release::Column| {
            Expr::expr(Func::lower(Expr::col((release::Entity, col))))
                .like(sea_orm::sea_query::LikeExpr::new(pattern.clone()).escape('\\'))
        };
        cond = cond.add(
            Condition::any()
                .add(like(release::Column::Title))
                .add(like(release::Column::Version))
                .add(like(release::Column::Description)),
        );
    }
    Ok(cond)
}

/// Lists releases, newest first.
pub async fn list(
    state: &AppState,
    ctx: &TeamContext,
    f: &ReleaseFilter,
) -> AppResult<Page<ReleaseView>> {
    let page = PageRequest {
        limit: f.limit,
        cursor: f.cursor.clone(),
    };
    let mut cond = conditions(ctx, f)?;
    if let Some(c) = &page.cursor {
        cond = cond.add(release::Column::Id.lt(c.as_str()));
    }
    let rows = release::Entity::find_in(ctx)
        .filter(cond)
        .order_by_desc(release::Column::Id)
        .limit(page.limit()? + 1)
        .all(&state.db)
        .await?;
    page.page(
        rows.into_iter().map(ReleaseView::from).collect(),
        |r: &ReleaseView| r.id.clone(),
    )
}

pub(crate) async fn find(
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
    id: &str,
) -> AppResult<release::Model> {
    release::Entity::find_by_id_in(ctx, id.to_string())
        .one(conn)
        .await?
        .ok_or_else(|| AppError::not_found("release"))
}

/// One release.
pub async fn get(state: &AppState, ctx: &TeamContext, id: &str) -> AppResult<ReleaseView> {
    Ok(find(&state.db, ctx, id).await?.into())
}

/// Create and update input; on update absent fields stay, `null` clears.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReleaseInput {
    /// The service (create only).
    pub service_id: Option<String>,
    /// Title.
    pub title: Option<String>,
    /// Version string.
    pub version: Option<String>,
    /// Markdown.
    pub description: Option<String>,
    /// New status (update only): moves along the state machine. An
    /// unknown value is refused when the body is read (400 naming `status`).
    pub status: Option<ReleaseStatus>,
    /// Priority (an unknown value: 400 naming `priority`, at the edge).
    pub priority: Option<Priority>,
    /// Owner.
    #[serde(default, deserialize_with = "crate::server::services::double_option")]
    pub owner_id: Option<Option<String>>,
    /// Target date `YYYY-MM-DD`.
    #[serde(default, deserialize_with = "crate::server::services::double_option")]
    pub target_date: Option<Option<String>>,
    /// Blocked by hand.
    pub is_blocked: Option<bool>,
    /// The sprint (`null` or empty removes it).
    #[serde(default, deserialize_with = "crate::server::services::double_option")]
    pub sprint_id: Option<Option<String>>,
    /// The deployment group (`null` or empty removes it; joining puts the
    /// release last in the group's order).
    #[serde(default, deserialize_with = "crate::server::services::double_option")]
    pub deployment_group_id: Option<Option<String>>,
    /// Why.
    #[serde(default, deserialize_with = "crate::server::services::double_option")]
    pub blocked_reason: Option<Option<String>>,
    /// The revision this change is based on; stale → 409.
    pub revision: Option<i64>,
}

pub(crate) fn parse_date(v: &str) -> AppResult<NaiveDate> {
    NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").map_err(|_| {
        AppError::invalid_field("targetDate", "targetDate must be a date like 2026-12-04")
    })
}

pub(crate) async fn check_owner(
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
    owner: &str,
) -> AppResult<()> {
    let member = team_member::Entity::find_in(ctx)
        .filter(team_member::Column::UserId.eq(owner))
        .one(conn)
        .await?;
    member.map(|_| ()).ok_or_else(|| {
        AppError::invalid_field("ownerId", "the owner must be a member of this team")
    })
}

pub(crate) async fn user_name(conn: &impl ConnectionTrait, id: &str) -> AppResult<String> {
    Ok(user::Entity::find_by_id(id.to_string())
        .one(conn)
        .await?
        .map(|u| u.name)
        .unwrap_or_else(|| "someone".into()))
}

/// Creates a release in PLANNING (MEMBER+).
pub async fn create(
    state: &AppState,
    ctx: &Editor<'_>,
    input: ReleaseInput,
) -> AppResult<ReleaseView> {
    if input.status.is_some() || input.revision.is_some() {
        return Err(AppError::bad_request(
            "a new release starts in PLANNING at revision 1; move it afterwards",
        ));
    }
    let service_id = input
        .service_id
        .as_deref()
        .ok_or_else(|| AppError::invalid_field("serviceId", "serviceId is required"))?;
    let title = validation::required_line(
        "title",
        input.title.as_deref().unwrap_or_default(),
        validation::MAX_NAME,
    )?;
    let version = validation::required_line(
        "version",
        input.version.as_deref().unwrap_or_default(),
        validation::MAX_VERSION,
    )?;
    let description = validation::long_text(
        "description",
        input.description.as_deref().unwrap_or_default(),
        validation::MAX_DESCRIPTION,
    )?;
    let priority = input.priority.unwrap_or(Priority::Medium);
    let target_date = input
        .target_date
        .flatten()
        .filter(|d| !d.is_empty())
        .map(|d| parse_date(&d))
        .transpose()?;
    let blocked_reason = input
        .blocked_reason
        .flatten()
        .map(|r| validation::long_text("blockedReason", &r, validation::MAX_NAME * 5))
        .transpose()?;

    let txn = db::begin_write(&state.db).await?;
    let svc = service::Entity::find_by_id_in(ctx, service_id.to_string())
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found("service"))?;
    let owner = input.owner_id.flatten().filter(|o| !o.is_empty());
    if let Some(o) = &owner {
        check_owner(&txn, ctx, o).await?;
    }
    let sprint = input.sprint_id.flatten().filter(|s| !s.is_empty());
    if let Some(sid) = &sprint {
        super::sprints::find(&txn, ctx, sid)
            .await
            .map_err(|_| AppError::invalid_field("sprintId", "no such sprint in this team"))?;
    }
    let group = match input
        .deployment_group_id
        .flatten()
        .filter(|g| !g.is_empty())
    {
        Some(gid) => {
            let g = super::groups::find(&txn, ctx, &gid).await.map_err(|_| {
                AppError::invalid_field(
                    "deploymentGroupId",
                    "no such deployment group in this team",
                )
            })?;
            super::groups::check_room(&txn, ctx, &g.id).await?;
            let position = super::groups::next_position(&txn, ctx, &g.id).await?;
            Some((g, position))
        }
        None => None,
    };
    let now = db::now();
    let r = release::ActiveModel {
        id: Set(new_id()),
        team_id: Set(ctx.team_id().to_string()),
        service_id: Set(svc.id.clone()),
        title: Set(title),
        version: Set(version),
        description: Set(description),
        status: Set(ReleaseStatus::Planning),
        priority: Set(priority),
        owner_id: Set(owner.clone()),
        sprint_id: Set(sprint),
        deployment_group_id: Set(group.as_ref().map(|(g, _)| g.id.clone())),
        group_position: Set(group.as_ref().map(|(_, p)| *p)),
        target_date: Set(target_date),
        is_blocked: Set(input.is_blocked.unwrap_or(false)),
        blocked_reason: Set(blocked_reason),
        staging_deployed_at: Set(None),
        production_deployed_at: Set(None),
        revision: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let mut events = vec![
        activity::record(
            &txn,
            ctx,
            NewActivity {
                kind: ActivityType::ReleaseCreated,
                release_id: Some(&r.id),
                action: "created",
                description: format!(
                    "{} created {} {} for {}",
                    ctx.user_name(),
                    r.title,
                    r.version,
                    svc.name
                ),
                metadata: Some(json!({"title": r.title, "serviceId": svc.id})),
            },
        )
        .await?,
    ];
    if let Some(o) = &owner {
        let name = user_name(&txn, o).await?;
        events.push(
            activity::record(
                &txn,
                ctx,
                NewActivity {
                    kind: ActivityType::UserAssigned,
                    release_id: Some(&r.id),
                    action: "assigned",
                    description: format!(
                        "{} assigned {} {} to {}",
                        ctx.user_name(),
                        r.title,
                        r.version,
                        name
                    ),
                    metadata: Some(json!({"ownerId": o})),
                },
            )
            .await?,
        );
    }
    if let Some((g, _)) = &group {
        events.push(
            activity::record(
                &txn,
                ctx,
                NewActivity {
                    kind: ActivityType::DeploymentGroupAssigned,
                    release_id: Some(&r.id),
                    action: "grouped",
                    description: format!(
                        "{} added {} {} to deployment group {}",
                        ctx.user_name(),
                        r.title,
                        r.version,
                        g.name
                    ),
                    metadata: Some(json!({"deploymentGroupId": g.id, "from": null})),
                },
            )
            .await?,
        );
    }
    // Created blocked: the team hears it as it would hear a later block.
    let unblocked = release::Model {
        is_blocked: false,
        blocked_reason: None,
        ..r.clone()
    };
    let queued = notify_change(state, &txn, ctx, &unblocked, &r, &svc.name).await?;
    txn.commit().await?;
    state.events.publish(events);
    if queued > 0 {
        state.outbox_wake.notify_one();
    }
    Ok(r.into())
}

/// The blockers that keep a release out of READY_PRODUCTION and DEPLOYED:
/// its BLOCKS dependencies whose blocker is not yet DEPLOYED.
pub async fn unresolved_blockers(
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
    release_id: &str,
) -> AppResult<Vec<release::Model>> {
    let deps = release_dependency::Entity::find_in(ctx)
        .filter(release_dependency::Column::ReleaseId.eq(release_id))
        .filter(release_dependency::Column::DepType.eq(DependencyType::Blocks))
        .all(conn)
        .await?;
    if deps.is_empty() {
        return Ok(vec![]);
    }
    let ids: Vec<String> = deps.into_iter().map(|d| d.depends_on_id).collect();
    Ok(release::Entity::find_in(ctx)
        .filter(release::Column::Id.is_in(ids))
        .filter(release::Column::Status.ne(ReleaseStatus::Deployed))
        .all(conn)
        .await?)
}

/// Updates fields and/or moves the status (MEMBER+).
pub async fn update(
    state: &AppState,
    ctx: &Editor<'_>,
    id: &str,
    input: ReleaseInput,
) -> AppResult<ReleaseView> {
    let txn = db::begin_write(&state.db).await?;
    let applied = apply_update(state, &txn, ctx, id, input).await?;
    txn.commit().await?;
    Ok(applied.announce(state))
}

/// Puts every release in flight that matches `filter` into the sprint, in
/// one write transaction: each goes through the same rules, revision and
/// activity as a single update, and a refusal of any leaves all as they
/// were. Releases already in the sprint are left alone; answers how many
/// moved. (The board's "Add to sprint" for the whole filtered board.)
pub async fn assign_sprint(
    state: &AppState,
    ctx: &Editor<'_>,
    filter: &ReleaseFilter,
    sprint_id: &str,
) -> AppResult<usize> {
    let txn = db::begin_write(&state.db).await?;
    super::sprints::find(&txn, ctx, sprint_id)
        .await
        .map_err(|_| AppError::invalid_field("sprintId", "there is no such sprint in this team"))?;
    let cond = conditions(ctx, filter)?
        .add(release::Column::Status.is_not_in(ReleaseStatus::FINISHED))
        .add(
            Condition::any()
                .add(release::Column::SprintId.is_null())
                .add(release::Column::SprintId.ne(sprint_id)),
        );
    let ids: Vec<String> = release::Entity::find_in(ctx)
        .select_only()
        .column(release::Column::Id)
        .filter(cond)
        .order_by_asc(release::Column::Id)
        .into_tuple()
        .all(&txn)
        .await?;
    let mut applied = Vec::with_capacity(ids.len());
    for id in &ids {
        let input = ReleaseInput {
            sprint_id: Some(Some(sprint_id.to_string())),
            ..Default::default()
        };
        applied.push(apply_update(state, &txn, ctx, id, input).await?);
    }
    txn.commit().await?;
    for a in applied {
        a.announce(state);
    }
    Ok(ids.len())
}

/// An update written inside a transaction, and what to announce once that
/// transaction has committed.
struct Applied {
    release: ReleaseView,
    events: Vec<ActivityView>,
    wake_outbox: bool,
}

impl Applied {
    fn unchanged(cur: release::Model) -> Self {
        Self {
            release: cur.into(),
            events: vec![],
            wake_outbox: false,
        }
    }

    /// Publishes the activity live and wakes the outbox; call after commit.
    fn announce(self, state: &AppState) -> ReleaseView {
        state.events.publish(self.events);
        if self.wake_outbox {
            state.outbox_wake.notify_one();
        }
        self.release
    }
}

/// The rules of an update, applied in `txn` (the caller commits): only what
/// really changes is written, as one compare-and-set on the revision.
async fn apply_update(
    state: &AppState,
    txn: &DatabaseTransaction,
    ctx: &Editor<'_>,
    id: &str,
    input: ReleaseInput,
) -> AppResult<Applied> {
    if input.service_id.is_some() {
        return Err(AppError::invalid_field(
            "serviceId",
            "a release cannot move to another service",
        ));
    }
    let cur = find(txn, ctx, id).await?;
    if let Some(rev) = input.revision {
        if rev != cur.revision {
            return Err(AppError::Conflict(format!(
                "this release was changed by someone else (revision {} is now {}); reload and try again",
                rev, cur.revision
            )));
        }
    }
    let svc_name = service::Entity::find_by_id_in(ctx, cur.service_id.clone())
        .one(txn)
        .await?
        .map(|s| s.name)
        .unwrap_or_default();
    // A release is named by its title and version everywhere people read it.
    let label = format!("{} {}", cur.title, cur.version);
    let now = db::now();
    let mut am = release::ActiveModel {
        updated_at: Set(now),
        revision: Set(cur.revision + 1),
        ..Default::default()
    };
    let mut changed: Vec<&str> = vec![];
    let mut pending: Vec<NewActivity<'_>> = vec![];

    // Only what really changes counts (a form sends every field).
    if let Some(t) = &input.title {
        let t = validation::required_line("title", t, validation::MAX_NAME)?;
        if t != cur.title {
            am.title = Set(t);
            changed.push("title");
        }
    }
    if let Some(v) = &input.version {
        let v = validation::required_line("version", v, validation::MAX_VERSION)?;
        if v != cur.version {
            am.version = Set(v);
            changed.push("version");
        }
    }
    if let Some(d) = &input.description {
        let d = validation::long_text("description", d, validation::MAX_DESCRIPTION)?;
        if d != cur.description {
            am.description = Set(d);
            changed.push("description");
        }
    }
    if let Some(p) = input.priority {
        if p != cur.priority {
            am.priority = Set(p);
            changed.push("priority");
        }
    }
    if let Some(d) = &input.target_date {
        let d = d
            .as_deref()
            .filter(|d| !d.is_empty())
            .map(parse_date)
            .transpose()?;
        if d != cur.target_date {
            am.target_date = Set(d);
            changed.push("targetDate");
        }
    }
    if let Some(owner) = &input.owner_id {
        let owner = owner.clone().filter(|o| !o.is_empty());
        if let Some(o) = &owner {
            check_owner(txn, ctx, o).await?;
        }
        if owner != cur.owner_id {
            let who = match &owner {
                Some(o) => user_name(txn, o).await?,
                None => "nobody".into(),
            };
            pending.push(NewActivity {
                kind: ActivityType::UserAssigned,
                release_id: Some(id),
                action: "assigned",
                description: format!("{} assigned {label} to {who}", ctx.user_name()),
                metadata: Some(json!({"from": cur.owner_id, "to": owner})),
            });
        }
        am.owner_id = Set(owner);
    }
    if let Some(sp) = &input.sprint_id {
        let sp = sp.clone().filter(|s| !s.is_empty());
        if sp != cur.sprint_id {
            if let Some(sid) = &sp {
                super::sprints::find(txn, ctx, sid).await.map_err(|_| {
                    AppError::invalid_field("sprintId", "no such sprint in this team")
                })?;
            }
            am.sprint_id = Set(sp);
            changed.push("sprint");
        }
    }
    if let Some(g) = &input.deployment_group_id {
        let g = g.clone().filter(|s| !s.is_empty());
        if g != cur.deployment_group_id {
            match &g {
                Some(gid) => {
                    let group = super::groups::find(txn, ctx, gid).await.map_err(|_| {
                        AppError::invalid_field(
                            "deploymentGroupId",
                            "no such deployment group in this team",
                        )
                    })?;
                    super::groups::check_room(txn, ctx, gid).await?;
                    am.group_position =
                        Set(Some(super::groups::next_position(txn, ctx, gid).await?));
                    pending.push(NewActivity {
                        kind: ActivityType::DeploymentGroupAssigned,
                        release_id: Some(id),
                        action: "grouped",
                        description: format!(
                            "{} added {label} to deployment group {}",
                            ctx.user_name(),
                            group.name
                        ),
                        metadata: Some(
                            json!({"deploymentGroupId": gid, "from": cur.deployment_group_id}),
                        ),
                    });
                }
                None => {
                    am.group_position = Set(None);
                    changed.push("deployment group");
                }
            }
            am.deployment_group_id = Set(g);
        }
    }
    if input.is_blocked.is_some() || input.blocked_reason.is_some() {
        let blocked = input.is_blocked.unwrap_or(cur.is_blocked);
        let reason = match &input.blocked_reason {
            Some(r) => r
                .clone()
                .filter(|r| !r.trim().is_empty())
                .map(|r| validation::long_text("blockedReason", &r, 1000))
                .transpose()?,
            None => cur.blocked_reason.clone(),
        };
        let reason = if blocked { reason } else { None };
        if blocked != cur.is_blocked {
            pending.push(NewActivity {
                kind: ActivityType::ReleaseUpdated,
                release_id: Some(id),
                action: if blocked { "blocked" } else { "unblocked" },
                description: match (&reason, blocked) {
                    (Some(r), true) => {
                        format!("{} marked {label} as blocked: {r}", ctx.user_name())
                    }
                    (None, true) => format!("{} marked {label} as blocked", ctx.user_name()),
                    _ => format!("{} unblocked {label}", ctx.user_name()),
                },
                metadata: Some(json!({"isBlocked": blocked, "blockedReason": reason})),
            });
        }
        am.is_blocked = Set(blocked);
        am.blocked_reason = Set(reason);
    }
    if let Some(to) = input.status {
        let from: ReleaseStatus = cur.status;
        if to != from {
            from.check_move(to)?;
            if to.requires_unblocked() {
                // The block as it stands after this same request.
                let blocked = input.is_blocked.unwrap_or(cur.is_blocked);
                if blocked {
                    let why = match input
                        .blocked_reason
                        .clone()
                        .flatten()
                        .or(cur.blocked_reason.clone())
                    {
                        Some(r) if !r.trim().is_empty() => format!(" ({})", r.trim()),
                        _ => String::new(),
                    };
                    return Err(AppError::bad_request(format!(
                        "cannot move to {to}: the release is marked blocked{why}; unblock it first"
                    )));
                }
                let blockers = unresolved_blockers(txn, ctx, id).await?;
                if let Some(b) = blockers.first() {
                    return Err(AppError::bad_request(format!(
                        "cannot move to {to}: blocked by \"{} {}\" ({}), which is not deployed yet",
                        b.title, b.version, b.status
                    )));
                }
            }
            am.status = Set(to);
            match to {
                ReleaseStatus::InStaging => am.staging_deployed_at = Set(Some(now)),
                ReleaseStatus::Deployed => am.production_deployed_at = Set(Some(now)),
                _ => {}
            }
            pending.push(NewActivity {
                kind: ActivityType::StatusChanged,
                release_id: Some(id),
                action: "moved",
                description: format!("{} moved {label} from {from} to {to}", ctx.user_name()),
                metadata: Some(json!({"from": from, "to": to})),
            });
        }
    }
    if !changed.is_empty() {
        pending.push(NewActivity {
            kind: ActivityType::ReleaseUpdated,
            release_id: Some(id),
            action: "updated",
            description: format!(
                "{} updated the {} of {label}",
                ctx.user_name(),
                changed.join(", ")
            ),
            metadata: Some(json!({"fields": changed})),
        });
    }
    if pending.is_empty() {
        // Nothing changed: no new revision, no activity.
        return Ok(Applied::unchanged(cur));
    }
    // Compare-and-set on the revision read above: a concurrent writer that
    // committed in between makes this match no row.
    let res = release::Entity::update_many_in(ctx)
        .set(am)
        .filter(release::Column::Id.eq(id))
        .filter(release::Column::Revision.eq(cur.revision))
        .exec(txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(AppError::Conflict(
            "this release was changed by someone else at the same time; reload and try again"
                .into(),
        ));
    }
    let mut events: Vec<ActivityView> = vec![];
    for a in pending {
        events.push(activity::record(txn, ctx, a).await?);
    }
    let updated = find(txn, ctx, id).await?;
    let deployed = ReleaseStatus::Deployed;
    if updated.status != cur.status && updated.status == deployed {
        events.extend(
            super::dependencies::resolve_for_deployed(txn, ctx, &state.public_url, &updated)
                .await?,
        );
    }
    if updated.status != cur.status && cur.status == deployed {
        events.extend(
            super::dependencies::unresolve_for_undeployed(txn, ctx, &state.public_url, &updated)
                .await?,
        );
    }
    let queued = notify_change(state, txn, ctx, &cur, &updated, &svc_name).await?;
    Ok(Applied {
        wake_outbox: queued > 0 || updated.status == deployed || cur.status == deployed,
        release: updated.into(),
        events,
    })
}

/// Deletes a release (MEMBER+); its activity stays, detached.
pub async fn delete(state: &AppState, ctx: &Editor<'_>, id: &str) -> AppResult<()> {
    let txn = db::begin_write(&state.db).await?;
    let cur = find(&txn, ctx, id).await?;
    let svc_name = service::Entity::find_by_id_in(ctx, cur.service_id.clone())
        .one(&txn)
        .await?
        .map(|s| s.name)
        .unwrap_or_default();
    let ev = activity::record(
        &txn,
        ctx,
        NewActivity {
            kind: ActivityType::ReleaseUpdated,
            release_id: Some(id),
            action: "deleted",
            description: format!(
                "{} deleted {} {} of {}",
                ctx.user_name(),
                cur.title,
                cur.version,
                svc_name
            ),
            metadata: Some(json!({"deleted": true, "title": cur.title})),
        },
    )
    .await?;
    release::Entity::delete_many_in(ctx)
        .filter(release::Column::Id.eq(cur.id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    state.events.publish([ev]);
    Ok(())
}

/// Finished cards shown per finished column unless more are asked for.
pub const FINISHED_SHOWN: u64 = 20;

/// The board: every status with its count under the filters, every card of
/// work in progress (most urgent first, then nearest target date), and the
/// `finished_shown` most recently changed cards of each finished column.
/// One grouped count and four small queries, whatever the team's history.
pub async fn board(
    state: &AppState,
    ctx: &TeamContext,
    f: &ReleaseFilter,
    finished_shown: u64,
) -> AppResult<Vec<BoardColumn>> {
    let cond = conditions(ctx, f)?;
    let counts: Vec<(String, i64)> = release::Entity::find_in(ctx)
        .select_only()
        .column(release::Column::Status)
        .column_as(release::Column::Id.count(), "n")
        .filter(cond.clone())
        .group_by(release::Column::Status)
        .into_tuple()
        .all(&state.db)
        .await?;
    let active: Vec<&str> = ReleaseStatus::ALL
        .into_iter()
        .filter(|s| !s.is_finished())
        .map(|s| s.as_str())
        .collect();
    let mut rows = release::Entity::find_in(ctx)
        .filter(cond.clone())
        .filter(release::Column::Status.is_in(active))
        .find_also_related(service::Entity)
        .order_by_desc(release::Column::UpdatedAt)
        .limit(BOARD_LIMIT)
        .all(&state.db)
        .await?;
    for s in ReleaseStatus::FINISHED {
        rows.extend(
            release::Entity::find_in(ctx)
                .filter(cond.clone())
                .filter(release::Column::Status.eq(s))
                .find_also_related(service::Entity)
                .order_by_desc(release::Column::UpdatedAt)
                .limit(finished_shown.clamp(1, BOARD_LIMIT))
                .all(&state.db)
                .await?,
        );
    }
    let owners = super::user_names(&state.db, rows.iter().map(|(r, _)| r.owner_id.clone())).await?;
    let waiting = super::dependencies::blocked_by(
        &state.db,
        ctx,
        rows.iter().map(|(r, _)| r.id.clone()).collect(),
    )
    .await?;
    let mut cards: Vec<BoardCard> = rows
        .into_iter()
        .map(|(r, s)| BoardCard {
            status: r.status,
            priority: r.priority,
            owner_name: r.owner_id.as_ref().and_then(|o| owners.get(o).cloned()),
            is_blocked: r.is_blocked,
            blocked_reason: r.blocked_reason,
            target_date: r.target_date.map(|d| d.format("%Y-%m-%d").to_string()),
            revision: r.revision,
            blocked_by: waiting
                .get(&r.id)
                .map(|bs| {
                    bs.iter()
                        .map(|b| format!("{} {}", b.title, b.version))
                        .collect()
                })
                .unwrap_or_default(),
            id: r.id,
            title: r.title,
            version: r.version,
            service_name: s.map(|s| s.name).unwrap_or_default(),
        })
        .collect();
    // Work in progress: most urgent first, then the nearest target date
    // (none last). Finished columns keep most recent first (a stable sort).
    cards.sort_by(|a, b| {
        if a.status.is_finished() || b.status.is_finished() {
            return std::cmp::Ordering::Equal;
        }
        b.priority.rank().cmp(&a.priority.rank()).then_with(|| {
            match (&a.target_date, &b.target_date) {
                (Some(x), Some(y)) => x.cmp(y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            }
        })
    });
    Ok(ReleaseStatus::ALL
        .into_iter()
        .map(|status| BoardColumn {
            status,
            total: counts
                .iter()
                .find(|(s, _)| s == status.as_str())
                .map(|(_, n)| u64::try_from(*n).unwrap_or(0))
                .unwrap_or(0),
            cards: cards
                .iter()
                .filter(|c| c.status == status)
                .cloned()
                .collect(),
        })
        .collect())
}

async fn with_blockers(
    state: &AppState,
    ctx: &TeamContext,
    rows: Vec<(release::Model, Option<service::Model>)>,
) -> AppResult<Vec<Waiting>> {
    let ids: Vec<String> = rows.iter().map(|(r, _)| r.id.clone()).collect();
    // All BLOCKS edges of these releases, and their blockers, in two queries.
    let deps = release_dependency::Entity::find_in(ctx)
        .filter(release_dependency::Column::ReleaseId.is_in(ids))
        .filter(release_dependency::Column::DepType.eq(DependencyType::Blocks))
        .all(&state.db)
        .await?;
    let blocker_ids: Vec<String> = deps.iter().map(|d| d.depends_on_id.clone()).collect();
    let blockers = if blocker_ids.is_empty() {
        vec![]
    } else {
        release::Entity::find_in(ctx)
            .filter(release::Column::Id.is_in(blocker_ids))
            .filter(release::Column::Status.ne(ReleaseStatus::Deployed))
            .all(&state.db)
            .await?
    };
    Ok(rows
        .into_iter()
        .map(|(r, s)| {
            let mut why = vec![];
            if r.is_blocked {
                why.push(
                    r.blocked_reason
                        .clone()
                        .unwrap_or_else(|| "blocked by hand".into()),
                );
            }
            for d in deps.iter().filter(|d| d.release_id == r.id) {
                if let Some(b) = blockers.iter().find(|b| b.id == d.depends_on_id) {
                    why.push(format!(
                        "waits for {} {} ({})",
                        b.title, b.version, b.status
                    ));
                }
            }
            Waiting {
                service_name: s.map(|s| s.name).unwrap_or_default(),
                release: r.into(),
                blockers: why,
            }
        })
        .collect())
}

/// Releases ready for staging and for production, oldest first, with
/// whatever still holds them (the page Slack's "ready" messages link to).
pub async fn deploy_queue(
    state: &AppState,
    ctx: &TeamContext,
) -> AppResult<(Vec<Waiting>, Vec<Waiting>)> {
    let rows = release::Entity::find_in(ctx)
        .filter(
            release::Column::Status
                .is_in([ReleaseStatus::ReadyStaging, ReleaseStatus::ReadyProduction]),
        )
        .find_also_related(service::Entity)
        .order_by_asc(release::Column::UpdatedAt)
        .limit(BOARD_LIMIT)
        .all(&state.db)
        .await?;
    let all = with_blockers(state, ctx, rows).await?;
    let (staging, production) = all
        .into_iter()
        .partition(|w| w.release.status == ReleaseStatus::ReadyStaging);
    Ok((staging, production))
}

/// Releases blocked by hand or by an unresolved BLOCKS dependency, oldest
/// change first (the page Slack's "blocked" messages link to).
pub async fn blocked(state: &AppState, ctx: &TeamContext) -> AppResult<Vec<Waiting>> {
    let rows = release::Entity::find_in(ctx)
        .filter(release::Column::Status.is_not_in(ReleaseStatus::FINISHED))
        .filter(blocked_condition(ctx))
        .find_also_related(service::Entity)
        .order_by_asc(release::Column::UpdatedAt)
        .limit(BOARD_LIMIT)
        .all(&state.db)
        .await?;
    Ok(with_blockers(state, ctx, rows)
        .await?
        .into_iter()
        .filter(|w| !w.blockers.is_empty())
        .collect())
}

/// Slack notices for a change (status move, manual block or unblock),
/// queued in the change's transaction.
async fn notify_change(
    state: &AppState,
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
    before: &release::Model,
    after: &release::Model,
    service_name: &str,
) -> AppResult<usize> {
    use crate::server::integrations::slack::{Notice, ReleaseInfo};
    let mut notices = vec![];
    if before.status != after.status {
        let from: ReleaseStatus = before.status;
        let to: ReleaseStatus = after.status;
        let by = ctx.user_name().to_string();
        notices.push(
            if matches!(
                to,
                ReleaseStatus::ReadyStaging | ReleaseStatus::ReadyProduction
            ) {
                Notice::ReadyToDeploy { from, to, by }
            } else {
                Notice::StatusChanged { from, to, by }
            },
        );
    }
    if before.is_blocked != after.is_blocked {
        notices.push(if after.is_blocked {
            Notice::Blocked {
                reason: after.blocked_reason.clone(),
                by: ctx.user_name().to_string(),
            }
        } else {
            Notice::Unblocked {
                by: ctx.user_name().to_string(),
            }
        });
    }
    if notices.is_empty() {
        return Ok(0);
    }
    let owner = match &after.owner_id {
        Some(o) => Some(user_name(conn, o).await?),
        None => None,
    };
    let info = ReleaseInfo {
        id: after.id.clone(),
        title: after.title.clone(),
        version: after.version.clone(),
        service: service_name.to_string(),
        owner,
    };
    super::notify::enqueue(conn, ctx.team_id(), &state.public_url, &info, &notices).await
}
