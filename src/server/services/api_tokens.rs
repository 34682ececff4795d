//! Team API tokens: scripts and CI reach the API without a person's
//! password (`Authorization: Bearer rc_…`).
//!
//! A token is `rc_` and 256 random bits (URL-safe base64); it is shown once,
//! when minted, and stored only as its SHA-256 (a token has full entropy, so
//! a fast hash is enough — unlike a password). Its `prefix` (the first 8
//! characters after `rc_`) names it in lists. A token belongs to the team,
//! not to the person who minted it: it keeps working after they leave, until
//! an ADMIN revokes it; the list says who created each.

use crate::domain::ids::TokenId;
use crate::domain::kinds::ResourceType;
use crate::domain::roles::Role;
use crate::domain::validation;
use crate::server::access::{self, Admin, TeamContext};
use crate::server::crypto::{hash_token, random_token};
use crate::server::db::entities::api_token;
use crate::server::db::scoped::TeamOwned;
use crate::server::db::{self, new_id};
use crate::server::error::{AppError, AppResult};
use crate::server::services::{activity, ts, user_names, PageRequest};
use crate::server::state::AppState;
use crate::views::{ApiTokenCreated, ApiTokenView, Page};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Deserialize;

/// What every token starts with: a secret scanner can find leaked ones.
pub const TOKEN_PREFIX: &str = "rc_";

/// The answer to an unknown, revoked or expired token (401).
pub const REFUSED: &str = "invalid, revoked or expired API token";

/// `POST /api/team/api-tokens`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewToken {
    /// What it is for ("CI deploy").
    pub name: String,
    /// ADMIN, MEMBER or VIEWER; never above the creator's role.
    pub role: Role,
    /// Days until it stops working (1–3650); none: it never expires.
    #[serde(default)]
    pub expires_in_days: Option<i64>,
}

/// The longest a token may live: ten years.
pub const MAX_DAYS: i64 = 3650;

fn view(t: api_token::Model, created_by: Option<String>) -> ApiTokenView {
    ApiTokenView {
        id: t.id,
        name: t.name,
        role: t.role,
        prefix: t.prefix,
        created_by,
        created_at: ts(t.created_at),
        last_used_at: t.last_used_at.map(ts),
        expires_at: t.expires_at.map(ts),
        revoked_at: t.revoked_at.map(ts),
    }
}

/// Mints a token (ADMIN+). The answer holds the secret; nothing else ever will.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id()))]
pub async fn create(
    state: &AppState,
    ctx: &Admin<'_>,
    input: NewToken,
) -> AppResult<ApiTokenCreated> {
    let creator = ctx.person("mint API tokens")?.clone();
    let name = validation::required_line("name", &input.name, validation::MAX_NAME)?;
    if !ctx.role().can_mint_token(input.role) {
        return Err(AppError::Forbidden(format!(
            "your role ({}) cannot mint a token with the role {}: a token is ADMIN, MEMBER or VIEWER, never above yours",
            ctx.role(),
            input.role
        )));
    }
    let expires_at = match input.expires_in_days {
        None => None,
        Some(d @ 1..=MAX_DAYS) => Some(db::now() + chrono::Duration::days(d)),
        Some(_) => {
            return Err(AppError::invalid_field(
                "expiresInDays",
                format!("expiresInDays must be between 1 and {MAX_DAYS}"),
            ))
        }
    };
    let secret = random_token();
    let token = format!("{TOKEN_PREFIX}{secret}");
    let model = api_token::ActiveModel {
        id: Set(new_id()),
        team_id: Set(ctx.team_id().clone()),
        name: Set(name),
        role: Set(input.role),
        token_hash: Set(hash_token(&token)),
        prefix: Set(secret.chars().take(8).collect()),
        created_by: Set(Some(creator)),
        last_used_at: Set(None),
        expires_at: Set(expires_at),
        revoked_at: Set(None),
        created_at: Set(db::now()),
    };
    let txn = db::begin_write(&state.db).await?;
    let model = model.insert(&txn).await?;
    let event = activity::added(
        &txn,
        ctx,
        ResourceType::ApiToken,
        &model.id,
        &model.name,
        Some(model.role.as_str().to_string()),
    )
    .await?;
    txn.commit().await?;
    state.events.publish(vec![event]);
    tracing::info!(token_id = %model.id, role = %model.role, "API token minted");
    Ok(ApiTokenCreated {
        id: model.id,
        name: model.name,
        role: model.role,
        prefix: model.prefix,
        token,
        created_at: ts(model.created_at),
        expires_at: model.expires_at.map(ts),
    })
}

