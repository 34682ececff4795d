//! A single-sign-on sign-in in flight: `id` is the SHA-256 of the `state`
//! sent to the provider; the nonce and PKCE verifier are encrypted.

use sea_orm::entity::prelude::*;

#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "oidc_states")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub provider: String,
    /// Encrypted.
    #[sea_orm(column_type = "Text")]
    pub nonce: String,
    /// Encrypted.
    #[sea_orm(column_type = "Text")]
    pub pkce_verifier: String,
    pub redirect_after: Option<String>,
    pub expires_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Written by hand: the nonce and verifier are never printed.
impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("oidc_state::Model")
            .field("provider", &self.provider)
            .field("nonce", &"[redacted]")
            .field("pkce_verifier", &"[redacted]")
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}
