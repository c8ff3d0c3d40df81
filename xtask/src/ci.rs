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
        &[
            "test",
            "--workspace",
            "--exclude",
            "procore-coverage",
            "--exclude",
            "procore",
        ],
    )?;
    // The runtime's tests and examples use RFIs (project-management) and the company list
    // (company-admin in the 2026-02 file).
    // This run includes the crate's doctests (the crate-level example, which README shows, and
    // the runtime's); the workspace run above includes the generator's.
    run(
        "client runtime, example and doc tests",
        &cargo,
        &[
            "test",
            "-p",
            "procore",
            "--features",
            "project-management,company-admin",
        ],
    )?;
    run(
        "generated fixture crate tests",
        &cargo,
        &["test", "-p", "procore-coverage", "--all-features"],
    )?;
    eprintln!("\n==> rustdoc of the client, warnings denied");
    let status = Command::new(&cargo)
        .args(["doc", "-p", "procore", "--no-deps"])
        .env("RUSTDOCFLAGS", "-D warnings")
        .current_dir(lock::root())
        .status()?;
    if !status.success() {
        bail!(
            "rustdoc reported warnings (RUSTDOCFLAGS=-D warnings cargo doc -p procore --no-deps)"
        );
    }
    run(
        "fuzz the generator for 30 seconds",
        xtask,
        &["fuzz", "--seconds", "30"],
    )?;
    // The short form of the compile benchmark: one cold check of `core` (dependencies
    // included, about two minutes) against a memory budget, which is steadier than time on a
    // shared machine (458 MB when it was set); the full one is `bench --compile [--grow 36]`.
    run(
        "compile benchmark, short form (core within 700 MB)",
        xtask,
        &[
            "bench",
            "--compile",
            "--runs",
            "1",
            "--core-only",
            "--max-rss-mb",
            "700",
        ],
    )?;
    eprintln!("\nci: all checks passed");
    Ok(())
}
