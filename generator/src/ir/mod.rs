//! Stage 3, IR: what the API is, independent of OpenAPI syntax and of Rust syntax.
//!
//! [`build::build`] turns the fixed-up document into an [`Api`]: operations with Rust names,
//! parameters by location, bodies by content type, responses and deprecation, plus a
//! [`TypeSpace`] of named types. The emitter, the inventory and the diff read only this.
//!
//! Invariants an `Api` upholds:
//! - operation `fn_name`s are unique, and so are type names (aliases included);
//! - every `TypeRef::Named` points into `types`;
//! - order is the spec's order (paths, then methods in OpenAPI order), so output is
//!   deterministic; method names depend on the operation (plus the documented collision rule),
//!   type names on the sites of the type (see `naming::types`), and both on the ledger first.

pub mod body;
pub mod build;
pub mod category;
pub mod deprecation;
#[doc(hidden)]
pub mod direct;
pub mod error;
pub mod file_twins;
pub mod ledger;
pub mod merge;
pub mod naming;
pub mod raw;
mod replay;
pub mod schema;
pub mod site;
mod skeleton;
pub mod types;

pub use category::Category;
pub use deprecation::Deprecation;
pub use error::IrError;
pub use ledger::Ledger;
pub use types::{
    Constraints, Direction, EnumValue, Field, Scope, TypeDef, TypeId, TypeKind, TypeRef, TypeSpace,
    Variant,
};

/// The whole API.
#[derive(Debug, Clone)]
pub struct Api {
    /// `info.title`.
    pub title: String,
    /// `info.version` as written (Procore writes `2.0`, which is not semver).
    pub version: String,
    /// `info.version` read as semver (`2.0` -> `2.0.0`), when it can be.
    pub semver: Option<String>,
    /// Every operation that was understood, in spec order.
    pub operations: Vec<Operation>,
    /// Every named type.
    pub types: TypeSpace,
    /// The named types reachable from the operations (those the emitter writes), in id order,
    /// which is spec order.
    pub used_types: std::collections::BTreeSet<TypeId>,
    /// Name collisions and how they were resolved, for the report.
    pub renames: Vec<Rename>,
    /// Every place a named type is used (types point here by index; the ledger keys names by
    /// them).
    pub sites: Vec<site::Site>,
}

/// An HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    /// GET
    Get,
    /// PUT
    Put,
    /// POST
    Post,
    /// DELETE
    Delete,
    /// OPTIONS
    Options,
    /// HEAD
    Head,
    /// PATCH
    Patch,
    /// TRACE
    Trace,
}

impl Method {
    /// Parses a lower-case OpenAPI path-item key.
    pub fn from_key(key: &str) -> Option<Method> {
        Some(match key {
            "get" => Method::Get,
            "put" => Method::Put,
            "post" => Method::Post,
            "delete" => Method::Delete,
            "options" => Method::Options,
            "head" => Method::Head,
            "patch" => Method::Patch,
            "trace" => Method::Trace,
            _ => return None,
        })
    }

    /// Upper-case name as sent on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }
}

/// One API operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// The (fixed-up, unique) `operationId`.
    pub operation_id: String,
    /// HTTP method.
    pub method: Method,
    /// Path template as in the spec (`/rest/v1.0/projects/{project_id}/rfis`).
    pub path: String,
    /// JSON pointer of the operation in the spec.
    pub pointer: String,
    /// Resource version from the path (`v1.0`, `v2.0`), if it has one.
    pub resource_version: Option<String>,
    /// Procore category (cargo feature and module).
    pub category: Category,
    /// Tags as written.
    pub tags: Vec<String>,
    /// One-line summary.
    pub summary: Option<String>,
    /// Full description.
    pub description: Option<String>,
    /// Rust method name (snake case, unique).
    pub fn_name: String,
    /// Name of its request builder type (unique among all type names).
    pub builder: String,
    /// Parameters the caller supplies (never `Procore-Company-Id`, which the client sends).
    pub params: Vec<Param>,
    /// True when the spec declares a `Procore-Company-Id` header for this operation.
    pub company_header: bool,
    /// Request body, if any.
    pub body: Option<RequestBody>,
    /// The other form of the body, when the spec offers it as both JSON and
    /// `multipart/form-data`: [`Operation::body`] is the form the method has always sent, this
    /// one the alternative the builder also offers (`create_file_multipart`, `.multipart(..)`).
    pub alternative: Option<RequestBody>,
    /// Every declared response.
    pub responses: Vec<Response>,
    /// What a successful call returns.
    pub success: Success,
    /// Deprecation, if the operation is deprecated.
    pub deprecation: Option<Deprecation>,
    /// `x-stability-level` (`draft`, `alpha`, `beta`, `stable`), when declared.
    pub stability: Option<String>,
}

/// True when one of a builder's body forms is `multipart/form-data` (see
/// [`Operation::can_send_multipart`]; the IR build asks before the operation exists).
pub(crate) fn any_multipart(bodies: [&Option<RequestBody>; 2]) -> bool {
    bodies
        .iter()
        .any(|b| b.as_ref().is_some_and(|b| b.kind == BodyKind::Multipart))
}

impl Operation {
    /// True when the builder can send a `multipart/form-data` body (its own or the other
    /// form): such builders also take extra file parts (`file_part`).
    pub fn can_send_multipart(&self) -> bool {
        any_multipart([&self.body, &self.alternative])
    }

