//! One audit-log entry; outlives its release.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "activities")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: crate::domain::ids::ActivityId,
    pub team_id: crate::domain::ids::TeamId,
    pub release_id: Option<crate::domain::ids::ReleaseId>,
    pub user_id: Option<crate::domain::ids::UserId>,
    /// One of the activity types (column `type`).
    #[sea_orm(column_name = "type")]
    pub activity_type: crate::domain::kinds::ActivityType,
    pub action: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    /// JSON text.
    pub metadata: Option<String>,
    /// What it is about (none only on rows no migration could place).
    pub resource_type: Option<crate::domain::kinds::ResourceType>,
    /// Its id; plain text, no foreign key: the entry outlives it.
    pub resource_id: Option<String>,
    pub created_at: DateTimeUtc,
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
