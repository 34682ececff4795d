//! Release dependencies as a graph: cycle detection for new edges and the
//! rollout plan of a deployment group. Pure functions over ids and edges; the
//! services load the rows and call these.
//!
//! An edge `dependent → blocker` reads "dependent depends on blocker".
//! Every type counts for cycles (a cycle of soft dependencies is still a
//! knot nobody can untie); only BLOCKS orders a plan, and REQUIRES_SYNC
//! partners deploy in the same step.

use crate::domain::ids::ReleaseId;
use crate::domain::kinds::DependencyType;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap};

/// The most releases one deployment group holds: a rollout plan is for
/// people to read, and this keeps every plan small whatever a team does.
/// (The planning itself is linear and iterative; see [`plan`].)
pub const MAX_GROUP_SIZE: usize = 500;

/// One dependency edge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    /// The release that depends.
    pub dependent: ReleaseId,
    /// The release it depends on.
    pub blocker: ReleaseId,
    /// How.
    pub kind: DependencyType,
}

/// The cycle that `dependent → blocker` (of type `kind`) would close, as
/// the path `[dependent, blocker, …, dependent]`, or `None` when the edge is
/// safe. REQUIRES_SYNC ties two releases into one deployment, so it counts
/// in both directions: "A waits for B" plus "B deploys with A" is a knot
/// too. A self-edge is the cycle `[x, x]`.
pub fn cycle_with(
    edges: &[Edge],
    dependent: &ReleaseId,
    blocker: &ReleaseId,
    kind: DependencyType,
) -> Option<Vec<ReleaseId>> {
    if dependent == blocker {
        return Some(vec![dependent.clone(), blocker.clone()]);
    }
    let mut next: HashMap<&str, Vec<&str>> = HashMap::new();
    for e in edges {
        next.entry(e.dependent.as_str())
            .or_default()
            .push(e.blocker.as_str());
        if e.kind == DependencyType::RequiresSync {
            next.entry(e.blocker.as_str())
                .or_default()
                .push(e.dependent.as_str());
        }
    }
    let path = |from: &str, to: &str| -> Option<Vec<ReleaseId>> {
        let mut parent: HashMap<&str, &str> = HashMap::new();
        let mut queue = std::collections::VecDeque::from([from]);
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        seen.insert(from);
        while let Some(n) = queue.pop_front() {
            if n == to {
                let mut p = vec![ReleaseId::from(to)];
                let mut cur = n;
                while cur != from {
                    cur = parent[cur];
                    p.push(ReleaseId::from(cur));
                }
                p.reverse();
                return Some(p);
            }
            for m in next.get(n).into_iter().flatten() {
                if seen.insert(m) {
                    parent.insert(m, n);
                    queue.push_back(m);
                }
            }
        }
        None
    };
    // dependent → blocker, then back from blocker to dependent.
    if let Some(p) = path(blocker.as_str(), dependent.as_str()) {
        let mut cycle = vec![dependent.clone()];
        cycle.extend(p);
        return Some(cycle);
    }
    if kind == DependencyType::RequiresSync {
        if let Some(p) = path(dependent.as_str(), blocker.as_str()) {
            let mut cycle = p;
            cycle.push(dependent.clone());
            return Some(cycle);
        }
    }
    None
}

/// How a deployment group rolls out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// One step at a time, in the group's order.
    Sequential,
    /// In waves, everything of a wave together.
    Simultaneous,
}

/// A change the plan made to the group's chosen order, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    /// The release that moved later.
    pub release: ReleaseId,
    /// The release it now follows.
    pub after: ReleaseId,
    /// Why, in words of ids (the service adds titles).
    pub kind: CorrectionKind,
}

/// Why a release moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CorrectionKind {
    /// It BLOCKS-depends on a release that came later in the chosen order.
    BlockedBy,
    /// It must deploy together with a REQUIRES_SYNC partner placed later.
    SyncedWith,
}

/// A plan: steps of release ids, and what was reordered.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    /// Ordered steps; each holds the releases deployed together.
    pub steps: Vec<Vec<ReleaseId>>,
    /// What the plan changed relative to the chosen order.
    pub corrections: Vec<Correction>,
}

/// Groups REQUIRES_SYNC partners (transitively) into units; each unit is
/// keyed by its earliest member in `order`.
fn sync_units(
    order: &[ReleaseId],
    edges: &[Edge],
) -> (Vec<Vec<ReleaseId>>, HashMap<ReleaseId, usize>) {
    let pos: HashMap<&str, usize> = order
        .iter()
        .enumerate()
        .map(|(i, r)| (r.as_str(), i))
        .collect();
    let mut parent: Vec<usize> = (0..order.len()).collect();
    fn root(p: &mut [usize], mut i: usize) -> usize {
        while p[i] != i {
            p[i] = p[p[i]];
            i = p[i];
        }
        i
    }
    for e in edges
        .iter()
        .filter(|e| e.kind == DependencyType::RequiresSync)
    {
        if let (Some(&a), Some(&b)) = (pos.get(e.dependent.as_str()), pos.get(e.blocker.as_str())) {
            let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
            // The earlier position becomes the root: the unit keeps its place.
            if ra != rb {
                let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
                parent[hi] = lo;
            }
        }
    }
    let mut by_root: BTreeMap<usize, Vec<ReleaseId>> = BTreeMap::new();
    for (i, r) in order.iter().enumerate() {
        let rt = root(&mut parent, i);
        by_root.entry(rt).or_default().push(r.clone());
    }
    let units: Vec<Vec<ReleaseId>> = by_root.into_values().collect();
    let unit_of = units
        .iter()
        .enumerate()
        .flat_map(|(u, rs)| rs.iter().map(move |r| (r.clone(), u)))
        .collect();
    (units, unit_of)
}

