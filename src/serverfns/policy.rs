//! Release policy for the pages: the release page's policy panel (checks,
//! approvals, approve/reject, override) and the board's freeze banner
//! ("stop the line", lift).

use crate::domain::ids::{ApprovalId, FreezeId, ReleaseId};
use crate::domain::policy::Decision;
use crate::domain::status::ReleaseStatus;
use crate::views::*;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::ctx;

/// The release page's policy panel.
#[server(prefix = "/rpc")]
pub async fn release_policy_panel(id: ReleaseId) -> Result<ReleasePolicy, ApiError> {
    let state = ctx::state()?;
    let team = ctx::team().await?;
    crate::server::services::policy::panel(&state, &team, &id)
        .await
        .map_err(ApiError::from)
}

/// Approves or rejects a move of the release's current version.
#[server(prefix = "/rpc")]
pub async fn decide(
    release_id: ReleaseId,
    to_status: ReleaseStatus,
    decision: Decision,
    comment: String,
) -> Result<ApprovalView, ApiError> {
    use crate::server::services::policy::{self, ApprovalInput};
    let state = ctx::state()?;
    let team = ctx::team().await?;
    let input = ApprovalInput {
        to_status,
        decision,
        comment,
    };
    policy::approve(
        &state,
        &team.editor("approve releases")?,
        &release_id,
        input,
    )
    .await
    .map_err(ApiError::from)
}

/// Withdraws the caller's approval or rejection.
#[server(prefix = "/rpc")]
pub async fn withdraw_approval(
    release_id: ReleaseId,
    approval_id: ApprovalId,
) -> Result<(), ApiError> {
    let state = ctx::state()?;
    let team = ctx::team().await?;
    crate::server::services::policy::withdraw(
        &state,
        &team.editor("withdraw approvals")?,
        &release_id,
        &approval_id,
    )
    .await
    .map_err(ApiError::from)
}

/// Moves a release past the policy's freeze, approval and readiness checks
/// (ADMIN+), with a reason.
#[server(prefix = "/rpc")]
pub async fn override_move(
    id: ReleaseId,
    status: ReleaseStatus,
    revision: i64,
    reason: String,
) -> Result<ReleaseView, ApiError> {
    use crate::server::services::policy::Override;
    use crate::server::services::releases::{self, ReleaseInput};
    let state = ctx::state()?;
    let team = ctx::team().await?;
    let admin = team.admin("override the release policy")?;
    let input = ReleaseInput {
        status: Some(status),
        revision: Some(revision),
        policy_override: Some(Override { reason }),
        ..Default::default()
    };
    releases::update(&state, &admin.editor(), &id, input)
        .await
        .map_err(ApiError::from)
}

/// The freezes in force now (the board's banner).
#[server(prefix = "/rpc")]
pub async fn active_freezes() -> Result<BoardFreezes, ApiError> {
    let state = ctx::state()?;
    let team = ctx::team().await?;
    Ok(BoardFreezes {
        freezes: crate::server::services::freezes::active(&state, &team, None).await?,
        can_manage: team.role().can_manage_team_config(),
    })
}

/// "Stop the line": a freeze of every service and environment from now
/// until lifted (ADMIN+).
#[server(prefix = "/rpc")]
pub async fn stop_the_line(reason: String) -> Result<FreezeView, ApiError> {
    use crate::server::services::freezes::{self, FreezeInput};
    let state = ctx::state()?;
    let team = ctx::team().await?;
    let input = FreezeInput {
        name: Some("Stop the line".into()),
        reason: Some(reason),
        ..Default::default()
    };
    freezes::create(&state, &team.admin("stop the line")?, input)
        .await
        .map_err(ApiError::from)
}

/// Lifts a freeze now (ADMIN+).
#[server(prefix = "/rpc")]
pub async fn lift_freeze(id: FreezeId) -> Result<FreezeView, ApiError> {
    use crate::server::services::freezes::{self, FreezeInput};
    let state = ctx::state()?;
    let team = ctx::team().await?;
    let input = FreezeInput {
        ends_at: Some(Some(crate::server::db::now().to_rfc3339())),
        ..Default::default()
    };
    freezes::update(&state, &team.admin("lift freezes")?, &id, input)
        .await
        .map_err(ApiError::from)
}

