//! The typed parse of [`skeleton::parse`](super::skeleton::parse), read straight from the
//! document for the shapes operations nearly always have.
//!
//! `openapiv3` reads an operation through serde's buffering: its `ReferenceOr`s are untagged,
//! `Parameter` is tagged by `in`, and every struct flattens its extensions, so each value is
//! copied into serde's `Content` two or three times before it is read (a quarter of the IR's
//! time). This reader builds the same values directly. It knows only the keys and value types
//! Procore's file uses; on anything else (a key it does not know, a value of another type, a
//! `null`, a schema the typed parse would refuse) it answers `None` and the serde parse decides,
//! so its answer, when it gives one, is always the one that parse gives
//! ([`audit`] compares the two reads: the test `the_stand_ins_are_read_directly_as_serde_reads_them`
//! on every operation and component of the stand-ins, and `xtask fuzz` on every mutant).
//!
//! Schemas are left out as [`skeleton`](super::skeleton) leaves them: a marker reference naming
//! the schema's place, checked with [`raw::valid`].

use super::raw;
use crate::diag::escape_token;
use indexmap::IndexMap;
use openapiv3::{
    HeaderStyle, MediaType, Operation, Parameter, ParameterData, ParameterSchemaOrContent,
    PathStyle, QueryStyle, ReferenceOr, RequestBody, Response, Responses, Schema, StatusCode,
};
use serde_json::{Map, Value};

/// A value [`skeleton::parse`](super::skeleton::parse) can read without serde.
pub(super) trait Direct: Sized {
    /// `value` (at `ptr` in the value parsed) as the typed parse reads it with its schemas
    /// swapped for markers, or `None` to leave it to that parse.
    fn direct(value: &Value, ptr: &str) -> Option<Self>;
}

impl Direct for Operation {
    fn direct(value: &Value, ptr: &str) -> Option<Self> {
        let mut op = Operation::default();
        let mut responses = None;
        for (k, v) in value.as_object()? {
            match k.as_str() {
                "tags" => op.tags = v.as_array()?.iter().map(string).collect::<Option<_>>()?,
                "summary" => op.summary = Some(string(v)?),
                "description" => op.description = Some(string(v)?),
                "operationId" => op.operation_id = Some(string(v)?),
                "deprecated" => op.deprecated = v.as_bool()?,
                "parameters" => {
                    op.parameters = v
                        .as_array()?
                        .iter()
                        .enumerate()
                        .map(|(i, p)| Direct::direct(p, &format!("{ptr}/parameters/{i}")))
                        .collect::<Option<_>>()?;
                }
                "requestBody" => {
                    op.request_body = Some(Direct::direct(v, &format!("{ptr}/requestBody"))?);
                }
                "responses" => responses = Some(self::responses(v, &format!("{ptr}/responses"))?),
                _ => extension(&mut op.extensions, k, v)?,
            }
        }
        op.responses = responses?;
        Some(op)
    }
}

impl<T: Item> Direct for ReferenceOr<T> {
    fn direct(value: &Value, ptr: &str) -> Option<Self> {
        let m = value.as_object()?;
        match m.get("$ref") {
            // `ReferenceOr` tries the reference first and ignores its siblings; a reference with
            // siblings is left to it all the same.
            Some(Value::String(r)) if m.len() == 1 => Some(ReferenceOr::Reference {
                reference: r.clone(),
            }),
            Some(_) => None,
            None => T::item(m, ptr).map(ReferenceOr::Item),
        }
    }
}

impl<T: Item> Direct for T {
    fn direct(value: &Value, ptr: &str) -> Option<Self> {
        T::item(value.as_object()?, ptr)
    }
}

/// An object that may stand in a `ReferenceOr`.
pub(super) trait Item: Sized {
    /// The object `m` at `ptr`, or `None` to leave it to serde.
    fn item(m: &Map<String, Value>, ptr: &str) -> Option<Self>;
}

