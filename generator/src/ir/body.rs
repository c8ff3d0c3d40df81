//! Request bodies: which content type a method sends, and the other form its builder offers
//! when Procore takes a body both as JSON and as `multipart/form-data`.
//!
//! The content type a method sends is chosen by preference (see [`pick`]): JSON, unless the
//! multipart form carries files the spec types as files (an RFI's attachments). That choice is
//! part of each method's signature, so it never changes. Where the spec offers both forms (88
//! operations in the 2026-02 file), the other one becomes the operation's
//! [`alternative`](super::Operation::alternative), converted as a body of its own, with its own
//! site key (`POST /rest/v1.0/files multipart`), so its types get names of their own and the
//! existing ones keep theirs.

use super::error::IrError;
use super::raw::{self, Kind};
use super::schema::{Pos, SchemaConverter};
use super::site::Role;
use super::skeleton;
use super::types::{Direction, TypeDef, TypeRef, TypeSpace};
use super::{BodyKind, Operation, RequestBody};
use crate::diag::escape_token;
use serde_json::Value;

/// Marks a `format: binary` that a fixup inferred from a property's description (see
/// `fixups::described_files`): it types the field as a file, but does not make the multipart
/// form the one a method sends.
pub const DESCRIBED_FILE: &str = "x-procore-rs-described-file";

/// Where an operation's bodies hang in the type space.
pub(super) struct At<'a> {
    /// `METHOD path`: the root of the body's site keys.
    pub op_key: &'a str,
    /// The operation's root (index into the converter's roots).
    pub root: usize,
    /// JSON pointer of the request body.
    pub ptr: &'a str,
}

/// The body a method sends and the alternative its builder offers.
/// `markers` is the value the markers of `rb` lead into (see `ir::skeleton`).
pub(super) fn bodies<'a>(
    conv: &mut SchemaConverter<'a>,
    rb: &openapiv3::RequestBody,
    markers: &'a Value,
    at: &At,
) -> Result<(Option<RequestBody>, Option<RequestBody>), IrError> {
    let content_types: Vec<String> = rb.content.keys().cloned().collect();
    let mut files = false;
    for (ct, m) in &rb.content {
        if let (true, Some(s)) = (base(ct) == "multipart/form-data", &m.schema) {
            let sptr = format!("{}/content/{}/schema", at.ptr, escape_token(ct));
            files = files || has_typed_files(skeleton::schema_at(markers, s, &sptr)?);
        }
    }
    let Some((ct, kind)) = pick(&content_types, files) else {
        return Ok((None, None));
    };
    let body = convert(
        conv,
        rb,
        markers,
        at,
        &content_types,
        ct.clone(),
        kind,
        "body",
    )?;
    let other = |want: &str| content_types.iter().find(|c| base(c) == want).cloned();
    let alternative = match kind {
        BodyKind::Json => {
            other("multipart/form-data").map(|c| (c, BodyKind::Multipart, "multipart"))
        }
        BodyKind::Multipart => other("application/json").map(|c| (c, BodyKind::Json, "json")),
        _ => None,
    };
    let alternative = match alternative {
        Some((c, k, key)) => Some(convert(conv, rb, markers, at, &content_types, c, k, key)?),
        None => None,
    };
    Ok((Some(body), alternative))
}

/// Converts the schema of one content type of `rb` into a body sent as `kind`.
#[allow(clippy::too_many_arguments)]
fn convert<'a>(
    conv: &mut SchemaConverter<'a>,
    rb: &openapiv3::RequestBody,
    markers: &'a Value,
    at: &At,
    content_types: &[String],
    ct: String,
    kind: BodyKind,
    key: &str,
) -> Result<RequestBody, IrError> {
    let dir = if kind == BodyKind::Multipart {
        Direction::Form
    } else {
        Direction::Request
    };
    let sptr = format!("{}/content/{}/schema", at.ptr, escape_token(&ct));
    let schema = rb.content.get(&ct).and_then(|m| m.schema.as_ref());
    let mut wrapper = None;
    let ty = match schema {
        // Raw bodies are bytes whatever their schema says.
        _ if kind == BodyKind::Bytes => TypeRef::Binary,
        Some(s) => {
            let s = skeleton::schema_at(markers, s, &sptr)?;
            let (s, sptr) = match (kind, unwrap_body(s)) {
                (
                    BodyKind::Json | BodyKind::MergePatch | BodyKind::Multipart,
                    Some((name, inner)),
                ) => {
                    let ptr = format!("{sptr}/properties/{}", escape_token(&name));
                    wrapper = Some(name);
                    (inner, ptr)
                }
                _ => (s, sptr),
            };
            let key = format!("{} {key}", at.op_key);
            conv.convert(s, &Pos::root(dir, sptr, at.root, key, Role::Body))?
        }
        None => TypeRef::Any,
    };
    Ok(RequestBody {
        content_type: ct,
        content_types: content_types.to_vec(),
        kind,
        required: rb.required,
        ty,
        wrapper,
    })
}

fn base(ct: &str) -> &str {
    ct.split(';').next().unwrap_or("").trim()
}

