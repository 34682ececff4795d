//! The security review's findings, each as the attack that worked before it
//! was fixed (`../shared/reviews/2026-12-01-security.md`): stored markup,
//! the sign-in limiter, bounded hashing, proxies, redirects, roles, the live
//! stream's revocation, webhooks, headers, sessions, Slack and outbound
//! calls.

use crate::helpers::{error_of, json_of, Browser, TestApp, TestUser};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::Duration;

/// Breaks out of every raw-text element and every attribute, and would run
/// script if any of it became markup. Under 100 characters (a version fits).
pub const HOSTILE: &str = r#"</textarea></title></script><img src=x data-xss onerror=alert(1)>"'><svg data-xss onload=alert(2)>"#;

/// Parses a page as a browser would and lists any markup that came from
/// user text: elements marked `data-xss`, event-handler attributes, and
/// `javascript:` links.
pub fn live_markup(html: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let mut found = vec![];
    for node in doc.tree.nodes() {
        let Some(el) = node.value().as_element() else {
            continue;
        };
        for (name, value) in el.attrs() {
            let value_l = value.trim().to_ascii_lowercase();
            if name == "data-xss" || name.starts_with("on") {
                found.push(format!("<{} {name}={value:?}>", el.name()));
            }
            if (name == "href" || name == "src" || name == "action")
                && value_l.starts_with("javascript:")
            {
                found.push(format!("<{} {name}={value:?}>", el.name()));
            }
        }
    }
    found
}

async fn created(resp: reqwest::Response) -> Value {
    json_of(resp, StatusCode::CREATED).await
}

