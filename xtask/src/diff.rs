//! `diff`: what changed between two specs (or two resource versions of one), and what it breaks.

use crate::lock;
use anyhow::{bail, Result};
use procore_generator::diag::Diagnostics;
use procore_generator::diff::{self, render, DiffOptions, FailOn};
use procore_generator::{load, Generator, Settings};
use serde_json::Value;
use std::path::PathBuf;
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
    Ok(load_with_diagnostics(arg)?.api)
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

/// Loads a spec argument into the IR, with what could not be read.
pub fn load_with_diagnostics(arg: &str) -> Result<Loaded> {
    let path: PathBuf = if arg == "pinned" {
        lock::pinned_spec()?
    } else {
        PathBuf::from(arg)
    };
    let mut spec = load::load_path(&path)?;
    let (api, diags, _) = Generator::new(Settings::default()).build_ir_in_place(&mut spec);
    Ok(Loaded {
        api,
        diags,
        doc: Arc::new(spec.doc),
    })
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
    let report = match (&args.versions, &args.new) {
        (Some(v), _) => {
            let Some((from, to)) = v.split_once(':') else {
                bail!("--versions takes FROM:TO, e.g. v1.0:v1.1")
            };
            let spec = load_with_diagnostics(old_arg)?;
            let mut o = opts(from, to);
            (o.old_doc, o.new_doc) = (Some(spec.doc.clone()), Some(spec.doc.clone()));
            let mut r = diff::diff_versions(&spec.api, from, to, &o);
            r.add_skipped("old", &spec.diags);
            r
        }
        (None, Some(new_arg)) => {
            let old = load_with_diagnostics(old_arg)?;
            let new = load_with_diagnostics(new_arg)?;
            let mut o = opts(old_arg, new_arg);
            (o.old_doc, o.new_doc) = (Some(old.doc.clone()), Some(new.doc.clone()));
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
