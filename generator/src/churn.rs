//! Churn fixtures: copies of a spec changed the ways Procore changes its file, for the stability
//! checks (`cargo xtask churn`, `tests/tests/stability.rs`). Each is deterministic.
//!
//! The first six change nothing a Rust user may depend on ([`Churn::is_additive`]); the last
//! three are real HTTP breaks that both verdicts must call major.

use serde_json::{json, Map, Value};

/// One way a spec can change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Churn {
    /// (a) 30% of operations move to another top-level category.
    Retag,
    /// (b) a category is renamed (every tag of it).
    RenameCategory,
    /// (c) a new category with new operations.
    NewCategory,
    /// (d) operations added to existing categories.
    AddOperations,
    /// (e) optional request fields, response fields and enum values added.
    AddFields,
    /// (f) paths in another order.
    ReorderPaths,
    /// An operation removed.
    RemoveOperation,
    /// A required query parameter added.
    AddRequiredParam,
    /// A response field changes type (integer -> string).
    RetypeField,
}

impl Churn {
    /// Every fixture, additive ones first.
    pub const ALL: [Churn; 9] = [
        Churn::Retag,
        Churn::RenameCategory,
        Churn::NewCategory,
        Churn::AddOperations,
        Churn::AddFields,
        Churn::ReorderPaths,
        Churn::RemoveOperation,
        Churn::AddRequiredParam,
        Churn::RetypeField,
    ];

    /// Short name (`retag`, `rename-category`...).
    pub fn name(self) -> &'static str {
        match self {
            Churn::Retag => "retag",
            Churn::RenameCategory => "rename-category",
            Churn::NewCategory => "new-category",
            Churn::AddOperations => "add-operations",
            Churn::AddFields => "add-fields",
            Churn::ReorderPaths => "reorder-paths",
            Churn::RemoveOperation => "remove-operation",
            Churn::AddRequiredParam => "add-required-param",
            Churn::RetypeField => "retype-field",
        }
    }

    /// True when a Rust user must see no break.
    pub fn is_additive(self) -> bool {
        !matches!(
            self,
            Churn::RemoveOperation | Churn::AddRequiredParam | Churn::RetypeField
        )
    }

    /// The spec changed this way.
    pub fn apply(self, spec: &Value) -> Value {
        let mut doc = spec.clone();
        match self {
            Churn::Retag => retag(&mut doc),
            Churn::RenameCategory => rename_category(&mut doc),
            Churn::NewCategory => add_operations(&mut doc, "Field Operations", 3),
            Churn::AddOperations => add_operations(&mut doc, "", 10),
            Churn::AddFields => add_fields(&mut doc),
            Churn::ReorderPaths => reorder(&mut doc),
            Churn::RemoveOperation => {
                if let Some((path, method)) = operations(&doc).into_iter().nth(7) {
                    if let Some(item) = doc["paths"][&path].as_object_mut() {
                        item.remove(&method);
                    }
                }
            }
            Churn::AddRequiredParam => {
                for (path, method) in operations(&doc).into_iter().take(3) {
                    let op = &mut doc["paths"][&path][&method];
                    let params = op
                        .as_object_mut()
                        .map(|o| o.entry("parameters").or_insert_with(|| json!([])));
                    if let Some(Value::Array(a)) = params {
                        a.push(
                            json!({"name": "churn_required", "in": "query", "required": true,
                                      "schema": {"type": "string"}}),
                        );
                    }
                }
            }
            Churn::RetypeField => retype_first_integer(&mut doc),
        }
        doc
    }
}

/// (path, method) of every operation, in file order.
fn operations(doc: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for method in ["get", "put", "post", "delete", "patch"] {
            if item.get(method).is_some() {
                out.push((path.clone(), method.to_string()));
            }
        }
    }
    out
}

fn first_category(op: &Value) -> Option<String> {
    let tag = op["tags"].get(0)?.as_str()?;
    Some(tag.split('/').next()?.trim().to_string())
}

fn set_category(op: &mut Value, category: &str) {
    let tag = op["tags"].get(0).and_then(Value::as_str).unwrap_or("");
    let rest = tag.split_once('/').map(|(_, r)| r).unwrap_or("Misc");
    op["tags"] = json!([format!("{category}/{rest}")]);
}

/// A stable pseudo-random number from a string (FNV-1a).
fn hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf29ce484222325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
    })
}

fn retag(doc: &mut Value) {
    let ops = operations(doc);
    let mut categories: Vec<String> = ops
        .iter()
        .filter_map(|(p, m)| first_category(&doc["paths"][p][m]))
        .collect();
    categories.sort();
    categories.dedup();
    if categories.len() < 2 {
        return;
    }
    for (path, method) in ops {
        let h = hash(&format!("{method} {path}"));
        if h % 10 >= 3 {
            continue;
        }
        let op = &mut doc["paths"][&path][&method];
        let current = first_category(op).unwrap_or_default();
        let mut next = categories[(h / 10) as usize % categories.len()].clone();
        if next == current {
            next = categories[(h / 10 + 1) as usize % categories.len()].clone();
        }
        set_category(op, &next);
    }
}

