//! Configuration, read once at start-up into one typed [`Settings`].
//!
//! Precedence: built-in defaults < `Leptos.toml` (the app's runtime defaults;
//! path in `RC_CONFIG_FILE`) < environment variables (and `.env`). Secrets
//! are wrapped in [`Secret`], whose `Debug` never prints them.

use anyhow::{bail, Context};
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

mod keys;
mod sources;
use keys::{decode_key, dev_key};
use sources::{parse_num, read_file_config, FileConfig};
pub use sources::{Env, Source};

/// A value that must never be printed: `Debug` and `Display` show `[redacted]`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    /// Wraps a secret value.
    pub fn new(value: T) -> Self {
        Self(value)
    }
    /// The secret itself, for the one place that uses it.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> std::fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Which database the URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An embedded SQLite file (the default).
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// How logs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    Pretty,
    /// One JSON object per line.
    Json,
}

/// An OAuth application's credentials.
#[derive(Debug, Clone)]
pub struct OAuthApp {
    /// The public client id.
    pub client_id: String,
    /// The client secret.
    pub client_secret: Secret<String>,
}

/// Every setting the server uses.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `DATABASE_URL`: `sqlite://…` or `postgres://…`.
    pub database_url: Secret<String>,
    /// The backend `database_url` names.
    pub backend: Backend,
    /// `LEPTOS_SITE_ADDR`: where to listen (port 0 picks a free port).
    pub site_addr: SocketAddr,
    /// `PUBLIC_URL` without a trailing slash; `None` means "whatever address we bound".
    pub public_url: Option<String>,
    /// `RC_DATA_DIR`.
    pub data_dir: PathBuf,
    /// `LEPTOS_SITE_ROOT`: the built front end.
    pub site_root: String,
    /// `LEPTOS_SITE_PKG_DIR`.
    pub site_pkg_dir: String,
    /// `RC_ENCRYPTION_KEY`: 32 bytes for AES-256-GCM.
    pub encryption_key: Secret<[u8; 32]>,
    /// `RC_LOG_FORMAT`.
    pub log_format: LogFormat,
    /// `RC_SESSION_DAYS`.
    pub session_days: i64,
    /// `RC_REQUEST_TIMEOUT_SECS`.
    pub request_timeout_secs: u64,
    /// `RC_OUTBOX_RETRY_BASE_MS`: the first retry delay of an outbound
    /// message (doubling per attempt, at most an hour). Default 2000.
    pub outbox_retry_base_ms: u64,
    /// `RC_OUTBOX_POLL_MS`: how often the outbox worker looks for due
    /// messages when nothing wakes it. Default 1000.
    pub outbox_poll_ms: u64,
    /// `RC_OUTBOUND_TIMEOUT_MS`: the whole-request timeout of calls to
    /// Jira, GitHub and Slack (connecting: at most 5 s). Default 10000.
    pub outbound_timeout_ms: u64,
    /// `RC_ITEM_SYNC_SECS`: how old a linked item's cached state may get
    /// before the background sync refreshes it; 0 turns the job off.
    /// Default 900 (15 minutes).
    pub item_sync_secs: u64,
    /// `RC_ENCRYPTION_KEYS_OLD`: earlier keys (comma-separated, same
    /// format), still accepted for reading until `rotate-key` has
    /// re-encrypted everything with `RC_ENCRYPTION_KEY`.
    pub old_encryption_keys: Vec<Secret<[u8; 32]>>,
    /// `GITHUB_CLIENT_ID` / `GITHUB_CLIENT_SECRET`.
    pub github: Option<OAuthApp>,
    /// `JIRA_CLIENT_ID` / `JIRA_CLIENT_SECRET`.
    pub jira: Option<OAuthApp>,
    /// `GITHUB_WEBHOOK_SECRET`.
    pub github_webhook_secret: Option<Secret<String>>,
    /// `JIRA_WEBHOOK_SECRET`.
    pub jira_webhook_secret: Option<Secret<String>>,
    /// `RC_METRICS_TOKEN`: the bearer token `GET /metrics` asks of
    /// Prometheus; without it `/metrics` is 404.
    pub metrics_token: Option<Secret<String>>,
    /// `GITHUB_OAUTH_BASE` (https://github.com).
    pub github_oauth_base: String,
    /// `GITHUB_API_BASE` (https://api.github.com).
    pub github_api_base: String,
    /// `ATLASSIAN_AUTH_BASE` (https://auth.atlassian.com).
    pub atlassian_auth_base: String,
    /// `ATLASSIAN_API_BASE` (https://api.atlassian.com).
    pub atlassian_api_base: String,
    /// `RC_OUTBOUND_ALLOW_HOSTS`: extra hosts outbound webhooks may reach.
    pub outbound_allow_hosts: Vec<String>,
    /// `RC_TRUSTED_PROXIES`: proxies (CIDRs, comma-separated) whose
    /// `X-Forwarded-For` is believed; empty means the TCP peer is the client.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// `RC_SIGNUP_PER_MINUTE`: sign-ups allowed per client address per
    /// minute (0 turns the limit off). Default 30.
    pub sign_up_per_minute: u32,
    /// `RC_PASSWORD_HASH_CONCURRENCY`: password hashes computed at once.
    /// Default: the number of cores less one (at least one).
    pub password_hash_concurrency: usize,
    /// `RC_SSE_MAX_PER_USER`: open live streams per user (429 beyond). Default 20.
    pub sse_max_per_user: usize,
    /// `RC_SSE_MAX_TOTAL`: open live streams per server (429 beyond). Default 10,000.
    pub sse_max_total: usize,
    /// `RC_SSE_RECHECK_MS`: how often open live streams re-check that their
    /// session and membership still exist. Default 2000.
    pub sse_recheck_ms: u64,
    /// `RC_SESSION_MAX_DAYS`: a session ends this long after sign-in, however
    /// active it is. Default 90.
    pub session_max_days: i64,
    /// `RC_OUTBOX_GIVE_UP_HOURS`: how long a notification is retried before
    /// it is marked failed (and shown). Default 24.
    pub outbox_give_up_hours: u64,
    /// `RC_PURGE_INTERVAL_SECS`: how often expired sessions, OAuth states,
    /// delivered outbox rows and old webhook delivery ids are deleted.
    /// Default 3600.
    pub purge_interval_secs: u64,
    /// `RC_FREEZE_CHECK_SECS`: how often the server looks for freeze
    /// windows that opened or closed, to tell Slack. Default 60.
    pub freeze_check_secs: u64,
    /// `RC_SMTP_URL`: where email goes (`smtp://user:pass@host:587?tls=required`,
    /// `smtps://…`, `smtp://host:25`). Without it nothing is emailed and
    /// email verification is not enforced.
    pub smtp_url: Option<Secret<String>>,
    /// `RC_MAIL_FROM`: the sender (`Release Coordinator <rc@example.com>`).
    /// Default `Release Coordinator <no-reply@HOST>`, HOST from `PUBLIC_URL`.
    pub mail_from: String,
    /// `RC_EMAILS_PER_HOUR`: verification and reset emails to one address
    /// per hour (429 beyond). Default 5.
    pub emails_per_hour: u32,
    /// `RC_OIDC_<ID>_*`: the OpenID Connect providers people may sign in
    /// with, by id (lower case), in id order.
    pub oidc: Vec<OidcProvider>,
    /// Set when this start generated the development key file (no
    /// `RC_ENCRYPTION_KEY`): the caller warns once logging is up, since
    /// the settings are read before logging can be configured by them.
    pub generated_key_file: Option<PathBuf>,
}

