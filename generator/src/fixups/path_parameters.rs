//! Path parameters in Procore's file come declared at the path-item level, at the operation
//! level, at both, or not at all.
//!
//! `PATH_LEVEL` copies path-item-level parameters into each operation (an operation's own
//! declaration wins, as OpenAPI says) and removes them from the path item, so later stages read
//! parameters in one place. `UNDECLARED` adds a string parameter for a `{name}` in the path
//! template that nobody declared, and marks declared path parameters required, since a path
//! parameter always is.

use super::{parameter_key, Fixup, Pass, METHODS};
use crate::diag::{escape_token, Diagnostics};
use serde_json::{json, Map, Value};

pub(super) const PATH_LEVEL: Fixup = Fixup {
    name: "path-level-parameters",
    about: "moves parameters declared on a path item into each of its operations",
    pass: Pass::Document(apply_path_level),
};

pub(super) const UNDECLARED: Fixup = Fixup {
    name: "undeclared-path-parameters",
    about: "declares `{name}` path template variables that no parameter declares; marks path parameters required",
    pass: Pass::Operation(visit_undeclared),
};

fn apply_path_level(doc: &mut Value, diags: &mut Diagnostics) {
    let Some(Value::Object(paths)) = doc.get_mut("paths") else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Value::Object(item) = item else { continue };
        let Some(Value::Array(shared)) = item.remove("parameters") else {
            continue;
        };
        let ptr = format!("/paths/{}/parameters", escape_token(path));
        diags.note(
            "fixup:path-level-parameters",
            &ptr,
            format!(
                "{} path-level parameter(s) moved into each operation",
                shared.len()
            ),
        );
        for m in METHODS {
            let Some(Value::Object(op)) = item.get_mut(*m) else {
                continue;
            };
            let params = op.entry("parameters").or_insert_with(|| json!([]));
            let Value::Array(params) = params else {
                continue;
            };
            // Shared parameters keep their place (path parameters in path order), taking the
            // operation's declaration where it has one; the operation's others follow.
            let mut merged: Vec<Value> = Vec::with_capacity(shared.len() + params.len());
            for s in &shared {
                let own = params.iter().position(|p| {
                    parameter_key(p) == parameter_key(s) && parameter_key(p).0.is_some()
                });
                merged.push(match own {
                    Some(i) => params.remove(i),
                    None => s.clone(),
                });
            }
            merged.append(params);
            *params = merged;
        }
    }
}

fn visit_undeclared(
    ptr: &str,
    path: &str,
    _: &str,
    op: &mut Map<String, Value>,
    diags: &mut Diagnostics,
) {
    {
        let vars: Vec<&str> = path
            .split('{')
            .skip(1)
            .filter_map(|s| s.split_once('}').map(|(v, _)| v))
            .collect();
        let params = op.entry("parameters").or_insert_with(|| json!([]));
        let Value::Array(params) = params else { return };
        for (i, p) in params.iter_mut().enumerate() {
            if p.get("in").and_then(Value::as_str) == Some("path")
                && p.get("required") != Some(&Value::Bool(true))
            {
                p["required"] = Value::Bool(true);
                diags.note(
                    "fixup:undeclared-path-parameters",
                    format!("{ptr}/parameters/{i}"),
                    "path parameter not marked required; marked required",
                );
            }
        }
        for v in vars {
            let declared = params
                .iter()
                .any(|p| parameter_key(p) == (Some(v), Some("path")));
            if !declared {
                diags.note(
                    "fixup:undeclared-path-parameters",
                    format!("{ptr}/parameters"),
                    format!("path variable `{{{v}}}` has no parameter; declared it as a required string"),
                );
                params.push(json!({"name": v, "in": "path", "required": true, "schema": {"type": "string"}}));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::run;
    use super::*;

    #[test]
    fn path_level_parameters_move_into_operations_and_operation_wins() {
        let mut doc = json!({"paths": {"/p/{id}": {
            "parameters": [
                {"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}},
                {"name": "q", "in": "query", "schema": {"type": "string"}}
            ],
            "get": {"parameters": [{"name": "q", "in": "query", "schema": {"type": "boolean"}}]},
            "delete": {}
        }}});
        run(&PATH_LEVEL, &mut doc);
        let item = &doc["paths"]["/p/{id}"];
        assert!(item.get("parameters").is_none());
        let get = item["get"]["parameters"].as_array().unwrap();
        assert_eq!(get.len(), 2);
        assert_eq!(get[0]["name"], "id");
        assert_eq!(get[1]["schema"]["type"], "boolean");
        let mut doc = json!({"paths": {"/r/{owner}/{repo}": {
            "parameters": [
                {"name": "owner", "in": "path", "required": true},
                {"name": "repo", "in": "path", "required": true}
            ],
            "patch": {"parameters": [
                {"name": "x", "in": "query"},
                {"name": "owner", "in": "path", "required": true, "description": "own"}
            ]}
        }}});
        run(&PATH_LEVEL, &mut doc);
        let names: Vec<_> = doc["paths"]["/r/{owner}/{repo}"]["patch"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["owner", "repo", "x"]);
        assert_eq!(
            doc["paths"]["/r/{owner}/{repo}"]["patch"]["parameters"][0]["description"],
            "own"
        );
        assert_eq!(item["delete"]["parameters"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn undeclared_template_variables_are_declared() {
        let mut doc = json!({"paths": {"/p/{project_id}/x/{id}": {"get": {"parameters": [
            {"name": "id", "in": "path", "schema": {"type": "integer"}}
        ]}}}});
        let d = run(&UNDECLARED, &mut doc);
        let ps = doc["paths"]["/p/{project_id}/x/{id}"]["get"]["parameters"]
            .as_array()
            .unwrap();
        assert_eq!(ps.len(), 2);
        assert_eq!(ps[0]["required"], true);
        assert_eq!(ps[1]["name"], "project_id");
        assert_eq!(d.iter().count(), 2);
    }
}
