//! Builds the [`Api`] from a fixed-up document.
//!
//! Two passes over the operations, then naming: the first parses each one (with `openapiv3`, one
//! at a time, so a broken one is reported by pointer and skipped) and settles method names (the
//! ledger's first); the second places each operation in its feature (the ledger's, unless
//! re-homing) and converts parameters, bodies and responses into unnamed types, recording their
//! sites (on every core, with the serial result: see `ir::replay`). Then split shapes the
//! ledger named once are merged back (`ir::merge`), every type is named (`naming::types`),
//! overrides applied, recursive references boxed and each type's features recorded.

use super::category::Category;
use super::deprecation;
use super::error::IrError;
use super::ledger::Ledger;
use super::naming::operations::{resource, Returns};
use super::naming::{self, dedupe, operation_fn_name, resource_version, snake_ident, type_name};
use super::raw;
use super::schema::{Pos, SchemaConverter};
use super::site::{Role, Root};
use super::skeleton::{self, Part};
use super::types::{Constraints, Direction, Scope, TypeKind, TypeRef};
use super::{
    Api, BodyKind, Method, Operation, Param, ParamLocation, QueryStyle, Rename, Response,
    ResponseHeader, Success,
};
use crate::diag::{escape_token, Diagnostics};
use crate::overrides::Overrides;
use openapiv3::{Parameter, ParameterSchemaOrContent, QueryStyle as OaQueryStyle, ReferenceOr};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

/// Settings that change what the IR holds.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Keep whole descriptions instead of their first line.
    pub full_docs: bool,
    /// Names that override the generated ones.
    pub overrides: Overrides,
    /// Names and placements of the crate being regenerated, kept unless overridden.
    pub ledger: Option<Ledger>,
    /// Recompute every operation's feature from Procore's tags instead of the ledger's
    /// (names are still kept). A major version for the generated crate.
    pub rehome: bool,
}

/// The name of the header the client supplies on every request.
pub const COMPANY_HEADER: &str = "Procore-Company-Id";

struct Parsed<'a> {
    ptr: String,
    path: String,
    method: Method,
    op: openapiv3::Operation,
    raw: &'a serde_json::Map<String, Value>,
    /// The operation object as a value: the markers of `op` lead into it.
    value: &'a Value,
    fn_name: String,
    returns: Returns,
    /// The ledger or an override fixed the name: collisions never move it.
    fixed: bool,
}

/// An operation object under `paths`: its pointer, path, method, and the object (as a value, for
/// the typed parse, and as a map).
type Found<'a> = (
    String,
    &'a String,
    Method,
    &'a Value,
    &'a Map<String, Value>,
);

/// Every operation object under `paths`. Path items and operations that are not objects are
/// reported and skipped.
fn operation_objects<'a>(doc: &'a Value, diags: &mut Diagnostics) -> Vec<Found<'a>> {
    let mut found = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return found;
    };
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            diags.error(
                "ir",
                format!("/paths/{}", escape_token(path)),
                "path item is not an object; skipped",
            );
            continue;
        };
        for (key, raw) in item {
            let Some(method) = Method::from_key(key) else {
                continue;
            };
            let ptr = format!("/paths/{}/{key}", escape_token(path));
            if let Some(obj) = raw.as_object() {
                found.push((ptr, path, method, raw, obj));
            } else {
                diags.error("ir", &ptr, "operation is not an object; skipped");
            }
        }
    }
    found
}

