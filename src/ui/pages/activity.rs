//! `/activity`: the team feed, newest first, updated live; times are
//! relative ("3 minutes ago") and tick, absolute on hover.

use crate::domain::time::Timestamp;
use crate::serverfns::releases::activity_feed;
use crate::ui::components::form::PageTitle;
use crate::ui::components::live::use_live;
use crate::ui::components::loaded::Loaded;
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

/// The feed page.
#[component]
pub fn ActivityPage() -> impl IntoView {
    let live = use_live();
    let feed = Resource::new(move || live.tick.get(), |_| activity_feed());
    let now = use_now();
    view! {
        <PageTitle text="Activity"/>
            <Loaded data=feed let:loaded>
                {match loaded {
                    items if items.is_empty() => view! {
                        <p class="rounded-lg border border-dashed border-zinc-300 p-6 text-center text-sm dark:border-zinc-700">"Nothing has happened yet. Create a release and its story starts here."</p>
                    }.into_any(),
                    items => view! {
                        <ol class="max-w-3xl divide-y divide-zinc-200 dark:divide-zinc-800" aria-label="Team activity" aria-live="polite">
                            {items.into_iter().map(|a| {
                                let at = a.created_at.to_string();
                                let title = a.created_at.to_string();
                                let at2 = a.created_at;
                                view! {
                                    <li class="flex items-start justify-between gap-4 py-3 text-sm">
                                        <span>
                                            {match a.release_id.clone() {
                                                Some(id) => view! { <a class="hover:underline" href=format!("/releases/{id}")>{a.description.clone()}</a> }.into_any(),
                                                None => view! { <span>{a.description.clone()}</span> }.into_any(),
                                            }}
                                        </span>
                                        <time class="shrink-0 text-xs text-zinc-500 dark:text-zinc-400" datetime=at title=title>{move || relative(at2, now.get())}</time>
                                    </li>
                                }
                            }).collect_view()}
                        </ol>
                    }.into_any(),
                }}
            </Loaded>
    }
}

#[cfg(test)]
mod tests {
    use super::relative;

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
