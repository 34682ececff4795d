//! The command line (`clap`): `serve` (the default), `migrate`,
//! `seed-demo`, `reset-password`, `rotate-key` and `report-deploy`. `main.rs` parses,
//! starts logging from the settings and calls [`run`]; each command's work
//! lives in a service or its own module (`seed`, `rotate`).

use clap::{Parser, Subcommand};

use crate::server::config::Settings;
use crate::server::startup::{shutdown_signal, Application};
use crate::server::{crypto, db, limits, rotate, seed, services};

/// Release Coordinator: plan, track and ship releases of your services.
///
/// Configuration comes from the environment, `.env` and `Leptos.toml`
/// (see the README); `DATABASE_URL` picks SQLite or PostgreSQL.
#[derive(Debug, Parser)]
#[command(name = "release-coordinator", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What to do; without one, `serve`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web app and the API (the default): migrates the database
    /// first, stops cleanly on Ctrl-C or SIGTERM.
    Serve,
    /// Apply pending database migrations and exit (for deploys that
    /// migrate before they roll the app servers).
    Migrate,
    /// Set a user's password and sign them out everywhere: the new
    /// password is read from standard input; an empty line generates one.
    ResetPassword {
        /// The account's email address.
        email: String,
    },
    /// Seed a demo team with six months of history (refuses a database
    /// that already has accounts).
    SeedDemo {
        /// How many releases to create (over every team).
        #[arg(long, default_value_t = seed::SeedOptions::default().releases)]
        releases: usize,
        /// Exactly this many of the demo team's releases in flight, the
        /// rest finished (the benchmark's shape: --releases 2000
        /// --in-flight 1250). Default: as the invented history falls.
        #[arg(long)]
        in_flight: Option<usize>,
        /// Teams in all: with more than one, the demo team gets half the
        /// releases and the other teams share the rest (one owner each,
        /// team0001@example.com, … with the demo password).
        #[arg(long, default_value_t = 1)]
        teams: usize,
        /// Seed even though the database has accounts.
        #[arg(long)]
        force: bool,
    },
    /// Re-encrypt stored tokens and webhook URLs with RC_ENCRYPTION_KEY
    /// (earlier keys in RC_ENCRYPTION_KEYS_OLD).
    RotateKey,
    /// Report a deployment to a running server, from a CI pipeline: the
    /// team API token is read from RC_TOKEN.
    ReportDeploy(crate::server::report_deploy::ReportDeploy),
}

/// Runs `command` (default: serve).
pub async fn run(settings: Settings, command: Option<Command>) -> anyhow::Result<()> {
    match command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let app = Application::build(settings).await?;
            app.run_until(shutdown_signal()).await
        }
        Command::Migrate => migrate(settings).await,
        Command::ResetPassword { email } => reset_password(settings, &email).await,
        Command::SeedDemo {
            releases,
            in_flight,
            teams,
            force,
        } => {
            let opts = seed::SeedOptions {
                releases,
                in_flight,
                teams,
                force,
            };
            seed_demo(settings, opts).await
        }
        Command::RotateKey => rotate_key(settings).await,
        // `main` runs it before reading any settings (it is a client).
        Command::ReportDeploy(args) => {
            let code = crate::server::report_deploy::run(args).await?;
            if code != 0 {
                std::process::exit(i32::from(code));
            }
            Ok(())
        }
    }
}

async fn connect(settings: &Settings) -> anyhow::Result<sea_orm::DatabaseConnection> {
    let conn = db::connect(settings.database_url.expose(), settings.backend).await?;
    db::migrate(&conn).await?;
    Ok(conn)
}

async fn migrate(settings: Settings) -> anyhow::Result<()> {
    connect(&settings).await?;
    tracing::info!(backend = ?settings.backend, "the database schema is up to date");
    println!("The database schema is up to date.");
    Ok(())
}

