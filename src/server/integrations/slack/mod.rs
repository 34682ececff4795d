//! Slack incoming webhooks: the Block Kit messages Release Coordinator sends
//! (pure functions, snapshot-tested) and the one call that posts them.
//!
//! Every message has a `text` fallback, a header naming the release by title
//! and version, fields (service, version, owner, old → new status), an emoji
//! per status, and a button to the release (`PUBLIC_URL`). Limits of
//! `EXTERNAL-APIS.md` are kept by truncating with an ellipsis.

use crate::domain::status::ReleaseStatus;
use serde_json::{json, Value};

/// The release a message is about.
#[derive(Debug, Clone, PartialEq)]
pub struct ReleaseInfo {
    /// Release id (for the link).
    pub id: crate::domain::ids::ReleaseId,
    /// Title.
    pub title: String,
    /// Version.
    pub version: String,
    /// Service name.
    pub service: String,
    /// Owner's name.
    pub owner: Option<String>,
}

/// What happened.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    /// A status move.
    StatusChanged {
        /// From.
        from: ReleaseStatus,
        /// To.
        to: ReleaseStatus,
        /// Who moved it.
        by: String,
    },
    /// Entered READY_STAGING or READY_PRODUCTION.
    ReadyToDeploy {
        /// From.
        from: ReleaseStatus,
        /// READY_STAGING or READY_PRODUCTION.
        to: ReleaseStatus,
        /// Who moved it.
        by: String,
    },
    /// Marked blocked (by hand, or by a dependency).
    Blocked {
        /// Why.
        reason: Option<String>,
        /// Who.
        by: String,
    },
    /// Unblocked (by hand, or its blocker deployed).
    Unblocked {
        /// Who (or what).
        by: String,
    },
    /// The release's next move needs approvals: approvers, have a look.
    ApprovalNeeded {
        /// The move that needs them.
        to: ReleaseStatus,
        /// How many.
        required: u32,
        /// From whom, in words ("ADMIN or OWNER").
        from: String,
    },
    /// An ADMIN+ moved a release past the release policy.
    Overridden {
        /// Where it moved.
        to: ReleaseStatus,
        /// What was passed over ("Production freeze 'Black Friday' until …").
        passed: Vec<String>,
        /// Why.
        reason: String,
        /// Who.
        by: String,
    },
    /// CI reported a deployment the board could not follow.
    Drift {
        /// What was reported ("deployed to production").
        reported: String,
        /// Why the board did not follow.
        drift: String,
        /// Who reported it ("CI deploy (token)").
        by: String,
    },
}

/// The emoji of a status.
pub fn emoji(s: ReleaseStatus) -> &'static str {
    use ReleaseStatus::*;
    match s {
        Planning => ":memo:",
        InDevelopment => ":hammer_and_wrench:",
        InReview => ":eyes:",
        ReadyStaging => ":package:",
        InStaging => ":test_tube:",
        StagingVerified => ":white_check_mark:",
        ReadyProduction => ":rocket:",
        Deployed => ":tada:",
        Cancelled => ":no_entry_sign:",
        RolledBack => ":rewind:",
    }
}

/// Cuts `s` to `max` characters, ending with "…" when cut.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

/// Makes user text plain text for Slack: `&`, `<` and `>` are its control
/// characters (`<!channel>` pings everyone, `<https://x|Open release>` is a
/// disguised link), so they become entities, as Slack asks. Applied to every
/// user-supplied string before it is formatted (titles, versions, names,
/// reasons, service and team names).
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn field(label: &str, value: &str) -> Value {
    json!({"type": "mrkdwn", "text": truncate(&format!("*{label}*\n{value}"), 2000)})
}

