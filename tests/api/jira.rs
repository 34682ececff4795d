//! Jira through Atlassian 3LO, against a wiremock fake of auth.atlassian.com
//! and api.atlassian.com answering with the documented shapes: the dance,
//! site choice, refresh with rotation (and a refused one), tickets linked
//! and synced, search that user text cannot widen, and signed webhooks.

use crate::helpers::{error_of, json_of, Browser, TestApp};
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{json, Value};
use std::collections::HashMap;
use wiremock::matchers::{body_partial_json, header, method, path, path_regex, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ACCESS_1: &str = "atl-access-ONE-plaintext";
const REFRESH_1: &str = "atl-refresh-ONE-plaintext";
const ACCESS_2: &str = "atl-access-TWO-plaintext";
const REFRESH_2: &str = "atl-refresh-TWO-plaintext";
const ACCESS_3: &str = "atl-access-THREE-plaintext";
const CLOUD: &str = "11111111-2222-3333-4444-555555555555";
const SITE: &str = "https://acme.atlassian.net";

fn site(id: &str, name: &str) -> Value {
    json!({"id": id, "name": name, "url": format!("https://{name}.atlassian.net"),
           "scopes": ["read:jira-work", "read:jira-user"], "avatarUrl": "https://example.invalid/a.png"})
}

fn issue(key: &str, summary: &str, status: &str, category: &str) -> Value {
    json!({
        "id": "10001", "key": key, "self": format!("{SITE}/rest/api/3/issue/10001"),
        "fields": {
            "summary": summary,
            "status": {"name": status, "statusCategory": {"id": 3, "key": category, "name": status}},
            "assignee": {"accountId": "5b10", "displayName": "Ada Lovelace"}
        }
    })
}

/// The fake Atlassian: code exchange, sites, myself, one issue for `token`.
async fn fake_atlassian(sites: Value) -> MockServer {
    let atl = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_partial_json(json!({
            "grant_type": "authorization_code", "code": "good-code",
            "client_id": "jira-client", "client_secret": "jira-secret"
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": ACCESS_1, "refresh_token": REFRESH_1, "expires_in": 3600,
            "scope": "read:jira-work read:jira-user offline_access", "token_type": "Bearer"
        })))
        .mount(&atl)
        .await;
    Mock::given(method("GET"))
        .and(path("/oauth/token/accessible-resources"))
        .respond_with(ResponseTemplate::new(200).set_body_json(sites))
        .mount(&atl)
        .await;
    Mock::given(method("GET"))
        .and(path_regex(r"^/ex/jira/[0-9a-f-]+/rest/api/3/myself$"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"accountId": "5b10", "displayName": "Ada Lovelace", "emailAddress": "ada@example.com"}),
        ))
        .mount(&atl)
        .await;
    atl
}

/// Serves `PAY-1` to requests bearing `token`.
async fn serve_issue(atl: &MockServer, token: &str, status: &str, category: &str) {
    Mock::given(method("GET"))
        .and(path(format!("/ex/jira/{CLOUD}/rest/api/3/issue/PAY-1")))
        .and(header("authorization", format!("Bearer {token}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(issue(
            "PAY-1",
            "Card retries",
            status,
            category,
        )))
        .mount(atl)
        .await;
}

