//! OpenAPI 3.1 (JSON Schema) writes "nullable" as a type array, `type: [string, "null"]`, or as
//! a `{type: "null"}` member of `oneOf`/`anyOf`. The 3.0 model has `nullable: true` for that:
//! the `null` is removed and `nullable` set. A type array of several other types becomes a
//! `oneOf` of one schema per type (with a warning: keywords of the types stay on the parent).

use super::{Fixup, Pass};
use crate::diag::Diagnostics;
use crate::json::{has, lookup};
use serde_json::{json, Map, Value};

pub(super) const FIXUP: Fixup = Fixup {
    name: "type-arrays",
    about: "lowers 3.1 type arrays and `null` union members to `nullable`",
    pass: Pass::Schema(visit),
};

const SOURCE: &str = "fixup:type-arrays";

fn is_null_type(t: &Value) -> bool {
    t.as_str() == Some("null")
}

/// A schema that admits only `null`: `{type: "null"}` or `{type: ["null"]}`.
fn is_null_schema(s: &Value) -> bool {
    match s.get("type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(ts)) => !ts.is_empty() && ts.iter().all(is_null_type),
        _ => false,
    }
}

fn visit(ptr: &str, s: &mut Map<String, Value>, diags: &mut Diagnostics) {
    lower_type(ptr, s, diags);
    for key in ["oneOf", "anyOf"] {
        if !has(s, key) {
            continue;
        }
        let Some(Value::Array(list)) = s.get_mut(key) else {
            continue;
        };
        let before = list.len();
        list.retain(|m| !is_null_schema(m));
        if list.len() != before {
            s.insert("nullable".into(), Value::Bool(true));
            diags.note(
                SOURCE,
                format!("{ptr}/{key}"),
                "`null` member removed; the schema is nullable",
            );
        }
    }
}

fn lower_type(ptr: &str, s: &mut Map<String, Value>, diags: &mut Diagnostics) {
    let types: Vec<Value> = match lookup(s, "type") {
        Some(Value::Array(ts)) => ts.clone(),
        Some(Value::String(t)) if t == "null" => vec![Value::String(t.clone())],
        _ => return,
    };
    let nullable = types.iter().any(is_null_type);
    let mut others: Vec<Value> = types.into_iter().filter(|t| !is_null_type(t)).collect();
    others.dedup();
    if nullable {
        s.insert("nullable".into(), Value::Bool(true));
    }
    match others.len() {
        0 => {
            s.remove("type");
        }
        1 => {
            s.insert("type".into(), others.remove(0));
        }
        _ => {
            s.remove("type");
            let variants: Vec<Value> = others.iter().map(|t| json!({"type": t})).collect();
            s.insert("oneOf".into(), Value::Array(variants));
            diags.warning(
                SOURCE,
                format!("{ptr}/type"),
                "several types: read as a `oneOf` of them",
            );
            return;
        }
    }
    diags.note(
        SOURCE,
        format!("{ptr}/type"),
        if nullable {
            "type array with `null` lowered to `nullable: true`"
        } else {
            "one-element type array lowered to a type"
        },
    );
}

#[cfg(test)]
mod tests {
    use super::super::run;
    use super::*;

    fn lower(schema: Value) -> Value {
        let mut doc = json!({"components": {"schemas": {"S": schema}}});
        run(&FIXUP, &mut doc);
        doc["components"]["schemas"]["S"].clone()
    }

    #[test]
    fn null_in_type_arrays_becomes_nullable() {
        assert_eq!(
            lower(json!({"type": ["string", "null"]})),
            json!({"type": "string", "nullable": true})
        );
        assert_eq!(
            lower(json!({"type": ["integer"]})),
            json!({"type": "integer"})
        );
        assert_eq!(lower(json!({"type": "null"})), json!({"nullable": true}));
        assert_eq!(
            lower(json!({"type": ["string", "integer", "null"]})),
            json!({"nullable": true, "oneOf": [{"type": "string"}, {"type": "integer"}]})
        );
    }

    #[test]
    fn null_members_of_unions_become_nullable() {
        assert_eq!(
            lower(json!({"anyOf": [{"$ref": "#/components/schemas/T"}, {"type": "null"}]})),
            json!({"anyOf": [{"$ref": "#/components/schemas/T"}], "nullable": true})
        );
        assert_eq!(
            lower(json!({"properties": {"p": {"type": ["object", "null"], "properties": {}}}})),
            json!({"properties": {"p": {"type": "object", "nullable": true, "properties": {}}}})
        );
    }
}
