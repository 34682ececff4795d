//! A release of a service: the card on the board.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "releases")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: crate::domain::ids::ReleaseId,
    pub team_id: crate::domain::ids::TeamId,
    pub service_id: crate::domain::ids::ServiceId,
    pub title: String,
    pub version: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub status: crate::domain::status::ReleaseStatus,
    pub priority: crate::domain::status::Priority,
    pub owner_id: Option<crate::domain::ids::UserId>,
    pub sprint_id: Option<crate::domain::ids::SprintId>,
    pub deployment_group_id: Option<crate::domain::ids::GroupId>,
    pub group_position: Option<i32>,
    pub target_date: Option<Date>,
    pub is_blocked: bool,
    pub blocked_reason: Option<String>,
    pub staging_deployed_at: Option<DateTimeUtc>,
    pub production_deployed_at: Option<DateTimeUtc>,
    /// Grows with every change; compare-and-set guard.
    /// Who last set the version (its creator until changed): separation
    /// of duties keeps them from approving it.
    pub version_set_by: Option<crate::domain::ids::UserId>,
    pub revision: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::team::Entity",
        from = "Column::TeamId",
        to = "super::team::Column::Id"
    )]
    Team,
    #[sea_orm(
        belongs_to = "super::service::Entity",
        from = "Column::ServiceId",
        to = "super::service::Column::Id"
    )]
    Service,
}

impl Related<super::team::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Team.def()
    }
}

impl Related<super::service::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Service.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
