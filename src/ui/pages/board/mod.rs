//! `/board`: one column per status of the main flow and a collapsed area for
//! CANCELLED and ROLLED_BACK, filters in the URL, live updates.
//!
//! Moving a card (drag-and-drop, or "Move to…" from the keyboard) is
//! optimistic: the card jumps at once, the server decides (state machine,
//! blocking rule, revision), and a refusal puts the card back with the
//! server's reason in a `role="alert"` toast. Legal drop targets are
//! highlighted with [`ReleaseStatus::can_move_to`], the same code the server
//! runs, compiled to WASM.

mod card;
mod column;
mod freezes;
mod state;

use crate::domain::board::{ColumnSizes, CLOSED};
use crate::domain::status::ReleaseStatus;
use crate::serverfns::board::{board, BoardData};
use crate::ui::components::filters::ReleaseFilters;
use crate::ui::components::form::error_text;
use crate::ui::components::form::PageTitle;
use crate::ui::components::loaded::Loaded;
use crate::ui::components::new_release::NewReleaseButton;
use crate::ui::components::status::dot_class;
use crate::ui::components::style::{BUTTON, BUTTON_SECONDARY};
use crate::views::BoardCard;
use card::MoveDialog;
use column::{ColumnList, ColumnLoad};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use state::BoardState;
use std::collections::HashMap;

/// The team's board.
#[component]
pub fn BoardPage() -> impl IntoView {
    let live = crate::ui::components::live::use_live();
    let query = use_query_map();
    let get = move |k: &str| query.with(|q| q.get(k).unwrap_or_default());
    let st = BoardState::new(live.connected);
    // Live events refetch the board, but never in the middle of a drag (a
    // re-render would drop the card from under the pointer): the gate holds
    // its value while a card is held and catches up on the drop.
    let gate = Memo::new(move |held: Option<&u64>| {
        let tick = live.tick.get();
        match (st.dragging.get(), held) {
            (Some(_), Some(held)) => *held,
            _ => tick,
        }
    });
    // Others' changes are announced politely.
    Effect::new(move |_| {
        if let Some(a) = live.latest.get() {
            st.announce.set(a.description);
        }
    });
    let data = Resource::new(
        move || {
            (
                (gate.get(), st.reload.get()),
                get("serviceId"),
                get("ownerId"),
                get("priority"),
                get("blocked"),
                get("q"),
                get("show"),
                get("closed"),
            )
        },
        |(_, service, owner, priority, blocked, q, show, closed)| {
            board(service, owner, priority, blocked, q, show, closed)
        },
    );
    view! {
        <PageTitle text="Board"/>
            <freezes::FreezeBanner/>
            <Loaded data=data skeleton="h-64" let:d>
                {
                    view! { <Columns data=d st=st/> }.into_any()
                }
            </Loaded>
            <MoveDialog st=st/>
            <div class="pointer-events-none fixed bottom-4 right-4 z-50 w-96 max-w-[calc(100vw-2rem)] space-y-2">
                <div role="alert" class="pointer-events-auto">
                    {move || st.toast.get().map(|(_, msg, link)| view! {
                        <div data-testid="toast-error" class="flex items-start gap-3 rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900 shadow-lg dark:border-red-800 dark:bg-red-950 dark:text-red-100">
                            <p class="flex-1">{msg}
                                {link.map(|href| view! { " " <a class="font-medium underline" href=href>"See every check"</a> })}
                            </p>
                            <button type="button" aria-label="Dismiss" class="rounded px-1 text-red-700 hover:bg-red-100 dark:text-red-300 dark:hover:bg-red-900"
                                on:click=move |_| st.toast.set(None)>"×"</button>
                        </div>
                    })}
                </div>
                <div role="status" class="sr-only" data-testid="board-announce">{move || st.announce.get()}</div>
            </div>
    }
}

