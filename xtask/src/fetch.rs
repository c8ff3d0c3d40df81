//! `fetch-spec`: bring a spec into `spec/` and pin it in the lock file.

use crate::{fsx, lock};
use anyhow::{bail, Context, Result};
use std::path::PathBuf;

/// Procore's published OAS file.
pub const PROCORE_URL: &str = "https://api.procore.com/swagger/v1.0/rest_OAS_all.json";

/// Name of the local copy under `spec/`.
pub const LOCAL_FILE: &str = "rest_OAS_all.json";

/// `fetch-spec` options.
#[derive(Debug, clap::Args)]
pub struct FetchArgs {
    /// Take the spec from this local file (offline) instead of downloading it.
    #[arg(long, value_name = "PATH", conflicts_with = "locked")]
    pub from: Option<String>,
    /// Restore the pinned spec from the lock file's source and verify its checksum; the lock is
    /// not changed (CI uses this).
    #[arg(long)]
    pub locked: bool,
}

/// Runs `fetch-spec`.
pub fn fetch(args: &FetchArgs) -> Result<()> {
    let root = lock::root();
    let (source, expected) = if args.locked {
        let l = lock::read()?;
        (l.source, Some(l.sha256))
    } else {
        (
            args.from.clone().unwrap_or_else(|| PROCORE_URL.to_string()),
            None,
        )
    };
    if source.starts_with("http://") || source.starts_with("https://") {
        bail!("{source}: downloading is not available in this build; download the file yourself and pass `--from PATH`");
    }
    let path = {
        let p = PathBuf::from(&source);
        if p.is_absolute() {
            p
        } else {
            std::env::current_dir()?.join(&p)
        }
    };
    let path = if path.exists() {
        path
    } else if root.join(&source).exists() {
        root.join(&source)
    } else {
        lock::specs_dir_copy(&source)
    };
    let bytes = std::fs::read(&path)
        .with_context(|| format!("{source}: cannot read the spec; check the path"))?;
    let spec = procore_generator::load::load_bytes(&source, &bytes)?;
    let sha = lock::sha256(&bytes);
    if let Some(want) = expected {
        if sha != want {
            bail!("{source}: checksum {sha} does not match the lock ({want}); the file changed since it was pinned. Pin it anew with `cargo xtask fetch-spec --from {source}`");
        }
    }
    fsx::write_atomic(&root.join("spec").join(LOCAL_FILE), &bytes)?;
    if !args.locked {
        // Record the source relative to the repository root when it lies beside it.
        let canonical = path.canonicalize().unwrap_or(path.clone());
        let root_canon = root.canonicalize().unwrap_or(root.clone());
        let recorded = relative(&canonical, &root_canon).unwrap_or(source.clone());
        let info_version = spec
            .doc
            .pointer("/info/version")
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string();
        lock::write(&lock::Lock {
            file: LOCAL_FILE.into(),
            source: recorded,
            sha256: sha.clone(),
            size: bytes.len() as u64,
            info_version,
            retrieved_at: crate::time::now_rfc3339(),
        })?;
    }
    eprintln!(
        "spec/{LOCAL_FILE}: {} bytes, sha256 {sha} ({})",
        bytes.len(),
        if args.locked {
            "matches the lock"
        } else {
            "lock updated"
        }
    );
    Ok(())
}

/// `path` relative to `base`, with `..` segments, when they share a prefix.
fn relative(path: &std::path::Path, base: &std::path::Path) -> Option<String> {
    let p: Vec<_> = path.components().collect();
    let b: Vec<_> = base.components().collect();
    let common = p.iter().zip(&b).take_while(|(x, y)| x == y).count();
    if common == 0 {
        return None;
    }
    let mut parts: Vec<String> = std::iter::repeat_n("..".to_string(), b.len() - common).collect();
    parts.extend(
        p[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    Some(parts.join("/"))
}
