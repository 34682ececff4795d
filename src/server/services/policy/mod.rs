//! Release policy, applied: the team's rules (`GET`/`PUT /api/team/policy`),
//! approvals of a release's version, and the facts of a move (what blocks
//! the release, which freezes are in force for its service and the move's
//! environment, the rule for the target status, the approvals of the
//! current version, the linked items' cached states) handed to the
//! domain's one rule (`domain::policy::checks`).
//!
//! Every path that moves a release goes through [`enforce`] — the release
//! PATCH, the board's drop, "Move to…", bulk moves and deployments reported
//! by CI all move through `releases::apply_update` — and the release page
//! and the board ask [`checks`] before a move.

use crate::domain::activity::Change;
use crate::domain::ids::ReleaseId;
use crate::domain::kinds::ItemType;
use crate::domain::policy::{self, ApprovalFact, Check, Decision, ItemFact, Move, Policy};
use crate::domain::roles::Role;
use crate::domain::status::ReleaseStatus;
use crate::domain::validation;
use crate::server::access::{Admin, TeamContext};
use crate::server::db::entities::{release, release_item, team};
use crate::server::db::scoped::TeamOwned;
use crate::server::db::{self};
use crate::server::error::{AppError, AppResult};
use crate::server::services::activity::{self, NewActivity};
use crate::server::services::freezes;
use crate::server::services::releases::{self, unresolved_blockers};
use crate::server::state::AppState;
use crate::views::{Approvable, MoveChecks, ReleasePolicy};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde::Deserialize;

mod approvals;
mod board;

pub(crate) use approvals::void_approvals;
pub use approvals::{approvals, approve, withdraw, ApprovalInput};
use approvals::{approvals_of, view};
pub(crate) use board::board_holds;

/// The team's rules (none stored: no rules).
pub(crate) async fn rules(conn: &impl ConnectionTrait, ctx: &TeamContext) -> AppResult<Policy> {
    let row = team::Entity::find_by_id(ctx.team_id().to_string())
        .one(conn)
        .await?
        .ok_or_else(|| AppError::not_found("team"))?;
    Ok(row
        .policy
        .as_deref()
        .and_then(|p| serde_json::from_str::<Policy>(p).ok())
        .unwrap_or_default())
}

/// `GET /api/team/policy` (any member).
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id()))]
pub async fn get(state: &AppState, ctx: &TeamContext) -> AppResult<Policy> {
    rules(&state.db, ctx).await
}

/// `PUT /api/team/policy` (ADMIN+): replaces the rules; audited.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id()))]
pub async fn put(state: &AppState, ctx: &Admin<'_>, p: Policy) -> AppResult<Policy> {
    p.check()?;
    let txn = db::begin_write(&state.db).await?;
    team::ActiveModel {
        id: Set(ctx.team_id().clone()),
        policy: Set(Some(
            serde_json::to_string(&p).map_err(|e| AppError::Internal(e.into()))?,
        )),
        updated_at: Set(db::now()),
        ..Default::default()
    }
    .update(&txn)
    .await?;
    let event = activity::record(
        &txn,
        ctx,
        NewActivity {
            release_id: None,
            change: Change::PolicyChanged {
                statuses: p.rules.iter().map(|r| r.to_status).collect(),
            },
        },
    )
    .await?;
    txn.commit().await?;
    state.events.publish([event]);
    Ok(p)
}