/// The `{text, blocks}` body for a notice about `r`.
pub fn message(r: &ReleaseInfo, n: &Notice, public_url: &str) -> Value {
    let r = &ReleaseInfo {
        id: r.id.clone(),
        title: escape(&r.title),
        version: escape(&r.version),
        service: escape(&r.service),
        owner: r.owner.as_deref().map(escape),
    };
    let n = &match n {
        Notice::StatusChanged { from, to, by } => Notice::StatusChanged {
            from: *from,
            to: *to,
            by: escape(by),
        },
        Notice::ReadyToDeploy { from, to, by } => Notice::ReadyToDeploy {
            from: *from,
            to: *to,
            by: escape(by),
        },
        Notice::Blocked { reason, by } => Notice::Blocked {
            reason: reason.as_deref().map(escape),
            by: escape(by),
        },
        Notice::Unblocked { by } => Notice::Unblocked { by: escape(by) },
        Notice::Drift {
            reported,
            drift,
            by,
        } => Notice::Drift {
            reported: escape(reported),
            drift: escape(drift),
            by: escape(by),
        },
        Notice::ApprovalNeeded { to, required, from } => Notice::ApprovalNeeded {
            to: *to,
            required: *required,
            from: escape(from),
        },
        Notice::Overridden {
            to,
            passed,
            reason,
            by,
        } => Notice::Overridden {
            to: *to,
            passed: passed.iter().map(|p| escape(p)).collect(),
            reason: escape(reason),
            by: escape(by),
        },
    };
    let name = format!("{} {}", r.title, r.version);
    let base = public_url.trim_end_matches('/');
    let (header, text, line, status_field, link) = match n {
        Notice::StatusChanged { from, to, by } => (
            format!("{} {name}", emoji(*to)),
            format!(
                "{name} moved from {} to {} ({by})",
                from.label(),
                to.label()
            ),
            format!(
                "*{by}* moved *{name}* from {} to {}.",
                from.label(),
                to.label()
            ),
            Some(format!("{} → {}", from.label(), to.label())),
            (format!("{base}/releases/{}", r.id), "Open release"),
        ),
        Notice::ReadyToDeploy { from, to, by } => {
            let (stage, emoji) = if *to == ReleaseStatus::ReadyProduction {
                ("production", emoji(*to))
            } else {
                ("staging", emoji(*to))
            };
            (
                format!("{emoji} {name} is ready for {stage}"),
                format!("{name} is ready to deploy to {stage} ({by})"),
                format!("*{name}* is ready to deploy to *{stage}*. See the deploy queue."),
                Some(format!("{} → {}", from.label(), to.label())),
                (format!("{base}/deploy-queue"), "Open deploy queue"),
            )
        }
        Notice::Blocked { reason, by } => (
            format!(":octagonal_sign: {name} is blocked"),
            format!(
                "{name} is blocked{}",
                reason
                    .as_ref()
                    .map(|r| format!(": {r}"))
                    .unwrap_or_default()
            ),
            format!(
                "*{by}* marked *{name}* as blocked{}",
                reason
                    .as_ref()
                    .map(|r| format!(": {r}"))
                    .unwrap_or_else(|| ".".into())
            ),
            None,
            (format!("{base}/blocked"), "Open blocked releases"),
        ),
        Notice::Unblocked { by } => (
            format!(":large_green_circle: {name} is unblocked"),
            format!("{name} is no longer blocked ({by})"),
            format!("*{name}* is no longer blocked ({by})."),
            None,
            (format!("{base}/blocked"), "Open blocked releases"),
        ),
        Notice::Drift {
            reported,
            drift,
            by,
        } => (
            format!(":warning: {name}: the board and CI disagree"),
            format!("{name} was {reported}, but the board did not follow: {drift} ({by})"),
            format!("*{by}* reported *{name}* {reported}, but the board did not follow: {drift}"),
            None,
            (format!("{base}/releases/{}", r.id), "Open release"),
        ),
        Notice::ApprovalNeeded { to, required, from } => {
            let n = format!(
                "{required} approval{}",
                if *required == 1 { "" } else { "s" }
            );
            (
                format!(":raised_hand: {name} needs approval"),
                format!("{name} can move to {} once it has {n} from {from}", to.label()),
                format!(
                    "*{name}* can move to *{}* once it has {n} from {from}. Approve or reject it on its page.",
                    to.label()
                ),
                None,
                (format!("{base}/releases/{}", r.id), "Review and approve"),
            )
        }
        Notice::Overridden {
            to,
            passed,
            reason,
            by,
        } => (
            format!(":warning: {name} moved past the release policy"),
            format!(
                "{name} moved to {} overriding the release policy ({}): {reason} ({by})",
                to.label(),
                passed.join("; ")
            ),
            format!(
                "*{by}* moved *{name}* to {} overriding the release policy: {}. Reason: {reason}",
                to.label(),
                passed.join("; ")
            ),
            None,
            (format!("{base}/releases/{}", r.id), "Open release"),
        ),
    };
    let mut fields = vec![
        field("Service", &r.service),
        field("Version", &r.version),
        field("Owner", r.owner.as_deref().unwrap_or("—")),
    ];
    if let Some(s) = status_field {
        fields.push(field("Status", &s));
    }
    json!({
        "text": truncate(&text, 3000),
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": truncate(&header, 150), "emoji": true}},
            {"type": "section", "text": {"type": "mrkdwn", "text": truncate(&line, 3000)}, "fields": fields},
            {"type": "actions", "elements": [
                {"type": "button", "text": {"type": "plain_text", "text": link.1}, "url": truncate(&link.0, 3000)},
                {"type": "button", "text": {"type": "plain_text", "text": "Release"}, "url": truncate(&format!("{base}/releases/{}", r.id), 3000)}
            ]}
        ]
    })
}

