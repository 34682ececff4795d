//! The server binary: configuration → telemetry → application → serve until
//! Ctrl-C or SIGTERM. Everything else lives in the library.
//!
//! ```text
//! release-coordinator                        serve (the default)
//! release-coordinator reset-password EMAIL   set a new password (read from standard
//!                                            input; empty = generate one) and sign
//!                                            that user out everywhere
//! ```

use release_coordinator::server::config::{LogFormat, Settings};
use release_coordinator::server::startup::{shutdown_signal, Application};
use release_coordinator::server::{db, services, telemetry};

const USAGE: &str = "usage: release-coordinator [reset-password EMAIL]";

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

    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [] | ["serve"] => {
            let app = Application::build(settings).await?;
            app.run_until(shutdown_signal()).await
        }
        ["reset-password", email] => reset_password(settings, email).await,
        ["-h" | "--help" | "help"] => {
            println!("{USAGE}");
            Ok(())
        }
        _ => anyhow::bail!("{USAGE}"),
    }
}

/// The operator's way back in when someone forgot their password (there is
/// no mail server): reads the new password from standard input, or generates
/// one when the line is empty, and revokes every session of that user.
async fn reset_password(settings: Settings, email: &str) -> anyhow::Result<()> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        eprintln!(
            "New password for {email} (at least 10 characters; leave empty to generate one):"
        );
    }
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    let typed = line.trim_end_matches(['\r', '\n']).to_string();
    let (password, generated) = if typed.is_empty() {
        (
            release_coordinator::server::crypto::random_token()[..20].to_string(),
            true,
        )
    } else {
        (typed, false)
    };
    let conn = db::connect(settings.database_url.expose(), settings.backend).await?;
    db::migrate(&conn).await?;
    let user = services::accounts::reset_password(&conn, email, &password)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if generated {
        println!("New password for {}: {password}", user.email);
    } else {
        println!("Password changed for {}.", user.email);
    }
    println!("All of their sessions were signed out.");
    Ok(())
}
