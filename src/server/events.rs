//! The live bus: each committed activity is published to its team's open
//! boards and feeds (Server-Sent Events, `/api/events`). One process: an
//! in-process broadcast channel. Several app servers on PostgreSQL would
//! relay through LISTEN/NOTIFY (not yet: one process is what runs today).

use crate::views::ActivityView;
use std::sync::Arc;
use tokio::sync::{broadcast, watch};

/// Publishes committed activities; subscribers filter by team.
#[derive(Clone)]
pub struct EventBus {
    tx: broadcast::Sender<Arc<ActivityView>>,
    closing: watch::Receiver<bool>,
    close: Arc<watch::Sender<bool>>,
}

impl Default for EventBus {
    fn default() -> Self {
        let (tx, _) = broadcast::channel(1024);
        let (close, closing) = watch::channel(false);
        Self {
            tx,
            closing,
            close: Arc::new(close),
        }
    }
}

impl EventBus {
    /// Sends activities (after their transaction committed).
    pub fn publish(&self, activities: impl IntoIterator<Item = ActivityView>) {
        for a in activities {
            // No subscribers is fine.
            let _ = self.tx.send(Arc::new(a));
        }
    }

    /// A new subscription.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<ActivityView>> {
        self.tx.subscribe()
    }

    /// Resolves when the server shuts down (open streams end then).
    pub fn closing(&self) -> watch::Receiver<bool> {
        self.closing.clone()
    }

    /// Ends every open stream (graceful shutdown).
    pub fn close(&self) {
        let _ = self.close.send(true);
    }
}
