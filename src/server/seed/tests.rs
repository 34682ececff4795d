//! The demo history, by property.

use super::*;

#[test]
fn old_releases_reach_their_goal() {
    let mut rng = StdRng::seed_from_u64(3);
    let now = Utc::now();
    for goal in [
        ReleaseStatus::Deployed,
        ReleaseStatus::RolledBack,
        ReleaseStatus::Cancelled,
    ] {
        let h = walk(&mut rng, now - Duration::days(150), now, goal);
        assert_eq!(h.moves.last().map(|m| m.1), Some(goal));
    }
}

#[test]
fn invented_histories_only_make_legal_moves_in_order() {
    let mut rng = StdRng::seed_from_u64(7);
    let now = Utc::now();
    for goal in ReleaseStatus::ALL {
        for _ in 0..50 {
            let start = now - Duration::days(rng.gen_range(1..200));
            let h = walk(&mut rng, start, now, goal);
            let mut cur = ReleaseStatus::Planning;
            let mut t = start;
            for (from, to, at) in h.moves {
                assert_eq!(from, cur);
                assert!(from.can_move_to(to));
                assert!(at >= t && at < now);
                cur = to;
                t = at;
            }
        }
    }
}

#[test]
fn ids_sort_like_the_moments_they_stand_for() {
    let mut rng = StdRng::seed_from_u64(1);
    let t = Utc::now() - Duration::days(3);
    let a: String = id_at(t, &mut rng);
    let b: String = id_at(t + Duration::seconds(1), &mut rng);
    assert!(a < b);
    assert_eq!(a.len(), 32);
}
