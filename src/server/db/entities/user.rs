//! A person with a self-hosted account.

use sea_orm::entity::prelude::*;

#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: crate::domain::ids::UserId,
    /// Lower-cased, so uniqueness is case-insensitive.
    pub email: String,
    pub name: String,
    /// argon2id PHC string.
    pub password_hash: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// When the account proved it reads `email` (None: not verified).
    pub email_verified_at: Option<DateTimeUtc>,
    /// A new address waiting for its verification link.
    pub pending_email: Option<String>,
    /// Set when the account was deleted: the row stays as "Former member".
    pub deleted_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Written by hand: the password hash is never printed.
impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("user::Model")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("name", &self.name)
            .field("password_hash", &"[redacted]")
            .field("created_at", &self.created_at)
            .field("updated_at", &self.updated_at)
            .field("email_verified_at", &self.email_verified_at)
            .field("pending_email", &self.pending_email)
            .field("deleted_at", &self.deleted_at)
            .finish()
    }
}
