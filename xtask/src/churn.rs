//! `churn`: the stability promise checked on compiled crates. Each churn fixture (see
//! `procore_generator::churn`) is applied to the pinned spec and regenerated in place over a copy
//! of the committed crate; cargo-semver-checks then compares the two crates (with every feature,
//! and with each `--feature` alone), the ledgers are compared operation by operation, and our own
//! Rust-level comparison is run. Additive fixtures must give no breaking finding; real breaks
//! must be major in every verdict. Slow (two rustdoc builds of the whole crate per check): CI
//! runs the IR-level part (`tests/tests/stability.rs`) instead.

use crate::{generate, lock, verdict};
use anyhow::{bail, Context, Result};
use procore_generator::churn::Churn;
use procore_generator::ir::Ledger;
use procore_generator::stability::{self, Level};
use std::fmt::Write;

/// `churn` options.
#[derive(Debug, clap::Args)]
pub struct ChurnArgs {
    /// Only these fixtures (comma-separated names; default all): retag, rename-category,
    /// new-category, add-operations, add-fields, reorder-paths, remove-operation,
    /// add-required-param, retype-field.
    #[arg(long, value_delimiter = ',')]
    pub only: Vec<String>,
    /// Category features each checked alone (comma-separated; besides all features), e.g.
    /// `core,project-management`.
    #[arg(long, value_delimiter = ',', default_value = "core")]
    pub feature: Vec<String>,
    /// Skip the cargo-semver-checks run with every feature (only the `--feature` ones).
    #[arg(long)]
    pub no_all_features: bool,
    /// Skip cargo-semver-checks: ledger and IR-level checks only (seconds, not minutes).
    #[arg(long)]
    pub no_semver_checks: bool,
}

/// Runs the fixtures; fails when one breaks what it must not, or misses a real break.
pub fn run(args: &ChurnArgs) -> Result<()> {
    let spec = lock::pinned_spec()?;
    let doc = procore_generator::load::load_path(&spec)?.doc;
    let client = generate::client_dir();
    let ledger = generate::read_ledger(&client)?.context("generated-client/api.lock is missing")?;
    let base_api = verdict::build_over(&spec, Some(&ledger))?;
    let root = lock::root().join("target/churn");
    let base = root.join("base");
    verdict::copy_crate(&client, &base)?;
    let sets = feature_sets(args);
    let mut report = report_header(&sets);
    let mut failures = Vec::new();
    for churn in Churn::ALL {
        if !args.only.is_empty() && !args.only.iter().any(|o| o == churn.name()) {
            continue;
        }
        eprintln!("==> {}", churn.name());
        let dir = root.join(churn.name());
        verdict::copy_crate(&client, &dir)?;
        let churned = root.join(format!("{}.json", churn.name()));
        std::fs::write(&churned, serde_json::to_vec(&churn.apply(&doc))?)?;
        let gen = generate::GenArgs {
            from: Some(churned.clone()),
            ..Default::default()
        };
        let files = generate::run_generator(&gen, Some(&churned), "procore", None, &dir)?;
        generate::write_crate(&dir, &files)?;
        verdict::detach_from_workspace(&dir)?;
        let new_api = verdict::build_over(&churned, Some(&ledger))?;
        let ours = stability::level(&verdict::rust_changes(&base_api, &new_api, Some(&ledger)));
        let next = generate::read_ledger(&dir)?.context("the regenerated crate has no api.lock")?;
        let moved = ledger_moves(&ledger, &next);
        let mut cells = vec![ours.label().to_string(), format!("{moved} moved")];
        let mut levels = vec![ours];
        for (label, flags) in &sets {
            let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
            let started = std::time::Instant::now();
            match verdict::semver_checks(&base, &dir, &flags)? {
                Some((level, text)) => {
                    std::fs::write(dir.join(format!("semver-checks-{label}.txt")), &text)?;
                    levels.push(level);
                    let secs = started.elapsed().as_secs();
                    cells.push(format!("{} ({secs} s)", level.label()));
                }
                None => bail!(
                    "cargo-semver-checks is not installed:\n  {}",
                    verdict::INSTALL
                ),
            }
        }
        let expected = if churn.is_additive() {
            "not major"
        } else {
            "major"
        };
        let _ = writeln!(
            report,
            "| {} | {expected} | {} |",
            churn.name(),
            cells.join(" | ")
        );
        let worst = levels.iter().copied().max().unwrap_or(Level::Patch);
        let best = levels.iter().copied().min().unwrap_or(Level::Patch);
        if churn.is_additive() && (worst == Level::Major || moved > 0) {
            failures.push(format!("{}: a break where none is allowed", churn.name()));
        }
        if !churn.is_additive() && best != Level::Major && ours != Level::Major {
            failures.push(format!(
                "{}: a real break not reported as major",
                churn.name()
            ));
        }
    }
    std::fs::write(root.join("report.md"), &report)?;
    eprintln!("\n{report}\n(target/churn/report.md; findings in target/churn/<fixture>/semver-checks*.txt)");
    if failures.is_empty() {
        Ok(())
    } else {
        bail!("{}", failures.join("\n"))
    }
}

/// The cargo-semver-checks runs asked for: a label (`all`, or the feature) and its flags.
fn feature_sets(args: &ChurnArgs) -> Vec<(String, Vec<String>)> {
    if args.no_semver_checks {
        return Vec::new();
    }
    let all =
        (!args.no_all_features).then(|| ("all".to_string(), vec!["--all-features".to_string()]));
    let alone = args.feature.iter().map(|f| {
        let flags = vec!["--only-explicit-features".into(), format!("--features={f}")];
        (f.clone(), flags)
    });
    all.into_iter().chain(alone).collect()
}

/// The report table's header, with a column per cargo-semver-checks run.
fn report_header(sets: &[(String, Vec<String>)]) -> String {
    let mut head = String::from("| fixture | expected | ours | ledger |");
    for (label, _) in sets {
        let _ = write!(head, " semver-checks ({label}) |");
    }
    let columns = 4 + sets.len();
    format!("{head}\n|{}\n", "---|".repeat(columns))
}

/// Operations of `old` whose method or feature differs in `new` (removed ones aside).
fn ledger_moves(old: &Ledger, new: &Ledger) -> usize {
    old.ops
        .iter()
        .filter(|(k, v)| new.ops.get(*k).is_some_and(|n| n != *v))
        .count()
}
