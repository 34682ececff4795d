//! Where settings come from: `Leptos.toml`'s optional keys, the process
//! environment (or a map, in tests), and parsing a number with an error
//! that names the variable.

use super::LogFormat;
use anyhow::Context;
use serde::Deserialize;
use std::path::Path;

/// The optional keys of `Leptos.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileConfig {
    pub(super) site_addr: Option<String>,
    pub(super) public_url: Option<String>,
    pub(super) data_dir: Option<String>,
    pub(super) site_root: Option<String>,
    pub(super) site_pkg_dir: Option<String>,
    pub(super) log_format: Option<LogFormat>,
    pub(super) session_days: Option<i64>,
    pub(super) request_timeout_secs: Option<u64>,
}

/// Where a setting's value comes from: the environment, in the real server;
/// a map, in tests.
pub trait Source {
    /// The value of `key`, if set and not empty.
    fn get(&self, key: &str) -> Option<String>;
    /// Every key set (to find `RC_OIDC_<ID>_ISSUER`).
    fn keys(&self) -> Vec<String>;
}

/// The process environment.
pub struct Env;

impl Source for Env {
    fn get(&self, key: &str) -> Option<String> {
        std::env::var(key).ok().filter(|v| !v.trim().is_empty())
    }
    fn keys(&self) -> Vec<String> {
        std::env::vars_os()
            .filter_map(|(k, _)| k.into_string().ok())
            .collect()
    }
}

impl Source for std::collections::HashMap<String, String> {
    fn get(&self, key: &str) -> Option<String> {
        self.get(key).cloned().filter(|v| !v.trim().is_empty())
    }
    fn keys(&self) -> Vec<String> {
        self.keys().cloned().collect()
    }
}

pub(super) fn read_file_config(path: &Path) -> anyhow::Result<FileConfig> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

pub(super) fn parse_num<T: std::str::FromStr>(
    source: &dyn Source,
    key: &str,
    file: Option<T>,
    default: T,
) -> anyhow::Result<T> {
    match source.get(key) {
        Some(v) => v
            .trim()
            .parse()
            .map_err(|_| anyhow::anyhow!("{key} must be a whole number, not {v:?}")),
        None => Ok(file.unwrap_or(default)),
    }
}