/// 0a. Every page, rendered on the server with hostile text in every field a
/// user controls, holds no live markup from it.
#[tokio::test]
async fn hostile_text_never_becomes_markup_on_any_page() {
    let app = TestApp::spawn().await;
    let owner_user = TestUser {
        name: HOSTILE.into(),
        ..TestUser::generate()
    };
    let owner = app.signed_up(&owner_user).await;
    owner.create_team(HOSTILE).await;
    let svc = created(
        owner
            .post(
                "/api/services",
                &json!({"name": HOSTILE, "slug": "hostile", "description": HOSTILE}),
            )
            .await,
    )
    .await;
    let sprint = created(
        owner
            .post(
                "/api/sprints",
                &json!({"name": HOSTILE, "startDate": "2026-01-01", "endDate": "2030-01-01", "status": "ACTIVE"}),
            )
            .await,
    )
    .await;
    let group = created(
        owner
            .post("/api/deployment-groups", &json!({"name": HOSTILE}))
            .await,
    )
    .await;
    let today = chrono::Utc::now().date_naive().to_string();
    let mk = |title: &str| {
        json!({"serviceId": svc["id"], "title": title, "version": HOSTILE, "description": HOSTILE,
               "targetDate": today, "sprintId": sprint["id"], "deploymentGroupId": group["id"]})
    };
    let rel = created(owner.post("/api/releases", &mk(HOSTILE)).await).await;
    let other = created(owner.post("/api/releases", &mk(HOSTILE)).await).await;
    let id = rel["id"].as_str().unwrap().to_string();
    json_of(
        owner
            .patch(
                &format!("/api/releases/{id}"),
                &json!({"isBlocked": true, "blockedReason": HOSTILE}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    created(
        owner
            .post(
                &format!("/api/releases/{id}/dependencies"),
                &json!({"dependsOnId": other["id"], "type": "BLOCKS"}),
            )
            .await,
    )
    .await;
    created(
        owner
            .post(
                &format!("/api/releases/{id}/comments"),
                &json!({"body": format!("{HOSTILE}\n\n[x](javascript:alert(3)) <a href=\"javascript:alert(4)\">y</a>")}),
            )
            .await,
    )
    .await;
    // What providers said, as stored: even a link that is not a web address.
    {
        use release_coordinator::server::db::entities::release_item;
        use sea_orm::{ActiveModelTrait, ActiveValue::Set};
        let now = release_coordinator::server::db::now();
        release_item::ActiveModel {
            id: Set(release_coordinator::server::db::new_id()),
            team_id: Set(rel["teamId"].as_str().unwrap().into()),
            release_id: Set(id.clone().into()),
            item_type: Set(release_coordinator::domain::kinds::ItemType::GithubPr),
            external_id: Set("acme/pay#1".into()),
            title: Set(Some(HOSTILE.into())),
            status: Set(Some(HOSTILE.into())),
            status_category: Set(Some(HOSTILE.into())),
            assignee: Set(Some(HOSTILE.into())),
            url: Set(Some("javascript:alert(5)".into())),
            added_by: Set(None),
            last_synced_at: Set(Some(now)),
            sync_error: Set(Some(HOSTILE.into())),
            created_at: Set(now),
        }
        .insert(&app.db)
        .await
        .expect("item");
    }
    let settings = owner
        .patch("/api/team/settings", &json!({"slackChannel": HOSTILE}))
        .await;
    assert!(settings.status().is_success() || settings.status() == StatusCode::BAD_REQUEST);
    let invitation = created(
        owner
            .post(
                "/api/team/invitations",
                &json!({"email": "invitee@example.com", "role": "MEMBER"}),
            )
            .await,
    )
    .await;
    let (member, _) = app.member_with_role(&owner, "MEMBER").await;
    let _ = member;

    let q: String = form_urlencoded::byte_serialize(HOSTILE.as_bytes()).collect();
    let pages = [
        "/".to_string(),
        "/select-team".into(),
        "/board".into(),
        format!("/board?q={q}&blocked=true"),
        format!("/releases?q={q}"),
        format!("/releases/{id}"),
        "/services".into(),
        "/sprints".into(),
        format!("/sprints/{}", sprint["id"].as_str().unwrap()),
        "/deployment-groups".into(),
        format!("/deployment-groups/{}", group["id"].as_str().unwrap()),
        "/deploy-queue".into(),
        "/blocked".into(),
        "/calendar".into(),
        "/dashboard".into(),
        "/activity".into(),
        "/settings/team".into(),
        "/settings/members".into(),
        "/settings/profile".into(),
        format!("/invite/{}", invitation["token"].as_str().unwrap()),
        format!("/no-such-page/{q}"),
    ];
    for page in &pages {
        let resp = owner.get(page).await;
        let status = resp.status();
        let html = resp.text().await.unwrap();
        assert!(
            status.is_success() || status == StatusCode::NOT_FOUND,
            "{page}: {status}"
        );
        let live = live_markup(&html);
        assert!(live.is_empty(), "{page} holds live markup: {live:#?}");
    }
    // The page really showed the hostile text (as text), so the check above
    // looked at something.
    let html = owner
        .get(&format!("/releases/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("&lt;/textarea&gt;"),
        "the comment's edit form holds the text, escaped"
    );
    // Signed out: the public pages with hostile parameters.
    let anon = app.browser();
    for page in [
        format!("/sign-in?next={q}"),
        format!("/sign-up?next={q}"),
        format!("/invite/{}", invitation["token"].as_str().unwrap()),
    ] {
        let html = anon.get(&page).await.text().await.unwrap();
        let live = live_markup(&html);
        assert!(live.is_empty(), "{page} holds live markup: {live:#?}");
    }
}

/// H1. A flood of sign-ins with megabyte-long emails stores nothing per
/// email: the limiter holds at most the one address key.
#[tokio::test]
async fn megabyte_emails_leave_the_limiter_empty() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    for i in 0..40 {
        let email = format!("{i}{}@x.io", "a".repeat(1_000_000));
        let resp = b
            .post(
                "/api/auth/sign-in",
                &json!({"email": email, "password": "not the password"}),
            )
            .await;
        assert!(
            resp.status() == StatusCode::UNAUTHORIZED
                || resp.status() == StatusCode::TOO_MANY_REQUESTS,
            "{}",
            resp.status()
        );
    }
    assert!(
        app.state.limits.failures.len() <= 1,
        "the limiter keeps {} keys for one address",
        app.state.limits.failures.len()
    );
}

/// M2. Hundreds of parallel guesses for one account: at most the allowed
/// number are ever checked, the rest are refused before any hashing.
#[tokio::test]
async fn parallel_guesses_cannot_race_the_limit() {
    let app = TestApp::spawn().await;
    let user = TestUser::generate();
    app.signed_up(&user).await;
    let mut tasks = vec![];
    for i in 0..120 {
        let client = app.new_client();
        let url = app.url("/api/auth/sign-in");
        let origin = app.address.clone();
        let email = user.email.clone();
        tasks.push(tokio::spawn(async move {
            client
                .post(url)
                .header("origin", origin)
                .json(&json!({"email": email, "password": format!("guess-{i}")}))
                .send()
                .await
                .unwrap()
                .status()
        }));
    }
    let mut checked = 0;
    for t in tasks {
        match t.await.unwrap() {
            StatusCode::UNAUTHORIZED => checked += 1,
            StatusCode::TOO_MANY_REQUESTS => {}
            other => panic!("unexpected {other}"),
        }
    }
    assert!(checked <= 5, "{checked} guesses were checked");
    // And the right password is refused too, for now.
    error_of(
        app.browser()
            .post(
                "/api/auth/sign-in",
                &json!({"email": user.email, "password": user.password}),
            )
            .await,
        StatusCode::TOO_MANY_REQUESTS,
    )
    .await;
}

fn sign_up_body(i: usize) -> Value {
    json!({"email": format!("flood-{i}-{}@example.com", uuid::Uuid::new_v4().simple()),
           "name": "Flood", "password": "a-long-enough-password"})
}

/// M3. Sign-up has a per-address limit (past it within a minute: 429), and hashing
/// runs at most `RC_PASSWORD_HASH_CONCURRENCY` at once while `/api/health`
/// keeps answering.
#[tokio::test]
async fn sign_up_floods_are_limited_and_hashing_is_bounded() {
    // (The default is 30 a minute; 5 keeps the test short: the allowance
    // refills one sign-up every twelve seconds, far slower than this test.)
    let app = TestApp::spawn_with(HashMap::from([
        ("RC_SIGNUP_PER_MINUTE", "5".to_string()),
        ("RC_PASSWORD_HASH_CONCURRENCY", "1".to_string()),
        ("RC_TRUSTED_PROXIES", "127.0.0.1".to_string()),
    ]))
    .await;
    // One address: 5 go through, the 6th is refused.
    for i in 0..5 {
        let resp = app
            .client
            .post(app.url("/api/auth/sign-up"))
            .header("origin", &app.address)
            .header("x-forwarded-for", "203.0.113.7")
            .json(&sign_up_body(i))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::CREATED, "sign-up {i}");
    }
    let resp = app
        .client
        .post(app.url("/api/auth/sign-up"))
        .header("origin", &app.address)
        .header("x-forwarded-for", "203.0.113.7")
        .json(&sign_up_body(99))
        .send()
        .await
        .unwrap();
    error_of(resp, StatusCode::TOO_MANY_REQUESTS).await;

    // Many addresses at once: hashing stays bounded, health keeps answering.
    let mut tasks = vec![];
    for i in 0..40 {
        let client = app.new_client();
        let url = app.url("/api/auth/sign-up");
        let origin = app.address.clone();
        tasks.push(tokio::spawn(async move {
            client
                .post(url)
                .header("origin", origin)
                .header("x-forwarded-for", format!("198.51.100.{i}"))
                .json(&sign_up_body(1000 + i))
                .send()
                .await
                .unwrap()
                .status()
        }));
    }
    for _ in 0..5 {
        let health = tokio::time::timeout(Duration::from_secs(5), app.get("/api/health"))
            .await
            .expect("health answers during the flood");
        assert_eq!(health.status(), StatusCode::OK);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for t in tasks {
        let s = t.await.unwrap();
        assert!(
            s == StatusCode::CREATED || s == StatusCode::SERVICE_UNAVAILABLE,
            "{s}"
        );
    }
    assert_eq!(app.state.limits.hasher.peak(), 1, "one hash at a time");
}

async fn fail_sign_in(app: &TestApp, forwarded_for: &str, email: &str) -> StatusCode {
    app.client
        .post(app.url("/api/auth/sign-in"))
        .header("origin", &app.address)
        .header("x-forwarded-for", forwarded_for)
        .json(&json!({"email": email, "password": "wrong-password"}))
        .send()
        .await
        .unwrap()
        .status()
}

/// M4. Behind a trusted proxy the client is who `X-Forwarded-For` names;
/// without `RC_TRUSTED_PROXIES` the header proves nothing.
#[tokio::test]
async fn forwarded_for_counts_only_behind_a_trusted_proxy() {
    let behind = TestApp::spawn_with(HashMap::from([(
        "RC_TRUSTED_PROXIES",
        "127.0.0.0/8".to_string(),
    )]))
    .await;
    for i in 0..30 {
        assert_eq!(
            fail_sign_in(&behind, "203.0.113.1", &format!("nobody{i}@example.com")).await,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        fail_sign_in(&behind, "203.0.113.1", "again@example.com").await,
        StatusCode::TOO_MANY_REQUESTS,
        "that client is at its limit"
    );
    assert_eq!(
        fail_sign_in(&behind, "203.0.113.2", "again@example.com").await,
        StatusCode::UNAUTHORIZED,
        "another client behind the same proxy is not"
    );

    let direct = TestApp::spawn().await;
    for i in 0..30 {
        fail_sign_in(
            &direct,
            &format!("203.0.113.{i}"),
            &format!("n{i}@example.com"),
        )
        .await;
    }
    assert_eq!(
        fail_sign_in(&direct, "198.51.100.1", "again@example.com").await,
        StatusCode::TOO_MANY_REQUESTS,
        "a forged header does not make a new client"
    );
}

/// M1. `next` never leads off the site, and odd bytes never panic.
#[tokio::test]
async fn sign_in_redirects_stay_on_the_site() {
    let app = TestApp::spawn().await;
    let user = TestUser::generate();
    let b = app.signed_up(&user).await;
    for next in [
        "/%09/evil.example",
        "/%0A/evil.example",
        "/%0D%0A/evil.example",
        "%2F%2Fevil.example",
        "/%5Cevil.example",
        "https:evil.example",
        "/%0A",
    ] {
        let resp = b.get(&format!("/sign-in?next={next}")).await;
        assert!(resp.status().is_redirection(), "{next}: {}", resp.status());
        let location = resp.headers()["location"].to_str().unwrap().to_string();
        assert_eq!(location, "/board", "{next}");
    }
    // The sign-in form, posted without JavaScript, with a hostile `next`.
    let anon = app.browser();
    for next in [
        "/\t/evil.example",
        "/\n",
        "//evil.example",
        "/\\evil.example",
    ] {
        let body: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("email", &user.email)
            .append_pair("password", &user.password)
            .append_pair("next", next)
            .finish();
        let resp = anon
            .client
            .post(app.url(&crate::routes::rpc_path("sign_in")))
            .header("origin", &app.address)
            .header("accept", "text/html")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .expect("the server answers (no panic)");
        assert!(resp.status().as_u16() < 500, "{next:?}: {}", resp.status());
        for (name, value) in resp.headers() {
            let v = value.to_str().unwrap_or_default();
            assert!(!v.contains("evil"), "{next:?}: {name}: {v}");
        }
    }
    assert_eq!(app.get("/api/health").await.status(), StatusCode::OK);
}

async fn owner_team_release(app: &TestApp) -> (Browser, String, String) {
    let (owner, _, _) = app.owner_with_team("Acme").await;
    let svc = created(
        owner
            .post(
                "/api/services",
                &json!({"name": "Pay", "githubRepo": "acme/pay"}),
            )
            .await,
    )
    .await;
    let rel = created(
        owner
            .post(
                "/api/releases",
                &json!({"serviceId": svc["id"], "title": "Checkout", "version": "1.0.0"}),
            )
            .await,
    )
    .await;
    (
        owner,
        svc["id"].as_str().unwrap().to_string(),
        rel["id"].as_str().unwrap().to_string(),
    )
}

/// M5, M6, L7: the three roles the review found loose.
#[tokio::test]
async fn viewers_sync_nothing_members_manage_no_groups_invitations_stay_private() {
    let app = TestApp::spawn().await;
    let (owner, _, rel) = owner_team_release(&app).await;
    let (viewer, _) = app.member_with_role(&owner, "VIEWER").await;
    let (member, _) = app.member_with_role(&owner, "MEMBER").await;
    error_of(
        viewer
            .post_empty(&format!("/api/releases/{rel}/items/sync"))
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    error_of(
        viewer
            .post_empty(&format!("/api/releases/{rel}/items/nope/sync"))
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    error_of(
        member
            .post("/api/deployment-groups", &json!({"name": "Wave"}))
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let group = created(
        owner
            .post("/api/deployment-groups", &json!({"name": "Wave"}))
            .await,
    )
    .await;
    let gid = group["id"].as_str().unwrap();
    error_of(
        member
            .patch(
                &format!("/api/deployment-groups/{gid}"),
                &json!({"name": "Mine"}),
            )
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    error_of(
        member
            .delete(&format!("/api/deployment-groups/{gid}"))
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    // Their releases are still MEMBER work.
    json_of(
        member
            .post(
                &format!("/api/deployment-groups/{gid}/releases"),
                &json!({"releaseId": rel}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    for b in [&viewer, &member] {
        error_of(b.get("/api/team/invitations").await, StatusCode::FORBIDDEN).await;
    }
    json_of(owner.get("/api/team/invitations").await, StatusCode::OK).await;
}

/// Reads the stream until it ends (`true`) or `secs` pass (`false`).
async fn ends_within(stream: &mut reqwest::Response, secs: u64) -> bool {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    loop {
        match tokio::time::timeout_at(deadline, stream.chunk()).await {
            Err(_) => return false,
            Ok(Ok(Some(_))) => continue,
            Ok(Ok(None)) | Ok(Err(_)) => return true,
        }
    }
}

/// M7, L10. The live stream ends when its session is signed out or the
/// member is removed, and past a cap a new one is refused.
#[tokio::test]
async fn live_streams_end_on_revocation_and_are_capped() {
    let app = TestApp::spawn_with(HashMap::from([("RC_SSE_MAX_PER_USER", "2".to_string())])).await;
    let (owner, _, rel) = owner_team_release(&app).await;
    let (member, member_user) = app.member_with_role(&owner, "MEMBER").await;
    let member_id = member.me().await["user"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let _ = member_user;

    // Removed from the team: the stream ends, and carried nothing after.
    let mut stream = member.get("/api/events").await;
    assert_eq!(stream.status(), StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        owner
            .delete(&format!("/api/team/members/{member_id}"))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    json_of(
        owner
            .patch(
                &format!("/api/releases/{rel}"),
                &json!({"title": "Secret plan"}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    let mut seen = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    let ended = loop {
        match tokio::time::timeout_at(deadline, stream.chunk()).await {
            Err(_) => break false,
            Ok(Ok(Some(c))) => seen.push_str(&String::from_utf8_lossy(&c)),
            Ok(Ok(None)) | Ok(Err(_)) => break true,
        }
    };
    assert!(ended, "the removed member's stream ended within 5 s");
    assert!(!seen.contains("Secret plan"), "{seen}");

    // Signed out: the stream of that session ends.
    let mut stream = owner.get("/api/events").await;
    assert_eq!(stream.status(), StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(200)).await;
    owner.post_empty("/api/auth/sign-out").await;
    assert!(
        ends_within(&mut stream, 5).await,
        "signed out: the stream ended"
    );

    // A third stream of one user is refused.
    let (viewer, _) = {
        let (o2, _, _) = app.owner_with_team("Other").await;
        app.member_with_role(&o2, "VIEWER").await
    };
    let a = viewer.get("/api/events").await;
    let b = viewer.get("/api/events").await;
    assert_eq!((a.status(), b.status()), (StatusCode::OK, StatusCode::OK));
    error_of(
        viewer.get("/api/events").await,
        StatusCode::TOO_MANY_REQUESTS,
    )
    .await;
    drop(a);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(viewer.get("/api/events").await.status(), StatusCode::OK);
}

/// M7 (the periodic check): a session deleted behind the server's back —
/// the operator's reset, another app server — ends its stream too.
#[tokio::test]
async fn a_session_deleted_elsewhere_ends_its_stream() {
    let app = TestApp::spawn_with(HashMap::from([("RC_SSE_RECHECK_MS", "300".to_string())])).await;
    let (owner, _, _) = owner_team_release(&app).await;
    let mut stream = owner.get("/api/events").await;
    assert_eq!(stream.status(), StatusCode::OK);
    use sea_orm::ConnectionTrait;
    app.db
        .execute_unprepared("DELETE FROM sessions")
        .await
        .unwrap();
    assert!(ends_within(&mut stream, 5).await);
}

/// L1. Pages carry a nonce-based CSP whose nonce is on Leptos' scripts;
/// answers with team data are never cached; frames are refused.
#[tokio::test]
async fn pages_and_answers_carry_the_security_headers() {
    let app = TestApp::spawn().await;
    let (owner, _, _) = owner_team_release(&app).await;
    let page = owner.get("/board").await;
    let h = page.headers().clone();
    let csp = h["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    let nonce = csp
        .split(';')
        .find_map(|d| d.trim().strip_prefix("script-src 'nonce-"))
        .and_then(|rest| rest.split('\'').next())
        .expect("a script nonce")
        .to_string();
    let script_src = csp.split(';').find(|d| d.contains("script-src")).unwrap();
    assert!(!script_src.contains("unsafe-inline"), "{csp}");
    assert_eq!(h["cache-control"], "no-store");
    let html = page.text().await.unwrap();
    let doc = scraper::Html::parse_document(&html);
    let sel = scraper::Selector::parse("script").unwrap();
    let scripts: Vec<_> = doc.select(&sel).collect();
    assert!(!scripts.is_empty());
    for s in scripts {
        if s.value().attr("src").is_none() {
            assert_eq!(
                s.value().attr("nonce"),
                Some(nonce.as_str()),
                "every inline script carries this response's nonce"
            );
        }
    }
    let again = owner.get("/board").await;
    assert_ne!(
        again.headers()["content-security-policy"],
        h["content-security-policy"],
        "a fresh nonce per response"
    );
    let api = owner.get("/api/me").await;
    assert_eq!(api.headers()["cache-control"], "no-store");
    assert!(api.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("default-src 'none'"));
    assert!(api.headers().get("strict-transport-security").is_none());

    let https = TestApp::spawn_with(HashMap::from([(
        "PUBLIC_URL",
        "https://rc.example".to_string(),
    )]))
    .await;
    let resp = https.get("/api/health").await;
    assert!(resp.headers()["strict-transport-security"]
        .to_str()
        .unwrap()
        .starts_with("max-age="));
}

/// L6. Over https the cookie is `__Host-` prefixed; a session ends at its
/// absolute lifetime however active; the purge removes what expired.
#[tokio::test]
async fn sessions_have_an_absolute_end_and_are_purged() {
    let https = TestApp::spawn_with(HashMap::from([(
        "PUBLIC_URL",
        "https://rc.example".to_string(),
    )]))
    .await;
    let user = TestUser::generate();
    let resp = https
        .client
        .post(https.url("/api/auth/sign-up"))
        .header("origin", "https://rc.example")
        .json(&json!({"email": user.email, "name": user.name, "password": user.password}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let cookie = resp.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("__Host-rc_session="), "{cookie}");
    assert!(
        cookie.contains("; Secure") && cookie.contains("Path=/"),
        "{cookie}"
    );

    let app = TestApp::spawn_with(HashMap::from([("RC_SESSION_MAX_DAYS", "90".to_string())])).await;
    let b = app.signed_up(&TestUser::generate()).await;
    json_of(b.get("/api/me").await, StatusCode::OK).await;
    use release_coordinator::server::db::entities::session;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let old = release_coordinator::server::db::now() - chrono::Duration::days(91);
    session::Entity::update_many()
        .col_expr(
            session::Column::CreatedAt,
            sea_orm::sea_query::Expr::value(old),
        )
        .filter(session::Column::Id.ne(""))
        .exec(&app.db)
        .await
        .unwrap();
    error_of(b.get("/api/me").await, StatusCode::UNAUTHORIZED).await;
    let purged = release_coordinator::server::jobs::purge::purge(&app.state)
        .await
        .unwrap();
    assert!(purged >= 1);
    assert_eq!(session::Entity::find().all(&app.db).await.unwrap().len(), 0);
}

/// L5. Wrong current passwords are limited per user.
#[tokio::test]
async fn password_changes_cannot_guess_without_limit() {
    let app = TestApp::spawn().await;
    let user = TestUser::generate();
    let b = app.signed_up(&user).await;
    for i in 0..5 {
        error_of(
            b.post(
                "/api/auth/password",
                &json!({"currentPassword": format!("guess-{i}"), "newPassword": "another-password-1"}),
            )
            .await,
            StatusCode::BAD_REQUEST,
        )
        .await;
    }
    error_of(
        b.post(
            "/api/auth/password",
            &json!({"currentPassword": user.password, "newPassword": "another-password-1"}),
        )
        .await,
        StatusCode::TOO_MANY_REQUESTS,
    )
    .await;
}

/// L4. An `Authorization: Bearer` header does not excuse a cookie request
/// from the Origin check: only a live API token is exempt, and a request
/// with one ignores cookies. A bearer that is no live token is refused
/// (401) before anything runs, whatever the cookie says.
#[tokio::test]
async fn a_bearer_header_does_not_skip_the_origin_check() {
    let app = TestApp::spawn().await;
    let b = app.signed_up(&TestUser::generate()).await;
    let resp = b
        .client
        .post(app.url("/api/teams"))
        .header("origin", "https://evil.example")
        .header("authorization", "Bearer anything")
        .json(&json!({"name": "Forged"}))
        .send()
        .await
        .unwrap();
    error_of(resp, StatusCode::UNAUTHORIZED).await;
    // Server functions too.
    let resp = b
        .client
        .post(app.url(&crate::routes::rpc_path("create_team")))
        .header("origin", "https://evil.example")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("name=Forged")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    assert_eq!(b.me().await["teams"].as_array().unwrap().len(), 0);
}

/// M9. A group holds at most 500 releases; adding one more is a 400.
#[tokio::test]
async fn a_group_has_a_size_limit() {
    let app = TestApp::spawn().await;
    let (owner, svc, rel) = owner_team_release(&app).await;
    let group = created(
        owner
            .post(
                "/api/deployment-groups",
                &json!({"name": "Big", "deploymentOrder": "SIMULTANEOUS"}),
            )
            .await,
    )
    .await;
    let gid = group["id"].as_str().unwrap().to_string();
    let team = owner.me().await["currentTeamId"]
        .as_str()
        .unwrap()
        .to_string();
    // 500 members, written directly (fast), as a chain of BLOCKS edges.
    {
        use release_coordinator::server::db::entities::{release, release_dependency};
        use sea_orm::{ActiveValue::Set, EntityTrait};
        let now = release_coordinator::server::db::now();
        let ids: Vec<String> = (0..500)
            .map(|_| release_coordinator::server::db::new_id())
            .collect();
        let rows = ids.iter().enumerate().map(|(i, id)| release::ActiveModel {
            id: Set(id.clone().into()),
            team_id: Set(team.clone().into()),
            service_id: Set(svc.clone().into()),
            title: Set(format!("R{i}")),
            version: Set("1".into()),
            description: Set(String::new()),
            status: Set(release_coordinator::domain::status::ReleaseStatus::Planning),
            priority: Set(release_coordinator::domain::status::Priority::Medium),
            owner_id: Set(None),
            sprint_id: Set(None),
            deployment_group_id: Set(Some(gid.clone().into())),
            group_position: Set(Some(500 - i as i32)),
            target_date: Set(None),
            is_blocked: Set(false),
            blocked_reason: Set(None),
            staging_deployed_at: Set(None),
            production_deployed_at: Set(None),
            version_set_by: Set(None),
            revision: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        });
        for chunk in rows.collect::<Vec<_>>().chunks(50) {
            release::Entity::insert_many(chunk.to_vec())
                .exec(&app.db)
                .await
                .unwrap();
        }
        let edges = (1..500).map(|i| release_dependency::ActiveModel {
            id: Set(release_coordinator::server::db::new_id()),
            team_id: Set(team.clone().into()),
            release_id: Set(ids[i].clone().into()),
            depends_on_id: Set(ids[i - 1].clone().into()),
            dep_type: Set(release_coordinator::domain::kinds::DependencyType::Blocks),
            resolved_at: Set(None),
            created_by: Set(None),
            created_at: Set(now),
        });
        for chunk in edges.collect::<Vec<_>>().chunks(50) {
            release_dependency::Entity::insert_many(chunk.to_vec())
                .exec(&app.db)
                .await
                .unwrap();
        }
    }
    let plan = json_of(
        owner
            .get(&format!("/api/deployment-groups/{gid}/plan"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(plan["steps"].as_array().unwrap().len(), 500);
    let msg = error_of(
        owner
            .post(
                &format!("/api/deployment-groups/{gid}/releases"),
                &json!({"releaseId": rel}),
            )
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(msg.contains("at most 500"), "{msg}");
}

/// L14. Server functions (and pages) are under the request time limit too:
/// a search stuck on a slow provider answers 408 after
/// `RC_REQUEST_TIMEOUT_SECS`, not whenever the provider gets round to it.
#[tokio::test]
async fn server_functions_are_under_the_request_time_limit() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, ResponseTemplate};
    let gh = crate::oauth::fake_github().await;
    Mock::given(method("GET"))
        .and(path("/search/issues"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_delay(Duration::from_secs(8))
                .set_body_json(json!({"total_count": 0, "incomplete_results": false, "items": []})),
        )
        .mount(&gh)
        .await;
    let app = TestApp::spawn_with(HashMap::from([
        ("GITHUB_CLIENT_ID", "gh-client".to_string()),
        ("GITHUB_CLIENT_SECRET", "gh-secret".to_string()),
        ("GITHUB_OAUTH_BASE", gh.uri()),
        ("GITHUB_API_BASE", gh.uri()),
        ("RC_REQUEST_TIMEOUT_SECS", "1".to_string()),
        ("RC_OUTBOUND_TIMEOUT_MS", "20000".to_string()),
    ]))
    .await;
    let (owner, _, rel) = owner_team_release(&app).await;
    crate::oauth::connect(&owner).await;
    let resp = owner
        .client
        .post(app.url(&crate::routes::rpc_path("search_items")))
        .header("origin", &app.address)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("release_id={rel}&source=GITHUB_PR&q=retry"))
        .send()
        .await
        .unwrap();
    // The provider would have answered (200, no hits) after 8 s: a 408
    // means the limit cut it short.
    assert_eq!(resp.status(), StatusCode::REQUEST_TIMEOUT);
}