/// Builds the IR; what cannot be understood goes into `diags` and is left out.
pub fn build(doc: &Value, opts: &BuildOptions, diags: &mut Diagnostics) -> Api {
    let info = doc.get("info");
    let text = |k: &str| {
        info.and_then(|i| i.get(k))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let mut renames = Vec::new();

    // Pass 1: parse and name. The typed parse leaves the schemas out (they are read in place,
    // see `ir::skeleton`), and runs on every core.
    let found = operation_objects(doc, diags);
    // What each operation returns and the name it would get go with the parse: per operation
    // and pure, they would otherwise be serial work between two parallel ones.
    let typed = crate::par::map(&found, |(_, path, method, raw, _)| {
        let returns = Returns::of(raw);
        let op = skeleton::parse::<openapiv3::Operation>(raw, Part::Operation);
        (op, returns, operation_fn_name(*method, path, returns))
    });
    let mut parsed = Vec::new();
    for ((ptr, path, method, raw, raw_obj), (op, returns, named)) in found.into_iter().zip(typed) {
        let op = match op {
            Ok(op) => op,
            Err(e) => {
                let (at, why) = locate_parse_error(raw, &ptr, &e.to_string());
                diags.error("ir", at, format!("operation skipped: {why}"));
                continue;
            }
        };
        let overridden = op
            .operation_id
            .as_deref()
            .and_then(|id| opts.overrides.operations.get(id).cloned());
        let key = format!("{} {path}", method.as_str());
        let frozen = opts
            .ledger
            .as_ref()
            .and_then(|l| l.ops.get(&key))
            .map(|(name, _)| name.clone());
        let fixed = overridden.is_some() || frozen.is_some();
        let fn_name = overridden.or(frozen).unwrap_or(named);
        parsed.push(Parsed {
            ptr,
            path: path.clone(),
            method,
            op,
            raw: raw_obj,
            value: raw,
            fn_name,
            returns,
            fixed,
        });
    }
    settle_fn_names(&mut parsed, &mut renames);

    // Pass 2: convert. Builders live in their own module (`requests`), named after their
    // method; only builders can collide with builders. Each operation is converted as if one
    // after the other (`replay::convert_all`); its error is reported here, in order.
    let (mut builders, categories): (Vec<String>, Vec<Category>) =
        crate::par::map(&parsed, |p| (type_name(&p.fn_name), placement(p, opts)))
            .into_iter()
            .unzip();
    dedupe(&mut builders);
    let jobs: Vec<(&Parsed, String, Category)> = parsed
        .iter()
        .zip(builders)
        .zip(categories)
        .map(|((p, builder), category)| (p, builder, category))
        .collect();
    let twins = opts
        .ledger
        .as_ref()
        .map(|l| l.twins.clone())
        .unwrap_or_default();
    let (mut conv, results) =
        super::replay::convert_all(doc, opts.full_docs, &twins, &jobs, |conv, job| {
            let (p, builder, category) = job;
            operation(conv, doc, p, builder.clone(), category.clone())
        });
    let mut operations = Vec::with_capacity(parsed.len());
    for ((p, _, _), result) in jobs.iter().zip(results) {
        match result {
            Ok(op) => operations.push(op),
            Err(e) => diags.error(
                "ir",
                e.pointer,
                format!(
                    "operation `{} {}` skipped: {}",
                    p.method.as_str(),
                    p.path,
                    e.reason
                ),
            ),
        }
    }
    // The typed operations are done with: a few thousand nested values, freed beside the
    // serial work that follows instead of at its end.
    drop(jobs);
    let typed: Vec<openapiv3::Operation> = parsed
        .iter_mut()
        .map(|p| std::mem::take(&mut p.op))
        .collect();
    crate::free_in_background(typed);
    super::body::drop_colliding(&mut operations, diags);
    for (ptr, twin) in std::mem::take(&mut conv.twins_made) {
        diags.note(
            "ir:file-twin",
            ptr,
            format!("typed as text, described as a multipart file: file twin `{twin}`"),
        );
    }
    let empty = std::collections::HashMap::new();
    let frozen = opts.ledger.as_ref().map_or(&empty, |l| l.type_names());
    let first_sites = super::body::first_sites(&conv.space);
    super::merge::merge_splits(&mut conv.space, &conv.sites, frozen, &mut operations);
    super::body::reattach(&conv.space, &first_sites, &mut operations);
    let namer = naming::types::Namer::new(&mut conv.space, &conv.sites, &conv.roots);
    renames.extend(namer.run(frozen));
    if let Some(ledger) = &opts.ledger {
        ledger.keep_variant_idents(&mut conv.space);
    }
    let mut types = conv.space;
    apply_type_overrides(&mut types, &opts.overrides, diags);
    mark_boxed(&mut types);
    let used_types = mark_features(&mut types, &operations);

    Api {
        title: text("title"),
        semver: naming::semver(&text("version"), diags),
        version: text("version"),
        operations,
        types,
        used_types,
        renames,
        sites: conv.sites,
    }
}

/// The category (module and feature) of an operation: the ledger's, unless re-homing or new.
fn placement(p: &Parsed, opts: &BuildOptions) -> Category {
    let from_tags = Category::from_tags(&p.op.tags);
    if opts.rehome {
        return from_tags;
    }
    let key = format!("{} {}", p.method.as_str(), p.path);
    let Some(ledger) = &opts.ledger else {
        return from_tags;
    };
    match ledger.ops.get(&key) {
        Some((_, feature)) => {
            Category::of_feature(feature, ledger.features.get(feature).map(String::as_str))
        }
        None => from_tags,
    }
}

/// Finds the smallest part of an operation that fails to parse, for a precise pointer.
fn locate_parse_error(raw: &Value, ptr: &str, whole: &str) -> (String, String) {
    if let Some(params) = raw.get("parameters").and_then(Value::as_array) {
        for (i, p) in params.iter().enumerate() {
            if let Err(e) = ReferenceOr::<Parameter>::deserialize(p) {
                return (
                    format!("{ptr}/parameters/{i}"),
                    format!("bad parameter: {e}"),
                );
            }
        }
    }
    if let Some(b) = raw.get("requestBody") {
        if let Err(e) = ReferenceOr::<openapiv3::RequestBody>::deserialize(b) {
            return (
                format!("{ptr}/requestBody"),
                format!("bad request body: {e}"),
            );
        }
    }
    if let Some(rs) = raw.get("responses").and_then(Value::as_object) {
        for (code, r) in rs {
            if let Err(e) = ReferenceOr::<openapiv3::Response>::deserialize(r) {
                return (
                    format!("{ptr}/responses/{}", escape_token(code)),
                    format!("bad response: {e}"),
                );
            }
        }
    }
    (ptr.to_string(), whole.to_string())
}

/// Makes method names unique. Rule: in a group sharing a name, a collection GET named `get_x`
/// becomes `list_x` if that is free; the rest are ordered by (path, method), the first keeps the
/// name, each other one gets `_<method>` if that is unique in the group, else `_<n>`; overridden
/// names are never changed.
fn settle_fn_names(parsed: &mut [Parsed], renames: &mut Vec<Rename>) {
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, p) in parsed.iter().enumerate() {
        groups.entry(p.fn_name.clone()).or_default().push(i);
    }
    let mut taken: BTreeSet<String> = groups.keys().cloned().collect();
    for (name, mut members) in groups {
        if members.len() < 2 {
            continue;
        }
        // Fixed names (ledger, overrides) first: they never move, the new ones step aside.
        members.sort_by(|&a, &b| {
            (!parsed[a].fixed, &parsed[a].path, parsed[a].method).cmp(&(
                !parsed[b].fixed,
                &parsed[b].path,
                parsed[b].method,
            ))
        });
        let overridden = |p: &Parsed| p.fixed;
        // A collection GET that got `get_` because its noun reads as singular
        // (`/managed_equipment`) is the list of the item GET it collides with.
        members.retain(|&i| {
            let p = &mut parsed[i];
            let collection = p.method == Method::Get
                && !p.path.ends_with('}')
                && p.returns != Returns::Object
                && name.starts_with("get_");
            let list = format!("list_{}", name.trim_start_matches("get_"));
            if !collection || overridden(p) || taken.contains(&list) {
                return true;
            }
            taken.insert(list.clone());
            renames.push(Rename {
                kind: "operation",
                wanted: name.clone(),
                used: list.clone(),
                at: format!("GET {}", p.path),
            });
            p.fn_name = list;
            false
        });
        let methods: Vec<Method> = members.iter().map(|&i| parsed[i].method).collect();
        for (n, &i) in members.iter().enumerate().skip(1) {
            if overridden(&parsed[i]) {
                continue;
            }
            let m = parsed[i].method;
            let mut candidate = if methods.iter().filter(|&&x| x == m).count() == 1 {
                format!("{name}_{}", m.as_str().to_ascii_lowercase())
            } else {
                format!("{name}_{}", n + 1)
            };
            while taken.contains(&candidate) {
                candidate.push('_');
            }
            taken.insert(candidate.clone());
            renames.push(Rename {
                kind: "operation",
                wanted: name.clone(),
                used: candidate.clone(),
                at: format!("{} {}", m.as_str(), parsed[i].path),
            });
            parsed[i].fn_name = candidate;
        }
    }
}

