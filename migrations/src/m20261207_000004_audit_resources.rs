//! The audit log of everything: each activity names what it is about.
//!
//! - `activities.resource_type` (RELEASE, SERVICE, SPRINT, …) and
//!   `resource_id` (plain text, no foreign key: the entry outlives what it
//!   names). Entries written before are filled in from what they hold: a
//!   release's entries name the release, a freeze's its freeze (from the
//!   metadata), a reorder its deployment group, policy changes the team.
//! - Indexes for the feed's filters: by resource, and by person.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::string_null;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for c in ["resource_type", "resource_id"] {
            m.alter_table(
                Table::alter()
                    .table("activities")
                    .add_column(string_null(c))
                    .to_owned(),
            )
            .await?;
        }
        let json_field = |field: &str| match m.get_database_backend() {
            DatabaseBackend::Postgres => format!("(metadata::json ->> '{field}')"),
            _ => format!("json_extract(metadata, '$.{field}')"),
        };
        let db = m.get_connection();
        db.execute_unprepared(&format!(
            "UPDATE activities SET resource_type = 'FREEZE', resource_id = {} \
             WHERE action IN ('freeze_declared', 'freeze_changed', 'freeze_lifted', 'freeze_deleted')",
            json_field("freezeId")
        ))
        .await?;
        db.execute_unprepared(
            "UPDATE activities SET resource_type = 'POLICY', resource_id = team_id \
             WHERE action = 'policy_changed'",
        )
        .await?;
        db.execute_unprepared(&format!(
            "UPDATE activities SET resource_type = 'DEPLOYMENT_GROUP', resource_id = {} \
             WHERE action = 'reordered'",
            json_field("deploymentGroupId")
        ))
        .await?;
        db.execute_unprepared(
            "UPDATE activities SET resource_type = 'RELEASE', resource_id = release_id \
             WHERE resource_type IS NULL",
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_activities_team_resource")
                .table("activities")
                .col("team_id")
                .col("resource_type")
                .col("resource_id")
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_activities_team_user")
                .table("activities")
                .col("team_id")
                .col("user_id")
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for i in ["ix_activities_team_user", "ix_activities_team_resource"] {
            m.drop_index(Index::drop().name(i).table("activities").to_owned())
                .await?;
        }
        for c in ["resource_id", "resource_type"] {
            m.alter_table(Table::alter().table("activities").drop_column(c).to_owned())
                .await?;
        }
        Ok(())
    }
}
