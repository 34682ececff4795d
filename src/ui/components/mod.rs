//! Pieces shared by pages.

pub mod card;
pub mod copy;
pub mod filters;
pub mod form;
pub mod frame;
pub mod icons;
pub mod list_memory;
pub mod live;
pub mod loaded;
pub mod markdown;
pub mod new_release;
pub mod palette;
pub mod status;
pub mod style;
pub mod theme_toggle;
pub mod toast;
pub mod when;

use leptos::prelude::*;

/// A signal that turns true once the page is hydrated. Controls that need
/// the browser are disabled until then (`UI.md`: never a blank screen, only a
/// disabled control).
pub fn use_hydrated() -> ReadSignal<bool> {
    let (hydrated, set_hydrated) = signal(false);
    // Effects run only in the browser, after hydration.
    Effect::new(move |_| set_hydrated.set(true));
    hydrated
}

/// Asks the browser to confirm a destructive action (always yes on the
/// server, where nothing is clicked).
pub fn confirm(message: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window()
            .and_then(|w| w.confirm_with_message(message).ok())
            .unwrap_or(false)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = message;
        true
    }
}
