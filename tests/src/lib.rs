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

/// The committed snapshot files, by name.
pub fn committed_snapshots() -> std::collections::BTreeMap<String, String> {
    ["inventory.txt", "deprecations.txt", "signatures.txt"]
        .iter()
        .map(|n| {
            (
                n.to_string(),
                std::fs::read_to_string(root().join("tests/snapshots").join(n)).unwrap_or_default(),
            )
        })
        .collect()
}

/// The snapshots of a spec, from the IR.
pub fn snapshots_of(doc_or_path: Spec<'_>) -> std::collections::BTreeMap<&'static str, String> {
    use procore_generator::{load, Generator, Settings};
    let spec = match doc_or_path {
        Spec::Path(p) => load::load_path(p).expect("spec loads"),
        Spec::Doc(v) => {
            load::load_bytes("mutated.json", &serde_json::to_vec(v).unwrap()).expect("spec loads")
        }
    };
    procore_generator::inventory::snapshots(&Generator::new(Settings::default()).build_ir(spec).0)
}

/// A spec on disk or in memory.
pub enum Spec<'a> {
    /// A file.
    Path(&'a Path),
    /// A parsed document.
    Doc(&'a serde_json::Value),
}

/// Drift of `fresh` against `baseline` snapshots, as the readable lines the suite prints, each
/// prefixed with its file; `Err` with the whole message when anything drifted.
pub fn check_drift(
    baseline: &std::collections::BTreeMap<String, String>,
    fresh: &std::collections::BTreeMap<&'static str, String>,
) -> Result<(), String> {
    let mut lines = Vec::new();
    for (name, text) in fresh {
        let old = baseline.get(*name).map(String::as_str).unwrap_or("");
        for l in procore_generator::inventory::drift(old, text) {
            lines.push(format!("{name}: {l}"));
        }
    }
    if lines.is_empty() {
        return Ok(());
    }
    let shown: Vec<&str> = lines.iter().take(100).map(String::as_str).collect();
    Err(format!(
        "the API drifted from tests/snapshots/ ({} lines):\n{}{}\nIf this is intended, run `cargo xtask snapshot --accept` and commit tests/snapshots/.",
        lines.len(),
        shown.join("\n"),
        if lines.len() > 100 { "\n..." } else { "" }
    ))
}
