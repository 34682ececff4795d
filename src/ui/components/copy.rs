//! Copying a secret shown once: a read-only field that selects itself on
//! focus, and a button that puts the text on the clipboard and says so.

use leptos::prelude::*;

/// Selects the whole text of the focused input (so Ctrl-C copies it all).
pub fn select_input(ev: &leptos::ev::FocusEvent) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        {
            input.select();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = ev;
}

/// Copies `text` to the clipboard and says so ("Copied"). Disabled until
/// the page is live: without JavaScript the field beside it is selectable.
#[component]
pub fn CopyButton(text: String, label: &'static str) -> impl IntoView {
    let (copied, set_copied) = signal(false);
    let hydrated = crate::ui::components::use_hydrated();
    view! {
        <button
            type="button"
            disabled=move || !hydrated.get()
            class="shrink-0 rounded-md border border-zinc-300 px-3 py-1 text-xs font-medium hover:bg-zinc-50 disabled:opacity-60 dark:border-zinc-700 dark:hover:bg-zinc-800"
            on:click=move |_| {
                copy_to_clipboard(&text);
                set_copied.set(true);
            }
        >
            {move || if copied.get() { "Copied" } else { label }}
        </button>
    }
}

fn copy_to_clipboard(text: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let _ = w.navigator().clipboard().write_text(text);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = text;
}
