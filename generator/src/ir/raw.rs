//! Schemas read straight from the document's JSON, as `openapiv3` 2.2 would read them.
//!
//! The IR used to deserialise every schema into `openapiv3::Schema`, which makes serde buffer
//! and copy each one several times (its fields are flattened) and then clone it again where the
//! converter needed an owned one: two thirds of the IR stage. The converter now reads the JSON
//! in place, and this module is what keeps it faithful to the typed parse:
//! - [`valid`] says whether `ReferenceOr<Schema>` would deserialise a value. Where it would not,
//!   the caller runs the typed parse itself, so the diagnostic is word for word the old one.
//! - [`kind`] picks the variant `openapiv3`'s `SchemaKind` deserialiser picks: a `type` whose
//!   other keywords all belong to it, else a lone `oneOf`/`allOf`/`anyOf`/`not`, else "any".
//!
//! A keyword whose value is `null` counts as absent, as it does for the `Option` fields there.

use crate::json::lookup;
use serde_json::{Map, Value};

/// A schema object.
pub type Schema = Map<String, Value>;

/// The variant of `openapiv3::SchemaKind` a schema reads as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `Type::String`.
    String,
    /// `Type::Number`.
    Number,
    /// `Type::Integer`.
    Integer,
    /// `Type::Boolean`.
    Boolean,
    /// `Type::Object`.
    Object,
    /// `Type::Array`.
    Array,
    /// `SchemaKind::OneOf`.
    OneOf,
    /// `SchemaKind::AllOf`.
    AllOf,
    /// `SchemaKind::AnyOf`.
    AnyOf,
    /// `SchemaKind::Not`.
    Not,
    /// `SchemaKind::Any`: everything else.
    Any,
}

// The keywords `SchemaKind` reads besides `type`, one bit each.
const PATTERN: u32 = 1;
const MULTIPLE_OF: u32 = 1 << 1;
const EXCLUSIVE_MINIMUM: u32 = 1 << 2;
const EXCLUSIVE_MAXIMUM: u32 = 1 << 3;
const MINIMUM: u32 = 1 << 4;
const MAXIMUM: u32 = 1 << 5;
const PROPERTIES: u32 = 1 << 6;
const REQUIRED: u32 = 1 << 7;
const ADDITIONAL_PROPERTIES: u32 = 1 << 8;
const MIN_PROPERTIES: u32 = 1 << 9;
const MAX_PROPERTIES: u32 = 1 << 10;
const ITEMS: u32 = 1 << 11;
const MIN_ITEMS: u32 = 1 << 12;
const MAX_ITEMS: u32 = 1 << 13;
const UNIQUE_ITEMS: u32 = 1 << 14;
const ENUM: u32 = 1 << 15;
const FORMAT: u32 = 1 << 16;
const MIN_LENGTH: u32 = 1 << 17;
const MAX_LENGTH: u32 = 1 << 18;
const ONE_OF: u32 = 1 << 19;
const ALL_OF: u32 = 1 << 20;
const ANY_OF: u32 = 1 << 21;
const NOT: u32 = 1 << 22;

/// What each typed variant may hold besides `type` (its own fields).
const STRING_OK: u32 = PATTERN | ENUM | FORMAT | MIN_LENGTH | MAX_LENGTH;
const NUMBER_OK: u32 =
    MULTIPLE_OF | EXCLUSIVE_MINIMUM | EXCLUSIVE_MAXIMUM | MINIMUM | MAXIMUM | ENUM | FORMAT;
const BOOLEAN_OK: u32 = ENUM;
const OBJECT_OK: u32 =
    PROPERTIES | REQUIRED | ADDITIONAL_PROPERTIES | MIN_PROPERTIES | MAX_PROPERTIES;
const ARRAY_OK: u32 = ITEMS | MIN_ITEMS | MAX_ITEMS | UNIQUE_ITEMS;

/// The bit of a `SchemaKind` keyword, 0 for any other key.
fn bit(key: &str) -> u32 {
    match key {
        "pattern" => PATTERN,
        "multipleOf" => MULTIPLE_OF,
        "exclusiveMinimum" => EXCLUSIVE_MINIMUM,
        "exclusiveMaximum" => EXCLUSIVE_MAXIMUM,
        "minimum" => MINIMUM,
        "maximum" => MAXIMUM,
        "properties" => PROPERTIES,
        "required" => REQUIRED,
        "additionalProperties" => ADDITIONAL_PROPERTIES,
        "minProperties" => MIN_PROPERTIES,
        "maxProperties" => MAX_PROPERTIES,
        "items" => ITEMS,
        "minItems" => MIN_ITEMS,
        "maxItems" => MAX_ITEMS,
        "uniqueItems" => UNIQUE_ITEMS,
        "enum" => ENUM,
        "format" => FORMAT,
        "minLength" => MIN_LENGTH,
        "maxLength" => MAX_LENGTH,
        "oneOf" => ONE_OF,
        "allOf" => ALL_OF,
        "anyOf" => ANY_OF,
        "not" => NOT,
        _ => 0,
    }
}

