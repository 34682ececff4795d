//! Limits that keep one client from exhausting the server or guessing
//! passwords: failed-attempt counters (sign-in, password checks), a
//! per-address rate for sign-up, and a bound on concurrent password
//! hashing. The thresholds are settings (`README.md`, "Security").
//!
//! - [`FailureLimiter`] counts *failures* per key in a window and reserves
//!   a slot for every attempt in flight, so parallel guesses cannot all be
//!   checked before the first failure is recorded. Keys are SHA-256 hashes
//!   (fixed size whatever the caller sent), nothing is stored for a refused
//!   attempt, and the map is bounded: expired entries are pruned, and past
//!   the capacity the oldest entries are evicted. This is our own because
//!   no crate counts failures with in-flight reservations; plain rates use
//!   `governor`.
//! - [`SignUpLimiter`]: `governor`'s keyed GCRA limiter, per client address
//!   (IPv6 by /64, so one host cannot mint keys), pruned by the purge job.
//! - [`PasswordHasher`]: argon2 on the blocking pool behind a semaphore sized
//!   to the machine; a caller that cannot get a permit within a few seconds
//!   gets 503 instead of queueing without bound.

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

mod hasher;
pub use hasher::PasswordHasher;

/// Failed sign-ins allowed per account in [`WINDOW`].
pub const SIGN_IN_FAILURES_PER_ACCOUNT: u32 = 5;
/// Failed sign-ins allowed per client address in [`WINDOW`].
pub const SIGN_IN_FAILURES_PER_ADDRESS: u32 = 30;
/// Wrong current passwords allowed per user in [`WINDOW`] (password change).
pub const PASSWORD_CHECK_FAILURES_PER_USER: u32 = 5;
/// The window failures are counted in.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Keys the failure counter holds at most (about 100 bytes each).
pub const FAILURE_KEYS: usize = 100_000;
/// How long a request waits for a turn to hash a password.
pub const HASH_WAIT: Duration = Duration::from_secs(10);

/// Every limit of one app server (each server keeps its own counts).
pub struct Limits {
    /// Failed sign-ins and password checks.
    pub failures: FailureLimiter,
    /// Sign-ups per address.
    pub sign_ups: SignUpLimiter,
    /// Password hashing.
    pub hasher: PasswordHasher,
    /// Verification and reset emails per recipient address.
    pub emails: EmailLimiter,
}

impl Limits {
    /// The limits the settings ask for.
    pub fn new(settings: &crate::server::config::Settings) -> Self {
        Self {
            failures: FailureLimiter::new(WINDOW, FAILURE_KEYS),
            sign_ups: SignUpLimiter::new(settings.sign_up_per_minute),
            hasher: PasswordHasher::new(settings.password_hash_concurrency, HASH_WAIT),
            emails: EmailLimiter::new(settings.emails_per_hour),
        }
    }

    /// Forgets what has expired (called by the purge job).
    pub fn prune(&self) {
        self.failures.prune();
        self.sign_ups.prune();
        self.emails.prune();
    }
}

/// A fixed-size limiter key: SHA-256 of a namespaced value.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key([u8; 32]);

impl Key {
    /// The key of `value` in `namespace` (`"account"`, `"address"`, …).
    pub fn of(namespace: &str, value: &str) -> Self {
        let mut h = Sha256::new();
        h.update(namespace.as_bytes());
        h.update([0]);
        h.update(value.as_bytes());
        Self(h.finalize().into())
    }

    /// The key of a client address: IPv4 as is, IPv6 by its /64 (one host
    /// usually owns a whole /64, so finer keys would let it mint new ones).
    pub fn of_address(ip: IpAddr) -> Self {
        Self::of("address", &address_bucket(ip))
    }
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Key({:02x}{:02x}…)", self.0[0], self.0[1])
    }
}

