//! Team scope by construction: the only ways to reach team-owned rows.
//!
//! Every entity with a `team_id` implements [`TeamOwned`]. Use cases reach
//! its rows through `find_in(ctx)`, `find_by_id_in(ctx, id)`,
//! `update_many_in(ctx)` and `delete_many_in(ctx)`, which carry the caller's
//! team filter; a row of another team is simply not there (a 404, never a
//! 403 that would confirm it exists). `scripts/check-layers.sh` (run by
//! `make test`) refuses `Entity::find()`, `find_by_id`, `update_many`,
//! `delete_many` and `delete_by_id` on these entities anywhere but here.
//!
//! Work that acts for the system rather than for a caller — background
//! jobs, inbound webhooks that must first learn which team an event is
//! about, sign-in — says so with the `*_across_teams` forms, which are
//! easy to find and to review.

use crate::domain::ids::TeamId;
use crate::server::access::TeamContext;
use crate::server::db::entities::{
    activity, api_token, approval, comment, deployment, deployment_group, freeze, freeze_notice,
    invitation, outbox, release, release_dependency, release_item, service, sprint, team_member,
    webhook,
};
use sea_orm::{
    ColumnTrait, DeleteMany, EntityTrait, PrimaryKeyTrait, QueryFilter, Select, UpdateMany,
};

/// An entity whose rows each belong to one team.
pub trait TeamOwned: EntityTrait {
    /// The column naming the owning team.
    fn team_column() -> Self::Column;

    /// The rows of the caller's team.
    fn find_in(ctx: &TeamContext) -> Select<Self> {
        Self::find().filter(Self::team_column().eq(ctx.team_id()))
    }

    /// One row of the caller's team (none when it belongs to another team).
    fn find_by_id_in<K>(ctx: &TeamContext, id: K) -> Select<Self>
    where
        K: Into<<Self::PrimaryKey as PrimaryKeyTrait>::ValueType>,
    {
        Self::find_by_id(id).filter(Self::team_column().eq(ctx.team_id()))
    }

    /// An update of rows of the caller's team only.
    fn update_many_in(ctx: &TeamContext) -> UpdateMany<Self> {
        Self::update_many().filter(Self::team_column().eq(ctx.team_id()))
    }

    /// A delete of rows of the caller's team only.
    fn delete_many_in(ctx: &TeamContext) -> DeleteMany<Self> {
        Self::delete_many().filter(Self::team_column().eq(ctx.team_id()))
    }

    /// The rows of one team named by id, for work done for the system on
    /// that team's behalf (the dashboard's figures, a job's batch) where
    /// the team was established by the caller.
    fn find_in_team(team_id: &TeamId) -> Select<Self> {
        Self::find().filter(Self::team_column().eq(team_id))
    }

    /// An update of one team's rows named by id (see [`Self::find_in_team`]).
    fn update_many_in_team(team_id: &TeamId) -> UpdateMany<Self> {
        Self::update_many().filter(Self::team_column().eq(team_id))
    }

    /// Every team's rows: only for jobs and inbound webhooks acting for
    /// the system, never on a caller's request.
    fn find_across_teams() -> Select<Self> {
        Self::find()
    }

    /// An update over every team: only for jobs acting for the system.
    fn update_across_teams() -> UpdateMany<Self> {
        Self::update_many()
    }

    /// A delete over every team: only for jobs acting for the system.
    fn delete_across_teams() -> DeleteMany<Self> {
        Self::delete_many()
    }
}

macro_rules! team_owned {
    ($($module:ident),+ $(,)?) => {$(
        impl TeamOwned for $module::Entity {
            fn team_column() -> Self::Column {
                $module::Column::TeamId
            }
        }
    )+};
}

team_owned!(
    activity,
    api_token,
    approval,
    comment,
    deployment,
    deployment_group,
    freeze,
    freeze_notice,
    invitation,
    outbox,
    release,
    release_dependency,
    release_item,
    service,
    sprint,
    team_member,
    webhook,
);
