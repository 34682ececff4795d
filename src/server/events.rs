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

use crate::domain::ids::{TeamId, UserId};
use crate::views::ActivityView;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::{broadcast, watch};

/// The PostgreSQL channel name.
pub const CHANNEL: &str = "rc_events";

/// Events a team's channel buffers for a slow stream before it must resync.
const TEAM_BUFFER: usize = 256;

/// Who must lose their open streams.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Revocation {
    /// One session ended (signed out, revoked).
    Session {
        /// The session's id.
        session_id: String,
    },
    /// Every session of a user but one (password changed).
    UserExcept {
        /// The user.
        user_id: UserId,
        /// The session that made the change, if any.
        keep: Option<String>,
    },
    /// A member left or was removed from a team.
    Member {
        /// The team.
        team_id: TeamId,
        /// The former member.
        user_id: UserId,
    },
    /// A team was deleted.
    Team {
        /// The team.
        team_id: TeamId,
    },
}

/// What travels through `NOTIFY`.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
enum Relayed {
    Activity {
        origin: String,
        activity: ActivityView,
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

/// An open stream, as the registry knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamOwner {
    /// The session that opened it.
    pub session_id: String,
    /// Its user.
    pub user_id: UserId,
    /// The team it shows.
    pub team_id: TeamId,
}

impl StreamOwner {
    fn revoked_by(&self, r: &Revocation) -> bool {
        match r {
            Revocation::Session { session_id } => *session_id == self.session_id,
            Revocation::UserExcept { user_id, keep } => {
                *user_id == self.user_id && keep.as_deref() != Some(self.session_id.as_str())
            }
            Revocation::Member { team_id, user_id } => {
                *team_id == self.team_id && *user_id == self.user_id
            }
            Revocation::Team { team_id } => *team_id == self.team_id,
        }
    }
}

/// Why a stream could not be opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamRefusal {
    /// The user has `RC_SSE_MAX_PER_USER` open already.
    PerUser,
    /// The server has `RC_SSE_MAX_TOTAL` open already.
    Total,
}

struct Entry {
    owner: StreamOwner,
    end: watch::Sender<bool>,
}

#[derive(Default)]
struct Registry {
    next: u64,
    open: HashMap<u64, Entry>,
    per_user: HashMap<UserId, usize>,
}

/// Every open stream of this server, with its caps.
pub struct Streams {
    registry: Mutex<Registry>,
    max_per_user: usize,
    max_total: usize,
}

