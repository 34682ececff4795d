//! The whole data model of `DATA-MODEL.md`: every table, foreign key (with
//! its cascade rule), unique key and index.
//!
//! Portable choices: ids are text (UUIDv7), enums are text (new values need
//! no migration), JSON is text, timestamps are `timestamp with time zone` on
//! PostgreSQL and RFC 3339-ordered text on SQLite. Foreign keys are declared
//! inside `CREATE TABLE` because SQLite cannot add them later.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// `ON DELETE` behaviour of a foreign key.
#[derive(Clone, Copy)]
enum OnDelete {
    Cascade,
    SetNull,
}

/// A table under construction: columns plus foreign keys, terse to read.
struct T {
    name: &'static str,
    stmt: TableCreateStatement,
}

impl T {
    fn new(name: &'static str) -> Self {
        let mut stmt = Table::create();
        stmt.table(name).col(string("id").primary_key());
        Self { name, stmt }
    }
    fn col<C: IntoColumnDef>(mut self, c: C) -> Self {
        self.stmt.col(c);
        self
    }
    /// A required foreign key column.
    fn fk(self, col: &'static str, to: &'static str, on_delete: OnDelete) -> Self {
        self.col(string(col)).reference(col, to, on_delete)
    }
    /// An optional foreign key column.
    fn fk_null(self, col: &'static str, to: &'static str, on_delete: OnDelete) -> Self {
        self.col(string_null(col)).reference(col, to, on_delete)
    }
    fn reference(mut self, col: &'static str, to: &'static str, on_delete: OnDelete) -> Self {
        let action = match on_delete {
            OnDelete::Cascade => ForeignKeyAction::Cascade,
            OnDelete::SetNull => ForeignKeyAction::SetNull,
        };
        self.stmt.foreign_key(
            ForeignKey::create()
                .name(format!("fk_{}_{}", self.name, col))
                .from(self.name, col)
                .to(to, "id")
                .on_delete(action)
                .on_update(ForeignKeyAction::Cascade),
        );
        self
    }
    fn timestamps(self) -> Self {
        self.col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone("updated_at"))
    }
}

