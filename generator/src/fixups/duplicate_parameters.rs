//! Procore's file sometimes lists the same parameter (same `name` and `in`) twice in one
//! operation. Rust cannot have two arguments of one name, and a server reads the parameter once,
//! so the first declaration is kept and the rest dropped.

use super::{walk::each_operation, Fixup, Pass};
use crate::diag::Diagnostics;
use serde_json::Value;
use std::collections::HashSet;

pub(super) const FIXUP: Fixup = Fixup {
    name: "duplicate-parameters",
    about: "drops repeated declarations of one parameter (same name and location) in an operation",
    pass: Pass::Document(apply),
};

fn apply(doc: &mut Value, diags: &mut Diagnostics) {
    each_operation(doc, &mut |ptr, _, _, op| {
        let Some(Value::Array(params)) = op.get_mut("parameters") else {
            return;
        };
        let mut seen = HashSet::new();
        let mut index = 0;
        params.retain(|p| {
            let key = (
                p.get("name").and_then(Value::as_str).map(str::to_owned),
                p.get("in").and_then(Value::as_str).map(str::to_owned),
            );
            let here = index;
            index += 1;
            // `$ref` parameters have no name here; they are never treated as duplicates.
            if key.0.is_none() || seen.insert(key.clone()) {
                return true;
            }
            diags.note(
                "fixup:duplicate-parameters",
                format!("{ptr}/parameters/{here}"),
                format!(
                    "parameter `{}` in {} declared again; kept the first",
                    key.0.unwrap_or_default(),
                    key.1.unwrap_or_default()
                ),
            );
            false
        });
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keeps_first_of_each_name_and_location() {
        let mut doc = json!({"paths": {"/a/{id}": {"get": {"parameters": [
            {"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}},
            {"name": "id", "in": "query", "schema": {"type": "string"}},
            {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}
        ]}}}});
        let d = super::super::run(&FIXUP, &mut doc);
        let params = doc["paths"]["/a/{id}"]["get"]["parameters"]
            .as_array()
            .unwrap();
        assert_eq!(params.len(), 2);
        assert_eq!(params[0]["schema"]["type"], "integer");
        assert_eq!(params[1]["in"], "query");
        let d: Vec<_> = d.iter().collect();
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].pointer, "/paths/~1a~1{id}/get/parameters/2");
    }
}
