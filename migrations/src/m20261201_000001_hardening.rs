//! Hardening: a notification that could not be delivered for a day is
//! marked failed (`outbox.failed_at`) instead of being retried for ever or
//! dropped; inbound webhook deliveries are remembered for a while
//! (`webhook_deliveries`) so a replayed one is refused.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{string, timestamp_with_time_zone, timestamp_with_time_zone_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum WebhookDeliveries {
    Table,
    Id,
    Provider,
    ReceivedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Alias::new("outbox"))
                .add_column(timestamp_with_time_zone_null("failed_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(WebhookDeliveries::Table)
                .if_not_exists()
                .col(string(WebhookDeliveries::Id).primary_key())
                .col(string(WebhookDeliveries::Provider))
                .col(timestamp_with_time_zone(WebhookDeliveries::ReceivedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_webhook_deliveries_received_at")
                .table(WebhookDeliveries::Table)
                .col(WebhookDeliveries::ReceivedAt)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(WebhookDeliveries::Table).to_owned())
            .await?;
        m.alter_table(
            Table::alter()
                .table(Alias::new("outbox"))
                .drop_column(Alias::new("failed_at"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
