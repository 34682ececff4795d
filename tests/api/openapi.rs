//! The OpenAPI document (`GET /api/openapi.json`) is public, complete and
//! true, and `/api/docs` shows it:
//! - every route of the role table is in it and nothing else is, and no
//!   route under `src/server/api` is mounted around it (`.route(`);
//! - the credentials it names are the ones the server asks for: an
//!   operation without security answers without one, every other one is
//!   401 without; one that names only the session refuses a token;
//! - a property-based run over every documented operation, with
//!   parameters and bodies generated from the document's own schemas (and
//!   real ids of a fixture most of the time): never a 500 nor an
//!   undocumented 5xx (a provider that is not set up is a documented 503), every success
//!   status is one the operation documents, and every JSON answer matches
//!   the schema documented for it.
//!
//! `RC_OPENAPI_CASES` sets the number of generated requests (default 1200).

use crate::helpers::{Browser, Script, TestApp};
use crate::routes::{same_route, Fixture, REST};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use rand::{Rng, SeedableRng};
use reqwest::StatusCode;
use serde_json::{json, Map, Value};

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// The document, fetched without any credential.
pub async fn document(app: &TestApp) -> Value {
    let res = app.get("/api/openapi.json").await;
    assert_eq!(res.status(), StatusCode::OK, "the document is public");
    res.json().await.expect("the document is JSON")
}

/// Every documented operation: (method in capitals, path under `/api`, operation).
pub fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut out = vec![];
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for m in METHODS {
            if item[m].is_object() {
                let under = path.strip_prefix("/api").expect("every path is under /api");
                out.push((m.to_uppercase(), under.to_string(), item[m].clone()));
            }
        }
    }
    out
}

#[tokio::test]
async fn the_document_is_public_and_describes_every_operation() {
    let app = TestApp::spawn().await;
    let doc = document(&app).await;
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["session"]["type"], "apiKey");
    assert_eq!(schemes["session"]["in"], "cookie");
    assert_eq!(schemes["session"]["name"], "rc_session");
    assert_eq!(schemes["apiToken"]["type"], "http");
    assert_eq!(schemes["apiToken"]["scheme"], "bearer");
    let error = &doc["components"]["schemas"]["Error"];
    assert_eq!(error["required"], json!(["error"]), "{error}");
    let ops = operations(&doc);
    assert!(ops.len() > 80, "only {} operations", ops.len());
    for (method, path, op) in &ops {
        let what = format!("{method} /api{path}");
        assert!(
            op["summary"].as_str().is_some_and(|s| !s.is_empty()),
            "{what} has no summary"
        );
        assert!(op["tags"][0].is_string(), "{what} has no tag");
        assert!(
            op["security"].is_array(),
            "{what} says nothing of credentials"
        );
        let responses = op["responses"].as_object().unwrap();
        assert!(
            responses
                .keys()
                .any(|s| s.starts_with('2') || s.starts_with('3')),
            "{what} documents no success"
        );
        let default = answer(&doc, &responses["default"]);
        assert_eq!(
            default["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/Error",
            "{what}: the error shape"
        );
        // Every `{param}` of the path is documented as a path parameter.
        for seg in path.split('/').filter(|s| s.starts_with('{')) {
            let name = seg.trim_matches(|c| c == '{' || c == '}');
            assert!(
                op["parameters"]
                    .as_array()
                    .is_some_and(|ps| ps.iter().any(|p| p["name"] == name && p["in"] == "path")),
                "{what}: path parameter {name} is not documented"
            );
        }
        // Every reference resolves.
        for r in refs(op) {
            let mut parts = r.trim_start_matches("#/components/").split('/');
            let (kind, name) = (parts.next().unwrap(), parts.next().unwrap_or_default());
            assert!(
                doc["components"][kind][name].is_object(),
                "{what} refers to {r}, which is not in the document"
            );
        }
    }

    // The readable page shows every operation, from this server alone.
    let page = app.get("/api/docs").await;
    assert_eq!(page.status(), StatusCode::OK);
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.starts_with("default-src 'none'") && !csp.contains("http"),
        "{csp}"
    );
    assert!(page.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let html = page.text().await.unwrap();
    assert!(!html.contains("<script"), "the page runs nothing");
    assert!(
        !html.contains("src=\"http") && !html.contains("href=\"http"),
        "nothing from elsewhere"
    );
    for (method, path, _) in &ops {
        let shown = format!(
            "{method}</span><span class=\"path\">/api{}",
            path.replace('&', "&amp;")
        );
        assert!(
            html.contains(&shown),
            "/api/docs does not show {method} /api{path}"
        );
    }
}

