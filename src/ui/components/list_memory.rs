//! A list that grew with "Load more" is still there, scrolled to where the
//! reader was, when they come back to it with the browser's Back button.
//!
//! As the page goes, it leaves a snapshot (the rows loaded past the first
//! page, the cursor after them, the scroll offset) in `sessionStorage` under
//! its URL — this tab only, gone with it. A page that mounts within a moment
//! of a back/forward navigation (`popstate`) takes its snapshot back; any
//! other visit starts fresh, from the first page. The first page itself is
//! always fetched anew, so it is never stale.

use leptos::prelude::*;
use serde::{de::DeserializeOwned, Serialize};

/// What a list keeps while its page is open.
#[derive(Clone, Copy)]
pub struct ListMemory<T: Send + Sync + 'static> {
    /// Rows loaded with "Load more".
    pub rows: RwSignal<Vec<T>>,
    /// The cursor after them: `None` before any "Load more", `Some(None)`
    /// at the end of the list.
    pub next: RwSignal<Option<Option<String>>>,
}

#[cfg(feature = "hydrate")]
#[derive(serde::Serialize, serde::Deserialize)]
struct Snapshot<T> {
    rows: Vec<T>,
    /// Whether "Load more" was used (`next` is `Some`): JSON's `null`
    /// cannot tell `None` from `Some(None)`, the end of the list.
    paged: bool,
    cursor: Option<String>,
    scroll: f64,
}

/// Remembers `memory` for the page's current URL. Once `ready` (the first
/// page is shown) after a Back or Forward, `restore` gets the rows and the
/// cursor back, then the page scrolls to where it was.
pub fn remember_list<T>(
    memory: ListMemory<T>,
    ready: Signal<bool>,
    restore: impl Fn(Vec<T>, Option<Option<String>>) + 'static,
) where
    T: Clone + Serialize + DeserializeOwned + Send + Sync + 'static,
{
    #[cfg(feature = "hydrate")]
    {
        use std::cell::Cell;
        use std::rc::Rc;
        let location = leptos_router::hooks::use_location();
        let key = move || {
            format!(
                "rc-list:{}{}",
                location.pathname.get_untracked(),
                location.search.get_untracked()
            )
        };
        let first_load_back = listen_for_back();
        let mounted_at = clock();
        let scroll = StoredValue::new(window().scroll_y().unwrap_or(0.0));
        let handle = window_event_listener(leptos::ev::scroll, move |_| {
            scroll.try_set_value(window().scroll_y().unwrap_or(0.0));
        });
        // The URL this list belongs to (its filters change it in place).
        let owner = StoredValue::new(key());
        Effect::new(move |_| {
            location.search.track();
            owner.set_value(key());
        });
        let done = Cell::new(false);
        let restore = Rc::new(restore);
        Effect::new(move |_| {
            if !ready.get() || done.replace(true) {
                return;
            }
            // Asked now, not at mount: the router may render the page from
            // inside its own `popstate` listener, before ours has run.
            if !(first_load_back || popped_near(mounted_at)) {
                return;
            }
            let Some(snap) = take::<T>(&owner.get_value()) else {
                return;
            };
            let restore = restore.clone();
            // After the first page's own effects have settled.
            set_timeout(
                move || {
                    restore(snap.rows, snap.paged.then_some(snap.cursor));
                    set_timeout(
                        move || window().scroll_to_with_x_and_y(0.0, snap.scroll),
                        std::time::Duration::from_millis(30),
                    );
                },
                std::time::Duration::ZERO,
            );
        });
        on_cleanup(move || {
            handle.remove();
            let (Some(key), Some(rows)) = (owner.try_get_value(), memory.rows.try_get_untracked())
            else {
                return;
            };
            let snap = Snapshot {
                rows,
                paged: memory
                    .next
                    .try_with_untracked(Option::is_some)
                    .unwrap_or(false),
                cursor: memory.next.try_get_untracked().flatten().flatten(),
                scroll: scroll.try_get_value().unwrap_or(0.0),
            };
            if let (Ok(json), Some(store)) = (serde_json::to_string(&snap), storage()) {
                // A full store (quota) only means no restore: not an error.
                let _ = store.set_item(&key, &json);
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (memory, ready, restore);
}

#[cfg(feature = "hydrate")]
fn storage() -> Option<web_sys::Storage> {
    window().session_storage().ok().flatten()
}

#[cfg(feature = "hydrate")]
fn take<T: DeserializeOwned>(key: &str) -> Option<Snapshot<T>> {
    let store = storage()?;
    let json = store.get_item(key).ok().flatten()?;
    let _ = store.remove_item(key);
    serde_json::from_str(&json).ok()
}

#[cfg(feature = "hydrate")]
fn clock() -> f64 {
    window().performance().map(|p| p.now()).unwrap_or(0.0)
}

#[cfg(feature = "hydrate")]
thread_local! {
    static LAST_POP: std::cell::Cell<Option<f64>> = const { std::cell::Cell::new(None) };
    static LISTENING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Listens for Back and Forward (`popstate`) from the first list on; that
/// first call answers whether the tab's page load itself was a Back or
/// Forward to this very URL.
#[cfg(feature = "hydrate")]
fn listen_for_back() -> bool {
    if LISTENING.with(|l| l.replace(true)) {
        return false;
    }
    // Installed once, for the life of the tab's app.
    std::mem::forget(window_event_listener(leptos::ev::popstate, move |_| {
        LAST_POP.with(|p| p.set(Some(clock())));
    }));
    window()
        .performance()
        .map(|p| p.get_entries_by_type("navigation"))
        .and_then(|list| {
            use wasm_bindgen::JsCast;
            list.get(0)
                .dyn_into::<web_sys::PerformanceNavigationTiming>()
                .ok()
        })
        .is_some_and(|n| {
            n.type_() == web_sys::NavigationType::BackForward
                && window().location().href().is_ok_and(|h| h == n.name())
        })
}

/// Whether a `popstate` came within a moment of `t` (the page's mount):
/// the page is being shown by Back or Forward, not by a link.
#[cfg(feature = "hydrate")]
fn popped_near(t: f64) -> bool {
    LAST_POP
        .with(|p| p.get())
        .is_some_and(|p| (p - t).abs() < 250.0)
}
