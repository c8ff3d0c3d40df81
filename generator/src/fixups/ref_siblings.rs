//! In OpenAPI 3.1 a `$ref` may have sibling keywords, which apply too (in 3.0 they are
//! ignored, and the 3.0 model reads only the `$ref`). In a 3.1 document, annotations beside a
//! `$ref` (`description`, `title`, `example`...) are dropped, since they change no type; any
//! other keyword makes the schema `allOf: [{$ref}, {the keywords}]`, which is what it means.

use super::{walk::each_schema, Fixup, Pass};
use crate::diag::Diagnostics;
use serde_json::{json, Value};

pub(super) const FIXUP: Fixup = Fixup {
    name: "ref-siblings",
    about: "lowers 3.1 `$ref`s with sibling keywords (annotations dropped, the rest as `allOf`)",
    pass: Pass::Document(apply),
};

/// Keywords that describe a value without constraining its type.
const ANNOTATIONS: &[&str] = &[
    "description",
    "summary",
    "title",
    "example",
    "examples",
    "default",
    "deprecated",
    "readOnly",
    "writeOnly",
    "$comment",
    "externalDocs",
    "xml",
];

fn apply(doc: &mut Value, diags: &mut Diagnostics) {
    if !doc
        .get("openapi")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with("3.1"))
    {
        return;
    }
    each_schema(doc, &mut |ptr, s| {
        if s.len() < 2 || !s.get("$ref").is_some_and(Value::is_string) {
            return;
        }
        let before = s.len();
        s.retain(|k, _| !ANNOTATIONS.contains(&k.as_str()) && !k.starts_with("x-"));
        if s.len() == 1 {
            diags.note(
                "fixup:ref-siblings",
                ptr,
                format!("{} annotation(s) beside `$ref` dropped", before - 1),
            );
            return;
        }
        let reference = s.remove("$ref").unwrap_or_default();
        let mut all_of = vec![json!({"$ref": reference})];
        if let Some(Value::Array(more)) = s.remove("allOf") {
            all_of.extend(more);
        }
        // The other keywords become a member of their own: the 3.0 model reads an `allOf`
        // only when it stands alone.
        all_of.push(Value::Object(std::mem::take(s)));
        s.insert("allOf".into(), Value::Array(all_of));
        diags.note(
            "fixup:ref-siblings",
            ptr,
            "keywords beside `$ref` kept as `allOf: [{$ref}, {keywords}]`",
        );
    });
}

#[cfg(test)]
mod tests {
    use super::super::run;
    use super::*;

    #[test]
    fn siblings_of_refs_in_3_1() {
        let mut doc = json!({"openapi": "3.1.0", "components": {"schemas": {
            "A": {"$ref": "#/components/schemas/T", "description": "d", "x-internal": true},
            "B": {"$ref": "#/components/schemas/T", "required": ["id"], "allOf": [{"$ref": "#/components/schemas/U"}]},
            "C": {"$ref": "#/components/schemas/T"}
        }}});
        let d = run(&FIXUP, &mut doc);
        let s = &doc["components"]["schemas"];
        assert_eq!(s["A"], json!({"$ref": "#/components/schemas/T"}));
        assert_eq!(
            s["B"],
            json!({"allOf": [
                {"$ref": "#/components/schemas/T"},
                {"$ref": "#/components/schemas/U"},
                {"required": ["id"]}
            ]})
        );
        assert_eq!(d.iter().count(), 2);
    }

    #[test]
    fn siblings_in_3_0_are_left_to_be_ignored() {
        let mut doc = json!({"openapi": "3.0.3", "components": {"schemas": {
            "B": {"$ref": "#/components/schemas/T", "required": ["id"]}
        }}});
        let before = doc.clone();
        run(&FIXUP, &mut doc);
        assert_eq!(doc, before);
    }
}
