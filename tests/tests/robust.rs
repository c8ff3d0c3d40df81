//! Robustness (issue 13): hostile names, deep and recursive schemas, `$ref` parameters, OpenAPI
//! 3.1. No input may panic; what compiles must compile without warnings.

use procore_generator::{load, Generator, Output, Settings};
use serde_json::{json, Value};

/// Runs the whole pipeline on a document given as JSON text, failing the test on a panic.
fn generate(doc: &Value) -> Output {
    let bytes = serde_json::to_vec(doc).unwrap();
    let spec = load::load_bytes("robust.json", &bytes).expect("loads");
    Generator::new(Settings::default())
        .generate(spec)
        .expect("generates")
}

fn spec(paths: Value, schemas: Value) -> Value {
    json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1.0.0"}, "paths": paths,
           "components": {"schemas": schemas}})
}

fn get_returning(schema: Value) -> Value {
    json!({"/things": {"get": {"tags": ["Core"], "responses": {"200": {"description": "ok",
        "content": {"application/json": {"schema": schema}}}}}}})
}

#[test]
fn a_10000_long_reference_chain_does_not_overflow() {
    let mut schemas = serde_json::Map::new();
    for i in 0..10_000 {
        schemas.insert(
            format!("S{i}"),
            json!({"type": "object", "properties": {"next": {"$ref": format!("#/components/schemas/S{}", i + 1)}}}),
        );
    }
    schemas.insert(
        "S10000".into(),
        json!({"type": "object", "properties": {"end": {"type": "string"}}}),
    );
    let out = generate(&spec(
        get_returning(json!({"$ref": "#/components/schemas/S0"})),
        Value::Object(schemas),
    ));
    for d in out.diagnostics.iter() {
        eprintln!("{d}");
    }
}

#[test]
fn recursion_through_all_of_one_of_items_additional_properties() {
    let schemas = json!({
        "A": {"allOf": [{"$ref": "#/components/schemas/A"}, {"type": "object", "properties": {"x": {"type": "string"}}}]},
        "O": {"oneOf": [{"$ref": "#/components/schemas/O"}]},
        "O2": {"oneOf": [{"$ref": "#/components/schemas/O2"}, {"type": "string"}]},
        "I": {"type": "array", "items": {"$ref": "#/components/schemas/I"}},
        "M": {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/M"}},
    });
    let root = json!({"type": "object", "properties": {
        "a": {"$ref": "#/components/schemas/A"}, "o": {"$ref": "#/components/schemas/O"},
        "o2": {"$ref": "#/components/schemas/O2"}, "i": {"$ref": "#/components/schemas/I"},
        "m": {"$ref": "#/components/schemas/M"}}});
    let out = generate(&spec(get_returning(root), schemas));
    for d in out.diagnostics.iter() {
        eprintln!("{d}");
    }
    eprintln!("{}", out.files["src/models.rs"]);
}

#[test]
fn probe_deep_inline_times_refs() {
    let mut schemas = serde_json::Map::new();
    for i in 0..100 {
        let mut inner = json!({"$ref": format!("#/components/schemas/S{}", i + 1)});
        for _ in 0..58 {
            inner = json!({"type": "object", "properties": {"n": inner}});
        }
        schemas.insert(format!("S{i}"), inner);
    }
    schemas.insert(
        "S100".into(),
        json!({"type": "object", "properties": {"end": {"type": "string"}}}),
    );
    let out = generate(&spec(
        get_returning(json!({"$ref": "#/components/schemas/S0"})),
        Value::Object(schemas),
    ));
    for d in out.diagnostics.iter() {
        eprintln!("{}", &d.to_string()[..200.min(d.to_string().len())]);
    }
}

#[test]
fn probe_inline_only() {
    let n: usize = std::env::var("PROBE_N")
        .map(|s| s.parse().unwrap())
        .unwrap_or(58);
    let mut inner = json!({"type": "string"});
    for _ in 0..n {
        inner = json!({"type": "object", "properties": {"n": inner}});
    }
    let out = generate(&spec(get_returning(inner), json!({})));
    for d in out.diagnostics.iter() {
        eprintln!("{}", &d.to_string()[..200.min(d.to_string().len())]);
    }
}
