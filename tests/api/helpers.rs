//! The test harness every integration test uses.
//!
//! - [`TestApp::spawn`] starts the real server (`Application::build`) on
//!   port 0 against a fresh database: a temporary SQLite file, or a new
//!   PostgreSQL database cloned from a migrated template (`RC_TEST_DB=postgres`,
//!   server in `RC_TEST_PG_URL`, default `postgres://postgres@127.0.0.1:5432/postgres`).
//! - Requests go through `reqwest` with a cookie jar, like a browser.
//! - `TEST_LOG=1` shows the server's logs.

#![allow(dead_code)]

use base64::Engine;
use release_coordinator::server::config::Settings;
use release_coordinator::server::startup::Application;
use reqwest::{Response, StatusCode};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use tokio::sync::OnceCell;

/// Which database the tests run against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub fn backend() -> Backend {
    match std::env::var("RC_TEST_DB").as_deref() {
        Ok("postgres") => Backend::Postgres,
        Ok("sqlite") | Err(_) => Backend::Sqlite,
        Ok(other) => panic!("RC_TEST_DB must be sqlite or postgres, not {other:?}"),
    }
}

pub fn pg_admin_url() -> String {
    std::env::var("RC_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

pub fn pg_url_for(db: &str) -> String {
    let admin = pg_admin_url();
    let base = admin
        .rsplit_once('/')
        .map(|(b, _)| b.to_string())
        .unwrap_or(admin);
    format!("{base}/{db}")
}

static TEMPLATE: OnceCell<String> = OnceCell::const_new();
static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A migrated template database, made once per test process; each test then
/// gets `CREATE DATABASE … TEMPLATE …`, which is much faster than migrating.
async fn pg_template() -> &'static str {
    TEMPLATE
        .get_or_init(|| async {
            let name = format!("rc_test_tpl_{}", std::process::id());
            let admin = Database::connect(pg_admin_url())
                .await
                .expect("PostgreSQL is not reachable (RC_TEST_PG_URL)");
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name}"))
                .await
                .expect("drop template");
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create template");
            admin.close().await.ok();
            let db = Database::connect(pg_url_for(&name))
                .await
                .expect("connect template");
            release_coordinator::server::db::migrate(&db)
                .await
                .expect("migrate template");
            db.close().await.ok();
            name
        })
        .await
}

/// Creates a fresh, migrated database and returns its URL.
async fn fresh_database(tmp: &tempfile::TempDir) -> String {
    match backend() {
        Backend::Sqlite => format!("sqlite://{}?mode=rwc", tmp.path().join("test.db").display()),
        Backend::Postgres => {
            let template = pg_template().await;
            let name = format!(
                "rc_test_{}_{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::SeqCst)
            );
            let admin = Database::connect(pg_admin_url())
                .await
                .expect("PostgreSQL is not reachable");
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
                .await
                .expect("create test database");
            admin.close().await.ok();
            pg_url_for(&name)
        }
    }
}

