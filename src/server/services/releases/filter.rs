//! The filters of `GET /api/releases` (and the board) as one SQL condition.

use crate::domain::kinds::DependencyType;
use crate::domain::status::{Priority, ReleaseStatus};
use crate::server::access::TeamContext;
use crate::server::db::entities::{release, release_dependency};
use crate::server::error::{AppError, AppResult};
use crate::server::services::parse_list;
use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, Func, JoinType, Query};
use sea_orm::ColumnTrait;
use serde::Deserialize;

/// `GET /api/releases` filters (`status` and `priority` take comma lists).
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
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
pub(crate) fn conditions(ctx: &TeamContext, f: &ReleaseFilter) -> AppResult<Condition> {
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
        let pattern = like_pattern(q);
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

/// A case-insensitive `LIKE` pattern for "contains `q`", with `\`, `%` and
/// `_` escaped (use with `.escape('\\')`): what people type is text, never
/// a wildcard.
pub(crate) fn like_pattern(q: &str) -> String {
    format!(
        "%{}%",
        q.to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    )
}
