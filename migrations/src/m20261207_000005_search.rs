//! Search: what `GET /api/search` finds, indexed in the database.
//!
//! - SQLite: an FTS5 table per searchable table (`releases_fts`,
//!   `services_fts`, `sprints_fts`, `deployment_groups_fts`), each an
//!   external-content index over its table's rowid, kept by triggers on
//!   insert, delete and an update *of the indexed columns* (a status move
//!   does not touch the index), and built once here from what exists.
//!   (A manual `VACUUM` may renumber rowids; the search re-checks every
//!   candidate's name, so a stale index can miss rows, never show wrong
//!   ones — `INSERT INTO releases_fts(releases_fts) VALUES ('rebuild')`
//!   and the like rebuild it.)
//! - PostgreSQL: a GIN index on each table's `to_tsvector('simple', …)` of
//!   the same text, which the search query repeats word for word.
//!
//! Punctuation separates words on both (`2.4.0` is `2 4 0`, `pay-api` is
//! `pay api`), so a word of the query matches the start of a word either
//! way. The expressions live in [`INDEXED`]; the search service uses the
//! same ones.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Each searchable table and the columns whose words are indexed.
pub const INDEXED: [(&str, &[&str]); 4] = [
    ("releases", &["title", "version"]),
    ("services", &["name", "slug"]),
    ("sprints", &["name"]),
    ("deployment_groups", &["name"]),
];

/// The PostgreSQL expression indexed for `table` (its words, punctuation
/// as spaces).
pub fn pg_document(table: &str) -> String {
    let cols = INDEXED
        .iter()
        .find(|(t, _)| *t == table)
        .map(|(_, c)| *c)
        .unwrap_or_default();
    let text = cols
        .iter()
        .map(|c| format!("coalesce({c}, '')"))
        .collect::<Vec<_>>()
        .join(" || ' ' || ");
    format!("to_tsvector('simple', translate({text}, '.-_/:#@+', '        '))")
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        match m.get_database_backend() {
            DatabaseBackend::Postgres => {
                for (table, _) in INDEXED {
                    db.execute_unprepared(&format!(
                        "CREATE INDEX ix_{table}_search ON {table} USING gin ({})",
                        pg_document(table)
                    ))
                    .await?;
                }
            }
            _ => {
                for (table, cols) in INDEXED {
                    let names: Vec<&str> = cols.to_vec();
                    let list = names.join(", ");
                    let new: Vec<String> = names.iter().map(|n| format!("new.{n}")).collect();
                    let old: Vec<String> = names.iter().map(|n| format!("old.{n}")).collect();
                    let (new, old) = (new.join(", "), old.join(", "));
                    let fts = format!("{table}_fts");
                    db.execute_unprepared(&format!(
                        "CREATE VIRTUAL TABLE {fts} USING fts5({list}, content='{table}', \
                         content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')"
                    ))
                    .await?;
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN \
                         INSERT INTO {fts}(rowid, {list}) VALUES (new.rowid, {new}); END"
                    ))
                    .await?;
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN \
                         INSERT INTO {fts}({fts}, rowid, {list}) VALUES ('delete', old.rowid, {old}); END"
                    ))
                    .await?;
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER {fts}_au AFTER UPDATE OF {list} ON {table} BEGIN \
                         INSERT INTO {fts}({fts}, rowid, {list}) VALUES ('delete', old.rowid, {old}); \
                         INSERT INTO {fts}(rowid, {list}) VALUES (new.rowid, {new}); END"
                    ))
                    .await?;
                    db.execute_unprepared(&format!("INSERT INTO {fts}({fts}) VALUES ('rebuild')"))
                        .await?;
                }
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        for (table, _) in INDEXED {
            match m.get_database_backend() {
                DatabaseBackend::Postgres => {
                    db.execute_unprepared(&format!("DROP INDEX IF EXISTS ix_{table}_search"))
                        .await?;
                }
                _ => {
                    for t in ["ai", "ad", "au"] {
                        db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {table}_fts_{t}"))
                            .await?;
                    }
                    db.execute_unprepared(&format!("DROP TABLE IF EXISTS {table}_fts"))
                        .await?;
                }
            }
        }
        Ok(())
    }
}
