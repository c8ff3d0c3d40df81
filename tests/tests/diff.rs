//! The diff: one fixture pair per rule (a base spec and a mutation of it), the full stand-in
//! specs against an independent computation, and version-to-version comparison.

use procore_generator::diff::{self, rules, Class, DiffOptions, DiffReport};
use procore_generator::{load, Generator, Settings};
use procore_tests::shared_spec;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::sync::Arc;

const RFIS: &str = "/rest/v1.0/projects/{project_id}/rfis";
const RFI: &str = "/rest/v1.0/projects/{project_id}/rfis/{id}";

fn base() -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "diff base", "version": "1.0"},
        "paths": {
            RFIS: {
                "get": {
                    "operationId": "ListRfis", "summary": "List RFIs", "tags": ["Project Management/RFIs"],
                    "parameters": [
                        {"name": "project_id", "in": "path", "required": true, "schema": {"type": "integer"}},
                        {"name": "Procore-Company-Id", "in": "header", "required": true, "schema": {"type": "integer"}},
                        {"name": "page", "in": "query", "schema": {"type": "integer"}},
                        {"name": "status", "in": "query", "schema": {"type": "string", "enum": ["open", "closed"]}},
                        {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
                        {"name": "search", "in": "query", "schema": {"type": "string", "maxLength": 50}}
                    ],
                    "responses": {"200": {"description": "OK",
                        "headers": {
                            "Total": {"required": true, "schema": {"type": "integer"}},
                            "Link": {"schema": {"type": "string"}}
                        },
                        "content": {"application/json": {"schema": {
                        "type": "array", "items": {"$ref": "#/components/schemas/Rfi"}}}}}}
                },
                "post": {
                    "operationId": "CreateRfi", "summary": "Create RFI", "tags": ["Project Management/RFIs"],
                    "parameters": [{"name": "project_id", "in": "path", "required": true, "schema": {"type": "integer"}}],
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {
                        "type": "object", "required": ["rfi"], "properties": {"rfi": {
                            "type": "object", "required": ["subject"], "properties": {
                                "subject": {"type": "string", "maxLength": 200},
                                "priority": {"type": "string", "enum": ["low", "high"]},
                                "due_date": {"type": "string"},
                                "number": {"type": "integer", "readOnly": true},
                                "reference": {"oneOf": [{"type": "string"}, {"type": "integer"}, {"type": "boolean"}]}
                            }}}}}}},
                    "responses": {
                        "201": {"description": "Created", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Rfi"}}}},
                        "422": {"description": "Invalid"}
                    }
                }
            },
            RFI: {
                "delete": {
                    "operationId": "DeleteRfi", "summary": "Delete RFI", "tags": ["Project Management/RFIs"],
                    "deprecated": true, "x-deprecated-at": 1644250224, "x-sunset": "2030-01-01",
                    "parameters": [
                        {"name": "project_id", "in": "path", "required": true, "schema": {"type": "integer"}},
                        {"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}
                    ],
                    "responses": {"204": {"description": "Gone"}}
                }
            }
        },
        "components": {"schemas": {"Rfi": {"type": "object", "properties": {
            "id": {"type": "integer"},
            "subject": {"type": "string"},
            "status": {"type": "string", "enum": ["open", "closed"]},
            "assignee": {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}},
            "position": {"type": "integer", "maximum": 1000},
            "reference": {"oneOf": [{"type": "string"}, {"type": "integer"}, {"type": "boolean"}]},
            "token": {"type": "string", "writeOnly": true}
        }}}}
    })
}

fn api(doc: &Value) -> procore_generator::ir::Api {
    ir_and_doc(doc).0
}

/// The IR of `doc` and the fixed-up document it was built from.
fn ir_and_doc(doc: &Value) -> (procore_generator::ir::Api, Arc<Value>) {
    let mut spec = load::load_bytes("spec.json", &serde_json::to_vec(doc).unwrap()).unwrap();
    let api = Generator::new(Settings::default())
        .build_ir_in_place(&mut spec)
        .0;
    (api, Arc::new(spec.doc))
}

fn run(old: &Value, new: &Value) -> DiffReport {
    let ((a, ad), (b, bd)) = (ir_and_doc(old), ir_and_doc(new));
    let opts = DiffOptions {
        today: Some("2026-11-22".into()),
        old_source: "old".into(),
        new_source: "new".into(),
        old_doc: Some(ad),
        new_doc: Some(bd),
        ..Default::default()
    };
    diff::diff(&a, &b, &opts)
}

fn op<'a>(doc: &'a mut Value, path: &str, method: &str) -> &'a mut Value {
    &mut doc["paths"][path][method]
}
fn param<'a>(doc: &'a mut Value, path: &str, method: &str, name: &str) -> &'a mut Value {
    let params = op(doc, path, method)["parameters"].as_array_mut().unwrap();
    params.iter_mut().find(|p| p["name"] == name).unwrap()
}
fn rfi_body(doc: &mut Value) -> &mut Value {
    &mut op(doc, RFIS, "post")["requestBody"]["content"]["application/json"]["schema"]["properties"]
        ["rfi"]
}
fn rfi_schema(doc: &mut Value) -> &mut Value {
    &mut doc["components"]["schemas"]["Rfi"]
}
fn ok_200(doc: &mut Value) -> &mut Value {
    &mut op(doc, RFIS, "get")["responses"]["200"]
}
fn remove(v: &mut Value, key: &str) {
    v.as_object_mut().unwrap().remove(key);
}

/// The created RFI comes back as an RFI or a list of warnings.
fn wrap_created_rfi(d: &mut Value) {
    op(d, RFIS, "post")["responses"]["201"]["content"]["application/json"]["schema"] = json!({
        "oneOf": [{"$ref": "#/components/schemas/Rfi"},
                  {"type": "object", "properties": {"warnings": {"type": "array", "items": {"type": "string"}}}}]});
}

/// The created RFI's media type keeps no schema.
fn drop_created_rfi_schema(d: &mut Value) {
    op(d, RFIS, "post")["responses"]["201"]["content"]["application/json"] = json!({});
}

/// The RFI request body's media type keeps no schema.
fn drop_rfi_body_schema(d: &mut Value) {
    op(d, RFIS, "post")["requestBody"]["content"]["application/json"] = json!({});
}

/// `page` deprecated, going away on `date`.
fn sunset_page(d: &mut Value, date: &str) {
    let p = param(d, RFIS, "get", "page");
    p["deprecated"] = json!(true);
    p["x-sunset"] = json!(date);
}

type Mutation = fn(&mut Value);
fn none(_: &mut Value) {}

