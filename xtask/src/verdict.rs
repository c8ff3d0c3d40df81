//! The verdicts of a regeneration: what it does to the generated crate's users, at the HTTP
//! level (the diff), at the Rust level (our comparison of the two builds, and
//! cargo-semver-checks on the two crates), the crate version that follows, and a changelog entry.

use anyhow::{Context, Result};
use procore_generator::ir::{Api, Ledger};
use procore_generator::stability::{self, ApiChange, Level};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

/// How to get cargo-semver-checks on a machine that lacks it.
pub const INSTALL: &str =
    "cargo install cargo-semver-checks --locked   # about 20 minutes on a 2-core machine";

/// Builds the IR of a spec over a crate's ledger, as `generate` would.
pub fn build_over(spec: &Path, ledger: Option<&Ledger>) -> Result<Api> {
    let loaded = procore_generator::load::load_path(spec)?;
    let settings = procore_generator::Settings::default().ledger(ledger.cloned());
    Ok(procore_generator::Generator::new(settings)
        .build_ir(loaded)
        .0)
}

/// Our Rust-level comparison of two builds.
pub fn rust_changes(old: &Api, new: &Api, ledger: Option<&Ledger>) -> Vec<ApiChange> {
    let before: BTreeSet<String> = Ledger::of(old, ledger).features.into_keys().collect();
    let after: BTreeSet<String> = Ledger::of(new, ledger).features.into_keys().collect();
    stability::compare(old, new, &before, &after)
}

/// What cargo-semver-checks says of `current` against `baseline` (two crate directories), with
/// these cargo feature flags; `None` when it is not installed.
pub fn semver_checks(
    baseline: &Path,
    current: &Path,
    features: &[&str],
) -> Result<Option<(Level, String)>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let installed = Command::new(&cargo)
        .args(["semver-checks", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !installed {
        return Ok(None);
    }
    let out = Command::new(&cargo)
        .args(["semver-checks", "check-release", "--manifest-path"])
        .arg(current.join("Cargo.toml"))
        .arg("--baseline-root")
        .arg(baseline)
        .args(features)
        .output()
        .context("cannot run cargo semver-checks")?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let level = if out.status.success() {
        Level::Minor
    } else if text.contains("new major version") {
        Level::Major
    } else if text.contains("new minor version") {
        Level::Minor
    } else {
        anyhow::bail!("cargo semver-checks failed without a verdict:\n{text}");
    };
    Ok(Some((level, text)))
}

/// Copies a crate directory (without `target/`) for use as a baseline.
pub fn copy_crate(from: &Path, to: &Path) -> Result<()> {
    if to.exists() {
        std::fs::remove_dir_all(to)?;
    }
    let mut stack = vec![from.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in
            std::fs::read_dir(&dir).with_context(|| format!("cannot read {}", dir.display()))?
        {
            let e = e?;
            let rel = e.path().strip_prefix(from)?.to_path_buf();
            if rel.starts_with("target") {
                continue;
            }
            let dest = to.join(&rel);
            if e.file_type()?.is_dir() {
                std::fs::create_dir_all(&dest)?;
                stack.push(e.path());
            } else {
                std::fs::create_dir_all(dest.parent().unwrap_or(to))?;
                std::fs::copy(e.path(), &dest)?;
            }
        }
    }
    detach_from_workspace(to)
}

/// Makes a crate copied under this repository's `target/` its own workspace, so cargo does not
/// take it for a member of ours.
pub fn detach_from_workspace(dir: &Path) -> Result<()> {
    let manifest = dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest)?;
    if !text.contains("\n[workspace]") {
        std::fs::write(&manifest, format!("{text}\n[workspace]\n"))?;
    }
    Ok(())
}

/// Sets `version` in a generated crate's Cargo.toml (the generator keeps what it finds there).
pub fn set_version(dir: &Path, version: &str) -> Result<()> {
    let path = dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&path)?;
    let mut in_package = false;
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        if line.starts_with('[') {
            in_package = line.trim() == "[package]";
        }
        if in_package && line.trim_start().starts_with("version") {
            out.push_str(&format!("version = \"{version}\"\n"));
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    crate::fsx::write_if_changed(&path, out.as_bytes())?;
    Ok(())
}

/// A changelog entry for users of the crate: methods added, removed and newly deprecated.
pub fn changelog_entry(
    version: &str,
    date: &str,
    old: &Api,
    new: &Api,
    from: &str,
    to: &str,
) -> String {
    let names = |api: &Api| -> BTreeSet<String> {
        api.operations.iter().map(|o| o.fn_name.clone()).collect()
    };
    let deprecated = |api: &Api| -> BTreeSet<String> {
        api.operations
            .iter()
            .filter(|o| o.deprecation.is_some())
            .map(|o| o.fn_name.clone())
            .collect()
    };
    let (a, b) = (names(old), names(new));
    let mut out = format!("## {version} ({date})\n\nRegenerated from {to} (was {from}).\n");
    let mut section = |title: &str, items: Vec<&String>| {
        if !items.is_empty() {
            out.push_str(&format!("\n### {title} ({})\n\n", items.len()));
            for i in items {
                out.push_str(&format!("- `Client::{i}`\n"));
            }
        }
    };
    section("Methods added", b.difference(&a).collect());
    section("Methods removed", a.difference(&b).collect());
    let newly: Vec<&String> = deprecated(new)
        .into_iter()
        .filter(|n| !deprecated(old).contains(n))
        .collect::<Vec<_>>()
        .iter()
        .filter_map(|n| b.get(n))
        .collect();
    section("Methods deprecated", newly);
    out.push('\n');
    out
}

/// Prepends `entry` to the crate's CHANGELOG.md (created when missing).
pub fn write_changelog(dir: &Path, entry: &str) -> Result<()> {
    let path = dir.join("CHANGELOG.md");
    let old = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        "# Changelog of the generated crate\n\nWritten by `cargo xtask regen`, newest first.\n\n".into()
    });
    let (head, rest) = match old.find("\n## ") {
        Some(i) => old.split_at(i + 1),
        None => (old.as_str(), ""),
    };
    crate::fsx::write_if_changed(&path, format!("{head}{entry}{rest}").as_bytes())?;
    Ok(())
}
