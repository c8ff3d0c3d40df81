//! Operations without an `operationId`, or sharing one with another operation, get an id built
//! from method and path the way Procore builds its own (`RestV10ProjectsProjectIdRfisGet`).
//! Operation ids key the inventory, the diff and the overrides file, so they must be unique.

use super::{walk::each_operation, Fixup, Pass};
use crate::diag::Diagnostics;
use heck::ToUpperCamelCase;
use serde_json::Value;
use std::collections::HashSet;

pub(super) const FIXUP: Fixup = Fixup {
    name: "operation-ids",
    about:
        "gives operations with a missing or duplicate operationId one derived from method and path",
    pass: Pass::Document(apply),
};

/// The id Procore's own tooling derives from a path and method.
pub(crate) fn derived_id(path: &str, method: &str) -> String {
    let words: String = path
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("_");
    format!(
        "{}{}",
        words.to_upper_camel_case(),
        method.to_upper_camel_case()
    )
}

fn apply(doc: &mut Value, diags: &mut Diagnostics) {
    let mut seen = HashSet::new();
    each_operation(doc, &mut |ptr, path, method, op| {
        let current = op
            .get("operationId")
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty());
        let id = match current {
            Some(id) if seen.insert(id.to_string()) => return,
            Some(id) => {
                let mut new = derived_id(path, method);
                while !seen.insert(new.clone()) {
                    new.push('_');
                }
                diags.note(
                    "fixup:operation-ids",
                    format!("{ptr}/operationId"),
                    format!("operationId `{id}` is used by an earlier operation; renamed `{new}`"),
                );
                new
            }
            None => {
                let mut new = derived_id(path, method);
                while !seen.insert(new.clone()) {
                    new.push('_');
                }
                diags.note(
                    "fixup:operation-ids",
                    ptr,
                    format!("no operationId; derived `{new}`"),
                );
                new
            }
        };
        op.insert("operationId".into(), Value::String(id));
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn derives_procore_style_ids() {
        assert_eq!(
            derived_id("/rest/v1.0/projects/{project_id}/rfis", "get"),
            "RestV10ProjectsProjectIdRfisGet"
        );
    }

    #[test]
    fn fills_missing_and_renames_duplicates() {
        let mut doc = json!({"paths": {
            "/a": {"get": {"operationId": "Same"}, "post": {}},
            "/b": {"get": {"operationId": "Same"}}
        }});
        let d = super::super::run(&FIXUP, &mut doc);
        assert_eq!(doc["paths"]["/a"]["get"]["operationId"], "Same");
        assert_eq!(doc["paths"]["/a"]["post"]["operationId"], "APost");
        assert_eq!(doc["paths"]["/b"]["get"]["operationId"], "BGet");
        assert_eq!(d.iter().count(), 2);
    }
}
