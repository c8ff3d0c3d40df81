//! OpenAPI 3.0 requires a `description` on every response; a response without one is otherwise
//! complete (status, content, headers). oasdiff and most tools read it anyway, so instead of
//! skipping the whole operation an empty description is supplied, with a note.

use super::{walk, Fixup, Pass};
use crate::diag::{escape_token, Diagnostics};
use serde_json::Value;

pub(super) const FIXUP: Fixup = Fixup {
    name: "response-descriptions",
    about: "gives responses without a `description` an empty one",
    pass: Pass::Document(apply),
};

/// `at` spells the pointer of `responses`, only when something is filled.
fn fill(responses: &mut Value, at: &dyn Fn() -> String, diags: &mut Diagnostics) {
    let Some(responses) = responses.as_object_mut() else {
        return;
    };
    for (code, r) in responses {
        let Some(r) = r.as_object_mut() else {
            continue;
        };
        if crate::json::has(r, "$ref") || crate::json::has(r, "description") {
            continue;
        }
        r.insert("description".into(), Value::String(String::new()));
        diags.note(
            "fixup:response-descriptions",
            format!("{}/{}", at(), escape_token(code)),
            "response without `description` read with an empty one",
        );
    }
}

fn apply(doc: &mut Value, diags: &mut Diagnostics) {
    // On every core, diagnostics in document order (the walk is shared with no other fixup:
    // a document pass, for the components below).
    walk::each_operation_par(
        doc,
        &|ptr, _, _, op, diags| {
            if let Some(rs) = op.get_mut("responses") {
                fill(rs, &|| format!("{ptr}/responses"), diags);
            }
        },
        diags,
    );
    if let Some(rs) = doc.pointer_mut("/components/responses") {
        fill(rs, &|| "/components/responses".into(), diags);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn supplies_missing_descriptions_only() {
        let mut doc = json!({"paths": {"/a": {"get": {"responses": {
            "200": {"content": {}},
            "404": {"description": "Not found"},
            "500": {"$ref": "#/components/responses/E"}
        }}}}, "components": {"responses": {"E": {}}}});
        let d = super::super::run(&FIXUP, &mut doc);
        let rs = &doc["paths"]["/a"]["get"]["responses"];
        assert_eq!(rs["200"]["description"], "");
        assert_eq!(rs["404"]["description"], "Not found");
        assert!(rs["500"].get("description").is_none());
        assert_eq!(doc["components"]["responses"]["E"]["description"], "");
        let at: Vec<&str> = d.iter().map(|x| x.pointer.as_str()).collect();
        assert_eq!(
            at,
            ["/paths/~1a/get/responses/200", "/components/responses/E"]
        );
    }
}
