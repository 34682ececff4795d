//! Inbound webhooks update every linked copy of an item (in any team that
//! linked it) and tell open pages through the live feed. Signatures are
//! checked in constant time before anything is read; unsigned or badly
//! signed requests are 401 and change nothing.
//!
//! - GitHub: `X-Hub-Signature-256`, HMAC-SHA256 of the raw body with
//!   `GITHUB_WEBHOOK_SECRET`; `pull_request` events.
//! - Jira (an admin webhook registered with a secret): `X-Hub-Signature`,
//!   the same `sha256=<hex>` HMAC with `JIRA_WEBHOOK_SECRET`;
//!   `jira:issue_updated` / `jira:issue_created` events. Issue keys repeat
//!   across Jira sites, so only items whose link is on the sending site
//!   (the host of `issue.self`) are touched.

use crate::domain::kinds::ItemType;
use crate::server::db;
use crate::server::db::entities::release_item;
use crate::server::error::{AppError, AppResult};
use crate::server::integrations::jira;
use crate::server::services::items::{self, Fetched};
use crate::server::state::AppState;
use hmac::{Hmac, Mac};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter};
use serde::Deserialize;
use sha2::Sha256;

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

/// Handles one delivery; answers how many items changed.
pub async fn github(
    state: &AppState,
    event: Option<&str>,
    signature: Option<&str>,
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
    let external_id = format!("{}#{number}", repo.full_name);
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
        url: pr.html_url.clone(),
    };
    update_linked(state, ItemType::GithubPr, &external_id, None, fetched).await
}

/// Applies what a webhook said to every linked copy of the item (only
/// those on `site`, when given), in one transaction; publishes changes.
async fn update_linked(
    state: &AppState,
    kind: ItemType,
    external_id: &str,
    site: Option<&str>,
    fetched: Fetched,
) -> AppResult<usize> {
    let linked = release_item::Entity::find()
        .filter(release_item::Column::ItemType.eq(kind.as_str()))
        .filter(release_item::Column::ExternalId.eq(external_id))
        .all(&state.db)
        .await?;
    let linked: Vec<_> = linked
        .into_iter()
        .filter(|i| match (site, i.url.as_deref()) {
            (Some(site), Some(url)) => url.starts_with(site),
            _ => true,
        })
        .collect();
    let n = linked.len();
    let mut events = vec![];
    let txn = db::begin_write(&state.db).await?;
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
}

#[derive(Debug, Deserialize)]
struct JiraHookIssue {
    #[serde(rename = "self")]
    self_url: Option<String>,
    #[serde(flatten)]
    issue: jira::Issue,
}

/// The scheme and host of a URL (`https://acme.atlassian.net`).
fn origin_of(url: &str) -> Option<String> {
    let u = reqwest::Url::parse(url).ok()?;
    Some(format!("{}://{}", u.scheme(), u.host_str()?))
}

/// Handles one Jira delivery; answers how many items changed.
pub async fn jira(state: &AppState, signature: Option<&str>, body: &[u8]) -> AppResult<usize> {
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
    let Some(key) = crate::domain::items::parse_jira_key(&hook.issue.key) else {
        return Err(AppError::bad_request("the issue key is not a Jira key"));
    };
    // Jira always sends `issue.self` (its REST address on the sending site).
    let site = hook
        .self_url
        .as_deref()
        .and_then(origin_of)
        .ok_or_else(|| AppError::bad_request("the issue has no `self` address"))?;
    let fetched = Fetched {
        title: hook.issue.fields.summary.clone().unwrap_or_default(),
        status: hook.issue.status_name().unwrap_or_else(|| "unknown".into()),
        category: hook
            .issue
            .category()
            .unwrap_or_else(|| "indeterminate".into()),
        assignee: hook.issue.assignee(),
        url: hook.issue.browse_url(&site),
    };
    update_linked(state, ItemType::JiraTicket, &key, Some(&site), fetched).await
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
