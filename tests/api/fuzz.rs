//! Hostile input, everywhere: thousands of generated requests against every
//! route of the role table (`routes.rs`) and every server function —
//! malformed, truncated, oversized and deeply nested bodies, wrong types and
//! unknown fields in every field, odd path ids and query strings. Never a
//! 500, never a dropped connection, the server healthy after, and a refused
//! request (4xx) changes nothing in the database.
//!
//! `RC_FUZZ_CASES` sets the number of cases per run (default 1500 for REST
//! and half that for server functions); proptest shrinks a failure to a
//! small reproduction.

use crate::helpers::{Browser, TestApp};
use crate::routes::{send_rest, send_rpc, Access, Fixture, REST, RPC};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use reqwest::StatusCode;
use sea_orm::{DatabaseConnection, FromQueryResult, JsonValue, Statement};
use serde_json::{json, Value};
use std::hash::{Hash, Hasher};

/// Tables whose content a refused request must leave alone (sessions,
/// OAuth states and webhook ids change on reads and are not compared).
const TABLES: &[&str] = &[
    "teams",
    "users",
    "team_members",
    "services",
    "releases",
    "release_items",
    "release_dependencies",
    "comments",
    "activities",
    "sprints",
    "deployment_groups",
    "invitations",
    "outbox",
    "oauth_connections",
    "api_tokens",
    "deployments",
    "webhooks",
    "freezes",
    "approvals",
];

async fn fingerprint(db: &DatabaseConnection) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for table in TABLES {
        // The outbox worker updates a queued row's attempts on its own
        // schedule: what a request may not change is which rows exist and
        // what they carry.
        let columns = if *table == "outbox" {
            "id, team_id, kind, payload, webhook_id, event, message_id"
        } else {
            "*"
        };
        let rows = JsonValue::find_by_statement(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT {columns} FROM {table} ORDER BY id"),
        ))
        .all(db)
        .await
        .expect("read table");
        table.hash(&mut h);
        Value::Array(rows).to_string().hash(&mut h);
    }
    h.finish()
}

/// A value that should never be accepted where a string or enum is
/// expected, or that is accepted and must be stored harmlessly.
fn odd_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        Just(json!(true)),
        Just(json!(-1)),
        Just(json!(1e308)),
        Just(json!(u64::MAX)),
        Just(json!([])),
        Just(json!([1, "two", null])),
        Just(json!({"nested": {"deeper": [1]}})),
        Just(json!("")),
        Just(json!(" ")),
        Just(json!("\u{0000}\u{0007}\u{001b}[31m")),
        Just(json!(
            "\u{202E} evil \u{202C} \u{1F469}\u{200D}\u{1F467} \u{FEFF}"
        )),
        Just(json!("' OR 1=1 --; DROP TABLE releases;")),
        Just(json!("%s%n%x{0}{{}}")),
        Just(json!(crate::security::HOSTILE)),
        Just(json!("x".repeat(10_001))),
        Just(json!("é".repeat(20_001))),
        Just(json!("2026-02-30")),
        Just(json!("IN_SPACE")),
        Just(json!("../../etc/passwd")),
        "\\PC{0,40}".prop_map(Value::String),
        any::<i64>().prop_map(|n| json!(n)),
    ]
}

/// An odd id for a path segment.
fn odd_id() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("..".to_string()),
        Just("%2e%2e".to_string()),
        Just("%00".to_string()),
        Just("%ZZ".to_string()),
        Just("-1".to_string()),
        Just("0".to_string()),
        Just("x".repeat(5000)),
        Just("%27%20OR%201%3D1%20--".to_string()),
        Just("%F0%9F%92%A9".to_string()),
        Just("%E2%80%AE".to_string()),
        Just("0000000000000000000000000000dead".to_string()),
        "[a-zA-Z0-9_.~-]{1,40}",
    ]
}

