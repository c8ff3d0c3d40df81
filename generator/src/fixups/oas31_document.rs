//! OpenAPI 3.1 document-level parts the 3.0 model has no place for: `jsonSchemaDialect` (the
//! schemas are read as OpenAPI's own dialect either way), `webhooks` (requests the server makes,
//! not operations a client calls: ignored) and `components/pathItems`; and `paths`, optional
//! in 3.1, becomes an empty object when absent.

use super::{Fixup, Pass};
use crate::diag::Diagnostics;
use serde_json::{json, Value};

pub(super) const FIXUP: Fixup = Fixup {
    name: "oas31-document",
    about: "drops 3.1's jsonSchemaDialect, webhooks and components/pathItems; adds missing paths",
    pass: Pass::Document(apply),
};

fn apply(doc: &mut Value, diags: &mut Diagnostics) {
    let Some(obj) = doc.as_object_mut() else {
        return;
    };
    const SOURCE: &str = "fixup:oas31-document";
    if let Some(d) = obj.remove("jsonSchemaDialect") {
        let note = match d.as_str() {
            Some(d) if d.starts_with("https://spec.openapis.org/oas/3.1/dialect") => {
                format!("`{d}` is OpenAPI's own dialect; removed")
            }
            _ => format!("dialect {d} is read as OpenAPI's own; removed"),
        };
        diags.note(SOURCE, "/jsonSchemaDialect", note);
    }
    if let Some(w) = obj.remove("webhooks") {
        let n = w.as_object().map_or(0, |w| w.len());
        diags.note(
            SOURCE,
            "/webhooks",
            format!("{n} webhook(s) ignored: they describe requests the API sends, not operations a client calls"),
        );
    }
    if let Some(Value::Object(c)) = obj.get_mut("components") {
        if c.remove("pathItems").is_some() {
            diags.note(
                SOURCE,
                "/components/pathItems",
                "reusable path items ignored (only `paths` become operations)",
            );
        }
    }
    if !obj.contains_key("paths") {
        obj.insert("paths".into(), json!({}));
        diags.note(SOURCE, "/paths", "no `paths`: the crate has no operations");
    }
}

#[cfg(test)]
mod tests {
    use super::super::run;
    use super::*;

    #[test]
    fn dialect_webhooks_and_path_items_go_paths_appear() {
        let mut doc = json!({
            "openapi": "3.1.0",
            "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
            "webhooks": {"newPet": {"post": {}}},
            "components": {"pathItems": {"P": {}}, "schemas": {}}
        });
        let d = run(&FIXUP, &mut doc);
        assert_eq!(
            doc,
            json!({"openapi": "3.1.0", "components": {"schemas": {}}, "paths": {}})
        );
        let ptrs: Vec<_> = d.iter().map(|d| d.pointer.as_str()).collect();
        assert_eq!(
            ptrs,
            [
                "/jsonSchemaDialect",
                "/webhooks",
                "/components/pathItems",
                "/paths"
            ]
        );
    }
}