/// A documented answer, its reference (`#/components/responses/…`) followed.
fn answer<'a>(doc: &'a Value, r: &'a Value) -> &'a Value {
    match r["$ref"].as_str() {
        Some(name) => &doc["components"]["responses"][name.rsplit('/').next().unwrap()],
        None => r,
    }
}

fn refs(v: &Value) -> Vec<String> {
    let mut out = vec![];
    match v {
        Value::Object(o) => {
            for (k, v) in o {
                match (k.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push(r.clone()),
                    _ => out.extend(refs(v)),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|v| out.extend(refs(v))),
        _ => {}
    }
    out
}

/// The role table's path for a documented one (placeholders to fill).
fn table_path(method: &str, path: &str) -> Option<&'static crate::routes::Rest> {
    REST.iter()
        .find(|r| r.method == method && same_route(path, r.path))
}

#[test]
fn no_route_is_mounted_around_the_document() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/server/api");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            for call in [".route(", ".route_service(", ".nest(", ".nest_service("] {
                assert!(
                    !code.contains(call)
                        || (call == ".nest(" && code.contains("nest(\"/api\", api)")),
                    "{}:{}: `{call}` mounts a route the OpenAPI document does not know \
                     (register handlers with `routes!`)",
                    path.display(),
                    n + 1
                );
            }
        }
    }
}

#[tokio::test]
async fn the_documented_credentials_are_the_ones_the_server_asks_for() {
    let app = TestApp::spawn().await;
    let fx = Fixture::new(&app).await;
    let doc = document(&app).await;
    let token = fx.owner.mint_token("docs check", "ADMIN").await;
    let script = Script::new(&app, &token);
    let anon = app.browser();
    for (method, path, op) in operations(&doc) {
        if path == "/events" {
            continue; // a stream: its refusals are tested in releases.rs
        }
        let what = format!("{method} /api{path}");
        let Some(route) = table_path(&method, &path) else {
            panic!("{what} is not in the role table");
        };
        // Ids that exist nowhere: nothing is changed, and a credential
        // check comes before any lookup.
        let url_path = format!("/api{}", fx.fill(route.path, true));
        let schemes: Vec<String> = op["security"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|r| r.as_object()?.keys().next().cloned())
            .collect();
        let send = |c: &reqwest::Client, bearer: Option<&str>| {
            let mut req = c
                .request(
                    method.parse().unwrap(),
                    format!("{}{url_path}", app.address),
                )
                .header("origin", &app.address)
                .timeout(std::time::Duration::from_secs(20));
            if let Some(t) = bearer {
                req = req.bearer_auth(t);
            }
            if method != "GET" && method != "DELETE" {
                req = req.header("content-type", "application/json").body("{}");
            }
            req.send()
        };
        let without = send(&anon.client, None).await.unwrap().status();
        if path.starts_with("/webhooks/") {
            // Signed by their senders instead (github.rs, jira.rs).
            assert!(schemes.is_empty(), "{what} takes no credential of ours");
            continue;
        }
        if schemes.is_empty() {
            assert_ne!(
                without,
                StatusCode::UNAUTHORIZED,
                "{what} is documented as public"
            );
        } else {
            assert_eq!(
                without,
                StatusCode::UNAUTHORIZED,
                "{what} needs a credential"
            );
            let with_token = send(&script.client, Some(&token)).await.unwrap().status();
            if schemes == ["session"] {
                assert_eq!(with_token, StatusCode::FORBIDDEN, "{what} refuses a token");
            } else {
                assert!(
                    schemes.contains(&"apiToken".to_string()),
                    "{what}: {schemes:?}"
                );
                assert_ne!(with_token, StatusCode::UNAUTHORIZED, "{what} takes a token");
            }
        }
    }
}

/// Generates a value for `schema` (resolving references in `doc`): mostly
/// what the schema describes, with ids of the fixture where a field or
/// parameter names one.
struct Gen<'a> {
    doc: &'a Value,
    fx: &'a Fixture,
    rng: rand::rngs::StdRng,
}

