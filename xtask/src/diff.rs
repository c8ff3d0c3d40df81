//! `diff`: what changed between two specs (or two resource versions of one), and what it breaks.

use crate::lock;
use anyhow::{bail, Context, Result};
use procore_generator::diag::Diagnostics;
use procore_generator::diff::{self, render, DiffOptions, FailOn};
use procore_generator::ir::Ledger;
use procore_generator::{load, Generator, Settings};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// `diff` options.
#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The old spec: a file, or `pinned` for the spec pinned in spec/spec.lock.json.
    #[arg(required_unless_present = "rules")]
    pub old: Option<String>,
    /// The new spec (a file or `pinned`); not needed with --versions.
    pub new: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Exit with status 1 when a change of this class (or worse) is found.
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOnArg>,
    /// Compare two resource versions of OLD instead of two specs, e.g. `v1.0:v1.1`: the
    /// operations a user meets when moving a resource to its next version.
    #[arg(long, value_name = "FROM:TO")]
    pub versions: Option<String>,
    /// Judge `x-sunset` dates against this day (YYYY-MM-DD; default today).
    #[arg(long, value_name = "DATE")]
    pub today: Option<String>,
    /// Print the classification rules (with oasdiff's check ids) and exit.
    #[arg(long)]
    pub rules: bool,
    /// Exit with status 1 when an operation could not be loaded on either side (so was not
    /// compared).
    #[arg(long)]
    pub strict: bool,
    /// The `api.lock` of the crate generated from OLD: "what breaks in Rust" names its methods
    /// and features (default: generated-client/api.lock, when it exists).
    #[arg(long, value_name = "FILE")]
    pub old_ledger: Option<PathBuf>,
    /// The `api.lock` of the crate generated from NEW (default: NEW is built over the old
    /// ledger, as a regeneration would, so names that still exist stay put).
    #[arg(long, value_name = "FILE")]
    pub new_ledger: Option<PathBuf>,
    /// Use no ledger: Rust names are those a fresh generation from each spec would give.
    #[arg(long, conflicts_with_all = ["old_ledger", "new_ledger"])]
    pub no_ledger: bool,
}

/// `--format` values.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// For terminals.
    Text,
    /// For pull requests and changelogs.
    Markdown,
    /// Stable schema (see generator/src/diff/render.rs).
    Json,
}

/// `--fail-on` values.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum FailOnArg {
    /// Breaking changes.
    Breaking,
    /// Breaking changes and WARN-level ones.
    Warn,
    /// Breaking changes and deprecations.
    Deprecation,
    /// Any change.
    Any,
}

/// Loads a spec argument into the IR.
pub fn load_api(arg: &str) -> Result<procore_generator::ir::Api> {
    Ok(load_with_diagnostics(arg, None)?.api)
}

/// A spec loaded for the diff.
pub struct Loaded {
    /// Its IR.
    pub api: procore_generator::ir::Api,
    /// What could not be read.
    pub diags: Diagnostics,
    /// The fixed-up document the IR was built from (the diff reads a few keywords from it).
    pub doc: Arc<Value>,
}

/// Loads a spec argument into the IR, with what could not be read; names follow `ledger` as
/// a regeneration over it would give them.
pub fn load_with_diagnostics(arg: &str, ledger: Option<&Ledger>) -> Result<Loaded> {
    let path: PathBuf = if arg == "pinned" {
        lock::pinned_spec()?
    } else {
        PathBuf::from(arg)
    };
    let mut spec = load::load_path(&path)?;
    let settings = Settings::default().ledger(ledger.cloned());
    let (api, diags, _) = Generator::new(settings).build_ir_in_place(&mut spec);
    Ok(Loaded {
        api,
        diags,
        doc: Arc::new(spec.doc),
    })
}

/// A ledger file (`api.lock`).
fn read_lock(path: &Path) -> Result<Ledger> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ledger::parse(&text).with_context(|| format!("{} is not a readable api.lock", path.display()))
}

