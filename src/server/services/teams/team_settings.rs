//! Team settings: the Slack webhook (encrypted at rest, shown masked), the
//! test message, and what the settings page shows.

use crate::domain::kinds::ResourceType;
use crate::domain::validation;
use crate::server::access::{Admin, TeamContext};
use crate::server::crypto::Cipher;
use crate::server::db::entities::team;
use crate::server::db::scoped::TeamOwned;
use crate::server::db::{self};
use crate::server::error::{AppError, AppResult};
use crate::server::services::{activity, ts};
use crate::server::state::AppState;
use crate::views::*;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
};

/// The settings as shown, with the count of notifications given up.
async fn settings_of(state: &AppState, t: team::Model) -> AppResult<TeamSettingsView> {
    let failed = failed_count(state, &t.id).await?;
    Ok(settings_with(state, t, failed))
}

/// How many of the team's notifications were given up.
async fn failed_count(state: &AppState, team_id: &crate::domain::ids::TeamId) -> AppResult<u64> {
    Ok(
        crate::server::db::entities::outbox::Entity::find_in_team(team_id)
            .filter(crate::server::db::entities::outbox::Column::FailedAt.is_not_null())
            .filter(
                crate::server::db::entities::outbox::Column::Kind
                    .eq(crate::server::jobs::outbox::SLACK_MESSAGE),
            )
            .count(&state.db)
            .await?,
    )
}

/// The settings with `failed` given-up notifications.
fn settings_with(state: &AppState, t: team::Model, failed: u64) -> TeamSettingsView {
    let mut v = settings_view(t, &state.cipher);
    v.slack_failed_messages = failed;
    v
}

fn settings_view(t: team::Model, cipher: &Cipher) -> TeamSettingsView {
    let hint = t
        .slack_webhook_url
        .as_deref()
        .and_then(|enc| cipher.decrypt(enc).ok())
        .map(|url| mask_webhook(url.expose()));
    TeamSettingsView {
        name: t.name,
        slack_webhook_configured: t.slack_webhook_url.is_some(),
        slack_webhook_hint: hint,
        slack_channel: t.slack_channel,
        notify_on_status_change: t.notify_on_status_change,
        notify_on_blocked: t.notify_on_blocked,
        notify_on_ready_to_deploy: t.notify_on_ready_to_deploy,
        slack_last_error: t.slack_last_error,
        slack_last_error_at: t.slack_last_error_at.map(ts),
        slack_failed_messages: 0,
    }
}

/// `https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXy9z` →
/// `https://hooks.slack.com/services/…/…/…Xy9z`: enough to recognise, never enough to use.
pub fn mask_webhook(url: &str) -> String {
    let (origin, path) = match url
        .find("://")
        .and_then(|i| url[i + 3..].find('/').map(|j| i + 3 + j))
    {
        Some(p) => (&url[..p], &url[p..]),
        None => return "…".into(),
    };
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let n = segments.len();
    let masked: Vec<String> = segments
        .iter()
        .enumerate()
        .map(|(i, s)| {
            if i == 0 && n > 1 {
                s.to_string()
            } else if i + 1 == n {
                let tail: String = s
                    .chars()
                    .rev()
                    .take(4)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                format!("…{tail}")
            } else {
                "…".to_string()
            }
        })
        .collect();
    format!("{origin}/{}", masked.join("/"))
}

/// Checks a Slack webhook URL: `https://hooks.slack.com/…`, or any http(s)
/// URL whose host is in `RC_OUTBOUND_ALLOW_HOSTS` (so the server cannot be
/// made to call private addresses).
pub fn validate_webhook_url(url: &str, allow_hosts: &[String]) -> AppResult<String> {
    let url = url.trim();
    let bad = || {
        AppError::invalid_field(
            "slackWebhookUrl",
            "the webhook URL must start with https://hooks.slack.com/",
        )
    };
    let (scheme, rest) = url.split_once("://").ok_or_else(bad)?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@')
        || url.len() > 2000
        || url.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(bad());
    }
    let host = authority
        .rsplit_once(':')
        .map(|(h, _)| h)
        .unwrap_or(authority)
        .to_lowercase();
    let allowed_extra =
        allow_hosts.iter().any(|h| h == &host) && matches!(scheme, "http" | "https");
    let slack = scheme == "https" && host == "hooks.slack.com" && rest.len() > authority.len() + 1;
    if slack || allowed_extra {
        Ok(url.to_string())
    } else {
        Err(bad())
    }
}

/// `GET /api/team/settings` (any member).
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id()))]
pub async fn settings(state: &AppState, ctx: &TeamContext) -> AppResult<TeamSettingsView> {
    // The count first, then the team row: the outbox worker writes a give-up
    // and its error text in one transaction, so a count that includes it
    // comes with the text that says so (never "retrying" beside "1 failed").
    let failed = failed_count(state, ctx.team_id()).await?;
    let t = team::Entity::find_by_id(ctx.team_id().clone())
        .one(&state.db)
        .await?
        .ok_or_else(|| AppError::not_found("team"))?;
    Ok(settings_with(state, t, failed))
}

/// The fields `PATCH /api/team/settings` accepts; absent fields are unchanged.
#[derive(Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SettingsPatch {
    /// Team name.
    pub name: Option<String>,
    /// Full webhook URL; empty string clears it.
    pub slack_webhook_url: Option<String>,
    /// Channel override; empty string clears it.
    pub slack_channel: Option<String>,
    /// Switch: notify Slack on status changes.
    pub notify_on_status_change: Option<bool>,
    /// Switch: notify Slack on blocked/unblocked.
    pub notify_on_blocked: Option<bool>,
    /// Switch: notify Slack when a release is ready to deploy.
    pub notify_on_ready_to_deploy: Option<bool>,
}

