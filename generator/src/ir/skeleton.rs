//! The typed parse of operations, parameters, request bodies and responses, without their
//! schemas.
//!
//! `openapiv3` would copy every schema several times while parsing it (see `ir::raw`), and the
//! schemas are nearly all of an operation. So each is swapped for a marker, a reference that
//! names its place (a JSON pointer from the value parsed) before the parse; the converter reads
//! the schema there ([`schema_at`]). Each schema swapped out is checked with [`raw::valid`]; when one would not
//! parse, or the rest does not, the whole is parsed as it is, so the error is the one the typed
//! parse has always reported.

use super::direct::Direct;
use super::error::IrError;
use super::raw;
use crate::diag::escape_token;
use openapiv3::ReferenceOr;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// What a value is parsed as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Part {
    /// `openapiv3::Operation`.
    Operation,
    /// `ReferenceOr<openapiv3::Parameter>`.
    Parameter,
    /// `ReferenceOr<openapiv3::RequestBody>`.
    RequestBody,
    /// `ReferenceOr<openapiv3::Response>`.
    Response,
}

/// Starts a marker's `$ref`: the JSON pointer of the schema follows.
const MARK: char = '\0';

/// Parses `value` as `T` (a `part`), its schemas swapped for markers: read directly where
/// [`Direct`] can, else by serde. The error, when there is one, is that of parsing `value` whole.
pub(super) fn parse<T: DeserializeOwned + Direct>(
    value: &Value,
    part: Part,
) -> Result<T, serde_json::Error> {
    match T::direct(value, "") {
        Some(t) => Ok(t),
        None => parse_serde(value, part),
    }
}

/// [`parse`] by serde alone.
pub(super) fn parse_serde<T: DeserializeOwned>(
    value: &Value,
    part: Part,
) -> Result<T, serde_json::Error> {
    let mut schemas = Vec::new();
    let light = skeleton(value, "", part, &mut schemas);
    if schemas.iter().all(|s| raw::valid(s)) {
        if let Ok(t) = T::deserialize(&light) {
            return Ok(t);
        }
    }
    match T::deserialize(value) {
        Err(e) => Err(e),
        // Never expected (`raw::valid` is as strict as the typed parse): the markers still
        // lead to the schemas.
        Ok(_) => T::deserialize(&light),
    }
}

/// The schema a marker left by [`parse`] stands for, in `base` (the value parsed); `at` is the
/// pointer for the error.
pub(super) fn schema_at<'a>(
    base: &'a Value,
    marker: &ReferenceOr<openapiv3::Schema>,
    at: &str,
) -> Result<&'a Value, IrError> {
    let found = match marker {
        ReferenceOr::Reference { reference } => reference
            .strip_prefix(MARK)
            .and_then(|ptr| at_pointer(base, ptr)),
        ReferenceOr::Item(_) => None,
    };
    found.ok_or_else(|| IrError::new(at, "schema not found (generator bug)"))
}

/// `base.pointer(ptr)`, without copying tokens that need no unescaping (this runs for every
/// schema position of every operation).
fn at_pointer<'a>(mut v: &'a Value, ptr: &str) -> Option<&'a Value> {
    for token in ptr.split('/').skip(1) {
        let token: std::borrow::Cow<str> = if token.contains('~') {
            token.replace("~1", "/").replace("~0", "~").into()
        } else {
            token.into()
        };
        v = match v {
            Value::Object(m) => crate::json::lookup(m, &token)?,
            Value::Array(a) => a.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(v)
}

/// A copy of `value` (a `part` at `ptr` in the value parsed) with the schemas of its parameters, request body and
/// responses swapped for markers; the schemas swapped out are added to `schemas`.
fn skeleton<'v>(value: &'v Value, ptr: &str, part: Part, schemas: &mut Vec<&'v Value>) -> Value {
    let Value::Object(m) = value else {
        return value.clone();
    };
    let mut out = Map::new();
    for (k, v) in m {
        let v = match (part, k.as_str()) {
            (Part::Operation, "parameters") => match v {
                Value::Array(list) => Value::Array(
                    list.iter()
                        .enumerate()
                        .map(|(i, p)| {
                            let at = format!("{ptr}/parameters/{i}");
                            skeleton(p, &at, Part::Parameter, schemas)
                        })
                        .collect(),
                ),
                v => v.clone(),
            },
            (Part::Operation, "requestBody") => {
                skeleton(v, &format!("{ptr}/requestBody"), Part::RequestBody, schemas)
            }
            (Part::Operation, "responses") => match v {
                Value::Object(rs) => Value::Object(
                    rs.iter()
                        .map(|(code, r)| {
                            let r = if code.starts_with("x-") {
                                r.clone()
                            } else {
                                let at = format!("{ptr}/responses/{}", escape_token(code));
                                skeleton(r, &at, Part::Response, schemas)
                            };
                            (code.clone(), r)
                        })
                        .collect(),
                ),
                v => v.clone(),
            },
            // A parameter's `schema` is required to be one: any value is swapped (and checked).
            (Part::Parameter, "schema") => marker(v, &format!("{ptr}/schema"), schemas),
            (Part::RequestBody | Part::Response, "content") => match v {
                Value::Object(media) => Value::Object(
                    media
                        .iter()
                        .map(|(ct, mt)| {
                            let at = format!("{ptr}/content/{}", escape_token(ct));
                            (ct.clone(), media_type(mt, &at, schemas))
                        })
                        .collect(),
                ),
                v => v.clone(),
            },
            _ => v.clone(),
        };
        out.insert(k.clone(), v);
    }
    Value::Object(out)
}