/// (rule, change to the old spec, change to the new spec)
fn cases() -> Vec<(rules::Rule, Mutation, Mutation)> {
    use rules::*;
    vec![
        (OPERATION_REMOVED, none, |d| {
            d["paths"][RFIS].as_object_mut().unwrap().remove("get");
        }),
        (OPERATION_REMOVED_BEFORE_SUNSET, none, |d| {
            d["paths"].as_object_mut().unwrap().remove(RFI);
        }),
        (
            OPERATION_END_OF_LIFE,
            |d| op(d, RFI, "delete")["x-sunset"] = json!("2025-01-31"),
            |d| {
                d["paths"].as_object_mut().unwrap().remove(RFI);
            },
        ),
        (PARAM_ADDED_REQUIRED, none, |d| {
            op(d, RFIS, "get")["parameters"].as_array_mut().unwrap().push(json!({"name": "view", "in": "query", "required": true, "schema": {"type": "string"}}))
        }),
        (PARAM_REMOVED, none, |d| {
            op(d, RFIS, "get")["parameters"]
                .as_array_mut()
                .unwrap()
                .retain(|p| p["name"] != "page")
        }),
        (PARAM_BECAME_REQUIRED, none, |d| {
            param(d, RFIS, "get", "page")["required"] = json!(true)
        }),
        (PARAM_TYPE_CHANGED, none, |d| {
            param(d, RFIS, "get", "page")["schema"] = json!({"type": "string"})
        }),
        (PARAM_LOCATION_CHANGED, none, |d| {
            param(d, RFIS, "get", "page")["in"] = json!("header")
        }),
        (PARAM_ENUM_VALUE_REMOVED, none, |d| {
            param(d, RFIS, "get", "status")["schema"]["enum"] = json!(["open"])
        }),
        (BODY_ADDED_REQUIRED, none, |d| {
            op(d, RFI, "delete")["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {"reason": {"type": "string"}}}}}})
        }),
        (BODY_REMOVED, none, |d| {
            op(d, RFIS, "post")
                .as_object_mut()
                .unwrap()
                .remove("requestBody");
        }),
        (
            BODY_CONTENT_TYPE_REMOVED,
            |d| {
                let json_body =
                    op(d, RFIS, "post")["requestBody"]["content"]["application/json"].clone();
                op(d, RFIS, "post")["requestBody"]["content"]["multipart/form-data"] = json_body;
            },
            none,
        ),
        (REQUEST_FIELD_ADDED_REQUIRED, none, |d| {
            let rfi = rfi_body(d);
            rfi["properties"]["question"] = json!({"type": "string"});
            rfi["required"]
                .as_array_mut()
                .unwrap()
                .push(json!("question"));
        }),
        (REQUEST_FIELD_REMOVED, none, |d| {
            rfi_body(d)["properties"]
                .as_object_mut()
                .unwrap()
                .remove("due_date");
        }),
        (REQUEST_FIELD_BECAME_REQUIRED, none, |d| {
            rfi_body(d)["required"]
                .as_array_mut()
                .unwrap()
                .push(json!("due_date"))
        }),
        (REQUEST_FIELD_TYPE_CHANGED, none, |d| {
            rfi_body(d)["properties"]["due_date"] = json!({"type": "integer"})
        }),
        (REQUEST_ENUM_VALUE_REMOVED, none, |d| {
            rfi_body(d)["properties"]["priority"]["enum"] = json!(["low"])
        }),
        (RESPONSE_STATUS_REMOVED, none, |d| {
            op(d, RFIS, "post")["responses"]
                .as_object_mut()
                .unwrap()
                .remove("201");
        }),
        (RESPONSE_FIELD_REMOVED, none, |d| {
            rfi_schema(d)["properties"]
                .as_object_mut()
                .unwrap()
                .remove("subject");
        }),
        (RESPONSE_FIELD_TYPE_CHANGED, none, |d| {
            rfi_schema(d)["properties"]["id"] = json!({"type": "string"})
        }),
        (OPERATION_DEPRECATED, none, |d| {
            op(d, RFIS, "get")["deprecated"] = json!(true)
        }),
        (DEPRECATION_DATES_CHANGED, none, |d| {
            op(d, RFI, "delete")["x-sunset"] = json!("2031-01-01")
        }),
        (PARAM_DEPRECATED, none, |d| {
            param(d, RFIS, "get", "page")["deprecated"] = json!(true)
        }),
        (FIELD_DEPRECATED, none, |d| {
            rfi_schema(d)["properties"]["subject"]["deprecated"] = json!(true)
        }),
        (OPERATION_ADDED, none, |d| {
            d["paths"][RFI]["get"] = json!({"operationId": "ShowRfi", "summary": "Show RFI", "tags": ["Project Management/RFIs"],
                "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Rfi"}}}}}});
        }),
        (OPERATION_UNDEPRECATED, none, |d| {
            let o = op(d, RFI, "delete").as_object_mut().unwrap();
            for k in ["deprecated", "x-deprecated-at", "x-sunset"] {
                o.remove(k);
            }
        }),
        (PARAM_ADDED_OPTIONAL, none, |d| {
            op(d, RFIS, "get")["parameters"]
                .as_array_mut()
                .unwrap()
                .push(json!({"name": "sort", "in": "query", "schema": {"type": "string"}}))
        }),
        (
            PARAM_BECAME_OPTIONAL,
            |d| param(d, RFIS, "get", "page")["required"] = json!(true),
            none,
        ),
        (PARAM_ENUM_VALUE_ADDED, none, |d| {
            param(d, RFIS, "get", "status")["schema"]["enum"] = json!(["open", "closed", "draft"])
        }),
        (PATH_PARAM_RENAMED, none, |d| {
            let mut item = d["paths"].as_object_mut().unwrap().remove(RFIS).unwrap();
            for m in ["get", "post"] {
                for p in item[m]["parameters"].as_array_mut().unwrap() {
                    if p["name"] == "project_id" {
                        p["name"] = json!("pid");
                    }
                }
            }
            d["paths"]["/rest/v1.0/projects/{pid}/rfis"] = item;
        }),
        (BODY_ADDED_OPTIONAL, none, |d| {
            op(d, RFI, "delete")["requestBody"] = json!({"content": {"application/json": {"schema": {"type": "object", "properties": {"reason": {"type": "string"}}}}}})
        }),
        (BODY_CONTENT_TYPE_ADDED, none, |d| {
            let json_body =
                op(d, RFIS, "post")["requestBody"]["content"]["application/json"].clone();
            op(d, RFIS, "post")["requestBody"]["content"]["multipart/form-data"] = json_body;
        }),
        (REQUEST_FIELD_ADDED_OPTIONAL, none, |d| {
            rfi_body(d)["properties"]["location_id"] = json!({"type": "integer"})
        }),
        (REQUEST_FIELD_BECAME_OPTIONAL, none, |d| {
            rfi_body(d)["required"] = json!([])
        }),
        (REQUEST_ENUM_VALUE_ADDED, none, |d| {
            rfi_body(d)["properties"]["priority"]["enum"] = json!(["low", "normal", "high"])
        }),
        (RESPONSE_STATUS_ADDED, none, |d| {
            op(d, RFIS, "get")["responses"]["404"] = json!({"description": "Not found"})
        }),
        (RESPONSE_STATUS_REMOVED_OTHER, none, |d| {
            op(d, RFIS, "post")["responses"]
                .as_object_mut()
                .unwrap()
                .remove("422");
        }),
        (RESPONSE_FIELD_ADDED, none, |d| {
            rfi_schema(d)["properties"]["number"] = json!({"type": "string"})
        }),
        (RESPONSE_ENUM_VALUE_ADDED, none, |d| {
            rfi_schema(d)["properties"]["status"]["enum"] = json!(["open", "closed", "draft"])
        }),
        (RESPONSE_ENUM_VALUE_REMOVED, none, |d| {
            rfi_schema(d)["properties"]["status"]["enum"] = json!(["open"])
        }),
        (SUMMARY_CHANGED, none, |d| {
            op(d, RFIS, "get")["summary"] = json!("List all RFIs")
        }),
        (TAG_CHANGED, none, |d| {
            op(d, RFIS, "get")["tags"] = json!(["Project Management/RFI Items"])
        }),
        (RUST_FEATURE_CHANGED, none, |d| {
            op(d, RFIS, "get")["tags"] = json!(["Core/RFIs"])
        }),
        (OPERATION_ID_CHANGED, none, |d| {
            op(d, RFIS, "get")["operationId"] = json!("ListProjectRfis")
        }),
        (STABILITY_DECREASED, none, |d| {
            op(d, RFIS, "get")["x-stability-level"] = json!("beta")
        }),
        (
            STABILITY_INCREASED,
            |d| op(d, RFIS, "get")["x-stability-level"] = json!("alpha"),
            none,
        ),
        (
            OPERATION_REMOVED_UNSTABLE,
            |d| op(d, RFIS, "get")["x-stability-level"] = json!("alpha"),
            |d| remove(&mut d["paths"][RFIS], "get"),
        ),
        (SUNSET_MOVED_EARLIER, none, |d| {
            op(d, RFI, "delete")["x-sunset"] = json!("2029-01-01")
        }),
        (
            PARAM_REMOVED_BEFORE_SUNSET,
            |d| {
                let p = param(d, RFIS, "get", "page");
                p["deprecated"] = json!(true);
                p["x-sunset"] = json!("2030-01-01");
            },
            |d| {
                op(d, RFIS, "get")["parameters"]
                    .as_array_mut()
                    .unwrap()
                    .retain(|p| p["name"] != "page")
            },
        ),
        (
            PARAM_END_OF_LIFE,
            |d| {
                let p = param(d, RFIS, "get", "page");
                p["deprecated"] = json!(true);
                p["x-sunset"] = json!("2025-01-01");
            },
            |d| {
                op(d, RFIS, "get")["parameters"]
                    .as_array_mut()
                    .unwrap()
                    .retain(|p| p["name"] != "page")
            },
        ),
        (
            PARAM_UNDEPRECATED,
            |d| param(d, RFIS, "get", "page")["deprecated"] = json!(true),
            none,
        ),
        (PARAM_BECAME_ENUM, none, |d| {
            param(d, RFIS, "get", "search")["schema"]["enum"] = json!(["a", "b"])
        }),
        (
            PARAM_BECAME_NOT_NULLABLE,
            |d| param(d, RFIS, "get", "search")["schema"]["nullable"] = json!(true),
            none,
        ),
        (PARAM_BECAME_NULLABLE, none, |d| {
            param(d, RFIS, "get", "search")["schema"]["nullable"] = json!(true)
        }),
        (PARAM_CONSTRAINT_TIGHTENED, none, |d| {
            param(d, RFIS, "get", "per_page")["schema"]["maximum"] = json!(50)
        }),
        (PARAM_CONSTRAINT_ADDED, none, |d| {
            param(d, RFIS, "get", "page")["schema"]["maximum"] = json!(10)
        }),
        (PARAM_CONSTRAINT_RELAXED, none, |d| {
            param(d, RFIS, "get", "per_page")["schema"]["maximum"] = json!(200)
        }),
        (
            PARAM_PATTERN_CHANGED,
            |d| param(d, RFIS, "get", "search")["schema"]["pattern"] = json!("^a"),
            |d| param(d, RFIS, "get", "search")["schema"]["pattern"] = json!("^b"),
        ),
        (PARAM_DEFAULT_CHANGED, none, |d| {
            param(d, RFIS, "get", "per_page")["schema"]["default"] = json!(100)
        }),
        (
            BODY_BECAME_REQUIRED,
            |d| op(d, RFIS, "post")["requestBody"]["required"] = json!(false),
            none,
        ),
        (BODY_BECAME_OPTIONAL, none, |d| {
            op(d, RFIS, "post")["requestBody"]["required"] = json!(false)
        }),
        (REQUEST_FIELD_BECAME_ENUM, none, |d| {
            rfi_body(d)["properties"]["due_date"]["enum"] = json!(["today", "tomorrow"])
        }),
        (
            REQUEST_FIELD_BECAME_NOT_NULLABLE,
            |d| rfi_body(d)["properties"]["due_date"]["nullable"] = json!(true),
            none,
        ),
        (REQUEST_FIELD_BECAME_NULLABLE, none, |d| {
            rfi_body(d)["properties"]["due_date"]["nullable"] = json!(true)
        }),
        (REQUEST_FIELD_CONSTRAINT_TIGHTENED, none, |d| {
            rfi_body(d)["properties"]["subject"]["maxLength"] = json!(100)
        }),
        (REQUEST_FIELD_CONSTRAINT_ADDED, none, |d| {
            rfi_body(d)["properties"]["due_date"]["maxLength"] = json!(10)
        }),
        (REQUEST_FIELD_CONSTRAINT_RELAXED, none, |d| {
            rfi_body(d)["properties"]["subject"]["maxLength"] = json!(300)
        }),
        (
            REQUEST_FIELD_PATTERN_CHANGED,
            |d| rfi_body(d)["properties"]["due_date"]["pattern"] = json!("^[0-9]"),
            |d| rfi_body(d)["properties"]["due_date"]["pattern"] = json!("^x"),
        ),
        (REQUEST_FIELD_DEFAULT_CHANGED, none, |d| {
            rfi_body(d)["properties"]["priority"]["default"] = json!("low")
        }),
        (REQUEST_UNION_MEMBER_REMOVED, none, |d| {
            rfi_body(d)["properties"]["reference"]["oneOf"] =
                json!([{"type": "string"}, {"type": "integer"}])
        }),
        (REQUEST_UNION_MEMBER_ADDED, none, |d| {
            rfi_body(d)["properties"]["reference"]["oneOf"] = json!([{"type": "string"}, {"type": "integer"}, {"type": "boolean"}, {"type": "number"}])
        }),
        (REQUEST_READ_ONLY_FIELD_CHANGED, none, |d| {
            rfi_body(d)["required"]
                .as_array_mut()
                .unwrap()
                .push(json!("number"))
        }),
        (FIELD_ACCESS_CHANGED, none, |d| {
            rfi_body(d)["properties"]["due_date"]["readOnly"] = json!(true)
        }),
        (
            RESPONSE_MEDIA_TYPE_REMOVED,
            |d| ok_200(d)["content"]["text/csv"] = json!({}),
            none,
        ),
        (
            RESPONSE_ERROR_MEDIA_TYPE_REMOVED,
            |d| {
                op(d, RFIS, "post")["responses"]["422"]["content"] =
                    json!({"application/json": {"schema": {"type": "object"}}})
            },
            none,
        ),
        (RESPONSE_MEDIA_TYPE_ADDED, none, |d| {
            ok_200(d)["content"]["text/csv"] = json!({})
        }),
        (RESPONSE_HEADER_REMOVED, none, |d| {
            remove(&mut ok_200(d)["headers"], "Total")
        }),
        (RESPONSE_OPTIONAL_HEADER_REMOVED, none, |d| {
            remove(&mut ok_200(d)["headers"], "Link")
        }),
        (RESPONSE_HEADER_BECAME_OPTIONAL, none, |d| {
            ok_200(d)["headers"]["Total"]["required"] = json!(false)
        }),
        (RESPONSE_HEADER_TYPE_CHANGED, none, |d| {
            ok_200(d)["headers"]["Total"]["schema"] = json!({"type": "string"})
        }),
        (RESPONSE_HEADER_ADDED, none, |d| {
            ok_200(d)["headers"]["X-Request-Id"] = json!({"schema": {"type": "string"}})
        }),
        (RESPONSE_WRITE_ONLY_FIELD_CHANGED, none, |d| {
            remove(&mut rfi_schema(d)["properties"], "token")
        }),
        (
            RESPONSE_FIELD_BECAME_OPTIONAL,
            |d| rfi_schema(d)["required"] = json!(["id"]),
            none,
        ),
        (RESPONSE_FIELD_BECAME_REQUIRED, none, |d| {
            rfi_schema(d)["required"] = json!(["id"])
        }),
        (RESPONSE_FIELD_BECAME_NULLABLE, none, |d| {
            rfi_schema(d)["properties"]["subject"]["nullable"] = json!(true)
        }),
        (
            RESPONSE_FIELD_BECAME_NOT_NULLABLE,
            |d| rfi_schema(d)["properties"]["subject"]["nullable"] = json!(true),
            none,
        ),
        (RESPONSE_FIELD_CONSTRAINT_WIDENED, none, |d| {
            rfi_schema(d)["properties"]["position"]["maximum"] = json!(2000)
        }),
        (RESPONSE_FIELD_CONSTRAINT_NARROWED, none, |d| {
            rfi_schema(d)["properties"]["position"]["maximum"] = json!(500)
        }),
        (RESPONSE_FIELD_PATTERN_CHANGED, none, |d| {
            rfi_schema(d)["properties"]["subject"]["pattern"] = json!("^RFI")
        }),
        (RESPONSE_FIELD_DEFAULT_CHANGED, none, |d| {
            rfi_schema(d)["properties"]["status"]["default"] = json!("open")
        }),
        (RESPONSE_UNION_MEMBER_ADDED, none, |d| {
            rfi_schema(d)["properties"]["reference"]["oneOf"] = json!([{"type": "string"}, {"type": "integer"}, {"type": "boolean"}, {"type": "number"}])
        }),
        (BODY_SCHEMA_ADDED, drop_created_rfi_schema, none),
        (BODY_SCHEMA_REMOVED, none, drop_created_rfi_schema),
        // The same two on the request side.
        (BODY_SCHEMA_ADDED, drop_rfi_body_schema, none),
        (BODY_SCHEMA_REMOVED, none, drop_rfi_body_schema),
        (BODY_WRAPPED_IN_UNION, none, wrap_created_rfi),
        (BODY_UNWRAPPED_FROM_UNION, wrap_created_rfi, none),
        (FIELD_STABILITY_DECREASED, none, |d| {
            rfi_schema(d)["properties"]["subject"]["x-stability-level"] = json!("beta")
        }),
        (
            FIELD_STABILITY_INCREASED,
            |d| rfi_body(d)["properties"]["due_date"]["x-stability-level"] = json!("alpha"),
            none,
        ),
        (
            FIELD_UNDEPRECATED,
            |d| rfi_schema(d)["properties"]["subject"]["deprecated"] = json!(true),
            none,
        ),
        (
            PARAM_SUNSET_MOVED_EARLIER,
            |d| sunset_page(d, "2030-01-01"),
            |d| sunset_page(d, "2029-06-30"),
        ),
        (
            PARAM_SUNSET_CHANGED,
            |d| sunset_page(d, "2030-01-01"),
            |d| param(d, RFIS, "get", "page")["deprecated"] = json!(true),
        ),
        (RESPONSE_HEADER_BECAME_NULLABLE, none, |d| {
            ok_200(d)["headers"]["Total"]["schema"]["nullable"] = json!(true)
        }),
        (
            RESPONSE_HEADER_BECAME_NOT_NULLABLE,
            |d| ok_200(d)["headers"]["Total"]["schema"]["nullable"] = json!(true),
            none,
        ),
        (RESPONSE_UNION_MEMBER_REMOVED, none, |d| {
            rfi_schema(d)["properties"]["reference"]["oneOf"] =
                json!([{"type": "string"}, {"type": "integer"}])
        }),
    ]
}

