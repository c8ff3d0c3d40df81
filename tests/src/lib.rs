//! Helpers shared by the workspace tests: where the repository, fixtures and pinned spec are.

use std::path::{Path, PathBuf};

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// A fixture file under `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures").join(name)
}

/// The pinned spec, found through `spec/spec.lock.json`: the local copy `spec/<file>`, or the
/// lock's `source` beside the repository, whichever has the locked checksum's size. `None` (with
/// a loud message) when neither is on this machine; CI's `.ci/run` makes sure one is.
pub fn pinned_spec() -> Option<PathBuf> {
    let lock_path = root().join("spec/spec.lock.json");
    let lock: serde_json::Value = serde_json::from_slice(&std::fs::read(&lock_path).ok()?).ok()?;
    let size = lock["size"].as_u64()?;
    let candidates = [
        root().join("spec").join(lock["file"].as_str()?),
        root().join(lock["source"].as_str()?),
    ];
    let found = candidates
        .iter()
        .find(|c| std::fs::metadata(c).is_ok_and(|m| m.len() == size))
        .cloned();
    if found.is_none() {
        eprintln!(
            "\n*** SKIPPED: the pinned spec is not on this machine (looked for {} and {}).\n*** Run `cargo xtask fetch-spec --locked` to restore it; CI always has it.\n",
            candidates[0].display(),
            candidates[1].display()
        );
        if std::env::var_os("CI").is_some() {
            panic!("CI must have the pinned spec: .ci/run runs `cargo xtask fetch-spec --locked`");
        }
    }
    found
}

/// A spec from `../shared/specs/` (the stand-ins for Procore's file), if present.
pub fn shared_spec(name: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("PROCORE_SPECS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/specs"));
    let p = dir.join(name);
    if p.is_file() {
        return Some(p);
    }
    eprintln!(
        "\n*** SKIPPED: {} is not on this machine (set PROCORE_SPECS_DIR).\n",
        p.display()
    );
    if std::env::var_os("CI").is_some() {
        panic!("CI must have ../shared/specs");
    }
    None
}
