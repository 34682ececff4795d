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
    remember_list_as("", memory, ready, restore)
}

/// [`remember_list`] for one of several lists on a page, told apart by
/// `name`.
pub fn remember_list_as<T>(
    name: &'static str,
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
                "rc-list{name}:{}{}",
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
        // What "Load more" brought is written as it comes, under the URL it
        // was loaded for — not only as the page goes: leaving a page can
        // change what its list is keyed on (a route's `id`, a query) and
        // drop its pages a moment before the page itself goes.
        let saved_under = StoredValue::new(None::<String>);
        Effect::new(move |had: Option<bool>| {
            let paged = memory.next.with(Option::is_some);
            if paged {
                let snap = Snapshot {
                    rows: memory.rows.get(),
                    paged,
                    cursor: memory.next.get().flatten(),
                    scroll: 0.0,
                };
                let at = key();
                write(&at, &snap);
                saved_under.set_value(Some(at));
            } else if had == Some(true) {
                // Dropped on this very URL (a refetch): that snapshot is
                // stale. Dropped as the URL changed: it is still right.
                if let Some(at) = saved_under.get_value().filter(|at| *at == key()) {
                    if let Some(store) = storage() {
                        let _ = store.remove_item(&at);
                    }
                    saved_under.set_value(None);
                }
            }
            paged
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
        // As the page goes: where it was scrolled, with the pages it
        // loaded, or alone (the first page is fetched anew).
        on_cleanup(move || {
            handle.remove();
            let scroll = scroll.try_get_value().unwrap_or(0.0);
            match saved_under.try_get_value().flatten() {
                Some(at) => {
                    let Some(store) = storage() else { return };
                    let Some(mut snap) = store
                        .get_item(&at)
                        .ok()
                        .flatten()
                        .and_then(|json| serde_json::from_str::<serde_json::Value>(&json).ok())
                    else {
                        return;
                    };
                    snap["scroll"] = scroll.into();
                    write(&at, &snap);
                }
                None => {
                    let Some(at) = owner.try_get_value() else {
                        return;
                    };
                    let snap = Snapshot::<T> {
                        rows: vec![],
                        paged: false,
                        cursor: None,
                        scroll,
                    };
                    write(&at, &snap);
                }
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (name, memory, ready, restore);
}

#[cfg(feature = "hydrate")]
fn storage() -> Option<web_sys::Storage> {
    window().session_storage().ok().flatten()
}

/// Writes a snapshot; a full store (quota) only means no restore, not an
/// error.
#[cfg(feature = "hydrate")]
fn write(key: &str, snap: &impl Serialize) {
    if let (Ok(json), Some(store)) = (serde_json::to_string(snap), storage()) {
        let _ = store.set_item(key, &json);
    }
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

/// A list's "Load more": the pages after its first, appended as they come,
/// dropped when the first page is fetched again, remembered for Back
/// ([`remember_list`]). A failed page says why in an alert toast and the
/// button stays to press again.
pub struct MorePages<T: Send + Sync + 'static> {
    /// What [`remember_list`] keeps.
    pub memory: ListMemory<T>,
    /// A page is on its way.
    pub loading: RwSignal<bool>,
}

impl<T: Send + Sync + 'static> Clone for MorePages<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Send + Sync + 'static> Copy for MorePages<T> {}
impl<T: Send + Sync + 'static> Clone for ListMemory<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Send + Sync + 'static> Copy for ListMemory<T> {}

/// Sets up "Load more" for a list whose first page comes from `data`
/// (tracked: a refetch drops the later pages); `fetch` brings the page
/// after a cursor as its rows and the next cursor. Returns the pages and
/// the loader [`load_more_button`] calls.
pub fn use_more_pages<T, D, Fut>(
    data: Resource<Result<D, crate::views::ApiError>>,
    fetch: impl Fn(String) -> Fut + Copy + 'static,
) -> (MorePages<T>, impl Fn(String) + Copy + 'static)
where
    T: Clone + Serialize + DeserializeOwned + Send + Sync + 'static,
    D: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    Fut: std::future::Future<Output = Result<(Vec<T>, Option<String>), crate::views::ApiError>>
        + 'static,
{
    use_more_pages_until(data, move || data.track(), "", fetch)
}

/// [`use_more_pages`] for a page whose first page is fetched again while
/// the later ones still hold (a live refresh): those are dropped only when
/// what `reset` reads changes (the page's id, say). The page leaves out of
/// them what its first page now shows. `name` tells the page's lists apart
/// for Back ([`remember_list_as`]).
pub fn use_more_pages_until<T, D, Fut>(
    data: Resource<Result<D, crate::views::ApiError>>,
    reset: impl Fn() + 'static,
    name: &'static str,
    fetch: impl Fn(String) -> Fut + Copy + 'static,
) -> (MorePages<T>, impl Fn(String) + Copy + 'static)
where
    T: Clone + Serialize + DeserializeOwned + Send + Sync + 'static,
    D: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    Fut: std::future::Future<Output = Result<(Vec<T>, Option<String>), crate::views::ApiError>>
        + 'static,
{
    let rows = RwSignal::new(Vec::<T>::new());
    let next = RwSignal::new(None::<Option<String>>);
    let loading = RwSignal::new(false);
    Effect::new(move |prev: Option<()>| {
        reset();
        if prev.is_some() {
            rows.set(vec![]);
            next.set(None);
        }
    });
    let memory = ListMemory { rows, next };
    remember_list_as(
        name,
        memory,
        Signal::derive(move || data.with(|d| matches!(d, Some(Ok(_))))),
        move |r, n| {
            rows.set(r);
            next.set(n);
        },
    );
    let toaster = crate::ui::components::toast::use_toaster();
    let load = move |cursor: String| {
        loading.set(true);
        leptos::task::spawn_local(async move {
            match fetch(cursor).await {
                Ok((items, cursor)) => {
                    let _ = rows.try_update(|m| m.extend(items));
                    let _ = next.try_set(Some(cursor));
                }
                Err(e) => {
                    if let Some(t) = toaster {
                        t.failure(crate::ui::components::form::error_text(&e));
                    }
                }
            }
            let _ = loading.try_set(false);
        });
    };
    (MorePages { memory, loading }, load)
}

/// The "Load more" button while there is more: after the first page's
/// `first_next`, then after each page loaded. `label` is its text ("Load
/// more comments" where a page has several lists).
pub fn load_more_button<T: Send + Sync + 'static>(
    pages: MorePages<T>,
    first_next: Option<String>,
    load: impl Fn(String) + Copy + Send + Sync + 'static,
    class: &'static str,
    label: &'static str,
) -> impl IntoView {
    let MorePages { memory, loading } = pages;
    move || {
        memory
            .next
            .get()
            .unwrap_or_else(|| first_next.clone())
            .map(|c| {
                view! {
                    <button type="button" class=class disabled=move || loading.get()
                        on:click=move |_| load(c.clone())>
                        {move || if loading.get() { "Loading…" } else { label }}
                    </button>
                }
            })
    }
}

/// Under a list: how many of how many it shows, when the total is known
/// (`first_len` rows on the first page, and what "Load more" brought), and
/// the "Load more" button while there is more.
#[allow(clippy::too_many_arguments)]
pub fn list_footer<T: Send + Sync + 'static>(
    pages: MorePages<T>,
    first_len: usize,
    total: Option<u64>,
    noun: &'static str,
    first_next: Option<String>,
    load: impl Fn(String) + Copy + Send + Sync + 'static,
    class: &'static str,
) -> impl IntoView {
    view! {
        <div class="mt-3 flex flex-wrap items-center gap-3">
            {total.map(|total| view! {
                <p class="text-sm text-zinc-600 dark:text-zinc-400" data-testid="list-count">
                    {move || count_label(first_len + pages.memory.rows.with(Vec::len), total, noun)}
                </p>
            })}
            {load_more_button(pages, first_next, load, class, "Load more")}
        </div>
    }
}

/// "Showing 100 of 1,234", or "2 releases" when all are shown (`noun` is
/// the singular; its plural takes an "s").
pub fn count_label(shown: usize, total: u64, noun: &str) -> String {
    if shown as u64 >= total {
        format!(
            "{} {noun}{}",
            grouped(total),
            if total == 1 { "" } else { "s" }
        )
    } else {
        format!("Showing {} of {}", grouped(shown as u64), grouped(total))
    }
}

/// 1234567 as "1,234,567".
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::count_label;

    #[test]
    fn counts_read_as_words() {
        assert_eq!(count_label(1, 1, "release"), "1 release");
        assert_eq!(count_label(2, 2, "release"), "2 releases");
        assert_eq!(count_label(0, 0, "sprint"), "0 sprints");
        assert_eq!(count_label(100, 1234, "release"), "Showing 100 of 1,234");
        assert_eq!(
            count_label(100, 1_234_567, "release"),
            "Showing 100 of 1,234,567"
        );
    }
}