/// Every check of moving `cur` into `to` at `at`. `blocked`: the manual
/// block in words, when the caller has not checked it already.
pub(crate) async fn checks_for(
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
    cur: &release::Model,
    to: ReleaseStatus,
    blocked: Option<String>,
    at: DateTime<Utc>,
) -> AppResult<Vec<Check>> {
    let mut blockers: Vec<String> = vec![];
    if to.requires_unblocked() {
        if let Some(why) = blocked {
            blockers.push(why);
        }
        for b in unresolved_blockers(conn, ctx, &cur.id).await? {
            blockers.push(format!("\"{} {}\" is not deployed yet", b.title, b.version));
        }
    }
    let freezes = match policy::environment_of(to) {
        Some(env) => freezes::holding(conn, ctx, &cur.service_id, env, at).await?,
        None => vec![],
    };
    let rules = rules(conn, ctx).await?;
    let rule = rules.rule_for(to);
    let approvals: Vec<ApprovalFact> = match rule.and_then(|r| r.approvals.as_ref()) {
        Some(_) => approvals_of(conn, ctx, cur)
            .await?
            .into_iter()
            .filter(|(a, _, _)| a.to_status == to)
            .filter_map(|(a, name, role)| {
                Some(ApprovalFact {
                    user_id: a.user_id,
                    user_name: name,
                    role: role?,
                    decision: Decision::parse(&a.decision)?,
                })
            })
            .collect(),
        None => vec![],
    };
    let items: Vec<ItemFact> = match rule {
        Some(r) if r.require_items_done || r.require_pull_requests_merged => {
            release_item::Entity::find_in(ctx)
                .filter(release_item::Column::ReleaseId.eq(cur.id.clone()))
                .order_by_asc(release_item::Column::Id)
                .all(conn)
                .await?
                .into_iter()
                .map(|i| ItemFact {
                    done: crate::domain::items::is_finished(i.status_category.as_deref()),
                    is_pull_request: i.item_type == ItemType::GithubPr,
                    key: i.external_id,
                })
                .collect()
        }
        _ => vec![],
    };
    Ok(policy::checks(&Move {
        from: cur.status,
        to,
        blockers: &blockers,
        freezes: &freezes,
        rule,
        approvals: &approvals,
        owner: cur.owner_id.as_ref(),
        version_setter: cur.version_set_by.as_ref(),
        items: &items,
    }))
}

/// The manual block of `cur`, in words, if it is blocked.
fn manual_block(cur: &release::Model) -> Option<String> {
    cur.is_blocked
        .then(|| match cur.blocked_reason.as_deref().map(str::trim) {
            Some(r) if !r.is_empty() => format!("marked blocked ({r})"),
            _ => "marked blocked".to_string(),
        })
}

/// An override of the policy: ADMIN+, with a reason.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Override {
    /// Why the checks are passed over (audited, sent to Slack).
    pub reason: String,
}

/// What an allowed override passed over, for the activity it writes.
pub(crate) struct Overridden {
    pub(crate) reason: String,
    pub(crate) checks: Vec<Check>,
}

/// Refuses a move the policy holds (400 `{error, checks}`), naming the
/// first failing check; with an override (ADMIN+ only, else 403), passes
/// the freeze, approval and readiness checks and says which. Called once
/// the state machine and the blockers have said yes.
pub(crate) async fn enforce(
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
    cur: &release::Model,
    to: ReleaseStatus,
    at: DateTime<Utc>,
    overriding: Option<&Override>,
) -> AppResult<Option<Overridden>> {
    let reason = match overriding {
        Some(o) => {
            ctx.admin("override the release policy")?;
            Some(validation::required_line(
                "override.reason",
                &o.reason,
                1000,
            )?)
        }
        None => None,
    };
    let checks = checks_for(conn, ctx, cur, to, None, at).await?;
    if policy::allowed(&checks, false) {
        return Ok(None);
    }
    if let Some(reason) = reason {
        if policy::allowed(&checks, true) {
            let passed = policy::overridden(&checks).into_iter().cloned().collect();
            return Ok(Some(Overridden {
                reason,
                checks: passed,
            }));
        }
    }
    let failing: Vec<&Check> = checks.iter().filter(|c| !c.ok).collect();
    let first = failing
        .first()
        .map(|c| c.reason.as_str())
        .unwrap_or("refused by policy");
    let more = match failing.len() {
        0 | 1 => String::new(),
        n => format!(" (and {} more)", n - 1),
    };
    Err(AppError::PolicyRefused {
        message: format!("cannot move to {to}: {first}{more}"),
        checks,
    })
}

/// The activity of an override.
pub(crate) fn override_change(
    label: String,
    from: ReleaseStatus,
    to: ReleaseStatus,
    o: Overridden,
) -> Change {
    Change::PolicyOverridden {
        release: label,
        from,
        to,
        reason: o.reason,
        checks: o.checks.iter().map(|c| c.kind).collect(),
        reasons: o.checks.into_iter().map(|c| c.reason).collect(),
    }
}

/// What a move of release `id` into `to` would meet now (any member).
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), release_id = %id))]
pub async fn checks(
    state: &AppState,
    ctx: &TeamContext,
    id: &ReleaseId,
    to: ReleaseStatus,
) -> AppResult<MoveChecks> {
    let cur = releases::find(&state.db, ctx, id).await?;
    let checks = checks_for(&state.db, ctx, &cur, to, manual_block(&cur), db::now()).await?;
    Ok(MoveChecks {
        to_status: to,
        allowed: policy::allowed(&checks, false),
        checks,
    })
}

