//! Database outages and crashes under load: the app recovers by itself,
//! readiness tells the truth, and no write that was answered 2xx is lost.
//!
//! - PostgreSQL: every app connection is terminated (and new ones refused
//!   for a while) in the middle of a stream of writes.
//! - SQLite: the server process is killed with SIGKILL mid-load and started
//!   again on the same file.
//!
//! The second needs a real process: it runs the built binary
//! (`CARGO_BIN_EXE_release-coordinator`) as a child.

use crate::helpers::{backend, json_of, Backend, TestApp, TestUser};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Creates releases in a loop until `stop`, remembering every id answered
/// 201, and every status seen.
fn write_load(
    client: reqwest::Client,
    base: String,
    service_id: String,
    stop: Arc<std::sync::atomic::AtomicBool>,
    ok: Arc<Mutex<Vec<String>>>,
    statuses: Arc<Mutex<Vec<u16>>>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut i = 0u32;
        while !stop.load(std::sync::atomic::Ordering::SeqCst) {
            i += 1;
            let resp = client
                .post(format!("{base}/api/releases"))
                .header("origin", &base)
                .timeout(Duration::from_secs(30))
                .json(
                    &json!({"serviceId": service_id, "title": format!("Load {i}"), "version": "1"}),
                )
                .send()
                .await;
            match resp {
                Ok(r) => {
                    let s = r.status();
                    statuses.lock().unwrap().push(s.as_u16());
                    if s == StatusCode::CREATED {
                        if let Ok(v) = r.json::<Value>().await {
                            if let Some(id) = v["id"].as_str() {
                                ok.lock().unwrap().push(id.to_string());
                            }
                        }
                    }
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    })
}

async fn wait_ready(client: &reqwest::Client, base: &str, want: StatusCode, secs: u64) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    loop {
        let got = client
            .get(format!("{base}/api/health/ready"))
            .timeout(Duration::from_secs(5))
            .send()
            .await
            .map(|r| r.status());
        if got.as_ref().ok() == Some(&want) {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "readiness never said {want} (last: {got:?})"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn postgres_connections_dropped_mid_load_lose_no_acknowledged_write() {
    if backend() != Backend::Postgres {
        return; // the SQLite counterpart is the SIGKILL test below
    }
    use sea_orm::{ConnectionTrait, Database};
    let app = TestApp::spawn().await;
    let (owner, _, _) = app.owner_with_team("Acme").await;
    let svc = json_of(
        owner.post("/api/services", &json!({"name": "Pay"})).await,
        StatusCode::CREATED,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let db_name = app.database_url.rsplit('/').next().unwrap().to_string();
    let admin_url = std::env::var("RC_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let admin = Database::connect(admin_url)
        .await
        .expect("admin connection");

    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let ok = Arc::new(Mutex::new(vec![]));
    let statuses = Arc::new(Mutex::new(vec![]));
    let load: Vec<_> = (0..4)
        .map(|_| {
            write_load(
                owner.client.clone(),
                app.address.clone(),
                svc.clone(),
                stop.clone(),
                ok.clone(),
                statuses.clone(),
            )
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await;

    // The database goes away: no new connections, every open one killed.
    admin
        .execute_unprepared(&format!("ALTER DATABASE {db_name} ALLOW_CONNECTIONS false"))
        .await
        .unwrap();
    admin
        .execute_unprepared(&format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = '{db_name}' AND pid <> pg_backend_pid()"
        ))
        .await
        .unwrap();
    wait_ready(
        &app.client,
        &app.address,
        StatusCode::SERVICE_UNAVAILABLE,
        15,
    )
    .await;
    assert_eq!(
        app.get("/api/health").await.status(),
        StatusCode::OK,
        "alive meanwhile"
    );
    tokio::time::sleep(Duration::from_millis(500)).await;

    // It comes back: the app recovers on its own.
    admin
        .execute_unprepared(&format!("ALTER DATABASE {db_name} ALLOW_CONNECTIONS true"))
        .await
        .unwrap();
    wait_ready(&app.client, &app.address, StatusCode::OK, 30).await;
    let before = ok.lock().unwrap().len();
    tokio::time::sleep(Duration::from_millis(800)).await;
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    for l in load {
        l.await.unwrap();
    }
    let acknowledged = ok.lock().unwrap().clone();
    assert!(
        acknowledged.len() > before,
        "writes succeed again after the outage"
    );
    let seen = statuses.lock().unwrap().clone();
    assert!(
        seen.iter().all(|s| *s == 201 || *s == 503),
        "only successes and 503s: {seen:?}"
    );
    for id in &acknowledged {
        json_of(
            owner.get(&format!("/api/releases/{id}")).await,
            StatusCode::OK,
        )
        .await;
    }
}

/// A free port on loopback (released again for the child to bind).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The server binary, running as a child process.
struct Child {
    process: std::process::Child,
    base: String,
}

impl Child {
    async fn start(data: &std::path::Path, port: u16) -> Child {
        let manifest = env!("CARGO_MANIFEST_DIR");
        let process = std::process::Command::new(env!("CARGO_BIN_EXE_release-coordinator"))
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env(
                "DATABASE_URL",
                format!("sqlite://{}?mode=rwc", data.join("rc.db").display()),
            )
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("RC_DATA_DIR", data)
            .env("RC_CONFIG_FILE", format!("{manifest}/Leptos.toml"))
            .env("LEPTOS_SITE_ROOT", format!("{manifest}/target/site"))
            .env("RC_ITEM_SYNC_SECS", "0")
            .env("RUST_LOG", "error")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start the server binary");
        // Owned at once: dropping it (a panic included) kills and reaps it.
        let child = Child {
            process,
            base: format!("http://127.0.0.1:{port}"),
        };
        let client = reqwest::Client::new();
        for _ in 0..150 {
            if let Ok(r) = client
                .get(format!("{}/api/health", child.base))
                .send()
                .await
            {
                if r.status() == StatusCode::OK {
                    return child;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the server did not start on {}", child.base);
    }

    /// Resident memory in KiB (Linux).
    fn rss_kib(&self) -> u64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.process.id()))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmRSS:"))
                    .and_then(|l| l.split_whitespace().nth(1))
                    .and_then(|n| n.parse().ok())
            })
            .unwrap_or(0)
    }

    fn kill_hard(&mut self) {
        let _ = std::process::Command::new("kill")
            .args(["-KILL", &self.process.id().to_string()])
            .status();
        let _ = self.process.wait();
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

fn cookie_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn sqlite_server_killed_mid_load_loses_no_acknowledged_write() {
    if backend() != Backend::Sqlite {
        return; // the PostgreSQL counterpart is the test above
    }
    let data = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut server = Child::start(data.path(), port).await;
    let base = server.base.clone();
    let client = cookie_client();
    let user = TestUser::generate();
    let post = |path: &str, body: Value| {
        client
            .post(format!("{base}{path}"))
            .header("origin", &base)
            .json(&body)
            .send()
    };
    assert_eq!(
        post(
            "/api/auth/sign-up",
            json!({"email": user.email, "name": user.name, "password": user.password})
        )
        .await
        .unwrap()
        .status(),
        StatusCode::CREATED
    );
    post("/api/teams", json!({"name": "Acme"})).await.unwrap();
    let svc = post("/api/services", json!({"name": "Pay"}))
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();

    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let ok = Arc::new(Mutex::new(vec![]));
    let statuses = Arc::new(Mutex::new(vec![]));
    let load: Vec<_> = (0..4)
        .map(|_| {
            write_load(
                client.clone(),
                base.clone(),
                svc.clone(),
                stop.clone(),
                ok.clone(),
                statuses.clone(),
            )
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    server.kill_hard();
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    for l in load {
        l.await.unwrap();
    }
    let acknowledged = ok.lock().unwrap().clone();
    assert!(!acknowledged.is_empty(), "the load wrote something first");

    let server = Child::start(data.path(), port).await;
    wait_ready(&client, &server.base, StatusCode::OK, 10).await;
    for id in &acknowledged {
        let r = client
            .get(format!("{}/api/releases/{id}", server.base))
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::OK,
            "acknowledged write {id} is there"
        );
    }
}

/// H1, measured on a real process: a flood of sign-ins with ~1 MB emails
/// leaves the server's resident memory flat.
#[tokio::test]
async fn a_flood_of_megabyte_emails_leaves_memory_flat() {
    if backend() != Backend::Sqlite {
        return; // one process measurement is enough
    }
    let data = tempfile::tempdir().unwrap();
    let server = Child::start(data.path(), free_port()).await;
    let client = reqwest::Client::new();
    let send = |i: usize| {
        let body = json!({"email": format!("{i}-{}@x.io", "a".repeat(1_000_000)), "password": "x"});
        client
            .post(format!("{}/api/auth/sign-in", server.base))
            .header("origin", &server.base)
            .json(&body)
            .send()
    };
    // Warm up (allocator pools, connections), then measure. The allocator
    // keeps some of what a megabyte body used (seen: up to ~80 MB more after
    // a short warm-up, varying run to run), so the warm-up is long and the
    // bound generous; what this guards against — keeping the emails, or
    // anything per attempt — grows by the whole 300 MB.
    for i in 0..60 {
        let _ = send(i).await;
    }
    let before = server.rss_kib();
    for i in 60..360 {
        let s = send(i).await.unwrap().status();
        assert!(
            s == StatusCode::UNAUTHORIZED || s == StatusCode::TOO_MANY_REQUESTS,
            "{s}"
        );
    }
    let after = server.rss_kib();
    assert!(
        after < before + 128 * 1024,
        "resident memory grew from {before} KiB to {after} KiB over 300 MB of emails"
    );
}