/// Rules about Rust names only: the HTTP operation is the same, the crate's names differ (here
/// because the ledgers of the two crates say so).
type Rename = fn(&mut diff::RustNames);

fn ledger_cases() -> Vec<(rules::Rule, Rename)> {
    vec![
        (rules::RUST_METHOD_RENAMED, |n| n.fn_name = "rfis".into()),
        (rules::RUST_SETTER_RENAMED, |n| {
            n.params.insert("page".into(), "page_number".into());
        }),
    ]
}

#[test]
fn rust_renames_come_from_the_ledgers() {
    for (rule, rename) in ledger_cases() {
        let a = api(&base());
        let list = a.operations.iter().find(|o| o.path == RFIS).unwrap();
        let mut names = diff::rust::names(list, None);
        rename(&mut names);
        let ledger = diff::Ledger::from([(diff::rust::ledger_key(list), names)]);
        let opts = DiffOptions {
            today: Some("2026-11-22".into()),
            new_ledger: Some(ledger),
            ..Default::default()
        };
        let r = diff::diff(&a, &a, &opts);
        let hit = r.changes.iter().find(|c| c.rule == rule.id);
        let hit = hit.unwrap_or_else(|| panic!("{}: {:#?}", rule.id, r.changes));
        assert!(hit.rust.as_ref().is_some_and(|x| x.breaks), "{hit:#?}");
        assert_eq!(r.semver, diff::Bump::Major);
    }
}

