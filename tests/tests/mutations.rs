//! Mutation tests: they prove the drift suite catches each kind of drift. Each starts from a
//! spec, changes one thing, and requires the suite to fail with a diff line naming the change;
//! the unchanged spec must pass.

use procore_tests::{check_drift, fixture, pinned_spec, snapshots_of, Spec};
use serde_json::{json, Value};
use std::collections::BTreeMap;

fn base() -> Value {
    procore_generator::load::load_path(&fixture("feature-coverage.yaml"))
        .unwrap()
        .doc
}

fn baseline(doc: &Value) -> BTreeMap<String, String> {
    snapshots_of(Spec::Doc(doc))
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
}

/// The suite's verdict on `mutated` against snapshots of `base`.
fn verdict(base: &Value, mutated: &Value) -> Result<(), String> {
    check_drift(&baseline(base), &snapshots_of(Spec::Doc(mutated)))
}

fn assert_caught(mutated: &Value, expected: &[&str]) {
    let err = verdict(&base(), mutated).expect_err("the suite must fail");
    for e in expected {
        assert!(err.contains(e), "expected {e:?} in:\n{err}");
    }
}

const RFIS: &str = "/rest/v1.0/projects/{project_id}/rfis";
const RFI: &str = "/rest/v1.0/projects/{project_id}/rfis/{id}";

#[test]
fn an_unchanged_spec_passes() {
    verdict(&base(), &base()).unwrap();
}

#[test]
fn adding_an_operation_is_caught() {
    let mut d = base();
    d["paths"]["/rest/v1.0/companies/{company_id}/vendors"] = json!({"get": {"operationId": "ListVendors", "tags": ["Core/Directory"],
        "parameters": [{"name": "company_id", "in": "path", "required": true, "schema": {"type": "integer"}}],
        "responses": {"200": {"description": "OK"}}}});
    assert_caught(
        &d,
        &["inventory.txt: + GET /rest/v1.0/companies/{company_id}/vendors"],
    );
}

#[test]
fn removing_an_operation_is_caught() {
    let mut d = base();
    d["paths"][RFI].as_object_mut().unwrap().remove("patch");
    assert_caught(
        &d,
        &["inventory.txt: - PATCH /rest/v1.0/projects/{project_id}/rfis/{id}"],
    );
}

#[test]
fn flipping_a_deprecated_flag_is_caught() {
    let mut d = base();
    d["paths"][RFIS]["get"]["deprecated"] = json!(true);
    assert_caught(
        &d,
        &[
            "inventory.txt: ~ GET /rest/v1.0/projects/{project_id}/rfis deprecated: false -> true",
            "deprecations.txt: + GET /rest/v1.0/projects/{project_id}/rfis",
        ],
    );
}

#[test]
fn changing_x_deprecated_at_is_caught() {
    let mut d = base();
    d["paths"][RFI]["delete"]["x-deprecated-at"] = json!(1700000000);
    assert_caught(
        &d,
        &[
            "inventory.txt: ~ DELETE /rest/v1.0/projects/{project_id}/rfis/{id} deprecated: true since 2022-02-07 sunset 2025-01-31 -> true since 2023-11-14 sunset 2025-01-31",
            "deprecations.txt: ~ DELETE /rest/v1.0/projects/{project_id}/rfis/{id} since: 2022-02-07 -> 2023-11-14",
        ],
    );
}

#[test]
fn renaming_a_path_parameter_is_caught() {
    let mut d = base();
    let mut item = d["paths"]
        .as_object_mut()
        .unwrap()
        .remove("/rest/v1.0/folders/{id}")
        .unwrap();
    item["get"]["parameters"][0]["name"] = json!("folder_id");
    d["paths"]["/rest/v1.0/folders/{folder_id}"] = item;
    assert_caught(
        &d,
        &[
            "inventory.txt: - GET /rest/v1.0/folders/{id}",
            "inventory.txt: + GET /rest/v1.0/folders/{folder_id}",
        ],
    );
}

#[test]
fn changing_a_response_field_type_is_caught() {
    let mut d = base();
    d["paths"]["/rest/v1.0/projects/{project_id}/documents"]["post"]["responses"]["201"]
        ["content"]["application/json"]["schema"]["properties"]["id"] = json!({"type": "string"});
    assert_caught(
        &d,
        &["signatures.txt: ~ POST /rest/v1.0/projects/{project_id}/documents response: id: integer -> string"],
    );
    // One line per change, not the whole signature twice.
    let err = verdict(&base(), &d).unwrap_err();
    assert!(!err.contains("name:string"), "{err}");
}

#[test]
fn parameter_changes_are_caught_one_per_line() {
    let mut d = base();
    let params = d["paths"][RFIS]["get"]["parameters"]
        .as_array_mut()
        .unwrap();
    let removed = params
        .iter()
        .position(|p| p["in"] == "query")
        .expect("a query parameter");
    let gone = params.remove(removed)["name"].as_str().unwrap().to_string();
    params.push(json!({"name": "sort_order", "in": "query", "schema": {"type": "string"}}));
    assert_caught(
        &d,
        &[
            &format!("signatures.txt: ~ GET {RFIS} params: - {gone}\n"),
            &format!("signatures.txt: ~ GET {RFIS} params: + sort_order?:query:string"),
        ],
    );
}

#[test]
fn changing_a_nested_response_field_type_is_caught() {
    let mut d = base();
    d["components"]["schemas"]["Rfi"]["properties"]["assignee"]["properties"]["id"] =
        json!({"type": "string"});
    let err = verdict(&base(), &d).expect_err("a change deep in a response must fail too");
    assert!(
        err.contains("signatures.txt: ~ GET /rest/v1.0/projects/{project_id}/rfis response: changed below the top level (#"),
        "{err}"
    );
}

/// What CI guards: the committed inventory of the pinned spec, checked against a copy of the
/// pinned spec with one `deprecated` flag flipped, fails naming that operation.
#[test]
fn the_pinned_snapshot_catches_one_flipped_flag() {
    let Some(path) = pinned_spec() else { return };
    let mut doc: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let target = "/rest/v1.0/projects/{project_id}/rfis";
    assert_ne!(doc["paths"][target]["get"]["deprecated"], json!(true));
    doc["paths"][target]["get"]["deprecated"] = json!(true);
    let err = check_drift(
        &procore_tests::committed_snapshots(),
        &snapshots_of(Spec::Doc(&doc)),
    )
    .expect_err("must fail");
    assert!(
        err.contains("~ GET /rest/v1.0/projects/{project_id}/rfis deprecated: false -> true"),
        "{err}"
    );
}
