//! Items linked to a release: GitHub pull requests (and Jira tickets once
//! Jira connections exist). Adding one fetches its title, status, assignee
//! and link through the *caller's* connection and caches them; ITEM_ADDED
//! and ITEM_REMOVED are recorded. A token GitHub refuses (401) marks the
//! connection invalid, and the profile page asks to reconnect.

use crate::domain::items::{parse_jira_key, parse_pr};
use crate::domain::kinds::{ActivityType, ItemType, Provider};
use crate::domain::roles::Role;
use crate::server::auth::TeamContext;
use crate::server::db::entities::{oauth_connection, release_item};
use crate::server::db::{self, new_id};
use crate::server::error::{AppError, AppResult};
use crate::server::integrations::github::{self, GitHubError};
use crate::server::services::activity::{self, NewActivity};
use crate::server::services::ts;
use crate::server::state::AppState;
use crate::views::{ItemView, Page};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde::Deserialize;
use serde_json::json;

/// `{type, externalId}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ItemInput {
    /// JIRA_TICKET or GITHUB_PR.
    #[serde(rename = "type")]
    pub item_type: Option<String>,
    /// `PROJ-123`, `owner/repo#42` or a pull request URL.
    pub external_id: Option<String>,
}

fn view(i: release_item::Model) -> ItemView {
    ItemView {
        item_type: i.item_type.parse().unwrap_or(ItemType::GithubPr),
        id: i.id,
        release_id: i.release_id,
        external_id: i.external_id,
        title: i.title,
        status: i.status,
        status_category: i.status_category,
        assignee: i.assignee,
        url: i.url,
        last_synced_at: i.last_synced_at.map(ts),
        sync_error: i.sync_error,
        created_at: ts(i.created_at),
    }
}

/// The release's items, oldest first.
pub async fn list(
    state: &AppState,
    ctx: &TeamContext,
    release_id: &str,
) -> AppResult<Page<ItemView>> {
    let r = super::releases::find(&state.db, ctx, release_id).await?;
    let items = release_item::Entity::find()
        .filter(release_item::Column::ReleaseId.eq(r.id.as_str()))
        .order_by_asc(release_item::Column::Id)
        .all(&state.db)
        .await?
        .into_iter()
        .map(view)
        .collect();
    Ok(Page {
        items,
        next_cursor: None,
    })
}

/// The caller's usable GitHub token.
async fn github_token(
    state: &AppState,
    ctx: &TeamContext,
) -> AppResult<(oauth_connection::Model, String)> {
    let c = oauth_connection::Entity::find()
        .filter(oauth_connection::Column::UserId.eq(ctx.user_id.as_str()))
        .filter(oauth_connection::Column::Provider.eq(Provider::Github.as_str()))
        .one(&state.db)
        .await?
        .ok_or_else(|| AppError::bad_request("connect GitHub first (Profile → Connections)"))?;
    if !c.is_valid {
        return Err(AppError::bad_request(
            "your GitHub connection no longer works; reconnect GitHub on your profile",
        ));
    }
    let token = state.cipher.decrypt(&c.access_token).map_err(|_| {
        AppError::bad_request("your GitHub connection cannot be read; reconnect GitHub")
    })?;
    Ok((c, token.expose().to_string()))
}

/// GitHub refused the token: the connection is invalid until reconnected.
async fn invalidate(state: &AppState, c: &oauth_connection::Model) -> AppResult<AppError> {
    oauth_connection::Entity::update_many()
        .col_expr(oauth_connection::Column::IsValid, Expr::value(false))
        .col_expr(
            oauth_connection::Column::LastError,
            Expr::value(Some("GitHub refused the token (401)".to_string())),
        )
        .col_expr(
            oauth_connection::Column::LastErrorAt,
            Expr::value(Some(db::now())),
        )
        .filter(oauth_connection::Column::Id.eq(c.id.as_str()))
        .exec(&state.db)
        .await?;
    Ok(AppError::bad_request(
        "GitHub refused your token; reconnect GitHub on your profile",
    ))
}

