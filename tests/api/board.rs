//! The board at size: every column counts what it holds, shows its first
//! cards most urgent first, and reaches the rest through "Show N more".

use crate::helpers::{json_of, Browser, TestApp};
use release_coordinator::domain::status::Priority;
use release_coordinator::views::{BoardCard, BoardColumn};
use reqwest::StatusCode;
use sea_orm::ConnectionTrait;
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};

/// Work in flight, in the board's column order.
const IN_FLIGHT: [&str; 7] = [
    "PLANNING",
    "IN_DEVELOPMENT",
    "IN_REVIEW",
    "READY_STAGING",
    "IN_STAGING",
    "STAGING_VERIFIED",
    "READY_PRODUCTION",
];

/// The board's data, as the page loads it (`POST /rpc/board`).
async fn board(b: &Browser, show: &str) -> Value {
    board_with(b, show, "").await
}

async fn board_with(b: &Browser, show: &str, closed: &str) -> Value {
    let body = format!(
        "service_id=&owner_id=&priority=&blocked=&q=&closed={closed}&show={}",
        show.replace(':', "%3A").replace(',', "%2C")
    );
    let r = b
        .client
        .post(b.url("/rpc/board"))
        .header("origin", &b.address)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    json_of(r, StatusCode::OK).await
}

/// A column's cards, read as the page reads them (a card travels as an
/// array in a fixed order: `views::BoardCard`).
fn cards(column: &Value) -> Vec<BoardCard> {
    serde_json::from_value::<BoardColumn>(column.clone())
        .unwrap()
        .cards
}

fn column<'a>(board: &'a Value, status: &str) -> &'a Value {
    board["columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["status"] == status)
        .unwrap()
}