/// A running application and a client that keeps cookies.
pub struct TestApp {
    pub address: String,
    pub port: u16,
    pub client: reqwest::Client,
    /// A direct handle on the app's database, for arranging and asserting.
    pub db: DatabaseConnection,
    pub database_url: String,
    pub data_dir: tempfile::TempDir,
    /// The running app's shared state (limits, live streams, …).
    pub state: release_coordinator::server::state::AppState,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl TestApp {
    /// Starts the real application with default test settings.
    pub async fn spawn() -> Self {
        Self::spawn_with(HashMap::new()).await
    }

    /// Starts the application with extra environment-style settings.
    pub async fn spawn_with(extra: HashMap<&str, String>) -> Self {
        if std::env::var("TEST_LOG").is_ok() {
            release_coordinator::server::telemetry::init(
                release_coordinator::server::config::LogFormat::Pretty,
            );
        }
        let data_dir = tempfile::tempdir().expect("temp dir");
        let database_url = fresh_database(&data_dir).await;
        let manifest = env!("CARGO_MANIFEST_DIR");
        let mut vars: HashMap<String, String> = HashMap::from([
            ("DATABASE_URL".into(), database_url.clone()),
            ("LEPTOS_SITE_ADDR".into(), "127.0.0.1:0".into()),
            ("RC_DATA_DIR".into(), data_dir.path().display().to_string()),
            ("RC_CONFIG_FILE".into(), format!("{manifest}/Leptos.toml")),
            ("LEPTOS_SITE_ROOT".into(), format!("{manifest}/target/site")),
            (
                "RC_ENCRYPTION_KEY".into(),
                base64::engine::general_purpose::STANDARD.encode([42u8; 32]),
            ),
        ]);
        for (k, v) in extra {
            vars.insert(k.to_string(), v);
        }
        let settings = Settings::load(&vars).expect("test settings");
        let app = Application::build(settings)
            .await
            .expect("application builds");
        let port = app.port();
        let db = app.state().db.clone();
        let state = app.state().clone();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(app.run_until(async move {
            let _ = rx.await;
        }));
        Self {
            address: format!("http://127.0.0.1:{port}"),
            port,
            client: client(),
            db,
            database_url,
            data_dir,
            state,
            shutdown: Some(tx),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// A second, independent browser (its own cookie jar).
    pub fn new_client(&self) -> reqwest::Client {
        client()
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }

    /// POST with a JSON body and the app's own `Origin`, as a browser would.
    pub async fn post_json(&self, path: &str, body: &Value) -> Response {
        self.client
            .post(self.url(path))
            .header("origin", &self.address)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    /// POST a raw body with a content type.
    pub async fn post_raw(
        &self,
        path: &str,
        content_type: &str,
        body: impl Into<reqwest::Body>,
    ) -> Response {
        self.client
            .post(self.url(path))
            .header("origin", &self.address)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("request")
    }

    /// Stops the server.
    pub fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.stop();
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// Asserts the status and returns the JSON body (with the body in the
/// failure message, which makes failures readable).
pub async fn json_of(resp: Response, expected: StatusCode) -> Value {
    let status = resp.status();
    let text = resp.text().await.expect("body");
    assert_eq!(status, expected, "unexpected status; body: {text}");
    serde_json::from_str(&text).unwrap_or_else(|_| panic!("body is not JSON: {text}"))
}

/// Asserts an error response: the status, and a `{"error": "…"}` body.
pub async fn error_of(resp: Response, expected: StatusCode) -> String {
    let body = json_of(resp, expected).await;
    body["error"]
        .as_str()
        .unwrap_or_else(|| panic!("no error message in {body}"))
        .to_string()
}

/// A user that does not exist yet.
#[derive(Debug, Clone)]
pub struct TestUser {
    pub email: String,
    pub name: String,
    pub password: String,
}

impl TestUser {
    pub fn generate() -> Self {
        let id = uuid::Uuid::new_v4().simple().to_string();
        Self {
            email: format!("user-{}@example.com", &id[..12]),
            name: format!("User {}", &id[..6]),
            password: format!("pw-{id}"),
        }
    }
}

/// A signed-in browser: its own cookie jar, speaking to one app.
pub struct Browser {
    pub client: reqwest::Client,
    pub address: String,
}

impl Browser {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }
    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }
    pub async fn post(&self, path: &str, body: &Value) -> Response {
        self.client
            .post(self.url(path))
            .header("origin", &self.address)
            .json(body)
            .send()
            .await
            .expect("request")
    }
    pub async fn post_empty(&self, path: &str) -> Response {
        self.client
            .post(self.url(path))
            .header("origin", &self.address)
            .send()
            .await
            .expect("request")
    }
    pub async fn patch(&self, path: &str, body: &Value) -> Response {
        self.client
            .patch(self.url(path))
            .header("origin", &self.address)
            .json(body)
            .send()
            .await
            .expect("request")
    }
    pub async fn put(&self, path: &str, body: &Value) -> Response {
        self.client
            .put(self.url(path))
            .header("origin", &self.address)
            .json(body)
            .send()
            .await
            .expect("request")
    }
    pub async fn delete(&self, path: &str) -> Response {
        self.client
            .delete(self.url(path))
            .header("origin", &self.address)
            .send()
            .await
            .expect("request")
    }
    pub async fn delete_json(&self, path: &str, body: &Value) -> Response {
        self.client
            .delete(self.url(path))
            .header("origin", &self.address)
            .json(body)
            .send()
            .await
            .expect("request")
    }
    /// Signs in (this browser gets a new session).
    pub async fn sign_in(&self, email: &str, password: &str) -> Response {
        self.post(
            "/api/auth/sign-in",
            &serde_json::json!({"email": email, "password": password}),
        )
        .await
    }
    /// Creates a team (becoming its OWNER; it becomes current) and returns its id.
    pub async fn create_team(&self, name: &str) -> String {
        let body = json_of(
            self.post("/api/teams", &serde_json::json!({ "name": name }))
                .await,
            StatusCode::CREATED,
        )
        .await;
        body["id"].as_str().expect("team id").to_string()
    }
    /// `GET /api/me`.
    pub async fn me(&self) -> Value {
        json_of(self.get("/api/me").await, StatusCode::OK).await
    }
}

impl TestApp {
    /// A new browser with no session.
    pub fn browser(&self) -> Browser {
        Browser {
            client: client(),
            address: self.address.clone(),
        }
    }

    /// Signs a new user up in a new browser.
    pub async fn signed_up(&self, user: &TestUser) -> Browser {
        let b = self.browser();
        let resp = b
            .post("/api/auth/sign-up", &serde_json::json!({"email": user.email, "name": user.name, "password": user.password}))
            .await;
        json_of(resp, StatusCode::CREATED).await;
        b
    }

    /// A new user with their own team (OWNER), signed in.
    pub async fn owner_with_team(&self, team: &str) -> (Browser, TestUser, String) {
        let user = TestUser::generate();
        let b = self.signed_up(&user).await;
        let team_id = b.create_team(team).await;
        (b, user, team_id)
    }

    /// Invites a new user into the browser's current team with `role`; returns
    /// their signed-in browser.
    pub async fn member_with_role(&self, inviter: &Browser, role: &str) -> (Browser, TestUser) {
        let user = TestUser::generate();
        let inv = json_of(
            inviter
                .post(
                    "/api/team/invitations",
                    &serde_json::json!({"email": user.email, "role": role}),
                )
                .await,
            StatusCode::CREATED,
        )
        .await;
        let b = self.signed_up(&user).await;
        let token = inv["token"].as_str().expect("token");
        json_of(
            b.post_empty(&format!("/api/invitations/{token}/accept"))
                .await,
            StatusCode::OK,
        )
        .await;
        (b, user)
    }
}

/// A script or CI job: no cookies, `Authorization: Bearer <token>`, and no
/// `Origin` header (a bearer request is exempt from the Origin check).
pub struct Script {
    pub client: reqwest::Client,
    pub address: String,
    pub token: String,
}

impl Script {
    pub fn new(app: &TestApp, token: &str) -> Self {
        Self {
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            address: app.address.clone(),
            token: token.to_string(),
        }
    }
    fn req(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.client
            .request(method, format!("{}{}", self.address, path))
            .bearer_auth(&self.token)
    }
    pub async fn get(&self, path: &str) -> Response {
        self.req(reqwest::Method::GET, path)
            .send()
            .await
            .expect("request")
    }
    pub async fn post(&self, path: &str, body: &Value) -> Response {
        self.req(reqwest::Method::POST, path)
            .json(body)
            .send()
            .await
            .expect("request")
    }
    pub async fn patch(&self, path: &str, body: &Value) -> Response {
        self.req(reqwest::Method::PATCH, path)
            .json(body)
            .send()
            .await
            .expect("request")
    }
    pub async fn delete(&self, path: &str) -> Response {
        self.req(reqwest::Method::DELETE, path)
            .send()
            .await
            .expect("request")
    }
}

impl Browser {
    /// Mints a team API token with `role` in the browser's current team;
    /// returns the secret.
    pub async fn mint_token(&self, name: &str, role: &str) -> String {
        let body = json_of(
            self.post(
                "/api/team/api-tokens",
                &serde_json::json!({"name": name, "role": role}),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
        body["token"].as_str().expect("token").to_string()
    }
}
