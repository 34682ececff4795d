//! Identity: email through a real SMTP server on loopback (the harness's
//! sink), verification links, invitations by email, the password reset,
//! profile changes, sessions, account deletion and the security log.

use crate::helpers::*;
use crate::smtp_sink::SmtpSink;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::HashMap;

/// An app that sends email to a fresh sink, quickly.
async fn app_with_mail() -> (TestApp, SmtpSink) {
    let sink = SmtpSink::start().await;
    let app = TestApp::spawn_with(HashMap::from([
        ("RC_SMTP_URL", sink.url()),
        (
            "RC_MAIL_FROM",
            "Release Coordinator <rc@example.com>".to_string(),
        ),
        ("RC_OUTBOX_POLL_MS", "50".to_string()),
        ("RC_OUTBOX_RETRY_BASE_MS", "50".to_string()),
    ]))
    .await;
    (app, sink)
}

async fn log_kinds(b: &Browser) -> Vec<String> {
    let log = json_of(b.get("/api/me/security-log").await, StatusCode::OK).await;
    log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_string())
        .collect()
}

/// The mail outbox as (body, sent) once the worker has recorded a send (or
/// after ten seconds): the SMTP sink has a message a moment before the
/// worker marks its row sent.
async fn sent_mail_rows(app: &TestApp) -> Vec<(String, bool)> {
    use release_coordinator::server::db::entities::mail_outbox;
    use sea_orm::EntityTrait;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let rows = mail_outbox::Entity::find().all(&app.db).await.unwrap();
        if rows.iter().any(|r| r.sent_at.is_some()) || std::time::Instant::now() > deadline {
            return rows
                .into_iter()
                .map(|m| (m.body, m.sent_at.is_some()))
                .collect();
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_new_account_gets_a_link_that_verifies_its_email_once() {
    let (app, sink) = app_with_mail().await;
    let user = TestUser::generate();
    let b = app.signed_up(&user).await;
    let me = b.me().await;
    assert_eq!(me["emailVerified"], false);
    assert_eq!(me["user"]["emailVerified"], false);
    assert_eq!(me["emailEnabled"], true);

    let mail = sink.wait_for(&user.email, 1).await;
    assert!(
        mail.subject.contains("Confirm your email"),
        "{}",
        mail.subject
    );
    assert!(
        mail.text.contains(&user.name),
        "greets by name: {}",
        mail.text
    );
    let link = mail.link("/verify-email");
    assert!(link.starts_with(&app.address), "{link}");
    assert!(mail.html.contains(&link), "the HTML part has the same link");
    let token = mail.token("/verify-email");

    // Once sent, the stored copy of the message no longer holds the link.
    // The sink has the message a moment before the worker records it as
    // sent (and empties it): wait for that, as a reader of the table would.
    let rows = sent_mail_rows(&app).await;
    assert_eq!(rows.len(), 1);
    assert!(rows[0].1 && rows[0].0.is_empty(), "sent and emptied");

    let anon = app.browser();
    let bad = anon
        .post("/api/auth/verify-email", &json!({"token": "not-a-token"}))
        .await;
    assert!(error_of(bad, StatusCode::BAD_REQUEST)
        .await
        .contains("link"));
    let ok = anon
        .post("/api/auth/verify-email", &json!({"token": token}))
        .await;
    assert_eq!(ok.status(), StatusCode::NO_CONTENT);
    assert_eq!(b.me().await["emailVerified"], true);
    let again = anon
        .post("/api/auth/verify-email", &json!({"token": token}))
        .await;
    assert_eq!(again.status(), StatusCode::BAD_REQUEST, "single use");

    // Verified: nothing to resend.
    let resend = b.post_empty("/api/auth/verify-email/resend").await;
    assert_eq!(resend.status(), StatusCode::BAD_REQUEST);

    let kinds = log_kinds(&b).await;
    assert_eq!(
        kinds,
        vec!["EMAIL_VERIFIED", "VERIFICATION_SENT", "ACCOUNT_CREATED"],
        "newest first"
    );
}

#[tokio::test]
async fn an_expired_or_superseded_link_does_not_verify() {
    let (app, sink) = app_with_mail().await;
    let user = TestUser::generate();
    let b = app.signed_up(&user).await;
    let first = sink.wait_for(&user.email, 1).await.token("/verify-email");
    assert_eq!(
        b.post_empty("/api/auth/verify-email/resend").await.status(),
        StatusCode::NO_CONTENT
    );
    let second = sink.wait_for(&user.email, 2).await.token("/verify-email");
    assert_ne!(first, second);
    let old = b
        .post("/api/auth/verify-email", &json!({"token": first}))
        .await;
    assert_eq!(
        old.status(),
        StatusCode::BAD_REQUEST,
        "a newer link replaced it"
    );

    // Expire the newest link in the database: it is refused too.
    use release_coordinator::server::db::entities::email_token;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    email_token::Entity::update_many()
        .col_expr(
            email_token::Column::ExpiresAt,
            sea_orm::sea_query::Expr::value(chrono::Utc::now() - chrono::Duration::minutes(1)),
        )
        .filter(email_token::Column::UsedAt.is_null())
        .exec(&app.db)
        .await
        .unwrap();
    let expired = b
        .post("/api/auth/verify-email", &json!({"token": second}))
        .await;
    assert_eq!(expired.status(), StatusCode::BAD_REQUEST);
    assert_eq!(b.me().await["emailVerified"], false);
}

#[tokio::test]
async fn an_invitation_is_emailed_and_needs_a_verified_address_to_accept() {
    let (app, sink) = app_with_mail().await;
    let (owner, owner_user, _) = app.owner_with_team("Platform").await;
    let invitee = TestUser::generate();
    let inv = json_of(
        owner
            .post(
                "/api/team/invitations",
                &json!({"email": invitee.email, "role": "MEMBER"}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(inv["emailed"], true);
    let mail = sink.wait_for(&invitee.email, 1).await;
    assert!(mail.subject.contains("Platform"), "{}", mail.subject);
    assert!(
        mail.text.contains(&owner_user.name),
        "names who invited: {}",
        mail.text
    );
    assert!(mail.text.contains("MEMBER"));
    let token = inv["token"].as_str().unwrap();
    assert!(
        mail.link("/invite/").ends_with(token),
        "the emailed link is the shown one"
    );

    // Signed up with the invited address but not verified: refused, with why.
    let b = app.signed_up(&invitee).await;
    let refused = b
        .post_empty(&format!("/api/invitations/{token}/accept"))
        .await;
    let why = error_of(refused, StatusCode::FORBIDDEN).await;
    assert!(why.contains("verify your email"), "{why}");
    assert_eq!(
        b.get("/api/team/members").await.status(),
        StatusCode::FORBIDDEN,
        "not a member: no team selected"
    );

    let verify = sink
        .wait_for_with(&invitee.email, "/verify-email", 1)
        .await
        .token("/verify-email");
    assert_eq!(
        b.post("/api/auth/verify-email", &json!({"token": verify}))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    let joined = json_of(
        b.post_empty(&format!("/api/invitations/{token}/accept"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(joined["role"], "MEMBER");

    // Resend: a new link replaces the old one, emailed again.
    let other = TestUser::generate();
    let inv2 = json_of(
        owner
            .post(
                "/api/team/invitations",
                &json!({"email": other.email, "role": "VIEWER"}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    let id = inv2["id"].as_str().unwrap();
    let again = json_of(
        owner
            .post_empty(&format!("/api/team/invitations/{id}/resend"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_ne!(again["token"], inv2["token"]);
    assert_eq!(again["emailed"], true);
    let mail2 = sink.wait_for_with(&other.email, "/invite/", 2).await;
    assert!(mail2
        .link("/invite/")
        .ends_with(again["token"].as_str().unwrap()));
    let old = app
        .browser()
        .get(&format!(
            "/api/invitations/{}",
            inv2["token"].as_str().unwrap()
        ))
        .await;
    assert_eq!(
        old.status(),
        StatusCode::NOT_FOUND,
        "the old link stopped working"
    );
    // A MEMBER (the invitee, who joined as one) cannot resend.
    assert_eq!(
        b.post_empty(&format!("/api/team/invitations/{id}/resend"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn without_smtp_nothing_is_sent_or_verified_and_invitations_stay_bound_to_the_email() {
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Ops").await;
    let invitee = TestUser::generate();
    let inv = json_of(
        owner
            .post(
                "/api/team/invitations",
                &json!({"email": invitee.email, "role": "MEMBER"}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(inv["emailed"], false, "the link is for copying");
    let b = app.signed_up(&invitee).await;
    let me = b.me().await;
    assert_eq!(me["emailEnabled"], false);
    assert_eq!(me["emailVerified"], false);
    let resend = b.post_empty("/api/auth/verify-email/resend").await;
    assert!(error_of(resend, StatusCode::BAD_REQUEST)
        .await
        .contains("does not send email"));
    // Accepting works as before: bound to the address, not to a proof.
    let token = inv["token"].as_str().unwrap();
    json_of(
        b.post_empty(&format!("/api/invitations/{token}/accept"))
            .await,
        StatusCode::OK,
    )
    .await;
    // Forgot-password answers as always; nothing is queued.
    let resp = app
        .browser()
        .post(
            "/api/auth/forgot-password",
            &json!({"email": invitee.email}),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::ACCEPTED);
    use sea_orm::EntityTrait;
    let queued = release_coordinator::server::db::entities::mail_outbox::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    assert!(queued.is_empty());
    // A new email takes effect at once (nothing could verify it).
    let new_email = format!("moved-{}", invitee.email);
    let changed = json_of(
        b.patch("/api/me", &json!({"email": new_email})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(changed["user"]["email"], new_email);
    assert_eq!(changed["user"]["pendingEmail"], Value::Null);
}

#[tokio::test]
async fn a_forgotten_password_is_reset_once_through_the_emailed_link() {
    let (app, sink) = app_with_mail().await;
    let user = TestUser::generate();
    let first = app.signed_up(&user).await;
    let second = app.browser();
    json_of(
        second.sign_in(&user.email, &user.password).await,
        StatusCode::OK,
    )
    .await;

    let anon = app.browser();
    let known = anon
        .post("/api/auth/forgot-password", &json!({"email": user.email}))
        .await;
    let unknown = anon
        .post(
            "/api/auth/forgot-password",
            &json!({"email": "nobody-here@example.com"}),
        )
        .await;
    assert_eq!(known.status(), StatusCode::ACCEPTED);
    assert_eq!(unknown.status(), StatusCode::ACCEPTED);
    assert_eq!(
        known.text().await.unwrap(),
        unknown.text().await.unwrap(),
        "the same answer whether or not the address has an account"
    );
    let bad_email = anon
        .post(
            "/api/auth/forgot-password",
            &json!({"email": "not an email"}),
        )
        .await;
    assert_eq!(bad_email.status(), StatusCode::BAD_REQUEST);

    // The sign-up's verification, then the reset.
    let mail = sink.wait_for_with(&user.email, "/reset-password", 1).await;
    assert!(mail.subject.contains("Reset"), "{}", mail.subject);
    let token = mail.token("/reset-password");
    assert!(sink.to("nobody-here@example.com").is_empty());

    let short = anon
        .post(
            "/api/auth/reset-password",
            &json!({"token": token, "newPassword": "short"}),
        )
        .await;
    assert_eq!(short.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        first.get("/api/me").await.status(),
        StatusCode::OK,
        "nothing changed"
    );

    let new_password = "a brand new password";
    let ok = anon
        .post(
            "/api/auth/reset-password",
            &json!({"token": token, "newPassword": new_password}),
        )
        .await;
    assert_eq!(ok.status(), StatusCode::NO_CONTENT);
    for b in [&first, &second] {
        assert_eq!(
            b.get("/api/me").await.status(),
            StatusCode::UNAUTHORIZED,
            "every session is signed out"
        );
    }
    let reuse = anon
        .post(
            "/api/auth/reset-password",
            &json!({"token": token, "newPassword": "yet another password"}),
        )
        .await;
    assert_eq!(reuse.status(), StatusCode::BAD_REQUEST, "single use");
    assert_eq!(
        anon.sign_in(&user.email, &user.password).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let back = app.browser();
    json_of(
        back.sign_in(&user.email, new_password).await,
        StatusCode::OK,
    )
    .await;
    let kinds = log_kinds(&back).await;
    assert!(kinds.contains(&"PASSWORD_RESET".to_string()), "{kinds:?}");
    assert!(kinds.contains(&"PASSWORD_RESET_REQUESTED".to_string()));
    // The link reached the address: it counts as verified.
    assert_eq!(back.me().await["emailVerified"], true);

    // Asking again and again for one address: 429, known or not.
    let flood = "flood-target@example.com";
    let mut statuses = vec![];
    for _ in 0..6 {
        statuses.push(
            anon.post("/api/auth/forgot-password", &json!({"email": flood}))
                .await
                .status(),
        );
    }
    assert_eq!(statuses[..5], [StatusCode::ACCEPTED; 5]);
    assert_eq!(statuses[5], StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn a_new_email_takes_effect_once_its_link_is_used() {
    let (app, sink) = app_with_mail().await;
    let user = TestUser::generate();
    let b = app.signed_up(&user).await;
    let taken = TestUser::generate();
    app.signed_up(&taken).await;

    let renamed = json_of(
        b.patch("/api/me", &json!({"name": "Ada Lovelace"})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(renamed["user"]["name"], "Ada Lovelace");
    let bad = json_of(
        b.patch("/api/me", &json!({"email": "nope"})).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(bad["fields"]["email"].is_string(), "{bad}");
    let dup = b.patch("/api/me", &json!({"email": taken.email})).await;
    assert_eq!(dup.status(), StatusCode::CONFLICT);

    let new_email = format!("new-{}", user.email);
    let pending = json_of(
        b.patch("/api/me", &json!({"email": new_email})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(pending["user"]["email"], user.email, "not yet");
    assert_eq!(pending["user"]["pendingEmail"], new_email);
    assert_eq!(b.me().await["pendingEmail"], new_email);

    let mail = sink.wait_for(&new_email, 1).await;
    assert!(
        mail.text.contains("change the email address"),
        "{}",
        mail.text
    );
    let token = mail.token("/verify-email");
    assert_eq!(
        b.post("/api/auth/verify-email", &json!({"token": token}))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    let me = b.me().await;
    assert_eq!(me["user"]["email"], new_email);
    assert_eq!(me["emailVerified"], true);
    assert_eq!(me["pendingEmail"], Value::Null);
    assert_eq!(
        app.browser()
            .sign_in(&user.email, &user.password)
            .await
            .status(),
        StatusCode::UNAUTHORIZED,
        "the old address no longer signs in"
    );
    json_of(
        app.browser().sign_in(&new_email, &user.password).await,
        StatusCode::OK,
    )
    .await;
    assert!(log_kinds(&b).await.contains(&"EMAIL_CHANGED".to_string()));
}

#[tokio::test]
async fn sessions_are_listed_and_any_can_be_signed_out() {
    let app = TestApp::spawn().await;
    let user = TestUser::generate();
    let first = app.signed_up(&user).await;
    let second = app.browser();
    json_of(
        second.sign_in(&user.email, &user.password).await,
        StatusCode::OK,
    )
    .await;

    let list = json_of(first.get("/api/auth/sessions").await, StatusCode::OK).await;
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    let current: Vec<&Value> = items.iter().filter(|s| s["current"] == true).collect();
    assert_eq!(current.len(), 1);
    let other = items.iter().find(|s| s["current"] == false).unwrap();
    for s in items {
        assert_eq!(s["ip"], "127.0.0.1");
        assert!(s["createdAt"].is_string() && s["lastSeenAt"].is_string());
        assert!(s.get("tokenHash").is_none() && s.get("token").is_none());
    }
    let other_id = other["id"].as_str().unwrap();

    // Someone else cannot see or end it.
    let stranger = app.signed_up(&TestUser::generate()).await;
    assert_eq!(
        stranger
            .delete(&format!("/api/auth/sessions/{other_id}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(second.get("/api/me").await.status(), StatusCode::OK);

    assert_eq!(
        first
            .delete(&format!("/api/auth/sessions/{other_id}"))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        second.get("/api/me").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(first.get("/api/me").await.status(), StatusCode::OK);
    let list = json_of(first.get("/api/auth/sessions").await, StatusCode::OK).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        first.delete("/api/auth/sessions/nope").await.status(),
        StatusCode::NOT_FOUND
    );
    let kinds = log_kinds(&first).await;
    assert_eq!(kinds[0], "SESSION_REVOKED");
    assert!(kinds.contains(&"SIGNED_IN".to_string()));

    // A wrong password is in the log too, and no secret ever is.
    app.browser().sign_in(&user.email, "wrong password!").await;
    let log = first
        .get("/api/me/security-log")
        .await
        .text()
        .await
        .unwrap();
    assert!(log.contains("SIGN_IN_FAILED"));
    assert!(!log.contains(&user.password) && !log.contains("wrong password!"));
}

#[tokio::test]
async fn deleting_an_account_needs_the_email_and_no_orphaned_team() {
    let app = TestApp::spawn().await;
    let (owner, owner_user, _) = app.owner_with_team("Payments").await;
    let (member, member_user) = app.member_with_role(&owner, "MEMBER").await;

    let last = owner
        .delete_json("/api/me", &json!({"confirmEmail": owner_user.email}))
        .await;
    let why = error_of(last, StatusCode::CONFLICT).await;
    assert!(why.contains("last owner of Payments"), "{why}");

    let svc = json_of(
        owner
            .post("/api/services", &json!({"name": "Ledger"}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let member_id = member.me().await["user"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let rel = json_of(
        member
            .post(
                "/api/releases",
                &json!({"serviceId": svc["id"], "title": "Ledger 2", "version": "2.0.0", "ownerId": member_id}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    let wrong = member
        .delete_json("/api/me", &json!({"confirmEmail": "someone@else.com"}))
        .await;
    let body = json_of(wrong, StatusCode::BAD_REQUEST).await;
    assert!(body["fields"]["confirmEmail"].is_string());
    assert_eq!(member.get("/api/me").await.status(), StatusCode::OK);

    assert_eq!(
        member
            .delete_json(
                "/api/me",
                &json!({"confirmEmail": member_user.email.to_uppercase()})
            )
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        member.get("/api/me").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.browser()
            .sign_in(&member_user.email, &member_user.password)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    // Their release keeps its owner, shown as a former member.
    let got = json_of(
        owner
            .get(&format!("/api/releases/{}", rel["id"].as_str().unwrap()))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(got["ownerId"], member_id);
    let members = json_of(owner.get("/api/team/members").await, StatusCode::OK).await;
    assert_eq!(
        members["items"].as_array().unwrap().len(),
        1,
        "they left the team"
    );
    // On the board, its card names the owner "Former member".
    let r = owner
        .client
        .post(owner.url("/rpc/board"))
        .header("origin", &owner.address)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("service_id=&owner_id=&priority=&blocked=&q=&closed=&show=")
        .send()
        .await
        .unwrap();
    let board = json_of(r, StatusCode::OK).await;
    let card = serde_json::from_value::<Vec<release_coordinator::views::BoardColumn>>(
        board["columns"].clone(),
    )
    .unwrap()
    .into_iter()
    .flat_map(|c| c.cards)
    .find(|c| rel["id"] == c.id.as_str())
    .unwrap();
    assert_eq!(
        card.owner_name.as_deref(),
        Some("Former member"),
        "{card:?}"
    );
    // The address is free again.
    app.signed_up(&member_user).await;
}

#[tokio::test]
async fn email_is_retried_until_the_server_takes_it_and_a_refusal_is_kept() {
    let (app, sink) = app_with_mail().await;
    sink.fail_next_temporarily(2);
    let user = TestUser::generate();
    app.signed_up(&user).await;
    let mail = sink.wait_for(&user.email, 1).await;
    assert!(mail.subject.contains("Confirm"));
    use release_coordinator::server::db::entities::mail_outbox;
    use sea_orm::EntityTrait;
    // The sink has the message a moment before the worker records it as sent.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let rows = loop {
        let rows = mail_outbox::Entity::find().all(&app.db).await.unwrap();
        if rows.iter().any(|r| r.sent_at.is_some()) || std::time::Instant::now() > deadline {
            break rows;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].attempts, 3, "two refusals, then sent");
    assert!(rows[0].sent_at.is_some());

    sink.fail_next_permanently(1);
    let other = TestUser::generate();
    app.signed_up(&other).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let rows = mail_outbox::Entity::find().all(&app.db).await.unwrap();
        if let Some(failed) = rows
            .iter()
            .find(|r| r.to_address == other.email && r.failed_at.is_some())
        {
            assert_eq!(failed.attempts, 1, "a permanent refusal is not retried");
            assert!(failed.body.is_empty());
            assert!(failed
                .last_error
                .as_deref()
                .unwrap_or_default()
                .contains("550"));
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "never marked failed: {rows:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(sink.to(&other.email).is_empty());
}
