//! A walk over every schema object in a document, for the schema-level fixups.

use crate::diag::{escape_token, push_token, Diagnostics};
use serde_json::{Map, Value};
use std::fmt::Write;
use std::sync::Mutex;

/// Calls `f(pointer, schema)` on every object that sits where a schema may sit: under
/// `components/schemas`, and under any `schema`, `properties`, `items`, `additionalProperties`,
/// `allOf`/`oneOf`/`anyOf`/`not` inside `paths` and `components`.
pub(crate) fn each_schema(doc: &mut Value, f: &mut dyn FnMut(&str, &mut Map<String, Value>)) {
    let mut ptr = String::new();
    if let Some(paths) = doc.get_mut("paths") {
        ptr.push_str("/paths");
        find_schemas(paths, &mut ptr, f);
        ptr.clear();
    }
    if let Some(comps) = doc.get_mut("components") {
        ptr.push_str("/components");
        find_schemas(comps, &mut ptr, f);
    }
}

/// A visitor of schemas that records into the diagnostics it is given.
pub(crate) type SchemaVisitor<'a> =
    dyn Fn(&str, &mut Map<String, Value>, &mut Diagnostics) + Sync + 'a;

/// [`each_schema`] on both cores: path items are walked in parallel, each with diagnostics of
/// its own, appended in document order, so the result is the same as the serial walk's. The
/// schema passes are plain functions of the one schema they are given, so no path item's walk
/// sees another's.
pub(crate) fn each_schema_par(doc: &mut Value, f: &SchemaVisitor<'_>, diags: &mut Diagnostics) {
    if let Some(Value::Object(paths)) = doc.get_mut("paths") {
        each_path_item_par(paths, diags, &|key, item, local| {
            let mut ptr = String::from("/paths");
            find_in_entry(key, item, &mut ptr, &mut |p, s| f(p, s, local));
        });
    } else if let Some(paths) = doc.get_mut("paths") {
        find_schemas(paths, &mut String::from("/paths"), &mut |p, s| {
            f(p, s, diags)
        });
    }
    if let Some(comps) = doc.get_mut("components") {
        find_schemas(comps, &mut String::from("/components"), &mut |p, s| {
            f(p, s, diags)
        });
    }
}

/// Walks non-schema structure (paths, operations, content maps) looking for schema positions.
fn find_schemas(v: &mut Value, ptr: &mut String, f: &mut dyn FnMut(&str, &mut Map<String, Value>)) {
    match v {
        Value::Object(map) => {
            for (k, child) in map.iter_mut() {
                find_in_entry(k, child, ptr, f);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter_mut().enumerate() {
                let len = ptr.len();
                ptr.push('/');
                let _ = write!(ptr, "{i}");
                find_schemas(child, ptr, f);
                ptr.truncate(len);
            }
        }
        _ => {}
    }
}

/// [`find_schemas`] on one member `k` of an object at `ptr`.
fn find_in_entry(
    k: &str,
    child: &mut Value,
    ptr: &mut String,
    f: &mut dyn FnMut(&str, &mut Map<String, Value>),
) {
    if !(child.is_object() || child.is_array()) {
        return;
    }
    let len = ptr.len();
    push_token(ptr, k);
    if k == "schema" || ptr == "/components/schemas" {
        if k == "schemas" {
            if let Value::Object(defs) = child {
                for (name, s) in defs.iter_mut() {
                    let l2 = ptr.len();
                    push_token(ptr, name);
                    schema(s, ptr, f);
                    ptr.truncate(l2);
                }
            }
        } else {
            schema(child, ptr, f);
        }
    } else {
        find_schemas(child, ptr, f);
    }
    ptr.truncate(len);
}

/// Visits one schema and recurses into its subschemas.
fn schema(v: &mut Value, ptr: &mut String, f: &mut dyn FnMut(&str, &mut Map<String, Value>)) {
    let Value::Object(map) = v else { return };
    f(ptr, map);
    for (k, child) in map.iter_mut() {
        // Only subschema keywords extend the pointer: building it for every keyword of every
        // schema was a tenth of a generation run.
        let len = ptr.len();
        match (k.as_str(), child) {
            ("properties" | "patternProperties", Value::Object(props)) => {
                push_token(ptr, k);
                for (name, s) in props.iter_mut() {
                    let l2 = ptr.len();
                    push_token(ptr, name);
                    schema(s, ptr, f);
                    ptr.truncate(l2);
                }
            }
            ("items" | "additionalProperties" | "not", s @ Value::Object(_)) => {
                push_token(ptr, k);
                schema(s, ptr, f);
            }
            ("allOf" | "oneOf" | "anyOf", Value::Array(list)) => {
                push_token(ptr, k);
                for (i, s) in list.iter_mut().enumerate() {
                    let l2 = ptr.len();
                    ptr.push('/');
                    let _ = write!(ptr, "{i}");
                    schema(s, ptr, f);
                    ptr.truncate(l2);
                }
            }
            _ => {}
        }
        ptr.truncate(len);
    }
}

/// A visitor of operations: `(pointer, path, method, operation)`.
pub(crate) type OperationVisitor<'a> = dyn FnMut(&str, &str, &str, &mut Map<String, Value>) + 'a;

/// Calls `f(pointer, path, method, operation)` on every operation object under `paths`.
pub(crate) fn each_operation(doc: &mut Value, f: &mut OperationVisitor) {
    let Some(Value::Object(paths)) = doc.get_mut("paths") else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        operations_of(path, item, f);
    }
}

