//! The registry of open live streams: who opened each (session, user,
//! team), the per-user and per-server bounds, and ending the streams a
//! revocation names.

use crate::domain::ids::{TeamId, UserId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::watch;

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
