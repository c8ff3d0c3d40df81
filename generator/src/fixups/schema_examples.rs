//! OpenAPI 3.1 schemas carry `examples: [..]` (a JSON Schema array); the 3.0 model has one
//! `example`. The first becomes `example` (unless there is one) and the array goes. Media type
//! and parameter `examples` (a map, in both versions) are not schemas and are not touched.

use super::{Fixup, Pass};
use crate::diag::Diagnostics;
use crate::json::lookup;
use serde_json::{Map, Value};

pub(super) const FIXUP: Fixup = Fixup {
    name: "schema-examples",
    about: "lowers 3.1 schema `examples` arrays to `example`",
    pass: Pass::Schema(visit),
};

fn visit(ptr: &str, s: &mut Map<String, Value>, diags: &mut Diagnostics) {
    if !lookup(s, "examples").is_some_and(Value::is_array) {
        return;
    }
    let Some(Value::Array(mut list)) = s.remove("examples") else {
        return;
    };
    if !s.contains_key("example") && !list.is_empty() {
        s.insert("example".into(), list.swap_remove(0));
    }
    diags.note(
        "fixup:schema-examples",
        format!("{ptr}/examples"),
        "`examples` array lowered to `example` (the first)",
    );
}

#[cfg(test)]
mod tests {
    use super::super::run;
    use super::*;
    use serde_json::json;

    #[test]
    fn first_example_is_kept() {
        let mut doc = json!({"components": {"schemas": {
            "A": {"type": "string", "examples": ["a", "b"]},
            "B": {"type": "string", "example": "x", "examples": ["a"]},
            "C": {"type": "string", "examples": {"not": "a schema keyword here"}}
        }}});
        let d = run(&FIXUP, &mut doc);
        let s = &doc["components"]["schemas"];
        assert_eq!(s["A"], json!({"type": "string", "example": "a"}));
        assert_eq!(s["B"], json!({"type": "string", "example": "x"}));
        assert_eq!(s["C"]["examples"]["not"], "a schema keyword here");
        assert_eq!(d.iter().count(), 2);
    }
}
