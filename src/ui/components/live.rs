//! The live connection: one `EventSource` on `/api/events` per browser tab,
//! opened by the first team page and kept across client-side navigation.
//! Pages read [`Live`] from context: `tick` grows with every event (refetch
//! what you show), `latest` is the newest activity, `connected` drives the
//! live dot. A dropped connection reconnects with exponential back-off
//! (1 s, 2 s, 4 s … at most 30 s), timed with gloo-timers.

use crate::views::ActivityView;
use leptos::prelude::*;

/// The live state, provided by the app.
#[derive(Clone, Copy)]
pub struct Live {
    /// Whether the stream is open.
    pub connected: RwSignal<bool>,
    /// Grows by one with every event received.
    pub tick: RwSignal<u64>,
    /// The newest activity received.
    pub latest: RwSignal<Option<ActivityView>>,
}

/// Creates the live state (once, in `App`).
pub fn provide_live() {
    provide_context(Live {
        connected: RwSignal::new(false),
        tick: RwSignal::new(0),
        latest: RwSignal::new(None),
    });
}

/// The live state; team pages call this, which also opens the stream once.
pub fn use_live() -> Live {
    let live = use_context::<Live>().unwrap_or_else(|| Live {
        connected: RwSignal::new(false),
        tick: RwSignal::new(0),
        latest: RwSignal::new(None),
    });
    Effect::new(move |_| start(live));
    live
}

#[cfg(feature = "hydrate")]
thread_local! {
    static STARTED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

#[cfg(feature = "hydrate")]
fn start(live: Live) {
    if STARTED.with(|s| s.replace(true)) {
        return;
    }
    connect(live, 0);
}

#[cfg(not(feature = "hydrate"))]
fn start(_live: Live) {}

/// Delay before reconnect attempt `n` (0-based): 1 s doubling to 30 s.
pub fn backoff_ms(attempt: u32) -> u32 {
    1000u32.saturating_mul(1 << attempt.min(5)).min(30_000)
}

/// The open `EventSource` and the callbacks it calls. Dropping it closes
/// the stream and frees the callbacks (each reconnect replaces it, so
/// nothing piles up over a long-lived tab with a flaky network).
#[cfg(feature = "hydrate")]
struct Connection {
    es: web_sys::EventSource,
    _on_open: wasm_bindgen::closure::Closure<dyn FnMut(web_sys::Event)>,
    _on_activity: wasm_bindgen::closure::Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_error: wasm_bindgen::closure::Closure<dyn FnMut(web_sys::Event)>,
}

#[cfg(feature = "hydrate")]
impl Drop for Connection {
    fn drop(&mut self) {
        self.es.set_onopen(None);
        self.es.set_onerror(None);
        self.es.close();
    }
}

#[cfg(feature = "hydrate")]
thread_local! {
    static CURRENT: std::cell::RefCell<Option<Connection>> = const { std::cell::RefCell::new(None) };
}

#[cfg(feature = "hydrate")]
fn connect(live: Live, attempt: u32) {
    use std::cell::Cell;
    use std::rc::Rc;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    // The previous connection (closed on error) goes now: this runs from a
    // timer, never from inside one of its callbacks.
    CURRENT.with(|c| c.borrow_mut().take());
    let Ok(es) = web_sys::EventSource::new("/api/events") else {
        retry(live, attempt);
        return;
    };
    let failures = Rc::new(Cell::new(attempt));

    let on_open = {
        let failures = failures.clone();
        Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            failures.set(0);
            live.connected.set(true);
        })
    };
    es.set_onopen(Some(on_open.as_ref().unchecked_ref()));

    let on_activity =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            if let Some(text) = e.data().as_string() {
                if let Ok(a) = serde_json::from_str::<ActivityView>(&text) {
                    live.latest.set(Some(a));
                }
            }
            live.tick.update(|t| *t += 1);
        });
    let _ = es.add_event_listener_with_callback("activity", on_activity.as_ref().unchecked_ref());
    let _ = es.add_event_listener_with_callback("resync", on_activity.as_ref().unchecked_ref());

    let on_error = {
        let es = es.clone();
        Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            // Take over reconnecting ourselves, with back-off.
            es.close();
            live.connected.set(false);
            retry(live, failures.get());
        })
    };
    es.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    CURRENT.with(|c| {
        *c.borrow_mut() = Some(Connection {
            es,
            _on_open: on_open,
            _on_activity: on_activity,
            _on_error: on_error,
        })
    });
}

#[cfg(feature = "hydrate")]
fn retry(live: Live, attempt: u32) {
    leptos::task::spawn_local(async move {
        gloo_timers::future::TimeoutFuture::new(backoff_ms(attempt)).await;
        // Whatever happened while we were away: refetch.
        live.tick.update(|t| *t += 1);
        connect(live, attempt + 1);
    });
}

/// The live-connection dot of the top bar.
#[component]
pub fn LiveDot() -> impl IntoView {
    let live = use_live();
    view! {
        <span
            role="status"
            data-testid="live-dot"
            data-connected=move || live.connected.get().to_string()
            title=move || if live.connected.get() { "Live updates on" } else { "Reconnecting…" }
            class="inline-flex items-center gap-1.5 px-2 text-xs text-zinc-500 dark:text-zinc-400"
        >
            <span class=move || format!("h-2 w-2 rounded-full {}", if live.connected.get() { "bg-green-500" } else { "bg-zinc-400" }) aria-hidden="true"></span>
            <span class="sr-only">{move || if live.connected.get() { "Live updates on" } else { "Reconnecting" }}</span>
        </span>
    }
}

#[cfg(test)]
mod tests {
    use super::backoff_ms;

    #[test]
    fn backoff_doubles_to_thirty_seconds() {
        let delays: Vec<u32> = (0..8).map(backoff_ms).collect();
        assert_eq!(
            delays,
            vec![1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]
        );
    }
}
