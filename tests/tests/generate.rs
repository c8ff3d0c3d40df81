//! End-to-end generator properties: determinism, tolerance of broken operations, `--strict`,
//! and README's example being the crate's doctest. What the generated code looks like, feature
//! by feature, is the golden tests' job (`tests/golden/`, `tests/tests/golden.rs`).

use procore_generator::{emit::PREAMBLE, load, Generator, Settings};
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
    // Every file is also checked to parse, and to mean the tokens it was printed from.
    procore_generator::emit::verify_formatting(true);
    let a = generate(&path, Settings::default());
    procore_generator::emit::verify_formatting(false);
    let b = generate(&path, Settings::default());
    assert_eq!(a.files.len(), b.files.len());
    for (name, text) in &a.files {
        assert!(b.files[name] == *text, "{name} differs between two runs");
    }
    assert_eq!(a.report.skipped, 0, "{}", a.report);
    assert_eq!(a.report.generated, a.report.in_spec);
    // Every operation that takes its body as JSON and as multipart offers both forms.
    let ops = &a.api.operations;
    let offers = |o: &procore_generator::ir::Operation, ct: &str| {
        o.request_content_types().iter().any(|c| c.starts_with(ct))
    };
    let dual = ops
        .iter()
        .filter(|o| offers(o, "application/json") && offers(o, "multipart/form-data"));
    assert!(dual.clone().all(|o| o.alternative.is_some()));
    // One method per operation, plus a sibling per required body with another form
    // (`create_file_multipart`), and one builder per operation.
    let siblings = dual
        .filter(|o| o.alternative.as_ref().is_some_and(|b| b.required))
        .count();
    let count = |dir: &str, pattern: &str| -> usize {
        a.files
            .iter()
            .filter(|(n, _)| n.starts_with(dir))
            .map(|(_, t)| t.lines().filter(|l| l.starts_with(pattern)).count())
            .sum()
    };
    assert_eq!(
        count("src/api/", "    pub fn "),
        a.report.in_spec + siblings
    );
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

/// A file twin is public API once generated: the ledger keeps it, under its name, when Procore
/// rewords the description the rule read, and a property Procore adds under the twin's name
/// steps aside for it.
#[test]
fn file_twins_the_ledger_names_survive_a_reworded_description() {
    let path = procore_tests::root().join("tests/golden/body_multipart_file_twins/spec.yaml");
    let base = generate(&path, Settings::default());
    let ledger = procore_generator::ir::Ledger::of(&base.api, None);
    let mut doc = serde_yaml_from(&path);
    let form = doc
        .pointer_mut("/paths/~1rest~1v1.0~1projects~1{project_id}~1drawing_uploads/post/requestBody/content/multipart~1form-data/schema/properties")
        .unwrap();
    form["files"]["description"] = "PDF drawings.".into();
    form["files_parts"] = serde_json::json!({"type": "integer"});
    let spec = load::load_bytes("reworded.json", &serde_json::to_vec(&doc).unwrap()).unwrap();
    let after = Generator::new(Settings::default().ledger(Some(ledger)))
        .generate(spec)
        .unwrap();

    let fields = |o: &procore_generator::Output| -> Vec<(String, Option<String>)> {
        let api = &o.api;
        let id = api
            .used_types
            .iter()
            .find(|id| api.types.get(**id).name == "NewDrawingUpload");
        let procore_generator::ir::TypeKind::Struct { fields, .. } =
            &api.types.get(*id.unwrap()).kind
        else {
            panic!("a struct")
        };
        fields
            .iter()
            .map(|f| (f.ident.clone(), f.file_twin.clone()))
            .collect()
    };
    let twin = |o| fields(o)[0].clone();
    assert_eq!(twin(&base), ("files".into(), Some("files_parts".into())));
    assert_eq!(twin(&after), ("files".into(), Some("files_parts".into())));
    assert_eq!(fields(&after).last().unwrap().0, "files_parts_");
    let features = std::collections::BTreeSet::new();
    let changes =
        procore_generator::stability::compare(&base.api, &after.api, &features, &features);
    assert!(changes.iter().all(|c| !c.breaking), "{changes:?}");
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
    // Which pointers and messages: the `broken_operations` golden pair.
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
    assert!(
        matches!(
            err,
            procore_generator::GenerateError::Strict { skipped: 3, .. }
        ),
        "{err}"
    );
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
        // `Cargo.toml` carries it as a TOML comment.
        let toml = PREAMBLE.replacen("//", "#", 1);
        assert!(first == PREAMBLE || first == toml, "{name}: {first}");
    }
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

#[test]
fn readme_example_is_the_crate_doctest() {
    // README shows the visible lines of the crate-level example (a `no_run` doctest) of the
    // crate generated from the pinned spec; `cargo test -p procore` compiles that one.
    let Some(path) = pinned_spec() else { return };
    let out = generate(&path, Settings::default());
    let lib = &out.files["src/lib.rs"];
    let doctest: Vec<&str> = lib
        .lines()
        .filter_map(|l| l.strip_prefix("//!"))
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .skip_while(|l| !l.starts_with("```no_run"))
        .skip(1)
        .take_while(|l| *l != "```")
        .filter(|l| !l.starts_with("# ") && *l != "#")
        .collect();
    let readme = std::fs::read_to_string(procore_tests::root().join("README.md")).unwrap();
    let shown: Vec<&str> = readme
        .split("## What you get\n\n```rust\n")
        .nth(1)
        .and_then(|rest| rest.split("\n```").next())
        .expect("README has a ```rust block under \"## What you get\"")
        .lines()
        .collect();
    assert!(!doctest.is_empty(), "src/lib.rs has no ```no_run example");
    assert_eq!(
        shown, doctest,
        "README's \"What you get\" example differs from the crate example in src/lib.rs; copy \
         the visible lines of that doctest into README"
    );
}

#[test]
fn the_stand_ins_are_read_directly_as_serde_reads_them() {
    // The typed parse reads operations straight from the document where it can
    // (`ir::direct`); where it does, its answer must be serde's. On the pin it must read
    // nearly everything, or the generator is slow again without a test saying so (2024-10's
    // response headers, for one, are left to serde).
    let stand_ins = ["procore-2024-10.json", "procore-2026-04.json"];
    let pin = pinned_spec();
    let specs = pin.iter().cloned().chain(
        stand_ins
            .iter()
            .filter_map(|n| procore_tests::shared_spec(n)),
    );
    for path in specs {
        let mut spec = load::load_path(&path).expect("spec loads");
        let mut diags = procore_generator::diag::Diagnostics::default();
        procore_generator::fixups::apply_all(&mut spec.doc, &mut diags);
        let audit = procore_generator::ir::direct::audit(&spec.doc);
        eprintln!("{}: {audit:?}", path.display());
        let shown = &audit.differ[..audit.differ.len().min(10)];
        assert!(
            shown.is_empty(),
            "{}: read differently at {shown:?}",
            path.display()
        );
        if Some(&path) == pin.as_ref() {
            assert!(
                audit.direct * 100 >= audit.read * 99,
                "{}: {} of {} values left to serde",
                path.display(),
                audit.read - audit.direct,
                audit.read
            );
        }
    }
}
