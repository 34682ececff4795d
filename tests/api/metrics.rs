//! `GET /metrics` (`API.md`, "Operations"): 404 unless `RC_METRICS_TOKEN`
//! is set, then the bearer token it names; every family from start-up;
//! requests labelled by the matched route, never by the raw path.

use crate::helpers::{json_of, TestApp};
use reqwest::StatusCode;
use serde_json::json;
use std::collections::HashMap;

const TOKEN: &str = "scrape-me-0123456789";

async fn scrape(app: &TestApp, token: Option<&str>) -> reqwest::Response {
    let mut req = reqwest::Client::new().get(app.url("/metrics"));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.unwrap()
}

/// The value of the series whose line starts with `series` (name and labels).
fn value(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find(|l| l.starts_with(series) && l[series.len()..].starts_with(' '))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

#[tokio::test]
async fn without_a_metrics_token_there_is_no_metrics_endpoint() {
    let app = TestApp::spawn().await;
    assert_eq!(scrape(&app, None).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        scrape(&app, Some("anything")).await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn every_family_is_exported_from_start_up_behind_the_token() {
    let app = TestApp::spawn_with(HashMap::from([("RC_METRICS_TOKEN", TOKEN.to_string())])).await;
    for wrong in [None, Some("nope")] {
        let res = scrape(&app, wrong).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(
            res.headers()
                .get("www-authenticate")
                .and_then(|v| v.to_str().ok()),
            Some("Bearer")
        );
    }
    let res = scrape(&app, Some(TOKEN)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let text = res.text().await.unwrap();
    for family in [
        "# TYPE rc_http_requests counter",
        "# TYPE rc_http_request_duration_seconds histogram",
        "# TYPE rc_sse_clients gauge",
        "# TYPE rc_outbox_pending gauge",
        "# TYPE rc_outbox_oldest_pending_seconds gauge",
        "# TYPE rc_db_pool_connections gauge",
        "# TYPE process_resident_memory_bytes gauge",
        "# TYPE process_cpu_seconds counter",
    ] {
        assert!(text.contains(family), "{family} missing from:\n{text}");
    }
    assert_eq!(value(&text, "rc_sse_clients"), Some(0.0), "{text}");
    assert_eq!(
        value(&text, r#"rc_outbox_pending{kind="SLACK_MESSAGE"}"#),
        Some(0.0),
        "{text}"
    );
    assert!(value(&text, r#"rc_db_pool_connections{state="idle"}"#).is_some());
    assert!(value(&text, "process_resident_memory_bytes").unwrap_or(0.0) > 1_000_000.0);
    assert!(value(&text, "process_cpu_seconds_total").unwrap_or(-1.0) >= 0.0);
}

#[tokio::test]
async fn requests_are_counted_under_their_matched_route_never_their_raw_path() {
    let app = TestApp::spawn_with(HashMap::from([("RC_METRICS_TOKEN", TOKEN.to_string())])).await;
    let (owner, _, _) = app.owner_with_team("Acme").await;
    let svc = json_of(
        owner
            .post("/api/services", &json!({"name": "Payments"}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let id = svc["id"].as_str().unwrap();
    for _ in 0..3 {
        json_of(
            owner.get(&format!("/api/services/{id}")).await,
            StatusCode::OK,
        )
        .await;
    }
    let missing = owner.get("/api/services/nope").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let text = scrape(&app, Some(TOKEN)).await.text().await.unwrap();
    assert!(!text.contains(id), "a raw id became a label:\n{text}");
    assert_eq!(
        value(
            &text,
            r#"rc_http_requests_total{method="GET",route="/api/services/{id}",status="200"}"#
        ),
        Some(3.0),
        "{text}"
    );
    assert_eq!(
        value(
            &text,
            r#"rc_http_requests_total{method="GET",route="/api/services/{id}",status="404"}"#
        ),
        Some(1.0),
        "{text}"
    );
    assert!(text.contains(
        r#"rc_http_request_duration_seconds_count{method="GET",route="/api/services/{id}"} 4"#
    ));
}
