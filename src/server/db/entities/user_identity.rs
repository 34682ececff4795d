//! An account's identity at an OpenID Connect provider.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "user_identities")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub user_id: crate::domain::ids::UserId,
    /// The configured provider id (`RC_OIDC_<ID>_…`, lower case).
    pub provider: String,
    /// The provider's `sub` claim.
    pub subject: String,
    /// The verified email the provider gave when it was linked.
    pub email: String,
    pub created_at: DateTimeUtc,
    pub last_used_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
