//! Deployments reported by CI: recorded as facts, then the release follows
//! reality along the state machine (`domain::deployments::path`), one
//! audited move at a time, through the very update rules a person's move
//! meets (`releases::apply_update`: the transition, the manual block, the
//! BLOCKS dependencies). Where a move is refused, the release stays and the
//! report carries the *drift*: why the board and reality disagree — in the
//! answer, the release page, the feed and Slack.
//!
//! Reading them back (lists, what runs where, the dashboard's reports) is
//! [`reads`].
//!
//! Idempotency: the record is inserted *before* anything moves, and its
//! `(team, key)` is unique; of two identical reports racing, the second's
//! insert fails (on PostgreSQL it waits for the first to commit; SQLite
//! serialises writers), its transaction is rolled back, and it answers the
//! first report's stored answer. So one record and one set of moves.

use crate::domain::activity::release_label;
use crate::domain::deployments::{self, DeployStatus, Environment};
use crate::domain::status::ReleaseStatus;
use crate::domain::validation;
use crate::server::access::{Editor, TeamContext};
use crate::server::db::entities::{deployment, release, service};
use crate::server::db::scoped::TeamOwned;
use crate::server::db::{self, new_id};
use crate::server::error::{AppError, AppResult};
use crate::server::services::activity::{self, Change, NewActivity};
use crate::server::services::releases::{self, ReleaseInput};
use crate::server::services::ts;
use crate::server::state::AppState;
use crate::views::{DeploymentReport, DeploymentView};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, QueryFilter,
    QueryOrder,
};
use serde::Deserialize;

mod reads;

pub use reads::{environments, environments_of_team, list, production_successes, DeploymentFilter};

/// `POST /api/deployments`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewReport {
    /// The service's slug or id.
    pub service: String,
    /// The version deployed.
    pub version: String,
    /// STAGING or PRODUCTION.
    pub environment: Environment,
    /// STARTED, SUCCEEDED, FAILED or ROLLED_BACK.
    pub status: DeployStatus,
    /// The commit deployed (hex, 7–64 characters).
    #[serde(default)]
    pub commit_sha: Option<String>,
    /// The pipeline run (http or https).
    #[serde(default)]
    pub url: Option<String>,
    /// The pipeline's idempotency key: the same key again changes nothing.
    #[serde(default)]
    pub key: Option<String>,
    /// Create the release in PLANNING when none has this version.
    #[serde(default)]
    pub create_release: bool,
}

/// The longest idempotency key.
pub const MAX_KEY: usize = 200;
/// The longest pipeline URL.
pub const MAX_URL: usize = 2000;

/// The report's optional fields, checked.
struct Checked {
    commit_sha: Option<String>,
    url: Option<String>,
    key: Option<String>,
}

fn check(input: &NewReport) -> AppResult<Checked> {
    let blank = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let commit_sha = blank(&input.commit_sha).map(|c| c.to_ascii_lowercase());
    if let Some(c) = &commit_sha {
        if !(7..=64).contains(&c.len()) || !c.chars().all(|ch| ch.is_ascii_hexdigit()) {
            return Err(AppError::invalid_field(
                "commitSha",
                "commitSha must be a commit hash: 7 to 64 hexadecimal characters",
            ));
        }
    }
    let url = blank(&input.url);
    if let Some(u) = &url {
        let parsed = url::Url::parse(u).ok();
        let ok = u.len() <= MAX_URL
            && parsed.is_some_and(|p| matches!(p.scheme(), "http" | "https") && p.has_host());
        if !ok {
            return Err(AppError::invalid_field(
                "url",
                "url must be the pipeline run's http or https address",
            ));
        }
    }
    let key = blank(&input.key);
    if let Some(k) = &key {
        validation::required_line("key", k, MAX_KEY)?;
    }
    Ok(Checked {
        commit_sha,
        url,
        key,
    })
}

