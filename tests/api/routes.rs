//! **The role table**: who may call each route of the REST API and each
//! server function, with a request that would succeed. One table, used by
//! the access walk (`access.rs`), the hostile-input run (`fuzz.rs`) and the
//! OpenAPI checks (`openapi.rs`). A test reads the routes out of the
//! OpenAPI document and the registered server functions out of the running
//! app, so a new route or function that is missing here fails the build:
//! the next route cannot forget its check.
//!
//! Placeholders in paths and bodies are filled from a [`Fixture`]:
//! `{service}`, `{release}`, `{other}` (a second release), `{sprint}`,
//! `{group}`, `{dependency}`, `{comment}` (written by the OWNER), `{item}`,
//! `{team}`, `{user}` (a MEMBER to manage), `{invitation}`, `{token}` (its
//! secret), `{apiToken}` (a team API token's id), `{webhook}` (a paused
//! webhook) and `{delivery}` (its test delivery), `{freeze}` (one in 2099),
//! `{approval}` (the MEMBER's approval of `{release}`),
//! `{email}` (a fresh address).

use crate::helpers::{json_of, Browser, TestApp, TestUser};
use reqwest::StatusCode;
use serde_json::json;

/// The least a caller needs. Team roles are ordered like `domain::roles`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in person (no team needed).
    SignedIn,
    /// Any member of the current team (reads).
    Viewer,
    /// MEMBER and up.
    Member,
    /// ADMIN and up.
    Admin,
    /// OWNER only.
    Owner,
}

/// One REST route.
pub struct Rest {
    /// `GET`, `POST`, …
    pub method: &'static str,
    /// The path under `/api`, with placeholders.
    pub path: &'static str,
    /// Who may call it.
    pub access: Access,
    /// A JSON body that would be accepted (placeholders filled).
    pub body: Option<&'static str>,
    /// Calling it with real ids undoes the fixture (leaving the team,
    /// signing out): the walk checks only that lower roles are refused.
    pub undoes_fixture: bool,
}

const fn r(method: &'static str, path: &'static str, access: Access) -> Rest {
    Rest {
        method,
        path,
        access,
        body: None,
        undoes_fixture: false,
    }
}

const fn rb(method: &'static str, path: &'static str, access: Access, body: &'static str) -> Rest {
    Rest {
        method,
        path,
        access,
        body: Some(body),
        undoes_fixture: false,
    }
}

const fn undoes(mut route: Rest) -> Rest {
    route.undoes_fixture = true;
    route
}

use Access::*;

