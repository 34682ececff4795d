//! A release's comments: adding one, and editing or deleting it (its
//! author, or an ADMIN).

use crate::domain::ids::{CommentId, ReleaseId};
use crate::views::*;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::serverfns::ctx;

/// Edits a comment (its author, or an ADMIN).
#[server(prefix = "/rpc")]
pub async fn edit_comment(
    release_id: ReleaseId,
    comment_id: CommentId,
    body: String,
) -> Result<CommentView, ApiError> {
    let state = ctx::state()?;
    let team = ctx::team().await?;
    crate::server::services::comments::update(
        &state,
        &team.editor("change comments")?,
        &release_id,
        &comment_id,
        &body,
    )
    .await
    .map_err(ApiError::from)
}

/// Deletes a comment (its author, or an ADMIN).
#[server(prefix = "/rpc")]
pub async fn delete_comment(release_id: ReleaseId, comment_id: CommentId) -> Result<(), ApiError> {
    let state = ctx::state()?;
    let team = ctx::team().await?;
    crate::server::services::comments::delete(
        &state,
        &team.editor("delete comments")?,
        &release_id,
        &comment_id,
    )
    .await
    .map_err(ApiError::from)
}

/// Adds a comment.
#[server(prefix = "/rpc")]
pub async fn add_comment(release_id: ReleaseId, body: String) -> Result<CommentView, ApiError> {
    let state = ctx::state()?;
    let team = ctx::team().await?;
    crate::server::services::comments::create(&state, &team.editor("comment")?, &release_id, &body)
        .await
        .map_err(ApiError::from)
}
