//! The dark-mode toggle. The page follows the system until the user picks a
//! theme; the pick is kept in the `rc_theme` cookie (one year), which the
//! server also reads so the next page arrives in the right theme.

use super::icons::{MoonIcon, SunIcon};
use super::use_hydrated;
use leptos::prelude::*;

/// A button that flips between light and dark and remembers the choice.
#[component]
pub fn ThemeToggle() -> impl IntoView {
    let hydrated = use_hydrated();
    view! {
        <button
            type="button"
            data-testid="theme-toggle"
            aria-label="Toggle dark mode"
            title="Toggle dark mode"
            disabled=move || !hydrated.get()
            on:click=move |_| toggle()
            class="inline-flex h-9 w-9 items-center justify-center rounded-md text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:opacity-50 dark:text-zinc-300 dark:hover:bg-zinc-800 dark:hover:text-white"
        >
            <MoonIcon class="h-5 w-5 dark:hidden"/>
            <SunIcon class="hidden h-5 w-5 dark:block"/>
        </button>
    }
}

#[cfg(feature = "hydrate")]
fn toggle() {
    use wasm_bindgen::JsCast;
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(root) = document.document_element() else {
        return;
    };
    let dark = root.class_list().toggle("dark").unwrap_or(false);
    if let Ok(html) = document.dyn_into::<web_sys::HtmlDocument>() {
        let value = if dark { "dark" } else { "light" };
        let _ = html.set_cookie(&format!(
            "rc_theme={value}; Path=/; Max-Age=31536000; SameSite=Lax"
        ));
    }
}

#[cfg(not(feature = "hydrate"))]
fn toggle() {}
