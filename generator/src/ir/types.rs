//! The named types of an API, and references to them.

use std::collections::BTreeSet;

/// Index of a type in a [`TypeSpace`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub usize);

/// Which way a type travels. Responses are read leniently (every field optional, unknown enum
/// values kept); requests are written strictly (required fields required); multipart form
/// requests hold files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Direction {
    /// Received from Procore.
    Response,
    /// Sent as JSON.
    Request,
    /// Sent as `multipart/form-data`.
    Form,
}

/// A use of a type.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TypeRef {
    /// A string (dates and date-times included: Procore's formats vary, so they stay strings).
    String,
    /// An integer (`i64`).
    Integer,
    /// A number (`f64`).
    Number,
    /// A boolean.
    Boolean,
    /// A file (`format: binary`): a file part in a multipart body, bytes elsewhere.
    Binary,
    /// Any JSON value.
    Any,
    /// A named type.
    Named(TypeId),
    /// An array.
    Array(Box<TypeRef>),
    /// A map with string keys.
    Map(Box<TypeRef>),
}

/// Where a type is emitted.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// In the module of one category (module name).
    Category(String),
    /// In the shared `models` module (component schemas and what they contain), compiled when
    /// any of [`TypeDef::features`] is on.
    Shared,
}

/// A named type.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// The Rust name.
    pub name: String,
    /// Other names of the same type (positions whose schema was identical), emitted as
    /// `pub type Alias = Name;` so every position keeps its name whatever else changes.
    pub aliases: Vec<String>,
    /// Where it is emitted.
    pub scope: Scope,
    /// Which way it travels.
    pub direction: Direction,
    /// One-line description.
    pub doc: Option<String>,
    /// The shape.
    pub kind: TypeKind,
    /// JSON pointer of the schema it was made from.
    pub pointer: String,
    /// Cargo features of the categories that use it (filled for shared types).
    pub features: BTreeSet<String>,
}

/// The shape of a named type.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// A struct.
    Struct {
        /// Its fields.
        fields: Vec<Field>,
        /// Value type of extra keys (`additionalProperties`), kept in a map.
        additional: Option<TypeRef>,
    },
    /// A string enum.
    Enum {
        /// Its values.
        values: Vec<EnumValue>,
    },
    /// One of several shapes (`oneOf`/`anyOf`), tried in order.
    Union {
        /// The shapes.
        variants: Vec<Variant>,
    },
}

/// A struct field.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Wire name.
    pub name: String,
    /// Rust identifier.
    pub ident: String,
    /// Type.
    pub ty: TypeRef,
    /// Listed in `required`.
    pub required: bool,
    /// `nullable: true`.
    pub nullable: bool,
    /// One-line description.
    pub doc: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// Boxed to break a cycle of direct references.
    pub boxed: bool,
}

/// A string enum value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumValue {
    /// Wire value.
    pub value: String,
    /// Rust variant name.
    pub ident: String,
}

/// A union variant.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// Rust variant name.
    pub ident: String,
    /// Type.
    pub ty: TypeRef,
    /// Boxed to break a cycle.
    pub boxed: bool,
}

/// All named types of an API.
#[derive(Debug, Clone, Default)]
pub struct TypeSpace {
    /// Types by [`TypeId`].
    pub defs: Vec<TypeDef>,
}

impl TypeSpace {
    /// The type with this id.
    pub fn get(&self, id: TypeId) -> &TypeDef {
        &self.defs[id.0]
    }

    /// Named types reached from `ty` (itself included), following fields and variants.
    pub fn reachable(&self, ty: &TypeRef, out: &mut BTreeSet<TypeId>) {
        // An explicit stack: a chain of types may be as long as the spec has schemas.
        let mut stack = vec![ty];
        while let Some(ty) = stack.pop() {
            match ty {
                TypeRef::Named(id) => {
                    if !out.insert(*id) {
                        continue;
                    }
                    // Pushed in reverse so that types are visited in field order.
                    match &self.get(*id).kind {
                        TypeKind::Struct { fields, additional } => {
                            stack.extend(additional.iter().rev());
                            stack.extend(fields.iter().rev().map(|f| &f.ty));
                        }
                        TypeKind::Union { variants } => {
                            stack.extend(variants.iter().rev().map(|v| &v.ty));
                        }
                        TypeKind::Enum { .. } => {}
                    }
                }
                TypeRef::Array(t) | TypeRef::Map(t) => stack.push(t),
                _ => {}
            }
        }
    }
}
