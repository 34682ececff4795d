//! A pending OAuth authorisation; `id` is the SHA-256 of the `state` value.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "oauth_states")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub user_id: crate::domain::ids::UserId,
    pub provider: crate::domain::kinds::Provider,
    /// Encrypted.
    pub pkce_verifier: Option<String>,
    pub redirect_after: Option<String>,
    pub expires_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
