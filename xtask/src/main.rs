//! `cargo xtask`: the project's automation. Run `cargo xtask --help` for the verbs.

mod bench;
mod ci;
mod fetch;
mod fsx;
mod generate;
mod lock;
mod time;

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
    /// Time full generation (load to files on disk) of the given specs; prints a table for
    /// BENCHMARKS.md.
    Bench {
        #[command(flatten)]
        args: bench::BenchArgs,
    },
    /// Run every CI check: restore the pinned spec if needed, fmt, `check`, clippy (all
    /// features, generated code included), and the tests.
    Ci,
    /// Pin a spec: copy it into spec/ and record source, sha256, size and version in
    /// spec/spec.lock.json (atomically; a failure leaves the old spec and lock as they were).
    FetchSpec {
        #[command(flatten)]
        args: fetch::FetchArgs,
    },
    /// Regenerate in memory and fail if generated-client/ differs (CI runs this).
    Check {
        #[command(flatten)]
        args: generate::GenArgs,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Generate { args, out } => generate::generate(args, out.as_deref()),
        Command::Check { args } => generate::check(args),
        Command::FetchSpec { args } => fetch::fetch(args),
        Command::Ci => ci::ci(),
        Command::Bench { args } => bench::bench(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
