//! The policy rule, by example and by property.

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
