//! End-to-end generator properties: determinism, tolerance of broken operations, `--strict`.

use procore_generator::{load, Generator, Settings};
use procore_tests::{fixture, pinned_spec};

fn generate(path: &std::path::Path, settings: Settings) -> procore_generator::Output {
    let spec = load::load_path(path).expect("spec loads");
    Generator::new(settings).generate(spec).expect("generates")
}

#[test]
fn same_spec_gives_byte_identical_output() {
    let a = generate(&fixture("feature-coverage.yaml"), Settings::default());
    let b = generate(&fixture("feature-coverage.yaml"), Settings::default());
    assert_eq!(a.files, b.files);
}

#[test]
fn pinned_spec_generates_deterministically_with_nothing_skipped() {
    let Some(path) = pinned_spec() else { return };
    let a = generate(&path, Settings::default());
    let b = generate(&path, Settings::default());
    assert_eq!(a.files.len(), b.files.len());
    for (name, text) in &a.files {
        assert!(b.files[name] == *text, "{name} differs between two runs");
    }
    assert_eq!(a.report.skipped, 0, "{}", a.report);
    assert_eq!(a.report.generated, a.report.in_spec);
    // One method per operation, and one builder each.
    let count = |dir: &str, pattern: &str| -> usize {
        a.files
            .iter()
            .filter(|(n, _)| n.starts_with(dir))
            .map(|(_, t)| t.lines().filter(|l| l.starts_with(pattern)).count())
            .sum()
    };
    assert_eq!(count("src/api/", "    pub fn "), a.report.in_spec);
    assert_eq!(count("src/requests/", "pub struct "), a.report.in_spec);
}

#[test]
fn adding_an_unrelated_operation_renames_nothing() {
    let path = fixture("feature-coverage.yaml");
    let base = generate(&path, Settings::default());
    let mut doc: serde_json::Value = serde_yaml_from(&path);
    doc["paths"]["/rest/v1.0/aaa_first/{id}"] = serde_json::json!({"get": {
        "operationId": "AaaFirst", "tags": ["Core/A"],
        "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
        "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {
            "type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}}}}}}
    }});
    let bytes = serde_json::to_vec(&doc).unwrap();
    // Regenerating over the crate (its ledger) is how names are kept: nothing may move.
    let ledger = procore_generator::ir::Ledger::of(&base.api, None);
    let spec = load::load_bytes("added.json", &bytes).unwrap();
    let added = Generator::new(Settings::default().ledger(Some(ledger)))
        .generate(spec)
        .unwrap();

    let names = |o: &procore_generator::Output| {
        let mut v: Vec<String> = o
            .api
            .operations
            .iter()
            .map(|op| op.fn_name.clone())
            .collect();
        for id in &o.api.used_types {
            let d = o.api.types.get(*id);
            v.push(d.name.clone());
            v.extend(d.aliases.iter().cloned());
        }
        v
    };
    let after = names(&added);
    for n in names(&base) {
        assert!(
            after.contains(&n),
            "`{n}` disappeared when an unrelated operation was added"
        );
    }
    assert_eq!(
        added.files["api.lock"]
            .lines()
            .filter(|l| l.starts_with("op "))
            .count(),
        10
    );
}

fn serde_yaml_from(path: &std::path::Path) -> serde_json::Value {
    load::load_path(path).unwrap().doc
}

#[test]
fn broken_operations_are_skipped_with_pointers_and_the_rest_generated() {
    let out = generate(&fixture("broken.json"), Settings::default());
    assert_eq!(out.report.in_spec, 5);
    assert_eq!(out.report.generated, 2, "{}", out.report);
    let errors: Vec<String> = out
        .diagnostics
        .iter()
        .filter(|d| d.severity == procore_generator::diag::Severity::Error)
        .map(|d| d.to_string())
        .collect();
    assert_eq!(errors.len(), 3, "{errors:#?}");
    let all = errors.join("\n");
    assert!(
        all.contains(
            "#/paths/~1rest~1v1.0~1dangling/get/responses/200/content/application~1json/schema"
        ) && all.contains("points at nothing"),
        "{all}"
    );
    assert!(all.contains("#/paths/~1rest~1v1.0~1unknown_type/get/responses/200/content/application~1json/schema/properties/x") && all.contains("unknown type `strnig`"), "{all}");
    assert!(
        all.contains("#/paths/~1rest~1v1.0~1garbage_param/get/parameters/1"),
        "{all}"
    );
    let fns: Vec<&str> = out
        .api
        .operations
        .iter()
        .map(|o| o.fn_name.as_str())
        .collect();
    assert_eq!(fns, ["get_good", "delete_also_good"]);
}

#[test]
fn strict_turns_skips_into_failure() {
    let spec = load::load_path(&fixture("broken.json")).unwrap();
    let err = Generator::new(Settings::default().strict(true))
        .generate(spec)
        .unwrap_err();
    assert!(err.to_string().contains("3 operation(s)"), "{err}");
    let ok = load::load_path(&fixture("feature-coverage.yaml")).unwrap();
    Generator::new(Settings::default().strict(true))
        .generate(ok)
        .expect("the coverage spec has nothing to skip");
}

#[test]
fn every_generated_file_has_the_preamble() {
    let out = generate(&fixture("feature-coverage.yaml"), Settings::default());
    for (name, text) in &out.files {
        let first = text.lines().next().unwrap_or("");
        assert!(
            first.contains("Generated by cargo xtask generate; do not edit."),
            "{name}: {first}"
        );
    }
}

#[test]
fn overrides_rename_operations_and_types() {
    let overrides = procore_generator::Overrides::parse(
        "overrides.toml",
        "[operations]\nRestV10ProjectsProjectIdRfisGet = \"list_rfis\"\n[types]\nNewRfi = \"RfiDraft\"\n",
    )
    .unwrap();
    let out = generate(
        &fixture("feature-coverage.yaml"),
        Settings::default().overrides(overrides),
    );
    let pm = &out.files["src/api/project_management.rs"];
    assert!(
        pm.contains("pub fn list_rfis(&self, project_id: i64) -> crate::requests::ListRfis {"),
        "operation not renamed:\n{pm}"
    );
    assert!(!pm.contains("pub fn list_project_rfis("));
    let models = &out.files["src/models/project_management.rs"];
    assert!(
        models.contains("pub struct RfiDraft {") && pm.contains("body: models::RfiDraft"),
        "type not renamed"
    );
    assert!(!models.contains("pub struct NewRfi {"));

    // An override onto a name in use is refused with a diagnostic, not a broken crate.
    let clash =
        procore_generator::Overrides::parse("o.toml", "[types]\nNewRfi = \"RfiUpdate\"\n").unwrap();
    let out = generate(
        &fixture("feature-coverage.yaml"),
        Settings::default().overrides(clash),
    );
    assert!(out
        .diagnostics
        .iter()
        .any(|d| d.message.contains("cannot rename to `RfiUpdate`")));
    assert!(out.files["src/models/project_management.rs"].contains("pub struct NewRfi {"));
}

#[test]
fn renames_are_reported() {
    let Some(path) = pinned_spec() else { return };
    let out = generate(&path, Settings::default());
    // Every collision rename names what was wanted, what was used, and where.
    for r in &out.api.renames {
        assert_ne!(r.wanted, r.used);
        assert!(!r.at.is_empty());
    }
    assert_eq!(out.report.renames.len(), out.api.renames.len());
}
