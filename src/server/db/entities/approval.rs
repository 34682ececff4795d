//! An approval (or rejection) of moving a release's version into a status.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "approvals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: crate::domain::ids::ApprovalId,
    pub team_id: crate::domain::ids::TeamId,
    pub release_id: crate::domain::ids::ReleaseId,
    pub user_id: crate::domain::ids::UserId,
    pub to_status: crate::domain::status::ReleaseStatus,
    /// `APPROVE` or `REJECT`.
    pub decision: String,
    #[sea_orm(column_type = "Text")]
    pub comment: String,
    /// The release's version it approves; another version voids it.
    pub version: String,
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
