//! Keywords the IR does not carry, read from the fixed-up document an IR was built from: the
//! bounds and composition of a body's root schema, a field's `x-stability-level`, the
//! constraints of a field or parameter whose schema is a `$ref`, a response header's
//! `nullable`. A diff given no documents skips the checks that need them.
//!
//! Everything here is a look-up by JSON pointer from a position the IR recorded (an operation's
//! or a type's pointer), so the cost is paid only where a check asks.

use crate::ir::{Constraints, ParamLocation};
use serde_json::Value;

/// `$ref` hops followed before giving up (a loop of references).
const MAX_REFS: usize = 32;

/// A fixed-up document.
#[derive(Debug, Clone, Copy)]
pub struct Raw<'a> {
    doc: &'a Value,
}

impl<'a> Raw<'a> {
    /// Look-ups into `doc`.
    pub fn new(doc: &'a Value) -> Self {
        Raw { doc }
    }

    /// `v`, or what its local `$ref`s lead to. A reference that leads nowhere is returned as it
    /// is: it then holds no keyword, which reads as "not declared".
    pub fn resolve(&self, mut v: &'a Value) -> &'a Value {
        for _ in 0..MAX_REFS {
            let Some(target) = v
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix('#'))
                .and_then(|p| self.doc.pointer(p))
            else {
                return v;
            };
            v = target;
        }
        v
    }

