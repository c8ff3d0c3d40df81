//! `ci`: everything CI checks, in the order that fails fastest. README's test command.

use crate::lock;
use anyhow::{bail, Result};
use std::process::Command;

fn run(what: &str, program: &str, args: &[&str]) -> Result<()> {
    eprintln!("\n==> {what}: {program} {}", args.join(" "));
    let status = Command::new(program)
        .args(args)
        .current_dir(lock::root())
        .status()?;
    if !status.success() {
        bail!("{what} failed ({program} {})", args.join(" "));
    }
    Ok(())
}

/// Runs the checks and tests.
pub fn ci() -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let xtask = std::env::current_exe()?;
    let xtask = xtask.to_str().unwrap_or("xtask");
    // The pinned spec must be present (and the one locked) for the spec-level tests.
    if lock::pinned_spec().is_err() {
        run(
            "restore the pinned spec",
            xtask,
            &["fetch-spec", "--locked"],
        )?;
    }
    run("format", &cargo, &["fmt", "--all", "--check"])?;
    run("generated code is current", xtask, &["check"])?;
    run(
        "lints (generated code included, every feature)",
        &cargo,
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ],
    )?;
    run(
        "tests",
        &cargo,
        &["test", "--workspace", "--exclude", "procore-coverage"],
    )?;
    run(
        "generated fixture crate tests",
        &cargo,
        &["test", "-p", "procore-coverage", "--all-features"],
    )?;
    eprintln!("\nci: all checks passed");
    Ok(())
}
