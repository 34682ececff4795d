//! Deployments reported by CI (`API.md`, "Deployments reported by CI"):
//! every report recorded, the release moved forward along the legal path
//! one audited step at a time with a person's blocking rules, drift when it
//! cannot (answer, feed, Slack), the same key idempotent even when two
//! identical reports race, the lists, what runs where, the dashboard, and
//! the `report-deploy` command.

use crate::helpers::{error_of, json_of, Browser, Script, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::{Duration, Instant};

async fn setup(app: &TestApp) -> (Browser, Script, Value, Value) {
    let (owner, _, _) = app.owner_with_team("Acme").await;
    let svc = json_of(
        owner
            .post(
                "/api/services",
                &json!({"name": "Payments", "slug": "payments"}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    let release = json_of(
        owner
            .post(
                "/api/releases",
                &json!({"serviceId": svc["id"], "title": "Checkout", "version": "2.4.0"}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    let token = owner.mint_token("CI deploy", "MEMBER").await;
    (owner, Script::new(app, &token), svc, release)
}

fn report(env: &str, status: &str) -> Value {
    json!({"service": "payments", "version": "2.4.0", "environment": env, "status": status})
}

async fn statuses_changed(b: &Browser, release_id: &str) -> Vec<(String, String)> {
    let feed = json_of(
        b.get(&format!("/api/releases/{release_id}/activities"))
            .await,
        StatusCode::OK,
    )
    .await;
    let mut moves: Vec<(String, String)> = feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["type"] == "STATUS_CHANGED")
        .map(|a| {
            (
                a["metadata"]["from"].as_str().unwrap().to_string(),
                a["metadata"]["to"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    moves.reverse();
    moves
}

#[tokio::test]
async fn a_staging_success_walks_the_release_forward_one_audited_step_at_a_time() {
    let app = TestApp::spawn().await;
    let (owner, ci, svc, release) = setup(&app).await;
    let rid = release["id"].as_str().unwrap();

    let body = json_of(
        ci.post(
            "/api/deployments",
            &json!({
                "service": "payments", "version": "2.4.0", "environment": "STAGING",
                "status": "SUCCEEDED", "commitSha": "9fceb02d0ae598e95dc970b74767f19372d61af8",
                "url": "https://ci.example/runs/7", "key": "run-7-staging"
            }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(
        body["moved"],
        json!(["IN_DEVELOPMENT", "IN_REVIEW", "READY_STAGING", "IN_STAGING"])
    );
    assert_eq!(body["drift"], json!(null));
    assert_eq!(body["release"]["status"], "IN_STAGING");
    let d = &body["deployment"];
    for field in [
        "id",
        "serviceId",
        "releaseId",
        "version",
        "environment",
        "status",
        "commitSha",
        "url",
        "key",
        "reportedBy",
        "createdAt",
    ] {
        assert!(d.get(field).is_some(), "deployment lacks {field}: {d}");
    }
    assert_eq!(d["serviceId"], svc["id"]);
    assert_eq!(d["releaseId"], json!(rid));
    assert_eq!(d["reportedBy"], "CI deploy (token)");

    // One STATUS_CHANGED per step, in order, each by the token.
    assert_eq!(
        statuses_changed(&owner, rid).await,
        vec![
            ("PLANNING".to_string(), "IN_DEVELOPMENT".to_string()),
            ("IN_DEVELOPMENT".into(), "IN_REVIEW".into()),
            ("IN_REVIEW".into(), "READY_STAGING".into()),
            ("READY_STAGING".into(), "IN_STAGING".into()),
        ]
    );
    let feed = json_of(owner.get("/api/activities").await, StatusCode::OK).await;
    let newest = &feed["items"][0];
    assert_eq!(newest["type"], "DEPLOYMENT_REPORTED", "{newest}");
    assert_eq!(
        newest["description"],
        "CI deploy (token) reported Checkout 2.4.0 deployed to staging"
    );

    // STARTED and FAILED are recorded and move nothing.
    for status in ["STARTED", "FAILED"] {
        let b = json_of(
            ci.post("/api/deployments", &report("PRODUCTION", status))
                .await,
            StatusCode::CREATED,
        )
        .await;
        assert_eq!(b["moved"], json!([]));
        assert_eq!(b["release"]["status"], "IN_STAGING");
    }

    // Production success: the rest of the way.
    let b = json_of(
        ci.post("/api/deployments", &report("PRODUCTION", "SUCCEEDED"))
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(
        b["moved"],
        json!(["STAGING_VERIFIED", "READY_PRODUCTION", "DEPLOYED"])
    );
    assert!(b["release"]["productionDeployedAt"].is_string());

    // Rolled back in production: one step.
    let b = json_of(
        ci.post("/api/deployments", &report("PRODUCTION", "ROLLED_BACK"))
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(b["moved"], json!(["ROLLED_BACK"]));

    // Every report is in the list, newest first, with filters.
    let all = json_of(owner.get("/api/deployments").await, StatusCode::OK).await;
    let items = all["items"].as_array().unwrap();
    assert_eq!(items.len(), 5);
    assert_eq!(items[0]["status"], "ROLLED_BACK");
    let prod = json_of(
        owner
            .get("/api/deployments?environment=PRODUCTION&status=SUCCEEDED")
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(prod["items"].as_array().unwrap().len(), 1);
    let page = json_of(owner.get("/api/deployments?limit=2").await, StatusCode::OK).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    let cursor = page["nextCursor"].as_str().unwrap();
    let next = json_of(
        owner
            .get(&format!("/api/deployments?limit=2&cursor={cursor}"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_ne!(next["items"][0]["id"], page["items"][0]["id"]);
    let by_release = json_of(
        owner
            .get(&format!("/api/deployments?releaseId={rid}"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(by_release["items"].as_array().unwrap().len(), 5);
    error_of(
        owner.get("/api/deployments?environment=QA").await,
        StatusCode::BAD_REQUEST,
    )
    .await;
}

#[tokio::test]
async fn a_blocked_release_stays_where_it_is_and_the_drift_is_told_everywhere() {
    let slack = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_string("ok"))
        .mount(&slack)
        .await;
    let app = TestApp::spawn_with(HashMap::from([
        ("RC_OUTBOUND_ALLOW_HOSTS", "127.0.0.1".to_string()),
        ("RC_OUTBOX_RETRY_BASE_MS", "20".to_string()),
        ("RC_OUTBOX_POLL_MS", "50".to_string()),
    ]))
    .await;
    let (owner, ci, _svc, release) = setup(&app).await;
    let rid = release["id"].as_str().unwrap();
    json_of(
        owner
            .patch(
                "/api/team/settings",
                &json!({"slackWebhookUrl": format!("{}/services/T000/B000/XXXX", slack.uri())}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    // Staging first, then marked blocked by hand.
    json_of(
        ci.post("/api/deployments", &report("STAGING", "SUCCEEDED"))
            .await,
        StatusCode::CREATED,
    )
    .await;
    json_of(
        owner
            .patch(
                &format!("/api/releases/{rid}"),
                &json!({"isBlocked": true, "blockedReason": "waiting for legal"}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    let before = statuses_changed(&owner, rid).await.len();

    // Production reports success: the report is recorded, the release
    // follows as far as a person could (STAGING_VERIFIED), then stops.
    let b = json_of(
        ci.post("/api/deployments", &report("PRODUCTION", "SUCCEEDED"))
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(b["moved"], json!(["STAGING_VERIFIED"]));
    assert_eq!(b["release"]["status"], "STAGING_VERIFIED");
    let drift = b["drift"].as_str().expect("drift");
    assert!(drift.contains("blocked"), "{drift}");
    assert!(drift.contains("waiting for legal"), "{drift}");
    assert_eq!(b["deployment"]["drift"], json!(drift));
    assert_eq!(statuses_changed(&owner, rid).await.len(), before + 1);

    // The feed says so…
    let feed = json_of(owner.get("/api/activities").await, StatusCode::OK).await;
    let entry = &feed["items"][0];
    assert_eq!(entry["type"], "DEPLOYMENT_REPORTED");
    assert!(
        entry["description"]
            .as_str()
            .unwrap()
            .contains("but the board did not follow"),
        "{entry}"
    );
    // …and so does Slack.
    let start = Instant::now();
    loop {
        let got: Vec<Value> = slack
            .received_requests()
            .await
            .unwrap_or_default()
            .iter()
            .filter_map(|r| serde_json::from_slice(&r.body).ok())
            .collect();
        if let Some(m) = got
            .iter()
            .find(|m| m["text"].as_str().unwrap_or("").contains("did not follow"))
        {
            assert!(m.to_string().contains("waiting for legal"), "{m}");
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "no drift message in {got:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // A rollback of a release that is not deployed is drift, not a move.
    let b = json_of(
        ci.post("/api/deployments", &report("PRODUCTION", "ROLLED_BACK"))
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(b["moved"], json!([]));
    assert!(b["drift"].as_str().unwrap().contains("rolled back"));
}

#[tokio::test]
async fn the_same_key_answers_the_first_answer_even_when_two_reports_race() {
    let app = TestApp::spawn().await;
    let (owner, ci, _svc, release) = setup(&app).await;
    let rid = release["id"].as_str().unwrap();
    let mut body = report("STAGING", "SUCCEEDED");
    body["key"] = json!("pipeline-42");

    let ci2 = Script::new(&app, &ci.token);
    let (a, b) = tokio::join!(
        ci.post("/api/deployments", &body),
        ci2.post("/api/deployments", &body)
    );
    let mut codes = [a.status(), b.status()];
    codes.sort();
    assert_eq!(codes, [StatusCode::OK, StatusCode::CREATED]);
    let a: Value = a.json().await.unwrap();
    let b: Value = b.json().await.unwrap();
    assert_eq!(a, b, "both answers are the first answer");

    // Once more, later: 200, the same answer, nothing changed.
    let again = json_of(ci.post("/api/deployments", &body).await, StatusCode::OK).await;
    assert_eq!(again, a);
    let all = json_of(owner.get("/api/deployments").await, StatusCode::OK).await;
    assert_eq!(all["items"].as_array().unwrap().len(), 1);
    assert_eq!(statuses_changed(&owner, rid).await.len(), 4);
}

#[tokio::test]
async fn bad_reports_change_nothing_and_create_release_makes_the_missing_one() {
    let app = TestApp::spawn().await;
    let (owner, ci, svc, _release) = setup(&app).await;
    let (viewer, _) = app.member_with_role(&owner, "VIEWER").await;
    let viewer_token = owner.mint_token("Reader", "VIEWER").await;

    for (body, status) in [
        (json!({"service": "payments"}), StatusCode::BAD_REQUEST),
        (
            json!({"service": "payments", "version": "2.4.0", "environment": "QA", "status": "SUCCEEDED"}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"service": "payments", "version": "2.4.0", "environment": "STAGING", "status": "DONE"}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"service": "payments", "version": "2.4.0", "environment": "STAGING", "status": "SUCCEEDED", "commitSha": "not-a-sha"}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"service": "payments", "version": "2.4.0", "environment": "STAGING", "status": "SUCCEEDED", "url": "javascript:alert(1)"}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"service": "payments", "version": "", "environment": "STAGING", "status": "SUCCEEDED"}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"service": "nope", "version": "2.4.0", "environment": "STAGING", "status": "SUCCEEDED"}),
            StatusCode::NOT_FOUND,
        ),
        (
            json!({"service": "payments", "version": "9.9.9", "environment": "STAGING", "status": "SUCCEEDED"}),
            StatusCode::NOT_FOUND,
        ),
    ] {
        error_of(ci.post("/api/deployments", &body).await, status).await;
    }
    // VIEWERs (people or tokens) only read.
    error_of(
        viewer
            .post("/api/deployments", &report("STAGING", "SUCCEEDED"))
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    error_of(
        Script::new(&app, &viewer_token)
            .post("/api/deployments", &report("STAGING", "SUCCEEDED"))
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let all = json_of(owner.get("/api/deployments").await, StatusCode::OK).await;
    assert_eq!(all["items"], json!([]), "nothing was recorded");

    // createRelease: the missing version is created in PLANNING and follows.
    let b = json_of(
        ci.post(
            "/api/deployments",
            &json!({"service": svc["id"], "version": "3.0.0", "environment": "STAGING",
                    "status": "STARTED", "createRelease": true}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(b["release"]["version"], "3.0.0");
    assert_eq!(b["release"]["status"], "PLANNING");
    assert_eq!(b["release"]["title"], "Payments");
    let list = json_of(owner.get("/api/releases").await, StatusCode::OK).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2);

    // Another team's service is as unknown as a missing one.
    let (other, _, _) = app.owner_with_team("Other").await;
    let other_token = other.mint_token("CI", "MEMBER").await;
    error_of(
        Script::new(&app, &other_token)
            .post("/api/deployments", &report("STAGING", "SUCCEEDED"))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    error_of(
        other
            .get(&format!(
                "/api/services/{}/environments",
                svc["id"].as_str().unwrap()
            ))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn what_runs_where_follows_successes_and_rollbacks_and_the_dashboard_uses_reports() {
    let app = TestApp::spawn().await;
    let (owner, ci, svc, _release) = setup(&app).await;
    let sid = svc["id"].as_str().unwrap();
    let envs = json_of(
        owner
            .get(&format!("/api/services/{sid}/environments"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(envs, json!({"STAGING": null, "PRODUCTION": null}));

    let deploy = |version: &str, status: &str, sha: &str| {
        json!({"service": "payments", "version": version, "environment": "PRODUCTION",
               "status": status, "commitSha": sha, "url": format!("https://ci.example/{version}"),
               "createRelease": true})
    };
    json_of(
        ci.post("/api/deployments", &deploy("2.4.0", "SUCCEEDED", "aaaaaaa"))
            .await,
        StatusCode::CREATED,
    )
    .await;
    json_of(
        ci.post("/api/deployments", &deploy("2.5.0", "SUCCEEDED", "bbbbbbb"))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let envs = json_of(
        owner
            .get(&format!("/api/services/{sid}/environments"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(envs["PRODUCTION"]["version"], "2.5.0");
    assert_eq!(envs["PRODUCTION"]["commitSha"], "bbbbbbb");
    assert_eq!(envs["PRODUCTION"]["url"], "https://ci.example/2.5.0");
    assert!(envs["PRODUCTION"]["deployedAt"].is_string());
    assert!(envs["PRODUCTION"]["releaseId"].is_string());
    assert_eq!(envs["STAGING"], json!(null));

    // A rollback of 2.5.0 reverts to what ran before it.
    json_of(
        ci.post(
            "/api/deployments",
            &deploy("2.5.0", "ROLLED_BACK", "bbbbbbb"),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let envs = json_of(
        owner
            .get(&format!("/api/services/{sid}/environments"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(envs["PRODUCTION"]["version"], "2.4.0");

    // The dashboard's frequency and lead time come from the reports, and say so.
    let stats = json_of(owner.get("/api/dashboard/stats").await, StatusCode::OK).await;
    let freq = &stats["deploymentFrequency"];
    assert_eq!(freq["sample"], 2, "{freq}");
    assert!(
        freq["definition"]
            .as_str()
            .unwrap()
            .contains("CI's deployment reports"),
        "{freq}"
    );
    assert!(stats["leadTime"]["definition"]
        .as_str()
        .unwrap()
        .contains("CI's deployment reports"));
}

#[tokio::test]
async fn report_deploy_sends_the_same_report_from_a_shell() {
    let app = TestApp::spawn().await;
    let (owner, ci, _svc, _release) = setup(&app).await;
    let bin = env!("CARGO_BIN_EXE_release-coordinator");
    let run = |args: &[&str], token: &str| {
        let address = app.address.clone();
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let token = token.to_string();
        async move {
            tokio::task::spawn_blocking(move || {
                std::process::Command::new(bin)
                    .env_clear()
                    .env("RC_URL", address)
                    .env("RC_TOKEN", token)
                    .args(args)
                    .output()
                    .unwrap()
            })
            .await
            .unwrap()
        }
    };
    let out = run(
        &[
            "report-deploy",
            "--service",
            "payments",
            "--version",
            "2.4.0",
            "--environment",
            "staging",
            "--commit",
            "abcdef1",
            "--key",
            "shell-1",
        ],
        &ci.token,
    )
    .await;
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("Recorded: 2.4.0 deployed to staging"),
        "{stdout}"
    );
    assert!(stdout.contains("In staging"), "{stdout}");
    // Again: already recorded.
    let out = run(
        &[
            "report-deploy",
            "--service",
            "payments",
            "--version",
            "2.4.0",
            "--environment",
            "staging",
            "--key",
            "shell-1",
        ],
        &ci.token,
    )
    .await;
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("Already recorded"));

    // Drift with --fail-on-drift exits 3; a refused token exits 1 with the reason.
    let out = run(
        &[
            "report-deploy",
            "--service",
            "payments",
            "--version",
            "2.4.0",
            "--environment",
            "production",
            "--status",
            "rolled-back",
            "--fail-on-drift",
        ],
        &ci.token,
    )
    .await;
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let out = run(
        &[
            "report-deploy",
            "--service",
            "payments",
            "--version",
            "2.4.0",
            "--environment",
            "staging",
        ],
        "rc_wrong",
    )
    .await;
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(err.contains("401"), "{err}");
    assert!(
        !err.contains("rc_wrong"),
        "the token is never printed: {err}"
    );
    let all = json_of(owner.get("/api/deployments").await, StatusCode::OK).await;
    assert_eq!(all["items"].as_array().unwrap().len(), 2);
}
