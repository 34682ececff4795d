//! The OpenAPI 3.1 document of `/api` (`GET /api/openapi.json`), generated
//! from the code: each handler's `#[utoipa::path]` (method, path,
//! parameters, body, answers; its doc comment is the summary) and the views'
//! `ToSchema` derives (their doc comments describe the fields). Registering
//! a handler with `routes!` is what mounts it, so the router and the
//! document cannot disagree.
//!
//! What every operation shares is added here, once, from the rules the
//! server itself applies:
//! - who may call it: no credential on the routes `server::auth` leaves
//!   open and on those a handler marks `security(())`; the session cookie
//!   only on a person's routes (`auth::is_personal_route`, where a token is
//!   refused); the session cookie or an API token everywhere else;
//! - how it fails: every refusal is `{"error": …}` (`#/components/schemas/Error`),
//!   listed as 401/403 where a credential is needed, 404 where the path
//!   names something, 400/413 where there is a body, and `default` for the
//!   rest.

use crate::server::auth::{is_open_route, is_personal_route, SESSION_COOKIE};
use crate::server::state::AppState;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder};
use utoipa::openapi::security::{SecurityRequirement, SecurityScheme};
use utoipa::openapi::{
    ContentBuilder, InfoBuilder, OpenApi, OpenApiBuilder, Ref, RefOr, ResponseBuilder, Tag,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The security scheme of the browser's session cookie.
pub const SESSION: &str = "session";
/// The security scheme of a team API token (`Authorization: Bearer rc_…`).
pub const TOKEN: &str = "apiToken";

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default().routes(routes!(spec))
}

/// This document
///
/// The OpenAPI 3.1 description of every `/api` route. Public.
#[utoipa::path(get, path = "/openapi.json", tag = "meta", security(()),
    responses((status = 200, description = "The document", content_type = "application/json")))]
async fn spec() -> Response {
    static JSON: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let body = JSON
        .get_or_init(|| serde_json::to_string(super::document()).unwrap_or_else(|_| "{}".into()));
    ([(header::CONTENT_TYPE, "application/json")], body.as_str()).into_response()
}

/// The document before the routes are added: what the API is, its tags in
/// reading order.
pub(super) fn base() -> OpenApi {
    let tag = |name: &str, about: &str| {
        let mut t = Tag::new(name);
        t.description = Some(about.into());
        t
    };
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("Release Coordinator API")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(INTRO))
                .build(),
        )
        .tags(Some([
            tag(
                "releases",
                "Releases, their comments and activity, the live stream",
            ),
            tag("catalog", "Services, and searching everything of the team"),
            tag(
                "policy",
                "Release policy: freezes, rules, approvals, the checks of a move",
            ),
            tag(
                "planning",
                "Sprints, deployment groups, dependencies, items, dashboard, calendar",
            ),
            tag(
                "automation",
                "API tokens, deployments reported by CI, outgoing webhooks",
            ),
            tag("teams", "Teams, members, invitations, settings"),
            tag("auth", "Accounts and sessions"),
            tag(
                "integrations",
                "Jira and GitHub through the caller's connections; Slack",
            ),
            tag(
                "inbound webhooks",
                "Events from GitHub and Jira (signed by them)",
            ),
            tag("meta", "Health checks and this document"),
        ]))
        .build()
}

const INTRO: &str = "\
Every route below is under `/api` and answers JSON.

**Credentials.** A browser signs in (`POST /api/auth/sign-in`) and sends the \
session cookie; a state-changing request with a cookie must come from this \
site (its `Origin`). A script sends a team API token: `Authorization: Bearer \
rc_…` (Settings → API tokens); the token acts for its team with its role, \
and a bearer header wins over a cookie. A person's own routes (account, \
teams, invitations, OAuth connections, tokens) take the cookie only.

**Team scope.** Team routes act on the current team: the one selected in the \
session, or the token's team. With none: 403.

**Errors.** Every refusal is `{\"error\": \"message\"}`; a validation error \
adds `fields` with a message per field. Bodies over 1 MB: 413.

**Lists** take `?limit=` (1–500, default 100) and `?cursor=` and answer \
`{\"items\": […], \"nextCursor\": …}`; pass `nextCursor` back for the next page.";

/// Completes the document: security schemes, each operation's credentials
/// and its error answers.
pub(super) fn finish(mut doc: OpenApi) -> OpenApi {
    let components = doc.components.get_or_insert_with(Default::default);
    components.security_schemes.insert(
        SESSION.into(),
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            SESSION_COOKIE,
            "The session cookie set by signing in (`__Host-rc_session` over https).",
        ))),
    );
    components.security_schemes.insert(
        TOKEN.into(),
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("rc_…")
                .description(Some("A team API token (Settings → API tokens)."))
                .build(),
        ),
    );
    for (name, about) in ERRORS {
        components.responses.insert(
            name.into(),
            RefOr::T(
                ResponseBuilder::new()
                    .description(about)
                    .content(
                        "application/json",
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("Error")))
                            .build(),
                    )
                    .build(),
            ),
        );
    }
    for (path, item) in doc.paths.paths.iter_mut() {
        for (method, op) in [
            ("get", &mut item.get),
            ("post", &mut item.post),
            ("put", &mut item.put),
            ("patch", &mut item.patch),
            ("delete", &mut item.delete),
        ] {
            if let Some(op) = op {
                op.operation_id = Some(operation_id(method, path));
                complete(path, op);
            }
        }
    }
    doc
}