/// Links an item to a release.
pub async fn add(
    state: &AppState,
    ctx: &TeamContext,
    release_id: &str,
    input: ItemInput,
) -> AppResult<ItemView> {
    ctx.require(Role::can_edit_releases, "link items")?;
    let r = super::releases::find(&state.db, ctx, release_id).await?;
    let kind: ItemType = input
        .item_type
        .as_deref()
        .unwrap_or("")
        .parse()
        .map_err(|_| AppError::invalid_field("type", "type must be JIRA_TICKET or GITHUB_PR"))?;
    let raw = input.external_id.unwrap_or_default();
    let now = db::now();
    let model = match kind {
        ItemType::JiraTicket => {
            parse_jira_key(&raw).ok_or_else(|| {
                AppError::invalid_field("externalId", "a Jira key looks like PROJ-123")
            })?;
            return Err(AppError::bad_request(
                "Jira is not connected for your account; Jira tickets are linked through your own Jira connection",
            ));
        }
        ItemType::GithubPr => {
            let pr = parse_pr(&raw).ok_or_else(|| {
                AppError::invalid_field(
                    "externalId",
                    "a pull request looks like owner/repo#42 or https://github.com/owner/repo/pull/42",
                )
            })?;
            let (conn, token) = github_token(state, ctx).await?;
            let pull = match github::pull(
                &state.http,
                &state.settings.github_api_base,
                &token,
                &pr.owner,
                &pr.repo,
                pr.number,
            )
            .await
            {
                Ok(Some(p)) => p,
                Ok(None) => {
                    return Err(AppError::NotFound(format!(
                        "GitHub has no pull request {} you can see",
                        pr.external_id()
                    )))
                }
                Err(GitHubError::Unauthorized) => return Err(invalidate(state, &conn).await?),
                Err(e) => return Err(AppError::BadGateway(e.to_string())),
            };
            release_item::ActiveModel {
                id: Set(new_id()),
                team_id: Set(ctx.team_id.clone()),
                release_id: Set(r.id.clone()),
                item_type: Set(kind.as_str().into()),
                external_id: Set(pr.external_id()),
                status: Set(Some(pull.status().into())),
                status_category: Set(Some(pull.status().into())),
                assignee: Set(pull.assignee.or(pull.user).map(|u| u.login)),
                url: Set(Some(pull.html_url)),
                title: Set(Some(pull.title)),
                added_by: Set(Some(ctx.user_id.clone())),
                last_synced_at: Set(Some(now)),
                sync_error: Set(None),
                created_at: Set(now),
            }
        }
    };
    let txn = db::begin_write(&state.db).await?;
    let saved = model.insert(&txn).await.map_err(|e| {
        if db::is_unique_violation(&e) {
            AppError::Conflict("that item is already linked to this release".into())
        } else {
            e.into()
        }
    })?;
    let ev = activity::record(
        &txn,
        ctx,
        NewActivity {
            kind: ActivityType::ItemAdded,
            release_id: Some(&r.id),
            action: "item_added",
            description: format!(
                "{} linked {} to {} {}",
                ctx.user_name, saved.external_id, r.title, r.version
            ),
            metadata: Some(
                json!({"itemId": saved.id, "type": kind, "externalId": saved.external_id}),
            ),
        },
    )
    .await?;
    txn.commit().await?;
    state.events.publish([ev]);
    Ok(view(saved))
}

/// Unlinks an item.
pub async fn remove(
    state: &AppState,
    ctx: &TeamContext,
    release_id: &str,
    item_id: &str,
) -> AppResult<()> {
    ctx.require(Role::can_edit_releases, "unlink items")?;
    let r = super::releases::find(&state.db, ctx, release_id).await?;
    let item = release_item::Entity::find_by_id(item_id.to_string())
        .filter(release_item::Column::ReleaseId.eq(r.id.as_str()))
        .one(&state.db)
        .await?
        .ok_or_else(|| AppError::not_found("item"))?;
    let txn = db::begin_write(&state.db).await?;
    release_item::Entity::delete_by_id(item.id.clone())
        .exec(&txn)
        .await?;
    let ev = activity::record(
        &txn,
        ctx,
        NewActivity {
            kind: ActivityType::ItemRemoved,
            release_id: Some(&r.id),
            action: "item_removed",
            description: format!(
                "{} unlinked {} from {} {}",
                ctx.user_name, item.external_id, r.title, r.version
            ),
            metadata: Some(json!({"itemId": item.id, "externalId": item.external_id})),
        },
    )
    .await?;
    txn.commit().await?;
    state.events.publish([ev]);
    Ok(())
}

/// Refreshes one item's cached state through the caller's connection; a
/// failure is kept on the item (`syncError`) and answered.
pub async fn sync(
    state: &AppState,
    ctx: &TeamContext,
    release_id: &str,
    item_id: &str,
) -> AppResult<ItemView> {
    let r = super::releases::find(&state.db, ctx, release_id).await?;
    let item = release_item::Entity::find_by_id(item_id.to_string())
        .filter(release_item::Column::ReleaseId.eq(r.id.as_str()))
        .one(&state.db)
        .await?
        .ok_or_else(|| AppError::not_found("item"))?;
    let pr = parse_pr(&item.external_id)
        .ok_or_else(|| AppError::bad_request("only GitHub pull requests sync for now"))?;
    let (conn, token) = github_token(state, ctx).await?;
    let result = github::pull(
        &state.http,
        &state.settings.github_api_base,
        &token,
        &pr.owner,
        &pr.repo,
        pr.number,
    )
    .await;
    let mut am: release_item::ActiveModel = item.clone().into();
    let now = db::now();
    match result {
        Ok(Some(p)) => {
            am.status = Set(Some(p.status().into()));
            am.status_category = Set(Some(p.status().into()));
            am.assignee = Set(p.assignee.or(p.user).map(|u| u.login));
            am.url = Set(Some(p.html_url));
            am.title = Set(Some(p.title));
            am.last_synced_at = Set(Some(now));
            am.sync_error = Set(None);
        }
        Ok(None) => am.sync_error = Set(Some("GitHub no longer shows this pull request".into())),
        Err(GitHubError::Unauthorized) => {
            am.sync_error = Set(Some("GitHub refused the token (401)".into()));
            am.update(&state.db).await?;
            return Err(invalidate(state, &conn).await?);
        }
        Err(e) => am.sync_error = Set(Some(e.to_string())),
    }
    Ok(view(am.update(&state.db).await?))
}
