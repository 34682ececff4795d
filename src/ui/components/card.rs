//! A release card on the board: title, service and version, priority,
//! owner, blocked badge (reason on hover and in the accessible name), target
//! date ("Fri 4 Dec", overdue in red).

use crate::domain::status::Priority;
use crate::ui::components::status::dot_class;
use crate::views::BoardCard;
use chrono::NaiveDate;
use leptos::prelude::*;

/// "Fri 4 Dec" for 2026-12-04.
pub fn short_date(d: NaiveDate) -> String {
    d.format("%a %-d %b").to_string()
}

/// Whether a target date has passed.
pub fn is_overdue(target: NaiveDate, today: NaiveDate) -> bool {
    target < today
}

fn priority_class(p: Priority) -> &'static str {
    match p {
        Priority::Critical => "text-red-700 dark:text-red-300",
        Priority::High => "text-orange-700 dark:text-orange-300",
        Priority::Medium => "text-zinc-700 dark:text-zinc-300",
        Priority::Low => "text-zinc-500 dark:text-zinc-400",
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

/// What a card shows; the board wraps it in its list item.
#[component]
pub fn CardBody(card: BoardCard, today: String) -> impl IntoView {
    let overdue = card
        .target_date
        .zip(today.parse::<NaiveDate>().ok())
        .is_some_and(|(t, today)| is_overdue(t, today))
        && !card.status.is_finished();
    view! {
        <span class=format!("rc-card-edge {}", dot_class(card.status)) aria-hidden="true"></span>
        <a href=format!("/releases/{}", card.id) class="rc-card-title" draggable="false" tabindex="-1">{card.title.clone()}</a>
        <p class="rc-card-meta">{card.service_name.clone()} " · " {card.version.clone()}</p>
        <div class="rc-card-facts">
            <span class=priority_class(card.priority)>{card.priority.label()}</span>
            {card.owner_name.clone().map(|o| view! { <span class="rc-card-fact">{o}</span> })}
            {card.target_date.map(|t| view! {
                <span class=if overdue { "rc-card-overdue" } else { "rc-card-fact" } title=t.to_string()>
                    {short_date(t)}{overdue.then_some(" · overdue")}
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

    #[test]
    fn dates_read_like_people_write_them() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(short_date(d("2026-12-04")), "Fri 4 Dec");
        assert!(is_overdue(d("2026-11-25"), d("2026-11-26")));
        assert!(!is_overdue(d("2026-11-26"), d("2026-11-26")));
    }
}