impl Streams {
    /// A registry allowing `max_per_user` streams per user and `max_total`
    /// in all.
    pub fn new(max_per_user: usize, max_total: usize) -> Self {
        Self {
            registry: Mutex::new(Registry::default()),
            max_per_user,
            max_total,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Registry> {
        self.registry.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Registers a stream, or refuses past a cap.
    pub fn open(self: &Arc<Self>, owner: StreamOwner) -> Result<StreamTicket, StreamRefusal> {
        let mut reg = self.lock();
        if reg.open.len() >= self.max_total {
            return Err(StreamRefusal::Total);
        }
        let mine = reg.per_user.get(&owner.user_id).copied().unwrap_or(0);
        if mine >= self.max_per_user {
            return Err(StreamRefusal::PerUser);
        }
        reg.next += 1;
        let id = reg.next;
        *reg.per_user.entry(owner.user_id.clone()).or_default() += 1;
        let (end, ended) = watch::channel(false);
        reg.open.insert(id, Entry { owner, end });
        Ok(StreamTicket {
            streams: self.clone(),
            id,
            ended,
        })
    }

    fn close(&self, id: u64) {
        let mut reg = self.lock();
        if let Some(e) = reg.open.remove(&id) {
            if let Some(n) = reg.per_user.get_mut(&e.owner.user_id) {
                *n -= 1;
                if *n == 0 {
                    reg.per_user.remove(&e.owner.user_id);
                }
            }
        }
    }

    /// Ends the streams `r` names; answers how many.
    pub fn revoke(&self, r: &Revocation) -> usize {
        self.end_where(|o| o.revoked_by(r))
    }

    /// Ends every stream whose owner `gone` says is gone.
    pub fn end_where(&self, gone: impl Fn(&StreamOwner) -> bool) -> usize {
        let reg = self.lock();
        let mut n = 0;
        for e in reg.open.values().filter(|e| gone(&e.owner)) {
            let _ = e.end.send(true);
            n += 1;
        }
        n
    }

    /// The owners of every open stream (for the periodic check).
    pub fn owners(&self) -> Vec<StreamOwner> {
        self.lock().open.values().map(|e| e.owner.clone()).collect()
    }

    /// How many streams are open.
    pub fn count(&self) -> usize {
        self.lock().open.len()
    }
}

/// An open stream's place in the registry; dropping it (the client went
/// away, the stream ended) frees the place.
pub struct StreamTicket {
    streams: Arc<Streams>,
    id: u64,
    ended: watch::Receiver<bool>,
}

impl StreamTicket {
    /// Resolves when the stream must end (revoked).
    pub async fn revoked(&mut self) {
        while !*self.ended.borrow() {
            if self.ended.changed().await.is_err() {
                return;
            }
        }
    }

    /// Whether the stream must end now.
    pub fn is_revoked(&self) -> bool {
        *self.ended.borrow()
    }
}

impl Drop for StreamTicket {
    fn drop(&mut self) {
        self.streams.close(self.id);
    }
}

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
                                send_to_team(&teams, Arc::new(activity));
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
                    activity: a.clone(),
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
mod tests {
    use super::*;

    fn owner(s: &str, u: &str, t: &str) -> StreamOwner {
        StreamOwner {
            session_id: s.into(),
            user_id: u.into(),
            team_id: t.into(),
        }
    }

    #[test]
    fn caps_per_user_and_in_all() {
        let streams = Arc::new(Streams::new(2, 3));
        let a1 = streams.open(owner("s1", "u1", "t")).unwrap();
        let _a2 = streams.open(owner("s1", "u1", "t")).unwrap();
        assert_eq!(
            streams.open(owner("s1", "u1", "t")).err(),
            Some(StreamRefusal::PerUser)
        );
        let _b = streams.open(owner("s2", "u2", "t")).unwrap();
        assert_eq!(
            streams.open(owner("s3", "u3", "t")).err(),
            Some(StreamRefusal::Total)
        );
        drop(a1);
        assert!(streams.open(owner("s1", "u1", "t")).is_ok());
    }

    #[test]
    fn revocations_end_exactly_the_streams_they_name() {
        let streams = Arc::new(Streams::new(10, 100));
        let a = streams.open(owner("s1", "u1", "t1")).unwrap();
        let b = streams.open(owner("s2", "u1", "t2")).unwrap();
        let c = streams.open(owner("s3", "u2", "t1")).unwrap();
        streams.revoke(&Revocation::Member {
            team_id: "t1".into(),
            user_id: "u1".into(),
        });
        assert!(a.is_revoked() && !b.is_revoked() && !c.is_revoked());
        streams.revoke(&Revocation::UserExcept {
            user_id: "u1".into(),
            keep: Some("s2".into()),
        });
        assert!(!b.is_revoked());
        streams.revoke(&Revocation::Team {
            team_id: "t1".into(),
        });
        assert!(c.is_revoked());
        streams.revoke(&Revocation::Session {
            session_id: "s2".into(),
        });
        assert!(b.is_revoked());
    }

    #[tokio::test]
    async fn events_reach_only_their_team() {
        let bus = EventBus::new(10, 100);
        let mut t1 = bus.subscribe(&"t1".into());
        let mut t2 = bus.subscribe(&"t2".into());
        let a: ActivityView = serde_json::from_value(serde_json::json!({
            "id": "a1", "teamId": "t1", "releaseId": null, "userId": null, "userName": null,
            "type": "RELEASE_CREATED", "action": "created", "description": "x",
            "metadata": null, "createdAt": "2026-01-01T00:00:00Z"
        }))
        .unwrap();
        bus.publish([a]);
        assert_eq!(t1.recv().await.unwrap().id, "a1");
        assert!(t2.try_recv().is_err());
        drop(t1);
        drop(t2);
        bus.publish([]);
        let b: ActivityView = serde_json::from_value(serde_json::json!({
            "id": "a2", "teamId": "t1", "releaseId": null, "userId": null, "userName": null,
            "type": "RELEASE_CREATED", "action": "created", "description": "x",
            "metadata": null, "createdAt": "2026-01-01T00:00:00Z"
        }))
        .unwrap();
        bus.publish([b]);
        assert_eq!(
            bus.team_channels(),
            1,
            "t1's empty channel went; t2 waits for a publish"
        );
    }
}
