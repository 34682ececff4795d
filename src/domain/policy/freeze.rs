//! When a freeze is in force: once (from `startsAt`, until `endsAt` or until
//! lifted) or every week in a named time zone (a window from a weekday and
//! time to the next given weekday and time, repeating from `startsAt` until
//! `endsAt`). Generic over the time zone, so this stays pure: the server
//! passes an IANA zone (`chrono_tz::Tz`), tests pass the same.
//!
//! Daylight saving: a window opens and closes at *local* wall-clock times,
//! so "Friday 15:00 to Monday 08:00" in Europe/Berlin is 13:00–07:00 UTC on
//! the weekend the clocks go back (the window is an hour longer), and the
//! hours match in summer and winter alike. A wall-clock time that does not
//! exist (skipped by the clock going forward) is taken as the first moment
//! after the gap; one that happens twice is the first of the two.

use chrono::{
    DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc, Weekday,
};

/// A weekly window in local time: opens every `start_day` at `start_time`,
/// closes at the next `end_day` `end_time` after that (at most a week later;
/// the same day and time means a whole week).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Weekly {
    /// The day it opens.
    pub start_day: Weekday,
    /// The local time it opens.
    pub start_time: NaiveTime,
    /// The day it closes.
    pub end_day: Weekday,
    /// The local time it closes.
    pub end_time: NaiveTime,
}

/// When a freeze holds: its bounds and, for a recurring one, its window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    /// Not before this moment.
    pub starts_at: DateTime<Utc>,
    /// Not from this moment on (`None`: until lifted).
    pub ends_at: Option<DateTime<Utc>>,
    /// Weekly windows; `None`: the whole time between the bounds.
    pub weekly: Option<Weekly>,
}

/// One stretch of time a freeze is in force: from `start` until `end`
/// (`None`: until lifted).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Opens.
    pub start: DateTime<Utc>,
    /// Closes (exclusive).
    pub end: Option<DateTime<Utc>>,
}

impl Window {
    /// Whether `at` falls inside.
    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        self.start <= at && self.end.is_none_or(|e| at < e)
    }
}

/// The moment a local wall-clock time happens in `tz` (see the module's
/// note on daylight saving).
pub fn local_to_utc<Tz: TimeZone>(tz: &Tz, local: NaiveDateTime) -> DateTime<Utc> {
    let mut probe = local;
    // A gap is at most a few hours; step forward a minute at a time until the
    // clock shows a time that exists.
    for _ in 0..(24 * 60) {
        if let Some(t) = tz.from_local_datetime(&probe).earliest() {
            return t.with_timezone(&Utc);
        }
        probe += Duration::minutes(1);
    }
    Utc.from_utc_datetime(&local)
}

/// The weekly window that opens on `date` (which must be its start day).
fn window_opening_on<Tz: TimeZone>(
    tz: &Tz,
    w: &Weekly,
    date: NaiveDate,
) -> (DateTime<Utc>, DateTime<Utc>) {
    let open = date.and_time(w.start_time);
    let mut days = (w.end_day.num_days_from_monday() as i64
        - w.start_day.num_days_from_monday() as i64)
        .rem_euclid(7);
    if days == 0 && w.end_time <= w.start_time {
        days = 7;
    }
    let close = (date + Duration::days(days)).and_time(w.end_time);
    (local_to_utc(tz, open), local_to_utc(tz, close))
}

/// The window of `s` in force at `at`, if any, with its bounds applied.
pub fn in_force<Tz: TimeZone>(s: &Schedule, tz: &Tz, at: DateTime<Utc>) -> Option<Window> {
    let bounds = Window {
        start: s.starts_at,
        end: s.ends_at,
    };
    if !bounds.contains(at) {
        return None;
    }
    let Some(w) = &s.weekly else {
        return Some(bounds);
    };
    // The latest opening at or before `at` is the only candidate: a window
    // lasts at most a week. Look from a day ahead (time zones) back 8 days.
    let local_today = at.with_timezone(tz).date_naive();
    (-1..=8)
        .map(|back| local_today - Duration::days(back))
        .filter(|d| d.weekday() == w.start_day)
        .map(|d| window_opening_on(tz, w, d))
        .filter(|(open, _)| *open <= at)
        .max_by_key(|(open, _)| *open)
        .filter(|(_, close)| at < *close)
        .map(|(open, close)| {
            clip(
                Window {
                    start: open,
                    end: Some(close),
                },
                &bounds,
            )
        })
}