impl Gen<'_> {
    fn value(&mut self, name: &str, schema: &Value, depth: u32) -> Value {
        if let Some(r) = schema["$ref"].as_str() {
            let target = self.doc["components"]["schemas"][r.rsplit('/').next().unwrap()].clone();
            return self.value(name, &target, depth + 1);
        }
        if let Some(alts) = schema["oneOf"].as_array().or(schema["anyOf"].as_array()) {
            let pick = alts[self.rng.gen_range(0..alts.len())].clone();
            return self.value(name, &pick, depth + 1);
        }
        if let Some(all) = schema["allOf"].as_array() {
            let mut out = Map::new();
            for part in all.clone() {
                if let Value::Object(o) = self.value(name, &part, depth + 1) {
                    out.extend(o);
                }
            }
            return Value::Object(out);
        }
        if let Some(values) = schema["enum"].as_array() {
            return values[self.rng.gen_range(0..values.len())].clone();
        }
        let types: Vec<String> = match &schema["type"] {
            Value::String(t) => vec![t.clone()],
            Value::Array(ts) => ts
                .iter()
                .filter_map(|t| t.as_str().map(String::from))
                .collect(),
            _ => vec!["string".into()],
        };
        let t = types[self.rng.gen_range(0..types.len())].clone();
        match t.as_str() {
            "null" => Value::Null,
            "boolean" => json!(self.rng.gen_bool(0.5)),
            "integer" => json!(self.rng.gen_range(-2i64..600)),
            "number" => json!(self.rng.gen_range(-2.0f64..600.0)),
            "array" if depth < 4 => {
                let n = self.rng.gen_range(0..3);
                let items = schema["items"].clone();
                Value::Array(
                    (0..n)
                        .map(|_| self.value(name, &items, depth + 1))
                        .collect(),
                )
            }
            "object" if depth < 4 => {
                let required: Vec<String> = schema["required"]
                    .as_array()
                    .map(|r| {
                        r.iter()
                            .filter_map(|v| v.as_str().map(String::from))
                            .collect()
                    })
                    .unwrap_or_default();
                let mut out = Map::new();
                if let Some(props) = schema["properties"].as_object().cloned() {
                    for (field, p) in props {
                        if required.contains(&field) || self.rng.gen_bool(0.5) {
                            let v = self.value(&field, &p, depth + 1);
                            out.insert(field, v);
                        }
                    }
                }
                Value::Object(out)
            }
            "array" => json!([]),
            "object" => json!({}),
            _ => json!(self.text(name, schema)),
        }
    }

    /// A string for a field or parameter called `name`.
    fn text(&mut self, name: &str, schema: &Value) -> String {
        let lower = name.to_ascii_lowercase();
        let ids: Vec<&String> = self.fx.ids.iter().map(|(_, v)| v).collect();
        if (lower.ends_with("id") || lower.ends_with("_id") || lower == "cursor")
            && self.rng.gen_bool(0.8)
        {
            return ids[self.rng.gen_range(0..ids.len())].clone();
        }
        if schema["format"] == "date-time" {
            return "2026-12-24T10:00:00Z".into();
        }
        let pick = |rng: &mut rand::rngs::StdRng, options: &[&str]| {
            options[rng.gen_range(0..options.len())].to_string()
        };
        if lower.contains("date") || lower == "month" {
            return pick(
                &mut self.rng,
                &["2026-12-24", "2027-01-31", "2026-12", "someday"],
            );
        }
        if lower.contains("email") {
            return format!("gen-{}@example.com", self.rng.gen_range(0..1_000_000));
        }
        if lower.contains("url") {
            return pick(
                &mut self.rng,
                &[
                    "https://example.com/hook",
                    "http://127.0.0.1:1/x",
                    "not a url",
                ],
            );
        }
        if lower.contains("password") {
            return pick(&mut self.rng, &["a-long-password-1", "short"]);
        }
        let len = self.rng.gen_range(0..24);
        (0..len)
            .map(|_| {
                let c = self.rng.gen_range(0..40u8);
                match c {
                    0..=25 => (b'a' + c) as char,
                    26..=35 => (b'0' + c - 26) as char,
                    36 => '-',
                    37 => ' ',
                    38 => 'é',
                    _ => '.',
                }
            })
            .collect()
    }
}

/// Whether `value` matches `schema` (the parts of JSON Schema the document
/// uses); the error says where it does not.
fn check(doc: &Value, schema: &Value, value: &Value, at: &str) -> Result<(), String> {
    check_with(doc, schema, value, at, true)
}

/// A schema with its reference followed.
fn resolved<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(r) => resolved(
            doc,
            &doc["components"]["schemas"][r.rsplit('/').next().unwrap()],
        ),
        None => schema,
    }
}

