//! Feedback for every change: a toast in the corner. A success is a
//! polite `role="status"` with Undo where the change can be taken back; a
//! failure is a `role="alert"` with the server's reason. Successes go
//! after six seconds, failures after ten (UI.md: at least five), Undo
//! toasts after eight; each can be dismissed.
//!
//! The frame provides one [`Toaster`]; pages reach it with [`use_toaster`]
//! and usually through [`toast_outcome`], which watches a server action.

use crate::ui::components::form::error_text;
use crate::views::ApiError;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// One toast.
#[derive(Clone)]
struct Toast {
    id: u64,
    failure: bool,
    text: String,
    undo: Option<Callback<()>>,
}

/// The frame's toasts.
#[derive(Clone, Copy)]
pub struct Toaster {
    list: RwSignal<Vec<Toast>>,
    seq: StoredValue<u64>,
}

impl Toaster {
    fn push(&self, failure: bool, text: String, undo: Option<Callback<()>>) {
        let id = self.seq.try_update_value(|s| {
            *s += 1;
            *s
        });
        let Some(id) = id else { return };
        let ms: u32 = match (failure, undo.is_some()) {
            (true, _) => 10_000,
            (false, true) => 8_000,
            (false, false) => 6_000,
        };
        self.list.update(|l| {
            l.push(Toast {
                id,
                failure,
                text,
                undo,
            });
            // A burst of changes shows the latest few.
            let excess = l.len().saturating_sub(4);
            l.drain(..excess);
        });
        let list = self.list;
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            gloo_timers::future::TimeoutFuture::new(ms).await;
            // The frame may be gone by now: then there is nothing to hide.
            list.try_update(|l| l.retain(|t| t.id != id));
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (ms, list);
    }

    /// A change went through.
    pub fn success(&self, text: impl Into<String>) {
        self.push(false, text.into(), None);
    }

    /// A change went through and `undo` takes it back.
    pub fn success_with_undo(&self, text: impl Into<String>, undo: Callback<()>) {
        self.push(false, text.into(), Some(undo));
    }

    /// A change was refused or failed: why.
    pub fn failure(&self, text: impl Into<String>) {
        self.push(true, text.into(), None);
    }

    fn dismiss(&self, id: u64) {
        self.list.update(|l| l.retain(|t| t.id != id));
    }
}

/// Makes the frame's toaster (call once, in the frame).
pub fn provide_toaster() -> Toaster {
    let t = Toaster {
        list: RwSignal::new(vec![]),
        seq: StoredValue::new(0),
    };
    provide_context(t);
    t
}

/// The frame's toaster (none outside the frame: public pages).
pub fn use_toaster() -> Option<Toaster> {
    use_context::<Toaster>()
}

/// Toasts each outcome of `action`: `ok` words a success (`None`: say
/// nothing, the page shows it), a failure shows the server's reason.
pub fn toast_outcome<S>(
    action: ServerAction<S>,
    ok: impl Fn(&S::Output) -> Option<String> + Send + Sync + 'static,
) where
    S: ServerFn<Error = ApiError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let Some(toaster) = use_toaster() else { return };
    let version = action.version();
    Effect::new(move |seen: Option<usize>| {
        let v = version.get();
        // Only outcomes of this page's own submissions (not one restored
        // from before hydration).
        if seen.is_some_and(|s| s != v) {
            action.value().with_untracked(|r| match r {
                Some(Ok(out)) => {
                    if let Some(text) = ok(out) {
                        toaster.success(text);
                    }
                }
                Some(Err(e)) => toaster.failure(error_text(e)),
                None => {}
            });
        }
        v
    });
}

/// Like [`toast_outcome`], for a change that can be taken back: its
/// success toast offers Undo, which runs `undo` with what was sent.
pub fn toast_undoable<S>(
    action: ServerAction<S>,
    ok: impl Fn(&S) -> String + Send + Sync + 'static,
    undo: impl Fn(S) + Clone + Send + Sync + 'static,
) where
    S: ServerFn<Error = ApiError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let Some(toaster) = use_toaster() else { return };
    // The input is there only while the call is on its way: keep it.
    let sent = StoredValue::new(None::<S>);
    Effect::new(move |_| {
        if let Some(i) = action.input().get() {
            sent.set_value(Some(i));
        }
    });
    let version = action.version();
    Effect::new(move |seen: Option<usize>| {
        let v = version.get();
        if seen.is_some_and(|s| s != v) {
            match action.value().get_untracked() {
                Some(Ok(_)) => {
                    if let Some(input) = sent.get_value() {
                        let undo = undo.clone();
                        let text = ok(&input);
                        toaster
                            .success_with_undo(text, Callback::new(move |_| undo(input.clone())));
                    }
                }
                Some(Err(e)) => toaster.failure(error_text(&e)),
                None => {}
            }
        }
        v
    });
}

/// The corner where toasts show (in the frame).
#[component]
pub fn Toasts(toaster: Toaster) -> impl IntoView {
    let item = move |t: Toast, failure: bool| {
        let id = t.id;
        let undo = t.undo;
        view! {
            <div
                data-testid=if failure { "toast-failure" } else { "toast-success" }
                class=if failure {
                    "pointer-events-auto flex items-start gap-3 rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900 shadow-lg dark:border-red-800 dark:bg-red-950 dark:text-red-100"
                } else {
                    "pointer-events-auto flex items-start gap-3 rounded-md border border-zinc-200 bg-white p-3 text-sm text-zinc-900 shadow-lg dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
                }
            >
                <p class="flex-1">{t.text}</p>
                {undo.map(|u| view! {
                    <button type="button" class="rounded px-1.5 font-medium text-indigo-700 hover:bg-indigo-50 dark:text-indigo-300 dark:hover:bg-indigo-950"
                        on:click=move |_| { toaster.dismiss(id); u.run(()); }>"Undo"</button>
                })}
                <button type="button" aria-label="Dismiss" class="rounded px-1 text-zinc-500 hover:bg-zinc-100 dark:text-zinc-400 dark:hover:bg-zinc-800"
                    on:click=move |_| toaster.dismiss(id)>"×"</button>
            </div>
        }
    };
    view! {
        <div class="pointer-events-none fixed bottom-4 left-1/2 z-50 w-96 max-w-[calc(100vw-2rem)] -translate-x-1/2 space-y-2 sm:left-auto sm:right-4 sm:translate-x-0">
            <div role="status" aria-live="polite" class="space-y-2">
                {move || toaster.list.get().into_iter().filter(|t| !t.failure).map(|t| item(t, false)).collect_view()}
            </div>
            <div role="alert" class="space-y-2">
                {move || toaster.list.get().into_iter().filter(|t| t.failure).map(|t| item(t, true)).collect_view()}
            </div>
        </div>
    }
}
