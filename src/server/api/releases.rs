//! `/api/releases`, their comments and activities, the team feed and the
//! live event stream.

use super::page_query;
use crate::domain::ids::{CommentId, ReleaseId};
use crate::server::access::TeamContext;
use crate::server::auth::AuthSession;
use crate::server::error::{ApiJson, AppError, AppResult};
use crate::server::events::{StreamOwner, StreamRefusal};
use crate::server::services::activity::ActivityFilter;
use crate::server::services::releases::{self, ReleaseFilter, ReleaseInput};
use crate::server::services::{activity, comments, PageRequest};
use crate::server::state::AppState;
use crate::views::{ActivityView, CommentView, Page, ReleaseView};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::Json;
use serde::Deserialize;
use std::convert::Infallible;
use std::time::Duration;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes that answer quickly (under the request timeout).
pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(list, create))
        .routes(routes!(get_one, update, remove))
        .routes(routes!(release_activities))
        .routes(routes!(list_comments, add_comment))
        .routes(routes!(edit_comment, delete_comment))
        .routes(routes!(team_activities))
        .routes(routes!(export_activities))
}

/// The long-lived event stream (exempt from the request timeout).
pub(super) fn stream_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default().routes(routes!(events))
}

/// The `{id}` of a release.
const RELEASE_ID: &str = "The release's id";

/// List releases
///
/// Any member. Newest change first; filters combine.
#[utoipa::path(get, path = "/releases", tag = "releases", params(ReleaseFilter),
    responses((status = 200, description = "A page of releases", body = Page<ReleaseView>)))]
async fn list(
    State(s): State<AppState>,
    ctx: TeamContext,
    q: Result<Query<ReleaseFilter>, QueryRejection>,
) -> AppResult<Json<Page<ReleaseView>>> {
    let Query(f) =
        q.map_err(|e| AppError::bad_request(format!("invalid query: {}", e.body_text())))?;
    Ok(Json(releases::list(&s, &ctx, &f).await?))
}

/// Create a release
///
/// MEMBER and up. `serviceId`, `title` and `version` are required; the
/// release starts in PLANNING.
#[utoipa::path(post, path = "/releases", tag = "releases", request_body = ReleaseInput,
    responses((status = 201, description = "Created", body = ReleaseView)))]
async fn create(
    State(s): State<AppState>,
    ctx: TeamContext,
    ApiJson(body): ApiJson<ReleaseInput>,
) -> AppResult<(StatusCode, Json<ReleaseView>)> {
    Ok((
        StatusCode::CREATED,
        Json(releases::create(&s, &ctx.editor("create releases")?, body).await?),
    ))
}

/// One release
///
/// Any member.
#[utoipa::path(get, path = "/releases/{id}", tag = "releases",
    params(("id" = String, Path, description = RELEASE_ID)),
    responses((status = 200, description = "The release", body = ReleaseView)))]
async fn get_one(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<ReleaseId>,
) -> AppResult<Json<ReleaseView>> {
    Ok(Json(releases::get(&s, &ctx, &id).await?))
}

/// Change a release
///
/// MEMBER and up. Absent fields stay, `null` clears. A `status` moves
/// along the state machine: a forbidden move is 400 naming both states; a
/// stale `revision` is 409.
#[utoipa::path(patch, path = "/releases/{id}", tag = "releases", request_body = ReleaseInput,
    params(("id" = String, Path, description = RELEASE_ID)),
    responses((status = 200, description = "The changed release", body = ReleaseView),
        (status = 409, description = "Changed by someone else since `revision`", body = crate::server::error::ErrorBody)))]
async fn update(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<ReleaseId>,
    ApiJson(body): ApiJson<ReleaseInput>,
) -> AppResult<Json<ReleaseView>> {
    Ok(Json(
        releases::update(&s, &ctx.editor("edit releases")?, &id, body).await?,
    ))
}

/// Delete a release
///
/// MEMBER and up.
#[utoipa::path(delete, path = "/releases/{id}", tag = "releases",
    params(("id" = String, Path, description = RELEASE_ID)),
    responses((status = 204, description = "Deleted")))]
