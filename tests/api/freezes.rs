//! Freezes (`API.md`, "Release policy"): ADMIN+ declares, changes, lifts and
//! deletes them, any member reads them; `GET /api/freezes/active?at=` says
//! what is in force at a moment — including a weekly window in a named time
//! zone across the clocks going back; bad input is a 400 naming the field
//! and stores nothing.

use crate::helpers::{json_of, Browser, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn active_at(b: &Browser, at: &str) -> Vec<Value> {
    json_of(
        b.get(&format!("/api/freezes/active?at={at}")).await,
        StatusCode::OK,
    )
    .await["items"]
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn stop_the_line_is_in_force_until_lifted_then_deleted() {
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Acme").await;
    let f = json_of(
        owner
            .post(
                "/api/freezes",
                &json!({"name": "Incident 42", "reason": "payments are down"}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(f["inForce"], true, "{f}");
    assert_eq!(f["endsAt"], Value::Null);
    assert_eq!(f["inForceUntil"], Value::Null, "until lifted");
    assert_eq!(f["environments"], json!(["STAGING", "PRODUCTION"]));
    assert_eq!(f["serviceIds"], json!([]));
    assert_eq!(f["timezone"], "UTC");
    let id = f["id"].as_str().unwrap();
    let now = json_of(owner.get("/api/freezes/active").await, StatusCode::OK).await;
    assert_eq!(now["items"][0]["id"], id);
    assert_eq!(now["items"][0]["reason"], "payments are down");

    // Lifted: PATCH endsAt to now.
    let lifted_at = chrono::Utc::now().to_rfc3339();
    let lifted = json_of(
        owner
            .patch(&format!("/api/freezes/{id}"), &json!({"endsAt": lifted_at}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(lifted["inForce"], false, "{lifted}");
    assert_eq!(lifted["name"], "Incident 42", "absent fields stay");
    let now = json_of(owner.get("/api/freezes/active").await, StatusCode::OK).await;
    assert_eq!(now["items"], json!([]));
    // Still listed, with its history.
    let all = json_of(owner.get("/api/freezes").await, StatusCode::OK).await;
    assert_eq!(all["items"].as_array().unwrap().len(), 1);

    let gone = owner.delete(&format!("/api/freezes/{id}")).await;
    assert_eq!(gone.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        owner.get(&format!("/api/freezes/{id}")).await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_weekly_freeze_keeps_local_hours_across_the_clocks_going_back() {
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Acme").await;
    let f = json_of(
        owner
            .post(
                "/api/freezes",
                &json!({
                    "name": "Weekend", "startsAt": "2026-10-01T00:00:00Z",
                    "recurrence": {"startDay": "FRI", "startTime": "15:00", "endDay": "MON", "endTime": "08:00"},
                    "timezone": "Europe/Berlin", "environments": ["PRODUCTION"]
                }),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(f["recurrence"]["startDay"], "FRI", "{f}");
    assert_eq!(f["environments"], json!(["PRODUCTION"]));
    // Summer time (CEST, UTC+2) on Friday 23 October; winter time (CET,
    // UTC+1) from Sunday 25 October, 03:00.
    assert_eq!(
        active_at(&owner, "2026-10-23T12:59:00Z").await.len(),
        0,
        "Friday 14:59 in Berlin"
    );
    let open = active_at(&owner, "2026-10-23T13:00:00Z").await;
    assert_eq!(open.len(), 1, "Friday 15:00 in Berlin");
    assert_eq!(open[0]["inForce"], true);
    assert_eq!(
        open[0]["inForceUntil"], "2026-10-26T07:00:00.000Z",
        "Monday 08:00 CET"
    );
    assert_eq!(active_at(&owner, "2026-10-26T06:59:00Z").await.len(), 1);
    assert_eq!(active_at(&owner, "2026-10-26T07:00:00Z").await.len(), 0);
    // The next Friday opens at 15:00 CET: 14:00 UTC.
    assert_eq!(active_at(&owner, "2026-10-30T13:30:00Z").await.len(), 0);
    assert_eq!(active_at(&owner, "2026-10-30T14:00:00Z").await.len(), 1);
    // Before startsAt it holds nothing.
    assert_eq!(active_at(&owner, "2026-09-25T14:00:00Z").await.len(), 0);
}

#[tokio::test]
async fn bad_freezes_are_refused_naming_the_field_and_store_nothing() {
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Acme").await;
    let (other, _, _) = app.owner_with_team("Other").await;
    let theirs = json_of(
        other
            .post("/api/services", &json!({"name": "Theirs"}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let weekly = |r: Value| json!({"name": "W", "recurrence": r});
    let cases = [
        (json!({"reason": "no name"}), "name"),
        (json!({"name": "Z", "timezone": "Mars/Olympus"}), "timezone"),
        (json!({"name": "Z", "startsAt": "tomorrow"}), "startsAt"),
        (
            json!({"name": "Z", "startsAt": "2026-12-02T00:00:00Z", "endsAt": "2026-12-01T00:00:00Z"}),
            "endsAt",
        ),
        (
            weekly(
                json!({"startDay": "FRIDAY", "startTime": "15:00", "endDay": "MON", "endTime": "08:00"}),
            ),
            "recurrence.startDay",
        ),
        (
            weekly(
                json!({"startDay": "FRI", "startTime": "25:00", "endDay": "MON", "endTime": "08:00"}),
            ),
            "recurrence.startTime",
        ),
        (
            json!({"name": "Z", "serviceIds": [theirs["id"]]}),
            "serviceIds",
        ),
        (json!({"name": "Z", "environments": []}), "environments"),
    ];
    for (body, field) in cases {
        let res = owner.post("/api/freezes", &body).await;
        let err = json_of(res, StatusCode::BAD_REQUEST).await;
        assert!(err["fields"][field].is_string(), "{body} → {err}");
    }
    for body in [
        json!({"name": "Z", "environments": ["MOON"]}),
        json!({"name": "Z", "sneaky": true}),
        json!({"name": "Z", "recurrence": {"startDay": "FRI"}}),
    ] {
        let res = owner.post("/api/freezes", &body).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{body}");
    }
    let all = json_of(owner.get("/api/freezes").await, StatusCode::OK).await;
    assert_eq!(all["items"], json!([]), "nothing stored");
    // Another team's freeze is not ours to see.
    let f = json_of(
        other.post("/api/freezes", &json!({"name": "Theirs"})).await,
        StatusCode::CREATED,
    )
    .await;
    let id = f["id"].as_str().unwrap();
    assert_eq!(
        owner.get(&format!("/api/freezes/{id}")).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        active_at(&owner, &chrono::Utc::now().to_rfc3339().replace('+', "%2B"))
            .await
            .len(),
        0
    );
}

#[tokio::test]
async fn a_freeze_holds_moves_into_its_environment_for_its_services_and_ci_reports_drift() {
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Acme").await;
    let svc = |name: &'static str| {
        let owner = &owner;
        async move {
            json_of(
                owner
                    .post(
                        "/api/services",
                        &json!({"name": name, "slug": name.to_lowercase()}),
                    )
                    .await,
                StatusCode::CREATED,
            )
            .await
        }
    };
    let (pay, ledger) = (svc("Pay").await, svc("Ledger").await);
    let release = |s: &Value| {
        let owner = &owner;
        let id = s["id"].clone();
        async move {
            let r = json_of(
                owner
                    .post(
                        "/api/releases",
                        &json!({"serviceId": id, "title": "R", "version": "1.0.0"}),
                    )
                    .await,
                StatusCode::CREATED,
            )
            .await;
            let path = format!("/api/releases/{}", r["id"].as_str().unwrap());
            for to in ["IN_DEVELOPMENT", "IN_REVIEW", "READY_STAGING"] {
                let res = owner.patch(&path, &json!({"status": to})).await;
                assert_eq!(res.status(), StatusCode::OK, "{to}");
            }
            path
        }
    };
    let (pay_release, ledger_release) = (release(&pay).await, release(&ledger).await);
    let freeze = json_of(
        owner
            .post(
                "/api/freezes",
                &json!({"name": "Code freeze", "serviceIds": [pay["id"]], "environments": ["STAGING"]}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;

    // Pay's move into staging is held, naming the freeze, with every check.
    let checks = json_of(
        owner
            .get(&format!("{pay_release}/checks?toStatus=IN_STAGING"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(checks["allowed"], false, "{checks}");
    let freeze_check = checks["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "FREEZE")
        .unwrap()
        .clone();
    assert_eq!(freeze_check["ok"], false);
    assert_eq!(
        freeze_check["reason"],
        "Staging freeze 'Code freeze' until lifted"
    );
    let refused = json_of(
        owner
            .patch(&pay_release, &json!({"status": "IN_STAGING"}))
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(
        refused["error"], "cannot move to In staging: Staging freeze 'Code freeze' until lifted",
        "{refused}"
    );
    assert!(refused["checks"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["kind"] == "FREEZE" && c["ok"] == false));
    let still = json_of(owner.get(&pay_release).await, StatusCode::OK).await;
    assert_eq!(still["status"], "READY_STAGING", "nothing moved");

    // Another service, and another environment, are not held.
    let other = owner
        .patch(&ledger_release, &json!({"status": "IN_STAGING"}))
        .await;
    assert_eq!(other.status(), StatusCode::OK, "Ledger is not frozen");
    let back = owner
        .patch(&pay_release, &json!({"status": "IN_REVIEW"}))
        .await;
    assert_eq!(back.status(), StatusCode::OK, "moving back deploys nothing");
    let again = owner
        .patch(&pay_release, &json!({"status": "READY_STAGING"}))
        .await;
    assert_eq!(again.status(), StatusCode::OK);

    // CI deploys Pay to staging during the freeze: recorded, as drift.
    let token = owner.mint_token("CI", "MEMBER").await;
    let ci = crate::helpers::Script::new(&app, &token);
    let report = json_of(
        ci.post(
            "/api/deployments",
            &json!({"service": "pay", "version": "1.0.0", "environment": "STAGING", "status": "SUCCEEDED"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let drift = report["drift"].as_str().unwrap_or_default();
    assert!(drift.contains("Staging freeze 'Code freeze'"), "{report}");
    assert_eq!(
        report["release"]["status"], "READY_STAGING",
        "the board did not move"
    );

    // Lifted: the move goes through.
    let id = freeze["id"].as_str().unwrap();
    let lifted = owner
        .patch(
            &format!("/api/freezes/{id}"),
            &json!({"endsAt": chrono::Utc::now().to_rfc3339()}),
        )
        .await;
    assert_eq!(lifted.status(), StatusCode::OK);
    let moved = owner
        .patch(&pay_release, &json!({"status": "IN_STAGING"}))
        .await;
    assert_eq!(moved.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_calendar_shows_each_day_a_freeze_holds() {
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Acme").await;
    json_of(
        owner
            .post(
                "/api/freezes",
                &json!({
                    "name": "Weekend", "startsAt": "2026-10-01T00:00:00Z",
                    "recurrence": {"startDay": "FRI", "startTime": "15:00", "endDay": "MON", "endTime": "08:00"},
                    "timezone": "Europe/Berlin"
                }),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    let res = owner.get("/calendar?month=2026-10").await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = scraper::Html::parse_document(&res.text().await.unwrap());
    let day = |d: &str| {
        let sel = scraper::Selector::parse(&format!("td[data-date=\"{d}\"]")).unwrap();
        html.select(&sel)
            .next()
            .unwrap_or_else(|| panic!("no cell for {d}"))
            .text()
            .collect::<String>()
    };
    // Friday 23 October 15:00 CEST to Monday 26 October 08:00 CET.
    for d in ["2026-10-23", "2026-10-24", "2026-10-25", "2026-10-26"] {
        assert!(day(d).contains("Weekend"), "{d}: {}", day(d));
    }
    for d in ["2026-10-21", "2026-10-22", "2026-10-27"] {
        assert!(!day(d).contains("Weekend"), "{d}: {}", day(d));
    }
}
