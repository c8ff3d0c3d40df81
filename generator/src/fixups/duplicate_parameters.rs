//! Procore's file sometimes lists the same parameter (same `name` and `in`) twice in one
//! operation. Rust cannot have two arguments of one name, and a server reads the parameter once,
//! so the first declaration is kept and the rest dropped.

use super::{parameter_key, Fixup, Pass};
use crate::diag::Diagnostics;
use serde_json::{Map, Value};

pub(super) const FIXUP: Fixup = Fixup {
    name: "duplicate-parameters",
    about: "drops repeated declarations of one parameter (same name and location) in an operation",
    pass: Pass::Operation(visit),
};

fn visit(ptr: &str, _: &str, _: &str, op: &mut Map<String, Value>, diags: &mut Diagnostics) {
    let Some(Value::Array(params)) = op.get_mut("parameters") else {
        return;
    };
    // Named parameters seen, by name and location; `$ref` parameters have no name here and
    // are never treated as duplicates.
    let mut seen = std::collections::HashSet::new();
    let repeats: Vec<bool> = params
        .iter()
        .map(|p| {
            let k = parameter_key(p);
            k.0.is_some() && !seen.insert(k)
        })
        .collect();
    drop(seen);
    for (i, _) in repeats.iter().enumerate().filter(|(_, r)| **r) {
        let (name, place) = parameter_key(&params[i]);
        diags.note(
            "fixup:duplicate-parameters",
            format!("{ptr}/parameters/{i}"),
            format!(
                "parameter `{}` in {} declared again; kept the first",
                name.unwrap_or_default(),
                place.unwrap_or_default()
            ),
        );
    }
    let mut repeat = repeats.into_iter();
    params.retain(|_| !repeat.next().unwrap_or(false));
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
