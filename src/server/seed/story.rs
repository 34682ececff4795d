//! The invented history of the demo team: its services and topics, its
//! comments, ids that sort like their moments, when each release is created
//! and where it heads, and legal status walks.

use crate::domain::status::ReleaseStatus;
use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::Rng;

pub(super) const SERVICES: [(&str, &str); 6] = [
    ("Payments", "PAY"),
    ("Checkout web", "CHK"),
    ("Search", "SRCH"),
    ("Notifications", "NOTIF"),
    ("Auth gateway", "AUTH"),
    ("Ledger", "LEDG"),
];

pub(super) const TOPICS: [&str; 16] = [
    "Faster card tokenisation",
    "Retry budget for webhooks",
    "Dark mode for receipts",
    "Rate limiter rewrite",
    "Index compaction",
    "Typo-tolerant queries",
    "Passkey sign-in",
    "Refund batching",
    "Currency rounding fix",
    "Email digest scheduler",
    "Audit trail export",
    "Cold-start improvements",
    "PostgreSQL 16 upgrade",
    "Feature flag cleanup",
    "Session hardening",
    "Invoice PDF redesign",
];

pub(super) const BLOCK_REASONS: [&str; 4] = [
    "waiting for legal review",
    "load test failed on staging",
    "needs a database migration window",
    "security review pending",
];

pub(super) const COMMENTS: [&str; 5] = [
    "Smoke tests are green on staging.",
    "Can we ship this **before Friday**? Marketing is waiting.",
    "Rollback plan: flip the `new_checkout` flag off.",
    "Looks good to me, see the dashboards for p95 latency.",
    "Blocked until the migration window is confirmed.",
];

/// A v7 UUID for a moment in the past, so ids sort like the history.
pub(super) fn id_at<T: From<String>>(t: DateTime<Utc>, rng: &mut StdRng) -> T {
    let ms = t.timestamp_millis().max(0) as u64;
    let mut bytes: [u8; 16] = rng.gen();
    bytes[..6].copy_from_slice(&ms.to_be_bytes()[2..]);
    bytes[6] = 0x70 | (bytes[6] & 0x0f);
    bytes[8] = 0x80 | (bytes[8] & 0x3f);
    T::from(uuid::Uuid::from_bytes(bytes).simple().to_string())
}

/// One invented status history: the moves and when they happened.
pub(super) struct History {
    pub(super) moves: Vec<(ReleaseStatus, ReleaseStatus, DateTime<Utc>)>,
}

/// Walks a release from PLANNING towards `goal` (one step at a time, with
/// the odd step back), never past `now`. Every move is legal.
pub(super) fn walk(
    rng: &mut StdRng,
    start: DateTime<Utc>,
    now: DateTime<Utc>,
    goal: ReleaseStatus,
) -> History {
    let mut moves = vec![];
    let mut at = start;
    let mut cur = ReleaseStatus::Planning;
    let mut push = |from: ReleaseStatus, to: ReleaseStatus, at: DateTime<Utc>| {
        assert!(from.can_move_to(to), "seed invented {from} -> {to}");
        moves.push((from, to, at));
    };
    // A rollback happens to a deployed release: walk to DEPLOYED first.
    let target_idx = match goal {
        ReleaseStatus::RolledBack => ReleaseStatus::Deployed.flow_index(),
        other => other.flow_index(),
    };
    let mut stepped_back = false;
    while let (Some(i), Some(t)) = (cur.flow_index(), target_idx) {
        if i >= t {
            break;
        }
        let next_at = at + Duration::minutes(rng.gen_range(90..60 * 60));
        if next_at >= now {
            return History { moves };
        }
        at = next_at;
        // Now and then review sends it back once.
        if !stepped_back && cur == ReleaseStatus::InReview && rng.gen_bool(0.15) {
            push(cur, ReleaseStatus::InDevelopment, at);
            cur = ReleaseStatus::InDevelopment;
            stepped_back = true;
            continue;
        }
        let next = ReleaseStatus::MAIN_FLOW[i + 1];
        push(cur, next, at);
        cur = next;
    }
    if goal == ReleaseStatus::Cancelled && cur != ReleaseStatus::Deployed {
        let t = at + Duration::hours(rng.gen_range(2..72));
        if t < now {
            push(cur, ReleaseStatus::Cancelled, t);
        }
    }
    if goal == ReleaseStatus::RolledBack && cur == ReleaseStatus::Deployed {
        let t = at + Duration::minutes(rng.gen_range(20..600));
        if t < now {
            push(cur, ReleaseStatus::RolledBack, t);
        }
    }
    History { moves }
}

/// The seed's "now" and the start of its history.
pub(super) struct Clock {
    pub(super) now: DateTime<Utc>,
    pub(super) origin: DateTime<Utc>,
}

/// When each release is created, and where its history heads. With an
/// exact `in_flight`, the finished ones are created at least 30 days ago
/// (longer than any invented walk takes, so each reaches its goal) and the
/// ones in flight head for a status in flight (a walk cut short by "now"
/// stays in flight), so the count is exact.
pub(super) fn plan(
    rng: &mut StdRng,
    clock: &Clock,
    releases: usize,
    in_flight: Option<usize>,
) -> Vec<(DateTime<Utc>, ReleaseStatus)> {
    let span = (clock.now - clock.origin).num_minutes() - 60;
    let finished_goal = |rng: &mut StdRng| match rng.gen_range(0..100) {
        0..=83 => ReleaseStatus::Deployed,
        84..=91 => ReleaseStatus::RolledBack,
        _ => ReleaseStatus::Cancelled,
    };
    let in_flight_goal = |rng: &mut StdRng| ReleaseStatus::MAIN_FLOW[rng.gen_range(0..7)];
    let mut plan: Vec<(DateTime<Utc>, ReleaseStatus)> = match in_flight {
        None => {
            // Spread creation over the window, the most recent last.
            let mut created: Vec<DateTime<Utc>> = (0..releases)
                .map(|_| clock.origin + Duration::minutes(rng.gen_range(0..span)))
                .collect();
            created.sort();
            created
                .into_iter()
                .map(|at| {
                    // Older releases are mostly finished; recent ones mostly in flight.
                    let goal = if (clock.now - at).num_days() > 21 {
                        finished_goal(rng)
                    } else {
                        match rng.gen_range(0..100) {
                            0..=24 => ReleaseStatus::Deployed,
                            25..=29 => ReleaseStatus::Cancelled,
                            _ => in_flight_goal(rng),
                        }
                    };
                    (at, goal)
                })
                .collect()
        }
        Some(n) => {
            let old_span = span - 30 * 24 * 60;
            let mut plan: Vec<_> = (0..releases - n)
                .map(|_| {
                    let at = clock.origin + Duration::minutes(rng.gen_range(0..old_span));
                    (at, finished_goal(rng))
                })
                .collect();
            plan.extend((0..n).map(|_| {
                let at = clock.origin + Duration::minutes(rng.gen_range(0..span));
                (at, in_flight_goal(rng))
            }));
            plan
        }
    };
    plan.sort_by_key(|p| p.0);
    plan
}
