//! Comments on releases: Markdown stored as written, rendered sanitised.
//! The author or an ADMIN+ edits and deletes.

use crate::domain::activity::release_label;
use crate::domain::ids::{CommentId, ReleaseId};
use crate::domain::validation;
use crate::server::access::{Editor, TeamContext};
use crate::server::db::entities::{comment, release, user};
use crate::server::db::scoped::TeamOwned;
use crate::server::db::{self, new_id};
use crate::server::error::{AppError, AppResult};
use crate::server::services::activity::{self, Change, NewActivity};
use crate::server::services::{ts, PageRequest};
use crate::server::state::AppState;
use crate::views::{CommentView, Page};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

/// Markdown → HTML with everything dangerous removed: no scripts, no event
/// handlers, no `javascript:` (or any non-http/mailto) links; links get
/// `rel="noopener noreferrer nofollow"`. Images are never loaded: a remote
/// image would tell its owner who read the comment and when, so a Markdown
/// image becomes a link to it (its alt text as the link text) and raw
/// `<img>` tags are dropped.
pub fn render_markdown(src: &str) -> String {
    use pulldown_cmark::{html, Event, Options, Parser, Tag, TagEnd};
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_TASKLISTS);
    let events = Parser::new_ext(src, opts).map(|e| match e {
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }),
        Event::End(TagEnd::Image) => Event::End(TagEnd::Link),
        other => other,
    });
    let mut out = String::new();
    html::push_html(&mut out, events);
    ammonia::Builder::default()
        .url_schemes(std::collections::HashSet::from(["http", "https", "mailto"]))
        .link_rel(Some("noopener noreferrer nofollow"))
        .rm_tags(["img"])
        .clean(&out)
        .to_string()
}

pub(crate) fn view(c: comment::Model, author_name: Option<String>) -> CommentView {
    CommentView {
        body_html: render_markdown(&c.body),
        id: c.id,
        release_id: c.release_id,
        author_id: c.author_id,
        author_name,
        body: c.body,
        created_at: ts(c.created_at),
        updated_at: ts(c.updated_at),
    }
}

async fn release_of(
    state: &AppState,
    ctx: &TeamContext,
    release_id: &ReleaseId,
) -> AppResult<release::Model> {
    release::Entity::find_by_id_in(ctx, release_id.to_string())
        .one(&state.db)
        .await?
        .ok_or_else(|| AppError::not_found("release"))
}

/// A release's comments, oldest first.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), release_id = %release_id))]
pub async fn list(
    state: &AppState,
    ctx: &TeamContext,
    release_id: &ReleaseId,
    page: &PageRequest,
) -> AppResult<Page<CommentView>> {
    release_of(state, ctx, release_id).await?;
    let mut q = comment::Entity::find_in(ctx)
        .filter(comment::Column::ReleaseId.eq(release_id))
        .order_by_asc(comment::Column::Id)
        .limit(page.limit()? + 1);
    if let Some(c) = &page.cursor {
        q = q.filter(comment::Column::Id.gt(c.as_str()));
    }
    let rows = q.all(&state.db).await?;
    let names = super::user_names(&state.db, rows.iter().map(|c| c.author_id.clone())).await?;
    let items = rows
        .into_iter()
        .map(|c| {
            let name = c.author_id.as_ref().and_then(|a| names.get(a).cloned());
            view(c, name)
        })
        .collect();
    page.page(items, |c: &CommentView| c.id.to_string())
}

