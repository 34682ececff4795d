//! The graph rules, by example and by property.

use super::*;
use proptest::prelude::*;

fn e(d: &str, b: &str, kind: DependencyType) -> Edge {
    Edge {
        dependent: d.into(),
        blocker: b.into(),
        kind,
    }
}
fn ids(v: &[&str]) -> Vec<ReleaseId> {
    v.iter().map(|s| ReleaseId::from(*s)).collect()
}
fn cw(edges: &[Edge], d: &str, b: &str, kind: DependencyType) -> Option<Vec<ReleaseId>> {
    cycle_with(edges, &d.into(), &b.into(), kind)
}
use DependencyType::*;

#[test]
fn cycles_are_found_and_named() {
    let edges = vec![e("a", "b", Blocks), e("b", "c", SoftDependency)];
    assert_eq!(
        cw(&edges, "c", "a", Blocks),
        Some(ids(&["c", "a", "b", "c"]))
    );
    assert_eq!(cw(&edges, "a", "c", Blocks), None);
    assert_eq!(cw(&edges, "x", "x", Blocks), Some(ids(&["x", "x"])));
    assert_eq!(
        cw(&edges, "b", "a", SoftDependency),
        Some(ids(&["b", "a", "b"]))
    );
    // Deploying together with what you wait for is a knot as well.
    assert_eq!(
        cw(&edges, "a", "c", RequiresSync),
        Some(ids(&["a", "b", "c", "a"]))
    );
    // And sync counts both ways for later edges.
    let edges = vec![e("a", "b", RequiresSync), e("c", "a", Blocks)];
    assert_eq!(
        cw(&edges, "b", "c", Blocks),
        Some(ids(&["b", "c", "a", "b"]))
    );
}

#[test]
fn sequential_keeps_the_chosen_order_unless_a_blocker_comes_later() {
    let order = ids(&["a", "b", "c"]);
    let p = plan(&order, &[], Order::Sequential);
    assert_eq!(p.steps, vec![ids(&["a"]), ids(&["b"]), ids(&["c"])]);
    assert!(p.corrections.is_empty());
    // a waits for c: c moves before a, and the plan says so.
    let p = plan(&order, &[e("a", "c", Blocks)], Order::Sequential);
    assert_eq!(p.steps, vec![ids(&["b"]), ids(&["c"]), ids(&["a"])]);
    assert_eq!(
        p.corrections,
        vec![Correction {
            release: "a".into(),
            after: "c".into(),
            kind: CorrectionKind::BlockedBy
        }]
    );
}

#[test]
fn sync_partners_share_a_step() {
    let order = ids(&["a", "b", "c", "d"]);
    let p = plan(&order, &[e("d", "a", RequiresSync)], Order::Sequential);
    assert_eq!(p.steps, vec![ids(&["a", "d"]), ids(&["b"]), ids(&["c"])]);
    assert_eq!(p.corrections[0].kind, CorrectionKind::SyncedWith);
}

#[test]
fn simultaneous_waves_follow_blocks() {
    let order = ids(&["a", "b", "c", "d"]);
    let edges = [
        e("b", "a", Blocks),
        e("c", "b", Blocks),
        e("d", "c", RequiresSync),
    ];
    let p = plan(&order, &edges, Order::Simultaneous);
    assert_eq!(p.steps, vec![ids(&["a"]), ids(&["b"]), ids(&["c", "d"])]);
    let p = plan(&order, &[], Order::Simultaneous);
    assert_eq!(p.steps, vec![ids(&["a", "b", "c", "d"])]);
}

#[test]
fn edges_leaving_the_group_do_not_order_it() {
    let order = ids(&["a", "b"]);
    let p = plan(&order, &[e("a", "zz", Blocks)], Order::Sequential);
    assert_eq!(p.steps, vec![ids(&["a"]), ids(&["b"])]);
}

