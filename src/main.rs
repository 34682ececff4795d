//! The server binary: configuration → telemetry → application → serve until
//! Ctrl-C or SIGTERM. Everything else lives in the library.
//!
//! ```text
//! release-coordinator                        serve (the default)
//! release-coordinator reset-password EMAIL   set a new password (read from standard
//!                                            input; empty = generate one) and sign
//!                                            that user out everywhere
//! release-coordinator seed-demo [--releases N] [--force]
//!                                            a demo team with six months of history
//!                                            (refuses a database that has accounts)
//! release-coordinator rotate-key             re-encrypt stored tokens and webhook URLs
//!                                            with RC_ENCRYPTION_KEY (old keys in
//!                                            RC_ENCRYPTION_KEYS_OLD)
//! ```

use release_coordinator::server::config::{LogFormat, Settings};
use release_coordinator::server::startup::{shutdown_signal, Application};
use release_coordinator::server::{db, services, telemetry};

const USAGE: &str =
    "usage: release-coordinator [serve | reset-password EMAIL | seed-demo [--releases N] [--force] | rotate-key]";

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
        ["seed-demo", rest @ ..] => seed_demo(settings, rest).await,
        ["rotate-key"] => rotate_key(settings).await,
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
    let hasher = release_coordinator::server::limits::PasswordHasher::new(
        1,
        std::time::Duration::from_secs(60),
    );
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

/// Seeds the demo team (see `server::seed`).
async fn seed_demo(settings: Settings, args: &[&str]) -> anyhow::Result<()> {
    use release_coordinator::server::seed::{self, SeedOptions};
    let mut opts = SeedOptions::default();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match *a {
            "--force" => opts.force = true,
            "--releases" => {
                opts.releases = it
                    .next()
                    .and_then(|n| n.parse().ok())
                    .ok_or_else(|| anyhow::anyhow!("--releases takes a number"))?;
            }
            other => anyhow::bail!("unknown option {other:?}\n{USAGE}"),
        }
    }
    let conn = db::connect(settings.database_url.expose(), settings.backend).await?;
    db::migrate(&conn).await?;
    let started = std::time::Instant::now();
    let s = seed::demo(&conn, &opts).await?;
    println!(
        "Seeded team \"Acme Platform\": {} releases, {} activities in {:.1} s.",
        s.releases,
        s.activities,
        started.elapsed().as_secs_f64()
    );
    println!(
        "Sign in as {} with password {} (also ada@, grace@, linus@ and viewer@example.com).",
        seed::DEMO_EMAIL,
        seed::DEMO_PASSWORD
    );
    Ok(())
}

/// Re-encrypts every stored secret with the current key (see `server::rotate`).
async fn rotate_key(settings: Settings) -> anyhow::Result<()> {
    use release_coordinator::server::crypto::Cipher;
    let cipher = Cipher::with_old_keys(&settings.encryption_key, &settings.old_encryption_keys);
    let conn = db::connect(settings.database_url.expose(), settings.backend).await?;
    db::migrate(&conn).await?;
    let n = release_coordinator::server::rotate::rotate_key(&conn, &cipher).await?;
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