/// Written by hand: the webhook URL is a secret and is never printed.
impl std::fmt::Debug for SettingsPatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SettingsPatch")
            .field("name", &self.name)
            .field(
                "slack_webhook_url",
                &self.slack_webhook_url.as_ref().map(|_| "[redacted]"),
            )
            .field("slack_channel", &self.slack_channel)
            .field("notify_on_status_change", &self.notify_on_status_change)
            .field("notify_on_blocked", &self.notify_on_blocked)
            .field("notify_on_ready_to_deploy", &self.notify_on_ready_to_deploy)
            .finish()
    }
}

/// "Send test message" (OWNER/ADMIN): posts to the team's webhook now and
/// answers with Slack's verdict (502 with Slack's error text when it fails).
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id()))]
pub async fn test_slack(state: &AppState, ctx: &Admin<'_>) -> AppResult<()> {
    let t = team::Entity::find_by_id(ctx.team_id().clone())
        .one(&state.db)
        .await?
        .ok_or_else(|| AppError::not_found("team"))?;
    let stored = t
        .slack_webhook_url
        .as_deref()
        .ok_or_else(|| AppError::bad_request("no Slack webhook is configured"))?;
    let url = state
        .cipher
        .decrypt(stored)
        .map_err(|_| AppError::BadGateway("the stored webhook URL cannot be decrypted".into()))?;
    let body = crate::server::integrations::slack::test_message(&t.name, &state.public_url);
    crate::server::integrations::slack::post(&state.http, url.expose(), &body)
        .await
        .map_err(|e| AppError::BadGateway(e.to_string()))
}

/// `PATCH /api/team/settings` (OWNER/ADMIN).
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id()))]
pub async fn update_settings(
    state: &AppState,
    ctx: &Admin<'_>,
    patch: SettingsPatch,
) -> AppResult<TeamSettingsView> {
    let mut am = team::ActiveModel {
        id: Set(ctx.team_id().clone()),
        updated_at: Set(db::now()),
        ..Default::default()
    };
    if let Some(name) = &patch.name {
        am.name = Set(validation::required_line(
            "name",
            name,
            validation::MAX_NAME,
        )?);
    }
    if let Some(url) = &patch.slack_webhook_url {
        am.slack_webhook_url = Set(if url.trim().is_empty() {
            None
        } else {
            let url = validate_webhook_url(url, &state.settings.outbound_allow_hosts)?;
            Some(state.cipher.encrypt(&url)?)
        });
    }
    if let Some(ch) = &patch.slack_channel {
        am.slack_channel = Set(if ch.trim().is_empty() {
            None
        } else {
            Some(validation::required_line("slackChannel", ch, 80)?)
        });
    }
    if let Some(v) = patch.notify_on_status_change {
        am.notify_on_status_change = Set(v);
    }
    if let Some(v) = patch.notify_on_blocked {
        am.notify_on_blocked = Set(v);
    }
    if let Some(v) = patch.notify_on_ready_to_deploy {
        am.notify_on_ready_to_deploy = Set(v);
    }
    let txn = db::begin_write(&state.db).await?;
    let before = team::Entity::find_by_id(ctx.team_id().clone())
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found("team"))?;
    let t = am.update(&txn).await?;
    // The webhook URL is a secret: the log says only that it was set,
    // changed or removed.
    let webhook = |set: bool, now: &'static str| serde_json::json!(set.then_some(now));
    let replaced = patch.slack_webhook_url.is_some();
    let mut after = audit_fields(&t);
    after[1].1 = webhook(
        t.slack_webhook_url.is_some(),
        if replaced { "changed" } else { "set" },
    );
    let event = activity::changed(
        &txn,
        ctx,
        ResourceType::Settings,
        &t.id,
        &t.name,
        audit_fields(&before),
        after,
    )
    .await?;
    txn.commit().await?;
    state.events.publish(event);
    settings_of(state, t).await
}

/// The settings as the audit log shows them (the webhook only as "set").
fn audit_fields(t: &team::Model) -> [(&'static str, serde_json::Value); 6] {
    use serde_json::json;
    [
        ("name", json!(t.name)),
        (
            "slackWebhookUrl",
            json!(t.slack_webhook_url.is_some().then_some("set")),
        ),
        ("slackChannel", json!(t.slack_channel)),
        ("notifyOnStatusChange", json!(t.notify_on_status_change)),
        ("notifyOnBlocked", json!(t.notify_on_blocked)),
        ("notifyOnReadyToDeploy", json!(t.notify_on_ready_to_deploy)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhook_urls_are_masked() {
        assert_eq!(
            mask_webhook("https://hooks.slack.com/services/T000/B000/abcdefghXy9z"),
            "https://hooks.slack.com/services/…/…/…Xy9z"
        );
    }

    #[test]
    fn webhook_hosts_are_restricted() {
        let none: Vec<String> = vec![];
        assert!(validate_webhook_url("https://hooks.slack.com/services/T/B/x", &none).is_ok());
        for bad in [
            "http://hooks.slack.com/services/T/B/x",
            "https://hooks.slack.com.evil.com/x",
            "https://evil.com@hooks.slack.com/x",
            "https://127.0.0.1/x",
            "https://hooks.slack.com",
            "ftp://hooks.slack.com/x",
        ] {
            assert!(validate_webhook_url(bad, &none).is_err(), "{bad}");
        }
        let allow = vec!["127.0.0.1".to_string()];
        assert!(validate_webhook_url("http://127.0.0.1:9999/hook", &allow).is_ok());
    }
}
