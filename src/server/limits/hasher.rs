//! Password hashing with a bound: argon2 on the blocking pool behind a
//! semaphore sized to the machine.

use crate::server::error::{AppError, AppResult};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Runs argon2 on the blocking pool, at most `permits` at once.
pub struct PasswordHasher {
    permits: Arc<tokio::sync::Semaphore>,
    size: usize,
    wait: Duration,
    running: Arc<AtomicUsize>,
    peak: Arc<AtomicUsize>,
}

impl PasswordHasher {
    /// At most `permits` hashes at once; a caller waits at most `wait` for
    /// a turn before the request is answered 503.
    pub fn new(permits: usize, wait: Duration) -> Self {
        let size = permits.max(1);
        Self {
            permits: Arc::new(tokio::sync::Semaphore::new(size)),
            size,
            wait,
            running: Arc::new(AtomicUsize::new(0)),
            peak: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// The default size: every core but one (at least one), so hashing
    /// never takes the whole machine from other requests.
    pub fn default_permits() -> usize {
        std::thread::available_parallelism()
            .map(|n| n.get().saturating_sub(1))
            .unwrap_or(1)
            .max(1)
    }

    /// How many may run at once.
    pub fn size(&self) -> usize {
        self.size
    }

    /// The most that ever ran at once (tests check the bound).
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> AppResult<T> {
        let permit = tokio::time::timeout(self.wait, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| AppError::Unavailable("the server is busy; try again in a moment".into()))?
            .map_err(|e| AppError::Internal(e.into()))?;
        let (running, peak) = (self.running.clone(), self.peak.clone());
        // The permit lives inside the blocking task: even if the request is
        // dropped meanwhile, no more than `size` hashes ever run at once.
        tokio::task::spawn_blocking(move || {
            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(now, Ordering::SeqCst);
            let out = work();
            running.fetch_sub(1, Ordering::SeqCst);
            drop(permit);
            out
        })
        .await
        .map_err(|e| AppError::Internal(e.into()))
    }

    /// An argon2id hash of `password`.
    pub async fn hash(&self, password: String) -> AppResult<String> {
        self.run(move || crate::server::crypto::hash_password(&password))
            .await?
            .map_err(AppError::Internal)
    }

    /// Whether `password` matches `hash`.
    pub async fn verify(&self, password: String, hash: String) -> AppResult<bool> {
        self.run(move || crate::server::crypto::verify_password(&password, &hash))
            .await
    }
}
