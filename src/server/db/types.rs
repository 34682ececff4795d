//! The domain's closed vocabularies as SeaORM column types. `domain` stays
//! free of database types (it compiles for the browser too); here, in the
//! same crate, each enum gets the traits an entity field needs, stored as
//! the same text as always (no data migration).
//!
//! A stored value that does not parse is an error — never quietly read as
//! some default: the query fails with `DbErr::TryIntoErr` naming the type
//! and the value, which the web edge logs once and answers as an internal
//! error (it means the database holds something no code wrote).

use crate::domain::deployments::{DeployStatus, Environment};
use crate::domain::ids::{
    ActivityId, ApprovalId, CommentId, ConnectionId, DeliveryId, DependencyId, DeploymentId,
    FreezeId, GroupId, InvitationId, ItemId, ReleaseId, ServiceId, SprintId, TeamId, TokenId,
    UserId, WebhookId,
};
use crate::domain::kinds::{
    ActivityType, DependencyType, DeploymentOrder, ItemType, Provider, ResourceType, SprintStatus,
};
use crate::domain::roles::Role;
use crate::domain::status::{Priority, ReleaseStatus};
use sea_orm::sea_query::{ArrayType, ColumnType, Nullable, StringLen, ValueType, ValueTypeErr};
use sea_orm::{ColIdx, DbErr, QueryResult, TryGetError, TryGetable, Value};

/// The error of a stored text that is none of the type's values.
#[derive(Debug, thiserror::Error)]
#[error("the database holds {value:?}, which is not a {type_name}")]
pub struct CorruptValue {
    /// The Rust type.
    pub type_name: &'static str,
    /// What was stored.
    pub value: String,
}

macro_rules! text_column {
    ($($ty:ident),+ $(,)?) => {$(
        impl From<$ty> for Value {
            fn from(v: $ty) -> Self {
                Value::String(Some(v.as_str().to_string()))
            }
        }

        impl TryGetable for $ty {
            fn try_get_by<I: ColIdx>(res: &QueryResult, idx: I) -> Result<Self, TryGetError> {
                let stored = String::try_get_by(res, idx)?;
                stored.parse::<$ty>().map_err(|_| {
                    TryGetError::DbErr(DbErr::TryIntoErr {
                        from: "String",
                        into: stringify!($ty),
                        source: std::sync::Arc::new(CorruptValue {
                            type_name: stringify!($ty),
                            value: stored.chars().take(100).collect(),
                        }),
                    })
                })
            }
        }

        impl ValueType for $ty {
            fn try_from(v: Value) -> Result<Self, ValueTypeErr> {
                let s = <String as ValueType>::try_from(v)?;
                s.parse::<$ty>().map_err(|_| ValueTypeErr)
            }

            fn type_name() -> String {
                stringify!($ty).to_owned()
            }

            fn array_type() -> ArrayType {
                ArrayType::String
            }

            fn column_type() -> ColumnType {
                ColumnType::String(StringLen::None)
            }
        }

        impl Nullable for $ty {
            fn null() -> Value {
                Value::String(None)
            }
        }

        impl sea_orm::IntoActiveValue<$ty> for $ty {
            fn into_active_value(self) -> sea_orm::ActiveValue<$ty> {
                sea_orm::ActiveValue::Set(self)
            }
        }
    )+};
}

text_column!(
    ReleaseStatus,
    Priority,
    Role,
    DependencyType,
    ItemType,
    Provider,
    SprintStatus,
    DeploymentOrder,
    ActivityType,
    ResourceType,
    Environment,
    DeployStatus,
);

/// The typed ids of `domain::ids` as column types: the same text as always.
/// Any stored text is a valid id (ids are opaque), so reading never fails
/// on the value itself.
macro_rules! id_column {
    ($($ty:ident),+ $(,)?) => {$(
        impl From<$ty> for Value {
            fn from(v: $ty) -> Self {
                Value::String(Some(v.into_string()))
            }
        }

        impl From<&$ty> for Value {
            fn from(v: &$ty) -> Self {
                Value::String(Some(v.as_str().to_owned()))
            }
        }

        impl TryGetable for $ty {
            fn try_get_by<I: ColIdx>(res: &QueryResult, idx: I) -> Result<Self, TryGetError> {
                String::try_get_by(res, idx).map($ty::from)
            }
        }

        impl ValueType for $ty {
            fn try_from(v: Value) -> Result<Self, ValueTypeErr> {
                <String as ValueType>::try_from(v).map($ty::from)
            }

            fn type_name() -> String {
                stringify!($ty).to_owned()
            }

            fn array_type() -> ArrayType {
                ArrayType::String
            }

            fn column_type() -> ColumnType {
                ColumnType::String(StringLen::None)
            }
        }

        impl Nullable for $ty {
            fn null() -> Value {
                Value::String(None)
            }
        }

        impl sea_orm::TryFromU64 for $ty {
            fn try_from_u64(_: u64) -> Result<Self, DbErr> {
                Err(DbErr::ConvertFromU64(stringify!($ty)))
            }
        }

        impl sea_orm::IntoActiveValue<$ty> for $ty {
            fn into_active_value(self) -> sea_orm::ActiveValue<$ty> {
                sea_orm::ActiveValue::Set(self)
            }
        }
    )+};
}

id_column!(
    TeamId,
    UserId,
    ServiceId,
    ReleaseId,
    SprintId,
    GroupId,
    CommentId,
    ItemId,
    DependencyId,
    ActivityId,
    InvitationId,
    ConnectionId,
    TokenId,
    DeploymentId,
    WebhookId,
    DeliveryId,
    FreezeId,
    ApprovalId,
);
