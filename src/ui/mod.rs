//! The Leptos user interface: rendered on the server, hydrated in the browser.
//!
//! - [`app`]: the HTML shell and the router.
//! - [`routes`]: every page, who may open it, and the navigation.
//! - [`pages`]: one module per page.
//! - [`lazy`]: the pages loaded on demand (code splitting).
//! - [`components`]: pieces shared by pages (the app frame, theme toggle,
//!   status badges, icons).

pub mod app;
pub mod components;
pub mod lazy;
pub mod pages;
pub mod routes;
