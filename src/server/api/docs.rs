//! `GET /api/docs`: the OpenAPI document as a page people read — every
//! operation by area with its credentials, parameters, body and answers,
//! then every schema with its fields. Rendered here, once per process, from
//! the same document `/api/openapi.json` serves: plain HTML with one inline
//! style sheet (allowed by its hash), no script, nothing from a CDN, so it
//! works offline, without JavaScript and behind the strictest proxy.

use crate::server::state::AppState;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};
use std::fmt::Write;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default().routes(routes!(page))
}

/// This reference, as a page
///
/// A readable page of the OpenAPI document. Public.
#[utoipa::path(get, path = "/docs", tag = "meta", security(()),
    responses((status = 200, description = "An HTML page", content_type = "text/html")))]
async fn page() -> Response {
    static PAGE: std::sync::OnceLock<(String, String)> = std::sync::OnceLock::new();
    let (html, csp) = PAGE.get_or_init(|| {
        let doc = serde_json::to_value(super::document()).unwrap_or_default();
        (render(&doc), csp())
    });
    let mut res = (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        html.clone(),
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(csp) {
        res.headers_mut().insert(header::CONTENT_SECURITY_POLICY, v);
    }
    res
}

/// Nothing may load or run but the page's own style sheet.
fn csp() -> String {
    use base64::Engine;
    use sha2::Digest;
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(STYLE));
    format!("default-src 'none'; style-src 'sha256-{hash}'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
}

const STYLE: &str = "
:root{color-scheme:light dark;--bg:#fff;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--panel:#f6f8fa;--link:#0969da;
--get:#1a7f37;--post:#0969da;--patch:#9a6700;--put:#8250df;--delete:#cf222e}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;--panel:#151b23;
--link:#4493f8;--get:#3fb950;--post:#4493f8;--patch:#d29922;--put:#ab7df8;--delete:#f85149}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.55 system-ui,-apple-system,'Segoe UI',sans-serif}
a{color:var(--link)}
code,.path{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.wrap{display:grid;grid-template-columns:17rem minmax(0,1fr);max-width:82rem;margin:0 auto}
nav{position:sticky;top:0;align-self:start;max-height:100vh;overflow:auto;padding:1.25rem 1rem;border-right:1px solid var(--line);font-size:13px}
nav h2{font-size:12px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);margin:1rem 0 .3rem}
nav ul{list-style:none;margin:0;padding:0}nav li{margin:.1rem 0}
nav a{text-decoration:none;color:var(--fg)}nav a:hover{text-decoration:underline}
main{padding:1.5rem 2.5rem 4rem;min-width:0}
h1{margin:0 0 .25rem;font-size:1.7rem}h2.area{margin:2.5rem 0 .25rem;padding-top:.5rem;border-top:1px solid var(--line)}
.sub{color:var(--muted);margin:0 0 1rem}
.op{border:1px solid var(--line);border-radius:8px;margin:1rem 0;padding:.9rem 1.1rem}
.op h3{margin:0;font-size:1rem;display:flex;gap:.6rem;align-items:baseline;flex-wrap:wrap}
.m{display:inline-block;min-width:4.2rem;text-align:center;border-radius:4px;padding:.05rem .4rem;font:600 12px/1.6 ui-monospace,monospace;color:#fff}
.m.get{background:var(--get)}.m.post{background:var(--post)}.m.patch{background:var(--patch)}.m.put{background:var(--put)}.m.delete{background:var(--delete)}
.summary{font-weight:600}.cred{color:var(--muted);font-size:13px;margin:.35rem 0 0}
table{border-collapse:collapse;width:100%;margin:.5rem 0;font-size:14px}
th,td{text-align:left;vertical-align:top;border-top:1px solid var(--line);padding:.35rem .6rem .35rem 0}
th{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);border-top:0}
td p{margin:0}.req{color:var(--delete);font-size:12px}
h4{margin:.8rem 0 .2rem;font-size:13px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
.schema{border-top:1px solid var(--line);padding:.6rem 0}.schema h3{margin:.2rem 0;font-size:1rem}
@media (max-width:800px){.wrap{grid-template-columns:1fr}nav{position:static;max-height:none;border-right:0;border-bottom:1px solid var(--line)}main{padding:1rem}}
";

fn esc(s: &str) -> String {
    html_escape::encode_text(s).into_owned()
}

/// Our own Markdown (doc comments), to HTML.
fn markdown(s: &str) -> String {
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, pulldown_cmark::Parser::new(s));
    out
}

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

fn anchor(method: &str, path: &str) -> String {
    let mut a = format!("op-{method}");
    for c in path.chars() {
        a.push(if c.is_ascii_alphanumeric() { c } else { '-' });
    }
    a
}

/// The page.
fn render(doc: &Value) -> String {
    let empty = Map::new();
    let title = doc["info"]["title"].as_str().unwrap_or("API");
    let version = doc["info"]["version"].as_str().unwrap_or("");
    let paths = doc["paths"].as_object().unwrap_or(&empty);
    let schemas = doc["components"]["schemas"].as_object().unwrap_or(&empty);
    let tags: Vec<&str> = doc["tags"]
        .as_array()
        .map(|t| t.iter().filter_map(|t| t["name"].as_str()).collect())
        .unwrap_or_default();
    // Operations by tag, in the document's path order.
    let ops_of = |tag: &str| -> Vec<(&str, &str, &Value)> {
        let mut out = vec![];
        for (path, item) in paths {
            for m in METHODS {
                let op = &item[m];
                let first = op["tags"][0].as_str().unwrap_or("other");
                if op.is_object() && first == tag {
                    out.push((m, path.as_str(), op));
                }
            }
        }
        out
    };

    let mut nav = String::new();
    let mut body = String::new();
    for tag in &tags {
        let ops = ops_of(tag);
        if ops.is_empty() {
            continue;
        }
        let about = doc["tags"]
            .as_array()
            .and_then(|t| t.iter().find(|t| t["name"] == *tag))
            .and_then(|t| t["description"].as_str())
            .unwrap_or("");
        let _ = write!(nav, "<h2>{}</h2><ul>", esc(tag));
        let _ = write!(
            body,
            "<h2 class=\"area\" id=\"tag-{}\">{}</h2><p class=\"sub\">{}</p>",
            esc(&tag.replace(' ', "-")),
            esc(&capitalised(tag)),
            esc(about)
        );
        for (m, path, op) in ops {
            let id = anchor(m, path);
            let summary = op["summary"].as_str().unwrap_or("");
            let _ = write!(
                nav,
                "<li><a href=\"#{id}\"><span class=\"path\">{} {}</span></a></li>",
                m.to_uppercase(),
                esc(path)
            );
            let _ = write!(
                body,
                "<section class=\"op\" id=\"{id}\"><h3><span class=\"m {m}\">{}</span>\
                 <span class=\"path\">{}</span><span class=\"summary\">{}</span></h3>",
                m.to_uppercase(),
                esc(path),
                esc(summary)
            );
            let _ = write!(
                body,
                "<p class=\"cred\">{}</p>",
                credentials(&op["security"])
            );
            if let Some(d) = op["description"].as_str() {
                body.push_str(&markdown(d));
            }
            parameters(&mut body, &op["parameters"]);
            if let Some(content) = op["requestBody"]["content"].as_object() {
                body.push_str("<h4>Body</h4><table><tr><th>Content type</th><th>Schema</th></tr>");
                for (ct, c) in content {
                    let _ = write!(
                        body,
                        "<tr><td><code>{}</code></td><td>{}</td></tr>",
                        esc(ct),
                        type_of(&c["schema"])
                    );
                }
                body.push_str("</table>");
            }
            body.push_str(
                "<h4>Answers</h4><table><tr><th>Status</th><th>Meaning</th><th>Body</th></tr>",
            );
            if let Some(rs) = op["responses"].as_object() {
                for (status, r) in rs {
                    let r = match r["$ref"].as_str() {
                        Some(name) => {
                            &doc["components"]["responses"][name.rsplit('/').next().unwrap_or("")]
                        }
                        None => r,
                    };
                    let shape = r["content"]
                        .as_object()
                        .and_then(|c| c.iter().next())
                        .map(|(ct, c)| {
                            if c["schema"].is_null() {
                                format!("<code>{}</code>", esc(ct))
                            } else {
                                type_of(&c["schema"])
                            }
                        })
                        .unwrap_or_default();
                    let _ = write!(
                        body,
                        "<tr><td><code>{}</code></td><td>{}</td><td>{shape}</td></tr>",
                        esc(status),
                        markdown(r["description"].as_str().unwrap_or(""))
                    );
                }
            }
            body.push_str("</table></section>");
        }
        nav.push_str("</ul>");
    }

    nav.push_str("<h2>Schemas</h2><ul>");
    body.push_str("<h2 class=\"area\" id=\"schemas\">Schemas</h2><p class=\"sub\">The shapes of bodies and answers; fields are camelCase.</p>");
    for (name, schema) in schemas {
        let _ = write!(
            nav,
            "<li><a href=\"#schema-{0}\"><code>{0}</code></a></li>",
            esc(name)
        );
        let _ = write!(
            body,
            "<section class=\"schema\" id=\"schema-{0}\"><h3><code>{0}</code></h3>",
            esc(name)
        );
        describe_schema(&mut body, schema);
        body.push_str("</section>");
    }
    nav.push_str("</ul>");

    let intro = markdown(doc["info"]["description"].as_str().unwrap_or(""));
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{t} — reference</title><style>{STYLE}</style></head><body><div class=\"wrap\">\
         <nav aria-label=\"Operations\"><strong>{t}</strong>{nav}</nav>\
         <main><h1>{t}</h1><p class=\"sub\">Version {v} · OpenAPI 3.1 · \
         <a href=\"/api/openapi.json\">openapi.json</a> · <a href=\"/\">Back to the app</a></p>\
         {intro}{body}</main></div></body></html>",
        t = esc(title),
        v = esc(version),
    )
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn credentials(security: &Value) -> String {
    let schemes: Vec<&str> = security
        .as_array()
        .map(|reqs| {
            reqs.iter()
                .filter_map(|r| r.as_object()?.keys().next().map(String::as_str))
                .collect()
        })
        .unwrap_or_default();
    match schemes.as_slice() {
        [] => "Public: no credential.".into(),
        [one] if *one == super::openapi::SESSION => {
            "A person's session (signed in in a browser); API tokens are refused.".into()
        }
        _ => "A session or an API token (<code>Authorization: Bearer rc_…</code>).".into(),
    }
}

fn parameters(out: &mut String, params: &Value) {
    let Some(list) = params.as_array().filter(|l| !l.is_empty()) else {
        return;
    };
    out.push_str("<h4>Parameters</h4><table><tr><th>Name</th><th>In</th><th>Type</th><th>Description</th></tr>");
    for p in list {
        let required = if p["required"].as_bool() == Some(true) {
            " <span class=\"req\">required</span>"
        } else {
            ""
        };
        let _ = write!(
            out,
            "<tr><td><code>{}</code>{required}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(p["name"].as_str().unwrap_or("")),
            esc(p["in"].as_str().unwrap_or("")),
            type_of(&p["schema"]),
            markdown(p["description"].as_str().unwrap_or(""))
        );
    }
    out.push_str("</table>");
}

/// A schema's fields (or its values, for an enumeration).
fn describe_schema(out: &mut String, schema: &Value) {
    if let Some(d) = schema["description"].as_str() {
        out.push_str(&markdown(d));
    }
    let parts: Vec<&Value> = match schema["allOf"].as_array() {
        Some(all) => all.iter().collect(),
        None => vec![schema],
    };
    let mut rows = String::new();
    for part in parts {
        if part["$ref"].is_string() {
            let _ = write!(out, "<p>Everything in {}, and:</p>", type_of(part));
        }
        let required: Vec<&str> = part["required"]
            .as_array()
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if let Some(props) = part["properties"].as_object() {
            for (field, p) in props {
                let req = if required.contains(&field.as_str()) {
                    " <span class=\"req\">required</span>"
                } else {
                    ""
                };
                let _ = write!(
                    rows,
                    "<tr><td><code>{}</code>{req}</td><td>{}</td><td>{}</td></tr>",
                    esc(field),
                    type_of(p),
                    markdown(p["description"].as_str().unwrap_or(""))
                );
            }
        }
    }
    if !rows.is_empty() {
        let _ = write!(
            out,
            "<table><tr><th>Field</th><th>Type</th><th>Description</th></tr>{rows}</table>"
        );
    } else if let Some(values) = enum_values(schema) {
        let _ = write!(out, "<p>One of: {values}</p>");
    } else {
        let _ = write!(out, "<p>{}</p>", type_of(schema));
    }
}

fn enum_values(schema: &Value) -> Option<String> {
    let values: Vec<String> = match (schema["enum"].as_array(), schema["oneOf"].as_array()) {
        (Some(e), _) => e
            .iter()
            .map(|v| format!("<code>{}</code>", esc(&v.to_string())))
            .collect(),
        (None, Some(alts)) => {
            let each: Option<Vec<String>> = alts
                .iter()
                .map(|a| {
                    let v = a["enum"].as_array()?.first()?;
                    let about = a["description"]
                        .as_str()
                        .map(|d| format!(" ({})", esc(d)))
                        .unwrap_or_default();
                    Some(format!("<code>{}</code>{about}", esc(&v.to_string())))
                })
                .collect();
            each?
        }
        _ => return None,
    };
    Some(values.join(", "))
}

/// A schema as a short type expression, linking named schemas.
fn type_of(s: &Value) -> String {
    if let Some(r) = s["$ref"].as_str() {
        let name = r.rsplit('/').next().unwrap_or(r);
        return format!("<a href=\"#schema-{0}\"><code>{0}</code></a>", esc(name));
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(alts) = s[key].as_array() {
            if enum_values(s).is_some() && key == "oneOf" {
                return "enumeration".into();
            }
            return alts.iter().map(type_of).collect::<Vec<_>>().join(" | ");
        }
    }
    if let Some(all) = s["allOf"].as_array() {
        return all.iter().map(type_of).collect::<Vec<_>>().join(" & ");
    }
    if let Some(e) = s["enum"].as_array() {
        return e
            .iter()
            .map(|v| format!("<code>{}</code>", esc(&v.to_string())))
            .collect::<Vec<_>>()
            .join(" | ");
    }
    let types: Vec<&str> = match &s["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    let one = |t: &str| -> String {
        match t {
            "array" => format!("{}[]", type_of(&s["items"])),
            "object" if s["additionalProperties"].is_object() => {
                format!("map of {}", type_of(&s["additionalProperties"]))
            }
            "string" => match s["format"].as_str() {
                Some(f) => format!("string ({})", esc(f)),
                None => "string".into(),
            },
            other => esc(other),
        }
    };
    if types.is_empty() {
        return if s.is_object() && s.as_object().is_some_and(|o| !o.is_empty()) {
            "object".into()
        } else {
            "any".into()
        };
    }
    types.iter().map(|t| one(t)).collect::<Vec<_>>().join(" | ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn types_read_as_short_expressions() {
        assert_eq!(
            type_of(&json!({"type": ["string", "null"]})),
            "string | null"
        );
        assert_eq!(
            type_of(
                &json!({"type": "array", "items": {"$ref": "#/components/schemas/ReleaseView"}})
            ),
            "<a href=\"#schema-ReleaseView\"><code>ReleaseView</code></a>[]"
        );
        assert_eq!(
            type_of(&json!({"type": "string", "format": "date-time"})),
            "string (date-time)"
        );
        assert_eq!(type_of(&json!({})), "any");
    }

    #[test]
    fn the_page_escapes_what_it_shows() {
        let doc = json!({"info": {"title": "<x>", "version": "1"}, "tags": [{"name": "t"}],
            "paths": {"/a/{id}": {"get": {"tags": ["t"], "summary": "<script>", "responses": {}}}}});
        let html = render(&doc);
        assert!(html.contains("&lt;script&gt;") && !html.contains("<script>"));
        assert!(html.contains("&lt;x&gt;"));
    }
}
