//! `bench`: times full generation (load to files on disk) and reports the median and peak RSS.
//! Figures go into BENCHMARKS.md; nothing here asserts a time. `--diff` and `--compile` time
//! the diff and the generated crate's cold check instead (`bench_compile`).

use anyhow::{Context, Result};
use procore_generator::{load, Generator, Settings};
use std::path::PathBuf;
use std::time::Instant;

/// `bench` options.
#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// Spec files to generate from (default: the pin and the two other stand-ins in
    /// $PROCORE_SPECS_DIR).
    pub specs: Vec<PathBuf>,
    /// Runs per spec.
    #[arg(long, default_value_t = 5)]
    pub runs: usize,
    /// Time the diff of the two specs instead (beyond loading them, which is timed apart).
    #[arg(long)]
    pub diff: bool,
    /// Time cold `cargo check` of the generated crate instead (`core`, then all features; each
    /// run in a fresh target directory, dependencies included; about 2 minutes a run here).
    #[arg(long)]
    pub compile: bool,
    /// Generate from each spec grown by this many percent more operations (`churn::grow`); with
    /// --compile, from the pinned spec grown so.
    #[arg(long, value_name = "PERCENT")]
    pub grow: Option<u32>,
    /// With --compile: build incrementally, as a workspace member is (the default measures the
    /// crate as a dependency is built, which is never incremental).
    #[arg(long, requires = "compile")]
    pub incremental: bool,
    /// With --compile: `core` only (CI's short form of the benchmark).
    #[arg(long, requires = "compile")]
    pub core_only: bool,
    /// With --compile: fail when a median peak RSS is over this many MB (CI's budget check).
    #[arg(long, value_name = "MB", requires = "compile")]
    pub max_rss_mb: Option<f64>,
}

fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Minimum, median and maximum of some runs' figures.
pub(crate) struct Spread {
    pub min: f64,
    pub median: f64,
    pub max: f64,
}

impl Spread {
    /// `None` for no figures (a benchmark refuses `--runs 0` before it gets here).
    pub(crate) fn of(mut v: Vec<f64>) -> Option<Spread> {
        v.sort_by(f64::total_cmp);
        Some(Spread {
            min: *v.first()?,
            median: v[v.len() / 2],
            max: *v.last()?,
        })
    }
}

/// The median of `v`, NaN for none.
fn median(v: Vec<f64>) -> f64 {
    Spread::of(v).map_or(f64::NAN, |s| s.median)
}

/// Times `diff OLD NEW`: loading (load + fixups + IR of both) and the diff itself, apart.
fn bench_diff(args: &BenchArgs) -> Result<()> {
    let [old, new] = args.specs.as_slice() else {
        anyhow::bail!("--diff takes exactly two specs: OLD NEW")
    };
    let ir = |p: &PathBuf| -> Result<(procore_generator::ir::Api, std::sync::Arc<_>)> {
        let mut spec = load::load_path(p)?;
        let api = Generator::new(Settings::default())
            .build_ir_in_place(&mut spec)
            .0;
        Ok((api, std::sync::Arc::new(spec.doc)))
    };
    let (mut loads, mut diffs) = (Vec::new(), Vec::new());
    for _ in 0..args.runs {
        let t = Instant::now();
        let (a, b) = (ir(old)?, ir(new)?);
        loads.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        let opts = procore_generator::diff::DiffOptions {
            old_doc: Some(a.1),
            new_doc: Some(b.1),
            ..Default::default()
        };
        let r = procore_generator::diff::diff(&a.0, &b.0, &opts);
        diffs.push(t.elapsed().as_secs_f64());
        std::hint::black_box(r);
    }
    println!("| diff | runs | median load both (s) | median diff beyond loading (s) |");
    println!("|---|---|---|---|");
    println!(
        "| {} -> {} | {} | {:.2} | {:.3} |",
        old.display(),
        new.display(),
        args.runs,
        median(loads),
        median(diffs)
    );
    Ok(())
}

/// Writes `from` grown by `percent` more operations to `to` (JSON).
pub(crate) fn write_grown(
    from: &std::path::Path,
    percent: u32,
    to: &std::path::Path,
) -> Result<()> {
    let doc = load::load_path(from)?.doc;
    let grown = procore_generator::churn::grow(&doc, percent);
    std::fs::write(to, serde_json::to_vec(&grown)?).with_context(|| to.display().to_string())
}

/// Runs the benchmark.
pub fn bench(args: &BenchArgs) -> Result<()> {
    if args.runs == 0 {
        anyhow::bail!("--runs must be at least 1");
    }
    if args.diff {
        return bench_diff(args);
    }
    if args.compile {
        return crate::bench_compile::bench_compile(args);
    }
    let mut specs: Vec<PathBuf> = if args.specs.is_empty() {
        [
            "procore-2026-02.json",
            "procore-2024-10.json",
            "procore-2026-04.json",
        ]
        .iter()
        .map(|n| crate::lock::specs_dir_copy(n))
        .collect()
    } else {
        args.specs.clone()
    };
    // Grown copies live in a temporary directory for the length of the run.
    let grown_dir = tempfile::tempdir()?;
    if let Some(percent) = args.grow {
        for spec in &mut specs {
            let name = spec.file_name().unwrap_or_default().to_string_lossy();
            let grown = grown_dir.path().join(format!("grown-{percent}-{name}"));
            write_grown(spec, percent, &grown)?;
            *spec = grown;
        }
    }
    if std::env::var_os("PROCORE_BENCH_STAGES").is_some() {
        for spec in &specs {
            let t = Instant::now();
            let mut loaded = load::load_path(spec)?;
            let t_load = t.elapsed();
            let mut diags = procore_generator::diag::Diagnostics::default();
            let t = Instant::now();
            procore_generator::fixups::apply_all_loaded(&mut loaded, &mut diags);
            let t_fixups = t.elapsed();
            let doc = loaded.doc;
            let t = Instant::now();
            let options = procore_generator::ir::build::BuildOptions::default();
            let api = procore_generator::ir::build::build(&doc, &options, &mut diags);
            let t_ir = t.elapsed();
            let t = Instant::now();
            let files = procore_generator::emit::emit(&api, &Settings::default());
            let t_emit = t.elapsed();
            eprintln!(
                "{}: load {t_load:?}, fixups {t_fixups:?}, ir {t_ir:?}, emit {t_emit:?} ({} files)",
                spec.display(),
                files.len()
            );
        }
    }
    println!("| spec | runs | median wall (s) | min | max | peak RSS (MB, process) |");
    println!("|---|---|---|---|---|---|");
    for spec in specs {
        let mut times = Vec::new();
        for _ in 0..args.runs {
            let out = tempfile::tempdir()?;
            let start = Instant::now();
            let loaded = load::load_path(&spec)?;
            let gen = Generator::new(Settings::default()).generate(loaded)?;
            for (rel, text) in &gen.files {
                let p = out.path().join(rel);
                std::fs::create_dir_all(p.parent().unwrap_or(out.path()))?;
                std::fs::write(&p, text).with_context(|| p.display().to_string())?;
            }
            times.push(start.elapsed().as_secs_f64());
        }
        let runs = times.len();
        let Some(t) = Spread::of(times) else { continue };
        println!(
            "| {} | {runs} | {:.2} | {:.2} | {:.2} | {:.0} |",
            spec.file_name().unwrap_or_default().to_string_lossy(),
            t.median,
            t.min,
            t.max,
            peak_rss_mb().unwrap_or(f64::NAN)
        );
    }
    Ok(())
}
