//! The public landing page `/`: what the app is, how to start, and a small
//! live explorer of the release lifecycle — computed in the browser by the
//! very state machine the server enforces.

use crate::domain::status::ReleaseStatus;
use crate::ui::components::form::PageTitle;
use crate::ui::components::icons::LogoMark;
use crate::ui::components::status::{badge_class, dot_class};
use crate::ui::components::style::{BUTTON, BUTTON_LARGE};
use crate::ui::components::theme_toggle::ThemeToggle;
use crate::ui::components::use_hydrated;
use leptos::prelude::*;

/// `/`
#[component]
pub fn LandingPage() -> impl IntoView {
    view! {
        <PageTitle text="Plan, track and ship releases"/>
        <header class="border-b border-zinc-200 dark:border-zinc-800">
            <div class="mx-auto flex h-14 max-w-6xl items-center justify-between px-4">
                <a href="/" class="flex items-center gap-2 font-semibold">
                    <LogoMark class="h-7 w-7"/>
                    <span>"Release Coordinator"</span>
                </a>
                <nav aria-label="Account" class="flex items-center gap-2">
                    <ThemeToggle/>
                    <a href="/sign-in" class="rounded-md px-3 py-1.5 text-sm font-medium text-zinc-700 hover:bg-zinc-100 dark:text-zinc-200 dark:hover:bg-zinc-800">"Sign in"</a>
                    <a href="/sign-up" class=BUTTON>"Get started"</a>
                </nav>
            </div>
        </header>
        <main class="mx-auto max-w-6xl px-4">
            <section class="py-16 sm:py-24">
                <h1 class="max-w-3xl text-4xl font-semibold tracking-tight sm:text-5xl">
                    "Plan, track and ship every release of every service."
                </h1>
                <p class="mt-6 max-w-2xl text-lg text-zinc-600 dark:text-zinc-400">
                    "A live board for your team's releases: a status flow that cannot be skipped, dependencies that block what must wait, "
                    "deployment groups with a rollout plan, Jira tickets and GitHub pull requests in one place, and Slack told when it matters. "
                    "Self-hosted: your accounts, your database."
                </p>
                <div class="mt-8 flex flex-wrap gap-3">
                    <a href="/sign-up" class=BUTTON_LARGE>"Create your team"</a>
                    <a href="/sign-in" class="rounded-md px-4 py-2.5 text-sm font-semibold text-zinc-900 ring-1 ring-zinc-300 hover:bg-zinc-50 dark:text-zinc-100 dark:ring-zinc-700 dark:hover:bg-zinc-900">"Sign in"</a>
                </div>
            </section>
            <LifecycleExplorer/>
            <section class="grid gap-6 py-16 sm:grid-cols-3" aria-label="Highlights">
                <Feature title="A board that keeps the rules" text="Drag a card and the server checks the move against the lifecycle and its blockers. Everyone on the team sees it move, live."/>
                <Feature title="Dependencies that mean something" text="A release that another must follow cannot go to production first. Deployment groups turn that into a rollout plan."/>
                <Feature title="Delivery you can measure" text="Deployment frequency, lead time, change failure rate and time to restore, from your own history."/>
            </section>
        </main>
        <footer class="border-t border-zinc-200 py-6 text-center text-sm text-zinc-500 dark:border-zinc-800 dark:text-zinc-400">
            "Release Coordinator — self-hosted release planning."
        </footer>
    }
}

#[component]
fn Feature(title: &'static str, text: &'static str) -> impl IntoView {
    view! {
        <div class="rounded-lg border border-zinc-200 p-5 dark:border-zinc-800">
            <h2 class="font-semibold">{title}</h2>
            <p class="mt-2 text-sm text-zinc-600 dark:text-zinc-400">{text}</p>
        </div>
    }
}

/// Pick a status, see where a release may go from there.
#[component]
fn LifecycleExplorer() -> impl IntoView {
    let hydrated = use_hydrated();
    let (selected, set_selected) = signal(ReleaseStatus::InReview);
    let allowed = move || {
        selected
            .get()
            .allowed_targets()
            .into_iter()
            .map(|s| {
                view! {
                    <li class=format!("inline-flex items-center gap-1.5 rounded-full px-2.5 py-0.5 text-xs font-medium ring-1 ring-inset {}", badge_class(s))>
                        <span class=format!("h-1.5 w-1.5 rounded-full {}", dot_class(s)) aria-hidden="true"></span>
                        {s.label()}
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <section aria-labelledby="lifecycle-title" class="rounded-xl border border-zinc-200 bg-zinc-50 p-6 dark:border-zinc-800 dark:bg-zinc-900">
            <h2 id="lifecycle-title" class="text-lg font-semibold">"The release lifecycle"</h2>
            <p class="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
                "Choose a status to see the moves the board allows from there — one step forward, one step back, or out."
            </p>
            <div role="group" aria-label="Statuses" class="mt-4 flex flex-wrap gap-2">
                {ReleaseStatus::ALL
                    .into_iter()
                    .map(|s| {
                        view! {
                            <button
                                type="button"
                                disabled=move || !hydrated.get()
                                aria-pressed=move || (selected.get() == s).to_string()
                                on:click=move |_| set_selected.set(s)
                                class="inline-flex items-center gap-2 rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm hover:border-zinc-400 disabled:cursor-not-allowed disabled:opacity-60 aria-pressed:border-indigo-600 aria-pressed:ring-2 aria-pressed:ring-indigo-600/30 dark:border-zinc-700 dark:bg-zinc-950 dark:hover:border-zinc-500 dark:aria-pressed:border-indigo-400"
                            >
                                <span class=format!("h-2 w-2 rounded-full {}", dot_class(s)) aria-hidden="true"></span>
                                {s.label()}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            <div class="mt-5" aria-live="polite" data-testid="allowed-moves">
                <p class="text-sm">
                    "From " <strong>{move || selected.get().label()}</strong> " a release can move to:"
                </p>
                <ul class="mt-2 flex flex-wrap gap-2">{allowed}</ul>
            </div>
        </section>
    }
}
