//! Services, releases and their state machine, comments, activity, the live
//! event stream, concurrency and tenant isolation.

use crate::helpers::{error_of, json_of, Browser, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn service(b: &Browser, name: &str) -> String {
    let s = json_of(
        b.post(
            "/api/services",
            &json!({"name": name, "githubRepo": "acme/payments", "jiraProjectKey": "pay"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    s["id"].as_str().unwrap().to_string()
}

async fn release(b: &Browser, service_id: &str, title: &str, version: &str) -> Value {
    json_of(
        b.post(
            "/api/releases",
            &json!({"serviceId": service_id, "title": title, "version": version}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await
}

async fn move_to(b: &Browser, id: &str, status: &str) -> reqwest::Response {
    b.patch(&format!("/api/releases/{id}"), &json!({"status": status}))
        .await
}

#[tokio::test]
async fn services_crud_and_roles() {
    let app = TestApp::spawn().await;
    let (owner, _, team) = app.owner_with_team("Acme").await;
    let id = service(&owner, "Payments API").await;
    let got = json_of(
        owner.get(&format!("/api/services/{id}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(got["slug"], "payments-api");
    assert_eq!(got["jiraProjectKey"], "PAY");
    assert_eq!(got["teamId"], team);
    let dup = owner
        .post(
            "/api/services",
            &json!({"name": "Other", "slug": "payments-api"}),
        )
        .await;
    error_of(dup, StatusCode::CONFLICT).await;
    error_of(
        owner
            .post(
                "/api/services",
                &json!({"name": "X", "githubRepo": "not a repo"}),
            )
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    error_of(
        owner
            .post("/api/services", &json!({"name": "X", "slug": "Bad Slug"}))
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    let patched = json_of(
        owner
            .patch(
                &format!("/api/services/{id}"),
                &json!({"description": "Takes money", "githubRepo": null}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(patched["description"], "Takes money");
    assert_eq!(patched["githubRepo"], Value::Null);

    let (member, _) = app.member_with_role(&owner, "MEMBER").await;
    error_of(
        member.post("/api/services", &json!({"name": "Nope"})).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    error_of(
        member.delete(&format!("/api/services/{id}")).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let list = json_of(member.get("/api/services").await, StatusCode::OK).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        owner.delete(&format!("/api/services/{id}")).await.status(),
        StatusCode::NO_CONTENT
    );
    error_of(
        owner.get(&format!("/api/services/{id}")).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn releases_crud_filters_and_the_state_machine() {
    let app = TestApp::spawn().await;
    let (owner, _, team) = app.owner_with_team("Acme").await;
    let svc = service(&owner, "Payments").await;
    let r = release(&owner, &svc, "Checkout v2", "2.4.0").await;
    assert_eq!(r["status"], "PLANNING");
    assert_eq!(r["priority"], "MEDIUM");
    assert_eq!(r["revision"], 1);
    assert_eq!(r["teamId"], team);
    for field in [
        "id",
        "serviceId",
        "title",
        "version",
        "description",
        "ownerId",
        "sprintId",
        "deploymentGroupId",
        "targetDate",
        "isBlocked",
        "blockedReason",
        "stagingDeployedAt",
        "productionDeployedAt",
        "createdAt",
        "updatedAt",
    ] {
        assert!(r.get(field).is_some(), "release has {field}");
    }
    let id = r["id"].as_str().unwrap().to_string();

    // Bad input changes nothing.
    error_of(
        owner
            .post(
                "/api/releases",
                &json!({"serviceId": svc, "title": "", "version": "1"}),
            )
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    error_of(
        owner
            .post(
                "/api/releases",
                &json!({"serviceId": "nope", "title": "x", "version": "1"}),
            )
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    error_of(
        owner
            .post(
                "/api/releases",
                &json!({"serviceId": svc, "title": "x", "version": "1", "priority": "URGENT"}),
            )
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    error_of(
        owner
            .post(
                "/api/releases",
                &json!({"serviceId": svc, "title": "x", "version": "1", "targetDate": "tomorrow"}),
            )
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;

    // Illegal move: 400 naming both states.
    let msg = error_of(
        move_to(&owner, &id, "DEPLOYED").await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(msg.contains("from Planning to Deployed"), "{msg}");
    // A value no enum has is refused as the body is read, naming the field;
    // nothing changes.
    let before = json_of(
        owner.get(&format!("/api/releases/{id}")).await,
        StatusCode::OK,
    )
    .await;
    let refused = json_of(
        move_to(&owner, &id, "SHIPPED").await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    let why = refused["fields"]["status"].as_str().unwrap_or_default();
    assert!(
        why.contains("SHIPPED") && why.contains("IN_STAGING"),
        "{refused}"
    );
    let refused = json_of(
        owner
            .post(
                "/api/releases",
                &json!({"serviceId": svc, "title": "x", "version": "1", "priority": "URGENT"}),
            )
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(
        refused["fields"]["priority"]
            .as_str()
            .is_some_and(|m| m.contains("URGENT")),
        "{refused}"
    );
    let refused = json_of(
        owner
            .patch(&format!("/api/releases/{id}"), &json!({"isBlocked": "yes"}))
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(refused["fields"]["isBlocked"].is_string(), "{refused}");
    let after = json_of(
        owner.get(&format!("/api/releases/{id}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(before, after);

    // Walk the main flow; timestamps are set on the way.
    let mut last = Value::Null;
    for s in [
        "IN_DEVELOPMENT",
        "IN_REVIEW",
        "READY_STAGING",
        "IN_STAGING",
        "STAGING_VERIFIED",
        "READY_PRODUCTION",
        "DEPLOYED",
    ] {
        last = json_of(move_to(&owner, &id, s).await, StatusCode::OK).await;
        assert_eq!(last["status"], s);
    }
    assert_eq!(last["revision"], 8);
    assert!(last["stagingDeployedAt"].is_string());
    assert!(last["productionDeployedAt"].is_string());
    error_of(
        move_to(&owner, &id, "CANCELLED").await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    json_of(move_to(&owner, &id, "ROLLED_BACK").await, StatusCode::OK).await;

    // Filters.
    let r2 = release(&owner, &svc, "Ledger", "3.0.0").await;
    let r2_id = r2["id"].as_str().unwrap();
    json_of(owner.patch(&format!("/api/releases/{r2_id}"), &json!({"priority": "CRITICAL", "isBlocked": true, "blockedReason": "legal review"})).await, StatusCode::OK).await;
    let by_status = json_of(
        owner.get("/api/releases?status=ROLLED_BACK,PLANNING").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(by_status["items"].as_array().unwrap().len(), 2);
    let blocked = json_of(
        owner.get("/api/releases?blocked=true").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(blocked["items"][0]["blockedReason"], "legal review");
    let critical = json_of(
        owner.get("/api/releases?priority=CRITICAL").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(critical["items"].as_array().unwrap().len(), 1);
    let text = json_of(owner.get("/api/releases?q=ledg").await, StatusCode::OK).await;
    assert_eq!(text["items"][0]["title"], "Ledger");
    let none = json_of(owner.get("/api/releases?q=100%25").await, StatusCode::OK).await;
    assert_eq!(none["items"], json!([]), "% is matched literally");
    error_of(
        owner.get("/api/releases?status=NOPE").await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    error_of(
        owner.get("/api/releases?blocked=maybe").await,
        StatusCode::BAD_REQUEST,
    )
    .await;

    // Activity, newest first, readable.
    let acts = json_of(
        owner.get(&format!("/api/releases/{id}/activities")).await,
        StatusCode::OK,
    )
    .await;
    let first = &acts["items"][0];
    assert_eq!(first["type"], "STATUS_CHANGED");
    assert!(
        first["description"]
            .as_str()
            .unwrap()
            .contains("moved Checkout v2 2.4.0 from Deployed to Rolled back"),
        "{first}"
    );
    let last_item = acts["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last_item["type"], "RELEASE_CREATED");

    assert_eq!(
        owner.delete(&format!("/api/releases/{id}")).await.status(),
        StatusCode::NO_CONTENT
    );
    error_of(
        owner.get(&format!("/api/releases/{id}")).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let feed = json_of(owner.get("/api/activities").await, StatusCode::OK).await;
    assert!(
        feed["items"][0]["description"]
            .as_str()
            .unwrap()
            .contains("deleted"),
        "the audit trail outlives the release"
    );
}

#[tokio::test]
async fn stale_revisions_are_conflicts_and_change_nothing() {
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Acme").await;
    let svc = service(&owner, "Payments").await;
    let r = release(&owner, &svc, "Checkout", "1.0.0").await;
    let id = r["id"].as_str().unwrap();
    json_of(
        owner
            .patch(
                &format!("/api/releases/{id}"),
                &json!({"title": "Checkout v2", "revision": 1}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    let stale = owner
        .patch(
            &format!("/api/releases/{id}"),
            &json!({"title": "Lost update", "revision": 1}),
        )
        .await;
    assert!(error_of(stale, StatusCode::CONFLICT)
        .await
        .contains("changed by someone else"));
    let now = json_of(
        owner.get(&format!("/api/releases/{id}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(now["title"], "Checkout v2");
    assert_eq!(now["revision"], 2);
}

#[tokio::test]
async fn a_release_marked_blocked_cannot_ship_until_unblocked() {
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Acme").await;
    let svc = service(&owner, "Payments").await;
    let r = release(&owner, &svc, "Checkout", "1.0.0").await;
    let id = r["id"].as_str().unwrap();
    for s in ["IN_DEVELOPMENT", "IN_REVIEW", "READY_STAGING", "IN_STAGING"] {
        json_of(move_to(&owner, id, s).await, StatusCode::OK).await;
    }
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
    // Work goes on around a block…
    json_of(
        move_to(&owner, id, "STAGING_VERIFIED").await,
        StatusCode::OK,
    )
    .await;
    // …but it does not ship, and the refusal says why and changes nothing.
    let err = error_of(
        move_to(&owner, id, "READY_PRODUCTION").await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(
        err.contains("Ready for production") && err.contains("legal review"),
        "{err}"
    );
    let now = json_of(
        owner.get(&format!("/api/releases/{id}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(now["status"], "STAGING_VERIFIED");
    // Unblocking in the same request lets it through.
    let moved = json_of(
        owner
            .patch(
                &format!("/api/releases/{id}"),
                &json!({"isBlocked": false, "status": "READY_PRODUCTION"}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(moved["status"], "READY_PRODUCTION");
    assert_eq!(moved["isBlocked"], false);
}

#[tokio::test]
async fn concurrent_moves_end_in_successes_and_conflicts_only() {
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Acme").await;
    let svc = service(&owner, "Payments").await;
    let r = release(&owner, &svc, "Checkout", "1.0.0").await;
    let id = r["id"].as_str().unwrap().to_string();
    // Twelve clients race the same card through PLANNING → IN_DEVELOPMENT
    // and back, each based on revision 1.
    let mut handles = vec![];
    for i in 0..12 {
        let client = owner.client.clone();
        let url = owner.url(&format!("/api/releases/{id}"));
        let origin = owner.address.clone();
        let status = if i % 2 == 0 {
            "IN_DEVELOPMENT"
        } else {
            "CANCELLED"
        };
        handles.push(tokio::spawn(async move {
            client
                .patch(url)
                .header("origin", origin)
                .json(&json!({"status": status, "revision": 1}))
                .send()
                .await
                .unwrap()
                .status()
        }));
    }
    let mut ok = 0;
    for h in handles {
        let s = h.await.unwrap();
        assert!(s == StatusCode::OK || s == StatusCode::CONFLICT, "got {s}");
        if s == StatusCode::OK {
            ok += 1;
        }
    }
    assert_eq!(ok, 1, "exactly one move based on revision 1 wins");
    let now = json_of(
        owner.get(&format!("/api/releases/{id}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(now["revision"], 2);

    // Without a revision, concurrent moves serialise: each accepted move gets its own revision.
    let mut handles = vec![];
    for i in 0..10 {
        let client = owner.client.clone();
        let url = owner.url(&format!("/api/releases/{id}"));
        let origin = owner.address.clone();
        let title = format!("t{i}");
        handles.push(tokio::spawn(async move {
            client
                .patch(url)
                .header("origin", origin)
                .json(&json!({"title": title}))
                .send()
                .await
                .unwrap()
                .status()
        }));
    }
    let mut accepted = 0;
    for h in handles {
        let s = h.await.unwrap();
        assert!(s == StatusCode::OK || s == StatusCode::CONFLICT, "got {s}");
        if s == StatusCode::OK {
            accepted += 1;
        }
    }
    let now = json_of(
        owner.get(&format!("/api/releases/{id}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        now["revision"],
        2 + accepted,
        "every accepted change has its own revision"
    );
}

#[tokio::test]
async fn viewers_read_but_cannot_change() {
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Acme").await;
    let svc = service(&owner, "Payments").await;
    let r = release(&owner, &svc, "Checkout", "1.0.0").await;
    let id = r["id"].as_str().unwrap();
    let (viewer, _) = app.member_with_role(&owner, "VIEWER").await;
    json_of(
        viewer.get(&format!("/api/releases/{id}")).await,
        StatusCode::OK,
    )
    .await;
    error_of(
        move_to(&viewer, id, "IN_DEVELOPMENT").await,
        StatusCode::FORBIDDEN,
    )
    .await;
    error_of(
        viewer
            .post(
                "/api/releases",
                &json!({"serviceId": svc, "title": "x", "version": "1"}),
            )
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    error_of(
        viewer
            .post(
                &format!("/api/releases/{id}/comments"),
                &json!({"body": "hi"}),
            )
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let (member, _) = app.member_with_role(&owner, "MEMBER").await;
    json_of(move_to(&member, id, "IN_DEVELOPMENT").await, StatusCode::OK).await;
}

#[tokio::test]
async fn comments_are_sanitised_and_guarded() {
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Acme").await;
    let svc = service(&owner, "Payments").await;
    let r = release(&owner, &svc, "Checkout", "1.0.0").await;
    let id = r["id"].as_str().unwrap();
    let (member, _) = app.member_with_role(&owner, "MEMBER").await;
    let c = json_of(
        member
            .post(
                &format!("/api/releases/{id}/comments"),
                &json!({"body": "**LGTM** <script>alert(1)</script> [x](javascript:alert(1))"}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    let html = c["bodyHtml"].as_str().unwrap();
    assert!(
        html.contains("<strong>LGTM</strong>")
            && !html.contains("<script")
            && !html.contains("javascript:"),
        "{html}"
    );
    let cid = c["id"].as_str().unwrap();
    let (other, _) = app.member_with_role(&owner, "MEMBER").await;
    error_of(
        other
            .patch(
                &format!("/api/releases/{id}/comments/{cid}"),
                &json!({"body": "mine now"}),
            )
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    error_of(
        other
            .delete(&format!("/api/releases/{id}/comments/{cid}"))
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let edited = json_of(
        member
            .patch(
                &format!("/api/releases/{id}/comments/{cid}"),
                &json!({"body": "edited"}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(edited["body"], "edited");
    error_of(
        member
            .post(
                &format!("/api/releases/{id}/comments"),
                &json!({"body": "  "}),
            )
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    error_of(
        member
            .post(
                &format!("/api/releases/{id}/comments"),
                &json!({"body": "x".repeat(20_001)}),
            )
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(
        owner
            .delete(&format!("/api/releases/{id}/comments/{cid}"))
            .await
            .status(),
        StatusCode::NO_CONTENT,
        "an admin may delete"
    );
    let list = json_of(
        owner.get(&format!("/api/releases/{id}/comments")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["items"], json!([]));
    let acts = json_of(
        owner.get(&format!("/api/releases/{id}/activities")).await,
        StatusCode::OK,
    )
    .await;
    let acts = acts["items"].as_array().unwrap();
    assert!(acts.iter().any(|a| a["type"] == "COMMENT_ADDED"));
    // Edits and deletions are audited too, naming who did it.
    let deleted = acts
        .iter()
        .find(|a| a["action"] == "comment_deleted")
        .expect("deletion audited");
    assert_eq!(deleted["type"], "RELEASE_UPDATED");
    assert!(deleted["description"]
        .as_str()
        .unwrap()
        .contains("deleted a comment"));
    assert!(acts.iter().any(|a| a["action"] == "comment_edited"));
}

#[tokio::test]
async fn another_teams_releases_are_invisible() {
    let app = TestApp::spawn().await;
    let (a, _, _) = app.owner_with_team("Team A").await;
    let svc = service(&a, "Secret").await;
    let r = release(&a, &svc, "Secret launch", "1.0.0").await;
    let id = r["id"].as_str().unwrap();
    let c = json_of(
        a.post(
            &format!("/api/releases/{id}/comments"),
            &json!({"body": "hush"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let cid = c["id"].as_str().unwrap();
    let (b, _, _) = app.owner_with_team("Team B").await;
    for path in [
        format!("/api/services/{svc}"),
        format!("/api/releases/{id}"),
        format!("/api/releases/{id}/comments"),
        format!("/api/releases/{id}/activities"),
    ] {
        error_of(b.get(&path).await, StatusCode::NOT_FOUND).await;
    }
    error_of(
        move_to(&b, id, "IN_DEVELOPMENT").await,
        StatusCode::NOT_FOUND,
    )
    .await;
    error_of(
        b.delete(&format!("/api/releases/{id}")).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    error_of(
        b.patch(&format!("/api/services/{svc}"), &json!({"name": "mine"}))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    error_of(
        b.delete(&format!("/api/releases/{id}/comments/{cid}"))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    error_of(
        b.post(
            "/api/releases",
            &json!({"serviceId": svc, "title": "x", "version": "1"}),
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let lists = [
        json_of(b.get("/api/releases").await, StatusCode::OK).await,
        json_of(b.get("/api/activities").await, StatusCode::OK).await,
        json_of(b.get("/api/services").await, StatusCode::OK).await,
    ];
    for l in lists {
        assert_eq!(l["items"], json!([]));
    }
}

/// Reads SSE `data:` lines of `activity` events until `pred` matches or time runs out.
async fn next_activity(
    resp: &mut reqwest::Response,
    secs: u64,
    pred: impl Fn(&Value) -> bool,
) -> Option<Value> {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(secs);
    let mut buf = String::new();
    loop {
        let chunk = tokio::time::timeout_at(deadline, resp.chunk())
            .await
            .ok()?
            .ok()??;
        buf.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buf.find("\n\n") {
            let frame: String = buf.drain(..end + 2).collect();
            if let Some(data) = frame.lines().find_map(|l| l.strip_prefix("data:")) {
                if let Ok(v) = serde_json::from_str::<Value>(data.trim()) {
                    if pred(&v) {
                        return Some(v);
                    }
                }
            }
        }
    }
}

#[tokio::test]
async fn the_event_stream_delivers_other_peoples_changes_of_this_team_only() {
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Acme").await;
    let (member, _) = app.member_with_role(&owner, "MEMBER").await;
    let svc = service(&owner, "Payments").await;
    let r = release(&owner, &svc, "Checkout", "2.4.0").await;
    let id = r["id"].as_str().unwrap().to_string();
    let (outsider, _, _) = app.owner_with_team("Other team").await;

    let mut stream = owner.get("/api/events").await;
    assert_eq!(stream.status(), StatusCode::OK);
    assert!(stream.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    let mut foreign = outsider.get("/api/events").await;

    json_of(
        move_to(&member, &id, "IN_DEVELOPMENT").await,
        StatusCode::OK,
    )
    .await;
    let ev = next_activity(&mut stream, 10, |v| v["type"] == "STATUS_CHANGED")
        .await
        .expect("the owner sees the member's move");
    assert_eq!(ev["releaseId"], id);
    assert!(ev["description"]
        .as_str()
        .unwrap()
        .contains("moved Checkout 2.4.0 from Planning to In development"));

    let svc_b = service(&outsider, "Theirs").await;
    release(&outsider, &svc_b, "Theirs", "1").await;
    let got = next_activity(&mut foreign, 2, |v| v["releaseId"] == id.as_str()).await;
    assert!(got.is_none(), "another team never sees this team's events");

    let anon = app.browser();
    error_of(anon.get("/api/events").await, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn on_postgresql_events_reach_every_app_server() {
    if crate::helpers::backend() != crate::helpers::Backend::Postgres {
        return; // one process on SQLite: the in-process bus is the whole story
    }
    let a = TestApp::spawn().await;
    let b = TestApp::spawn_with(std::collections::HashMap::from([(
        "DATABASE_URL",
        a.database_url.clone(),
    )]))
    .await;
    let (owner, _, _) = a.owner_with_team("Acme").await;
    let svc = service(&owner, "Payments").await;
    let r = release(&owner, &svc, "Checkout", "2.4.0").await;
    let id = r["id"].as_str().unwrap().to_string();

    // The same session (it lives in the database) opens the stream on server B.
    let mut stream = owner.client.get(b.url("/api/events")).send().await.unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    json_of(move_to(&owner, &id, "IN_DEVELOPMENT").await, StatusCode::OK).await;
    let ev = next_activity(&mut stream, 10, |v| v["type"] == "STATUS_CHANGED")
        .await
        .expect("server B relays server A's change");
    assert_eq!(ev["releaseId"], id);
}

/// Parity 17: a new release keeps the sprint and group it was created in.
#[tokio::test]
async fn a_new_release_keeps_its_sprint_and_group() {
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Acme").await;
    let svc = service(&owner, "Payments").await;
    let sprint = json_of(
        owner
            .post(
                "/api/sprints",
                &json!({"name": "S1", "startDate": "2026-12-01", "endDate": "2026-12-14"}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    let group = json_of(
        owner
            .post("/api/deployment-groups", &json!({"name": "Wave 1"}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let r = json_of(
        owner
            .post(
                "/api/releases",
                &json!({"serviceId": svc, "title": "Checkout", "version": "1.0.0",
                        "sprintId": sprint["id"], "deploymentGroupId": group["id"]}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(r["sprintId"], sprint["id"]);
    assert_eq!(r["deploymentGroupId"], group["id"]);
    let gid = group["id"].as_str().unwrap();
    let members = json_of(
        owner
            .get(&format!("/api/deployment-groups/{gid}/releases"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(members["items"][0]["position"], 1);
    let feed = json_of(
        owner
            .get(&format!(
                "/api/releases/{}/activities",
                r["id"].as_str().unwrap()
            ))
            .await,
        StatusCode::OK,
    )
    .await;
    assert!(
        feed.to_string().contains("DEPLOYMENT_GROUP_ASSIGNED"),
        "{feed}"
    );
    // Another team's sprint or group is refused like a missing one.
    let (other, _, _) = app.owner_with_team("Other").await;
    let other_svc = service(&other, "Theirs").await;
    for field in ["sprintId", "deploymentGroupId"] {
        let id = if field == "sprintId" {
            &sprint["id"]
        } else {
            &group["id"]
        };
        let resp = other
            .post(
                "/api/releases",
                &json!({"serviceId": other_svc, "title": "X", "version": "1", field: id}),
            )
            .await;
        let body = json_of(resp, StatusCode::BAD_REQUEST).await;
        assert!(body["fields"][field].is_string(), "{body}");
    }
}

/// Parity 18: "blocked" means one thing — by hand or waiting on an
/// undeployed BLOCKS dependency — in the API filter, the board and the list.
#[tokio::test]
async fn blocked_means_the_same_everywhere() {
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Acme").await;
    let svc = service(&owner, "Payments").await;
    let by_hand = release(&owner, &svc, "By hand", "1").await;
    let waiting = release(&owner, &svc, "Waiting", "1").await;
    let blocker = release(&owner, &svc, "Blocker", "1").await;
    let free = release(&owner, &svc, "Free", "1").await;
    let _ = &free;
    json_of(
        owner
            .patch(
                &format!("/api/releases/{}", by_hand["id"].as_str().unwrap()),
                &json!({"isBlocked": true, "blockedReason": "vendor"}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    json_of(
        owner
            .post(
                &format!(
                    "/api/releases/{}/dependencies",
                    waiting["id"].as_str().unwrap()
                ),
                &json!({"dependsOnId": blocker["id"], "type": "BLOCKS"}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    let titles = |v: &Value| {
        let mut t: Vec<String> = v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["title"].as_str().unwrap().to_string())
            .collect();
        t.sort();
        t
    };
    let blocked = json_of(
        owner.get("/api/releases?blocked=true").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(titles(&blocked), vec!["By hand", "Waiting"]);
    let not = json_of(
        owner.get("/api/releases?blocked=false").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(titles(&not), vec!["Blocker", "Free"]);
    let stats = json_of(owner.get("/api/dashboard/stats").await, StatusCode::OK).await;
    assert_eq!(stats["blocked"], 2);
    // The board's and the list's Blocked filter show the same two.
    for page in ["/board?blocked=true", "/releases?blocked=true"] {
        let html = owner.get(page).await.text().await.unwrap();
        assert!(
            html.contains("By hand") && html.contains("Waiting"),
            "{page}"
        );
        assert!(
            !html.contains(">Free<") && !html.contains("Free 1"),
            "{page}"
        );
    }
}

/// 0b. Racing status moves of one card without a client revision: every
/// answer is 200, 400 (illegal from where the card is by then) or 409;
/// every 200 that changed something has its own revision, one STATUS_CHANGED
/// each, and the history adds up to the final revision.
#[tokio::test]
async fn racing_moves_without_a_revision_keep_an_honest_history() {
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Acme").await;
    let svc = service(&owner, "Payments").await;
    let r = release(&owner, &svc, "Checkout", "1.0.0").await;
    let id = r["id"].as_str().unwrap().to_string();
    let mut handles = vec![];
    for i in 0..16 {
        let client = owner.client.clone();
        let url = owner.url(&format!("/api/releases/{id}"));
        let origin = owner.address.clone();
        let status = ["IN_DEVELOPMENT", "CANCELLED", "PLANNING", "IN_REVIEW"][i % 4];
        handles.push(tokio::spawn(async move {
            let resp = client
                .patch(url)
                .header("origin", origin)
                .json(&json!({ "status": status }))
                .send()
                .await
                .unwrap();
            let s = resp.status();
            (s, resp.json::<Value>().await.unwrap())
        }));
    }
    let mut revisions = vec![];
    for h in handles {
        let (s, body) = h.await.unwrap();
        assert!(
            s == StatusCode::OK || s == StatusCode::BAD_REQUEST || s == StatusCode::CONFLICT,
            "got {s}: {body}"
        );
        if s == StatusCode::OK && body["revision"] != 1 {
            revisions.push(body["revision"].as_i64().unwrap());
        }
    }
    let now = json_of(
        owner.get(&format!("/api/releases/{id}")).await,
        StatusCode::OK,
    )
    .await;
    let moves = json_of(
        owner.get(&format!("/api/releases/{id}/activities")).await,
        StatusCode::OK,
    )
    .await["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["type"] == "STATUS_CHANGED")
        .count() as i64;
    assert_eq!(
        now["revision"].as_i64().unwrap(),
        1 + moves,
        "one revision per move"
    );
    // Distinct revisions for distinct changes (an unchanged answer repeats its own).
    let mut distinct = revisions.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(
        distinct.len() as i64,
        moves,
        "{revisions:?} vs {moves} moves"
    );
    // A PATCH to the status it already has: 200, unchanged, no activity.
    let same = json_of(
        owner
            .patch(
                &format!("/api/releases/{id}"),
                &json!({"status": now["status"]}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(same["revision"], now["revision"]);
}

#[tokio::test]
async fn activity_text_is_written_from_its_facts_when_read() {
    use sea_orm::ConnectionTrait;
    let app = TestApp::spawn().await;
    let (owner, user, _) = app.owner_with_team("Acme").await;
    let svc = service(&owner, "Payments").await;
    let r = release(&owner, &svc, "Checkout", "2.4.0").await;
    let id = r["id"].as_str().unwrap();
    assert_eq!(
        move_to(&owner, id, "IN_DEVELOPMENT").await.status(),
        StatusCode::OK
    );
    // History keeps its facts; the words are today's. Stale stored wording
    // and a renamed actor both read as they should now.
    app.db
        .execute_unprepared("UPDATE activities SET description = 'old wording'")
        .await
        .unwrap();
    app.db
        .execute_unprepared(&format!(
            "UPDATE users SET name = 'Ada Renamed' WHERE email = '{}'",
            user.email
        ))
        .await
        .unwrap();
    let feed = json_of(
        owner.get(&format!("/api/releases/{id}/activities")).await,
        StatusCode::OK,
    )
    .await;
    let texts: Vec<&str> = feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["description"].as_str().unwrap())
        .collect();
    assert_eq!(
        texts,
        [
            "Ada Renamed moved Checkout 2.4.0 from Planning to In development",
            "Ada Renamed created Checkout 2.4.0 for Payments",
        ]
    );
    let moved = &feed["items"][0];
    assert_eq!(moved["metadata"]["from"], "PLANNING");
    assert_eq!(moved["metadata"]["to"], "IN_DEVELOPMENT");

    // An entry whose facts cannot be read shows the words stored with it.
    app.db
        .execute_unprepared("UPDATE activities SET metadata = '{\"from\":\"PLANNING\"}'")
        .await
        .unwrap();
    let feed = json_of(owner.get("/api/activities").await, StatusCode::OK).await;
    assert_eq!(feed["items"][0]["description"], "old wording");
}
