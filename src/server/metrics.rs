//! Prometheus metrics at `GET /metrics` (`API.md`, "Operations"), with the
//! official Rust client (`prometheus-client`): one registry per server (no
//! process-wide global, so several servers in one process — the HTTP test
//! suite — each count their own).
//!
//! - Requests: `rc_http_requests_total{method,route,status}` and
//!   `rc_http_request_duration_seconds{method,route}`, where `route` is the
//!   matched pattern (`/api/releases/{id}`), never the raw path — ids would
//!   make a series per release. Requests no route matched count as
//!   `unmatched`, static files as `/pkg/*`.
//! - Read when scraped: `rc_sse_clients`, `rc_outbox_pending{kind}`,
//!   `rc_outbox_oldest_pending_seconds{kind}`, `rc_db_pool_connections{state}`,
//!   `process_resident_memory_bytes`, `process_cpu_seconds_total`.
//!
//! Every family is there from start-up (an idle server shows zeros). The
//! endpoint exists only when `RC_METRICS_TOKEN` is set, and then asks for
//! it as a bearer token; otherwise `/metrics` is 404.

use crate::server::db::entities::outbox;
use crate::server::db::scoped::TeamOwned;
use crate::server::state::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::{Registry, Unit};
use sea_orm::{ColumnTrait, QueryFilter, QuerySelect};
use std::sync::atomic::AtomicU64;
use std::time::Instant;

/// `rc_http_requests_total`'s labels.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: String,
}

/// `rc_http_request_duration_seconds`'s labels.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

/// `{kind}` of the outbox gauges.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabel {
    kind: String,
}

/// `{state}` of the pool gauge.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StateLabel {
    state: String,
}

type FloatGauge = Gauge<f64, AtomicU64>;

/// Latency buckets, in seconds: 1 ms to 10 s.
fn latency_histogram() -> Histogram {
    Histogram::new([
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
    ])
}

/// The outbox kinds there are (each shows, at 0 when nothing waits).
const OUTBOX_KINDS: [&str; 2] = [
    crate::server::jobs::outbox::SLACK_MESSAGE,
    crate::server::services::outgoing_webhooks::WEBHOOK,
];

/// One server's metrics.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    duration: Family<RouteLabels, Histogram, fn() -> Histogram>,
    sse_clients: Gauge,
    outbox_pending: Family<KindLabel, Gauge>,
    outbox_oldest: Family<KindLabel, FloatGauge>,
    pool: Family<StateLabel, Gauge>,
    resident_memory: Gauge,
    cpu_seconds: Counter<f64, AtomicU64>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// Every family registered, at zero.
    pub fn new() -> Self {
        let mut registry = Registry::default();
        let requests = Family::<RequestLabels, Counter>::default();
        let duration = Family::<RouteLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_histogram,
        );
        let sse_clients = Gauge::default();
        let outbox_pending = Family::<KindLabel, Gauge>::default();
        let outbox_oldest = Family::<KindLabel, FloatGauge>::default();
        let pool = Family::<StateLabel, Gauge>::default();
        let resident_memory = Gauge::default();
        let cpu_seconds = Counter::<f64, AtomicU64>::default();
        registry.register(
            "rc_http_requests",
            "HTTP requests answered, by method, matched route and status",
            requests.clone(),
        );
        registry.register_with_unit(
            "rc_http_request_duration",
            "Time to answer an HTTP request (until the response head), by method and matched route",
            Unit::Seconds,
            duration.clone(),
        );
        registry.register(
            "rc_sse_clients",
            "Live event streams open on this server",
            sse_clients.clone(),
        );
        registry.register(
            "rc_outbox_pending",
            "Outbound messages waiting to be sent, by kind",
            outbox_pending.clone(),
        );
        registry.register_with_unit(
            "rc_outbox_oldest_pending",
            "Age of the oldest outbound message still waiting, by kind (0 when none waits)",
            Unit::Seconds,
            outbox_oldest.clone(),
        );
        registry.register(
            "rc_db_pool_connections",
            "Database pool connections, by state (idle, active)",
            pool.clone(),
        );
        registry.register_with_unit(
            "process_resident_memory",
            "Resident memory of the server process",
            Unit::Bytes,
            resident_memory.clone(),
        );
        registry.register_with_unit(
            "process_cpu",
            "CPU time used by the server process (user and system)",
            Unit::Seconds,
            cpu_seconds.clone(),
        );
        for kind in OUTBOX_KINDS {
            let l = KindLabel { kind: kind.into() };
            outbox_pending.get_or_create(&l).set(0);
            outbox_oldest.get_or_create(&l).set(0.0);
        }
        for state in ["idle", "active"] {
            pool.get_or_create(&StateLabel {
                state: state.into(),
            })
            .set(0);
        }
        Self {
            registry,
            requests,
            duration,
            sse_clients,
            outbox_pending,
            outbox_oldest,
            pool,
            resident_memory,
            cpu_seconds,
        }
    }

    /// Counts one answered request.
    pub fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&RequestLabels {
                method: method.to_string(),
                route: route.to_string(),
                status: status.to_string(),
            })
            .inc();
        self.duration
            .get_or_create(&RouteLabels {
                method: method.to_string(),
                route: route.to_string(),
            })
            .observe(seconds);
    }

    /// The text exposition format.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        if let Err(e) = prometheus_client::encoding::text::encode(&mut out, &self.registry) {
            tracing::warn!(error = %e, "could not encode the metrics");
        }
        out
    }
}

