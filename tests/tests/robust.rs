//! Robustness (issue 13): hostile names, deep and recursive schemas, `$ref` parameters at path
//! and operation level, and OpenAPI 3.1. No input may panic or overflow the stack; the crates
//! generated from `tests/fixtures/robust/` must compile without a warning
//! (`generated_crates_compile_without_warnings`, which builds them in `target/robust-check/`).

use procore_generator::diag::Severity;
use procore_generator::{load, Generator, Output, Settings};
use procore_tests::{fixture, root};
use serde_json::{json, Value};
use std::collections::BTreeMap;

fn generate_path(path: &std::path::Path, settings: Settings) -> Output {
    let spec = load::load_path(path).expect("loads");
    Generator::new(settings).generate(spec).expect("generates")
}

/// Runs the whole pipeline on a document, through its JSON text as a user's file would go.
fn generate_doc(doc: &Value) -> Output {
    let bytes = serde_json::to_vec(doc).unwrap();
    let spec = load::load_bytes("robust.json", &bytes).expect("loads");
    Generator::new(Settings::default())
        .generate(spec)
        .expect("generates")
}

fn errors(out: &Output) -> Vec<String> {
    out.diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.to_string())
        .collect()
}

/// Every type of the generated crate (`src/models/`), whitespace collapsed.
fn models(out: &Output) -> String {
    out.files
        .iter()
        .filter(|(name, _)| name.starts_with("src/models/"))
        .map(|(_, text)| text.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every function signature of the generated API (methods and builders), whitespace collapsed.
fn signatures(out: &Output) -> String {
    let mut all = String::new();
    for (name, text) in &out.files {
        if name.starts_with("src/api/")
            || name.starts_with("src/requests/")
            || name.starts_with("src/models/")
        {
            all.push_str(&text.split_whitespace().collect::<Vec<_>>().join(" "));
        }
    }
    all.replace("( ", "(")
        .replace(", )", ")")
        .replace(" )", ")")
}

fn spec_with(paths: Value, schemas: Value) -> Value {
    json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1.0.0"}, "paths": paths,
           "components": {"schemas": schemas}})
}

fn get_returning(schema: Value) -> Value {
    json!({"/things": {"get": {"tags": ["Core"], "responses": {"200": {"description": "ok",
        "content": {"application/json": {"schema": schema}}}}}}})
}

#[test]
fn hostile_names_become_identifiers() {
    let out = generate_path(&fixture("robust/hostile.yaml"), Settings::default());
    assert_eq!(errors(&out), Vec::<String>::new());
    for (name, text) in &out.files {
        assert!(!text.contains("compile_error!"), "{name}:\n{text}");
    }
    let sigs = signatures(&out);
    assert!(
        sigs.contains("pub fn get_type(&self, self_: i64, fn_: impl Into<String>) -> crate::requests::GetType"),
        "{sigs}"
    );
    // Module files are ASCII identifiers whatever the tag.
    for module in [
        "c_3d_models",
        "category_a6d3ce91",
        "category_ca866be2",
        "repos",
    ] {
        assert!(
            out.files.contains_key(&format!("src/api/{module}.rs")),
            "{module}"
        );
    }
}

#[test]
fn ref_parameters_at_path_and_operation_level_appear_once() {
    let out = generate_path(&fixture("robust/hostile.yaml"), Settings::default());
    let sigs = signatures(&out);
    for want in [
        "pub fn get_repo(&self, owner: impl Into<String>, repo: impl Into<String>) -> crate::requests::GetRepo",
        "pub fn update_repo(&self, owner: impl Into<String>, repo: impl Into<String>) -> crate::requests::UpdateRepo",
        "pub fn per_page(mut self, value: i64) -> Self",
    ] {
        assert!(sigs.contains(want), "missing `{want}` in:\n{sigs}");
    }
    assert!(
        !sigs.contains("owner2") && !sigs.contains("repo2"),
        "{sigs}"
    );
    // The referenced request body and response are read too.
    assert!(sigs.contains("pub fn body(mut self, value: models::RepoUpdate) -> Self"));
    assert!(sigs.contains("Result<models::Repo, crate::Error>"));
}