/// The ledgers of the old and the new crate, as the options ask (see [`DiffArgs`]).
fn ledgers(args: &DiffArgs) -> Result<(Option<Ledger>, Option<Ledger>)> {
    if args.no_ledger {
        return Ok((None, None));
    }
    let default = lock::root()
        .join("generated-client")
        .join(procore_generator::ir::ledger::FILE);
    let old_path = match &args.old_ledger {
        Some(p) => Some(p.clone()),
        None => default.exists().then_some(default),
    };
    if let Some(p) = &old_path {
        eprintln!("diff: Rust names of the old crate from {}", p.display());
    }
    let old = old_path.as_deref().map(read_lock).transpose()?;
    let new = args.new_ledger.as_deref().map(read_lock).transpose()?;
    Ok((old, new))
}

/// Runs `diff`; `Ok(true)` when `--fail-on` was triggered.
pub fn run(args: &DiffArgs) -> Result<bool> {
    if args.rules {
        print!("{}", diff::rules::table());
        return Ok(false);
    }
    let Some(old_arg) = &args.old else {
        bail!("give the old spec (a file or `pinned`)")
    };
    let opts = |old: &str, new: &str| DiffOptions {
        today: args.today.clone(),
        old_source: old.to_string(),
        new_source: new.to_string(),
        ..Default::default()
    };
    let (old_lock, new_lock) = ledgers(args)?;
    let report = match (&args.versions, &args.new) {
        (Some(v), _) => {
            let Some((from, to)) = v.split_once(':') else {
                bail!("--versions takes FROM:TO, e.g. v1.0:v1.1")
            };
            let spec = load_with_diagnostics(old_arg, old_lock.as_ref())?;
            let mut o = opts(from, to);
            (o.old_doc, o.new_doc) = (Some(spec.doc.clone()), Some(spec.doc.clone()));
            o.old_ledger = old_lock.map(|l| diff::rust::from_lock(&l, &spec.api));
            let mut r = diff::diff_versions(&spec.api, from, to, &o);
            r.add_skipped("old", &spec.diags);
            r
        }
        (None, Some(new_arg)) => {
            let old = load_with_diagnostics(old_arg, old_lock.as_ref())?;
            // The new crate: its own ledger's names when given, else a regeneration's over
            // the old one.
            let new = load_with_diagnostics(new_arg, new_lock.as_ref().or(old_lock.as_ref()))?;
            let mut o = opts(old_arg, new_arg);
            (o.old_doc, o.new_doc) = (Some(old.doc.clone()), Some(new.doc.clone()));
            o.old_ledger = old_lock.map(|l| diff::rust::from_lock(&l, &old.api));
            o.new_ledger = new_lock.map(|l| diff::rust::from_lock(&l, &new.api));
            let mut r = diff::diff(&old.api, &new.api, &o);
            r.add_skipped("old", &old.diags);
            r.add_skipped("new", &new.diags);
            r
        }
        (None, None) => bail!("give the new spec too (a file or `pinned`), or --versions FROM:TO"),
    };
    let out = match args.format {
        Format::Text => render::text(&report),
        Format::Markdown => render::markdown(&report),
        Format::Json => render::json(&report),
    };
    print!("{out}");
    if !report.skipped.is_empty() {
        eprintln!(
            "diff: {} operation(s) could not be loaded and were not compared (listed above){}",
            report.skipped.len(),
            if args.strict || args.fail_on.is_some() {
                "; failing"
            } else {
                "; --strict makes this fail"
            }
        );
    }
    let failed = args.fail_on.is_some_and(|f| {
        report.has(match f {
            FailOnArg::Breaking => FailOn::Breaking,
            FailOnArg::Warn => FailOn::Warning,
            FailOnArg::Deprecation => FailOn::Deprecation,
            FailOnArg::Any => FailOn::Any,
        })
    });
    Ok(failed || (args.strict && !report.skipped.is_empty()))
}
