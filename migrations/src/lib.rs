//! The one migration chain of Release Coordinator. It runs unchanged on
//! SQLite and PostgreSQL. A shipped migration is never edited: later changes
//! are new files appended to [`Migrator::migrations`] (one migration per file,
//! since sea-orm names each migration after its file).

pub use sea_orm_migration::prelude::*;

mod m20261126_000001_initial_schema;
mod m20261126_000002_one_active_sprint;
mod m20261126_000003_connection_sync_backoff;
mod m20261201_000001_hardening;
mod m20261206_000001_deployments;
mod m20261206_000002_webhooks;
mod m20261207_000001_release_policy;
mod m20261207_000002_identity;
mod m20261207_000003_single_sign_on;
mod m20261207_000004_audit_resources;
pub mod m20261207_000005_search;

/// Applies every migration in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261126_000001_initial_schema::Migration),
            Box::new(m20261126_000002_one_active_sprint::Migration),
            Box::new(m20261126_000003_connection_sync_backoff::Migration),
            Box::new(m20261201_000001_hardening::Migration),
            Box::new(m20261206_000001_deployments::Migration),
            Box::new(m20261206_000002_webhooks::Migration),
            Box::new(m20261207_000001_release_policy::Migration),
            Box::new(m20261207_000002_identity::Migration),
            Box::new(m20261207_000003_single_sign_on::Migration),
            Box::new(m20261207_000004_audit_resources::Migration),
            Box::new(m20261207_000005_search::Migration),
        ]
    }
}