/// A chain r0 ← r1 ← … (each BLOCKS-depends on the one before) of
/// 50,000 releases, listed backwards so the first unit looked at waits
/// on every other one: plans in order without exhausting the stack.
#[test]
fn a_very_long_chain_plans_without_recursion() {
    let n = 50_000;
    let order: Vec<ReleaseId> = (0..n).rev().map(|i| format!("r{i}").into()).collect();
    let edges: Vec<Edge> = (1..n)
        .map(|i| e(&format!("r{i}"), &format!("r{}", i - 1), Blocks))
        .collect();
    for how in [Order::Simultaneous, Order::Sequential] {
        let p = plan(&order, &edges, how);
        assert_eq!(p.steps.len(), n, "{how:?}");
        assert_eq!(p.steps[0], ids(&["r0"]));
        assert_eq!(p.steps[n - 1], vec![ReleaseId::from(format!("r{}", n - 1))]);
    }
    assert!(cw(&edges, "r0", &format!("r{}", n - 1), Blocks).is_some());
}

fn kind(k: u8) -> DependencyType {
    match k % 3 {
        0 => Blocks,
        1 => SoftDependency,
        _ => RequiresSync,
    }
}

/// Random edge proposals over up to 8 releases, accepted only when no
/// cycle: the accepted set.
fn accepted(proposals: &[(u8, u8, u8)]) -> Vec<Edge> {
    let mut edges: Vec<Edge> = vec![];
    for &(d, b, k) in proposals {
        let (d, b) = (format!("r{}", d % 8), format!("r{}", b % 8));
        if edges
            .iter()
            .any(|x| x.dependent == d.as_str() && x.blocker == b.as_str())
        {
            continue;
        }
        if cw(&edges, &d, &b, kind(k)).is_none() {
            edges.push(e(&d, &b, kind(k)));
        }
    }
    edges
}

fn has_cycle(edges: &[Edge]) -> bool {
    // Remove one edge at a time and re-add it through the detector.
    (0..edges.len()).any(|i| {
        let mut rest = edges.to_vec();
        let x = rest.remove(i);
        cycle_with(&rest, &x.dependent, &x.blocker, x.kind).is_some()
    })
}

proptest! {
    #[test]
    fn no_accepted_edge_set_has_a_cycle(p in proptest::collection::vec((0u8..8, 0u8..8, 0u8..3), 0..40)) {
        let edges = accepted(&p);
        prop_assert!(!has_cycle(&edges));
    }

    #[test]
    fn plans_respect_blocks_and_keep_sync_partners_together(
        p in proptest::collection::vec((0u8..8, 0u8..8, 0u8..3), 0..30),
        sequential in any::<bool>(),
    ) {
        let edges = accepted(&p);
        let order: Vec<ReleaseId> = (0..8).map(|i| format!("r{i}").into()).collect();
        let how = if sequential { Order::Sequential } else { Order::Simultaneous };
        let plan = plan(&order, &edges, how);
        let step_of: HashMap<&str, usize> = plan.steps.iter().enumerate()
            .flat_map(|(i, s)| s.iter().map(move |r| (r.as_str(), i))).collect();
        // Every release appears exactly once.
        prop_assert_eq!(step_of.len(), 8);
        prop_assert_eq!(plan.steps.iter().map(Vec::len).sum::<usize>(), 8);
        let synced = |a: &str, b: &str| step_of[a] == step_of[b];
        for x in &edges {
            match x.kind {
                RequiresSync => prop_assert!(synced(x.dependent.as_str(), x.blocker.as_str())),
                Blocks => {
                    // Unless sync put them together, the blocker is strictly earlier.
                    if !synced(x.dependent.as_str(), x.blocker.as_str()) {
                        prop_assert!(step_of[x.blocker.as_str()] < step_of[x.dependent.as_str()],
                            "{} before {}", x.blocker, x.dependent);
                    }
                }
                SoftDependency => {}
            }
        }
        if sequential {
            // One sync unit per step: members of a step are sync-linked.
            let mut comp: HashMap<String, String> = order.iter().map(|r| (r.to_string(), r.to_string())).collect();
            fn find(c: &mut HashMap<String, String>, x: &str) -> String {
                let p = c[x].clone();
                if p == x { p } else { let r = find(c, &p); c.insert(x.to_string(), r.clone()); r }
            }
            for x in edges.iter().filter(|x| x.kind == RequiresSync) {
                let (a, b) = (find(&mut comp, x.dependent.as_str()), find(&mut comp, x.blocker.as_str()));
                comp.insert(a, b);
            }
            for s in &plan.steps {
                let roots: BTreeSet<String> = s.iter().map(|r| find(&mut comp, r.as_str())).collect();
                prop_assert_eq!(roots.len(), 1);
            }
        }
    }
}
