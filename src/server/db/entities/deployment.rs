//! A deployment reported by CI: a fact, kept whatever the board did.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "deployments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: crate::domain::ids::DeploymentId,
    pub team_id: crate::domain::ids::TeamId,
    pub service_id: crate::domain::ids::ServiceId,
    pub release_id: Option<crate::domain::ids::ReleaseId>,
    pub version: String,
    pub environment: crate::domain::deployments::Environment,
    pub status: crate::domain::deployments::DeployStatus,
    pub commit_sha: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub url: Option<String>,
    pub key: Option<String>,
    /// The person who reported it (none: a token did, or they are gone).
    pub reported_by: Option<crate::domain::ids::UserId>,
    /// The token that reported it.
    pub token_id: Option<crate::domain::ids::TokenId>,
    /// Who reported it, as named then ("CI deploy (token)").
    pub reporter_name: String,
    /// JSON array of the statuses the release passed through.
    #[sea_orm(column_type = "Text")]
    pub moved: String,
    /// Why the board did not follow.
    #[sea_orm(column_type = "Text", nullable)]
    pub drift: Option<String>,
    /// The first answer, as JSON: what the same key answers again.
    #[sea_orm(column_type = "Text", nullable)]
    pub answer: Option<String>,
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
    #[sea_orm(
        belongs_to = "super::release::Entity",
        from = "Column::ReleaseId",
        to = "super::release::Column::Id"
    )]
    Release,
}

impl Related<super::team::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Team.def()
    }
}

impl Related<super::release::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Release.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
