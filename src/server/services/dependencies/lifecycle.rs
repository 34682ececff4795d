//! What a blocker's deployment does to the releases waiting on it:
//! resolving BLOCKS dependencies when it enters DEPLOYED, unresolving them
//! (and blocking the dependents again) when it is rolled back, and the
//! "blocked by …" of cards.

use super::refs;
use crate::domain::activity::release_label;
use crate::domain::ids::ReleaseId;
use crate::domain::kinds::DependencyType;
use crate::domain::status::ReleaseStatus;
use crate::server::access::TeamContext;
use crate::server::db::entities::{release, release_dependency};
use crate::server::db::scoped::TeamOwned;
use crate::server::db::{self};
use crate::server::error::AppResult;
use crate::server::services::activity::{self, Change, NewActivity};
use crate::views::{ActivityView, ReleaseRef};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, QueryFilter};
use std::collections::HashMap;

/// The blocker `deployed` just entered DEPLOYED: resolves the BLOCKS
/// dependencies waiting on it and records DEPENDENCY_RESOLVED on each
/// dependent. Runs inside the move's transaction.
pub(crate) async fn resolve_for_deployed(
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
    public_url: &str,
    deployed: &release::Model,
) -> AppResult<Vec<ActivityView>> {
    let waiting = release_dependency::Entity::find_in(ctx)
        .filter(release_dependency::Column::DependsOnId.eq(deployed.id.as_str()))
        .filter(release_dependency::Column::DepType.eq(DependencyType::Blocks))
        .filter(release_dependency::Column::ResolvedAt.is_null())
        .all(conn)
        .await?;
    let names = refs(
        conn,
        ctx,
        waiting.iter().map(|d| d.release_id.clone()).collect(),
    )
    .await?;
    let now = db::now();
    let mut out = vec![];
    for d in waiting {
        let dependent = d.release_id.clone();
        let mut am: release_dependency::ActiveModel = d.into();
        am.resolved_at = Set(Some(now));
        let d = am.update(conn).await?;
        let who = names
            .get(&dependent)
            .map(|n| release_label(&n.title, &n.version))
            .unwrap_or_default();
        out.push(
            activity::record(
                conn,
                ctx,
                NewActivity::on(
                    &dependent,
                    Change::DependencyResolved {
                        release: who,
                        dependency_id: d.id.clone(),
                        depends_on_id: deployed.id.clone(),
                        depends_on: release_label(&deployed.title, &deployed.version),
                    },
                ),
            )
            .await?,
        );
        // Unblocked, unless another blocker or a manual block still holds it.
        let still =
            crate::server::services::releases::unresolved_blockers(conn, ctx, &dependent).await?;
        let by_hand = release::Entity::find_by_id_in(ctx, dependent.clone())
            .one(conn)
            .await?
            .is_some_and(|m| m.is_blocked);
        if still.is_empty() && !by_hand {
            if let Some(info) =
                crate::server::services::notify::release_info(conn, ctx, &dependent).await?
            {
                let notice = crate::server::integrations::slack::Notice::Unblocked {
                    by: format!("{} {} is deployed", deployed.title, deployed.version),
                };
                crate::server::services::notify::enqueue(
                    conn,
                    ctx.team_id(),
                    public_url,
                    &info,
                    &[notice],
                )
                .await?;
            }
        }
    }
    Ok(out)
}

/// The blocker `left` just left DEPLOYED (rolled back): the BLOCKS
/// dependencies it had resolved are unresolved again, the dependents are
/// blocked again (they cannot enter READY_PRODUCTION or DEPLOYED), each
/// hears it on its feed, and the team in Slack. Runs inside the move's
/// transaction.
pub(crate) async fn unresolve_for_undeployed(
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
    public_url: &str,
    left: &release::Model,
) -> AppResult<Vec<ActivityView>> {
    let resolved = release_dependency::Entity::find_in(ctx)
        .filter(release_dependency::Column::DependsOnId.eq(left.id.as_str()))
        .filter(release_dependency::Column::DepType.eq(DependencyType::Blocks))
        .filter(release_dependency::Column::ResolvedAt.is_not_null())
        .all(conn)
        .await?;
    let names = refs(
        conn,
        ctx,
        resolved.iter().map(|d| d.release_id.clone()).collect(),
    )
    .await?;
    let status: ReleaseStatus = left.status;
    let mut out = vec![];
    for d in resolved {
        let dependent = d.release_id.clone();
        let mut am: release_dependency::ActiveModel = d.into();
        am.resolved_at = Set(None);
        let d = am.update(conn).await?;
        let who = names
            .get(&dependent)
            .map(|n| release_label(&n.title, &n.version))
            .unwrap_or_default();
        out.push(
            activity::record(
                conn,
                ctx,
                NewActivity::on(
                    &dependent,
                    Change::DependencyUnresolved {
                        release: who,
                        dependency_id: d.id.clone(),
                        depends_on_id: left.id.clone(),
                        depends_on: release_label(&left.title, &left.version),
                        status,
                    },
                ),
            )
            .await?,
        );
        if let Some(info) =
            crate::server::services::notify::release_info(conn, ctx, &dependent).await?
        {
            let notice = crate::server::integrations::slack::Notice::Blocked {
                reason: Some(format!(
                    "waits for {} {}, which is {} now",
                    left.title,
                    left.version,
                    status.label().to_lowercase()
                )),
                by: format!("{} {}", left.title, left.version),
            };
            crate::server::services::notify::enqueue(
                conn,
                ctx.team_id(),
                public_url,
                &info,
                &[notice],
            )
            .await?;
        }
    }
    Ok(out)
}

/// Unresolved BLOCKS blockers of each of `ids` ("blocked by …" on cards).
pub(crate) async fn blocked_by(
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
    ids: Vec<ReleaseId>,
) -> AppResult<HashMap<ReleaseId, Vec<ReleaseRef>>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let deps = release_dependency::Entity::find_in(ctx)
        .filter(release_dependency::Column::ReleaseId.is_in(ids))
        .filter(release_dependency::Column::DepType.eq(DependencyType::Blocks))
        .all(conn)
        .await?;
    let refs = refs(
        conn,
        ctx,
        deps.iter().map(|d| d.depends_on_id.clone()).collect(),
    )
    .await?;
    let mut out: HashMap<ReleaseId, Vec<ReleaseRef>> = HashMap::new();
    for d in deps {
        if let Some(b) = refs.get(&d.depends_on_id) {
            if b.status != ReleaseStatus::Deployed {
                out.entry(d.release_id).or_default().push(b.clone());
            }
        }
    }
    Ok(out)
}
