//! Parameters, request bodies, responses and headers may be given by a local `$ref` into
//! `components` (GitHub's file declares `owner` and `repo` once and refers to them from every
//! path). This fixup replaces each such reference in `paths` by what it points at, following
//! chains of references, so that later stages see every parameter with its `name` and `in`: a
//! parameter declared at path level and at operation level, by value or by reference, is then
//! recognised as one (see `path_parameters` and `duplicate_parameters`, which run after).
//!
//! A reference that cannot be followed (external, dangling, or a cycle) is left in place; the IR
//! reports it with its pointer and skips the operation.

use super::{Fixup, Pass, METHODS};
use crate::diag::{escape_token, Diagnostics};
use crate::json::key;
use serde_json::Value;

pub(super) const FIXUP: Fixup = Fixup {
    name: "component-refs",
    about: "inlines local `$ref`s to parameters, request bodies, responses and headers",
    pass: Pass::Document(apply),
};

/// References followed before a chain is taken for a cycle.
const MAX_HOPS: usize = 32;

fn apply(doc: &mut Value, diags: &mut Diagnostics) {
    // Responses first: the headers of an inlined response are found on the second round.
    for round in [Round::Operations, Round::Headers] {
        let sites = ref_sites(doc, round);
        for (site, reference) in sites {
            let Some(target) = follow(doc, &reference) else {
                continue;
            };
            if let Some(slot) = doc.pointer_mut(&site) {
                *slot = target;
                diags.note(
                    "fixup:component-refs",
                    &site,
                    format!("`$ref` `{reference}` inlined"),
                );
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Round {
    Operations,
    Headers,
}

/// The local reference held by `v`, if it is a reference object.
fn local_ref(v: &Value) -> Option<&str> {
    key(v, "$ref")
        .and_then(Value::as_str)
        .filter(|r| r.starts_with('#'))
}

/// Pointers of every parameter, request body and response (or, in the second round, response
/// header) under `paths` that is a local reference, with the reference.
fn ref_sites(doc: &Value, round: Round) -> Vec<(String, String)> {
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return Vec::new();
    };
    // On every core: nearly all of the time is reading the path items, for a few sites.
    let items: Vec<(&String, &Value)> = paths.iter().collect();
    crate::par::map(&items, |&(path, item)| item_sites(path, item, round)).concat()
}

/// [`ref_sites`] of the path item `item` at `path`.
fn item_sites(path: &str, item: &Value, round: Round) -> Vec<(String, String)> {
    let mut out = Vec::new();
    // The pointer is spelled only for a reference (few are, among thousands of places).
    let mut check = |ptr: &dyn Fn() -> String, v: &Value| {
        if let Some(r) = local_ref(v) {
            out.push((ptr(), r.to_string()));
        }
    };
    // Spelled only for a reference found.
    let item_ptr = || format!("/paths/{}", escape_token(path));
    if round == Round::Operations {
        for (i, p) in list(item, "parameters") {
            check(&|| format!("{}/parameters/{i}", item_ptr()), p);
        }
    }
    for m in METHODS {
        let Some(op) = key(item, m).filter(|o| o.is_object()) else {
            continue;
        };
        let op_ptr = || format!("{}/{m}", item_ptr());
        let responses = key(op, "responses").and_then(Value::as_object);
        if round == Round::Headers {
            for (code, r) in responses.into_iter().flatten() {
                let Some(headers) = key(r, "headers").and_then(Value::as_object) else {
                    continue;
                };
                for (h, v) in headers {
                    let ptr = || {
                        format!(
                            "{}/responses/{}/headers/{}",
                            op_ptr(),
                            escape_token(code),
                            escape_token(h)
                        )
                    };
                    check(&ptr, v);
                }
            }
            continue;
        }
        for (i, p) in list(op, "parameters") {
            check(&|| format!("{}/parameters/{i}", op_ptr()), p);
        }
        if let Some(b) = key(op, "requestBody") {
            check(&|| format!("{}/requestBody", op_ptr()), b);
        }
        for (code, r) in responses.into_iter().flatten() {
            check(
                &|| format!("{}/responses/{}", op_ptr(), escape_token(code)),
                r,
            );
        }
    }
    out
}

fn list<'a>(v: &'a Value, key: &str) -> impl Iterator<Item = (usize, &'a Value)> {
    v.get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
}

/// What a chain of local references ends at; `None` when it leaves the document, dangles or
/// loops.
fn follow(doc: &Value, reference: &str) -> Option<Value> {
    let mut reference = reference.to_string();
    for _ in 0..MAX_HOPS {
        let target = doc.pointer(reference.strip_prefix('#')?)?;
        match local_ref(target) {
            Some(next) => reference = next.to_string(),
            None if target.get("$ref").is_some() => return None,
            None => return Some(target.clone()),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::run;
    use super::*;
    use serde_json::json;

    #[test]
    fn references_in_operations_are_inlined_once() {
        let mut doc = json!({
            "paths": {"/repos/{owner}/{repo}": {
                "parameters": [{"$ref": "#/components/parameters/owner"}],
                "get": {
                    "parameters": [
                        {"$ref": "#/components/parameters/owner"},
                        {"$ref": "#/components/parameters/repo-alias"}
                    ],
                    "requestBody": {"$ref": "#/components/requestBodies/B"},
                    "responses": {"200": {"$ref": "#/components/responses/Ok"}}
                }
            }},
            "components": {
                "parameters": {
                    "owner": {"name": "owner", "in": "path", "required": true, "schema": {"type": "string"}},
                    "repo": {"name": "repo", "in": "path", "required": true, "schema": {"type": "string"}},
                    "repo-alias": {"$ref": "#/components/parameters/repo"}
                },
                "requestBodies": {"B": {"content": {"application/json": {"schema": {"type": "string"}}}}},
                "responses": {"Ok": {"description": "ok", "headers": {"X-Rate": {"$ref": "#/components/headers/Rate"}}}},
                "headers": {"Rate": {"schema": {"type": "integer"}}}
            }
        });
        let d = run(&FIXUP, &mut doc);
        let item = &doc["paths"]["/repos/{owner}/{repo}"];
        assert_eq!(item["parameters"][0]["name"], "owner");
        assert_eq!(item["get"]["parameters"][1]["name"], "repo");
        assert_eq!(
            item["get"]["requestBody"],
            doc["components"]["requestBodies"]["B"]
        );
        assert_eq!(item["get"]["responses"]["200"]["description"], "ok");
        assert_eq!(
            item["get"]["responses"]["200"]["headers"]["X-Rate"]["schema"]["type"],
            "integer"
        );
        assert_eq!(d.iter().count(), 6);
        assert_eq!(
            d.iter().last().unwrap().pointer,
            "/paths/~1repos~1{owner}~1{repo}/get/responses/200/headers/X-Rate"
        );
    }

    #[test]
    fn unfollowable_references_stay_for_the_ir_to_report() {
        let mut doc = json!({
            "paths": {"/a": {"get": {"parameters": [
                {"$ref": "#/components/parameters/missing"},
                {"$ref": "other.yaml#/p"},
                {"$ref": "#/components/parameters/loop"}
            ]}}},
            "components": {"parameters": {"loop": {"$ref": "#/components/parameters/loop"}}}
        });
        let before = doc.clone();
        let d = run(&FIXUP, &mut doc);
        assert_eq!(doc, before);
        assert_eq!(d.iter().count(), 0);
    }
}
