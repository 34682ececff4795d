//! A team: the multi-tenant root. Owns everything else.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "teams")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: crate::domain::ids::TeamId,
    pub name: String,
    pub slug: String,
    /// Encrypted (key id ‖ nonce ‖ ciphertext, base64).
    pub slack_webhook_url: Option<String>,
    pub slack_channel: Option<String>,
    pub notify_on_status_change: bool,
    pub notify_on_blocked: bool,
    pub notify_on_ready_to_deploy: bool,
    pub slack_last_error: Option<String>,
    pub slack_last_error_at: Option<DateTimeUtc>,
    /// The release policy rules, JSON `[{toStatus, approvals, …}]`; none: no rules.
    #[sea_orm(column_type = "Text", nullable)]
    pub policy: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
