//! The crate-level files: `Cargo.toml` and `src/lib.rs`.

use super::{doc, PREAMBLE};
use crate::ir::{Api, Category, Operation, TypeRef};
use crate::Settings;

/// `src/lib.rs`: crate docs, the runtime, and the generated modules.
pub(crate) fn lib_rs(api: &Api, categories: &[Category], settings: &Settings) -> String {
    let runtime = match &settings.runtime_path {
        Some(p) => format!("#[path = \"{p}\"]\nmod runtime;"),
        None => "mod runtime;".to_string(),
    };
    let mut features = String::new();
    for c in categories {
        let n = api
            .operations
            .iter()
            .filter(|o| o.category.feature == c.feature)
            .count();
        // Category names come from the spec's tags: one line, and no `|` to split the row.
        let name = doc::spec_line(&c.name).replace('|', "\\|");
        features.push_str(&format!("//! | `{}` | {name} | {n} |\n", c.feature));
    }
    let krate = settings.crate_name.replace('-', "_");
    format!(
        r#"{PREAMBLE}
//! A typed client for the Procore REST API, generated from Procore's OpenAPI file
//! ({title}, version {version}: {ops} operations).
//!
//! Build a [`Client`] once; operations are methods on it that return a request builder:
//!
{example}//!
//! Types are in [`models`] and request builders in [`requests`], whatever Procore's category
//! (`models::Rfi`, `requests::ListProjectRfis`). Each Procore category is a cargo feature that
//! compiles its methods and the types only it uses; `full` enables all. The default is `core`.
//! Features are never removed: an operation Procore moves to another category stays under the
//! feature it was first generated under (see `api.lock`).
//!
//! | feature | category | operations |
//! |---|---|---|
{features}
#![forbid(unsafe_code)]
// The one allowance: `#[deprecated(since = ...)]` on operations carries the date Procore
// deprecated them (`2022-02-07`), which is not a semver crate version.
#![allow(clippy::deprecated_semver)]

{runtime}
pub use runtime::*;

// Generated modules are formatted by the generator; rustfmt leaves them as they are so that
// `cargo xtask check` compares like with like.
#[rustfmt::skip]
mod api;
#[rustfmt::skip]
pub mod models;
#[rustfmt::skip]
pub mod requests;
"#,
        title = doc::spec_line(&api.title),
        version = doc::spec_line(&api.version),
        ops = api.operations.len(),
        example = crate_example(api, &krate),
        runtime = runtime,
    )
}

/// The crate-level example (a `no_run` doctest, `//!` lines): build a client, then call one
/// operation of this spec, chosen by [`example_operation`]. README's "What you get" shows the
/// same code for the committed crate (a test keeps them equal).
fn crate_example(api: &Api, krate: &str) -> String {
    let mut lines = vec!["```no_run".to_string()];
    let op = example_operation(api);
    if let Some(op) = op {
        // The operation's module exists only with its feature; without it the example is empty.
        lines.push(format!("# #[cfg(feature = \"{}\")]", op.category.feature));
    }
    lines.push(format!(
        "# async fn demo() -> Result<(), {krate}::Error> {{"
    ));
    lines.push(format!("let client = {krate}::Client::builder()"));
    lines.push(format!("    .environment({krate}::Environment::Sandbox)"));
    lines.push("    .client_credentials(\"client id\", \"client secret\")".into());
    lines.push("    .company(42) // Procore-Company-Id on every request".into());
    lines.push("    .build()?;".into());
    if let Some(op) = op {
        let args: Vec<&str> = required(op).map(|p| p.ident.as_str()).collect();
        for a in &args {
            lines.push(format!("# let {a} = 1;"));
        }
        let call = format!("client.{}({})", op.fn_name, args.join(", "));
        if op.is_paginated() {
            lines.push(format!(
                "let page = {call}.per_page(100).send().await?; // one page"
            ));
            lines.push(format!(
                "let every = {call}.stream(); // every page, lazily"
            ));
        } else {
            lines.push(format!("let response = {call}.send().await?;"));
        }
    }
    lines.push("# Ok(()) }".into());
    lines.push("```".into());
    lines.iter().map(|l| format!("//! {l}\n")).collect()
}