pub(crate) fn view(d: deployment::Model) -> DeploymentView {
    DeploymentView {
        id: d.id,
        service_id: d.service_id,
        release_id: d.release_id,
        version: d.version,
        environment: d.environment,
        status: d.status,
        commit_sha: d.commit_sha,
        url: d.url,
        key: d.key,
        reported_by: Some(d.reporter_name),
        drift: d.drift,
        created_at: ts(d.created_at),
    }
}

/// The service a report names, by id or slug, in the caller's team.
async fn find_service(
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
    service: &str,
) -> AppResult<service::Model> {
    let service = service.trim();
    if service.is_empty() {
        return Err(AppError::invalid_field(
            "service",
            "service is required: the service's slug or id",
        ));
    }
    service::Entity::find_in(ctx)
        .filter(
            Condition::any()
                .add(service::Column::Id.eq(service))
                .add(service::Column::Slug.eq(service)),
        )
        .one(conn)
        .await?
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "this team has no service {}",
                crate::domain::quote(service)
            ))
        })
}

/// The first answer to a key already used, if it was.
async fn answered(
    conn: &impl ConnectionTrait,
    ctx: &TeamContext,
    key: &str,
) -> AppResult<Option<DeploymentReport>> {
    let found = deployment::Entity::find_in(ctx)
        .filter(deployment::Column::Key.eq(key))
        .one(conn)
        .await?;
    Ok(found
        .and_then(|d| d.answer)
        .and_then(|a| serde_json::from_str(&a).ok()))
}

/// What a report answers: 201 with the new record, or 200 with the first
/// answer to the same key.
pub enum Reported {
    /// A new report.
    New(DeploymentReport),
    /// The key was seen before: its first answer, nothing changed.
    Repeated(DeploymentReport),
}