/// `w` within the schedule's bounds.
fn clip(w: Window, bounds: &Window) -> Window {
    Window {
        start: w.start.max(bounds.start),
        end: match (w.end, bounds.end) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        },
    }
}

/// The windows of `s` that overlap `[from, to)`, in order (for the
/// calendar). A one-off freeze is one window; a weekly one, one per week.
pub fn windows_between<Tz: TimeZone>(
    s: &Schedule,
    tz: &Tz,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Vec<Window> {
    let bounds = Window {
        start: s.starts_at,
        end: s.ends_at,
    };
    let overlaps = |w: &Window| w.start < to && w.end.is_none_or(|e| e > from);
    let Some(w) = &s.weekly else {
        return [bounds].into_iter().filter(overlaps).collect();
    };
    let first = from.max(s.starts_at).with_timezone(tz).date_naive() - Duration::days(8);
    let last = to.with_timezone(tz).date_naive() + Duration::days(1);
    let mut out = vec![];
    let mut d = first;
    while d <= last {
        if d.weekday() == w.start_day {
            let (open, close) = window_opening_on(tz, w, d);
            let win = Window {
                start: open,
                end: Some(close),
            };
            if bounds.start < close && bounds.end.is_none_or(|e| e > open) {
                let clipped = clip(win, &bounds);
                if overlaps(&clipped) {
                    out.push(clipped);
                }
            }
        }
        d += Duration::days(1);
    }
    out
}

/// Parses `MON`..`SUN`.
pub fn parse_day(s: &str) -> Option<Weekday> {
    Some(match s {
        "MON" => Weekday::Mon,
        "TUE" => Weekday::Tue,
        "WED" => Weekday::Wed,
        "THU" => Weekday::Thu,
        "FRI" => Weekday::Fri,
        "SAT" => Weekday::Sat,
        "SUN" => Weekday::Sun,
        _ => return None,
    })
}

/// The wire name of a day (`FRI`).
pub fn day_name(d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => "MON",
        Weekday::Tue => "TUE",
        Weekday::Wed => "WED",
        Weekday::Thu => "THU",
        Weekday::Fri => "FRI",
        Weekday::Sat => "SAT",
        Weekday::Sun => "SUN",
    }
}

