//! `diff`: what changed between two specs (or two resource versions of one), and what it breaks.

use crate::lock;
use anyhow::{bail, Result};
use procore_generator::diff::{self, render, DiffOptions, FailOn};
use procore_generator::{load, Generator, Settings};
use std::path::PathBuf;

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
    /// Print the classification rules and exit.
    #[arg(long)]
    pub rules: bool,
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
    /// Breaking changes and deprecations.
    Deprecation,
    /// Any change.
    Any,
}

/// Loads a spec argument into the IR.
pub fn load_api(arg: &str) -> Result<procore_generator::ir::Api> {
    let path: PathBuf = if arg == "pinned" {
        lock::pinned_spec()?
    } else {
        PathBuf::from(arg)
    };
    let spec = load::load_path(&path)?;
    Ok(Generator::new(Settings::default()).build_ir(spec).0)
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
    };
    let report = match (&args.versions, &args.new) {
        (Some(v), _) => {
            let Some((from, to)) = v.split_once(':') else {
                bail!("--versions takes FROM:TO, e.g. v1.0:v1.1")
            };
            let api = load_api(old_arg)?;
            diff::diff_versions(&api, from, to, &opts(from, to))
        }
        (None, Some(new_arg)) => {
            let (old, new) = (load_api(old_arg)?, load_api(new_arg)?);
            diff::diff(&old, &new, &opts(old_arg, new_arg))
        }
        (None, None) => bail!("give the new spec too (a file or `pinned`), or --versions FROM:TO"),
    };
    let out = match args.format {
        Format::Text => render::text(&report),
        Format::Markdown => render::markdown(&report),
        Format::Json => render::json(&report),
    };
    print!("{out}");
    Ok(args.fail_on.is_some_and(|f| {
        report.has(match f {
            FailOnArg::Breaking => FailOn::Breaking,
            FailOnArg::Deprecation => FailOn::Deprecation,
            FailOnArg::Any => FailOn::Any,
        })
    }))
}
