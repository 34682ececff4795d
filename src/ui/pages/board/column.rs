//! One column's list of cards: its drop target, its count under optimistic
//! moves, and "Show N more" when it holds more than it shows.

use super::card::Card;
use super::state::{placed, BoardState};
use crate::domain::status::ReleaseStatus;
use crate::ui::components::style::LINK;
use crate::views::BoardCard;
use leptos::prelude::*;

/// What one load of the board knows about a column.
#[derive(Debug, Clone)]
pub(super) struct ColumnLoad {
    /// The column's status.
    pub(super) status: ReleaseStatus,
    /// Everything it holds under the filters.
    pub(super) total: u64,
    /// The cards loaded for it.
    pub(super) held: u64,
    /// "Show N more": how many, and the link that shows them.
    pub(super) more: Option<(u64, String)>,
}

/// The list of one column: a drop target whose accessible name counts what
/// it holds (moves on their way included), its cards, and the way to the
/// rest.
#[component]
pub(super) fn ColumnList(
    load: ColumnLoad,
    collapsed: Signal<bool>,
    all: StoredValue<Vec<BoardCard>>,
    st: BoardState,
    today: String,
    can_edit: bool,
) -> impl IntoView {
    let ColumnLoad {
        status: s,
        total,
        held,
        more,
    } = load;
    // Count under optimistic moves: what moved in, minus what moved out.
    let count = move || {
        st.overrides.with(|moves| {
            if moves.is_empty() {
                return total;
            }
            all.with_value(|all| {
                let moved_in = all
                    .iter()
                    .filter(|c| c.status != s && placed(moves, c) == s)
                    .count() as u64;
                let moved_out = all
                    .iter()
                    .filter(|c| c.status == s && placed(moves, c) != s)
                    .count() as u64;
                (total + moved_in).saturating_sub(moved_out)
            })
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
        st.overrides.with(|moves| {
            all.with_value(|all| {
                all.iter()
                    .filter(|c| placed(moves, c) == s)
                    .cloned()
                    .collect::<Vec<_>>()
            })
        })
    };
    // A column that holds more than it shows says so, with a way to the
    // rest: a link, so it works without JavaScript too.
    let footer = move || {
        (total > held).then(|| {
            let words = if s.is_finished() { "Latest" } else { "First" };
            let to_list = s.is_finished() || more.is_none();
            view! {
                <p class="mt-2 flex flex-wrap items-center gap-x-2 px-1 text-xs text-zinc-500 dark:text-zinc-400" data-testid="column-more">
                    <span>{format!("{words} {held} of {total}")}</span>
                    {more.clone().map(|(n, href)| view! {
                        <a class=LINK href=href>{format!("Show {n} more")}</a>
                    })}
                    {to_list.then(|| view! {
                        <a class=LINK href=format!("/releases?status={}", s.as_str())>"All in list"</a>
                    })}
                </p>
            }
        })
    };
    // While a card is dragged: why the policy holds its move here, if it
    // does (a freeze, missing approvals, open tickets — the same rule the
    // server applies; the server still decides on the drop).
    let hold = move || {
        st.dragging.get().and_then(|(id, from)| {
            from.can_move_to(s).then_some(())?;
            all.with_value(|all| {
                all.iter()
                    .find(|c| c.id == id)
                    .and_then(|c| c.holds.iter().find(|h| h.to == s))
                    .map(|h| h.reason.clone())
            })
        })
    };
    let list_class = move || {
        let base = if collapsed.get() {
            "min-h-12 space-y-2 rounded-md p-1 transition-colors"
        } else {
            "min-h-24 space-y-2 rounded-md p-1 transition-colors"
        };
        match st.dragging.get() {
            Some(_) if hold().is_some() => {
                format!("{base} bg-amber-50 ring-2 ring-amber-500 dark:bg-amber-950/50")
            }
            Some((_, from)) if from.can_move_to(s) => {
                format!("{base} bg-indigo-50 ring-2 ring-indigo-500 dark:bg-indigo-950/50")
            }
            Some((_, from)) if from != s => format!("{base} opacity-50"),
            _ => base.to_string(),
        }
    };
    view! {
        // Over the list, not above it: nothing moves under the pointer while
        // a card is dragged, and the drop still lands on the list.
        <div class="relative">
        {move || hold().map(|why| view! {
            <p class="pointer-events-none absolute inset-x-1 top-1 z-10 rounded-md bg-amber-100 px-2 py-1 text-xs text-amber-950 shadow-sm dark:bg-amber-950 dark:text-amber-100" data-testid="drop-hold">
                {format!("Held: {why}")}
            </p>
        })}
        <ul
            aria-label=label
            data-board-list=""
            data-status=s.as_str()
            data-drop=move || match st.dragging.get() {
                Some(_) if hold().is_some() => "held",
                Some((_, from)) if from.can_move_to(s) => "legal",
                Some(_) => "illegal",
                None => "",
            }
            class=list_class
            // Every column takes the drop while a card is dragged: on one it
            // cannot enter, the drop says why (the same alert as a server
            // refusal) instead of silently snapping back.
            on:dragover=move |ev: leptos::ev::DragEvent| {
                if st.dragging.get_untracked().is_some() {
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
            {move || (!collapsed.get()).then(|| cards().into_iter().map(|c| view! {
                <Card card=c status=s today=today.clone() st=st can_edit=can_edit/>
            }).collect_view())}
        </ul>
        </div>
        {move || if collapsed.get() { None } else { footer() }}
    }
}
