//! `cargo xtask`: the project's automation. Run `cargo xtask --help` for the verbs.

mod alloc;
mod bench;
mod bench_compile;
mod bless;
mod churn;
mod ci;
mod diff;
mod download;
mod fetch;
mod fsx;
mod fuzz;
mod generate;
mod lock;
mod regen;
mod snapshot;
mod time;
mod verdict;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Keeps the Procore client in step with Procore's OpenAPI file.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Generate the client crate from the pinned spec (or --from FILE) into generated-client/
    /// (or --out DIR).
    Generate {
        #[command(flatten)]
        args: generate::GenArgs,
        /// Write the crate here instead of generated-client/ (the runtime is copied along).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Regenerate in memory and fail if generated-client/ differs (CI runs this).
    Check {
        #[command(flatten)]
        args: generate::GenArgs,
    },
    /// Pin a spec: download it (--url, default Procore's OAS file) or take it (--from PATH|URL)
    /// into spec/, check it is OpenAPI 3.0, and record source, sha256, size and version in
    /// spec/spec.lock.json (atomically: a failure leaves the old spec and lock as they were);
    /// --locked restores the pinned one.
    FetchSpec {
        #[command(flatten)]
        args: fetch::FetchArgs,
    },
    /// The update workflow: fetch-spec, generate, snapshot drift, diff against the previous pin
    /// (reports in target/regen/), cargo check, and the semver bump the crate needs.
    Regen {
        #[command(flatten)]
        args: regen::RegenArgs,
    },
    /// Compare the endpoint inventory with tests/snapshots/ and show the drift; --accept writes
    /// the new snapshots.
    Snapshot {
        #[command(flatten)]
        args: snapshot::SnapshotArgs,
    },
    /// Diff two specs (files or `pinned`), or two resource versions of one (--versions), and
    /// classify every change as breaking, deprecation or non-breaking.
    Diff {
        #[command(flatten)]
        args: diff::DiffArgs,
    },
    /// Time full generation (load to files on disk) of the given specs; prints a table for
    /// BENCHMARKS.md.
    Bench {
        #[command(flatten)]
        args: bench::BenchArgs,
    },
    /// Rewrite the golden tests' expected output (tests/golden/*/expected.rs) from the current
    /// generator, after an intended change to generated code; review with `git diff tests/golden/`.
    Bless,
    /// Fuzz the generator: mutate the fixture specs (and slices of the stand-ins) and run the
    /// whole pipeline on each mutant for --minutes N (or --seconds N); fails on any panic and
    /// saves the mutant in target/fuzz/.
    Fuzz {
        #[command(flatten)]
        args: fuzz::FuzzArgs,
    },
    /// Check the stability promise on compiled crates: apply each churn fixture to the pinned
    /// spec, regenerate over a copy of the committed crate, and compare with cargo-semver-checks
    /// (all features, and one feature), the ledgers and our own comparison (slow: minutes per
    /// fixture; --no-semver-checks for the quick part).
    Churn {
        #[command(flatten)]
        args: churn::ChurnArgs,
    },
    /// Run every CI check: restore the pinned spec if needed, fmt, `check`, clippy (all
    /// features, generated code included), and the tests.
    Ci,
}

fn main() -> ExitCode {
    alloc::configure();
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Generate { args, out } => generate::generate(args, out.as_deref()),
        Command::Check { args } => generate::check(args),
        Command::FetchSpec { args } => fetch::fetch(args),
        Command::Ci => ci::ci(),
        Command::Churn { args } => churn::run(args),
        Command::Bless => bless::bless(),
        Command::Bench { args } => bench::bench(args),
        Command::Fuzz { args } => fuzz::fuzz(args),
        Command::Snapshot { args } => snapshot::run(args),
        Command::Regen { args } => regen::run(args),
        Command::Diff { args } => match diff::run(args) {
            // Exit 1: --fail-on found what it looks for; errors exit 2.
            Ok(true) => return ExitCode::from(1),
            Ok(false) => Ok(()),
            Err(e) => Err(e),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
