//! Liveness, readiness, and the JSON error edge.

use crate::helpers::{error_of, json_of, TestApp};
use reqwest::StatusCode;

#[tokio::test]
async fn health_answers_ok() {
    let app = TestApp::spawn().await;
    let body = json_of(app.get("/api/health").await, StatusCode::OK).await;
    assert_eq!(body["status"], "ok");
}

#[tokio::test]
async fn readiness_checks_the_database() {
    let app = TestApp::spawn().await;
    let body = json_of(app.get("/api/health/ready").await, StatusCode::OK).await;
    assert_eq!(body["database"], "ok");

    // Close the pool under the running server: readiness must say 503.
    app.db.clone().close().await.expect("close");
    let msg = error_of(
        app.get("/api/health/ready").await,
        StatusCode::SERVICE_UNAVAILABLE,
    )
    .await;
    assert!(msg.contains("database"), "{msg}");
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = TestApp::spawn().await;
    let resp = app.get("/api/health").await;
    let id = resp
        .headers()
        .get("x-request-id")
        .expect("x-request-id header");
    assert!(!id.is_empty());
    let resp = app
        .client
        .get(app.url("/api/health"))
        .header("x-request-id", "abc-123")
        .send()
        .await
        .unwrap();
    // The server's own id, not one the client chose (it would salt the logs).
    let id = resp.headers()["x-request-id"].to_str().unwrap();
    assert!(!id.is_empty() && id != "abc-123", "{id}");
}

#[tokio::test]
async fn unmatched_api_paths_are_json_404s() {
    let app = TestApp::spawn().await;
    for path in ["/api/nope", "/api/releases/x/y/z", "/api/"] {
        let resp = app.get(path).await;
        assert!(
            resp.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json"),
            "{path}"
        );
        let msg = error_of(resp, StatusCode::NOT_FOUND).await;
        assert!(!msg.is_empty());
    }
    let resp = app.post_json("/api/nope", &serde_json::json!({})).await;
    error_of(resp, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn unknown_pages_are_html_404s() {
    let app = TestApp::spawn().await;
    // Signed out, every non-public page sends you to sign in first…
    let resp = app.get("/no-such-page").await;
    assert!(resp.status().is_redirection());
    // …signed in, an unknown page is a real 404 page.
    let b = app.signed_up(&crate::helpers::TestUser::generate()).await;
    let resp = b.get("/no-such-page").await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    assert!(resp
        .text()
        .await
        .unwrap()
        .contains("This page does not exist"));
}

#[tokio::test]
async fn landing_page_is_server_rendered() {
    let app = TestApp::spawn().await;
    let resp = app.get("/").await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["x-content-type-options"], "nosniff");
    let html = resp.text().await.unwrap();
    assert!(
        html.contains("Plan, track and ship"),
        "landing text rendered on the server"
    );
    assert!(
        html.contains("/pkg/release_coordinator"),
        "hydration scripts are linked"
    );
}
