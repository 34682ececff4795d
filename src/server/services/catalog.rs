//! The team's catalogue of deployable services (the `Service` entity; the
//! folder name `services/` means use cases). ADMIN+ manages it.

use crate::domain::ids::ServiceId;
use crate::domain::kinds::ResourceType;
use crate::domain::validation;
use crate::server::access::{Admin, TeamContext};
use crate::server::db::entities::service;
use crate::server::db::scoped::TeamOwned;
use crate::server::db::{self, new_id};
use crate::server::error::{AppError, AppResult};
use crate::server::services::activity;
use crate::server::services::{ts, PageRequest};
use crate::server::state::AppState;
use crate::views::{Page, ServiceView};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Deserialize;

impl From<service::Model> for ServiceView {
    fn from(s: service::Model) -> Self {
        Self {
            id: s.id,
            team_id: s.team_id,
            name: s.name,
            slug: s.slug,
            description: s.description,
            github_repo: s.github_repo,
            jira_project_key: s.jira_project_key,
            created_at: ts(s.created_at),
            updated_at: ts(s.updated_at),
        }
    }
}

/// Create or update input; on update, absent fields stay as they are and
/// `null`/empty clears the optional ones.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServiceInput {
    /// Name.
    pub name: Option<String>,
    /// Slug; derived from the name when absent on create.
    pub slug: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// `owner/name`.
    #[serde(default, deserialize_with = "crate::server::services::double_option")]
    pub github_repo: Option<Option<String>>,
    /// Jira project key.
    #[serde(default, deserialize_with = "crate::server::services::double_option")]
    pub jira_project_key: Option<Option<String>>,
}

fn github_repo(v: Option<String>) -> AppResult<Option<String>> {
    let Some(v) = v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    if crate::domain::items::parse_repo(&v).is_some() {
        Ok(Some(v))
    } else {
        Err(AppError::invalid_field(
            "githubRepo",
            "the GitHub repository must look like owner/name",
        ))
    }
}

fn jira_key(v: Option<String>) -> AppResult<Option<String>> {
    let Some(v) = v.map(|s| s.trim().to_uppercase()).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let ok = v.len() <= 20
        && v.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && v.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(Some(v))
    } else {
        Err(AppError::invalid_field(
            "jiraProjectKey",
            "the Jira project key must look like PAY or WEB2",
        ))
    }
}

async fn find(state: &AppState, ctx: &TeamContext, id: &ServiceId) -> AppResult<service::Model> {
    service::Entity::find_by_id_in(ctx, id.to_string())
        .one(&state.db)
        .await?
        .ok_or_else(|| AppError::not_found("service"))
}

fn slug_conflict(e: sea_orm::DbErr) -> AppError {
    if db::is_unique_violation(&e) {
        AppError::Conflict("another service of this team already has that slug".into())
    } else {
        e.into()
    }
}

/// Lists the team's services by name.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id()))]
pub async fn list(
    state: &AppState,
    ctx: &TeamContext,
    page: &PageRequest,
) -> AppResult<Page<ServiceView>> {
    let mut q = service::Entity::find_in(ctx)
        .order_by_asc(service::Column::Id)
        .limit(page.limit()? + 1);
    if let Some(c) = &page.cursor {
        q = q.filter(service::Column::Id.gt(c.as_str()));
    }
    let items = q
        .all(&state.db)
        .await?
        .into_iter()
        .map(ServiceView::from)
        .collect();
    page.page(items, |s: &ServiceView| s.id.to_string())
}

/// How many services the team has (a list's total: one indexed `COUNT`).
pub async fn count(state: &AppState, ctx: &TeamContext) -> AppResult<u64> {
    use sea_orm::PaginatorTrait;
    Ok(service::Entity::find_in(ctx).count(&state.db).await?)
}

/// The names of these services of the team, by id (whatever the team's
/// size: looked up for these alone).
pub async fn names_of(
    state: &AppState,
    ctx: &TeamContext,
    ids: impl IntoIterator<Item = ServiceId>,
) -> AppResult<std::collections::HashMap<ServiceId, String>> {
    let mut ids: Vec<ServiceId> = ids.into_iter().collect();
    ids.sort();
    ids.dedup();
    if ids.is_empty() {
        return Ok(Default::default());
    }
    Ok(service::Entity::find_in(ctx)
        .filter(service::Column::Id.is_in(ids))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect())
}

