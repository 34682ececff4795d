//! Outgoing webhooks: a team's subscriptions (`webhooks`: the URL, the
//! event filter as JSON, the signing secret encrypted like every secret),
//! and their deliveries as rows of the same outbox as Slack's messages —
//! `webhook_id`, the event, the Standard Webhooks message id (the same on
//! every retry and redelivery of one event) and the receiver's last answer.
//! The outbox columns carry no foreign key (SQLite cannot add one to an
//! existing table): deleting a webhook deletes its rows in the same
//! transaction.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    boolean, integer_null, string, string_null, text, timestamp_with_time_zone,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("webhooks")
                .col(string("id").primary_key())
                .col(string("team_id"))
                .col(text("url"))
                .col(text("events"))
                .col(text("secret"))
                .col(boolean("active"))
                .col(string_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_webhooks_team_id")
                        .from("webhooks", "team_id")
                        .to("teams", "id")
                        .on_delete(ForeignKeyAction::Cascade)
                        .on_update(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_webhooks_created_by")
                        .from("webhooks", "created_by")
                        .to("users", "id")
                        .on_delete(ForeignKeyAction::SetNull)
                        .on_update(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_webhooks_team_id")
                .table("webhooks")
                .col("team_id")
                .to_owned(),
        )
        .await?;
        for col in [
            string_null("webhook_id"),
            string_null("event"),
            string_null("message_id"),
            integer_null("response_status"),
        ] {
            let mut col = col;
            m.alter_table(
                Table::alter()
                    .table("outbox")
                    .add_column(&mut col)
                    .to_owned(),
            )
            .await?;
        }
        m.create_index(
            Index::create()
                .name("ix_outbox_webhook_id_id")
                .table("outbox")
                .col("webhook_id")
                .col("id")
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("ix_outbox_webhook_id_id")
                .table("outbox")
                .to_owned(),
        )
        .await?;
        for col in ["webhook_id", "event", "message_id", "response_status"] {
            m.alter_table(
                Table::alter()
                    .table("outbox")
                    .drop_column(Alias::new(col))
                    .to_owned(),
            )
            .await?;
        }
        m.drop_table(Table::drop().table("webhooks").to_owned())
            .await?;
        Ok(())
    }
}
