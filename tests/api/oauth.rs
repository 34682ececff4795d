//! The GitHub OAuth dance through the real routes, against a wiremock fake
//! of GitHub: `state` bound to the user, single use and short-lived; the
//! token stored encrypted and never shown.

use crate::helpers::{error_of, json_of, Browser, TestApp};
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;
use std::collections::HashMap;
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub(crate) const TOKEN: &str = "gho_plaintextTOKEN123456789";

pub(crate) async fn fake_github() -> MockServer {
    let gh = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/login/oauth/access_token"))
        .and(body_string_contains("code=good-code"))
        .and(body_string_contains("client_secret=gh-secret"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"access_token": TOKEN, "scope": "repo", "token_type": "bearer"}),
            ),
        )
        .mount(&gh)
        .await;
    Mock::given(method("POST"))
        .and(path("/login/oauth/access_token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"error": "bad_verification_code", "error_description": "The code passed is incorrect or expired."}),
        ))
        .mount(&gh)
        .await;
    Mock::given(method("GET"))
        .and(path("/user"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"login": "octo-ada", "id": 4242})),
        )
        .mount(&gh)
        .await;
    gh
}

async fn app_with(gh: &MockServer) -> TestApp {
    TestApp::spawn_with(HashMap::from([
        ("GITHUB_CLIENT_ID", "gh-client".to_string()),
        ("GITHUB_CLIENT_SECRET", "gh-secret".to_string()),
        ("GITHUB_OAUTH_BASE", gh.uri()),
        ("GITHUB_API_BASE", gh.uri()),
    ]))
    .await
}

/// Follows `authorize` and returns the `state` GitHub would send back.
async fn authorize(b: &Browser) -> String {
    let res = b.get("/api/oauth/github/authorize").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let loc = res.headers()["location"].to_str().unwrap().to_string();
    assert!(
        loc.contains("/login/oauth/authorize?client_id=gh-client"),
        "{loc}"
    );
    assert!(loc.contains("scope=repo"), "{loc}");
    assert!(loc.contains("redirect_uri="), "{loc}");
    let url = reqwest::Url::parse(&loc).unwrap();
    url.query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.to_string())
        .expect("state")
}

#[tokio::test]
async fn connecting_github_stores_an_encrypted_token() {
    let gh = fake_github().await;
    let app = app_with(&gh).await;
    let (user, _, _) = app.owner_with_team("Acme").await;
    let state = authorize(&user).await;
    let res = user
        .get(&format!(
            "/api/oauth/github/callback?code=good-code&state={state}"
        ))
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        res.headers()["location"],
        "/settings/profile?connected=github"
    );
    let list = json_of(user.get("/api/oauth/connections").await, StatusCode::OK).await;
    assert_eq!(list[0]["provider"], "GITHUB");
    assert_eq!(list[0]["accountName"], "octo-ada");
    assert_eq!(list[0]["isValid"], true);
    assert!(!list.to_string().contains(TOKEN));
    // The raw database holds only ciphertext with a key id.
    let row = app
        .db
        .query_one_raw(Statement::from_string(
            app.db.get_database_backend(),
            "SELECT access_token FROM oauth_connections",
        ))
        .await
        .unwrap()
        .unwrap();
    let stored: String = row.try_get("", "access_token").unwrap();
    assert!(
        !stored.contains(TOKEN) && stored.starts_with("v1."),
        "{stored}"
    );
    // The state was single use.
    error_of(
        user.get(&format!(
            "/api/oauth/github/callback?code=good-code&state={state}"
        ))
        .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    // Disconnect.
    assert_eq!(
        user.delete("/api/oauth/connections/github").await.status(),
        StatusCode::NO_CONTENT
    );
    let list = json_of(user.get("/api/oauth/connections").await, StatusCode::OK).await;
    assert_eq!(list, json!([]));
}

