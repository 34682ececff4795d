//! Releases, for the list and detail pages.

use crate::domain::ids::{CommentId, ReleaseId, UserId};
use crate::domain::status::ReleaseStatus;
use crate::views::*;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::ctx;

/// A release with the names it refers to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReleaseRow {
    /// The release.
    pub release: ReleaseView,
    /// Its service's name.
    pub service_name: String,
    /// Its owner's name.
    pub owner_name: Option<String>,
}

/// What the releases page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReleasesPageData {
    /// Matching releases, newest first.
    pub rows: Vec<ReleaseRow>,
    /// The team's services (for the filter and the new-release form).
    pub services: Vec<ServiceView>,
    /// The team's members (owner filter and picker).
    pub members: Vec<MemberView>,
    /// The team's sprints (new-release form; first page only).
    pub sprints: Vec<SprintView>,
    /// The team's deployment groups (new-release form; first page only).
    pub groups: Vec<DeploymentGroupView>,
    /// Whether the caller may create and edit.
    pub can_edit: bool,
    /// The cursor of the next page of rows, if there is one.
    pub next_cursor: Option<String>,
    /// How many releases match (first page only).
    pub total: Option<u64>,
}

#[cfg(feature = "ssr")]
pub(crate) async fn names(
    state: &crate::server::state::AppState,
    team: &crate::server::access::TeamContext,
) -> Result<(Vec<ServiceView>, Vec<MemberView>), ApiError> {
    use crate::server::services::{catalog, teams, PageRequest};
    let all = PageRequest {
        limit: Some(500),
        cursor: None,
    };
    let services = catalog::list(state, team, &all).await?.items;
    let members = teams::members(state, team, &all).await?.items;
    Ok((services, members))
}

#[cfg(feature = "ssr")]
pub(crate) fn row(r: ReleaseView, services: &[ServiceView], members: &[MemberView]) -> ReleaseRow {
    ReleaseRow {
        service_name: services
            .iter()
            .find(|s| s.id == r.service_id)
            .map(|s| s.name.clone())
            .unwrap_or_default(),
        owner_name: r
            .owner_id
            .as_ref()
            .and_then(|o| members.iter().find(|m| &m.user_id == o))
            .map(|m| m.name.clone()),
        release: r,
    }
}

/// The releases page: filters come from the URL query.
#[server(prefix = "/rpc")]
pub async fn releases_page(
    status: String,
    service_id: String,
    owner_id: String,
    priority: String,
    blocked: String,
    q: String,
    cursor: Option<String>,
) -> Result<ReleasesPageData, ApiError> {
    use crate::server::services::releases::{self, ReleaseFilter};
    let state = ctx::state()?;
    let team = ctx::team().await?;
    let f = ReleaseFilter {
        status: Some(status),
        service_id: Some(service_id),
        owner_id: Some(owner_id),
        priority: Some(priority),
        blocked: Some(blocked),
        q: Some(q),
        limit: Some(100),
        cursor: cursor.clone(),
        ..Default::default()
    };
    let page = releases::list(&state, &team, &f).await?;
    let (services, members) = names(&state, &team).await?;
    let rows = page
        .items
        .into_iter()
        .map(|r| row(r, &services, &members))
        .collect();
    // The total and the pickers of the new-release form come with the first
    // page only.
    let (sprints, groups, total) = match cursor {
        Some(_) => (vec![], vec![], None),
        None => {
            let (sprints, groups) = plans(&state, &team).await?;
            (
                sprints,
                groups,
                Some(releases::count(&state, &team, &f).await?),
            )
        }
    };
    Ok(ReleasesPageData {
        rows,
        next_cursor: page.next_cursor,
        total,
        services,
        members,
        sprints,
        groups,
        can_edit: team.role().can_edit_releases(),
    })
}

#[cfg(feature = "ssr")]
async fn plans(
    state: &crate::server::state::AppState,
    team: &crate::server::access::TeamContext,
) -> Result<(Vec<SprintView>, Vec<DeploymentGroupView>), ApiError> {
    use crate::server::services::{groups, sprints, PageRequest};
    let all = PageRequest {
        limit: Some(500),
        cursor: None,
    };
    Ok((
        sprints::list(state, team, &all).await?.items,
        groups::list(state, team, &all).await?.items,
    ))
}