impl Item for Parameter {
    fn item(m: &Map<String, Value>, ptr: &str) -> Option<Self> {
        let mut data = ParameterData {
            name: String::new(),
            description: None,
            required: false,
            deprecated: None,
            format: ParameterSchemaOrContent::Content(IndexMap::new()),
            example: None,
            examples: IndexMap::new(),
            explode: None,
            extensions: IndexMap::new(),
        };
        let (mut name, mut schema, mut place, mut style) = (None, None, None, None);
        for (k, v) in m {
            match k.as_str() {
                "name" => name = Some(string(v)?),
                "in" => place = Some(v.as_str()?),
                "description" => data.description = Some(string(v)?),
                "required" => data.required = v.as_bool()?,
                "deprecated" => data.deprecated = Some(v.as_bool()?),
                "explode" => data.explode = Some(v.as_bool()?),
                "example" if !v.is_null() => data.example = Some(v.clone()),
                "style" => style = Some(v.as_str()?),
                "schema" => schema = Some(marker(v, &format!("{ptr}/schema"))?),
                _ => extension(&mut data.extensions, k, v)?,
            }
        }
        data.name = name?;
        data.format = ParameterSchemaOrContent::Schema(schema?);
        Some(match place? {
            "query" => Parameter::Query {
                parameter_data: data,
                allow_reserved: false,
                style: match style {
                    None | Some("form") => QueryStyle::Form,
                    Some("spaceDelimited") => QueryStyle::SpaceDelimited,
                    Some("pipeDelimited") => QueryStyle::PipeDelimited,
                    Some("deepObject") => QueryStyle::DeepObject,
                    Some(_) => return None,
                },
                allow_empty_value: None,
            },
            "path" => Parameter::Path {
                parameter_data: data,
                style: match style {
                    None | Some("simple") => PathStyle::Simple,
                    Some("label") => PathStyle::Label,
                    Some("matrix") => PathStyle::Matrix,
                    Some(_) => return None,
                },
            },
            "header" => Parameter::Header {
                parameter_data: data,
                style: match style {
                    None | Some("simple") => HeaderStyle::Simple,
                    Some(_) => return None,
                },
            },
            _ => return None,
        })
    }
}

impl Item for RequestBody {
    fn item(m: &Map<String, Value>, ptr: &str) -> Option<Self> {
        let mut body = RequestBody::default();
        for (k, v) in m {
            match k.as_str() {
                "description" => body.description = Some(string(v)?),
                "required" => body.required = v.as_bool()?,
                "content" => body.content = content(v, ptr)?,
                _ => extension(&mut body.extensions, k, v)?,
            }
        }
        Some(body)
    }
}

impl Item for Response {
    fn item(m: &Map<String, Value>, ptr: &str) -> Option<Self> {
        let mut response = Response::default();
        let mut description = None;
        for (k, v) in m {
            match k.as_str() {
                "description" => description = Some(string(v)?),
                "content" => response.content = content(v, ptr)?,
                _ => extension(&mut response.extensions, k, v)?,
            }
        }
        response.description = description?;
        Some(response)
    }
}

/// An operation's `responses` at `ptr`. Only codes written as `openapiv3` would read them back
/// (`200`, `2XX`) are read here: other spellings it reads as the same code (`2xx`), or skips.
fn responses(value: &Value, ptr: &str) -> Option<Responses> {
    let codes = value.as_object()?;
    // Sized as serde sizes them: these maps hold 1 KB values, and would grow to three slots.
    let mut out = Responses {
        responses: IndexMap::with_capacity(codes.len()),
        ..Responses::default()
    };
    for (code, v) in codes {
        if code.starts_with("x-") {
            out.extensions.insert(code.clone(), v.clone());
            continue;
        }
        let at = format!("{ptr}/{}", escape_token(code));
        let response = Direct::direct(v, &at)?;
        if code == "default" {
            out.default = Some(response);
        } else {
            out.responses.insert(status(code)?, response);
        }
    }
    Some(out)
}

/// `100`-`999`, or a digit and `XX`.
fn status(code: &str) -> Option<StatusCode> {
    match code.as_bytes() {
        [a @ b'1'..=b'9', b @ b'0'..=b'9', c @ b'0'..=b'9'] => Some(StatusCode::Code(
            u16::from(a - b'0') * 100 + u16::from(b - b'0') * 10 + u16::from(c - b'0'),
        )),
        [a @ b'1'..=b'9', b'X', b'X'] => Some(StatusCode::Range(u16::from(a - b'0'))),
        _ => None,
    }
}

