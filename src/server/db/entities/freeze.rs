//! A freeze: a time no release moves into an environment — once (until
//! `ends_at`, or until lifted when there is none) or weekly in a time zone.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "freezes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: crate::domain::ids::FreezeId,
    pub team_id: crate::domain::ids::TeamId,
    pub name: String,
    #[sea_orm(column_type = "Text")]
    pub reason: String,
    pub starts_at: DateTimeUtc,
    pub ends_at: Option<DateTimeUtc>,
    /// JSON `{startDay, startTime, endDay, endTime}`, or none for a one-off.
    #[sea_orm(column_type = "Text", nullable)]
    pub recurrence: Option<String>,
    /// IANA time zone of the weekly window (`UTC` by default).
    pub timezone: String,
    /// JSON array of service ids; empty: every service.
    #[sea_orm(column_type = "Text")]
    pub service_ids: String,
    /// JSON array: `STAGING` and/or `PRODUCTION`.
    #[sea_orm(column_type = "Text")]
    pub environments: String,
    pub created_by: Option<crate::domain::ids::UserId>,
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
