//! Procore's multipart bodies declare their file arrays as strings: an RFI question's
//! `attachments` is `{"type": "array", "items": {"type": "string"}}`, described as "upload the
//! entire payload as `multipart/form-data` ... with `attachments[]` as files". In a multipart
//! body, an array named `attachments` (or `*_attachments`) of untyped-format strings is therefore
//! an array of files (`format: binary`), so the generated form takes `FilePart`s.

use super::{Fixup, Pass};
use crate::diag::Diagnostics;
use serde_json::{Map, Value};

pub(super) const FIXUP: Fixup = Fixup {
    name: "multipart-files",
    about: "marks `attachments` string arrays of multipart bodies as files",
    pass: Pass::Operation(visit),
};

fn visit(ptr: &str, _: &str, _: &str, op: &mut Map<String, Value>, diags: &mut Diagnostics) {
    {
        let Some(schema) = op
            .get_mut("requestBody")
            .and_then(|b| b.get_mut("content"))
            .and_then(|c| c.get_mut("multipart/form-data"))
            .and_then(|m| m.get_mut("schema"))
        else {
            return;
        };
        let base = format!("{ptr}/requestBody/content/multipart~1form-data/schema");
        // Explicit stack: bodies nest a few levels (`rfi.question.attachments`).
        let mut stack: Vec<(String, &mut Value)> = vec![(base, schema)];
        while let Some((at, s)) = stack.pop() {
            let Some(props) = s.get_mut("properties").and_then(Value::as_object_mut) else {
                continue;
            };
            for (name, p) in props.iter_mut() {
                let here = format!("{at}/properties/{}", crate::diag::escape_token(name));
                let is_files = (name == "attachments" || name.ends_with("_attachments"))
                    && p.get("type").and_then(Value::as_str) == Some("array")
                    && p.pointer("/items/type").and_then(Value::as_str) == Some("string")
                    && p.pointer("/items/format").is_none();
                if is_files {
                    p["items"]["format"] = Value::from("binary");
                    diags.note(
                        "fixup:multipart-files",
                        format!("{here}/items"),
                        "multipart attachments are files: `format: binary`",
                    );
                } else {
                    stack.push((here, p));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn attachments_of_multipart_bodies_become_files() {
        let body = |ct: &str| {
            json!({"requestBody": {"content": {ct: {"schema": {"type": "object", "properties": {
                "rfi": {"type": "object", "properties": {"question": {"type": "object", "properties": {
                    "attachments": {"type": "array", "items": {"type": "string"}},
                    "file_ids": {"type": "array", "items": {"type": "string"}}}}}}}}}}}})
        };
        let mut doc = json!({"paths": {"/rfis": {
            "post": body("multipart/form-data"),
            "put": body("application/json")
        }}});
        let d = super::super::run(&FIXUP, &mut doc);
        let q = "/properties/rfi/properties/question/properties";
        let form = &doc["paths"]["/rfis"]["post"]["requestBody"]["content"]["multipart/form-data"]
            ["schema"];
        assert_eq!(
            form.pointer(&format!("{q}/attachments/items/format")),
            Some(&json!("binary"))
        );
        assert_eq!(form.pointer(&format!("{q}/file_ids/items/format")), None);
        let json_body =
            &doc["paths"]["/rfis"]["put"]["requestBody"]["content"]["application/json"]["schema"];
        assert_eq!(
            json_body.pointer(&format!("{q}/attachments/items/format")),
            None
        );
        assert_eq!(d.iter().count(), 1);
    }
}