/// The "Release policy" settings page (any member reads; ADMIN+ changes).
#[server(prefix = "/rpc")]
pub async fn policy_settings_page() -> Result<PolicySettings, ApiError> {
    use crate::server::services::{catalog, freezes, policy, PageRequest};
    let state = ctx::state()?;
    let team = ctx::team().await?;
    let all = PageRequest {
        limit: Some(200),
        cursor: None,
    };
    Ok(PolicySettings {
        rules: policy::get(&state, &team).await?.rules,
        freezes: freezes::list(&state, &team, &all).await?.items,
        services: catalog::list(&state, &team, &all).await?.items,
        can_manage: team.role().can_manage_team_config(),
    })
}

/// Removes the rule for one status (ADMIN+).
#[server(prefix = "/rpc")]
pub async fn remove_policy_rule(to_status: ReleaseStatus) -> Result<(), ApiError> {
    use crate::server::services::policy;
    let state = ctx::state()?;
    let team = ctx::team().await?;
    let admin = team.admin("change the release policy")?;
    let mut p = policy::get(&state, &team).await?;
    p.rules.retain(|r| r.to_status != to_status);
    policy::put(&state, &admin, p).await?;
    Ok(())
}

/// Changes a freeze from its row on the settings page (ADMIN+): name,
/// reason, what it holds and, when given, a new end (local time in the
/// freeze's own zone; empty keeps the end it has).
#[server(prefix = "/rpc")]
pub async fn edit_freeze(
    id: FreezeId,
    name: String,
    reason: String,
    #[server(default)] ends: String,
    #[server(default)] staging: Option<String>,
    #[server(default)] production: Option<String>,
) -> Result<FreezeView, ApiError> {
    use crate::domain::deployments::Environment;
    use crate::server::error::AppError;
    use crate::server::services::freezes::{self, FreezeInput};
    let state = ctx::state()?;
    let team = ctx::team().await?;
    let admin = team.admin("manage freezes")?;
    let current = freezes::get(&state, &team, &id).await?;
    let ends_at = if ends.trim().is_empty() {
        None
    } else {
        let zone = freezes::zone(&current.timezone)?;
        let t = chrono::NaiveDateTime::parse_from_str(ends.trim(), "%Y-%m-%dT%H:%M")
            .map_err(|_| AppError::invalid_field("ends", "ends must be a date and time"))?;
        Some(Some(
            crate::domain::policy::freeze::local_to_utc(&zone, t).to_rfc3339(),
        ))
    };
    let input = FreezeInput {
        name: Some(name),
        reason: Some(reason),
        ends_at,
        environments: Some(
            [
                (staging, Environment::Staging),
                (production, Environment::Production),
            ]
            .into_iter()
            .filter_map(|(v, e)| v.filter(|v| !v.is_empty()).map(|_| e))
            .collect(),
        ),
        ..Default::default()
    };
    freezes::update(&state, &admin, &id, input)
        .await
        .map_err(ApiError::from)
}

/// Deletes a freeze (ADMIN+).
#[server(prefix = "/rpc")]
pub async fn delete_freeze(id: FreezeId) -> Result<(), ApiError> {
    let state = ctx::state()?;
    let team = ctx::team().await?;
    crate::server::services::freezes::delete(&state, &team.admin("manage freezes")?, &id)
        .await
        .map_err(ApiError::from)
}

pub use policy_forms::*;

/// The two settings forms with one argument per field and checkbox: plain
/// form fields, so they work without JavaScript.
mod policy_forms {
    #![allow(clippy::too_many_arguments)]
    #[cfg(feature = "ssr")]
    use super::ctx;
    use crate::domain::status::ReleaseStatus;
    use crate::views::*;
    use leptos::prelude::*;

