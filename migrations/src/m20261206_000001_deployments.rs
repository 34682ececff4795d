//! Deployments reported by CI (`POST /api/deployments`): every report is a
//! row, whatever the board did with it. `key` is the pipeline's idempotency
//! key, unique per team (several reports without a key are fine: NULLs are
//! distinct on both databases); `answer` keeps the first answer, so the
//! same key again gets it back unchanged.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{string, string_null, text, text_null, timestamp_with_time_zone};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLE: &str = "deployments";

fn fk(col: &'static str, to: &'static str, action: ForeignKeyAction) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{TABLE}_{col}"))
        .from(TABLE, col)
        .to(to, "id")
        .on_delete(action)
        .on_update(ForeignKeyAction::Cascade)
        .to_owned()
}

fn index(cols: &[&'static str], unique: bool) -> IndexCreateStatement {
    let mut idx = Index::create();
    idx.name(format!(
        "{}_{TABLE}_{}",
        if unique { "ux" } else { "ix" },
        cols.join("_")
    ))
    .table(TABLE);
    for c in cols {
        idx.col(*c);
    }
    if unique {
        idx.unique();
    }
    idx.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(TABLE)
                .col(string("id").primary_key())
                .col(string("team_id"))
                .col(string("service_id"))
                .col(string_null("release_id"))
                .col(string("version"))
                .col(string("environment"))
                .col(string("status"))
                .col(string_null("commit_sha"))
                .col(text_null("url"))
                .col(string_null("key"))
                .col(string_null("reported_by"))
                .col(string_null("token_id"))
                .col(string("reporter_name"))
                .col(text("moved"))
                .col(text_null("drift"))
                .col(text_null("answer"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("team_id", "teams", ForeignKeyAction::Cascade))
                .foreign_key(&mut fk("service_id", "services", ForeignKeyAction::Cascade))
                .foreign_key(&mut fk("release_id", "releases", ForeignKeyAction::SetNull))
                .foreign_key(&mut fk("reported_by", "users", ForeignKeyAction::SetNull))
                .foreign_key(&mut fk("token_id", "api_tokens", ForeignKeyAction::SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(index(&["team_id", "key"], true)).await?;
        m.create_index(index(&["team_id", "service_id", "environment"], false))
            .await?;
        m.create_index(index(&["release_id"], false)).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(TABLE).to_owned()).await?;
        Ok(())
    }
}
