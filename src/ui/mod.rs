//! The Leptos user interface: rendered on the server, hydrated in the browser.
//!
//! - [`app`]: the HTML shell, the router and the route table.
//! - [`pages`]: one module per page.
//! - [`components`]: pieces shared by pages (the app frame, theme toggle,
//!   status badges, icons).

pub mod app;
pub mod components;
pub mod pages;
