//! Queues Slack notifications in the outbox, inside the caller's
//! transaction: the message exists exactly when the change does. Which
//! notices go out follows the team's switches (status changes, ready to
//! deploy, blocked); a team without a webhook queues nothing. The webhook
//! URL itself is read (and decrypted) only when sending.

use crate::domain::ids::ReleaseId;
use crate::server::access::TeamContext;
use crate::server::db::entities::{outbox, release, service, team, user};
use crate::server::db::scoped::TeamOwned;
use crate::server::db::{self, new_id};
use crate::server::error::AppResult;
use crate::server::integrations::slack::{self, Notice, ReleaseInfo};
use crate::server::jobs::outbox::SLACK_MESSAGE;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait};

/// Whether the team wants this notice.
fn wanted(t: &team::Model, n: &Notice) -> bool {
    match n {
        Notice::StatusChanged { .. } => t.notify_on_status_change,
        Notice::ReadyToDeploy { .. } => t.notify_on_ready_to_deploy,
        Notice::Blocked { .. } | Notice::Unblocked { .. } => t.notify_on_blocked,
        // The board and reality disagree: whoever hears about moves hears it.
        Notice::Drift { .. } => t.notify_on_status_change,
        // Whoever hears about moves hears that one went past the policy.
        Notice::Overridden { .. } => t.notify_on_status_change,
        // Approvers are people the team tells about releases getting ready.
        Notice::ApprovalNeeded { .. } => t.notify_on_ready_to_deploy || t.notify_on_status_change,
    }
}

/// Queues `notices` about `release`; answers how many were queued. Call
/// inside the change's transaction, then wake the worker after commit.
pub async fn enqueue(
    conn: &impl ConnectionTrait,
    team_id: &crate::domain::ids::TeamId,
    public_url: &str,
    release: &ReleaseInfo,
    notices: &[Notice],
) -> AppResult<usize> {
    let Some(t) = team::Entity::find_by_id(team_id.to_string())
        .one(conn)
        .await?
    else {
        return Ok(0);
    };
    if t.slack_webhook_url.is_none() {
        return Ok(0);
    }
    let now = db::now();
    let mut n = 0;
    // A team that does not want "ready to deploy" but wants status changes
    // still hears about the move, as a status change.
    let notices: Vec<Notice> = notices
        .iter()
        .map(|x| match x {
            Notice::ReadyToDeploy { from, to, by } if !t.notify_on_ready_to_deploy => {
                Notice::StatusChanged {
                    from: *from,
                    to: *to,
                    by: by.clone(),
                }
            }
            other => other.clone(),
        })
        .collect();
    for notice in notices.iter().filter(|x| wanted(&t, x)) {
        outbox::ActiveModel {
            id: Set(new_id()),
            team_id: Set(team_id.clone()),
            kind: Set(SLACK_MESSAGE.into()),
            payload: Set(slack::message(release, notice, public_url).to_string()),
            attempts: Set(0),
            next_attempt_at: Set(now),
            last_error: Set(None),
            sent_at: Set(None),
            created_at: Set(now),
            failed_at: Set(None),
            webhook_id: Set(None),
            event: Set(None),
            message_id: Set(None),
            response_status: Set(None),
        }
        .insert(conn)
        .await?;
        n += 1;
    }
    Ok(n)
}

/// What a message says about a release: title, version, service, owner.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), release_id = %release_id))]
pub async fn release_info(
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
    release_id: &ReleaseId,
) -> AppResult<Option<ReleaseInfo>> {
    let Some((r, svc)) = release::Entity::find_by_id_in(ctx, release_id.to_string())
        .find_also_related(service::Entity)
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    let owner = match &r.owner_id {
        Some(o) => user::Entity::find_by_id(o.clone())
            .one(conn)
            .await?
            .map(|u| u.name),
        None => None,
    };
    Ok(Some(ReleaseInfo {
        id: r.id,
        title: r.title,
        version: r.version,
        service: svc.map(|s| s.name).unwrap_or_default(),
        owner,
    }))
}
