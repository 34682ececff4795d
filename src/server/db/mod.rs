//! The store: connecting, migrating, the entities, and [`scoped`] — the only
//! way to reach a team's rows (`find_in(ctx)`).
//!
//! SQLite is configured for a server (ARCHITECTURE.md, "Concurrent writes"):
//! WAL, `busy_timeout`, `foreign_keys = ON`, and every write transaction is
//! begun `IMMEDIATE` through [`begin_write`], so a read-then-write cannot hit
//! `SQLITE_BUSY` half-way and surface as a 500.

pub mod entities;
pub mod scoped;
pub mod types;

use crate::server::config::Backend;
use migration::MigratorTrait;
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbErr,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use std::time::Duration;

/// How long SQLite waits for the write lock before giving up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Opens the connection pool for `url`, creating the SQLite file (and its
/// folder) when missing.
pub async fn connect(url: &str, backend: Backend) -> anyhow::Result<DatabaseConnection> {
    let mut opts = ConnectOptions::new(url.to_string());
    opts.sqlx_logging(false)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(15));
    match backend {
        Backend::Sqlite => {
            if let Some(dir) = sqlite_parent_dir(url) {
                std::fs::create_dir_all(&dir)
                    .map_err(|e| anyhow::anyhow!("creating {dir}: {e}"))?;
            }
            opts.max_connections(8)
                .min_connections(1)
                .map_sqlx_sqlite_opts(|o| {
                    use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
                    o.create_if_missing(true)
                        .journal_mode(SqliteJournalMode::Wal)
                        .synchronous(SqliteSynchronous::Normal)
                        .busy_timeout(SQLITE_BUSY_TIMEOUT)
                        .foreign_keys(true)
                });
        }
        Backend::Postgres => {
            opts.max_connections(16).min_connections(1);
        }
    }
    Database::connect(opts).await.map_err(|e| {
        anyhow::anyhow!(
            "cannot connect to the database: {}",
            redact_url_in(&e.to_string())
        )
    })
}

/// The PostgreSQL advisory lock that makes migrations run once when several
/// servers start together ("rc-migrate" as a number; any constant would do,
/// it only has to be the same for every server of one database).
const MIGRATION_LOCK: i64 = 0x7263_2d6d_6967_7261;

/// Applies every pending migration.
///
/// On PostgreSQL, under a session advisory lock held on one connection of
/// the pool: servers started at the same moment on a fresh database wait
/// for each other, the first migrates, the others find nothing left to do
/// and serve. The lock is released on the same connection afterwards (and
/// if that fails, the connection is closed, which releases it). SQLite is
/// one file on one machine: its migrations run in the process that opens it.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    if db.get_database_backend() != sea_orm::DatabaseBackend::Postgres {
        return migration::Migrator::up(db, None).await;
    }
    use sea_orm::sqlx;
    let pool = db.get_postgres_connection_pool();
    let mut lock = pool
        .acquire()
        .await
        .map_err(|e| DbErr::Conn(sea_orm::RuntimeErr::Internal(e.to_string())))?;
    sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(MIGRATION_LOCK)
        .execute(&mut *lock)
        .await
        .map_err(|e| DbErr::Custom(format!("taking the migration lock: {e}")))?;
    let result = migration::Migrator::up(db, None).await;
    let unlocked = sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(MIGRATION_LOCK)
        .execute(&mut *lock)
        .await;
    if unlocked.is_err() {
        // Closing the session releases whatever it holds.
        drop(lock.detach());
    }
    result
}

/// Begins a transaction that will write: `BEGIN IMMEDIATE` on SQLite (takes
/// the write lock up front, waiting up to `busy_timeout`), a plain
/// transaction on PostgreSQL (row locks and compare-and-set do the rest).
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    let opts = TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    };
    db.begin_with_options(opts).await
}

