//! `bless`: rewrite the expected output of every golden pair (`tests/golden/*/expected.rs`)
//! from the current generator, then show what changed.

use crate::lock;
use anyhow::{bail, Result};
use std::process::Command;

/// Runs the golden test with `UPDATE_GOLDEN=1` (which writes instead of comparing) and prints
/// `git diff --stat` of `tests/golden/` so the change can be reviewed before committing.
pub fn bless() -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let args = ["test", "-p", "procore-tests", "--test", "golden"];
    eprintln!("==> UPDATE_GOLDEN=1 {cargo} {}", args.join(" "));
    let status = Command::new(&cargo)
        .args(args)
        .env("UPDATE_GOLDEN", "1")
        .current_dir(lock::root())
        .status()?;
    if !status.success() {
        bail!("re-blessing failed (a golden spec does not generate; see above)");
    }
    // Only a summary: the review happens in `git diff tests/golden/`.
    let _ = Command::new("git")
        .args(["diff", "--stat", "--", "tests/golden"])
        .current_dir(lock::root())
        .status();
    eprintln!("bless: tests/golden/*/expected.rs rewritten; review with `git diff tests/golden/`");
    Ok(())
}
