//! `GET /api/search`: the current team's releases, services, sprints,
//! deployment groups and people matching what was typed, best first.
//!
//! The databases find the candidates through their full-text indexes
//! (SQLite FTS5, PostgreSQL `tsvector` with GIN; see the migration
//! `m20261207_000005_search`), at most [`PER_KIND`] of each kind; the pure
//! rule `domain::search::score` orders them the same way on both. People
//! are the team's members (a few hundred at most), matched in memory by the
//! same rule.

use crate::domain::kinds::{DeploymentOrder, SprintStatus};
use crate::domain::search::{fts5_query, pg_tsquery, query_words, score, MAX_QUERY};
use crate::server::access::TeamContext;
use crate::server::db::entities::{deployment_group, release, service, sprint};
use crate::server::db::scoped::TeamOwned;
use crate::server::error::{AppError, AppResult};
use crate::server::services::{teams, PageRequest};
use crate::server::state::AppState;
use crate::views::{SearchHit, SearchKind, SearchResults};
use migration::m20261207_000005_search::pg_document;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseBackend, QueryFilter, Statement};
use serde::Deserialize;
use std::collections::HashMap;

/// How many candidates of each kind the index is asked for.
const PER_KIND: u64 = 25;

/// The query of `GET /api/search`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FindQuery {
    /// What to look for: words, each matching the start of a word.
    pub q: Option<String>,
    /// At most this many hits (default 20, at most 50).
    pub limit: Option<u64>,
}

/// The ids of `table`'s rows of this team whose words match `words`, best
/// first by the index's own rank.
async fn candidates(
    state: &AppState,
    ctx: &TeamContext,
    table: &str,
    words: &[String],
) -> AppResult<Vec<String>> {
    let backend = state.db.get_database_backend();
    let stmt = match backend {
        DatabaseBackend::Postgres => {
            let doc = pg_document(table);
            Statement::from_sql_and_values(
                backend,
                format!(
                    "SELECT id FROM {table} WHERE team_id = $1 AND {doc} @@ to_tsquery('simple', $2) \
                     ORDER BY ts_rank({doc}, to_tsquery('simple', $2)) DESC, id DESC LIMIT {PER_KIND}"
                ),
                [ctx.team_id().to_string().into(), pg_tsquery(words).into()],
            )
        }
        _ => Statement::from_sql_and_values(
            backend,
            format!(
                "SELECT t.id FROM {table}_fts JOIN {table} t ON t.rowid = {table}_fts.rowid \
                 WHERE {table}_fts MATCH ? AND t.team_id = ? \
                 ORDER BY bm25({table}_fts), t.id DESC LIMIT {PER_KIND}"
            ),
            [fts5_query(words).into(), ctx.team_id().to_string().into()],
        ),
    };
    let rows = state.db.query_all_raw(stmt).await?;
    rows.iter()
        .map(|r| r.try_get::<String>("", "id").map_err(AppError::from))
        .collect()
}

/// A hit for a thing named `title`, with its score, if it matches.
fn hit(
    words: &[String],
    kind: SearchKind,
    id: String,
    title: String,
    subtitle: String,
    url: String,
) -> Option<(u32, SearchHit)> {
    let s = score(words, &title)?;
    Some((
        s,
        SearchHit {
            kind,
            id,
            title,
            subtitle,
            url,
        },
    ))
}

/// A sprint's state in words.
fn sprint_state(s: SprintStatus) -> &'static str {
    match s {
        SprintStatus::Planning => "Planning",
        SprintStatus::Active => "Active",
        SprintStatus::Completed => "Completed",
        SprintStatus::Cancelled => "Cancelled",
    }
}

