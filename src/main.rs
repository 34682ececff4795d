//! The server binary: command line → settings → logging → the command
//! (`serve` by default) until Ctrl-C or SIGTERM. Everything else lives in
//! the library; the commands are in `server::commands`
//! (`release-coordinator --help` lists them).

use clap::Parser;
use release_coordinator::server::commands::{self, Cli};
use release_coordinator::server::config::{LogFormat, Settings};
use release_coordinator::server::telemetry;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // Usage errors and --help are clap's (exit code 2 and 0), before any
    // configuration is read.
    let cli = Cli::parse();
    // A client of a running server: no settings, no database, no logging.
    if let Some(commands::Command::ReportDeploy(args)) = cli.command {
        return match release_coordinator::server::report_deploy::run(args).await {
            Ok(code) => std::process::ExitCode::from(code),
            Err(e) => {
                eprintln!("release-coordinator report-deploy: {e:#}");
                std::process::ExitCode::FAILURE
            }
        };
    }
    match run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "fatal");
            eprintln!("release-coordinator: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    // The settings (which read `.env`, once) choose the log format; a
    // configuration error is still reported, in the default format.
    let settings = match Settings::from_env() {
        Ok(s) => s,
        Err(e) => {
            telemetry::init(LogFormat::Pretty);
            return Err(e);
        }
    };
    telemetry::init(settings.log_format);
    if let Some(path) = &settings.generated_key_file {
        tracing::warn!(
            path = %path.display(),
            "RC_ENCRYPTION_KEY is not set: generated a development key file. Set RC_ENCRYPTION_KEY in production."
        );
    }
    commands::run(settings, cli.command).await
}
