//! Several servers, one PostgreSQL: servers started at the same moment on a
//! fresh database migrate once (under an advisory lock) and all serve, and
//! what one writes the other reads. PostgreSQL only: SQLite is one file
//! served by one process (README, "Running on PostgreSQL"); on SQLite this
//! test has nothing to check and returns at once.

use crate::helpers::{backend, json_of, pg_admin_url, pg_url_for, Backend, TestApp, TestUser};
use migration::MigratorTrait;
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Database, Statement};
use serde_json::json;
use std::collections::HashMap;

#[tokio::test]
async fn servers_starting_together_on_a_fresh_database_migrate_once_and_all_serve() {
    if backend() != Backend::Postgres {
        return;
    }
    let name = format!("rc_test_fresh_{}", uuid::Uuid::new_v4().simple());
    let admin = Database::connect(pg_admin_url()).await.unwrap();
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    admin.close().await.ok();
    let url = pg_url_for(&name);
    let vars = || HashMap::from([("DATABASE_URL", url.clone())]);
    let (a, b, c) = tokio::join!(
        TestApp::spawn_with(vars()),
        TestApp::spawn_with(vars()),
        TestApp::spawn_with(vars())
    );
    for app in [&a, &b, &c] {
        let res = app.browser().get("/api/health/ready").await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    let applied =
        a.db.query_one_raw(Statement::from_string(
            a.db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM seaql_migrations",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap();
    assert_eq!(applied as usize, migration::Migrator::migrations().len());

    // One database behind them all: an account made on one signs in on another.
    let user = TestUser::generate();
    a.signed_up(&user).await;
    let other = c.browser();
    json_of(
        other
            .post(
                "/api/auth/sign-in",
                &json!({"email": user.email, "password": user.password}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
}