/// The rollout plan of a group whose releases are `order` (the chosen order
/// for SEQUENTIAL; any order for SIMULTANEOUS). Edges to releases outside
/// the group are ignored here (they show as readiness, not as order).
///
/// - REQUIRES_SYNC partners always share a step.
/// - No release comes before one it BLOCKS-depends on: SEQUENTIAL keeps the
///   chosen order where it can (a stable topological order) and lists each
///   move as a correction; SIMULTANEOUS puts each release one wave after
///   the latest wave it waits for.
pub fn plan(order: &[ReleaseId], edges: &[Edge], how: Order) -> Plan {
    let (units, unit_of) = sync_units(order, edges);
    let n = units.len();
    // BLOCKS between units: `after[u]` are the units that must come first.
    let mut before: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); n];
    for e in edges.iter().filter(|e| e.kind == DependencyType::Blocks) {
        if let (Some(&d), Some(&b)) = (unit_of.get(&e.dependent), unit_of.get(&e.blocker)) {
            if d != b {
                before[d].insert(b);
            }
        }
    }
    let mut corrections = vec![];
    // In a chosen order, a partner placed further down is pulled up to
    // deploy with the first of its unit: say so.
    if how == Order::Sequential {
        let pos: HashMap<&str, usize> = order
            .iter()
            .enumerate()
            .map(|(i, r)| (r.as_str(), i))
            .collect();
        for unit in &units {
            for w in unit.windows(2) {
                if pos[w[1].as_str()] > pos[w[0].as_str()] + 1 {
                    corrections.push(Correction {
                        release: w[1].clone(),
                        after: w[0].clone(),
                        kind: CorrectionKind::SyncedWith,
                    });
                }
            }
        }
    }
    // Every walk below is a loop over a topological order (Kahn's
    // algorithm), never recursion: a chain of tens of thousands of
    // releases plans in linear time and constant stack.
    let mut dependents: Vec<Vec<usize>> = vec![vec![]; n];
    let mut waiting: Vec<usize> = vec![0; n];
    for (d, bs) in before.iter().enumerate() {
        for &b in bs {
            dependents[b].push(d);
            waiting[d] += 1;
        }
    }
    // Units in the order Kahn's algorithm releases them, always taking the
    // earliest ready unit; should a cycle ever be stored (the service never
    // stores one), its earliest remaining unit goes next.
    let topo: Vec<usize> = {
        let mut ready: BinaryHeap<Reverse<usize>> =
            (0..n).filter(|&u| waiting[u] == 0).map(Reverse).collect();
        let mut done = vec![false; n];
        let mut next_undone = 0;
        let mut out = Vec::with_capacity(n);
        while out.len() < n {
            let u = match ready.pop() {
                Some(Reverse(u)) if done[u] => continue,
                Some(Reverse(u)) => u,
                None => {
                    while done[next_undone] {
                        next_undone += 1;
                    }
                    next_undone
                }
            };
            done[u] = true;
            out.push(u);
            for &d in &dependents[u] {
                waiting[d] = waiting[d].saturating_sub(1);
                if waiting[d] == 0 && !done[d] {
                    ready.push(Reverse(d));
                }
            }
        }
        out
    };
    let steps_units: Vec<Vec<usize>> = match how {
        Order::Sequential => {
            // Every BLOCKS edge that the chosen order broke is a correction.
            for (d, bs) in before.iter().enumerate() {
                for &b in bs {
                    if b > d {
                        corrections.push(Correction {
                            release: units[d][0].clone(),
                            after: units[b][0].clone(),
                            kind: CorrectionKind::BlockedBy,
                        });
                    }
                }
            }
            topo.into_iter().map(|u| vec![u]).collect()
        }
        Order::Simultaneous => {
            // Longest-path layering: a unit's wave is one after its latest
            // blocker, computed in topological order (blockers first).
            let mut placed = vec![false; n];
            let mut wave = vec![0usize; n];
            for &u in &topo {
                wave[u] = before[u]
                    .iter()
                    .filter(|&&b| placed[b])
                    .map(|&b| wave[b] + 1)
                    .max()
                    .unwrap_or(0);
                placed[u] = true;
            }
            let depth = wave.iter().copied().max().map(|m| m + 1).unwrap_or(0);
            let mut waves: Vec<Vec<usize>> = vec![vec![]; depth];
            for u in 0..n {
                waves[wave[u]].push(u);
            }
            waves
        }
    };
    Plan {
        steps: steps_units
            .into_iter()
            .map(|us| us.into_iter().flat_map(|u| units[u].clone()).collect())
            .collect(),
        corrections,
    }
}

#[cfg(test)]
mod tests {
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
}
