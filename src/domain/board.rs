//! How many cards each board column shows, as the `show` key of the board's
//! URL carries it: `show=PLANNING:150,DEPLOYED:40`.
//!
//! A column starts with its first [`WIP_SHOWN`] cards (work in flight, most
//! urgent first) or [`FINISHED_SHOWN`] (finished work, latest first); "Show
//! N more" is a link to the same board with that column's size raised, so it
//! works without JavaScript and a shared link shows the same cards. The
//! count in a column's heading is always everything it holds. The server
//! reads the key with [`ColumnSizes::parse`] and the browser writes the
//! links with [`ColumnSizes::with`], the same code on both sides.

use crate::domain::status::ReleaseStatus;
use std::collections::BTreeMap;

/// Cards a column of work in flight shows until more are asked for.
pub const WIP_SHOWN: u64 = 50;

/// Cards a finished column (deployed, cancelled, rolled back) shows until
/// more are asked for: the latest, the rest is history.
pub const FINISHED_SHOWN: u64 = 20;

/// Most cards one column shows at once; past this, the release list (which
/// pages) is the way to the rest.
pub const COLUMN_MAX: u64 = 1_000;

/// The board's "Closed" area, collapsed until asked for (`closed=1`): its
/// cards are only loaded then.
pub const CLOSED: [ReleaseStatus; 2] = [ReleaseStatus::Cancelled, ReleaseStatus::RolledBack];

/// Per-column sizes asked for; columns not named show their default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnSizes(BTreeMap<ReleaseStatus, u64>);

impl ColumnSizes {
    /// Reads the `show` key. It comes from links the board wrote, or from a
    /// hand-edited URL: a part that does not read as `STATUS:number` is
    /// left out (its column shows its default) and sizes are kept within
    /// the default and [`COLUMN_MAX`], so no URL can ask for an unbounded
    /// board.
    pub fn parse(param: &str) -> Self {
        let mut sizes = BTreeMap::new();
        for part in param.split(',') {
            let Some((status, n)) = part.split_once(':') else {
                continue;
            };
            let (Ok(status), Ok(n)) = (status.trim().parse::<ReleaseStatus>(), n.trim().parse())
            else {
                continue;
            };
            sizes.insert(status, clamp(status, n));
        }
        Self(sizes)
    }

    /// The `show` key's value (empty when every column has its default).
    pub fn to_param(&self) -> String {
        self.0
            .iter()
            .filter(|(s, n)| **n != default(**s))
            .map(|(s, n)| format!("{}:{n}", s.as_str()))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// How many cards `status`'s column shows.
    pub fn shown(&self, status: ReleaseStatus) -> u64 {
        self.0
            .get(&status)
            .copied()
            .unwrap_or_else(|| default(status))
    }

    /// The sizes with `status`'s column raised to show `n` cards.
    pub fn with(&self, status: ReleaseStatus, n: u64) -> Self {
        let mut next = self.clone();
        next.0.insert(status, clamp(status, n));
        next
    }

    /// "Show N more" for a column holding `total`: how many more the next
    /// step shows and the sizes that show them; `None` when the column shows
    /// everything it holds, or as many as one column can.
    pub fn more(&self, status: ReleaseStatus, total: u64) -> Option<(u64, Self)> {
        let shown = self.shown(status);
        let step = if status.is_finished() {
            FINISHED_SHOWN
        } else {
            // Work in flight is what people act on: the next step shows
            // the rest of a column of ordinary size at once.
            4 * WIP_SHOWN
        };
        let next = clamp(status, shown.saturating_add(step)).min(total.max(shown));
        (next > shown).then(|| (next - shown, self.with(status, next)))
    }
}

fn default(status: ReleaseStatus) -> u64 {
    if status.is_finished() {
        FINISHED_SHOWN
    } else {
        WIP_SHOWN
    }
}

fn clamp(status: ReleaseStatus, n: u64) -> u64 {
    n.clamp(default(status), COLUMN_MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use ReleaseStatus::*;

    #[test]
    fn defaults_and_what_a_link_asks_for() {
        let none = ColumnSizes::parse("");
        assert_eq!(none.shown(Planning), WIP_SHOWN);
        assert_eq!(none.shown(Deployed), FINISHED_SHOWN);
        let some = ColumnSizes::parse("PLANNING:250,DEPLOYED:40");
        assert_eq!(some.shown(Planning), 250);
        assert_eq!(some.shown(Deployed), 40);
        assert_eq!(some.shown(InReview), WIP_SHOWN);
        assert_eq!(some.to_param(), "PLANNING:250,DEPLOYED:40");
    }

    #[test]
    fn a_hand_edited_url_is_read_as_far_as_it_makes_sense() {
        let s = ColumnSizes::parse("PLANNING:x,NOPE:5,IN_REVIEW,DEPLOYED:999999,IN_STAGING:1");
        assert_eq!(s.shown(Planning), WIP_SHOWN);
        assert_eq!(s.shown(InReview), WIP_SHOWN);
        assert_eq!(s.shown(Deployed), COLUMN_MAX);
        assert_eq!(s.shown(InStaging), WIP_SHOWN, "never below the default");
        assert_eq!(s.to_param(), "DEPLOYED:1000");
    }

    #[test]
    fn show_more_steps_to_the_rest() {
        let s = ColumnSizes::default();
        // 230 planned: 50 shown, the next step shows the other 180.
        let (n, next) = s.more(Planning, 230).unwrap();
        assert_eq!((n, next.to_param().as_str()), (180, "PLANNING:230"));
        assert_eq!(next.more(Planning, 230), None);
        // A long column goes 200 at a time.
        assert_eq!(s.more(Planning, 5_000).unwrap().0, 200);
        // Finished work: twenty more of the history.
        let (n, next) = s.more(Deployed, 22).unwrap();
        assert_eq!((n, next.to_param().as_str()), (2, "DEPLOYED:22"));
        assert_eq!(s.more(Deployed, 20), None);
        assert_eq!(s.more(Planning, 3), None);
    }

    proptest! {
        /// Whatever the URL says, every column shows between its default
        /// and the maximum, and writing the sizes back reads the same.
        #[test]
        fn sizes_stay_bounded_and_round_trip(param in "[A-Z_:,0-9]{0,60}") {
            let s = ColumnSizes::parse(&param);
            for status in ReleaseStatus::ALL {
                let n = s.shown(status);
                prop_assert!(n >= default(status) && n <= COLUMN_MAX);
            }
            let again = ColumnSizes::parse(&s.to_param());
            for status in ReleaseStatus::ALL {
                prop_assert_eq!(again.shown(status), s.shown(status));
            }
        }

        /// "Show N more" always shows more, never past the column.
        #[test]
        fn more_always_progresses(total in 0u64..3_000, shown in 0u64..1_200) {
            for status in [Planning, Deployed] {
                let s = ColumnSizes::default().with(status, shown);
                if let Some((n, next)) = s.more(status, total) {
                    prop_assert!(n > 0);
                    prop_assert_eq!(next.shown(status), s.shown(status) + n);
                    prop_assert!(next.shown(status) <= total.max(s.shown(status)));
                }
            }
        }
    }
}
