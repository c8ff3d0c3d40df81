//! `snapshot`: compare the endpoint inventory of a spec with the committed snapshots in
//! `tests/snapshots/`, and accept intended drift with `--accept`.

use crate::{fsx, lock};
use anyhow::{bail, Result};
use procore_generator::inventory;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// `snapshot` options.
#[derive(Debug, clap::Args)]
pub struct SnapshotArgs {
    /// Spec to take the inventory of (default: the pinned spec).
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,
    /// Write the new snapshots (accept the drift) instead of failing on it.
    #[arg(long)]
    pub accept: bool,
}

/// Where the snapshots live.
pub fn dir() -> PathBuf {
    lock::root().join("tests/snapshots")
}

/// Drift of each snapshot file (`file -> lines`), empty when nothing drifted.
pub fn drift(fresh: &BTreeMap<&'static str, String>) -> BTreeMap<&'static str, Vec<String>> {
    fresh
        .iter()
        .map(|(name, text)| {
            let old = std::fs::read_to_string(dir().join(name)).unwrap_or_default();
            (*name, inventory::drift(&old, text))
        })
        .filter(|(_, d)| !d.is_empty())
        .collect()
}

/// Prints drift with per-file counts.
pub fn print_drift(drift: &BTreeMap<&'static str, Vec<String>>) {
    for (name, lines) in drift {
        let count = |c: char| lines.iter().filter(|l| l.starts_with(c)).count();
        eprintln!(
            "tests/snapshots/{name}: {} added, {} removed, {} changed",
            count('+'),
            count('-'),
            count('~')
        );
        for l in lines.iter().take(200) {
            eprintln!("  {l}");
        }
        if lines.len() > 200 {
            eprintln!("  ... {} more", lines.len() - 200);
        }
    }
}

/// Runs `snapshot`.
pub fn run(args: &SnapshotArgs) -> Result<()> {
    let arg = match &args.from {
        Some(p) => p.display().to_string(),
        None => "pinned".into(),
    };
    let api = crate::diff::load_api(&arg)?;
    let fresh = inventory::snapshots(&api);
    let drift = drift(&fresh);
    if drift.is_empty() {
        eprintln!("snapshots match ({} operations)", api.operations.len());
        return Ok(());
    }
    print_drift(&drift);
    if args.accept {
        for (name, text) in &fresh {
            fsx::write_if_changed(&dir().join(name), text.as_bytes())?;
        }
        eprintln!("snapshots accepted: review and commit tests/snapshots/");
        return Ok(());
    }
    bail!("the inventory drifted from tests/snapshots/; if the change is intended, run `cargo xtask snapshot --accept` and commit")
}