fn operation<'a>(
    conv: &mut SchemaConverter<'a>,
    doc: &'a Value,
    p: &Parsed<'a>,
    builder: String,
    category: Category,
) -> Result<Operation, IrError> {
    let op = &p.op;
    let op_key = format!("{} {}", p.method.as_str(), p.path);
    let root = conv.add_root(Root {
        key: op_key.clone(),
        method: Some(p.method),
        resource: resource(p.method, &p.path),
        version: resource_version(&p.path),
    });
    let pos = |ptr: String, key: &str, dir: Direction, role: Role| {
        Pos::root(dir, ptr, root, format!("{op_key} {key}"), role)
    };

    // Parameters.
    let mut params = Vec::new();
    let mut company_header = false;
    for (i, pr) in op.parameters.iter().enumerate() {
        let pptr = format!("{}/parameters/{i}", p.ptr);
        let (param, base) = match pr {
            ReferenceOr::Item(x) => (Cow::Borrowed(x), p.value),
            ReferenceOr::Reference { reference } => {
                let (x, at) = resolve::<Parameter>(doc, reference, &pptr, Part::Parameter)?;
                (Cow::Owned(x), at)
            }
        };
        let (data, location, style) = match &*param {
            Parameter::Query {
                parameter_data,
                style,
                ..
            } => {
                let explode = parameter_data.explode.unwrap_or(true);
                let style = match style {
                    OaQueryStyle::Form if explode => QueryStyle::Repeat,
                    OaQueryStyle::Form => QueryStyle::Csv,
                    OaQueryStyle::SpaceDelimited => QueryStyle::Space,
                    OaQueryStyle::PipeDelimited => QueryStyle::Pipe,
                    OaQueryStyle::DeepObject => QueryStyle::Deep,
                };
                (parameter_data, ParamLocation::Query, style)
            }
            Parameter::Path { parameter_data, .. } => {
                (parameter_data, ParamLocation::Path, QueryStyle::Csv)
            }
            Parameter::Header { parameter_data, .. } => {
                (parameter_data, ParamLocation::Header, QueryStyle::Csv)
            }
            Parameter::Cookie { parameter_data, .. } => {
                (parameter_data, ParamLocation::Cookie, QueryStyle::Csv)
            }
        };
        if location == ParamLocation::Header && data.name.eq_ignore_ascii_case(COMPANY_HEADER) {
            company_header = true;
            continue;
        }
        // Every builder has `.idempotency_token()`, which also makes the request retryable.
        if location == ParamLocation::Header && data.name.eq_ignore_ascii_case("Idempotency-Token")
        {
            continue;
        }
        let schema = match &data.format {
            ParameterSchemaOrContent::Schema(s) => Some(skeleton::schema_at(base, s, &pptr)?),
            ParameterSchemaOrContent::Content(_) => None,
        };
        let ty = match schema {
            Some(s) => conv.convert(
                s,
                &pos(
                    format!("{pptr}/schema"),
                    &format!("param:{}", data.name),
                    Direction::Request,
                    Role::Param(data.name.clone()),
                ),
            )?,
            None => TypeRef::String,
        };
        if matches!(ty, TypeRef::Binary) {
            return Err(IrError::new(pptr, "a file cannot be a parameter"));
        }
        params.push(Param {
            name: data.name.clone(),
            ident: snake_ident(&data.name),
            location,
            required: data.required || location == ParamLocation::Path,
            ty,
            style,
            description: conv.doc_text(data.description.as_deref()),
            deprecated: data.deprecated.unwrap_or(false),
            // A `$ref` carries no keywords of its own.
            constraints: schema
                .filter(|s| raw::ref_of(s).is_none())
                .and_then(Value::as_object)
                .and_then(Constraints::of),
            sunset: data
                .extensions
                .get("x-sunset")
                .and_then(Value::as_str)
                .map(str::to_string),
        });
    }
    // Path parameters first (they become positional arguments), then the spec's order.
    params.sort_by_key(|p| p.location != ParamLocation::Path);
    // Request body, and the other form of it when the spec offers JSON and multipart.
    let (body, alternative) = match &op.request_body {
        None => (None, None),
        Some(rb) => {
            let bptr = format!("{}/requestBody", p.ptr);
            let (rb, base) = match rb {
                ReferenceOr::Item(x) => (Cow::Borrowed(x), p.value),
                ReferenceOr::Reference { reference } => {
                    let part = Part::RequestBody;
                    let (x, at) = resolve::<openapiv3::RequestBody>(doc, reference, &bptr, part)?;
                    (Cow::Owned(x), at)
                }
            };
            let at = super::body::At {
                op_key: &op_key,
                root,
                ptr: &bptr,
            };
            super::body::bodies(conv, &rb, base, &at)?
        }
    };

    // Names the builder itself uses: its fields and its methods for every operation.
    let reserved = [
        "client",
        "body",
        "options",
        "header",
        "idempotency_token",
        "send",
        "build",
    ];
    let mut idents: Vec<String> = reserved.iter().map(|s| s.to_string()).collect();
    // The builder's setter of the other body form (`.multipart(..)`, `.json(..)`).
    if let Some(alt) = &alternative {
        idents.push(alt_setter(alt.kind).to_string());
    }
    // Builders that can send a multipart body take extra file parts.
    if super::any_multipart([&body, &alternative]) {
        idents.push("file_part".to_string());
    }
    let reserved_len = idents.len();
    idents.extend(params.iter().map(|p| p.ident.clone()));
    dedupe(&mut idents);
    for (p, ident) in params.iter_mut().zip(idents.into_iter().skip(reserved_len)) {
        p.ident = ident;
    }

    // Responses.
    let mut responses = Vec::new();
    let mut success: Option<Success> = None;
    for (code, r) in &op.responses.responses {
        let status = code.to_string();
        let rptr = format!("{}/responses/{}", p.ptr, escape_token(&status));
        let (r, base) = match r {
            ReferenceOr::Item(x) => (Cow::Borrowed(x), p.value),
            ReferenceOr::Reference { reference } => {
                let (x, at) =
                    resolve::<openapiv3::Response>(doc, reference, &rptr, Part::Response)?;
                (Cow::Owned(x), at)
            }
        };
        let content_types: Vec<String> = r.content.keys().cloned().collect();
        let is_success = status.starts_with('2');
        let json = content_types.iter().find(|c| is_json(c)).cloned();
        let mut ty = None;
        if is_success {
            if let Some(ct) = &json {
                if let Some(s) = r.content.get(ct).and_then(|m| m.schema.as_ref()) {
                    let role = match (p.method, p.returns) {
                        (Method::Get, Returns::Array) => Role::List,
                        (Method::Get, _) => Role::Single,
                        _ => Role::Changed,
                    };
                    let sptr = format!("{rptr}/content/{}/schema", escape_token(ct));
                    let s = skeleton::schema_at(base, s, &sptr)?;
                    ty = Some(conv.convert(s, &pos(sptr, &status, Direction::Response, role))?);
                }
            }
            if success.is_none() {
                success = Some(match (&ty, &json, content_types.is_empty()) {
                    (Some(t), _, _) => Success::Json(t.clone()),
                    (None, Some(_), _) => Success::Json(TypeRef::Any),
                    (None, None, true) => Success::Empty,
                    (None, None, false) => Success::Bytes,
                });
            }
        }
        responses.push(Response {
            status,
            content_types,
            ty,
            headers: response_headers(&r),
        });
    }
    if op.responses.default.is_some() {
        responses.push(Response {
            status: "default".into(),
            content_types: vec![],
            ty: None,
            headers: vec![],
        });
    }

    Ok(Operation {
        operation_id: op.operation_id.clone().unwrap_or_default(),
        method: p.method,
        path: p.path.clone(),
        pointer: p.ptr.clone(),
        resource_version: resource_version(&p.path),
        category,
        tags: op.tags.clone(),
        summary: op.summary.clone().filter(|s| !s.trim().is_empty()),
        description: op.description.clone().filter(|s| !s.trim().is_empty()),
        fn_name: p.fn_name.clone(),
        builder,
        params,
        company_header,
        body,
        alternative,
        responses,
        success: success.unwrap_or(Success::Empty),
        deprecation: deprecation::of_operation(p.raw),
        stability: p
            .raw
            .get("x-stability-level")
            .and_then(Value::as_str)
            .map(str::to_string),
    })
}

