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
mod tests {
    use super::*;
    use proptest::prelude::*;
    use ReleaseStatus::*;

    fn id(s: &str) -> UserId {
        UserId::from(s)
    }

    fn base(from: ReleaseStatus, to: ReleaseStatus) -> Move<'static> {
        Move {
            from,
            to,
            blockers: &[],
            freezes: &[],
            rule: None,
            approvals: &[],
            owner: None,
            version_setter: None,
            items: &[],
        }
    }

    fn approval(user: &str, role: Role, decision: Decision) -> ApprovalFact {
        ApprovalFact {
            user_id: id(user),
            user_name: user.into(),
            role,
            decision,
        }
    }

    #[test]
    fn a_freeze_holds_the_move_into_its_environment_with_its_name() {
        let freezes = [FreezeFact {
            name: "Black Friday".into(),
            until: Some("Mon 30 Nov 08:00 UTC".into()),
        }];
        let m = Move {
            freezes: &freezes,
            ..base(ReadyProduction, Deployed)
        };
        let cs = checks(&m);
        let f = cs.iter().find(|c| c.kind == CheckKind::Freeze).unwrap();
        assert!(!f.ok);
        assert_eq!(
            f.reason,
            "Production freeze 'Black Friday' until Mon 30 Nov 08:00 UTC"
        );
        assert!(!allowed(&cs, false));
        assert!(allowed(&cs, true), "an override passes a freeze");
        // A move that deploys nowhere is not held.
        assert!(checks(&Move {
            freezes: &freezes,
            ..base(Planning, InDevelopment)
        })
        .iter()
        .all(|c| c.kind != CheckKind::Freeze));
    }

    #[test]
    fn approvals_count_distinct_people_of_the_named_roles_minus_separation_of_duties() {
        let rule = Rule {
            to_status: Deployed,
            approvals: Some(ApprovalRule {
                required: 2,
                from_roles: vec![Role::Admin, Role::Owner],
                separation_of_duties: true,
            }),
            require_items_done: false,
            require_pull_requests_merged: false,
        };
        let owner = id("olga");
        let approvals = [
            approval("olga", Role::Owner, Decision::Approve), // the release's owner: does not count
            approval("ann", Role::Admin, Decision::Approve),
            approval("ann", Role::Admin, Decision::Approve), // twice: once
            approval("mo", Role::Member, Decision::Approve), // not a named role
        ];
        let m = Move {
            rule: Some(&rule),
            approvals: &approvals,
            owner: Some(&owner),
            ..base(ReadyProduction, Deployed)
        };
        let c = checks(&m)
            .into_iter()
            .find(|c| c.kind == CheckKind::Approvals)
            .unwrap();
        assert!(!c.ok);
        assert_eq!(c.reason, "needs 1 more approval from ADMIN or OWNER");
        let more = [
            approvals.to_vec(),
            vec![approval("bo", Role::Owner, Decision::Approve)],
        ]
        .concat();
        let m = Move {
            approvals: &more,
            ..m
        };
        assert!(checks(&m).iter().all(|c| c.ok));
        // One rejection holds it, whoever approved.
        let rejected = [
            more.clone(),
            vec![approval("cy", Role::Member, Decision::Reject)],
        ]
        .concat();
        let c = checks(&Move {
            approvals: &rejected,
            ..m.clone()
        })
        .into_iter()
        .find(|c| c.kind == CheckKind::Approvals)
        .unwrap();
        assert_eq!(c.reason, "rejected by cy (until they withdraw it)");
    }

    #[test]
    fn separation_of_duties_refuses_the_owner_and_the_version_setter() {
        let rule = ApprovalRule {
            required: 1,
            from_roles: vec![],
            separation_of_duties: true,
        };
        let (o, s, x) = (id("o"), id("s"), id("x"));
        assert!(
            may_approve(Some(&rule), &o, Role::Admin, Some(&o), Some(&s))
                .unwrap_err()
                .contains("owner")
        );
        assert!(
            may_approve(Some(&rule), &s, Role::Admin, Some(&o), Some(&s))
                .unwrap_err()
                .contains("version")
        );
        assert!(may_approve(Some(&rule), &x, Role::Member, Some(&o), Some(&s)).is_ok());
        assert!(may_approve(Some(&rule), &x, Role::Viewer, Some(&o), Some(&s)).is_err());
        assert!(
            may_approve(None, &o, Role::Member, Some(&o), None).is_ok(),
            "no rule: recorded, not required"
        );
    }

    #[test]
    fn readiness_names_what_is_open() {
        let rule = Rule {
            to_status: InStaging,
            approvals: None,
            require_items_done: true,
            require_pull_requests_merged: true,
        };
        let items = [
            ItemFact {
                key: "PAY-12".into(),
                is_pull_request: false,
                done: false,
            },
            ItemFact {
                key: "PAY-13".into(),
                is_pull_request: false,
                done: true,
            },
            ItemFact {
                key: "acme/pay#7".into(),
                is_pull_request: true,
                done: true,
            },
        ];
        let cs = checks(&Move {
            rule: Some(&rule),
            items: &items,
            ..base(ReadyStaging, InStaging)
        });
        let items_check = cs.iter().find(|c| c.kind == CheckKind::Items).unwrap();
        assert_eq!(
            (items_check.ok, items_check.reason.as_str()),
            (false, "PAY-12 is not done")
        );
        assert!(
            cs.iter()
                .find(|c| c.kind == CheckKind::PullRequests)
                .unwrap()
                .ok
        );
    }

    #[test]
    fn an_override_never_passes_the_state_machine_or_a_blocker() {
        let blockers = ["Ledger 1.0.0 is not deployed".to_string()];
        let cs = checks(&Move {
            blockers: &blockers,
            ..base(StagingVerified, ReadyProduction)
        });
        assert!(!allowed(&cs, true));
        let cs = checks(&base(Planning, Deployed));
        assert!(!allowed(&cs, true));
        assert_eq!(
            cs[0].reason,
            "cannot move a release from Planning to Deployed"
        );
    }

    fn any_status() -> impl Strategy<Value = ReleaseStatus> {
        proptest::sample::select(ReleaseStatus::ALL.to_vec())
    }

    fn any_role() -> impl Strategy<Value = Role> {
        proptest::sample::select(Role::ALL.to_vec())
    }

    proptest! {
        /// For random moves, policies, freezes, approvals and items: a move
        /// is allowed iff every check passes, or every failing one is
        /// overridable and an override is given; and each check is false
        /// exactly when its facts say so.
        #[test]
        fn a_move_is_allowed_iff_every_check_passes_or_an_allowed_override_applies(
            from in any_status(), to in any_status(),
            blocked in any::<bool>(), frozen in any::<bool>(),
            required in 0u32..4, roles in proptest::collection::vec(any_role(), 0..3), sod in any::<bool>(),
            votes in proptest::collection::vec((0u8..5, any_role(), any::<bool>()), 0..8),
            items in proptest::collection::vec((any::<bool>(), any::<bool>()), 0..5),
            need_items in any::<bool>(), need_prs in any::<bool>(), overriding in any::<bool>(),
        ) {
            let blockers: Vec<String> = if blocked { vec!["manual".into()] } else { vec![] };
            let freezes: Vec<FreezeFact> = if frozen { vec![FreezeFact { name: "F".into(), until: None }] } else { vec![] };
            let rule = Rule {
                to_status: to,
                approvals: Some(ApprovalRule { required, from_roles: roles.clone(), separation_of_duties: sod }),
                require_items_done: need_items,
                require_pull_requests_merged: need_prs,
            };
            let approvals: Vec<ApprovalFact> = votes.iter().map(|(u, role, yes)| ApprovalFact {
                user_id: id(&format!("u{u}")), user_name: format!("u{u}"), role: *role,
                decision: if *yes { Decision::Approve } else { Decision::Reject },
            }).collect();
            let items: Vec<ItemFact> = items.iter().enumerate().map(|(i, (pr, done))| ItemFact {
                key: format!("K-{i}"), is_pull_request: *pr, done: *done,
            }).collect();
            let (owner, setter) = (id("u0"), id("u1"));
            let m = Move {
                from, to, blockers: &blockers, freezes: &freezes, rule: Some(&rule), approvals: &approvals,
                owner: Some(&owner), version_setter: Some(&setter), items: &items,
            };
            let cs = checks(&m);
            let expected_ok = |kind: CheckKind| -> Option<bool> {
                match kind {
                    CheckKind::Transition => Some(from.can_move_to(to)),
                    CheckKind::Blocker => to.requires_unblocked().then_some(!blocked),
                    CheckKind::Freeze => environment_of(to).map(|_| !frozen),
                    CheckKind::Approvals => (required > 0).then(|| {
                        let rejected = approvals.iter().any(|a| a.decision == Decision::Reject);
                        let mut ok_people: Vec<&UserId> = approvals.iter()
                            .filter(|a| a.decision == Decision::Approve && a.role != Role::Viewer)
                            .filter(|a| if roles.is_empty() { a.role >= Role::Member } else { roles.contains(&a.role) })
                            .filter(|a| !sod || (a.user_id != owner && a.user_id != setter))
                            .map(|a| &a.user_id).collect();
                        ok_people.sort();
                        ok_people.dedup();
                        !rejected && ok_people.len() as u32 >= required
                    }),
                    CheckKind::Items => need_items.then(|| items.iter().all(|i| i.is_pull_request || i.done)),
                    CheckKind::PullRequests => need_prs.then(|| items.iter().all(|i| !i.is_pull_request || i.done)),
                }
            };
            for kind in [CheckKind::Transition, CheckKind::Blocker, CheckKind::Freeze, CheckKind::Approvals, CheckKind::Items, CheckKind::PullRequests] {
                let found = cs.iter().find(|c| c.kind == kind).map(|c| c.ok);
                prop_assert_eq!(found, expected_ok(kind), "{:?}", kind);
            }
            let hard_ok = from.can_move_to(to) && (!to.requires_unblocked() || !blocked);
            let soft_ok = cs.iter().filter(|c| c.kind.overridable()).all(|c| c.ok);
            prop_assert_eq!(allowed(&cs, overriding), hard_ok && (soft_ok || overriding));
        }
    }
}