/// Whether the database answers a trivial query within two seconds
/// (readiness: a load balancer must hear "no" quickly, not after the pool's
/// acquire timeout).
pub async fn ping(db: &DatabaseConnection) -> bool {
    matches!(
        tokio::time::timeout(Duration::from_secs(2), db.execute_unprepared("SELECT 1")).await,
        Ok(Ok(_))
    )
}

/// Whether a database error means "the database is not reachable right now"
/// (connection refused or dropped, pool exhausted or closed, the server
/// shutting down or terminating our backend) rather than a fault in the
/// query: such a request is answered 503 and may be retried.
pub fn is_unavailable(err: &DbErr) -> bool {
    use sea_orm::sqlx;
    let sqlx_err = match err {
        // Failing to connect is always "unavailable", whatever the server said
        // (refused, not accepting connections, too many clients, …).
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => return true,
        DbErr::Exec(sea_orm::RuntimeErr::SqlxError(e))
        | DbErr::Query(sea_orm::RuntimeErr::SqlxError(e)) => e,
        _ => return false,
    };
    match sqlx_err.as_ref() {
        sqlx::Error::Io(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::Tls(_) => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|c| {
            // PostgreSQL: 08xxx connection exceptions, 53xxx insufficient
            // resources, 57P01-57P03 admin shutdown / crash shutdown /
            // cannot connect now.
            c.starts_with("08")
                || c.starts_with("53")
                || matches!(c.as_ref(), "57P01" | "57P02" | "57P03")
        }),
        _ => false,
    }
}

/// Whether a database error is the database refusing a value a request
/// carried (PostgreSQL class 22, "data exception": a NUL character in text,
/// a number out of range, …) — the caller's input, answered 400.
pub fn is_bad_value(err: &DbErr) -> bool {
    use sea_orm::sqlx;
    let (DbErr::Exec(sea_orm::RuntimeErr::SqlxError(e))
    | DbErr::Query(sea_orm::RuntimeErr::SqlxError(e))) = err
    else {
        return false;
    };
    match e.as_ref() {
        sqlx::Error::Database(db) => db.code().is_some_and(|c| c.starts_with("22")),
        _ => false,
    }
}

/// A new opaque id of any kind (`String` or a typed id of `domain::ids`):
/// a UUIDv7, time-ordered, so ids sort by creation.
pub fn new_id<T: From<String>>() -> T {
    T::from(uuid::Uuid::now_v7().simple().to_string())
}

/// The current time at the precision both databases keep (microseconds), so
/// a value written and read back compares equal.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    use chrono::SubsecRound;
    chrono::Utc::now().trunc_subsecs(6)
}

/// Whether a database error is a unique-constraint violation (→ 409).
pub fn is_unique_violation(err: &DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

fn sqlite_parent_dir(url: &str) -> Option<String> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return None;
    }
    std::path::Path::new(path)
        .parent()
        .map(|p| p.display().to_string())
        .filter(|p| !p.is_empty())
}

/// Removes a `user:password@` part from any URL inside `message`.
fn redact_url_in(message: &str) -> String {
    message
        .split(' ')
        .map(|word| match (word.find("://"), word.find('@')) {
            (Some(s), Some(at)) if at > s => {
                format!("{}://[redacted]@{}", &word[..s], &word[at + 1..])
            }
            _ => word.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_folder_is_found() {
        assert_eq!(
            sqlite_parent_dir("sqlite://./data/rc.db?mode=rwc").as_deref(),
            Some("./data")
        );
        assert_eq!(sqlite_parent_dir("sqlite::memory:"), None);
    }

    #[test]
    fn credentials_are_redacted() {
        let m = redact_url_in("error connecting to postgres://u:hunter2@db:5432/x now");
        assert!(!m.contains("hunter2") && m.contains("db:5432/x"), "{m}");
    }

    #[test]
    fn ids_are_unique_and_ordered() {
        let a = new_id::<String>();
        let b = new_id::<String>();
        assert_ne!(a, b);
        assert_eq!(a.len(), 32);
    }
}
