//! An account event of a user's security log. Never a token or a password.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "security_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub user_id: crate::domain::ids::UserId,
    /// A `SecurityEventKind` wire name (`SIGNED_IN`, …).
    pub kind: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// A short, non-secret detail ("from the profile", the new address, …).
    pub detail: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
