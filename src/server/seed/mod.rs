//! `release-coordinator seed-demo`: a demo team with a believable history,
//! for trying the app and for the benchmarks.
//!
//! It writes rows directly (bulk inserts, backdated timestamps and ids) but
//! every status change it invents is checked against the domain's state
//! machine, every move gets its STATUS_CHANGED activity and the deploy
//! timestamps match the history, so the board, feeds and (later) the
//! delivery metrics read it like real use. Deterministic: the same options
//! give the same team.
//!
//! It refuses to run on a database that already has accounts unless forced:
//! demo accounts with a published password do not belong on a real server.

use crate::domain::activity::Change;
use crate::domain::ids::{CommentId, ReleaseId, ServiceId, TeamId, UserId};
use crate::domain::roles::Role;
use crate::domain::status::{Priority, ReleaseStatus};
use crate::server::db::entities::{activity, comment, release, service, team, team_member, user};
use anyhow::{bail, Context};
use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{
    ActiveValue::Set, DatabaseConnection, EntityTrait, PaginatorTrait, TransactionTrait,
};

mod story;
use story::{id_at, walk, BLOCK_REASONS, COMMENTS, SERVICES, TOPICS};

/// The demo sign-in (README "Demo data").
pub const DEMO_EMAIL: &str = "demo@example.com";
/// The demo password, shared by every demo account.
pub const DEMO_PASSWORD: &str = "demo-password";

/// What to seed.
#[derive(Debug, Clone)]
pub struct SeedOptions {
    /// How many releases (history over the last six months).
    pub releases: usize,
    /// Seed even though accounts exist.
    pub force: bool,
}

impl Default for SeedOptions {
    fn default() -> Self {
        Self {
            releases: 60,
            force: false,
        }
    }
}

