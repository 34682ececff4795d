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
use crate::domain::kinds::ResourceType;
use crate::domain::roles::Role;
use crate::domain::status::{Priority, ReleaseStatus};
use crate::server::db::entities::{activity, comment, release, service, team, team_member, user};
use anyhow::{bail, Context};
use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{
    ActiveValue::Set, DatabaseConnection, DatabaseTransaction, EntityTrait, PaginatorTrait,
    TransactionTrait,
};

mod story;
use story::{id_at, plan, walk, Clock, BLOCK_REASONS, COMMENTS, SERVICES, TOPICS};

/// The demo sign-in (README "Demo data").
pub const DEMO_EMAIL: &str = "demo@example.com";
/// The demo password, shared by every demo account.
pub const DEMO_PASSWORD: &str = "demo-password";

/// What to seed.
#[derive(Debug, Clone)]
pub struct SeedOptions {
    /// How many releases (history over the last six months), over every
    /// team seeded.
    pub releases: usize,
    /// Exactly this many of the demo team's releases end in flight (the
    /// rest finished, all of them old enough to have got there). `None`:
    /// as the invented history falls (recent work mostly in flight).
    pub in_flight: Option<usize>,
    /// Teams in all, the demo team included. With more than one, the demo
    /// team gets half of `releases` and the others share the other half
    /// (each with one owner, `team0001@example.com`, …), so
    /// `--teams 1000 --releases 100000` is a big team of 50,000 releases of
    /// history among 999 small ones.
    pub teams: usize,
    /// Seed even though accounts exist.
    pub force: bool,
}

impl Default for SeedOptions {
    fn default() -> Self {
        Self {
            releases: 60,
            in_flight: None,
            teams: 1,
            force: false,
        }
    }
}

/// The most releases one command seeds.
pub const MAX_RELEASES: usize = 200_000;
/// The most teams one command seeds.
pub const MAX_TEAMS: usize = 10_000;

/// What was seeded.
#[derive(Debug)]
pub struct SeedSummary {
    /// The demo team's id.
    pub team_id: TeamId,
    /// Releases written for the demo team.
    pub releases: usize,
    /// Activity rows written for the demo team.
    pub activities: usize,
    /// Other teams written, and their releases.
    pub other_teams: usize,
    /// Releases written for the other teams.
    pub other_releases: usize,
}

/// Seeds the demo team (and, with `teams > 1`, the other teams).
pub async fn demo(db: &DatabaseConnection, opts: &SeedOptions) -> anyhow::Result<SeedSummary> {
    if opts.releases > MAX_RELEASES {
        bail!("at most {MAX_RELEASES} releases");
    }
    if opts.teams == 0 || opts.teams > MAX_TEAMS {
        bail!("--teams must be between 1 and {MAX_TEAMS}");
    }
    let mine = if opts.teams > 1 {
        opts.releases / 2
    } else {
        opts.releases
    };
    if let Some(n) = opts.in_flight {
        if n > mine {
            bail!("--in-flight {n} is more than the demo team's {mine} releases");
        }
    }
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
    let mut rng = StdRng::seed_from_u64(0x5eed);
    let clock = Clock {
        now: Utc::now(),
        origin: Utc::now() - Duration::days(200),
    };
    let hash = crate::server::crypto::hash_password(DEMO_PASSWORD)?;

    let people = [
        (DEMO_EMAIL, "Dana Demo", Role::Owner),
        ("ada@example.com", "Ada Lovelace", Role::Admin),
        ("grace@example.com", "Grace Hopper", Role::Member),
        ("linus@example.com", "Linus Torvalds", Role::Member),
        ("viewer@example.com", "Vera Viewer", Role::Viewer),
    ];
    let txn = db.begin().await?;
    let team_id = insert_team(&txn, &mut rng, &clock, "Acme Platform").await?;
    let mut users = vec![];
    for (email, name, role) in people {
        let uid = insert_member(&txn, &mut rng, &clock, &team_id, email, name, role, &hash).await?;
        users.push((uid, name, role));
    }
    let written = history(
        &txn,
        &mut rng,
        &clock,
        &team_id,
        &users,
        mine,
        opts.in_flight,
    )
    .await?;
    txn.commit().await?;

    let others = opts.teams - 1;
    let rest = opts.releases - mine;
    let mut other_releases = 0;
    for i in 0..others {
        let n = rest / others + usize::from(i < rest % others);
        let txn = db.begin().await?;
        let name = format!("Team {:04}", i + 1);
        let tid = insert_team(&txn, &mut rng, &clock, &name).await?;
        let email = format!("team{:04}@example.com", i + 1);
        let owner_name = format!("Owner of team {:04}", i + 1);
        let uid = insert_member(
            &txn,
            &mut rng,
            &clock,
            &tid,
            &email,
            &owner_name,
            Role::Owner,
            &hash,
        )
        .await?;
        let users = [(uid, owner_name.as_str(), Role::Owner)];
        other_releases += history(&txn, &mut rng, &clock, &tid, &users, n, None)
            .await?
            .0;
        txn.commit().await?;
    }
    Ok(SeedSummary {
        team_id,
        releases: written.0,
        activities: written.1,
        other_teams: others,
        other_releases,
    })
}