/// Searches the current team (any member).
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id()))]
pub async fn find(state: &AppState, ctx: &TeamContext, q: &FindQuery) -> AppResult<SearchResults> {
    let text = q.q.as_deref().unwrap_or_default();
    if text.chars().count() > MAX_QUERY {
        return Err(AppError::invalid_field(
            "q",
            format!("a search is at most {MAX_QUERY} characters"),
        ));
    }
    let limit = match q.limit {
        None => 20,
        Some(n @ 1..=50) => n as usize,
        Some(_) => {
            return Err(AppError::invalid_field(
                "limit",
                "limit must be between 1 and 50",
            ))
        }
    };
    let words = query_words(text);
    if words.is_empty() {
        return Ok(SearchResults { items: vec![] });
    }
    let mut hits: Vec<(u32, SearchHit)> = vec![];
    let ids = candidates(state, ctx, "releases", &words).await?;
    if !ids.is_empty() {
        let rows = release::Entity::find_in(ctx)
            .filter(release::Column::Id.is_in(ids))
            .all(&state.db)
            .await?;
        let service_ids: Vec<String> = rows.iter().map(|r| r.service_id.to_string()).collect();
        let names: HashMap<String, String> = service::Entity::find_in(ctx)
            .filter(service::Column::Id.is_in(service_ids))
            .all(&state.db)
            .await?
            .into_iter()
            .map(|s| (s.id.to_string(), s.name))
            .collect();
        for r in rows {
            let service = names
                .get(r.service_id.as_str())
                .cloned()
                .unwrap_or_default();
            hits.extend(hit(
                &words,
                SearchKind::Release,
                r.id.to_string(),
                crate::domain::activity::release_label(&r.title, &r.version),
                format!("{service} · {}", r.status.label()),
                format!("/releases/{}", r.id),
            ));
        }
    }
    let ids = candidates(state, ctx, "services", &words).await?;
    if !ids.is_empty() {
        for s in service::Entity::find_in(ctx)
            .filter(service::Column::Id.is_in(ids))
            .all(&state.db)
            .await?
        {
            // Found by name or by slug, shown by name.
            if let Some(sc) = score(&words, &s.name).max(score(&words, &s.slug)) {
                hits.push((
                    sc,
                    SearchHit {
                        kind: SearchKind::Service,
                        id: s.id.to_string(),
                        title: s.name,
                        subtitle: s.slug,
                        url: format!("/releases?serviceId={}", s.id),
                    },
                ));
            }
        }
    }
    let ids = candidates(state, ctx, "sprints", &words).await?;
    if !ids.is_empty() {
        for s in sprint::Entity::find_in(ctx)
            .filter(sprint::Column::Id.is_in(ids))
            .all(&state.db)
            .await?
        {
            hits.extend(hit(
                &words,
                SearchKind::Sprint,
                s.id.to_string(),
                s.name,
                format!(
                    "{} – {} · {}",
                    s.start_date.format("%-d %b"),
                    s.end_date.format("%-d %b %Y"),
                    sprint_state(s.status)
                ),
                format!("/sprints/{}", s.id),
            ));
        }
    }
    let ids = candidates(state, ctx, "deployment_groups", &words).await?;
    if !ids.is_empty() {
        for g in deployment_group::Entity::find_in(ctx)
            .filter(deployment_group::Column::Id.is_in(ids))
            .all(&state.db)
            .await?
        {
            hits.extend(hit(
                &words,
                SearchKind::DeploymentGroup,
                g.id.to_string(),
                g.name,
                match g.deployment_order {
                    DeploymentOrder::Sequential => "Deployment group · one after another".into(),
                    DeploymentOrder::Simultaneous => "Deployment group · in waves".into(),
                },
                format!("/deployment-groups/{}", g.id),
            ));
        }
    }
    let everyone = PageRequest {
        limit: Some(500),
        cursor: None,
    };
    for m in teams::members(state, ctx, &everyone).await?.items {
        // A person is found by name or by email, and shown by name.
        let best = score(&words, &m.name).max(score(&words, &m.email));
        if let Some(s) = best {
            hits.push((
                s,
                SearchHit {
                    kind: SearchKind::Person,
                    id: m.user_id.to_string(),
                    title: m.name.clone(),
                    subtitle: format!("{} · {}", m.email, m.role.label()),
                    url: format!("/releases?ownerId={}", m.user_id),
                },
            ));
        }
    }
    hits.sort_by(|(a, x), (b, y)| {
        b.cmp(a)
            .then(x.kind.cmp(&y.kind))
            .then_with(|| x.title.cmp(&y.title))
    });
    Ok(SearchResults {
        items: hits.into_iter().take(limit).map(|(_, h)| h).collect(),
    })
}
