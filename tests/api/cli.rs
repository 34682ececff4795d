//! The command line, as an operator meets it: the real binary
//! (`CARGO_BIN_EXE_release-coordinator`) with a clean environment.

use std::process::{Command, Output};

fn binary(dir: &std::path::Path, config: &str) -> Command {
    let config_file = dir.join("config.toml");
    std::fs::write(&config_file, config).unwrap();
    let mut c = Command::new(env!("CARGO_BIN_EXE_release-coordinator"));
    c.env_clear()
        .current_dir(dir)
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env(
            "DATABASE_URL",
            format!("sqlite://{}?mode=rwc", dir.join("rc.db").display()),
        )
        .env("RC_CONFIG_FILE", &config_file)
        .env("RC_DATA_DIR", dir)
        .env("RUST_LOG", "info");
    c
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn help_lists_every_command_and_a_wrong_one_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let help = binary(dir.path(), "").arg("--help").output().unwrap();
    assert!(help.status.success(), "{}", text(&help));
    let out = text(&help);
    for command in [
        "serve",
        "migrate",
        "seed-demo",
        "reset-password",
        "rotate-key",
        "report-deploy",
    ] {
        assert!(out.contains(command), "--help lacks {command}: {out}");
    }

    let wrong = binary(dir.path(), "").arg("launch").output().unwrap();
    assert_eq!(wrong.status.code(), Some(2), "{}", text(&wrong));
    assert!(text(&wrong).contains("Usage"), "{}", text(&wrong));
    let bad_number = binary(dir.path(), "")
        .args(["seed-demo", "--releases", "many"])
        .output()
        .unwrap();
    assert_eq!(bad_number.status.code(), Some(2), "{}", text(&bad_number));
    assert!(
        !dir.path().join("rc.db").exists(),
        "a usage error touches no database"
    );
}

#[test]
fn migrate_creates_the_schema_and_logs_in_the_configured_format() {
    let dir = tempfile::tempdir().unwrap();
    // The format comes from the configuration file alone (no
    // RC_LOG_FORMAT); no RC_ENCRYPTION_KEY, so a development key is made
    // and the warning about it must be logged, in that format.
    let out = binary(dir.path(), "log_format = \"json\"\n")
        .arg("migrate")
        .output()
        .unwrap();
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(all.contains("The database schema is up to date."), "{all}");
    assert!(dir.path().join("rc.db").exists());
    let logs: Vec<serde_json::Value> = all
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert!(
        logs.iter().any(|l| l["level"] == "WARN"
            && l["fields"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("development key file"))),
        "the development key warning, as JSON: {all}"
    );
    assert!(
        all.lines()
            .filter(|l| !l.starts_with('{'))
            .all(|l| l == "The database schema is up to date."),
        "every log line is JSON: {all}"
    );

    // Again: nothing to do, nothing generated, still fine.
    let again = binary(dir.path(), "log_format = \"json\"\n")
        .arg("migrate")
        .output()
        .unwrap();
    assert!(again.status.success(), "{}", text(&again));
    assert!(!text(&again).contains("development key file"));
}
