//! Schema -> [`TypeRef`]: the part of the IR build that names and deduplicates types.
//!
//! Every schema position gets a name from where it sits (operation + role + field path, or the
//! component name for `$ref`s). Positions whose converted shape is identical (ignoring
//! descriptions), in the same scope and direction, share one type; the other names become
//! aliases, so a name never depends on which position happened to be seen first.

use super::naming::{dedupe, snake_ident, type_name, variant_name};
use super::types::{
    Direction, EnumValue, Field, Scope, TypeDef, TypeId, TypeKind, TypeRef, TypeSpace, Variant,
};
use super::Rename;
use crate::diag::escape_token;
use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type};
use serde::Deserialize;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap, HashSet};

/// Where a schema sits: scope, direction, position name and JSON pointer.
#[derive(Debug, Clone)]
pub struct Pos {
    /// Where named types go.
    pub scope: Scope,
    /// Which way they travel.
    pub dir: Direction,
    /// Upper-camel-case position name (`ListProjectRfisItemAssignee`).
    pub name: String,
    /// JSON pointer of the schema.
    pub ptr: String,
}

impl Pos {
    fn child(&self, name_part: &str, ptr_part: &str) -> Pos {
        Pos {
            scope: self.scope.clone(),
            dir: self.dir,
            name: format!("{}{}", self.name, type_name(name_part)),
            ptr: format!("{}/{}", self.ptr, ptr_part),
        }
    }
}

/// Converts schemas into a [`TypeSpace`].
pub struct SchemaConverter<'a> {
    doc: &'a Value,
    /// The types made so far.
    pub space: TypeSpace,
    /// Renames made to settle name collisions.
    pub renames: Vec<Rename>,
    full_docs: bool,
    dedup: HashMap<(Scope, Direction, String), TypeId>,
    components: HashMap<(String, Direction), Result<TypeRef, String>>,
    names: HashSet<String>,
    ref_depth: usize,
    depth: usize,
}

const MAX_REF_DEPTH: usize = 64;
/// Nesting of schemas (inline and through `$ref`s) converted at once; deeper is an error. In a
/// debug build a level can take 30 KB of stack; 40 levels stay well inside a 2 MB thread, and
/// Procore nests about 12.
const MAX_DEPTH: usize = 40;

impl<'a> SchemaConverter<'a> {
    /// A converter resolving `$ref`s against `doc`.
    pub fn new(doc: &'a Value, full_docs: bool) -> Self {
        SchemaConverter {
            doc,
            space: TypeSpace::default(),
            renames: Vec::new(),
            full_docs,
            dedup: HashMap::new(),
            components: HashMap::new(),
            names: HashSet::new(),
            ref_depth: 0,
            depth: 0,
        }
    }

    /// Reserves a name that must not be used for a type (a runtime type, a request builder);
    /// false when it was already taken.
    pub fn reserve_name(&mut self, name: &str) -> bool {
        self.names.insert(name.to_string())
    }

    /// One-line (or, with full docs, complete) description text.
    pub fn doc_text(&self, text: Option<&str>) -> Option<String> {
        short_doc(text, self.full_docs)
    }

    /// Converts a schema or reference (`openapiv3` holds nested schemas boxed, top-level ones
    /// not; `Borrow` takes both).
    pub fn convert<S: std::borrow::Borrow<Schema>>(
        &mut self,
        s: &ReferenceOr<S>,
        pos: &Pos,
    ) -> Result<TypeRef, String> {
        // Every nested schema passes here: one bound for inline nesting and `$ref`s together
        // keeps the native stack small whatever the document.
        if self.depth >= MAX_DEPTH {
            return Err(format!(
                "{}: schema nested deeper than {MAX_DEPTH} levels (counting `$ref`s); not converted",
                pos.ptr
            ));
        }
        self.depth += 1;
        let out = match s {
            ReferenceOr::Reference { reference } => self.reference(reference, pos),
            ReferenceOr::Item(s) => self.schema(s.borrow(), pos),
        };
        self.depth -= 1;
        out
    }

    /// Resolves a `$ref` anywhere in the document to a schema.
    fn resolve(&self, reference: &str, pos: &Pos) -> Result<Schema, String> {
        let Some(pointer) = reference.strip_prefix('#') else {
            return Err(format!(
                "{}: external reference `{reference}` is not supported",
                pos.ptr
            ));
        };
        let target = self
            .doc
            .pointer(pointer)
            .ok_or_else(|| format!("{}: `$ref` `{reference}` points at nothing", pos.ptr))?;
        Schema::deserialize(target).map_err(|e| format!("{pointer}: not a schema ({e})"))
    }

