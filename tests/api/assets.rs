//! The front end's files as a CDN would serve them: the precompressed copy
//! the browser accepts, cached for a year when named by content, and pages
//! never cached.

use crate::helpers::TestApp;
use reqwest::header::{ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, VARY};
use reqwest::StatusCode;
use std::collections::HashMap;

const HASHED: &str = "/pkg/release_coordinator.0123456789abcdef.wasm";

/// A site root holding one hashed file (with its build-time Brotli and gzip
/// copies, told apart by content) and one file without a hash.
fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir.path().join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    let wasm = pkg.join("release_coordinator.0123456789abcdef.wasm");
    std::fs::write(&wasm, b"raw wasm bytes").unwrap();
    std::fs::write(wasm.with_extension("wasm.br"), b"brotli copy").unwrap();
    std::fs::write(wasm.with_extension("wasm.gz"), b"gzip copy").unwrap();
    std::fs::write(pkg.join("plain.js"), b"console.log(1)").unwrap();
    dir
}

#[tokio::test]
async fn the_copy_the_browser_accepts_is_served_as_built_and_cached_for_a_year() {
    let root = site();
    let app = TestApp::spawn_with(HashMap::from([(
        "LEPTOS_SITE_ROOT",
        root.path().display().to_string(),
    )]))
    .await;
    let get = |enc: &'static str| {
        let url = app.url(HASHED);
        let client = app.new_client();
        async move {
            let mut r = client.get(url);
            if !enc.is_empty() {
                r = r.header(ACCEPT_ENCODING, enc);
            }
            r.send().await.unwrap()
        }
    };
    for (accept, encoding, body) in [
        ("br, gzip", Some("br"), "brotli copy"),
        ("gzip, deflate", Some("gzip"), "gzip copy"),
        ("", None, "raw wasm bytes"),
    ] {
        let r = get(accept).await;
        assert_eq!(r.status(), StatusCode::OK, "{accept}");
        assert_eq!(
            r.headers()
                .get(CONTENT_ENCODING)
                .map(|v| v.to_str().unwrap()),
            encoding,
            "{accept}"
        );
        assert_eq!(r.headers()[CONTENT_TYPE], "application/wasm");
        assert_eq!(
            r.headers()[CACHE_CONTROL],
            "public, max-age=31536000, immutable"
        );
        assert!(
            r.headers().get_all(VARY).iter().any(|v| v
                .to_str()
                .unwrap()
                .to_ascii_lowercase()
                .contains("accept-encoding")),
            "caches must keep one copy per encoding"
        );
        assert_eq!(r.text().await.unwrap(), body, "{accept}");
    }

    // A file whose name does not change with its content is revalidated.
    let r = app.get("/pkg/plain.js").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()[CACHE_CONTROL], "no-cache");
    // A missing file is a 404, not a page.
    let r = app
        .get("/pkg/release_coordinator.fedcba9876543210.wasm")
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // Pages carry account data: never stored.
    let r = app.get("/sign-in").await;
    assert_eq!(r.headers()[CACHE_CONTROL], "no-store");
}
