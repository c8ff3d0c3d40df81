//! `procore-generator`: turns Procore's OpenAPI file into a Rust client crate.
//!
//! The pipeline, one module per stage (see ARCHITECTURE.md):
//! [`load`] (JSON/YAML into a value) -> [`fixups`] (repair known quirks) -> [`ir`] (operations
//! and named types) -> [`emit`] (Rust source built as tokens, formatted from them).
//! [`Generator`] runs it; [`inventory`] and [`diff`] read the IR.
//!
//! ```no_run
//! use procore_generator::{Generator, Settings};
//! let spec = procore_generator::load::load_path("spec/rest_OAS_all.json".as_ref())?;
//! let out = Generator::new(Settings::default()).generate(spec)?;
//! for (path, text) in &out.files { println!("{} ({} bytes)", path, text.len()); }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

// The emitter's `rs!` munches one token per step (see `emit::toks`).
#![recursion_limit = "512"]

pub mod churn;
pub mod diag;
pub mod diff;
pub mod emit;
pub mod fixups;
pub mod inventory;
pub mod ir;
mod json;
pub mod load;
pub mod overrides;
#[doc(hidden)]
pub mod par;
pub mod report;
pub mod stability;

use diag::Diagnostics;
use std::collections::BTreeMap;

pub use overrides::Overrides;

/// How much of the spec's descriptions the generated code carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Docs {
    /// First lines only (the committed crate: small and quick to compile).
    #[default]
    Short,
    /// Whole descriptions, for users who generate their own crate.
    Full,
}

/// Generator settings (builder style).
#[derive(Debug, Clone)]
pub struct Settings {
    /// Name of the generated package.
    pub crate_name: String,
    /// Version of the generated package.
    pub crate_version: String,
    /// Doc comment detail.
    pub docs: Docs,
    /// Name overrides.
    pub overrides: Overrides,
    /// Fail when anything was skipped.
    pub strict: bool,
    /// Where `src/lib.rs` finds the hand-written runtime, relative to `src/` (default:
    /// `runtime/mod.rs`, i.e. a copy inside the crate). Fixture crates point at the one in
    /// `generated-client/` instead of copying it.
    pub runtime_path: Option<String>,
    /// The ledger of the crate being regenerated (its `api.lock`): names and placements to
    /// keep. `None` names everything afresh.
    pub ledger: Option<ir::Ledger>,
    /// Recompute features from Procore's tags instead of keeping the ledger's (a major
    /// version of the generated crate).
    pub rehome: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            crate_name: "procore".into(),
            crate_version: "0.1.0".into(),
            docs: Docs::Short,
            overrides: Overrides::default(),
            strict: false,
            runtime_path: None,
            ledger: None,
            rehome: false,
        }
    }
}

impl Settings {
    /// Sets the package name.
    pub fn crate_name(mut self, name: impl Into<String>) -> Self {
        self.crate_name = name.into();
        self
    }
    /// Sets the package version.
    pub fn crate_version(mut self, v: impl Into<String>) -> Self {
        self.crate_version = v.into();
        self
    }
    /// Sets doc comment detail.
    pub fn docs(mut self, docs: Docs) -> Self {
        self.docs = docs;
        self
    }
    /// Sets name overrides.
    pub fn overrides(mut self, o: Overrides) -> Self {
        self.overrides = o;
        self
    }
    /// Sets where `src/lib.rs` finds the runtime (see [`Settings::runtime_path`]).
    pub fn runtime_path(mut self, path: Option<String>) -> Self {
        self.runtime_path = path;
        self
    }
    /// Keeps the names and placements of this ledger (see [`Settings::ledger`]).
    pub fn ledger(mut self, ledger: Option<ir::Ledger>) -> Self {
        self.ledger = ledger;
        self
    }
    /// Recomputes placements from tags (see [`Settings::rehome`]).
    pub fn rehome(mut self, rehome: bool) -> Self {
        self.rehome = rehome;
        self
    }
    /// Fails generation when anything was skipped.
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }
}

/// What a generation produced.
#[derive(Debug)]
pub struct Output {
    /// Generated files, by path relative to the crate root (`src/api/core.rs`).
    pub files: BTreeMap<String, String>,
    /// The IR the files were made from.
    pub api: ir::Api,
    /// Everything found along the way.
    pub diagnostics: Diagnostics,
    /// Operations in the spec / generated / skipped.
    pub report: report::Report,
}

/// Why generation failed.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// `--strict` and something was skipped.
    #[error("{skipped} operation(s) or schema(s) could not be understood (listed above); fix the spec, add a fixup, or drop --strict")]
    Strict {
        /// How many errors.
        skipped: usize,
        /// The diagnostics, for printing.
        diagnostics: Diagnostics,
    },
}

#[doc(hidden)]
/// Frees `value` on a thread of its own: the document is millions of small allocations, tens
/// of milliseconds to free, that need not hold anything up (a process that exits first never
/// pays them). Where no thread can be started, the refused closure, and `value` with it, is
/// dropped here instead of panicking.
pub fn free_in_background<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new().spawn(move || drop(value));
}

/// Runs the pipeline.
#[derive(Debug, Clone)]
pub struct Generator {
    settings: Settings,
}

impl Generator {
    /// A generator with these settings.
    pub fn new(settings: Settings) -> Self {
        Generator { settings }
    }

    /// Fixes up the document and builds the IR, without emitting code.
    pub fn build_ir(&self, mut spec: load::LoadedSpec) -> (ir::Api, Diagnostics, usize) {
        let built = self.build_ir_in_place(&mut spec);
        free_in_background(spec);
        built
    }

    /// [`Generator::build_ir`], leaving the fixed-up document in `spec`: the diff reads a few
    /// keywords from it that the IR does not carry (bounds on a body's root, for one).
    pub fn build_ir_in_place(&self, spec: &mut load::LoadedSpec) -> (ir::Api, Diagnostics, usize) {
        let mut diags = Diagnostics::default();
        let in_spec = report::count_operations(&spec.doc);
        fixups::apply_all_loaded(spec, &mut diags);
        let opts = ir::build::BuildOptions {
            full_docs: self.settings.docs == Docs::Full,
            overrides: self.settings.overrides.clone(),
            ledger: self.settings.ledger.clone(),
            rehome: self.settings.rehome,
        };
        let api = ir::build::build(&spec.doc, &opts, &mut diags);
        (api, diags, in_spec)
    }

    /// Generates the crate's files from a loaded spec.
    pub fn generate(&self, mut spec: load::LoadedSpec) -> Result<Output, GenerateError> {
        let (api, diagnostics, in_spec) = self.build_ir_in_place(&mut spec);
        if self.settings.strict && diagnostics.has_errors() {
            free_in_background(spec);
            return Err(GenerateError::Strict {
                skipped: diagnostics.count(diag::Severity::Error),
                diagnostics,
            });
        }
        let files = emit::emit(&api, &self.settings);
        // Freed after the emitter, not beside it: the emitter already keeps every core busy,
        // while a caller writing the files (or exiting) leaves one idle.
        free_in_background(spec);
        let report = report::Report::new(in_spec, &api, &diagnostics);
        Ok(Output {
            files,
            api,
            diagnostics,
            report,
        })
    }
}
