//! Single sign-on against the harness's own OpenID provider (`test_idp`):
//! discovery, code flow with PKCE, state and nonce, ID-token validation,
//! linking by verified email, and every refusal creating nothing.

use crate::helpers::*;
use crate::test_idp::{Mode, Person, TestIdp};
use reqwest::StatusCode;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::json;
use std::collections::HashMap;

async fn app_with_idp(extra: &[(&str, &str)]) -> (TestApp, TestIdp) {
    let idp = TestIdp::start().await;
    let mut env: HashMap<&str, String> = HashMap::new();
    let vars = idp.env("testidp", "Test IdP");
    let leaked: Vec<(&'static str, String)> = vars
        .into_iter()
        .map(|(k, v)| (&*Box::leak(k.into_boxed_str()), v))
        .collect();
    for (k, v) in leaked {
        env.insert(k, v);
    }
    for (k, v) in extra {
        env.insert(k, v.to_string());
    }
    (TestApp::spawn_with(env).await, idp)
}

fn person(email: &str) -> Person {
    Person {
        subject: format!("sub-{}", uuid::Uuid::new_v4().simple()),
        email: Some(email.to_string()),
        email_verified: true,
        name: "Grace Hopper".into(),
    }
}

/// Runs the browser's side of a sign-in: the app's authorize, the
/// provider's answer, the app's callback. Returns the callback's answer.
async fn sso(b: &Browser, next: &str) -> reqwest::Response {
    let start = b
        .get(&format!("/api/auth/oidc/testidp/authorize?next={next}"))
        .await;
    assert_eq!(start.status(), StatusCode::FOUND);
    let to_idp = start.headers()["location"].to_str().unwrap().to_string();
    let at_idp = b.client.get(&to_idp).send().await.unwrap();
    assert_eq!(
        at_idp.status(),
        StatusCode::FOUND,
        "{}",
        at_idp.text().await.unwrap()
    );
    let back = at_idp.headers()["location"].to_str().unwrap().to_string();
    b.client.get(&back).send().await.unwrap()
}

fn location(r: &reqwest::Response) -> String {
    r.headers()["location"].to_str().unwrap().to_string()
}

async fn counts(app: &TestApp) -> (u64, u64, u64) {
    use release_coordinator::server::db::entities::{session, user, user_identity};
    (
        user::Entity::find().count(&app.db).await.unwrap(),
        user_identity::Entity::find().count(&app.db).await.unwrap(),
        session::Entity::find().count(&app.db).await.unwrap(),
    )
}

#[tokio::test]
async fn signing_in_with_a_provider_creates_the_account_once() {
    let (app, idp) = app_with_idp(&[]).await;
    let providers = json_of(
        app.browser().get("/api/auth/providers").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        providers["items"],
        json!([{"id": "testidp", "name": "Test IdP"}])
    );

    let b = app.browser();
    let start = b.get("/api/auth/oidc/testidp/authorize").await;
    assert_eq!(start.status(), StatusCode::FOUND);
    let to = url::Url::parse(&location(&start)).unwrap();
    assert!(to
        .as_str()
        .starts_with(&format!("{}/authorize", idp.issuer)));
    let q: HashMap<String, String> = to.query_pairs().into_owned().collect();
    assert_eq!(q["code_challenge_method"], "S256");
    for k in ["state", "nonce", "code_challenge", "redirect_uri"] {
        assert!(!q[k].is_empty(), "{k}");
    }
    assert_eq!(
        q["redirect_uri"],
        format!("{}/api/auth/oidc/testidp/callback", app.address)
    );

    let grace = person("grace@navy.example");
    idp.sign_in_as(grace.clone());
    let done = sso(&b, "/releases").await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&done), "/releases");
    let me = b.me().await;
    assert_eq!(me["user"]["email"], "grace@navy.example");
    assert_eq!(me["user"]["name"], "Grace Hopper");
    assert_eq!(me["emailVerified"], true, "the provider vouched for it");
    let ids = json_of(b.get("/api/me/identities").await, StatusCode::OK).await;
    let items = ids["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["provider"], "testidp");
    assert_eq!(items[0]["providerName"], "Test IdP");

    // No password: the only identity cannot be unlinked.
    let id = items[0]["id"].as_str().unwrap();
    let refused = b.delete(&format!("/api/me/identities/{id}")).await;
    assert!(error_of(refused, StatusCode::BAD_REQUEST)
        .await
        .contains("only way to sign in"));
    // And no password signs in to it.
    assert_eq!(
        app.browser()
            .sign_in("grace@navy.example", "")
            .await
            .status(),
        StatusCode::UNAUTHORIZED,
    );

    // Again, in another browser: the same account, no new one.
    let before = counts(&app).await;
    let again = app.browser();
    let done = sso(&again, "").await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&done), "/select-team");
    assert_eq!(again.me().await["user"]["id"], me["user"]["id"]);
    let after = counts(&app).await;
    assert_eq!((after.0, after.1), (before.0, before.1));
    let log = json_of(again.get("/api/me/security-log").await, StatusCode::OK).await;
    let kinds: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        // (The failed password attempt above is in the log too.)
        [
            "SIGNED_IN",
            "SIGN_IN_FAILED",
            "SIGNED_IN",
            "IDENTITY_LINKED",
            "ACCOUNT_CREATED"
        ]
    );
}