/// The text an address is limited by: IPv4 whole, IPv6 by its /64.
pub fn address_bucket(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

#[derive(Debug, Clone, Copy)]
struct Counter {
    /// Failures since `since`.
    failures: u32,
    /// When the current window began (the first failure in it).
    since: Instant,
    /// Attempts in flight.
    pending: u32,
}

/// Counts failures per key in a fixed window that starts at the first
/// failure; an attempt is allowed while `failures + attempts in flight` is
/// under the key's limit.
#[derive(Debug)]
pub struct FailureLimiter {
    map: Mutex<HashMap<Key, Counter>>,
    window: Duration,
    capacity: usize,
}

impl FailureLimiter {
    /// A limiter with this window, holding at most `capacity` keys.
    pub fn new(window: Duration, capacity: usize) -> Self {
        Self {
            map: Mutex::new(HashMap::new()),
            window,
            capacity: capacity.max(16),
        }
    }

    fn live(&self, c: &Counter, now: Instant) -> u32 {
        let failures = if now.duration_since(c.since) < self.window {
            c.failures
        } else {
            0
        };
        failures + c.pending
    }

    /// Reserves one attempt on every `(key, limit)`, or refuses (`None`)
    /// without storing anything when any key is at its limit.
    pub fn begin(&self, keys: &[(Key, u32)]) -> Option<Attempt<'_>> {
        let mut map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        let refused = keys.iter().any(|(k, limit)| {
            map.get(k)
                .is_some_and(|c| self.live(c, now) >= (*limit).max(1))
        });
        if refused {
            return None;
        }
        let new_keys = keys.iter().filter(|(k, _)| !map.contains_key(k)).count();
        if map.len() + new_keys > self.capacity {
            self.make_room(&mut map, now, new_keys);
        }
        for (k, _) in keys {
            let c = map.entry(*k).or_insert(Counter {
                failures: 0,
                since: now,
                pending: 0,
            });
            c.pending += 1;
        }
        Some(Attempt {
            limiter: self,
            keys: keys.iter().map(|(k, _)| *k).collect(),
            done: false,
        })
    }

    /// Drops expired idle entries; if that is not enough, evicts the idle
    /// entries whose window began longest ago (a tenth of the map at once,
    /// so eviction stays rare).
    fn make_room(&self, map: &mut HashMap<Key, Counter>, now: Instant, needed: usize) {
        map.retain(|_, c| c.pending > 0 || self.live(c, now) > 0);
        if map.len() + needed <= self.capacity {
            return;
        }
        let mut idle: Vec<(Instant, Key)> = map
            .iter()
            .filter(|(_, c)| c.pending == 0)
            .map(|(k, c)| (c.since, *k))
            .collect();
        idle.sort_unstable_by_key(|(since, _)| *since);
        let evict = (map.len() + needed - self.capacity).max(self.capacity / 10);
        for (_, k) in idle.into_iter().take(evict) {
            map.remove(&k);
        }
    }

    /// Removes entries whose window has passed (the purge job calls this).
    pub fn prune(&self) {
        let mut map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        map.retain(|_, c| c.pending > 0 || self.live(c, now) > 0);
    }

    /// How many keys are held (for tests and metrics).
    pub fn len(&self) -> usize {
        self.map.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// Whether no key is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn finish(&self, keys: &[Key], failed: bool, clear: &[Key]) {
        let mut map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        for k in keys {
            if let Some(c) = map.get_mut(k) {
                c.pending = c.pending.saturating_sub(1);
                if failed {
                    if now.duration_since(c.since) >= self.window {
                        c.failures = 0;
                        c.since = now;
                    }
                    if c.failures == 0 {
                        c.since = now;
                    }
                    c.failures += 1;
                }
            }
        }
        for k in clear {
            if let Some(c) = map.get_mut(k) {
                c.failures = 0;
            }
        }
        map.retain(|_, c| c.pending > 0 || c.failures > 0);
    }
}

/// One reserved attempt. Say how it went with [`Attempt::failed`] or
/// [`Attempt::succeeded`]; dropped unresolved (an error on the way), the
/// reservation is simply released.
pub struct Attempt<'a> {
    limiter: &'a FailureLimiter,
    keys: Vec<Key>,
    done: bool,
}

impl Attempt<'_> {
    /// The attempt failed: it counts against every key.
    pub fn failed(mut self) {
        self.done = true;
        self.limiter.finish(&self.keys, true, &[]);
    }

    /// The attempt succeeded: the reservation is released and the failures
    /// of `forget` (the account's own key) are forgotten.
    pub fn succeeded(mut self, forget: &[Key]) {
        self.done = true;
        self.limiter.finish(&self.keys, false, forget);
    }
}

impl Drop for Attempt<'_> {
    fn drop(&mut self) {
        if !self.done {
            self.limiter.finish(&self.keys, false, &[]);
        }
    }
}

/// Sign-ups per client address per minute.
pub struct SignUpLimiter {
    limiter: Option<DefaultKeyedRateLimiter<String>>,
}

impl SignUpLimiter {
    /// `per_minute` sign-ups per address; 0 turns the limit off.
    pub fn new(per_minute: u32) -> Self {
        Self {
            limiter: NonZeroU32::new(per_minute)
                .map(|n| RateLimiter::keyed(Quota::per_minute(n).allow_burst(n))),
        }
    }

    /// Whether another sign-up from `ip` is allowed now (and counts it).
    pub fn allow(&self, ip: IpAddr) -> bool {
        self.limiter
            .as_ref()
            .is_none_or(|l| l.check_key(&address_bucket(ip)).is_ok())
    }

    /// Forgets addresses that are back to a full allowance.
    pub fn prune(&self) {
        if let Some(l) = &self.limiter {
            l.retain_recent();
            l.shrink_to_fit();
        }
    }
}

/// Emails (verification, password reset) per recipient address per hour:
/// `governor`'s keyed limiter on the hashed, normalised address, so the
/// same answer comes whether or not an account has that address.
pub struct EmailLimiter {
    limiter: DefaultKeyedRateLimiter<Key>,
}

impl EmailLimiter {
    /// `per_hour` emails to one address (at least one).
    pub fn new(per_hour: u32) -> Self {
        let n = NonZeroU32::new(per_hour.max(1)).unwrap_or(NonZeroU32::MIN);
        Self {
            limiter: RateLimiter::keyed(Quota::per_hour(n).allow_burst(n)),
        }
    }

    /// Whether another email to `address` (normalised) may go now (and counts it).
    pub fn allow(&self, address: &str) -> bool {
        self.limiter
            .check_key(&Key::of("email-to", address))
            .is_ok()
    }

    /// Forgets addresses that are back to a full allowance.
    pub fn prune(&self) {
        self.limiter.retain_recent();
        self.limiter.shrink_to_fit();
    }
}

#[cfg(test)]
mod tests;
