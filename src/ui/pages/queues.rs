//! `/deploy-queue` and `/blocked`: the pages Slack's "ready to deploy" and
//! "blocked" messages link to. Oldest first, with what holds each release.

use crate::serverfns::releases::{blocked_releases, deploy_queue};
use crate::ui::components::form::PageTitle;
use crate::ui::components::live::use_live;
use crate::ui::components::loaded::Loaded;
use crate::ui::components::status::StatusBadge;
use crate::ui::components::style::LINK;
use crate::views::Waiting;
use leptos::prelude::*;

#[component]
fn WaitingList(label: &'static str, items: Vec<Waiting>, empty: &'static str) -> impl IntoView {
    if items.is_empty() {
        return view! { <p class="rounded-lg border border-dashed border-zinc-300 p-4 text-sm text-zinc-600 dark:border-zinc-700 dark:text-zinc-400">{empty}</p> }.into_any();
    }
    view! {
        <ul aria-label=label class="divide-y divide-zinc-200 rounded-lg border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800">
            {items.into_iter().map(|w| view! {
                <li class="flex flex-wrap items-start justify-between gap-3 p-3 text-sm" aria-label=format!("{} {}", w.release.title, w.release.version)>
                    <span>
                        <a class=LINK href=format!("/releases/{}", w.release.id)>{w.release.title.clone()} " " {w.release.version.clone()}</a>
                        <span class="ml-2 text-zinc-500 dark:text-zinc-400">{w.service_name.clone()}</span>
                        {(!w.blockers.is_empty()).then(|| view! {
                            <ul class="mt-1 list-disc pl-5 text-red-700 dark:text-red-300">{w.blockers.iter().map(|b| view! { <li>{b.clone()}</li> }).collect_view()}</ul>
                        })}
                    </span>
                    <StatusBadge status=w.release.status/>
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// `/deploy-queue`
#[component]
pub fn DeployQueuePage() -> impl IntoView {
    let live = use_live();
    let data = Resource::new(move || live.tick.get(), |_| deploy_queue());
    view! {
        <PageTitle text="Deploy queue"/>
            <Loaded data=data let:queues>
                {let (staging, production) = queues;
                    view! {
                        <div class="max-w-3xl space-y-8">
                            <section aria-labelledby="q-prod" class="space-y-2">
                                <h2 id="q-prod" class="font-semibold">"Ready for production"</h2>
                                <WaitingList label="Ready for production" items=production empty="Nothing is waiting for production."/>
                            </section>
                            <section aria-labelledby="q-staging" class="space-y-2">
                                <h2 id="q-staging" class="font-semibold">"Ready for staging"</h2>
                                <WaitingList label="Ready for staging" items=staging empty="Nothing is waiting for staging."/>
                            </section>
                        </div>
                    }
                }
            </Loaded>
    }
}

/// `/blocked`
#[component]
pub fn BlockedPage() -> impl IntoView {
    let live = use_live();
    let data = Resource::new(move || live.tick.get(), |_| blocked_releases());
    view! {
        <PageTitle text="Blocked"/>
            <Loaded data=data let:items>
                <div class="max-w-3xl"><WaitingList label="Blocked releases" items=items empty="Nothing is blocked. Good."/></div>
            </Loaded>
    }
}