#[test]
fn every_rule_has_a_fixture_pair_that_proves_its_classification() {
    let cases = cases();
    let covered: BTreeSet<&str> = cases
        .iter()
        .map(|c| c.0.id)
        .chain(ledger_cases().iter().map(|c| c.0.id))
        .collect();
    let all: BTreeSet<&str> = rules::ALL.iter().map(|r| r.id).collect();
    assert_eq!(covered, all, "every rule needs a fixture pair");
    for (rule, mutate_old, mutate_new) in cases {
        let (mut old, mut new) = (base(), base());
        mutate_old(&mut old);
        mutate_new(&mut new);
        let report = run(&old, &new);
        let hit = report.changes.iter().find(|c| c.rule == rule.id);
        let Some(hit) = hit else {
            panic!("{}: not reported; got {:#?}", rule.id, report.changes);
        };
        assert_eq!(hit.class, rule.class, "{}", rule.id);
        // A non-breaking change must not be reported as breaking by some other rule.
        if rule.class != Class::Breaking {
            let breaking: Vec<_> = report
                .changes
                .iter()
                .filter(|c| c.class == Class::Breaking)
                .collect();
            assert!(
                breaking.is_empty(),
                "{}: also reported breaking changes {breaking:#?}",
                rule.id
            );
        }
    }
}