async fn app_with(atl: &MockServer, extra: &[(&'static str, &str)]) -> TestApp {
    let mut vars = HashMap::from([
        ("JIRA_CLIENT_ID", "jira-client".to_string()),
        ("JIRA_CLIENT_SECRET", "jira-secret".to_string()),
        ("ATLASSIAN_AUTH_BASE", atl.uri()),
        ("ATLASSIAN_API_BASE", atl.uri()),
    ]);
    for (k, v) in extra {
        vars.insert(k, v.to_string());
    }
    TestApp::spawn_with(vars).await
}

async fn authorize(b: &Browser) -> String {
    let res = b.get("/api/oauth/jira/authorize").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let loc = res.headers()["location"].to_str().unwrap().to_string();
    let url = reqwest::Url::parse(&loc).unwrap();
    assert_eq!(url.path(), "/authorize");
    let q: HashMap<String, String> = url.query_pairs().into_owned().collect();
    assert_eq!(q["audience"], "api.atlassian.com");
    assert_eq!(q["client_id"], "jira-client");
    assert_eq!(q["response_type"], "code");
    assert_eq!(q["prompt"], "consent");
    assert!(
        q["scope"].split(' ').any(|s| s == "offline_access"),
        "{loc}"
    );
    assert!(
        q["scope"].split(' ').any(|s| s == "read:jira-work"),
        "{loc}"
    );
    assert!(
        q["redirect_uri"].ends_with("/api/oauth/jira/callback"),
        "{loc}"
    );
    q["state"].clone()
}

async fn connect(b: &Browser) -> String {
    let state = authorize(b).await;
    let res = b
        .get(&format!(
            "/api/oauth/jira/callback?code=good-code&state={state}"
        ))
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    res.headers()["location"].to_str().unwrap().to_string()
}

async fn raw_tokens(app: &TestApp) -> String {
    let row = app
        .db
        .query_one_raw(Statement::from_string(
            app.db.get_database_backend(),
            "SELECT access_token, refresh_token FROM oauth_connections WHERE provider = 'JIRA'",
        ))
        .await
        .unwrap()
        .unwrap();
    let a: String = row.try_get("", "access_token").unwrap();
    let r: Option<String> = row.try_get("", "refresh_token").unwrap();
    format!("{a} {}", r.unwrap_or_default())
}

/// Makes the stored access token expire now.
async fn expire(app: &TestApp) {
    use release_coordinator::server::db::entities::oauth_connection;
    use sea_orm::sea_query::Expr;
    use sea_orm::EntityTrait;
    oauth_connection::Entity::update_many()
        .col_expr(
            oauth_connection::Column::ExpiresAt,
            Expr::value(Some(chrono::Utc::now() - chrono::Duration::minutes(1))),
        )
        .exec(&app.db)
        .await
        .unwrap();
}

/// Links PAY-1 to the release (201) and answers the item.
async fn link_pay1(user: &Browser, items: &str) -> Value {
    json_of(
        user.post(
            items,
            &json!({"type": "JIRA_TICKET", "externalId": "PAY-1"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await
}

/// A team with a service (Jira project PAY) and a release: the items URL.
async fn release(user: &Browser) -> (String, String) {
    let svc = json_of(
        user.post(
            "/api/services",
            &json!({"name": "Pay", "jiraProjectKey": "PAY"}),
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

#[tokio::test]
async fn connecting_jira_stores_encrypted_tokens_and_the_site() {
    let atl = fake_atlassian(json!([site(CLOUD, "acme")])).await;
    let app = app_with(&atl, &[]).await;
    let (user, _, _) = app.owner_with_team("Acme").await;
    assert_eq!(connect(&user).await, "/settings/profile?connected=jira");
    let list = json_of(user.get("/api/oauth/connections").await, StatusCode::OK).await;
    assert_eq!(list[0]["provider"], "JIRA");
    assert_eq!(list[0]["accountName"], "Ada Lovelace");
    assert_eq!(list[0]["isValid"], true);
    assert_eq!(list[0]["site"]["url"], SITE);
    assert_eq!(list[0]["site"]["id"], CLOUD);
    let shown = list.to_string();
    assert!(!shown.contains(ACCESS_1) && !shown.contains(REFRESH_1));
    let raw = raw_tokens(&app).await;
    assert!(raw.starts_with("v1."), "{raw}");
    assert!(!raw.contains(ACCESS_1) && !raw.contains(REFRESH_1), "{raw}");
}

#[tokio::test]
async fn a_bad_state_stores_nothing_for_jira() {
    let atl = fake_atlassian(json!([site(CLOUD, "acme")])).await;
    let mut app = app_with(&atl, &[]).await;
    let (user, _, _) = app.owner_with_team("Acme").await;
    let (other, _, _) = app.owner_with_team("Other").await;
    for q in ["code=good-code", "code=good-code&state=forged"] {
        error_of(
            user.get(&format!("/api/oauth/jira/callback?{q}")).await,
            StatusCode::BAD_REQUEST,
        )
        .await;
    }
    let theirs = authorize(&other).await;
    error_of(
        user.get(&format!(
            "/api/oauth/jira/callback?code=good-code&state={theirs}"
        ))
        .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    let mine = authorize(&user).await;
    app.db
        .execute_unprepared("UPDATE oauth_states SET expires_at = created_at")
        .await
        .unwrap();
    error_of(
        user.get(&format!(
            "/api/oauth/jira/callback?code=good-code&state={mine}"
        ))
        .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    let list = json_of(user.get("/api/oauth/connections").await, StatusCode::OK).await;
    assert_eq!(list, json!([]));
    // The user said no at Atlassian.
    let res = user
        .get("/api/oauth/jira/callback?error=access_denied&state=x")
        .await;
    assert_eq!(
        res.headers()["location"],
        "/settings/profile?error=access_denied"
    );
    app.stop();
}

#[tokio::test]
async fn several_sites_wait_for_the_users_choice() {
    let other_cloud = "99999999-2222-3333-4444-555555555555";
    let atl = fake_atlassian(json!([site(other_cloud, "zeta"), site(CLOUD, "acme")])).await;
    serve_issue(&atl, ACCESS_1, "In Progress", "indeterminate").await;
    let app = app_with(&atl, &[]).await;
    let (user, _, _) = app.owner_with_team("Acme").await;
    assert_eq!(connect(&user).await, "/settings/profile?choose=jira");
    let list = json_of(user.get("/api/oauth/connections").await, StatusCode::OK).await;
    assert_eq!(list[0]["site"], Value::Null);
    let names: Vec<&str> = list[0]["siteChoices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["acme", "zeta"]);
    let (items, _) = release(&user).await;
    let msg = error_of(
        user.post(
            &items,
            &json!({"type": "JIRA_TICKET", "externalId": "PAY-1"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(msg.contains("choose your Jira site"), "{msg}");
    error_of(
        user.put("/api/oauth/jira/site", &json!({"cloudId": "not-mine"}))
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    let chosen = json_of(
        user.put("/api/oauth/jira/site", &json!({"cloudId": CLOUD}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(chosen["site"]["name"], "acme");
    assert_eq!(chosen["siteChoices"], json!([]));
    let item = json_of(
        user.post(
            &items,
            &json!({"type": "JIRA_TICKET", "externalId": "pay-1"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(item["externalId"], "PAY-1");
}

#[tokio::test]
async fn tickets_link_and_expired_tokens_refresh_with_rotation() {
    let atl = fake_atlassian(json!([site(CLOUD, "acme")])).await;
    serve_issue(&atl, ACCESS_1, "In Progress", "indeterminate").await;
    // Refresh #1 must present REFRESH_1 and gets the next pair…
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_partial_json(
            json!({"grant_type": "refresh_token", "refresh_token": REFRESH_1,
                                      "client_id": "jira-client", "client_secret": "jira-secret"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": ACCESS_2, "refresh_token": REFRESH_2, "expires_in": 3600,
            "scope": "read:jira-work read:jira-user offline_access", "token_type": "Bearer"
        })))
        .expect(1)
        .mount(&atl)
        .await;
    // …and #2 must present the rotated REFRESH_2 (REFRESH_1 is dead).
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_partial_json(
            json!({"grant_type": "refresh_token", "refresh_token": REFRESH_2}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": ACCESS_3, "refresh_token": "atl-refresh-THREE", "expires_in": 3600
        })))
        .expect(1)
        .mount(&atl)
        .await;
    serve_issue(&atl, ACCESS_2, "In Review", "indeterminate").await;
    serve_issue(&atl, ACCESS_3, "Done", "done").await;
    let app = app_with(&atl, &[]).await;
    let (user, _, _) = app.owner_with_team("Acme").await;
    let (items, _) = release(&user).await;
    let msg = error_of(
        user.post(
            &items,
            &json!({"type": "JIRA_TICKET", "externalId": "PAY-1"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(msg.contains("connect Jira"), "{msg}");
    connect(&user).await;
    let item = link_pay1(&user, &items).await;
    assert_eq!(item["title"], "Card retries");
    assert_eq!(item["status"], "In Progress");
    assert_eq!(item["statusCategory"], "indeterminate");
    assert_eq!(item["assignee"], "Ada Lovelace");
    assert_eq!(item["url"], format!("{SITE}/browse/PAY-1"));
    error_of(
        user.post(
            &items,
            &json!({"type": "JIRA_TICKET", "externalId": "PAY 1"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    let sync = format!("{items}/{}/sync", item["id"].as_str().unwrap());
    // The access token expires: the sync refreshes first, with REFRESH_1.
    expire(&app).await;
    let synced = json_of(user.post_empty(&sync).await, StatusCode::OK).await;
    assert_eq!(synced["status"], "In Review");
    let raw = raw_tokens(&app).await;
    assert!(!raw.contains(ACCESS_2) && !raw.contains(REFRESH_2), "{raw}");
    // Again: now with the rotated REFRESH_2.
    expire(&app).await;
    let synced = json_of(user.post_empty(&sync).await, StatusCode::OK).await;
    assert_eq!(synced["status"], "Done");
    assert_eq!(synced["statusCategory"], "done");
    // The status change reached the release's feed.
    let rid = items.split('/').nth(3).unwrap();
    let acts = json_of(
        user.get(&format!("/api/releases/{rid}/activities")).await,
        StatusCode::OK,
    )
    .await;
    let text = acts.to_string();
    assert!(text.contains("Jira: PAY-1 is now Done"), "{text}");
    assert!(text.contains("ITEM_ADDED"), "{text}");
    atl.verify().await;
}

#[tokio::test]
async fn concurrent_requests_refresh_once() {
    let atl = fake_atlassian(json!([site(CLOUD, "acme")])).await;
    serve_issue(&atl, ACCESS_1, "In Progress", "indeterminate").await;
    serve_issue(&atl, ACCESS_2, "In Review", "indeterminate").await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_partial_json(json!({"grant_type": "refresh_token", "refresh_token": REFRESH_1})))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": ACCESS_2, "refresh_token": REFRESH_2, "expires_in": 3600}))
                .set_delay(std::time::Duration::from_millis(300)),
        )
        .expect(1)
        .mount(&atl)
        .await;
    let app = app_with(&atl, &[]).await;
    let (user, _, _) = app.owner_with_team("Acme").await;
    let (items, _) = release(&user).await;
    connect(&user).await;
    let item = link_pay1(&user, &items).await;
    expire(&app).await;
    let sync = format!("{items}/{}/sync", item["id"].as_str().unwrap());
    let calls = (0..5).map(|_| user.post_empty(&sync));
    for res in futures::future::join_all(calls).await {
        let body = json_of(res, StatusCode::OK).await;
        assert_eq!(body["status"], "In Review");
    }
    atl.verify().await;
}

#[tokio::test]
async fn a_refused_refresh_marks_the_connection_invalid() {
    let atl = fake_atlassian(json!([site(CLOUD, "acme")])).await;
    serve_issue(&atl, ACCESS_1, "In Progress", "indeterminate").await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_partial_json(json!({"grant_type": "refresh_token"})))
        .respond_with(ResponseTemplate::new(403).set_body_json(
            json!({"error": "invalid_grant", "error_description": "Unknown or invalid refresh token."}),
        ))
        .mount(&atl)
        .await;
    let app = app_with(&atl, &[]).await;
    let (user, _, _) = app.owner_with_team("Acme").await;
    let (items, _) = release(&user).await;
    connect(&user).await;
    let item = link_pay1(&user, &items).await;
    expire(&app).await;
    let sync = format!("{items}/{}/sync", item["id"].as_str().unwrap());
    let msg = error_of(user.post_empty(&sync).await, StatusCode::BAD_REQUEST).await;
    assert!(msg.contains("reconnect Jira"), "{msg}");
    assert!(msg.contains("invalid_grant"), "{msg}");
    assert!(!msg.contains(REFRESH_1));
    let list = json_of(user.get("/api/oauth/connections").await, StatusCode::OK).await;
    assert_eq!(list[0]["isValid"], false);
    assert!(
        list[0]["lastError"]
            .as_str()
            .unwrap()
            .contains("invalid_grant"),
        "{list}"
    );
    // The item keeps its last known state and says why it could not sync.
    let listed = json_of(user.get(&items).await, StatusCode::OK).await;
    assert_eq!(listed["items"][0]["status"], "In Progress");
    assert!(listed["items"][0]["syncError"]
        .as_str()
        .unwrap()
        .contains("reconnect Jira"));
    // Reconnecting makes it valid again.
    connect(&user).await;
    let list = json_of(user.get("/api/oauth/connections").await, StatusCode::OK).await;
    assert_eq!(list[0]["isValid"], true);
}

#[tokio::test]
async fn search_escapes_text_and_wraps_user_jql() {
    let atl = fake_atlassian(json!([site(CLOUD, "acme")])).await;
    let search = format!("/ex/jira/{CLOUD}/rest/api/3/search/jql");
    let hostile = r#"x" OR project = SECRET OR text ~ "y"#;
    let want_text =
        r#"project = PAY AND text ~ "x\" OR project = SECRET OR text ~ \"y" ORDER BY updated DESC"#;
    Mock::given(method("GET"))
        .and(path(search.as_str()))
        .and(query_param("jql", want_text))
        .and(query_param("fields", "summary,status,assignee"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "issues": [issue("PAY-7", "Checkout \"quotes\"", "To Do", "new")],
            "isLast": true
        })))
        .expect(1)
        .mount(&atl)
        .await;
    let want_jql =
        "project = PAY AND (status = Done OR assignee = currentUser()) ORDER BY updated DESC";
    Mock::given(method("GET"))
        .and(path(search.as_str()))
        .and(query_param("jql", want_jql))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"issues": [], "isLast": true})),
        )
        .expect(1)
        .mount(&atl)
        .await;
    Mock::given(method("GET"))
        .and(path(search.as_str()))
        .and(query_param(
            "jql",
            "project = OPS AND text ~ \"deploy\" ORDER BY updated DESC",
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"issues": [], "isLast": true})),
        )
        .expect(1)
        .mount(&atl)
        .await;
    let app = app_with(&atl, &[]).await;
    let (user, _, _) = app.owner_with_team("Acme").await;
    let (_, svc) = release(&user).await;
    connect(&user).await;
    let q = |params: &[(&str, &str)]| {
        let qs: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params)
            .finish();
        format!("/api/integrations/jira/search?{qs}")
    };
    // Text: one quoted string, the project from the service.
    let found = json_of(
        user.get(&q(&[("q", hostile), ("serviceId", &svc)])).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(found["query"], want_text);
    assert_eq!(found["items"][0]["externalId"], "PAY-7");
    assert_eq!(found["items"][0]["type"], "JIRA_TICKET");
    assert_eq!(found["items"][0]["statusCategory"], "new");
    assert_eq!(found["items"][0]["url"], format!("{SITE}/browse/PAY-7"));
    // User JQL: parenthesised and ANDed with the project.
    let found = json_of(
        user.get(&q(&[
            ("jql", "status = Done OR assignee = currentUser()"),
            ("serviceId", &svc),
        ]))
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(found["query"], want_jql);
    // An explicit project wins over the service's.
    json_of(
        user.get(&q(&[
            ("q", "deploy"),
            ("project", "OPS"),
            ("serviceId", &svc),
        ]))
        .await,
        StatusCode::OK,
    )
    .await;
    // JQL that would close the wrapping early never reaches Jira.
    for bad in [
        "status = Done) OR (project = SECRET",
        "(status = Done",
        "summary ~ \"open",
    ] {
        let msg = error_of(
            user.get(&q(&[("jql", bad), ("serviceId", &svc)])).await,
            StatusCode::BAD_REQUEST,
        )
        .await;
        assert!(msg.contains("JQL") || msg.contains("parenthesis"), "{msg}");
    }
    // No project anywhere and plain text: refused (Jira refuses unbounded JQL).
    error_of(
        user.get(&q(&[("q", "login")])).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    error_of(
        user.get(&q(&[("q", "x"), ("project", "pay\" OR 1=1")]))
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    atl.verify().await;
}

fn sign(secret: &str, body: &[u8]) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    let bytes = mac.finalize().into_bytes();
    format!(
        "sha256={}",
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    )
}

#[tokio::test]
async fn signed_jira_webhooks_update_linked_tickets() {
    let atl = fake_atlassian(json!([site(CLOUD, "acme")])).await;
    serve_issue(&atl, ACCESS_1, "In Progress", "indeterminate").await;
    let app = app_with(&atl, &[("JIRA_WEBHOOK_SECRET", "jira-hook-secret")]).await;
    let (user, _, _) = app.owner_with_team("Acme").await;
    let (items, _) = release(&user).await;
    connect(&user).await;
    link_pay1(&user, &items).await;
    let now_ms = chrono::Utc::now().timestamp_millis();
    let event_at = |site: &str, timestamp: i64| {
        serde_json::to_vec(&json!({
            "timestamp": timestamp,
            "webhookEvent": "jira:issue_updated",
            "issue_event_type_name": "issue_generic",
            "user": {"accountId": "5b10", "displayName": "Ada Lovelace"},
            "issue": {
                "id": "10001", "key": "PAY-1", "self": format!("{site}/rest/api/2/issue/10001"),
                "fields": {
                    "summary": "Card retries",
                    "status": {"name": "Done", "statusCategory": {"key": "done"}},
                    "assignee": null
                }
            },
            "changelog": {"items": [{"field": "status", "fromString": "In Progress", "toString": "Done"}]}
        }))
        .unwrap()
    };
    let event = |site: &str| event_at(site, now_ms);
    let body = event(SITE);
    let client = reqwest::Client::new();
    let post = |sig: Option<String>, body: Vec<u8>| {
        let mut req = client
            .post(app.url("/api/webhooks/jira"))
            .header("content-type", "application/json")
            .body(body);
        if let Some(s) = sig {
            req = req.header("x-hub-signature", s);
        }
        req.send()
    };
    // Unsigned and wrongly signed: 401, nothing changes.
    assert_eq!(
        post(None, body.clone()).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        post(Some(sign("wrong-secret", &body)), body.clone())
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let listed = json_of(user.get(&items).await, StatusCode::OK).await;
    assert_eq!(listed["items"][0]["status"], "In Progress");
    // The same key on another Jira site is another issue: untouched.
    let foreign = event("https://other.atlassian.net");
    let res = post(Some(sign("jira-hook-secret", &foreign)), foreign)
        .await
        .unwrap();
    assert_eq!(json_of(res, StatusCode::OK).await["updated"], 0);
    // Signed, but sent long ago (a captured delivery played back): refused.
    let old = event_at(SITE, now_ms - 10 * 24 * 3600 * 1000);
    let res = post(Some(sign("jira-hook-secret", &old)), old)
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    // Signed: the ticket is Done, and the feed says so.
    let res = post(Some(sign("jira-hook-secret", &body)), body.clone())
        .await
        .unwrap();
    assert_eq!(json_of(res, StatusCode::OK).await["updated"], 1);
    // The same delivery again: refused, nothing changes.
    let res = post(Some(sign("jira-hook-secret", &body)), body)
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let listed = json_of(user.get(&items).await, StatusCode::OK).await;
    assert_eq!(listed["items"][0]["status"], "Done");
    assert_eq!(listed["items"][0]["statusCategory"], "done");
    assert_eq!(listed["items"][0]["assignee"], Value::Null);
    let feed = json_of(user.get("/api/activities").await, StatusCode::OK).await;
    assert!(feed.to_string().contains("Jira: PAY-1 is now Done"));
}

#[tokio::test]
async fn without_a_jira_app_the_server_says_which_variables() {
    let app = TestApp::spawn().await;
    let (user, _, _) = app.owner_with_team("Acme").await;
    let msg = error_of(
        user.get("/api/oauth/jira/authorize").await,
        StatusCode::SERVICE_UNAVAILABLE,
    )
    .await;
    assert!(msg.contains("JIRA_CLIENT_ID"), "{msg}");
    // Linking and searching say the same, instead of "connect Jira first".
    let (items, svc) = release(&user).await;
    let msg = error_of(
        user.post(
            &items,
            &json!({"type": "JIRA_TICKET", "externalId": "PAY-1"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(msg.contains("not set up on this server"), "{msg}");
    let msg = error_of(
        user.get(&format!(
            "/api/integrations/jira/search?q=x&serviceId={svc}"
        ))
        .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(msg.contains("JIRA_CLIENT_ID"), "{msg}");
}

#[tokio::test]
async fn a_401_after_a_forced_refresh_marks_the_connection_invalid() {
    let atl = fake_atlassian(json!([site(CLOUD, "acme")])).await;
    serve_issue(&atl, ACCESS_1, "In Progress", "indeterminate").await;
    // The refresh works, but Jira still refuses the new token: revoked access.
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_partial_json(json!({"grant_type": "refresh_token"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"access_token": ACCESS_2, "refresh_token": REFRESH_2, "expires_in": 3600}),
        ))
        .expect(1)
        .mount(&atl)
        .await;
    let app = app_with(&atl, &[]).await;
    let (user, _, _) = app.owner_with_team("Acme").await;
    let (items, _) = release(&user).await;
    connect(&user).await;
    let item = link_pay1(&user, &items).await;
    Mock::given(method("GET"))
        .and(path(format!("/ex/jira/{CLOUD}/rest/api/3/issue/PAY-1")))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(
                json!({"code": 401, "message": "Unauthorized; scope does not match"}),
            ),
        )
        .with_priority(1)
        .mount(&atl)
        .await;
    let sync = format!("{items}/{}/sync", item["id"].as_str().unwrap());
    let msg = error_of(user.post_empty(&sync).await, StatusCode::BAD_REQUEST).await;
    assert!(msg.contains("reconnect Jira"), "{msg}");
    let list = json_of(user.get("/api/oauth/connections").await, StatusCode::OK).await;
    assert_eq!(list[0]["isValid"], false);
    assert!(list[0]["lastError"].as_str().unwrap().contains("401"));
    // Searching says so too, without calling Jira.
    let msg = error_of(
        user.get("/api/integrations/jira/search?q=x&project=PAY")
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(msg.contains("reconnect Jira"), "{msg}");
    atl.verify().await;
}

#[tokio::test]
async fn a_gated_move_reads_the_ticket_as_jira_says_it_now() {
    let atl = fake_atlassian(json!([site(CLOUD, "acme")])).await;
    serve_issue(&atl, ACCESS_1, "In Progress", "indeterminate").await;
    let app = app_with(&atl, &[]).await;
    let (user, _, _) = app.owner_with_team("Acme").await;
    let (items, _) = release(&user).await;
    connect(&user).await;
    link_pay1(&user, &items).await;
    let release = items.trim_end_matches("/items").to_string();
    json_of(
        user.put(
            "/api/team/policy",
            &json!({"rules": [{"toStatus": "IN_DEVELOPMENT", "requireItemsDone": true}]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let err = error_of(
        user.patch(&release, &json!({"status": "IN_DEVELOPMENT"}))
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(err, "cannot move to In development: PAY-1 is not done");

    // Jira now says Done, and the cached state is older than the sync
    // interval: the move refreshes it first, through the mover's connection.
    Mock::given(method("GET"))
        .and(path(format!("/ex/jira/{CLOUD}/rest/api/3/issue/PAY-1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(issue(
            "PAY-1",
            "Card retries",
            "Done",
            "done",
        )))
        .with_priority(1)
        .mount(&atl)
        .await;
    app.db
        .execute_unprepared(&format!(
            "UPDATE release_items SET last_synced_at = '{}'",
            (chrono::Utc::now() - chrono::Duration::hours(2)).format("%Y-%m-%d %H:%M:%S%:z")
        ))
        .await
        .unwrap();
    let moved = json_of(
        user.patch(&release, &json!({"status": "IN_DEVELOPMENT"}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(moved["status"], "IN_DEVELOPMENT");
}
