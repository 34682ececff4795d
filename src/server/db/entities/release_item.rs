//! A Jira ticket or GitHub pull request linked to a release, with cached state.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "release_items")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: crate::domain::ids::ItemId,
    pub team_id: crate::domain::ids::TeamId,
    pub release_id: crate::domain::ids::ReleaseId,
    /// JIRA_TICKET or GITHUB_PR (column `type`).
    #[sea_orm(column_name = "type")]
    pub item_type: crate::domain::kinds::ItemType,
    pub external_id: String,
    pub title: Option<String>,
    pub status: Option<String>,
    pub status_category: Option<String>,
    pub assignee: Option<String>,
    pub url: Option<String>,
    pub added_by: Option<crate::domain::ids::UserId>,
    pub last_synced_at: Option<DateTimeUtc>,
    pub sync_error: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::release::Entity",
        from = "Column::ReleaseId",
        to = "super::release::Column::Id"
    )]
    Release,
}

impl Related<super::release::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Release.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
