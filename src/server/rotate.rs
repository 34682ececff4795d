//! `release-coordinator rotate-key`: re-encrypts every stored secret (OAuth
//! access and refresh tokens, Slack webhook URLs) with the current
//! `RC_ENCRYPTION_KEY`.
//!
//! Rotation, for operators (also in the README):
//! 1. generate a new key (`openssl rand -base64 32`);
//! 2. set `RC_ENCRYPTION_KEY` to it and `RC_ENCRYPTION_KEYS_OLD` to the old
//!    one, restart the app servers (both keys are read from then on);
//! 3. run `release-coordinator rotate-key`;
//! 4. remove `RC_ENCRYPTION_KEYS_OLD`.
//!
//! It runs in one transaction and first decrypts everything: a value under a
//! key it was not given aborts the whole run and changes nothing.

use crate::server::crypto::Cipher;
use crate::server::db::{self, entities::oauth_connection, entities::team};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection, EntityTrait};

/// What a run changed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Rotated {
    /// Token values re-encrypted (access and refresh count separately).
    pub tokens: usize,
    /// Slack webhook URLs re-encrypted.
    pub webhooks: usize,
    /// Values that already used the current key.
    pub current: usize,
}

fn again(cipher: &Cipher, v: &str, what: &str, n: &mut Rotated) -> anyhow::Result<Option<String>> {
    let out = cipher
        .reencrypt(v)
        .map_err(|e| anyhow::anyhow!("{what}: {e}; nothing was changed"))?;
    if out.is_none() {
        n.current += 1;
    }
    Ok(out)
}

/// Re-encrypts everything not yet under `cipher`'s current key.
pub async fn rotate_key(db_conn: &DatabaseConnection, cipher: &Cipher) -> anyhow::Result<Rotated> {
    let mut n = Rotated::default();
    let txn = db::begin_write(db_conn).await?;
    for c in oauth_connection::Entity::find().all(&txn).await? {
        let what = format!("the {} connection {}", c.provider, c.id);
        let access = again(cipher, &c.access_token, &what, &mut n)?;
        let refresh = match &c.refresh_token {
            Some(r) => again(cipher, r, &what, &mut n)?,
            None => None,
        };
        if access.is_none() && refresh.is_none() {
            continue;
        }
        n.tokens += usize::from(access.is_some()) + usize::from(refresh.is_some());
        let mut am: oauth_connection::ActiveModel = c.into();
        if let Some(a) = access {
            am.access_token = Set(a);
        }
        if let Some(r) = refresh {
            am.refresh_token = Set(Some(r));
        }
        am.update(&txn).await?;
    }
    for t in team::Entity::find().all(&txn).await? {
        let Some(url) = &t.slack_webhook_url else {
            continue;
        };
        let what = format!("the Slack webhook of team {}", t.id);
        if let Some(v) = again(cipher, url, &what, &mut n)? {
            n.webhooks += 1;
            let mut am: team::ActiveModel = t.into();
            am.slack_webhook_url = Set(Some(v));
            am.update(&txn).await?;
        }
    }
    txn.commit().await?;
    Ok(n)
}