/// The team's tokens, newest first, revoked ones included (ADMIN+).
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id()))]
pub async fn list(
    state: &AppState,
    ctx: &Admin<'_>,
    page: &PageRequest,
) -> AppResult<Page<ApiTokenView>> {
    let mut q = api_token::Entity::find_in(ctx)
        .order_by_desc(api_token::Column::Id)
        .limit(page.limit()? + 1);
    if let Some(c) = &page.cursor {
        q = q.filter(api_token::Column::Id.lt(c.as_str()));
    }
    let rows = q.all(&state.db).await?;
    let names = user_names(&state.db, rows.iter().map(|t| t.created_by.clone())).await?;
    let items = rows
        .into_iter()
        .map(|t| {
            let by = t.created_by.as_ref().and_then(|u| names.get(u).cloned());
            view(t, by)
        })
        .collect();
    page.page(items, |t: &ApiTokenView| t.id.to_string())
}

/// Revokes a token (ADMIN+): it answers 401 from then on. Revoking a
/// revoked token changes nothing; another team's token is 404.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), id = %id))]
pub async fn revoke(state: &AppState, ctx: &Admin<'_>, id: &TokenId) -> AppResult<()> {
    let t = api_token::Entity::find_by_id_in(ctx, id.clone())
        .one(&state.db)
        .await?
        .ok_or_else(|| AppError::not_found("API token"))?;
    if t.revoked_at.is_none() {
        let txn = db::begin_write(&state.db).await?;
        api_token::Entity::update_many_in(ctx)
            .col_expr(
                api_token::Column::RevokedAt,
                sea_orm::sea_query::Expr::value(db::now()),
            )
            .filter(api_token::Column::Id.eq(id))
            .exec(&txn)
            .await?;
        let event = activity::removed(&txn, ctx, ResourceType::ApiToken, id, &t.name).await?;
        txn.commit().await?;
        state.events.publish(vec![event]);
        tracing::info!(token_id = %id, "API token revoked");
    }
    Ok(())
}

/// How often `lastUsedAt` is written at most: a busy CI token costs one
/// write a minute, not one per request.
const LAST_USED_EVERY: chrono::Duration = chrono::Duration::minutes(1);

/// The team context of a bearer token, when it is one of ours, live
/// (unrevoked, unexpired). `None` answers 401 [`REFUSED`].
pub async fn authenticate(state: &AppState, bearer: &str) -> AppResult<Option<TeamContext>> {
    if !bearer.starts_with(TOKEN_PREFIX) || bearer.len() > 200 {
        return Ok(None);
    }
    let now = db::now();
    // Which team is asking is what this lookup finds out: across teams.
    let found = api_token::Entity::find_across_teams()
        .filter(api_token::Column::TokenHash.eq(hash_token(bearer)))
        .filter(api_token::Column::RevokedAt.is_null())
        .one(&state.db)
        .await?;
    let Some(t) = found else {
        return Ok(None);
    };
    if t.expires_at.is_some_and(|e| e <= now) {
        return Ok(None);
    }
    if t.last_used_at.is_none_or(|u| now - u >= LAST_USED_EVERY) {
        // Conditional, so that two servers (or two requests) racing write
        // once; a failure here must not fail the request.
        let stale = now - LAST_USED_EVERY;
        let write = api_token::Entity::update_across_teams()
            .col_expr(
                api_token::Column::LastUsedAt,
                sea_orm::sea_query::Expr::value(now),
            )
            .filter(api_token::Column::Id.eq(&t.id))
            .filter(
                sea_orm::Condition::any()
                    .add(api_token::Column::LastUsedAt.is_null())
                    .add(api_token::Column::LastUsedAt.lte(stale)),
            )
            .exec(&state.db)
            .await;
        if let Err(e) = write {
            tracing::warn!(error = %e, "could not record a token's last use");
        }
    }
    Ok(Some(access::for_token(&t)))
}
