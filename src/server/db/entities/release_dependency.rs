//! `release_id` depends on `depends_on_id`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "release_dependencies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: crate::domain::ids::DependencyId,
    pub team_id: crate::domain::ids::TeamId,
    pub release_id: crate::domain::ids::ReleaseId,
    pub depends_on_id: crate::domain::ids::ReleaseId,
    /// BLOCKS, SOFT_DEPENDENCY or REQUIRES_SYNC (column `type`).
    #[sea_orm(column_name = "type")]
    pub dep_type: crate::domain::kinds::DependencyType,
    pub resolved_at: Option<DateTimeUtc>,
    pub created_by: Option<crate::domain::ids::UserId>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// This dependency as an edge of the domain's graph rules.
    pub fn edge(&self) -> crate::domain::graph::Edge {
        crate::domain::graph::Edge {
            dependent: self.release_id.clone(),
            blocker: self.depends_on_id.clone(),
            kind: self.dep_type,
        }
    }
}