/// The headers a response declares, with the `type` of their schema.
fn response_headers(r: &openapiv3::Response) -> Vec<ResponseHeader> {
    r.headers
        .iter()
        .map(|(name, h)| {
            let (required, kind) = match h {
                ReferenceOr::Item(h) => (h.required, header_kind(&h.format)),
                ReferenceOr::Reference { .. } => (false, "-".to_string()),
            };
            ResponseHeader {
                name: name.clone(),
                required,
                kind,
            }
        })
        .collect()
}

fn header_kind(format: &ParameterSchemaOrContent) -> String {
    use openapiv3::{SchemaKind, Type};
    let ParameterSchemaOrContent::Schema(ReferenceOr::Item(s)) = format else {
        return "-".into();
    };
    match &s.schema_kind {
        SchemaKind::Type(Type::String(_)) => "string",
        SchemaKind::Type(Type::Integer(_)) => "integer",
        SchemaKind::Type(Type::Number(_)) => "number",
        SchemaKind::Type(Type::Boolean(_)) => "boolean",
        SchemaKind::Type(Type::Array(_)) => "array",
        SchemaKind::Type(Type::Object(_)) => "object",
        SchemaKind::Any(a) => return a.typ.clone().unwrap_or_else(|| "-".into()),
        _ => "-",
    }
    .into()
}

