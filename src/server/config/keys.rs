//! The encryption key: decoded from `RC_ENCRYPTION_KEY`, or in development
//! generated once into the data folder with owner-only permissions.

use super::Secret;
use anyhow::Context;
use base64::Engine;
use std::path::{Path, PathBuf};

pub(super) fn decode_key(b64: &str) -> anyhow::Result<Secret<[u8; 32]>> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .map_err(|_| anyhow::anyhow!("must be base64 (for example: openssl rand -base64 32)"))?;
    let key: [u8; 32] = bytes
        .try_into()
        .map_err(|v: Vec<u8>| anyhow::anyhow!("must decode to 32 bytes, not {}", v.len()))?;
    Ok(Secret::new(key))
}

/// In development, without `RC_ENCRYPTION_KEY`, a key is generated once into
/// `<data_dir>/encryption.key` (mode 0600) and reused. Production sets the
/// variable: losing this file makes stored OAuth tokens unreadable.
/// Returns the key, and the file's path when it was generated just now.
pub(super) fn dev_key(data_dir: &Path) -> anyhow::Result<(Secret<[u8; 32]>, Option<PathBuf>)> {
    let path = data_dir.join("encryption.key");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let key =
            decode_key(&existing).with_context(|| format!("{} is corrupt", path.display()))?;
        return Ok((key, None));
    }
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("creating {}", data_dir.display()))?;
    let key: [u8; 32] = rand::random();
    let encoded = base64::engine::general_purpose::STANDARD.encode(key);
    write_private(&path, &encoded).with_context(|| format!("writing {}", path.display()))?;
    Ok((Secret::new(key), Some(path)))
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(contents.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)
}
