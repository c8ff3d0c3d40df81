//! `bench --compile`: cold `cargo check` of the generated crate, `core` alone and with every
//! feature, each run in a fresh target directory (dependencies included), reporting wall time
//! and the peak RSS of the largest process (rustc on the generated crate). With `--grow N` the
//! crate is first generated from the pinned spec with N% more operations (`churn::grow`), to
//! see the headroom the issue-11 budget asks for. Figures go into BENCHMARKS.md.

use crate::bench::BenchArgs;
use crate::bench::Spread;
use anyhow::{bail, Context, Result};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// One measured `cargo check`.
struct Run {
    wall: Duration,
    peak_rss_mb: Option<f64>,
}

/// Runs the compile benchmark.
pub fn bench_compile(args: &BenchArgs) -> Result<()> {
    if args.runs == 0 {
        bail!("--runs must be at least 1");
    }
    let work = tempfile::tempdir()?;
    let krate = work.path().join("procore");
    let ops = prepare_crate(&krate, args.grow)?;
    let incremental = if args.incremental { "1" } else { "0" };
    println!(
        "Generated crate: {ops} operations{}; {}.",
        match args.grow {
            Some(p) => format!(" (the pin grown by {p}%)"),
            None => String::new(),
        },
        if args.incremental {
            "incremental, as a workspace member is built"
        } else {
            "not incremental, as a dependency is built"
        }
    );
    println!("| features | runs | median wall (s) | min | max | median peak RSS (MB) |");
    println!("|---|---|---|---|---|---|");
    let sets: &[(&str, &[&str])] = if args.core_only {
        &[("core", &[])]
    } else {
        &[("core", &[]), ("all", &["--all-features"])]
    };
    for &(label, flags) in sets {
        let mut runs = Vec::new();
        for _ in 0..args.runs {
            let target = tempfile::tempdir()?;
            runs.push(cold_check(&krate, target.path(), flags, incremental)?);
        }
        let walls = Spread::of(runs.iter().map(|r| r.wall.as_secs_f64()).collect());
        let Some(walls) = walls else { continue };
        let median_rss = Spread::of(runs.iter().filter_map(|r| r.peak_rss_mb).collect());
        let median_rss = median_rss.map(|s| s.median);
        if let (Some(budget), Some(mb)) = (args.max_rss_mb, median_rss) {
            if mb > budget {
                bail!("{label}: peak RSS {mb:.0} MB is over the budget of {budget:.0} MB");
            }
        }
        println!(
            "| {label} | {} | {:.1} | {:.1} | {:.1} | {} |",
            runs.len(),
            walls.median,
            walls.min,
            walls.max,
            median_rss.map_or("n/a".to_string(), |m| format!("{m:.0}"))
        );
    }
    Ok(())
}

/// Writes the crate to measure into `dir`: generated from the pin with the committed ledger
/// (the committed crate, which `xtask check` keeps equal to it), or from the grown pin afresh.
/// Returns its operation count.
fn prepare_crate(dir: &Path, grow: Option<u32>) -> Result<usize> {
    let client = crate::generate::client_dir();
    let mut args = crate::generate::GenArgs::default();
    if let Some(percent) = grow {
        let grown = dir.with_extension("json");
        crate::bench::write_grown(&crate::lock::pinned_spec()?, percent, &grown)?;
        args.from = Some(grown);
        args.fresh = true;
    }
    let ledger_dir = if grow.is_some() {
        dir
    } else {
        client.as_path()
    };
    let files =
        crate::generate::run_generator(&args, args.from.as_deref(), "procore", None, ledger_dir)?;
    let ops = files
        .iter()
        .filter(|(p, _)| p.starts_with("src/requests/"))
        .map(|(_, t)| t.matches("\npub struct ").count())
        .sum();
    crate::generate::write_crate(dir, &files)?;
    crate::generate::copy_runtime(&client, dir)?;
    // The workspace's lock, so that every run resolves the same dependency versions.
    std::fs::copy(
        crate::lock::root().join("Cargo.lock"),
        dir.join("Cargo.lock"),
    )?;
    Ok(ops)
}

/// One cold `cargo check` of the crate in `krate` with its own target directory.
fn cold_check(krate: &Path, target: &Path, flags: &[&str], incremental: &str) -> Result<Run> {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.arg("check")
        .arg("--quiet")
        .arg("--manifest-path")
        .arg(krate.join("Cargo.toml"))
        .args(flags)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_INCREMENTAL", incremental);
    let start = Instant::now();
    let (ok, peak_rss_mb) = run_measured(&mut cmd)?;
    let wall = start.elapsed();
    if !ok {
        bail!(
            "cargo check {} failed in {}",
            flags.join(" "),
            krate.display()
        );
    }
    Ok(Run { wall, peak_rss_mb })
}

/// Runs `cmd` to the end; its success and the peak RSS of the largest process in its tree
/// (`wait4` reports the maximum over the child and the descendants it waited for; Linux gives
/// it in kilobytes, other systems in other units, so only Linux reports it).
#[cfg(target_os = "linux")]
fn run_measured(cmd: &mut Command) -> Result<(bool, Option<f64>)> {
    let child = cmd.spawn().context("cannot start cargo")?;
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero `rusage` is valid, and `wait4` writes only into the two locals.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not yet waited for (`child` is never waited on).
    let got = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    if got != pid {
        bail!("waiting for cargo: {}", std::io::Error::last_os_error());
    }
    let ok = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    Ok((ok, Some(usage.ru_maxrss as f64 / 1024.0)))
}

#[cfg(not(target_os = "linux"))]
fn run_measured(cmd: &mut Command) -> Result<(bool, Option<f64>)> {
    Ok((cmd.status().context("cannot start cargo")?.success(), None))
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::run_measured;
    use std::process::Command;

    #[test]
    fn a_measured_command_reports_its_outcome_and_its_tree_s_peak_memory() {
        // The shell's child holds 20 MB in a variable: the peak is that grandchild's, as
        // rustc's is under cargo.
        let script = r#"sh -c 'x=$(head -c 20000000 /dev/zero | tr "\0" a); exit 0'"#;
        let (ok, rss) = run_measured(Command::new("sh").args(["-c", script])).unwrap();
        assert!(ok);
        assert!(rss.is_some_and(|mb| mb > 15.0), "{rss:?}");
        let (ok, _) = run_measured(Command::new("sh").args(["-c", "exit 3"])).unwrap();
        assert!(!ok);
    }
}
