//! Release Coordinator — plan, track and ship releases of your services.
//!
//! A guided tour, inside out:
//!
//! - [`domain`]: the pure rules (status machine, roles, validation). Compiles
//!   for the server and the browser alike.
//! - `server` (feature `ssr`): configuration, start-up, the store (SeaORM),
//!   services (use cases), integrations (Jira, GitHub, Slack), the REST API
//!   and background jobs.
//! - [`serverfns`]: the Leptos `#[server]` functions, under `/rpc`, thin over
//!   the services.
//! - [`ui`]: the Leptos components — pages, the app frame, the board.
//! - [`views`]: the wire and view types shared by REST, server functions and UI.
//!
//! [`hydrate`] is the browser's entry point.

#![recursion_limit = "256"]

pub mod domain;
#[cfg(feature = "ssr")]
pub mod server;
pub mod serverfns;
pub mod ui;
pub mod views;

/// Browser entry point: hydrates the server-rendered page. `hydrate_lazy`
/// because pages are lazy routes (`ui::lazy`): the current page's code is
/// loaded before hydration walks it.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_lazy(ui::app::App);
}
