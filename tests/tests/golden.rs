//! Golden tests: one tiny spec per generator feature under `tests/golden/<feature>/`, generated
//! in-process and compared with the committed `expected.rs` beside it.
//!
//! A pair directory holds:
//! - `spec.yaml`: the input, one to three operations exercising one feature;
//! - `expected.rs`: the generated files that show the feature, concatenated, each under a
//!   `// ==== <path> ====` line, then the generator's diagnostics (fixup notes) and collision
//!   renames as comments. By default the files are each category's methods, builders and types
//!   (`src/api/`, `src/requests/`, `src/models/`, without `mod.rs`) and the ledger `api.lock`;
//! - `golden.toml` (optional): `files = [...]` to compare other generated files (`Cargo.toml`,
//!   `src/lib.rs`, `src/api/mod.rs`), `crate_name = "..."`, `docs = "full"`;
//! - `overrides.toml` (optional): passed as `Settings::overrides`.
//!
//! When the generator's output changes on purpose, re-bless every pair with `cargo xtask bless`
//! (the same as `UPDATE_GOLDEN=1 cargo test -p procore-tests --test golden`) and review the
//! diff of `tests/golden/` like any other code change.

use procore_generator::{load, Docs, Generator, Overrides, Settings};
use procore_tests::root;
use std::path::{Path, PathBuf};

/// The environment variable that turns comparison into re-blessing.
const UPDATE: &str = "UPDATE_GOLDEN";

#[test]
fn generated_code_matches_the_golden_files() {
    let pairs = pair_dirs();
    assert!(
        pairs.len() >= 30,
        "expected one golden pair per feature under tests/golden/, found {}",
        pairs.len()
    );
    let bless = std::env::var_os(UPDATE).is_some_and(|v| v != "0");
    let mut failures = Vec::new();
    for dir in &pairs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let actual = match render_pair(dir) {
            Ok(text) => text,
            Err(e) => {
                failures.push(format!("golden pair `{name}`: {e}"));
                continue;
            }
        };
        let expected_path = dir.join("expected.rs");
        if bless {
            std::fs::write(&expected_path, &actual)
                .unwrap_or_else(|e| panic!("cannot write {}: {e}", expected_path.display()));
            continue;
        }
        match std::fs::read_to_string(&expected_path) {
            Ok(expected) if expected == actual => {}
            Ok(expected) => failures.push(format!(
                "golden pair `{name}` differs from tests/golden/{name}/expected.rs \
                 (- expected, + generated now):\n{}",
                line_diff(&name, &expected, &actual)
            )),
            Err(e) => failures.push(format!(
                "golden pair `{name}` has no readable expected.rs ({e})"
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} golden pairs failed:\n\n{}\n\nIf the change is intended, re-bless with \
         `cargo xtask bless` (or `{UPDATE}=1 cargo test -p procore-tests --test golden`) and \
         review the diff of tests/golden/.",
        failures.len(),
        pairs.len(),
        failures.join("\n\n")
    );
}

/// Every directory under `tests/golden/`, sorted.
fn pair_dirs() -> Vec<PathBuf> {
    let base = root().join("tests/golden");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&base)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", base.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// What a pair's `golden.toml` may set.
#[derive(Default)]
struct PairSettings {
    files: Option<Vec<String>>,
    crate_name: Option<String>,
    full_docs: bool,
}

fn read_pair_settings(dir: &Path) -> Result<PairSettings, String> {
    let path = dir.join("golden.toml");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(PairSettings::default());
    };
    let table: toml::Table = text.parse().map_err(|e| format!("golden.toml: {e}"))?;
    let mut out = PairSettings::default();
    for (key, value) in &table {
        match (key.as_str(), value) {
            ("files", toml::Value::Array(a)) => {
                out.files = Some(
                    a.iter()
                        .map(|v| v.as_str().map(str::to_string))
                        .collect::<Option<_>>()
                        .ok_or("golden.toml: `files` holds strings")?,
                )
            }
            ("crate_name", toml::Value::String(s)) => out.crate_name = Some(s.clone()),
            ("docs", toml::Value::String(s)) if s == "full" => out.full_docs = true,
            _ => {
                return Err(format!(
                "golden.toml: unknown setting `{key}` (known: files, crate_name, docs = \"full\")"
            ))
            }
        }
    }
    Ok(out)
}

/// Generates a pair's spec and renders the files it compares, then the diagnostics.
fn render_pair(dir: &Path) -> Result<String, String> {
    let pair = read_pair_settings(dir)?;
    let spec = load::load_path(&dir.join("spec.yaml")).map_err(|e| e.to_string())?;
    let mut settings = Settings::default();
    if let Some(name) = &pair.crate_name {
        settings = settings.crate_name(name.clone());
    }
    if pair.full_docs {
        settings = settings.docs(Docs::Full);
    }
    if let Ok(text) = std::fs::read_to_string(dir.join("overrides.toml")) {
        let overrides = Overrides::parse("overrides.toml", &text).map_err(|e| e.to_string())?;
        settings = settings.overrides(overrides);
    }
    let out = Generator::new(settings)
        .generate(spec)
        .map_err(|e| e.to_string())?;
    let wanted: Vec<String> = match pair.files {
        Some(files) => files,
        None => out
            .files
            .iter()
            .filter(|(path, text)| default_file(path, text))
            .map(|(path, _)| path.clone())
            .collect(),
    };
    let mut text = String::new();
    for path in &wanted {
        let body = out.files.get(path).ok_or_else(|| {
            format!(
                "golden.toml names `{path}`, which was not generated (generated: {})",
                out.files.keys().cloned().collect::<Vec<_>>().join(", ")
            )
        })?;
        text.push_str(&format!("// ==== {path} ====\n{body}"));
        if !body.ends_with('\n') {
            text.push('\n');
        }
    }
    let notes: Vec<String> = out
        .diagnostics
        .iter()
        .map(|d| d.to_string())
        .chain(out.api.renames.iter().map(|r| {
            format!(
                "renamed {} `{}` -> `{}` ({})",
                r.kind, r.wanted, r.used, r.at
            )
        }))
        .collect();
    if !notes.is_empty() {
        text.push_str("// ==== diagnostics and renames ====\n");
        for n in notes {
            text.push_str(&format!("// {n}\n"));
        }
    }
    Ok(text)
}

/// Compared unless `golden.toml` says otherwise: the methods, builders and types of each
/// category (`src/api/`, `src/requests/`, `src/models/`), and the ledger; the `mod.rs` files
/// and crate files are the same in every pair, and one pair covers them.
fn default_file(path: &str, _text: &str) -> bool {
    let dirs = ["src/api/", "src/requests/", "src/models/"];
    path == "api.lock" || (dirs.iter().any(|d| path.starts_with(d)) && !path.ends_with("/mod.rs"))
}

/// A unified line diff with three lines of context, headed by the pair's files.
fn line_diff(name: &str, expected: &str, actual: &str) -> String {
    similar::TextDiff::from_lines(expected, actual)
        .unified_diff()
        .context_radius(3)
        .header(
            &format!("tests/golden/{name}/expected.rs"),
            &format!("generated from tests/golden/{name}/spec.yaml"),
        )
        .to_string()
}
