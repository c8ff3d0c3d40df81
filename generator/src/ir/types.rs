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
    /// Names the ledger once gave this type that now share it (two shapes that became one);
    /// emitted as `pub type Old = Name;` so code written against the old name still builds.
    pub aliases: Vec<String>,
    /// Where it is emitted: one category's file when a single feature uses it, else the shared
    /// file. Its path (`crate::models::Name`) is the same either way.
    pub scope: Scope,
    /// Which way it travels.
    pub direction: Direction,
    /// One-line description.
    pub doc: Option<String>,
    /// The shape.
    pub kind: TypeKind,
    /// JSON pointer of the schema it was made from.
    pub pointer: String,
    /// Cargo features of the categories that use it.
    pub features: BTreeSet<String>,
    /// Where it is used: indices into the build's sites (see `ir::site`).
    pub sites: Vec<usize>,
    /// Made from a component schema (`#/components/schemas/...`), the only kind of type that
    /// can refer to itself.
    pub component: bool,
}

impl TypeDef {
    /// A type not yet shaped or named.
    pub fn placeholder(direction: Direction, pointer: String) -> TypeDef {
        TypeDef {
            name: String::new(),
            aliases: Vec::new(),
            scope: Scope::Shared,
            direction,
            doc: None,
            kind: TypeKind::Struct {
                fields: vec![],
                additional: None,
            },
            pointer,
            features: BTreeSet::new(),
            sites: Vec::new(),
            component: false,
        }
    }
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
    /// Validation keywords of the property schema (none for a `$ref` property), read by the
    /// diff; they do not change the Rust type.
    pub constraints: Option<Box<Constraints>>,
    /// Rust identifier of the field's file twin: a multipart field Procore types as a string but
    /// describes as a file also takes `FilePart`s under this name, sent under the same part name
    /// (see `ir::file_twins`). One HTTP field, two Rust fields.
    pub file_twin: Option<String>,
}

#[cfg(test)]
impl Field {
    /// An optional, plain field named `name` (tests).
    pub(crate) fn optional(name: &str, ty: TypeRef) -> Field {
        Field {
            name: name.into(),
            ident: name.into(),
            ty,
            required: false,
            nullable: false,
            doc: None,
            deprecated: false,
            boxed: false,
            constraints: None,
            file_twin: None,
        }
    }
}

/// Validation keywords of a schema position: what values the API accepts or promises, beyond
/// the type. Carried for the diff only; the emitter ignores them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Constraints {
    /// `minimum`, and whether `exclusiveMinimum` is set.
    pub minimum: Option<(f64, bool)>,
    /// `maximum`, and whether `exclusiveMaximum` is set.
    pub maximum: Option<(f64, bool)>,
    /// `minLength`.
    pub min_length: Option<usize>,
    /// `maxLength`.
    pub max_length: Option<usize>,
    /// `minItems`.
    pub min_items: Option<usize>,
    /// `maxItems`.
    pub max_items: Option<usize>,
    /// `pattern`.
    pub pattern: Option<String>,
    /// `default`, as JSON text.
    pub default: Option<String>,
    /// `readOnly`.
    pub read_only: bool,
    /// `writeOnly`.
    pub write_only: bool,
    /// `nullable` (filled for parameters; a field's is [`Field::nullable`]).
    pub nullable: bool,
}

impl Constraints {
    /// The validation keywords of schema `s` (as `openapiv3` reads them: an integer schema's
    /// bounds are integers), or `None` when it has none.
    pub fn of(s: &serde_json::Map<String, serde_json::Value>) -> Option<Box<Constraints>> {
        use super::raw::{self, Kind};
        use serde_json::Value;
        let count = |k: &str| raw::get(s, k).and_then(Value::as_u64).map(|n| n as usize);
        let number = |k: &str| raw::get(s, k).and_then(Value::as_f64);
        let bound = |k: &str, excl: &str| number(k).map(|v| (v, raw::flag(s, excl)));
        let mut c = Constraints {
            default: raw::get(s, "default").map(|v| v.to_string()),
            read_only: raw::flag(s, "readOnly"),
            write_only: raw::flag(s, "writeOnly"),
            nullable: raw::flag(s, "nullable"),
            ..Constraints::default()
        };
        let kind = raw::kind(s);
        if matches!(kind, Kind::Integer | Kind::Number | Kind::Any) {
            c.minimum = bound("minimum", "exclusiveMinimum");
            c.maximum = bound("maximum", "exclusiveMaximum");
        }
        if matches!(kind, Kind::String | Kind::Any) {
            c.min_length = count("minLength");
            c.max_length = count("maxLength");
            c.pattern = raw::str_of(s, "pattern").map(str::to_string);
        }
        if matches!(kind, Kind::Array | Kind::Any) {
            c.min_items = count("minItems");
            c.max_items = count("maxItems");
        }
        (c != Constraints::default()).then(|| Box::new(c))
    }
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
