//! Ends live streams whose session or membership is gone by a path that
//! could not tell the bus directly: the session expired or reached its
//! absolute lifetime, the operator reset a password from the command line,
//! or another app server on SQLite changed something. One pass every
//! `RC_SSE_RECHECK_MS` asks the database about every open stream at once
//! (a few `IN (…)` queries, whatever the number of streams).

use crate::domain::ids::{TeamId, UserId};
use crate::server::db;
use crate::server::db::entities::{session, team_member};
use crate::server::db::scoped::TeamOwned;
use crate::server::state::AppState;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use std::collections::HashSet;

/// Ids per `IN (…)` (well under SQLite's variable limit).
const CHUNK: usize = 500;

/// Runs until `stop` turns true.
pub async fn run(state: AppState, mut stop: tokio::sync::watch::Receiver<bool>) {
    let every = std::time::Duration::from_millis(state.settings.sse_recheck_ms);
    loop {
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.changed() => break,
        }
        if *stop.borrow() {
            break;
        }
        if let Err(e) = check(&state).await {
            // The database may be down: streams stay until it answers.
            tracing::warn!(error = %e, "live stream check failed");
        }
    }
}

/// One pass: ends the streams whose session or membership is gone.
pub async fn check(state: &AppState) -> anyhow::Result<usize> {
    let owners = state.events.streams().owners();
    if owners.is_empty() {
        return Ok(0);
    }
    let sessions: Vec<String> = owners
        .iter()
        .map(|o| o.session_id.clone())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let users: Vec<UserId> = owners
        .iter()
        .map(|o| o.user_id.clone())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let now = db::now();
    let oldest = now - chrono::Duration::days(state.settings.session_max_days);
    let mut live_sessions: HashSet<String> = HashSet::new();
    for chunk in sessions.chunks(CHUNK) {
        let ids: Vec<String> = session::Entity::find()
            .select_only()
            .column(session::Column::Id)
            .filter(session::Column::Id.is_in(chunk.iter().cloned()))
            .filter(session::Column::ExpiresAt.gt(now))
            .filter(session::Column::CreatedAt.gt(oldest))
            .into_tuple()
            .all(&state.db)
            .await?;
        live_sessions.extend(ids);
    }
    let mut memberships: HashSet<(TeamId, UserId)> = HashSet::new();
    for chunk in users.chunks(CHUNK) {
        let rows: Vec<(TeamId, UserId)> = team_member::Entity::find_across_teams()
            .select_only()
            .column(team_member::Column::TeamId)
            .column(team_member::Column::UserId)
            .filter(team_member::Column::UserId.is_in(chunk.iter().cloned()))
            .into_tuple()
            .all(&state.db)
            .await?;
        memberships.extend(rows);
    }
    Ok(state.events.streams().end_where(|o| {
        !live_sessions.contains(&o.session_id)
            || !memberships.contains(&(o.team_id.clone(), o.user_id.clone()))
    }))
}
