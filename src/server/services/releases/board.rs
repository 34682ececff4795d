//! The board (every status counted, the work in flight as cards), the
//! deploy queue and the releases waiting on a blocker.

use super::filter::{blocked_condition, conditions, ReleaseFilter};
use crate::domain::board::{ColumnSizes, CLOSED};
use crate::domain::ids::ReleaseId;
use crate::domain::kinds::DependencyType;
use crate::domain::status::{Priority, ReleaseStatus};
use crate::server::access::TeamContext;
use crate::server::db::entities::{release, release_dependency, service};
use crate::server::db::scoped::TeamOwned;
use crate::server::error::AppResult;
use crate::server::state::AppState;
use crate::views::{BoardCard, BoardColumn, Waiting};
use sea_orm::sea_query::{
    Alias, Asterisk, Expr, NullOrdering, Order, Query, SelectStatement, SimpleExpr, UnionType,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, FromQueryResult, IdenStatic, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, SelectA, SelectB,
};

/// Most rows the deploy queue and the blocked page load at once.
pub const BOARD_LIMIT: u64 = 500;

/// The board: every status with its count under the filters, and each
/// column's first cards — as many as `sizes` asks for (most urgent first,
/// then the nearest target date, for work in flight; the latest first for
/// finished work). A column's count is always everything it holds, and
/// "Show N more" (see [`ColumnSizes`]) reaches the rest, so no release is
/// ever silently left out. One grouped count, then one small indexed query
/// per column that holds anything. The collapsed "Closed" area
/// ([`CLOSED`]) is counted, and its cards loaded only `with_closed`.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id()))]
pub async fn board(
    state: &AppState,
    ctx: &TeamContext,
    f: &ReleaseFilter,
    sizes: &ColumnSizes,
    with_closed: bool,
) -> AppResult<Vec<BoardColumn>> {
    let cond = conditions(ctx, f)?;
    let counts: Vec<(ReleaseStatus, i64)> = release::Entity::find_in(ctx)
        .select_only()
        .column(release::Column::Status)
        // COUNT(*), not COUNT(id): the (team, status, updated_at) index
        // answers it alone (an index-only scan), where counting a column
        // outside the index read every row of the team — at 50,000
        // releases, 50 ms against 15 on PostgreSQL.
        .column_as(Expr::cust("COUNT(*)"), "n")
        .filter(cond.clone())
        .group_by(release::Column::Status)
        .into_tuple()
        .all(&state.db)
        .await?;
    let total = |s: ReleaseStatus| {
        counts
            .iter()
            .find(|(c, _)| *c == s)
            .map(|(_, n)| u64::try_from(*n).unwrap_or(0))
            .unwrap_or(0)
    };
    let shown = |s: &ReleaseStatus| total(*s) > 0 && (with_closed || !CLOSED.contains(s));
    let columns: Vec<SelectStatement> = ReleaseStatus::ALL
        .into_iter()
        .filter(shown)
        .map(|s| {
            let q = release::Entity::find_in(ctx)
                .filter(cond.clone())
                .filter(release::Column::Status.eq(s))
                .find_also_related(service::Entity);
            // Finished work is ordered by the index alone (team, status, last
            // change): a tie-breaker outside it made PostgreSQL sort every
            // deployed release of the team to keep twenty (14 ms of a 30 ms
            // call at 3,800 deployed). Work in flight is sorted by urgency,
            // which no index holds, over one status's rows.
            let q = if s.is_finished() {
                q.order_by_desc(release::Column::UpdatedAt)
            } else {
                q.order_by(urgency(), Order::Desc)
                    .order_by_with_nulls(
                        release::Column::TargetDate,
                        Order::Asc,
                        NullOrdering::Last,
                    )
                    .order_by_desc(release::Column::UpdatedAt)
                    .order_by_asc(release::Column::Id)
            };
            q.limit(sizes.shown(s)).into_query()
        })
        .collect();
    let rows = first_cards(&state.db, columns).await?;
    // What the cards say besides their own row — owners' names, unresolved
    // blockers, what the policy holds — are independent lookups over the
    // same ids: asked at once, each on its own pooled connection, so the
    // board waits for the slowest of them, not their sum.
    let shown: Vec<&release::Model> = rows.iter().map(|(r, _)| r).collect();
    let (owners, waiting, mut holds) = tokio::try_join!(
        crate::server::services::user_names(
            &state.db,
            rows.iter().map(|(r, _)| r.owner_id.clone()),
        ),
        crate::server::services::dependencies::blocked_by(
            &state.db,
            ctx,
            rows.iter().map(|(r, _)| r.id.clone()).collect(),
        ),
        crate::server::services::policy::board_holds(&state.db, ctx, &shown,),
    )?;
    let cards: Vec<BoardCard> = rows
        .into_iter()
        .map(|(r, s)| BoardCard {
            status: r.status,
            priority: r.priority,
            owner_name: r.owner_id.as_ref().and_then(|o| owners.get(o).cloned()),
            is_blocked: r.is_blocked,
            blocked_reason: r.blocked_reason,
            target_date: r.target_date,
            revision: r.revision,
            blocked_by: waiting
                .get(&r.id)
                .map(|bs| {
                    bs.iter()
                        .map(|b| format!("{} {}", b.title, b.version))
                        .collect()
                })
                .unwrap_or_default(),
            holds: holds.remove(&r.id).unwrap_or_default(),
            id: r.id,
            title: r.title,
            version: r.version,
            service_name: s.map(|s| s.name).unwrap_or_default(),
        })
        .collect();
    Ok(ReleaseStatus::ALL
        .into_iter()
        .map(|status| BoardColumn {
            status,
            total: total(status),
            cards: cards
                .iter()
                .filter(|c| c.status == status)
                .cloned()
                .collect(),
        })
        .collect())
}

