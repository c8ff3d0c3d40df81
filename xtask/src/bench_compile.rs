//! `bench --compile`: cold `cargo check` of the generated crate, `core` alone and with every
//! feature, each run in a fresh target directory (dependencies included), reporting wall time
//! and the peak RSS of the largest process (rustc on the generated crate). With `--grow N` the
//! crate is first generated from the pinned spec with N% more operations (`churn::grow`), to
//! see the headroom the issue-11 budget asks for. Figures go into BENCHMARKS.md.
//!
//! Each run also checks a peer: an empty crate with the same dependencies, cold, in the same
//! run (peer, then each feature set). Most of a cold `core` check is those dependencies, and
//! this machine's speed moves by a fifth from one half hour to the next, so the peer shows the
//! machine's state, and each run's difference is the generated crate's own share.

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
    let peer = work.path().join("deps-only");
    prepare_peer(&krate, &peer)?;
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
    println!(
        "| crate | runs | median wall (s) | min | max | median peak RSS (MB) | own share: median of (run - peer run) (s) |"
    );
    println!("|---|---|---|---|---|---|---|");
    let sets: &[(&str, &[&str])] = if args.core_only {
        &[("core", &[])]
    } else {
        &[("core", &[]), ("all", &["--all-features"])]
    };
    // Interleaved: run i of every set follows run i of the peer.
    let mut peer_runs = Vec::new();
    let mut set_runs: Vec<Vec<Run>> = sets.iter().map(|_| Vec::new()).collect();
    for _ in 0..args.runs {
        peer_runs.push(cold_check(
            &peer,
            tempfile::tempdir()?.path(),
            &[],
            incremental,
        )?);
        for (&(_, flags), runs) in sets.iter().zip(&mut set_runs) {
            runs.push(cold_check(
                &krate,
                tempfile::tempdir()?.path(),
                flags,
                incremental,
            )?);
        }
    }
    print_row("peer: its dependencies alone", &peer_runs, None);
    for (&(label, _), runs) in sets.iter().zip(&set_runs) {
        let median_rss = print_row(label, runs, Some(&peer_runs));
        if let (Some(budget), Some(mb)) = (args.max_rss_mb, median_rss) {
            if mb > budget {
                bail!("{label}: peak RSS {mb:.0} MB is over the budget of {budget:.0} MB");
            }
        }
    }
    Ok(())
}

/// Prints one table row: wall spread, median peak RSS and, beside a peer, the median of the
/// per-run differences. Returns the median peak RSS.
fn print_row(label: &str, runs: &[Run], peer: Option<&[Run]>) -> Option<f64> {
    let secs = |r: &Run| r.wall.as_secs_f64();
    let walls = Spread::of(runs.iter().map(secs).collect())?;
    let rss = Spread::of(runs.iter().filter_map(|r| r.peak_rss_mb).collect()).map(|s| s.median);
    let own =
        peer.and_then(|p| Spread::of(runs.iter().zip(p).map(|(r, p)| secs(r) - secs(p)).collect()));
    println!(
        "| {label} | {} | {:.1} | {:.1} | {:.1} | {} | {} |",
        runs.len(),
        walls.median,
        walls.min,
        walls.max,
        rss.map_or("n/a".to_string(), |mb| format!("{mb:.0}")),
        own.map_or("".to_string(), |s| format!("{:.1}", s.median)),
    );
    rss
}

/// Writes the peer into `dir`: a library with no code and the `[dependencies]` of the crate in
/// `krate`, locked as it is.
fn prepare_peer(krate: &Path, dir: &Path) -> Result<()> {
    let manifest = std::fs::read_to_string(krate.join("Cargo.toml"))?;
    let deps = dependencies_section(&manifest).with_context(|| {
        format!(
            "no [dependencies] in {}",
            krate.join("Cargo.toml").display()
        )
    })?;
    std::fs::create_dir_all(dir.join("src"))?;
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"deps-only\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n{deps}"
        ),
    )?;
    std::fs::write(dir.join("src/lib.rs"), "")?;
    std::fs::copy(krate.join("Cargo.lock"), dir.join("Cargo.lock"))?;
    Ok(())
}

/// The `[dependencies]` table of a manifest, header included, up to the next table.
fn dependencies_section(manifest: &str) -> Option<&str> {
    let start = manifest.find("\n[dependencies]\n")? + 1;
    let len = manifest[start + 1..]
        .find("\n[")
        .map_or(manifest.len() - start, |i| i + 2);
    Some(&manifest[start..start + len])
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
    use super::{dependencies_section, run_measured};

    #[test]
    fn the_peer_takes_the_dependencies_table_and_nothing_else() {
        let manifest = "[package]\nname = \"x\"\n\n[dependencies]\na = \"1\"\nb = { version = \"2\" }\n\n[dev-dependencies]\nc = \"3\"\n";
        assert_eq!(
            dependencies_section(manifest),
            Some("[dependencies]\na = \"1\"\nb = { version = \"2\" }\n\n")
        );
        let last = "[package]\n[dependencies]\na = \"1\"\n";
        assert_eq!(
            dependencies_section(last),
            Some("[dependencies]\na = \"1\"\n")
        );
        assert_eq!(dependencies_section("[package]\n"), None);
    }
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