#[test]
fn recursive_schemas_through_all_of_one_of_items_and_maps() {
    let out = generate_path(&fixture("robust/hostile.yaml"), Settings::default());
    assert_eq!(errors(&out), Vec::<String>::new());
    let models = models(&out);
    for want in [
        // allOf with itself inside a Box, a Vec and a map.
        "pub parent: Option<Box<Node>>",
        "pub children: Option<Vec<Node>>",
        "pub by_name: Option<std::collections::BTreeMap<String, Node>>",
        // oneOf through another type: boxed both ways; the self-member is gone.
        "pub enum Expr { Number(f64), BinOp(Box<BinOp>), /// A value",
        // (Response structs end with the lenient `extra` field.)
        "pub left: Option<Box<Expr>>",
        // allOf listing itself keeps its other members.
        "pub struct Selfish { pub name: Option<String>, /// Undeclared",
    ] {
        assert!(models.contains(want), "missing `{want}` in:\n{models}");
    }
    let api = models.clone();
    // An array or map of itself has no finite Rust type: the inner level is any JSON value.
    assert!(
        api.contains("pub list: Option<Vec<serde_json::Value>>"),
        "{api}"
    );
    assert!(
        api.contains("pub dict: Option<std::collections::BTreeMap<String, serde_json::Value>>"),
        "{api}"
    );
    assert!(
        api.contains("pub lonely: Option<serde_json::Value>"),
        "{api}"
    );
}

#[test]
fn a_10000_long_reference_chain_is_a_diagnostic_not_an_overflow() {
    let mut schemas = serde_json::Map::new();
    for i in 0..10_000 {
        let next = format!("#/components/schemas/S{}", i + 1);
        schemas.insert(
            format!("S{i}"),
            json!({"type": "object", "properties": {"next": {"$ref": next}}}),
        );
    }
    schemas.insert("S10000".into(), json!({"type": "string"}));
    let mut paths = get_returning(json!({"$ref": "#/components/schemas/S0"}));
    // A neighbour that is not too deep still generates.
    paths["/near"] =
        get_returning(json!({"$ref": "#/components/schemas/S9995"}))["/things"].clone();
    let out = generate_doc(&spec_with(paths, Value::Object(schemas)));
    let errs = errors(&out);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].contains("#/components/schemas/S") && errs[0].contains("deeper than"),
        "{errs:?}"
    );
    assert_eq!(out.report.generated, 1);
}

