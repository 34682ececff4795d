//! One release's page: what it shows, the lists it loads more of, and
//! the changes made from it (move, block, edit, delete).

use super::ReleaseRow;
use crate::domain::ids::{ReleaseId, UserId};
use crate::domain::status::ReleaseStatus;
use crate::views::*;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::{named, names, optional_priority};
#[cfg(feature = "ssr")]
use crate::serverfns::ctx;

/// Everything the release page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReleasePageData {
    /// The release and its names.
    pub row: ReleaseRow,
    /// The moves allowed from its status (the state machine's answer).
    pub allowed: Vec<ReleaseStatus>,
    /// Whether the caller may edit, move and comment.
    pub can_edit: bool,
    /// The caller's id (their comments are theirs to edit).
    pub me: UserId,
    /// Whether the caller is ADMIN or OWNER (may edit anyone's comment).
    pub is_admin: bool,
    /// Comments, oldest first.
    pub comments: Vec<CommentView>,
    /// The cursor of later comments, past the first 200.
    pub comments_next: Option<String>,
    /// Its latest activity, newest first ([`RELEASE_ACTIVITY_PAGE`]).
    pub activity: Vec<ActivityView>,
    /// The cursor of its earlier activity, if there is more.
    pub activity_next: Option<String>,
    /// The team's members (owner picker).
    pub members: Vec<MemberView>,
    /// Its deployments as CI reported them, newest first (the latest
    /// [`RELEASE_DEPLOYMENTS_PAGE`]).
    pub deployments: Vec<crate::views::DeploymentView>,
    /// The cursor of its earlier deployments, if there are more.
    pub deployments_next: Option<String>,
    /// Its description as sanitised HTML (Markdown, like comments).
    pub description_html: String,
}

/// The HTML of Markdown as a release description or a comment would show
/// it (sanitised): the editors' Preview.
#[server(prefix = "/rpc")]
pub async fn preview_markdown(text: String) -> Result<String, ApiError> {
    ctx::team().await?;
    crate::domain::validation::long_text("description", &text, 20_000)
        .map_err(crate::server::error::AppError::from)?;
    Ok(crate::server::services::comments::render_markdown(&text))
}

/// A release's comments after `cursor` (oldest first): the page's "Load
/// more comments".
#[server(prefix = "/rpc")]
pub async fn release_comments(
    release_id: ReleaseId,
    cursor: String,
) -> Result<crate::views::Page<CommentView>, ApiError> {
    use crate::server::services::{comments, PageRequest};
    let state = ctx::state()?;
    let team = ctx::team().await?;
    let page = PageRequest {
        limit: Some(200),
        cursor: Some(cursor),
    };
    Ok(comments::list(&state, &team, &release_id, &page).await?)
}

/// A release's deployments per page: the latest on its page, then as many
/// more with each "Load more".
pub const RELEASE_DEPLOYMENTS_PAGE: u64 = 20;
/// A release's activity entries per page.
pub const RELEASE_ACTIVITY_PAGE: u64 = 50;

/// A release's deployments after `cursor`, newest first (its page's "Load
/// more").
#[server(prefix = "/rpc")]
pub async fn release_deployments(
    release_id: ReleaseId,
    cursor: String,
) -> Result<Page<DeploymentView>, ApiError> {
    let state = ctx::state()?;
    let team = ctx::team().await?;
    deployments(&state, &team, release_id, Some(cursor)).await
}

/// A release's activity after `cursor`, newest first (its page's "Load
/// more").
#[server(prefix = "/rpc")]
pub async fn release_activity(
    release_id: ReleaseId,
    cursor: String,
) -> Result<Page<ActivityView>, ApiError> {
    let state = ctx::state()?;
    let team = ctx::team().await?;
    activity(&state, &team, release_id, Some(cursor)).await
}

#[cfg(feature = "ssr")]
async fn deployments(
    state: &crate::server::state::AppState,
    team: &crate::server::access::TeamContext,
    release_id: ReleaseId,
    cursor: Option<String>,
) -> Result<Page<DeploymentView>, ApiError> {
    use crate::server::services::deployments::{self, DeploymentFilter};
    // An unknown release is a 404, not an empty list.
    crate::server::services::releases::get(state, team, &release_id).await?;
    Ok(deployments::list(
        state,
        team,
        &DeploymentFilter {
            release_id: Some(release_id),
            limit: Some(RELEASE_DEPLOYMENTS_PAGE),
            cursor,
            ..Default::default()
        },
    )
    .await?)
}