/// A visitor of operations that records into the diagnostics it is given.
pub(crate) type OperationPassVisitor<'a> =
    dyn Fn(&str, &str, &str, &mut Map<String, Value>, &mut Diagnostics) + Sync + 'a;

/// [`each_operation`] on both cores, as [`each_schema_par`]: path items in parallel, each with
/// diagnostics of its own, appended in document order.
pub(crate) fn each_operation_par(
    doc: &mut Value,
    f: &OperationPassVisitor<'_>,
    diags: &mut Diagnostics,
) {
    let Some(Value::Object(paths)) = doc.get_mut("paths") else {
        return;
    };
    each_path_item_par(paths, diags, &|path, item, local| {
        operations_of(path, item, &mut |ptr, path, m, op| {
            f(ptr, path, m, op, local)
        });
    });
}

/// Calls `f(path, item, diagnostics)` on each member of `paths` on every core, each with
/// diagnostics of its own, appended to `diags` in document order: the result is the serial
/// walk's, as long as `f` looks at nothing beyond the item it is given.
fn each_path_item_par(
    paths: &mut Map<String, Value>,
    diags: &mut Diagnostics,
    f: &(dyn Fn(&str, &mut Value, &mut Diagnostics) + Sync),
) {
    // Each item is taken by exactly one worker; the lock only lends it out.
    let items: Vec<Mutex<(&String, &mut Value)>> = paths.iter_mut().map(Mutex::new).collect();
    let found = crate::par::map(&items, |item| {
        let mut local = Diagnostics::default();
        let mut guard = item.lock().unwrap_or_else(|e| e.into_inner());
        let (path, item) = &mut *guard;
        f(path, item, &mut local);
        local
    });
    found.into_iter().for_each(|d| diags.extend(d));
}

/// Calls `f` on each operation of the path item `item` at `path`.
fn operations_of(path: &str, item: &mut Value, f: &mut OperationVisitor) {
    let Value::Object(item) = item else { return };
    for m in super::METHODS {
        if let Some(Value::Object(op)) = crate::json::lookup_mut(item, m) {
            let ptr = format!("/paths/{}/{m}", escape_token(path));
            f(&ptr, path, m, op);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn visits_nested_schemas_with_pointers() {
        let mut doc = json!({
            "paths": {"/a": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {
                "type": "object", "properties": {"x": {"type": "array", "items": {"type": "string"}}}
            }}}}}}}},
            "components": {"schemas": {"S": {"oneOf": [{"type": "integer"}]}}}
        });
        let mut seen = vec![];
        each_schema(&mut doc, &mut |p, _| seen.push(p.to_string()));
        assert_eq!(
            seen,
            [
                "/paths/~1a/get/responses/200/content/application~1json/schema",
                "/paths/~1a/get/responses/200/content/application~1json/schema/properties/x",
                "/paths/~1a/get/responses/200/content/application~1json/schema/properties/x/items",
                "/components/schemas/S",
                "/components/schemas/S/oneOf/0",
            ]
        );
    }
}
