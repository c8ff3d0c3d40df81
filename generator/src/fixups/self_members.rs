//! A component schema that lists itself among its own `allOf`, `oneOf` or `anyOf` members
//! (`A: allOf: [$ref A, ...]`) says nothing by that member: a value is an `A` if it is an `A`.
//! Following it would never end (`allOf` is merged), or would make a union that tries itself
//! forever when decoding (`oneOf`). The member is removed. Longer cycles are reported by the IR
//! (`allOf`) or become boxed types (`oneOf`).

use super::{Fixup, Pass};
use crate::diag::{escape_token, Diagnostics};
use serde_json::Value;

pub(super) const FIXUP: Fixup = Fixup {
    name: "self-members",
    about: "removes allOf/oneOf/anyOf members of a component that refer to the component itself",
    pass: Pass::Document(apply),
};

fn apply(doc: &mut Value, diags: &mut Diagnostics) {
    let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") else {
        return;
    };
    for (name, schema) in schemas.iter_mut() {
        let own = format!("#/components/schemas/{}", escape_token(name));
        for key in ["allOf", "oneOf", "anyOf"] {
            let Some(Value::Array(members)) = schema.get_mut(key) else {
                continue;
            };
            let mut index = 0;
            members.retain(|m| {
                index += 1;
                if m.get("$ref").and_then(Value::as_str) != Some(own.as_str()) {
                    return true;
                }
                diags.note(
                    "fixup:self-members",
                    format!("{}/{key}/{}", &own[1..], index - 1),
                    format!("`{key}` member refers to its own schema; removed"),
                );
                false
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::run;
    use super::*;
    use serde_json::json;

    #[test]
    fn a_schema_is_not_its_own_member() {
        let mut doc = json!({"components": {"schemas": {
            "a/b": {"allOf": [
                {"type": "object", "properties": {"x": {"type": "string"}}},
                {"$ref": "#/components/schemas/a~1b"}
            ]},
            "E": {"oneOf": [{"$ref": "#/components/schemas/E"}, {"type": "number"}]}
        }}});
        let d = run(&FIXUP, &mut doc);
        let s = &doc["components"]["schemas"];
        assert_eq!(s["a/b"]["allOf"].as_array().unwrap().len(), 1);
        assert_eq!(s["E"], json!({"oneOf": [{"type": "number"}]}));
        let ptrs: Vec<_> = d.iter().map(|d| d.pointer.as_str()).collect();
        assert_eq!(
            ptrs,
            [
                "/components/schemas/a~1b/allOf/1",
                "/components/schemas/E/oneOf/0"
            ]
        );
    }
}