/// The filter bar and the columns for one load of the board.
#[component]
fn Columns(data: BoardData, st: BoardState) -> impl IntoView {
    let query = use_query_map();
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let can_edit = data.can_edit;
    let empty = data.columns.iter().all(|c| c.total == 0);
    let filtered = crate::ui::components::filters::FILTER_KEYS
        .iter()
        .any(|k| query.with_untracked(|q| q.get(k).is_some_and(|v| !v.is_empty())));
    let totals: HashMap<ReleaseStatus, u64> =
        data.columns.iter().map(|c| (c.status, c.total)).collect();
    let all = StoredValue::new(
        data.columns
            .iter()
            .flat_map(|c| c.cards.iter().cloned())
            .collect::<Vec<BoardCard>>(),
    );
    // How many cards each column asked for (the `show` key), and how many
    // each holds as loaded.
    let sizes = ColumnSizes::parse(&query.with_untracked(|q| q.get("show").unwrap_or_default()));
    let loaded: HashMap<ReleaseStatus, u64> = data
        .columns
        .iter()
        .map(|c| (c.status, c.cards.len() as u64))
        .collect();
    // Expanding the closed area loads its cards (a link: it works without
    // JavaScript); collapsed, they are counted but not sent.
    let closed_open = move || query.with(|q| q.get("closed").is_some_and(|v| v == "1"));
    // A link to this board with one query key changed (filters kept).
    let href_with = move |key: &str, value: Option<String>| {
        let mut q = query.get_untracked();
        q.remove(key);
        if let Some(v) = value {
            q.insert(key.to_string(), v);
        }
        format!("/board{}", q.to_query_string())
    };
    let column = {
        let today = today.clone();
        let totals = totals.clone();
        move |s: ReleaseStatus, collapsible: bool| {
            let total = totals.get(&s).copied().unwrap_or(0);
            let load = ColumnLoad {
                status: s,
                total,
                held: loaded.get(&s).copied().unwrap_or(0),
                more: sizes
                    .more(s, total)
                    .map(|(n, next)| (n, href_with("show", Some(next.to_param())))),
            };
            view! {
                <ColumnList load=load collapsed=Signal::derive(move || collapsible && !closed_open())
                    all=all st=st today=today.clone() can_edit=can_edit/>
            }
        }
    };
    let main_columns = ReleaseStatus::MAIN_FLOW
        .into_iter()
        .map(|s| {
            let n = totals.get(&s).copied().unwrap_or(0);
            view! {
                <section class="flex w-64 shrink-0 flex-col rounded-lg bg-zinc-50 p-2 dark:bg-zinc-900" data-column=s.as_str()>
                    <h2 class="flex items-center gap-2 px-1 pb-2 text-sm font-semibold">
                        <span class=format!("h-2 w-2 rounded-full {}", dot_class(s)) aria-hidden="true"></span>
                        {s.label()}
                        <span class="ml-auto text-xs font-normal tabular-nums text-zinc-500 dark:text-zinc-400" aria-hidden="true">{n}</span>
                    </h2>
                    {column(s, false)}
                </section>
            }
        })
        .collect_view();
    let closed_total: u64 = CLOSED
        .iter()
        .map(|s| totals.get(s).copied().unwrap_or(0))
        .sum();
    let closed = CLOSED
        .into_iter()
        .map(|s| {
            let n = totals.get(&s).copied().unwrap_or(0);
            view! {
                <div class="space-y-1">
                    <h3 class="flex items-center gap-2 px-1 text-xs font-semibold uppercase tracking-wide text-zinc-600 dark:text-zinc-400">
                        <span class=format!("h-2 w-2 rounded-full {}", dot_class(s)) aria-hidden="true"></span>
                        {s.label()}
                        <span class="ml-auto font-normal tabular-nums" aria-hidden="true">{n}</span>
                    </h3>
                    {column(s, true)}
                </div>
            }
        })
        .collect_view();
    view! {
        <div class="mb-4 flex flex-wrap items-end justify-between gap-3">
            <ReleaseFilters action="/board" services=data.services.clone() members=data.members.clone() with_status=false/>
            {(can_edit && !data.sprints.is_empty() && !empty).then(|| view! { <AssignToSprint sprints=data.sprints.clone() reload=st.reload/> })}
            {can_edit.then(|| view! { <NewReleaseButton class=BUTTON/> })}
        </div>
        {(empty && !filtered).then(|| view! {
            <div class="mb-4 rounded-lg border border-dashed border-zinc-300 p-6 text-center dark:border-zinc-700" data-testid="board-empty">
                <p class="font-medium">"No releases yet"</p>
                <p class="mt-1 text-sm text-zinc-600 dark:text-zinc-400">"Releases your team plans will appear here, one column per step of the lifecycle."</p>
            </div>
        })}
        {(empty && filtered).then(|| view! {
            <p class="mb-4 rounded-lg border border-dashed border-zinc-300 p-4 text-center text-sm dark:border-zinc-700" data-testid="board-no-match">
                "No releases match these filters. " <a class="text-indigo-700 underline dark:text-indigo-300" href="/board">"Clear filters"</a>
            </p>
        })}
        <div class="flex gap-3 overflow-x-auto pb-4" tabindex="0" role="region" aria-label="Board columns"
            aria-busy=move || st.mover.pending().get().to_string()>
            {main_columns}
            <section class="flex w-56 shrink-0 flex-col gap-3 rounded-lg border border-dashed border-zinc-300 p-2 dark:border-zinc-700" data-column="closed">
                <h2 class="flex items-center gap-2 px-1 text-sm font-semibold text-zinc-700 dark:text-zinc-300">
                    "Closed"
                    <span class="text-xs font-normal tabular-nums text-zinc-500 dark:text-zinc-400">{closed_total}</span>
                    <a href=move || href_with("closed", (!closed_open()).then(|| "1".to_string()))
                        aria-expanded=move || closed_open().to_string()
                        class="ml-auto text-xs font-normal text-indigo-700 hover:underline dark:text-indigo-300">
                        {move || if closed_open() { "Collapse" } else { "Expand" }}
                    </a>
                </h2>
                {closed}
            </section>
        </div>
        <p class="text-xs text-zinc-500 dark:text-zinc-400">
            {if can_edit { "Drag a card to move it, or focus it and press m. Press ? for all shortcuts." } else { "Viewers can look but not move cards. Press ? for shortcuts." }}
        </p>
    }
}