/// The keyword `k` of `s`, `None` when absent or `null`.
pub fn get<'v>(s: &'v Schema, k: &str) -> Option<&'v Value> {
    lookup(s, k).filter(|v| !v.is_null())
}

/// A string keyword.
pub fn str_of<'v>(s: &'v Schema, k: &str) -> Option<&'v str> {
    get(s, k).and_then(Value::as_str)
}

/// A boolean keyword of `SchemaData` (`nullable`, `readOnly`, ...), false when absent.
pub fn flag(s: &Schema, k: &str) -> bool {
    lookup(s, k).and_then(Value::as_bool).unwrap_or(false)
}

/// The list of a `oneOf`/`allOf`/`anyOf` keyword (empty when absent).
pub fn list<'v>(s: &'v Schema, k: &str) -> &'v [Value] {
    get(s, k)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// The properties of an object schema, in order (none when absent).
pub fn properties(s: &Schema) -> Option<&Schema> {
    get(s, "properties").and_then(Value::as_object)
}

/// The `required` names of an object schema.
pub fn required(s: &Schema) -> Vec<&str> {
    list(s, "required")
        .iter()
        .filter_map(Value::as_str)
        .collect()
}

/// The target of a `$ref`: `ReferenceOr` reads an object with a string `$ref` as a reference,
/// whatever else it holds.
pub fn ref_of(v: &Value) -> Option<&str> {
    lookup(v.as_object()?, "$ref")?.as_str()
}

/// `additionalProperties`, as `openapiv3::AdditionalProperties` reads it.
pub enum Additional<'v> {
    /// `true` or `false`.
    Any(bool),
    /// A schema (or reference).
    Schema(&'v Value),
}

/// The `additionalProperties` of a schema, `None` when absent.
pub fn additional(s: &Schema) -> Option<Additional<'_>> {
    get(s, "additionalProperties").map(|v| match v {
        Value::Bool(b) => Additional::Any(*b),
        v => Additional::Schema(v),
    })
}

/// The variant `openapiv3` reads a (valid) schema object as.
pub fn kind(s: &Schema) -> Kind {
    let mut present = 0;
    let mut typ = None;
    for (k, v) in s {
        if v.is_null() {
            continue;
        }
        if k == "type" {
            typ = v.as_str();
        } else {
            present |= bit(k);
        }
    }
    let only = |allowed: u32| present & !allowed == 0;
    let enum_all = |ok: fn(&Value) -> bool| {
        lookup(s, "enum")
            .and_then(Value::as_array)
            .is_none_or(|a| a.iter().all(|v| v.is_null() || ok(v)))
    };
    let int_or_absent = |k: &str| get(s, k).is_none_or(Value::is_i64);
    match typ {
        Some("string") if only(STRING_OK) && enum_all(Value::is_string) => Kind::String,
        Some("number") if only(NUMBER_OK) && enum_all(Value::is_number) => Kind::Number,
        Some("integer")
            if only(NUMBER_OK)
                && enum_all(Value::is_i64)
                && int_or_absent("multipleOf")
                && int_or_absent("minimum")
                && int_or_absent("maximum") =>
        {
            Kind::Integer
        }
        Some("boolean") if only(BOOLEAN_OK) && enum_all(Value::is_boolean) => Kind::Boolean,
        Some("object") if only(OBJECT_OK) => Kind::Object,
        Some("array") if only(ARRAY_OK) => Kind::Array,
        Some(_) => Kind::Any,
        None if present == ONE_OF => Kind::OneOf,
        None if present == ALL_OF => Kind::AllOf,
        None if present == ANY_OF => Kind::AnyOf,
        None if present == NOT => Kind::Not,
        None => Kind::Any,
    }
}

/// True when `openapiv3::ReferenceOr<Schema>` would deserialise `v`.
pub fn valid(v: &Value) -> bool {
    ref_of(v).is_some() || valid_schema(v)
}

