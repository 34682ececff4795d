//! Inbound webhooks update the linked copies of an item and tell open pages
//! through the live feed. Signatures are checked in constant time before
//! anything is read; unsigned or badly signed requests are 401 and change
//! nothing.
//!
//! - GitHub: `X-Hub-Signature-256`, HMAC-SHA256 of the raw body with
//!   `GITHUB_WEBHOOK_SECRET`; `pull_request` events. The secret is one per
//!   server, so whoever holds it could speak for any repository: an event
//!   only touches items of teams that linked that repository to one of
//!   their services (`githubRepo`).
//! - Jira (an admin webhook registered with a secret): `X-Hub-Signature`,
//!   the same `sha256=<hex>` HMAC with `JIRA_WEBHOOK_SECRET`;
//!   `jira:issue_updated` / `jira:issue_created` events. Issue keys repeat
//!   across Jira sites, so only items linked on the sending site (the
//!   origin of `issue.self`) are touched.
//! - Links are never taken from a payload: they are built from the
//!   repository and number, or the site and key.
//! - Replays are refused (409): every delivery's id (`X-GitHub-Delivery`,
//!   `X-Atlassian-Webhook-Identifier`) and the hash of its signed body are
//!   remembered for [`REPLAY_WINDOW`], and a delivery whose own timestamp
//!   (`pull_request.updated_at`, Jira's `timestamp`) is older than that is
//!   refused too — so a captured delivery can never be played back.

use crate::domain::items::{jira_issue_url, parse_pr, pull_request_url};
use crate::domain::kinds::ItemType;
use crate::server::db;
use crate::server::db::entities::{release, release_item, service, webhook_delivery};
use crate::server::db::scoped::TeamOwned;
use crate::server::error::{AppError, AppResult};
use crate::server::integrations::jira;
use crate::server::services::items::{self, Fetched};
use crate::server::state::AppState;
use hmac::{Hmac, Mac};
use sea_orm::sea_query::{Expr, ExprTrait, Func, Query};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, QueryFilter};
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// How long delivery ids are remembered, and how old a delivery may be.
pub const REPLAY_WINDOW: chrono::Duration = chrono::Duration::days(3);

/// Who sent a delivery.
#[derive(Debug, Clone, Copy)]
pub enum Provider {
    /// GitHub.
    GitHub,
    /// Jira.
    Jira,
}

impl Provider {
    fn as_str(self) -> &'static str {
        match self {
            Self::GitHub => "github",
            Self::Jira => "jira",
        }
    }
}

/// What identifies one delivery: its id header, if sent, and its body.
pub struct Delivery<'a> {
    /// The sender.
    pub provider: Provider,
    /// `X-GitHub-Delivery` / `X-Atlassian-Webhook-Identifier`.
    pub id: Option<&'a str>,
    /// The raw (signed) body.
    pub body: &'a [u8],
}

impl Delivery<'_> {
    /// The keys remembered for this delivery (hashed: fixed size).
    fn keys(&self) -> Vec<String> {
        let hex = |parts: &[&[u8]]| {
            let mut h = Sha256::new();
            for p in parts {
                h.update(p);
            }
            h.finalize()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        };
        let p = self.provider.as_str();
        let mut keys = vec![format!("{p}:body:{}", hex(&[self.body]))];
        if let Some(id) = self.id.filter(|i| !i.trim().is_empty()) {
            keys.push(format!("{p}:id:{}", hex(&[id.trim().as_bytes()])));
        }
        keys
    }
}

/// Refuses a delivery whose own time is outside the replay window.
fn check_fresh(at: Option<chrono::DateTime<chrono::Utc>>) -> AppResult<()> {
    match at {
        Some(t) if db::now() - t > REPLAY_WINDOW => Err(AppError::bad_request(
            "this delivery is too old to be applied",
        )),
        _ => Ok(()),
    }
}

/// Remembers a delivery in the change's transaction; a delivery seen
/// before is a 409 and changes nothing.
async fn remember(conn: &impl sea_orm::ConnectionTrait, d: &Delivery<'_>) -> AppResult<()> {
    let now = db::now();
    for key in d.keys() {
        let row = webhook_delivery::ActiveModel {
            id: Set(key),
            provider: Set(d.provider.as_str().into()),
            received_at: Set(now),
        };
        if let Err(e) = row.insert(conn).await {
            return Err(if db::is_unique_violation(&e) {
                AppError::Conflict("this delivery was already processed".into())
            } else {
                e.into()
            });
        }
    }
    Ok(())
}