/// "Add the releases in flight under these filters to a sprint".
#[component]
fn AssignToSprint(sprints: Vec<crate::views::SprintView>, reload: RwSignal<u64>) -> impl IntoView {
    let query = use_query_map();
    let get = move |k: &str| query.with_untracked(|q| q.get(k).unwrap_or_default());
    let assign = ServerAction::<crate::serverfns::sprints::AssignSprintByFilter>::new();
    crate::ui::components::toast::toast_outcome(assign, |_| {
        Some("Releases added to the sprint".into())
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = assign.value().get() {
            reload.update(|n| *n += 1);
        }
    });
    view! {
        <ActionForm action=assign attr:class="flex items-end gap-2" attr:aria-label="Assign to a sprint">
            {["service_id", "owner_id", "priority", "blocked", "q"].into_iter().zip(["serviceId", "ownerId", "priority", "blocked", "q"]).map(|(name, key)| view! {
                <input type="hidden" name=name value=get(key)/>
            }).collect_view()}
            <div class="space-y-1">
                <label for="assign-sprint" class="block text-xs font-medium text-zinc-600 dark:text-zinc-400">"Add releases in flight shown here to"</label>
                <select id="assign-sprint" name="sprint_id" class="block rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-900">
                    {sprints.into_iter().map(|s| view! { <option value=s.id.to_string()>{s.name}</option> }).collect_view()}
                </select>
            </div>
            <button type="submit" class=BUTTON_SECONDARY>"Add to sprint"</button>
            <span role="status" class="text-xs text-zinc-600 dark:text-zinc-400">
                {move || assign.value().get().map(|r| match r {
                    Ok(n) => format!("Added {n} release{}.", if n == 1 { "" } else { "s" }),
                    Err(e) => error_text(&e),
                })}
            </span>
        </ActionForm>
    }
}