/// Adds a comment (MEMBER+), with its COMMENT_ADDED activity.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), release_id = %release_id))]
pub async fn create(
    state: &AppState,
    ctx: &Editor<'_>,
    release_id: &ReleaseId,
    body: &str,
) -> AppResult<CommentView> {
    let author = ctx.person("comment")?.clone();
    let body = validation::long_text("body", body, validation::MAX_COMMENT)?;
    if body.trim().is_empty() {
        return Err(AppError::invalid_field("body", "a comment needs some text"));
    }
    let r = release_of(state, ctx, release_id).await?;
    let txn = db::begin_write(&state.db).await?;
    let now = db::now();
    let c = comment::ActiveModel {
        id: Set(new_id()),
        team_id: Set(ctx.team_id().clone()),
        release_id: Set(r.id.clone()),
        author_id: Set(Some(author)),
        body: Set(body),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let ev = activity::record(
        &txn,
        ctx,
        NewActivity::on(
            &r.id,
            Change::Commented {
                release: release_label(&r.title, &r.version),
                comment_id: c.id.clone(),
            },
        ),
    )
    .await?;
    txn.commit().await?;
    state.events.publish([ev]);
    Ok(view(c, Some(ctx.user_name().to_string())))
}

async fn editable(
    state: &AppState,
    ctx: &Editor<'_>,
    release_id: &ReleaseId,
    id: &CommentId,
) -> AppResult<comment::Model> {
    let c = comment::Entity::find_by_id_in(ctx, id.to_string())
        .filter(comment::Column::ReleaseId.eq(release_id))
        .one(&state.db)
        .await?
        .ok_or_else(|| AppError::not_found("comment"))?;
    let is_author = ctx.user_id().is_some() && c.author_id.as_ref() == ctx.user_id();
    if !(is_author || ctx.role().can_manage_team_config()) {
        return Err(AppError::Forbidden(
            "only the author or an admin can change this comment".into(),
        ));
    }
    Ok(c)
}

/// Edits a comment (author or ADMIN+). Edits and deletions are audited as
/// RELEASE_UPDATED activity (`comment_edited`, `comment_deleted`), which also
/// carries them live to open release pages.
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), id = %id, release_id = %release_id))]
pub async fn update(
    state: &AppState,
    ctx: &Editor<'_>,
    release_id: &ReleaseId,
    id: &CommentId,
    body: &str,
) -> AppResult<CommentView> {
    let body = validation::long_text("body", body, validation::MAX_COMMENT)?;
    if body.trim().is_empty() {
        return Err(AppError::invalid_field("body", "a comment needs some text"));
    }
    let c = editable(state, ctx, release_id, id).await?;
    if c.body == body {
        // Nothing changed: no write, no activity.
        let author = author_name(state, &c).await?;
        return Ok(view(c, author));
    }
    let r = release_of(state, ctx, release_id).await?;
    let txn = db::begin_write(&state.db).await?;
    let updated = comment::ActiveModel {
        id: Set(c.id),
        body: Set(body),
        updated_at: Set(db::now()),
        ..Default::default()
    }
    .update(&txn)
    .await?;
    let ev = activity::record(
        &txn,
        ctx,
        NewActivity::on(
            &r.id,
            Change::CommentEdited {
                release: release_label(&r.title, &r.version),
                comment_id: updated.id.clone(),
            },
        ),
    )
    .await?;
    txn.commit().await?;
    state.events.publish([ev]);
    let author = author_name(state, &updated).await?;
    Ok(view(updated, author))
}

async fn author_name(state: &AppState, c: &comment::Model) -> AppResult<Option<String>> {
    Ok(match &c.author_id {
        Some(a) => user::Entity::find_by_id(a.clone())
            .one(&state.db)
            .await?
            .map(|u| u.name),
        None => None,
    })
}

/// Deletes a comment (author or ADMIN+).
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id(), id = %id, release_id = %release_id))]
pub async fn delete(
    state: &AppState,
    ctx: &Editor<'_>,
    release_id: &ReleaseId,
    id: &CommentId,
) -> AppResult<()> {
    let c = editable(state, ctx, release_id, id).await?;
    let r = release_of(state, ctx, release_id).await?;
    let txn = db::begin_write(&state.db).await?;
    comment::Entity::delete_many_in(ctx)
        .filter(comment::Column::Id.eq(c.id.clone()))
        .exec(&txn)
        .await?;
    let ev = activity::record(
        &txn,
        ctx,
        NewActivity::on(
            &r.id,
            Change::CommentDeleted {
                release: release_label(&r.title, &r.version),
                comment_id: c.id.clone(),
            },
        ),
    )
    .await?;
    txn.commit().await?;
    state.events.publish([ev]);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::render_markdown;

    #[test]
    fn markdown_is_sanitised() {
        let html = render_markdown("**hi** <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)> [ok](https://example.com)");
        assert!(html.contains("<strong>hi</strong>"));
        assert!(
            !html.contains("<script") && !html.contains("javascript:") && !html.contains("onerror"),
            "{html}"
        );
        assert!(html.contains("href=\"https://example.com\""));
        assert!(html.contains("noopener"));
    }

    #[test]
    fn images_are_never_loaded() {
        let html = render_markdown(
            "![the chart](https://tracker.example/p.gif?u=1) <img src=\"https://tracker.example/q.gif\">",
        );
        assert!(!html.contains("<img"), "{html}");
        assert!(
            html.contains(r#"<a href="https://tracker.example/p.gif?u=1" rel="noopener noreferrer nofollow">the chart</a>"#),
            "{html}"
        );
    }
}
