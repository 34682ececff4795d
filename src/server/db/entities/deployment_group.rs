//! Releases that roll out together, in order or in waves.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "deployment_groups")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: crate::domain::ids::GroupId,
    pub team_id: crate::domain::ids::TeamId,
    pub name: String,
    pub sprint_id: Option<crate::domain::ids::SprintId>,
    pub owner_id: Option<crate::domain::ids::UserId>,
    pub target_date: Option<Date>,
    pub deployment_order: crate::domain::kinds::DeploymentOrder,
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
}

impl Related<super::team::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Team.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
