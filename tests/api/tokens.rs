//! Team API tokens (`API.md`, "API tokens"): minted once and stored hashed,
//! a role never above the creator's, 401 with `WWW-Authenticate: Bearer`
//! for unknown, revoked and expired ones, 403 on a person's routes, exempt
//! from the Origin check, bearer over cookie, `lastUsedAt` kept without a
//! write per request, and activity that names the token.

use crate::helpers::{error_of, json_of, Script, TestApp};
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;

async fn service(b: &crate::helpers::Browser, name: &str) -> serde_json::Value {
    json_of(
        b.post("/api/services", &json!({"name": name})).await,
        StatusCode::CREATED,
    )
    .await
}

#[tokio::test]
async fn a_token_is_shown_once_stored_hashed_and_acts_on_its_team_with_its_role() {
    let app = TestApp::spawn().await;
    let (owner, owner_user, team_id) = app.owner_with_team("Acme").await;
    let svc = service(&owner, "Payments").await;

    let created = json_of(
        owner
            .post(
                "/api/team/api-tokens",
                &json!({"name": "CI deploy", "role": "MEMBER", "expiresInDays": 30}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    let token = created["token"].as_str().unwrap().to_string();
    assert!(token.starts_with("rc_"), "{token}");
    // 32 random bytes at least: 43 characters of base64url.
    assert!(token.len() >= 3 + 43, "{token}");
    assert_eq!(created["prefix"], json!(&token[3..11]));
    assert_eq!(created["role"], "MEMBER");
    assert_eq!(created["name"], "CI deploy");
    assert!(created["expiresAt"].is_string());
    assert!(created["createdAt"].is_string());

    // Only its hash is stored: the secret is nowhere in the database.
    let rows = app
        .db
        .query_all_raw(Statement::from_string(
            app.db.get_database_backend(),
            "SELECT token_hash, prefix FROM api_tokens",
        ))
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    let hash: String = rows[0].try_get("", "token_hash").unwrap();
    assert_ne!(hash, token);
    assert!(!hash.contains(&token[3..]));

    // The list never shows a token, and says who created it.
    let list = json_of(owner.get("/api/team/api-tokens").await, StatusCode::OK).await;
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    let listed = &items[0];
    assert!(listed.get("token").is_none(), "{listed}");
    assert!(!list.to_string().contains(&token[3..]));
    assert_eq!(listed["createdBy"], json!(owner_user.name));
    assert_eq!(listed["lastUsedAt"], json!(null));
    assert_eq!(listed["revokedAt"], json!(null));

    // The token acts on its team with its role: MEMBER creates releases…
    let ci = Script::new(&app, &token);
    let r = json_of(
        ci.post(
            "/api/releases",
            &json!({"serviceId": svc["id"], "title": "Checkout", "version": "1.0.0"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(r["teamId"], json!(team_id));
    // …but is not an ADMIN.
    let refused = error_of(
        ci.post("/api/services", &json!({"name": "Nope"})).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert!(refused.contains("Member"), "{refused}");

    // Activity written by a token names it.
    let feed = json_of(ci.get("/api/activities").await, StatusCode::OK).await;
    let entry = &feed["items"][0];
    assert_eq!(entry["userName"], "CI deploy (token)", "{entry}");
    assert_eq!(entry["userId"], json!(null));
    assert!(
        entry["description"]
            .as_str()
            .unwrap()
            .starts_with("CI deploy (token) created Checkout 1.0.0"),
        "{entry}"
    );

    // lastUsedAt is kept.
    let list = json_of(owner.get("/api/team/api-tokens").await, StatusCode::OK).await;
    assert!(list["items"][0]["lastUsedAt"].is_string(), "{list}");
}

#[tokio::test]
async fn a_token_role_is_never_above_its_creator_and_only_admins_manage_tokens() {
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Acme").await;
    let (admin, _) = app.member_with_role(&owner, "ADMIN").await;
    let (member, _) = app.member_with_role(&owner, "MEMBER").await;

    for role in ["ADMIN", "MEMBER", "VIEWER"] {
        json_of(
            admin
                .post("/api/team/api-tokens", &json!({"name": role, "role": role}))
                .await,
            StatusCode::CREATED,
        )
        .await;
    }
    // No token owns a team, not even one an OWNER mints.
    error_of(
        owner
            .post(
                "/api/team/api-tokens",
                &json!({"name": "x", "role": "OWNER"}),
            )
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    error_of(
        member
            .post(
                "/api/team/api-tokens",
                &json!({"name": "x", "role": "VIEWER"}),
            )
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    error_of(
        member.get("/api/team/api-tokens").await,
        StatusCode::FORBIDDEN,
    )
    .await;

    // Bad input: a clear 400 that names the field, and nothing is created.
    for (body, field) in [
        (json!({"name": "", "role": "VIEWER"}), "name"),
        (json!({"name": "x", "role": "ROOT"}), "role"),
        (
            json!({"name": "x", "role": "VIEWER", "expiresInDays": 0}),
            "expiresInDays",
        ),
        (
            json!({"name": "x", "role": "VIEWER", "expiresInDays": 99999}),
            "expiresInDays",
        ),
    ] {
        let res = owner.post("/api/team/api-tokens", &body).await;
        let err = json_of(res, StatusCode::BAD_REQUEST).await;
        assert!(
            err["error"].as_str().unwrap().contains(field) || err["fields"].get(field).is_some(),
            "{body} → {err}"
        );
    }
    let list = json_of(owner.get("/api/team/api-tokens").await, StatusCode::OK).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn unknown_revoked_and_expired_tokens_get_401_with_www_authenticate() {
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Acme").await;
    let token = owner.mint_token("CI", "VIEWER").await;
    let ci = Script::new(&app, &token);
    json_of(ci.get("/api/releases").await, StatusCode::OK).await;

    let check_refused = |res: reqwest::Response| async move {
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(
            res.headers()
                .get("www-authenticate")
                .and_then(|v| v.to_str().ok()),
            Some("Bearer")
        );
        let body: serde_json::Value = res.json().await.unwrap();
        assert!(body["error"].is_string(), "{body}");
    };
    for bogus in ["rc_nope", "nope", &format!("{token}x")] {
        check_refused(Script::new(&app, bogus).get("/api/releases").await).await;
    }

    // Expired: past its expiry it answers 401.
    let expiring = owner.mint_token("Old", "VIEWER").await;
    app.db
        .execute_raw(Statement::from_sql_and_values(
            app.db.get_database_backend(),
            match app.db.get_database_backend() {
                sea_orm::DatabaseBackend::Postgres => {
                    "UPDATE api_tokens SET expires_at = $1 WHERE name = 'Old'"
                }
                _ => "UPDATE api_tokens SET expires_at = ? WHERE name = 'Old'",
            },
            [(chrono::Utc::now() - chrono::Duration::minutes(1)).into()],
        ))
        .await
        .unwrap();
    check_refused(Script::new(&app, &expiring).get("/api/releases").await).await;

    // Revoked: 204, then 401; revoking again changes nothing.
    let list = json_of(owner.get("/api/team/api-tokens").await, StatusCode::OK).await;
    let id = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "CI")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let res = owner.delete(&format!("/api/team/api-tokens/{id}")).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    check_refused(ci.get("/api/releases").await).await;
    let res = owner.delete(&format!("/api/team/api-tokens/{id}")).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let list = json_of(owner.get("/api/team/api-tokens").await, StatusCode::OK).await;
    let revoked = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == json!(id))
        .unwrap()
        .clone();
    assert!(revoked["revokedAt"].is_string(), "{revoked}");

    // Another team's token id is 404.
    let (other, _, _) = app.owner_with_team("Other").await;
    error_of(
        other.delete(&format!("/api/team/api-tokens/{id}")).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn a_token_is_refused_on_a_persons_routes_ignores_cookies_and_skips_the_origin_check() {
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Acme").await;
    let token = owner.mint_token("CI", "ADMIN").await;
    let ci = Script::new(&app, &token);
    for path in [
        "/api/me",
        "/api/team/api-tokens",
        "/api/oauth/connections",
        "/api/invitations/abc",
    ] {
        error_of(ci.get(path).await, StatusCode::FORBIDDEN).await;
    }
    error_of(
        ci.post("/api/teams", &json!({"name": "Mine"})).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    error_of(
        ci.post("/api/auth/sign-out", &json!({})).await,
        StatusCode::FORBIDDEN,
    )
    .await;

    // Health checks and inbound webhooks take no credential: a bearer
    // header there (a probe's, a proxy's) is ignored, not refused.
    json_of(
        Script::new(&app, "rc_not-a-token").get("/api/health").await,
        StatusCode::OK,
    )
    .await;

    // Bearer wins over a cookie on the same request: the owner's browser
    // session sends a VIEWER token and acts as that VIEWER.
    let viewer_token = owner.mint_token("Read only", "VIEWER").await;
    let res = owner
        .client
        .post(owner.url("/api/services"))
        .bearer_auth(&viewer_token)
        .json(&json!({"name": "Payments"}))
        .send()
        .await
        .unwrap();
    error_of(res, StatusCode::FORBIDDEN).await;
    // And a dead bearer is 401 even with a live cookie.
    let res = owner
        .client
        .get(owner.url("/api/releases"))
        .bearer_auth("rc_revoked-or-never-existed")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    // Exempt from the Origin check: a cross-origin bearer request works
    // (a cookie request from that origin is refused).
    let res = ci
        .client
        .post(format!("{}/api/services", app.address))
        .bearer_auth(&token)
        .header("origin", "https://evil.example")
        .json(&json!({"name": "Payments"}))
        .send()
        .await
        .unwrap();
    json_of(res, StatusCode::CREATED).await;
    let res = owner
        .client
        .post(owner.url("/api/services"))
        .header("origin", "https://evil.example")
        .json(&json!({"name": "Other"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn last_used_is_written_at_most_once_a_minute_and_a_removed_creators_token_still_works() {
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Acme").await;
    let (admin, admin_user) = app.member_with_role(&owner, "ADMIN").await;
    let token = admin.mint_token("CI", "VIEWER").await;
    let ci = Script::new(&app, &token);
    let last_used = || async {
        let list = json_of(owner.get("/api/team/api-tokens").await, StatusCode::OK).await;
        list["items"][0]["lastUsedAt"].clone()
    };
    json_of(ci.get("/api/releases").await, StatusCode::OK).await;
    let first = last_used().await;
    assert!(first.is_string());
    for _ in 0..3 {
        json_of(ci.get("/api/releases").await, StatusCode::OK).await;
    }
    assert_eq!(last_used().await, first, "written again within the minute");

    // The creator leaves the team: the token belongs to the team and works.
    let me = admin.me().await;
    let uid = me["user"]["id"]
        .as_str()
        .or_else(|| me["id"].as_str())
        .unwrap()
        .to_string();
    let res = owner.delete(&format!("/api/team/members/{uid}")).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    json_of(ci.get("/api/releases").await, StatusCode::OK).await;
    let list = json_of(owner.get("/api/team/api-tokens").await, StatusCode::OK).await;
    assert_eq!(list["items"][0]["createdBy"], json!(admin_user.name));
}