/// True when `openapiv3::Schema` would deserialise `v` (a `$ref` in it is then ignored).
pub fn valid_schema(v: &Value) -> bool {
    let Value::Object(s) = v else { return false };
    s.iter().all(|(k, v)| keyword_fits(k, v))
}

/// True when keyword `k` of a schema may hold `v` (`SchemaData` and `SchemaKind` fields).
fn keyword_fits(k: &str, v: &Value) -> bool {
    let opt = |ok: fn(&Value) -> bool| v.is_null() || ok(v);
    match k {
        // `bool` fields of `SchemaData`: `null` is not `false`.
        "nullable" | "readOnly" | "writeOnly" | "deprecated" => v.is_boolean(),
        "title" | "description" | "type" | "pattern" | "format" => opt(Value::is_string),
        "externalDocs" => opt(external_docs_fit),
        "discriminator" => opt(discriminator_fits),
        "multipleOf" | "minimum" | "maximum" => opt(Value::is_number),
        "exclusiveMinimum" | "exclusiveMaximum" | "uniqueItems" => opt(Value::is_boolean),
        "minProperties" | "maxProperties" | "minItems" | "maxItems" | "minLength" | "maxLength" => {
            opt(Value::is_u64)
        }
        "required" => opt(|v| v.as_array().is_some_and(|a| a.iter().all(Value::is_string))),
        "enum" => opt(Value::is_array),
        "properties" => opt(|v| v.as_object().is_some_and(|m| m.values().all(valid))),
        "items" | "not" => opt(valid),
        "additionalProperties" => opt(|v| v.is_boolean() || valid(v)),
        "oneOf" | "allOf" | "anyOf" => opt(|v| v.as_array().is_some_and(|a| a.iter().all(valid))),
        _ => true,
    }
}

/// `openapiv3::ExternalDocumentation`: a `url` string and an optional `description` string.
fn external_docs_fit(v: &Value) -> bool {
    let Value::Object(m) = v else { return false };
    m.get("url").is_some_and(Value::is_string)
        && m.get("description")
            .is_none_or(|d| d.is_null() || d.is_string())
}

/// `openapiv3::Discriminator`: a `propertyName` string and a map of strings as `mapping`.
fn discriminator_fits(v: &Value) -> bool {
    let Value::Object(m) = v else { return false };
    m.get("propertyName").is_some_and(Value::is_string)
        && m.get("mapping").is_none_or(|m| {
            m.as_object()
                .is_some_and(|m| m.values().all(Value::is_string))
        })
}

/// True when the schema, as `openapiv3` would write it back out, holds an object with
/// `format: binary` and without `marker` anywhere: the keywords its variant does not keep (a
/// `format` on an object schema, unknown non-`x-` keys) do not count, values of `example`,
/// `default`, `enum` and extensions do.
pub fn has_format_binary(v: &Value, marker: &str) -> bool {
    // An explicit stack: schemas nest as deep as the document.
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        if ref_of(v).is_some() {
            continue;
        }
        let Value::Object(s) = v else { continue };
        let kind = kind(s);
        let keeps_format = matches!(
            kind,
            Kind::String | Kind::Number | Kind::Integer | Kind::Any
        );
        if keeps_format && str_of(s, "format") == Some("binary") && !s.contains_key(marker) {
            return true;
        }
        for (k, child) in s {
            match k.as_str() {
                "example" | "default" => {
                    if any_json_binary(child, marker) {
                        return true;
                    }
                }
                "enum" if kind == Kind::Any => {
                    if any_json_binary(child, marker) {
                        return true;
                    }
                }
                k if k.starts_with("x-") => {
                    if any_json_binary(child, marker) {
                        return true;
                    }
                }
                "externalDocs" | "discriminator" => {
                    if kept_parts_binary(child, marker) {
                        return true;
                    }
                }
                _ => stack.extend(subschemas(kind, k, child)),
            }
        }
    }
    false
}

/// [`has_format_binary`] for `externalDocs` and `discriminator`, which keep only their own
/// fields and extensions (a discriminator's `mapping` is a plain map that may say anything).
fn kept_parts_binary(v: &Value, marker: &str) -> bool {
    let Value::Object(m) = v else { return false };
    let ext = m.iter().filter(|(k, _)| k.starts_with("x-"));
    ext.into_iter().any(|(_, v)| any_json_binary(v, marker))
        || m.get("mapping").is_some_and(|v| any_json_binary(v, marker))
}

