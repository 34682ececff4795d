//! Leptos `#[server]` functions, grouped by resource. Each is thin: take the
//! state and the caller from context, call one service, return a view type.
//! They live under the `/rpc` prefix (`#[server(prefix = "/rpc")]`) — `/api`
//! belongs to the REST contract alone.

/// The URL prefix of every server function.
pub const PREFIX: &str = "/rpc";