/// One service.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), id = %id))]
pub async fn get(state: &AppState, ctx: &TeamContext, id: &ServiceId) -> AppResult<ServiceView> {
    Ok(find(state, ctx, id).await?.into())
}

/// Creates a service (ADMIN+).
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id()))]
pub async fn create(
    state: &AppState,
    ctx: &Admin<'_>,
    input: ServiceInput,
) -> AppResult<ServiceView> {
    let name = validation::required_line(
        "name",
        input.name.as_deref().unwrap_or_default(),
        validation::MAX_NAME,
    )?;
    let slug = match input.slug.as_deref() {
        Some(s) => validation::slug("slug", s)?,
        None => validation::slugify(&name, "service"),
    };
    let description = validation::long_text(
        "description",
        input.description.as_deref().unwrap_or_default(),
        validation::MAX_DESCRIPTION,
    )?;
    let now = db::now();
    let model = service::ActiveModel {
        id: Set(new_id()),
        team_id: Set(ctx.team_id().clone()),
        name: Set(name),
        slug: Set(slug),
        description: Set(description),
        github_repo: Set(github_repo(input.github_repo.flatten())?),
        jira_project_key: Set(jira_key(input.jira_project_key.flatten())?),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let txn = db::begin_write(&state.db).await?;
    let created = model.insert(&txn).await.map_err(slug_conflict)?;
    let event = activity::added(
        &txn,
        ctx,
        ResourceType::Service,
        &created.id,
        &created.name,
        None,
    )
    .await?;
    txn.commit().await?;
    state.events.publish(vec![event]);
    Ok(created.into())
}

/// A service's fields as the audit log shows them.
fn fields(s: &service::Model) -> [(&'static str, serde_json::Value); 5] {
    use serde_json::json;
    [
        ("name", json!(s.name)),
        ("slug", json!(s.slug)),
        ("description", json!(s.description)),
        ("githubRepo", json!(s.github_repo)),
        ("jiraProjectKey", json!(s.jira_project_key)),
    ]
}

/// Updates a service (ADMIN+).
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), id = %id))]
pub async fn update(
    state: &AppState,
    ctx: &Admin<'_>,
    id: &ServiceId,
    input: ServiceInput,
) -> AppResult<ServiceView> {
    let existing = find(state, ctx, id).await?;
    let mut am = service::ActiveModel {
        id: Set(existing.id.clone()),
        updated_at: Set(db::now()),
        ..Default::default()
    };
    if let Some(n) = &input.name {
        am.name = Set(validation::required_line("name", n, validation::MAX_NAME)?);
    }
    if let Some(s) = &input.slug {
        am.slug = Set(validation::slug("slug", s)?);
    }
    if let Some(d) = &input.description {
        am.description = Set(validation::long_text(
            "description",
            d,
            validation::MAX_DESCRIPTION,
        )?);
    }
    if let Some(r) = input.github_repo {
        am.github_repo = Set(github_repo(r)?);
    }
    if let Some(k) = input.jira_project_key {
        am.jira_project_key = Set(jira_key(k)?);
    }
    let txn = db::begin_write(&state.db).await?;
    let updated = am.update(&txn).await.map_err(slug_conflict)?;
    let event = activity::changed(
        &txn,
        ctx,
        ResourceType::Service,
        &updated.id,
        &updated.name,
        fields(&existing),
        fields(&updated),
    )
    .await?;
    txn.commit().await?;
    state.events.publish(event);
    Ok(updated.into())
}

/// Deletes a service and its releases (ADMIN+).
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), id = %id))]
pub async fn delete(state: &AppState, ctx: &Admin<'_>, id: &ServiceId) -> AppResult<()> {
    let existing = find(state, ctx, id).await?;
    let txn = db::begin_write(&state.db).await?;
    service::Entity::delete_many_in(ctx)
        .filter(service::Column::Id.eq(existing.id.clone()))
        .exec(&txn)
        .await?;
    let event = activity::removed(
        &txn,
        ctx,
        ResourceType::Service,
        &existing.id,
        &existing.name,
    )
    .await?;
    txn.commit().await?;
    state.events.publish(vec![event]);
    Ok(())
}