/// True when a schema has a field the spec (or the `multipart-files` fixup) types as a file:
/// `format: binary` not inferred from a description.
fn has_typed_files(s: &Value) -> bool {
    raw::has_format_binary(s, DESCRIBED_FILE)
}

/// The content type a method sends when the spec offers several, by preference: JSON, unless the
/// multipart form carries files (`format: binary`), which JSON cannot (an RFI's attachments).
pub(super) fn pick(cts: &[String], multipart_has_files: bool) -> Option<(String, BodyKind)> {
    let multipart_rank = if multipart_has_files { 0 } else { 3 };
    let kind = |c: &str| match base(c) {
        "multipart/form-data" => (multipart_rank, BodyKind::Multipart),
        "application/json" => (1, BodyKind::Json),
        "application/merge-patch+json" => (2, BodyKind::MergePatch),
        "application/x-www-form-urlencoded" => (4, BodyKind::Form),
        c if c.ends_with("+json") => (5, BodyKind::Json),
        _ => (6, BodyKind::Bytes),
    };
    cts.iter()
        .map(|c| (kind(c), c))
        .min_by_key(|((rank, _), _)| *rank)
        .map(|((_, k), c)| (c.clone(), k))
}

/// The inside of a body that is one object under one key (`{"rfi": {...}}`), with the key.
fn unwrap_body(s: &Value) -> Option<(String, &Value)> {
    let Value::Object(schema) = s else {
        return None;
    };
    if raw::ref_of(s).is_some() || !matches!(raw::kind(schema), Kind::Object | Kind::Any) {
        return None;
    }
    let props = raw::properties(schema)?;
    if props.len() != 1 {
        return None;
    }
    let (key, inner) = props.iter().next()?;
    let has_props = |i| raw::properties(i).is_some_and(|p| !p.is_empty());
    let is_object = match (raw::ref_of(inner), inner) {
        (None, Value::Object(i)) => match raw::kind(i) {
            Kind::Object | Kind::Any => has_props(i),
            Kind::AllOf => true,
            _ => false,
        },
        _ => false,
    };
    is_object.then(|| (key.clone(), inner))
}

/// Drops the alternative of an operation whose sibling method name (`create_file_multipart`) is
/// another operation's method name, with a warning: method names are the ledger's and win.
pub(super) fn drop_colliding(ops: &mut [Operation], diags: &mut crate::diag::Diagnostics) {
    let names: std::collections::HashSet<String> = ops.iter().map(|o| o.fn_name.clone()).collect();
    for op in ops.iter_mut() {
        let Some(alt) = &op.alternative else { continue };
        let sibling = format!("{}_{}", op.fn_name, super::build::alt_setter(alt.kind));
        if names.contains(&sibling) {
            diags.warning(
                "ir",
                format!("{}/requestBody", op.pointer),
                format!("`{sibling}` is another operation's method: only one body form offered"),
            );
            op.alternative = None;
        }
    }
}

/// The first site of every type, taken before `merge::merge_splits` runs.
pub(super) fn first_sites(space: &TypeSpace) -> Vec<Option<usize>> {
    space
        .defs
        .iter()
        .map(|d| d.sites.first().copied())
        .collect()
}

/// Points alternative bodies at the types that survived `merge::merge_splits`, which rewrites
/// [`Operation::body`] but not [`Operation::alternative`]: a merged-away type gave its sites to
/// its survivor, so the survivor is the type that now holds the merged one's first site.
pub(super) fn reattach(space: &TypeSpace, before: &[Option<usize>], ops: &mut [Operation]) {
    let owner = |site: usize| {
        space
            .defs
            .iter()
            .position(|d: &TypeDef| d.sites.contains(&site))
    };
    let canon = |id: &mut super::TypeId| {
        if space.defs[id.0].sites.is_empty() {
            if let Some(survivor) = before[id.0].and_then(owner) {
                id.0 = survivor;
            }
        }
    };
    for alt in ops.iter_mut().filter_map(|op| op.alternative.as_mut()) {
        let mut t = &mut alt.ty;
        loop {
            match t {
                TypeRef::Named(id) => break canon(id),
                TypeRef::Array(inner) | TypeRef::Map(inner) => t = inner,
                _ => break,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cts(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn json_is_sent_unless_the_form_has_typed_files() {
        let both = cts(&["multipart/form-data", "application/json"]);
        assert_eq!(pick(&both, false).unwrap().1, BodyKind::Json);
        assert_eq!(pick(&both, true).unwrap().1, BodyKind::Multipart);
        let form = cts(&["multipart/form-data"]);
        assert_eq!(pick(&form, false).unwrap().1, BodyKind::Multipart);
    }

    #[test]
    fn described_files_do_not_count_as_typed_ones() {
        let schema = |extra: Value| {
            let mut file = serde_json::json!({"type": "string", "format": "binary"});
            file.as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            let s = serde_json::json!({"type": "object", "properties": {"file": {
                "type": "object", "properties": {"data": file}}}});
            s
        };
        assert!(has_typed_files(&schema(serde_json::json!({}))));
        assert!(!has_typed_files(&schema(
            serde_json::json!({DESCRIBED_FILE: true})
        )));
    }
}
