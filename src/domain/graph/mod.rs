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
use std::collections::{BTreeSet, HashMap};

mod plan;
pub use plan::{plan, Correction, CorrectionKind, Order, Plan};

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

#[cfg(test)]
mod tests;
