//! A card of the board (focusable, draggable, with "Move to…") and the
//! "Move to…" dialog with the moves the state machine allows.

#[cfg(feature = "hydrate")]
use super::state::focus_neighbor;
use super::state::{focus_card_soon, BoardState};
use crate::domain::status::ReleaseStatus;
use crate::ui::components::card::{card_body, card_label};
use crate::ui::components::status::dot_class;
use crate::ui::components::style::BUTTON_SECONDARY;
use crate::views::BoardCard;
use leptos::prelude::*;

/// One card: a focusable, draggable list item with a "Move to…" button.
#[component]
pub(super) fn Card(
    card: BoardCard,
    /// Where it is shown (its column: the optimistic status while a move
    /// is on its way).
    status: ReleaseStatus,
    today: String,
    st: BoardState,
    can_edit: bool,
) -> impl IntoView {
    let label = card_label(&card);
    let id = card.id.clone();
    // Shared by the handlers below, not cloned into each: the server
    // renders hundreds of cards and calls none of them.
    let card = std::sync::Arc::new(card);
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
                st.moving.set(Some(BoardCard::clone(&card)));
            }
        }
    };
    let navigate = leptos_router::hooks::use_navigate();
    let on_key = {
        let open_move = open_move.clone();
        let id = id.clone();
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
                    navigate(&format!("/releases/{id}"), Default::default());
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
    view! {
        <li
            node_ref=node
            aria-label=label
            tabindex="0"
            data-release-id=id.clone().to_string()
            draggable=if can_edit { "true" } else { "false" }
            class="rc-card"
            class:opacity-40=move || st.dragging.with(|d| d.as_ref().is_some_and(|(i, _)| *i == dim_id))
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
            {card_body(&card, &today)}
            // Only once the board is live (see `BoardState::interactive`).
            {move || (can_edit && st.interactive.get()).then(|| view! {
                <button
                    type="button"
                    aria-label=format!("Move {} {} to…", card.title, card.version)
                    aria-haspopup="dialog"
                    title="Move to… (m)"
                    class="rc-card-move"
                    on:click={
                        let open_move = open_move.clone();
                        move |_| open_move()
                    }
                >"⋯"</button>
            })}
        </li>
    }
}

/// "Move to…": the moves the state machine allows from the card's status.
#[component]
pub(super) fn MoveDialog(st: BoardState) -> impl IntoView {
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
                            <button type="button" class=BUTTON_SECONDARY
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
