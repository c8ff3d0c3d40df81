//! `generate` and `check`: write the client crate, or prove the committed one is current.

use crate::{fsx, lock};
use anyhow::{bail, Context, Result};
use procore_generator::{
    diag::Severity,
    emit::{is_generated_path, GENERATED_DIRS},
    ir::Ledger,
    Docs, Generator, Overrides, Settings,
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
    /// Recompute every operation's cargo feature from Procore's tags instead of keeping the
    /// ones in the crate's api.lock. Names are kept; features may disappear: a major version.
    #[arg(long)]
    pub rehome: bool,
    /// Ignore the crate's api.lock and name everything afresh (a new crate).
    #[arg(long)]
    pub fresh: bool,
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

/// The ledger (`api.lock`) of the crate in `dir`, if it has one.
pub fn read_ledger(dir: &Path) -> Result<Option<Ledger>> {
    let path = dir.join(procore_generator::ir::ledger::FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => Ledger::parse(&text).map(Some).with_context(|| {
            format!(
                "{}: fix the line or delete the file to name everything afresh (a major version)",
                path.display()
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

/// The `version` of the crate in `dir` (its generated Cargo.toml), or 0.1.0 for a new crate.
pub fn crate_version(dir: &Path) -> String {
    let text = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap_or_default();
    text.lines()
        .skip_while(|l| l.trim() != "[package]")
        .find_map(|l| {
            let v = l.trim().strip_prefix("version")?.trim().strip_prefix('=')?;
            Some(v.trim().trim_matches('"').to_string())
        })
        .unwrap_or_else(|| "0.1.0".into())
}

/// Runs the generator in memory for one spec and returns the files. `dir` is the crate being
/// (re)generated: its ledger and version are kept.
pub fn run_generator(
    args: &GenArgs,
    spec: Option<&Path>,
    crate_name: &str,
    runtime_path: Option<&str>,
    dir: &Path,
) -> Result<BTreeMap<String, String>> {
    let version = crate_version(dir);
    run_generator_with(args, spec, crate_name, runtime_path, dir, &version)
}

/// [`run_generator`] with the crate version given.
pub fn run_generator_with(
    args: &GenArgs,
    spec: Option<&Path>,
    crate_name: &str,
    runtime_path: Option<&str>,
    dir: &Path,
    version: &str,
) -> Result<BTreeMap<String, String>> {
    let ledger = if args.fresh { None } else { read_ledger(dir)? };
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
        .crate_version(version)
        .ledger(ledger)
        .rehome(args.rehome)
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
    let procore_generator::Output { files, api, .. } = out;
    procore_generator::free_in_background(api);
    Ok(files)
}

/// `generate`: writes every target, or with `--from`/`--out` one crate.
pub fn generate(args: &GenArgs, out: Option<&Path>) -> Result<()> {
    if args.from.is_none() && out.is_none() {
        for t in targets() {
            let files = run_generator(
                args,
                t.spec.as_deref(),
                t.crate_name,
                t.runtime_path,
                &t.dir,
            )?;
            write_crate(&t.dir, &files)?;
        }
        return Ok(());
    }
    let dir = out.map(Path::to_path_buf).unwrap_or_else(client_dir);
    let files = run_generator(args, args.from.as_deref(), "procore", None, &dir)?;
    if dir != client_dir() {
        copy_runtime(&client_dir(), &dir)?;
    }
    write_crate(&dir, &files)
}

/// Writes generated files into a crate directory and removes the stale ones.
pub fn write_crate(dir: &Path, files: &BTreeMap<String, String>) -> Result<()> {
    // On every core: each file is read back, compared and maybe written, 14 MB in all.
    let files_list: Vec<(&String, &String)> = files.iter().collect();
    let written = procore_generator::par::map(&files_list, |(rel, text)| {
        fsx::write_if_changed(&dir.join(rel), text.as_bytes())
    });
    let mut changed = 0;
    for w in written {
        changed += usize::from(w?);
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
        let files = run_generator(args, spec, t.crate_name, t.runtime_path, &t.dir)?;
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
    let mut out = Vec::new();
    for sub in GENERATED_DIRS {
        let Ok(entries) = std::fs::read_dir(dir.join(sub)) else {
            continue;
        };
        for e in entries {
            let e = e?;
            let rel = format!("{sub}{}", e.file_name().to_string_lossy());
            if is_generated_path(&rel) && !files.contains_key(&rel) && e.path().is_file() {
                out.push(rel);
            }
        }
    }
    // Files an older layout generated (before types and builders had their own modules).
    for legacy in ["src/models.rs"] {
        if dir.join(legacy).is_file() && !files.contains_key(legacy) {
            out.push(legacy.to_string());
        }
    }
    out.sort();
    Ok(out)
}

/// Copies the hand-written runtime (and examples) next to a crate generated elsewhere.
pub(crate) fn copy_runtime(from: &Path, to: &Path) -> Result<()> {
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
