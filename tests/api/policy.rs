//! Release policy (`API.md`, "Release policy"): the team's rules, approvals
//! with separation of duties (a version change voids them, a rejection
//! holds the move until withdrawn), readiness gates from linked items, and
//! an ADMIN's override — never past the state machine or a blocker.

use crate::helpers::{error_of, json_of, Browser, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// A release of a new service, moved up to `to` along the main flow.
async fn release_at(owner: &Browser, to: &str) -> String {
    let svc = json_of(
        owner
            .post("/api/services", &json!({"name": "Pay", "slug": "pay"}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let r = json_of(
        owner
            .post(
                "/api/releases",
                &json!({"serviceId": svc["id"], "title": "Checkout", "version": "2.4.0"}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    let path = format!("/api/releases/{}", r["id"].as_str().unwrap());
    for s in [
        "IN_DEVELOPMENT",
        "IN_REVIEW",
        "READY_STAGING",
        "IN_STAGING",
        "STAGING_VERIFIED",
        "READY_PRODUCTION",
    ] {
        let res = owner.patch(&path, &json!({"status": s})).await;
        assert_eq!(res.status(), StatusCode::OK, "{s}");
        if s == to {
            break;
        }
    }
    path
}

fn check<'a>(checks: &'a Value, kind: &str) -> &'a Value {
    checks["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} check in {checks}"))
}

#[tokio::test]
async fn the_rules_are_read_by_members_replaced_by_admins_and_checked() {
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Acme").await;
    let empty = json_of(owner.get("/api/team/policy").await, StatusCode::OK).await;
    assert_eq!(empty, json!({"rules": []}), "a new team has no rules");
    let rules = json!({"rules": [
        {"toStatus": "DEPLOYED", "approvals": {"required": 2, "fromRoles": ["ADMIN", "OWNER"], "separationOfDuties": true}},
        {"toStatus": "IN_STAGING", "requireItemsDone": true}
    ]});
    let saved = json_of(owner.put("/api/team/policy", &rules).await, StatusCode::OK).await;
    assert_eq!(saved["rules"][0]["approvals"]["required"], 2);
    assert_eq!(
        saved["rules"][1]["requirePullRequestsMerged"], false,
        "omitted: not required"
    );
    let read = json_of(owner.get("/api/team/policy").await, StatusCode::OK).await;
    assert_eq!(read, saved);
    let feed = json_of(owner.get("/api/activities").await, StatusCode::OK).await;
    assert_eq!(feed["items"][0]["type"], "POLICY_CHANGED", "{feed}");
    for bad in [
        json!({"rules": [{"toStatus": "DEPLOYED"}, {"toStatus": "DEPLOYED"}]}),
        json!({"rules": [{"toStatus": "PLANNING", "requireItemsDone": true}]}),
        json!({"rules": [{"toStatus": "DEPLOYED", "approvals": {"required": 1, "fromRoles": ["VIEWER"]}}]}),
        json!({"rules": [{"toStatus": "DEPLOYED", "approvals": {"required": 11}}]}),
    ] {
        let err = json_of(
            owner.put("/api/team/policy", &bad).await,
            StatusCode::BAD_REQUEST,
        )
        .await;
        assert!(err["fields"]["rules"].is_string(), "{bad} → {err}");
    }
    for bad in [
        json!({"rules": [{"toStatus": "MOON"}]}),
        json!({"rules": [{"toStatus": "DEPLOYED", "sneaky": 1}]}),
        json!({"rules": "all"}),
    ] {
        let res = owner.put("/api/team/policy", &bad).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{bad}");
    }
    let read = json_of(owner.get("/api/team/policy").await, StatusCode::OK).await;
    assert_eq!(read, saved, "refused rules change nothing");
}

#[tokio::test]
async fn approvals_with_separation_of_duties_and_a_rejection_that_holds() {
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Acme").await;
    let (admin, _) = app.member_with_role(&owner, "ADMIN").await;
    let (admin2, _) = app.member_with_role(&owner, "ADMIN").await;
    let (member, _) = app.member_with_role(&owner, "MEMBER").await;
    let rules = json!({"rules": [{"toStatus": "DEPLOYED",
        "approvals": {"required": 1, "fromRoles": ["ADMIN", "OWNER"], "separationOfDuties": true}}]});
    json_of(owner.put("/api/team/policy", &rules).await, StatusCode::OK).await;
    let release = release_at(&owner, "READY_PRODUCTION").await;

    // Held: no approval yet.
    let refused = json_of(
        owner.patch(&release, &json!({"status": "DEPLOYED"})).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(
        refused["error"], "cannot move to Deployed: needs 1 more approval from ADMIN or OWNER",
        "{refused}"
    );
    assert_eq!(check(&refused, "APPROVALS")["ok"], false);
    // The board carries the hold with the card, for the drag to show.
    let board = owner.get("/board").await.text().await.unwrap();
    assert!(
        board.contains("needs 1 more approval from ADMIN or OWNER"),
        "the board knows why Deployed is held"
    );

    // The owner created the release (set its version): not theirs to approve.
    let approve = json!({"toStatus": "DEPLOYED", "decision": "APPROVE", "comment": "looks good"});
    let err = error_of(
        owner.post(&format!("{release}/approvals"), &approve).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert!(err.contains("separation of duties"), "{err}");
    // A MEMBER is not a role the rule names.
    let err = error_of(
        member.post(&format!("{release}/approvals"), &approve).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert!(err.contains("only ADMIN or OWNER"), "{err}");
    // A token is not a person.
    let token = owner.mint_token("CI", "ADMIN").await;
    let ci = crate::helpers::Script::new(&app, &token);
    assert_eq!(
        ci.post(&format!("{release}/approvals"), &approve)
            .await
            .status(),
        StatusCode::FORBIDDEN
    );

    let a = json_of(
        admin.post(&format!("{release}/approvals"), &approve).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(a["decision"], "APPROVE");
    assert_eq!(a["version"], "2.4.0");
    let checks = json_of(
        owner
            .get(&format!("{release}/checks?toStatus=DEPLOYED"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(checks["allowed"], true, "{checks}");
    assert_eq!(check(&checks, "APPROVALS")["reason"], "1 of 1 approvals");

    // A rejection holds the move, whoever approved, until withdrawn.
    let r = json_of(
        admin2
            .post(
                &format!("{release}/approvals"),
                &json!({"toStatus": "DEPLOYED", "decision": "REJECT", "comment": "not during the sale"}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    let refused = error_of(
        owner.patch(&release, &json!({"status": "DEPLOYED"})).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(refused.contains("rejected by"), "{refused}");
    let rid = r["id"].as_str().unwrap();
    assert_eq!(
        admin
            .delete(&format!("{release}/approvals/{rid}"))
            .await
            .status(),
        StatusCode::FORBIDDEN,
        "only its author withdraws it"
    );
    assert_eq!(
        admin2
            .delete(&format!("{release}/approvals/{rid}"))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    let list = json_of(
        owner.get(&format!("{release}/approvals")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);

    // A new version voids the approvals, audited.
    let v = owner.patch(&release, &json!({"version": "2.4.1"})).await;
    assert_eq!(v.status(), StatusCode::OK);
    let list = json_of(
        owner.get(&format!("{release}/approvals")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["items"], json!([]), "voided");
    let feed = json_of(
        owner.get(&format!("{release}/activities")).await,
        StatusCode::OK,
    )
    .await;
    assert!(
        feed["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["type"] == "APPROVAL_CHANGED"
                && a["description"]
                    .as_str()
                    .unwrap()
                    .contains("1 approval of version 2.4.0")),
        "{feed}"
    );
    assert_eq!(
        owner
            .patch(&release, &json!({"status": "DEPLOYED"}))
            .await
            .status(),
        StatusCode::BAD_REQUEST,
        "held again"
    );
    json_of(
        admin.post(&format!("{release}/approvals"), &approve).await,
        StatusCode::CREATED,
    )
    .await;
    let moved = json_of(
        owner.patch(&release, &json!({"status": "DEPLOYED"})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(moved["status"], "DEPLOYED");
}

#[tokio::test]
async fn an_admin_overrides_a_freeze_with_a_reason_but_never_a_blocker() {
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Acme").await;
    let (member, _) = app.member_with_role(&owner, "MEMBER").await;
    let release = release_at(&owner, "READY_PRODUCTION").await;
    json_of(
        owner
            .post(
                "/api/freezes",
                &json!({"name": "Black Friday", "environments": ["PRODUCTION"]}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    let deploy = json!({"status": "DEPLOYED", "override": {"reason": "security fix"}});
    // Not for a MEMBER.
    assert_eq!(
        member.patch(&release, &deploy).await.status(),
        StatusCode::FORBIDDEN
    );
    // An override needs a reason, and goes with a move.
    let bad = json_of(
        owner
            .patch(
                &release,
                &json!({"status": "DEPLOYED", "override": {"reason": " "}}),
            )
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(bad["fields"]["override.reason"].is_string(), "{bad}");
    let bad = json_of(
        owner
            .patch(
                &release,
                &json!({"title": "x", "override": {"reason": "why"}}),
            )
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(bad["fields"]["override"].is_string(), "{bad}");
    // Never past a blocker.
    owner
        .patch(
            &release,
            &json!({"isBlocked": true, "blockedReason": "legal"}),
        )
        .await;
    let err = error_of(
        owner.patch(&release, &deploy).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(err.contains("blocked"), "{err}");
    owner.patch(&release, &json!({"isBlocked": false})).await;

    let moved = json_of(owner.patch(&release, &deploy).await, StatusCode::OK).await;
    assert_eq!(moved["status"], "DEPLOYED");
    let feed = json_of(
        owner.get(&format!("{release}/activities")).await,
        StatusCode::OK,
    )
    .await;
    let over = feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["type"] == "POLICY_OVERRIDDEN")
        .unwrap_or_else(|| panic!("{feed}"))
        .clone();
    assert_eq!(over["metadata"]["checks"], json!(["FREEZE"]));
    assert_eq!(over["metadata"]["reason"], "security fix");
    let text = over["description"].as_str().unwrap();
    assert!(
        text.contains("overriding the release policy") && text.contains("Black Friday"),
        "{text}"
    );
}

#[tokio::test]
async fn tickets_must_be_done_before_the_move_the_rule_names() {
    use release_coordinator::server::db::entities::release_item;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Acme").await;
    let rules = json!({"rules": [{"toStatus": "IN_STAGING", "requireItemsDone": true, "requirePullRequestsMerged": true}]});
    json_of(owner.put("/api/team/policy", &rules).await, StatusCode::OK).await;
    let release = release_at(&owner, "READY_STAGING").await;
    let r = json_of(owner.get(&release).await, StatusCode::OK).await;
    // A linked ticket as the integrations cache it (its sync is tested
    // with the fake Jira in jira.rs).
    let now = release_coordinator::server::db::now();
    let item = release_item::ActiveModel {
        id: Set(release_coordinator::server::db::new_id()),
        team_id: Set(r["teamId"].as_str().unwrap().into()),
        release_id: Set(r["id"].as_str().unwrap().into()),
        item_type: Set(release_coordinator::domain::kinds::ItemType::JiraTicket),
        external_id: Set("PAY-12".into()),
        title: Set(Some("Refunds".into())),
        status: Set(Some("In Progress".into())),
        status_category: Set(Some("indeterminate".into())),
        assignee: Set(None),
        url: Set(None),
        added_by: Set(None),
        last_synced_at: Set(Some(now)),
        sync_error: Set(None),
        created_at: Set(now),
    }
    .insert(&app.db)
    .await
    .unwrap();
    let err = error_of(
        owner
            .patch(&release, &json!({"status": "IN_STAGING"}))
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(err, "cannot move to In staging: PAY-12 is not done");
    let checks = json_of(
        owner
            .get(&format!("{release}/checks?toStatus=IN_STAGING"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        check(&checks, "PULL_REQUESTS")["ok"],
        true,
        "no pull requests linked"
    );
    let mut done: release_item::ActiveModel = release_item::Entity::find_by_id(item.id.clone())
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .into();
    done.status_category = Set(Some("done".into()));
    done.update(&app.db).await.unwrap();
    let moved = owner
        .patch(&release, &json!({"status": "IN_STAGING"}))
        .await;
    assert_eq!(moved.status(), StatusCode::OK);
}
