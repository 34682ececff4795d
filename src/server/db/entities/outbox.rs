//! A durable side effect (a Slack message) waiting to be sent.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub team_id: crate::domain::ids::TeamId,
    pub kind: String,
    /// JSON text.
    #[sea_orm(column_type = "Text")]
    pub payload: String,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    /// Set when the message was given up (retried for
    /// `RC_OUTBOX_GIVE_UP_HOURS`); it stays, visible, and is not retried.
    pub failed_at: Option<DateTimeUtc>,
    /// A webhook delivery's webhook (`kind` WEBHOOK); none for Slack.
    pub webhook_id: Option<String>,
    /// A webhook delivery's event (`release.created`, `ping`, …).
    pub event: Option<String>,
    /// A webhook delivery's `webhook-id`: the same on every retry and
    /// redelivery of one event, so receivers drop duplicates.
    pub message_id: Option<String>,
    /// The receiver's HTTP status on the last attempt.
    pub response_status: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
