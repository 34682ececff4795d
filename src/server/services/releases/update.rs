//! Updating releases: the rules of one update (fields, status through the
//! state machine, blocking), applied with a compare-and-set on the
//! revision. (Many at once: `bulk`.)

use super::{check_owner, find, notify_change, parse_date, user_name, ReleaseInput};
use crate::domain::activity::release_label;
use crate::domain::ids::ReleaseId;
use crate::domain::kinds::DependencyType;
use crate::domain::status::ReleaseStatus;
use crate::domain::validation;
use crate::server::access::{Editor, TeamContext};
use crate::server::db::entities::{release, release_dependency, service};
use crate::server::db::scoped::TeamOwned;
use crate::server::db::{self};
use crate::server::error::{AppError, AppResult};
use crate::server::services::activity::{self, Change, NewActivity};
use crate::server::state::AppState;
use crate::views::{ActivityView, ReleaseView};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, QueryFilter};

/// The blockers that keep a release out of READY_PRODUCTION and DEPLOYED:
/// its BLOCKS dependencies whose blocker is not yet DEPLOYED.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), release_id = %release_id))]
pub async fn unresolved_blockers(
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
    release_id: &ReleaseId,
) -> AppResult<Vec<release::Model>> {
    let deps = release_dependency::Entity::find_in(ctx)
        .filter(release_dependency::Column::ReleaseId.eq(release_id))
        .filter(release_dependency::Column::DepType.eq(DependencyType::Blocks))
        .all(conn)
        .await?;
    if deps.is_empty() {
        return Ok(vec![]);
    }
    let ids: Vec<ReleaseId> = deps.into_iter().map(|d| d.depends_on_id).collect();
    Ok(release::Entity::find_in(ctx)
        .filter(release::Column::Id.is_in(ids))
        .filter(release::Column::Status.ne(ReleaseStatus::Deployed))
        .all(conn)
        .await?)
}

/// Updates fields and/or moves the status (MEMBER+).
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), id = %id))]
pub async fn update(
    state: &AppState,
    ctx: &Editor<'_>,
    id: &ReleaseId,
    input: ReleaseInput,
) -> AppResult<ReleaseView> {
    if let Some(to) = input.status {
        crate::server::services::policy::refresh_stale_items(state, ctx, id, to).await?;
    }
    let txn = db::begin_write(&state.db).await?;
    let applied = apply_update(state, &txn, ctx, id, input).await?;
    txn.commit().await?;
    Ok(applied.announce(state))
}

/// An update written inside a transaction, and what to announce once that
/// transaction has committed.
pub(crate) struct Applied {
    pub(crate) release: ReleaseView,
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
    pub(crate) fn announce(self, state: &AppState) -> ReleaseView {
        state.events.publish(self.events);
        if self.wake_outbox {
            state.outbox_wake.notify_one();
        }
        self.release
    }
}

