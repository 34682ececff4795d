//! Release policy: whether a release may move into a status, check by
//! check — the one rule every path that moves a release asks (a person's
//! PATCH, the board's drop, "Move to…", bulk actions, a deployment reported
//! by CI), and the one the board asks while a card is dragged.
//!
//! The checks, in the order they are shown:
//! - TRANSITION: the state machine allows the move ([`ReleaseStatus::can_move_to`]);
//! - BLOCKER: nothing blocks it, for the states that need that
//!   ([`ReleaseStatus::requires_unblocked`]: a manual block or a BLOCKS
//!   dependency not yet deployed);
//! - FREEZE: no freeze is in force for the environment the move deploys to
//!   (IN_STAGING → STAGING, DEPLOYED → PRODUCTION) and the release's service;
//! - APPROVALS: the team's rule for the target status has its approvals,
//!   from the roles it names, minus separation of duties, and no REJECT;
//! - ITEMS / PULL_REQUESTS: every linked Jira ticket done / pull request
//!   merged, where the rule asks for it.
//!
//! A move is allowed when every check passes — or when an ADMIN+ overrides
//! with a reason, which passes FREEZE, APPROVALS, ITEMS and PULL_REQUESTS
//! but never TRANSITION or BLOCKER ([`CheckKind::overridable`]).
//!
//! The facts come in already gathered (which freezes are in force now, the
//! approvals for the current version, the items' cached states): this is
//! pure, and compiles for the browser too.

pub mod freeze;

use super::deployments::Environment;
use super::ids::UserId;
use super::roles::Role;
use super::status::ReleaseStatus;
use serde::{Deserialize, Serialize};

/// What a check looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CheckKind {
    /// The state machine.
    Transition,
    /// Manual blocks and BLOCKS dependencies.
    Blocker,
    /// Freezes in force.
    Freeze,
    /// Approvals the rule asks for.
    Approvals,
    /// Linked Jira tickets done.
    Items,
    /// Linked pull requests merged.
    PullRequests,
}

impl CheckKind {
    /// Whether an ADMIN+ override with a reason may pass this check.
    pub fn overridable(self) -> bool {
        !matches!(self, Self::Transition | Self::Blocker)
    }
}

/// One check's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Check {
    /// What was checked.
    pub kind: CheckKind,
    /// Whether it passes.
    pub ok: bool,
    /// Why it passes or not, for people.
    pub reason: String,
}

/// The approvals a move into a status needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApprovalRule {
    /// How many distinct people must approve (0: none).
    #[serde(default)]
    pub required: u32,
    /// Whose approval counts (empty: any role but VIEWER).
    #[serde(default)]
    pub from_roles: Vec<Role>,
    /// The release's owner and whoever last set its version cannot approve.
    #[serde(default)]
    pub separation_of_duties: bool,
}

impl ApprovalRule {
    /// Whether an approval from `role` counts.
    pub fn counts_role(&self, role: Role) -> bool {
        if self.from_roles.is_empty() {
            role >= Role::Member
        } else {
            self.from_roles.contains(&role)
        }
    }
}

/// The team's rule for moves into one status. Omitted: not required.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Rule {
    /// The status the rule guards.
    pub to_status: ReleaseStatus,
    /// Approvals needed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approvals: Option<ApprovalRule>,
    /// Every linked Jira ticket done.
    #[serde(default)]
    pub require_items_done: bool,
    /// Every linked pull request merged.
    #[serde(default)]
    pub require_pull_requests_merged: bool,
}

/// A team's rules, one per target status at most.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// The rules (empty: moves need nothing beyond the state machine,
    /// blockers and freezes).
    pub rules: Vec<Rule>,
}

impl Policy {
    /// The rule for moves into `to`, if any.
    pub fn rule_for(&self, to: ReleaseStatus) -> Option<&Rule> {
        self.rules.iter().find(|r| r.to_status == to)
    }