/// What was seeded.
#[derive(Debug)]
pub struct SeedSummary {
    /// The team's id.
    pub team_id: TeamId,
    /// Releases written.
    pub releases: usize,
    /// Activity rows written.
    pub activities: usize,
}
/// Seeds the demo team.
pub async fn demo(db: &DatabaseConnection, opts: &SeedOptions) -> anyhow::Result<SeedSummary> {
    let existing = user::Entity::find().count(db).await?;
    if existing > 0 && !opts.force {
        bail!(
            "this database already has {existing} account(s); demo accounts with a published password \
             do not belong next to them. Use a fresh database (DATABASE_URL) or pass --force"
        );
    }
    if existing > 0 {
        // Forced onto a database with real accounts: say it where it is seen.
        tracing::warn!(
            existing,
            "seed-demo --force: adding demo accounts with the published password {DEMO_PASSWORD:?} \
             beside {existing} real account(s); delete them (or the demo team) before going live"
        );
        eprintln!(
            "WARNING: demo accounts with the published password {DEMO_PASSWORD:?} now sit beside \
             {existing} real account(s). Anyone can sign in as them: remove them before going live."
        );
    }
    if opts.releases > 100_000 {
        bail!("at most 100000 releases");
    }
    let mut rng = StdRng::seed_from_u64(0x5eed);
    let now = Utc::now();
    let origin = now - Duration::days(200);
    let hash = crate::server::crypto::hash_password(DEMO_PASSWORD)?;

    let people = [
        (DEMO_EMAIL, "Dana Demo", Role::Owner),
        ("ada@example.com", "Ada Lovelace", Role::Admin),
        ("grace@example.com", "Grace Hopper", Role::Member),
        ("linus@example.com", "Linus Torvalds", Role::Member),
        ("viewer@example.com", "Vera Viewer", Role::Viewer),
    ];
    let txn = db.begin().await?;
    let team_id: TeamId = id_at(origin, &mut rng);
    team::Entity::insert(team::ActiveModel {
        id: Set(team_id.clone()),
        name: Set("Acme Platform".into()),
        slug: Set(format!(
            "acme-platform-{}",
            &team_id.as_str()[team_id.as_str().len() - 6..]
        )),
        slack_webhook_url: Set(None),
        slack_channel: Set(None),
        notify_on_status_change: Set(true),
        notify_on_blocked: Set(true),
        notify_on_ready_to_deploy: Set(true),
        slack_last_error: Set(None),
        slack_last_error_at: Set(None),
        created_at: Set(origin),
        updated_at: Set(origin),
    })
    .exec(&txn)
    .await
    .context("creating the demo team")?;
    let mut users = vec![];
    for (email, name, role) in people {
        let uid: UserId = id_at(origin, &mut rng);
        user::Entity::insert(user::ActiveModel {
            id: Set(uid.clone()),
            email: Set(email.into()),
            name: Set(name.into()),
            password_hash: Set(hash.clone()),
            created_at: Set(origin),
            updated_at: Set(origin),
        })
        .exec(&txn)
        .await
        .with_context(|| format!("creating {email} (already there? use a fresh database)"))?;
        team_member::Entity::insert(team_member::ActiveModel {
            id: Set(id_at(origin, &mut rng)),
            team_id: Set(team_id.clone()),
            user_id: Set(uid.clone()),
            role: Set(role),
            created_at: Set(origin),
        })
        .exec(&txn)
        .await?;
        users.push((uid, name, role));
    }
    let movers: Vec<&(UserId, &str, Role)> = users.iter().filter(|u| u.2 != Role::Viewer).collect();

    let mut services = vec![];
    for (name, key) in SERVICES {
        let slug = crate::domain::validation::slugify(name, "service");
        let sid: ServiceId = id_at(origin, &mut rng);
        service::Entity::insert(service::ActiveModel {
            id: Set(sid.clone()),
            team_id: Set(team_id.clone()),
            name: Set(name.into()),
            slug: Set(slug.clone()),
            description: Set(format!("The {} service.", name.to_lowercase())),
            github_repo: Set(Some(format!("acme/{slug}"))),
            jira_project_key: Set(Some(key.into())),
            created_at: Set(origin),
            updated_at: Set(origin),
        })
        .exec(&txn)
        .await?;
        services.push((sid, name, 0u32));
    }

    let mut releases = vec![];
    let mut activities = vec![];
    let mut comments = vec![];
    let span = (now - origin).num_minutes() - 60;
    // Spread creation over the window, the most recent last.
    let mut created: Vec<DateTime<Utc>> = (0..opts.releases)
        .map(|_| origin + Duration::minutes(rng.gen_range(0..span)))
        .collect();
    created.sort();
    for (n, created_at) in created.into_iter().enumerate() {
        let svc = rng.gen_range(0..services.len());
        services[svc].2 += 1;
        let (sid, sname, count) = services[svc].clone();
        let version = format!("{}.{}.{}", 1 + count / 40, (count / 5) % 8, count % 5);
        let title = TOPICS[rng.gen_range(0..TOPICS.len())];
        let age_days = (now - created_at).num_days();
        // Older releases are mostly finished; recent ones mostly in flight.
        let goal = if age_days > 21 {
            match rng.gen_range(0..100) {
                0..=83 => ReleaseStatus::Deployed,
                84..=91 => ReleaseStatus::RolledBack,
                _ => ReleaseStatus::Cancelled,
            }
        } else {
            match rng.gen_range(0..100) {
                0..=24 => ReleaseStatus::Deployed,
                25..=29 => ReleaseStatus::Cancelled,
                _ => ReleaseStatus::MAIN_FLOW[rng.gen_range(0..7)],
            }
        };
        let history = walk(&mut rng, created_at, now, goal);
        let status = history
            .moves
            .last()
            .map(|m| m.1)
            .unwrap_or(ReleaseStatus::Planning);
        let owner = if rng.gen_bool(0.85) {
            Some(movers[rng.gen_range(0..movers.len())])
        } else {
            None
        };
        let rid: ReleaseId = id_at(created_at, &mut rng);
        let label = format!("{title} {version}");
        let actor = |rng: &mut StdRng| movers[rng.gen_range(0..movers.len())];
        let mut act =
            |rng: &mut StdRng, at: DateTime<Utc>, who: &(UserId, &str, Role), change: Change| {
                let (action, metadata) = change.to_stored();
                activities.push(activity::ActiveModel {
                    id: Set(id_at(at, rng)),
                    team_id: Set(team_id.clone()),
                    release_id: Set(Some(rid.clone())),
                    user_id: Set(Some(who.0.clone())),
                    activity_type: Set(change.kind()),
                    action: Set(action),
                    description: Set(change.describe(Some(who.1))),
                    metadata: Set(Some(metadata.to_string())),
                    created_at: Set(at),
                });
            };
        let creator = actor(&mut rng);
        act(
            &mut rng,
            created_at,
            creator,
            Change::Created {
                release: label.clone(),
                title: title.into(),
                service_id: sid.clone(),
                service: sname.to_string(),
            },
        );
        let mut revision = 1i64;
        if let Some(o) = owner {
            revision += 1;
            act(
                &mut rng,
                created_at + Duration::minutes(5),
                creator,
                Change::Assigned {
                    release: label.clone(),
                    from: None,
                    to: Some(o.0.clone()),
                    to_name: Some(o.1.into()),
                },
            );
        }
        let (mut staging_at, mut production_at) = (None, None);
        for (from, to, at) in &history.moves {
            let who = owner
                .filter(|_| rng.gen_bool(0.7))
                .unwrap_or_else(|| actor(&mut rng));
            revision += 1;
            match to {
                ReleaseStatus::InStaging => staging_at = Some(*at),
                ReleaseStatus::Deployed => production_at = Some(*at),
                _ => {}
            }
            act(
                &mut rng,
                *at,
                who,
                Change::Moved {
                    release: label.clone(),
                    from: *from,
                    to: *to,
                },
            );
        }
        let last_at = history
            .moves
            .last()
            .map(|m| m.2)
            .unwrap_or(created_at + Duration::minutes(5));
        let in_flight = !status.is_finished();
        let blocked = in_flight && rng.gen_bool(0.12);
        let reason = blocked.then(|| BLOCK_REASONS[rng.gen_range(0..BLOCK_REASONS.len())]);
        let mut updated_at = last_at;
        if let Some(r) = reason {
            let who = actor(&mut rng);
            let at = last_at + Duration::minutes(30);
            if at < now {
                updated_at = at;
            }
            revision += 1;
            act(
                &mut rng,
                updated_at,
                who,
                Change::Blocked {
                    release: label.clone(),
                    is_blocked: true,
                    blocked_reason: Some(r.into()),
                },
            );
        }
        if n % 3 == 0 {
            let who = actor(&mut rng);
            let at = created_at + Duration::minutes(rng.gen_range(10..600));
            if at < now {
                let comment_id: CommentId = id_at(at, &mut rng);
                comments.push(comment::ActiveModel {
                    id: Set(comment_id.clone()),
                    team_id: Set(team_id.clone()),
                    release_id: Set(rid.clone()),
                    author_id: Set(Some(who.0.clone())),
                    body: Set(COMMENTS[rng.gen_range(0..COMMENTS.len())].into()),
                    created_at: Set(at),
                    updated_at: Set(at),
                });
                act(
                    &mut rng,
                    at,
                    who,
                    Change::Commented {
                        release: label.clone(),
                        comment_id,
                    },
                );
            }
        }
        let priority = match rng.gen_range(0..100) {
            0..=14 => Priority::Low,
            15..=69 => Priority::Medium,
            70..=91 => Priority::High,
            _ => Priority::Critical,
        };
        let target = (created_at + Duration::days(rng.gen_range(7..35))).date_naive();
        releases.push(release::ActiveModel {
            id: Set(rid.clone()),
            team_id: Set(team_id.clone()),
            service_id: Set(sid),
            title: Set(title.into()),
            version: Set(version.clone()),
            description: Set(format!(
                "{title} for {}. Seeded demo data.",
                sname.to_lowercase()
            )),
            status: Set(status),
            priority: Set(priority),
            owner_id: Set(owner.map(|o| o.0.clone())),
            sprint_id: Set(None),
            deployment_group_id: Set(None),
            group_position: Set(None),
            target_date: Set(Some(target)),
            is_blocked: Set(blocked),
            blocked_reason: Set(reason.map(str::to_string)),
            staging_deployed_at: Set(staging_at),
            production_deployed_at: Set(production_at),
            revision: Set(revision),
            created_at: Set(created_at),
            updated_at: Set(updated_at),
        });
    }
    let (n_releases, n_activities) = (releases.len(), activities.len());
    for chunk in releases.chunks(400) {
        release::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await?;
    }
    for chunk in activities.chunks(400) {
        activity::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await?;
    }
    for chunk in comments.chunks(400) {
        comment::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(SeedSummary {
        team_id,
        releases: n_releases,
        activities: n_activities,
    })
}

#[cfg(test)]
mod tests;
