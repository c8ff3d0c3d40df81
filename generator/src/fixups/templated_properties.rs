//! Procore documents dynamic keys as templated property names such as
//! `custom_field_%{custom_field_string_definition_id}`. No struct field can hold a key that is
//! only known at run time, so such properties are removed from `properties` (and `required`) and
//! the object gains `additionalProperties`, which the emitted struct keeps in a map.

use super::{Fixup, Pass};
use crate::diag::Diagnostics;
use crate::json::lookup;
use serde_json::{Map, Value};

pub(super) const FIXUP: Fixup = Fixup {
    name: "templated-properties",
    about: "moves templated property names (`custom_field_%{id}`) into `additionalProperties`",
    pass: Pass::Schema(visit),
};

/// True for property names that are templates rather than literal keys.
pub(crate) fn is_templated(name: &str) -> bool {
    name.contains("%{") || (name.contains('{') && name.contains('}'))
}

fn visit(ptr: &str, s: &mut Map<String, Value>, diags: &mut Diagnostics) {
    let any = lookup(s, "properties").and_then(Value::as_object);
    if !any.is_some_and(|props| props.keys().any(|k| is_templated(k))) {
        return;
    }
    let Some(Value::Object(props)) = s.get_mut("properties") else {
        return;
    };
    let templated: Vec<String> = props.keys().filter(|k| is_templated(k)).cloned().collect();
    if templated.is_empty() {
        return;
    }
    let mut value = None;
    for k in &templated {
        let v = props.shift_remove(k);
        value = value.or(v);
    }
    if let Some(Value::Array(req)) = s.get_mut("required") {
        req.retain(|r| !r.as_str().is_some_and(is_templated));
    }
    if !s.contains_key("additionalProperties") {
        // Several templates may carry different value types; only one alone is trusted.
        let v = if templated.len() == 1 {
            value.unwrap_or(Value::Bool(true))
        } else {
            Value::Bool(true)
        };
        s.insert("additionalProperties".into(), v);
    }
    diags.note(
        "fixup:templated-properties",
        format!("{ptr}/properties"),
        format!(
            "templated propert{} {} kept in additionalProperties",
            if templated.len() == 1 { "y" } else { "ies" },
            templated.join(", ")
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn templated_names_move_to_additional_properties() {
        let mut doc = json!({"components": {"schemas": {"A": {
            "type": "object",
            "required": ["id", "custom_field_%{custom_field_string_definition_id}"],
            "properties": {
                "id": {"type": "integer"},
                "custom_field_%{custom_field_string_definition_id}": {"type": "string"}
            }
        }}}});
        super::super::run(&FIXUP, &mut doc);
        let a = &doc["components"]["schemas"]["A"];
        assert_eq!(a["properties"].as_object().unwrap().len(), 1);
        assert_eq!(a["required"], json!(["id"]));
        assert_eq!(a["additionalProperties"], json!({"type": "string"}));
        assert!(is_templated("x_{id}"));
        assert!(!is_templated("filters[id]"));
    }
}