/// One OpenID Connect provider (`RC_OIDC_<ID>_ISSUER`, `_CLIENT_ID`,
/// `_CLIENT_SECRET`, `_NAME`, `_ALLOWED_DOMAINS`).
#[derive(Debug, Clone)]
pub struct OidcProvider {
    /// `<ID>` in lower case: the `{id}` of `/api/auth/oidc/{id}/…`.
    pub id: String,
    /// The button's "Sign in with <name>" (default: the id).
    pub name: String,
    /// The issuer URL; discovery reads `<issuer>/.well-known/openid-configuration`.
    pub issuer: String,
    /// The client id registered at the provider.
    pub client_id: String,
    /// The client secret.
    pub client_secret: Secret<String>,
    /// Email domains allowed to sign in (lower case); empty: any.
    pub allowed_domains: Vec<String>,
}

/// Reads every `RC_OIDC_<ID>_ISSUER` and the settings beside it.
fn oidc_providers(source: &dyn Source) -> anyhow::Result<Vec<OidcProvider>> {
    let mut ids: Vec<String> = source
        .keys()
        .iter()
        .filter_map(|k| {
            k.strip_prefix("RC_OIDC_")?
                .strip_suffix("_ISSUER")
                .map(str::to_string)
        })
        .filter(|id| !id.is_empty())
        .collect();
    ids.sort();
    ids.dedup();
    let mut out = Vec::new();
    for raw in ids {
        let key = |s: &str| format!("RC_OIDC_{raw}_{s}");
        let Some(issuer) = source.get(&key("ISSUER")) else {
            continue;
        };
        let id = raw.to_ascii_lowercase();
        if !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            bail!("RC_OIDC_{raw}_ISSUER: the provider id {raw:?} may hold letters, digits and '-' only");
        }
        let issuer = issuer.trim().to_string();
        let parsed = url::Url::parse(&issuer)
            .map_err(|_| anyhow::anyhow!("{} is not a URL: {issuer:?}", key("ISSUER")))?;
        let loopback = match parsed.host() {
            Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        };
        match parsed.scheme() {
            "https" => {}
            "http" if loopback => {}
            _ => bail!(
                "{} must be an https:// URL (http:// only on a loopback address, for tests)",
                key("ISSUER")
            ),
        }
        let client_id = source.get(&key("CLIENT_ID")).ok_or_else(|| {
            anyhow::anyhow!("{} is required with {}", key("CLIENT_ID"), key("ISSUER"))
        })?;
        let client_secret = source.get(&key("CLIENT_SECRET")).ok_or_else(|| {
            anyhow::anyhow!(
                "{} is required with {}",
                key("CLIENT_SECRET"),
                key("ISSUER")
            )
        })?;
        let allowed_domains = source
            .get(&key("ALLOWED_DOMAINS"))
            .map(|v| {
                v.split(',')
                    .map(|d| d.trim().trim_start_matches('@').to_ascii_lowercase())
                    .filter(|d| !d.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        out.push(OidcProvider {
            name: source.get(&key("NAME")).unwrap_or_else(|| raw.clone()),
            id,
            issuer,
            client_id,
            client_secret: Secret::new(client_secret),
            allowed_domains,
        });
    }
    Ok(out)
}

impl Settings {
    /// Reads `.env`, `Leptos.toml` and the environment.
    pub fn from_env() -> anyhow::Result<Self> {
        // A missing .env is normal; a malformed one is worth failing over.
        match dotenvy::dotenv() {
            Ok(_) => {}
            Err(e) if e.not_found() => {}
            Err(e) => return Err(e).context("reading .env"),
        }
        Self::load(&Env)
    }

    /// Builds the settings from `Leptos.toml` and `source`.
    pub fn load(source: &dyn Source) -> anyhow::Result<Self> {
        let file = match source.get("RC_CONFIG_FILE") {
            Some(path) => read_file_config(Path::new(&path))?,
            None if Path::new("Leptos.toml").exists() => {
                read_file_config(Path::new("Leptos.toml"))?
            }
            None => FileConfig::default(),
        };
        let pick = |env: &str, file: Option<String>, default: &str| -> String {
            source
                .get(env)
                .or(file)
                .unwrap_or_else(|| default.to_string())
        };

        let data_dir = PathBuf::from(pick("RC_DATA_DIR", file.data_dir, "./data"));
        let site_addr_raw = pick("LEPTOS_SITE_ADDR", file.site_addr, "127.0.0.1:3000");
        let site_addr: SocketAddr = site_addr_raw.parse().with_context(|| {
            format!("LEPTOS_SITE_ADDR {site_addr_raw:?} is not an address like 127.0.0.1:3000")
        })?;

        let default_db = format!(
            "sqlite://{}?mode=rwc",
            data_dir.join("release-coordinator.db").display()
        );
        let database_url = source.get("DATABASE_URL").unwrap_or(default_db);
        let backend = backend_of(&database_url)?;

        let public_url = match source.get("PUBLIC_URL").or(file.public_url) {
            Some(u) => {
                let u = u.trim().trim_end_matches('/').to_string();
                if !(u.starts_with("http://") || u.starts_with("https://")) {
                    bail!("PUBLIC_URL must start with http:// or https://");
                }
                Some(u)
            }
            None => None,
        };

        let log_format = match source.get("RC_LOG_FORMAT") {
            Some(v) if v == "json" => LogFormat::Json,
            Some(v) if v == "pretty" => LogFormat::Pretty,
            Some(v) => bail!("RC_LOG_FORMAT must be \"pretty\" or \"json\", not {v:?}"),
            None => file.log_format.unwrap_or(LogFormat::Pretty),
        };

        let session_days = parse_num(source, "RC_SESSION_DAYS", file.session_days, 30)?;
        let outbox_retry_base_ms = parse_num(source, "RC_OUTBOX_RETRY_BASE_MS", None, 2000)?;
        let outbox_poll_ms = parse_num(source, "RC_OUTBOX_POLL_MS", None, 1000)?;
        let outbound_timeout_ms = parse_num(source, "RC_OUTBOUND_TIMEOUT_MS", None, 10_000)?;
        let item_sync_secs = parse_num(source, "RC_ITEM_SYNC_SECS", None, 900)?;
        let old_encryption_keys = match source.get("RC_ENCRYPTION_KEYS_OLD") {
            Some(v) => v
                .split(',')
                .map(str::trim)
                .filter(|k| !k.is_empty())
                .map(|k| decode_key(k).context("RC_ENCRYPTION_KEYS_OLD"))
                .collect::<anyhow::Result<Vec<_>>>()?,
            None => vec![],
        };
        let request_timeout_secs = parse_num(
            source,
            "RC_REQUEST_TIMEOUT_SECS",
            file.request_timeout_secs,
            30,
        )?;

        let (encryption_key, generated_key_file) = match source.get("RC_ENCRYPTION_KEY") {
            Some(k) => (decode_key(&k).context("RC_ENCRYPTION_KEY")?, None),
            None => dev_key(&data_dir)?,
        };

        let oauth = |id: &str, secret: &str| -> Option<OAuthApp> {
            match (source.get(id), source.get(secret)) {
                (Some(client_id), Some(s)) => Some(OAuthApp {
                    client_id,
                    client_secret: Secret::new(s),
                }),
                _ => None,
            }
        };

        let base =
            |key: &str, default: &str| pick(key, None, default).trim_end_matches('/').to_string();

        let trusted_proxies = match source.get("RC_TRUSTED_PROXIES") {
            Some(v) => v
                .split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(|p| {
                    p.parse::<ipnet::IpNet>()
                        .or_else(|_| p.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                        .map_err(|_| {
                            anyhow::anyhow!(
                                "RC_TRUSTED_PROXIES: {p:?} is not an address or CIDR like 10.0.0.0/8"
                            )
                        })
                })
                .collect::<anyhow::Result<Vec<_>>>()?,
            None => vec![],
        };
        let session_max_days = parse_num(source, "RC_SESSION_MAX_DAYS", None, 90)?;
        let smtp_url = source
            .get("RC_SMTP_URL")
            .map(|u| u.trim().to_string())
            .filter(|u| !u.is_empty());
        if let Some(u) = &smtp_url {
            // The URL holds the password: say what is wrong, never echo it.
            let scheme_ok = u.starts_with("smtp://") || u.starts_with("smtps://");
            if !scheme_ok || url::Url::parse(u).is_err() {
                bail!("RC_SMTP_URL must look like smtp://user:pass@host:587?tls=required, smtps://user:pass@host:465 or smtp://host:25");
            }
        }
        let mail_host = public_url
            .as_deref()
            .and_then(|u| url::Url::parse(u).ok())
            .and_then(|u| u.host_str().map(str::to_string))
            .filter(|h| h.contains('.'))
            .unwrap_or_else(|| "localhost.localdomain".into());
        let mail_from = source
            .get("RC_MAIL_FROM")
            .map(|f| f.trim().to_string())
            .filter(|f| !f.is_empty())
            .unwrap_or_else(|| format!("Release Coordinator <no-reply@{mail_host}>"));

        Ok(Self {
            database_url: Secret::new(database_url),
            backend,
            site_addr,
            public_url,
            data_dir,
            site_root: pick("LEPTOS_SITE_ROOT", file.site_root, "target/site"),
            site_pkg_dir: pick("LEPTOS_SITE_PKG_DIR", file.site_pkg_dir, "pkg"),
            encryption_key,
            log_format,
            session_days,
            request_timeout_secs,
            outbox_retry_base_ms,
            outbox_poll_ms,
            outbound_timeout_ms,
            item_sync_secs,
            old_encryption_keys,
            generated_key_file,
            github: oauth("GITHUB_CLIENT_ID", "GITHUB_CLIENT_SECRET"),
            jira: oauth("JIRA_CLIENT_ID", "JIRA_CLIENT_SECRET"),
            github_webhook_secret: source.get("GITHUB_WEBHOOK_SECRET").map(Secret::new),
            jira_webhook_secret: source.get("JIRA_WEBHOOK_SECRET").map(Secret::new),
            metrics_token: source
                .get("RC_METRICS_TOKEN")
                .filter(|t| !t.trim().is_empty())
                .map(Secret::new),
            github_oauth_base: base("GITHUB_OAUTH_BASE", "https://github.com"),
            github_api_base: base("GITHUB_API_BASE", "https://api.github.com"),
            atlassian_auth_base: base("ATLASSIAN_AUTH_BASE", "https://auth.atlassian.com"),
            atlassian_api_base: base("ATLASSIAN_API_BASE", "https://api.atlassian.com"),
            outbound_allow_hosts: source
                .get("RC_OUTBOUND_ALLOW_HOSTS")
                .map(|v| {
                    v.split(',')
                        .map(|h| h.trim().to_lowercase())
                        .filter(|h| !h.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            trusted_proxies,
            sign_up_per_minute: parse_num(source, "RC_SIGNUP_PER_MINUTE", None, 30)?,
            password_hash_concurrency: parse_num(
                source,
                "RC_PASSWORD_HASH_CONCURRENCY",
                None,
                crate::server::limits::PasswordHasher::default_permits(),
            )?
            .max(1),
            sse_max_per_user: parse_num(source, "RC_SSE_MAX_PER_USER", None, 20)?,
            sse_max_total: parse_num(source, "RC_SSE_MAX_TOTAL", None, 10_000)?,
            sse_recheck_ms: parse_num(source, "RC_SSE_RECHECK_MS", None, 2000)?.max(50),
            session_max_days: session_max_days.max(1),
            outbox_give_up_hours: parse_num(source, "RC_OUTBOX_GIVE_UP_HOURS", None, 24)?,
            purge_interval_secs: parse_num(source, "RC_PURGE_INTERVAL_SECS", None, 3600)?.max(1),
            freeze_check_secs: parse_num(source, "RC_FREEZE_CHECK_SECS", None, 60)?.max(1),
            smtp_url: smtp_url.map(Secret::new),
            mail_from,
            emails_per_hour: parse_num(source, "RC_EMAILS_PER_HOUR", None, 5)?.max(1),
            oidc: oidc_providers(source)?,
        })
    }

    /// Whether cookies must be `Secure` (the public URL is https).
    pub fn secure_cookies(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    }
}

/// Which backend a database URL names; a clear error for anything else.
pub fn backend_of(url: &str) -> anyhow::Result<Backend> {
    if url.starts_with("sqlite:") {
        Ok(Backend::Sqlite)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Backend::Postgres)
    } else {
        let scheme = url.split(':').next().unwrap_or_default();
        bail!("DATABASE_URL must start with sqlite:// or postgres:// (got a {scheme:?} URL)")
    }
}
#[cfg(test)]
mod tests;