/// The operator's way back in when someone forgot their password and no
/// mail is configured: reads the new password from standard input, or
/// generates one when the line is empty, and revokes every session.
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
        (crypto::random_token()[..20].to_string(), true)
    } else {
        (typed, false)
    };
    let conn = connect(&settings).await?;
    let hasher = limits::PasswordHasher::new(1, std::time::Duration::from_secs(60));
    let user = services::accounts::reset_password(&hasher, &conn, email, &password)
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

async fn seed_demo(settings: Settings, opts: seed::SeedOptions) -> anyhow::Result<()> {
    let conn = connect(&settings).await?;
    let started = std::time::Instant::now();
    let s = seed::demo(&conn, &opts).await?;
    println!(
        "Seeded team \"Acme Platform\": {} releases, {} activities in {:.1} s.",
        s.releases,
        s.activities,
        started.elapsed().as_secs_f64()
    );
    if s.other_teams > 0 {
        println!(
            "And {} other teams with {} releases in all (team0001@example.com, …).",
            s.other_teams, s.other_releases
        );
    }
    println!(
        "Sign in as {} with password {} (also ada@, grace@, linus@ and viewer@example.com).",
        seed::DEMO_EMAIL,
        seed::DEMO_PASSWORD
    );
    Ok(())
}

async fn rotate_key(settings: Settings) -> anyhow::Result<()> {
    let cipher =
        crypto::Cipher::with_old_keys(&settings.encryption_key, &settings.old_encryption_keys);
    let conn = connect(&settings).await?;
    let n = rotate::rotate_key(&conn, &cipher).await?;
    println!(
        "Re-encrypted {} token value(s) and {} Slack webhook URL(s) with key {}; {} value(s) already used it.",
        n.tokens,
        n.webhooks,
        cipher.key_id(),
        n.current
    );
    if !settings.old_encryption_keys.is_empty() {
        println!("Nothing uses the old keys any more: remove RC_ENCRYPTION_KEYS_OLD.");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn serve_is_the_default_and_options_are_typed() {
        assert!(Cli::try_parse_from(["rc"]).unwrap().command.is_none());
        let c = Cli::try_parse_from(["rc", "seed-demo", "--releases", "12", "--force"]).unwrap();
        assert!(matches!(
            c.command,
            Some(Command::SeedDemo {
                releases: 12,
                in_flight: None,
                teams: 1,
                force: true
            })
        ));
        let c = Cli::try_parse_from([
            "rc",
            "seed-demo",
            "--teams",
            "1000",
            "--releases",
            "100000",
            "--in-flight",
            "1250",
        ])
        .unwrap();
        assert!(matches!(
            c.command,
            Some(Command::SeedDemo {
                releases: 100_000,
                in_flight: Some(1250),
                teams: 1000,
                force: false
            })
        ));
        assert!(Cli::try_parse_from(["rc", "seed-demo", "--releases", "many"]).is_err());
        assert!(Cli::try_parse_from(["rc", "reset-password"]).is_err());
        assert!(Cli::try_parse_from(["rc", "launch"]).is_err());
    }

    #[test]
    fn report_deploy_takes_typed_flags_and_defaults_to_succeeded() {
        let c = Cli::try_parse_from([
            "rc",
            "report-deploy",
            "--server",
            "https://rc.example",
            "--service",
            "payments",
            "--version",
            "2.4.0",
            "--environment",
            "production",
            "--key",
            "run-7",
        ])
        .unwrap();
        let Some(Command::ReportDeploy(a)) = c.command else {
            panic!("not report-deploy");
        };
        assert_eq!(a.service, "payments");
        assert!(matches!(
            a.status,
            crate::server::report_deploy::StatusArg::Succeeded
        ));
        assert!(matches!(
            a.environment,
            crate::server::report_deploy::EnvArg::Production
        ));
        assert!(Cli::try_parse_from([
            "rc",
            "report-deploy",
            "--server",
            "x",
            "--service",
            "s",
            "--version",
            "1",
            "--environment",
            "qa"
        ])
        .is_err());
    }
}
