//! Reading the configuration, by example.

use super::*;
use base64::Engine;
use std::collections::HashMap;

fn source(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    let mut m: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    m.insert(
        "RC_CONFIG_FILE".into(),
        concat!(env!("CARGO_MANIFEST_DIR"), "/Leptos.toml").into(),
    );
    m
}

#[test]
fn environment_overrides_the_file() {
    let key = base64::engine::general_purpose::STANDARD.encode([7u8; 32]);
    let s = Settings::load(&source(&[
        ("RC_ENCRYPTION_KEY", &key),
        ("LEPTOS_SITE_ADDR", "127.0.0.1:4000"),
        ("DATABASE_URL", "postgres://postgres@127.0.0.1/x"),
        ("PUBLIC_URL", "https://rc.example.com/"),
    ]))
    .unwrap();
    assert_eq!(s.site_addr.port(), 4000);
    assert_eq!(s.backend, Backend::Postgres);
    assert_eq!(s.public_url.as_deref(), Some("https://rc.example.com"));
    assert!(s.secure_cookies());
    assert_eq!(s.encryption_key.expose(), &[7u8; 32]);
    assert_eq!(s.site_root, "target/site");
}

#[test]
fn bad_values_are_clear_errors() {
    let key = base64::engine::general_purpose::STANDARD.encode([7u8; 32]);
    let err = Settings::load(&source(&[
        ("RC_ENCRYPTION_KEY", &key),
        ("DATABASE_URL", "mysql://x"),
    ]))
    .unwrap_err();
    assert!(format!("{err:#}").contains("sqlite:// or postgres://"));
    let err = Settings::load(&source(&[("RC_ENCRYPTION_KEY", "c2hvcnQ=")])).unwrap_err();
    assert!(format!("{err:#}").contains("32 bytes"));
}

#[test]
fn secrets_are_redacted_in_debug() {
    let key = base64::engine::general_purpose::STANDARD.encode([7u8; 32]);
    let s = Settings::load(&source(&[
        ("RC_ENCRYPTION_KEY", &key),
        ("DATABASE_URL", "postgres://u:hunter2@127.0.0.1/x"),
        ("GITHUB_CLIENT_ID", "id"),
        ("GITHUB_CLIENT_SECRET", "gh-secret-value"),
    ]))
    .unwrap();
    let dbg = format!("{s:?}");
    assert!(
        !dbg.contains("hunter2") && !dbg.contains("gh-secret-value"),
        "{dbg}"
    );
}

#[test]
fn development_key_is_generated_once() {
    let dir = tempfile::tempdir().unwrap();
    let (a, first) = dev_key(dir.path()).unwrap();
    let (b, second) = dev_key(dir.path()).unwrap();
    assert_eq!(a.expose(), b.expose());
    assert!(
        first.is_some() && second.is_none(),
        "only the first start generates"
    );
}