/// Every column's first cards in one round trip: each column's own
/// ordered, limited query (`sizes`) as a subquery, the columns joined by
/// `UNION ALL` — `SELECT * FROM (…) UNION ALL SELECT * FROM (…)`, which
/// both SQLite and PostgreSQL accept with an `ORDER BY … LIMIT` inside each
/// part. A board of eight columns was nine round trips before (the count,
/// then one per column); now it is two. Rows come back column after
/// column, each in its query's order, which [`cards_in_order`] makes sure
/// of rather than trusting the plan.
async fn first_cards(
    conn: &impl ConnectionTrait,
    columns: Vec<SelectStatement>,
) -> AppResult<Vec<(release::Model, Option<service::Model>)>> {
    let mut parts = columns.into_iter().enumerate().map(|(i, column)| {
        Query::select()
            .column(Asterisk)
            .from_subquery(column, Alias::new(format!("c{i}")))
            .to_owned()
    });
    let Some(mut query) = parts.next() else {
        return Ok(vec![]);
    };
    for part in parts {
        query.union(UnionType::All, part);
    }
    let mut rows = conn
        .query_all(&query)
        .await?
        .iter()
        .map(|row| {
            Ok((
                release::Model::from_query_result(row, SelectA.as_str())?,
                service::Model::from_query_result_optional(row, SelectB.as_str())?,
            ))
        })
        .collect::<Result<Vec<_>, DbErr>>()?;
    cards_in_order(&mut rows);
    Ok(rows)
}

/// The board's order, as each column's query sorts: a column after the
/// other in [`ReleaseStatus::ALL`]'s order; within work in flight the most
/// urgent first, then the nearest target date (none last), the latest
/// change, the id; within finished work the latest change first.
fn cards_in_order<T>(rows: &mut [(release::Model, T)]) {
    let column = |s: ReleaseStatus| ReleaseStatus::ALL.iter().position(|c| *c == s);
    rows.sort_by(|(a, _), (b, _)| {
        column(a.status).cmp(&column(b.status)).then_with(|| {
            if a.status.is_finished() {
                b.updated_at.cmp(&a.updated_at)
            } else {
                b.priority
                    .rank()
                    .cmp(&a.priority.rank())
                    .then_with(|| match (a.target_date, b.target_date) {
                        (Some(x), Some(y)) => x.cmp(&y),
                        (Some(_), None) => std::cmp::Ordering::Less,
                        (None, Some(_)) => std::cmp::Ordering::Greater,
                        (None, None) => std::cmp::Ordering::Equal,
                    })
                    .then_with(|| b.updated_at.cmp(&a.updated_at))
                    .then_with(|| a.id.as_str().cmp(b.id.as_str()))
            }
        })
    });
}

/// A release's priority as its [`Priority::rank`], in SQL (priorities are
/// stored as their names, which do not sort by urgency).
fn urgency() -> SimpleExpr {
    let rank = |p: Priority| i32::from(p.rank());
    let [first, rest @ ..] = Priority::ALL;
    rest.into_iter()
        .fold(
            Expr::case(release::Column::Priority.eq(first), rank(first)),
            |case, p| case.case(release::Column::Priority.eq(p), rank(p)),
        )
        .finally(0)
        .into()
}

async fn with_blockers(
    state: &AppState,
    ctx: &TeamContext,
    rows: Vec<(release::Model, Option<service::Model>)>,
) -> AppResult<Vec<Waiting>> {
    let ids: Vec<ReleaseId> = rows.iter().map(|(r, _)| r.id.clone()).collect();
    // All BLOCKS edges of these releases, and their blockers, in two queries.
    let deps = release_dependency::Entity::find_in(ctx)
        .filter(release_dependency::Column::ReleaseId.is_in(ids))
        .filter(release_dependency::Column::DepType.eq(DependencyType::Blocks))
        .all(&state.db)
        .await?;
    let blocker_ids: Vec<ReleaseId> = deps.iter().map(|d| d.depends_on_id.clone()).collect();
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
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id()))]
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
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id()))]
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