#[tokio::test]
async fn a_missing_wrong_foreign_or_expired_state_stores_nothing() {
    let gh = fake_github().await;
    let app = app_with(&gh).await;
    let (user, _, _) = app.owner_with_team("Acme").await;
    let (other, _, _) = app.owner_with_team("Other").await;
    error_of(
        user.get("/api/oauth/github/callback?code=good-code").await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    error_of(
        user.get("/api/oauth/github/callback?code=good-code&state=made-up")
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    // Someone else's state.
    let theirs = authorize(&other).await;
    error_of(
        user.get(&format!(
            "/api/oauth/github/callback?code=good-code&state={theirs}"
        ))
        .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    // Expired.
    let mine = authorize(&user).await;
    app.db
        .execute_unprepared("UPDATE oauth_states SET expires_at = created_at")
        .await
        .unwrap();
    error_of(
        user.get(&format!(
            "/api/oauth/github/callback?code=good-code&state={mine}"
        ))
        .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    let rows = app
        .db
        .query_one_raw(Statement::from_string(
            app.db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM oauth_connections",
        ))
        .await
        .unwrap()
        .unwrap();
    let n: i64 = rows.try_get("", "n").unwrap();
    assert_eq!(n, 0);
    // A code GitHub refuses, and a user who said no, land back in settings.
    let state = authorize(&user).await;
    let res = user
        .get(&format!(
            "/api/oauth/github/callback?code=stale&state={state}"
        ))
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        res.headers()["location"],
        "/settings/profile?error=github_unavailable"
    );
    let res = user
        .get("/api/oauth/github/callback?error=access_denied&state=x")
        .await;
    assert_eq!(
        res.headers()["location"],
        "/settings/profile?error=access_denied"
    );
    // Signed out: 401.
    let anon = app.browser();
    assert_eq!(
        anon.get("/api/oauth/connections").await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn without_a_github_app_the_server_says_so() {
    let app = TestApp::spawn().await;
    let (user, _, _) = app.owner_with_team("Acme").await;
    let msg = error_of(
        user.get("/api/oauth/github/authorize").await,
        StatusCode::SERVICE_UNAVAILABLE,
    )
    .await;
    assert!(msg.contains("GITHUB_CLIENT_ID"), "{msg}");
}

/// Connects `user` to the fake GitHub through the real routes.
pub(crate) async fn connect(user: &Browser) {
    let state = authorize(user).await;
    let res = user
        .get(&format!(
            "/api/oauth/github/callback?code=good-code&state={state}"
        ))
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn pull_requests_link_through_the_callers_connection() {
    let gh = fake_github().await;
    Mock::given(method("GET"))
        .and(path("/repos/acme/pay/pulls/42"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "title": "Retry webhooks", "state": "closed", "merged_at": "2026-11-20T10:00:00Z",
            "draft": false, "html_url": "https://github.com/acme/pay/pull/42", "user": {"login": "octo-ada"}
        })))
        .mount(&gh)
        .await;
    Mock::given(method("GET"))
        .and(path("/repos/acme/pay/pulls/404"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"message": "Not Found"})))
        .mount(&gh)
        .await;
    let app = app_with(&gh).await;
    let (user, _, _) = app.owner_with_team("Acme").await;
    let svc = json_of(
        user.post("/api/services", &json!({"name": "Pay"})).await,
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
    let rid = rel["id"].as_str().unwrap();
    let items = format!("/api/releases/{rid}/items");
    // Not connected yet.
    let msg = error_of(
        user.post(
            &items,
            &json!({"type": "GITHUB_PR", "externalId": "acme/pay#42"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(msg.contains("connect GitHub"), "{msg}");
    connect(&user).await;
    let item = json_of(
        user.post(
            &items,
            &json!({"type": "GITHUB_PR", "externalId": "https://github.com/acme/pay/pull/42"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(item["externalId"], "acme/pay#42");
    assert_eq!(item["title"], "Retry webhooks");
    assert_eq!(item["status"], "merged");
    assert_eq!(item["assignee"], "octo-ada");
    // Built from the reference on the configured GitHub (here the fake).
    assert_eq!(
        item["url"],
        format!("{}/acme/pay/pull/42", gh.uri()).as_str()
    );
    error_of(
        user.post(
            &items,
            &json!({"type": "GITHUB_PR", "externalId": "acme/pay#42"}),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    error_of(
        user.post(
            &items,
            &json!({"type": "GITHUB_PR", "externalId": "not a pr"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    error_of(
        user.post(
            &items,
            &json!({"type": "GITHUB_PR", "externalId": "acme/pay#404"}),
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let list = json_of(user.get(&items).await, StatusCode::OK).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    let acts = json_of(
        user.get(&format!("/api/releases/{rid}/activities")).await,
        StatusCode::OK,
    )
    .await;
    assert!(acts["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["type"] == "ITEM_ADDED"));
    // Another team sees nothing.
    let (other, _, _) = app.owner_with_team("Other").await;
    error_of(other.get(&items).await, StatusCode::NOT_FOUND).await;
    // GitHub revokes the token: sync says so and the connection turns invalid.
    Mock::given(method("GET"))
        .and(path("/repos/acme/pay/pulls/42"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(json!({"message": "Bad credentials"})),
        )
        .with_priority(1)
        .mount(&gh)
        .await;
    let item_id = item["id"].as_str().unwrap();
    let msg = error_of(
        user.post_empty(&format!("{items}/{item_id}/sync")).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(msg.contains("reconnect GitHub"), "{msg}");
    let conns = json_of(user.get("/api/oauth/connections").await, StatusCode::OK).await;
    assert_eq!(conns[0]["isValid"], false);
    assert!(conns[0]["lastError"].as_str().unwrap().contains("401"));
    // Unlink.
    assert_eq!(
        user.delete(&format!("{items}/{item_id}")).await.status(),
        StatusCode::NO_CONTENT
    );
    let acts = json_of(
        user.get(&format!("/api/releases/{rid}/activities")).await,
        StatusCode::OK,
    )
    .await;
    assert!(acts["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["type"] == "ITEM_REMOVED"));
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
async fn signed_github_webhooks_update_linked_pull_requests() {
    let gh = fake_github().await;
    Mock::given(method("GET"))
        .and(path("/repos/acme/pay/pulls/9"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "title": "Open PR", "state": "open", "merged_at": null, "draft": false,
            "html_url": "https://github.com/acme/pay/pull/9", "user": {"login": "octo-ada"}
        })))
        .mount(&gh)
        .await;
    let app = TestApp::spawn_with(HashMap::from([
        ("GITHUB_CLIENT_ID", "gh-client".to_string()),
        ("GITHUB_CLIENT_SECRET", "gh-secret".to_string()),
        ("GITHUB_OAUTH_BASE", gh.uri()),
        ("GITHUB_API_BASE", gh.uri()),
        ("GITHUB_WEBHOOK_SECRET", "hook-secret".to_string()),
    ]))
    .await;
    let (user, _, _) = app.owner_with_team("Acme").await;
    connect(&user).await;
    // The repository is named on the service: that is what binds the
    // webhook's events to this team.
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
    let items = format!("/api/releases/{}/items", rel["id"].as_str().unwrap());
    json_of(
        user.post(
            &items,
            &json!({"type": "GITHUB_PR", "externalId": "acme/pay#9"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    // Another team links the same pull request to a service of another
    // repository: a delivery about acme/pay is not theirs to receive.
    let (other, _, _) = app.owner_with_team("Other").await;
    connect(&other).await;
    let other_svc = json_of(
        other
            .post(
                "/api/services",
                &json!({"name": "Theirs", "githubRepo": "them/app"}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    let other_rel = json_of(
        other
            .post(
                "/api/releases",
                &json!({"serviceId": other_svc["id"], "title": "Theirs", "version": "1"}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    let other_items = format!("/api/releases/{}/items", other_rel["id"].as_str().unwrap());
    json_of(
        other
            .post(
                &other_items,
                &json!({"type": "GITHUB_PR", "externalId": "acme/pay#9"}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    let body = serde_json::to_vec(&json!({
        "action": "closed", "number": 9,
        "repository": {"full_name": "acme/pay"},
        "pull_request": {"title": "Open PR, merged", "state": "closed", "merged_at": "2026-11-26T12:00:00Z",
                         "draft": false, "html_url": "javascript:alert(document.cookie)", "user": {"login": "octo-ada"}}
    }))
    .unwrap();
    let post_with = |sig: Option<String>, delivery: &str, body: Vec<u8>| {
        let mut req = app
            .client
            .post(app.url("/api/webhooks/github"))
            .header("x-github-event", "pull_request")
            .header("x-github-delivery", delivery)
            .header("content-type", "application/json")
            .body(body);
        if let Some(s) = sig {
            req = req.header("x-hub-signature-256", s);
        }
        req.send()
    };
    let post = |sig: Option<String>| post_with(sig, "delivery-1", body.clone());
    assert_eq!(post(None).await.unwrap().status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        post(Some(sign("wrong-secret", &body)))
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let still = json_of(user.get(&items).await, StatusCode::OK).await;
    assert_eq!(still["items"][0]["status"], "open");
    let res = post(Some(sign("hook-secret", &body))).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let now = json_of(user.get(&items).await, StatusCode::OK).await;
    assert_eq!(now["items"][0]["status"], "merged");
    assert_eq!(now["items"][0]["title"], "Open PR, merged");
    // The link is built from the repository and number, never taken.
    assert_eq!(
        now["items"][0]["url"],
        format!("{}/acme/pay/pull/9", gh.uri()).as_str()
    );
    let theirs = json_of(other.get(&other_items).await, StatusCode::OK).await;
    assert_eq!(
        theirs["items"][0]["status"], "open",
        "another repository's team is untouched"
    );
    // A replay — the same delivery, or the same signed body under a new
    // delivery id — is refused and changes nothing.
    assert_eq!(
        post(Some(sign("hook-secret", &body)))
            .await
            .unwrap()
            .status(),
        StatusCode::CONFLICT
    );
    assert_eq!(
        post_with(Some(sign("hook-secret", &body)), "delivery-2", body.clone())
            .await
            .unwrap()
            .status(),
        StatusCode::CONFLICT
    );
    // A delivery about a pull request last updated long ago is refused.
    let stale = serde_json::to_vec(&json!({
        "action": "reopened", "number": 9,
        "repository": {"full_name": "acme/pay"},
        "pull_request": {"title": "Old", "state": "open", "merged_at": null, "draft": false,
                         "updated_at": "2020-01-01T00:00:00Z", "user": {"login": "octo-ada"}}
    }))
    .unwrap();
    assert_eq!(
        post_with(
            Some(sign("hook-secret", &stale)),
            "delivery-3",
            stale.clone()
        )
        .await
        .unwrap()
        .status(),
        StatusCode::BAD_REQUEST
    );
    let still = json_of(user.get(&items).await, StatusCode::OK).await;
    assert_eq!(still["items"][0]["status"], "merged");
}
