//! Use cases: one function per thing a user does (create a release, move its
//! status, link an item, …). REST handlers and server functions both call
//! these; they authorise through `domain::roles`, validate through
//! `domain::validation`, write inside one transaction (activity rows
//! included) and return view types. No HTTP and no HTML in here.

pub mod accounts;
pub mod activity;
pub mod api_tokens;
pub mod calendar;
pub mod catalog;
pub mod comments;
pub mod dashboard;
pub mod dependencies;
pub mod deployments;
pub mod freezes;
pub mod groups;
pub mod items;
pub mod mail;
pub mod notify;
pub mod oauth;
pub mod outgoing_webhooks;
pub mod policy;
pub mod releases;
pub mod search;
pub mod sprints;
pub mod team_search;
pub mod teams;
pub mod webhooks;

use crate::server::error::AppError;
use chrono::{DateTime, Utc};

/// `?limit=&cursor=` of every list (`API.md`): limit 1–500, default 100; the
/// cursor is the opaque id of the last item seen. Ids are UUIDv7, so ordering
/// by id is creation order, and paging by id is stable.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageRequest {
    /// Items per page.
    pub limit: Option<u64>,
    /// The `nextCursor` of the previous page.
    pub cursor: Option<String>,
}

impl PageRequest {
    /// The validated limit.
    pub fn limit(&self) -> Result<u64, AppError> {
        match self.limit {
            None => Ok(100),
            Some(n @ 1..=500) => Ok(n),
            Some(_) => Err(AppError::invalid_field(
                "limit",
                "limit must be between 1 and 500",
            )),
        }
    }

    /// A page of a short list held whole in memory (a release's items, a
    /// group's releases, a person's sessions), in its own order: the items
    /// after the one whose id is the cursor, up to the limit. An unknown
    /// cursor is a 400 (the list changed under it: start again).
    pub fn slice<T>(
        &self,
        all: Vec<T>,
        id_of: impl Fn(&T) -> String,
    ) -> Result<crate::views::Page<T>, AppError> {
        let limit = self.limit()? as usize;
        let start = match &self.cursor {
            None => 0,
            Some(c) => {
                all.iter().position(|t| id_of(t) == *c).ok_or_else(|| {
                    AppError::invalid_field(
                        "cursor",
                        "this cursor is not in the list; start again without it",
                    )
                })? + 1
            }
        };
        let mut rest: Vec<T> = all.into_iter().skip(start).collect();
        let next_cursor = if rest.len() > limit {
            rest.truncate(limit);
            rest.last().map(&id_of)
        } else {
            None
        };
        Ok(crate::views::Page {
            items: rest,
            next_cursor,
        })
    }

    /// Cuts `rows` (fetched with `limit + 1`) to a page and its next cursor.
    pub fn page<T>(
        &self,
        mut rows: Vec<T>,
        id_of: impl Fn(&T) -> String,
    ) -> Result<crate::views::Page<T>, AppError> {
        let limit = self.limit()? as usize;
        let next_cursor = if rows.len() > limit {
            rows.truncate(limit);
            rows.last().map(id_of)
        } else {
            None
        };
        Ok(crate::views::Page {
            items: rows,
            next_cursor,
        })
    }
}

/// Display names of the users `ids` names, in one query (none when there
/// are no ids): lists show names without a query per row.
pub async fn user_names(
    conn: &impl sea_orm::ConnectionTrait,
    ids: impl IntoIterator<Item = Option<crate::domain::ids::UserId>>,
) -> Result<std::collections::HashMap<crate::domain::ids::UserId, String>, AppError> {
    use crate::server::db::entities::user;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let mut ids: Vec<crate::domain::ids::UserId> = ids.into_iter().flatten().collect();
    ids.sort();
    ids.dedup();
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let users = user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(conn)
        .await?;
    Ok(users.into_iter().map(|u| (u.id, u.name)).collect())
}

/// RFC 3339 with a `Z`, the API's timestamp format.
pub fn ts(t: DateTime<Utc>) -> crate::domain::time::Timestamp {
    t.into()
}

/// Deserialises a field that may be absent (`None`), `null` (`Some(None)`)
/// or a value (`Some(Some(v))`): PATCH needs to tell "leave it" from "clear it".
pub fn double_option<'de, T, D>(de: D) -> Result<Option<Option<T>>, D::Error>
where
    T: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    serde::Deserialize::deserialize(de).map(Some)
}

/// A moment given as RFC 3339 (`2026-12-24T15:00:00Z`), or a 400 naming
/// `field`.
pub(crate) fn moment(field: &'static str, v: &str) -> Result<DateTime<Utc>, AppError> {
    DateTime::parse_from_rfc3339(v.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            AppError::invalid_field(
                field,
                format!("{field} must be a moment like 2026-12-24T15:00:00Z"),
            )
        })
}

/// A comma-separated list of values of `T` (`PLANNING,IN_REVIEW`); empty
/// or absent is the empty list; an unknown value is a 400 naming `field`.
pub(crate) fn parse_list<T: std::str::FromStr>(
    field: &'static str,
    raw: &Option<String>,
) -> Result<Vec<T>, AppError> {
    let Some(raw) = raw.as_deref().filter(|s| !s.trim().is_empty()) else {
        return Ok(vec![]);
    };
    raw.split(',')
        .map(|p| {
            p.trim().parse::<T>().map_err(|_| {
                AppError::invalid_field(
                    field,
                    format!("unknown {field} {}", crate::domain::quote(p.trim())),
                )
            })
        })
        .collect()
}
