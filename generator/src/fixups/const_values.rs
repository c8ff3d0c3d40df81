//! OpenAPI 3.1 `const: v` is a one-value `enum: [v]` in the 3.0 model.

use super::{Fixup, Pass};
use crate::diag::Diagnostics;
use crate::json::has;
use serde_json::{json, Map, Value};

pub(super) const FIXUP: Fixup = Fixup {
    name: "const-values",
    about: "lowers 3.1 `const` to a one-value `enum`",
    pass: Pass::Schema(visit),
};

fn visit(ptr: &str, s: &mut Map<String, Value>, diags: &mut Diagnostics) {
    if !has(s, "const") {
        return;
    }
    let Some(c) = s.remove("const") else { return };
    if s.contains_key("enum") {
        diags.note(
            "fixup:const-values",
            format!("{ptr}/const"),
            "`const` beside `enum`: the `enum` is kept",
        );
        return;
    }
    // Without a `type` the value's own kind is the type (enums are typed by `type`).
    let kind = match &c {
        Value::String(_) => Some("string"),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
        Value::Number(_) => Some("number"),
        Value::Bool(_) => Some("boolean"),
        _ => None,
    };
    if let (Some(kind), false) = (kind, s.contains_key("type")) {
        s.insert("type".into(), json!(kind));
    }
    s.insert("enum".into(), json!([c]));
    diags.note(
        "fixup:const-values",
        format!("{ptr}/const"),
        "`const` lowered to a one-value `enum`",
    );
}

#[cfg(test)]
mod tests {
    use super::super::run;
    use super::*;

    #[test]
    fn const_becomes_a_one_value_enum() {
        let mut doc = json!({"components": {"schemas": {
            "A": {"const": "fixed"},
            "B": {"type": "integer", "const": 3},
            "C": {"type": "string", "enum": ["x"], "const": "x"},
            "D": {"const": 2.5},
            "E": {"const": null}
        }}});
        let d = run(&FIXUP, &mut doc);
        let s = &doc["components"]["schemas"];
        assert_eq!(s["A"], json!({"type": "string", "enum": ["fixed"]}));
        assert_eq!(s["B"], json!({"type": "integer", "enum": [3]}));
        assert_eq!(s["C"], json!({"type": "string", "enum": ["x"]}));
        assert_eq!(s["D"], json!({"type": "number", "enum": [2.5]}));
        assert_eq!(s["E"], json!({"enum": [null]}));
        assert_eq!(d.iter().count(), 5);
    }
}