/// The `content` of a request body or response at `ptr`: media types with a schema (or a
/// `null` one, which is none).
fn content(value: &Value, ptr: &str) -> Option<IndexMap<String, MediaType>> {
    let media_types = value.as_object()?;
    let mut out = IndexMap::with_capacity(media_types.len());
    for (ct, mt) in media_types {
        let mut media = MediaType::default();
        for (k, v) in mt.as_object()? {
            match k.as_str() {
                "schema" if v.is_null() => {}
                "schema" => {
                    let at = format!("{ptr}/content/{}/schema", escape_token(ct));
                    media.schema = Some(marker(v, &at)?);
                }
                "example" if !v.is_null() => media.example = Some(v.clone()),
                _ => extension(&mut media.extensions, k, v)?,
            }
        }
        out.insert(ct.clone(), media);
    }
    Some(out)
}

/// The marker [`skeleton`](super::skeleton) puts where the schema `v` at `ptr` was, if the
/// typed parse would read `v`.
fn marker(v: &Value, ptr: &str) -> Option<ReferenceOr<Schema>> {
    raw::valid(v).then(|| ReferenceOr::Reference {
        reference: super::skeleton::marker_ref(ptr),
    })
}

/// Keeps `k` as an extension (`x-`); any other key the reader does not know leaves the value
/// to serde.
fn extension(to: &mut IndexMap<String, Value>, k: &str, v: &Value) -> Option<()> {
    k.starts_with("x-").then(|| {
        to.insert(k.to_string(), v.clone());
    })
}

fn string(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

#[cfg(test)]
mod tests;

/// How the direct reader fares on a (fixed-up) document: every operation and every component
/// parameter, request body and response is read both ways.
#[derive(Debug, Default)]
pub struct Audit {
    /// Values read.
    pub read: usize,
    /// Values the direct reader read (the rest went to serde).
    pub direct: usize,
    /// Pointers of the values where the two reads differ: always a bug.
    pub differ: Vec<String>,
}

/// Reads the document's operations and components both ways (see [`Audit`]).
pub fn audit(doc: &Value) -> Audit {
    use super::skeleton::{parse_serde, Part};
    fn one<T: Direct + serde::de::DeserializeOwned + PartialEq>(
        audit: &mut Audit,
        v: &Value,
        part: Part,
        ptr: String,
    ) {
        audit.read += 1;
        if let Some(direct) = T::direct(v, "") {
            audit.direct += 1;
            if parse_serde::<T>(v, part).ok().as_ref() != Some(&direct) {
                audit.differ.push(ptr);
            }
        }
    }
    fn object(v: Option<&Value>) -> impl Iterator<Item = (&String, &Value)> {
        v.and_then(Value::as_object).into_iter().flatten()
    }
    let mut audit = Audit::default();
    for (path, item) in object(doc.get("paths")) {
        for (method, op) in object(Some(item)) {
            if crate::fixups::METHODS.contains(&method.as_str()) {
                let ptr = format!("/paths/{}/{method}", escape_token(path));
                one::<Operation>(&mut audit, op, Part::Operation, ptr);
            }
        }
    }
    let components = doc.get("components");
    let of = |k: &str| object(components.and_then(|c| c.get(k)));
    for (name, v) in of("parameters") {
        let ptr = format!("/components/parameters/{}", escape_token(name));
        one::<Parameter>(&mut audit, v, Part::Parameter, ptr);
    }
    for (name, v) in of("requestBodies") {
        let ptr = format!("/components/requestBodies/{}", escape_token(name));
        one::<RequestBody>(&mut audit, v, Part::RequestBody, ptr);
    }
    for (name, v) in of("responses") {
        let ptr = format!("/components/responses/{}", escape_token(name));
        one::<Response>(&mut audit, v, Part::Response, ptr);
    }
    audit
}