    /// Checks a policy someone wants to save: one rule per status, none
    /// for PLANNING (nothing moves into it but a cancelled release coming
    /// back), at most 10 approvals, never from VIEWERs. The error is on
    /// `rules` and says which rule.
    pub fn check(&self) -> Result<(), super::DomainError> {
        for (i, r) in self.rules.iter().enumerate() {
            let n = i + 1;
            if r.to_status == ReleaseStatus::Planning {
                return Err(super::DomainError::invalid(
                    "rules",
                    format!("rule {n}: nothing needs a policy to move into Planning"),
                ));
            }
            if self.rules[..i].iter().any(|o| o.to_status == r.to_status) {
                return Err(super::DomainError::invalid(
                    "rules",
                    format!(
                        "rule {n}: there is already a rule for {}",
                        r.to_status.label()
                    ),
                ));
            }
            if let Some(a) = &r.approvals {
                if a.required > 10 {
                    return Err(super::DomainError::invalid(
                        "rules",
                        format!("rule {n}: at most 10 approvals"),
                    ));
                }
                if a.from_roles.contains(&Role::Viewer) {
                    return Err(super::DomainError::invalid(
                        "rules",
                        format!("rule {n}: viewers cannot approve"),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// APPROVE or REJECT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Decision {
    /// In favour.
    Approve,
    /// Holds the move until withdrawn.
    Reject,
}

impl Decision {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Approve => "APPROVE",
            Self::Reject => "REJECT",
        }
    }

    /// From the wire name.
    pub fn parse(s: &str) -> Option<Decision> {
        match s {
            "APPROVE" => Some(Self::Approve),
            "REJECT" => Some(Self::Reject),
            _ => None,
        }
    }
}

/// One approval (or rejection) of the release's current version for a move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalFact {
    /// Who.
    pub user_id: UserId,
    /// Their name, for reasons.
    pub user_name: String,
    /// Their role in the team now.
    pub role: Role,
    /// For or against.
    pub decision: Decision,
}

/// A freeze in force for this move (its environment and service).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreezeFact {
    /// Its name ("Black Friday").
    pub name: String,
    /// Until when, in words ("Mon 30 Nov 08:00 UTC"; `None`: until lifted).
    pub until: Option<String>,
}

/// A linked work item's cached state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemFact {
    /// `PAY-12`, `acme/pay#7`.
    pub key: String,
    /// A pull request (else a Jira ticket).
    pub is_pull_request: bool,
    /// Done (a ticket) or merged (a pull request).
    pub done: bool,
}

/// Everything the rule looks at for one move.
#[derive(Debug, Clone)]
pub struct Move<'a> {
    /// Where the release is.
    pub from: ReleaseStatus,
    /// Where it would go.
    pub to: ReleaseStatus,
    /// What blocks it, in words (a manual block's reason, each open BLOCKS
    /// dependency); empty: nothing.
    pub blockers: &'a [String],
    /// The freezes in force for the move's environment and the service.
    pub freezes: &'a [FreezeFact],
    /// The team's rule for `to`, if any.
    pub rule: Option<&'a Rule>,
    /// Approvals of the current version for `to`.
    pub approvals: &'a [ApprovalFact],
    /// The release's owner.
    pub owner: Option<&'a UserId>,
    /// Whoever last set the version (its creator until changed).
    pub version_setter: Option<&'a UserId>,
    /// The linked items.
    pub items: &'a [ItemFact],
}

/// The environment a move into `to` deploys to: the one whose freezes hold it.
pub fn environment_of(to: ReleaseStatus) -> Option<Environment> {
    match to {
        ReleaseStatus::InStaging => Some(Environment::Staging),
        ReleaseStatus::Deployed => Some(Environment::Production),
        _ => None,
    }
}

/// Whether `user` (with `role`) may approve a move under `rule`, and why not.
pub fn may_approve(
    rule: Option<&ApprovalRule>,
    user: &UserId,
    role: Role,
    owner: Option<&UserId>,
    version_setter: Option<&UserId>,
) -> Result<(), String> {
    if role == Role::Viewer {
        return Err("a viewer cannot approve".into());
    }
    let Some(rule) = rule else {
        return Ok(());
    };
    if !rule.counts_role(role) {
        return Err(format!(
            "only {} may approve this move",
            roles_text(&rule.from_roles)
        ));
    }
    if rule.separation_of_duties {
        if owner == Some(user) {
            return Err("the release's owner cannot approve it (separation of duties)".into());
        }
        if version_setter == Some(user) {
            return Err("whoever set this version cannot approve it (separation of duties)".into());
        }
    }
    Ok(())
}

