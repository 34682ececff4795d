//! The audit log of everything (`GET /api/activities` with its filters,
//! the CSV and JSON Lines export) and the team search (`GET /api/search`).

use crate::helpers::{error_of, json_of, Browser, TestApp};
use chrono::SubsecRound;
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn created(b: &Browser, path: &str, body: Value) -> Value {
    json_of(b.post(path, &body).await, StatusCode::CREATED).await
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

/// The entries of one resource, newest first.
async fn entries_of(b: &Browser, resource_type: &str, resource_id: &str) -> Vec<Value> {
    let page = json_of(
        b.get(&format!(
            "/api/activities?resourceType={resource_type}&resourceId={resource_id}"
        ))
        .await,
        StatusCode::OK,
    )
    .await;
    page["items"].as_array().unwrap().clone()
}

/// The actions of a resource's entries, oldest first.
async fn actions_of(b: &Browser, resource_type: &str, resource_id: &str) -> Vec<String> {
    let mut a: Vec<String> = entries_of(b, resource_type, resource_id)
        .await
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect();
    a.reverse();
    a
}

#[tokio::test]
async fn every_change_to_the_team_is_logged_with_who_and_what_changed() {
    let app = TestApp::spawn().await;
    let (owner, owner_user, team_id) = app.owner_with_team("Acme").await;
    let owner_id = owner.me().await["user"]["id"].as_str().unwrap().to_string();

    // Services: added, changed (before → after), deleted.
    let svc = created(&owner, "/api/services", json!({"name": "Payments"})).await;
    let svc_id = id(&svc);
    json_of(
        owner
            .patch(
                &format!("/api/services/{svc_id}"),
                &json!({"name": "Payments API", "jiraProjectKey": "PAY"}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    let log = entries_of(&owner, "SERVICE", &svc_id).await;
    assert_eq!(log.len(), 2, "{log:?}");
    let edit = &log[0];
    assert_eq!(edit["type"], "SERVICE_CHANGED");
    assert_eq!(edit["action"], "changed");
    assert_eq!(edit["actorId"], owner_id);
    assert_eq!(edit["actorName"], owner_user.name);
    assert_eq!(edit["resourceType"], "SERVICE");
    assert_eq!(edit["resourceId"], svc_id);
    assert_eq!(edit["changes"]["name"], json!(["Payments", "Payments API"]));
    assert_eq!(edit["changes"]["jiraProjectKey"], json!([null, "PAY"]));
    assert!(
        edit["changes"].get("slug").is_none(),
        "unchanged fields are left out"
    );
    assert_eq!(
        edit["description"],
        format!(
            "{} changed the jira project key and name of the service Payments API",
            owner_user.name
        )
    );
    assert_eq!(log[1]["action"], "added");
    assert!(log[1]["createdAt"].as_str().unwrap().ends_with('Z'));
    // Saving the same values again changes nothing and logs nothing.
    owner
        .patch(
            &format!("/api/services/{svc_id}"),
            &json!({"name": "Payments API"}),
        )
        .await;
    assert_eq!(entries_of(&owner, "SERVICE", &svc_id).await.len(), 2);

    // Sprints and deployment groups.
    let sprint = created(
        &owner,
        "/api/sprints",
        json!({"name": "Sprint 11", "startDate": "2026-12-01", "endDate": "2026-12-14"}),
    )
    .await;
    owner
        .patch(
            &format!("/api/sprints/{}", id(&sprint)),
            &json!({"name": "Sprint 12", "endDate": "2026-12-18"}),
        )
        .await;
    owner.delete(&format!("/api/sprints/{}", id(&sprint))).await;
    assert_eq!(
        actions_of(&owner, "SPRINT", &id(&sprint)).await,
        ["added", "changed", "removed"]
    );
    let changed = &entries_of(&owner, "SPRINT", &id(&sprint)).await[1];
    assert_eq!(
        changed["changes"]["endDate"],
        json!(["2026-12-14", "2026-12-18"])
    );
    let group = created(&owner, "/api/deployment-groups", json!({"name": "Wave 1"})).await;
    owner
        .patch(
            &format!("/api/deployment-groups/{}", id(&group)),
            &json!({"deploymentOrder": "SIMULTANEOUS"}),
        )
        .await;
    owner
        .delete(&format!("/api/deployment-groups/{}", id(&group)))
        .await;
    assert_eq!(
        actions_of(&owner, "DEPLOYMENT_GROUP", &id(&group)).await,
        ["added", "changed", "removed"]
    );

    // Invitations and members: invited, joined (by the person who joined),
    // role changed, removed.
    let (member, member_user) = app.member_with_role(&owner, "VIEWER").await;
    let member_id = member.me().await["user"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let joined = entries_of(&owner, "MEMBER", &member_id).await;
    assert_eq!(joined[0]["actorId"], member_id);
    assert_eq!(
        joined[0]["description"],
        format!("{} joined the team as Viewer", member_user.name)
    );
    let invited = json_of(
        owner.get("/api/activities?resourceType=INVITATION").await,
        StatusCode::OK,
    )
    .await;
    assert!(invited["items"][0]["description"]
        .as_str()
        .unwrap()
        .contains(&format!("invited {} as Viewer", member_user.email)));
    json_of(
        owner
            .patch(
                &format!("/api/team/members/{member_id}"),
                &json!({"role": "MEMBER"}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    let role = &entries_of(&owner, "MEMBER", &member_id).await[0];
    assert_eq!(role["type"], "MEMBER_CHANGED");
    assert_eq!(role["changes"]["role"], json!(["VIEWER", "MEMBER"]));
    let revoked = created(
        &owner,
        "/api/team/invitations",
        json!({"email": "someone@example.com", "role": "MEMBER"}),
    )
    .await;
    owner
        .delete(&format!("/api/team/invitations/{}", id(&revoked)))
        .await;
    assert_eq!(
        actions_of(&owner, "INVITATION", &id(&revoked)).await,
        ["added", "removed"]
    );

    // Settings: what changed; the Slack webhook only as "set"/"changed".
    json_of(
        owner
            .patch(
                "/api/team/settings",
                &json!({"slackChannel": "#releases", "notifyOnBlocked": false}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    let settings = &entries_of(&owner, "SETTINGS", &team_id).await[0];
    assert_eq!(settings["type"], "SETTINGS_CHANGED");
    assert_eq!(
        settings["changes"]["slackChannel"],
        json!([null, "#releases"])
    );
    assert_eq!(settings["changes"]["notifyOnBlocked"], json!([true, false]));

    // API tokens and webhooks; the webhook is named by its host only.
    let token = created(
        &owner,
        "/api/team/api-tokens",
        json!({"name": "CI deploy", "role": "MEMBER"}),
    )
    .await;
    owner
        .delete(&format!("/api/team/api-tokens/{}", id(&token)))
        .await;
    let t = entries_of(&owner, "API_TOKEN", &id(&token)).await;
    assert_eq!(t.len(), 2);
    assert!(t[0]["description"]
        .as_str()
        .unwrap()
        .ends_with("revoked the API token CI deploy"));
    let hook = created(
        &owner,
        "/api/team/webhooks",
        json!({"url": "https://hooks.example.com/secret-path?key=s3cr3t", "events": ["*"]}),
    )
    .await;
    let hook_id = id(&hook);
    owner
        .patch(
            &format!("/api/team/webhooks/{hook_id}"),
            &json!({"active": false}),
        )
        .await;
    owner.delete(&format!("/api/team/webhooks/{hook_id}")).await;
    let w = entries_of(&owner, "WEBHOOK", &hook_id).await;
    assert_eq!(w.len(), 3, "{w:?}");
    assert_eq!(w[1]["changes"]["active"], json!([true, false]));
    let all = serde_json::to_string(&w).unwrap();
    assert!(all.contains("hooks.example.com"));
    assert!(
        !all.contains("s3cr3t") && !all.contains("secret-path"),
        "{all}"
    );

    // The member is removed; then the service is deleted.
    owner
        .delete(&format!("/api/team/members/{member_id}"))
        .await;
    assert_eq!(
        entries_of(&owner, "MEMBER", &member_id).await[0]["description"],
        format!(
            "{} removed {} from the team",
            owner_user.name, member_user.name
        )
    );
    owner.delete(&format!("/api/services/{svc_id}")).await;
    assert_eq!(
        actions_of(&owner, "SERVICE", &svc_id).await,
        ["added", "changed", "removed"]
    );

    // Release entries name their release as the resource.
    let svc2 = created(&owner, "/api/services", json!({"name": "Web"})).await;
    let rel = created(
        &owner,
        "/api/releases",
        json!({"serviceId": id(&svc2), "title": "Web", "version": "1.0.0"}),
    )
    .await;
    owner
        .patch(
            &format!("/api/releases/{}", id(&rel)),
            &json!({"title": "Web app", "priority": "HIGH"}),
        )
        .await;
    let r = entries_of(&owner, "RELEASE", &id(&rel)).await;
    assert_eq!(r.len(), 2);
    assert_eq!(r[0]["changes"]["title"], json!(["Web", "Web app"]));
    assert_eq!(r[0]["changes"]["priority"], json!(["MEDIUM", "HIGH"]));
}

#[tokio::test]
async fn the_feed_filters_by_person_type_resource_and_time() {
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Acme").await;
    let (admin, _) = app.member_with_role(&owner, "ADMIN").await;
    let admin_id = admin.me().await["user"]["id"].as_str().unwrap().to_string();
    let before = chrono::Utc::now() - chrono::Duration::seconds(1);
    created(&owner, "/api/services", json!({"name": "One"})).await;
    let two = created(&admin, "/api/services", json!({"name": "Two"})).await;
    created(
        &admin,
        "/api/sprints",
        json!({"name": "S", "startDate": "2026-12-01", "endDate": "2026-12-02"}),
    )
    .await;

    let items = |v: &Value| v["items"].as_array().unwrap().clone();
    let by_admin = json_of(
        owner
            .get(&format!("/api/activities?actorId={admin_id}"))
            .await,
        StatusCode::OK,
    )
    .await;
    // Joining, a service and a sprint.
    assert_eq!(items(&by_admin).len(), 3, "{by_admin}");
    assert!(items(&by_admin).iter().all(|e| e["actorId"] == admin_id));
    let types = json_of(
        owner
            .get("/api/activities?type=SERVICE_CHANGED,SPRINT_CHANGED")
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(items(&types).len(), 3);
    let both = json_of(
        owner
            .get(&format!(
                "/api/activities?actorId={admin_id}&type=SERVICE_CHANGED"
            ))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(items(&both).len(), 1);
    assert_eq!(items(&both)[0]["resourceId"], two["id"]);
    let from = before.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let since = json_of(
        owner
            .get(&format!("/api/activities?from={from}&resourceType=SERVICE"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(items(&since).len(), 2);
    let until = json_of(
        owner.get(&format!("/api/activities?to={from}")).await,
        StatusCode::OK,
    )
    .await;
    assert!(
        items(&until).iter().all(|e| {
            let at: chrono::DateTime<chrono::Utc> =
                e["createdAt"].as_str().unwrap().parse().unwrap();
            at < before.trunc_subsecs(0)
        }),
        "entries before `to` only: {until}"
    );

    // Bad filters are 400s naming the field, and change nothing.
    for (q, field) in [
        ("type=TELEPORTED", "type"),
        ("resourceType=PLANET", "resourceType"),
        ("from=yesterday", "from"),
        ("to=2026-13-01T00:00:00Z", "to"),
        ("from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z", "to"),
        ("limit=0", "limit"),
    ] {
        let r = owner.get(&format!("/api/activities?{q}")).await;
        let body = json_of(r, StatusCode::BAD_REQUEST).await;
        assert!(body["fields"].get(field).is_some(), "{q}: {body}");
    }
}

#[tokio::test]
async fn pages_follow_their_cursor_even_while_entries_are_added() {
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Acme").await;
    for i in 0..7 {
        created(&owner, "/api/services", json!({"name": format!("S{i}")})).await;
    }
    let mut seen: Vec<String> = vec![];
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/activities?limit=3&cursor={c}"),
            None => "/api/activities?limit=3".to_string(),
        };
        let page = json_of(owner.get(&path).await, StatusCode::OK).await;
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["id"].as_str().unwrap().to_string()),
        );
        pages += 1;
        // Someone adds entries between two pages: they are newer than the
        // cursor, so the pages after it neither repeat nor skip.
        created(
            &owner,
            "/api/services",
            json!({"name": format!("Late {pages}")}),
        )
        .await;
        match page["nextCursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 7, "{seen:?}");
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.reverse();
    assert_eq!(seen, sorted, "newest first, each once");
    assert_eq!(pages, 3);
}

#[tokio::test]
async fn the_log_exports_as_csv_and_json_lines_with_the_same_filters() {
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Acme").await;
    // A name a spreadsheet would run as a formula.
    created(
        &owner,
        "/api/services",
        json!({"name": "=HYPERLINK(\"http://evil.example\")"}),
    )
    .await;
    for i in 0..4 {
        created(
            &owner,
            "/api/services",
            json!({"name": format!("Svc, \"{i}\"")}),
        )
        .await;
    }
    created(
        &owner,
        "/api/sprints",
        json!({"name": "S", "startDate": "2026-12-01", "endDate": "2026-12-02"}),
    )
    .await;

    let r = owner.get("/api/activities/export?format=csv").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("activity.csv"));
    let body = r.text().await.unwrap();
    let mut rdr = csv::Reader::from_reader(body.as_bytes());
    let header: Vec<String> = rdr.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(header[..4], ["id", "createdAt", "type", "action"]);
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 6);
    let desc = header.iter().position(|h| h == "description").unwrap();
    assert!(
        rows.iter().any(|r| r[desc].contains("Svc, \"3\"")),
        "quotes and commas survive"
    );
    assert!(
        rows.iter().all(|r| !r[desc].starts_with('=')),
        "formulas are defused"
    );

    let r = owner
        .get("/api/activities/export?format=jsonl&resourceType=SPRINT")
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/x-ndjson");
    let body = r.text().await.unwrap();
    let lines: Vec<Value> = body
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["resourceType"], "SPRINT");
    let feed = json_of(
        owner.get("/api/activities?resourceType=SPRINT").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        lines[0], feed["items"][0],
        "the same entry as the API shows"
    );

    for q in ["", "?format=xml", "?format=csv&type=NOPE"] {
        error_of(
            owner.get(&format!("/api/activities/export{q}")).await,
            StatusCode::BAD_REQUEST,
        )
        .await;
    }
    // Another team's export holds nothing of this one.
    let (other, _, _) = app.owner_with_team("Other").await;
    let theirs = other
        .get("/api/activities/export?format=jsonl")
        .await
        .text()
        .await
        .unwrap();
    assert!(theirs.is_empty(), "{theirs}");
    assert_eq!(
        app.browser()
            .get("/api/activities/export?format=csv")
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn an_export_larger_than_a_batch_is_whole() {
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Acme").await;
    let svc = created(&owner, "/api/services", json!({"name": "Web"})).await;
    let rel = created(
        &owner,
        "/api/releases",
        json!({"serviceId": id(&svc), "title": "Web", "version": "1"}),
    )
    .await;
    // 1 + 1 + 600 entries: more than one batch of the export.
    for i in 0..300 {
        for p in ["HIGH", "LOW"] {
            let r = owner
                .patch(
                    &format!("/api/releases/{}", id(&rel)),
                    &json!({"priority": p, "title": format!("Web {i}")}),
                )
                .await;
            assert_eq!(r.status(), StatusCode::OK);
        }
    }
    let body = owner
        .get("/api/activities/export?format=jsonl")
        .await
        .text()
        .await
        .unwrap();
    let ids: std::collections::HashSet<String> = body
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(ids.len(), 602);
}

#[tokio::test]
async fn search_finds_the_teams_things_by_the_start_of_their_words() {
    let app = TestApp::spawn().await;
    let (owner, owner_user, _) = app.owner_with_team("Acme").await;
    let svc = created(
        &owner,
        "/api/services",
        json!({"name": "Quartermaster", "slug": "qm-core"}),
    )
    .await;
    let pay = created(&owner, "/api/services", json!({"name": "Payments"})).await;
    let rel = created(
        &owner,
        "/api/releases",
        json!({"serviceId": id(&pay), "title": "Quarterly invoices", "version": "2.4.0"}),
    )
    .await;
    created(
        &owner,
        "/api/releases",
        json!({"serviceId": id(&pay), "title": "Refunds", "version": "1.0.0"}),
    )
    .await;
    created(
        &owner,
        "/api/sprints",
        json!({"name": "Quarter close", "startDate": "2026-12-01", "endDate": "2026-12-14"}),
    )
    .await;
    created(
        &owner,
        "/api/deployment-groups",
        json!({"name": "Quarter wave"}),
    )
    .await;
    // Another team's things never show.
    let (other, _, _) = app.owner_with_team("Other").await;
    let theirs = created(&other, "/api/services", json!({"name": "Quarter secret"})).await;

    let search = |q: &str| {
        let q = q.to_string();
        let owner = &owner;
        async move {
            json_of(
                owner.get(&format!("/api/search?q={}", urlencode(&q))).await,
                StatusCode::OK,
            )
            .await["items"]
                .as_array()
                .unwrap()
                .clone()
        }
    };
    let hits = search("quarter").await;
    let kinds: Vec<&str> = hits.iter().map(|h| h["kind"].as_str().unwrap()).collect();
    assert_eq!(hits.len(), 4, "{hits:?}");
    for k in ["RELEASE", "SERVICE", "SPRINT", "DEPLOYMENT_GROUP"] {
        assert!(kinds.contains(&k), "{k} in {kinds:?}");
    }
    assert!(hits.iter().all(|h| h["id"] != theirs["id"]));
    let svc_hit = hits.iter().find(|h| h["kind"] == "SERVICE").unwrap();
    assert_eq!(svc_hit["title"], "Quartermaster");
    assert_eq!(svc_hit["id"], svc["id"]);
    assert!(svc_hit["url"].as_str().unwrap().starts_with('/'));
    // Every word must match; a whole word ranks above a prefix.
    let hits = search("quarter close").await;
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0]["kind"], "SPRINT");
    let hits = search("quarter").await;
    assert_ne!(
        hits[0]["title"], "Quartermaster",
        "whole words first: {hits:?}"
    );
    // Versions and slugs are words too; the release names its service.
    let hits = search("invoices 2.4").await;
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0]["id"], rel["id"]);
    assert_eq!(hits[0]["title"], "Quarterly invoices 2.4.0");
    assert!(hits[0]["subtitle"].as_str().unwrap().contains("Payments"));
    assert_eq!(search("qm").await[0]["id"], svc["id"]);
    // People, by name or email.
    let first = owner_user.name.split(' ').next().unwrap().to_string();
    let hits = search(&first).await;
    assert!(hits.iter().any(|h| h["kind"] == "PERSON"), "{hits:?}");
    let local = owner_user.email.split('@').next().unwrap().to_string();
    assert!(search(&local).await.iter().any(|h| h["kind"] == "PERSON"));
    // Renames and deletions are followed by the index.
    owner
        .patch(
            &format!("/api/services/{}", id(&svc)),
            &json!({"name": "Harbourmaster"}),
        )
        .await;
    assert!(search("quartermaster").await.is_empty());
    assert_eq!(search("harbour").await.len(), 1);
    owner.delete(&format!("/api/services/{}", id(&svc))).await;
    assert!(search("harbour").await.is_empty());

    // Anything typed is safe: operators, quotes and stars are just text.
    for q in [
        "\"",
        "quarter*",
        "a OR b",
        "NEAR(x y)",
        "x:*",
        "'; DROP TABLE releases; --",
        "&|!()",
    ] {
        let r = owner.get(&format!("/api/search?q={}", urlencode(q))).await;
        assert_eq!(r.status(), StatusCode::OK, "{q}");
    }
    assert!(search("   ").await.is_empty());
    let long = "q".repeat(201);
    error_of(
        owner.get(&format!("/api/search?q={long}")).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    error_of(
        owner.get("/api/search?q=x&limit=99").await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(
        app.browser().get("/api/search?q=x").await.status(),
        StatusCode::UNAUTHORIZED
    );
}

/// Percent-encodes a query value.
fn urlencode(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn short_lists_page_too() {
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Acme").await;
    let svc = created(&owner, "/api/services", json!({"name": "Web"})).await;
    let mut ids = vec![];
    for i in 0..4 {
        let r = created(
            &owner,
            "/api/releases",
            json!({"serviceId": id(&svc), "title": format!("R{i}"), "version": "1"}),
        )
        .await;
        ids.push(id(&r));
    }
    let group = created(&owner, "/api/deployment-groups", json!({"name": "Wave"})).await;
    for (i, r) in ids.iter().enumerate() {
        if i > 0 {
            created(
                &owner,
                &format!("/api/releases/{}/dependencies", ids[0]),
                json!({"dependsOnId": r, "type": "SOFT_DEPENDENCY"}),
            )
            .await;
        }
        created(
            &owner,
            &format!("/api/deployment-groups/{}/releases", id(&group)),
            json!({"releaseId": r}),
        )
        .await;
    }
    for (path, total) in [
        (format!("/api/releases/{}/dependencies", ids[0]), 3),
        (format!("/api/deployment-groups/{}/releases", id(&group)), 4),
    ] {
        let mut seen = 0;
        let mut next = format!("{path}?limit=2");
        loop {
            let page = json_of(owner.get(&next).await, StatusCode::OK).await;
            let n = page["items"].as_array().unwrap().len();
            assert!(n <= 2, "{path}: {page}");
            seen += n;
            match page["nextCursor"].as_str() {
                Some(c) => next = format!("{path}?limit=2&cursor={c}"),
                None => break,
            }
        }
        assert_eq!(seen, total, "{path}");
        let bad = owner.get(&format!("{path}?cursor=nope")).await;
        let body = json_of(bad, StatusCode::BAD_REQUEST).await;
        assert!(body["fields"].get("cursor").is_some(), "{body}");
        error_of(
            owner.get(&format!("{path}?limit=501")).await,
            StatusCode::BAD_REQUEST,
        )
        .await;
    }
}

#[tokio::test]
async fn a_release_moved_to_a_sprint_or_group_is_logged_by_their_names() {
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Acme").await;
    let svc = created(&owner, "/api/services", json!({"name": "Payments"})).await;
    let rel = created(
        &owner,
        "/api/releases",
        json!({"serviceId": id(&svc), "title": "Checkout", "version": "1.0.0"}),
    )
    .await;
    let sprint = created(
        &owner,
        "/api/sprints",
        json!({"name": "Sprint 7", "startDate": "2026-12-01", "endDate": "2026-12-14"}),
    )
    .await;
    let group = created(&owner, "/api/deployment-groups", json!({"name": "Wave A"})).await;
    json_of(
        owner
            .patch(
                &format!("/api/releases/{}", id(&rel)),
                &json!({"sprintId": id(&sprint), "deploymentGroupId": id(&group)}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    let log = entries_of(&owner, "RELEASE", &id(&rel)).await;
    let changes: Vec<&Value> = log
        .iter()
        .filter_map(|e| e["changes"].as_object().map(|_| &e["changes"]))
        .filter(|c| c.get("sprint").is_some() || c.get("deploymentGroup").is_some())
        .collect();
    let all = serde_json::to_string(&changes).unwrap();
    assert!(all.contains(r#"[null,"Sprint 7"]"#), "{all}");
    // Joining a group is its own entry, which names the group.
    assert!(
        log.iter().any(|e| e["type"] == "DEPLOYMENT_GROUP_ASSIGNED"
            && e["description"].as_str().unwrap().contains("Wave A")),
        "{log:?}"
    );
    assert!(
        !all.contains(&id(&sprint)),
        "ids are not what a person reads: {all}"
    );
}
