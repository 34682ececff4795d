//! `/board`: one column per status of the main flow, counts per column, and
//! an empty state that says what to do next.

use crate::domain::status::ReleaseStatus;
use crate::serverfns::board::board_cards;
use crate::ui::components::card::ReleaseCard;
use crate::ui::components::frame::AppFrame;
use crate::ui::components::status::dot_class;
use leptos::prelude::*;
use leptos_meta::Title;

/// The team's board.
#[component]
pub fn BoardPage() -> impl IntoView {
    // Every live event refetches the cards: others' moves show up without reload.
    let live = crate::ui::components::live::use_live();
    let cards = Resource::new(move || live.tick.get(), |_| board_cards());
    view! {
        <Title text="Board"/>
        <AppFrame title="Board">
            <Transition fallback=|| view! { <div class="h-64 animate-pulse rounded-lg bg-zinc-100 dark:bg-zinc-900"></div> }>
                {move || cards.get().map(|r| match r {
                    Err(e) => view! { <p role="alert" class="text-red-700 dark:text-red-300">{crate::ui::components::form::error_text(&e)}</p> }.into_any(),
                    Ok(cards) => {
                        let empty = cards.is_empty();
                        let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
                        view! {
                            {empty.then(|| view! {
                                <div class="mb-4 rounded-lg border border-dashed border-zinc-300 p-6 text-center dark:border-zinc-700" data-testid="board-empty">
                                    <p class="font-medium">"No releases yet"</p>
                                    <p class="mt-1 text-sm text-zinc-600 dark:text-zinc-400">"Releases your team plans will appear here, one column per step of the lifecycle."</p>
                                </div>
                            })}
                            <div class="flex gap-3 overflow-x-auto pb-4" tabindex="0" role="region" aria-label="Board columns">
                                {ReleaseStatus::MAIN_FLOW.into_iter().map(|s| {
                                    let today = today.clone();
                                    let in_col: Vec<_> = cards.iter().filter(|c| c.status == s).cloned().collect();
                                    let n = in_col.len();
                                    let label = format!("{}, {} release{}", s.label(), n, if n == 1 { "" } else { "s" });
                                    view! {
                                        <section class="w-64 shrink-0 rounded-lg bg-zinc-50 p-2 dark:bg-zinc-900">
                                            <h2 class="flex items-center gap-2 px-1 pb-2 text-sm font-semibold">
                                                <span class=format!("h-2 w-2 rounded-full {}", dot_class(s)) aria-hidden="true"></span>
                                                {s.label()}
                                                <span class="ml-auto text-xs font-normal text-zinc-500 dark:text-zinc-400">{n}</span>
                                            </h2>
                                            <ul aria-label=label class="min-h-24 space-y-2">
                                                {in_col.into_iter().map(|c| view! { <ReleaseCard card=c today=today.clone()/> }).collect_view()}
                                            </ul>
                                        </section>
                                    }
                                }).collect_view()}
                            </div>
                        }.into_any()
                    }
                })}
            </Transition>
        </AppFrame>
    }
}