    fn reference(&mut self, reference: &str, pos: &Pos) -> Result<TypeRef, String> {
        self.ref_depth += 1;
        let out = self.reference_inner(reference, pos);
        self.ref_depth -= 1;
        out
    }

    fn reference_inner(&mut self, reference: &str, pos: &Pos) -> Result<TypeRef, String> {
        if self.ref_depth > MAX_REF_DEPTH {
            return Err(format!(
                "{}: `$ref` chain deeper than {MAX_REF_DEPTH} (a cycle of references?)",
                pos.ptr
            ));
        }
        let Some(name) = reference.strip_prefix("#/components/schemas/") else {
            // Not a component: convert in place, named by position.
            let s = self.resolve(reference, pos)?;
            return self.schema(&s, pos);
        };
        let key = (name.to_string(), pos.dir);
        if let Some(done) = self.components.get(&key) {
            return done.clone();
        }
        let schema = match self.resolve(reference, pos) {
            Ok(s) => s,
            Err(e) => {
                self.components.insert(key, Err(e.clone()));
                return Err(e);
            }
        };
        let suffix = match pos.dir {
            Direction::Response => "",
            Direction::Request => "Input",
            Direction::Form => "Form",
        };
        let cpos = Pos {
            scope: Scope::Shared,
            dir: pos.dir,
            name: format!("{}{suffix}", type_name(name)),
            ptr: format!("/components/schemas/{}", escape_token(name)),
        };
        // Reserve the id first, so that a component that refers to itself finds it.
        let reserved = named_shape(&schema).then(|| {
            let id = self.push(TypeDef {
                name: String::new(),
                aliases: Vec::new(),
                scope: Scope::Shared,
                direction: pos.dir,
                doc: None,
                kind: TypeKind::Struct {
                    fields: vec![],
                    additional: None,
                },
                pointer: cpos.ptr.clone(),
                features: BTreeSet::new(),
            });
            self.components.insert(key.clone(), Ok(TypeRef::Named(id)));
            id
        });
        if reserved.is_none() {
            // An array or map that contains itself (`items: {$ref: self}`) has no finite Rust
            // type without a name to box; its inner occurrence reads as any JSON value.
            self.components.insert(key.clone(), Ok(TypeRef::Any));
        }
        let result = match reserved {
            Some(id) => self.named_kind(&schema, &cpos).map(|(kind, doc)| {
                let name = self.claim_name(&cpos.name, &cpos.ptr);
                let def = &mut self.space.defs[id.0];
                def.name = name;
                def.kind = kind;
                def.doc = doc;
                TypeRef::Named(id)
            }),
            None => self.schema(&schema, &cpos),
        };
        self.components.insert(key, result.clone());
        result
    }

    fn push(&mut self, def: TypeDef) -> TypeId {
        self.space.defs.push(def);
        TypeId(self.space.defs.len() - 1)
    }

    /// Claims `wanted` as a type name, or the first free `wanted2`, `wanted3`...
    fn claim_name(&mut self, wanted: &str, at: &str) -> String {
        if self.names.insert(wanted.to_string()) {
            return wanted.to_string();
        }
        let mut i = 2;
        loop {
            let candidate = format!("{wanted}{i}");
            if self.names.insert(candidate.clone()) {
                self.renames.push(Rename {
                    kind: "type",
                    wanted: wanted.to_string(),
                    used: candidate.clone(),
                    at: at.to_string(),
                });
                return candidate;
            }
            i += 1;
        }
    }

