//! What the release policy holds on the board: for every card shown, the
//! moves the state machine allows but a freeze or a rule holds now.

use super::rules;
use crate::domain::ids::{ReleaseId, UserId};
use crate::domain::kinds::ItemType;
use crate::domain::policy::{self, ApprovalFact, Decision, ItemFact, Move};
use crate::domain::roles::Role;
use crate::server::access::TeamContext;
use crate::server::db;
use crate::server::db::entities::{approval, release, release_item, team_member, user};
use crate::server::db::scoped::TeamOwned;
use crate::server::error::AppResult;
use crate::server::services::freezes;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

/// For each release shown on the board: the moves the state machine allows
/// but the policy holds now, with the first failing check's reason. A few
/// queries for the whole board (rules, freezes in force, the approvals and
/// linked items of the cards a rule looks at), then the domain's rule per
/// card in memory. Blockers are left out: the card says those itself.
pub(crate) async fn board_holds(
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
    cards: &[&release::Model],
) -> AppResult<HashMap<ReleaseId, Vec<crate::views::MoveHold>>> {
    let now = db::now();
    let rules = rules(conn, ctx).await?;
    let freezes = freezes::in_force_facts(conn, ctx, now).await?;
    if rules.rules.is_empty() && freezes.is_empty() {
        return Ok(HashMap::new());
    }
    let guarded = |r: &release::Model| {
        r.status
            .allowed_targets()
            .into_iter()
            .any(|to| rules.rule_for(to).is_some())
    };
    let looked_at: Vec<String> = cards
        .iter()
        .filter(|r| guarded(r))
        .map(|r| r.id.to_string())
        .collect();
    let mut approvals: HashMap<ReleaseId, Vec<approval::Model>> = HashMap::new();
    let mut items: HashMap<ReleaseId, Vec<ItemFact>> = HashMap::new();
    let mut names: HashMap<UserId, String> = HashMap::new();
    let mut roles: HashMap<UserId, Role> = HashMap::new();
    if !looked_at.is_empty() {
        for chunk in looked_at.chunks(500) {
            for a in approval::Entity::find_in(ctx)
                .filter(approval::Column::ReleaseId.is_in(chunk.to_vec()))
                .order_by_asc(approval::Column::Id)
                .all(conn)
                .await?
            {
                approvals.entry(a.release_id.clone()).or_default().push(a);
            }
            for i in release_item::Entity::find_in(ctx)
                .filter(release_item::Column::ReleaseId.is_in(chunk.to_vec()))
                .order_by_asc(release_item::Column::Id)
                .all(conn)
                .await?
            {
                items
                    .entry(i.release_id.clone())
                    .or_default()
                    .push(ItemFact {
                        done: crate::domain::items::is_finished(i.status_category.as_deref()),
                        is_pull_request: i.item_type == ItemType::GithubPr,
                        key: i.external_id,
                    });
            }
        }
        if !approvals.is_empty() {
            roles = team_member::Entity::find_in(ctx)
                .all(conn)
                .await?
                .into_iter()
                .map(|m| (m.user_id, m.role))
                .collect();
            let ids: Vec<String> = roles.keys().map(|u| u.to_string()).collect();
            names = user::Entity::find()
                .filter(user::Column::Id.is_in(ids))
                .all(conn)
                .await?
                .into_iter()
                .map(|u| (u.id, u.name))
                .collect();
        }
    }
    let mut out = HashMap::new();
    for r in cards {
        let mut holds = vec![];
        for to in r.status.allowed_targets() {
            let env = policy::environment_of(to);
            let holding: Vec<policy::FreezeFact> = freezes
                .iter()
                .filter(|(svcs, envs, _)| {
                    env.is_some_and(|e| envs.contains(&e))
                        && (svcs.is_empty() || svcs.contains(&r.service_id))
                })
                .map(|(_, _, f)| f.clone())
                .collect();
            let rule = rules.rule_for(to);
            if holding.is_empty() && rule.is_none() {
                continue;
            }
            let facts: Vec<ApprovalFact> = approvals
                .get(&r.id)
                .into_iter()
                .flatten()
                .filter(|a| a.to_status == to && a.version == r.version)
                .filter_map(|a| {
                    Some(ApprovalFact {
                        user_id: a.user_id.clone(),
                        user_name: names.get(&a.user_id).cloned().unwrap_or_default(),
                        role: *roles.get(&a.user_id)?,
                        decision: Decision::parse(&a.decision)?,
                    })
                })
                .collect();
            let checks = policy::checks(&Move {
                from: r.status,
                to,
                blockers: &[],
                freezes: &holding,
                rule,
                approvals: &facts,
                owner: r.owner_id.as_ref(),
                version_setter: r.version_set_by.as_ref(),
                items: items.get(&r.id).map(Vec::as_slice).unwrap_or(&[]),
            });
            if let Some(c) = checks.iter().find(|c| !c.ok && c.kind.overridable()) {
                holds.push(crate::views::MoveHold {
                    to,
                    reason: c.reason.clone(),
                });
            }
        }
        if !holds.is_empty() {
            out.insert(r.id.clone(), holds);
        }
    }
    Ok(out)
}
