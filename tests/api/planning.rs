//! Sprints, deployment groups and their rollout plans, dependencies with
//! cycle refusal and automatic blocking, the dashboard — and tenant
//! isolation for each of them.

use crate::helpers::{error_of, json_of, Browser, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn service(b: &Browser) -> String {
    json_of(
        b.post("/api/services", &json!({"name": "Payments"})).await,
        StatusCode::CREATED,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn release(b: &Browser, svc: &str, title: &str) -> String {
    json_of(
        b.post(
            "/api/releases",
            &json!({"serviceId": svc, "title": title, "version": "1.0.0"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn walk(b: &Browser, id: &str, to: &[&str]) {
    for s in to {
        json_of(
            b.patch(&format!("/api/releases/{id}"), &json!({"status": s}))
                .await,
            StatusCode::OK,
        )
        .await;
    }
}

const TO_READY_PRODUCTION: [&str; 6] = [
    "IN_DEVELOPMENT",
    "IN_REVIEW",
    "READY_STAGING",
    "IN_STAGING",
    "STAGING_VERIFIED",
    "READY_PRODUCTION",
];

async fn depend(b: &Browser, id: &str, on: &str, kind: &str) -> reqwest::Response {
    b.post(
        &format!("/api/releases/{id}/dependencies"),
        &json!({"dependsOnId": on, "type": kind}),
    )
    .await
}

#[tokio::test]
async fn sprints_crud_roles_and_one_active_sprint() {
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Acme").await;
    let s1 = json_of(
        owner
            .post(
                "/api/sprints",
                &json!({"name": "Sprint 1", "startDate": "2026-12-01", "endDate": "2026-12-14"}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(s1["status"], "PLANNING");
    let id1 = s1["id"].as_str().unwrap();
    // Bad input: end before start, bad date, unknown status, missing name.
    for body in [
        json!({"name": "x", "startDate": "2026-12-10", "endDate": "2026-12-01"}),
        json!({"name": "x", "startDate": "soon", "endDate": "2026-12-01"}),
        json!({"name": "x", "startDate": "2026-12-01", "endDate": "2026-12-02", "status": "DONE"}),
        json!({"startDate": "2026-12-01", "endDate": "2026-12-02"}),
    ] {
        error_of(
            owner.post("/api/sprints", &body).await,
            StatusCode::BAD_REQUEST,
        )
        .await;
    }
    json_of(
        owner
            .patch(&format!("/api/sprints/{id1}"), &json!({"status": "ACTIVE"}))
            .await,
        StatusCode::OK,
    )
    .await;
    let second = owner
        .post(
            "/api/sprints",
            &json!({"name": "Sprint 2", "startDate": "2026-12-15", "endDate": "2026-12-28", "status": "ACTIVE"}),
        )
        .await;
    assert!(error_of(second, StatusCode::CONFLICT)
        .await
        .contains("Sprint 1"));
    let s2 = json_of(
        owner
            .post(
                "/api/sprints",
                &json!({"name": "Sprint 2", "startDate": "2026-12-15", "endDate": "2026-12-28"}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    let id2 = s2["id"].as_str().unwrap();
    error_of(
        owner
            .patch(&format!("/api/sprints/{id2}"), &json!({"status": "ACTIVE"}))
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    // Completing the first frees the slot.
    json_of(
        owner
            .patch(
                &format!("/api/sprints/{id1}"),
                &json!({"status": "COMPLETED"}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    json_of(
        owner
            .patch(&format!("/api/sprints/{id2}"), &json!({"status": "ACTIVE"}))
            .await,
        StatusCode::OK,
    )
    .await;
    // Releases join a sprint through the release.
    let svc = service(&owner).await;
    let r = release(&owner, &svc, "Checkout").await;
    let patched = json_of(
        owner
            .patch(&format!("/api/releases/{r}"), &json!({"sprintId": id2}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(patched["sprintId"], id2);
    let listed = json_of(
        owner.get(&format!("/api/releases?sprintId={id2}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    // A member may not manage sprints; deleting unassigns releases.
    let (member, _) = app.member_with_role(&owner, "MEMBER").await;
    error_of(
        member
            .post(
                "/api/sprints",
                &json!({"name": "Mine", "startDate": "2026-12-01", "endDate": "2026-12-02"}),
            )
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(
        owner.delete(&format!("/api/sprints/{id2}")).await.status(),
        StatusCode::NO_CONTENT
    );
    let r_now = json_of(
        owner.get(&format!("/api/releases/{r}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(r_now["sprintId"], Value::Null);
}

#[tokio::test]
async fn dependencies_refuse_self_foreign_duplicates_and_cycles() {
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Acme").await;
    let svc = service(&owner).await;
    let a = release(&owner, &svc, "Alpha").await;
    let b = release(&owner, &svc, "Beta").await;
    let c = release(&owner, &svc, "Gamma").await;
    let (other, _, _) = app.owner_with_team("Other").await;
    let other_svc = service(&other).await;
    let foreign = release(&other, &other_svc, "Theirs").await;

    error_of(
        depend(&owner, &a, &a, "BLOCKS").await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    error_of(
        depend(&owner, &a, &foreign, "BLOCKS").await,
        StatusCode::NOT_FOUND,
    )
    .await;
    error_of(
        depend(&owner, &a, &b, "SOMETIMES").await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    let d = json_of(depend(&owner, &a, &b, "BLOCKS").await, StatusCode::CREATED).await;
    assert_eq!(d["type"], "BLOCKS");
    assert_eq!(d["dependsOn"]["title"], "Beta");
    error_of(
        depend(&owner, &a, &b, "SOFT_DEPENDENCY").await,
        StatusCode::CONFLICT,
    )
    .await;
    json_of(
        depend(&owner, &b, &c, "SOFT_DEPENDENCY").await,
        StatusCode::CREATED,
    )
    .await;
    let cycle = error_of(depend(&owner, &c, &a, "BLOCKS").await, StatusCode::CONFLICT).await;
    assert!(
        cycle.contains("Gamma 1.0.0 → Alpha 1.0.0 → Beta 1.0.0 → Gamma 1.0.0"),
        "{cycle}"
    );
    // Nothing was stored by the refusals.
    let list = json_of(
        owner.get(&format!("/api/releases/{c}/dependencies")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["items"], json!([]));
    // Another team cannot see or touch them.
    error_of(
        other.get(&format!("/api/releases/{a}/dependencies")).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let dep_id = d["id"].as_str().unwrap();
    error_of(
        other
            .delete(&format!("/api/releases/{a}/dependencies/{dep_id}"))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(
        owner
            .delete(&format!("/api/releases/{a}/dependencies/{dep_id}"))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    // With the edge gone, the reverse is fine.
    json_of(depend(&owner, &c, &a, "BLOCKS").await, StatusCode::CREATED).await;
}

#[tokio::test]
async fn a_blocks_dependency_holds_a_release_until_its_blocker_deploys() {
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Acme").await;
    let svc = service(&owner).await;
    let api = release(&owner, &svc, "API").await;
    let web = release(&owner, &svc, "Web").await;
    json_of(
        depend(&owner, &web, &api, "BLOCKS").await,
        StatusCode::CREATED,
    )
    .await;
    walk(&owner, &web, &TO_READY_PRODUCTION[..5]).await;
    let refused = error_of(
        owner
            .patch(
                &format!("/api/releases/{web}"),
                &json!({"status": "READY_PRODUCTION"}),
            )
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(refused.contains("API 1.0.0"), "{refused}");
    // The dashboard counts it as blocked.
    let stats = json_of(owner.get("/api/dashboard/stats").await, StatusCode::OK).await;
    assert_eq!(stats["blocked"], 1);
    walk(&owner, &api, &TO_READY_PRODUCTION).await;
    walk(&owner, &api, &["DEPLOYED"]).await;
    // Resolved, with an activity on the dependent.
    let deps = json_of(
        owner
            .get(&format!("/api/releases/{web}/dependencies"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert!(deps["items"][0]["resolvedAt"].is_string());
    let acts = json_of(
        owner.get(&format!("/api/releases/{web}/activities")).await,
        StatusCode::OK,
    )
    .await;
    assert!(acts["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["type"] == "DEPENDENCY_RESOLVED"));
    walk(&owner, &web, &["READY_PRODUCTION", "DEPLOYED"]).await;
}

#[tokio::test]
async fn deployment_groups_order_releases_and_plan_the_rollout() {
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Acme").await;
    let svc = service(&owner).await;
    let g = json_of(
        owner
            .post(
                "/api/deployment-groups",
                &json!({"name": "December train", "deploymentOrder": "SEQUENTIAL", "targetDate": "2026-12-20"}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    let gid = g["id"].as_str().unwrap().to_string();
    error_of(
        owner
            .post(
                "/api/deployment-groups",
                &json!({"name": "x", "deploymentOrder": "RANDOM"}),
            )
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    let (a, b, c, d) = (
        release(&owner, &svc, "A").await,
        release(&owner, &svc, "B").await,
        release(&owner, &svc, "C").await,
        release(&owner, &svc, "D").await,
    );
    for r in [&a, &b, &c, &d] {
        json_of(
            owner
                .post(
                    &format!("/api/deployment-groups/{gid}/releases"),
                    &json!({"releaseId": r}),
                )
                .await,
            StatusCode::CREATED,
        )
        .await;
    }
    let acts = json_of(
        owner.get(&format!("/api/releases/{a}/activities")).await,
        StatusCode::OK,
    )
    .await;
    assert!(acts["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["type"] == "DEPLOYMENT_GROUP_ASSIGNED"));
    // A waits for C (BLOCKS); D deploys together with B (REQUIRES_SYNC).
    json_of(depend(&owner, &a, &c, "BLOCKS").await, StatusCode::CREATED).await;
    json_of(
        depend(&owner, &d, &b, "REQUIRES_SYNC").await,
        StatusCode::CREATED,
    )
    .await;
    let plan = json_of(
        owner
            .get(&format!("/api/deployment-groups/{gid}/plan"))
            .await,
        StatusCode::OK,
    )
    .await;
    let steps: Vec<Vec<String>> = plan["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            s["releases"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["title"].as_str().unwrap().to_string())
                .collect()
        })
        .collect();
    assert_eq!(steps, vec![vec!["B", "D"], vec!["C"], vec!["A"]]);
    assert_eq!(plan["steps"][0]["position"], 1);
    assert_eq!(plan["ready"], false);
    let reasons: Vec<&str> = plan["corrections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["reason"].as_str().unwrap())
        .collect();
    assert!(reasons.contains(&"BLOCKED_BY") && reasons.contains(&"SYNCED_WITH"));
    // Reorder: must name exactly the group's releases.
    error_of(
        owner
            .put(
                &format!("/api/deployment-groups/{gid}/releases/order"),
                &json!({"releaseIds": [a, b]}),
            )
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    let ordered = json_of(
        owner
            .put(
                &format!("/api/deployment-groups/{gid}/releases/order"),
                &json!({"releaseIds": [c, a, b, d]}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(ordered["items"][0]["id"], c.as_str());
    assert_eq!(ordered["items"][0]["position"], 1);
    // SIMULTANEOUS: waves.
    json_of(
        owner
            .patch(
                &format!("/api/deployment-groups/{gid}"),
                &json!({"deploymentOrder": "SIMULTANEOUS"}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    let plan = json_of(
        owner
            .get(&format!("/api/deployment-groups/{gid}/plan"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(plan["steps"].as_array().unwrap().len(), 2);
    assert_eq!(plan["steps"][1]["releases"][0]["title"], "A");
    // Readiness: everything READY_PRODUCTION (C first, A is blocked by it).
    for r in [&b, &c, &d] {
        walk(&owner, r, &TO_READY_PRODUCTION).await;
    }
    walk(&owner, &c, &["DEPLOYED"]).await;
    walk(&owner, &a, &TO_READY_PRODUCTION).await;
    let plan = json_of(
        owner
            .get(&format!("/api/deployment-groups/{gid}/plan"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(plan["ready"], true);
    // Remove one; another team sees nothing.
    assert_eq!(
        owner
            .delete(&format!("/api/deployment-groups/{gid}/releases/{d}"))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    let (other, _, _) = app.owner_with_team("Other").await;
    for path in [
        format!("/api/deployment-groups/{gid}"),
        format!("/api/deployment-groups/{gid}/plan"),
        format!("/api/deployment-groups/{gid}/releases"),
    ] {
        error_of(other.get(&path).await, StatusCode::NOT_FOUND).await;
    }
    let theirs = json_of(other.get("/api/deployment-groups").await, StatusCode::OK).await;
    assert_eq!(theirs["items"], json!([]));
    error_of(
        other
            .post(
                &format!("/api/deployment-groups/{gid}/releases"),
                &json!({"releaseId": a}),
            )
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let their_sprints = json_of(other.get("/api/sprints").await, StatusCode::OK).await;
    assert_eq!(their_sprints["items"], json!([]));
    assert_eq!(
        owner
            .delete(&format!("/api/deployment-groups/{gid}"))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    let a_now = json_of(
        owner.get(&format!("/api/releases/{a}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(a_now["deploymentGroupId"], Value::Null);
}

#[tokio::test]
async fn the_dashboard_computes_delivery_figures_from_history() {
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Acme").await;
    let svc = service(&owner).await;
    let one = release(&owner, &svc, "One").await;
    let two = release(&owner, &svc, "Two").await;
    let three = release(&owner, &svc, "Three").await;
    for r in [&one, &two] {
        walk(&owner, r, &TO_READY_PRODUCTION).await;
        walk(&owner, r, &["DEPLOYED"]).await;
    }
    walk(&owner, &two, &["ROLLED_BACK"]).await;
    walk(&owner, &three, &["IN_DEVELOPMENT"]).await;
    let s = json_of(
        owner.get("/api/dashboard/stats?days=7").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(s["days"], 7);
    assert_eq!(s["countsByStatus"]["DEPLOYED"], 1);
    assert_eq!(s["countsByStatus"]["ROLLED_BACK"], 1);
    assert_eq!(s["countsByStatus"]["IN_DEVELOPMENT"], 1);
    assert_eq!(s["countsByStatus"]["PLANNING"], 0);
    assert_eq!(s["deploymentFrequency"]["sample"], 2);
    assert_eq!(s["deploymentFrequency"]["value"], 2.0);
    assert_eq!(s["deploymentFrequency"]["unit"], "per week");
    assert_eq!(s["changeFailureRate"]["value"], 0.5);
    assert_eq!(s["leadTime"]["sample"], 2);
    assert_eq!(s["leadTime"]["unit"], "hours");
    assert!(s["leadTime"]["value"].as_f64().unwrap() >= 0.0);
    // The rollback is not restored yet.
    assert_eq!(s["timeToRestore"]["sample"], 0);
    assert_eq!(s["timeToRestore"]["value"], Value::Null);
    assert!(s["deploymentFrequency"]["definition"]
        .as_str()
        .unwrap()
        .contains("per week"));
    error_of(
        owner.get("/api/dashboard/stats?days=0").await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    error_of(
        owner.get("/api/dashboard/stats?days=many").await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    // Another team's dashboard knows nothing of this.
    let (other, _, _) = app.owner_with_team("Other").await;
    let theirs = json_of(other.get("/api/dashboard/stats").await, StatusCode::OK).await;
    assert_eq!(theirs["countsByStatus"]["DEPLOYED"], 0);
    assert_eq!(theirs["deploymentFrequency"]["sample"], 0);
}

/// Parity 19: a blocker rolled back after it resolved a dependency blocks
/// again — the dependency is unresolved, the move is refused, the feed says so.
#[tokio::test]
async fn a_rolled_back_blocker_blocks_again() {
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Acme").await;
    let svc = json_of(
        owner.post("/api/services", &json!({"name": "Pay"})).await,
        StatusCode::CREATED,
    )
    .await;
    let mk = |t: &'static str| {
        let owner = &owner;
        let svc = svc["id"].clone();
        async move {
            json_of(
                owner
                    .post(
                        "/api/releases",
                        &json!({"serviceId": svc, "title": t, "version": "1"}),
                    )
                    .await,
                StatusCode::CREATED,
            )
            .await["id"]
                .as_str()
                .unwrap()
                .to_string()
        }
    };
    let dependent = mk("Dependent").await;
    let blocker = mk("Blocker").await;
    json_of(
        owner
            .post(
                &format!("/api/releases/{dependent}/dependencies"),
                &json!({"dependsOnId": blocker, "type": "BLOCKS"}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    let walk = |id: String, to: &'static [&'static str]| {
        let owner = &owner;
        async move {
            for s in to {
                json_of(
                    owner
                        .patch(&format!("/api/releases/{id}"), &json!({"status": s}))
                        .await,
                    StatusCode::OK,
                )
                .await;
            }
        }
    };
    walk(
        blocker.clone(),
        &[
            "IN_DEVELOPMENT",
            "IN_REVIEW",
            "READY_STAGING",
            "IN_STAGING",
            "STAGING_VERIFIED",
            "READY_PRODUCTION",
            "DEPLOYED",
        ],
    )
    .await;
    let deps = json_of(
        owner
            .get(&format!("/api/releases/{dependent}/dependencies"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert!(deps["items"][0]["resolvedAt"].is_string(), "{deps}");
    walk(blocker.clone(), &["ROLLED_BACK"]).await;
    let deps = json_of(
        owner
            .get(&format!("/api/releases/{dependent}/dependencies"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert!(
        deps["items"][0]["resolvedAt"].is_null(),
        "unresolved again: {deps}"
    );
    walk(
        dependent.clone(),
        &[
            "IN_DEVELOPMENT",
            "IN_REVIEW",
            "READY_STAGING",
            "IN_STAGING",
            "STAGING_VERIFIED",
        ],
    )
    .await;
    let msg = error_of(
        owner
            .patch(
                &format!("/api/releases/{dependent}"),
                &json!({"status": "READY_PRODUCTION"}),
            )
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(msg.contains("Blocker"), "{msg}");
    let feed = json_of(
        owner
            .get(&format!("/api/releases/{dependent}/activities"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert!(
        feed.to_string().contains("blocked again by Blocker 1"),
        "{feed}"
    );
    let blocked = json_of(
        owner.get("/api/releases?blocked=true").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(blocked["items"][0]["id"], dependent.as_str());
    // The release page says so consistently: no "resolved" beside the banner.
    let html = owner
        .get(&format!("/releases/{dependent}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!html.contains(">resolved<"), "the page still says resolved");
}
