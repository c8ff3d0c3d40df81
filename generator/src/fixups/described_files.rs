//! Procore types some multipart file fields as plain strings and says in their description that
//! they are files: `file[data]` is "File to use as file data. Note that it's only possible to post
//! a file using a multipart/form-data body", `user[avatar]` says "upload whole payload as
//! `multipart/form-data` ... together with `user[avatar]` as file". A string (or array of strings)
//! without a format, in the multipart body of an operation that also takes JSON, whose
//! description names `multipart/form-data` and the word "file" or "files", is therefore a file
//! (`format: binary`), so the generated form takes a `FilePart`.
//!
//! Only forms without a typed file are changed: those are the ones no generated method sent
//! until the builder offered the multipart form next to JSON, so no existing type changes. The
//! field is marked [`DESCRIBED_FILE`] so that it does not make the multipart form the one the
//! method sends (that choice is frozen; see `ir::body`). In forms a method already sends
//! (multipart-only bodies, and dual ones with typed files) the same description gives the
//! string field a file twin instead (`ir::file_twins`), which adds to the type rather than
//! retyping it.

use super::{Fixup, Pass};
use crate::diag::{escape_token, Diagnostics};
use crate::ir::body::DESCRIBED_FILE;
use serde_json::{Map, Value};

pub(super) const FIXUP: Fixup = Fixup {
    name: "described-files",
    about: "types multipart string fields described as files as files",
    pass: Pass::Operation(visit),
};

fn visit(ptr: &str, _: &str, _: &str, op: &mut Map<String, Value>, diags: &mut Diagnostics) {
    {
        let Some(content) = op
            .get_mut("requestBody")
            .and_then(|b| b.get_mut("content"))
            .and_then(Value::as_object_mut)
        else {
            return;
        };
        if !content.contains_key("application/json") {
            return;
        }
        let Some(schema) = content
            .get_mut("multipart/form-data")
            .and_then(|m| m.get_mut("schema"))
        else {
            return;
        };
        if has_typed_file(schema) {
            return;
        }
        let base = format!("{ptr}/requestBody/content/multipart~1form-data/schema");
        for at in mark(schema, base) {
            diags.note(
                "fixup:described-files",
                at,
                "described as a multipart file: `format: binary`",
            );
        }
    }
}

/// True when some field already has `format: binary` (from the spec or `multipart-files`), not
/// one this fixup set.
fn has_typed_file(v: &Value) -> bool {
    match v {
        Value::Object(m) => {
            let typed = m.get("format").and_then(Value::as_str) == Some("binary")
                && !m.contains_key(DESCRIBED_FILE);
            typed || m.values().any(has_typed_file)
        }
        Value::Array(items) => items.iter().any(has_typed_file),
        _ => false,
    }
}

/// Marks the described file fields under `schema`; returns the pointers it changed.
fn mark(schema: &mut Value, base: String) -> Vec<String> {
    let mut changed = Vec::new();
    // Explicit stack: bodies nest a few levels (`rfi.question.attachments`).
    let mut stack: Vec<(String, &mut Value)> = vec![(base, schema)];
    while let Some((at, s)) = stack.pop() {
        let described = is_file_description(s.get("description"));
        let is_array = s.get("type").and_then(Value::as_str) == Some("array");
        let target = if is_array {
            s.get_mut("items")
        } else {
            Some(&mut *s)
        };
        if let Some(t) = target.filter(|t| described && plain_string(t)) {
            t["format"] = Value::from("binary");
            t[DESCRIBED_FILE] = Value::Bool(true);
            changed.push(if is_array { format!("{at}/items") } else { at });
            continue;
        }
        let Some(obj) = s.as_object_mut() else {
            continue;
        };
        for (key, child) in obj.iter_mut() {
            match (key.as_str(), child) {
                ("properties", Value::Object(props)) => {
                    for (name, p) in props.iter_mut() {
                        stack.push((format!("{at}/properties/{}", escape_token(name)), p));
                    }
                }
                ("allOf" | "oneOf" | "anyOf", Value::Array(members)) => {
                    for (i, m) in members.iter_mut().enumerate() {
                        stack.push((format!("{at}/{key}/{i}"), m));
                    }
                }
                ("items", child @ Value::Object(_)) => stack.push((format!("{at}/items"), child)),
                _ => {}
            }
        }
    }
    changed
}

/// A string schema without a format.
fn plain_string(s: &Value) -> bool {
    s.get("type").and_then(Value::as_str) == Some("string") && s.get("format").is_none()
}

/// Says the field is uploaded as a file in a multipart body (the test `ir::file_twins` shares).
fn is_file_description(d: Option<&Value>) -> bool {
    d.and_then(Value::as_str)
        .is_some_and(crate::ir::file_twins::is_file_description)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const DATA: &str = "File to use as file data. Note that it's only possible to post a file \
                        using a multipart/form-data body (see RFC 2388).";

    fn op(form: Value, with_json: bool) -> Value {
        let mut content = json!({"multipart/form-data": {"schema": form}});
        if with_json {
            content["application/json"] = json!({"schema": {"type": "object"}});
        }
        json!({"requestBody": {"content": content}})
    }

    fn file_form(extra: Value) -> Value {
        let mut props = json!({
            "data": {"type": "string", "description": DATA},
            "name": {"type": "string", "description": "The Name of the file"},
            "logos": {"type": "array", "items": {"type": "string"},
                      "description": "Send as multipart/form-data with `logos[]` as files."}
        });
        props
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        json!({"type": "object", "properties": {"file": {"type": "object", "properties": props}}})
    }

    #[test]
    fn described_files_of_dual_bodies_become_files() {
        let mut doc = json!({"paths": {"/files": {"post": op(file_form(json!({})), true)}}});
        let d = super::super::run(&FIXUP, &mut doc);
        let file = &doc["paths"]["/files"]["post"]["requestBody"]["content"]["multipart/form-data"]
            ["schema"]["properties"]["file"]["properties"];
        assert_eq!(file["data"]["format"], json!("binary"));
        assert_eq!(file["data"][DESCRIBED_FILE], json!(true));
        assert_eq!(file["logos"]["items"]["format"], json!("binary"));
        // Mentions a file but not a multipart upload: a name, not a file.
        assert_eq!(file["name"].get("format"), None);
        assert_eq!(d.iter().count(), 2);
    }

    #[test]
    fn forms_already_sent_and_multipart_only_bodies_are_left_alone() {
        let typed = json!({"attachment": {"type": "string", "format": "binary"}});
        let mut doc = json!({"paths": {
            "/a": {"post": op(file_form(typed), true)},
            "/b": {"post": op(file_form(json!({})), false)}
        }});
        let before = doc.clone();
        let d = super::super::run(&FIXUP, &mut doc);
        assert_eq!(doc, before);
        assert_eq!(d.iter().count(), 0);
    }
}