/// What is done to a route's request.
#[derive(Debug, Clone)]
enum Twist {
    /// The sample request as it is (a baseline that must not 500 either).
    AsIs,
    /// Bytes that are not JSON.
    Garbage(Vec<u8>),
    /// The sample body cut short.
    Truncated(usize),
    /// One field (by index) gets an odd value.
    Field(usize, Value),
    /// Every field gets the same odd value.
    AllFields(Value),
    /// Unknown fields, including ones that try to pick the team.
    Unknown,
    /// JSON nested far beyond any limit.
    Deep(usize),
    /// A body over the 1 MB limit.
    Huge,
    /// A body that is a JSON array, string or number instead of an object.
    NotAnObject(Value),
    /// The wrong content type.
    TextPlain,
    /// Path ids replaced.
    PathIds(String),
    /// Odd query parameters.
    Query(String, String),
}

fn twist() -> impl Strategy<Value = Twist> {
    prop_oneof![
        1 => Just(Twist::AsIs),
        2 => proptest::collection::vec(any::<u8>(), 0..200).prop_map(Twist::Garbage),
        2 => (0usize..80).prop_map(Twist::Truncated),
        6 => (0usize..8, odd_value()).prop_map(|(i, v)| Twist::Field(i, v)),
        2 => odd_value().prop_map(Twist::AllFields),
        2 => Just(Twist::Unknown),
        1 => (200usize..5000).prop_map(Twist::Deep),
        1 => Just(Twist::Huge),
        1 => odd_value().prop_map(Twist::NotAnObject),
        1 => Just(Twist::TextPlain),
        4 => odd_id().prop_map(Twist::PathIds),
        2 => (
            prop_oneof![Just("limit"), Just("cursor"), Just("status"), Just("priority"),
                        Just("blocked"), Just("days"), Just("q"), Just("serviceId"),
                        Just("month"), Just("jql"), Just("code"), Just("state")],
            prop_oneof![Just("-1".to_string()), Just("99999999999999999999".to_string()),
                        Just("abc".to_string()), Just("%00".to_string()),
                        Just("x".repeat(3000)), Just("NOPE,%2C,,".to_string()),
                        "[ -~]{0,30}".prop_map(|s| s.replace(['&', '#'], ""))],
        ).prop_map(|(k, v)| Twist::Query(k.to_string(), v)),
    ]
}

/// Builds the request of `twist` for a route: (path, body, content type).
fn apply(
    fx: &Fixture,
    path: &str,
    body: Option<&str>,
    twist: &Twist,
    real_ids: bool,
) -> (String, Option<Vec<u8>>, &'static str) {
    let json_ct = "application/json";
    let filled_path = fx.fill(path, !real_ids);
    let sample = body.map(|b| fx.fill(b, false));
    let obj = || -> serde_json::Map<String, Value> {
        sample
            .as_deref()
            .and_then(|s| serde_json::from_str::<Value>(s).ok())
            .and_then(|v| v.as_object().cloned())
            .unwrap_or_default()
    };
    let bytes = |v: Value| Some(v.to_string().into_bytes());
    match twist {
        Twist::AsIs => (filled_path, sample.map(String::into_bytes), json_ct),
        Twist::Garbage(b) => (filled_path, Some(b.clone()), json_ct),
        Twist::Truncated(n) => {
            let s = sample.unwrap_or_else(|| "{\"a\": [1, 2".into());
            let cut: String = s.chars().take(*n % s.chars().count().max(1)).collect();
            (filled_path, Some(cut.into_bytes()), json_ct)
        }
        Twist::Field(i, v) => {
            let mut o = obj();
            let keys: Vec<String> = o.keys().cloned().collect();
            if keys.is_empty() {
                o.insert("field".into(), v.clone());
            } else {
                o.insert(keys[i % keys.len()].clone(), v.clone());
            }
            (filled_path, bytes(Value::Object(o)), json_ct)
        }
        Twist::AllFields(v) => {
            let mut o = obj();
            for k in o.keys().cloned().collect::<Vec<_>>() {
                o.insert(k, v.clone());
            }
            (filled_path, bytes(Value::Object(o)), json_ct)
        }
        Twist::Unknown => {
            let mut o = obj();
            o.insert("teamId".into(), json!("0000000000000000000000000000dead"));
            o.insert("role".into(), json!("OWNER"));
            o.insert("__proto__".into(), json!({"admin": true}));
            o.insert("zzz".into(), json!(1));
            (filled_path, bytes(Value::Object(o)), json_ct)
        }
        Twist::Deep(n) => {
            let s = format!("{}{}", "[".repeat(*n), "]".repeat(*n));
            (filled_path, Some(s.into_bytes()), json_ct)
        }
        Twist::Huge => {
            let s = json!({"name": "x".repeat(1_100_000)}).to_string();
            (filled_path, Some(s.into_bytes()), json_ct)
        }
        Twist::NotAnObject(v) => (filled_path, bytes(v.clone()), json_ct),
        Twist::TextPlain => (
            filled_path,
            Some(sample.unwrap_or_default().into_bytes()),
            "text/plain",
        ),
        Twist::PathIds(id) => {
            let mut p = path.to_string();
            for (name, _) in &fx.ids {
                p = p.replace(&format!("{{{name}}}"), id);
            }
            (fx.fill(&p, false), sample.map(String::into_bytes), json_ct)
        }
        Twist::Query(k, v) => {
            let sep = if filled_path.contains('?') { '&' } else { '?' };
            (
                format!("{filled_path}{sep}{k}={v}"),
                sample.map(String::into_bytes),
                json_ct,
            )
        }
    }
}