/// A freeze window that opened or closed.
#[derive(Debug, Clone, PartialEq)]
pub struct FreezeNotice {
    /// The freeze's name.
    pub name: String,
    /// Why.
    pub reason: String,
    /// Opened (else closed).
    pub started: bool,
    /// Until when, in words, for an opening.
    pub until: Option<String>,
    /// What it holds ("staging and production").
    pub holds: String,
}

/// The `{text, blocks}` body of a freeze window opening or closing.
pub fn freeze_message(f: &FreezeNotice, public_url: &str) -> Value {
    let name = escape(&f.name);
    let reason = escape(f.reason.trim());
    let because = if reason.is_empty() {
        String::new()
    } else {
        format!(" — {reason}")
    };
    let (header, text) = if f.started {
        let until = f
            .until
            .as_deref()
            .map(|u| format!("until {}", escape(u)))
            .unwrap_or_else(|| "until lifted".into());
        (
            format!(":snowflake: Freeze '{name}' is in force"),
            format!(
                "Freeze '{name}' is in force {until}: no release moves into {}{because}",
                f.holds
            ),
        )
    } else {
        (
            format!(":sunny: Freeze '{name}' has ended"),
            format!(
                "Freeze '{name}' has ended: releases move into {} again",
                f.holds
            ),
        )
    };
    json!({
        "text": truncate(&text, 3000),
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": truncate(&header, 150), "emoji": true}},
            {"type": "section", "text": {"type": "mrkdwn", "text": truncate(&text, 3000)}},
            {"type": "actions", "elements": [
                {"type": "button", "text": {"type": "plain_text", "text": "Open the board"}, "url": format!("{}/board", public_url.trim_end_matches('/'))}
            ]}
        ]
    })
}

/// The "Send test message" body.
pub fn test_message(team: &str, public_url: &str) -> Value {
    let team = escape(team);
    json!({
        "text": format!("Release Coordinator is connected to this channel for {team}."),
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": truncate(&format!(":wave: *Release Coordinator* will post release updates of *{team}* here."), 3000)}},
            {"type": "actions", "elements": [
                {"type": "button", "text": {"type": "plain_text", "text": "Open the board"}, "url": format!("{}/board", public_url.trim_end_matches('/'))}
            ]}
        ]
    })
}

/// Why a post failed.
#[derive(Debug, thiserror::Error)]
pub enum SlackError {
    /// Slack answered with an error status (its short text body).
    #[error("Slack answered {status}: {body}")]
    Status {
        /// HTTP status.
        status: u16,
        /// Slack's text (`invalid_payload`, `no_service`, …).
        body: String,
        /// Seconds to wait, from `Retry-After` on a 429.
        retry_after: Option<u64>,
    },
    /// No answer (timeout, refused connection, DNS).
    #[error("Slack could not be reached: {0}")]
    Unreachable(String),
}

/// Posts a message to an incoming webhook. The URL is a secret: it is never
/// part of the error.
#[cfg(feature = "ssr")]
pub async fn post(client: &reqwest::Client, url: &str, body: &Value) -> Result<(), SlackError> {
    let res = client.post(url).json(body).send().await.map_err(|e| {
        SlackError::Unreachable(if e.is_timeout() {
            "timed out".into()
        } else if e.is_connect() {
            "connection failed".into()
        } else {
            "request failed".into()
        })
    })?;
    let status = res.status().as_u16();
    if (200..300).contains(&status) {
        return Ok(());
    }
    let retry_after = super::retry_after(res.headers());
    let body = res.text().await.unwrap_or_default();
    Err(SlackError::Status {
        status,
        body: upstream_text(&body),
        retry_after,
    })
}

/// What of an upstream error body may be shown: Slack answers a short code
/// (`invalid_payload`, `no_service`), so keep only such characters, at most
/// 100 of them; anything else (an HTML page, a redirect target, data of an
/// internal service) never reaches the browser or the settings page.
pub fn upstream_text(body: &str) -> String {
    let kept: String = body
        .trim()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ' ' | ':'))
        .take(100)
        .collect();
    if kept.trim().is_empty() {
        "no details".into()
    } else {
        kept.trim().to_string()
    }
}

#[cfg(test)]
mod tests;