async fn remove(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<ReleaseId>,
) -> AppResult<StatusCode> {
    releases::delete(&s, &ctx.editor("delete releases")?, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A release's activity
///
/// Any member. Newest first.
#[utoipa::path(get, path = "/releases/{id}/activities", tag = "releases",
    params(("id" = String, Path, description = RELEASE_ID), PageRequest),
    responses((status = 200, description = "A page of activities", body = Page<ActivityView>)))]
async fn release_activities(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<ReleaseId>,
    q: Result<Query<PageRequest>, QueryRejection>,
) -> AppResult<Json<Page<ActivityView>>> {
    releases::get(&s, &ctx, &id).await?;
    Ok(Json(
        activity::feed(&s, &ctx, Some(&id), &page_query(q)?.into()).await?,
    ))
}

/// The team's activity feed
///
/// Any member. Newest first. Every significant change is here — releases,
/// services, sprints, deployment groups, members and roles, invitations,
/// settings, connections, API tokens, webhooks, freezes and policy — each
/// with who did it and, for edits, each field before and after. Filters
/// combine.
#[utoipa::path(get, path = "/activities", tag = "releases", params(ActivityFilter),
    responses((status = 200, description = "A page of activities", body = Page<ActivityView>)))]
async fn team_activities(
    State(s): State<AppState>,
    ctx: TeamContext,
    q: Result<Query<ActivityFilter>, QueryRejection>,
) -> AppResult<Json<Page<ActivityView>>> {
    let Query(f) =
        q.map_err(|e| AppError::bad_request(format!("invalid query: {}", e.body_text())))?;
    Ok(Json(activity::feed(&s, &ctx, None, &f).await?))
}

/// The export's format.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ExportQuery {
    /// `csv` or `jsonl`.
    format: Option<String>,
}

/// Export the activity log
///
/// Any member. The whole log (or what the filters of `GET /api/activities`
/// keep), newest first, as CSV with a header row or as JSON Lines (one
/// entry per line, as the API shows it). Streamed: any size, flat memory.
/// CSV cells that a spreadsheet would run as a formula start with `'`.
#[utoipa::path(get, path = "/activities/export", tag = "releases", params(ActivityFilter, ExportQuery),
    responses((status = 200, description = "The entries", content_type = "text/csv", body = String)))]
async fn export_activities(
    State(s): State<AppState>,
    ctx: TeamContext,
    q: Result<Query<ActivityFilter>, QueryRejection>,
    e: Result<Query<ExportQuery>, QueryRejection>,
) -> AppResult<axum::response::Response> {
    use axum::response::IntoResponse;
    let bad =
        |e: QueryRejection| AppError::bad_request(format!("invalid query: {}", e.body_text()));
    let Query(f) = q.map_err(bad)?;
    let Query(e) = e.map_err(bad)?;
    let format = activity::ExportFormat::parse(e.format.as_deref())?;
    let stream = activity::export(&s, &ctx, &f, format)?;
    let body = axum::body::Body::from_stream(futures::StreamExt::map(stream, |r| {
        r.map_err(|e| {
            // The status line is gone by now: log it, and cut the download
            // short so it is not mistaken for the whole log.
            tracing::error!(error = %e, "activity export failed part-way");
            std::io::Error::other("the export failed part-way")
        })
    }));
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                format.content_type().to_string(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", format.file_name()),
            ),
            (axum::http::header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response())
}

/// A comment's text.
#[derive(Deserialize, utoipa::ToSchema)]
struct CommentBody {
    /// Markdown, up to 20,000 characters.
    body: String,
}

/// A release's comments
///
/// Any member. Oldest first.
#[utoipa::path(get, path = "/releases/{id}/comments", tag = "releases",
    params(("id" = String, Path, description = RELEASE_ID), PageRequest),
    responses((status = 200, description = "A page of comments", body = Page<CommentView>)))]
async fn list_comments(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<ReleaseId>,
    q: Result<Query<PageRequest>, QueryRejection>,
) -> AppResult<Json<Page<CommentView>>> {
    Ok(Json(comments::list(&s, &ctx, &id, &page_query(q)?).await?))
}

/// Comment on a release
///
/// MEMBER and up, as a person (a token cannot comment).
#[utoipa::path(post, path = "/releases/{id}/comments", tag = "releases", request_body = CommentBody,
    params(("id" = String, Path, description = RELEASE_ID)),
    responses((status = 201, description = "Created", body = CommentView)))]
