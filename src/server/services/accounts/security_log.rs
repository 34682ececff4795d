//! A person's own security log: sign-ins, failed sign-ins, password
//! changes and resets, verification, sessions revoked. Written in the same
//! transaction as the change it records; read on the profile page and at
//! `GET /api/me/security-log`. Never a token or a password: the detail is a
//! short description the code writes, or an address.

use super::ClientMeta;
use crate::domain::ids::UserId;
use crate::domain::kinds::SecurityEventKind;
use crate::server::auth::AuthSession;
use crate::server::db::entities::security_event;
use crate::server::db::{self, new_id};
use crate::server::error::AppResult;
use crate::server::services::{ts, PageRequest};
use crate::server::state::AppState;
use crate::views::{Page, SecurityEventView};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

/// Adds an event to `user_id`'s log.
pub async fn record(
    conn: &impl ConnectionTrait,
    user_id: &UserId,
    kind: SecurityEventKind,
    meta: &ClientMeta,
    detail: Option<&str>,
) -> AppResult<()> {
    security_event::ActiveModel {
        id: Set(new_id()),
        user_id: Set(user_id.clone()),
        kind: Set(kind.as_str().to_string()),
        ip: Set(meta.ip.map(|ip| ip.to_string())),
        user_agent: Set(meta.user_agent.clone()),
        detail: Set(detail.map(|d| d.chars().take(300).collect())),
        created_at: Set(db::now()),
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// The caller's events, newest first.
pub async fn list(
    state: &AppState,
    auth: &AuthSession,
    page: &PageRequest,
) -> AppResult<Page<SecurityEventView>> {
    let mut q = security_event::Entity::find()
        .filter(security_event::Column::UserId.eq(&auth.user.id))
        .order_by_desc(security_event::Column::Id)
        .limit(page.limit()? + 1);
    if let Some(c) = &page.cursor {
        q = q.filter(security_event::Column::Id.lt(c.as_str()));
    }
    let rows = q.all(&state.db).await?;
    let items = rows
        .into_iter()
        .filter_map(|e| {
            Some(SecurityEventView {
                kind: e.kind.parse().ok()?,
                id: e.id,
                ip: e.ip,
                user_agent: e.user_agent,
                detail: e.detail,
                created_at: ts(e.created_at),
            })
        })
        .collect();
    page.page(items, |e: &SecurityEventView| e.id.clone())
}
