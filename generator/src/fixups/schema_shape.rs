//! Schema keywords whose value has the wrong JSON kind (`required: "id"`, `minimum: "1"`,
//! `properties: []`, an `enum` of another type than `type`, a subschema that is a string) are
//! removed, with a warning naming each. A 3.1 boolean subschema becomes `{}` (`true`) or
//! `{"not": {}}` (`false`).
//!
//! Why here and not left to the typed parse: `openapiv3` reads a schema as an untagged enum,
//! trying each variant in turn, and each variant parses the nested schemas again. One bad value
//! deep inside nested `oneOf`s then costs a number of attempts exponential in the depth (the
//! fuzzer found a 30-level mutant that ran for minutes). With every keyword of the right kind,
//! the first variant that fits parses, and the cost stays linear. It runs last, after every
//! fixup that repairs a keyword instead of dropping it.

use super::{Fixup, Pass};
use crate::diag::Diagnostics;
use crate::json::{has, lookup};
use serde_json::{json, Map, Value};

pub(super) const FIXUP: Fixup = Fixup {
    name: "schema-shape",
    about: "removes schema keywords whose value has the wrong kind; lowers boolean subschemas",
    pass: Pass::Schema(visit),
};

const SOURCE: &str = "fixup:schema-shape";

fn visit(ptr: &str, s: &mut Map<String, Value>, diags: &mut Diagnostics) {
    subschemas(ptr, s, diags);
    let ty = lookup(s, "type").and_then(Value::as_str).map(str::to_owned);
    let bad: Vec<String> = s
        .iter()
        .filter(|(k, v)| !fits(k, v, ty.as_deref()))
        .map(|(k, _)| k.clone())
        .collect();
    for k in bad {
        s.remove(&k);
        diags.warning(
            SOURCE,
            format!("{ptr}/{}", crate::diag::escape_token(&k)),
            format!("`{k}` has a value of the wrong kind; removed"),
        );
    }
}

/// Replaces subschemas that are not objects (the walk only visits objects).
fn subschemas(ptr: &str, s: &mut Map<String, Value>, diags: &mut Diagnostics) {
    // The pointer is spelled only for a repair (this runs for every property of every schema).
    let mut fix = |at: &dyn Fn() -> String, v: &mut Value| {
        let at = || at();
        let new = match v {
            Value::Object(_) => return,
            Value::Bool(true) => json!({}),
            Value::Bool(false) => json!({"not": {}}),
            _ => {
                diags.warning(
                    SOURCE,
                    at(),
                    "a schema that is not an object; read as any value",
                );
                *v = json!({});
                return;
            }
        };
        diags.note(SOURCE, at(), "boolean schema lowered to an object");
        *v = new;
    };
    for key in ["items", "not"] {
        if !has(s, key) {
            continue;
        }
        if let Some(v) = s.get_mut(key) {
            fix(&|| format!("{ptr}/{key}"), v);
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if !has(s, key) {
            continue;
        }
        if let Some(Value::Array(list)) = s.get_mut(key) {
            for (i, v) in list.iter_mut().enumerate() {
                fix(&|| format!("{ptr}/{key}/{i}"), v);
            }
        }
    }
    if !has(s, "properties") {
        return;
    }
    if let Some(Value::Object(props)) = s.get_mut("properties") {
        for (name, v) in props.iter_mut() {
            let at = || format!("{ptr}/properties/{}", crate::diag::escape_token(name));
            fix(&at, v);
        }
    }
}

/// True when keyword `k` may have value `v` in a schema of type `ty`.
fn fits(k: &str, v: &Value, ty: Option<&str>) -> bool {
    let int = |v: &Value| v.is_i64() || v.is_u64();
    let count = |v: &Value| v.is_u64();
    let strings = |v: &Value| v.as_array().is_some_and(|a| a.iter().all(Value::is_string));
    let subschemas = |v: &Value| v.as_array().is_some_and(|a| a.iter().all(Value::is_object));
    let enum_of = |ok: &dyn Fn(&Value) -> bool| {
        v.as_array()
            .is_some_and(|a| a.iter().all(|x| x.is_null() || ok(x)))
    };
    match k {
        "type" | "format" | "pattern" | "title" | "description" | "$ref" => v.is_string(),
        "nullable" | "readOnly" | "writeOnly" | "deprecated" | "uniqueItems" => v.is_boolean(),
        "exclusiveMinimum" | "exclusiveMaximum" => v.is_boolean(),
        "minimum" | "maximum" | "multipleOf" if ty == Some("integer") => int(v),
        "minimum" | "maximum" | "multipleOf" => v.is_number(),
        "minLength" | "maxLength" | "minItems" | "maxItems" | "minProperties" | "maxProperties" => {
            count(v)
        }
        "required" => strings(v),
        "properties" => v.is_object(),
        "items" | "not" => v.is_object(),
        "additionalProperties" => v.is_object() || v.is_boolean(),
        "allOf" | "oneOf" | "anyOf" => subschemas(v),
        "externalDocs" => v.get("url").is_some_and(Value::is_string),
        "discriminator" => {
            v.get("propertyName").is_some_and(Value::is_string)
                && v.get("mapping").is_none_or(|m| {
                    m.as_object()
                        .is_some_and(|m| m.values().all(Value::is_string))
                })
        }
        "enum" => match ty {
            Some("string") => enum_of(&Value::is_string),
            Some("integer") => enum_of(&int),
            Some("number") => enum_of(&Value::is_number),
            Some("boolean") => enum_of(&Value::is_boolean),
            _ => v.is_array(),
        },
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::super::run;
    use super::*;

    #[test]
    fn wrong_kinds_go_right_kinds_stay() {
        let mut doc = json!({"components": {"schemas": {
            "A": {"type": "object", "required": "id", "properties": {"id": {"type": "integer",
                "minimum": 1.5, "maximum": 10, "enum": [1, "2"]}, "b": true, "c": 3},
                "minProperties": -1, "discriminator": {"propertyName": "kind"}},
            "B": {"type": 5, "oneOf": [false, {"type": "string", "enum": ["x", null]}]}
        }}});
        let d = run(&FIXUP, &mut doc);
        let s = &doc["components"]["schemas"];
        assert_eq!(
            s["A"],
            json!({"type": "object", "properties": {"id": {"type": "integer", "maximum": 10},
                "b": {}, "c": {}}, "discriminator": {"propertyName": "kind"}})
        );
        assert_eq!(
            s["B"],
            json!({"oneOf": [{"not": {}}, {"type": "string", "enum": ["x", null]}]})
        );
        let ptrs: Vec<_> = d.iter().map(|d| d.pointer.as_str()).collect();
        assert!(
            ptrs.contains(&"/components/schemas/A/properties/id/enum"),
            "{ptrs:?}"
        );
        assert_eq!(d.iter().count(), 8, "{ptrs:?}");
    }
}
