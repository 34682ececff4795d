//! At most one ACTIVE sprint per team, enforced by the database as well as
//! by the service (a partial unique index; SQLite and PostgreSQL both have
//! them), so two concurrent activations cannot both win.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX IF NOT EXISTS sprints_one_active_per_team \
                 ON sprints (team_id) WHERE status = 'ACTIVE'",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared("DROP INDEX IF EXISTS sprints_one_active_per_team")
            .await?;
        Ok(())
    }
}