fn rename_category(doc: &mut Value) {
    let ops = operations(doc);
    let Some(victim) = ops
        .iter()
        .filter_map(|(p, m)| first_category(&doc["paths"][p][m]))
        .find(|c| c != "Core")
    else {
        return;
    };
    for (path, method) in ops {
        let op = &mut doc["paths"][&path][&method];
        if first_category(op).as_deref() == Some(victim.as_str()) {
            set_category(op, &format!("{victim} Renamed"));
        }
    }
}

/// Copies of existing GET operations at new paths, in `category` (or their own when empty).
fn add_operations(doc: &mut Value, category: &str, n: usize) {
    let gets: Vec<(String, String)> = operations(doc)
        .into_iter()
        .filter(|(_, m)| m == "get")
        .take(n)
        .collect();
    for (i, (path, method)) in gets.into_iter().enumerate() {
        let mut op = doc["paths"][&path][&method].clone();
        let suffix = if category.is_empty() {
            "added"
        } else {
            "field_ops"
        };
        if let Some(id) = op["operationId"].as_str() {
            op["operationId"] = json!(format!("{id}Churn{suffix}{i}"));
        }
        if !category.is_empty() {
            set_category(&mut op, category);
        }
        let new_path = format!("{path}/churn_{suffix}_{i}");
        doc["paths"][&new_path] = json!({ method: op });
    }
}

fn add_fields(doc: &mut Value) {
    for (k, (path, method)) in operations(doc).into_iter().enumerate() {
        if k % 5 != 0 {
            continue;
        }
        let op = &mut doc["paths"][&path][&method];
        let responses = op.get_mut("responses").and_then(Value::as_object_mut);
        for resp in responses.into_iter().flat_map(|r| r.values_mut()) {
            for schema in schemas(resp) {
                add_to_objects(schema, "churn_added", 0);
            }
        }
        for schema in op.get_mut("requestBody").map(schemas).unwrap_or_default() {
            // Procore adds fields to the resource inside its `{"rfi": {...}}` envelope.
            match schema["properties"].as_object_mut() {
                Some(props) if props.len() == 1 => props
                    .values_mut()
                    .for_each(|p| add_to_objects(p, "churn_optional", 1)),
                _ => add_to_objects(schema, "churn_optional", 0),
            }
        }
    }
}

/// The schema of each media type of a response or request body. Reached with `get_mut`, not
/// indexing: `v["content"]` would insert `null` content into a body-less response, which
/// makes the operation unreadable rather than changed the way Procore changes it.
fn schemas(body: &mut Value) -> Vec<&mut Value> {
    let content = body.get_mut("content").and_then(Value::as_object_mut);
    content
        .into_iter()
        .flat_map(|c| c.values_mut())
        .filter_map(|m| m.get_mut("schema"))
        .collect()
}

/// Adds an optional string property to every object schema, and a value to every string
/// enum, down to depth 3.
fn add_to_objects(schema: &mut Value, name: &str, depth: usize) {
    if depth > 3 {
        return;
    }
    if let Some(Value::Array(values)) = schema.get_mut("enum") {
        if values.iter().all(Value::is_string) && !values.is_empty() {
            values.push(json!("churn_value"));
        }
    }
    if let Some(items) = schema.get_mut("items") {
        add_to_objects(items, name, depth + 1);
    }
    // Objects with known fields gain one; a free-form object (no properties) stays free-form,
    // and so does a map documented by templated keys only (`custom_field_%{id}`): it is read
    // as a map, and a named key beside them would be a new shape, not an added field.
    if let Some(Value::Object(props)) = schema.get_mut("properties").filter(|p| {
        p.as_object()
            .is_some_and(|o| !o.is_empty() && !o.keys().all(|k| crate::fixups::is_templated(k)))
    }) {
        for p in props.values_mut() {
            add_to_objects(p, name, depth + 1);
        }
        props.insert(
            name.to_string(),
            json!({"type": "string", "nullable": true}),
        );
    }
}

fn reorder(doc: &mut Value) {
    if let Some(paths) = doc["paths"].as_object() {
        let reversed: Map<String, Value> = paths
            .iter()
            .rev()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        doc["paths"] = Value::Object(reversed);
    }
}

fn retype_first_integer(doc: &mut Value) {
    for (path, method) in operations(doc) {
        // A pointer, not indexing: `doc[..]["responses"]["200"]` would give every operation
        // without a JSON 200 response an empty one on the way, a second change.
        let escaped = path.replace('~', "~0").replace('/', "~1");
        let ptr =
            format!("/paths/{escaped}/{method}/responses/200/content/application~1json/schema");
        let Some(schema) = doc.pointer_mut(&ptr) else {
            continue;
        };
        let schema = match schema.get("items") {
            Some(_) => &mut schema["items"],
            None => schema,
        };
        let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
            continue;
        };
        if let Some((_, p)) = props
            .iter_mut()
            .find(|(k, p)| *k != "id" && p["type"] == "integer")
        {
            p["type"] = json!("string");
            return;
        }
    }
}