/// Records a report and moves the release after it (MEMBER+).
#[tracing::instrument(skip_all, fields(team_id = %ctx.team_id()))]
pub async fn report(state: &AppState, ctx: &Editor<'_>, input: NewReport) -> AppResult<Reported> {
    let checked = check(&input)?;
    let version = validation::required_line("version", &input.version, validation::MAX_VERSION)?;
    if let Some(k) = &checked.key {
        if let Some(first) = answered(&state.db, ctx, k).await? {
            return Ok(Reported::Repeated(first));
        }
    }
    let txn = db::begin_write(&state.db).await?;
    let svc = find_service(&txn, ctx, &input.service).await?;
    let existing = release::Entity::find_in(ctx)
        .filter(release::Column::ServiceId.eq(&svc.id))
        .filter(release::Column::Version.eq(version.as_str()))
        .order_by_desc(release::Column::CreatedAt)
        .order_by_desc(release::Column::Id)
        .one(&txn)
        .await?;
    let mut created = None;
    let rel = match existing {
        Some(r) => r,
        None if input.create_release => {
            let c = releases::create_in(
                state,
                &txn,
                ctx,
                ReleaseInput {
                    service_id: Some(svc.id.clone()),
                    title: Some(svc.name.clone()),
                    version: Some(version.clone()),
                    ..Default::default()
                },
            )
            .await?;
            let r = c.release.clone();
            created = Some(c);
            r
        }
        None => {
            return Err(AppError::NotFound(format!(
                "{} has no release {}; create it first, or report with \"createRelease\": true",
                svc.name,
                crate::domain::quote(&version)
            )))
        }
    };
    let now = db::now();
    let record = deployment::ActiveModel {
        id: Set(new_id()),
        team_id: Set(ctx.team_id().clone()),
        service_id: Set(svc.id.clone()),
        release_id: Set(Some(rel.id.clone())),
        version: Set(version),
        environment: Set(input.environment),
        status: Set(input.status),
        commit_sha: Set(checked.commit_sha),
        url: Set(checked.url),
        key: Set(checked.key.clone()),
        reported_by: Set(ctx.user_id().cloned()),
        token_id: Set(ctx.token_id().cloned()),
        reporter_name: Set(ctx.user_name().to_string()),
        moved: Set("[]".into()),
        drift: Set(None),
        answer: Set(None),
        created_at: Set(now),
    }
    .insert(&txn)
    .await;
    let record = match record {
        Ok(r) => r,
        Err(e) if db::is_unique_violation(&e) => {
            // The same key, reported at the same moment: the other request
            // recorded it. Nothing of ours stays; answer with theirs.
            txn.rollback().await?;
            let key = checked.key.unwrap_or_default();
            return match answered(&state.db, ctx, &key).await? {
                Some(first) => Ok(Reported::Repeated(first)),
                None => Err(AppError::Conflict(
                    "a report with this key is being recorded; try again".into(),
                )),
            };
        }
        Err(e) => return Err(e.into()),
    };

    // Follow reality, one legal, audited step at a time.
    let mut moved: Vec<ReleaseStatus> = vec![];
    let mut applied = vec![];
    let mut drift = None;
    match deployments::path(rel.status, input.environment, input.status) {
        Ok(steps) => {
            for step in steps {
                let change = ReleaseInput {
                    status: Some(step),
                    ..Default::default()
                };
                match releases::apply_update(state, &txn, ctx, &rel.id, change).await {
                    Ok(a) => {
                        moved.push(step);
                        applied.push(a);
                    }
                    // The same refusal a person's move meets is the drift.
                    // (a freeze, a missing approval: the release policy's).
                    Err(
                        AppError::BadRequest { message, .. }
                        | AppError::PolicyRefused { message, .. },
                    ) => {
                        drift = Some(message);
                        break;
                    }
                    Err(e) => return Err(e),
                }
            }
        }
        Err(d) => drift = Some(d),
    }
    let now_rel = releases::find(&txn, ctx, &rel.id).await?;
    let label = release_label(&now_rel.title, &now_rel.version);
    // The record holds its outcome before the activity is written: the
    // webhooks that hear of it send the deployment as it stands.
    let answer = DeploymentReport {
        deployment: view(deployment::Model {
            drift: drift.clone(),
            ..record.clone()
        }),
        release: now_rel.into(),
        moved: moved.clone(),
        drift: drift.clone(),
    };
    let moved_json = serde_json::to_string(&moved).unwrap_or_else(|_| "[]".into());
    let answer_json = serde_json::to_string(&answer).ok();
    deployment::ActiveModel {
        id: Set(record.id.clone()),
        moved: Set(moved_json),
        drift: Set(drift.clone()),
        answer: Set(answer_json),
        ..Default::default()
    }
    .update(&txn)
    .await?;
    let entry = activity::record(
        &txn,
        ctx,
        NewActivity::on(
            &rel.id,
            Change::DeploymentReported {
                release: label,
                deployment_id: record.id.clone(),
                environment: input.environment,
                status: input.status,
                drift: drift.clone(),
            },
        ),
    )
    .await?;
    let mut queued = 0;
    if let Some(d) = &drift {
        if let Some(info) =
            crate::server::services::notify::release_info(&txn, ctx, &rel.id).await?
        {
            queued = crate::server::services::notify::enqueue(
                &txn,
                ctx.team_id(),
                &state.public_url,
                &info,
                &[crate::server::integrations::slack::Notice::Drift {
                    reported: reported_words(input.environment, input.status),
                    drift: d.clone(),
                    by: ctx.user_name().to_string(),
                }],
            )
            .await?;
        }
    }
    txn.commit().await?;
    tracing::info!(
        deployment_id = %record.id,
        environment = input.environment.as_str(),
        status = input.status.as_str(),
        moved = moved.len(),
        drift = drift.is_some(),
        "deployment reported"
    );
    if let Some(c) = created {
        c.announce(state);
    }
    for a in applied {
        a.announce(state);
    }
    state.events.publish([entry]);
    if queued > 0 {
        state.outbox_wake.notify_one();
    }
    Ok(Reported::New(answer))
}

/// "was deployed to production", "was rolled back in production".
fn reported_words(environment: Environment, status: DeployStatus) -> String {
    match status {
        DeployStatus::RolledBack => format!("was rolled back in {environment}"),
        DeployStatus::Failed => format!("failed to deploy to {environment}"),
        DeployStatus::Started => format!("started deploying to {environment}"),
        DeployStatus::Succeeded => format!("was deployed to {environment}"),
    }
}