async fn insert_team(
    txn: &DatabaseTransaction,
    rng: &mut StdRng,
    clock: &Clock,
    name: &str,
) -> anyhow::Result<TeamId> {
    let team_id: TeamId = id_at(clock.origin, rng);
    let slug = crate::domain::validation::slugify(name, "team");
    team::Entity::insert(team::ActiveModel {
        id: Set(team_id.clone()),
        name: Set(name.into()),
        slug: Set(format!(
            "{slug}-{}",
            &team_id.as_str()[team_id.as_str().len() - 6..]
        )),
        slack_webhook_url: Set(None),
        slack_channel: Set(None),
        notify_on_status_change: Set(true),
        notify_on_blocked: Set(true),
        notify_on_ready_to_deploy: Set(true),
        slack_last_error: Set(None),
        slack_last_error_at: Set(None),
        policy: Set(None),
        created_at: Set(clock.origin),
        updated_at: Set(clock.origin),
    })
    .exec(txn)
    .await
    .with_context(|| format!("creating the team {name}"))?;
    Ok(team_id)
}

#[allow(clippy::too_many_arguments)]
async fn insert_member(
    txn: &DatabaseTransaction,
    rng: &mut StdRng,
    clock: &Clock,
    team_id: &TeamId,
    email: &str,
    name: &str,
    role: Role,
    hash: &str,
) -> anyhow::Result<UserId> {
    let uid: UserId = id_at(clock.origin, rng);
    user::Entity::insert(user::ActiveModel {
        id: Set(uid.clone()),
        email: Set(email.into()),
        name: Set(name.into()),
        password_hash: Set(hash.into()),
        created_at: Set(clock.origin),
        updated_at: Set(clock.origin),
        // Demo people read their (made-up) email: they count as verified.
        email_verified_at: Set(Some(clock.origin)),
        pending_email: Set(None),
        deleted_at: Set(None),
    })
    .exec(txn)
    .await
    .with_context(|| format!("creating {email} (already there? use a fresh database)"))?;
    team_member::Entity::insert(team_member::ActiveModel {
        id: Set(id_at(clock.origin, rng)),
        team_id: Set(team_id.clone()),
        user_id: Set(uid.clone()),
        role: Set(role),
        created_at: Set(clock.origin),
    })
    .exec(txn)
    .await?;
    Ok(uid)
}

/// Invents and writes a team's releases with their moves, activity and
/// comments; returns (releases, activities) written.
async fn history(
    txn: &DatabaseTransaction,
    rng: &mut StdRng,
    clock: &Clock,
    team_id: &TeamId,
    users: &[(UserId, &str, Role)],
    n_releases: usize,
    in_flight: Option<usize>,
) -> anyhow::Result<(usize, usize)> {
    let now = clock.now;
    let movers: Vec<&(UserId, &str, Role)> = users.iter().filter(|u| u.2 != Role::Viewer).collect();

    let mut services = vec![];
    for (name, key) in SERVICES {
        let slug = crate::domain::validation::slugify(name, "service");
        let sid: ServiceId = id_at(clock.origin, rng);
        service::Entity::insert(service::ActiveModel {
            id: Set(sid.clone()),
            team_id: Set(team_id.clone()),
            name: Set(name.into()),
            slug: Set(slug.clone()),
            description: Set(format!("The {} service.", name.to_lowercase())),
            github_repo: Set(Some(format!("acme/{slug}"))),
            jira_project_key: Set(Some(key.into())),
            created_at: Set(clock.origin),
            updated_at: Set(clock.origin),
        })
        .exec(txn)
        .await?;
        services.push((sid, name, 0u32));
    }

    let mut releases = vec![];
    let mut activities = vec![];
    let mut comments = vec![];
    let plan = plan(rng, clock, n_releases, in_flight);
    for (n, (created_at, goal)) in plan.into_iter().enumerate() {
        let svc = rng.gen_range(0..services.len());
        services[svc].2 += 1;
        let (sid, sname, count) = services[svc].clone();
        let version = format!("{}.{}.{}", 1 + count / 40, (count / 5) % 8, count % 5);
        let title = TOPICS[rng.gen_range(0..TOPICS.len())];
        let history = walk(rng, created_at, now, goal);
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
        let rid: ReleaseId = id_at(created_at, rng);
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
                    resource_type: Set(Some(ResourceType::Release)),
                    resource_id: Set(Some(rid.to_string())),
                    created_at: Set(at),
                });
            };
        let creator = actor(rng);
        act(
            rng,
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
                rng,
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
                .unwrap_or_else(|| actor(rng));
            revision += 1;
            match to {
                ReleaseStatus::InStaging => staging_at = Some(*at),
                ReleaseStatus::Deployed => production_at = Some(*at),
                _ => {}
            }
            act(
                rng,
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
            let who = actor(rng);
            let at = last_at + Duration::minutes(30);
            if at < now {
                updated_at = at;
            }
            revision += 1;
            act(
                rng,
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
            let who = actor(rng);
            let at = created_at + Duration::minutes(rng.gen_range(10..600));
            if at < now {
                let comment_id: CommentId = id_at(at, rng);
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
                    rng,
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
            version_set_by: Set(owner.map(|o| o.0.clone())),
            revision: Set(revision),
            created_at: Set(created_at),
            updated_at: Set(updated_at),
        });
    }
    let (n_releases, n_activities) = (releases.len(), activities.len());
    for chunk in releases.chunks(400) {
        release::Entity::insert_many(chunk.to_vec())
            .exec(txn)
            .await?;
    }
    for chunk in activities.chunks(400) {
        activity::Entity::insert_many(chunk.to_vec())
            .exec(txn)
            .await?;
    }
    for chunk in comments.chunks(400) {
        comment::Entity::insert_many(chunk.to_vec())
            .exec(txn)
            .await?;
    }
    Ok((n_releases, n_activities))
}

#[cfg(test)]
mod tests;