    /// Converts an inline schema.
    pub fn schema(&mut self, s: &Schema, pos: &Pos) -> Result<TypeRef, String> {
        match &s.schema_kind {
            SchemaKind::Type(Type::String(st)) => {
                if st.enumeration.iter().flatten().next().is_some() {
                    return self.named(s, pos);
                }
                Ok(match &st.format {
                    openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary) => {
                        TypeRef::Binary
                    }
                    openapiv3::VariantOrUnknownOrEmpty::Unknown(f) if f == "binary" => {
                        TypeRef::Binary
                    }
                    _ => TypeRef::String,
                })
            }
            SchemaKind::Type(Type::Integer(_)) => Ok(TypeRef::Integer),
            SchemaKind::Type(Type::Number(_)) => Ok(TypeRef::Number),
            SchemaKind::Type(Type::Boolean(_)) => Ok(TypeRef::Boolean),
            SchemaKind::Type(Type::Array(a)) => self.array(a.items.as_ref(), pos),
            SchemaKind::Type(Type::Object(o)) => {
                if o.properties.is_empty() {
                    return self.map_or_any(o.additional_properties.as_ref(), pos);
                }
                self.named(s, pos)
            }
            SchemaKind::OneOf { one_of: list } | SchemaKind::AnyOf { any_of: list } => {
                match list.len() {
                    0 => Ok(TypeRef::Any),
                    // A one-variant union is just that variant.
                    1 => self.convert(
                        &list[0],
                        &Pos {
                            ptr: format!("{}/oneOf/0", pos.ptr),
                            ..pos.clone()
                        },
                    ),
                    _ => self.named(s, pos),
                }
            }
            SchemaKind::AllOf { .. } => {
                let merged = self.merge_all_of(s, pos)?;
                self.schema(&merged, pos)
            }
            SchemaKind::Not { .. } => Ok(TypeRef::Any),
            SchemaKind::Any(any) => {
                if let Some(t) = &any.typ {
                    if !["string", "integer", "number", "boolean", "array", "object"]
                        .contains(&t.as_str())
                    {
                        return Err(format!("{}: unknown type `{t}`", pos.ptr));
                    }
                }
                if !any.properties.is_empty() {
                    return self.named(s, pos);
                }
                if let Some(items) = &any.items {
                    return self.array(Some(items), pos);
                }
                if any.typ.as_deref() == Some("object") || any.additional_properties.is_some() {
                    return self.map_or_any(any.additional_properties.as_ref(), pos);
                }
                Ok(match any.typ.as_deref() {
                    Some("string") => TypeRef::String,
                    Some("integer") => TypeRef::Integer,
                    Some("number") => TypeRef::Number,
                    Some("boolean") => TypeRef::Boolean,
                    _ => TypeRef::Any,
                })
            }
        }
    }

    fn array(
        &mut self,
        items: Option<&ReferenceOr<Box<Schema>>>,
        pos: &Pos,
    ) -> Result<TypeRef, String> {
        let Some(items) = items else {
            return Ok(TypeRef::Array(Box::new(TypeRef::Any)));
        };
        let item = self.convert(items, &pos.child("Item", "items"))?;
        Ok(TypeRef::Array(Box::new(item)))
    }

    fn map_or_any(
        &mut self,
        ap: Option<&AdditionalProperties>,
        pos: &Pos,
    ) -> Result<TypeRef, String> {
        match ap {
            None | Some(AdditionalProperties::Any(false)) => Ok(TypeRef::Any),
            Some(AdditionalProperties::Any(true)) => Ok(TypeRef::Map(Box::new(TypeRef::Any))),
            Some(AdditionalProperties::Schema(s)) => {
                let v = self.convert(s, &pos.child("Value", "additionalProperties"))?;
                Ok(TypeRef::Map(Box::new(v)))
            }
        }
    }

    /// Converts a schema that becomes a named type, sharing an identical one when it exists.
    fn named(&mut self, s: &Schema, pos: &Pos) -> Result<TypeRef, String> {
        let (kind, doc) = self.named_kind(s, pos)?;
        let key = (pos.scope.clone(), pos.dir, shape_key(&kind));
        if let Some(&id) = self.dedup.get(&key) {
            let alias = self.claim_name(&pos.name, &pos.ptr);
            self.space.defs[id.0].aliases.push(alias);
            return Ok(TypeRef::Named(id));
        }
        let name = self.claim_name(&pos.name, &pos.ptr);
        let id = self.push(TypeDef {
            name,
            aliases: Vec::new(),
            scope: pos.scope.clone(),
            direction: pos.dir,
            doc,
            kind,
            pointer: pos.ptr.clone(),
            features: BTreeSet::new(),
        });
        self.dedup.insert(key, id);
        Ok(TypeRef::Named(id))
    }

    /// The shape of a schema that becomes a named type.
    fn named_kind(&mut self, s: &Schema, pos: &Pos) -> Result<(TypeKind, Option<String>), String> {
        let doc = short_doc(
            s.schema_data
                .description
                .as_deref()
                .or(s.schema_data.title.as_deref()),
            self.full_docs,
        );
        let kind = match &s.schema_kind {
            SchemaKind::Type(Type::String(st)) => {
                let values: Vec<String> = st.enumeration.iter().flatten().cloned().collect();
                enum_kind(values)
            }
            SchemaKind::Type(Type::Object(o)) => self.object(
                &o.properties,
                &o.required,
                o.additional_properties.as_ref(),
                pos,
            )?,
            SchemaKind::Any(any) if !any.properties.is_empty() => self.object(
                &any.properties,
                &any.required,
                any.additional_properties.as_ref(),
                pos,
            )?,
            SchemaKind::OneOf { one_of: list } | SchemaKind::AnyOf { any_of: list } => {
                let word = if matches!(s.schema_kind, SchemaKind::OneOf { .. }) {
                    "oneOf"
                } else {
                    "anyOf"
                };
                let mut variants = Vec::new();
                let mut idents = Vec::new();
                for (i, v) in list.iter().enumerate() {
                    let ty = self.convert(
                        v,
                        &Pos {
                            name: format!("{}Variant{}", pos.name, i + 1),
                            ptr: format!("{}/{word}/{i}", pos.ptr),
                            ..pos.clone()
                        },
                    )?;
                    idents.push(self.variant_ident(&ty));
                    variants.push(ty);
                }
                // `Other` is the catch-all the emitter adds to response unions.
                idents.push("Other".into());
                dedupe(&mut idents);
                idents.pop();
                TypeKind::Union {
                    variants: variants
                        .into_iter()
                        .zip(idents)
                        .map(|(ty, ident)| Variant {
                            ident,
                            ty,
                            boxed: false,
                        })
                        .collect(),
                }
            }
            SchemaKind::AllOf { .. } => {
                let merged = self.merge_all_of(s, pos)?;
                return self.named_kind(&merged, pos);
            }
            _ => {
                // A component that is a plain array/primitive never reaches here (see
                // `named_shape`); anything else is an object with no known fields.
                TypeKind::Struct {
                    fields: vec![],
                    additional: Some(TypeRef::Any),
                }
            }
        };
        Ok((kind, doc))
    }

    fn variant_ident(&self, ty: &TypeRef) -> String {
        match ty {
            TypeRef::String => "String".into(),
            TypeRef::Integer => "Integer".into(),
            TypeRef::Number => "Number".into(),
            TypeRef::Boolean => "Boolean".into(),
            TypeRef::Binary => "Binary".into(),
            TypeRef::Any => "Value".into(),
            TypeRef::Array(_) => "Array".into(),
            TypeRef::Map(_) => "Map".into(),
            TypeRef::Named(id) => {
                let def = self.space.get(*id);
                match (&def.scope, &def.kind) {
                    (Scope::Shared, _)
                        if def.pointer.starts_with("/components/schemas/")
                            && !def.name.is_empty() =>
                    {
                        def.name.clone()
                    }
                    (_, TypeKind::Enum { .. }) => "Enum".into(),
                    (_, TypeKind::Union { .. }) => "Union".into(),
                    _ => "Object".into(),
                }
            }
        }
    }

    fn object(
        &mut self,
        properties: &indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        additional: Option<&AdditionalProperties>,
        pos: &Pos,
    ) -> Result<TypeKind, String> {
        let mut fields = Vec::with_capacity(properties.len());
        for (name, prop) in properties {
            let child = pos.child(name, &format!("properties/{}", escape_token(name)));
            let ty = self.convert(prop, &child)?;
            let (nullable, deprecated, doc) = match prop {
                ReferenceOr::Item(s) => (
                    s.schema_data.nullable,
                    s.schema_data.deprecated,
                    short_doc(s.schema_data.description.as_deref(), self.full_docs),
                ),
                ReferenceOr::Reference { .. } => (false, false, None),
            };
            fields.push(Field {
                name: name.clone(),
                ident: snake_ident(name),
                ty,
                required: required.contains(name),
                nullable,
                doc,
                deprecated,
                boxed: false,
            });
        }
        let mut idents: Vec<String> = fields.iter().map(|f| f.ident.clone()).collect();
        idents.push("additional_properties".into());
        dedupe(&mut idents);
        for (f, i) in fields.iter_mut().zip(idents) {
            f.ident = i;
        }
        let additional = match additional {
            None | Some(AdditionalProperties::Any(false)) => None,
            Some(AdditionalProperties::Any(true)) => Some(TypeRef::Any),
            Some(AdditionalProperties::Schema(s)) => {
                Some(self.convert(s, &pos.child("Value", "additionalProperties"))?)
            }
        };
        Ok(TypeKind::Struct { fields, additional })
    }

    /// Merges the members of an `allOf` into one schema: properties and `required` are united
    /// in order; for non-object members the first wins.
    fn merge_all_of(&mut self, s: &Schema, pos: &Pos) -> Result<Schema, String> {
        let SchemaKind::AllOf { all_of } = &s.schema_kind else {
            return Ok(s.clone());
        };
        let mut props = indexmap::IndexMap::new();
        let mut required = Vec::new();
        let mut additional = None;
        let mut first_other = None;
        for (i, member) in all_of.iter().enumerate() {
            let member = match member {
                ReferenceOr::Reference { reference } => self.resolve(reference, pos)?,
                ReferenceOr::Item(m) => m.clone(),
            };
            let member = if matches!(member.schema_kind, SchemaKind::AllOf { .. }) {
                // `allOf` members that are `allOf`s (through `$ref`s, possibly of themselves)
                // are flattened recursively: bounded like a `$ref` chain.
                self.depth += 1;
                let merged = if self.depth > MAX_DEPTH {
                    Err(format!(
                        "{}: `allOf` nested deeper than {MAX_DEPTH} levels (does it include itself?)",
                        pos.ptr
                    ))
                } else {
                    self.merge_all_of(
                        &member,
                        &Pos {
                            ptr: format!("{}/allOf/{i}", pos.ptr),
                            ..pos.clone()
                        },
                    )
                };
                self.depth -= 1;
                merged?
            } else {
                member
            };
            match member.schema_kind {
                SchemaKind::Type(Type::Object(o)) => {
                    props.extend(o.properties);
                    required.extend(o.required);
                    additional = additional.or(o.additional_properties);
                }
                SchemaKind::Any(a) if !a.properties.is_empty() => {
                    props.extend(a.properties);
                    required.extend(a.required);
                    additional = additional.or(a.additional_properties);
                }
                _ => {
                    first_other.get_or_insert(member);
                }
            }
        }
        if props.is_empty() {
            if let Some(other) = first_other {
                return Ok(other);
            }
        }
        required.dedup();
        Ok(Schema {
            schema_data: s.schema_data.clone(),
            schema_kind: SchemaKind::Type(Type::Object(openapiv3::ObjectType {
                properties: props,
                required,
                additional_properties: additional,
                ..Default::default()
            })),
        })
    }
}

