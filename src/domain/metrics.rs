//! The four DORA delivery figures, computed from a team's own history.
//! Pure functions over deploy and rollback events; the dashboard service
//! reads those from the activity log (STATUS_CHANGED to DEPLOYED or
//! ROLLED_BACK) and calls these.
//!
//! - **Deployment frequency**: releases entering DEPLOYED in the window,
//!   per week (count ÷ window days × 7).
//! - **Lead time for changes**: release created → entered DEPLOYED, for the
//!   deployments in the window; median and 90th percentile, in hours.
//! - **Change failure rate**: rollbacks in the window ÷ deployments in the
//!   window.
//! - **Time to restore**: for each rollback in the window, the time until the
//!   same service next entered DEPLOYED (any release of it); median, in
//!   hours. Rollbacks not yet restored are left out and counted apart.
//!
//! Medians of an even sample are the mean of the two middle values; the 90th
//! percentile is the nearest rank (the smallest value with at least 90 % of
//! the sample at or below it).

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// A release entering DEPLOYED.
#[derive(Debug, Clone, PartialEq)]
pub struct Deployment {
    /// Its service.
    pub service: String,
    /// When the release was created.
    pub created_at: DateTime<Utc>,
    /// When it entered DEPLOYED.
    pub deployed_at: DateTime<Utc>,
}

/// A release entering ROLLED_BACK.
#[derive(Debug, Clone, PartialEq)]
pub struct Rollback {
    /// Its service.
    pub service: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// One figure: the value (none without data), its unit, how many events it
/// rests on, and how it is computed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Figure {
    /// The value; `null` when there is nothing to compute it from.
    pub value: Option<f64>,
    /// The 90th percentile, for lead time.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub p90: Option<f64>,
    /// `per week`, `hours` or `ratio`.
    pub unit: String,
    /// Events the value rests on.
    pub sample: usize,
    /// How it is computed, in words.
    pub definition: String,
}

/// The median (mean of the middle two for an even count).
pub fn median(values: &[f64]) -> Option<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

/// The nearest-rank percentile `p` (0 < p ≤ 100).
pub fn percentile(values: &[f64], p: f64) -> Option<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let rank = ((p / 100.0) * v.len() as f64).ceil().max(1.0) as usize;
    Some(v[rank.min(v.len()) - 1])
}