/// `strict`: a field the schema does not name is an error (not so for one
/// part of an `allOf`, whose other parts name the rest).
fn check_with(
    doc: &Value,
    schema: &Value,
    value: &Value,
    at: &str,
    strict: bool,
) -> Result<(), String> {
    let check = |doc: &Value, schema: &Value, value: &Value, at: &str| {
        check_with(doc, schema, value, at, true)
    };
    if let Some(r) = schema["$ref"].as_str() {
        let target = &doc["components"]["schemas"][r.rsplit('/').next().unwrap()];
        return check_with(doc, target, value, at, strict);
    }
    if let Some(all) = schema["allOf"].as_array() {
        for part in all {
            check_with(doc, part, value, at, false)?;
        }
        if let (true, Value::Object(o)) = (strict, value) {
            let named = |k: &String| {
                all.iter()
                    .any(|p| resolved(doc, p)["properties"].get(k).is_some())
            };
            if let Some(extra) = o.keys().find(|k| !named(k)) {
                return Err(format!("{at}: {extra} is not documented"));
            }
        }
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(alts) = schema[key].as_array() {
            let errors: Vec<String> = alts
                .iter()
                .filter_map(|a| check(doc, a, value, at).err())
                .collect();
            if errors.len() == alts.len() {
                return Err(format!(
                    "{at}: matches none of {key}: {}",
                    errors.join("; ")
                ));
            }
        }
    }
    if let Some(values) = schema["enum"].as_array() {
        if !values.contains(value) {
            return Err(format!("{at}: {value} is not one of {values:?}"));
        }
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    if !types.is_empty() {
        let fits = types.iter().any(|t| match *t {
            "null" => value.is_null(),
            "boolean" => value.is_boolean(),
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            "string" => value.is_string(),
            "array" => value.is_array(),
            "object" => value.is_object(),
            _ => true,
        });
        if !fits {
            return Err(format!("{at}: {value} is not {types:?}"));
        }
    }
    if let Value::Object(o) = value {
        for field in schema["required"].as_array().into_iter().flatten() {
            let f = field.as_str().unwrap_or_default();
            if !o.contains_key(f) {
                return Err(format!("{at}: the required field {f} is missing"));
            }
        }
        if let Some(props) = schema["properties"].as_object() {
            for (field, v) in o {
                match props.get(field) {
                    Some(p) => check(doc, p, v, &format!("{at}.{field}"))?,
                    None if schema["additionalProperties"] == json!(false) => {
                        return Err(format!("{at}: {field} is not documented"))
                    }
                    None => {}
                }
            }
            // A field the answer carries must be documented (utoipa's
            // structs describe all their fields).
            if strict && schema["additionalProperties"].is_null() && schema["allOf"].is_null() {
                if let Some(extra) = o.keys().find(|k| !props.contains_key(*k)) {
                    return Err(format!("{at}: {extra} is not documented"));
                }
            }
        }
        if let Some(map) = schema["additionalProperties"].as_object() {
            if schema["properties"].is_null() {
                let map = Value::Object(map.clone());
                for (k, v) in o {
                    check(doc, &map, v, &format!("{at}.{k}"))?;
                }
            }
        }
    }
    if let (Value::Array(items), Some(s)) = (value, schema.get("items")) {
        for (i, v) in items.iter().enumerate() {
            check(doc, s, v, &format!("{at}[{i}]"))?;
        }
    }
    Ok(())
}

fn cases() -> u32 {
    std::env::var("RC_OPENAPI_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1200)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_requests_get_the_documented_answers() {
    let app = TestApp::spawn().await;
    let fx = Fixture::new(&app).await;
    let doc = document(&app).await;
    // Not the stream (it never ends), and not what would undo the fixture
    // (signing the owner out, leaving or deleting the team).
    let ops: Vec<(String, String, Value, &'static str)> = operations(&doc)
        .into_iter()
        .filter(|(_, path, _)| path != "/events")
        .filter_map(|(m, p, op)| {
            let route = table_path(&m, &p)?;
            (!route.undoes_fixture).then_some((m, p, op, route.path))
        })
        .collect();
    assert!(ops.len() > 70, "{}", ops.len());
    let anon = app.browser();
    let handle = tokio::runtime::Handle::current();
    let (doc_ref, fx_ref, anon_ref, ops_ref) = (&doc, &fx, &anon, &ops);
    let result = tokio::task::block_in_place(|| {
        let mut runner = TestRunner::new(Config {
            cases: cases(),
            failure_persistence: None,
            max_shrink_iters: 32,
            ..Config::default()
        });
        runner.run(&(0..ops.len(), any::<u64>()), |(i, seed)| {
            let (method, _, op, template) = &ops_ref[i];
            let mut g = Gen {
                doc: doc_ref,
                fx: fx_ref,
                rng: rand::rngs::StdRng::seed_from_u64(seed),
            };
            // Real ids four times in five (deleting only ever gets ids that
            // exist nowhere, so the fixture stays).
            let real = method != "DELETE" && g.rng.gen_bool(0.8);
            let mut path = fx_ref.fill(template, !real);
            let mut query = vec![];
            for p in op["parameters"].as_array().into_iter().flatten() {
                let name = p["name"].as_str().unwrap_or_default();
                if p["in"] == "query" && g.rng.gen_bool(0.4) {
                    let v = g.value(name, &p["schema"], 0);
                    let text = match v {
                        Value::String(s) => s,
                        other => other.to_string(),
                    };
                    query.push((name.to_string(), text));
                }
            }
            if !query.is_empty() {
                let q: Vec<String> = query
                    .iter()
                    .map(|(k, v)| format!("{k}={}", url_encode(v)))
                    .collect();
                path = format!("{path}?{}", q.join("&"));
            }
            let body = op["requestBody"]["content"]["application/json"]["schema"]
                .as_object()
                .map(|s| g.value("body", &Value::Object(s.clone()), 0));
            let public = op["security"].as_array().is_some_and(Vec::is_empty);
            let who: &Browser = if public { anon_ref } else { &fx_ref.owner };
            let what = format!(
                "{method} /api{path} {}",
                body.as_ref().map(Value::to_string).unwrap_or_default()
            );
            handle
                .block_on(async {
                    let mut req = who
                        .client
                        .request(method.parse().unwrap(), who.url(&format!("/api{path}")))
                        .header("origin", &who.address)
                        .timeout(std::time::Duration::from_secs(30));
                    if let Some(b) = &body {
                        req = req.json(b);
                    }
                    let res = req.send().await.map_err(|e| format!("{what}: {e}"))?;
                    let status = res.status();
                    let ct = res
                        .headers()
                        .get("content-type")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_string();
                    let text = res.text().await.unwrap_or_default();
                    let key = status.as_u16().to_string();
                    // A fault of ours is never right; a provider that is down
                    // or not set up (502, 503) is, where it is documented.
                    if status == StatusCode::INTERNAL_SERVER_ERROR
                        || status.is_server_error() && op["responses"][&key].is_null()
                    {
                        return Err(format!("{what}: {status} {text}"));
                    }
                    let documented = &op["responses"][&key];
                    if (status.is_success() || status.is_redirection()) && documented.is_null() {
                        return Err(format!("{what}: {status} is not a documented answer"));
                    }
                    let documented = answer(
                        doc_ref,
                        if documented.is_null() {
                            &op["responses"]["default"]
                        } else {
                            documented
                        },
                    );
                    if ct.starts_with("application/json") {
                        let schema = &documented["content"]["application/json"]["schema"];
                        let value: Value = serde_json::from_str(&text)
                            .map_err(|e| format!("{what}: {status}, not JSON ({e}): {text}"))?;
                        if schema.is_object() {
                            check(doc_ref, schema, &value, "answer")
                                .map_err(|e| format!("{what} → {status}: {e}\n{text}"))?;
                        }
                    }
                    Ok(())
                })
                .map_err(TestCaseError::fail)
        })
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let health = app.get("/api/health/ready").await;
    assert_eq!(health.status(), StatusCode::OK, "healthy after the run");
}

fn url_encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[test]
fn the_checker_catches_what_it_should() {
    let doc = json!({"components": {"schemas": {"A": {"type": "object", "required": ["x"],
        "properties": {"x": {"type": "integer"}, "y": {"type": ["string", "null"]}}}}}});
    let a = json!({"$ref": "#/components/schemas/A"});
    assert!(check(&doc, &a, &json!({"x": 1}), "v").is_ok());
    assert!(check(&doc, &a, &json!({"x": 1, "y": null}), "v").is_ok());
    assert!(
        check(&doc, &a, &json!({"y": "s"}), "v").is_err(),
        "missing required"
    );
    assert!(
        check(&doc, &a, &json!({"x": "1"}), "v").is_err(),
        "wrong type"
    );
    assert!(
        check(&doc, &a, &json!({"x": 1, "z": 2}), "v").is_err(),
        "undocumented field"
    );
    let list = json!({"type": "array", "items": {"enum": ["A", "B"]}});
    assert!(check(&doc, &list, &json!(["A"]), "v").is_ok());
    assert!(check(&doc, &list, &json!(["C"]), "v").is_err());
}
