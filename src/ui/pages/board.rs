//! `/board`: one column per status of the main flow and a collapsed area for
//! CANCELLED and ROLLED_BACK, filters in the URL, live updates.
//!
//! Moving a card (drag-and-drop, or "Move to…" from the keyboard) is
//! optimistic: the card jumps at once, the server decides (state machine,
//! blocking rule, revision), and a refusal puts the card back with the
//! server's reason in a `role="alert"` toast. Legal drop targets are
//! highlighted with [`ReleaseStatus::can_move_to`], the same code the server
//! runs, compiled to WASM.

use crate::domain::ids::ReleaseId;
use crate::domain::status::ReleaseStatus;
use crate::serverfns::board::{board, BoardData};
use crate::serverfns::releases::move_release;
use crate::ui::components::card::{card_label, CardBody};
use crate::ui::components::filters::ReleaseFilters;
use crate::ui::components::form::error_text;
use crate::ui::components::form::PageTitle;
use crate::ui::components::loaded::Loaded;
use crate::ui::components::status::dot_class;
use crate::views::BoardCard;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use std::collections::HashMap;

/// How long a refused move's toast stays (UI.md: at least five seconds).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const TOAST_MS: u32 = 8_000;

/// The board's client state, shared by columns, cards and the dialog.
#[derive(Clone, Copy)]
struct BoardState {
    /// Optimistic moves: card id → (the revision it was moved from, where to).
    /// Applied while the loaded card still has that revision.
    overrides: RwSignal<HashMap<ReleaseId, (i64, ReleaseStatus)>>,
    /// The card being dragged: id and current status.
    dragging: RwSignal<Option<(ReleaseId, ReleaseStatus)>>,
    /// The refused-move message (sequence number, text).
    toast: RwSignal<Option<(u64, String)>>,
    /// Polite announcements (moves done, others' changes).
    announce: RwSignal<String>,
    /// The card whose "Move to…" dialog is open.
    moving: RwSignal<Option<BoardCard>>,
    /// The card that had focus, to give it back after a refresh.
    focused: RwSignal<Option<ReleaseId>>,
    /// Bumped to reload the board.
    reload: RwSignal<u64>,
}

impl BoardState {
    fn new() -> Self {
        Self {
            overrides: RwSignal::new(HashMap::new()),
            dragging: RwSignal::new(None),
            toast: RwSignal::new(None),
            announce: RwSignal::new(String::new()),
            moving: RwSignal::new(None),
            focused: RwSignal::new(None),
            reload: RwSignal::new(0),
        }
    }

    /// Where a card is shown: its optimistic status while the move is pending.
    fn effective(&self, c: &BoardCard) -> ReleaseStatus {
        self.overrides.with(|m| match m.get(&c.id) {
            Some((rev, to)) if *rev == c.revision => *to,
            _ => c.status,
        })
    }

    /// Shows a refusal for [`TOAST_MS`] (or until dismissed).
    fn alert(&self, msg: String) {
        let seq = self
            .toast
            .with_untracked(|t| t.as_ref().map(|t| t.0).unwrap_or(0))
            + 1;
        self.toast.set(Some((seq, msg)));
        #[cfg(feature = "hydrate")]
        {
            let toast = self.toast;
            leptos::task::spawn_local(async move {
                gloo_timers::future::TimeoutFuture::new(TOAST_MS).await;
                toast.update(|t| {
                    if t.as_ref().is_some_and(|t| t.0 == seq) {
                        *t = None;
                    }
                });
            });
        }
    }

