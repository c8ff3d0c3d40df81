//! `patternProperties` is JSON Schema, not OpenAPI 3.0, but Procore's file uses it for maps keyed
//! by ids. It becomes `additionalProperties` (the value schema when there is one pattern, any
//! value otherwise), which is what a Rust map of the same data needs.

use super::{Fixup, Pass};
use crate::diag::Diagnostics;
use crate::json::has;
use serde_json::{Map, Value};

pub(super) const FIXUP: Fixup = Fixup {
    name: "pattern-properties",
    about: "turns `patternProperties` (invalid in OAS 3.0) into `additionalProperties`",
    pass: Pass::Schema(visit),
};

fn visit(ptr: &str, s: &mut Map<String, Value>, diags: &mut Diagnostics) {
    if !has(s, "patternProperties") {
        return;
    }
    let Some(pp) = s.remove("patternProperties") else {
        return;
    };
    let value = match &pp {
        Value::Object(m) if m.len() == 1 => m.values().next().cloned().unwrap_or(Value::Bool(true)),
        _ => Value::Bool(true),
    };
    if !s.contains_key("additionalProperties") {
        s.insert("additionalProperties".into(), value);
    }
    if !s.contains_key("type") {
        s.insert("type".into(), Value::String("object".into()));
    }
    diags.note(
        "fixup:pattern-properties",
        format!("{ptr}/patternProperties"),
        "`patternProperties` read as `additionalProperties`",
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn single_pattern_becomes_typed_map() {
        let mut doc = json!({"components": {"schemas": {
            "A": {"type": "object", "patternProperties": {"^[0-9]+$": {"type": "integer"}}},
            "B": {"patternProperties": {"^a": {}, "^b": {}}}
        }}});
        super::super::run(&FIXUP, &mut doc);
        let s = &doc["components"]["schemas"];
        assert_eq!(s["A"]["additionalProperties"], json!({"type": "integer"}));
        assert_eq!(s["B"]["additionalProperties"], true);
        assert_eq!(s["B"]["type"], "object");
    }
}
