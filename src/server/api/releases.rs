//! `/api/releases`, their comments and activities, the team feed and the
//! live event stream.

use super::page_query;
use crate::domain::ids::{CommentId, ReleaseId};
use crate::server::access::TeamContext;
use crate::server::auth::AuthSession;
use crate::server::error::{ApiJson, AppError, AppResult};
use crate::server::events::{StreamOwner, StreamRefusal};
use crate::server::services::releases::{self, ReleaseFilter, ReleaseInput};
use crate::server::services::{activity, comments, PageRequest};
use crate::server::state::AppState;
use crate::views::{ActivityView, CommentView, Page, ReleaseView};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::{get, patch};
use axum::{Json, Router};
use serde::Deserialize;
use std::convert::Infallible;
use std::time::Duration;

/// Routes that answer quickly (under the request timeout).
pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/releases", get(list).post(create))
        .route("/releases/{id}", get(get_one).patch(update).delete(remove))
        .route("/releases/{id}/activities", get(release_activities))
        .route(
            "/releases/{id}/comments",
            get(list_comments).post(add_comment),
        )
        .route(
            "/releases/{id}/comments/{comment_id}",
            patch(edit_comment).delete(delete_comment),
        )
        .route("/activities", get(team_activities))
}

/// The long-lived event stream (exempt from the request timeout).
pub(super) fn stream_router() -> Router<AppState> {
    Router::new().route("/events", get(events))
}

async fn list(
    State(s): State<AppState>,
    ctx: TeamContext,
    q: Result<Query<ReleaseFilter>, QueryRejection>,
) -> AppResult<Json<Page<ReleaseView>>> {
    let Query(f) =
        q.map_err(|e| AppError::bad_request(format!("invalid query: {}", e.body_text())))?;
    Ok(Json(releases::list(&s, &ctx, &f).await?))
}

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

async fn get_one(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<ReleaseId>,
) -> AppResult<Json<ReleaseView>> {
    Ok(Json(releases::get(&s, &ctx, &id).await?))
}

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

async fn remove(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<ReleaseId>,
) -> AppResult<StatusCode> {
    releases::delete(&s, &ctx.editor("delete releases")?, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn release_activities(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<ReleaseId>,
    q: Result<Query<PageRequest>, QueryRejection>,
) -> AppResult<Json<Page<ActivityView>>> {
    releases::get(&s, &ctx, &id).await?;
    Ok(Json(
        activity::feed(&s, &ctx, Some(&id), &page_query(q)?).await?,
    ))
}

async fn team_activities(
    State(s): State<AppState>,
    ctx: TeamContext,
    q: Result<Query<PageRequest>, QueryRejection>,
) -> AppResult<Json<Page<ActivityView>>> {
    Ok(Json(activity::feed(&s, &ctx, None, &page_query(q)?).await?))
}

#[derive(Deserialize)]
struct CommentBody {
    body: String,
}

async fn list_comments(
    State(s): State<AppState>,
    ctx: TeamContext,
    Path(id): Path<ReleaseId>,
    q: Result<Query<PageRequest>, QueryRejection>,
) -> AppResult<Json<Page<CommentView>>> {
    Ok(Json(comments::list(&s, &ctx, &id, &page_query(q)?).await?))
}

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