#[cfg(feature = "ssr")]
async fn activity(
    state: &crate::server::state::AppState,
    team: &crate::server::access::TeamContext,
    release_id: ReleaseId,
    cursor: Option<String>,
) -> Result<Page<ActivityView>, ApiError> {
    use crate::server::services::activity::{self, ActivityFilter};
    crate::server::services::releases::get(state, team, &release_id).await?;
    Ok(activity::feed(
        state,
        team,
        Some(&release_id),
        &ActivityFilter {
            limit: Some(RELEASE_ACTIVITY_PAGE),
            cursor,
            ..Default::default()
        },
    )
    .await?)
}

/// The release page's data.
#[server(prefix = "/rpc")]
pub async fn release_page(id: ReleaseId) -> Result<ReleasePageData, ApiError> {
    use crate::server::services::{comments, releases, PageRequest};
    let state = ctx::state()?;
    let team = ctx::team().await?;
    let r = releases::get(&state, &team, &id).await?;
    let (_, members) = names(&state, &team).await?;
    let row = named(&state, &team, vec![r.clone()])
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| crate::server::error::AppError::not_found("release"))?;
    let first = PageRequest {
        limit: Some(200),
        cursor: None,
    };
    let comments = comments::list(&state, &team, &id, &first).await?;
    let activity = activity(&state, &team, id.clone(), None).await?;
    let deployments = deployments(&state, &team, id, None).await?;
    Ok(ReleasePageData {
        deployments: deployments.items,
        deployments_next: deployments.next_cursor,
        description_html: crate::server::services::comments::render_markdown(&r.description),
        allowed: r.status.allowed_targets(),
        row,
        can_edit: team.role().can_edit_releases(),
        me: team.person("open a release")?.clone(),
        is_admin: team.role().can_manage_team_config(),
        comments_next: comments.next_cursor,
        comments: comments.items,
        activity: activity.items,
        activity_next: activity.next_cursor,
        members,
    })
}

/// Moves a release to another status (the state machine and the blocking
/// rule apply); `revision` guards against moving a card someone else moved.
#[server(prefix = "/rpc")]
pub async fn move_release(
    id: ReleaseId,
    status: crate::domain::status::ReleaseStatus,
    revision: i64,
) -> Result<ReleaseView, ApiError> {
    use crate::server::services::releases::{self, ReleaseInput};
    let state = ctx::state()?;
    let team = ctx::team().await?;
    let input = ReleaseInput {
        status: Some(status),
        revision: Some(revision),
        ..Default::default()
    };
    releases::update(&state, &team.editor("edit releases")?, &id, input)
        .await
        .map_err(ApiError::from)
}

/// Marks a release blocked (with a reason) or unblocked.
#[server(prefix = "/rpc")]
pub async fn set_blocked(
    id: ReleaseId,
    blocked: bool,
    reason: String,
) -> Result<ReleaseView, ApiError> {
    use crate::server::services::releases::{self, ReleaseInput};
    let state = ctx::state()?;
    let team = ctx::team().await?;
    let input = ReleaseInput {
        is_blocked: Some(blocked),
        blocked_reason: Some(Some(reason)),
        ..Default::default()
    };
    releases::update(&state, &team.editor("edit releases")?, &id, input)
        .await
        .map_err(ApiError::from)
}

/// Deletes a release and goes back to the list.
#[server(prefix = "/rpc")]
pub async fn delete_release(id: ReleaseId) -> Result<(), ApiError> {
    let state = ctx::state()?;
    let team = ctx::team().await?;
    crate::server::services::releases::delete(&state, &team.editor("delete releases")?, &id)
        .await?;
    leptos_axum::redirect("/releases");
    Ok(())
}

/// Edits a release's fields; `revision` is the one the form was loaded at,
/// so an edit never silently overwrites someone else's.
#[server(prefix = "/rpc")]
pub async fn edit_release(
    id: ReleaseId,
    revision: i64,
    title: String,
    version: String,
    description: String,
    priority: String,
    owner_id: UserId,
    target_date: String,
) -> Result<ReleaseView, ApiError> {
    use crate::server::services::releases::{self, ReleaseInput};
    let state = ctx::state()?;
    let team = ctx::team().await?;
    let input = ReleaseInput {
        title: Some(title),
        version: Some(version),
        description: Some(description),
        priority: optional_priority(&priority)?,
        owner_id: Some(Some(owner_id)),
        target_date: Some(Some(target_date)),
        revision: Some(revision),
        ..Default::default()
    };
    releases::update(&state, &team.editor("edit releases")?, &id, input)
        .await
        .map_err(ApiError::from)
}
