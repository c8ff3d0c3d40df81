//! Enum lists in Procore's file contain `null` (meaning "nullable"), repeated values, and values
//! of the wrong type (numbers in a string enum). `null` is removed and the schema marked
//! `nullable`; repeats are dropped; scalars in a string enum become strings. Values that are not
//! Rust identifiers (`""`, `Microsoft Project 2010`) are legal and are named later, by
//! [`crate::ir::naming::variant_name`].

use super::{Fixup, Pass};
use crate::diag::Diagnostics;
use crate::json::{has, lookup};
use serde_json::{Map, Value};

pub(super) const FIXUP: Fixup = Fixup {
    name: "enum-values",
    about: "removes `null` and repeats from enum lists and stringifies scalars in string enums",
    pass: Pass::Schema(visit),
};

fn visit(ptr: &str, s: &mut Map<String, Value>, diags: &mut Diagnostics) {
    if !has(s, "enum") {
        return;
    }
    let is_string = lookup(s, "type").and_then(Value::as_str) == Some("string");
    let Some(Value::Array(values)) = s.get_mut("enum") else {
        return;
    };
    let mut changes = Vec::new();
    if values.iter().any(Value::is_null) {
        values.retain(|v| !v.is_null());
        changes.push("`null` removed (schema marked nullable)");
    }
    if is_string && values.iter().any(|v| v.is_number() || v.is_boolean()) {
        for v in values.iter_mut() {
            if v.is_number() || v.is_boolean() {
                *v = Value::String(v.to_string());
            }
        }
        changes.push("non-string values stringified");
    }
    let before = values.len();
    let mut seen = Vec::with_capacity(before);
    values.retain(|v| {
        if seen.contains(v) {
            false
        } else {
            seen.push(v.clone());
            true
        }
    });
    if values.len() != before {
        changes.push("repeated values dropped");
    }
    if changes.is_empty() {
        return;
    }
    if changes[0].starts_with("`null`") {
        s.insert("nullable".into(), Value::Bool(true));
    }
    diags.note(
        "fixup:enum-values",
        format!("{ptr}/enum"),
        changes.join("; "),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cleans_enum_lists() {
        let mut doc = json!({"components": {"schemas": {
            "A": {"type": "string", "enum": ["Primavera P6", null, "", "", 3]}
        }}});
        let d = super::super::run(&FIXUP, &mut doc);
        let a = &doc["components"]["schemas"]["A"];
        assert_eq!(a["enum"], json!(["Primavera P6", "", "3"]));
        assert_eq!(a["nullable"], true);
        assert_eq!(d.iter().count(), 1);
    }
}
