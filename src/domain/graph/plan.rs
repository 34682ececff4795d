//! The rollout plan of a deployment group: steps that keep REQUIRES_SYNC
//! partners together and put no release before one it BLOCKS-depends on.

use super::Edge;
use crate::domain::ids::ReleaseId;
use crate::domain::kinds::DependencyType;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap};

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