/// Every REST route of `API.md` that this server answers.
pub const REST: &[Rest] = &[
    // Accounts and teams
    rb(
        "POST",
        "/auth/sign-up",
        Public,
        r#"{"email":"{email}","name":"New","password":"a-long-password-1"}"#,
    ),
    rb(
        "POST",
        "/auth/sign-in",
        Public,
        r#"{"email":"{email}","password":"a-long-password-1"}"#,
    ),
    // Signing out without a session is a harmless no-op (204).
    undoes(r("POST", "/auth/sign-out", Public)),
    rb(
        "POST",
        "/auth/password",
        SignedIn,
        r#"{"currentPassword":"wrong-password-x","newPassword":"a-long-password-2"}"#,
    ),
    r("GET", "/me", SignedIn),
    rb("PATCH", "/me", SignedIn, r#"{"name":"Renamed"}"#),
    // A confirmation that does not match: refused, nothing deleted.
    rb(
        "DELETE",
        "/me",
        SignedIn,
        r#"{"confirmEmail":"not-me@example.com"}"#,
    ),
    rb(
        "POST",
        "/auth/verify-email",
        Public,
        r#"{"token":"not-a-token"}"#,
    ),
    r("POST", "/auth/verify-email/resend", SignedIn),
    rb(
        "POST",
        "/auth/forgot-password",
        Public,
        r#"{"email":"{email}"}"#,
    ),
    rb(
        "POST",
        "/auth/reset-password",
        Public,
        r#"{"token":"not-a-token","newPassword":"a-long-password-2"}"#,
    ),
    r("GET", "/auth/sessions", SignedIn),
    r("DELETE", "/auth/sessions/{session}", SignedIn),
    r("GET", "/me/security-log", SignedIn),
    r("GET", "/auth/providers", Public),
    r("GET", "/auth/oidc/{provider}/authorize", Public),
    r("GET", "/auth/oidc/{provider}/callback", Public),
    r("GET", "/me/identities", SignedIn),
    r("DELETE", "/me/identities/{identity}", SignedIn),
    rb("POST", "/teams", SignedIn, r#"{"name":"Another team"}"#),
    r("POST", "/teams/{team}/select", SignedIn),
    undoes(r("DELETE", "/teams/{team}", Owner)),
    undoes(r("POST", "/team/leave", Viewer)),
    r("GET", "/team/members", Viewer),
    rb(
        "PATCH",
        "/team/members/{user}",
        Admin,
        r#"{"role":"VIEWER"}"#,
    ),
    r("DELETE", "/team/members/{user}", Admin),
    rb(
        "POST",
        "/team/invitations",
        Admin,
        r#"{"email":"{email}","role":"MEMBER"}"#,
    ),
    r("GET", "/team/invitations", Admin),
    r("DELETE", "/team/invitations/{invitation}", Admin),
    r("POST", "/team/invitations/{invitation}/resend", Admin),
    r("GET", "/invitations/{token}", Public),
    r("POST", "/invitations/{token}/accept", SignedIn),
    r("GET", "/team/settings", Viewer),
    rb(
        "PATCH",
        "/team/settings",
        Admin,
        r##"{"slackChannel":"#releases"}"##,
    ),
    r("POST", "/team/settings/test-slack", Admin),
    // Core resources
    r("GET", "/dashboard/stats", Viewer),
    r("GET", "/services", Viewer),
    rb("POST", "/services", Admin, r#"{"name":"Ledger"}"#),
    r("GET", "/services/{service}", Viewer),
    rb(
        "PATCH",
        "/services/{service}",
        Admin,
        r#"{"description":"Takes money"}"#,
    ),
    r("DELETE", "/services/{service}", Admin),
    r("GET", "/sprints", Viewer),
    rb(
        "POST",
        "/sprints",
        Admin,
        r#"{"name":"S9","startDate":"2026-12-01","endDate":"2026-12-14"}"#,
    ),
    r("GET", "/sprints/{sprint}", Viewer),
    rb("PATCH", "/sprints/{sprint}", Admin, r#"{"name":"Renamed"}"#),
    r("DELETE", "/sprints/{sprint}", Admin),
    r("GET", "/deployment-groups", Viewer),
    rb("POST", "/deployment-groups", Admin, r#"{"name":"Wave 9"}"#),
    r("GET", "/deployment-groups/{group}", Viewer),
    rb(
        "PATCH",
        "/deployment-groups/{group}",
        Admin,
        r#"{"name":"Renamed"}"#,
    ),
    r("DELETE", "/deployment-groups/{group}", Admin),
    r("GET", "/deployment-groups/{group}/releases", Viewer),
    rb(
        "POST",
        "/deployment-groups/{group}/releases",
        Member,
        r#"{"releaseId":"{other}"}"#,
    ),
    rb(
        "PUT",
        "/deployment-groups/{group}/releases/order",
        Member,
        r#"{"releaseIds":["{release}"]}"#,
    ),
    r(
        "DELETE",
        "/deployment-groups/{group}/releases/{release}",
        Member,
    ),
    r("GET", "/deployment-groups/{group}/plan", Viewer),
    r("GET", "/releases", Viewer),
    rb(
        "POST",
        "/releases",
        Member,
        r#"{"serviceId":"{service}","title":"New","version":"9.9.9"}"#,
    ),
    r("GET", "/releases/{release}", Viewer),
    rb(
        "PATCH",
        "/releases/{release}",
        Member,
        r#"{"title":"Renamed"}"#,
    ),
    r("DELETE", "/releases/{release}", Member),
    r("GET", "/releases/{release}/activities", Viewer),
    r("GET", "/releases/{release}/comments", Viewer),
    rb(
        "POST",
        "/releases/{release}/comments",
        Member,
        r#"{"body":"Looks good"}"#,
    ),
    // Another's comment: its author or an ADMIN.
    rb(
        "PATCH",
        "/releases/{release}/comments/{comment}",
        Admin,
        r#"{"body":"Edited"}"#,
    ),
    r("DELETE", "/releases/{release}/comments/{comment}", Admin),
    r("GET", "/releases/{release}/dependencies", Viewer),
    rb(
        "POST",
        "/releases/{release}/dependencies",
        Member,
        r#"{"dependsOnId":"{other}","type":"SOFT_DEPENDENCY"}"#,
    ),
    r(
        "DELETE",
        "/releases/{release}/dependencies/{dependency}",
        Member,
    ),
    r("GET", "/releases/{release}/items", Viewer),
    rb(
        "POST",
        "/releases/{release}/items",
        Member,
        r#"{"type":"GITHUB_PR","externalId":"acme/pay#1"}"#,
    ),
    r("POST", "/releases/{release}/items/sync", Member),
    r("DELETE", "/releases/{release}/items/{item}", Member),
    r("POST", "/releases/{release}/items/{item}/sync", Member),
    r("GET", "/activities", Viewer),
    r("GET", "/activities/export?format=csv", Viewer),
    r("GET", "/search?q=release", Viewer),
    r("GET", "/events", Viewer),
    // Integrations
    r("GET", "/oauth/connections", SignedIn),
    r("DELETE", "/oauth/connections/{provider}", SignedIn),
    r("GET", "/oauth/github/authorize", SignedIn),
    r("GET", "/oauth/github/callback", SignedIn),
    r("GET", "/oauth/jira/authorize", SignedIn),
    r("GET", "/oauth/jira/callback", SignedIn),
    rb("PUT", "/oauth/jira/site", SignedIn, r#"{"cloudId":"nope"}"#),
    r("GET", "/integrations/jira/search", Viewer),
    r("GET", "/integrations/github/search", Viewer),
    r("GET", "/integrations/github/repos", Viewer),
    rb("POST", "/webhooks/github", Public, r#"{"zen":"x"}"#),
    rb("POST", "/webhooks/jira", Public, r#"{"webhookEvent":"x"}"#),
    // Automation
    r("GET", "/team/api-tokens", Admin),
    rb(
        "POST",
        "/team/api-tokens",
        Admin,
        r#"{"name":"CI","role":"VIEWER"}"#,
    ),
    r("DELETE", "/team/api-tokens/{apiToken}", Admin),
    r("GET", "/deployments", Viewer),
    rb(
        "POST",
        "/deployments",
        Member,
        r#"{"service":"{service}","version":"1.0.0","environment":"STAGING","status":"STARTED"}"#,
    ),
    r("GET", "/services/{service}/environments", Viewer),
    r("GET", "/team/webhooks", Admin),
    rb(
        "POST",
        "/team/webhooks",
        Admin,
        r#"{"url":"https://hooks.example.com/rc","events":["*"]}"#,
    ),
    rb(
        "PATCH",
        "/team/webhooks/{webhook}",
        Admin,
        r#"{"events":["release.created"]}"#,
    ),
    r("DELETE", "/team/webhooks/{webhook}", Admin),
    r("GET", "/team/webhooks/{webhook}/deliveries", Admin),
    r("POST", "/team/webhooks/{webhook}/test", Admin),
    r(
        "POST",
        "/team/webhooks/{webhook}/deliveries/{delivery}/redeliver",
        Admin,
    ),
    // Release policy
    r("GET", "/freezes", Viewer),
    rb(
        "POST",
        "/freezes",
        Admin,
        r#"{"name":"Holidays","startsAt":"2099-12-24T00:00:00Z","endsAt":"2099-12-27T00:00:00Z"}"#,
    ),
    r("GET", "/freezes/active", Viewer),
    r("GET", "/freezes/{freeze}", Viewer),
    rb(
        "PATCH",
        "/freezes/{freeze}",
        Admin,
        r#"{"reason":"Year end"}"#,
    ),
    r("DELETE", "/freezes/{freeze}", Admin),
    r("GET", "/releases/{release}/checks", Viewer),
    r("GET", "/team/policy", Viewer),
    rb("PUT", "/team/policy", Admin, r#"{"rules":[]}"#),
    r("GET", "/releases/{release}/approvals", Viewer),
    rb(
        "POST",
        "/releases/{release}/approvals",
        Member,
        r#"{"toStatus":"DEPLOYED","decision":"APPROVE","comment":"fine by me"}"#,
    ),
    r("DELETE", "/releases/{release}/approvals/{approval}", Member),
    // Operations
    r("GET", "/health", Public),
    r("GET", "/health/ready", Public),
    r("GET", "/openapi.json", Public),
    r("GET", "/docs", Public),
];

/// One server function: its name under `/rpc/`, who may call it, and
/// form fields that would be accepted.
pub struct Rpc {
    /// The function's name (`/rpc/<name>`).
    pub name: &'static str,
    /// Who may call it.
    pub access: Access,
    /// `application/x-www-form-urlencoded` fields, placeholders filled.
    pub form: &'static str,
    /// See [`Rest::undoes_fixture`].
    pub undoes_fixture: bool,
}

const fn f(name: &'static str, access: Access, form: &'static str) -> Rpc {
    Rpc {
        name,
        access,
        form,
        undoes_fixture: false,
    }
}

const fn f_undoes(name: &'static str, access: Access, form: &'static str) -> Rpc {
    Rpc {
        name,
        access,
        form,
        undoes_fixture: true,
    }
}

/// Every server function.
pub const RPC: &[Rpc] = &[
    // account
    f("get_me", Public, ""),
    f("sign_in", Public, "email={email}&password=a-long-password-1"),
    f("sign_up", Public, "name=New&email={email}&password=a-long-password-1"),
    f_undoes("sign_out", Public, ""),
    f("create_team", SignedIn, "name=Another"),
    f("select_team", SignedIn, "team_id={team}"),
    f("members_page", Viewer, ""),
    f("invite_member", Admin, "email={email}&role=MEMBER"),
    f("revoke_invitation", Admin, "id={invitation}"),
    f("change_password", SignedIn, "current_password=wrong-password-x&new_password=a-long-password-2"),
    f("change_member_role", Admin, "user_id={user}&role=VIEWER"),
    f("remove_member", Admin, "user_id={user}"),
    f_undoes("leave_team", Viewer, ""),
    f_undoes("delete_team", Owner, "team_id={team}"),
    f("invite_page", Public, "token={token}"),
    f("accept_invitation", SignedIn, "token={token}"),
    f("my_connections", SignedIn, ""),
    f("choose_jira_site", SignedIn, "cloud_id=nope"),
    f("disconnect", SignedIn, "provider=GITHUB"),
    // identity
    f("email_setup", Public, ""),
    f("forgot_password", Public, "email={email}"),
    f("reset_password", Public, "token=not-a-token&new_password=a-long-password-2"),
    f("verify_email", Public, "token=not-a-token"),
    f("resend_verification", SignedIn, ""),
    f("update_profile", SignedIn, "name=Renamed"),
    f("account_activity", SignedIn, ""),
    f("sign_out_session", SignedIn, "id=not-a-session"),
    f("delete_account", SignedIn, "confirm_email=not-me%40example.com"),
    f("resend_invitation", Admin, "id={invitation}"),
    f("sign_in_providers", Public, ""),
    f("my_identities", SignedIn, ""),
    f("unlink_identity", SignedIn, "id=not-an-identity"),
    // board, services
    f("board", Viewer, "service_id=&owner_id=&priority=&blocked=&q=&show=&closed="),
    f("list_services", Viewer, ""),
    f("save_service", Admin, "id=&name=Ledger&slug=&description=&github_repo=&jira_project_key="),
    f("delete_service", Admin, "id={service}"),
    f("my_github_repos", Viewer, ""),
    // items
    f("release_items", Viewer, "release_id={release}"),
    f("link_item", Member, "release_id={release}&item_type=GITHUB_PR&external_id=acme%2Fpay%231"),
    f("search_items", Viewer, "release_id={release}&source=GITHUB_PR&q=x"),
    f("sync_release_items", Member, "release_id={release}"),
    f("unlink_item", Member, "release_id={release}&item_id={item}"),
    f("sync_item", Member, "release_id={release}&item_id={item}"),
    // planning
    f("sprints_page", Viewer, ""),
    f("create_sprint", Admin, "name=S9&start_date=2026-12-01&end_date=2026-12-14&status=PLANNING"),
    f("sprint_page", Viewer, "id={sprint}"),
    f("sprint_releases", Viewer, "id={sprint}&cursor=0"),
    f("update_sprint", Admin, "id={sprint}&name=Renamed&start_date=2026-12-01&end_date=2026-12-14&status=PLANNING"),
    f("delete_sprint", Admin, "id={sprint}"),
    f("assign_sprint_by_filter", Member, "sprint_id={sprint}&service_id=&owner_id=&priority=&blocked=&q="),
    f("groups_page", Viewer, ""),
    f("create_group", Admin, "name=Wave%209&sprint_id=&owner_id=&target_date=&deployment_order=SEQUENTIAL"),
    f("group_page", Viewer, "id={group}&q=pay"),
    f("update_group", Admin, "id={group}&name=Renamed&sprint_id=&owner_id=&target_date=&deployment_order=SEQUENTIAL"),
    f("delete_group", Admin, "id={group}"),
    f("add_to_group", Member, "group_id={group}&release_id={other}"),
    f("remove_from_group", Member, "group_id={group}&release_id={release}"),
    f("reorder_group", Member, "group_id={group}&release_ids={release}"),
    f("release_planning", Viewer, "id={release}"),
    f("search_releases", Viewer, "q=x&exclude={release}"),
    f("add_dependency", Member, "release_id={release}&depends_on_id={other}&dep_type=SOFT_DEPENDENCY"),
    f("remove_dependency", Member, "release_id={release}&dependency_id={dependency}"),
    f("set_release_plan", Member, "id={release}&sprint_id=&deployment_group_id="),
    f("load_dashboard", Viewer, "days=30"),
    f("calendar_month", Viewer, "month=2026-12"),
    // releases
    f("releases_page", Viewer, "status=&service_id=&owner_id=&priority=&blocked=&q="),
    f("create_release", Member, "service_id={service}&title=New&version=9.9.9&priority=MEDIUM&target_date=&description="),
    f("release_page", Viewer, "id={release}"),
    f("move_release", Member, "id={release}&status=IN_DEVELOPMENT&revision=0"),
    f("set_blocked", Member, "id={release}&blocked=true&reason=x"),
    f("delete_release", Member, "id={release}"),
    f("edit_comment", Admin, "release_id={release}&comment_id={comment}&body=Edited"),
    f("delete_comment", Admin, "release_id={release}&comment_id={comment}"),
    f("add_comment", Member, "release_id={release}&body=Looks%20good"),
    f("activity_feed", Viewer, ""),
    f("search_team", Viewer, "q=release"),
    f("preview_markdown", Viewer, "text=Hello"),
    f("release_comments", Viewer, "release_id={release}&cursor=0"),
    f("release_deployments", Viewer, "release_id={release}&cursor=0"),
    f("release_activity", Viewer, "release_id={release}&cursor=0"),
    f("new_release_options", Member, ""),
    f("deploy_queue", Viewer, ""),
    f("blocked_releases", Viewer, ""),
    f("edit_release", Member, "id={release}&revision=0&title=Renamed&version=1.0.0&description=&priority=MEDIUM&owner_id=&target_date="),
    // automation
    f("api_tokens_page", Viewer, ""),
    f("create_api_token", Admin, "name=CI&role=VIEWER&expires_in_days=30"),
    f("revoke_api_token", Admin, "id={apiToken}"),
    f("webhooks_page", Viewer, ""),
    f("create_webhook", Admin, "url=https%3A%2F%2Fhooks.example.com%2Fx&all_events=on"),
    f("edit_webhook_events", Admin, "id={webhook}&release_created=on"),
    f("set_webhook_active", Admin, "id={webhook}&active=false"),
    f("send_test_webhook", Admin, "id={webhook}"),
    f("redeliver_webhook", Admin, "id={webhook}&delivery_id={delivery}"),
    f("delete_webhook", Admin, "id={webhook}"),
    // settings
    f("team_settings", Viewer, ""),
    f("save_team_settings", Admin, "name=Acme&slack_webhook_url=&slack_channel="),
    f("send_test_slack", Admin, ""),
    // release policy
    f("release_policy_panel", Viewer, "id={release}"),
    f(
        "decide",
        Member,
        "release_id={release}&to_status=DEPLOYED&decision=APPROVE&comment=ok",
    ),
    f(
        "withdraw_approval",
        Member,
        "release_id={release}&approval_id={approval}",
    ),
    f(
        "override_move",
        Admin,
        "id={release}&status=IN_DEVELOPMENT&revision=1&reason=hotfix",
    ),
    f("active_freezes", Viewer, ""),
    f("stop_the_line", Admin, "reason=incident"),
    f("lift_freeze", Admin, "id={freeze}"),
    f("policy_settings_page", Viewer, ""),
    f(
        "save_policy_rule",
        Admin,
        "to_status=DEPLOYED&required=1&from_admin=on&separation_of_duties=on",
    ),
    f("remove_policy_rule", Admin, "to_status=DEPLOYED"),
    f(
        "create_freeze",
        Admin,
        "name=Later&reason=x&kind=once&starts=2099-01-01T00%3A00&ends=2099-01-02T00%3A00&timezone=UTC&production=on",
    ),
    f(
        "edit_freeze",
        Admin,
        "id={freeze}&name=Later&reason=moved&ends=&production=on",
    ),
    f("delete_freeze", Admin, "id={freeze}"),
];

/// A team with one person of every role, and one of everything.
pub struct Fixture {
    pub owner: Browser,
    pub admin: Browser,
    pub member: Browser,
    pub viewer: Browser,
    /// Signed in, in no team.
    pub loner: Browser,
    pub ids: Vec<(&'static str, String)>,
}

impl Fixture {
    pub async fn new(app: &TestApp) -> Fixture {
        let (owner, _, team) = app.owner_with_team("Acme").await;
        let (admin, _) = app.member_with_role(&owner, "ADMIN").await;
        let (member, _) = app.member_with_role(&owner, "MEMBER").await;
        let (viewer, _) = app.member_with_role(&owner, "VIEWER").await;
        let (managed, _) = app.member_with_role(&owner, "MEMBER").await;
        let loner = app.signed_up(&TestUser::generate()).await;
        let id = |v: serde_json::Value| v["id"].as_str().unwrap().to_string();
        let user = managed.me().await["user"]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let service = id(json_of(
            owner
                .post(
                    "/api/services",
                    &json!({"name": "Pay", "githubRepo": "acme/pay"}),
                )
                .await,
            StatusCode::CREATED,
        )
        .await);
        let new_release = |title: &'static str| {
            let owner = &owner;
            let service = service.clone();
            async move {
                json_of(
                    owner
                        .post(
                            "/api/releases",
                            &json!({"serviceId": service, "title": title, "version": "1.0.0"}),
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
        let release = new_release("Checkout").await;
        let other = new_release("Ledger").await;
        let sprint = id(json_of(
            owner
                .post(
                    "/api/sprints",
                    &json!({"name": "S1", "startDate": "2026-12-01", "endDate": "2026-12-14"}),
                )
                .await,
            StatusCode::CREATED,
        )
        .await);
        let group = id(json_of(
            owner
                .post("/api/deployment-groups", &json!({"name": "Wave"}))
                .await,
            StatusCode::CREATED,
        )
        .await);
        json_of(
            owner
                .post(
                    &format!("/api/deployment-groups/{group}/releases"),
                    &json!({"releaseId": release}),
                )
                .await,
            StatusCode::CREATED,
        )
        .await;
        let dependency = id(json_of(
            owner
                .post(
                    &format!("/api/releases/{release}/dependencies"),
                    &json!({"dependsOnId": other, "type": "BLOCKS"}),
                )
                .await,
            StatusCode::CREATED,
        )
        .await);
        let comment = id(json_of(
            owner
                .post(
                    &format!("/api/releases/{release}/comments"),
                    &json!({"body": "First"}),
                )
                .await,
            StatusCode::CREATED,
        )
        .await);
        let invitation = json_of(
            owner
                .post(
                    "/api/team/invitations",
                    &json!({"email": TestUser::generate().email, "role": "VIEWER"}),
                )
                .await,
            StatusCode::CREATED,
        )
        .await;
        // A linked item, as the store holds it.
        let item = {
            use release_coordinator::server::db::entities::release_item;
            use sea_orm::{ActiveModelTrait, ActiveValue::Set};
            let now = release_coordinator::server::db::now();
            release_item::ActiveModel {
                id: Set(release_coordinator::server::db::new_id()),
                team_id: Set(team.clone().into()),
                release_id: Set(release.clone().into()),
                item_type: Set(release_coordinator::domain::kinds::ItemType::GithubPr),
                external_id: Set("acme/pay#7".into()),
                title: Set(Some("Retry cards".into())),
                status: Set(Some("open".into())),
                status_category: Set(Some("open".into())),
                assignee: Set(None),
                url: Set(Some("https://github.com/acme/pay/pull/7".into())),
                added_by: Set(None),
                last_synced_at: Set(Some(now)),
                sync_error: Set(None),
                created_at: Set(now),
            }
            .insert(&app.db)
            .await
            .unwrap()
            .id
        };
        let api_token = id(json_of(
            owner
                .post(
                    "/api/team/api-tokens",
                    &json!({"name": "CI", "role": "VIEWER"}),
                )
                .await,
            StatusCode::CREATED,
        )
        .await);
        let hook = json_of(
            owner
                .post(
                    "/api/team/webhooks",
                    &json!({"url": "https://hooks.example.com/rc", "events": ["*"], "active": false}),
                )
                .await,
            StatusCode::CREATED,
        )
        .await;
        let webhook = hook["id"].as_str().unwrap().to_string();
        // An approval by the MEMBER (no rule asks for it: recorded only).
        let approval = id(json_of(
            member
                .post(
                    &format!("/api/releases/{release}/approvals"),
                    &json!({"toStatus": "DEPLOYED", "decision": "APPROVE"}),
                )
                .await,
            StatusCode::CREATED,
        )
        .await);
        // A freeze far in the future: it holds no move of the walks.
        let freeze = id(json_of(
            owner
                .post(
                    "/api/freezes",
                    &json!({"name": "Later", "startsAt": "2099-01-01T00:00:00Z", "endsAt": "2099-01-02T00:00:00Z"}),
                )
                .await,
            StatusCode::CREATED,
        )
        .await);
        // A settled (given up) delivery of it, as the store holds one: the
        // outbox worker leaves it alone, so the database holds still while
        // the walks compare it.
        let delivery = {
            use release_coordinator::server::db::entities::outbox;
            use sea_orm::{ActiveModelTrait, ActiveValue::Set};
            let now = release_coordinator::server::db::now();
            outbox::ActiveModel {
                id: Set(release_coordinator::server::db::new_id()),
                team_id: Set(team.clone().into()),
                kind: Set("WEBHOOK".into()),
                payload: Set(
                    r#"{"type":"ping","timestamp":"2026-12-06T00:00:00.000Z","data":{}}"#.into(),
                ),
                attempts: Set(3),
                next_attempt_at: Set(now),
                last_error: Set(Some("the receiver answered 500".into())),
                sent_at: Set(None),
                created_at: Set(now),
                failed_at: Set(Some(now)),
                webhook_id: Set(Some(webhook.clone())),
                event: Set(Some("ping".into())),
                message_id: Set(Some("msg_fixture".into())),
                response_status: Set(Some(500)),
            }
            .insert(&app.db)
            .await
            .unwrap()
            .id
        };
        Fixture {
            owner,
            admin,
            member,
            viewer,
            loner,
            ids: vec![
                ("team", team),
                ("service", service),
                ("release", release),
                ("other", other),
                ("sprint", sprint),
                ("group", group),
                ("dependency", dependency),
                ("comment", comment),
                ("item", item.into_string()),
                ("user", user),
                ("invitation", invitation["id"].as_str().unwrap().to_string()),
                ("token", invitation["token"].as_str().unwrap().to_string()),
                ("provider", "GITHUB".to_string()),
                ("apiToken", api_token),
                ("webhook", webhook),
                ("delivery", delivery),
                ("freeze", freeze),
                ("approval", approval),
            ],
        }
    }

    /// `template` with every placeholder filled; `fake` puts ids that
    /// exist nowhere instead of the real ones.
    pub fn fill(&self, template: &str, fake: bool) -> String {
        let mut out = template.replace("{email}", &TestUser::generate().email);
        for (name, value) in &self.ids {
            let v = if fake && *name != "provider" {
                "0000000000000000000000000000dead".to_string()
            } else {
                value.clone()
            };
            out = out.replace(&format!("{{{name}}}"), &v);
        }
        out
    }

    /// The browser of a team role.
    pub fn as_role(&self, access: Access) -> &Browser {
        match access {
            Viewer => &self.viewer,
            Member => &self.member,
            Admin => &self.admin,
            Owner => &self.owner,
            Public | SignedIn => &self.loner,
        }
    }
}

/// Sends a REST route's request as `who`.
pub async fn send_rest(
    who: &Browser,
    method: &str,
    path: &str,
    body: Option<String>,
) -> reqwest::Response {
    let url = who.url(&format!("/api{path}"));
    let mut req = who
        .client
        .request(method.parse().unwrap(), url)
        .header("origin", &who.address)
        .timeout(std::time::Duration::from_secs(20));
    if let Some(b) = body {
        req = req.header("content-type", "application/json").body(b);
    }
    req.send().await.expect("request")
}

/// The path a server function is registered under: `/rpc/<name><hash>`
/// (Leptos adds a hash of its location to the name).
pub fn rpc_path(name: &str) -> String {
    registered_rpc()
        .into_iter()
        .find(|p| rpc_name(p) == name)
        .unwrap_or_else(|| panic!("no server function {name} is registered"))
}

/// Every registered server function path.
pub fn registered_rpc() -> Vec<String> {
    leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_string())
        .filter(|p| p.starts_with("/rpc/"))
        .collect()
}

/// The function name of a registered path (without prefix and hash).
pub fn rpc_name(path: &str) -> &str {
    path.trim_start_matches("/rpc/")
        .trim_end_matches(|c: char| c.is_ascii_digit())
}

/// Calls a server function as `who`, as the browser's client does (a form
/// body, JSON back).
pub async fn send_rpc(who: &Browser, name: &str, form: String) -> reqwest::Response {
    who.client
        .post(who.url(&rpc_path(name)))
        .header("origin", &who.address)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .timeout(std::time::Duration::from_secs(20))
        .body(form)
        .send()
        .await
        .expect("request")
}

/// A declared path (`/releases/{id}/items/{item_id}`) and a table path
/// (`/releases/{release}/items/{item}`) are the same route when they agree
/// outside the braces.
pub fn same_route(declared: &str, table: &str) -> bool {
    let shape = |p: &str| {
        p.split('/')
            .map(|s| if s.starts_with('{') { "{}" } else { s })
            .collect::<Vec<_>>()
            .join("/")
    };
    // A table path may carry the query a successful call needs.
    let table = table.split('?').next().unwrap_or(table);
    shape(declared) == shape(table)
}
