//! The board's client state: optimistic moves, drag, focus, the toast and
//! announcements, and the keyboard's way between cards.

use crate::domain::ids::ReleaseId;
use crate::domain::status::ReleaseStatus;
use crate::serverfns::releases::move_release;
use crate::ui::components::form::error_text;
use crate::ui::components::use_hydrated;
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
    /// The refusal shown: its sequence number, the message, and for a move
    /// the release policy held, the page that lists every check.
    pub(super) toast: RwSignal<Option<(u64, String, Option<String>)>>,
    /// Polite announcements (moves done, others' changes).
    pub(super) announce: RwSignal<String>,
    /// The card whose "Move to…" dialog is open.
    pub(super) moving: RwSignal<Option<BoardCard>>,
    /// The card that had focus, to give it back after a refresh.
    pub(super) focused: RwSignal<Option<ReleaseId>>,
    /// Bumped to reload the board (after a refusal, or a change the live
    /// stream will not report).
    pub(super) reload: RwSignal<u64>,
    /// Moves on their way to the server: `pending()` marks the board busy.
    pub(super) mover: Action<Move, ()>,
    /// Whether the board is live in the browser ([`use_hydrated`]).
    /// What only works with the page's code — each card's "Move to…"
    /// button — is drawn from then on: the server's HTML leaves it out, so
    /// a page without JavaScript shows no button that does nothing, and a
    /// board of hundreds of cards does not send hundreds of them.
    pub(super) interactive: ReadSignal<bool>,
}

/// Where a card is shown under these optimistic moves. A column reads the
/// moves once and places all its cards with them (not one signal read per
/// card: a board renders hundreds, ten columns over).
pub(super) fn placed(
    overrides: &HashMap<ReleaseId, (i64, ReleaseStatus)>,
    c: &BoardCard,
) -> ReleaseStatus {
    match overrides.get(&c.id) {
        Some((rev, to)) if *rev == c.revision => *to,
        _ => c.status,
    }
}

/// One move of one card, as the board dispatches it.
#[derive(Clone)]
pub(super) struct Move {
    card: BoardCard,
    from: ReleaseStatus,
    to: ReleaseStatus,
}

impl BoardState {
    /// `connected`: whether the live stream is open (then the server's own
    /// event for a move is what refreshes the board).
    pub(super) fn new(connected: RwSignal<bool>) -> Self {
        let overrides = RwSignal::new(HashMap::new());
        let toast = RwSignal::new(None);
        let announce = RwSignal::new(String::new());
        let reload = RwSignal::new(0);
        let toaster = crate::ui::components::toast::use_toaster();
        let mover = Action::new_unsync(move |m: &Move| {
            let Move { card, from, to } = m.clone();
            async move {
                let name = format!("{} {}", card.title, card.version);
                match move_release(card.id.clone(), to, card.revision).await {
                    Ok(moved) => {
                        // The toast (a polite status) says it, with Undo
                        // when the machine allows the way back.
                        match toaster {
                            Some(t) if to.check_move(from).is_ok() => {
                                let (id, revision) = (card.id.clone(), moved.revision);
                                let back = name.clone();
                                t.success_with_undo(
                                    format!("Moved {name} to {}", to.label()),
                                    Callback::new(move |_| {
                                        let (id, back) = (id.clone(), back.clone());
                                        leptos::task::spawn_local(async move {
                                            match move_release(id, from, revision).await {
                                                Ok(_) => {
                                                    t.success(format!(
                                                        "{back} is back in {}",
                                                        from.label()
                                                    ));
                                                    if !connected.get_untracked() {
                                                        reload.try_update(|n| *n += 1);
                                                    }
                                                }
                                                Err(e) => t.failure(error_text(&e)),
                                            }
                                        });
                                    }),
                                );
                            }
                            Some(t) => t.success(format!("Moved {name} to {}", to.label())),
                            None => {
                                announce.try_set(format!("{name} moved to {}", to.label()));
                            }
                        }
                        // The move's own live event refetches the board once;
                        // the optimistic card stands until then (it expires
                        // by itself when the new revision arrives). Without
                        // a stream, reload here instead.
                        if !connected.get_untracked() {
                            reload.try_update(|n| *n += 1);
                        }
                    }
                    Err(e) => {
                        overrides.try_update(|m| {
                            m.remove(&card.id);
                        });
                        // A move the policy held: the toast names the first
                        // failing check and links to all of them.
                        let link = (!e.checks.is_empty())
                            .then(|| format!("/releases/{}#policy-h", card.id));
                        show_toast(
                            toast,
                            format!("{name} stays in {}: {}", from.label(), error_text(&e)),
                            link,
                        );
                        focus_card_soon(card.id.clone());
                        // A refusal writes nothing, so no event comes: show
                        // what the server has (a stale card reloads).
                        reload.try_update(|n| *n += 1);
                    }
                }
            }
        });
        Self {
            overrides,
            dragging: RwSignal::new(None),
            toast,
            announce,
            moving: RwSignal::new(None),
            focused: RwSignal::new(None),
            reload,
            mover,
            interactive: use_hydrated(),
        }
    }

    /// Where a card is shown: its optimistic status while the move is pending.
    pub(super) fn effective(&self, c: &BoardCard) -> ReleaseStatus {
        self.overrides.with(|m| placed(m, c))
    }

    /// Shows a refusal for [`TOAST_MS`] (or until dismissed).
    pub(super) fn alert(&self, msg: String) {
        show_toast(self.toast, msg, None);
    }

    /// Moves a card: at once on screen, then on the server (through
    /// [`Self::mover`]); a refusal puts it back and says why.
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
        self.mover.dispatch(Move { card, from, to });
    }
}

/// Shows a message in the board's toast for [`TOAST_MS`] (a newer message
/// replaces it and keeps its own time).
fn show_toast(
    toast: RwSignal<Option<(u64, String, Option<String>)>>,
    msg: String,
    link: Option<String>,
) {
    // Numbered across the page's life, not from the toast shown: after a
    // dismissal the next toast must not take a number an older timer holds.
    static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let seq = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
    // (A disposed signal: the board is gone, and there is nothing to time.)
    #[cfg(feature = "hydrate")]
    if toast.try_set(Some((seq, msg, link))).is_none() {
        leptos::task::spawn_local(async move {
            gloo_timers::future::TimeoutFuture::new(TOAST_MS).await;
            // The board may be gone by now (its signal disposed): then there
            // is nothing to hide.
            toast.try_update(|t| {
                if t.as_ref().is_some_and(|t| t.0 == seq) {
                    *t = None;
                }
            });
        });
    }
    #[cfg(not(feature = "hydrate"))]
    toast.set(Some((seq, msg, link)));
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
