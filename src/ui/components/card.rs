//! A release card on the board: title, service and version, priority,
//! owner, blocked badge (reason on hover and in the accessible name), target
//! date ("Fri 4 Dec", overdue in red). Its coloured edge comes from the
//! column's status, in CSS.

use crate::domain::status::Priority;
use crate::views::BoardCard;
use chrono::NaiveDate;
use leptos::prelude::*;

/// "Fri 4 Dec" for 2026-12-04.
pub fn short_date(d: NaiveDate) -> String {
    use chrono::Datelike;
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    // By hand, not `format("%a %-d %b")`: a board formats hundreds of
    // these, and a format string is parsed anew each time.
    format!(
        "{} {} {}",
        DAYS[d.weekday().num_days_from_monday() as usize],
        d.day(),
        MONTHS[d.month0() as usize]
    )
}

/// Whether a target date has passed.
pub fn is_overdue(target: NaiveDate, today: NaiveDate) -> bool {
    target < today
}

/// A card's priority class (`style/tailwind.css`).
fn priority_class(p: Priority) -> &'static str {
    match p {
        Priority::Critical => "rc-prio-critical",
        Priority::High => "rc-prio-high",
        Priority::Medium => "rc-prio-medium",
        Priority::Low => "rc-prio-low",
    }
}

/// The accessible name of a card: it starts with the release's title (list
/// items are not named by their content), then what a sighted user reads.
pub fn card_label(card: &BoardCard) -> String {
    let mut l = format!(
        "{} {}, {}, {} priority",
        card.title,
        card.version,
        card.service_name,
        card.priority.label()
    );
    if let Some(o) = &card.owner_name {
        l.push_str(&format!(", owner {o}"));
    }
    if !card.blocked_by.is_empty() {
        l.push_str(&format!(", blocked by {}", card.blocked_by.join(", ")));
    }
    if card.is_blocked {
        l.push_str(&format!(
            ", blocked{}",
            card.blocked_reason
                .as_ref()
                .map(|r| format!(": {r}"))
                .unwrap_or_default()
        ));
    }
    l
}

/// What a card shows; the board wraps it in its list item. A function, not
/// a component: it borrows the card (a board renders hundreds).
pub fn card_body(card: &BoardCard, today: &str) -> impl IntoView {
    let overdue = card
        .target_date
        .zip(today.parse::<NaiveDate>().ok())
        .is_some_and(|(t, today)| is_overdue(t, today))
        && !card.status.is_finished();
    view! {
        <a href=format!("/releases/{}", card.id) class="rc-card-title" draggable="false" tabindex="-1">{card.title.clone()}</a>
        // One text node each (not three): hydration marks every dynamic
        // text node, and a board carries hundreds of cards.
        <p class="rc-card-meta">{format!("{} · {}", card.service_name, card.version)}</p>
        <div class="rc-card-facts">
            <span class=priority_class(card.priority)>{card.priority.label()}</span>
            {card.owner_name.clone().map(|o| view! { <span class="rc-card-fact">{o}</span> })}
            {card.target_date.map(|t| view! {
                <span class=if overdue { "rc-card-overdue" } else { "rc-card-fact" } title=t.to_string()>
                    {if overdue { format!("{} · overdue", short_date(t)) } else { short_date(t) }}
                </span>
            })}
            {(!card.blocked_by.is_empty()).then(|| view! {
                <span class="rc-badge-waiting" data-testid="blocked-by"
                    title=format!("Cannot ship before {} is deployed", card.blocked_by.join(", "))>
                    "Blocked by " {card.blocked_by.join(", ")}
                </span>
            })}
            {card.is_blocked.then(|| view! {
                <span class="rc-badge-blocked" title=card.blocked_reason.clone().unwrap_or_else(|| "Blocked".into())>"Blocked"</span>
            })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;

    #[test]
    fn dates_read_like_people_write_them() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(short_date(d("2026-12-04")), "Fri 4 Dec");
        assert!(is_overdue(d("2026-11-25"), d("2026-11-26")));
        assert!(!is_overdue(d("2026-11-26"), d("2026-11-26")));
    }

    #[test]
    fn short_dates_match_chronos_own_formatting_every_day_of_two_years() {
        let mut day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        while day.year() < 2028 {
            assert_eq!(short_date(day), day.format("%a %-d %b").to_string());
            day = day.succ_opt().unwrap();
        }
    }
}
