//! The direct reader against serde's typed parse, value by value: where it reads a value, it
//! must read what serde reads; where it declines, serde must still read it as before.

use super::super::skeleton::{parse, parse_serde, Part};
use super::*;
use serde::de::DeserializeOwned;
use serde_json::json;

/// Reads `v` both ways: `Some(direct)` when the direct reader took it (then equal to serde's).
fn both<T: Direct + DeserializeOwned + PartialEq + std::fmt::Debug>(
    v: &Value,
    part: Part,
) -> Option<T> {
    let direct = T::direct(v, "");
    let serde = parse_serde::<T>(v, part);
    if let Some(d) = &direct {
        assert_eq!(
            Some(d),
            serde.as_ref().ok(),
            "direct read differs from serde on {v}"
        );
    }
    // `parse` answers as serde does, whichever reader it took.
    let parsed = parse::<T>(v, part);
    assert_eq!(
        parsed.as_ref().map_err(ToString::to_string),
        serde.as_ref().map_err(ToString::to_string)
    );
    direct
}

fn op(extra: Value) -> Value {
    let mut op = json!({
        "tags": ["Projects"],
        "summary": "List",
        "description": "All of them",
        "operationId": "list",
        "deprecated": true,
        "x-internal": {"a": [1, 2.5, -3]},
        "parameters": [
            {"name": "company_id", "in": "query", "required": true, "schema": {"type": "integer"},
             "description": "d", "explode": false, "style": "deepObject", "example": 1,
             "deprecated": false, "x-p": 1},
            {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}, "style": "label"},
            {"name": "Procore-Company-Id", "in": "header", "schema": {"$ref": "#/components/schemas/Id"}},
            {"$ref": "#/components/parameters/Page"}
        ],
        "requestBody": {"required": true, "description": "b", "x-b": null, "content": {
            "application/json": {"schema": {"type": "object"}, "example": {"a": 1}},
            "text/plain": {"schema": null}
        }},
        "responses": {
            "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "array", "items": {}}}}},
            "4XX": {"description": "err"},
            "default": {"$ref": "#/components/responses/Error"},
            "x-r": true
        }
    });
    for (k, v) in extra.as_object().unwrap() {
        op[k] = v.clone();
    }
    op
}

#[test]
fn a_procore_shaped_operation_is_read_directly_as_serde_reads_it() {
    assert!(both::<Operation>(&op(json!({})), Part::Operation).is_some());
    assert!(both::<Operation>(&json!({"responses": {}}), Part::Operation).is_some());
}

#[test]
fn anything_unknown_is_left_to_serde() {
    let declined = [
        json!({"security": [{"oauth": []}]}),
        json!({"servers": []}),
        json!({"callbacks": {}}),
        json!({"summary": null}),
        json!({"tags": ["a", 1]}),
        json!({"deprecated": "yes"}),
        json!({"parameters": [{"name": "a", "in": "cookie", "schema": {}}]}),
        json!({"parameters": [{"name": "a", "in": "query", "content": {"a/b": {}}}]}),
        json!({"parameters": [{"name": "a", "in": "query", "schema": {}, "allowReserved": true}]}),
        json!({"parameters": [{"name": "a", "in": "query", "schema": {}, "style": "matrix"}]}),
        json!({"parameters": [{"name": "a", "in": "query", "schema": {}, "example": null}]}),
        json!({"parameters": [{"name": "a", "in": "query", "schema": {"type": 7}}]}),
        json!({"parameters": [{"name": "a", "in": "query", "schema": null}]}),
        json!({"parameters": [{"in": "query", "schema": {}}]}),
        json!({"parameters": [{"$ref": "#/a", "name": "b"}]}),
        json!({"parameters": [{"$ref": 1}]}),
        json!({"requestBody": {"content": {"a/b": {"encoding": {}}}}}),
        json!({"responses": {"200": {"description": "", "headers": {}}}}),
        json!({"responses": {"2xx": {"description": ""}}}),
        json!({"responses": {"099": {"description": ""}}}),
        json!({"responses": {"200": {}}}),
        json!({"responses": {"other": {"description": ""}}}),
    ];
    for extra in declined {
        let v = op(extra.clone());
        assert!(
            both::<Operation>(&v, Part::Operation).is_none(),
            "read directly: {extra}"
        );
    }
    assert!(both::<Operation>(&json!({"tags": []}), Part::Operation).is_none());
}

#[test]
fn components_are_read_directly_too() {
    let p = json!({"name": "page", "in": "query", "schema": {"type": "integer"}});
    assert!(both::<Parameter>(&p, Part::Parameter).is_some());
    assert!(both::<Parameter>(&json!({"$ref": "#/a"}), Part::Parameter).is_none());
    let b = json!({"content": {"application/json": {"schema": {"$ref": "#/x"}}}});
    assert!(both::<RequestBody>(&b, Part::RequestBody).is_some());
    let r = json!({"description": "", "x-a": 1});
    assert!(both::<Response>(&r, Part::Response).is_some());
    assert!(both::<Response>(&json!({"content": {}}), Part::Response).is_none());
}

#[test]
fn status_codes_are_read_as_openapiv3_reads_them() {
    for code in ["100", "200", "999", "1XX", "5XX"] {
        let v = json!({"responses": {code: {"description": ""}}});
        assert!(both::<Operation>(&v, Part::Operation).is_some(), "{code}");
    }
}

#[test]
fn the_audit_finds_no_difference_and_counts() {
    let doc = json!({
        "paths": {"/a": {"get": op(json!({})), "post": op(json!({"servers": []})), "x-y": 1}},
        "components": {
            "parameters": {"P": {"name": "p", "in": "path", "schema": {}}},
            "requestBodies": {"B": {"content": {}}},
            "responses": {"R": {"description": "r"}}
        }
    });
    let audit = audit(&doc);
    assert_eq!((audit.read, audit.direct), (5, 4), "{audit:?}");
    assert!(audit.differ.is_empty());
}
