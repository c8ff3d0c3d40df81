//! Sites: the places in the spec where a named type is used, and what names them.
//!
//! Every schema that becomes a named type is recorded as a [`Site`] while the IR is built: which
//! operation (its [`Root`]) it hangs from, the property, array or variant that leads to it from
//! the nearest enclosing named type, and a [`Site::key`] that the ledger uses to remember its
//! name (`GET /rest/v1.0/projects/{project_id}/rfis 200[].created_by`). Names are given after
//! every type exists (see `naming::types`), so a name never depends on which operation was
//! converted first.

use super::naming::operations::Resource;
use super::types::TypeId;

/// What leads to a site from its parent site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    /// The schema of a root itself (a response, a body, a parameter, a component).
    Root,
    /// A property (`created_by`).
    Prop(String),
    /// The items of an array, under a property when there is one (`attachments`).
    Item(Option<String>),
    /// The values of a map (`additionalProperties`), under a property when there is one.
    Value(Option<String>),
    /// The `n`th member of a `oneOf`/`anyOf`.
    Variant(usize),
}

impl Via {
    /// The property this step goes through, if any.
    pub fn prop(&self) -> Option<&str> {
        match self {
            Via::Prop(p) => Some(p),
            Via::Item(p) | Via::Value(p) => p.as_deref(),
            _ => None,
        }
    }
}

/// What a root schema is for its operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    /// A 2xx response of a `GET` that returns an array (or a `{"data": [...]}` envelope).
    List,
    /// A 2xx response of a `GET` that returns one object.
    Single,
    /// A 2xx response of a `POST`, `PUT`, `PATCH` or `DELETE`.
    Changed,
    /// A request body.
    Body,
    /// A parameter (wire name).
    Param(String),
    /// A component schema (`#/components/schemas/<name>`).
    Component(String),
}

impl Role {
    /// Rank in the naming priority: components first, then lists, single objects, changes,
    /// bodies and parameters.
    pub fn rank(&self) -> u8 {
        match self {
            Role::Component(_) => 0,
            Role::List => 1,
            Role::Single => 2,
            Role::Changed => 3,
            Role::Body => 4,
            Role::Param(_) => 5,
        }
    }
}

/// An operation (or component) that sites hang from.
#[derive(Debug, Clone)]
pub struct Root {
    /// `GET /rest/v1.0/projects/{project_id}/rfis`, or `#/components/schemas/<name>`.
    pub key: String,
    /// HTTP method (`None` for components).
    pub method: Option<super::Method>,
    /// What the operation is about.
    pub resource: Resource,
    /// Resource version (`v1.0`), if the path has one.
    pub version: Option<String>,
}

impl Root {
    /// v1.0 (and unversioned) before v1.1 ... before v2.0: older, more used versions keep the
    /// plain names.
    pub fn version_rank(&self) -> &str {
        match self.version.as_deref() {
            None | Some("v1.0") => "",
            Some(v) => v,
        }
    }
}

/// One place a named type is used.
#[derive(Debug, Clone)]
pub struct Site {
    /// Ledger key: root key, role, then the path (`.prop`, `[]`, `{}`, `|n`).
    pub key: String,
    /// The nearest enclosing site.
    pub parent: Option<usize>,
    /// How this site is reached from its parent.
    pub via: Via,
    /// The root it hangs from (index into the roots).
    pub root: usize,
    /// Role of the root schema.
    pub role: Role,
    /// Named types between the root and here.
    pub depth: u16,
    /// The type made or shared here.
    pub ty: Option<TypeId>,
}