/// 1,250 releases in flight: one made through the API, the rest copied
/// from it in one statement (statuses round-robin, every priority).
async fn team_with_1250_in_flight(app: &TestApp) -> (Browser, HashMap<&'static str, u64>) {
    let (owner, _, _) = app.owner_with_team("Payments").await;
    let svc = json_of(
        owner
            .post("/api/services", &json!({"name": "Checkout"}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let first = json_of(
        owner
            .post(
                "/api/releases",
                &json!({"serviceId": svc["id"], "title": "First", "version": "1.0.0"}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    let statuses = IN_FLIGHT
        .iter()
        .enumerate()
        .map(|(i, s)| format!("WHEN {i} THEN '{s}'"))
        .collect::<Vec<_>>()
        .join(" ");
    app.db
        .execute_unprepared(&format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1249) \
             INSERT INTO releases (id, team_id, service_id, title, version, description, \
               status, priority, is_blocked, revision, created_at, updated_at) \
             SELECT 'bulk-' || i, r.team_id, r.service_id, 'Bulk ' || i, '9.' || i || '.0', '', \
               CASE i % 7 {statuses} END, \
               CASE i % 4 WHEN 0 THEN 'LOW' WHEN 1 THEN 'MEDIUM' WHEN 2 THEN 'HIGH' ELSE 'CRITICAL' END, \
               false, 1, r.created_at, r.updated_at \
             FROM n, releases r WHERE r.id = '{}'",
            first["id"].as_str().unwrap()
        ))
        .await
        .unwrap();
    let mut expected: HashMap<&str, u64> = HashMap::from([("PLANNING", 1)]);
    for i in 1..=1249usize {
        *expected.entry(IN_FLIGHT[i % 7]).or_default() += 1;
    }
    (owner, expected)
}

#[tokio::test]
async fn with_1250_in_flight_every_column_counts_all_and_shows_its_most_urgent_first() {
    let app = TestApp::spawn().await;
    let (owner, expected) = team_with_1250_in_flight(&app).await;

    let b = board(&owner, "").await;
    let mut total = 0;
    for status in IN_FLIGHT {
        let c = column(&b, status);
        assert_eq!(c["total"], expected[status], "{status}");
        total += c["total"].as_u64().unwrap();
        let cards = cards(c);
        assert_eq!(cards.len(), 50, "{status}: the first fifty");
        // Most urgent first: every critical card of the column comes before
        // anything else (a quarter of each column is critical).
        assert!(
            cards
                .iter()
                .take(40)
                .all(|c| c.priority == Priority::Critical),
            "{status}: {:?}",
            cards.iter().map(|c| c.priority).collect::<Vec<_>>()
        );
        // …and the whole column in order of urgency, whichever way the
        // database returned the columns' rows (one UNION ALL for all).
        let rank = |p: Priority| {
            [
                Priority::Low,
                Priority::Medium,
                Priority::High,
                Priority::Critical,
            ]
            .iter()
            .position(|n| p == *n)
            .unwrap()
        };
        assert!(
            cards
                .windows(2)
                .all(|w| rank(w[0].priority) >= rank(w[1].priority)),
            "{status}: most urgent first throughout"
        );
    }
    assert_eq!(
        total, 1250,
        "no release in flight is left out of the counts"
    );

    // "Show N more" on every column reaches every card: 1,250 distinct.
    let all = IN_FLIGHT
        .iter()
        .map(|s| format!("{s}:1000"))
        .collect::<Vec<_>>()
        .join(",");
    let b = board(&owner, &all).await;
    let mut ids = HashSet::new();
    for status in IN_FLIGHT {
        let c = column(&b, status);
        let cards = cards(c);
        assert_eq!(cards.len() as u64, expected[status], "{status}");
        ids.extend(cards.iter().map(|c| c.id.to_string()));
    }
    assert_eq!(ids.len(), 1250);
}

#[tokio::test]
async fn show_more_is_a_link_that_works_without_javascript() {
    let app = TestApp::spawn().await;
    let (owner, expected) = team_with_1250_in_flight(&app).await;
    let planning = expected["PLANNING"];

    let html = owner.get("/board").await.text().await.unwrap();
    let column = section(&html, "PLANNING");
    assert!(
        column.contains(&format!("Planning, {planning} releases")),
        "the heading counts the whole column"
    );
    assert!(column.contains(&format!("First 50 of {planning}")));
    let more = format!("Show {} more", planning - 50);
    assert!(column.contains(&more), "{more}");
    assert!(
        column.contains("href=\"/board?show=PLANNING"),
        "a plain link to the same board"
    );
    assert_eq!(column.matches("data-release-id=").count(), 50);

    // Following it shows the whole column, with no link for more.
    let html = owner
        .get(&format!("/board?show=PLANNING%3A{planning}"))
        .await
        .text()
        .await
        .unwrap();
    let column = section(&html, "PLANNING");
    assert_eq!(column.matches("data-release-id=").count() as u64, planning);
    assert!(!column.contains("column-more"));
    // The other columns keep their first fifty.
    let review = section(&html, "IN_REVIEW");
    assert!(review.contains(&format!("First 50 of {}", expected["IN_REVIEW"])));
    // A hand-edited size is read as far as it makes sense, never an error.
    let r = owner.get("/board?show=PLANNING%3Alots,NOPE%3A3").await;
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_closed_area_is_counted_always_and_its_cards_loaded_when_open() {
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Payments").await;
    let svc = json_of(
        owner
            .post("/api/services", &json!({"name": "Checkout"}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let r = json_of(
        owner
            .post(
                "/api/releases",
                &json!({"serviceId": svc["id"], "title": "Dropped", "version": "0.1.0"}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    let id = r["id"].as_str().unwrap();
    json_of(
        owner
            .patch(
                &format!("/api/releases/{id}"),
                &json!({"status": "CANCELLED"}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    let collapsed = board(&owner, "").await;
    assert_eq!(column(&collapsed, "CANCELLED")["total"], 1);
    assert_eq!(column(&collapsed, "CANCELLED")["cards"], json!([]));
    let open = board_with(&owner, "", "1").await;
    assert_eq!(cards(column(&open, "CANCELLED"))[0].id.as_str(), id);
}

/// The HTML of one column of the board page.
fn section<'a>(html: &'a str, status: &str) -> &'a str {
    let start = html
        .find(&format!("data-column=\"{status}\""))
        .unwrap_or_else(|| panic!("no {status} column"));
    let rest = &html[start..];
    let end = rest[1..].find("data-column=").map_or(rest.len(), |i| i + 1);
    &rest[..end]
}
