//! The use cases the pages reach through server functions (the calendar,
//! sprint progress, putting the filtered board into a sprint), called over
//! HTTP exactly as the browser calls them: a form body to `/rpc/...`, JSON
//! back. They live in services; these tests pin what they answer, that
//! they stay inside the caller's team, and that bad input is a 400 naming
//! its field.

use crate::helpers::{json_of, Browser, TestApp};
use crate::routes::send_rpc;
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn created(resp: reqwest::Response) -> String {
    json_of(resp, StatusCode::CREATED).await["id"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn service(b: &Browser, name: &str) -> String {
    created(b.post("/api/services", &json!({ "name": name })).await).await
}

async fn sprint(b: &Browser, name: &str, start: &str, end: &str) -> String {
    let body = json!({"name": name, "startDate": start, "endDate": end});
    created(b.post("/api/sprints", &body).await).await
}

async fn release(b: &Browser, svc: &str, title: &str, extra: Value) -> String {
    let mut body = json!({"serviceId": svc, "title": title, "version": "1.0.0"});
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    created(b.post("/api/releases", &body).await).await
}

async fn rpc(b: &Browser, name: &str, form: &str, expected: StatusCode) -> Value {
    json_of(send_rpc(b, name, form.to_string()).await, expected).await
}

async fn walk_to_deployed(b: &Browser, id: &str) {
    for s in [
        "IN_DEVELOPMENT",
        "IN_REVIEW",
        "READY_STAGING",
        "IN_STAGING",
        "STAGING_VERIFIED",
        "READY_PRODUCTION",
        "DEPLOYED",
    ] {
        json_of(
            b.patch(&format!("/api/releases/{id}"), &json!({ "status": s }))
                .await,
            StatusCode::OK,
        )
        .await;
    }
}

fn titles(list: &Value, key: &str) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|v| v[key].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn the_calendar_shows_one_month_of_the_callers_team() {
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Acme").await;
    let svc = service(&owner, "Payments").await;
    release(&owner, &svc, "Late", json!({"targetDate": "2026-12-31"})).await;
    release(&owner, &svc, "Early", json!({"targetDate": "2026-12-01"})).await;
    release(
        &owner,
        &svc,
        "Next month",
        json!({"targetDate": "2027-01-01"}),
    )
    .await;
    release(&owner, &svc, "Undated", json!({})).await;
    sprint(&owner, "Across the turn", "2026-11-25", "2026-12-08").await;
    sprint(&owner, "October", "2026-10-01", "2026-10-14").await;
    created(
        owner
            .post(
                "/api/deployment-groups",
                &json!({"name": "December train", "targetDate": "2026-12-20"}),
            )
            .await,
    )
    .await;
    // Another team's release on the same day is not there.
    let (other, _, _) = app.owner_with_team("Other").await;
    let theirs = service(&other, "Theirs").await;
    release(
        &other,
        &theirs,
        "Secret",
        json!({"targetDate": "2026-12-01"}),
    )
    .await;

    let cal = rpc(&owner, "calendar_month", "month=2026-12", StatusCode::OK).await;
    assert_eq!(cal["month"], "2026-12");
    assert_eq!(titles(&cal["releases"], "title"), ["Early", "Late"]);
    assert_eq!(cal["releases"][0]["serviceName"], "Payments");
    assert_eq!(cal["releases"][0]["targetDate"], "2026-12-01");
    assert_eq!(
        cal["sprints"].as_array().unwrap().len(),
        1,
        "{}",
        cal["sprints"]
    );
    assert_eq!(cal["sprints"][0]["name"], "Across the turn");
    assert_eq!(titles(&cal["groups"], "name"), ["December train"]);

    let jan = rpc(&owner, "calendar_month", "month=2027-01", StatusCode::OK).await;
    assert_eq!(titles(&jan["releases"], "title"), ["Next month"]);

    // A month that is not one: 400 naming the field.
    for bad in ["2026-13", "december", "2026-12-05"] {
        let err = rpc(
            &owner,
            "calendar_month",
            &format!("month={bad}"),
            StatusCode::BAD_REQUEST,
        )
        .await;
        assert_eq!(err["kind"], "BAD_REQUEST", "{err}");
        assert!(err["fields"]["month"].is_string(), "{err}");
    }
}

#[tokio::test]
async fn the_sprints_page_counts_each_sprints_releases_and_deployments() {
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Acme").await;
    let svc = service(&owner, "Payments").await;
    let s1 = sprint(&owner, "Sprint 1", "2026-12-01", "2026-12-14").await;
    let s2 = sprint(&owner, "Sprint 2", "2026-12-15", "2026-12-28").await;
    let shipped = release(&owner, &svc, "Shipped", json!({ "sprintId": s1 })).await;
    release(&owner, &svc, "Open", json!({ "sprintId": s1 })).await;
    release(&owner, &svc, "Open too", json!({ "sprintId": s1 })).await;
    release(&owner, &svc, "No sprint", json!({})).await;
    walk_to_deployed(&owner, &shipped).await;

    let page = rpc(&owner, "sprints_page", "", StatusCode::OK).await;
    assert_eq!(page["can_manage"], true);
    let sprints = page["sprints"].as_array().unwrap();
    let of = |id: &str| {
        sprints
            .iter()
            .find(|s| s["sprint"]["id"] == id)
            .unwrap_or_else(|| panic!("{id} missing from {sprints:?}"))
            .clone()
    };
    assert_eq!(
        (of(&s1)["total"].clone(), of(&s1)["deployed"].clone()),
        (json!(3), json!(1))
    );
    assert_eq!(
        (of(&s2)["total"].clone(), of(&s2)["deployed"].clone()),
        (json!(0), json!(0))
    );
}

#[tokio::test]
async fn the_sprints_page_pages_fifty_at_a_time_newest_first() {
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Acme").await;
    for i in 0..51 {
        sprint(&owner, &format!("S{i:02}"), "2026-12-01", "2026-12-14").await;
    }
    let first = rpc(&owner, "sprints_page", "", StatusCode::OK).await;
    let names: Vec<String> = first["sprints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["sprint"]["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names.len(), 50);
    assert_eq!(names[0], "S50");
    let cursor = first["next_cursor"]
        .as_str()
        .expect("a next page")
        .to_string();
    let rest = rpc(
        &owner,
        "sprints_page",
        &format!("cursor={cursor}"),
        StatusCode::OK,
    )
    .await;
    assert_eq!(rest["sprints"].as_array().unwrap().len(), 1);
    assert_eq!(rest["sprints"][0]["sprint"]["name"], "S00");
    assert!(rest["next_cursor"].is_null(), "{rest}");
}

#[tokio::test]
async fn a_sprints_page_counts_all_its_releases_and_pages_them() {
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Acme").await;
    let svc = service(&owner, "Payments").await;
    let s = sprint(&owner, "Big", "2026-12-01", "2026-12-14").await;
    let shipped = release(&owner, &svc, "Shipped", json!({ "sprintId": s })).await;
    walk_to_deployed(&owner, &shipped).await;
    for i in 0..101 {
        release(&owner, &svc, &format!("R{i:03}"), json!({ "sprintId": s })).await;
    }
    release(&owner, &svc, "Elsewhere", json!({})).await;

    let page = rpc(&owner, "sprint_page", &format!("id={s}"), StatusCode::OK).await;
    // Every release of the sprint is counted, loaded or not.
    assert_eq!(page["counts"], json!([["PLANNING", 101], ["DEPLOYED", 1]]));
    assert_eq!(page["releases"].as_array().unwrap().len(), 100);
    let cursor = page["next_cursor"]
        .as_str()
        .expect("more releases")
        .to_string();
    let rest = rpc(
        &owner,
        "sprint_releases",
        &format!("id={s}&cursor={cursor}"),
        StatusCode::OK,
    )
    .await;
    let rest = rest["items"].as_array().unwrap();
    assert_eq!(rest.len(), 2);
    assert_eq!(rest[1]["release"]["title"], "Shipped");
    assert_eq!(rest[1]["service_name"], "Payments");

    // Another team's sprint is not found; neither is an unknown one.
    let (other, _, _) = app.owner_with_team("Other").await;
    rpc(
        &other,
        "sprint_releases",
        &format!("id={s}&cursor={cursor}"),
        StatusCode::NOT_FOUND,
    )
    .await;
    rpc(
        &other,
        "sprint_page",
        &format!("id={s}"),
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn a_group_offers_the_releases_that_could_join_and_finds_them_by_search() {
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Acme").await;
    let svc = service(&owner, "Payments").await;
    let group = created(
        owner
            .post("/api/deployment-groups", &json!({"name": "Wave"}))
            .await,
    )
    .await;
    let other_group = created(
        owner
            .post("/api/deployment-groups", &json!({"name": "Other wave"}))
            .await,
    )
    .await;
    release(&owner, &svc, "Alpha", json!({})).await;
    release(&owner, &svc, "Beta", json!({})).await;
    release(
        &owner,
        &svc,
        "Gamma elsewhere",
        json!({ "deploymentGroupId": other_group }),
    )
    .await;
    release(
        &owner,
        &svc,
        "Inside",
        json!({ "deploymentGroupId": group }),
    )
    .await;
    let done = release(&owner, &svc, "Done", json!({})).await;
    walk_to_deployed(&owner, &done).await;

    let page = rpc(
        &owner,
        "group_page",
        &format!("id={group}&q="),
        StatusCode::OK,
    )
    .await;
    // In flight and not already here; the most recently changed first.
    assert_eq!(
        titles(&page["candidates"], "title"),
        ["Gamma elsewhere", "Beta", "Alpha"]
    );
    assert_eq!(page["candidates_total"], 3);
    // Without `q` at all (an older page) it is the same.
    let bare = rpc(&owner, "group_page", &format!("id={group}"), StatusCode::OK).await;
    assert_eq!(bare["candidates_total"], 3);
    // `q` narrows them, as text (a `%` is not a wildcard).
    let beta = rpc(
        &owner,
        "group_page",
        &format!("id={group}&q=BET"),
        StatusCode::OK,
    )
    .await;
    assert_eq!(titles(&beta["candidates"], "title"), ["Beta"]);
    assert_eq!(beta["candidates_total"], 1);
    let none = rpc(
        &owner,
        "group_page",
        &format!("id={group}&q=%25"),
        StatusCode::OK,
    )
    .await;
    assert_eq!(none["candidates_total"], 0);
}

#[tokio::test]
async fn lists_say_how_many_there_are_with_their_first_page() {
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Acme").await;
    for i in 0..101 {
        service(&owner, &format!("Svc {i:03}")).await;
    }
    for i in 0..2 {
        created(
            owner
                .post("/api/deployment-groups", &json!({"name": format!("G{i}")}))
                .await,
        )
        .await;
    }
    let first = rpc(&owner, "list_services", "", StatusCode::OK).await;
    assert_eq!(first["total"], 101);
    let cursor = first["next_cursor"]
        .as_str()
        .expect("a next page")
        .to_string();
    let rest = rpc(
        &owner,
        "list_services",
        &format!("cursor={cursor}"),
        StatusCode::OK,
    )
    .await;
    assert_eq!(rest["items"].as_array().unwrap().len(), 1);
    assert!(rest["total"].is_null(), "{rest}");
    assert_eq!(
        rpc(&owner, "groups_page", "", StatusCode::OK).await["total"],
        2
    );
    assert_eq!(
        rpc(&owner, "members_page", "", StatusCode::OK).await["total"],
        1
    );
    // Another team counts its own.
    let (other, _, _) = app.owner_with_team("Other").await;
    assert_eq!(
        rpc(&other, "list_services", "", StatusCode::OK).await["total"],
        0
    );
}

#[tokio::test]
async fn a_rows_service_is_named_however_many_services_the_team_has() {
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Acme").await;
    let mut last = String::new();
    for i in 0..501 {
        last = service(&owner, &format!("Svc {i:03}")).await;
    }
    // The 501st service: past what a picker lists.
    let id = release(&owner, &last, "Late", json!({})).await;
    let page = rpc(
        &owner,
        "releases_page",
        "status=&service_id=&owner_id=&priority=&blocked=&q=",
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        page["rows"][0]["service_name"], "Svc 500",
        "{}",
        page["rows"]
    );
    let one = rpc(&owner, "release_page", &format!("id={id}"), StatusCode::OK).await;
    assert_eq!(one["row"]["service_name"], "Svc 500");
}

#[tokio::test]
async fn the_filtered_board_goes_into_a_sprint_all_at_once_and_only_the_work_in_flight() {
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Acme").await;
    let pay = service(&owner, "Payments").await;
    let web = service(&owner, "Web").await;
    let sprint = sprint(&owner, "Sprint 1", "2026-12-01", "2026-12-14").await;
    let a = release(&owner, &pay, "A", json!({})).await;
    let b = release(&owner, &pay, "B", json!({"priority": "HIGH"})).await;
    let already = release(&owner, &pay, "Already", json!({ "sprintId": sprint })).await;
    let done = release(&owner, &pay, "Done", json!({})).await;
    walk_to_deployed(&owner, &done).await;
    let elsewhere = release(&owner, &web, "Other service", json!({})).await;

    // A VIEWER cannot; an unknown sprint is a 400 naming it; neither changes anything.
    let (viewer, _) = app.member_with_role(&owner, "VIEWER").await;
    let form = format!("sprint_id={sprint}&service_id={pay}&owner_id=&priority=&blocked=&q=");
    rpc(
        &viewer,
        "assign_sprint_by_filter",
        &form,
        StatusCode::FORBIDDEN,
    )
    .await;
    let err = rpc(
        &owner,
        "assign_sprint_by_filter",
        &format!("sprint_id=nope&service_id={pay}&owner_id=&priority=&blocked=&q="),
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(err["fields"]["sprintId"].is_string(), "{err}");
    // A bad filter value is refused before anything moves.
    let err = rpc(
        &owner,
        "assign_sprint_by_filter",
        &format!("sprint_id={sprint}&service_id={pay}&owner_id=&priority=&blocked=maybe&q="),
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(err["fields"]["blocked"].is_string(), "{err}");
    let sprint_of = |id: String| {
        let owner = &owner;
        async move {
            json_of(
                owner.get(&format!("/api/releases/{id}")).await,
                StatusCode::OK,
            )
            .await["sprintId"]
                .clone()
        }
    };
    assert_eq!(sprint_of(a.clone()).await, Value::Null);

    // The Payments board: A and B move; "Already" was there; "Done" is
    // finished; the Web release is outside the filter.
    let moved = rpc(&owner, "assign_sprint_by_filter", &form, StatusCode::OK).await;
    assert_eq!(moved, json!(2));
    for id in [&a, &b, &already] {
        assert_eq!(sprint_of(id.clone()).await, json!(sprint), "{id}");
    }
    assert_eq!(sprint_of(done.clone()).await, Value::Null);
    assert_eq!(sprint_of(elsewhere.clone()).await, Value::Null);
    // Each move is a real update: a new revision and an activity entry.
    let rel = json_of(
        owner.get(&format!("/api/releases/{a}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(rel["revision"], 2, "{rel}");
    let feed = json_of(
        owner.get(&format!("/api/releases/{a}/activities")).await,
        StatusCode::OK,
    )
    .await;
    assert!(feed.to_string().contains("sprint"), "{feed}");
    // Nothing left to move: zero.
    assert_eq!(
        rpc(&owner, "assign_sprint_by_filter", &form, StatusCode::OK).await,
        json!(0)
    );
}

#[tokio::test]
async fn picking_a_dependency_searches_title_version_and_service_in_the_team_only() {
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Acme").await;
    let pay = service(&owner, "Payments").await;
    let web = service(&owner, "Web").await;
    let checkout = release(&owner, &pay, "Checkout", json!({})).await;
    release(&owner, &web, "Landing page", json!({"version": "2.0.0"})).await;
    release(&owner, &web, "100% faster", json!({})).await;
    for i in 0..11 {
        release(&owner, &web, &format!("Bulk {i}"), json!({})).await;
    }
    let (other, _, _) = app.owner_with_team("Other").await;
    let theirs = service(&other, "Payments elsewhere").await;
    release(&other, &theirs, "Secret checkout", json!({})).await;

    let search = |q: &str, exclude: &str| {
        let form = format!(
            "q={}&exclude={exclude}",
            form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>()
        );
        let owner = &owner;
        async move {
            titles(
                &rpc(owner, "search_releases", &form, StatusCode::OK).await,
                "title",
            )
        }
    };
    // By service name, any case; the other team's "Secret checkout" never.
    assert_eq!(search("PAYM", "").await, ["Checkout"]);
    assert_eq!(search("checkout", "").await, ["Checkout"]);
    assert_eq!(search("2.0", "").await, ["Landing page"]);
    // `%` and `_` are text, not wildcards.
    assert_eq!(search("100%", "").await, ["100% faster"]);
    assert!(search("_", "").await.is_empty());
    // Never the release being edited; at most ten; blank is nothing.
    assert!(search("checkout", &checkout).await.is_empty());
    assert_eq!(search("bulk", "").await.len(), 10);
    assert!(search("  ", "").await.is_empty());
}
