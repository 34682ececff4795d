//! Identity: email that is verified, password reset by email, a per-user
//! security log and the mail queue.
//!
//! - `users.email_verified_at`: when the account proved it reads its email
//!   (NULL: not verified). Accounts that existed before this migration are
//!   *not* marked verified: nothing ever proved their address, and marking
//!   them would keep an address squatted before the change. They stay fully
//!   usable; only accepting an invitation (where SMTP is configured) asks
//!   them to click the link "Resend" sends them.
//! - `users.pending_email`: a new address waiting for its link; the old one
//!   stays in force until then.
//! - `users.deleted_at`: the account was deleted. The row stays as a
//!   nameless "Former member" (no email, no password, no sessions, teams,
//!   connections or tokens) so releases, comments and the audit log keep an
//!   author that says what happened, as GitLab's ghost user does.
//! - `email_tokens`: single-use links (verify an address, reset a password),
//!   stored as SHA-256 of the secret, each with its purpose, the address it
//!   was sent to and an expiry.
//! - `mail_outbox`: outgoing email, written in the same transaction as the
//!   change that causes it and sent by the outbox worker with retries. The
//!   body carries a link that is a credential, so it is stored encrypted and
//!   emptied once sent.
//! - `security_events`: sign-ins, failed sign-ins, password changes and
//!   resets, verification, sessions revoked — what the profile's security
//!   log shows. Never a token or a password.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    integer, string, string_null, text, text_null, timestamp_with_time_zone,
    timestamp_with_time_zone_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn user_fk(table: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_user_id"))
        .from(table, "user_id")
        .to("users", "id")
        .on_delete(ForeignKeyAction::Cascade)
        .on_update(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("users")
                .add_column(timestamp_with_time_zone_null("email_verified_at"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("users")
                .add_column(string_null("pending_email"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("users")
                .add_column(timestamp_with_time_zone_null("deleted_at"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("email_tokens")
                .col(string("id").primary_key())
                .col(string("user_id"))
                .col(string("purpose"))
                .col(string("email"))
                .col(string("token_hash"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone_null("used_at"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut user_fk("email_tokens"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_email_tokens_token_hash")
                .table("email_tokens")
                .col("token_hash")
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_email_tokens_user_id")
                .table("email_tokens")
                .col("user_id")
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("mail_outbox")
                .col(string("id").primary_key())
                .col(string("to_address"))
                .col(string("subject"))
                .col(text("body"))
                .col(integer("attempts"))
                .col(timestamp_with_time_zone("next_attempt_at"))
                .col(text_null("last_error"))
                .col(timestamp_with_time_zone_null("sent_at"))
                .col(timestamp_with_time_zone_null("failed_at"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_mail_outbox_next_attempt_at")
                .table("mail_outbox")
                .col("next_attempt_at")
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("security_events")
                .col(string("id").primary_key())
                .col(string("user_id"))
                .col(string("kind"))
                .col(string_null("ip"))
                .col(string_null("user_agent"))
                .col(text_null("detail"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut user_fk("security_events"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_security_events_user_id_id")
                .table("security_events")
                .col("user_id")
                .col("id")
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["security_events", "mail_outbox", "email_tokens"] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        for c in ["deleted_at", "pending_email", "email_verified_at"] {
            m.alter_table(Table::alter().table("users").drop_column(c).to_owned())
                .await?;
        }
        Ok(())
    }
}