/// The name of the builder setter that sends the other body form.
pub fn alt_setter(kind: BodyKind) -> &'static str {
    match kind {
        BodyKind::Multipart => "multipart",
        _ => "json",
    }
}

fn is_json(ct: &str) -> bool {
    let ct = ct.split(';').next().unwrap_or("").trim();
    ct == "application/json" || ct.ends_with("+json") || ct == "*/*"
}

/// Reads what a local `$ref` found at `at` points to (a `part`; its schemas are left in place,
/// see `ir::skeleton`), and returns it with the value its markers lead into.
fn resolve<'a, T: DeserializeOwned + super::direct::Direct>(
    doc: &'a Value,
    reference: &str,
    at: &str,
    part: Part,
) -> Result<(T, &'a Value), IrError> {
    let ptr = reference.strip_prefix('#').ok_or_else(|| {
        IrError::new(
            at,
            format!("external reference `{reference}` is not supported"),
        )
    })?;
    let target = doc
        .pointer(ptr)
        .ok_or_else(|| IrError::new(at, format!("`$ref` `{reference}` points at nothing")))?;
    skeleton::parse(target, part)
        .map(|t| (t, target))
        .map_err(|e| IrError::new(ptr, format!("`{reference}` cannot be read: {e}")))
}

fn apply_type_overrides(
    types: &mut super::TypeSpace,
    overrides: &Overrides,
    diags: &mut Diagnostics,
) {
    for (from, to) in &overrides.types {
        let taken = types
            .defs
            .iter()
            .any(|d| d.name == *to || d.aliases.contains(to));
        if taken {
            diags.error(
                "overrides",
                format!("/types/{}", escape_token(from)),
                format!("cannot rename to `{to}`: the name is in use"),
            );
            continue;
        }
        let mut found = false;
        for d in &mut types.defs {
            if d.name == *from {
                d.name = to.clone();
                found = true;
            } else if let Some(a) = d.aliases.iter_mut().find(|a| *a == from) {
                *a = to.clone();
                found = true;
            }
        }
        if !found {
            diags.warning(
                "overrides",
                format!("/types/{}", escape_token(from)),
                format!("no type named `{from}`; override unused"),
            );
        }
    }
}