/// What the new-release form offers to pick from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewReleaseChoices {
    /// The team's services (a release belongs to one).
    pub services: Vec<ServiceView>,
    /// Possible owners.
    pub members: Vec<MemberView>,
    /// Sprints it can join.
    pub sprints: Vec<SprintView>,
    /// Deployment groups it can join.
    pub groups: Vec<DeploymentGroupView>,
}

/// The pickers of the new-release dialog, loaded when it opens (the board
/// does not carry them).
#[server(prefix = "/rpc")]
pub async fn new_release_options() -> Result<NewReleaseChoices, ApiError> {
    let state = ctx::state()?;
    let team = ctx::team().await?;
    team.editor("create releases")?;
    let (services, members) = names(&state, &team).await?;
    let (sprints, groups) = plans(&state, &team).await?;
    Ok(NewReleaseChoices {
        services,
        members,
        sprints,
        groups,
    })
}

pub use create_form::*;

/// The new-release form's server function: one argument per field of the
/// form, so it works as a plain form post without JavaScript.
mod create_form {
    #![allow(clippy::too_many_arguments)]
    #[cfg(feature = "ssr")]
    use super::{ctx, optional_priority};
    use crate::domain::ids::ServiceId;
    use crate::views::ApiError;
    use leptos::prelude::*;

    /// Creates a release and opens it.
    #[server(prefix = "/rpc")]
    pub async fn create_release(
        service_id: ServiceId,
        title: String,
        version: String,
        priority: String,
        target_date: String,
        description: String,
        #[server(default)] owner_id: String,
        #[server(default)] sprint_id: String,
        #[server(default)] deployment_group_id: String,
    ) -> Result<(), ApiError> {
        use crate::server::services::releases::{self, ReleaseInput};
        let state = ctx::state()?;
        let team = ctx::team().await?;
        // The form's selects send an id, or nothing for "none".
        fn chosen<T: From<String>>(v: String) -> Option<Option<T>> {
            let v = v.trim().to_string();
            (!v.is_empty()).then(|| Some(T::from(v)))
        }
        let input = ReleaseInput {
            service_id: Some(service_id),
            title: Some(title),
            version: Some(version),
            // The form's select sends a wire name, or nothing for the default.
            priority: optional_priority(&priority)?,
            target_date: Some(Some(target_date)),
            description: Some(description),
            owner_id: chosen(owner_id),
            sprint_id: chosen(sprint_id),
            deployment_group_id: chosen(deployment_group_id),
            ..Default::default()
        };
        let r = releases::create(&state, &team.editor("create releases")?, input).await?;
        leptos_axum::redirect(&format!("/releases/{}", r.id));
        Ok(())
    }
}

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
    /// Its activity, newest first.
    pub activity: Vec<ActivityView>,
    /// The team's members (owner picker).
    pub members: Vec<MemberView>,
    /// Its deployments as CI reported them, newest first (the latest 20).
    pub deployments: Vec<crate::views::DeploymentView>,
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