/// The release page's policy panel: every legal move from here with its
/// checks, the current version's approvals, and for each move a rule asks
/// approvals for (and the next move forward) whether the caller may decide.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), release_id = %id))]
pub async fn panel(
    state: &AppState,
    ctx: &TeamContext,
    id: &ReleaseId,
) -> AppResult<ReleasePolicy> {
    let r = releases::find(&state.db, ctx, id).await?;
    let now = db::now();
    let mut moves = vec![];
    for to in r.status.allowed_targets() {
        let checks = checks_for(&state.db, ctx, &r, to, manual_block(&r), now).await?;
        moves.push(MoveChecks {
            to_status: to,
            allowed: policy::allowed(&checks, false),
            checks,
        });
    }
    let rules = rules(&state.db, ctx).await?;
    let next = r
        .status
        .flow_index()
        .and_then(|i| ReleaseStatus::MAIN_FLOW.get(i + 1).copied());
    let mut targets: Vec<ReleaseStatus> = rules
        .rules
        .iter()
        .filter(|x| x.approvals.as_ref().is_some_and(|a| a.required > 0))
        .map(|x| x.to_status)
        .collect();
    if let Some(n) = next {
        if !targets.contains(&n) {
            targets.insert(0, n);
        }
    }
    let approvable = targets
        .into_iter()
        .map(|to| {
            let rule = rules.rule_for(to).and_then(|x| x.approvals.as_ref());
            let refused = match ctx.user_id() {
                None => Some("a token cannot approve".to_string()),
                Some(me) if ctx.role() >= Role::Member => policy::may_approve(
                    rule,
                    me,
                    ctx.role(),
                    r.owner_id.as_ref(),
                    r.version_set_by.as_ref(),
                )
                .err(),
                Some(_) => Some("a viewer cannot approve".to_string()),
            };
            Approvable {
                to_status: to,
                required: rule.map_or(0, |a| a.required),
                from: rule.map_or_else(
                    || policy::roles_text(&[]),
                    |a| policy::roles_text(&a.from_roles),
                ),
                refused,
            }
        })
        .collect();
    Ok(ReleasePolicy {
        moves,
        approvals: approvals_of(&state.db, ctx, &r)
            .await?
            .into_iter()
            .map(|(a, name, _)| view(a, name))
            .collect(),
        approvable,
        me: ctx.user_id().cloned(),
        can_override: ctx.role() >= Role::Admin,
    })
}

/// Before a move a readiness gate decides: refreshes, through the mover's
/// own connections, the linked items whose cached state is older than
/// `RC_ITEM_SYNC_SECS`, so the gate reads what Jira and GitHub say now.
/// Best effort and outside the move's transaction: a provider that is down
/// (or a person without a connection) leaves the cached state, which the
/// gate then reads as it is. Nothing to do for a token, a move no rule
/// gates, or when the background sync is off.
pub(crate) async fn refresh_stale_items(
    state: &AppState,
    ctx: &TeamContext,
    id: &ReleaseId,
    to: ReleaseStatus,
) -> AppResult<()> {
    let Some(me) = ctx.user_id() else {
        return Ok(());
    };
    if state.settings.item_sync_secs == 0 {
        return Ok(());
    }
    let rules = rules(&state.db, ctx).await?;
    let gated = rules
        .rule_for(to)
        .is_some_and(|r| r.require_items_done || r.require_pull_requests_merged);
    if !gated {
        return Ok(());
    }
    let stale_before = db::now()
        - chrono::Duration::seconds(
            i64::try_from(state.settings.item_sync_secs).unwrap_or(i64::MAX),
        );
    let items = release_item::Entity::find_in(ctx)
        .filter(release_item::Column::ReleaseId.eq(id.clone()))
        .all(&state.db)
        .await?;
    for item in items
        .into_iter()
        .filter(|i| i.last_synced_at.is_none_or(|t| t < stale_before))
    {
        if let Err(e) = crate::server::services::items::sync_one(state, me, item).await {
            tracing::info!(error = %e, "a linked item could not be refreshed before a gated move");
        }
    }
    Ok(())
}