/// Checks `sha256=<hex>` against the body, in constant time.
pub fn signature_ok(secret: &[u8], body: &[u8], header: Option<&str>) -> bool {
    let Some(hex) = header.and_then(|h| h.strip_prefix("sha256=")) else {
        return false;
    };
    let Some(given) = (0..hex.len())
        .step_by(2)
        .map(|i| {
            hex.get(i..i + 2)
                .and_then(|b| u8::from_str_radix(b, 16).ok())
        })
        .collect::<Option<Vec<u8>>>()
    else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&given).is_ok()
}

#[derive(Debug, Deserialize)]
struct PrEvent {
    pull_request: Option<crate::server::integrations::github::Pull>,
    number: Option<u64>,
    repository: Option<Repo>,
}

#[derive(Debug, Deserialize)]
struct Repo {
    full_name: String,
}

#[derive(Debug, Deserialize)]
struct UpdatedAt {
    updated_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Debug, Deserialize)]
struct PrTime {
    pull_request: Option<UpdatedAt>,
}

/// Handles one delivery; answers how many items changed.
pub async fn github(
    state: &AppState,
    event: Option<&str>,
    signature: Option<&str>,
    delivery_id: Option<&str>,
    body: &[u8],
) -> AppResult<usize> {
    let secret = state
        .settings
        .github_webhook_secret
        .as_ref()
        .ok_or_else(|| {
            AppError::Unavailable(
                "GitHub webhooks are not configured (GITHUB_WEBHOOK_SECRET)".into(),
            )
        })?;
    if !signature_ok(secret.expose().as_bytes(), body, signature) {
        return Err(AppError::Unauthorized(
            "missing or wrong X-Hub-Signature-256".into(),
        ));
    }
    if event != Some("pull_request") {
        return Ok(0); // ping and other events: nothing to do
    }
    let e: PrEvent = serde_json::from_slice(body)
        .map_err(|_| AppError::bad_request("not a pull_request event payload"))?;
    let (Some(pr), Some(number), Some(repo)) = (e.pull_request, e.number, e.repository) else {
        return Err(AppError::bad_request("not a pull_request event payload"));
    };
    let pr_ref = parse_pr(&format!("{}#{number}", repo.full_name))
        .ok_or_else(|| AppError::bad_request("not a pull request of a GitHub repository"))?;
    let at = serde_json::from_slice::<PrTime>(body)
        .ok()
        .and_then(|t| t.pull_request)
        .and_then(|p| p.updated_at);
    check_fresh(at)?;
    let status = pr.status();
    let fetched = Fetched {
        title: pr.title.clone(),
        status: status.into(),
        category: status.into(),
        assignee: pr
            .assignee
            .as_ref()
            .or(pr.user.as_ref())
            .map(|u| u.login.clone()),
        url: pull_request_url(&state.settings.github_oauth_base, &pr_ref),
    };
    let delivery = Delivery {
        provider: Provider::GitHub,
        id: delivery_id,
        body,
    };
    update_linked(
        state,
        &delivery,
        ItemType::GithubPr,
        &pr_ref.external_id(),
        Scope::Repository(&format!("{}/{}", pr_ref.owner, pr_ref.repo)),
        fetched,
    )
    .await
}

