//! A single-use link sent by email: verify an address or reset a password.
//! Only the SHA-256 of the secret is stored.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "email_tokens")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub user_id: crate::domain::ids::UserId,
    /// `VERIFY_EMAIL` or `RESET_PASSWORD`.
    pub purpose: String,
    /// The address the link was sent to (for a verification: the address it
    /// proves, which may be the account's pending new one).
    pub email: String,
    pub token_hash: String,
    pub expires_at: DateTimeUtc,
    pub used_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