async fn index(
    m: &SchemaManager<'_>,
    table: &'static str,
    cols: &[&'static str],
    unique: bool,
) -> Result<(), DbErr> {
    let mut idx = Index::create();
    idx.name(format!(
        "{}_{}_{}",
        if unique { "ux" } else { "ix" },
        table,
        cols.join("_")
    ))
    .table(table);
    for c in cols {
        idx.col(*c);
    }
    if unique {
        idx.unique();
    }
    m.create_index(idx).await
}

use OnDelete::{Cascade, SetNull};

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let tables = vec![
            T::new("teams")
                .col(string("name"))
                .col(string("slug"))
                .col(text_null("slack_webhook_url"))
                .col(string_null("slack_channel"))
                .col(boolean("notify_on_status_change").default(true))
                .col(boolean("notify_on_blocked").default(true))
                .col(boolean("notify_on_ready_to_deploy").default(true))
                .col(text_null("slack_last_error"))
                .col(timestamp_with_time_zone_null("slack_last_error_at"))
                .timestamps(),
            T::new("users")
                .col(string("email"))
                .col(string("name"))
                .col(string("password_hash"))
                .timestamps(),
            T::new("team_members")
                .fk("team_id", "teams", Cascade)
                .fk("user_id", "users", Cascade)
                .col(string("role"))
                .col(timestamp_with_time_zone("created_at")),
            T::new("invitations")
                .fk("team_id", "teams", Cascade)
                .col(string("email"))
                .col(string("role"))
                .col(string("token_hash"))
                .fk_null("invited_by", "users", SetNull)
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone_null("accepted_at"))
                .fk_null("accepted_by", "users", SetNull)
                .col(timestamp_with_time_zone("created_at")),
            T::new("sessions")
                .fk("user_id", "users", Cascade)
                .col(string("token_hash"))
                .fk_null("current_team_id", "teams", SetNull)
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("last_seen_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(string_null("user_agent"))
                .col(string_null("ip")),
            T::new("api_tokens")
                .fk("team_id", "teams", Cascade)
                .col(string("name"))
                .col(string("role"))
                .col(string("token_hash"))
                .col(string("prefix"))
                .fk_null("created_by", "users", SetNull)
                .col(timestamp_with_time_zone_null("last_used_at"))
                .col(timestamp_with_time_zone_null("expires_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .col(timestamp_with_time_zone("created_at")),
            T::new("services")
                .fk("team_id", "teams", Cascade)
                .col(string("name"))
                .col(string("slug"))
                .col(text("description").default(""))
                .col(string_null("github_repo"))
                .col(string_null("jira_project_key"))
                .timestamps(),
            T::new("sprints")
                .fk("team_id", "teams", Cascade)
                .col(string("name"))
                .col(date("start_date"))
                .col(date("end_date"))
                .col(string("status"))
                .timestamps(),
            T::new("deployment_groups")
                .fk("team_id", "teams", Cascade)
                .col(string("name"))
                .fk_null("sprint_id", "sprints", SetNull)
                .fk_null("owner_id", "users", SetNull)
                .col(date_null("target_date"))
                .col(string("deployment_order"))
                .timestamps(),
            T::new("releases")
                .fk("team_id", "teams", Cascade)
                .fk("service_id", "services", Cascade)
                .col(string("title"))
                .col(string("version"))
                .col(text("description").default(""))
                .col(string("status"))
                .col(string("priority"))
                .fk_null("owner_id", "users", SetNull)
                .fk_null("sprint_id", "sprints", SetNull)
                .fk_null("deployment_group_id", "deployment_groups", SetNull)
                .col(integer_null("group_position"))
                .col(date_null("target_date"))
                .col(boolean("is_blocked").default(false))
                .col(text_null("blocked_reason"))
                .col(timestamp_with_time_zone_null("staging_deployed_at"))
                .col(timestamp_with_time_zone_null("production_deployed_at"))
                .col(big_integer("revision").default(1))
                .timestamps(),
            T::new("release_items")
                .fk("team_id", "teams", Cascade)
                .fk("release_id", "releases", Cascade)
                .col(string("type"))
                .col(string("external_id"))
                .col(text_null("title"))
                .col(string_null("status"))
                .col(string_null("status_category"))
                .col(string_null("assignee"))
                .col(text_null("url"))
                .fk_null("added_by", "users", SetNull)
                .col(timestamp_with_time_zone_null("last_synced_at"))
                .col(text_null("sync_error"))
                .col(timestamp_with_time_zone("created_at")),
            T::new("release_dependencies")
                .fk("team_id", "teams", Cascade)
                .fk("release_id", "releases", Cascade)
                .fk("depends_on_id", "releases", Cascade)
                .col(string("type"))
                .col(timestamp_with_time_zone_null("resolved_at"))
                .fk_null("created_by", "users", SetNull)
                .col(timestamp_with_time_zone("created_at")),
            T::new("comments")
                .fk("team_id", "teams", Cascade)
                .fk("release_id", "releases", Cascade)
                .fk_null("author_id", "users", SetNull)
                .col(text("body"))
                .timestamps(),
            T::new("activities")
                .fk("team_id", "teams", Cascade)
                .fk_null("release_id", "releases", SetNull)
                .fk_null("user_id", "users", SetNull)
                .col(string("type"))
                .col(string("action"))
                .col(text("description"))
                .col(text_null("metadata"))
                .col(timestamp_with_time_zone("created_at")),
            T::new("oauth_connections")
                .fk("user_id", "users", Cascade)
                .col(string("provider"))
                .col(text("access_token"))
                .col(text_null("refresh_token"))
                .col(timestamp_with_time_zone_null("expires_at"))
                .col(text_null("scopes"))
                .col(string_null("account_id"))
                .col(string_null("account_name"))
                .col(text_null("metadata"))
                .col(boolean("is_valid").default(true))
                .col(text_null("last_error"))
                .col(timestamp_with_time_zone_null("last_error_at"))
                .timestamps(),
            T::new("oauth_states")
                .fk("user_id", "users", Cascade)
                .col(string("provider"))
                .col(text_null("pkce_verifier"))
                .col(text_null("redirect_after"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone("created_at")),
            T::new("outbox")
                .fk("team_id", "teams", Cascade)
                .col(string("kind"))
                .col(text("payload"))
                .col(integer("attempts").default(0))
                .col(timestamp_with_time_zone("next_attempt_at"))
                .col(text_null("last_error"))
                .col(timestamp_with_time_zone_null("sent_at"))
                .col(timestamp_with_time_zone("created_at")),
        ];
        for t in tables {
            m.create_table(t.stmt.to_owned()).await?;
        }

        // Keys and indexes, in the order of DATA-MODEL.md.
        index(m, "teams", &["slug"], true).await?;
        index(m, "users", &["email"], true).await?; // emails are stored lower-cased
        index(m, "team_members", &["team_id", "user_id"], true).await?;
        index(m, "team_members", &["user_id"], false).await?;
        index(m, "invitations", &["token_hash"], true).await?;
        index(m, "invitations", &["team_id"], false).await?;
        index(m, "sessions", &["token_hash"], true).await?;
        index(m, "sessions", &["user_id"], false).await?;
        index(m, "sessions", &["expires_at"], false).await?;
        index(m, "api_tokens", &["token_hash"], true).await?;
        index(m, "api_tokens", &["team_id"], false).await?;
        index(m, "services", &["team_id", "slug"], true).await?;
        index(m, "sprints", &["team_id", "status"], false).await?;
        index(m, "deployment_groups", &["team_id"], false).await?;
        index(m, "deployment_groups", &["sprint_id"], false).await?;
        index(m, "releases", &["team_id", "status", "updated_at"], false).await?;
        index(m, "releases", &["service_id"], false).await?;
        index(m, "releases", &["sprint_id"], false).await?;
        index(m, "releases", &["deployment_group_id"], false).await?;
        index(m, "releases", &["owner_id"], false).await?;
        index(
            m,
            "release_items",
            &["release_id", "type", "external_id"],
            true,
        )
        .await?;
        index(m, "release_items", &["type", "external_id"], false).await?;
        index(
            m,
            "release_dependencies",
            &["release_id", "depends_on_id"],
            true,
        )
        .await?;
        index(m, "release_dependencies", &["depends_on_id"], false).await?;
        index(m, "comments", &["release_id", "created_at"], false).await?;
        index(m, "activities", &["team_id", "created_at"], false).await?;
        index(m, "activities", &["release_id", "created_at"], false).await?;
        index(m, "oauth_connections", &["user_id", "provider"], true).await?;
        index(m, "oauth_states", &["expires_at"], false).await?;
        index(m, "outbox", &["sent_at", "next_attempt_at"], false).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "outbox",
            "oauth_states",
            "oauth_connections",
            "activities",
            "comments",
            "release_dependencies",
            "release_items",
            "releases",
            "deployment_groups",
            "sprints",
            "services",
            "api_tokens",
            "sessions",
            "invitations",
            "team_members",
            "users",
            "teams",
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