#[tokio::test]
async fn a_verified_email_links_the_existing_account_and_it_can_be_unlinked() {
    let (app, idp) = app_with_idp(&[]).await;
    let user = TestUser::generate();
    let b = app.signed_up(&user).await;
    let id = b.me().await["user"]["id"].clone();
    assert_eq!(b.me().await["emailVerified"], false);

    let other = app.browser();
    idp.sign_in_as(person(&user.email));
    let done = sso(&other, "/board").await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let me = other.me().await;
    assert_eq!(me["user"]["id"], id, "linked, not a second account");
    assert_eq!(me["emailVerified"], true);
    let ids = json_of(other.get("/api/me/identities").await, StatusCode::OK).await;
    let identity = ids["items"][0]["id"].as_str().unwrap().to_string();
    // A password remains: unlinking is allowed.
    assert_eq!(
        other
            .delete(&format!("/api/me/identities/{identity}"))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        other
            .delete(&format!("/api/me/identities/{identity}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let log = other
        .get("/api/me/security-log")
        .await
        .text()
        .await
        .unwrap();
    assert!(log.contains("IDENTITY_UNLINKED") && log.contains("IDENTITY_LINKED"));
}

#[tokio::test]
async fn tokens_that_fail_validation_are_refused_and_create_nothing() {
    let (app, idp) = app_with_idp(&[]).await;
    // One good sign-in first, so discovery and keys are cached.
    idp.sign_in_as(person("first@ok.example"));
    assert_eq!(
        sso(&app.browser(), "").await.status(),
        StatusCode::SEE_OTHER
    );

    for (mode, why) in [
        (Mode::WrongKey, "signature"),
        (Mode::WrongAudience, "audience"),
        (Mode::WrongIssuer, "issuer"),
        (Mode::Expired, "expired"),
    ] {
        idp.set_mode(mode);
        idp.sign_in_as(person(&format!("{why}@bad.example")));
        let before = counts(&app).await;
        let b = app.browser();
        let done = sso(&b, "/board").await;
        assert_eq!(done.status(), StatusCode::SEE_OTHER, "{mode:?}");
        let to = location(&done);
        assert!(to.starts_with("/sign-in?error="), "{mode:?}: {to}");
        assert_eq!(counts(&app).await, before, "{mode:?} created something");
        assert_eq!(b.get("/api/me").await.status(), StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn no_verified_email_a_foreign_domain_or_a_bad_state_is_refused() {
    let (app, idp) = app_with_idp(&[(
        "RC_OIDC_TESTIDP_ALLOWED_DOMAINS",
        "corp.example, @ops.example",
    )])
    .await;
    let refused_with = |r: &reqwest::Response| {
        let to = location(r);
        assert!(to.starts_with("/sign-in?error="), "{to}");
        url::form_urlencoded::parse(to.split_once('?').unwrap().1.as_bytes())
            .find(|(k, _)| k == "error")
            .map(|(_, v)| v.to_string())
            .unwrap()
    };
    let before = counts(&app).await;

    let mut unverified = person("ann@corp.example");
    unverified.email_verified = false;
    idp.sign_in_as(unverified);
    let r = sso(&app.browser(), "").await;
    assert!(refused_with(&r).contains("verified email"));

    let mut no_email = person("x@corp.example");
    no_email.email = None;
    idp.sign_in_as(no_email);
    let r = sso(&app.browser(), "").await;
    assert!(refused_with(&r).contains("verified email"));

    idp.sign_in_as(person("eve@elsewhere.example"));
    let r = sso(&app.browser(), "").await;
    assert!(
        refused_with(&r).contains("corp.example, ops.example"),
        "{}",
        location(&r)
    );
    assert_eq!(counts(&app).await, before);

    // The state must come back to the browser that started the sign-in.
    idp.sign_in_as(person("bob@ops.example"));
    let starter = app.browser();
    let start = starter.get("/api/auth/oidc/testidp/authorize").await;
    let at_idp = starter.client.get(location(&start)).send().await.unwrap();
    let back = location(&at_idp);
    let thief = app.browser();
    let r = thief.client.get(&back).send().await.unwrap();
    assert!(refused_with(&r).contains("not started in this browser"));
    // The provider's own refusal (in another browser: a refusal clears the
    // state cookie of the browser it reaches).
    let r = thief
        .get("/api/auth/oidc/testidp/callback?error=access_denied&state=abc")
        .await;
    assert!(refused_with(&r).contains("cancelled"));
    // An unknown provider.
    assert_eq!(
        thief.get("/api/auth/oidc/nope/authorize").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(counts(&app).await, before);
    // The right browser (its cookie untouched by the thief) signs in — once.
    let ok = starter.client.get(&back).send().await.unwrap();
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    assert!(!location(&ok).starts_with("/sign-in"), "{}", location(&ok));
    let replay = starter.client.get(&back).send().await.unwrap();
    assert!(
        location(&replay).starts_with("/sign-in?error="),
        "single use"
    );
}

#[tokio::test]
async fn a_tampered_state_is_refused_and_ends_that_sign_in() {
    let (app, idp) = app_with_idp(&[]).await;
    idp.sign_in_as(person("tess@ok.example"));
    let b = app.browser();
    let start = b.get("/api/auth/oidc/testidp/authorize").await;
    let at_idp = b.client.get(location(&start)).send().await.unwrap();
    let back = location(&at_idp);
    let before = counts(&app).await;
    let tampered = back.replace("state=", "state=x");
    let r = b.client.get(&tampered).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).starts_with("/sign-in?error="));
    // A refusal clears the browser's state cookie: the real answer is
    // refused now too, and the person starts again.
    let r = b.client.get(&back).send().await.unwrap();
    assert!(
        location(&r).starts_with("/sign-in?error="),
        "{}",
        location(&r)
    );
    assert_eq!(counts(&app).await, before);
    assert_eq!(sso(&b, "").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(b.get("/api/me").await.status(), StatusCode::OK);
}
