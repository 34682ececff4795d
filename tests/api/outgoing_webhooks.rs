//! Outgoing webhooks (`API.md`, "Outgoing webhooks") against a real local
//! receiver (wiremock): deliveries signed per Standard Webhooks (verified
//! here with its reference library), in order per webhook, retried with the
//! same `webhook-id`, the URL guard at creation and at send time, no
//! redirects, "Send test", redeliver, pause and delete.

use crate::helpers::{error_of, json_of, Browser, TestApp};
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn fast() -> HashMap<&'static str, String> {
    HashMap::from([
        ("RC_OUTBOUND_ALLOW_HOSTS", "127.0.0.1".to_string()),
        ("RC_OUTBOX_RETRY_BASE_MS", "20".to_string()),
        ("RC_OUTBOX_POLL_MS", "50".to_string()),
    ])
}

/// What the receiver got: (headers, raw body, parsed body).
async fn received(receiver: &MockServer, at: &str) -> Vec<(http::HeaderMap, Vec<u8>, Value)> {
    receiver
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.url.path() == at)
        .map(|r| {
            let v = serde_json::from_slice(&r.body).unwrap_or(Value::Null);
            (r.headers.clone(), r.body.clone(), v)
        })
        .collect()
}

async fn wait_for(
    receiver: &MockServer,
    at: &str,
    n: usize,
) -> Vec<(http::HeaderMap, Vec<u8>, Value)> {
    let start = Instant::now();
    loop {
        let got = received(receiver, at).await;
        if got.len() >= n {
            return got;
        }
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "the receiver got {} of {n} deliveries",
            got.len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn add_hook(owner: &Browser, url: &str, events: Value) -> Value {
    json_of(
        owner
            .post("/api/team/webhooks", &json!({"url": url, "events": events}))
            .await,
        StatusCode::CREATED,
    )
    .await
}

async fn deliveries(owner: &Browser, hook: &str) -> Vec<Value> {
    json_of(
        owner
            .get(&format!("/api/team/webhooks/{hook}/deliveries"))
            .await,
        StatusCode::OK,
    )
    .await["items"]
        .as_array()
        .unwrap()
        .clone()
}

/// Waits until every delivery of the webhook has left PENDING, or `until` holds.
async fn settle(owner: &Browser, hook: &str, until: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    let start = Instant::now();
    loop {
        let d = deliveries(owner, hook).await;
        if until(&d) {
            return d;
        }
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "deliveries: {d:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn verify(secret: &str, headers: &http::HeaderMap, body: &[u8]) {
    let wh = standardwebhooks::Webhook::new(secret).unwrap();
    wh.verify(body, headers)
        .unwrap_or_else(|e| panic!("signature does not verify: {e:?}"));
}

async fn team_with_release(app: &TestApp) -> (Browser, Value) {
    let (owner, _, _) = app.owner_with_team("Acme").await;
    let svc = json_of(
        owner
            .post("/api/services", &json!({"name": "Payments"}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    (owner, svc)
}

async fn new_release(owner: &Browser, svc: &Value, title: &str) -> Value {
    json_of(
        owner
            .post(
                "/api/releases",
                &json!({"serviceId": svc["id"], "title": title, "version": "1.0.0"}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await
}

#[tokio::test]
async fn subscribed_events_are_delivered_signed_and_in_order() {
    let receiver = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/hook"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&receiver)
        .await;
    let app = TestApp::spawn_with(fast()).await;
    let (owner, svc) = team_with_release(&app).await;
    let hook = add_hook(
        &owner,
        &format!("{}/hook", receiver.uri()),
        json!(["release.created", "release.status_changed"]),
    )
    .await;
    let secret = hook["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("whsec_"), "{hook}");
    assert_eq!(hook["active"], true);
    assert_eq!(
        hook["events"],
        json!(["release.created", "release.status_changed"])
    );
    let hook_id = hook["id"].as_str().unwrap();
    // Shown once: stored encrypted, never listed.
    let rows = app
        .db
        .query_all_raw(Statement::from_string(
            app.db.get_database_backend(),
            "SELECT secret FROM webhooks",
        ))
        .await
        .unwrap();
    let stored: String = rows[0].try_get("", "secret").unwrap();
    assert!(!stored.contains(secret.trim_start_matches("whsec_")));
    let list = json_of(owner.get("/api/team/webhooks").await, StatusCode::OK).await;
    assert!(!list.to_string().contains("whsec_"), "{list}");

    let r = new_release(&owner, &svc, "Checkout").await;
    let rid = r["id"].as_str().unwrap();
    for status in ["IN_DEVELOPMENT", "IN_REVIEW"] {
        json_of(
            owner
                .patch(&format!("/api/releases/{rid}"), &json!({"status": status}))
                .await,
            StatusCode::OK,
        )
        .await;
    }
    // A comment is not subscribed: nothing is sent for it.
    json_of(
        owner
            .post(
                &format!("/api/releases/{rid}/comments"),
                &json!({"body": "ship it"}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    let got = wait_for(&receiver, "/hook", 3).await;
    let types: Vec<&str> = got
        .iter()
        .map(|(_, _, v)| v["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "release.created",
            "release.status_changed",
            "release.status_changed"
        ]
    );
    let mut ids = vec![];
    for (headers, raw, v) in &got {
        verify(&secret, headers, raw);
        assert_eq!(headers["content-type"], "application/json");
        assert_eq!(v["data"]["id"], json!(rid));
        assert!(v["data"]["teamId"].is_string(), "{v}");
        assert!(v["timestamp"].is_string());
        ids.push(headers["webhook-id"].to_str().unwrap().to_string());
    }
    assert_eq!(got[2].2["data"]["status"], "IN_REVIEW");
    ids.dedup();
    assert_eq!(ids.len(), 3, "one webhook-id per event");

    let d = settle(&owner, hook_id, |d| {
        d.len() == 3 && d.iter().all(|x| x["status"] == "DELIVERED")
    })
    .await;
    for x in &d {
        assert_eq!(x["attempts"], 1);
        assert_eq!(x["responseStatus"], 204);
        assert!(x["deliveredAt"].is_string());
        assert_eq!(x["lastError"], json!(null));
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(received(&receiver, "/hook").await.len(), 3);
}

#[tokio::test]
async fn a_failing_receiver_is_retried_with_the_same_webhook_id_and_later_events_wait() {
    let receiver = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/hook"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&receiver)
        .await;
    Mock::given(method("POST"))
        .and(path("/hook"))
        .respond_with(ResponseTemplate::new(200))
        .with_priority(2)
        .mount(&receiver)
        .await;
    let app = TestApp::spawn_with(fast()).await;
    let (owner, svc) = team_with_release(&app).await;
    let hook = add_hook(&owner, &format!("{}/hook", receiver.uri()), json!(["*"])).await;
    let hook_id = hook["id"].as_str().unwrap();
    let secret = hook["secret"].as_str().unwrap();
    new_release(&owner, &svc, "First").await;
    new_release(&owner, &svc, "Second").await;
    let got = wait_for(&receiver, "/hook", 4).await;
    let titles: Vec<&str> = got
        .iter()
        .map(|(_, _, v)| v["data"]["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["First", "First", "First", "Second"], "in order");
    let first_ids: Vec<&str> = got[..3]
        .iter()
        .map(|(h, _, _)| h["webhook-id"].to_str().unwrap())
        .collect();
    assert!(
        first_ids.iter().all(|i| *i == first_ids[0]),
        "{first_ids:?}"
    );
    for (h, raw, _) in &got {
        verify(secret, h, raw);
    }
    let d = settle(&owner, hook_id, |d| {
        d.len() == 2 && d.iter().all(|x| x["status"] == "DELIVERED")
    })
    .await;
    // Newest first: the second release, then the first after three tries.
    assert_eq!(d[0]["attempts"], 1);
    assert_eq!(d[1]["attempts"], 3);
    assert_eq!(d[1]["event"], "release.created");
}

#[tokio::test]
async fn the_url_guard_refuses_internal_addresses_at_creation_and_at_send_time() {
    let receiver = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&receiver)
        .await;
    // Without the allow-list: the local receiver is an internal address.
    let app = TestApp::spawn().await;
    let (owner, _) = team_with_release(&app).await;
    for (url, events) in [
        (format!("{}/hook", receiver.uri()), json!(["*"])),
        ("https://127.0.0.1/hook".to_string(), json!(["*"])),
        ("https://10.0.0.7/hook".to_string(), json!(["*"])),
        ("https://169.254.169.254/latest".to_string(), json!(["*"])),
        ("https://[::1]/hook".to_string(), json!(["*"])),
        ("https://localhost/hook".to_string(), json!(["*"])),
        ("http://hooks.example.com/hook".to_string(), json!(["*"])),
        ("not a url".to_string(), json!(["*"])),
    ] {
        let body = json_of(
            owner
                .post("/api/team/webhooks", &json!({"url": url, "events": events}))
                .await,
            StatusCode::BAD_REQUEST,
        )
        .await;
        assert!(body["fields"]["url"].is_string(), "{url}: {body}");
    }
    for events in [json!([]), json!(["release.exploded"]), json!(["*", "ping"])] {
        let body = json_of(
            owner
                .post(
                    "/api/team/webhooks",
                    &json!({"url": "https://hooks.example.com/x", "events": events}),
                )
                .await,
            StatusCode::BAD_REQUEST,
        )
        .await;
        assert!(body["fields"]["events"].is_string(), "{body}");
    }
    let (member, _) = app.member_with_role(&owner, "MEMBER").await;
    error_of(
        member
            .post(
                "/api/team/webhooks",
                &json!({"url": "https://hooks.example.com/x", "events": ["*"]}),
            )
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    error_of(
        member.get("/api/team/webhooks").await,
        StatusCode::FORBIDDEN,
    )
    .await;

    // At send time: a server that allows the receiver saves the webhook; a
    // server on the same database that does not refuses to call it.
    let mut allowing = TestApp::spawn_with(HashMap::from([(
        "RC_OUTBOUND_ALLOW_HOSTS",
        "127.0.0.1".to_string(),
    )]))
    .await;
    let (owner2, _) = team_with_release(&allowing).await;
    let hook = add_hook(
        &owner2,
        &format!("{}/guarded", receiver.uri()),
        json!(["*"]),
    )
    .await;
    let hook_id = hook["id"].as_str().unwrap().to_string();
    allowing.stop();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let strict = TestApp::spawn_with(HashMap::from([
        ("DATABASE_URL", allowing.database_url.clone()),
        ("RC_OUTBOX_RETRY_BASE_MS", "20".to_string()),
        ("RC_OUTBOX_POLL_MS", "50".to_string()),
    ]))
    .await;
    let owner3 = strict.browser();
    let _ = owner3;
    // The owner's session lives in the shared database: reuse its cookie jar
    // against the strict server.
    let owner2_on_strict = Browser {
        client: owner2.client.clone(),
        address: strict.address.clone(),
    };
    json_of(
        owner2_on_strict
            .post_empty(&format!("/api/team/webhooks/{hook_id}/test"))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let d = settle(&owner2_on_strict, &hook_id, |d| {
        d.first().is_some_and(|x| x["attempts"].as_i64() >= Some(1))
    })
    .await;
    let err = d[0]["lastError"].as_str().unwrap_or_default().to_string();
    // http to a host that is no longer allowed: refused before any request.
    assert!(err.contains("https://"), "{err}");
    assert_eq!(d[0]["status"], "PENDING");
    assert!(received(&receiver, "/guarded").await.is_empty());
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let receiver = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/hook"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("location", format!("{}/elsewhere", receiver.uri())),
        )
        .mount(&receiver)
        .await;
    let app = TestApp::spawn_with(fast()).await;
    let (owner, _) = team_with_release(&app).await;
    let hook = add_hook(&owner, &format!("{}/hook", receiver.uri()), json!(["*"])).await;
    let hook_id = hook["id"].as_str().unwrap();
    json_of(
        owner
            .post_empty(&format!("/api/team/webhooks/{hook_id}/test"))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let d = settle(&owner, hook_id, |d| {
        d.first().is_some_and(|x| x["attempts"].as_i64() >= Some(2))
    })
    .await;
    assert_eq!(d[0]["responseStatus"], 302);
    assert_eq!(d[0]["status"], "PENDING", "retried, not followed");
    assert!(d[0]["nextAttemptAt"].is_string());
    assert!(received(&receiver, "/elsewhere").await.is_empty());
}

#[tokio::test]
async fn test_redeliver_pause_and_delete() {
    let receiver = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/hook"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&receiver)
        .await;
    let app = TestApp::spawn_with(fast()).await;
    let (owner, svc) = team_with_release(&app).await;
    let hook = add_hook(
        &owner,
        &format!("{}/hook", receiver.uri()),
        json!(["release.created"]),
    )
    .await;
    let hook_id = hook["id"].as_str().unwrap();
    let secret = hook["secret"].as_str().unwrap();

    let ping = json_of(
        owner
            .post_empty(&format!("/api/team/webhooks/{hook_id}/test"))
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(ping["event"], "ping");
    assert_eq!(ping["status"], "PENDING");
    let got = wait_for(&receiver, "/hook", 1).await;
    assert_eq!(got[0].2["type"], "ping");
    verify(secret, &got[0].0, &got[0].1);

    // Redeliver: a new series of attempts, the same webhook-id and body.
    let ping_id = ping["id"].as_str().unwrap();
    let again = json_of(
        owner
            .post_empty(&format!(
                "/api/team/webhooks/{hook_id}/deliveries/{ping_id}/redeliver"
            ))
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_ne!(again["id"], ping["id"]);
    let got = wait_for(&receiver, "/hook", 2).await;
    assert_eq!(got[0].0["webhook-id"], got[1].0["webhook-id"]);
    assert_eq!(got[0].1, got[1].1, "the same body");
    verify(secret, &got[1].0, &got[1].1);

    // Paused: nothing new is queued; resumed: events flow again.
    json_of(
        owner
            .patch(
                &format!("/api/team/webhooks/{hook_id}"),
                &json!({"active": false}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    new_release(&owner, &svc, "Quiet").await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(received(&receiver, "/hook").await.len(), 2);
    assert_eq!(deliveries(&owner, hook_id).await.len(), 2);
    let resumed = json_of(
        owner
            .patch(
                &format!("/api/team/webhooks/{hook_id}"),
                &json!({"active": true, "events": ["*"]}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(resumed["events"], json!(["*"]));
    new_release(&owner, &svc, "Loud").await;
    let got = wait_for(&receiver, "/hook", 3).await;
    assert_eq!(got[2].2["data"]["title"], "Loud");

    // Another team sees none of it.
    let (other, _, _) = app.owner_with_team("Other").await;
    error_of(
        other
            .get(&format!("/api/team/webhooks/{hook_id}/deliveries"))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    error_of(
        other.delete(&format!("/api/team/webhooks/{hook_id}")).await,
        StatusCode::NOT_FOUND,
    )
    .await;

    // Deleted: gone, with its deliveries.
    let res = owner.delete(&format!("/api/team/webhooks/{hook_id}")).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    error_of(
        owner
            .get(&format!("/api/team/webhooks/{hook_id}/deliveries"))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let list = json_of(owner.get("/api/team/webhooks").await, StatusCode::OK).await;
    assert_eq!(list["items"], json!([]));
}