/// The rules of an update, applied in `txn` (the caller commits): only what
/// really changes is written, as one compare-and-set on the revision.
pub(crate) async fn apply_update(
    state: &AppState,
    txn: &DatabaseTransaction,
    ctx: &Editor<'_>,
    id: &ReleaseId,
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
    let label = release_label(&cur.title, &cur.version);
    let now = db::now();
    let mut am = release::ActiveModel {
        updated_at: Set(now),
        revision: Set(cur.revision + 1),
        ..Default::default()
    };
    let mut changed: Vec<&str> = vec![];
    let mut pending: Vec<NewActivity<'_>> = vec![];
    let mut slack_extra = vec![];

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
            // Separation of duties: whoever sets a version cannot approve it.
            am.version_set_by = Set(ctx.user_id().cloned());
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
            let to_name = match &owner {
                Some(o) => Some(user_name(txn, o).await?),
                None => None,
            };
            pending.push(NewActivity::on(
                id,
                Change::Assigned {
                    release: label.clone(),
                    from: cur.owner_id.clone(),
                    to: owner.clone(),
                    to_name,
                },
            ));
        }
        am.owner_id = Set(owner);
    }
    if let Some(sp) = &input.sprint_id {
        let sp = sp.clone().filter(|s| !s.is_empty());
        if sp != cur.sprint_id {
            if let Some(sid) = &sp {
                crate::server::services::sprints::find(txn, ctx, sid)
                    .await
                    .map_err(|_| {
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
                    let group = crate::server::services::groups::find(txn, ctx, gid)
                        .await
                        .map_err(|_| {
                            AppError::invalid_field(
                                "deploymentGroupId",
                                "no such deployment group in this team",
                            )
                        })?;
                    crate::server::services::groups::check_room(txn, ctx, gid).await?;
                    am.group_position = Set(Some(
                        crate::server::services::groups::next_position(txn, ctx, gid).await?,
                    ));
                    pending.push(NewActivity::on(
                        id,
                        Change::Grouped {
                            release: label.clone(),
                            deployment_group_id: gid.clone(),
                            group: group.name,
                            from: cur.deployment_group_id.clone(),
                        },
                    ));
                }
                None => {
                    am.group_position = Set(None);
                    changed.push("deploymentGroup");
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
            let change = if blocked {
                Change::Blocked {
                    release: label.clone(),
                    is_blocked: true,
                    blocked_reason: reason.clone(),
                }
            } else {
                Change::Unblocked {
                    release: label.clone(),
                    is_blocked: false,
                }
            };
            pending.push(NewActivity::on(id, change));
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
            // Release policy: freezes in force, approvals, readiness — by
            // the one rule every path shares (an ADMIN+ may override).
            let overridden = crate::server::services::policy::enforce(
                txn,
                ctx,
                &cur,
                to,
                now,
                input.policy_override.as_ref(),
            )
            .await?;
            am.status = Set(to);
            match to {
                ReleaseStatus::InStaging => am.staging_deployed_at = Set(Some(now)),
                ReleaseStatus::Deployed => am.production_deployed_at = Set(Some(now)),
                _ => {}
            }
            pending.push(NewActivity::on(
                id,
                Change::Moved {
                    release: label.clone(),
                    from,
                    to,
                },
            ));
            // The next move forward needs approvals: ask the approvers.
            if let Some(next) = to
                .flow_index()
                .and_then(|i| ReleaseStatus::MAIN_FLOW.get(i + 1).copied())
            {
                let rules = crate::server::services::policy::rules(txn, ctx).await?;
                if let Some(a) = rules
                    .rule_for(next)
                    .and_then(|r| r.approvals.as_ref())
                    .filter(|a| a.required > 0)
                {
                    slack_extra.push(crate::server::integrations::slack::Notice::ApprovalNeeded {
                        to: next,
                        required: a.required,
                        from: crate::domain::policy::roles_text(&a.from_roles),
                    });
                }
            }
            if let Some(o) = overridden {
                slack_extra.push(crate::server::integrations::slack::Notice::Overridden {
                    to,
                    passed: o.checks.iter().map(|c| c.reason.clone()).collect(),
                    reason: o.reason.clone(),
                    by: ctx.user_name().to_string(),
                });
                pending.push(NewActivity::on(
                    id,
                    crate::server::services::policy::override_change(label.clone(), from, to, o),
                ));
            }
        }
    }
    if input.policy_override.is_some() && input.status.is_none_or(|to| to == cur.status) {
        return Err(AppError::invalid_field(
            "override",
            "an override goes with a move: give the status to move to",
        ));
    }
    if !changed.is_empty() {
        pending.push(NewActivity::on(
            id,
            Change::Updated {
                release: label,
                fields: changed.iter().map(|f| f.to_string()).collect(),
                // Filled in below, from the row as written.
                changes: Default::default(),
            },
        ));
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
    let updated = find(txn, ctx, id).await?;
    let mut events: Vec<ActivityView> = vec![];
    for mut a in pending {
        if let Change::Updated {
            fields, changes, ..
        } = &mut a.change
        {
            for f in fields.iter() {
                let before = field_value(txn, ctx, &cur, f).await?;
                let after = field_value(txn, ctx, &updated, f).await?;
                changes.insert(f.clone(), (before, after));
            }
        }
        events.push(activity::record(txn, ctx, a).await?);
    }
    if updated.version != cur.version {
        let label = release_label(&updated.title, &updated.version);
        events
            .extend(crate::server::services::policy::void_approvals(txn, ctx, &cur, label).await?);
    }
    let deployed = ReleaseStatus::Deployed;
    if updated.status != cur.status && updated.status == deployed {
        events.extend(
            crate::server::services::dependencies::resolve_for_deployed(
                txn,
                ctx,
                &state.public_url,
                &updated,
            )
            .await?,
        );
    }
    if updated.status != cur.status && cur.status == deployed {
        events.extend(
            crate::server::services::dependencies::unresolve_for_undeployed(
                txn,
                ctx,
                &state.public_url,
                &updated,
            )
            .await?,
        );
    }
    let queued = notify_change(state, txn, ctx, &cur, &updated, &svc_name, slack_extra).await?;
    Ok(Applied {
        wake_outbox: queued > 0 || updated.status == deployed || cur.status == deployed,
        release: updated.into(),
        events,
    })
}

/// A release field's value as the audit log shows it, by the field's name
/// in [`Change::Updated`]: a sprint or group by its name (as it is called
/// now — the log keeps what a person would recognise, not an id).
async fn field_value(
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
    r: &release::Model,
    field: &str,
) -> AppResult<serde_json::Value> {
    use crate::server::db::entities::{deployment_group, sprint};
    use serde_json::json;
    Ok(match field {
        "title" => json!(r.title),
        "version" => json!(r.version),
        "description" => json!(r.description),
        "priority" => json!(r.priority),
        "targetDate" => json!(r.target_date.map(|d| d.format("%Y-%m-%d").to_string())),
        "sprint" => match &r.sprint_id {
            Some(id) => json!(sprint::Entity::find_in(ctx)
                .filter(sprint::Column::Id.eq(id.clone()))
                .one(conn)
                .await?
                .map(|s| s.name)),
            None => serde_json::Value::Null,
        },
        "deploymentGroup" => match &r.deployment_group_id {
            Some(id) => json!(deployment_group::Entity::find_in(ctx)
                .filter(deployment_group::Column::Id.eq(id.clone()))
                .one(conn)
                .await?
                .map(|g| g.name)),
            None => serde_json::Value::Null,
        },
        _ => serde_json::Value::Null,
    })
}