/// The subschemas under keyword `k` that variant `kind` keeps.
fn subschemas<'v>(kind: Kind, k: &str, child: &'v Value) -> Vec<&'v Value> {
    let keeps = match k {
        "properties" | "additionalProperties" => matches!(kind, Kind::Object | Kind::Any),
        "items" => matches!(kind, Kind::Array | Kind::Any),
        "oneOf" => matches!(kind, Kind::OneOf | Kind::Any),
        "allOf" => matches!(kind, Kind::AllOf | Kind::Any),
        "anyOf" => matches!(kind, Kind::AnyOf | Kind::Any),
        "not" => matches!(kind, Kind::Not | Kind::Any),
        _ => false,
    };
    match child {
        _ if !keeps => vec![],
        Value::Object(m) if k == "properties" => m.values().collect(),
        Value::Array(a) if k != "items" => a.iter().collect(),
        Value::Bool(_) | Value::Null => vec![],
        v => vec![v],
    }
}

/// True when any object inside a plain JSON value has `format: binary` and not `marker`.
fn any_json_binary(v: &Value, marker: &str) -> bool {
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(m) => {
                if m.get("format").and_then(Value::as_str) == Some("binary")
                    && !m.contains_key(marker)
                {
                    return true;
                }
                stack.extend(m.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The variant `openapiv3` itself picks, for comparison.
    fn typed_kind(v: &Value) -> Option<Kind> {
        use openapiv3::{SchemaKind as K, Type as T};
        let s: openapiv3::Schema = serde_json::from_value(v.clone()).ok()?;
        Some(match s.schema_kind {
            K::Type(T::String(_)) => Kind::String,
            K::Type(T::Number(_)) => Kind::Number,
            K::Type(T::Integer(_)) => Kind::Integer,
            K::Type(T::Boolean(_)) => Kind::Boolean,
            K::Type(T::Object(_)) => Kind::Object,
            K::Type(T::Array(_)) => Kind::Array,
            K::OneOf { .. } => Kind::OneOf,
            K::AllOf { .. } => Kind::AllOf,
            K::AnyOf { .. } => Kind::AnyOf,
            K::Not { .. } => Kind::Not,
            K::Any(_) => Kind::Any,
        })
    }

    fn cases() -> Vec<Value> {
        vec![
            json!({"type": "string", "format": "binary", "enum": ["a", null]}),
            json!({"type": "string", "enum": [1]}),
            json!({"type": "string", "minimum": 1}),
            json!({"type": "string", "required": []}),
            json!({"type": "string", "uniqueItems": false}),
            json!({"type": "integer", "maximum": 18446744073709551615u64}),
            json!({"type": "integer", "minimum": 1.5}),
            json!({"type": "integer", "enum": [1, null, 2]}),
            json!({"type": "number", "minimum": 1, "enum": [1.5]}),
            json!({"type": "boolean", "format": "x"}),
            json!({"type": "boolean", "enum": [true]}),
            json!({"type": "object", "format": "binary", "properties": {}}),
            json!({"type": "object", "properties": {"a": {"$ref": "#/x"}}, "additionalProperties": true}),
            json!({"type": "array", "items": {"type": "string"}, "minItems": 1}),
            json!({"type": "array", "items": {"type": "string"}, "minItems": null, "enum": null}),
            json!({"type": "file"}),
            json!({"type": null, "oneOf": [{}]}),
            json!({"oneOf": [{}], "description": "x", "nullable": true}),
            json!({"oneOf": [{}], "anyOf": [{}]}),
            json!({"allOf": [{}]}),
            json!({"anyOf": [{}]}),
            json!({"not": {}}),
            json!({"properties": {"a": {}}}),
            json!({"x-y": {"format": "binary"}, "example": 3}),
            json!({"discriminator": {"propertyName": "k", "mapping": {"format": "binary"}}}),
            json!({"externalDocs": {"url": "u", "format": "binary", "x-e": [{"format": "binary"}]}}),
            json!({"type": "array", "items": ["#/x"], "default": {"format": "binary"}}),
            json!({}),
            // Not schemas at all.
            json!({"nullable": null}),
            json!({"minLength": -1}),
            json!({"minLength": 1.0}),
            json!({"properties": {"a": 3}}),
            json!({"items": "x"}),
            json!({"additionalProperties": 3}),
            json!({"externalDocs": {"url": "u", "description": 5}}),
            json!({"externalDocs": {"description": "d"}}),
            json!({"discriminator": {"propertyName": "k", "mapping": {"a": 1}}}),
            json!({"discriminator": {"propertyName": "k", "mapping": null}}),
            json!({"required": ["a", 1]}),
            json!({"title": 3}),
            json!({"oneOf": [{"$ref": 3}]}),
            json!({"oneOf": [["#/a"]]}),
            json!({"oneOf": [{"$ref": "#/a", "type": 5}]}),
        ]
    }

    #[test]
    fn reads_schemas_as_openapiv3_does() {
        for v in cases() {
            let typed = typed_kind(&v);
            let ours = valid(&v).then(|| kind(v.as_object().unwrap()));
            assert_eq!(ours, typed, "{v}");
        }
    }

    /// Schemas of random keywords with values of random kinds, nested a little.
    fn random_schemas(n: usize) -> Vec<Value> {
        const KEYS: &[&str] = &[
            "type",
            "type",
            "type",
            "format",
            "format",
            "enum",
            "properties",
            "items",
            "required",
            "additionalProperties",
            "oneOf",
            "allOf",
            "anyOf",
            "not",
            "minimum",
            "maximum",
            "multipleOf",
            "minLength",
            "maxItems",
            "uniqueItems",
            "pattern",
            "nullable",
            "description",
            "title",
            "default",
            "example",
            "x-m",
            "x-e",
            "$ref",
            "discriminator",
            "externalDocs",
            "exclusiveMinimum",
            "minProperties",
            "unknown",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move |m: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % m as u64) as usize
        };
        fn leaf(r: usize) -> Value {
            [
                json!(null),
                json!(true),
                json!(1),
                json!(-1),
                json!(1.5),
                json!(18446744073709551615u64),
                json!("string"),
                json!("binary"),
                json!("object"),
                json!("integer"),
                json!([]),
                json!(["a", null]),
                json!([1]),
                json!({"format": "binary"}),
                json!({"url": "u", "propertyName": "p"}),
                json!({"$ref": "#/a"}),
            ][r % 16]
                .clone()
        }
        fn schema(next: &mut dyn FnMut(usize) -> usize, depth: usize) -> Value {
            let mut m = serde_json::Map::new();
            for _ in 0..next(5) {
                let k = KEYS[next(KEYS.len())];
                let v = match (k, next(3)) {
                    ("properties", 0) if depth < 3 => json!({"p": schema(next, depth + 1)}),
                    ("items" | "not" | "additionalProperties", 0) if depth < 3 => {
                        schema(next, depth + 1)
                    }
                    ("oneOf" | "allOf" | "anyOf", 0) if depth < 3 => {
                        json!([schema(next, depth + 1), schema(next, depth + 1)])
                    }
                    ("type", _) => json!(
                        ["string", "number", "integer", "boolean", "object", "array", "file"]
                            [next(7)]
                    ),
                    _ => leaf(next(16)),
                };
                m.insert(k.to_string(), v);
            }
            Value::Object(m)
        }
        (0..n).map(|_| schema(&mut next, 0)).collect()
    }

    #[test]
    fn random_schemas_read_as_openapiv3_reads_them() {
        let marker = "x-m";
        let (mut read, mut binary_seen) = (0, 0);
        for v in random_schemas(20_000) {
            let typed: Result<openapiv3::ReferenceOr<openapiv3::Schema>, _> =
                serde_json::from_value(v.clone());
            assert_eq!(valid(&v), typed.is_ok(), "{v}");
            let Ok(typed) = typed else { continue };
            read += 1;
            binary_seen += usize::from(has_format_binary(&v, marker));
            if ref_of(&v).is_none() {
                assert_eq!(Some(kind(v.as_object().unwrap())), typed_kind(&v), "{v}");
            }
            let written = serde_json::to_value(&typed).unwrap();
            let binary = any_json_binary(&written, marker);
            assert_eq!(has_format_binary(&v, marker), binary, "{v}");
        }
        // The cases must exercise both answers.
        assert!(read > 2_000 && binary_seen > 100, "{read} {binary_seen}");
    }

    #[test]
    fn binary_formats_as_the_typed_schema_writes_them() {
        let marker = "x-m";
        for v in cases().into_iter().filter(valid) {
            let s: openapiv3::ReferenceOr<openapiv3::Schema> =
                serde_json::from_value(v.clone()).unwrap();
            let written = serde_json::to_value(&s).unwrap();
            assert_eq!(
                has_format_binary(&v, marker),
                any_json_binary(&written, marker),
                "{v}"
            );
        }
        let nested = json!({"type": "object", "properties": {"f": {"type": "string",
            "format": "binary"}, "g": {"type": "string", "format": "binary", "x-m": true}}});
        assert!(has_format_binary(&nested, marker));
        let marked = json!({"type": "string", "format": "binary", "x-m": true});
        assert!(!has_format_binary(&marked, marker));
    }
}