fn hours(d: Duration) -> f64 {
    d.num_seconds() as f64 / 3600.0
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn within(t: DateTime<Utc>, from: DateTime<Utc>, to: DateTime<Utc>) -> bool {
    t >= from && t < to
}

/// Deployments per week in `[from, to)`.
pub fn deployment_frequency(
    deploys: &[Deployment],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Figure {
    let n = deploys
        .iter()
        .filter(|d| within(d.deployed_at, from, to))
        .count();
    let days = (to - from).num_seconds() as f64 / 86_400.0;
    Figure {
        value: (days > 0.0).then(|| round2(n as f64 / days * 7.0)),
        p90: None,
        unit: "per week".into(),
        sample: n,
        definition: "Releases that entered DEPLOYED in the window, per week.".into(),
    }
}

/// Lead time (created → deployed) of the deployments in `[from, to)`.
pub fn lead_time(deploys: &[Deployment], from: DateTime<Utc>, to: DateTime<Utc>) -> Figure {
    let v: Vec<f64> = deploys
        .iter()
        .filter(|d| within(d.deployed_at, from, to))
        .map(|d| hours(d.deployed_at - d.created_at))
        .collect();
    Figure {
        value: median(&v).map(round2),
        p90: percentile(&v, 90.0).map(round2),
        unit: "hours".into(),
        sample: v.len(),
        definition: "From a release's creation to its production deployment, for releases deployed in the window: median (and 90th percentile).".into(),
    }
}

/// Deployment frequency and lead time from CI's deployment reports (each
/// successful PRODUCTION report is a deployment; lead time runs from the
/// release's creation to that report), saying so in their definitions.
pub fn from_reports(
    deploys: &[Deployment],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> (Figure, Figure) {
    let mut frequency = deployment_frequency(deploys, from, to);
    frequency.definition =
        "From CI's deployment reports: successful production deployments in the window, per week."
            .into();
    let mut lead = lead_time(deploys, from, to);
    lead.definition = "From CI's deployment reports: from a release's creation to its successful production report, for reports in the window: median (and 90th percentile).".into();
    (frequency, lead)
}

/// Rollbacks ÷ deployments in `[from, to)`.
pub fn change_failure_rate(
    deploys: &[Deployment],
    rollbacks: &[Rollback],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Figure {
    let d = deploys
        .iter()
        .filter(|d| within(d.deployed_at, from, to))
        .count();
    let r = rollbacks.iter().filter(|r| within(r.at, from, to)).count();
    Figure {
        value: (d > 0).then(|| round2(r as f64 / d as f64)),
        p90: None,
        unit: "ratio".into(),
        sample: d,
        definition:
            "Releases rolled back in the window divided by releases deployed in the window.".into(),
    }
}

/// Median time from each rollback in `[from, to)` to the service's next
/// deployment; unrestored rollbacks are not counted.
pub fn time_to_restore(
    deploys: &[Deployment],
    rollbacks: &[Rollback],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Figure {
    let v: Vec<f64> = rollbacks
        .iter()
        .filter(|r| within(r.at, from, to))
        .filter_map(|r| {
            deploys
                .iter()
                .filter(|d| d.service == r.service && d.deployed_at > r.at)
                .map(|d| d.deployed_at)
                .min()
                .map(|next| hours(next - r.at))
        })
        .collect();
    Figure {
        value: median(&v).map(round2),
        p90: None,
        unit: "hours".into(),
        sample: v.len(),
        definition: "From a rollback to the same service's next production deployment: median over the window's restored rollbacks.".into(),
    }
}

/// One bar of a weekly chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct WeekPoint {
    /// Monday of the week (`YYYY-MM-DD`), or the window's start for the first.
    pub week_start: String,
    /// Deployments that week.
    pub deployments: usize,
    /// Median lead time of that week's deployments, in hours.
    pub median_lead_time_hours: Option<f64>,
}

/// Weekly deployments and median lead time over `[from, to)`, in seven-day
/// buckets counted back from `to` (the last bucket ends now).
pub fn weekly(deploys: &[Deployment], from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<WeekPoint> {
    let weeks = ((to - from).num_days() as f64 / 7.0).ceil().max(1.0) as i64;
    (0..weeks)
        .rev()
        .map(|k| {
            let end = to - Duration::days(7 * k);
            let start = (end - Duration::days(7)).max(from);
            let in_week: Vec<&Deployment> = deploys
                .iter()
                .filter(|d| within(d.deployed_at, start, end))
                .collect();
            let lt: Vec<f64> = in_week
                .iter()
                .map(|d| hours(d.deployed_at - d.created_at))
                .collect();
            WeekPoint {
                week_start: start.format("%Y-%m-%d").to_string(),
                deployments: in_week.len(),
                median_lead_time_hours: median(&lt).map(round2),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).unwrap()
    }
    fn dep(service: &str, created: DateTime<Utc>, deployed: DateTime<Utc>) -> Deployment {
        Deployment {
            service: service.into(),
            created_at: created,
            deployed_at: deployed,
        }
    }

    #[test]
    fn medians_and_percentiles() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(percentile(&v, 90.0), Some(9.0));
        assert_eq!(percentile(&v, 100.0), Some(10.0));
        assert_eq!(percentile(&[5.0], 90.0), Some(5.0));
    }

    /// A hand-built fortnight: four deployments, one rollback restored
    /// after six hours, one deployment outside the window.
    fn history() -> (Vec<Deployment>, Vec<Rollback>) {
        let deploys = vec![
            dep("pay", t(1, 0), t(2, 0)),     // 24 h
            dep("pay", t(2, 0), t(4, 0)),     // 48 h
            dep("search", t(3, 0), t(3, 12)), // 12 h
            dep("pay", t(5, 0), t(8, 18)),    // 90 h; restores the rollback at t(8,12)
            dep("pay", t(1, 0), t(20, 0)),    // outside the window
        ];
        let rollbacks = vec![Rollback {
            service: "pay".into(),
            at: t(8, 12),
        }];
        (deploys, rollbacks)
    }

    #[test]
    fn the_four_figures_on_a_known_history() {
        let (d, r) = history();
        let (from, to) = (t(1, 0), t(15, 0)); // 14 days
        let f = deployment_frequency(&d, from, to);
        assert_eq!((f.value, f.sample), (Some(2.0), 4));
        let l = lead_time(&d, from, to);
        assert_eq!((l.value, l.p90, l.sample), (Some(36.0), Some(90.0), 4));
        let c = change_failure_rate(&d, &r, from, to);
        assert_eq!((c.value, c.sample), (Some(0.25), 4));
        let m = time_to_restore(&d, &r, from, to);
        assert_eq!((m.value, m.sample), (Some(6.0), 1));
    }

    #[test]
    fn no_data_is_no_value_not_zero() {
        let (from, to) = (t(1, 0), t(15, 0));
        assert_eq!(lead_time(&[], from, to).value, None);
        assert_eq!(change_failure_rate(&[], &[], from, to).value, None);
        assert_eq!(time_to_restore(&[], &[], from, to).value, None);
        assert_eq!(deployment_frequency(&[], from, to).value, Some(0.0));
        // A rollback never followed by a deployment is not "restored".
        let r = [Rollback {
            service: "pay".into(),
            at: t(3, 0),
        }];
        assert_eq!(time_to_restore(&[], &r, from, to).sample, 0);
    }

    #[test]
    fn weekly_buckets_cover_the_window() {
        let (d, _) = history();
        let w = weekly(&d, t(1, 0), t(15, 0));
        assert_eq!(w.len(), 2);
        assert_eq!(
            (w[0].week_start.as_str(), w[0].deployments),
            ("2026-11-01", 3)
        );
        assert_eq!(
            (w[1].week_start.as_str(), w[1].deployments),
            ("2026-11-08", 1)
        );
        assert_eq!(w[0].median_lead_time_hours, Some(24.0));
        assert_eq!(w[1].median_lead_time_hours, Some(90.0));
        assert_eq!(w.iter().map(|p| p.deployments).sum::<usize>(), 4);
    }
}