#[test]
fn the_same_spec_twice_reports_no_changes() {
    let r = run(&base(), &base());
    assert!(r.changes.is_empty(), "{:#?}", r.changes);
    assert_eq!(r.semver, diff::Bump::None);
    assert!(diff::render::text(&r).contains("no changes"));
}

#[test]
fn semver_bump_follows_the_worst_change() {
    let mut added = base();
    op(&mut added, RFIS, "get")["parameters"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "sort", "in": "query", "schema": {"type": "string"}}));
    assert_eq!(run(&base(), &added).semver, diff::Bump::Minor);
    let mut summary = base();
    op(&mut summary, RFIS, "get")["summary"] = json!("x");
    assert_eq!(run(&base(), &summary).semver, diff::Bump::Patch);
    let mut broken = base();
    param(&mut broken, RFIS, "get", "page")["required"] = json!(true);
    assert_eq!(run(&base(), &broken).semver, diff::Bump::Major);
}

#[test]
fn resource_versions_compare_like_two_specs() {
    let mut doc = base();
    let mut v11 = doc["paths"][RFIS].clone();
    v11["get"]["operationId"] = json!("ListRfisV11");
    v11["get"]["parameters"].as_array_mut().unwrap().push(
        json!({"name": "view", "in": "query", "required": true, "schema": {"type": "string"}}),
    );
    v11.as_object_mut().unwrap().remove("post");
    doc["paths"]["/rest/v1.1/projects/{project_id}/rfis"] = v11;
    let a = api(&doc);
    let r = diff::diff_versions(
        &a,
        "v1.0",
        "v1.1",
        &DiffOptions {
            today: Some("2026-11-22".into()),
            ..Default::default()
        },
    );
    let rules: BTreeSet<&str> = r.changes.iter().map(|c| c.rule).collect();
    assert!(rules.contains("parameter-added-required"), "{rules:?}");
    // POST and DELETE have no v1.1: reported as not carried over.
    assert_eq!(r.summary.operations_removed, 2);
    assert_eq!((r.old.operations, r.new.operations), (3, 1));
}

#[test]
fn formats_are_stable() {
    let mut new = base();
    param(&mut new, RFIS, "get", "page")["required"] = json!(true);
    let r = run(&base(), &new);
    let j: Value = serde_json::from_str(&diff::render::json(&r)).unwrap();
    assert_eq!(j["schema_version"], 2);
    assert_eq!(j["summary"]["breaking"], 1);
    assert_eq!(j["summary"]["skipped"], 0);
    assert_eq!(j["changes"][0]["rule"], "parameter-became-required");
    assert_eq!(j["changes"][0]["class"], "breaking");
    assert_eq!(j["changes"][0]["level"], "ERR");
    assert_eq!(j["changes"][0]["rust"]["breaks"], true);
    assert_eq!(j["semver"], "major");
    let md = diff::render::markdown(&r);
    assert!(
        md.contains("### breaking (1 operations)")
            && md.contains("- `GET /rest/v1.0/projects/{project_id}/rfis`\n  - ERR `parameter-became-required` `page` is now required — Rust breaks code: `page` becomes an argument of `Client::"),
        "{md}"
    );
    let text = diff::render::text(&r);
    assert!(
        text.contains("BREAKING (1 operations)")
            && text.contains("ERR [parameter-became-required] `page` is now required"),
        "{text}"
    );
}

#[test]
fn reports_group_by_operation_and_moves_by_category() {
    let mut new = base();
    for m in ["get", "post"] {
        op(&mut new, RFIS, m)["tags"] = json!(["Core/RFIs"]);
    }
    rfi_schema(&mut new)["properties"]["a"] = json!({"type": "string"});
    rfi_schema(&mut new)["properties"]["b"] = json!({"type": "string"});
    let r = run(&base(), &new);
    let md = diff::render::markdown(&r);
    // Two operations moved from one category to another: one row with a count.
    assert!(
        md.contains("| `rust-feature-changed` | Project Management | Core | 2 |"),
        "{md}"
    );
    // Two fields added to one operation's response: one line for the rule.
    assert!(
        md.contains(
            "  - INFO `response-field-added` 2: `[].a` (string) added; `[].b` (string) added"
        ),
        "{md}"
    );
    assert_eq!(
        md.matches("- `GET /rest/v1.0/projects/{project_id}/rfis`")
            .count(),
        1
    );
}

