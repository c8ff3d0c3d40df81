//! The lock file `spec/spec.lock.json`: which spec the committed client was generated from.
//!
//! The spec itself is never committed. `spec/<file>` holds the local copy written by
//! `fetch-spec`; when it is missing, the lock's `source` (a path, relative to the repository
//! root, or a URL) says where to get it again, and `sha256` proves it is the same file.

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// Contents of the lock file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Lock {
    /// Name of the local copy under `spec/`.
    pub file: String,
    /// Where it was fetched from (URL, or path relative to the repository root).
    pub source: String,
    /// SHA-256 of the file, hex.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// `info.version` of the spec.
    pub info_version: String,
    /// When it was fetched (RFC 3339, UTC).
    pub retrieved_at: String,
}

/// The repository root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask has a parent")
        .to_path_buf()
}

/// Path of the lock file.
pub fn lock_path() -> PathBuf {
    root().join("spec/spec.lock.json")
}

/// Reads the project's lock file.
pub fn read() -> Result<Lock> {
    read_at(&lock_path())
}

/// Reads a lock file.
pub fn read_at(path: &Path) -> Result<Lock> {
    let text = std::fs::read_to_string(path).with_context(|| {
        format!(
            "{}: no lock file; run `cargo xtask fetch-spec --from <file or URL>` first",
            path.display()
        )
    })?;
    serde_json::from_str(&text).with_context(|| {
        format!(
            "{}: not a valid lock file; restore it with `git checkout spec/`",
            path.display()
        )
    })
}

/// Writes a lock file atomically.
pub fn write_at(path: &Path, lock: &Lock) -> Result<()> {
    let text = serde_json::to_string_pretty(lock)? + "\n";
    crate::fsx::write_atomic(path, text.as_bytes())
}

/// Hex SHA-256 of bytes.
pub fn sha256(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The pinned spec on disk: `spec/<file>`, or the lock's local `source` when the copy is
/// missing (a fresh clone beside `../shared/specs`). Either way its checksum must match.
pub fn pinned_spec() -> Result<PathBuf> {
    locate(&read()?)
}

/// Where the spec of `lock` is on this machine: the local copy, the source beside the
/// repository, or `$PROCORE_SPECS_DIR`, whichever has the locked checksum. A local copy with
/// another checksum (left by `regen` after `git checkout .`, say) is passed over.
pub fn locate(lock: &Lock) -> Result<PathBuf> {
    let local = root().join("spec").join(&lock.file);
    let candidates = [
        local.clone(),
        root().join(&lock.source),
        specs_dir_copy(&lock.source),
    ];
    let mut mismatched = None;
    for c in candidates.iter().filter(|c| c.is_file()) {
        let bytes = std::fs::read(c).with_context(|| format!("{}: cannot read", c.display()))?;
        let sum = sha256(&bytes);
        if sum == lock.sha256 {
            return Ok(c.clone());
        }
        mismatched.get_or_insert((c.clone(), sum));
    }
    if let Some((path, sum)) = mismatched {
        bail!(
            "{}: checksum {sum} does not match the lock ({}); run `cargo xtask fetch-spec --locked` to restore the pinned spec, or `cargo xtask fetch-spec --from ...` to pin a new one",
            path.display(),
            lock.sha256
        );
    }
    bail!(
        "the pinned spec is not on this machine (looked for {} and {}); run `cargo xtask fetch-spec --locked` (needs {} reachable)",
        local.display(),
        root().join(&lock.source).display(),
        lock.source
    )
}

/// The lock file as committed (`git show HEAD:spec/spec.lock.json`): the pin before any
/// uncommitted `fetch-spec`.
pub fn committed() -> Result<Lock> {
    let out = std::process::Command::new("git")
        .args(["show", "HEAD:spec/spec.lock.json"])
        .current_dir(root())
        .output()
        .context("cannot run git")?;
    if !out.status.success() {
        bail!(
            "no committed spec/spec.lock.json to compare with: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    serde_json::from_slice(&out.stdout)
        .context("the committed spec/spec.lock.json is not a valid lock file")
}

/// `$PROCORE_SPECS_DIR/<file name of source>`: where `.ci/run` points the xtask at the
/// stand-in specs.
pub fn specs_dir_copy(source: &str) -> PathBuf {
    let name = source.rsplit('/').next().unwrap_or(source);
    match std::env::var_os("PROCORE_SPECS_DIR") {
        Some(dir) => PathBuf::from(dir).join(name),
        None => root().join("../shared/specs").join(name),
    }
}