/// The spec with `percent`% more operations, for the compile budget's headroom
/// (`cargo xtask bench --compile --grow`). Whole path items, picked by a running quota so
/// that the copies come from the whole file (and so from every category), are copied under `/rest/v9.0/...` with new operation ids, and
/// every property of their schemas is renamed (`name` -> `name_v9`): their types are new shapes,
/// not merged with the originals, as a new Procore release's would be.
pub fn grow(spec: &Value, percent: u32) -> Value {
    let mut doc = spec.clone();
    let all = operations(spec).len();
    let target = all * percent as usize / 100;
    let Some(paths) = spec["paths"].as_object() else {
        return doc;
    };
    let (mut seen, mut added) = (0, 0);
    // A running quota: after `seen` operations of the file, `seen * percent / 100` have been
    // copied, so the copies are spread through the whole file (and every category) alike.
    for (path, item) in paths {
        let methods = operations(&json!({ "paths": { path: item } })).len();
        seen += methods;
        if methods == 0 || added >= seen * percent as usize / 100 || added + methods > target {
            continue;
        }
        let tail = path.strip_prefix("/rest/").and_then(|p| p.split_once('/'));
        let new_path = match tail {
            Some((_, rest)) => format!("/rest/v9.0/{rest}"),
            None => format!("/v9{path}"),
        };
        if doc["paths"].get(&new_path).is_some() {
            continue;
        }
        let mut copy = item.clone();
        rename_properties(&mut copy);
        for op in copy
            .as_object_mut()
            .into_iter()
            .flat_map(|o| o.values_mut())
        {
            if let Some(id) = op.get("operationId").and_then(Value::as_str) {
                op["operationId"] = json!(format!("{id}V9"));
            }
        }
        doc["paths"][&new_path] = copy;
        added += methods;
    }
    doc
}

/// Renames every schema property (and its `required` entry) with a `_v9` suffix.
fn rename_properties(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if let Some(Value::Object(props)) = m.get_mut("properties") {
                let renamed: Map<String, Value> = std::mem::take(props)
                    .into_iter()
                    .map(|(k, v)| (format!("{k}_v9"), v))
                    .collect();
                *props = renamed;
            }
            if let Some(Value::Array(req)) = m.get_mut("required") {
                for r in req.iter_mut() {
                    if let Some(s) = r.as_str() {
                        *r = json!(format!("{s}_v9"));
                    }
                }
            }
            m.values_mut().for_each(rename_properties);
        }
        Value::Array(items) => items.iter_mut().for_each(rename_properties),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(n: usize) -> Value {
        let mut paths = Map::new();
        for i in 0..n {
            paths.insert(
                format!("/rest/v1.0/things_{i}"),
                json!({"get": {"operationId": format!("Get{i}"), "responses": {"200": {
                    "description": "ok", "content": {"application/json": {"schema": {
                        "type": "object", "required": ["id"],
                        "properties": {"id": {"type": "integer"}}}}}}}}}),
            );
        }
        json!({ "paths": paths })
    }

    #[test]
    fn growing_adds_that_share_of_operations_with_new_shapes() {
        let before = spec(50);
        let after = grow(&before, 36);
        assert_eq!(operations(&before).len(), 50);
        assert_eq!(operations(&after).len(), 50 + 18);
        let keys: Vec<&String> = before["paths"].as_object().unwrap().keys().collect();
        let copied: Vec<bool> = keys
            .iter()
            .map(|k| {
                after["paths"]
                    .get(k.replace("/rest/v1.0/", "/rest/v9.0/"))
                    .is_some()
            })
            .collect();
        // Spread through the file: as many copies from its second half as from its first.
        let first = copied[..25].iter().filter(|c| **c).count();
        assert_eq!((first, copied.iter().filter(|c| **c).count()), (9, 18));
        let i = copied.iter().position(|c| *c).unwrap();
        let copy = &after["paths"][keys[i].replace("/rest/v1.0/", "/rest/v9.0/")]["get"];
        let id = keys[i].trim_start_matches("/rest/v1.0/things_");
        assert_eq!(copy["operationId"], format!("Get{id}V9"));
        let schema = &copy["responses"]["200"]["content"]["application/json"]["schema"];
        assert_eq!(schema["required"], json!(["id_v9"]));
        assert!(schema["properties"]["id_v9"].is_object());
        // The originals are untouched.
        assert_eq!(
            after["paths"]["/rest/v1.0/things_0"],
            before["paths"]["/rest/v1.0/things_0"]
        );
    }
}
