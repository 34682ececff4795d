//! Times as people read them: relative ("3 minutes ago"), ticking, with
//! the absolute moment on hover and in `datetime`.

use crate::domain::time::Timestamp;
use leptos::prelude::*;

/// "just now", "3 minutes ago", "2 hours ago", "5 days ago".
pub fn relative(then: Timestamp, now: chrono::DateTime<chrono::Utc>) -> String {
    let secs = (now - then.at()).num_seconds().max(0);
    let (n, unit) = match secs {
        0..=44 => return "just now".into(),
        45..=3599 => ((secs + 30) / 60, "minute"),
        3600..=86_399 => ((secs + 1800) / 3600, "hour"),
        _ => ((secs + 43_200) / 86_400, "day"),
    };
    let n = n.max(1);
    format!("{n} {unit}{} ago", if n == 1 { "" } else { "s" })
}

/// A signal with the current time, ticking every 30 seconds in the browser.
/// The ticking stops with the component that asked for it: once its signal
/// is disposed, the next tick finds nobody to tell and ends the loop (no
/// timer outlives its page, however often the page is opened).
pub fn use_now() -> ReadSignal<chrono::DateTime<chrono::Utc>> {
    let (now, set_now) = signal(chrono::Utc::now());
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            loop {
                gloo_timers::future::TimeoutFuture::new(30_000).await;
                if set_now.try_set(chrono::Utc::now()).is_some() {
                    break;
                }
            }
        });
        let _ = set_now;
    });
    now
}

/// A moment, relative and ticking with `now` ([`use_now`]); the absolute
/// time (UTC) on hover.
#[component]
pub fn When(at: Timestamp, now: ReadSignal<chrono::DateTime<chrono::Utc>>) -> impl IntoView {
    let machine = at.to_string();
    let human = at.at().format("%a %-d %b %Y, %H:%M UTC").to_string();
    view! {
        <time datetime=machine title=human>{move || relative(at, now.get())}</time>
    }
}

/// A calendar day as people read it: "Fri 4 Dec", with the year when it
/// is not `today`'s ("Wed 1 Jan 2020").
pub fn day_label(d: chrono::NaiveDate, today: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    if d.year() == today.year() {
        d.format("%a %-d %b").to_string()
    } else {
        d.format("%a %-d %b %Y").to_string()
    }
}

/// A day ([`day_label`]), the ISO date on hover and in `datetime`.
#[component]
pub fn Day(date: chrono::NaiveDate) -> impl IntoView {
    let iso = date.format("%Y-%m-%d").to_string();
    let label = day_label(date, chrono::Utc::now().date_naive());
    view! { <time datetime=iso.clone() title=iso>{label}</time> }
}

#[cfg(test)]
mod tests {
    use super::relative;

    #[test]
    fn days_read_as_words_with_the_year_only_when_it_differs() {
        use super::day_label;
        let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(day_label(d("2026-12-04"), d("2026-12-07")), "Fri 4 Dec");
        assert_eq!(
            day_label(d("2020-01-01"), d("2026-12-07")),
            "Wed 1 Jan 2020"
        );
    }

    #[test]
    fn relative_times_read_naturally() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-26T12:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let at = |s: &str| -> crate::domain::time::Timestamp {
            serde_json::from_str(&format!("{s:?}")).unwrap()
        };
        assert_eq!(relative(at("2026-11-26T11:59:50Z"), now), "just now");
        assert_eq!(relative(at("2026-11-26T11:57:00Z"), now), "3 minutes ago");
        assert_eq!(relative(at("2026-11-26T11:00:00Z"), now), "1 hour ago");
        assert_eq!(relative(at("2026-11-21T12:00:00Z"), now), "5 days ago");
    }
}
