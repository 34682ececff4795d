//! Creating a release: validated, placed in its sprint and group, with its
//! activity and Slack notices in the same transaction.

use super::{check_owner, notify_change, parse_date, user_name, ReleaseInput};
use crate::domain::activity::release_label;
use crate::domain::status::{Priority, ReleaseStatus};
use crate::domain::validation;
use crate::server::access::Editor;
use crate::server::db::entities::{release, service};
use crate::server::db::scoped::TeamOwned;
use crate::server::db::{self, new_id};
use crate::server::error::{AppError, AppResult};
use crate::server::services::activity::{self, Change, NewActivity};
use crate::server::state::AppState;
use crate::views::ActivityView;
use crate::views::ReleaseView;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseTransaction};

/// Creates a release in PLANNING (MEMBER+).
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id()))]
pub async fn create(
    state: &AppState,
    ctx: &Editor<'_>,
    input: ReleaseInput,
) -> AppResult<ReleaseView> {
    let txn = db::begin_write(&state.db).await?;
    let created = create_in(state, &txn, ctx, input).await?;
    txn.commit().await?;
    Ok(created.announce(state))
}

/// A release written inside a transaction, and what to announce once that
/// transaction has committed.
pub(crate) struct Created {
    /// The new row.
    pub(crate) release: release::Model,
    events: Vec<ActivityView>,
    queued: usize,
}

impl Created {
    /// Publishes the activity live and wakes the outbox; call after commit.
    pub(crate) fn announce(self, state: &AppState) -> ReleaseView {
        state.events.publish(self.events);
        if self.queued > 0 {
            state.outbox_wake.notify_one();
        }
        self.release.into()
    }
}

/// The rules of a new release, written in `txn` (the caller commits).
pub(crate) async fn create_in(
    state: &AppState,
    txn: &DatabaseTransaction,
    ctx: &Editor<'_>,
    input: ReleaseInput,
) -> AppResult<Created> {
    if input.status.is_some() || input.revision.is_some() {
        return Err(AppError::bad_request(
            "a new release starts in PLANNING at revision 1; move it afterwards",
        ));
    }
    let service_id = input
        .service_id
        .as_ref()
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

    let svc = service::Entity::find_by_id_in(ctx, service_id.clone())
        .one(txn)
        .await?
        .ok_or_else(|| AppError::not_found("service"))?;
    let owner = input.owner_id.flatten().filter(|o| !o.is_empty());
    if let Some(o) = &owner {
        check_owner(txn, ctx, o).await?;
    }
    let sprint = input.sprint_id.flatten().filter(|s| !s.is_empty());
    if let Some(sid) = &sprint {
        crate::server::services::sprints::find(txn, ctx, sid)
            .await
            .map_err(|_| AppError::invalid_field("sprintId", "no such sprint in this team"))?;
    }
    let group = match input
        .deployment_group_id
        .flatten()
        .filter(|g| !g.is_empty())
    {
        Some(gid) => {
            let g = crate::server::services::groups::find(txn, ctx, &gid)
                .await
                .map_err(|_| {
                    AppError::invalid_field(
                        "deploymentGroupId",
                        "no such deployment group in this team",
                    )
                })?;
            crate::server::services::groups::check_room(txn, ctx, &g.id).await?;
            let position = crate::server::services::groups::next_position(txn, ctx, &g.id).await?;
            Some((g, position))
        }
        None => None,
    };
    let now = db::now();
    let r = release::ActiveModel {
        id: Set(new_id()),
        team_id: Set(ctx.team_id().clone()),
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
        version_set_by: Set(ctx.user_id().cloned()),
        revision: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(txn)
    .await?;
    let label = release_label(&r.title, &r.version);
    let mut events = vec![
        activity::record(
            txn,
            ctx,
            NewActivity::on(
                &r.id,
                Change::Created {
                    release: label.clone(),
                    title: r.title.clone(),
                    service_id: svc.id.clone(),
                    service: svc.name.clone(),
                },
            ),
        )
        .await?,
    ];
    if let Some(o) = &owner {
        let name = user_name(txn, o).await?;
        let change = Change::Assigned {
            release: label.clone(),
            from: None,
            to: Some(o.clone()),
            to_name: Some(name),
        };
        events.push(activity::record(txn, ctx, NewActivity::on(&r.id, change)).await?);
    }
    if let Some((g, _)) = &group {
        let change = Change::Grouped {
            release: label.clone(),
            deployment_group_id: g.id.clone(),
            group: g.name.clone(),
            from: None,
        };
        events.push(activity::record(txn, ctx, NewActivity::on(&r.id, change)).await?);
    }
    // Created blocked: the team hears it as it would hear a later block.
    let unblocked = release::Model {
        is_blocked: false,
        blocked_reason: None,
        ..r.clone()
    };
    let queued = notify_change(state, txn, ctx, &unblocked, &r, &svc.name, vec![]).await?;
    Ok(Created {
        release: r,
        events,
        queued,
    })
}