async fn add_comment(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<ReleaseId>,
    ApiJson(b): ApiJson<CommentBody>,
) -> AppResult<(StatusCode, Json<CommentView>)> {
    Ok((
        StatusCode::CREATED,
        Json(comments::create(&s, &ctx.editor("comment")?, &id, &b.body).await?),
    ))
}

/// Edit a comment
///
/// Its author.
#[utoipa::path(patch, path = "/releases/{id}/comments/{comment_id}", tag = "releases", request_body = CommentBody,
    params(("id" = String, Path, description = RELEASE_ID), ("comment_id" = String, Path, description = "The comment's id")),
    responses((status = 200, description = "The edited comment", body = CommentView)))]
async fn edit_comment(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path((id, comment_id)): Path<(ReleaseId, CommentId)>,
    ApiJson(b): ApiJson<CommentBody>,
) -> AppResult<Json<CommentView>> {
    Ok(Json(
        comments::update(
            &s,
            &ctx.editor("change comments")?,
            &id,
            &comment_id,
            &b.body,
        )
        .await?,
    ))
}

/// Delete a comment
///
/// Its author, or an ADMIN.
#[utoipa::path(delete, path = "/releases/{id}/comments/{comment_id}", tag = "releases",
    params(("id" = String, Path, description = RELEASE_ID), ("comment_id" = String, Path, description = "The comment's id")),
    responses((status = 204, description = "Deleted")))]
async fn delete_comment(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path((id, comment_id)): Path<(ReleaseId, CommentId)>,
) -> AppResult<StatusCode> {
    comments::delete(&s, &ctx.editor("delete comments")?, &id, &comment_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/events`: one `activity` event per committed activity of the
/// caller's current team, as JSON in the feed's shape; a comment every 15 s
/// keeps proxies from closing the connection. Ends on server shutdown, and
/// as soon as its session or membership is revoked (`server::events`).
/// 429 past the per-user or per-server cap.
#[utoipa::path(get, path = "/events", tag = "releases", summary = "The live event stream",
    description = "Server-sent events: `activity` (data: an activity, as in the feed) for every change the \
        team's activity log records, and `resync` when this client fell behind and should reload what it \
        shows. A comment every 15 s keeps proxies from closing the connection. 429 past the per-user or \
        per-server cap of open streams.",
    responses((status = 200, description = "An open stream", content_type = "text/event-stream"),
        (status = 429, description = "Too many open streams", body = crate::server::error::ErrorBody)))]
async fn events(
    State(s): State<AppState>,
    auth: AuthSession,
    ctx: TeamContext,
) -> AppResult<Sse<impl futures::Stream<Item = Result<Event, Infallible>>>> {
    let ticket = s
        .events
        .streams()
        .open(StreamOwner {
            session_id: auth.session_id.clone(),
            user_id: auth.user.id.clone(),
            team_id: ctx.team_id().clone(),
        })
        .map_err(|refusal| {
            AppError::TooManyRequests(match refusal {
                StreamRefusal::PerUser => {
                    "too many live connections are open for your account; close some tabs".into()
                }
                StreamRefusal::Total => "the server has too many live connections open".into(),
            })
        })?;
    let rx = s.events.subscribe(ctx.team_id());
    let closing = s.events.closing();
    let stream = futures::stream::unfold(
        (rx, closing, ticket),
        |(mut rx, mut closing, mut ticket)| async move {
            if *closing.borrow() || ticket.is_revoked() {
                return None;
            }
            tokio::select! {
                // Checked first: nothing more goes out once revoked.
                biased;
                _ = ticket.revoked() => None,
                _ = closing.changed() => None,
                msg = rx.recv() => match msg {
                    Ok(a) => {
                        let data = serde_json::to_string(&*a).unwrap_or_default();
                        let ev = Event::default().event("activity").id(a.id.clone()).data(data);
                        Some((Ok(ev), (rx, closing, ticket)))
                    }
                    // Fell behind: tell the client to reload what it shows.
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                        Some((Ok(Event::default().event("resync").data("{}")), (rx, closing, ticket)))
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => None,
                },
            }
        },
    );
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