/// (method, path) pairs of a raw spec, computed without the generator.
fn raw_operations(path: &std::path::Path) -> BTreeSet<(String, String)> {
    let doc: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let mut out = BTreeSet::new();
    for (p, item) in doc["paths"].as_object().unwrap() {
        for m in item.as_object().unwrap().keys() {
            if [
                "get", "put", "post", "delete", "patch", "head", "options", "trace",
            ]
            .contains(&m.as_str())
            {
                out.insert((m.to_uppercase(), p.clone()));
            }
        }
    }
    out
}

#[test]
fn stand_in_specs_added_and_removed_match_an_independent_count() {
    let (Some(old_path), Some(new_path)) = (
        shared_spec("procore-2024-10.json"),
        shared_spec("procore-2026-04.json"),
    ) else {
        return;
    };
    let (old_set, new_set) = (raw_operations(&old_path), raw_operations(&new_path));
    let added = new_set.difference(&old_set).count();
    let removed: Vec<_> = old_set.difference(&new_set).collect();
    let load = |p: &std::path::Path| {
        Generator::new(Settings::default())
            .build_ir(load::load_path(p).unwrap())
            .0
    };
    let opts = DiffOptions {
        today: Some("2026-11-22".into()),
        ..Default::default()
    };
    let r = diff::diff(&load(&old_path), &load(&new_path), &opts);
    assert_eq!(
        (r.summary.operations_added, r.summary.operations_removed),
        (added, removed.len())
    );
    assert_eq!((added, removed.len()), (692, 13));
    let eol: Vec<_> = r
        .changes
        .iter()
        .filter(|c| c.rule == "operation-end-of-life")
        .collect();
    assert_eq!(eol.len(), 12, "{eol:#?}");
    assert_eq!(r.summary.end_of_life, 12);
    // Every removal is reported, against the independent list.
    for (m, p) in removed {
        assert!(
            r.changes
                .iter()
                .any(|c| &c.method == m && &c.path == p && c.rule.starts_with("operation-")),
            "{m} {p}"
        );
    }
}

/// Loads a fixture of `tests/fixtures/diff/` with what its loader could not read.
fn load_fixture(
    name: &str,
) -> (
    procore_generator::ir::Api,
    procore_generator::diag::Diagnostics,
) {
    let spec = load::load_path(&procore_tests::fixture(&format!("diff/{name}"))).unwrap();
    let (api, diags, _) = Generator::new(Settings::default()).build_ir(spec);
    (api, diags)
}

fn diff_fixtures(old: &str, new: &str) -> DiffReport {
    let ((a, ad), (b, bd)) = (load_fixture(old), load_fixture(new));
    let opts = DiffOptions {
        today: Some("2026-11-22".into()),
        ..Default::default()
    };
    let mut r = diff::diff(&a, &b, &opts);
    r.add_skipped("old", &ad);
    r.add_skipped("new", &bd);
    r
}

const SHOW_RFI: &str = "/paths/~1rest~1v1.0~1projects~1{project_id}~1rfis~1{id}/get";

#[test]
fn operations_that_cannot_be_loaded_are_listed_counted_and_fail() {
    use diff::FailOn;
    let kinds = [
        ("no-responses.yaml", "responses"),
        ("parameter-without-schema.yaml", "parameter"),
        ("external-ref.yaml", "external reference"),
    ];
    for (file, why) in kinds {
        for (old, new, side) in [("base.yaml", file, "new"), (file, "base.yaml", "old")] {
            let r = diff_fixtures(old, new);
            assert_eq!(r.summary.skipped, 1, "{file}: {:#?}", r.skipped);
            let s = &r.skipped[0];
            assert_eq!(s.side, side, "{file}");
            assert!(s.pointer.starts_with(SHOW_RFI), "{file}: {}", s.pointer);
            assert!(s.reason.contains(why), "{file}: {}", s.reason);
            // Not compared is not "removed" or "added", and nothing else changed.
            assert!(r.changes.is_empty(), "{file}: {:#?}", r.changes);
            assert_eq!(
                (r.summary.operations_added, r.summary.operations_removed),
                (0, 0)
            );
            // Whatever --fail-on asks for, what could not be compared fails it.
            for t in [
                FailOn::Breaking,
                FailOn::Warning,
                FailOn::Deprecation,
                FailOn::Any,
            ] {
                assert!(r.has(t), "{file}");
            }
            let text = diff::render::text(&r);
            assert!(
                text.contains("1 not compared") && text.contains("NOT COMPARED (1)"),
                "{text}"
            );
            assert!(text.contains(&format!("[{side}] #{SHOW_RFI}")), "{text}");
            let md = diff::render::markdown(&r);
            assert!(md.contains("### Not compared (1)"), "{md}");
            let j: Value = serde_json::from_str(&diff::render::json(&r)).unwrap();
            assert_eq!(j["summary"]["skipped"], 1);
            assert_eq!(j["skipped"][0]["side"], side);
        }
    }
}

#[test]
fn a_response_without_description_is_read_as_oasdiff_reads_it() {
    let r = diff_fixtures("base.yaml", "response-without-description.yaml");
    assert!(r.skipped.is_empty(), "{:#?}", r.skipped);
    assert!(r.changes.is_empty(), "{:#?}", r.changes);
    assert!(!r.has(diff::FailOn::Any));
    assert_eq!(r.new.operations, 2);
}

/// Where a probe schema sits, and the prefix oasdiff gives checks there.
#[derive(Clone, Copy, Debug)]
enum Side {
    Param,
    PathParam,
    RequestField,
    ResponseField,
    /// The root schema of a request body.
    RequestBody,
    /// The root schema of a response body.
    ResponseBody,
}

