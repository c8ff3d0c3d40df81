//! `regen`: the whole update workflow in one command. Fetch (or take) a new spec, regenerate
//! the client, report snapshot drift and the API diff against the previous pin, check that the
//! client compiles, and end with what changed and the semver bump the crate needs.

use crate::{diff, fetch, generate, lock, snapshot};
use anyhow::{bail, Context, Result};
use procore_generator::diff::{render, DiffOptions};
use procore_generator::inventory;
use std::process::Command;

/// `regen` options.
#[derive(Debug, clap::Args)]
pub struct RegenArgs {
    #[command(flatten)]
    pub fetch: fetch::FetchArgs,
    /// Skip `cargo check` of the regenerated client.
    #[arg(long)]
    pub no_check: bool,
}

/// Runs `regen`.
pub fn run(args: &RegenArgs) -> Result<()> {
    if args.fetch.spec_dir.is_some() {
        bail!("--spec-dir is for fetch-spec alone: regen works on the repository's spec/");
    }
    // The previous pin is the committed one, so `fetch-spec --from NEW` followed by `regen`
    // compares NEW with what the repository had.
    let old_lock = lock::committed()?;
    eprintln!(
        "==> previous pin (committed): {} ({})",
        old_lock.source, old_lock.sha256
    );
    let old_path = lock::locate(&old_lock)
        .context("the previous pinned spec is needed to report what changed")?;
    let old_api = diff::load_api(&old_path.display().to_string())?;

    let asked = args.fetch.url.is_some() || args.fetch.from.is_some() || args.fetch.locked;
    let already_fetched = lock::read()?.sha256 != old_lock.sha256;
    if asked || !already_fetched {
        eprintln!("==> fetch-spec");
        fetch::fetch(&args.fetch)?;
    } else {
        eprintln!("==> using the spec pinned by the last fetch-spec");
    }
    let new_lock = lock::read()?;
    let new_api = diff::load_api("pinned")?;

    eprintln!("==> generate");
    generate::generate(&generate::GenArgs::default(), None)?;

    let out = lock::root().join("target/regen");
    std::fs::create_dir_all(&out)?;
    eprintln!("==> snapshot drift (tests/snapshots/)");
    let drift = snapshot::drift(&inventory::snapshots(&new_api));
    snapshot::print_drift(&drift);
    let mut drift_text = String::new();
    for (name, lines) in &drift {
        drift_text.push_str(&format!("# {name}\n{}\n", lines.join("\n")));
    }
    std::fs::write(out.join("snapshot-drift.txt"), &drift_text)?;

    eprintln!("==> diff against the previous pin");
    let opts = DiffOptions {
        today: None,
        old_source: old_lock.source.clone(),
        new_source: new_lock.source.clone(),
        ..Default::default()
    };
    let report = procore_generator::diff::diff(&old_api, &new_api, &opts);
    std::fs::write(out.join("diff.md"), render::markdown(&report))?;
    std::fs::write(out.join("diff.json"), render::json(&report))?;
    std::fs::write(out.join("diff.txt"), render::text(&report))?;

    if !args.no_check {
        eprintln!("==> cargo check -p procore --all-features");
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = Command::new(cargo)
            .args(["check", "-p", "procore", "--all-features"])
            .current_dir(lock::root())
            .status()?;
        if !status.success() {
            bail!("the regenerated client does not compile; see the errors above (report in target/regen/)");
        }
    }

    let s = &report.summary;
    let inv = drift
        .get("inventory.txt")
        .map(Vec::as_slice)
        .unwrap_or_default();
    let count = |c: char| inv.iter().filter(|l| l.starts_with(c)).count();
    eprintln!("\nregen: {} -> {}", old_lock.source, new_lock.source);
    eprintln!(
        "  operations: {} added, {} removed ({} end of life); inventory drift: +{} -{} ~{}",
        s.operations_added,
        s.operations_removed,
        s.end_of_life,
        count('+'),
        count('-'),
        count('~')
    );
    eprintln!(
        "  changes: {} breaking, {} deprecation, {} non-breaking",
        s.breaking, s.deprecation, s.non_breaking
    );
    eprintln!(
        "  semver bump the generated crate needs: {}",
        report.semver.label()
    );
    eprintln!("  reports: target/regen/diff.md, diff.json, diff.txt, snapshot-drift.txt");
    eprintln!("  next: review, `cargo xtask snapshot --accept`, commit spec/spec.lock.json, generated-client/ and tests/snapshots/ (or `git checkout . && git clean -f generated-client/src/api` to keep the old pin)");
    Ok(())
}
