//! `release-coordinator report-deploy`: what a pipeline step does with
//! `curl`, from a shell — `POST /api/deployments` with the team's API token
//! from `RC_TOKEN` (never a flag: flags end up in shell history and in CI
//! logs). It reads no server settings and touches no database: it is a
//! client of a running server.
//!
//! Exit codes: 0 recorded (or already recorded under the same key), 1 the
//! server refused or could not be reached (its error is printed), 2 a usage
//! error (clap), 3 recorded but the board did not follow and
//! `--fail-on-drift` was given.

use crate::domain::deployments::{DeployStatus, Environment};
use crate::views::DeploymentReport;
use clap::{Args, ValueEnum};

/// Report a deployment to a running server (for CI pipelines).
#[derive(Debug, Clone, Args)]
pub struct ReportDeploy {
    /// The server's address, e.g. https://releases.example.com.
    #[arg(long, env = "RC_URL")]
    pub server: String,
    /// The service's slug or id.
    #[arg(long)]
    pub service: String,
    /// The version deployed (the release's version).
    #[arg(long)]
    pub version: String,
    /// Where it was deployed.
    #[arg(long, value_enum)]
    pub environment: EnvArg,
    /// What happened.
    #[arg(long, value_enum, default_value = "succeeded")]
    pub status: StatusArg,
    /// The commit deployed.
    #[arg(long)]
    pub commit: Option<String>,
    /// The pipeline run's address.
    #[arg(long)]
    pub run_url: Option<String>,
    /// An idempotency key (a retried step reports once), e.g. the run id.
    #[arg(long)]
    pub key: Option<String>,
    /// Create the release in PLANNING when none has this version.
    #[arg(long)]
    pub create_release: bool,
    /// Exit with 3 when the board could not follow the report.
    #[arg(long)]
    pub fail_on_drift: bool,
}

/// `--environment`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum EnvArg {
    /// STAGING.
    Staging,
    /// PRODUCTION.
    Production,
}

/// `--status`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum StatusArg {
    /// STARTED.
    Started,
    /// SUCCEEDED.
    Succeeded,
    /// FAILED.
    Failed,
    /// ROLLED_BACK.
    RolledBack,
}

impl From<EnvArg> for Environment {
    fn from(e: EnvArg) -> Self {
        match e {
            EnvArg::Staging => Self::Staging,
            EnvArg::Production => Self::Production,
        }
    }
}

impl From<StatusArg> for DeployStatus {
    fn from(s: StatusArg) -> Self {
        match s {
            StatusArg::Started => Self::Started,
            StatusArg::Succeeded => Self::Succeeded,
            StatusArg::Failed => Self::Failed,
            StatusArg::RolledBack => Self::RolledBack,
        }
    }
}

/// The exit code asked for by `--fail-on-drift` when the board did not follow.
pub const DRIFT_EXIT: u8 = 3;

/// Sends the report; answers the process's exit code.
pub async fn run(args: ReportDeploy) -> anyhow::Result<u8> {
    let token = std::env::var("RC_TOKEN")
        .ok()
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| {
            anyhow::anyhow!("set RC_TOKEN to a team API token (Settings → API tokens)")
        })?;
    let environment: Environment = args.environment.into();
    let status: DeployStatus = args.status.into();
    let body = serde_json::json!({
        "service": args.service,
        "version": args.version,
        "environment": environment,
        "status": status,
        "commitSha": args.commit,
        "url": args.run_url,
        "key": args.key,
        "createRelease": args.create_release,
    });
    let url = format!("{}/api/deployments", args.server.trim_end_matches('/'));
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .build()?;
    let res = client
        .post(&url)
        .bearer_auth(token.trim())
        .json(&body)
        .send()
        .await
        .map_err(|e| anyhow::anyhow!("could not reach {url}: {e}"))?;
    let code = res.status();
    let text = res.text().await.unwrap_or_default();
    if !code.is_success() {
        let why = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(str::to_string))
            .unwrap_or_else(|| text.chars().take(300).collect());
        anyhow::bail!("the server answered {code}: {why}");
    }
    let report: DeploymentReport = serde_json::from_str(&text)
        .map_err(|e| anyhow::anyhow!("the server's answer was not a deployment report: {e}"))?;
    println!("{}", summary(&report, code.as_u16() == 200));
    Ok(if report.drift.is_some() && args.fail_on_drift {
        DRIFT_EXIT
    } else {
        0
    })
}

/// The line a pipeline log shows.
pub fn summary(r: &DeploymentReport, repeated: bool) -> String {
    let d = &r.deployment;
    let what = d.status.phrase(&d.version, d.environment);
    if repeated {
        return format!("Already recorded (same key): {what}. Nothing changed.");
    }
    let moved = if r.moved.is_empty() {
        format!("the release stays {}", r.release.status.label())
    } else {
        let path: Vec<&str> = r.moved.iter().map(|s| s.label()).collect();
        format!("the release moved through {}", path.join(" → "))
    };
    match &r.drift {
        Some(drift) => format!("Recorded: {what}; {moved}. Drift: {drift}"),
        None => format!("Recorded: {what}; {moved}."),
    }
}