impl Side {
    fn prefix(self) -> &'static str {
        match self {
            Side::Param | Side::PathParam => "request-parameter",
            Side::RequestField => "request-property",
            Side::ResponseField => "response-property",
            Side::RequestBody => "request-body",
            Side::ResponseBody => "response-body",
        }
    }

    /// `base()` with `schema` at this side's probe position.
    fn spec(self, schema: &Value) -> Value {
        let mut d = base();
        match self {
            Side::Param => op(&mut d, RFIS, "get")["parameters"]
                .as_array_mut()
                .unwrap()
                .push(json!({"name": "probe", "in": "query", "schema": schema})),
            Side::PathParam => param(&mut d, RFIS, "get", "project_id")["schema"] = schema.clone(),
            Side::RequestField => rfi_body(&mut d)["properties"]["probe"] = schema.clone(),
            Side::ResponseField => rfi_schema(&mut d)["properties"]["probe"] = schema.clone(),
            Side::RequestBody => {
                op(&mut d, RFIS, "post")["requestBody"]["content"]["application/json"]["schema"] =
                    schema.clone()
            }
            Side::ResponseBody => {
                ok_200(&mut d)["content"]["application/json"]["schema"] = schema.clone()
            }
        }
        d
    }
}

/// One oasdiff check per row: (check id without its side prefix, old schema, new schema, the
/// sides where oasdiff has that check). Each row runs on each listed side, and the change must
/// be reported by a rule that names the oasdiff id.
fn oasdiff_rows() -> Vec<(&'static str, Value, Value, Vec<Side>)> {
    use Side::*;
    let all = || vec![Param, RequestField, ResponseField];
    let req = || vec![Param, RequestField];
    let int = |extra: Value| {
        let mut s = json!({"type": "integer"});
        s.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        s
    };
    let string = |extra: Value| {
        let mut s = json!({"type": "string"});
        s.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        s
    };
    let array = |extra: Value| {
        let mut s = json!({"type": "array", "items": {"type": "string"}});
        s.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        s
    };
    vec![
        (
            "max-decreased",
            int(json!({"maximum": 10})),
            int(json!({"maximum": 5})),
            req(),
        ),
        (
            "max-increased",
            int(json!({"maximum": 5})),
            int(json!({"maximum": 10})),
            all(),
        ),
        (
            "max-set",
            int(json!({})),
            int(json!({"maximum": 10})),
            req(),
        ),
        (
            "exclusive-max-decreased",
            int(json!({"maximum": 10})),
            int(json!({"maximum": 10, "exclusiveMaximum": true})),
            req(),
        ),
        (
            "exclusive-max-increased",
            int(json!({"maximum": 10, "exclusiveMaximum": true})),
            int(json!({"maximum": 11, "exclusiveMaximum": true})),
            all(),
        ),
        (
            "exclusive-max-set",
            int(json!({})),
            int(json!({"maximum": 10, "exclusiveMaximum": true})),
            req(),
        ),
        (
            "min-increased",
            int(json!({"minimum": 1})),
            int(json!({"minimum": 2})),
            req(),
        ),
        (
            "min-decreased",
            int(json!({"minimum": 2})),
            int(json!({"minimum": 1})),
            all(),
        ),
        ("min-set", int(json!({})), int(json!({"minimum": 1})), req()),
        (
            "exclusive-min-increased",
            int(json!({"minimum": 1})),
            int(json!({"minimum": 1, "exclusiveMinimum": true})),
            req(),
        ),
        (
            "exclusive-min-decreased",
            int(json!({"minimum": 1, "exclusiveMinimum": true})),
            int(json!({"minimum": 0, "exclusiveMinimum": true})),
            all(),
        ),
        (
            "exclusive-min-set",
            int(json!({})),
            int(json!({"minimum": 0, "exclusiveMinimum": true})),
            req(),
        ),
        (
            "max-length-decreased",
            string(json!({"maxLength": 10})),
            string(json!({"maxLength": 5})),
            req(),
        ),
        (
            "max-length-increased",
            string(json!({"maxLength": 5})),
            string(json!({"maxLength": 10})),
            all(),
        ),
        (
            "max-length-set",
            string(json!({})),
            string(json!({"maxLength": 10})),
            req(),
        ),
        (
            "max-length-unset",
            string(json!({"maxLength": 10})),
            string(json!({})),
            vec![ResponseField],
        ),
        (
            "min-length-increased",
            string(json!({"minLength": 1})),
            string(json!({"minLength": 2})),
            req(),
        ),
        (
            "min-length-decreased",
            string(json!({"minLength": 2})),
            string(json!({"minLength": 1})),
            all(),
        ),
        (
            "max-items-decreased",
            array(json!({"maxItems": 10})),
            array(json!({"maxItems": 5})),
            vec![Param],
        ),
        (
            "max-items-increased",
            array(json!({"maxItems": 5})),
            array(json!({"maxItems": 10})),
            vec![Param],
        ),
        (
            "min-items-increased",
            array(json!({"minItems": 1})),
            array(json!({"minItems": 2})),
            req(),
        ),
        (
            "min-items-decreased",
            array(json!({"minItems": 2})),
            array(json!({"minItems": 1})),
            vec![Param, ResponseField],
        ),
        (
            "min-items-set",
            array(json!({})),
            array(json!({"minItems": 1})),
            req(),
        ),
        (
            "min-items-unset",
            array(json!({"minItems": 1})),
            array(json!({})),
            vec![ResponseField],
        ),
        (
            "pattern-added",
            string(json!({})),
            string(json!({"pattern": "^a"})),
            all(),
        ),
        (
            "pattern-removed",
            string(json!({"pattern": "^a"})),
            string(json!({})),
            all(),
        ),
        (
            "pattern-changed",
            string(json!({"pattern": "^a"})),
            string(json!({"pattern": "^b"})),
            all(),
        ),
        (
            "default-value-added",
            string(json!({})),
            string(json!({"default": "a"})),
            all(),
        ),
        (
            "default-value-removed",
            string(json!({"default": "a"})),
            string(json!({})),
            all(),
        ),
        (
            "default-value-changed",
            string(json!({"default": "a"})),
            string(json!({"default": "b"})),
            all(),
        ),
        (
            "became-nullable",
            string(json!({})),
            string(json!({"nullable": true})),
            all(),
        ),
        (
            "became-not-nullable",
            string(json!({"nullable": true})),
            string(json!({})),
            all(),
        ),
        (
            "became-enum",
            string(json!({})),
            string(json!({"enum": ["a", "b"]})),
            vec![Param, PathParam, RequestField],
        ),
        (
            "enum-value-removed",
            string(json!({"enum": ["a", "b"]})),
            string(json!({"enum": ["a"]})),
            vec![Param, PathParam, RequestField, ResponseField],
        ),
        (
            "enum-value-added",
            string(json!({"enum": ["a"]})),
            string(json!({"enum": ["a", "b"]})),
            vec![Param, PathParam, RequestField, ResponseField],
        ),
        (
            "type-changed",
            string(json!({})),
            int(json!({})),
            vec![Param, PathParam, RequestField, ResponseField],
        ),
        (
            "one-of-added",
            json!({"oneOf": [{"type": "string"}, {"type": "integer"}]}),
            json!({"oneOf": [{"type": "string"}, {"type": "integer"}, {"type": "boolean"}]}),
            vec![RequestField, ResponseField],
        ),
        (
            "one-of-removed",
            json!({"oneOf": [{"type": "string"}, {"type": "integer"}, {"type": "boolean"}]}),
            json!({"oneOf": [{"type": "string"}, {"type": "integer"}]}),
            vec![RequestField, ResponseField],
        ),
        (
            "any-of-added",
            json!({"anyOf": [{"type": "string"}, {"type": "integer"}]}),
            json!({"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "boolean"}]}),
            vec![RequestField, ResponseField],
        ),
        (
            "any-of-removed",
            json!({"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "boolean"}]}),
            json!({"anyOf": [{"type": "string"}, {"type": "integer"}]}),
            vec![RequestField, ResponseField],
        ),
    ]
}

/// oasdiff's checks on a body's root schema: (check, has a `request-body-` one, has a
/// `response-body-` one). The rows of [`oasdiff_rows`] run on these sides too.
const BODY_CHECKS: &[(&str, bool, bool)] = &[
    ("max-decreased", true, false),
    ("max-increased", true, true),
    ("max-set", true, false),
    ("exclusive-max-decreased", true, false),
    ("exclusive-max-increased", true, true),
    ("exclusive-max-set", true, false),
    ("min-increased", true, false),
    ("min-decreased", true, true),
    ("min-set", true, false),
    ("exclusive-min-increased", true, false),
    ("exclusive-min-decreased", true, true),
    ("exclusive-min-set", true, false),
    ("max-length-decreased", true, false),
    ("max-length-increased", true, true),
    ("max-length-set", true, false),
    ("max-length-unset", false, true),
    ("min-length-increased", true, false),
    ("min-length-decreased", true, true),
    ("min-items-increased", true, false),
    ("min-items-decreased", false, true),
    ("min-items-set", true, false),
    ("min-items-unset", false, true),
    ("default-value-added", true, true),
    ("default-value-removed", true, true),
    ("default-value-changed", true, true),
    ("became-nullable", true, true),
    ("became-not-nullable", true, true),
    ("became-enum", true, false),
    ("enum-value-removed", true, false),
    ("type-changed", true, true),
    ("one-of-added", true, true),
    ("one-of-removed", true, true),
    ("any-of-added", true, true),
    ("any-of-removed", true, true),
];

/// The body sides a row also runs on.
fn body_sides(check: &str) -> Vec<Side> {
    let Some((_, req, resp)) = BODY_CHECKS.iter().find(|(c, ..)| *c == check) else {
        return vec![];
    };
    let mut out = vec![];
    if *req {
        out.push(Side::RequestBody);
    }
    if *resp {
        out.push(Side::ResponseBody);
    }
    out
}

/// oasdiff's id for a row on a side (its response enum and nullable checks read
/// `response-property-*` like the others; `became-nullable` on a parameter too).
fn oasdiff_id(side: Side, check: &str) -> String {
    format!("{}-{check}", side.prefix())
}

#[test]
fn each_applicable_oasdiff_check_has_a_fixture_pair_and_a_rule_naming_it() {
    let mut checked = 0;
    for (check, old, new, sides) in oasdiff_rows() {
        for side in sides.into_iter().chain(body_sides(check)) {
            let id = oasdiff_id(side, check);
            let r = run(&side.spec(&old), &side.spec(&new));
            let hit = r.changes.iter().find(|c| {
                rules::ALL
                    .iter()
                    .find(|rule| rule.id == c.rule)
                    .is_some_and(|rule| {
                        rule.oasdiff
                            .split(", ")
                            .any(|x| x.split(' ').next() == Some(id.as_str()))
                    })
            });
            assert!(
                hit.is_some(),
                "{id} ({side:?}): no rule names it; got {:#?}",
                r.changes
            );
            checked += 1;
        }
    }
    assert!(checked > 90, "{checked}");
}

/// `base()` with the RFI subject (request body) and the `search` parameter written as `$ref`s
/// to component schemas with these `maxLength`s.
fn through_refs(subject: u64, search: u64) -> Value {
    let mut d = base();
    let schemas = &mut d["components"]["schemas"];
    schemas["Subject"] = json!({"type": "string", "maxLength": subject});
    schemas["Search"] = json!({"type": "string", "maxLength": search});
    rfi_body(&mut d)["properties"]["subject"] = json!({"$ref": "#/components/schemas/Subject"});
    param(&mut d, RFIS, "get", "search")["schema"] = json!({"$ref": "#/components/schemas/Search"});
    d
}

#[test]
fn constraints_reached_through_a_ref_are_compared() {
    // The same bounds written in place (base) or in the referenced schema: no change.
    let r = run(&base(), &through_refs(200, 50));
    assert!(r.changes.is_empty(), "{:#?}", r.changes);
    let r = run(&through_refs(200, 50), &through_refs(100, 40));
    let got: BTreeSet<(&str, &str)> = r
        .changes
        .iter()
        .map(|c| (c.rule, c.detail.as_str()))
        .collect();
    let want = BTreeSet::from([
        (
            "request-field-constraint-tightened",
            "`subject`: maxLength 200 -> 100",
        ),
        (
            "parameter-constraint-tightened",
            "`search`: maxLength 50 -> 40",
        ),
    ]);
    assert_eq!(got, want);
}

#[test]
fn without_the_documents_the_checks_that_need_them_are_skipped() {
    let (old, new) = (through_refs(200, 50), through_refs(100, 40));
    let opts = DiffOptions {
        today: Some("2026-11-22".into()),
        ..Default::default()
    };
    let r = diff::diff(&api(&old), &api(&new), &opts);
    assert!(r.changes.is_empty(), "{:#?}", r.changes);
}

#[test]
fn long_details_are_cut_to_a_readable_line() {
    let mut new = base();
    for i in 0..6 {
        let name = format!("a_rather_long_field_name_that_goes_on_and_on_{i}");
        rfi_schema(&mut new)["properties"][name] = json!({"type": "string"});
    }
    let md = diff::render::markdown(&run(&base(), &new));
    let line = md
        .lines()
        .find(|l| l.contains("`response-field-added` 6: "))
        .unwrap_or_else(|| panic!("{md}"));
    // Six details fit the count limit, not the width: some are left to --format json.
    assert!(
        line.len() < 400 && line.contains("more (all in --format json)"),
        "{line}"
    );
}
