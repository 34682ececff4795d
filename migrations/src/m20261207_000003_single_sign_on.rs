//! Single sign-on with OpenID Connect.
//!
//! - `user_identities`: an account's identity at a provider (`provider` is
//!   the configured id, `subject` the provider's `sub`), unique per
//!   provider and subject; the email the provider vouched for when it was
//!   linked; when it was last used.
//! - `oidc_states`: a sign-in in flight, keyed by SHA-256 of its `state`;
//!   the nonce and the PKCE verifier are stored encrypted; single use and
//!   short-lived (purged when expired).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{string, text, text_null, timestamp_with_time_zone};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("user_identities")
                .col(string("id").primary_key())
                .col(string("user_id"))
                .col(string("provider"))
                .col(string("subject"))
                .col(string("email"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("last_used_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_user_identities_user_id")
                        .from("user_identities", "user_id")
                        .to("users", "id")
                        .on_delete(ForeignKeyAction::Cascade)
                        .on_update(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_user_identities_provider_subject")
                .table("user_identities")
                .col("provider")
                .col("subject")
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_user_identities_user_id")
                .table("user_identities")
                .col("user_id")
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("oidc_states")
                .col(string("id").primary_key())
                .col(string("provider"))
                .col(text("nonce"))
                .col(text("pkce_verifier"))
                .col(text_null("redirect_after"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["oidc_states", "user_identities"] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
