//! `generate` and `check`: write the client crate, or prove the committed one is current.

use crate::{fsx, lock};
use anyhow::{bail, Context, Result};
use procore_generator::{diag::Severity, emit::is_generated_path, Docs, Generator, Overrides, Settings};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Options shared by `generate` and `check`.
#[derive(Debug, clap::Args)]
pub struct GenArgs {
    /// Spec to generate from (default: the pinned spec from spec/spec.lock.json).
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,
    /// Fail if any operation or schema had to be skipped.
    #[arg(long)]
    pub strict: bool,
    /// Doc comments: `short` (first lines; the committed crate) or `full` (whole descriptions).
    #[arg(long, value_enum, default_value = "short")]
    pub docs: DocsArg,
    /// Overrides file (default: spec/overrides.toml, if present).
    #[arg(long, value_name = "FILE")]
    pub overrides: Option<PathBuf>,
    /// Print every diagnostic, notes included.
    #[arg(long, short)]
    pub verbose: bool,
}

/// `--docs` values.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum DocsArg {
    /// First line of each description.
    Short,
    /// Whole descriptions.
    Full,
}

/// The committed crate.
pub fn client_dir() -> PathBuf {
    lock::root().join("generated-client")
}

/// Runs the generator in memory and returns the files.
pub fn run_generator(args: &GenArgs) -> Result<BTreeMap<String, String>> {
    let spec_path = match &args.from {
        Some(p) => p.clone(),
        None => lock::pinned_spec()?,
    };
    let overrides_path = args.overrides.clone().unwrap_or_else(|| lock::root().join("spec/overrides.toml"));
    let overrides = Overrides::load(&overrides_path)?;
    let spec = procore_generator::load::load_path(&spec_path)?;
    let settings = Settings::default()
        .docs(match args.docs {
            DocsArg::Short => Docs::Short,
            DocsArg::Full => Docs::Full,
        })
        .overrides(overrides)
        .strict(args.strict);
    let out = match Generator::new(settings).generate(spec) {
        Ok(out) => out,
        Err(procore_generator::GenerateError::Strict { skipped, diagnostics }) => {
            for d in diagnostics.iter().filter(|d| d.severity == Severity::Error) {
                eprintln!("{}: {d}", spec_path.display());
            }
            bail!("--strict: {skipped} operation(s) or schema(s) could not be understood; fix the spec or drop --strict");
        }
    };
    for d in out.diagnostics.iter() {
        if args.verbose || d.severity == Severity::Error {
            eprintln!("{}: {d}", spec_path.display());
        }
    }
    eprint!("{}: {}", spec_path.display(), out.report);
    for r in &out.report.renames {
        if args.verbose {
            eprintln!("  renamed: {r}");
        }
    }
    Ok(out.files)
}

/// `generate`: writes the crate into `out` (the committed crate by default).
pub fn generate(args: &GenArgs, out: Option<&Path>) -> Result<()> {
    let files = run_generator(args)?;
    let dir = out.map(Path::to_path_buf).unwrap_or_else(client_dir);
    if dir != client_dir() {
        copy_runtime(&client_dir(), &dir)?;
    }
    let mut changed = 0;
    for (rel, text) in &files {
        if fsx::write_if_changed(&dir.join(rel), text.as_bytes())? {
            changed += 1;
        }
    }
    let mut removed = 0;
    for stale in stale_files(&dir, &files)? {
        std::fs::remove_file(dir.join(&stale)).with_context(|| format!("cannot remove stale {stale}"))?;
        removed += 1;
    }
    eprintln!("{}: {} files ({changed} changed, {removed} stale removed)", dir.display(), files.len());
    Ok(())
}

/// `check`: regenerates in memory and fails when the committed crate differs.
pub fn check(args: &GenArgs) -> Result<()> {
    let files = run_generator(args)?;
    let dir = client_dir();
    let mut problems = Vec::new();
    for (rel, text) in &files {
        match std::fs::read_to_string(dir.join(rel)) {
            Ok(old) if old == *text => {}
            Ok(_) => problems.push(format!("stale: generated-client/{rel}")),
            Err(_) => problems.push(format!("missing: generated-client/{rel}")),
        }
    }
    for stale in stale_files(&dir, &files)? {
        problems.push(format!("not generated any more: generated-client/{stale}"));
    }
    if problems.is_empty() {
        eprintln!("generated-client/ is up to date ({} files)", files.len());
        return Ok(());
    }
    for p in &problems {
        eprintln!("{p}");
    }
    bail!("generated-client/ is out of date ({} files); run `cargo xtask generate` and commit the result", problems.len())
}

/// Generated-looking files in `dir` that the generator no longer makes.
fn stale_files(dir: &Path, files: &BTreeMap<String, String>) -> Result<Vec<String>> {
    let api = dir.join("src/api");
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(&api) else { return Ok(out) };
    for e in entries {
        let e = e?;
        let rel = format!("src/api/{}", e.file_name().to_string_lossy());
        if is_generated_path(&rel) && !files.contains_key(&rel) && e.path().is_file() {
            out.push(rel);
        }
    }
    out.sort();
    Ok(out)
}

/// Copies the hand-written runtime (and examples) next to a crate generated elsewhere.
fn copy_runtime(from: &Path, to: &Path) -> Result<()> {
    for sub in ["src/runtime", "examples"] {
        let src = from.join(sub);
        let Ok(entries) = std::fs::read_dir(&src) else { continue };
        for e in entries {
            let e = e?;
            if e.path().is_file() {
                let bytes = std::fs::read(e.path())?;
                fsx::write_if_changed(&to.join(sub).join(e.file_name()), &bytes)?;
            }
        }
    }
    Ok(())
}
