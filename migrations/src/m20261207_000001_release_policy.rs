//! Release policy: a team's freezes (`freezes`: one-off, open-ended or
//! weekly in a time zone, scoped by services and environments, both as JSON
//! lists), its rules per target status (`teams.policy`, JSON: small, read
//! with the team, written whole by `PUT /api/team/policy`), approvals of a
//! release's version for a move (`approvals`), and who last set a release's
//! version (`releases.version_set_by`: separation of duties; its creator
//! until changed — for existing releases, whoever the activity log says
//! created them). `freeze_notices` records each window start and end Slack
//! was told about, unique per freeze, edge and moment, so several servers
//! (and restarts) announce each edge once.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    string, string_null, text, text_null, timestamp_with_time_zone, timestamp_with_time_zone_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn team_fk(table: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_team_id"))
        .from(table, "team_id")
        .to("teams", "id")
        .on_delete(ForeignKeyAction::Cascade)
        .on_update(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("freezes")
                .col(string("id").primary_key())
                .col(string("team_id"))
                .col(string("name"))
                .col(text("reason"))
                .col(timestamp_with_time_zone("starts_at"))
                .col(timestamp_with_time_zone_null("ends_at"))
                .col(text_null("recurrence"))
                .col(string("timezone"))
                .col(text("service_ids"))
                .col(text("environments"))
                .col(string_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut team_fk("freezes"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_freezes_created_by")
                        .from("freezes", "created_by")
                        .to("users", "id")
                        .on_delete(ForeignKeyAction::SetNull)
                        .on_update(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_freezes_team_id_starts_at")
                .table("freezes")
                .col("team_id")
                .col("starts_at")
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("approvals")
                .col(string("id").primary_key())
                .col(string("team_id"))
                .col(string("release_id"))
                .col(string("user_id"))
                .col(string("to_status"))
                .col(string("decision"))
                .col(text("comment"))
                .col(string("version"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut team_fk("approvals"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_approvals_release_id")
                        .from("approvals", "release_id")
                        .to("releases", "id")
                        .on_delete(ForeignKeyAction::Cascade)
                        .on_update(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_approvals_user_id")
                        .from("approvals", "user_id")
                        .to("users", "id")
                        .on_delete(ForeignKeyAction::Cascade)
                        .on_update(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_approvals_release_id_id")
                .table("approvals")
                .col("release_id")
                .col("id")
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("freeze_notices")
                .col(string("id").primary_key())
                .col(string("team_id"))
                .col(string("freeze_id"))
                .col(string("edge"))
                .col(timestamp_with_time_zone("at"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut team_fk("freeze_notices"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_freeze_notices_freeze_id")
                        .from("freeze_notices", "freeze_id")
                        .to("freezes", "id")
                        .on_delete(ForeignKeyAction::Cascade)
                        .on_update(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_freeze_notices_freeze_edge_at")
                .table("freeze_notices")
                .col("freeze_id")
                .col("edge")
                .col("at")
                .unique()
                .to_owned(),
        )
        .await?;

        let mut policy = text_null("policy");
        m.alter_table(
            Table::alter()
                .table("teams")
                .add_column(&mut policy)
                .to_owned(),
        )
        .await?;
        let mut setter = string_null("version_set_by");
        m.alter_table(
            Table::alter()
                .table("releases")
                .add_column(&mut setter)
                .to_owned(),
        )
        .await?;
        m.get_connection()
            .execute_unprepared(
                "UPDATE releases SET version_set_by = (SELECT a.user_id FROM activities a \
                 WHERE a.release_id = releases.id AND a.type = 'RELEASE_CREATED' ORDER BY a.id LIMIT 1)",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("releases")
                .drop_column(Alias::new("version_set_by"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("teams")
                .drop_column(Alias::new("policy"))
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table("approvals").to_owned())
            .await?;
        m.drop_table(Table::drop().table("freezes").to_owned())
            .await?;
        Ok(())
    }
}