/// The same twists, for a form body.
fn apply_form(fx: &Fixture, form: &str, twist: &Twist) -> Vec<u8> {
    let filled = fx.fill(form, false);
    let pairs: Vec<(String, String)> = form_urlencoded::parse(filled.as_bytes())
        .into_owned()
        .collect();
    let encode = |pairs: &[(String, String)]| {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs {
            s.append_pair(k, v);
        }
        s.finish().into_bytes()
    };
    let as_text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match twist {
        Twist::AsIs | Twist::TextPlain | Twist::Query(..) => filled.into_bytes(),
        Twist::Garbage(b) => b.clone(),
        Twist::Truncated(n) => filled.chars().take(*n).collect::<String>().into_bytes(),
        Twist::Field(i, v) if !pairs.is_empty() => {
            let mut p = pairs.clone();
            let j = i % p.len();
            p[j].1 = as_text(v);
            encode(&p)
        }
        Twist::Field(_, v) | Twist::AllFields(v) | Twist::NotAnObject(v) => {
            let p: Vec<_> = pairs.iter().map(|(k, _)| (k.clone(), as_text(v))).collect();
            encode(&p)
        }
        Twist::Unknown => {
            let mut p = pairs.clone();
            p.push(("team_id".into(), "0000000000000000000000000000dead".into()));
            p.push(("zzz".into(), "1".into()));
            encode(&p)
        }
        Twist::Deep(n) => format!("a{}=1", "[x]".repeat(*n)).into_bytes(),
        Twist::Huge => format!("name={}", "x".repeat(1_100_000)).into_bytes(),
        Twist::PathIds(id) => {
            let p: Vec<_> = pairs
                .iter()
                .map(|(k, v)| {
                    if k.ends_with("id") || k == "token" {
                        (k.clone(), id.clone())
                    } else {
                        (k.clone(), v.clone())
                    }
                })
                .collect();
            encode(&p)
        }
    }
}

fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 64,
        ..Config::default()
    }
}