/// Who may approve under a rule, in words ("ADMIN or OWNER").
pub fn roles_text(roles: &[Role]) -> String {
    if roles.is_empty() {
        return "MEMBER, ADMIN or OWNER".into();
    }
    let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    match names.split_last() {
        Some((last, [])) => (*last).to_string(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// Every check of a move, in display order. Checks that do not apply (no
/// rule, no environment) are left out.
pub fn checks(m: &Move<'_>) -> Vec<Check> {
    let mut out = vec![];
    let legal = m.from.can_move_to(m.to);
    out.push(Check {
        kind: CheckKind::Transition,
        ok: legal,
        reason: if legal {
            format!("{} → {} is a legal move", m.from.label(), m.to.label())
        } else {
            // The same words as every refused move.
            super::DomainError::IllegalTransition {
                from: m.from,
                to: m.to,
            }
            .to_string()
        },
    });
    if m.to.requires_unblocked() {
        out.push(Check {
            kind: CheckKind::Blocker,
            ok: m.blockers.is_empty(),
            reason: if m.blockers.is_empty() {
                "nothing blocks it".into()
            } else {
                format!("blocked: {}", m.blockers.join("; "))
            },
        });
    }
    if let Some(env) = environment_of(m.to) {
        let env_name = match env {
            Environment::Staging => "Staging",
            Environment::Production => "Production",
        };
        out.push(match m.freezes.first() {
            None => Check {
                kind: CheckKind::Freeze,
                ok: true,
                reason: format!("{env_name} is not frozen"),
            },
            Some(f) => Check {
                kind: CheckKind::Freeze,
                ok: false,
                reason: match &f.until {
                    Some(until) => format!("{env_name} freeze '{}' until {until}", f.name),
                    None => format!("{env_name} freeze '{}' until lifted", f.name),
                },
            },
        });
    }
    if let Some(rule) = m.rule {
        if let Some(a) = rule.approvals.as_ref().filter(|a| a.required > 0) {
            out.push(approvals_check(m, a));
        }
        if rule.require_items_done {
            out.push(items_check(m.items, false));
        }
        if rule.require_pull_requests_merged {
            out.push(items_check(m.items, true));
        }
    }
    out
}

fn approvals_check(m: &Move<'_>, rule: &ApprovalRule) -> Check {
    if let Some(r) = m.approvals.iter().find(|a| a.decision == Decision::Reject) {
        return Check {
            kind: CheckKind::Approvals,
            ok: false,
            reason: format!("rejected by {} (until they withdraw it)", r.user_name),
        };
    }
    let mut counted: Vec<&UserId> = m
        .approvals
        .iter()
        .filter(|a| a.decision == Decision::Approve)
        .filter(|a| may_approve(Some(rule), &a.user_id, a.role, m.owner, m.version_setter).is_ok())
        .map(|a| &a.user_id)
        .collect();
    counted.sort();
    counted.dedup();
    let have = counted.len() as u32;
    if have >= rule.required {
        Check {
            kind: CheckKind::Approvals,
            ok: true,
            reason: format!("{have} of {} approvals", rule.required),
        }
    } else {
        let missing = rule.required - have;
        Check {
            kind: CheckKind::Approvals,
            ok: false,
            reason: format!(
                "needs {missing} more approval{} from {}",
                if missing == 1 { "" } else { "s" },
                roles_text(&rule.from_roles)
            ),
        }
    }
}

fn items_check(items: &[ItemFact], pull_requests: bool) -> Check {
    let open: Vec<&str> = items
        .iter()
        .filter(|i| i.is_pull_request == pull_requests && !i.done)
        .map(|i| i.key.as_str())
        .collect();
    let (kind, what, state) = if pull_requests {
        (CheckKind::PullRequests, "pull requests", "merged")
    } else {
        (CheckKind::Items, "Jira tickets", "done")
    };
    Check {
        kind,
        ok: open.is_empty(),
        reason: match open.as_slice() {
            [] => format!("every linked {what} {state}"),
            [one] => format!("{one} is not {state}"),
            [first, rest @ ..] => format!("{first} and {} more are not {state}", rest.len()),
        },
    }
}

/// Whether a move with these checks may happen; `overriding`: an ADMIN+
/// passes the overridable checks with a reason.
pub fn allowed(checks: &[Check], overriding: bool) -> bool {
    checks
        .iter()
        .all(|c| c.ok || (overriding && c.kind.overridable()))
}

/// The checks an override passes over (failing and overridable).
pub fn overridden(checks: &[Check]) -> Vec<&Check> {
    checks
        .iter()
        .filter(|c| !c.ok && c.kind.overridable())
        .collect()
}

#[cfg(test)]
mod tests;
