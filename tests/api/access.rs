//! Walks the role table (`routes.rs`) over REST and server functions: every
//! role below a route's minimum is refused (401 signed out, 403 otherwise)
//! with a request that would otherwise succeed, and the minimum role gets
//! through. Also: the table lists every route and every server function.

use crate::helpers::TestApp;
use crate::routes::{
    registered_rpc, rpc_name, same_route, send_rest, send_rpc, Access, Fixture, REST, RPC,
};
use reqwest::StatusCode;

/// The team roles, least first.
const ROLES: [Access; 4] = [Access::Viewer, Access::Member, Access::Admin, Access::Owner];

#[tokio::test]
async fn the_role_table_lists_every_route_and_server_function() {
    // The routes are the OpenAPI document's: registering a handler is
    // documenting it (`openapi.rs` checks nothing is mounted around it).
    let app = TestApp::spawn().await;
    let doc = crate::openapi::document(&app).await;
    let declared: Vec<(String, String)> = crate::openapi::operations(&doc)
        .into_iter()
        .map(|(m, p, _)| (m, p))
        .collect();
    assert!(declared.len() > 50, "found only {declared:?}");
    for (method, path) in &declared {
        assert!(
            REST.iter()
                .any(|r| r.method == method && same_route(path, r.path)),
            "{method} /api{path} is not in the role table (tests/api/routes.rs)"
        );
    }
    for r in REST {
        assert!(
            declared
                .iter()
                .any(|(m, p)| m == r.method && same_route(p, r.path)),
            "the table lists {} /api{}, which no longer exists",
            r.method,
            r.path
        );
    }
    let registered = registered_rpc();
    assert!(registered.len() > 50, "{registered:?}");
    for path in &registered {
        let name = rpc_name(path);
        assert!(
            RPC.iter().any(|f| f.name == name),
            "server function {path} is not in the role table (tests/api/routes.rs)"
        );
    }
    for f in RPC {
        assert!(
            registered.iter().any(|p| rpc_name(p) == f.name),
            "the table lists /rpc/{}, which is not registered",
            f.name
        );
    }
}

fn refused(status: StatusCode) -> bool {
    status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN
}

#[tokio::test]
async fn every_rest_route_refuses_the_roles_below_its_minimum() {
    let app = TestApp::spawn().await;
    let fx = Fixture::new(&app).await;
    let anon = app.browser();
    let mut failures = vec![];
    for route in REST.iter().filter(|r| r.access > Access::Public) {
        let path = fx.fill(route.path, false);
        let body = route.body.map(|b| fx.fill(b, false));
        // Signed out: 401.
        let s = send_rest(&anon, route.method, &path, body.clone())
            .await
            .status();
        if s != StatusCode::UNAUTHORIZED {
            failures.push(format!("{} {} signed out: {s}", route.method, route.path));
        }
        if route.access >= Access::Viewer {
            // Signed in, in no team: 403 — or 404 where the route names a
            // team in its path (a team you are not in does not exist for you).
            let s = send_rest(&fx.loner, route.method, &path, body.clone())
                .await
                .status();
            let names_team = route.path.contains("{team}");
            if s != StatusCode::FORBIDDEN && !(names_team && s == StatusCode::NOT_FOUND) {
                failures.push(format!(
                    "{} {} without a team: {s}",
                    route.method, route.path
                ));
            }
            for role in ROLES.iter().filter(|r| **r < route.access) {
                let s = send_rest(fx.as_role(*role), route.method, &path, body.clone())
                    .await
                    .status();
                if s != StatusCode::FORBIDDEN {
                    failures.push(format!("{} {} as {role:?}: {s}", route.method, route.path));
                }
            }
        }
    }
    // The minimum role gets through (ids that exist nowhere where the
    // request would otherwise change the fixture: a 404 is "allowed").
    for route in REST
        .iter()
        .filter(|r| r.access > Access::Public && !r.undoes_fixture && r.path != "/events")
    {
        let who = fx.as_role(match route.access {
            Access::Public | Access::SignedIn => Access::SignedIn,
            a => a,
        });
        let fake = route.method != "GET";
        let path = fx.fill(route.path, fake);
        let body = route.body.map(|b| fx.fill(b, fake));
        let s = send_rest(who, route.method, &path, body).await.status();
        if refused(s) || s == StatusCode::INTERNAL_SERVER_ERROR {
            failures.push(format!(
                "{} {} as its minimum role {:?}: {s}",
                route.method, route.path, route.access
            ));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[tokio::test]
async fn every_server_function_refuses_the_roles_below_its_minimum() {
    let app = TestApp::spawn().await;
    let fx = Fixture::new(&app).await;
    let anon = app.browser();
    let mut failures = vec![];
    for f in RPC.iter().filter(|f| f.access > Access::Public) {
        let form = fx.fill(f.form, false);
        let s = send_rpc(&anon, f.name, form.clone()).await.status();
        if s != StatusCode::UNAUTHORIZED {
            failures.push(format!("/rpc/{} signed out: {s}", f.name));
        }
        if f.access >= Access::Viewer {
            let s = send_rpc(&fx.loner, f.name, form.clone()).await.status();
            let names_team = f.form.contains("{team}");
            if s != StatusCode::FORBIDDEN && !(names_team && s == StatusCode::NOT_FOUND) {
                failures.push(format!("/rpc/{} without a team: {s}", f.name));
            }
            for role in ROLES.iter().filter(|r| **r < f.access) {
                let s = send_rpc(fx.as_role(*role), f.name, form.clone())
                    .await
                    .status();
                if s != StatusCode::FORBIDDEN {
                    failures.push(format!("/rpc/{} as {role:?}: {s}", f.name));
                }
            }
        }
    }
    for f in RPC
        .iter()
        .filter(|f| f.access > Access::Public && !f.undoes_fixture)
    {
        let who = fx.as_role(match f.access {
            Access::Public | Access::SignedIn => Access::SignedIn,
            a => a,
        });
        let form = fx.fill(f.form, true);
        let s = send_rpc(who, f.name, form).await.status();
        if refused(s) || s == StatusCode::INTERNAL_SERVER_ERROR {
            failures.push(format!(
                "/rpc/{} as its minimum role {:?}: {s}",
                f.name, f.access
            ));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
