//! Tells Slack when a freeze window opens and when it closes — a weekly
//! window every week, "stop the line" as soon as it is declared and again
//! when it is lifted. Every `RC_FREEZE_CHECK_SECS` it looks at the edges of
//! the last day (so a server that was down catches up) and records each
//! one in `freeze_notices`, unique per freeze, edge and moment: the server
//! that records it is the one that queues the message, so several servers
//! and restarts announce each edge once.

use crate::server::db::entities::{freeze_notice, outbox, team};
use crate::server::db::{self, new_id};
use crate::server::integrations::slack;
use crate::server::services::freezes;
use crate::server::state::AppState;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};

/// How far back a pass looks.
pub const LOOK_BACK: Duration = Duration::days(1);

/// Runs until `stop` turns true.
pub async fn run(state: AppState, mut stop: tokio::sync::watch::Receiver<bool>) {
    let every = std::time::Duration::from_secs(state.settings.freeze_check_secs);
    loop {
        match tick(&state, db::now()).await {
            Ok(n) if n > 0 => {
                tracing::info!(notices = n, "queued freeze notices");
                state.outbox_wake.notify_one();
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "freeze notices failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.changed() => break,
        }
        if *stop.borrow() {
            break;
        }
    }
}

/// One pass at `now`; answers how many messages were queued.
pub async fn tick(state: &AppState, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let edges = freezes::edges_across_teams(&state.db, now - LOOK_BACK, now).await?;
    let mut queued = 0;
    for e in edges {
        let edge = if e.started { "STARTED" } else { "ENDED" };
        let recorded = freeze_notice::Entity::insert(freeze_notice::ActiveModel {
            id: Set(new_id::<String>()),
            team_id: Set(e.team_id.clone()),
            freeze_id: Set(e.freeze_id.clone()),
            edge: Set(edge.into()),
            at: Set(e.at),
            created_at: Set(now),
        })
        .on_conflict(
            OnConflict::columns([
                freeze_notice::Column::FreezeId,
                freeze_notice::Column::Edge,
                freeze_notice::Column::At,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(&state.db)
        .await?;
        if recorded == 0 {
            continue; // another server (or an earlier pass) told Slack
        }
        let Some(t) = team::Entity::find_by_id(e.team_id.to_string())
            .one(&state.db)
            .await?
        else {
            continue;
        };
        if t.slack_webhook_url.is_none() || !t.notify_on_status_change {
            continue;
        }
        let body = slack::freeze_message(
            &slack::FreezeNotice {
                name: e.name,
                reason: e.reason,
                started: e.started,
                until: e.until,
                holds: e.holds,
            },
            &state.public_url,
        );
        outbox::ActiveModel {
            id: Set(new_id()),
            team_id: Set(e.team_id),
            kind: Set(crate::server::jobs::outbox::SLACK_MESSAGE.into()),
            payload: Set(body.to_string()),
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
        .insert(&state.db)
        .await?;
        queued += 1;
    }
    Ok(queued)
}
