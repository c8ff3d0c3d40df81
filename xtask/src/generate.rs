//! `generate` and `check`: write the client crate, or prove the committed one is current.

use crate::{fsx, lock};
use anyhow::{bail, Context, Result};
use procore_generator::{
    diag::Severity, emit::is_generated_path, Docs, Generator, Overrides, Settings,
};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Options shared by `generate` and `check`.
#[derive(Debug, Default, clap::Args)]
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
#[derive(Debug, Default, Clone, Copy, clap::ValueEnum)]
pub enum DocsArg {
    /// First line of each description.
    #[default]
    Short,
    /// Whole descriptions.
    Full,
}

/// The committed crate.
pub fn client_dir() -> PathBuf {
    lock::root().join("generated-client")
}

/// A crate the xtask keeps generated: the client from the pinned spec, and fixture crates whose
/// generated code is itself a snapshot (checked by `check`, compiled and tested in CI).
pub struct Target {
    /// Spec file (`None`: the pinned spec).
    pub spec: Option<PathBuf>,
    /// Crate directory.
    pub dir: PathBuf,
    /// Package name.
    pub crate_name: &'static str,
    /// Runtime location relative to the crate's `src/` (`None`: inside the crate).
    pub runtime_path: Option<&'static str>,
}

/// Every target `generate` and `check` handle when no `--from`/`--out` is given.
pub fn targets() -> Vec<Target> {
    let root = lock::root();
    vec![
        Target {
            spec: None,
            dir: client_dir(),
            crate_name: "procore",
            runtime_path: None,
        },
        Target {
            spec: Some(root.join("tests/fixtures/feature-coverage.yaml")),
            dir: root.join("tests/coverage-client"),
            crate_name: "procore-coverage",
            runtime_path: Some("../../../generated-client/src/runtime/mod.rs"),
        },
    ]
}

/// Runs the generator in memory for one spec and returns the files.
pub fn run_generator(
    args: &GenArgs,
    spec: Option<&Path>,
    crate_name: &str,
    runtime_path: Option<&str>,
) -> Result<BTreeMap<String, String>> {
    let spec_path = match spec {
        Some(p) => p.to_path_buf(),
        None => lock::pinned_spec()?,
    };
    let overrides_path = args
        .overrides
        .clone()
        .unwrap_or_else(|| lock::root().join("spec/overrides.toml"));
    let overrides = Overrides::load(&overrides_path)?;
    let spec = procore_generator::load::load_path(&spec_path)?;
    let settings = Settings::default()
        .crate_name(crate_name)
        .docs(match args.docs {
            DocsArg::Short => Docs::Short,
            DocsArg::Full => Docs::Full,
        })
        .overrides(overrides)
        .runtime_path(runtime_path.map(str::to_string))
        .strict(args.strict);
    let out = match Generator::new(settings).generate(spec) {
        Ok(out) => out,
        Err(procore_generator::GenerateError::Strict {
            skipped,
            diagnostics,
        }) => {
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
    // Collision renames are few and worth seeing every time (overrides can pin them).
    for r in &out.report.renames {
        eprintln!("  renamed: {r}");
    }
    Ok(out.files)
}

/// `generate`: writes every target, or with `--from`/`--out` one crate.
pub fn generate(args: &GenArgs, out: Option<&Path>) -> Result<()> {
    if args.from.is_none() && out.is_none() {
        for t in targets() {
            let files = run_generator(args, t.spec.as_deref(), t.crate_name, t.runtime_path)?;
            write_crate(&t.dir, &files)?;
        }
        return Ok(());
    }
    let dir = out.map(Path::to_path_buf).unwrap_or_else(client_dir);
    let files = run_generator(args, args.from.as_deref(), "procore", None)?;
    if dir != client_dir() {
        copy_runtime(&client_dir(), &dir)?;
    }
    write_crate(&dir, &files)
}

fn write_crate(dir: &Path, files: &BTreeMap<String, String>) -> Result<()> {
    let mut changed = 0;
    for (rel, text) in files {
        if fsx::write_if_changed(&dir.join(rel), text.as_bytes())? {
            changed += 1;
        }
    }
    let mut removed = 0;
    for stale in stale_files(dir, files)? {
        std::fs::remove_file(dir.join(&stale))
            .with_context(|| format!("cannot remove stale {stale}"))?;
        removed += 1;
    }
    eprintln!(
        "{}: {} files ({changed} changed, {removed} stale removed)",
        dir.display(),
        files.len()
    );
    Ok(())
}

/// `check`: regenerates every target in memory and fails when a committed file differs.
pub fn check(args: &GenArgs) -> Result<()> {
    let mut problems = Vec::new();
    let mut total = 0;
    for t in targets() {
        let spec = args.from.as_deref().or(t.spec.as_deref());
        if args.from.is_some() && t.spec.is_some() {
            continue;
        }
        let files = run_generator(args, spec, t.crate_name, t.runtime_path)?;
        total += files.len();
        let shown = t
            .dir
            .strip_prefix(lock::root())
            .unwrap_or(&t.dir)
            .display()
            .to_string();
        for (rel, text) in &files {
            match std::fs::read_to_string(t.dir.join(rel)) {
                Ok(old) if old == *text => {}
                Ok(_) => problems.push(format!("stale: {shown}/{rel}")),
                Err(_) => problems.push(format!("missing: {shown}/{rel}")),
            }
        }
        for stale in stale_files(&t.dir, &files)? {
            problems.push(format!("not generated any more: {shown}/{stale}"));
        }
    }
    if problems.is_empty() {
        eprintln!("generated code is up to date ({total} files)");
        return Ok(());
    }
    for p in &problems {
        eprintln!("{p}");
    }
    bail!("generated code is out of date ({} files); run `cargo xtask generate` and commit the result", problems.len())
}

/// Generated-looking files in `dir` that the generator no longer makes.
fn stale_files(dir: &Path, files: &BTreeMap<String, String>) -> Result<Vec<String>> {
    let api = dir.join("src/api");
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(&api) else {
        return Ok(out);
    };
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
        let Ok(entries) = std::fs::read_dir(&src) else {
            continue;
        };
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
