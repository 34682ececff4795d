//! The live bus: each committed activity is published to its team's open
//! boards and feeds (Server-Sent Events, `/api/events`).
//!
//! - **Routed per team.** Every team with open streams has its own channel;
//!   a stream only ever receives its own team's events, and a busy team
//!   cannot make another team's streams fall behind.
//! - **Revocable.** Every open stream is registered with the session, user
//!   and team it was opened for ([`Streams`]). Signing out, removing a
//!   member, deleting a team or changing a password ends the matching
//!   streams at once ([`EventBus::revoke`]); a periodic check
//!   (`jobs::stream_check`) also ends streams whose session or membership
//!   is gone by any other path (expiry, the operator's reset, another app
//!   server).
//! - **Bounded.** At most `RC_SSE_MAX_PER_USER` streams per user and
//!   `RC_SSE_MAX_TOTAL` per server (429 beyond).
//! - **Several servers.** On PostgreSQL every process also relays events
//!   and revocations through `NOTIFY rc_events` and listens on the same
//!   channel, so every app server sees every change; a process ignores the
//!   notifications it sent itself.

use crate::domain::ids::TeamId;
use crate::views::ActivityView;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::{broadcast, watch};

/// The PostgreSQL channel name.
pub const CHANNEL: &str = "rc_events";

/// Events a team's channel buffers for a slow stream before it must resync.
const TEAM_BUFFER: usize = 256;

mod streams;
pub use streams::{Revocation, StreamOwner, StreamRefusal, StreamTicket, Streams};

/// What travels through `NOTIFY`.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
enum Relayed {
    Activity {
        origin: String,
        // Boxed: an activity is far larger than a revocation.
        activity: Box<ActivityView>,
    },
    Revoke {
        origin: String,
        revocation: Revocation,
    },
}

impl Relayed {
    fn origin(&self) -> &str {
        match self {
            Self::Activity { origin, .. } | Self::Revoke { origin, .. } => origin,
        }
    }
}

/// Each team's channel of activities.
type TeamChannels = Arc<Mutex<HashMap<TeamId, broadcast::Sender<Arc<ActivityView>>>>>;

/// Publishes committed activities to their team's streams.
#[derive(Clone)]
pub struct EventBus {
    teams: TeamChannels,
    streams: Arc<Streams>,
    closing: watch::Receiver<bool>,
    close: Arc<watch::Sender<bool>>,
    /// Set on PostgreSQL: where to relay, and this process's id.
    relay: Option<(sea_orm::DatabaseConnection, Arc<str>)>,
}

impl Default for EventBus {
    fn default() -> Self {
        Self::new(20, 10_000)
    }
}

fn send_to_team(teams: &TeamChannels, a: Arc<ActivityView>) {
    let mut map = teams.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(tx) = map.get(&a.team_id) {
        if tx.receiver_count() == 0 {
            map.remove(&a.team_id);
        } else {
            let _ = tx.send(a);
        }
    }
}

impl EventBus {
    /// An in-process bus with these stream caps.
    pub fn new(max_per_user: usize, max_total: usize) -> Self {
        let (close, closing) = watch::channel(false);
        Self {
            teams: Arc::default(),
            streams: Arc::new(Streams::new(max_per_user, max_total)),
            closing,
            close: Arc::new(close),
            relay: None,
        }
    }

    /// A bus that also relays through PostgreSQL `NOTIFY` and listens for
    /// other processes' events and revocations (spawns the listener task).
    pub async fn with_postgres(
        db: sea_orm::DatabaseConnection,
        url: &str,
        max_per_user: usize,
        max_total: usize,
    ) -> anyhow::Result<Self> {
        let mut bus = Self::new(max_per_user, max_total);
        let origin: Arc<str> = crate::server::db::new_id::<String>().into();
        bus.relay = Some((db, origin.clone()));
        let mut listener = sea_orm::sqlx::postgres::PgListener::connect(url).await?;
        listener.listen(CHANNEL).await?;
        let teams = bus.teams.clone();
        let streams = bus.streams.clone();
        let mut closing = bus.closing.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    n = listener.recv() => match n {
                        Ok(n) => match serde_json::from_str::<Relayed>(n.payload()) {
                            Ok(r) if r.origin() == &*origin => {}
                            Ok(Relayed::Activity { activity, .. }) => {
                                send_to_team(&teams, Arc::new(*activity));
                            }
                            Ok(Relayed::Revoke { revocation, .. }) => {
                                streams.revoke(&revocation);
                            }
                            Err(_) => {}
                        },
                        Err(e) => {
                            // PgListener reconnects by itself on the next recv.
                            tracing::warn!(error = %e, "event relay: listener error");
                            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                        }
                    },
                    _ = closing.changed() => break,
                }
            }
        });
        Ok(bus)
    }

    fn relay(&self, message: &Relayed) {
        let Some((db, _)) = &self.relay else {
            return;
        };
        let payload = serde_json::to_string(message).unwrap_or_default();
        // NOTIFY payloads are limited to 8000 bytes; activities are far smaller.
        if payload.is_empty() || payload.len() >= 7900 {
            return;
        }
        let db = db.clone();
        tokio::spawn(async move {
            use sea_orm::ConnectionTrait;
            let stmt = sea_orm::Statement::from_sql_and_values(
                sea_orm::DatabaseBackend::Postgres,
                "SELECT pg_notify($1, $2)",
                [CHANNEL.into(), payload.into()],
            );
            if let Err(e) = db.execute_raw(stmt).await {
                tracing::warn!(error = %e, "event relay: NOTIFY failed");
            }
        });
    }

    fn origin(&self) -> String {
        self.relay
            .as_ref()
            .map(|(_, o)| o.to_string())
            .unwrap_or_default()
    }

    /// Sends activities (after their transaction committed).
    pub fn publish(&self, activities: impl IntoIterator<Item = ActivityView>) {
        for a in activities {
            if self.relay.is_some() {
                self.relay(&Relayed::Activity {
                    origin: self.origin(),
                    activity: Box::new(a.clone()),
                });
            }
            send_to_team(&self.teams, Arc::new(a));
        }
    }

    /// Ends the open streams `r` names, on this server and (through
    /// PostgreSQL) on every other.
    pub fn revoke(&self, r: Revocation) {
        self.streams.revoke(&r);
        if self.relay.is_some() {
            self.relay(&Relayed::Revoke {
                origin: self.origin(),
                revocation: r,
            });
        }
    }

    /// The open streams.
    pub fn streams(&self) -> &Arc<Streams> {
        &self.streams
    }

    /// A subscription to one team's events.
    pub fn subscribe(&self, team_id: &TeamId) -> broadcast::Receiver<Arc<ActivityView>> {
        let mut map = self.teams.lock().unwrap_or_else(|p| p.into_inner());
        map.entry(team_id.clone())
            .or_insert_with(|| broadcast::channel(TEAM_BUFFER).0)
            .subscribe()
    }

    /// How many teams have a channel (tests check that empty ones go).
    pub fn team_channels(&self) -> usize {
        self.teams.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// Resolves when the server shuts down (open streams end then).
    pub fn closing(&self) -> watch::Receiver<bool> {
        self.closing.clone()
    }

    /// Ends every open stream and the relay listener (graceful shutdown).
    pub fn close(&self) {
        let _ = self.close.send(true);
    }
}

#[cfg(test)]
mod tests;