#[test]
fn a_10000_deep_inline_schema_is_refused_with_its_place() {
    let mut text =
        String::from(r#"{"openapi":"3.0.3","info":{},"paths":{},"components":{"schemas":{"Deep":"#);
    text.push_str(&r#"{"type":"array","items":"#.repeat(10_000));
    text.push_str(r#"{"type":"string"}"#);
    text.push_str(&"}".repeat(10_000));
    text.push_str("}}}");
    let e = load::load_bytes("deep.json", text.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("deeper than 128 levels") && e.contains("line 1 column"),
        "{e}"
    );
}

#[test]
fn schemas_deeper_than_the_limit_are_cut_with_a_warning() {
    // 50 levels of objects: within the parsers' limit, beyond what later stages read.
    let mut inner = json!({"type": "string"});
    for _ in 0..50 {
        inner = json!({"type": "object", "properties": {"n": inner}});
    }
    let out = generate_doc(&spec_with(get_returning(inner), json!({})));
    let warned: Vec<_> = out
        .diagnostics
        .iter()
        .filter(|d| d.source == "fixup:depth-limit")
        .collect();
    assert_eq!(warned.len(), 1, "{:?}", out.diagnostics);
    assert!(warned[0]
        .pointer
        .starts_with("/paths/~1things/get/responses/200/content"));
    assert_eq!(out.report.generated, 1);
}

#[test]
fn openapi_3_1_lowerings_generate() {
    let out = generate_path(&fixture("robust/openapi-3.1.yaml"), Settings::default());
    assert_eq!(errors(&out), Vec::<String>::new());
    let models = models(&out);
    for want in [
        "pub kind: Option<WidgetKind>",
        "pub enum WidgetKind { Widget,",
        "pub name: Option<String>",
        "pub owner: Option<Meta>",
        "pub size: Option<Size>",
        "pub extra: Option<WidgetExtra>",
        "pub parts: Option<Vec<Widget>>",
    ] {
        assert!(models.contains(want), "missing `{want}` in:\n{models}");
    }
    let sigs = signatures(&out);
    assert!(
        sigs.contains("pub fn get_widget(&self, id: i64) -> crate::requests::GetWidget"),
        "{sigs}"
    );
    assert!(
        sigs.contains("pub picture: Option<crate::FilePart>"),
        "{sigs}"
    );
    let sources: Vec<&str> = out.diagnostics.iter().map(|d| d.source).collect();
    for fixup in [
        "fixup:oas31-document",
        "fixup:ref-siblings",
        "fixup:type-arrays",
        "fixup:const-values",
        "fixup:schema-examples",
        "fixup:exclusive-bounds",
        "fixup:content-media-type",
        "fixup:unsupported-keywords",
        "fixup:component-refs",
    ] {
        assert!(sources.contains(&fixup), "{fixup} did nothing");
    }
}

#[test]
fn feature_coverage_in_3_1_form_gives_the_same_code_as_in_3_0_form() {
    let a = generate_path(&fixture("feature-coverage.yaml"), Settings::default());
    let b = generate_path(&fixture("feature-coverage-3.1.yaml"), Settings::default());
    assert_eq!(
        a.files.keys().collect::<Vec<_>>(),
        b.files.keys().collect::<Vec<_>>()
    );
    // The ledger names places by JSON structure, which the 3.1 form spells differently
    // (`allOf` for `$ref` siblings); the code is what must not differ.
    for (name, text) in a.files.iter().filter(|(n, _)| *n != "api.lock") {
        assert!(
            b.files[name] == *text,
            "{name} differs between the 3.0 and 3.1 forms"
        );
    }
    assert_eq!(errors(&b), Vec::<String>::new());
}

/// Generates the fixture crates into one throw-away workspace (the runtime borrowed from
/// `generated-client/`, the lock file copied so nothing is resolved anew) and runs `cargo
/// check` on them with every feature. The first run builds the dependencies into
/// `target/robust-check/` (a few minutes); later runs take seconds.
#[test]
fn generated_crates_compile_without_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let runtime = root().join("generated-client/src/runtime/mod.rs");
    let mut members = Vec::new();
    for (name, spec) in [
        ("robust-hostile", "robust/hostile.yaml"),
        ("robust-oas31", "robust/openapi-3.1.yaml"),
    ] {
        let settings = Settings::default()
            .crate_name(name)
            .runtime_path(Some(runtime.display().to_string()));
        let out = generate_path(&fixture(spec), settings);
        write_crate(&dir.path().join(name), &out.files);
        members.push(format!("\"{name}\""));
    }
    std::fs::write(
        dir.path().join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    )
    .unwrap();
    std::fs::copy(root().join("Cargo.lock"), dir.path().join("Cargo.lock")).unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args([
            "check",
            "--workspace",
            "--all-features",
            "--offline",
            "--message-format",
            "short",
        ])
        .current_dir(dir.path())
        .env("CARGO_TARGET_DIR", root().join("target/robust-check"))
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "cargo check failed:\n{stderr}");
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.contains("warning")).collect();
    assert!(warnings.is_empty(), "warnings:\n{}", warnings.join("\n"));
}

fn write_crate(dir: &std::path::Path, files: &BTreeMap<String, String>) {
    for (path, text) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

#[test]
fn a_bad_value_deep_in_nested_unions_costs_linear_time() {
    // Found by the fuzzer: the typed parse retried every union variant at every level, which
    // took minutes at this depth before `schema-shape` removed the bad value first.
    let mut inner = json!({"type": {"type": "~"}, "oneOf": [true]});
    for i in 0..18 {
        inner = if i % 2 == 0 {
            json!({"oneOf": [inner, {"type": "string"}]})
        } else {
            json!({"allOf": [inner]})
        };
    }
    let started = std::time::Instant::now();
    let out = generate_doc(&spec_with(get_returning(inner), json!({})));
    assert_eq!(out.report.generated, 1);
    assert!(out
        .diagnostics
        .iter()
        .any(|d| d.source == "fixup:schema-shape"));
    assert!(
        started.elapsed().as_secs() < 20,
        "took {:?}",
        started.elapsed()
    );
}