/// The release page's data.
#[server(prefix = "/rpc")]
pub async fn release_page(id: ReleaseId) -> Result<ReleasePageData, ApiError> {
    use crate::server::services::{activity, comments, releases, PageRequest};
    let state = ctx::state()?;
    let team = ctx::team().await?;
    let r = releases::get(&state, &team, &id).await?;
    let (services, members) = names(&state, &team).await?;
    let all = PageRequest {
        limit: Some(200),
        cursor: None,
    };
    let comments = comments::list(&state, &team, &id, &all).await?;
    let activity = activity::feed(&state, &team, Some(&id), &all.clone().into())
        .await?
        .items;
    let deployments = crate::server::services::deployments::list(
        &state,
        &team,
        &crate::server::services::deployments::DeploymentFilter {
            release_id: Some(id.clone()),
            limit: Some(20),
            ..Default::default()
        },
    )
    .await?
    .items;
    Ok(ReleasePageData {
        deployments,
        description_html: crate::server::services::comments::render_markdown(&r.description),
        allowed: r.status.allowed_targets(),
        row: row(r, &services, &members),
        can_edit: team.role().can_edit_releases(),
        me: team.person("open a release")?.clone(),
        is_admin: team.role().can_manage_team_config(),
        comments_next: comments.next_cursor,
        comments: comments.items,
        activity,
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

/// A page of the team's activity feed, newest first: the `/activity`
/// page's filters (as in the URL) and the cursor of the page before.
#[server(prefix = "/rpc")]
pub async fn activity_feed(
    #[server(default)] filter: ActivityQuery,
    #[server(default)] cursor: Option<String>,
) -> Result<ActivityPageData, ApiError> {
    use crate::server::error::AppError;
    use crate::server::services::activity::{self, ActivityFilter};
    let state = ctx::state()?;
    let team = ctx::team().await?;
    let blank = |v: Option<String>| v.filter(|v| !v.trim().is_empty());
    let day = |v: Option<String>, field: &str| -> Result<Option<String>, AppError> {
        match blank(v) {
            None => Ok(None),
            Some(d) => chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
                .map(|d| Some(format!("{d}T00:00:00Z")))
                .map_err(|_| AppError::invalid_field(field, "a date must look like 2026-12-04")),
        }
    };
    let to = day(filter.to, "to")?.map(|t| {
        // The `to` day is included: the feed stops at the next midnight.
        let t: chrono::DateTime<chrono::Utc> = t.parse().unwrap_or_default();
        (t + chrono::Duration::days(1)).to_rfc3339()
    });
    let actor_id = match filter.mine {
        true => Some(team.person("see your own activity")?.to_string()),
        false => blank(filter.actor_id),
    };
    let page = activity::feed(
        &state,
        &team,
        None,
        &ActivityFilter {
            actor_id,
            types: blank(filter.types),
            resource_type: blank(filter.resource_type),
            resource_id: None,
            from: day(filter.from, "from")?,
            to,
            limit: Some(50),
            cursor: cursor.clone(),
        },
    )
    .await?;
    // The person filter's choices come with the first page only.
    let members = match cursor {
        None => names(&state, &team).await?.1,
        Some(_) => vec![],
    };
    Ok(ActivityPageData {
        items: page.items,
        next_cursor: page.next_cursor,
        members,
        me: team.person("read the activity")?.clone(),
    })
}

/// A page of `/activity`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityPageData {
    /// Entries, newest first.
    pub items: Vec<ActivityView>,
    /// The cursor of the next page, if there is one.
    pub next_cursor: Option<String>,
    /// The team's members (with the first page only).
    pub members: Vec<MemberView>,
    /// The caller ("Only mine").
    pub me: UserId,
}

/// `/deploy-queue`: ready for staging, ready for production.
#[server(prefix = "/rpc")]
pub async fn deploy_queue() -> Result<(Vec<Waiting>, Vec<Waiting>), ApiError> {
    let state = ctx::state()?;
    let team = ctx::team().await?;
    crate::server::services::releases::deploy_queue(&state, &team)
        .await
        .map_err(ApiError::from)
}

/// `/blocked`: what is blocked, and why.
#[server(prefix = "/rpc")]
pub async fn blocked_releases() -> Result<Vec<Waiting>, ApiError> {
    let state = ctx::state()?;
    let team = ctx::team().await?;
    crate::server::services::releases::blocked(&state, &team)
        .await
        .map_err(ApiError::from)
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

/// A priority from a form field: empty is "not given"; anything else must be
/// a wire name (a 400 naming `priority` otherwise).
#[cfg(feature = "ssr")]
fn optional_priority(
    value: &str,
) -> Result<Option<crate::domain::status::Priority>, crate::server::error::AppError> {
    if value.is_empty() {
        return Ok(None);
    }
    Ok(Some(value.parse()?))
}

#[cfg(feature = "ssr")]
/// Every row of a page-sized list (the pages show up to 500).
pub(super) fn all() -> crate::server::services::PageRequest {
    crate::server::services::PageRequest {
        limit: Some(500),
        cursor: None,
    }
}

#[cfg(feature = "ssr")]
/// Board rows (with service and owner names) matching `f`.
pub(super) async fn rows(
    state: &crate::server::state::AppState,
    team: &crate::server::access::TeamContext,
    f: crate::server::services::releases::ReleaseFilter,
) -> Result<Vec<ReleaseRow>, ApiError> {
    let page = crate::server::services::releases::list(state, team, &f).await?;
    let (services, members) = names(state, team).await?;
    Ok(page
        .items
        .into_iter()
        .map(|r| row(r, &services, &members))
        .collect())
}
