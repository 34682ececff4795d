//! The whole data model on a freshly migrated database: every entity
//! round-trips (insert, read back equal), and deleting a parent cascades or
//! sets null exactly as `DATA-MODEL.md` says.

use crate::helpers::TestApp;
use chrono::NaiveDate;
use release_coordinator::server::db::entities::*;
use release_coordinator::server::db::{migrate, new_id, now};
use sea_orm::{
    ActiveModelTrait, DatabaseConnection, EntityTrait, IntoActiveModel, ModelTrait, PaginatorTrait,
};

/// Inserts `model` and checks that reading it back gives the same row.
async fn round_trip<M, A, E>(db: &DatabaseConnection, model: M) -> M
where
    M: ModelTrait<Entity = E> + IntoActiveModel<A> + Clone + PartialEq + std::fmt::Debug,
    A: ActiveModelTrait<Entity = E> + sea_orm::ActiveModelBehavior + Send,
    E: EntityTrait<Model = M>,
    <E as EntityTrait>::Model: IntoActiveModel<A>,
{
    let inserted = model
        .clone()
        .into_active_model()
        .reset_all()
        .insert(db)
        .await
        .expect("insert");
    assert_eq!(inserted, model, "insert returns what was written");
    let all = E::find().all(db).await.expect("select");
    assert!(all.contains(&model), "row reads back equal: {model:?}");
    model
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

#[tokio::test]
async fn migrations_are_idempotent() {
    let app = TestApp::spawn().await;
    migrate(&app.db)
        .await
        .expect("second run applies nothing and succeeds");
}

#[tokio::test]
async fn every_entity_round_trips_and_cascades() {
    let app = TestApp::spawn().await;
    let db = &app.db;
    let t = now();

    let team = round_trip(
        db,
        team::Model {
            id: new_id(),
            name: "Payments".into(),
            slug: "payments".into(),
            slack_webhook_url: Some("v1:abc".into()),
            slack_channel: Some("#releases".into()),
            notify_on_status_change: true,
            notify_on_blocked: false,
            notify_on_ready_to_deploy: true,
            slack_last_error: None,
            slack_last_error_at: None,
            policy: Some(r#"[{"toStatus":"DEPLOYED","requireItemsDone":true}]"#.into()),
            created_at: t,
            updated_at: t,
        },
    )
    .await;
    let ada = round_trip(
        db,
        user::Model {
            id: new_id(),
            email: "ada@example.com".into(),
            name: "Ada Lovelace".into(),
            password_hash: "$argon2id$x".into(),
            created_at: t,
            updated_at: t,
            email_verified_at: Some(t),
            pending_email: Some("ada@new.example".into()),
            deleted_at: None,
        },
    )
    .await;
    let bob = round_trip(
        db,
        user::Model {
            id: new_id(),
            email: "bob@example.com".into(),
            name: "Bob".into(),
            password_hash: "$argon2id$y".into(),
            created_at: t,
            updated_at: t,
            email_verified_at: None,
            pending_email: None,
            deleted_at: Some(t),
        },
    )
    .await;
    round_trip(
        db,
        team_member::Model {
            id: new_id(),
            team_id: team.id.clone(),
            user_id: ada.id.clone(),
            role: release_coordinator::domain::roles::Role::Owner,
            created_at: t,
        },
    )
    .await;
    round_trip(
        db,
        team_member::Model {
            id: new_id(),
            team_id: team.id.clone(),
            user_id: bob.id.clone(),
            role: release_coordinator::domain::roles::Role::Member,
            created_at: t,
        },
    )
    .await;
    round_trip(
        db,
        invitation::Model {
            id: new_id(),
            team_id: team.id.clone(),
            email: "cy@example.com".into(),
            role: release_coordinator::domain::roles::Role::Viewer,
            token_hash: "h1".into(),
            invited_by: Some(bob.id.clone()),
            expires_at: t,
            accepted_at: None,
            accepted_by: None,
            created_at: t,
        },
    )
    .await;
    // Identity: an emailed link, queued mail, the security log, single sign-on.
    let later = t + chrono::Duration::days(1);
    round_trip(
        db,
        email_token::Model {
            id: new_id(),
            user_id: ada.id.clone(),
            purpose: "VERIFY_EMAIL".into(),
            email: "ada@new.example".into(),
            token_hash: "e1".into(),
            expires_at: later,
            used_at: Some(t),
            created_at: t,
        },
    )
    .await;
    round_trip(
        db,
        mail_outbox::Model {
            id: new_id(),
            to_address: "ada@example.com".into(),
            subject: "Confirm".into(),
            body: "encrypted".into(),
            attempts: 2,
            next_attempt_at: later,
            last_error: Some("451 later".into()),
            sent_at: None,
            failed_at: None,
            created_at: t,
        },
    )
    .await;
    round_trip(
        db,
        security_event::Model {
            id: new_id(),
            user_id: ada.id.clone(),
            kind: "SIGNED_IN".into(),
            ip: Some("127.0.0.1".into()),
            user_agent: None,
            detail: Some("with a password".into()),
            created_at: t,
        },
    )
    .await;
    round_trip(
        db,
        user_identity::Model {
            id: new_id(),
            user_id: ada.id.clone(),
            provider: "google".into(),
            subject: "1234".into(),
            email: "ada@example.com".into(),
            created_at: t,
            last_used_at: later,
        },
    )
    .await;
    round_trip(
        db,
        oidc_state::Model {
            id: "state-hash".into(),
            provider: "google".into(),
            nonce: "n".into(),
            pkce_verifier: "v".into(),
            redirect_after: Some("/board".into()),
            expires_at: later,
            created_at: t,
        },
    )
    .await;
    let ada_session = round_trip(
        db,
        session::Model {
            id: new_id(),
            user_id: ada.id.clone(),
            token_hash: "s1".into(),
            current_team_id: Some(team.id.clone()),
            created_at: t,
            last_seen_at: t,
            // Live for the whole test: an expired one is the purge job's to
            // delete at any moment, which made this test flaky.
            expires_at: t + chrono::Duration::days(30),
            user_agent: Some("test".into()),
            ip: Some("127.0.0.1".into()),
        },
    )
    .await;
    round_trip(
        db,
        api_token::Model {
            id: new_id(),
            team_id: team.id.clone(),
            name: "CI".into(),
            role: release_coordinator::domain::roles::Role::Member,
            token_hash: "a1".into(),
            prefix: "rc_ab".into(),
            created_by: Some(ada.id.clone()),
            last_used_at: None,
            expires_at: None,
            revoked_at: None,
            created_at: t,
        },
    )
    .await;
    let svc = round_trip(
        db,
        service::Model {
            id: new_id(),
            team_id: team.id.clone(),
            name: "Payments API".into(),
            slug: "payments-api".into(),
            description: "Takes money".into(),
            github_repo: Some("acme/payments".into()),
            jira_project_key: Some("PAY".into()),
            created_at: t,
            updated_at: t,
        },
    )
    .await;
    let sprint = round_trip(
        db,
        sprint::Model {
            id: new_id(),
            team_id: team.id.clone(),
            name: "Sprint 1".into(),
            start_date: date(2026, 11, 2),
            end_date: date(2026, 11, 13),
            status: release_coordinator::domain::kinds::SprintStatus::Active,
            created_at: t,
            updated_at: t,
        },
    )
    .await;
    let group = round_trip(
        db,
        deployment_group::Model {
            id: new_id(),
            team_id: team.id.clone(),
            name: "Black Friday".into(),
            sprint_id: Some(sprint.id.clone()),
            owner_id: Some(bob.id.clone()),
            target_date: Some(date(2026, 11, 27)),
            deployment_order: release_coordinator::domain::kinds::DeploymentOrder::Sequential,
            created_at: t,
            updated_at: t,
        },
    )
    .await;
    let release = |title: &str| release::Model {
        id: new_id(),
        team_id: team.id.clone(),
        service_id: svc.id.clone(),
        title: title.into(),
        version: "2.4.0".into(),
        description: "**bold**".into(),
        status: release_coordinator::domain::status::ReleaseStatus::InReview,
        priority: release_coordinator::domain::status::Priority::High,
        owner_id: Some(bob.id.clone()),
        sprint_id: Some(sprint.id.clone()),
        deployment_group_id: Some(group.id.clone()),
        group_position: Some(1),
        target_date: Some(date(2026, 12, 4)),
        is_blocked: true,
        blocked_reason: Some("waiting for legal".into()),
        staging_deployed_at: Some(t),
        production_deployed_at: None,
        version_set_by: Some(bob.id.clone()),
        revision: 7,
        created_at: t,
        updated_at: t,
    };
    let r1 = round_trip(db, release("Checkout v2")).await;
    let r2 = round_trip(db, release("Ledger v3")).await;
    round_trip(
        db,
        release_item::Model {
            id: new_id(),
            team_id: team.id.clone(),
            release_id: r1.id.clone(),
            item_type: release_coordinator::domain::kinds::ItemType::JiraTicket,
            external_id: "PAY-1".into(),
            title: Some("Do it".into()),
            status: Some("Done".into()),
            status_category: Some("done".into()),
            assignee: Some("Ada".into()),
            url: Some("https://x.atlassian.net/browse/PAY-1".into()),
            added_by: Some(bob.id.clone()),
            last_synced_at: Some(t),
            sync_error: None,
            created_at: t,
        },
    )
    .await;
    round_trip(
        db,
        release_dependency::Model {
            id: new_id(),
            team_id: team.id.clone(),
            release_id: r1.id.clone(),
            depends_on_id: r2.id.clone(),
            dep_type: release_coordinator::domain::kinds::DependencyType::Blocks,
            resolved_at: None,
            created_by: Some(bob.id.clone()),
            created_at: t,
        },
    )
    .await;
    round_trip(
        db,
        comment::Model {
            id: new_id(),
            team_id: team.id.clone(),
            release_id: r1.id.clone(),
            author_id: Some(bob.id.clone()),
            body: "LGTM".into(),
            created_at: t,
            updated_at: t,
        },
    )
    .await;
    let act = round_trip(
        db,
        activity::Model {
            id: new_id(),
            team_id: team.id.clone(),
            release_id: Some(r1.id.clone()),
            user_id: Some(bob.id.clone()),
            activity_type: release_coordinator::domain::kinds::ActivityType::StatusChanged,
            action: "moved".into(),
            description: "Bob moved Checkout v2".into(),
            metadata: Some(r#"{"from":"IN_DEVELOPMENT"}"#.into()),
            resource_type: Some(release_coordinator::domain::kinds::ResourceType::Release),
            resource_id: Some(r1.id.to_string()),
            created_at: t,
        },
    )
    .await;
    round_trip(
        db,
        oauth_connection::Model {
            id: new_id(),
            user_id: bob.id.clone(),
            provider: release_coordinator::domain::kinds::Provider::Github,
            access_token: "v1:enc".into(),
            refresh_token: None,
            expires_at: None,
            scopes: Some("repo".into()),
            account_id: Some("1".into()),
            account_name: Some("bob".into()),
            metadata: None,
            is_valid: true,
            last_error: None,
            last_error_at: None,
            created_at: t,
            updated_at: t,
            sync_failures: 2,
            next_sync_at: Some(t),
        },
    )
    .await;
    round_trip(
        db,
        oauth_state::Model {
            id: "statehash".into(),
            user_id: bob.id.clone(),
            provider: release_coordinator::domain::kinds::Provider::Jira,
            pkce_verifier: None,
            redirect_after: Some("/settings".into()),
            expires_at: t + chrono::Duration::minutes(10),
            created_at: t,
        },
    )
    .await;
    round_trip(
        db,
        outbox::Model {
            id: new_id(),
            team_id: team.id.clone(),
            kind: "SLACK_MESSAGE".into(),
            payload: "{}".into(),
            attempts: 0,
            next_attempt_at: t,
            last_error: None,
            sent_at: None,
            created_at: t,
            failed_at: None,
            webhook_id: Some("w1".into()),
            event: Some("ping".into()),
            message_id: Some("msg_1".into()),
            response_status: Some(502),
        },
    )
    .await;
    round_trip(
        db,
        webhook_delivery::Model {
            id: format!("github:{}", new_id::<String>()),
            provider: "github".into(),
            received_at: t,
        },
    )
    .await;

    // Unique keys hold.
    let dup = team::Model {
        id: new_id(),
        ..team.clone()
    };
    assert!(
        dup.into_active_model()
            .reset_all()
            .insert(db)
            .await
            .is_err(),
        "team slug is unique"
    );

    // Deleting a release: its items, dependencies and comments go; its
    // activity stays with release_id set to null (the audit trail outlives it).
    release::Entity::delete_by_id(r1.id.clone())
        .exec(db)
        .await
        .expect("delete release");
    assert_eq!(release_item::Entity::find().count(db).await.unwrap(), 0);
    assert_eq!(
        release_dependency::Entity::find().count(db).await.unwrap(),
        0
    );
    assert_eq!(comment::Entity::find().count(db).await.unwrap(), 0);
    let kept = activity::Entity::find_by_id(act.id.clone())
        .one(db)
        .await
        .unwrap()
        .expect("activity kept");
    assert_eq!(kept.release_id, None);

    round_trip(
        db,
        deployment::Model {
            id: new_id(),
            team_id: team.id.clone(),
            service_id: svc.id.clone(),
            release_id: Some(r2.id.clone()),
            version: "3.0.0".into(),
            environment: release_coordinator::domain::deployments::Environment::Production,
            status: release_coordinator::domain::deployments::DeployStatus::RolledBack,
            commit_sha: Some("abcdef1".into()),
            url: Some("https://ci.example/1".into()),
            key: Some("run-1".into()),
            reported_by: Some(ada.id.clone()),
            token_id: None,
            reporter_name: "Ada".into(),
            moved: "[]".into(),
            drift: Some("why".into()),
            answer: None,
            created_at: t,
        },
    )
    .await;
    round_trip(
        db,
        webhook::Model {
            id: new_id(),
            team_id: team.id.clone(),
            url: "https://hooks.example/rc".into(),
            events: r#"["*"]"#.into(),
            secret: "v1:sealed".into(),
            active: true,
            created_by: Some(ada.id.clone()),
            created_at: t,
            updated_at: t,
        },
    )
    .await;
    round_trip(
        db,
        freeze::Model {
            id: new_id(),
            team_id: team.id.clone(),
            name: "Weekend".into(),
            reason: "nobody on call".into(),
            starts_at: t,
            ends_at: None,
            recurrence: Some(
                r#"{"startDay":"FRI","startTime":"15:00","endDay":"MON","endTime":"08:00"}"#.into(),
            ),
            timezone: "Europe/Berlin".into(),
            service_ids: "[]".into(),
            environments: r#"["PRODUCTION"]"#.into(),
            created_by: Some(ada.id.clone()),
            created_at: t,
            updated_at: t,
        },
    )
    .await;

    // Deleting a user: memberships, sessions, connections and states go;
    // what they owned stays, unowned.
    user::Entity::delete_by_id(bob.id.clone())
        .exec(db)
        .await
        .expect("delete user");
    assert_eq!(
        team_member::Entity::find().count(db).await.unwrap(),
        1,
        "only Ada's membership left"
    );
    assert_eq!(oauth_connection::Entity::find().count(db).await.unwrap(), 0);
    assert_eq!(oauth_state::Entity::find().count(db).await.unwrap(), 0);
    let r2_now = release::Entity::find_by_id(r2.id.clone())
        .one(db)
        .await
        .unwrap()
        .expect("release kept");
    assert_eq!(r2_now.owner_id, None);
    let g = deployment_group::Entity::find_by_id(group.id.clone())
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(g.owner_id, None);

    // Deleting a sprint unassigns its releases and groups.
    sprint::Entity::delete_by_id(sprint.id.clone())
        .exec(db)
        .await
        .expect("delete sprint");
    let r2_now = release::Entity::find_by_id(r2.id.clone())
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(r2_now.sprint_id, None);
    assert_eq!(r2_now.deployment_group_id, Some(group.id.clone()));

    // Deleting the team takes everything in it; the session stays, with no current team.
    team::Entity::delete_by_id(team.id.clone())
        .exec(db)
        .await
        .expect("delete team");
    for count in [
        service::Entity::find().count(db).await.unwrap(),
        release::Entity::find().count(db).await.unwrap(),
        deployment_group::Entity::find().count(db).await.unwrap(),
        activity::Entity::find().count(db).await.unwrap(),
        invitation::Entity::find().count(db).await.unwrap(),
        api_token::Entity::find().count(db).await.unwrap(),
        outbox::Entity::find().count(db).await.unwrap(),
        deployment::Entity::find().count(db).await.unwrap(),
        webhook::Entity::find().count(db).await.unwrap(),
        team_member::Entity::find().count(db).await.unwrap(),
    ] {
        assert_eq!(count, 0);
    }
    let s = session::Entity::find_by_id(ada_session.id.clone())
        .one(db)
        .await
        .unwrap()
        .expect("session kept");
    assert_eq!(s.current_team_id, None);
}

/// A value in an enum column that no code writes is an error — never read
/// as some default (a corrupt status used to become PLANNING).
#[tokio::test]
async fn corrupt_stored_values_are_errors_not_defaults() {
    use sea_orm::ConnectionTrait;
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Acme").await;
    let svc = crate::helpers::json_of(
        owner
            .post("/api/services", &serde_json::json!({"name": "Pay"}))
            .await,
        reqwest::StatusCode::CREATED,
    )
    .await;
    let rel = crate::helpers::json_of(
        owner
            .post(
                "/api/releases",
                &serde_json::json!({"serviceId": svc["id"], "title": "T", "version": "1"}),
            )
            .await,
        reqwest::StatusCode::CREATED,
    )
    .await;
    let id = rel["id"].as_str().unwrap();
    app.db
        .execute_unprepared(&format!(
            "UPDATE releases SET status = 'NOT_A_STATUS' WHERE id = '{id}'"
        ))
        .await
        .unwrap();
    let resp = owner.get(&format!("/api/releases/{id}")).await;
    assert_eq!(resp.status(), reqwest::StatusCode::INTERNAL_SERVER_ERROR);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(
        body["error"], "internal error",
        "no detail reaches the client"
    );
}
