//! `regen`: the whole update workflow in one command. Fetch (or take) a new spec, regenerate
//! the client, report snapshot drift and the API diff against the previous pin, check that the
//! client compiles, and end with what changed and the semver bump the crate needs.

use crate::{diff, fetch, generate, lock, snapshot, verdict};
use anyhow::{bail, Context, Result};
use procore_generator::diff::{render, DiffOptions};
use procore_generator::inventory;
use procore_generator::stability::{self, Level};
use std::process::Command;

/// `regen` options.
#[derive(Debug, clap::Args)]
pub struct RegenArgs {
    #[command(flatten)]
    pub fetch: fetch::FetchArgs,
    /// Skip `cargo check` of the regenerated client.
    #[arg(long)]
    pub no_check: bool,
    /// Skip cargo-semver-checks (the Rust verdict is then ours alone).
    #[arg(long)]
    pub no_semver_checks: bool,
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
    // The Rust side: the committed crate, its ledger and version, kept as the baseline.
    let client = generate::client_dir();
    let ledger = generate::read_ledger(&client)?;
    let old_version = generate::crate_version(&client);
    let old_rust = verdict::build_over(&old_path, ledger.as_ref())?;
    let baseline = lock::root().join("target/regen/baseline");
    verdict::copy_crate(&client, &baseline)?;

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
    let new_rust = verdict::build_over(&lock::pinned_spec()?, ledger.as_ref())?;

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

    // Verdicts and the version that follows from the stricter.
    let rust = verdict::rust_changes(&old_rust, &new_rust, ledger.as_ref());
    let ours = stability::level(&rust);
    std::fs::write(
        out.join("rust-changes.txt"),
        rust.iter()
            .map(|c| {
                format!(
                    "{} {}\n",
                    if c.breaking { "BREAKING" } else { "added  " },
                    c.what
                )
            })
            .collect::<String>(),
    )?;
    let checks = if args.no_semver_checks {
        None
    } else {
        eprintln!("==> cargo semver-checks (all features) against the committed crate");
        let r = verdict::semver_checks(&baseline, &client, &["--all-features"])?;
        if r.is_none() {
            eprintln!("cargo-semver-checks is not installed; the Rust verdict is ours alone. Install it with:\n  {}", verdict::INSTALL);
        }
        r
    };
    let http = match report.semver {
        procore_generator::diff::rules::Bump::Major => Level::Major,
        procore_generator::diff::rules::Bump::Minor => Level::Minor,
        _ => Level::Patch,
    };
    let mut level = http.max(ours);
    if let Some((l, text)) = &checks {
        level = level.max(*l);
        std::fs::write(out.join("semver-checks.txt"), text)?;
    }
    let unchanged = rust.is_empty() && report.semver == procore_generator::diff::rules::Bump::None;
    let new_version = if unchanged {
        old_version.clone()
    } else {
        level.bump(&old_version)
    };
    verdict::set_version(&client, &new_version)?;
    if !unchanged {
        let entry = verdict::changelog_entry(
            &new_version,
            &crate::time::now_rfc3339()[..10],
            &old_rust,
            &new_rust,
            &old_lock.source,
            &new_lock.source,
        );
        verdict::write_changelog(&client, &entry)?;
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
    eprintln!("  HTTP verdict (diff): {}", report.semver.label());
    eprintln!(
        "  Rust verdict: ours {} ({} breaking of {} changes, target/regen/rust-changes.txt); cargo-semver-checks {}",
        ours.label(),
        rust.iter().filter(|c| c.breaking).count(),
        rust.len(),
        checks.as_ref().map_or("not run", |(l, _)| l.label())
    );
    eprintln!(
        "  crate version: {old_version} -> {new_version} ({}{})",
        level.label(),
        if unchanged {
            ", nothing changed"
        } else {
            "; CHANGELOG.md entry written"
        }
    );
    eprintln!("  reports: target/regen/diff.md, diff.json, diff.txt, snapshot-drift.txt");
    eprintln!("  next: review, `cargo xtask snapshot --accept`, commit spec/spec.lock.json, generated-client/ and tests/snapshots/ (or `git checkout . && git clean -fd generated-client` to keep the old pin)");
    Ok(())
}