/// The shared error answers (`#/components/responses/…`), all `{"error": …}`.
const ERRORS: [(&str, &str); 6] = [
    (
        "BadRequest",
        "Invalid input: the message says what, `fields` which field",
    ),
    ("PayloadTooLarge", "The body is over 1 MB"),
    ("Unauthorized", "No valid session or token"),
    (
        "Forbidden",
        "Not allowed: the role is too low, no team is selected, or a token on a person's route",
    ),
    ("NotFound", "Not found (or another team's)"),
    ("Error", "Any other refusal or failure"),
];

/// A name for an operation that is unique because its route is:
/// `GET /api/releases/{id}/comments` is `getReleasesByIdComments` (handler
/// names repeat across modules: `list`, `create`, …).
fn operation_id(method: &str, path: &str) -> String {
    let mut out = method.to_string();
    for seg in path
        .trim_start_matches("/api")
        .split('/')
        .filter(|s| !s.is_empty())
    {
        let (prefix, word) = match seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(param) => ("By", param),
            None => ("", seg),
        };
        out.push_str(prefix);
        for part in word.split(['-', '_', '.']).filter(|p| !p.is_empty()) {
            let mut c = part.chars();
            if let Some(first) = c.next() {
                out.extend(first.to_uppercase());
                out.push_str(c.as_str());
            }
        }
    }
    out
}

/// One operation's credentials and error answers.
fn complete(path: &str, op: &mut Operation) {
    let marked_public = op.security.as_ref().is_some_and(|reqs| {
        reqs.iter()
            .all(|r| serde_json::to_value(r).is_ok_and(|v| v == serde_json::json!({})))
    });
    let needs_credential = !(marked_public || is_open_route(path));
    op.security = Some(if !needs_credential {
        vec![]
    } else if is_personal_route(path) {
        vec![SecurityRequirement::new::<_, [&str; 0], &str>(SESSION, [])]
    } else {
        vec![
            SecurityRequirement::new::<_, [&str; 0], &str>(SESSION, []),
            SecurityRequirement::new::<_, [&str; 0], &str>(TOKEN, []),
        ]
    });
    let mut errors: Vec<(&str, &str)> = vec![];
    if op.request_body.is_some() {
        errors.push(("400", "BadRequest"));
        errors.push(("413", "PayloadTooLarge"));
    }
    if needs_credential {
        errors.push(("401", "Unauthorized"));
        errors.push(("403", "Forbidden"));
    }
    if path.contains('{') {
        errors.push(("404", "NotFound"));
    }
    errors.push(("default", "Error"));
    for (status, name) in errors {
        op.responses
            .responses
            .entry(status.into())
            .or_insert_with(|| RefOr::Ref(Ref::from_response_name(name)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_ids_follow_the_route() {
        assert_eq!(
            operation_id("get", "/api/releases/{id}/comments"),
            "getReleasesByIdComments"
        );
        assert_eq!(
            operation_id("post", "/api/team/api-tokens"),
            "postTeamApiTokens"
        );
        assert_eq!(operation_id("get", "/api/openapi.json"), "getOpenapiJson");
    }

    #[test]
    fn every_operation_has_its_credentials_and_errors() {
        let doc = serde_json::to_value(crate::server::api::document()).unwrap();
        let op = |m: &str, p: &str| doc["paths"][p][m].clone();
        assert_eq!(op("get", "/api/health")["security"], serde_json::json!([]));
        assert_eq!(
            op("post", "/api/auth/sign-in")["security"],
            serde_json::json!([])
        );
        assert_eq!(
            op("get", "/api/me")["security"],
            serde_json::json!([{"session": []}])
        );
        assert_eq!(
            op("get", "/api/releases")["security"],
            serde_json::json!([{"session": []}, {"apiToken": []}])
        );
        let r = op("patch", "/api/releases/{id}")["responses"].clone();
        for status in ["200", "400", "401", "403", "404", "409", "413", "default"] {
            assert!(r[status].is_object(), "{status} in {r}");
        }
        assert_eq!(r["401"]["$ref"], "#/components/responses/Unauthorized");
        let ids: Vec<String> = doc["paths"]
            .as_object()
            .unwrap()
            .values()
            .flat_map(|item| {
                ["get", "post", "put", "patch", "delete"].map(|m| item[m]["operationId"].clone())
            })
            .filter_map(|v| v.as_str().map(String::from))
            .collect();
        let unique: std::collections::BTreeSet<&String> = ids.iter().collect();
        assert_eq!(ids.len(), unique.len(), "operation ids repeat");
    }
}
