//! `cargo xtask`: the project's automation. Run `cargo xtask --help` for the verbs.

mod fsx;
mod generate;
mod lock;

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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Generate { args, out } => generate::generate(args, out.as_deref()),
        Command::Check { args } => generate::check(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