/// True for schemas that become a named type (objects with fields, enums, unions).
fn named_shape(s: &Schema) -> bool {
    match &s.schema_kind {
        SchemaKind::Type(Type::String(st)) => st.enumeration.iter().flatten().next().is_some(),
        SchemaKind::Type(Type::Object(o)) => !o.properties.is_empty(),
        SchemaKind::OneOf { one_of: l } | SchemaKind::AnyOf { any_of: l } => l.len() > 1,
        SchemaKind::AllOf { .. } => true,
        SchemaKind::Any(a) => !a.properties.is_empty(),
        _ => false,
    }
}

fn enum_kind(values: Vec<String>) -> TypeKind {
    let mut idents: Vec<String> = values.iter().map(|v| variant_name(v)).collect();
    // `Unknown` is the catch-all variant of response enums.
    for i in idents.iter_mut() {
        if i == "Unknown" {
            *i = "UnknownValue".into();
        }
    }
    dedupe(&mut idents);
    TypeKind::Enum {
        values: values
            .into_iter()
            .zip(idents)
            .map(|(value, ident)| EnumValue { value, ident })
            .collect(),
    }
}

/// The identity of a shape, ignoring descriptions.
fn shape_key(kind: &TypeKind) -> String {
    use std::fmt::Write;
    let mut k = String::new();
    match kind {
        TypeKind::Struct { fields, additional } => {
            k.push('S');
            for f in fields {
                let _ = write!(
                    k,
                    "|{}:{:?}:{}{}{}",
                    f.name,
                    f.ty,
                    u8::from(f.required),
                    u8::from(f.nullable),
                    u8::from(f.deprecated)
                );
            }
            let _ = write!(k, "|+{additional:?}");
        }
        TypeKind::Enum { values } => {
            k.push('E');
            for v in values {
                k.push('|');
                k.push_str(&v.value);
            }
        }
        TypeKind::Union { variants } => {
            k.push('U');
            for v in variants {
                let _ = write!(k, "|{:?}", v.ty);
            }
        }
    }
    k
}

/// The first line of a description (at most 160 characters), or all of it with `full`.
pub fn short_doc(text: Option<&str>, full: bool) -> Option<String> {
    let text = text?.trim();
    if text.is_empty() {
        return None;
    }
    if full {
        return Some(text.to_string());
    }
    let line = text.lines().map(str::trim).find(|l| !l.is_empty())?;
    if line.chars().count() <= 160 {
        return Some(line.to_string());
    }
    let cut: String = line.chars().take(157).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(a, _)| a);
    Some(format!("{cut}..."))
}