/// Middleware: counts every request under its matched route.
pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().as_str().to_string();
    let route = route_of(&req);
    let res = next.run(req).await;
    state.metrics.observe(
        &method,
        &route,
        res.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    res
}

/// The matched pattern; never the raw path.
fn route_of(req: &Request) -> String {
    if let Some(p) = req.extensions().get::<MatchedPath>() {
        let p = p.as_str();
        // The front end's files are one route, whatever their hashed names.
        if p.starts_with("/pkg") {
            return "/pkg/*".into();
        }
        return p.to_string();
    }
    "unmatched".into()
}

/// One outbox kind's waiting rows: (kind, how many, the oldest's creation).
type Waiting = (String, i64, Option<chrono::DateTime<chrono::Utc>>);

/// Refreshes what is read at scrape time.
async fn refresh(state: &AppState) {
    let m = &state.metrics;
    m.sse_clients
        .set(i64::try_from(state.events.streams().count()).unwrap_or(i64::MAX));
    let now = crate::server::db::now();
    let waiting: Result<Vec<Waiting>, _> = outbox::Entity::find_across_teams()
        .select_only()
        .column(outbox::Column::Kind)
        .column_as(outbox::Column::Id.count(), "n")
        .column_as(outbox::Column::CreatedAt.min(), "oldest")
        .filter(outbox::Column::SentAt.is_null())
        .filter(outbox::Column::FailedAt.is_null())
        .group_by(outbox::Column::Kind)
        .into_tuple()
        .all(&state.db)
        .await;
    match waiting {
        Ok(rows) => {
            for kind in OUTBOX_KINDS {
                let l = KindLabel { kind: kind.into() };
                m.outbox_pending.get_or_create(&l).set(0);
                m.outbox_oldest.get_or_create(&l).set(0.0);
            }
            for (kind, n, oldest) in rows {
                let l = KindLabel { kind };
                m.outbox_pending.get_or_create(&l).set(n);
                let age =
                    oldest.map_or(0.0, |o| (now - o).num_milliseconds().max(0) as f64 / 1000.0);
                m.outbox_oldest.get_or_create(&l).set(age);
            }
        }
        Err(e) => tracing::warn!(error = %e, "metrics: could not read the outbox"),
    }
    let (size, idle) = pool_sizes(&state.db);
    m.pool
        .get_or_create(&StateLabel {
            state: "idle".into(),
        })
        .set(idle);
    m.pool
        .get_or_create(&StateLabel {
            state: "active".into(),
        })
        .set((size - idle).max(0));
    if let Some((rss, cpu)) = process_usage() {
        m.resident_memory
            .set(i64::try_from(rss).unwrap_or(i64::MAX));
        let seen = m.cpu_seconds.get();
        if cpu > seen {
            m.cpu_seconds.inc_by(cpu - seen);
        }
    }
}

/// (connections open, of which idle) in the pool.
fn pool_sizes(db: &sea_orm::DatabaseConnection) -> (i64, i64) {
    match db.get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => {
            let p = db.get_postgres_connection_pool();
            (
                i64::from(p.size()),
                i64::try_from(p.num_idle()).unwrap_or(0),
            )
        }
        _ => {
            let p = db.get_sqlite_connection_pool();
            (
                i64::from(p.size()),
                i64::try_from(p.num_idle()).unwrap_or(0),
            )
        }
    }
}

/// (resident bytes, CPU seconds) of this process, from `/proc`.
fn process_usage() -> Option<(u64, f64)> {
    let me = procfs::process::Process::myself().ok()?;
    let stat = me.stat().ok()?;
    let statm = me.statm().ok()?;
    let rss = statm.resident * procfs::page_size();
    let cpu = (stat.utime + stat.stime) as f64 / procfs::ticks_per_second() as f64;
    Some((rss, cpu))
}

/// Whether `headers` carry `Authorization: Bearer <expected>` (compared by
/// their SHA-256, so the comparison's time says nothing about the token).
fn authorised(headers: &HeaderMap, expected: &str) -> bool {
    use sha2::{Digest, Sha256};
    let given = crate::server::auth::bearer(headers).unwrap_or_default();
    Sha256::digest(given.as_bytes()) == Sha256::digest(expected.as_bytes())
}

/// `GET /metrics`.
pub async fn endpoint(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(token) = state.settings.metrics_token.as_ref() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if !authorised(&headers, token.expose()) {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            "a metrics token is required\n",
        )
            .into_response();
    }
    refresh(&state).await;
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.encode(),
    )
        .into_response()
}
