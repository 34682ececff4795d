//! Slack notifications against a local fake (wiremock): the messages, the
//! team's switches, "Send test message", retries through an outage, nothing
//! lost across a restart, and the last error kept on the team.

use crate::helpers::{error_of, json_of, Browser, TestApp};
use reqwest::StatusCode;
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

async fn team_with_webhook(app: &TestApp, slack: &MockServer) -> (Browser, String) {
    let (owner, _, _) = app.owner_with_team("Acme").await;
    json_of(
        owner
            .patch(
                "/api/team/settings",
                &json!({"slackWebhookUrl": format!("{}/services/T000/B000/XXXX", slack.uri()), "slackChannel": "#releases"}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    let svc = json_of(
        owner
            .post("/api/services", &json!({"name": "Payments"}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let r = json_of(
        owner
            .post(
                "/api/releases",
                &json!({"serviceId": svc["id"], "title": "Checkout", "version": "2.4.0"}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    (owner, r["id"].as_str().unwrap().to_string())
}

/// The JSON bodies Slack received so far.
async fn received(slack: &MockServer) -> Vec<Value> {
    slack
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter_map(|r| serde_json::from_slice(&r.body).ok())
        .collect()
}

/// Waits until Slack received `n` messages (or fails after a while).
async fn wait_for(slack: &MockServer, n: usize) -> Vec<Value> {
    let start = Instant::now();
    loop {
        let got = received(slack).await;
        if got.len() >= n {
            return got;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "Slack got {} of {n} messages: {got:?}",
            got.len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn move_to(b: &Browser, id: &str, status: &str) {
    json_of(
        b.patch(&format!("/api/releases/{id}"), &json!({"status": status}))
            .await,
        StatusCode::OK,
    )
    .await;
}

#[tokio::test]
async fn changes_become_block_kit_messages_as_the_switches_say() {
    let slack = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/services/T000/B000/XXXX"))
        .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
        .mount(&slack)
        .await;
    let app = TestApp::spawn_with(fast()).await;
    let (owner, id) = team_with_webhook(&app, &slack).await;

    move_to(&owner, &id, "IN_DEVELOPMENT").await;
    let got = wait_for(&slack, 1).await;
    let m = &got[0];
    assert!(m["text"]
        .as_str()
        .unwrap()
        .starts_with("Checkout 2.4.0 moved from Planning to In development ("));
    assert_eq!(m["blocks"][0]["type"], "header");
    assert!(m["blocks"][0]["text"]["text"]
        .as_str()
        .unwrap()
        .ends_with("Checkout 2.4.0"));
    let fields: Vec<&str> = m["blocks"][1]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["text"].as_str().unwrap())
        .collect();
    assert_eq!(fields[0], "*Service*\nPayments");
    assert_eq!(fields[1], "*Version*\n2.4.0");
    assert_eq!(fields[3], "*Status*\nPlanning → In development");
    let button = m["blocks"][2]["elements"][0]["url"].as_str().unwrap();
    assert!(button.ends_with(&format!("/releases/{id}")), "{button}");

    move_to(&owner, &id, "IN_REVIEW").await;
    move_to(&owner, &id, "READY_STAGING").await;
    let got = wait_for(&slack, 3).await;
    let ready = &got[2];
    assert!(ready["text"]
        .as_str()
        .unwrap()
        .contains("ready to deploy to staging"));
    assert!(ready["blocks"][2]["elements"][0]["url"]
        .as_str()
        .unwrap()
        .ends_with("/deploy-queue"));

    json_of(
        owner
            .patch(
                &format!("/api/releases/{id}"),
                &json!({"isBlocked": true, "blockedReason": "legal review"}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    let got = wait_for(&slack, 4).await;
    assert_eq!(got[3]["text"], "Checkout 2.4.0 is blocked: legal review");
    assert!(got[3]["blocks"][2]["elements"][0]["url"]
        .as_str()
        .unwrap()
        .ends_with("/blocked"));

    // Switched off: status changes stay quiet.
    json_of(
        owner
            .patch(
                "/api/team/settings",
                &json!({"notifyOnStatusChange": false}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    move_to(&owner, &id, "IN_REVIEW").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(received(&slack).await.len(), 4);

    // Send test message.
    let ok = json_of(
        owner.post_empty("/api/team/settings/test-slack").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(ok, json!({"ok": true}));
    assert!(received(&slack).await[4]["text"]
        .as_str()
        .unwrap()
        .contains("connected"));
}

#[tokio::test]
async fn test_message_reports_slacks_error_and_needs_a_webhook() {
    let slack = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(404).set_body_string("no_service"))
        .mount(&slack)
        .await;
    let app = TestApp::spawn_with(fast()).await;
    let (owner, _) = team_with_webhook(&app, &slack).await;
    let err = error_of(
        owner.post_empty("/api/team/settings/test-slack").await,
        StatusCode::BAD_GATEWAY,
    )
    .await;
    assert!(err.contains("no_service"), "{err}");
    assert!(!err.contains("XXXX"), "the webhook URL is a secret: {err}");
    let (other, _, _) = app.owner_with_team("No Slack").await;
    error_of(
        other.post_empty("/api/team/settings/test-slack").await,
        StatusCode::BAD_REQUEST,
    )
    .await;
}

#[tokio::test]
async fn redirects_are_not_followed_and_upstream_pages_are_not_echoed() {
    let slack = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/services/T000/B000/XXXX"))
        .respond_with(
            ResponseTemplate::new(307)
                .insert_header(
                    "location",
                    format!("{}/internal/admin", elsewhere.uri()).as_str(),
                )
                .set_body_string("<html><body>moved: internal admin page</body></html>"),
        )
        .mount(&slack)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
        .mount(&elsewhere)
        .await;
    let app = TestApp::spawn_with(fast()).await;
    let (owner, _) = team_with_webhook(&app, &slack).await;
    let err = error_of(
        owner.post_empty("/api/team/settings/test-slack").await,
        StatusCode::BAD_GATEWAY,
    )
    .await;
    assert!(
        !err.contains('<') && !err.contains("internal/admin"),
        "{err}"
    );
    assert!(
        elsewhere
            .received_requests()
            .await
            .unwrap_or_default()
            .is_empty(),
        "the redirect was not followed"
    );
}

#[tokio::test]
async fn an_outage_delays_messages_without_slowing_the_user() {
    let slack = MockServer::start().await;
    // Down for the first three tries, then up.
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503).set_body_string("unavailable"))
        .up_to_n_times(3)
        .with_priority(1)
        .mount(&slack)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
        .with_priority(2)
        .mount(&slack)
        .await;
    let app = TestApp::spawn_with(fast()).await;
    let (owner, id) = team_with_webhook(&app, &slack).await;
    let started = Instant::now();
    move_to(&owner, &id, "IN_DEVELOPMENT").await;
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "the move waited for Slack"
    );
    // Three failures, then the message arrives.
    let got = wait_for(&slack, 4).await;
    assert!(got
        .iter()
        .all(|m| m["text"].as_str().unwrap().contains("Checkout 2.4.0")));
    let start = Instant::now();
    loop {
        let settings = json_of(owner.get("/api/team/settings").await, StatusCode::OK).await;
        if settings["slackLastError"].is_null() {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(5));
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn queued_messages_survive_a_restart() {
    let slack = MockServer::start().await;
    let down = Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500).set_body_string("down"))
        .mount_as_scoped(&slack)
        .await;
    let mut first = TestApp::spawn_with(HashMap::from([
        ("RC_OUTBOUND_ALLOW_HOSTS", "127.0.0.1".to_string()),
        // Slow retries: the message is still queued when the server stops.
        ("RC_OUTBOX_RETRY_BASE_MS", "60000".to_string()),
        ("RC_OUTBOX_POLL_MS", "50".to_string()),
    ]))
    .await;
    let (owner, id) = team_with_webhook(&first, &slack).await;
    move_to(&owner, &id, "IN_DEVELOPMENT").await;
    wait_for(&slack, 1).await; // tried once, failed
    first.stop();
    tokio::time::sleep(Duration::from_millis(300)).await;
    drop(down);
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
        .mount(&slack)
        .await;
    let mut extra = fast();
    extra.insert("DATABASE_URL", first.database_url.clone());
    let second = TestApp::spawn_with(extra).await;
    // The row is still queued; make it due now, as if its back-off had passed.
    use sea_orm::ConnectionTrait;
    let res = second
        .db
        .execute_unprepared("UPDATE outbox SET next_attempt_at = created_at WHERE sent_at IS NULL")
        .await
        .expect("reschedule");
    assert_eq!(
        res.rows_affected(),
        1,
        "the message was kept across the restart"
    );
    let got = wait_for(&slack, 2).await;
    assert_eq!(got[1]["text"], got[0]["text"]);
}

#[tokio::test]
async fn a_failing_message_shows_at_once_and_after_a_day_is_marked_failed_never_dropped() {
    let slack = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500).set_body_string("internal_error"))
        .mount(&slack)
        .await;
    let mut extra = fast();
    extra.insert("RC_OUTBOX_RETRY_BASE_MS", "1".to_string());
    let app = TestApp::spawn_with(extra).await;
    let (owner, id) = team_with_webhook(&app, &slack).await;
    move_to(&owner, &id, "IN_DEVELOPMENT").await;
    // The first failed attempt is enough for the settings page to say so.
    wait_for(&slack, 1).await;
    let start = Instant::now();
    loop {
        let settings = json_of(owner.get("/api/team/settings").await, StatusCode::OK).await;
        if let Some(e) = settings["slackLastError"].as_str() {
            assert!(e.contains("500") && e.contains("internal_error"), "{e}");
            assert!(e.contains("retrying"), "{e}");
            assert!(!e.contains("XXXX"), "the webhook URL is a secret: {e}");
            assert_eq!(settings["slackFailedMessages"], 0);
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(5), "no error shown");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // The team's channel travels with every message.
    assert_eq!(received(&slack).await[0]["channel"], "#releases");
    // Retried well past the old limit of ten attempts.
    wait_for(&slack, 12).await;
    // A day later: the next failure gives up, keeps the message, shows it.
    use release_coordinator::server::db::entities::outbox;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let day_ago = release_coordinator::server::db::now() - chrono::Duration::hours(25);
    let start = Instant::now();
    loop {
        // (Again each time: an attempt in flight may write its own schedule.)
        outbox::Entity::update_many()
            .col_expr(
                outbox::Column::CreatedAt,
                sea_orm::sea_query::Expr::value(day_ago),
            )
            .col_expr(
                outbox::Column::NextAttemptAt,
                sea_orm::sea_query::Expr::value(day_ago),
            )
            .filter(outbox::Column::SentAt.is_null())
            .filter(outbox::Column::FailedAt.is_null())
            .exec(&app.db)
            .await
            .unwrap();
        let settings = json_of(owner.get("/api/team/settings").await, StatusCode::OK).await;
        if settings["slackFailedMessages"] == 1 {
            let e = settings["slackLastError"].as_str().unwrap();
            assert!(e.contains("gave up"), "{e}");
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "never marked failed"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let rows = outbox::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(rows.len(), 1, "kept, not dropped");
    assert!(rows[0].failed_at.is_some() && rows[0].sent_at.is_none());
    let tries = received(&slack).await.len();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        received(&slack).await.len(),
        tries,
        "no retries after giving up"
    );
}

#[tokio::test]
async fn dependencies_block_and_unblock_in_slack_too() {
    let slack = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
        .mount(&slack)
        .await;
    let app = TestApp::spawn_with(fast()).await;
    let (owner, web) = team_with_webhook(&app, &slack).await;
    json_of(
        owner
            .patch(
                "/api/team/settings",
                &json!({"notifyOnStatusChange": false, "notifyOnReadyToDeploy": false}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    let svc =
        json_of(owner.get("/api/services").await, StatusCode::OK).await["items"][0]["id"].clone();
    let api = json_of(
        owner
            .post(
                "/api/releases",
                &json!({"serviceId": svc, "title": "Gateway", "version": "4.0.0"}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    json_of(
        owner
            .post(
                &format!("/api/releases/{web}/dependencies"),
                &json!({"dependsOnId": api, "type": "BLOCKS"}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    let got = wait_for(&slack, 1).await;
    assert_eq!(
        got[0]["text"],
        "Checkout 2.4.0 is blocked: waiting for Gateway 4.0.0 to be deployed"
    );
    for s in [
        "IN_DEVELOPMENT",
        "IN_REVIEW",
        "READY_STAGING",
        "IN_STAGING",
        "STAGING_VERIFIED",
        "READY_PRODUCTION",
        "DEPLOYED",
    ] {
        move_to(&owner, &api, s).await;
    }
    let got = wait_for(&slack, 2).await;
    assert_eq!(
        got[1]["text"],
        "Checkout 2.4.0 is no longer blocked (Gateway 4.0.0 is deployed)"
    );
    assert_eq!(received(&slack).await.len(), 2, "status switches are off");
}

#[tokio::test]
async fn slack_hears_once_when_a_freeze_starts_and_when_it_is_lifted() {
    let slack = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/services/T000/B000/XXXX"))
        .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
        .mount(&slack)
        .await;
    let mut env = fast();
    env.insert("RC_FREEZE_CHECK_SECS", "1".to_string());
    let app = TestApp::spawn_with(env).await;
    let (owner, _) = team_with_webhook(&app, &slack).await;
    let f = json_of(
        owner
            .post(
                "/api/freezes",
                &json!({"name": "Incident 7", "reason": "payments down", "environments": ["PRODUCTION"]}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    let got = wait_for(&slack, 1).await;
    assert_eq!(
        got[0]["text"],
        "Freeze 'Incident 7' is in force until lifted: no release moves into production — payments down"
    );
    // Passes go on every second: the start is told once.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(received(&slack).await.len(), 1, "announced once");
    let id = f["id"].as_str().unwrap();
    let lifted = owner
        .patch(
            &format!("/api/freezes/{id}"),
            &json!({"endsAt": chrono::Utc::now().to_rfc3339()}),
        )
        .await;
    assert_eq!(lifted.status(), StatusCode::OK);
    let got = wait_for(&slack, 2).await;
    assert_eq!(
        got[1]["text"],
        "Freeze 'Incident 7' has ended: releases move into production again"
    );
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(received(&slack).await.len(), 2, "ended once");
}

#[tokio::test]
async fn approvers_hear_when_a_release_reaches_a_move_that_needs_them() {
    let slack = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/services/T000/B000/XXXX"))
        .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
        .mount(&slack)
        .await;
    let app = TestApp::spawn_with(fast()).await;
    let (owner, release) = team_with_webhook(&app, &slack).await;
    json_of(
        owner
            .put(
                "/api/team/policy",
                &json!({"rules": [{"toStatus": "DEPLOYED", "approvals": {"required": 1, "fromRoles": ["ADMIN", "OWNER"]}}]}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    let path = format!("/api/releases/{release}");
    for s in [
        "IN_DEVELOPMENT",
        "IN_REVIEW",
        "READY_STAGING",
        "IN_STAGING",
        "STAGING_VERIFIED",
    ] {
        assert_eq!(
            owner.patch(&path, &json!({"status": s})).await.status(),
            StatusCode::OK
        );
    }
    let before = wait_for(&slack, 5).await.len();
    let asks = |got: &[Value]| {
        got.iter()
            .filter(|m| {
                m["text"]
                    .as_str()
                    .is_some_and(|t| t.contains("once it has"))
            })
            .count()
    };
    assert_eq!(asks(&received(&slack).await), 0, "nothing asked before");
    assert_eq!(
        owner
            .patch(&path, &json!({"status": "READY_PRODUCTION"}))
            .await
            .status(),
        StatusCode::OK
    );
    let got = wait_for(&slack, before + 2).await;
    let ask = got
        .iter()
        .find(|m| {
            m["text"]
                .as_str()
                .is_some_and(|t| t.contains("once it has"))
        })
        .unwrap_or_else(|| panic!("{got:?}"));
    assert_eq!(
        ask["text"],
        "Checkout 2.4.0 can move to Deployed once it has 1 approval from ADMIN or OWNER"
    );
    assert!(ask["blocks"][2]["elements"][0]["url"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/releases/{release}")));
}