/// Boxes fields and variants that refer directly (not through a `Vec` or map) to a type that
/// refers back to their owner, so recursive types have a finite size.
fn mark_boxed(types: &mut super::TypeSpace) {
    let direct = |t: &TypeRef| match t {
        TypeRef::Named(id) => Some(*id),
        _ => None,
    };
    let n = types.defs.len();
    let edges: Vec<Vec<usize>> = types
        .defs
        .iter()
        .map(|d| match &d.kind {
            TypeKind::Struct { fields, .. } => fields
                .iter()
                .filter_map(|f| direct(&f.ty))
                .map(|i| i.0)
                .collect(),
            TypeKind::Union { variants } => variants
                .iter()
                .filter_map(|v| direct(&v.ty))
                .map(|i| i.0)
                .collect(),
            TypeKind::Enum { .. } => vec![],
        })
        .collect();
    let reaches = |from: usize, to: usize| {
        let mut seen = vec![false; n];
        let mut stack = vec![from];
        while let Some(x) = stack.pop() {
            if x == to {
                return true;
            }
            if std::mem::replace(&mut seen[x], true) {
                continue;
            }
            stack.extend(&edges[x]);
        }
        false
    };
    for (owner, owner_edges) in edges.iter().enumerate() {
        // Only component types can form cycles.
        if !types.defs[owner].component || owner_edges.is_empty() {
            continue;
        }
        let targets: Vec<bool> = owner_edges.iter().map(|&t| reaches(t, owner)).collect();
        let mut k = 0;
        match &mut types.defs[owner].kind {
            TypeKind::Struct { fields, .. } => {
                for f in fields.iter_mut().filter(|f| direct(&f.ty).is_some()) {
                    f.boxed = targets[k];
                    k += 1;
                }
            }
            TypeKind::Union { variants } => {
                for v in variants.iter_mut().filter(|v| direct(&v.ty).is_some()) {
                    v.boxed = targets[k];
                    k += 1;
                }
            }
            TypeKind::Enum { .. } => {}
        }
    }
}

/// Records, for each type, the features of the categories whose operations use it (a type used
/// by one feature goes into that category's file, others into the shared one), and returns
/// every type some operation uses.
fn mark_features(types: &mut super::TypeSpace, ops: &[Operation]) -> BTreeSet<super::TypeId> {
    let mut all = BTreeSet::new();
    for op in ops {
        let mut used = BTreeSet::new();
        for t in op.type_roots() {
            types.reachable(t, &mut used);
        }
        for &id in &used {
            types.defs[id.0]
                .features
                .insert(op.category.feature.clone());
        }
        all.extend(used);
    }
    for def in &mut types.defs {
        def.scope = match def.features.len() {
            1 => Scope::Category(def.features.iter().next().cloned().unwrap_or_default()),
            _ => Scope::Shared,
        };
    }
    all
}
