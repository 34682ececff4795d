//! An outgoing webhook: a team's subscription to events; the signing
//! secret is encrypted.

use sea_orm::entity::prelude::*;

#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhooks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: crate::domain::ids::WebhookId,
    pub team_id: crate::domain::ids::TeamId,
    #[sea_orm(column_type = "Text")]
    pub url: String,
    /// JSON array: `["*"]` or event names.
    #[sea_orm(column_type = "Text")]
    pub events: String,
    /// `whsec_…`, encrypted with the server's key.
    #[sea_orm(column_type = "Text")]
    pub secret: String,
    pub active: bool,
    pub created_by: Option<crate::domain::ids::UserId>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// Written by hand: the (encrypted) secret is never printed.
impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webhook")
            .field("id", &self.id)
            .field("team_id", &self.team_id)
            .field("url", &self.url)
            .field("events", &self.events)
            .field("secret", &"[redacted]")
            .field("active", &self.active)
            .finish()
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::team::Entity",
        from = "Column::TeamId",
        to = "super::team::Column::Id"
    )]
    Team,
}

impl Related<super::team::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Team.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