/// A media type object with its `schema` swapped (a `null` one means none, and stays).
fn media_type<'v>(value: &'v Value, ptr: &str, schemas: &mut Vec<&'v Value>) -> Value {
    let Value::Object(m) = value else {
        return value.clone();
    };
    let swap = |(k, v): (&String, &'v Value), schemas: &mut Vec<&'v Value>| {
        let v = if k == "schema" && !v.is_null() {
            marker(v, &format!("{ptr}/schema"), schemas)
        } else {
            v.clone()
        };
        (k.clone(), v)
    };
    Value::Object(m.iter().map(|kv| swap(kv, schemas)).collect())
}

/// The reference of the marker for the schema at `ptr`.
pub(super) fn marker_ref(ptr: &str) -> String {
    format!("{MARK}{ptr}")
}

/// The marker for the schema `v` at `ptr`.
fn marker<'v>(v: &'v Value, ptr: &str, schemas: &mut Vec<&'v Value>) -> Value {
    schemas.push(v);
    let mut m = Map::new();
    m.insert("$ref".into(), Value::String(marker_ref(ptr)));
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn op() -> Value {
        json!({"paths": {"/a": {"post": {
            "parameters": [{"name": "q", "in": "query", "schema": {"type": "integer"}}],
            "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}},
            "responses": {"2XX": {"description": "", "content": {"text/plain": {"schema": null}}},
                          "default": {"description": "", "content": {"a/b": {"schema": {}}}}}
        }}}})
    }

    #[test]
    fn markers_lead_back_to_the_schemas() {
        let doc = op();
        let doc = &doc["paths"]["/a"]["post"];
        let parsed: openapiv3::Operation = parse(doc, Part::Operation).unwrap();
        let ReferenceOr::Item(openapiv3::Parameter::Query { parameter_data, .. }) =
            &parsed.parameters[0]
        else {
            panic!("{parsed:?}")
        };
        let openapiv3::ParameterSchemaOrContent::Schema(s) = &parameter_data.format else {
            panic!()
        };
        assert_eq!(schema_at(doc, s, "").unwrap(), &json!({"type": "integer"}));
        let ReferenceOr::Item(rb) = parsed.request_body.as_ref().unwrap() else {
            panic!()
        };
        let s = rb.content["application/json"].schema.as_ref().unwrap();
        assert_eq!(schema_at(doc, s, "").unwrap(), &json!({"type": "object"}));
        let ReferenceOr::Item(r) = &parsed.responses.responses.values().next().unwrap() else {
            panic!()
        };
        assert!(r.content["text/plain"].schema.is_none());
    }

    #[test]
    fn pointers_are_followed_as_serde_json_follows_them() {
        let v = json!({"a/b": {"c~d": [0, {"e": 1}]}, "": 2});
        for ptr in ["", "/a~1b", "/a~1b/c~0d/1/e", "/a~1b/c~0d/2", "/", "/x"] {
            assert_eq!(at_pointer(&v, ptr), v.pointer(ptr), "{ptr}");
        }
    }

    #[test]
    fn errors_are_those_of_the_whole() {
        let mut doc = op();
        let bad = json!({"type": "integer", "minLength": -1});
        doc["paths"]["/a"]["post"]["parameters"][0]["schema"] = bad;
        let raw = &doc["paths"]["/a"]["post"];
        let ours = parse::<openapiv3::Operation>(raw, Part::Operation).unwrap_err();
        let whole = openapiv3::Operation::deserialize(raw).unwrap_err();
        assert_eq!(ours.to_string(), whole.to_string());
    }

    use serde::Deserialize;
}
