//! Per-connection back-off for the background sync of linked items: how
//! many passes in a row failed, and when the next may run. SQLite can add
//! one column per ALTER TABLE, so there are two.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{integer, timestamp_with_time_zone_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Alias::new("oauth_connections"))
                .add_column(integer("sync_failures").default(0))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Alias::new("oauth_connections"))
                .add_column(timestamp_with_time_zone_null("next_sync_at"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in ["next_sync_at", "sync_failures"] {
            m.alter_table(
                Table::alter()
                    .table(Alias::new("oauth_connections"))
                    .drop_column(Alias::new(col))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
