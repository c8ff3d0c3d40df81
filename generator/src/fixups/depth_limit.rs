//! Bounds how deeply the document nests, before anything walks it recursively.
//!
//! Later stages deserialise operations and schemas with `serde` (`openapiv3`), whose recursion
//! costs several kilobytes of native stack per level in a debug build: a schema nested a few
//! dozen levels deep would overflow a 2 MB thread, which aborts the process. The parsers stop at
//! 128 levels; this fixup cuts every container deeper than [`MAX_DEPTH`] (Procore's files nest at most
//! 27 levels) down to an empty one of the same kind, so a schema reads as "any
//! JSON value" below the cut, and warns with the pointer. It walks with an explicit stack.

use super::{Fixup, Known, Pass};
use crate::diag::{push_token, Diagnostics};
use serde_json::Value;

pub(super) const FIXUP: Fixup = Fixup {
    name: "depth-limit",
    about: "empties containers nested deeper than 48 levels (the stages after it recurse)",
    pass: Pass::Informed(apply),
};

/// The deepest level (the document is level 0) whose containers may have members.
pub(crate) const MAX_DEPTH: usize = 48;

fn apply(doc: &mut Value, known: Known, diags: &mut Diagnostics) {
    // The loader's count of the text's nesting spares the walk that would find nothing to cut.
    if known.nesting.is_some_and(|n| n <= MAX_DEPTH) || document_depth(doc) <= MAX_DEPTH {
        return;
    }
    // (value, its depth, its pointer)
    let mut stack: Vec<(&mut Value, usize, String)> = vec![(doc, 0, String::new())];
    while let Some((v, d, ptr)) = stack.pop() {
        if d == MAX_DEPTH {
            if depth(v) > 0 {
                *v = match v {
                    Value::Array(_) => Value::Array(Vec::new()),
                    _ => Value::Object(serde_json::Map::new()),
                };
                diags.warning(
                    "fixup:depth-limit",
                    ptr,
                    format!(
                        "nested more than {MAX_DEPTH} levels deep; emptied (read as any value)"
                    ),
                );
            }
            continue;
        }
        match v {
            Value::Object(map) => {
                for (k, c) in map.iter_mut().rev() {
                    let mut p = ptr.clone();
                    push_token(&mut p, k);
                    stack.push((c, d + 1, p));
                }
            }
            Value::Array(items) => {
                for (i, c) in items.iter_mut().enumerate().rev() {
                    stack.push((c, d + 1, format!("{ptr}/{i}")));
                }
            }
            _ => {}
        }
    }
}

/// [`depth`] of a whole document, its path items measured on every core (a document has
/// millions of values; this check is all the fixup does to a normal one).
fn document_depth(doc: &Value) -> usize {
    let Value::Object(top) = doc else {
        return depth(doc);
    };
    let below = top.iter().map(|(k, v)| match (k.as_str(), v) {
        ("paths", Value::Object(items)) if !items.is_empty() => {
            let items: Vec<&Value> = items.values().collect();
            1 + crate::par::map(&items, |v| depth(v))
                .into_iter()
                .max()
                .unwrap_or(0)
        }
        _ => depth(v),
    });
    match below.max() {
        Some(d) => d + 1,
        None => 0,
    }
}

/// Levels below `v` (a scalar or empty container is 0), with an explicit stack.
pub(crate) fn depth(v: &Value) -> usize {
    // Only containers with members go on the stack: a member is one level below its
    // container whatever it is, and most members are scalars.
    let nested = |c: &&Value| match c {
        Value::Object(m) => !m.is_empty(),
        Value::Array(a) => !a.is_empty(),
        _ => false,
    };
    let mut max = 0;
    let mut stack = vec![(v, 0)];
    while let Some((v, d)) = stack.pop() {
        match v {
            Value::Object(m) if !m.is_empty() => {
                stack.extend(m.values().filter(nested).map(|c| (c, d + 1)));
            }
            Value::Array(a) if !a.is_empty() => {
                stack.extend(a.iter().filter(nested).map(|c| (c, d + 1)));
            }
            _ => continue,
        }
        max = max.max(d + 1);
    }
    max
}

#[cfg(test)]
mod tests {
    use super::super::run;
    use super::*;
    use serde_json::json;

    fn nested(levels: usize) -> Value {
        let mut v = json!({"type": "string"});
        for _ in 0..levels {
            v = json!({"items": v});
        }
        v
    }

    #[test]
    fn the_document_depth_is_the_depth() {
        for doc in [
            json!({}),
            json!([]),
            json!(1),
            json!({"paths": {}}),
            json!({"paths": {"/a": {}}}),
            json!({"paths": {"/a": {"get": nested(5)}, "/b": 1}, "x": nested(9)}),
            json!({"paths": {"/a": {"get": nested(12)}}, "x": nested(3), "y": []}),
        ] {
            assert_eq!(document_depth(&doc), depth(&doc), "{doc}");
        }
    }

    #[test]
    fn shallow_documents_are_untouched() {
        let mut doc = json!({"paths": {}, "x": nested(40)});
        let before = doc.clone();
        assert_eq!(run(&FIXUP, &mut doc).iter().count(), 0);
        assert_eq!(doc, before);
    }

    #[test]
    fn deep_containers_are_emptied_with_a_warning() {
        let mut doc = json!({"a": [nested(100)]});
        let d = run(&FIXUP, &mut doc);
        assert_eq!(depth(&doc), MAX_DEPTH);
        let d: Vec<_> = d.iter().collect();
        assert_eq!(d.len(), 1);
        let expected = format!("/a/0{}", "/items".repeat(MAX_DEPTH - 2));
        assert_eq!(d[0].pointer, expected);
        assert_eq!(doc.pointer(&expected), Some(&json!({})));
    }

    #[test]
    fn the_loader_s_bound_spares_the_walk_and_only_a_shallow_one_does() {
        let deep = json!({"a": [nested(100)]});
        // A bound within the limit is believed (the loader counts every bracket, so it never
        // understates): nothing is walked, nothing cut.
        let mut doc = deep.clone();
        let mut diags = Diagnostics::default();
        apply(
            &mut doc,
            Known {
                nesting: Some(MAX_DEPTH),
            },
            &mut diags,
        );
        assert_eq!(doc, deep);
        // A deeper bound, or none, and the walk cuts.
        for nesting in [Some(MAX_DEPTH + 1), None] {
            let mut doc = deep.clone();
            let mut diags = Diagnostics::default();
            apply(&mut doc, Known { nesting }, &mut diags);
            assert_eq!(depth(&doc), MAX_DEPTH, "{nesting:?}");
            assert_eq!(diags.iter().count(), 1);
        }
        // From the loader: the text's own count, so a deep file is still cut.
        let text = serde_json::to_vec(&json!({"openapi": "3.0.0", "info": {"title": "t",
            "version": "1"}, "paths": {}, "x": nested(60)}))
        .unwrap();
        let mut spec = crate::load::load_bytes("deep.json", &text).expect("loads");
        let mut diags = Diagnostics::default();
        super::super::apply_all_loaded(&mut spec, &mut diags);
        assert_eq!(depth(&spec.doc), MAX_DEPTH);
    }
}