    /// Moves a card: at once on screen, then on the server; a refusal puts
    /// it back and says why.
    fn move_card(self, card: BoardCard, to: ReleaseStatus) {
        let from = untrack(|| self.effective(&card));
        if let Err(e) = from.check_move(to) {
            self.alert(format!("{} {}: {e}", card.title, card.version));
            return;
        }
        self.overrides.update(|m| {
            m.insert(card.id.clone(), (card.revision, to));
        });
        self.announce.set(format!(
            "Moving {} {} to {}",
            card.title,
            card.version,
            to.label()
        ));
        focus_card_soon(card.id.clone());
        leptos::task::spawn_local(async move {
            match move_release(card.id.clone(), to, card.revision).await {
                Ok(_) => self.announce.set(format!(
                    "{} {} moved to {}",
                    card.title,
                    card.version,
                    to.label()
                )),
                Err(e) => {
                    self.overrides.update(|m| {
                        m.remove(&card.id);
                    });
                    self.alert(format!(
                        "{} {} stays in {}: {}",
                        card.title,
                        card.version,
                        from.label(),
                        error_text(&e)
                    ));
                    focus_card_soon(card.id.clone());
                }
            }
            // Either way, show what the server now has (a stale card reloads).
            self.reload.update(|n| *n += 1);
        });
    }
}

