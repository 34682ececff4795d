//! The server binary: configuration → telemetry → application → serve until
//! Ctrl-C or SIGTERM. Everything else lives in the library.

use release_coordinator::server::config::{LogFormat, Settings};
use release_coordinator::server::startup::{shutdown_signal, Application};
use release_coordinator::server::telemetry;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "fatal");
            eprintln!("release-coordinator: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> anyhow::Result<()> {
    // Logging first, so that start-up (configuration, the development key
    // file, migrations) is visible; RC_LOG_FORMAT picks the format.
    let _ = dotenvy::dotenv();
    let json = std::env::var("RC_LOG_FORMAT").is_ok_and(|v| v == "json");
    telemetry::init(if json {
        LogFormat::Json
    } else {
        LogFormat::Pretty
    });
    let settings = Settings::from_env()?;
    let app = Application::build(settings).await?;
    app.run_until(shutdown_signal()).await
}