/// Parses `HH:MM` (00:00–23:59).
pub fn parse_time(s: &str) -> Option<NaiveTime> {
    let (h, m) = s.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    NaiveTime::from_hms_opt(h.parse().ok()?, m.parse().ok()?, 0)
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use chrono_tz::America::New_York;
    use chrono_tz::Europe::Berlin;
    use proptest::prelude::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("a moment")
            .with_timezone(&Utc)
    }

    fn friday_to_monday() -> Weekly {
        Weekly {
            start_day: Weekday::Fri,
            start_time: parse_time("15:00").expect("a time"),
            end_day: Weekday::Mon,
            end_time: parse_time("08:00").expect("a time"),
        }
    }

    fn weekly(w: Weekly) -> Schedule {
        Schedule {
            starts_at: utc("2026-01-01T00:00:00Z"),
            ends_at: None,
            weekly: Some(w),
        }
    }

    #[test]
    fn a_weekend_freeze_holds_local_hours_across_the_clocks_going_back() {
        // Europe/Berlin leaves summer time on Sunday 25 October 2026.
        let s = weekly(friday_to_monday());
        let w = in_force(&s, &Berlin, utc("2026-10-24T12:00:00Z")).unwrap();
        assert_eq!(w.start, utc("2026-10-23T13:00:00Z"), "Friday 15:00 CEST");
        assert_eq!(w.end, Some(utc("2026-10-26T07:00:00Z")), "Monday 08:00 CET");
        assert!(in_force(&s, &Berlin, utc("2026-10-23T12:59:59Z")).is_none());
        assert!(in_force(&s, &Berlin, utc("2026-10-26T06:59:59Z")).is_some());
        assert!(in_force(&s, &Berlin, utc("2026-10-26T07:00:00Z")).is_none());
        // A week later, in winter time: 14:00 UTC.
        let w = in_force(&s, &Berlin, utc("2026-10-31T12:00:00Z")).unwrap();
        assert_eq!(w.start, utc("2026-10-30T14:00:00Z"));
    }

    #[test]
    fn a_window_over_the_spring_gap_opens_after_it() {
        // New York skips 02:00–03:00 on Sunday 8 March 2026.
        let w = Weekly {
            start_day: Weekday::Sun,
            start_time: parse_time("02:30").unwrap(),
            end_day: Weekday::Sun,
            end_time: parse_time("06:00").unwrap(),
        };
        let win = in_force(&weekly(w), &New_York, utc("2026-03-08T08:00:00Z")).unwrap();
        assert_eq!(
            win.start,
            utc("2026-03-08T07:00:00Z"),
            "03:00 EDT, the first minute after the gap"
        );
        assert_eq!(win.end, Some(utc("2026-03-08T10:00:00Z")), "06:00 EDT");
    }

    #[test]
    fn bounds_cut_the_windows() {
        let mut s = weekly(friday_to_monday());
        s.starts_at = utc("2026-12-05T00:00:00Z"); // a Saturday, inside a window
        s.ends_at = Some(utc("2026-12-12T00:00:00Z"));
        let ws = windows_between(
            &s,
            &chrono::Utc,
            utc("2026-11-01T00:00:00Z"),
            utc("2027-01-01T00:00:00Z"),
        );
        assert_eq!(ws.len(), 2, "{ws:?}");
        assert_eq!(ws[0].start, utc("2026-12-05T00:00:00Z"));
        assert_eq!(ws[0].end, Some(utc("2026-12-07T08:00:00Z")));
        assert_eq!(ws[1].start, utc("2026-12-11T15:00:00Z"));
        assert_eq!(ws[1].end, Some(utc("2026-12-12T00:00:00Z")));
        assert!(
            in_force(&s, &chrono::Utc, utc("2026-12-13T12:00:00Z")).is_none(),
            "after endsAt"
        );
    }

    #[test]
    fn a_one_off_freeze_is_one_window_and_open_ended_until_lifted() {
        let s = Schedule {
            starts_at: utc("2026-12-01T10:00:00Z"),
            ends_at: None,
            weekly: None,
        };
        assert!(in_force(&s, &chrono::Utc, utc("2026-12-01T09:59:59Z")).is_none());
        let w = in_force(&s, &chrono::Utc, utc("2030-01-01T00:00:00Z")).unwrap();
        assert_eq!(w.end, None);
        let lifted = Schedule {
            ends_at: Some(utc("2026-12-02T00:00:00Z")),
            ..s
        };
        assert!(in_force(&lifted, &chrono::Utc, utc("2026-12-02T00:00:00Z")).is_none());
    }

    #[test]
    fn days_and_times_parse_strictly() {
        assert_eq!(parse_day("FRI"), Some(Weekday::Fri));
        assert_eq!(parse_day("fri"), None);
        assert_eq!(parse_time("08:00"), NaiveTime::from_hms_opt(8, 0, 0));
        for bad in ["8:00", "24:00", "12:60", "12-00", "", "ab:cd"] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
        for d in [Weekday::Mon, Weekday::Sun] {
            assert_eq!(parse_day(day_name(d)), Some(d));
        }
    }

    fn any_weekly() -> impl Strategy<Value = Weekly> {
        (0u32..7, 0u32..24, 0u32..60, 0u32..7, 0u32..24, 0u32..60).prop_map(
            |(sd, sh, sm, ed, eh, em)| Weekly {
                start_day: Weekday::try_from(sd as u8).expect("a day"),
                start_time: NaiveTime::from_hms_opt(sh, sm, 0).expect("a time"),
                end_day: Weekday::try_from(ed as u8).expect("a day"),
                end_time: NaiveTime::from_hms_opt(eh, em, 0).expect("a time"),
            },
        )
    }

    proptest! {
        /// A moment is in force exactly when one of the listed windows holds
        /// it, in a zone with daylight saving, over two years.
        #[test]
        fn in_force_agrees_with_the_listed_windows(w in any_weekly(), minutes in 0i64..(2 * 365 * 24 * 60)) {
            let s = weekly(w);
            let at = utc("2026-01-01T00:00:00Z") + Duration::minutes(minutes);
            let listed = windows_between(&s, &Berlin, at - Duration::days(9), at + Duration::days(9));
            let holding: Vec<&Window> = listed.iter().filter(|x| x.contains(at)).collect();
            match in_force(&s, &Berlin, at) {
                Some(found) => prop_assert!(holding.contains(&&found), "{found:?} not in {holding:?}"),
                None => prop_assert!(holding.is_empty(), "{holding:?} at {at}"),
            }
            for x in &listed {
                let end = x.end.expect("a weekly window ends");
                prop_assert!(x.start < end);
                prop_assert!(end - x.start <= Duration::days(7) + Duration::hours(1));
            }
        }
    }
}