/// Focuses a card after the next render (it may have moved to another list).
fn focus_card_soon(id: ReleaseId) {
    #[cfg(feature = "hydrate")]
    request_animation_frame(move || {
        use wasm_bindgen::JsCast;
        if let Some(el) = document()
            .query_selector(&format!("li[data-release-id=\"{id}\"]"))
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}

/// Arrow keys between cards: up/down within a column, left/right to the
/// nearest card of the next column that has any.
#[cfg(feature = "hydrate")]
fn focus_neighbor(li: &web_sys::Element, key: &str) -> bool {
    use wasm_bindgen::JsCast;
    let target = match key {
        "ArrowDown" => li.next_element_sibling(),
        "ArrowUp" => li.previous_element_sibling(),
        "ArrowLeft" | "ArrowRight" => (|| {
            let ul = li.parent_element()?;
            let lists = document().query_selector_all("[data-board-list]").ok()?;
            let lists: Vec<web_sys::Element> = (0..lists.length())
                .filter_map(|i| lists.item(i)?.dyn_into().ok())
                .collect();
            let here = lists.iter().position(|l| l == &ul)?;
            let children = ul.children();
            let row = (0..children.length())
                .position(|i| children.item(i).as_ref() == Some(li))
                .unwrap_or(0) as u32;
            let step: isize = if key == "ArrowLeft" { -1 } else { 1 };
            let mut i = here as isize + step;
            while i >= 0 && (i as usize) < lists.len() {
                let kids = lists[i as usize].children();
                if kids.length() > 0 {
                    return kids.item(row.min(kids.length() - 1));
                }
                i += step;
            }
            None
        })(),
        _ => None,
    };
    match target.and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) {
        Some(t) => {
            let _ = t.focus();
            true
        }
        None => false,
    }
}

/// The team's board.
#[component]
pub fn BoardPage() -> impl IntoView {
    let live = crate::ui::components::live::use_live();
    let query = use_query_map();
    let get = move |k: &str| query.with(|q| q.get(k).unwrap_or_default());
    let st = BoardState::new();
    // Live events refetch the board, but never in the middle of a drag (a
    // re-render would drop the card from under the pointer): the refetch
    // waits for the drop.
    let gate = RwSignal::new(0u64);
    Effect::new(move |_| {
        let tick = live.tick.get();
        if st.dragging.get().is_none() && gate.get_untracked() != tick {
            gate.set(tick);
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
                get("shown"),
            )
        },
        |(_, service, owner, priority, blocked, q, shown)| {
            board(service, owner, priority, blocked, q, shown)
        },
    );
    view! {
        <PageTitle text="Board"/>
            <Loaded data=data skeleton="h-64" let:d>
                {
                    view! { <Columns data=d st=st/> }.into_any()
                }
            </Loaded>
            <MoveDialog st=st/>
            <div class="pointer-events-none fixed bottom-4 right-4 z-50 w-96 max-w-[calc(100vw-2rem)] space-y-2">
                <div role="alert" class="pointer-events-auto">
                    {move || st.toast.get().map(|(_, msg)| view! {
                        <div data-testid="toast-error" class="flex items-start gap-3 rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900 shadow-lg dark:border-red-800 dark:bg-red-950 dark:text-red-100">
                            <p class="flex-1">{msg}</p>
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
    let shown = data.finished_shown;
    // Not part of the data: expanding the closed area only re-renders it.
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
            let collapsed = move || collapsible && !closed_open();
            let today = today.clone();
            let total = totals.get(&s).copied().unwrap_or(0);
            // Count under optimistic moves: what moved in, minus what moved out.
            let count = move || {
                all.with_value(|all| {
                    let moved_in = all
                        .iter()
                        .filter(|c| c.status != s && st.effective(c) == s)
                        .count() as u64;
                    let moved_out = all
                        .iter()
                        .filter(|c| c.status == s && st.effective(c) != s)
                        .count() as u64;
                    (total + moved_in).saturating_sub(moved_out)
                })
            };
            let label = move || {
                let n = count();
                format!(
                    "{}, {} release{}",
                    s.label(),
                    n,
                    if n == 1 { "" } else { "s" }
                )
            };
            let cards = move || {
                all.with_value(|all| {
                    all.iter()
                        .filter(|c| st.effective(c) == s)
                        .cloned()
                        .collect::<Vec<_>>()
                })
            };
            let finished = s.is_finished();
            let more = move || {
                (finished && total > cards().len() as u64).then(|| {
                let next = (shown + 20).min(500);
                view! {
                    <p class="mt-2 flex flex-wrap items-center gap-x-2 px-1 text-xs text-zinc-500 dark:text-zinc-400">
                        <span>{format!("Latest {} of {}", cards().len(), total)}</span>
                        {(shown < 500).then(|| view! { <a class="text-indigo-700 hover:underline dark:text-indigo-300" href=href_with("shown", Some(next.to_string()))>"Show more"</a> })}
                        <a class="text-indigo-700 hover:underline dark:text-indigo-300" href=format!("/releases?status={}", s.as_str())>"All in list"</a>
                    </p>
                }
            })
            };
            let list_class = move || {
                let base = if collapsed() {
                    "min-h-12 space-y-2 rounded-md p-1 transition-colors"
                } else {
                    "min-h-24 space-y-2 rounded-md p-1 transition-colors"
                };
                match st.dragging.get() {
                    Some((_, from)) if from.can_move_to(s) => {
                        format!("{base} bg-indigo-50 ring-2 ring-indigo-500 dark:bg-indigo-950/50")
                    }
                    Some((_, from)) if from != s => format!("{base} opacity-50"),
                    _ => base.to_string(),
                }
            };
            view! {
                <ul
                    aria-label=label
                    data-board-list=""
                    data-status=s.as_str()
                    data-drop=move || match st.dragging.get() {
                        Some((_, from)) if from.can_move_to(s) => "legal",
                        Some(_) => "illegal",
                        None => "",
                    }
                    class=list_class
                    on:dragover=move |ev: leptos::ev::DragEvent| {
                        if st.dragging.get_untracked().is_some_and(|(_, from)| from.can_move_to(s)) {
                            ev.prevent_default();
                            #[cfg(feature = "hydrate")]
                            if let Some(dt) = ev.data_transfer() {
                                dt.set_drop_effect("move");
                            }
                        }
                    }
                    on:drop=move |ev: leptos::ev::DragEvent| {
                        ev.prevent_default();
                        if let Some((id, _)) = st.dragging.get_untracked() {
                            st.dragging.set(None);
                            if let Some(card) = all.with_value(|a| a.iter().find(|c| c.id == id).cloned()) {
                                st.move_card(card, s);
                            }
                        }
                    }
                >
                    {move || (!collapsed()).then(|| cards().into_iter().map(|c| view! {
                        <Card card=c today=today.clone() st=st can_edit=can_edit/>
                    }).collect_view())}
                </ul>
                {move || (!collapsed()).then(more)}
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
    let closed_total = totals.get(&ReleaseStatus::Cancelled).copied().unwrap_or(0)
        + totals.get(&ReleaseStatus::RolledBack).copied().unwrap_or(0);
    let closed = [ReleaseStatus::Cancelled, ReleaseStatus::RolledBack]
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
            {can_edit.then(|| view! {
                <a href="/releases#new-release" class="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500">
                    "New release" <kbd class="ml-1 rounded bg-indigo-500 px-1 text-xs">"c"</kbd>
                </a>
            })}
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
        <div class="flex gap-3 overflow-x-auto pb-4" tabindex="0" role="region" aria-label="Board columns">
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

/// One card: a focusable, draggable list item with a "Move to…" button.
#[component]
fn Card(card: BoardCard, today: String, st: BoardState, can_edit: bool) -> impl IntoView {
    let label = card_label(&card);
    let id = card.id.clone();
    let status = untrack(|| st.effective(&card));
    let node = NodeRef::<leptos::html::Li>::new();
    // Give focus back after a refresh re-rendered the board under it.
    {
        let id = id.clone();
        Effect::new(move |_| {
            #[cfg(feature = "hydrate")]
            if st.focused.get_untracked().as_ref() == Some(&id) {
                let lost = document()
                    .active_element()
                    .is_none_or(|a| a.tag_name() == "BODY");
                if let (true, Some(el)) = (lost, node.get()) {
                    let _ = el.focus();
                }
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = (&id, node);
        });
    }
    let open_move = {
        let card = card.clone();
        move || {
            if can_edit {
                st.moving.set(Some(card.clone()));
            }
        }
    };
    let navigate = leptos_router::hooks::use_navigate();
    let on_key = {
        let open_move = open_move.clone();
        let href = format!("/releases/{}", card.id);
        move |ev: leptos::ev::KeyboardEvent| {
            if ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
                return;
            }
            let key = ev.key();
            match key.as_str() {
                "m" | "M" if can_edit => {
                    ev.prevent_default();
                    open_move();
                }
                // On the card itself (not its button): open the release.
                "Enter" if ev.target() == ev.current_target() => {
                    ev.prevent_default();
                    navigate(&href, Default::default());
                }
                "ArrowUp" | "ArrowDown" | "ArrowLeft" | "ArrowRight" => {
                    #[cfg(feature = "hydrate")]
                    {
                        use wasm_bindgen::JsCast;
                        if let Some(li) = ev
                            .current_target()
                            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                        {
                            if focus_neighbor(&li, &key) {
                                ev.prevent_default();
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    };
    let drag_id = id.clone();
    let focus_id = id.clone();
    let dim_id = id.clone();
    let title = format!("{} {}", card.title, card.version);
    view! {
        <li
            node_ref=node
            aria-label=label
            tabindex="0"
            data-release-id=id.clone().to_string()
            draggable=if can_edit { "true" } else { "false" }
            class=move || format!(
                "group relative rounded-md border border-zinc-200 bg-white p-2 pl-3 text-sm shadow-sm outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:border-zinc-700 dark:bg-zinc-950 {}",
                if st.dragging.with(|d| d.as_ref().is_some_and(|(i, _)| *i == dim_id)) { "opacity-40" } else if can_edit { "cursor-grab" } else { "" }
            )
            on:dragstart=move |_ev: leptos::ev::DragEvent| {
                #[cfg(feature = "hydrate")]
                if let Some(dt) = _ev.data_transfer() {
                    let _ = dt.set_data("text/plain", drag_id.as_str());
                    dt.set_effect_allowed("move");
                }
                st.dragging.set(Some((drag_id.clone(), status)));
            }
            on:dragend=move |_| st.dragging.set(None)
            on:focus=move |_| st.focused.set(Some(focus_id.clone()))
            on:keydown=on_key
        >
            <CardBody card=card.clone() today=today/>
            {can_edit.then(|| view! {
                <button
                    type="button"
                    aria-label=format!("Move {title} to…")
                    aria-haspopup="dialog"
                    title="Move to… (m)"
                    class="absolute right-1 top-1 rounded px-1.5 text-zinc-500 opacity-60 hover:bg-zinc-100 hover:opacity-100 focus-visible:opacity-100 group-hover:opacity-100 dark:text-zinc-400 dark:hover:bg-zinc-800"
                    on:click=move |_| open_move()
                >"⋯"</button>
            })}
        </li>
    }
}

/// "Move to…": the moves the state machine allows from the card's status.
#[component]
fn MoveDialog(st: BoardState) -> impl IntoView {
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    Effect::new(move |_| {
        let open = st.moving.with(|m| m.is_some());
        if let Some(d) = dialog.get() {
            if open && !d.open() {
                let _ = d.show_modal();
            } else if !open && d.open() {
                d.close();
            }
        }
    });
    view! {
        <dialog
            node_ref=dialog
            aria-labelledby="move-title"
            class="m-auto w-80 rounded-lg border border-zinc-200 bg-white p-0 text-zinc-900 shadow-xl backdrop:bg-black/30 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
            on:close=move |_| {
                // Esc or Cancel: back to the card.
                if let Some(c) = st.moving.get_untracked() {
                    st.moving.set(None);
                    focus_card_soon(c.id);
                }
            }
        >
            {move || st.moving.get().map(|card| {
                let from = st.effective(&card);
                let targets = from.allowed_targets();
                view! {
                    <div class="p-4">
                        <h2 id="move-title" class="font-semibold">"Move " {card.title.clone()} " " {card.version.clone()} " to…"</h2>
                        <p class="mt-1 text-sm text-zinc-600 dark:text-zinc-400">"Now in " {from.label()} "."</p>
                        <ul class="mt-3 space-y-1" aria-label="Statuses">
                            {targets.into_iter().map(|to| {
                                let card = card.clone();
                                view! {
                                    <li>
                                        <button type="button"
                                            class="flex w-full items-center gap-2 rounded-md px-2 py-1.5 text-left text-sm hover:bg-zinc-100 focus-visible:bg-zinc-100 dark:hover:bg-zinc-800 dark:focus-visible:bg-zinc-800"
                                            on:click=move |_| {
                                                st.moving.set(None);
                                                st.move_card(card.clone(), to);
                                            }
                                        >
                                            <span class=format!("h-2 w-2 rounded-full {}", dot_class(to)) aria-hidden="true"></span>
                                            {to.label()}
                                        </button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        <div class="mt-4 flex justify-end">
                            <button type="button" class="rounded-md border border-zinc-300 px-3 py-1.5 text-sm dark:border-zinc-700"
                                on:click=move |_| {
                                    if let Some(d) = dialog.get_untracked() { d.close(); }
                                }
                            >"Cancel"</button>
                        </div>
                    </div>
                }
            })}
        </dialog>
    }
}

/// "Add the releases in flight under these filters to a sprint".
#[component]
fn AssignToSprint(sprints: Vec<crate::views::SprintView>, reload: RwSignal<u64>) -> impl IntoView {
    let query = use_query_map();
    let get = move |k: &str| query.with_untracked(|q| q.get(k).unwrap_or_default());
    let assign = ServerAction::<crate::serverfns::sprints::AssignSprintByFilter>::new();
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
            <button type="submit" class="rounded-md border border-zinc-300 px-3 py-1.5 text-sm font-medium hover:bg-zinc-50 dark:border-zinc-700 dark:hover:bg-zinc-800">"Add to sprint"</button>
            <span role="status" class="text-xs text-zinc-600 dark:text-zinc-400">
                {move || assign.value().get().map(|r| match r {
                    Ok(n) => format!("Added {n} release{}.", if n == 1 { "" } else { "s" }),
                    Err(e) => error_text(&e),
                })}
            </span>
        </ActionForm>
    }
}