    /// Adds or replaces the rule for one status (ADMIN+): one checkbox per
    /// role and per gate (a form sends "on" for a ticked box, nothing else).
    #[server(prefix = "/rpc")]
    pub async fn save_policy_rule(
        to_status: ReleaseStatus,
        required: String,
        #[server(default)] from_member: Option<String>,
        #[server(default)] from_admin: Option<String>,
        #[server(default)] from_owner: Option<String>,
        #[server(default)] separation_of_duties: Option<String>,
        #[server(default)] require_items_done: Option<String>,
        #[server(default)] require_pull_requests_merged: Option<String>,
    ) -> Result<(), ApiError> {
        use crate::domain::policy::{ApprovalRule, Rule};
        use crate::domain::roles::Role;
        use crate::server::error::AppError;
        use crate::server::services::policy;
        let state = ctx::state()?;
        let team = ctx::team().await?;
        let admin = team.admin("change the release policy")?;
        let required: u32 = match required.trim() {
            "" => 0,
            n => n.parse().map_err(|_| {
                AppError::invalid_field(
                    "required",
                    "the number of approvals is a whole number from 0 to 10",
                )
            })?,
        };
        let on = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.is_empty());
        let from_roles: Vec<Role> = [
            (on(&from_member), Role::Member),
            (on(&from_admin), Role::Admin),
            (on(&from_owner), Role::Owner),
        ]
        .into_iter()
        .filter_map(|(ticked, r)| ticked.then_some(r))
        .collect();
        let mut p = policy::get(&state, &team).await?;
        p.rules.retain(|r| r.to_status != to_status);
        p.rules.push(Rule {
            to_status,
            approvals: (required > 0).then(|| ApprovalRule {
                required,
                from_roles,
                separation_of_duties: on(&separation_of_duties),
            }),
            require_items_done: on(&require_items_done),
            require_pull_requests_merged: on(&require_pull_requests_merged),
        });
        p.rules
            .sort_by_key(|r| (r.to_status.flow_index().is_none(), r.to_status.flow_index()));
        policy::put(&state, &admin, p).await?;
        Ok(())
    }

    /// Declares a freeze from the settings form (ADMIN+). `kind`: `now`
    /// (until lifted), `once` (from `starts` to `ends`, local times in
    /// `timezone`) or `weekly` (every `start_day start_time` to `end_day
    /// end_time` in `timezone`).
    #[server(prefix = "/rpc")]
    pub async fn create_freeze(
        name: String,
        reason: String,
        kind: String,
        #[server(default)] starts: String,
        #[server(default)] ends: String,
        #[server(default)] start_day: String,
        #[server(default)] start_time: String,
        #[server(default)] end_day: String,
        #[server(default)] end_time: String,
        #[server(default)] timezone: String,
        #[server(default)] staging: Option<String>,
        #[server(default)] production: Option<String>,
    ) -> Result<FreezeView, ApiError> {
        use crate::domain::deployments::Environment;
        use crate::server::error::AppError;
        use crate::server::services::freezes::{self, FreezeInput};
        let state = ctx::state()?;
        let team = ctx::team().await?;
        let admin = team.admin("manage freezes")?;
        let zone_name = if timezone.trim().is_empty() {
            "UTC".to_string()
        } else {
            timezone.trim().to_string()
        };
        let zone = freezes::zone(&zone_name)?;
        // `datetime-local` sends "2026-12-24T15:00": a wall-clock time there.
        let local = |field: &'static str, v: &str| -> Result<String, ApiError> {
            let t = chrono::NaiveDateTime::parse_from_str(v.trim(), "%Y-%m-%dT%H:%M").map_err(
                |_| AppError::invalid_field(field, format!("{field} must be a date and time")),
            )?;
            Ok(crate::domain::policy::freeze::local_to_utc(&zone, t).to_rfc3339())
        };
        let mut input = FreezeInput {
            name: Some(name),
            reason: Some(reason),
            timezone: Some(zone_name),
            environments: Some(
                [
                    (staging, Environment::Staging),
                    (production, Environment::Production),
                ]
                .into_iter()
                .filter_map(|(v, e)| v.filter(|v| !v.is_empty()).map(|_| e))
                .collect(),
            ),
            ..Default::default()
        };
        match kind.as_str() {
            "now" => {}
            "once" => {
                input.starts_at = Some(local("starts", &starts)?);
                input.ends_at = Some(Some(local("ends", &ends)?));
            }
            "weekly" => {
                if !starts.trim().is_empty() {
                    input.starts_at = Some(local("starts", &starts)?);
                }
                input.recurrence = Some(Some(Recurrence {
                    start_day,
                    start_time,
                    end_day,
                    end_time,
                }));
            }
            _ => {
                return Err(AppError::invalid_field("kind", "choose when the freeze holds").into())
            }
        }
        freezes::create(&state, &admin, input)
            .await
            .map_err(ApiError::from)
    }
}