    /// True for list operations that take `page` and `per_page` and return an array.
    pub fn is_paginated(&self) -> bool {
        let has = |n: &str| {
            self.params
                .iter()
                .any(|p| p.location == ParamLocation::Query && p.name == n)
        };
        has("page") && has("per_page") && matches!(&self.success, Success::Json(TypeRef::Array(_)))
    }

    /// True when the operation takes this query parameter.
    pub fn has_query(&self, name: &str) -> bool {
        self.params
            .iter()
            .any(|p| p.location == ParamLocation::Query && p.name == name)
    }

    /// The item type of a v2 list: a JSON response that is an object whose `data` is an array.
    pub fn data_item<'a>(&'a self, types: &'a TypeSpace) -> Option<&'a TypeRef> {
        let Success::Json(TypeRef::Named(id)) = &self.success else {
            return None;
        };
        let TypeKind::Struct { fields, .. } = &types.get(*id).kind else {
            return None;
        };
        match &fields.iter().find(|f| f.name == "data")?.ty {
            TypeRef::Array(item) => Some(item),
            _ => None,
        }
    }

    /// The types this operation mentions directly: parameters, body, responses.
    pub fn type_roots(&self) -> impl Iterator<Item = &TypeRef> {
        let params = self.params.iter().map(|p| &p.ty);
        let body = self.body.iter().chain(&self.alternative).map(|b| &b.ty);
        let responses = self.responses.iter().filter_map(|r| r.ty.as_ref());
        params.chain(body).chain(responses)
    }

    /// Request body content types, for the inventory.
    pub fn request_content_types(&self) -> Vec<&str> {
        self.body
            .iter()
            .flat_map(|b| b.content_types.iter().map(String::as_str))
            .collect()
    }
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ParamLocation {
    /// In the path template.
    Path,
    /// In the query string.
    Query,
    /// An HTTP header.
    Header,
    /// A cookie.
    Cookie,
}

/// How an array or object query parameter is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum QueryStyle {
    /// One pair per value, with Rails' `[]` suffix: `ids[]=1&ids[]=2` (`style: form, explode: true`).
    Repeat,
    /// Comma-separated: `ids=1,2` (`style: form, explode: false`).
    Csv,
    /// Space-separated (`spaceDelimited`).
    Space,
    /// Pipe-separated (`pipeDelimited`).
    Pipe,
    /// Rails nested keys: `filters[a]=1` (`deepObject`).
    Deep,
}

/// One parameter.
#[derive(Debug, Clone)]
pub struct Param {
    /// Wire name (`filters[trade_id][]`).
    pub name: String,
    /// Rust identifier (`filters_trade_id`).
    pub ident: String,
    /// Location.
    pub location: ParamLocation,
    /// Required by the spec (path parameters always are).
    pub required: bool,
    /// Value type.
    pub ty: TypeRef,
    /// Query encoding for arrays and objects.
    pub style: QueryStyle,
    /// One-line description.
    pub description: Option<String>,
    /// Marked `deprecated: true`.
    pub deprecated: bool,
    /// Validation keywords of its schema (for the diff; they do not change the Rust type).
    pub constraints: Option<Box<Constraints>>,
    /// `x-sunset` of the parameter (`YYYY-MM-DD`), when declared.
    pub sunset: Option<String>,
}

/// How a request body is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BodyKind {
    /// `application/json`.
    Json,
    /// `application/merge-patch+json`.
    MergePatch,
    /// `multipart/form-data`.
    Multipart,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// Raw bytes (`application/octet-stream` and anything else).
    Bytes,
}

/// A request body.
#[derive(Debug, Clone)]
pub struct RequestBody {
    /// The content type the generated method sends.
    pub content_type: String,
    /// All content types the spec offers.
    pub content_types: Vec<String>,
    /// How it is sent.
    pub kind: BodyKind,
    /// Required by the spec.
    pub required: bool,
    /// Body type.
    pub ty: TypeRef,
    /// Procore wraps most bodies in one key named for the resource (`{"rfi": {...}}`); the
    /// method takes what goes inside and the request adds this key.
    pub wrapper: Option<String>,
}

/// One declared response.
#[derive(Debug, Clone)]
pub struct Response {
    /// Status code or `default` / `2XX`.
    pub status: String,
    /// Content types.
    pub content_types: Vec<String>,
    /// JSON body type, when there is one.
    pub ty: Option<TypeRef>,
    /// Declared response headers, in spec order (for the diff).
    pub headers: Vec<ResponseHeader>,
}

/// A declared response header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseHeader {
    /// Header name as written.
    pub name: String,
    /// `required: true`.
    pub required: bool,
    /// The schema's `type` (`string`, `integer`...), or `-` when it has none or is a `$ref`.
    pub kind: String,
}

/// What a successful call returns.
#[derive(Debug, Clone, PartialEq)]
pub enum Success {
    /// A JSON body of this type.
    Json(TypeRef),
    /// A non-JSON body, returned as bytes.
    Bytes,
    /// No body.
    Empty,
}

/// A name that was changed to resolve a collision.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Rename {
    /// `operation` or `type`.
    pub kind: &'static str,
    /// The name the rule gave first.
    pub wanted: String,
    /// The name used.
    pub used: String,
    /// Where (operation id or JSON pointer).
    pub at: String,
}
