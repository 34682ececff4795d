//! The board's client state: optimistic moves, drag, focus, the toast and
//! announcements, and the keyboard's way between cards.

use crate::domain::ids::ReleaseId;
use crate::domain::status::ReleaseStatus;
use crate::serverfns::releases::move_release;
use crate::ui::components::form::error_text;
use crate::views::BoardCard;
use leptos::prelude::*;
use std::collections::HashMap;

/// How long a refused move's toast stays (UI.md: at least five seconds).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const TOAST_MS: u32 = 8_000;

/// The board's client state, shared by columns, cards and the dialog.
#[derive(Clone, Copy)]
pub(super) struct BoardState {
    /// Optimistic moves: card id → (the revision it was moved from, where to).
    /// Applied while the loaded card still has that revision.
    pub(super) overrides: RwSignal<HashMap<ReleaseId, (i64, ReleaseStatus)>>,
    /// The card being dragged: id and current status.
    pub(super) dragging: RwSignal<Option<(ReleaseId, ReleaseStatus)>>,
    /// The refused-move message (sequence number, text).
    pub(super) toast: RwSignal<Option<(u64, String)>>,
    /// Polite announcements (moves done, others' changes).
    pub(super) announce: RwSignal<String>,
    /// The card whose "Move to…" dialog is open.
    pub(super) moving: RwSignal<Option<BoardCard>>,
    /// The card that had focus, to give it back after a refresh.
    pub(super) focused: RwSignal<Option<ReleaseId>>,
    /// Bumped to reload the board.
    pub(super) reload: RwSignal<u64>,
}

impl BoardState {
    pub(super) fn new() -> Self {
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
    pub(super) fn effective(&self, c: &BoardCard) -> ReleaseStatus {
        self.overrides.with(|m| match m.get(&c.id) {
            Some((rev, to)) if *rev == c.revision => *to,
            _ => c.status,
        })
    }

    /// Shows a refusal for [`TOAST_MS`] (or until dismissed).
    pub(super) fn alert(&self, msg: String) {
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
                // The board may be gone by now (its signal disposed): then
                // there is nothing to hide.
                toast.try_update(|t| {
                    if t.as_ref().is_some_and(|t| t.0 == seq) {
                        *t = None;
                    }
                });
            });
        }
    }

    /// Moves a card: at once on screen, then on the server; a refusal puts
    /// it back and says why.
    pub(super) fn move_card(self, card: BoardCard, to: ReleaseStatus) {
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
pub(super) fn focus_card_soon(id: ReleaseId) {
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
pub(super) fn focus_neighbor(li: &web_sys::Element, key: &str) -> bool {
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