/// The operation the crate example calls: not deprecated, no body to build, every argument an
/// integer id. Paginated lists first (they show the most), then the default `core` category,
/// then one argument (an id shows how arguments are passed), then fewer, then the shortest
/// path (the most general resource), then spec order.
fn example_operation(api: &Api) -> Option<&Operation> {
    api.operations
        .iter()
        .enumerate()
        .filter(|(_, op)| {
            op.deprecation.is_none()
                && !op.body.as_ref().is_some_and(|b| b.required)
                && required(op).all(|p| p.ty == TypeRef::Integer)
        })
        .min_by_key(|(i, op)| {
            (
                !op.is_paginated(),
                op.category.feature != "core",
                required(op).count() != 1,
                required(op).count(),
                op.path.len(),
                *i,
            )
        })
        .map(|(_, op)| op)
}

/// The parameters a method takes as arguments.
fn required(op: &Operation) -> impl Iterator<Item = &crate::ir::Param> {
    op.params.iter().filter(|p| p.required)
}

/// `Cargo.toml` of the generated crate.
pub(crate) fn cargo_toml(settings: &Settings, categories: &[Category]) -> String {
    let mut features = String::new();
    let all: Vec<String> = categories
        .iter()
        .map(|c| format!("\"{}\"", c.feature))
        .collect();
    let default = if categories.iter().any(|c| c.feature == "core") {
        "[\"core\"]"
    } else {
        "[]"
    };
    features.push_str(&format!(
        "default = {default}\nfull = [{}]\n",
        all.join(", ")
    ));
    for c in categories {
        let name: Vec<&str> = c.name.split_whitespace().collect();
        features.push_str(&format!("# {}\n{} = []\n", name.join(" "), c.feature));
    }
    // The examples sit beside the hand-written runtime (fixture crates that borrow the runtime
    // have none). Each names the category its operations are in; one whose category this spec
    // lacks is left out, and `autoexamples = false` keeps cargo from building it anyway.
    let mut autoexamples = String::new();
    let mut examples = String::new();
    // A fixture crate borrows the runtime by a path outside itself, so it cannot be packaged;
    // the client crate carries its runtime and is publishable (`cargo package -p procore`).
    let publish = if settings.runtime_path.is_some() {
        "publish = false\n"
    } else {
        "keywords = [\"procore\", \"construction\", \"api\", \"client\"]\ncategories = [\"api-bindings\", \"web-programming::http-client\"]\n"
    };
    if settings.runtime_path.is_none() {
        autoexamples.push_str("autoexamples = false\n");
        for (name, feature) in [
            ("list_projects", "core"),
            ("stream_rfis", "project-management"),
            ("upload_file", "project-management"),
            ("create_rfi", "project-management"),
        ] {
            if categories.iter().any(|c| c.feature == feature) {
                examples.push_str(&format!(
                    "\n[[example]]\nname = \"{name}\"\nrequired-features = [\"{feature}\"]\n"
                ));
            }
        }
    }
    // Doctests are on: the crate example names this crate, but the runtime's own examples name
    // `procore`, the crate it is written for, and cannot compile under another name.
    let lib = if settings.crate_name == "procore" {
        String::new()
    } else {
        "\n[lib]\n# The runtime's examples name the crate `procore`; they run in that crate.\ndoctest = false\n".to_string()
    };
    format!(
        r#"# Generated by cargo xtask generate; do not edit.
[package]
name = "{name}"
version = "{version}"
description = "Typed client for the Procore REST API (generated)"
edition = "2021"
license = "MIT OR Apache-2.0"
rust-version = "1.80"
{publish}{autoexamples}{lib}
[features]
{features}
[dependencies]
bytes = "1"
futures-core = "0.3"
futures-util = {{ version = "0.3", default-features = false, features = ["std"] }}
percent-encoding = "2"
reqwest = {{ version = "0.12", default-features = false, features = ["rustls-tls", "json", "multipart", "stream"] }}
serde = "1"
serde_json = "1"
serde_urlencoded = "0.7"
tokio = {{ version = "1", features = ["time", "sync", "fs", "io-util"] }}
tokio-util = {{ version = "0.7", features = ["codec"] }}
tracing = {{ version = "0.1", default-features = false, features = ["std"] }}
url = "2"
# Not used directly: pins `idna` (under `url`) to its unicode-rs back end instead of ICU, which
# halves the cold compile of this crate's dependencies. Procore's hosts are ASCII either way.
idna_adapter = "~1.1"

[dev-dependencies]
tokio = {{ version = "1", features = ["macros", "rt-multi-thread", "test-util", "net", "io-util"] }}
wiremock = "0.6"
tempfile = "3"
# Tests only: benchmarks compare the generated impls with derived structs. The crate itself
# derives nothing, so `serde_derive` is not in a user's build.
serde = {{ version = "1", features = ["derive"] }}
{examples}
[package.metadata.docs.rs]
all-features = true
"#,
        name = settings.crate_name,
        version = settings.crate_version,
    )
}
