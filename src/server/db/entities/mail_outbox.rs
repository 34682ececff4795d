//! An email waiting to be sent. The body (JSON `{text, html}`) holds links
//! that are credentials: it is encrypted with the app's key and emptied
//! once the message is sent.

use sea_orm::entity::prelude::*;

#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mail_outbox")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub to_address: String,
    pub subject: String,
    /// Encrypted JSON; empty once sent.
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTimeUtc>,
    /// Set when the message was given up (`RC_OUTBOX_GIVE_UP_HOURS`).
    pub failed_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Written by hand: the body is never printed.
impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("mail_outbox::Model")
            .field("id", &self.id)
            .field("subject", &self.subject)
            .field("body", &"[redacted]")
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}