fn cases(default: u32) -> u32 {
    std::env::var("RC_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Puts the owner back in the fixture's team (a successful "create team" or
/// "select team" moved them).
async fn back_home(fx: &Fixture) {
    let team = &fx.ids[0].1;
    let url = fx.owner.url(&format!("/api/teams/{team}/select"));
    for _ in 0..3 {
        let sent = fx
            .owner
            .client
            .post(&url)
            .header("origin", &fx.owner.address)
            .send()
            .await;
        if sent.is_ok() {
            return;
        }
    }
}

/// Runs one request and checks the rules; `Err` names what broke.
async fn check<F, Fut>(app: &TestApp, fx: &Fixture, send: F, what: String) -> Result<(), String>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<reqwest::Response, String>>,
{
    let before = fingerprint(&app.db).await;
    // A server may close a keep-alive connection after refusing a request
    // whose body it did not read; the client then meets a closed connection
    // once. A second failure in a row is the server's fault.
    let resp = match send().await {
        Ok(r) => r,
        Err(_) => send()
            .await
            .map_err(|e| format!("{what}: no answer ({e})"))?,
    };
    let status = resp.status();
    let body = resp.text().await.unwrap_or_default();
    if status == StatusCode::INTERNAL_SERVER_ERROR {
        let what: String = what.chars().take(300).collect();
        let body: String = body.chars().take(300).collect();
        return Err(format!("{what}: {status}: {body}"));
    }
    if status.is_client_error() && fingerprint(&app.db).await != before {
        return Err(format!(
            "{what}: refused with {status} but the database changed"
        ));
    }
    if status.is_success() {
        back_home(fx).await;
    }
    Ok(())
}

/// Public routes are called signed out (a successful sign-up would
/// otherwise sign the owner's browser in as someone else).
fn caller<'a>(fx: &'a Fixture, anon: &'a Browser, access: Access) -> &'a Browser {
    if access == Access::Public {
        anon
    } else {
        &fx.owner
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_rest_requests_never_break_the_server() {
    let app = TestApp::spawn().await;
    let fx = Fixture::new(&app).await;
    let handle = tokio::runtime::Handle::current();
    let routes: Vec<usize> = (0..REST.len())
        .filter(|&i| !REST[i].undoes_fixture && REST[i].path != "/events")
        .collect();
    let anon = app.browser();
    let (app_ref, fx_ref, anon_ref) = (&app, &fx, &anon);
    let result = tokio::task::block_in_place(|| {
        let mut runner = TestRunner::new(config(cases(1500)));
        runner.run(
            &(proptest::sample::select(routes), twist()),
            |(i, twist)| {
                let route = &REST[i];
                // Deleting with real ids would empty the fixture: those
                // routes only ever get ids that exist nowhere.
                let real_ids = route.method != "DELETE";
                let (path, body, ct) = apply(fx_ref, route.path, route.body, &twist, real_ids);
                let what = format!("{} /api{} {twist:?}", route.method, route.path);
                handle
                    .block_on(check(
                        app_ref,
                        fx_ref,
                        || async {
                            let who = caller(fx_ref, anon_ref, route.access);
                            let mut req = who
                                .client
                                .request(
                                    route.method.parse().unwrap(),
                                    who.url(&format!("/api{path}")),
                                )
                                .header("origin", &who.address)
                                .timeout(std::time::Duration::from_secs(30));
                            if let Some(b) = body.clone() {
                                req = req.header("content-type", ct).body(b);
                            }
                            req.send().await.map_err(|e| e.to_string())
                        },
                        what,
                    ))
                    .map_err(TestCaseError::fail)
            },
        )
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let health = send_rest(&fx.owner, "GET", "/health/ready", None).await;
    assert_eq!(health.status(), StatusCode::OK, "healthy after the run");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_server_function_calls_never_break_the_server() {
    let app = TestApp::spawn().await;
    let fx = Fixture::new(&app).await;
    let handle = tokio::runtime::Handle::current();
    let fns: Vec<usize> = (0..RPC.len())
        .filter(|&i| !RPC[i].undoes_fixture && !RPC[i].name.starts_with("delete_"))
        .collect();
    let anon = app.browser();
    let (app_ref, fx_ref, anon_ref) = (&app, &fx, &anon);
    let result = tokio::task::block_in_place(|| {
        let mut runner = TestRunner::new(config(cases(1500) / 2));
        runner.run(&(proptest::sample::select(fns), twist()), |(i, twist)| {
            let f = &RPC[i];
            let body = apply_form(fx_ref, f.form, &twist);
            let what = format!("/rpc/{} {twist:?}", f.name);
            handle
                .block_on(check(
                    app_ref,
                    fx_ref,
                    || async {
                        let who = caller(fx_ref, anon_ref, f.access);
                        who.client
                            .post(who.url(&crate::routes::rpc_path(f.name)))
                            .header("origin", &who.address)
                            .header("content-type", "application/x-www-form-urlencoded")
                            .header("accept", "application/json")
                            .timeout(std::time::Duration::from_secs(30))
                            .body(body.clone())
                            .send()
                            .await
                            .map_err(|e| e.to_string())
                    },
                    what,
                ))
                .map_err(TestCaseError::fail)
        })
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let resp = send_rpc(&fx.owner, "get_me", String::new()).await;
    assert_eq!(resp.status(), StatusCode::OK, "healthy after the run");
}
