//! A user's OAuth connection to Jira or GitHub; tokens encrypted.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "oauth_connections")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub user_id: crate::domain::ids::UserId,
    pub provider: crate::domain::kinds::Provider,
    /// Encrypted.
    #[sea_orm(column_type = "Text")]
    pub access_token: String,
    /// Encrypted.
    pub refresh_token: Option<String>,
    pub expires_at: Option<DateTimeUtc>,
    pub scopes: Option<String>,
    pub account_id: Option<String>,
    pub account_name: Option<String>,
    /// JSON text: cloudId, site name/url.
    pub metadata: Option<String>,
    pub is_valid: bool,
    pub last_error: Option<String>,
    pub last_error_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Background sync passes that failed in a row (back-off).
    pub sync_failures: i32,
    /// When the background sync may next use this connection.
    pub next_sync_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::UserId",
        to = "super::user::Column::Id"
    )]
    User,
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
