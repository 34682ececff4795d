//! Structured logs. `RUST_LOG` filters (default: info for this crate, warn
//! elsewhere); `RC_LOG_FORMAT=json` emits one JSON object per line. Every
//! request runs in a span carrying its request id (`x-request-id`).

use crate::server::config::LogFormat;
use tracing_subscriber::{fmt, prelude::*, EnvFilter};

/// Installs the global subscriber. Safe to call more than once (tests): later
/// calls do nothing.
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("warn,release_coordinator=info,tower_http=info"));
    let registry = tracing_subscriber::registry().with(filter);
    let _ = match format {
        LogFormat::Json => registry
            .with(fmt::layer().json().with_current_span(true))
            .try_init(),
        LogFormat::Pretty => registry.with(fmt::layer().compact()).try_init(),
    };
}
