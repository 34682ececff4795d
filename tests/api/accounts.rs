//! Sign-up, sign-in, sign-out, passwords, sessions, CSRF and the sign-in limit.

use crate::helpers::{error_of, json_of, TestApp, TestUser};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn sign_up_creates_an_account_and_a_session() {
    let app = TestApp::spawn().await;
    let user = TestUser::generate();
    let b = app.browser();
    let resp = b
        .post("/api/auth/sign-up", &json!({"email": user.email.to_uppercase(), "name": user.name, "password": user.password}))
        .await;
    let cookie = resp.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        cookie.starts_with("rc_session=")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Secure"),
        "plain http has no Secure cookie"
    );
    let body = json_of(resp, StatusCode::CREATED).await;
    assert_eq!(
        body["user"]["email"], user.email,
        "emails are stored lower-cased"
    );
    assert!(body["user"].get("passwordHash").is_none() && !body.to_string().contains("argon2"));

    let me = b.me().await;
    assert_eq!(me["user"]["name"], user.name);
    assert_eq!(me["teams"], json!([]));
    assert_eq!(me["currentTeamId"], serde_json::Value::Null);
}

#[tokio::test]
async fn sign_up_refuses_bad_input_and_duplicates() {
    let app = TestApp::spawn().await;
    let user = TestUser::generate();
    app.signed_up(&user).await;
    let b = app.browser();

    let dup = b
        .post(
            "/api/auth/sign-up",
            &json!({"email": user.email.to_uppercase(), "name": "X", "password": "long enough pw"}),
        )
        .await;
    assert!(error_of(dup, StatusCode::CONFLICT)
        .await
        .contains("already exists"));

    let short = b
        .post(
            "/api/auth/sign-up",
            &json!({"email": "new@example.com", "name": "X", "password": "short"}),
        )
        .await;
    let body = json_of(short, StatusCode::BAD_REQUEST).await;
    assert!(body["error"].as_str().unwrap().contains("at least 10"));
    assert!(body["fields"]["password"].is_string());

    let bad_email = b
        .post(
            "/api/auth/sign-up",
            &json!({"email": "nope", "name": "X", "password": "long enough pw"}),
        )
        .await;
    error_of(bad_email, StatusCode::BAD_REQUEST).await;
    let missing = b
        .post("/api/auth/sign-up", &json!({"email": "a@b.io"}))
        .await;
    error_of(missing, StatusCode::BAD_REQUEST).await;
    let long_name = b
        .post(
            "/api/auth/sign-up",
            &json!({"email": "a@b.io", "name": "x".repeat(201), "password": "long enough pw"}),
        )
        .await;
    error_of(long_name, StatusCode::BAD_REQUEST).await;
    let not_json = app
        .post_raw("/api/auth/sign-up", "application/json", "{\"email\": ")
        .await;
    assert!(error_of(not_json, StatusCode::BAD_REQUEST)
        .await
        .contains("JSON"));
    let wrong_type = app
        .post_raw("/api/auth/sign-up", "text/plain", "hello")
        .await;
    error_of(wrong_type, StatusCode::BAD_REQUEST).await;
    let huge = app
        .post_raw(
            "/api/auth/sign-up",
            "application/json",
            format!("{{\"email\": \"{}\"}}", "a".repeat(1_100_000)),
        )
        .await;
    error_of(huge, StatusCode::PAYLOAD_TOO_LARGE).await;
    // Nothing of that created an account.
    assert_eq!(b.get("/api/me").await.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn sign_in_and_sign_out() {
    let app = TestApp::spawn().await;
    let user = TestUser::generate();
    app.signed_up(&user).await;

    let b = app.browser();
    assert_eq!(
        error_of(b.get("/api/me").await, StatusCode::UNAUTHORIZED).await,
        "sign in first"
    );
    let wrong = b
        .post(
            "/api/auth/sign-in",
            &json!({"email": user.email, "password": "wrong password"}),
        )
        .await;
    let wrong_msg = error_of(wrong, StatusCode::UNAUTHORIZED).await;
    let unknown = b
        .post(
            "/api/auth/sign-in",
            &json!({"email": "nobody@example.com", "password": "wrong password"}),
        )
        .await;
    assert_eq!(
        error_of(unknown, StatusCode::UNAUTHORIZED).await,
        wrong_msg,
        "unknown email and wrong password look alike"
    );

    let ok = b
        .post(
            "/api/auth/sign-in",
            &json!({"email": user.email, "password": user.password}),
        )
        .await;
    json_of(ok, StatusCode::OK).await;
    b.me().await;

    let out = b.post_empty("/api/auth/sign-out").await;
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    assert_eq!(b.get("/api/me").await.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn sign_out_revokes_the_session_server_side() {
    use sea_orm::EntityTrait;
    let app = TestApp::spawn().await;
    let user = TestUser::generate();
    app.signed_up(&user).await;
    // A client without a cookie jar, holding the cookie as a thief would.
    let raw = reqwest::Client::new();
    let resp = raw
        .post(app.url("/api/auth/sign-in"))
        .header("origin", &app.address)
        .json(&json!({"email": user.email, "password": user.password}))
        .send()
        .await
        .unwrap();
    let cookie = resp.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let token = cookie.trim_start_matches("rc_session=").to_string();
    let sessions = release_coordinator::server::db::entities::session::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    assert!(
        sessions
            .iter()
            .all(|s| s.token_hash != token && s.token_hash.len() == 64),
        "only hashes are stored"
    );

    let me = raw
        .get(app.url("/api/me"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::OK);
    let out = raw
        .post(app.url("/api/auth/sign-out"))
        .header("origin", &app.address)
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    let again = raw
        .get(app.url("/api/me"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(
        again.status(),
        StatusCode::UNAUTHORIZED,
        "the old cookie no longer works"
    );
}

#[tokio::test]
async fn changing_the_password_revokes_other_sessions() {
    let app = TestApp::spawn().await;
    let user = TestUser::generate();
    let laptop = app.signed_up(&user).await;
    let phone = app.browser();
    json_of(
        phone
            .post(
                "/api/auth/sign-in",
                &json!({"email": user.email, "password": user.password}),
            )
            .await,
        StatusCode::OK,
    )
    .await;

    let wrong = laptop
        .post(
            "/api/auth/password",
            &json!({"currentPassword": "not it at all", "newPassword": "a brand new secret"}),
        )
        .await;
    error_of(wrong, StatusCode::BAD_REQUEST).await;
    let short = laptop
        .post(
            "/api/auth/password",
            &json!({"currentPassword": user.password, "newPassword": "short"}),
        )
        .await;
    error_of(short, StatusCode::BAD_REQUEST).await;

    let ok = laptop
        .post(
            "/api/auth/password",
            &json!({"currentPassword": user.password, "newPassword": "a brand new secret"}),
        )
        .await;
    assert_eq!(ok.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        laptop.get("/api/me").await.status(),
        StatusCode::OK,
        "this session stays"
    );
    assert_eq!(
        phone.get("/api/me").await.status(),
        StatusCode::UNAUTHORIZED,
        "other sessions are revoked"
    );

    let b = app.browser();
    let old = b
        .post(
            "/api/auth/sign-in",
            &json!({"email": user.email, "password": user.password}),
        )
        .await;
    error_of(old, StatusCode::UNAUTHORIZED).await;
    let new = b
        .post(
            "/api/auth/sign-in",
            &json!({"email": user.email, "password": "a brand new secret"}),
        )
        .await;
    json_of(new, StatusCode::OK).await;
}

#[tokio::test]
async fn operator_password_reset_revokes_every_session() {
    let app = TestApp::spawn().await;
    let user = TestUser::generate();
    let b = app.signed_up(&user).await;
    release_coordinator::server::services::accounts::reset_password(
        &app.state.limits.hasher,
        &app.db,
        &user.email,
        "reset by the operator",
    )
    .await
    .expect("reset");
    assert_eq!(b.get("/api/me").await.status(), StatusCode::UNAUTHORIZED);
    let fresh = app.browser();
    let ok = fresh
        .post(
            "/api/auth/sign-in",
            &json!({"email": user.email, "password": "reset by the operator"}),
        )
        .await;
    json_of(ok, StatusCode::OK).await;
}

#[tokio::test]
async fn repeated_failed_sign_ins_are_rate_limited() {
    let app = TestApp::spawn().await;
    let user = TestUser::generate();
    app.signed_up(&user).await;
    let b = app.browser();
    for _ in 0..5 {
        let r = b
            .post(
                "/api/auth/sign-in",
                &json!({"email": user.email, "password": "wrong password"}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let limited = b
        .post(
            "/api/auth/sign-in",
            &json!({"email": user.email, "password": user.password}),
        )
        .await;
    let msg = error_of(limited, StatusCode::TOO_MANY_REQUESTS).await;
    assert!(msg.contains("too many"), "{msg}");
    // Another account is not affected.
    let other = TestUser::generate();
    app.signed_up(&other).await;
    let ok = b
        .post(
            "/api/auth/sign-in",
            &json!({"email": other.email, "password": other.password}),
        )
        .await;
    json_of(ok, StatusCode::OK).await;
}

#[tokio::test]
async fn cross_origin_cookie_writes_are_refused() {
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Acme").await;
    let evil = owner
        .client
        .post(owner.url("/api/teams"))
        .header("origin", "https://evil.example")
        .json(&json!({"name": "Pwned"}))
        .send()
        .await
        .unwrap();
    assert!(error_of(evil, StatusCode::FORBIDDEN)
        .await
        .contains("cross-origin"));
    let cross_site = owner
        .client
        .post(owner.url("/api/teams"))
        .header("sec-fetch-site", "cross-site")
        .json(&json!({"name": "Pwned"}))
        .send()
        .await
        .unwrap();
    error_of(cross_site, StatusCode::FORBIDDEN).await;
    // Nothing was created.
    let me = owner.me().await;
    assert_eq!(me["teams"].as_array().unwrap().len(), 1);
    // A matching Origin is enough; no other token is needed.
    let ok = owner.post("/api/teams", &json!({"name": "Second"})).await;
    assert_eq!(ok.status(), StatusCode::CREATED);
}
#[tokio::test]
async fn pages_redirect_as_the_contract_says() {
    let app = TestApp::spawn().await;
    let anon = app.browser();
    for public in ["/", "/sign-in", "/sign-up", "/invite/whatever"] {
        assert_eq!(
            anon.get(public).await.status(),
            StatusCode::OK,
            "{public} is public"
        );
    }
    let r = anon.get("/board?status=DEPLOYED").await;
    assert!(r.status().is_redirection());
    assert_eq!(
        r.headers()["location"],
        "/sign-in?next=%2Fboard%3Fstatus%3DDEPLOYED"
    );
    let r = anon.get("/select-team").await;
    assert_eq!(r.headers()["location"], "/sign-in?next=%2Fselect-team");

    let user = TestUser::generate();
    let b = app.signed_up(&user).await;
    let r = b.get("/board").await;
    assert!(r.status().is_redirection());
    assert_eq!(r.headers()["location"], "/select-team", "no team yet");
    assert_eq!(b.get("/select-team").await.status(), StatusCode::OK);
    let r = b.get("/sign-in?next=%2Fsettings%2Fmembers").await;
    assert_eq!(
        r.headers()["location"],
        "/settings/members",
        "signed in: straight to next"
    );
    let r = b.get("/sign-in?next=https%3A%2F%2Fevil.example").await;
    assert_eq!(r.headers()["location"], "/board", "never an open redirect");

    b.create_team("Acme").await;
    assert_eq!(b.get("/board").await.status(), StatusCode::OK);
    assert_eq!(b.get("/settings/members").await.status(), StatusCode::OK);
}