    /// The value at `ptr`, references followed.
    pub fn at(&self, ptr: &str) -> Option<&'a Value> {
        self.doc.pointer(ptr).map(|v| self.resolve(v))
    }

    /// The root schema of the request body of operation `op` (found with [`Raw::at`] once per
    /// operation: following a pointer is the costly part), sent as `content_type`.
    pub fn body_schema(&self, op: &'a Value, content_type: &str) -> Option<&'a Value> {
        let body = self.resolve(op.get("requestBody")?);
        let media = self.resolve(body.get("content")?.get(content_type)?);
        Some(self.resolve(media.get("schema")?))
    }

    /// The root schema of the JSON body of response `status` of operation `op`.
    pub fn response_schema(&self, op: &'a Value, status: &str) -> Option<&'a Value> {
        let response = self.resolve(op.get("responses")?.get(status)?);
        let content = response.get("content")?.as_object()?;
        let media = content
            .iter()
            .find(|(ct, _)| ct.contains("json"))
            .map(|(_, m)| self.resolve(m))?;
        Some(self.resolve(media.get("schema")?))
    }

    /// The schema of response header `name` of response `status` (header names compare
    /// without case, as in HTTP).
    pub fn header_schema(&self, op: &'a Value, status: &str, name: &str) -> Option<&'a Value> {
        let response = self.resolve(op.get("responses")?.get(status)?);
        let headers = response.get("headers")?.as_object()?;
        let (_, header) = headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name))?;
        Some(self.resolve(self.resolve(header).get("schema")?))
    }

    /// The parameters of operation `op` (look one up with [`Raw::param_schema`]).
    pub fn params(&self, op: &'a Value) -> Option<&'a [Value]> {
        self.resolve(op.get("parameters")?)
            .as_array()
            .map(Vec::as_slice)
    }

    /// The schema of parameter `name` in `location` among `params`, unresolved (so a caller
    /// can tell a `$ref` from a schema written in place).
    pub fn param_schema(
        &self,
        params: &'a [Value],
        name: &str,
        location: ParamLocation,
    ) -> Option<&'a Value> {
        let wanted = match location {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
            ParamLocation::Cookie => "cookie",
        };
        params
            .iter()
            .map(|p| self.resolve(p))
            .find(|p| p["name"] == name && p["in"] == wanted)?
            .get("schema")
    }

    /// The schema of property `name` of the object schema at `ptr`, looked for in its
    /// `properties` and then in those of its `allOf` members; unresolved.
    pub fn property(&self, ptr: &str, name: &str) -> Option<&'a Value> {
        self.property_of(self.at(ptr)?, name)
    }

    /// [`Raw::property`] of a schema already found (looking up the pointer is the costly part,
    /// so a caller with many properties of one schema finds it once).
    pub fn property_of(&self, schema: &'a Value, name: &str) -> Option<&'a Value> {
        self.property_in(schema, name, 0)
    }

    fn property_in(&self, schema: &'a Value, name: &str, depth: usize) -> Option<&'a Value> {
        if let Some(p) = schema.get("properties").and_then(|p| p.get(name)) {
            return Some(p);
        }
        if depth > MAX_REFS {
            return None;
        }
        schema
            .get("allOf")?
            .as_array()?
            .iter()
            .find_map(|m| self.property_in(self.resolve(m), name, depth + 1))
    }
}

/// The validation keywords of a schema (in OpenAPI 3.0's form: the fixups lower 3.1's numeric
/// `exclusiveMaximum`), or `None` when it has none. Read from the JSON rather than through
/// `openapiv3`, which would copy the whole subtree of a body's root.
pub fn constraints(s: &Value) -> Option<Constraints> {
    let num = |k: &str| s.get(k).and_then(Value::as_f64);
    let count = |k: &str| s.get(k).and_then(Value::as_u64).map(|n| n as usize);
    let flag = |k: &str| s.get(k).and_then(Value::as_bool).unwrap_or(false);
    let c = Constraints {
        minimum: num("minimum").map(|v| (v, flag("exclusiveMinimum"))),
        maximum: num("maximum").map(|v| (v, flag("exclusiveMaximum"))),
        min_length: count("minLength"),
        max_length: count("maxLength"),
        min_items: count("minItems"),
        max_items: count("maxItems"),
        pattern: s.get("pattern").and_then(Value::as_str).map(str::to_string),
        default: s.get("default").map(Value::to_string),
        read_only: flag("readOnly"),
        write_only: flag("writeOnly"),
        nullable: flag("nullable"),
    };
    (c != Constraints::default()).then_some(c)
}

/// `x-stability-level` of a schema, when declared.
pub fn stability(s: &Value) -> Option<String> {
    s.get("x-stability-level")
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// `x-stability-level` of a schema and whether it is a `$ref`, in one pass over its keys: a
/// diff reads these for tens of thousands of fields, and each hashed look-up costs more than
/// comparing the few keys a schema has.
pub fn stability_and_ref(s: &Value) -> (Option<&str>, bool) {
    let (mut level, mut is_ref) = (None, false);
    for (k, v) in s.as_object().into_iter().flatten() {
        match k.as_str() {
            "x-stability-level" => level = v.as_str(),
            "$ref" => is_ref = true,
            _ => {}
        }
    }
    (level, is_ref)
}

/// True when the schema is a `$ref` (its own keywords are then those of its target).
pub fn is_ref(s: &Value) -> bool {
    s.get("$ref").is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn references_are_followed_and_loops_end() {
        let doc = json!({"components": {"schemas": {
            "Name": {"type": "string", "maxLength": 5},
            "Alias": {"$ref": "#/components/schemas/Name"},
            "Loop": {"$ref": "#/components/schemas/Loop"},
            "Obj": {"allOf": [{"$ref": "#/components/schemas/Base"}]},
            "Base": {"properties": {"id": {"type": "integer", "x-stability-level": "beta"}}}
        }}});
        let raw = Raw::new(&doc);
        let alias = raw.at("/components/schemas/Alias").unwrap();
        assert_eq!(constraints(alias).unwrap().max_length, Some(5));
        // A loop of references ends on a `$ref` object, which declares nothing.
        assert!(constraints(raw.at("/components/schemas/Loop").unwrap()).is_none());
        let id = raw.property("/components/schemas/Obj", "id").unwrap();
        assert_eq!(stability(id).as_deref(), Some("beta"));
        assert!(raw.property("/components/schemas/Obj", "nope").is_none());
        assert!(raw.at("/nowhere").is_none());
    }

    #[test]
    fn bounds_read_as_the_ir_reads_them() {
        let c = constraints(&json!({"maximum": 10, "exclusiveMaximum": true, "minItems": 1}));
        let c = c.unwrap();
        assert_eq!((c.maximum, c.min_items), (Some((10.0, true)), Some(1)));
        assert!(constraints(&json!({"type": "object"})).is_none());
    }
}
