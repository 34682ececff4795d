//! Inbound GitHub webhooks: `pull_request` events update every linked item
//! of that pull request (in any team that linked it) and tell open pages
//! through the live feed. The signature (`X-Hub-Signature-256`, HMAC-SHA256
//! of the raw body with `GITHUB_WEBHOOK_SECRET`) is checked in constant time
//! before anything is read; unsigned or badly signed requests are 401.

use crate::domain::kinds::{ActivityType, ItemType};
use crate::server::db;
use crate::server::db::entities::release_item;
use crate::server::error::{AppError, AppResult};
use crate::server::services::activity::{self, NewActivity};
use crate::server::state::AppState;
use hmac::{Hmac, Mac};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde::Deserialize;
use serde_json::json;
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
    action: Option<String>,
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
    let items = release_item::Entity::find()
        .filter(release_item::Column::ItemType.eq(ItemType::GithubPr.as_str()))
        .filter(release_item::Column::ExternalId.eq(external_id.as_str()))
        .all(&state.db)
        .await?;
    let status = pr.status();
    let mut events = vec![];
    let n = items.len();
    let txn = db::begin_write(&state.db).await?;
    for item in items {
        let (team, release) = (item.team_id.clone(), item.release_id.clone());
        let before = item.status.clone();
        let mut am: release_item::ActiveModel = item.into();
        am.status = Set(Some(status.into()));
        am.status_category = Set(Some(status.into()));
        am.title = Set(Some(pr.title.clone()));
        am.url = Set(Some(pr.html_url.clone()));
        am.assignee = Set(pr
            .assignee
            .as_ref()
            .or(pr.user.as_ref())
            .map(|u| u.login.clone()));
        am.last_synced_at = Set(Some(db::now()));
        am.sync_error = Set(None);
        am.update(&txn).await?;
        if before.as_deref() != Some(status) {
            events.push(
                activity::record_system(
                    &txn,
                    &team,
                    NewActivity {
                        kind: ActivityType::ReleaseUpdated,
                        release_id: Some(&release),
                        action: "item_synced",
                        description: format!("GitHub: {external_id} is now {status}"),
                        metadata: Some(json!({"externalId": external_id, "status": status, "action": e.action})),
                    },
                )
                .await?,
            );
        }
    }
    txn.commit().await?;
    state.events.publish(events);
    Ok(n)
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
