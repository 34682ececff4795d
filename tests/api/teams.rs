//! Teams, selection, members and roles, invitations, settings, isolation.

use crate::helpers::{error_of, json_of, TestApp, TestUser};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn member<'a>(list: &'a Value, email: &str) -> &'a Value {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == email)
        .unwrap_or_else(|| panic!("{email} in {list}"))
}

#[tokio::test]
async fn creating_and_selecting_teams() {
    let app = TestApp::spawn().await;
    let user = TestUser::generate();
    let b = app.signed_up(&user).await;
    assert_eq!(
        error_of(b.get("/api/team/members").await, StatusCode::FORBIDDEN).await,
        "no team selected"
    );

    let team = json_of(
        b.post("/api/teams", &json!({"name": "Payments Platform"}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(team["name"], "Payments Platform");
    assert_eq!(team["slug"], "payments-platform");
    let a_id = team["id"].as_str().unwrap().to_string();
    let me = b.me().await;
    assert_eq!(me["currentTeamId"], a_id);
    assert_eq!(me["teams"][0]["role"], "OWNER");

    let b_id = b.create_team("Payments Platform").await;
    let me = b.me().await;
    assert_eq!(me["currentTeamId"], b_id, "the new team becomes current");
    let slugs: Vec<&str> = me["teams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["slug"].as_str().unwrap())
        .collect();
    assert_ne!(slugs[0], slugs[1], "slugs stay unique");

    assert_eq!(
        b.post_empty(&format!("/api/teams/{a_id}/select"))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(b.me().await["currentTeamId"], a_id);
    error_of(
        b.post("/api/teams", &json!({"name": "  "})).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
}

#[tokio::test]
async fn invitations_end_to_end() {
    let app = TestApp::spawn().await;
    let (owner, owner_user, team_id) = app.owner_with_team("Acme").await;
    let invitee = TestUser::generate();
    let inv = json_of(
        owner
            .post(
                "/api/team/invitations",
                &json!({"email": invitee.email, "role": "ADMIN"}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    let token = inv["token"].as_str().unwrap().to_string();
    assert_eq!(inv["role"], "ADMIN");
    assert!(inv["url"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/invite/{token}")));
    let pending = json_of(owner.get("/api/team/invitations").await, StatusCode::OK).await;
    assert_eq!(pending["items"][0]["email"], invitee.email);
    assert!(
        pending["items"][0].get("token").is_none(),
        "the token is shown once only"
    );

    // Public preview for the invitation page.
    let preview = json_of(
        app.browser()
            .get(&format!("/api/invitations/{token}"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(preview["teamName"], "Acme");
    assert_eq!(preview["state"], "valid");

    // Someone else cannot use it.
    let stranger = app.signed_up(&TestUser::generate()).await;
    let foreign = stranger
        .post_empty(&format!("/api/invitations/{token}/accept"))
        .await;
    assert!(error_of(foreign, StatusCode::FORBIDDEN)
        .await
        .contains(&invitee.email));

    let b = app.signed_up(&invitee).await;
    let joined = json_of(
        b.post_empty(&format!("/api/invitations/{token}/accept"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(joined["teamId"], team_id);
    assert_eq!(joined["role"], "ADMIN");
    assert_eq!(b.me().await["currentTeamId"], team_id);

    let members = json_of(b.get("/api/team/members").await, StatusCode::OK).await;
    assert_eq!(member(&members, &owner_user.email)["role"], "OWNER");
    assert_eq!(member(&members, &invitee.email)["role"], "ADMIN");
    assert_eq!(members["nextCursor"], Value::Null);

    let used = b
        .post_empty(&format!("/api/invitations/{token}/accept"))
        .await;
    assert!(error_of(used, StatusCode::GONE)
        .await
        .contains("already been used"));
    let unknown = b.post_empty("/api/invitations/not-a-token/accept").await;
    error_of(unknown, StatusCode::NOT_FOUND).await;
    let preview = json_of(
        app.browser()
            .get(&format!("/api/invitations/{token}"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(preview["state"], "used");
}

#[tokio::test]
async fn expired_invitations_are_gone() {
    use release_coordinator::server::db::entities::invitation;
    use sea_orm::{sea_query::Expr, ColumnTrait, EntityTrait, QueryFilter};
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Acme").await;
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
    invitation::Entity::update_many()
        .col_expr(
            invitation::Column::ExpiresAt,
            Expr::value(chrono::Utc::now() - chrono::Duration::hours(1)),
        )
        .filter(invitation::Column::Email.eq(invitee.email.as_str()))
        .exec(&app.db)
        .await
        .unwrap();
    let b = app.signed_up(&invitee).await;
    let token = inv["token"].as_str().unwrap();
    assert!(error_of(
        b.post_empty(&format!("/api/invitations/{token}/accept"))
            .await,
        StatusCode::GONE
    )
    .await
    .contains("expired"));
    assert_eq!(b.me().await["teams"], json!([]));
    let pending = json_of(owner.get("/api/team/invitations").await, StatusCode::OK).await;
    assert_eq!(
        pending["items"],
        json!([]),
        "expired invitations are not pending"
    );
}

#[tokio::test]
async fn role_rules() {
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Acme").await;
    let (admin, admin_user) = app.member_with_role(&owner, "ADMIN").await;
    let (member_b, member_user) = app.member_with_role(&owner, "MEMBER").await;
    let (viewer, viewer_user) = app.member_with_role(&owner, "VIEWER").await;
    let members = json_of(owner.get("/api/team/members").await, StatusCode::OK).await;
    let id_of = |email: &str| {
        member(&members, email)["userId"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let owner_id = members["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["role"] == "OWNER")
        .unwrap()["userId"]
        .as_str()
        .unwrap()
        .to_string();

    // VIEWER and MEMBER cannot invite or change roles.
    for b in [&viewer, &member_b] {
        let r = b
            .post(
                "/api/team/invitations",
                &json!({"email": "x@example.com", "role": "VIEWER"}),
            )
            .await;
        error_of(r, StatusCode::FORBIDDEN).await;
        let r = b
            .patch(
                &format!("/api/team/members/{}", id_of(&viewer_user.email)),
                &json!({"role": "MEMBER"}),
            )
            .await;
        error_of(r, StatusCode::FORBIDDEN).await;
        let r = b
            .patch("/api/team/settings", &json!({"name": "Renamed"}))
            .await;
        error_of(r, StatusCode::FORBIDDEN).await;
    }

    // ADMIN manages MEMBERs and VIEWERs, but cannot touch OWNERs or make ADMINs.
    let r = admin
        .patch(
            &format!("/api/team/members/{}", id_of(&viewer_user.email)),
            &json!({"role": "MEMBER"}),
        )
        .await;
    assert_eq!(json_of(r, StatusCode::OK).await["role"], "MEMBER");
    let r = admin
        .patch(
            &format!("/api/team/members/{owner_id}"),
            &json!({"role": "MEMBER"}),
        )
        .await;
    error_of(r, StatusCode::FORBIDDEN).await;
    let r = admin
        .patch(
            &format!("/api/team/members/{}", id_of(&member_user.email)),
            &json!({"role": "ADMIN"}),
        )
        .await;
    error_of(r, StatusCode::FORBIDDEN).await;
    let r = admin.delete(&format!("/api/team/members/{owner_id}")).await;
    error_of(r, StatusCode::FORBIDDEN).await;
    let r = admin
        .post(
            "/api/team/invitations",
            &json!({"email": "boss@example.com", "role": "OWNER"}),
        )
        .await;
    error_of(r, StatusCode::FORBIDDEN).await;
    let r = admin
        .patch(
            &format!("/api/team/members/{}", id_of(&member_user.email)),
            &json!({"role": "GOD"}),
        )
        .await;
    error_of(r, StatusCode::BAD_REQUEST).await;

    // The last OWNER cannot be demoted, removed or leave.
    let r = owner
        .patch(
            &format!("/api/team/members/{owner_id}"),
            &json!({"role": "ADMIN"}),
        )
        .await;
    assert!(error_of(r, StatusCode::BAD_REQUEST)
        .await
        .contains("last owner"));
    let r = owner.delete(&format!("/api/team/members/{owner_id}")).await;
    error_of(r, StatusCode::BAD_REQUEST).await;
    let r = owner.post_empty("/api/team/leave").await;
    error_of(r, StatusCode::BAD_REQUEST).await;

    // With a second owner, the first may step down.
    let r = owner
        .patch(
            &format!("/api/team/members/{}", id_of(&admin_user.email)),
            &json!({"role": "OWNER"}),
        )
        .await;
    json_of(r, StatusCode::OK).await;
    let r = owner
        .patch(
            &format!("/api/team/members/{owner_id}"),
            &json!({"role": "MEMBER"}),
        )
        .await;
    json_of(r, StatusCode::OK).await;

    // Removing a member takes the team away from their session.
    let r = admin
        .delete(&format!("/api/team/members/{}", id_of(&member_user.email)))
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(member_b.me().await["teams"], json!([]));
    error_of(
        member_b.get("/api/team/members").await,
        StatusCode::FORBIDDEN,
    )
    .await;

    // A VIEWER may leave.
    assert_eq!(
        viewer.post_empty("/api/team/leave").await.status(),
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn only_an_owner_deletes_the_team() {
    let app = TestApp::spawn().await;
    let (owner, _, team_id) = app.owner_with_team("Acme").await;
    let (admin, _) = app.member_with_role(&owner, "ADMIN").await;
    error_of(
        admin.delete(&format!("/api/teams/{team_id}")).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(
        owner
            .delete(&format!("/api/teams/{team_id}"))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(owner.me().await["teams"], json!([]));
    assert_eq!(admin.me().await["currentTeamId"], Value::Null);
}

#[tokio::test]
async fn team_settings_hide_the_webhook() {
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Acme").await;
    let url = "https://hooks.slack.com/services/T0001/B0001/abcdefghijklmnopXy9z";
    let s = json_of(owner.patch("/api/team/settings", &json!({"slackWebhookUrl": url, "slackChannel": "#deploys", "notifyOnBlocked": false})).await, StatusCode::OK).await;
    assert_eq!(s["slackWebhookConfigured"], true);
    assert_eq!(
        s["slackWebhookHint"],
        "https://hooks.slack.com/services/…/…/…Xy9z"
    );
    assert_eq!(s["notifyOnBlocked"], false);
    let got = json_of(owner.get("/api/team/settings").await, StatusCode::OK).await;
    assert!(
        !got.to_string().contains("abcdefghijklmnop"),
        "the URL never comes back"
    );
    assert_eq!(got, s);
    // Stored encrypted.
    use sea_orm::EntityTrait;
    let teams = release_coordinator::server::db::entities::team::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    assert!(teams.iter().all(|t| !t
        .slack_webhook_url
        .clone()
        .unwrap_or_default()
        .contains("hooks.slack.com")));

    let r = owner
        .patch(
            "/api/team/settings",
            &json!({"slackWebhookUrl": "http://169.254.169.254/latest"}),
        )
        .await;
    let body = json_of(r, StatusCode::BAD_REQUEST).await;
    assert!(body["fields"]["slackWebhookUrl"].is_string());
    let r = owner
        .patch("/api/team/settings", &json!({"slackLastError": "x"}))
        .await;
    error_of(r, StatusCode::BAD_REQUEST).await;
    let cleared = json_of(
        owner
            .patch("/api/team/settings", &json!({"slackWebhookUrl": ""}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(cleared["slackWebhookConfigured"], false);
}

#[tokio::test]
async fn another_teams_people_and_settings_are_invisible() {
    let app = TestApp::spawn().await;
    let (a_owner, a_user, a_team) = app.owner_with_team("Team A").await;
    a_owner
        .post(
            "/api/team/invitations",
            &json!({"email": "pending@example.com", "role": "MEMBER"}),
        )
        .await;
    a_owner
        .patch(
            "/api/team/settings",
            &json!({"slackChannel": "#team-a-secret"}),
        )
        .await;
    let (b_owner, _, _) = app.owner_with_team("Team B").await;

    let members = json_of(b_owner.get("/api/team/members").await, StatusCode::OK).await;
    assert!(!members.to_string().contains(&a_user.email));
    let invs = json_of(b_owner.get("/api/team/invitations").await, StatusCode::OK).await;
    assert!(!invs.to_string().contains("pending@example.com"));
    let settings = json_of(b_owner.get("/api/team/settings").await, StatusCode::OK).await;
    assert!(!settings.to_string().contains("team-a-secret"));

    error_of(
        b_owner
            .post_empty(&format!("/api/teams/{a_team}/select"))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    error_of(
        b_owner.delete(&format!("/api/teams/{a_team}")).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let a_members = json_of(a_owner.get("/api/team/members").await, StatusCode::OK).await;
    let a_user_id = a_members["items"][0]["userId"].as_str().unwrap();
    error_of(
        b_owner
            .patch(
                &format!("/api/team/members/{a_user_id}"),
                &json!({"role": "VIEWER"}),
            )
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    error_of(
        b_owner
            .delete(&format!("/api/team/members/{a_user_id}"))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn lists_page_with_cursors() {
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Acme").await;
    for i in 0..3 {
        owner
            .post(
                "/api/team/invitations",
                &json!({"email": format!("p{i}@example.com"), "role": "VIEWER"}),
            )
            .await;
    }
    let first = json_of(
        owner.get("/api/team/invitations?limit=2").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let cursor = first["nextCursor"].as_str().expect("a next page");
    let second = json_of(
        owner
            .get(&format!("/api/team/invitations?limit=2&cursor={cursor}"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(second["items"].as_array().unwrap().len(), 1);
    assert_eq!(second["nextCursor"], Value::Null);
    error_of(
        owner.get("/api/team/invitations?limit=0").await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    error_of(
        owner.get("/api/team/invitations?limit=501").await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    error_of(
        owner.get("/api/team/invitations?limit=abc").await,
        StatusCode::BAD_REQUEST,
    )
    .await;
}
