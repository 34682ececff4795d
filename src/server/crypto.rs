//! Secrets: random tokens, their hashes, passwords, and encryption at rest.
//!
//! - Tokens that are only ever compared (sessions, invitations, API tokens,
//!   OAuth `state`) are 256-bit random values; the database keeps their
//!   SHA-256, never the value.
//! - Passwords are argon2id PHC strings.
//! - Values that must be read back (OAuth tokens, the Slack webhook URL) are
//!   AES-256-GCM encrypted as `v1.<key id>.<base64(nonce ‖ ciphertext)>`: a
//!   fresh 96-bit nonce per value, and the key id so keys can rotate.

use crate::server::config::Secret;
use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::Engine;
use sha2::{Digest, Sha256};

const B64URL: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;
const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// A new random token (256 bits, URL-safe base64).
pub fn random_token() -> String {
    let bytes: [u8; 32] = rand::random();
    B64URL.encode(bytes)
}

/// The SHA-256 of a token, hex: what the database stores and looks up.
pub fn hash_token(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Hashes a password with argon2id and a random salt. CPU-heavy: call it
/// from a blocking thread.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing a password failed: {e}"))
}

/// Checks a password against a stored hash; a malformed hash never matches.
pub fn verify_password(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A real argon2id hash of a password nobody knows: unknown emails are
/// checked against it so they take as long as wrong passwords.
pub fn dummy_password_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password(&random_token()).unwrap_or_default())
}

/// Encrypts and decrypts values at rest with AES-256-GCM.
#[derive(Clone)]
pub struct Cipher {
    key_id: String,
    cipher: Aes256Gcm,
    /// Earlier keys, by id: read-only, until `rotate-key` has run.
    old: Vec<(String, Aes256Gcm)>,
}

impl std::fmt::Debug for Cipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cipher")
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

impl Cipher {
    /// A cipher for `key`; its id is the first 8 hex digits of SHA-256(key).
    pub fn new(key: &Secret<[u8; 32]>) -> Self {
        Self::with_old_keys(key, &[])
    }

    /// The current key plus earlier ones that may still be read
    /// (`RC_ENCRYPTION_KEYS_OLD`); new values always use the current key.
    pub fn with_old_keys(key: &Secret<[u8; 32]>, old: &[Secret<[u8; 32]>]) -> Self {
        let id_of = |k: &Secret<[u8; 32]>| hash_token(&B64.encode(k.expose()))[..8].to_string();
        let aes = |k: &Secret<[u8; 32]>| {
            Aes256Gcm::new_from_slice(k.expose()).expect("BUG: a 32-byte key is always valid")
        };
        Self {
            key_id: id_of(key),
            cipher: aes(key),
            old: old.iter().map(|k| (id_of(k), aes(k))).collect(),
        }
    }

    /// The id stored beside each ciphertext.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// Encrypts `plaintext` with a fresh random nonce.
    pub fn encrypt(&self, plaintext: &str) -> anyhow::Result<String> {
        let nonce_bytes: [u8; 12] = rand::random();
        let ct = self
            .cipher
            .encrypt(Nonce::from_slice(&nonce_bytes), plaintext.as_bytes())
            .map_err(|_| anyhow::anyhow!("encryption failed"))?;
        let mut blob = nonce_bytes.to_vec();
        blob.extend_from_slice(&ct);
        Ok(format!("v1.{}.{}", self.key_id, B64.encode(blob)))
    }

    /// The key id a stored value was encrypted with.
    pub fn key_id_of(stored: &str) -> Option<&str> {
        let mut parts = stored.splitn(3, '.');
        match (parts.next(), parts.next()) {
            (Some("v1"), Some(id)) => Some(id),
            _ => None,
        }
    }

    /// Decrypts a value written by [`Cipher::encrypt`] with this key.
    pub fn decrypt(&self, stored: &str) -> anyhow::Result<Secret<String>> {
        let mut parts = stored.splitn(3, '.');
        let (Some("v1"), Some(id), Some(b64)) = (parts.next(), parts.next(), parts.next()) else {
            anyhow::bail!("not an encrypted value");
        };
        let cipher = if id == self.key_id {
            &self.cipher
        } else if let Some((_, c)) = self.old.iter().find(|(k, _)| k == id) {
            c
        } else {
            anyhow::bail!(
                "encrypted with another key ({id}); add that key to RC_ENCRYPTION_KEYS_OLD and run rotate-key"
            );
        };
        let blob = B64
            .decode(b64)
            .map_err(|_| anyhow::anyhow!("corrupt encrypted value"))?;
        if blob.len() < 12 {
            anyhow::bail!("corrupt encrypted value");
        }
        let (nonce, ct) = blob.split_at(12);
        let pt = cipher
            .decrypt(Nonce::from_slice(nonce), ct)
            .map_err(|_| anyhow::anyhow!("encrypted value does not authenticate"))?;
        String::from_utf8(pt)
            .map(Secret::new)
            .map_err(|_| anyhow::anyhow!("corrupt encrypted value"))
    }

    /// `Some(new ciphertext)` when `stored` was written with an older key:
    /// what `rotate-key` writes back. `None` when it already uses the
    /// current key.
    pub fn reencrypt(&self, stored: &str) -> anyhow::Result<Option<String>> {
        if Self::key_id_of(stored) == Some(self.key_id.as_str()) {
            return Ok(None);
        }
        let plain = self.decrypt(stored)?;
        self.encrypt(plain.expose()).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashes_stable() {
        let a = random_token();
        assert_ne!(a, random_token());
        assert!(a.len() >= 43);
        assert_eq!(hash_token("x"), hash_token("x"));
        assert_eq!(hash_token("abc").len(), 64);
    }

    #[test]
    fn passwords_verify() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("wrong", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn encryption_round_trips_with_fresh_nonces() {
        let c = Cipher::new(&Secret::new([1u8; 32]));
        let a = c.encrypt("xoxb-secret").unwrap();
        let b = c.encrypt("xoxb-secret").unwrap();
        assert_ne!(a, b, "a fresh nonce each time");
        assert!(!a.contains("xoxb-secret"));
        assert_eq!(c.decrypt(&a).unwrap().expose(), "xoxb-secret");
        assert_eq!(Cipher::key_id_of(&a), Some(c.key_id()));
        let other = Cipher::new(&Secret::new([2u8; 32]));
        assert!(other.decrypt(&a).is_err());
        let mut tampered = a.clone();
        tampered.pop();
        tampered.push('A');
        assert!(c.decrypt(&tampered).is_err() || tampered == a);
    }

    #[test]
    fn old_keys_are_read_and_reencrypted_with_the_current_one() {
        let old = Secret::new([1u8; 32]);
        let a = Cipher::new(&old).encrypt("gho_token").unwrap();
        let rotated = Cipher::with_old_keys(&Secret::new([2u8; 32]), &[old]);
        assert_eq!(rotated.decrypt(&a).unwrap().expose(), "gho_token");
        let b = rotated.reencrypt(&a).unwrap().expect("re-encrypted");
        assert_eq!(Cipher::key_id_of(&b), Some(rotated.key_id()));
        assert_eq!(rotated.reencrypt(&b).unwrap(), None, "already current");
        let fresh = Cipher::new(&Secret::new([2u8; 32]));
        assert_eq!(fresh.decrypt(&b).unwrap().expose(), "gho_token");
        assert!(fresh.decrypt(&a).is_err(), "the old key is gone");
    }
}
