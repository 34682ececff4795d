//! The demo seed: it refuses a database with accounts, and what it writes
//! reads through the API like real use (signing in with the documented
//! password, coherent statuses, deploy timestamps and activity).

use crate::helpers::{json_of, TestApp};
use release_coordinator::server::seed::{self, SeedOptions, DEMO_EMAIL, DEMO_PASSWORD};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn the_demo_team_reads_like_real_history() {
    let app = TestApp::spawn().await;
    let s = seed::demo(
        &app.db,
        &SeedOptions {
            releases: 120,
            ..SeedOptions::default()
        },
    )
    .await
    .expect("seed");
    assert_eq!(s.releases, 120);
    // Not twice, and never next to real accounts.
    let again = seed::demo(&app.db, &SeedOptions::default()).await;
    assert!(again.unwrap_err().to_string().contains("already has"));

    let b = app.browser();
    json_of(
        b.post(
            "/api/auth/sign-in",
            &json!({"email": DEMO_EMAIL, "password": DEMO_PASSWORD}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let me = json_of(b.get("/api/me").await, StatusCode::OK).await;
    let team = me["teams"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(
        b.post_empty(&format!("/api/teams/{team}/select"))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    let mut all = vec![];
    let mut cursor = String::new();
    loop {
        let page = json_of(
            b.get(&format!("/api/releases?limit=100{cursor}")).await,
            StatusCode::OK,
        )
        .await;
        all.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["nextCursor"].as_str() {
            Some(c) => cursor = format!("&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(all.len(), 120);
    let deployed: Vec<_> = all.iter().filter(|r| r["status"] == "DEPLOYED").collect();
    assert!(!deployed.is_empty());
    for r in &deployed {
        assert!(r["productionDeployedAt"].is_string(), "{r}");
        assert!(r["stagingDeployedAt"].is_string(), "{r}");
    }
    // A release's feed tells how it got where it is.
    let r = deployed[0];
    let acts = json_of(
        b.get(&format!(
            "/api/releases/{}/activities",
            r["id"].as_str().unwrap()
        ))
        .await,
        StatusCode::OK,
    )
    .await;
    let acts = acts["items"].as_array().unwrap();
    assert_eq!(acts.last().unwrap()["type"], "RELEASE_CREATED");
    let last_move = acts.iter().find(|a| a["type"] == "STATUS_CHANGED").unwrap();
    assert!(last_move["description"]
        .as_str()
        .unwrap()
        .contains("to Deployed"));
}

/// The benchmark's shapes: an exact number in flight, and many teams
/// around one big one.
#[tokio::test]
async fn the_seed_builds_an_exact_number_in_flight_and_many_teams() {
    use release_coordinator::server::db::entities::{release, team, user};
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let app = TestApp::spawn().await;
    let s = seed::demo(
        &app.db,
        &SeedOptions {
            releases: 400,
            in_flight: Some(125),
            teams: 4,
            force: false,
        },
    )
    .await
    .expect("seed");
    assert_eq!((s.releases, s.other_teams, s.other_releases), (200, 3, 200));
    assert_eq!(team::Entity::find().count(&app.db).await.unwrap(), 4);
    assert_eq!(user::Entity::find().count(&app.db).await.unwrap(), 5 + 3);
    let mine = release::Entity::find()
        .filter(release::Column::TeamId.eq(s.team_id.clone()))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(mine.len(), 200);
    let flying = mine.iter().filter(|r| !r.status.is_finished()).count();
    assert_eq!(flying, 125, "exactly the in-flight count asked for");

    // Asking for more in flight than the team holds changes nothing.
    let other = TestApp::spawn().await;
    let err = seed::demo(
        &other.db,
        &SeedOptions {
            releases: 10,
            in_flight: Some(11),
            ..SeedOptions::default()
        },
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("--in-flight 11"), "{err}");
    assert_eq!(user::Entity::find().count(&other.db).await.unwrap(), 0);
}