/// Which linked copies a delivery may touch.
enum Scope<'a> {
    /// Items of teams whose services name this repository.
    Repository(&'a str),
    /// Items linked on this Jira site.
    Site(&'a str),
}

/// Applies what a webhook said to the linked copies of the item that
/// `scope` allows, in one transaction with remembering the delivery;
/// publishes changes.
async fn update_linked(
    state: &AppState,
    delivery: &Delivery<'_>,
    kind: ItemType,
    external_id: &str,
    scope: Scope<'_>,
    fetched: Fetched,
) -> AppResult<usize> {
    // An inbound event names an item, not a team: every team's copies
    // (narrowed to the sending repository or site below).
    let mut q = release_item::Entity::find_across_teams()
        .filter(release_item::Column::ItemType.eq(kind))
        .filter(release_item::Column::ExternalId.eq(external_id));
    if let Scope::Repository(repo) = scope {
        let of_repo = Query::select()
            .column((release::Entity, release::Column::Id))
            .from(release::Entity)
            .inner_join(
                service::Entity,
                Expr::col((service::Entity, service::Column::Id))
                    .equals((release::Entity, release::Column::ServiceId)),
            )
            .and_where(
                Expr::expr(Func::lower(Expr::col((
                    service::Entity,
                    service::Column::GithubRepo,
                ))))
                .eq(repo.to_lowercase()),
            )
            .to_owned();
        q = q.filter(release_item::Column::ReleaseId.in_subquery(of_repo));
    }
    let linked: Vec<_> = q
        .all(&state.db)
        .await?
        .into_iter()
        .filter(|i| match scope {
            Scope::Site(site) => items::linked_site(i).as_deref() == Some(site),
            Scope::Repository(_) => true,
        })
        .collect();
    let n = linked.len();
    let mut events = vec![];
    let txn = db::begin_write(&state.db).await?;
    remember(&txn, delivery).await?;
    for item in linked {
        let mut am: release_item::ActiveModel = item.clone().into();
        let change = items::apply(&mut am, &item, fetched.clone());
        let saved = am.update(&txn).await?;
        if let Some((_, status)) = change {
            events.push(items::record_change(&txn, &saved, &status).await?);
        }
    }
    txn.commit().await?;
    state.events.publish(events);
    Ok(n)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct JiraEvent {
    webhook_event: Option<String>,
    issue: Option<JiraHookIssue>,
    /// Milliseconds since the epoch.
    timestamp: Option<i64>,
}

#[derive(Debug, Deserialize)]
struct JiraHookIssue {
    #[serde(rename = "self")]
    self_url: Option<String>,
    #[serde(flatten)]
    issue: jira::Issue,
}

/// Handles one Jira delivery; answers how many items changed.
pub async fn jira(
    state: &AppState,
    signature: Option<&str>,
    delivery_id: Option<&str>,
    body: &[u8],
) -> AppResult<usize> {
    let secret = state.settings.jira_webhook_secret.as_ref().ok_or_else(|| {
        AppError::Unavailable("Jira webhooks are not configured (JIRA_WEBHOOK_SECRET)".into())
    })?;
    if !signature_ok(secret.expose().as_bytes(), body, signature) {
        return Err(AppError::Unauthorized(
            "missing or wrong X-Hub-Signature".into(),
        ));
    }
    let e: JiraEvent = serde_json::from_slice(body)
        .map_err(|_| AppError::bad_request("not a Jira issue event payload"))?;
    let wanted = matches!(
        e.webhook_event.as_deref(),
        Some("jira:issue_updated" | "jira:issue_created")
    );
    let Some(hook) = e.issue.filter(|_| wanted) else {
        return Ok(0); // other events: nothing to do
    };
    check_fresh(
        e.timestamp
            .and_then(chrono::DateTime::from_timestamp_millis),
    )?;
    let Some(key) = crate::domain::items::parse_jira_key(&hook.issue.key) else {
        return Err(AppError::bad_request("the issue key is not a Jira key"));
    };
    // Jira always sends `issue.self` (its REST address on the sending site).
    let site = hook
        .self_url
        .as_deref()
        .and_then(crate::server::integrations::site_origin)
        .ok_or_else(|| AppError::bad_request("the issue has no https `self` address"))?;
    let fetched = Fetched {
        title: hook.issue.fields.summary.clone().unwrap_or_default(),
        status: hook.issue.status_name().unwrap_or_else(|| "unknown".into()),
        category: hook
            .issue
            .category()
            .unwrap_or_else(|| "indeterminate".into()),
        assignee: hook.issue.assignee(),
        url: jira_issue_url(&site, &key),
    };
    let delivery = Delivery {
        provider: Provider::Jira,
        id: delivery_id,
        body,
    };
    update_linked(
        state,
        &delivery,
        ItemType::JiraTicket,
        &key,
        Scope::Site(&site),
        fetched,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::signature_ok;

    #[test]
    fn signatures_are_checked() {
        // GitHub's documented example: secret "It's a Secret to Everybody".
        let secret = b"It's a Secret to Everybody";
        let body = b"Hello, World!";
        let good = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
        assert!(signature_ok(secret, body, Some(good)));
        assert!(!signature_ok(secret, b"Hello, World?", Some(good)));
        assert!(!signature_ok(secret, body, None));
        assert!(!signature_ok(secret, body, Some("sha1=abc")));
        assert!(!signature_ok(secret, body, Some("sha256=zz")));
    }
}
