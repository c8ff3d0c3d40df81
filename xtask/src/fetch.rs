//! `fetch-spec`: bring a spec into `spec/` and pin it in the lock file.

use crate::{download, fsx, lock};
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Procore's published OAS file.
pub const PROCORE_URL: &str = "https://api.procore.com/swagger/v1.0/rest_OAS_all.json";

/// Name of the local copy under `spec/`.
pub const LOCAL_FILE: &str = "rest_OAS_all.json";

/// `fetch-spec` options.
#[derive(Debug, clap::Args)]
pub struct FetchArgs {
    /// Download the spec from this URL (https://, or http:// for a local server) instead of
    /// Procore's published OAS file [default: https://api.procore.com/swagger/v1.0/rest_OAS_all.json].
    #[arg(long, value_name = "URL", conflicts_with_all = ["from", "locked"])]
    pub url: Option<String>,
    /// Take the spec from this local file (offline) or URL instead of Procore's; a relative path
    /// is recorded in the lock relative to the repository root.
    #[arg(long, value_name = "PATH|URL", conflicts_with = "locked")]
    pub from: Option<String>,
    /// Restore the pinned spec from the lock file's source (path or URL) and verify its
    /// checksum; the lock is not changed (CI uses this).
    #[arg(long)]
    pub locked: bool,
    /// Give up on a download when connecting, waiting for the answer, or any pause while
    /// reading the body takes longer than this many seconds.
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    pub timeout: u64,
    /// Retry a download this many times after connection errors, timeouts, 5xx answers or a
    /// broken-off body, waiting 0.5 s, 1 s, 2 s, ... (at most 8 s) in between.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub retries: u32,
    /// Write the spec and spec.lock.json into DIR instead of spec/ (for tests; the other
    /// verbs always read spec/).
    #[arg(long, value_name = "DIR")]
    pub spec_dir: Option<PathBuf>,
}

/// Runs `fetch-spec`.
pub fn fetch(args: &FetchArgs) -> Result<()> {
    match &args.spec_dir {
        Some(dir) => fetch_into(dir, &dir.join(LOCK_FILE), args),
        None => fetch_into(&lock::root().join("spec"), &lock::lock_path(), args),
    }
}

/// Name of the lock file inside the spec directory.
const LOCK_FILE: &str = "spec.lock.json";

/// Runs `fetch-spec` with the spec copy going to `spec_dir/rest_OAS_all.json` and the lock
/// at `lock_path`. Nothing is written until the new spec has been fully read and verified; the
/// spec is then renamed into place, and only after that is the lock rewritten.
pub fn fetch_into(spec_dir: &Path, lock_path: &Path, args: &FetchArgs) -> Result<()> {
    let root = lock::root();
    let (source, expected) = if args.locked {
        let l = lock::read_at(lock_path)?;
        (l.source, Some(l.sha256))
    } else {
        let source = args.from.clone().or_else(|| args.url.clone());
        (source.unwrap_or_else(|| PROCORE_URL.to_string()), None)
    };
    let target = spec_dir.join(LOCAL_FILE);

    // Read the new spec: downloads go to a temp file beside the target, local files are read.
    let (bytes, downloaded, recorded) = if download::is_url(&source) {
        std::fs::create_dir_all(spec_dir)
            .with_context(|| format!("{}: cannot create directory", spec_dir.display()))?;
        let opts = download::Options {
            timeout: Duration::from_secs(args.timeout.max(1)),
            retries: args.retries,
        };
        let file = download::download(&source, spec_dir, &format!(".{LOCAL_FILE}."), &opts)?;
        let bytes = std::fs::read(file.path())
            .with_context(|| format!("{}: cannot read the download", file.path().display()))?;
        (bytes, Some(file), source.clone())
    } else {
        let path = local_source(&root, &source)?;
        let bytes = std::fs::read(&path)
            .with_context(|| format!("{source}: cannot read the spec; check the path"))?;
        // Record the source relative to the repository root when it lies beside it.
        let canonical = path.canonicalize().unwrap_or(path.clone());
        let root_canon = root.canonicalize().unwrap_or(root.clone());
        let recorded = relative(&canonical, &root_canon).unwrap_or(source.clone());
        (bytes, None, recorded)
    };

    // Verify: an OpenAPI 3.0 document, and with --locked the pinned one. An HTML page (a
    // proxy's or a sign-in page) would otherwise be reported as invalid YAML.
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<') {
        bail!("{source}: not an OpenAPI 3.0 document (it is HTML or XML, such as an error or sign-in page); check the URL, or download the spec some other way and pass `--from PATH`");
    }
    let spec = procore_generator::load::load_bytes(&source, &bytes)?;
    let sha = lock::sha256(&bytes);
    if let Some(want) = expected {
        if sha != want {
            bail!("{source}: checksum {sha} does not match the lock ({want}); the file changed since it was pinned, and spec/ was left as it was. Pin it anew with `cargo xtask fetch-spec --from {source}`");
        }
    }

    // Put the spec in place, then the lock.
    match downloaded {
        Some(file) => {
            fsx::set_readable(file.as_file());
            file.persist(&target)
                .with_context(|| format!("{}: cannot replace", target.display()))?;
        }
        None => fsx::write_atomic(&target, &bytes)?,
    }
    if !args.locked {
        let info_version = spec
            .doc
            .pointer("/info/version")
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string();
        lock::write_at(
            lock_path,
            &lock::Lock {
                file: LOCAL_FILE.into(),
                source: recorded,
                sha256: sha.clone(),
                size: bytes.len() as u64,
                info_version,
                retrieved_at: crate::time::now_rfc3339(),
            },
        )?;
    }
    eprintln!(
        "{}: {} bytes, sha256 {sha} ({})",
        shown(&root, &target),
        bytes.len(),
        if args.locked {
            "matches the lock"
        } else {
            "lock updated"
        }
    );
    Ok(())
}

/// Finds a local source: as given (relative to the current directory), relative to the
/// repository root, or in `$PROCORE_SPECS_DIR`.
fn local_source(root: &Path, source: &str) -> Result<PathBuf> {
    let p = PathBuf::from(source);
    let path = if p.is_absolute() {
        p
    } else {
        std::env::current_dir()?.join(&p)
    };
    Ok(if path.exists() {
        path
    } else if root.join(source).exists() {
        root.join(source)
    } else {
        lock::specs_dir_copy(source)
    })
}

/// `path` as shown in messages: relative to the repository root when inside it.
fn shown(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
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
