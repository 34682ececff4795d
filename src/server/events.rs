//! The live bus: each committed activity is published to its team's open
//! boards and feeds (Server-Sent Events, `/api/events`). Within one process
//! an in-process broadcast channel carries it. On PostgreSQL every process
//! also relays it through `NOTIFY rc_events` and listens on the same
//! channel, so several app servers behind a load balancer all see every
//! change; a process ignores the notifications it sent itself.

use crate::views::ActivityView;
use std::sync::Arc;
use tokio::sync::{broadcast, watch};

/// The PostgreSQL channel name.
pub const CHANNEL: &str = "rc_events";

/// What travels through `NOTIFY`: the activity and who sent it.
#[derive(serde::Serialize, serde::Deserialize)]
struct Relayed {
    origin: String,
    activity: ActivityView,
}

/// Publishes committed activities; subscribers filter by team.
#[derive(Clone)]
pub struct EventBus {
    tx: broadcast::Sender<Arc<ActivityView>>,
    closing: watch::Receiver<bool>,
    close: Arc<watch::Sender<bool>>,
    /// Set on PostgreSQL: where to relay, and this process's id.
    relay: Option<(sea_orm::DatabaseConnection, Arc<str>)>,
}

impl Default for EventBus {
    fn default() -> Self {
        let (tx, _) = broadcast::channel(1024);
        let (close, closing) = watch::channel(false);
        Self {
            tx,
            closing,
            close: Arc::new(close),
            relay: None,
        }
    }
}

impl EventBus {
    /// A bus that also relays through PostgreSQL `NOTIFY` and listens for
    /// other processes' events (spawns the listener task).
    pub async fn with_postgres(db: sea_orm::DatabaseConnection, url: &str) -> anyhow::Result<Self> {
        let mut bus = Self::default();
        let origin: Arc<str> = crate::server::db::new_id().into();
        bus.relay = Some((db, origin.clone()));
        let mut listener = sea_orm::sqlx::postgres::PgListener::connect(url).await?;
        listener.listen(CHANNEL).await?;
        let tx = bus.tx.clone();
        let mut closing = bus.closing.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    n = listener.recv() => match n {
                        Ok(n) => {
                            if let Ok(r) = serde_json::from_str::<Relayed>(n.payload()) {
                                if *r.origin != *origin {
                                    let _ = tx.send(Arc::new(r.activity));
                                }
                            }
                        }
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

    /// Sends activities (after their transaction committed).
    pub fn publish(&self, activities: impl IntoIterator<Item = ActivityView>) {
        for a in activities {
            if let Some((db, origin)) = &self.relay {
                let payload = serde_json::to_string(&Relayed {
                    origin: origin.to_string(),
                    activity: a.clone(),
                })
                .unwrap_or_default();
                // NOTIFY payloads are limited to 8000 bytes; activities are far smaller.
                if payload.len() < 7900 {
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
            }
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

    /// Ends every open stream and the relay listener (graceful shutdown).
    pub fn close(&self) {
        let _ = self.close.send(true);
    }
}
