//! Pieces shared by pages.

pub mod form;
pub mod frame;
pub mod icons;
pub mod status;
pub mod theme_toggle;

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
