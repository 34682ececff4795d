//! The GitHub client under trouble, searching and picking, the background
//! sync with its per-connection back-off, and key rotation — all against a
//! wiremock fake of GitHub answering with the documented shapes.

use crate::helpers::{error_of, json_of, Browser, TestApp};
use crate::oauth::{connect, fake_github, TOKEN};
use release_coordinator::server::db::entities::{oauth_connection, release_item};
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, EntityTrait, Statement};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn pull(number: u64, title: &str, state: &str, merged: bool) -> Value {
    json!({
        "number": number, "title": title, "state": state,
        "merged_at": if merged { json!("2026-11-20T10:00:00Z") } else { Value::Null },
        "draft": false, "html_url": format!("https://github.com/acme/pay/pull/{number}"),
        "user": {"login": "octo-ada"}, "assignee": null
    })
}

async fn serve_pull(gh: &MockServer, number: u64, body: Value) {
    Mock::given(method("GET"))
        .and(path(format!("/repos/acme/pay/pulls/{number}")))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(gh)
        .await;
}

async fn app_with(gh: &MockServer, extra: &[(&'static str, &str)]) -> TestApp {
    let mut vars = HashMap::from([
        ("GITHUB_CLIENT_ID", "gh-client".to_string()),
        ("GITHUB_CLIENT_SECRET", "gh-secret".to_string()),
        ("GITHUB_OAUTH_BASE", gh.uri()),
        ("GITHUB_API_BASE", gh.uri()),
    ]);
    for (k, v) in extra {
        vars.insert(k, v.to_string());
    }
    TestApp::spawn_with(vars).await
}

/// A service on `acme/pay` with one release: (items URL, service id).
async fn release(user: &Browser) -> (String, String) {
    let svc = json_of(
        user.post(
            "/api/services",
            &json!({"name": "Pay", "githubRepo": "acme/pay"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let rel = json_of(
        user.post(
            "/api/releases",
            &json!({"serviceId": svc["id"], "title": "Checkout", "version": "1.0.0"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    (
        format!("/api/releases/{}/items", rel["id"].as_str().unwrap()),
        svc["id"].as_str().unwrap().to_string(),
    )
}

async fn link(user: &Browser, items: &str, pr: &str) -> Value {
    json_of(
        user.post(items, &json!({"type": "GITHUB_PR", "externalId": pr}))
            .await,
        StatusCode::CREATED,
    )
    .await
}

#[tokio::test]
async fn search_stays_in_the_repository_and_repos_can_be_picked() {
    let gh = fake_github().await;
    Mock::given(method("GET"))
        .and(path("/search/issues"))
        .and(query_param(
            "q",
            "is:pr repo:acme/pay retry \"repo:evil/secret\"",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "total_count": 1, "incomplete_results": false,
            "items": [{
                "number": 42, "title": "Retry webhooks", "state": "closed", "draft": false,
                "html_url": "https://github.com/acme/pay/pull/42", "user": {"login": "octo-ada"},
                "pull_request": {"merged_at": "2026-11-20T10:00:00Z", "url": "https://api.github.com/repos/acme/pay/pulls/42"}
            }]
        })))
        .expect(1)
        .mount(&gh)
        .await;
    Mock::given(method("GET"))
        .and(path("/user/repos"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"id": 1, "full_name": "acme/pay", "private": true, "name": "pay"},
            {"id": 2, "full_name": "acme/web", "private": false, "name": "web"}
        ])))
        .mount(&gh)
        .await;
    let app = app_with(&gh, &[]).await;
    let (user, _, _) = app.owner_with_team("Acme").await;
    let (_, svc) = release(&user).await;
    let msg = error_of(
        user.get("/api/integrations/github/repos").await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(msg.contains("connect GitHub"), "{msg}");
    connect(&user).await;
    let found = json_of(
        user.get(&format!(
            "/api/integrations/github/search?q=retry%20repo:evil/secret&serviceId={svc}"
        ))
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        found["query"],
        "is:pr repo:acme/pay retry \"repo:evil/secret\""
    );
    assert_eq!(found["items"][0]["externalId"], "acme/pay#42");
    assert_eq!(found["items"][0]["status"], "merged");
    assert_eq!(found["items"][0]["type"], "GITHUB_PR");
    // A repository is required (none given, the service unnamed) and checked.
    error_of(
        user.get("/api/integrations/github/search?q=x").await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    error_of(
        user.get("/api/integrations/github/search?q=x&repo=acme/pay%20repo:evil/x")
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    let repos = json_of(
        user.get("/api/integrations/github/repos").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(repos[0]["full_name"], "acme/pay");
    assert_eq!(repos.as_array().unwrap().len(), 2);
    gh.verify().await;
}

#[tokio::test]
async fn github_trouble_is_kept_on_the_item_and_never_hangs() {
    let gh = fake_github().await;
    serve_pull(&gh, 1, pull(1, "First", "open", false)).await;
    let app = app_with(&gh, &[("RC_OUTBOUND_TIMEOUT_MS", "800")]).await;
    let (user, _, _) = app.owner_with_team("Acme").await;
    let (items, _) = release(&user).await;
    connect(&user).await;
    let item = link(&user, &items, "acme/pay#1").await;
    let sync = format!("{items}/{}/sync", item["id"].as_str().unwrap());
    let trouble = |t: ResponseTemplate| {
        Mock::given(method("GET"))
            .and(path("/repos/acme/pay/pulls/1"))
            .respond_with(t)
            .with_priority(1)
    };
    let cases: Vec<(ResponseTemplate, &str)> = vec![
        (
            ResponseTemplate::new(429)
                .insert_header("retry-after", "30")
                .set_body_json(json!({"message": "API rate limit exceeded"})),
            "rate limiting requests; try again in 30 s",
        ),
        (
            ResponseTemplate::new(403)
                .insert_header("x-ratelimit-remaining", "0")
                .insert_header(
                    "x-ratelimit-reset",
                    (chrono::Utc::now().timestamp() + 120).to_string().as_str(),
                )
                .set_body_json(json!({"message": "API rate limit exceeded"})),
            "rate limiting requests",
        ),
        (ResponseTemplate::new(502), "GitHub answered 502"),
        (
            ResponseTemplate::new(200).set_body_string("{\"title\": \"half"),
            "unexpected answer",
        ),
        (
            ResponseTemplate::new(200)
                .set_body_json(pull(1, "Slow", "open", false))
                .set_delay(Duration::from_secs(5)),
            "could not be reached",
        ),
    ];
    for (template, want) in cases {
        gh.reset().await;
        trouble(template).mount(&gh).await;
        let started = Instant::now();
        let body = json_of(user.post_empty(&sync).await, StatusCode::OK).await;
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "never waits past the timeout"
        );
        let err = body["syncError"].as_str().unwrap_or_default();
        assert!(err.contains(want), "{want:?} in {err:?}");
        // The cached state stays; the connection stays valid.
        assert_eq!(body["title"], "First");
        let conns = json_of(user.get("/api/oauth/connections").await, StatusCode::OK).await;
        assert_eq!(conns[0]["isValid"], true, "{want}");
    }
    // GitHub recovers: the error clears.
    gh.reset().await;
    serve_pull(&gh, 1, pull(1, "First", "closed", true)).await;
    let body = json_of(user.post_empty(&sync).await, StatusCode::OK).await;
    assert_eq!(body["syncError"], Value::Null);
    assert_eq!(body["status"], "merged");
}

#[tokio::test]
async fn a_release_syncs_all_its_items_at_once() {
    let gh = fake_github().await;
    serve_pull(&gh, 1, pull(1, "First", "open", false)).await;
    serve_pull(&gh, 2, pull(2, "Second", "open", false)).await;
    let app = app_with(&gh, &[]).await;
    let (user, _, _) = app.owner_with_team("Acme").await;
    let (items, _) = release(&user).await;
    connect(&user).await;
    link(&user, &items, "acme/pay#1").await;
    link(&user, &items, "acme/pay#2").await;
    gh.reset().await;
    serve_pull(&gh, 1, pull(1, "First", "closed", true)).await;
    serve_pull(&gh, 2, pull(2, "Second", "closed", false)).await;
    let synced = json_of(
        user.post_empty(&format!("{items}/sync")).await,
        StatusCode::OK,
    )
    .await;
    let statuses: Vec<&str> = synced["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["merged", "closed"]);
}

async fn item_status(app: &TestApp) -> Option<String> {
    release_item::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .and_then(|i| i.status)
}

async fn connection(app: &TestApp) -> oauth_connection::Model {
    oauth_connection::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn the_background_sync_refreshes_items_and_backs_off_per_connection() {
    let gh = fake_github().await;
    serve_pull(&gh, 1, pull(1, "First", "open", false)).await;
    let app = app_with(&gh, &[("RC_ITEM_SYNC_SECS", "1")]).await;
    let (user, _, _) = app.owner_with_team("Acme").await;
    let (items, _) = release(&user).await;
    connect(&user).await;
    link(&user, &items, "acme/pay#1").await;
    // Merged on GitHub, no webhook: the job notices on its own.
    gh.reset().await;
    serve_pull(&gh, 1, pull(1, "First", "closed", true)).await;
    let deadline = Instant::now() + Duration::from_secs(15);
    while item_status(&app).await.as_deref() != Some("merged") {
        assert!(Instant::now() < deadline, "the job did not sync the item");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let feed = json_of(user.get("/api/activities").await, StatusCode::OK).await;
    assert!(feed
        .to_string()
        .contains("GitHub: acme/pay#1 is now merged"));
    // GitHub starts rate limiting: the connection backs off as asked.
    gh.reset().await;
    Mock::given(method("GET"))
        .and(path("/repos/acme/pay/pulls/1"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "120"))
        .mount(&gh)
        .await;
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let c = connection(&app).await;
        if c.sync_failures >= 1 {
            let wait = c.next_sync_at.unwrap() - chrono::Utc::now();
            assert!(wait > chrono::Duration::seconds(100), "{wait}");
            break;
        }
        assert!(Instant::now() < deadline, "no back-off recorded");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // While backed off, GitHub hears nothing more from this connection.
    let seen = gh.received_requests().await.unwrap().len();
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(gh.received_requests().await.unwrap().len(), seen);
    // The item says why, and keeps what it knew.
    let listed = json_of(user.get(&items).await, StatusCode::OK).await;
    assert_eq!(listed["items"][0]["status"], "merged");
    assert!(listed["items"][0]["syncError"]
        .as_str()
        .unwrap()
        .contains("rate limiting"));
}

#[tokio::test]
async fn rotate_key_reencrypts_tokens_and_webhooks() {
    use release_coordinator::server::config::Secret;
    use release_coordinator::server::crypto::Cipher;
    use release_coordinator::server::rotate::rotate_key;
    let gh = fake_github().await;
    let app = app_with(&gh, &[]).await;
    let (user, _, _) = app.owner_with_team("Acme").await;
    connect(&user).await;
    json_of(
        user.patch(
            "/api/team/settings",
            &json!({"slackWebhookUrl": "https://hooks.slack.com/services/T0/B0/secretpart"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    // The test app's key is 32 × 42 (helpers.rs).
    let old = Secret::new([42u8; 32]);
    let new = Secret::new([7u8; 32]);
    let raw = |sql: &'static str, col: &'static str| {
        let db = app.db.clone();
        async move {
            let row = db
                .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
                .await
                .unwrap()
                .unwrap();
            row.try_get::<String>("", col).unwrap()
        }
    };
    let before = raw("SELECT access_token FROM oauth_connections", "access_token").await;
    // Without the old key, nothing is touched.
    let err = rotate_key(&app.db, &Cipher::new(&new)).await.unwrap_err();
    assert!(err.to_string().contains("nothing was changed"), "{err}");
    assert_eq!(
        raw("SELECT access_token FROM oauth_connections", "access_token").await,
        before
    );
    // With it, everything moves to the new key.
    let rotating = Cipher::with_old_keys(&new, &[old]);
    let n = rotate_key(&app.db, &rotating).await.unwrap();
    assert_eq!((n.tokens, n.webhooks), (1, 1));
    let fresh = Cipher::new(&new);
    let token = raw("SELECT access_token FROM oauth_connections", "access_token").await;
    assert_eq!(Cipher::key_id_of(&token), Some(fresh.key_id()));
    assert_eq!(fresh.decrypt(&token).unwrap().expose(), TOKEN);
    let hook = raw("SELECT slack_webhook_url FROM teams", "slack_webhook_url").await;
    assert_eq!(
        fresh.decrypt(&hook).unwrap().expose(),
        "https://hooks.slack.com/services/T0/B0/secretpart"
    );
    // A second run has nothing left to do.
    let again = rotate_key(&app.db, &rotating).await.unwrap();
    assert_eq!((again.tokens, again.webhooks, again.current), (0, 0, 2));
}
