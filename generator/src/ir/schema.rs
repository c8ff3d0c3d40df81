//! Schema -> [`TypeRef`]: the part of the IR build that makes and deduplicates types.
//!
//! Schemas that need a Rust type of their own (objects with properties, enums, unions) become a
//! [`TypeDef`]; identical shapes (same direction, descriptions ignored) share one, wherever they
//! sit. Each use is recorded as a [`Site`]; names are given afterwards from the sites (see
//! `naming::types`), so no name depends on the order schemas were met in.
//!
//! Schemas are read in place from the document (see `ir::raw`), never copied.

use super::error::IrError;
use super::file_twins;
use super::naming::{dedupe, snake_ident, variant_name};
use super::raw::{self, Additional, Kind, Schema};
use super::replay::{self, Event};
use super::site::{Role, Root, Site, Via};
use super::types::{
    Constraints, Direction, EnumValue, Field, TypeDef, TypeId, TypeKind, TypeRef, TypeSpace,
    Variant,
};
use crate::diag::{escape_token, push_token};
use serde::Deserialize;
use serde_json::Value;
use std::collections::HashMap;

/// Where a schema sits: direction, JSON pointer, and its site context.
#[derive(Debug, Clone)]
pub struct Pos {
    /// Which way its types travel.
    pub dir: Direction,
    /// JSON pointer of the schema.
    pub ptr: String,
    /// Ledger key of this place (see [`Site::key`]).
    pub key: String,
    /// The nearest enclosing site.
    pub parent: Option<usize>,
    /// How it is reached from the parent.
    pub via: Via,
    /// Root index.
    pub root: usize,
    /// Role of the root schema.
    pub role: Role,
    /// Named types above it.
    pub depth: u16,
}

impl Pos {
    /// The position of a root schema.
    pub fn root(dir: Direction, ptr: String, root: usize, key: String, role: Role) -> Pos {
        Pos {
            dir,
            ptr,
            key,
            parent: None,
            via: Via::Root,
            root,
            role,
            depth: 0,
        }
    }

    /// The position one step below: `ptr_part` (already escaped) and `key_part` appended.
    fn step(&self, via: Via, ptr_part: &str, key_part: &str) -> Pos {
        self.below(
            via,
            |ptr| ptr.push_str(ptr_part),
            |key| key.push_str(key_part),
        )
    }

    /// The position one step below, its pointer and key extended in place (this runs for
    /// every property of every schema: no formatting, no copies of this position's strings).
    fn below(&self, via: Via, ptr: impl FnOnce(&mut String), key: impl FnOnce(&mut String)) -> Pos {
        let mut p = String::with_capacity(self.ptr.len() + 32);
        p.push_str(&self.ptr);
        p.push('/');
        ptr(&mut p);
        let mut k = String::with_capacity(self.key.len() + 16);
        k.push_str(&self.key);
        key(&mut k);
        Pos {
            dir: self.dir,
            ptr: p,
            key: k,
            parent: self.parent,
            via,
            root: self.root,
            role: self.role.clone(),
            depth: self.depth,
        }
    }

    fn prop(&self, name: &str) -> Pos {
        self.below(
            Via::Prop(name.to_string()),
            |ptr| {
                ptr.push_str("properties");
                push_token(ptr, name);
            },
            |key| push_prop_key(key, name),
        )
    }

    fn items(&self) -> Pos {
        self.step(
            Via::Item(self.via.prop().map(str::to_string)),
            "items",
            "[]",
        )
    }

    fn values(&self) -> Pos {
        let via = Via::Value(self.via.prop().map(str::to_string));
        self.step(via, "additionalProperties", "{}")
    }
}

/// The step a property adds to a site key: `.name`, or `."odd name"` when it is not a plain word.
pub(crate) fn prop_key(name: &str) -> String {
    let mut key = String::new();
    push_prop_key(&mut key, name);
    key
}

/// Appends [`prop_key`] to `key`.
fn push_prop_key(key: &mut String, name: &str) {
    use std::fmt::Write;
    if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        key.push('.');
        key.push_str(name);
    } else {
        let _ = write!(key, ".{name:?}");
    }
}

/// Converts schemas into a [`TypeSpace`], recording every site.
pub struct SchemaConverter<'a> {
    doc: &'a Value,
    /// The types made so far (unnamed until `naming::types` runs).
    pub space: TypeSpace,
    /// Every site, in the order met.
    pub sites: Vec<Site>,
    /// Operations and components that sites hang from.
    pub roots: Vec<Root>,
    full_docs: bool,
    /// Identical shapes -> the one type they share.
    pub(super) dedup: HashMap<(Direction, String), TypeId>,
    /// Component schemas converted so far (or being converted), by name and direction.
    pub(super) components: HashMap<ComponentKey, Result<TypeRef, IrError>>,
    depth: usize,
    /// Field site key -> the file twin the ledger named there (see `ir::file_twins`).
    kept_twins: HashMap<String, String>,
    /// Every file twin given: the pointer of its field and its name, for the notes.
    pub twins_made: Vec<(String, String)>,
    /// When converting a chunk of operations on a worker thread: what changed, in order, for
    /// `ir::replay` to repeat on the one converter of the build. Such a converter shares no
    /// shapes (every named shape gets a type of its own; the replay deduplicates).
    pub(super) log: Option<Vec<Event>>,
}

/// A component schema's name and the direction it is converted for.
pub(super) type ComponentKey = (String, Direction);

/// Nesting of schemas (inline and through `$ref`s) converted at once; deeper is an error. In a
/// debug build a level can take 30 KB of stack; 40 levels stay well inside a 2 MB thread, and
/// Procore nests about 12.
const MAX_DEPTH: usize = 40;

/// The parts of an object schema a struct is made from.
struct ObjectParts<'a> {
    /// `properties`, in order.
    props: Vec<(&'a str, &'a Value)>,
    /// `required`.
    required: Vec<&'a str>,
    /// `additionalProperties`.
    additional: Option<Additional<'a>>,
}

impl<'a> ObjectParts<'a> {
    fn of(s: &'a Schema) -> Self {
        ObjectParts {
            props: raw::properties(s)
                .into_iter()
                .flatten()
                .map(|(k, v)| (k.as_str(), v))
                .collect(),
            required: raw::required(s),
            additional: raw::additional(s),
        }
    }
}

/// What an `allOf` merges into: one of its members (when none is an object with properties),
/// or an object uniting the members' properties, described by the `allOf` schema itself.
enum Merged<'a> {
    Other(&'a Schema),
    Object(&'a Schema, ObjectParts<'a>),
}

/// A schema that becomes a named type: as written, or an `allOf` merged into an object.
enum Shape<'a> {
    Schema(&'a Schema),
    Merged(&'a Schema, ObjectParts<'a>),
}

impl<'a> SchemaConverter<'a> {
    /// A converter resolving `$ref`s against `doc`.
    pub fn new(doc: &'a Value, full_docs: bool) -> Self {
        SchemaConverter {
            doc,
            space: TypeSpace::default(),
            sites: Vec::new(),
            roots: Vec::new(),
            full_docs,
            dedup: HashMap::new(),
            components: HashMap::new(),
            depth: 0,
            kept_twins: HashMap::new(),
            twins_made: Vec::new(),
            log: None,
        }
    }

    /// A converter for a worker thread: it records what it does (see [`SchemaConverter::log`]).
    pub(super) fn recording(doc: &'a Value, full_docs: bool) -> Self {
        SchemaConverter {
            log: Some(Vec::new()),
            ..SchemaConverter::new(doc, full_docs)
        }
    }

    /// Logs an event when recording; `event` is only built then.
    fn record(&mut self, event: impl FnOnce() -> Event) {
        if let Some(log) = &mut self.log {
            log.push(event());
        }
    }

    /// Keeps the file twins a ledger named (field site key -> name).
    pub fn keep_twins(&mut self, twins: HashMap<String, String>) {
        self.kept_twins = twins;
    }

    /// One-line (or, with full docs, complete) description text.
    pub fn doc_text(&self, text: Option<&str>) -> Option<String> {
        short_doc(text, self.full_docs)
    }

    /// Adds a root; its index is what [`Pos::root`] takes.
    pub fn add_root(&mut self, root: Root) -> usize {
        self.roots.push(root);
        let idx = self.roots.len() - 1;
        self.record(|| Event::Root(idx));
        idx
    }

    /// Converts a schema or reference, as found in the document. The caller has checked that
    /// `openapiv3` would read it ([`raw::valid`]).
    pub fn convert(&mut self, v: &'a Value, pos: &Pos) -> Result<TypeRef, IrError> {
        self.depth += 1;
        let out = if self.depth > MAX_DEPTH {
            Err(IrError::new(
                &pos.ptr,
                format!("schemas nested deeper than {MAX_DEPTH} (a cycle of references?)"),
            ))
        } else {
            match (raw::ref_of(v), v) {
                (Some(reference), _) => self.reference(reference, pos),
                (None, Value::Object(s)) => self.schema(s, pos),
                (None, _) => Err(IrError::new(&pos.ptr, "not a schema")),
            }
        };
        self.depth -= 1;
        out
    }

    /// Resolves a `$ref` anywhere in the document to a schema.
    fn resolve(&self, reference: &str, pos: &Pos) -> Result<&'a Schema, IrError> {
        let Some(pointer) = reference.strip_prefix('#') else {
            return Err(IrError::new(
                &pos.ptr,
                format!("external reference `{reference}` is not supported"),
            ));
        };
        let target = self.doc.pointer(pointer).ok_or_else(|| {
            IrError::new(&pos.ptr, format!("`$ref` `{reference}` points at nothing"))
        })?;
        match target {
            Value::Object(s) if raw::valid_schema(target) => Ok(s),
            // The typed parse words the reason.
            _ => match (openapiv3::Schema::deserialize(target), target) {
                (Err(e), _) => Err(IrError::new(pointer, format!("not a schema ({e})"))),
                (Ok(_), Value::Object(s)) => Ok(s),
                (Ok(_), _) => Err(IrError::new(pointer, "not a schema")),
            },
        }
    }

    fn reference(&mut self, reference: &str, pos: &Pos) -> Result<TypeRef, IrError> {
        let Some(name) = reference.strip_prefix("#/components/schemas/") else {
            // Not a component: convert in place, as if it were written here.
            let s = self.resolve(reference, pos)?;
            return self.schema(s, pos);
        };
        let key = (name.to_string(), pos.dir);
        if let Some(done) = self.components.get(&key) {
            let done = done.clone();
            self.record(|| Event::Hit {
                key: key.clone(),
                out: done.clone(),
            });
            if let Ok(TypeRef::Named(id)) = &done {
                self.record_site(pos, *id);
            }
            return done;
        }
        let open = self.log.as_ref().map(|log| log.len());
        self.record(|| Event::Component {
            key: key.clone(),
            at: site_at(pos, None),
            close: 0,
            out: Ok(TypeRef::Any),
        });
        let out = self.component(name, key, reference, pos);
        if let (Some(log), Some(open)) = (&mut self.log, open) {
            replay::close(log, open, &out);
        }
        out
    }

    /// Converts a component schema met for the first time (in this direction), from the
    /// reference at `pos`.
    fn component(
        &mut self,
        name: &str,
        key: ComponentKey,
        reference: &str,
        pos: &Pos,
    ) -> Result<TypeRef, IrError> {
        let schema = match self.resolve(reference, pos) {
            Ok(s) => s,
            Err(e) => {
                self.memo(key, Err(e.clone()));
                return Err(e);
            }
        };
        let root = self.add_root(Root {
            key: format!("#/components/schemas/{name}"),
            method: None,
            resource: super::naming::operations::Resource {
                noun: super::naming::type_name(name),
                parent: None,
                action: None,
            },
            version: None,
        });
        let cpos = Pos::root(
            pos.dir,
            format!("/components/schemas/{}", escape_token(name)),
            root,
            format!("#/components/schemas/{name}"),
            Role::Component(name.to_string()),
        );
        if !named_shape(schema) {
            // An array or map that contains itself (`items: {$ref: self}`) has no finite Rust
            // type without a name to box; its inner occurrence reads as any JSON value.
            self.memo(key.clone(), Ok(TypeRef::Any));
            let out = self.schema(schema, &cpos);
            self.memo(key, out.clone());
            return out;
        }
        // Reserve the id first, so that a component that refers to itself finds it.
        let id = self.push(TypeDef::placeholder(pos.dir, cpos.ptr.clone()));
        self.space.defs[id.0].component = true;
        self.record(|| Event::Placeholder(id));
        self.memo(key.clone(), Ok(TypeRef::Named(id)));
        let site = self.record_site(&cpos, id);
        let inner = Pos {
            parent: Some(site),
            depth: 1,
            ..cpos.clone()
        };
        let result = self
            .named_kind(Shape::Schema(schema), &inner)
            .map(|(kind, doc)| {
                let def = &mut self.space.defs[id.0];
                def.kind = kind;
                def.doc = doc;
                TypeRef::Named(id)
            });
        if result.is_ok() {
            self.record(|| Event::Fill(id));
        }
        self.memo(key, result.clone());
        if result.is_ok() {
            self.record_site(pos, id);
        }
        result
    }

    /// Remembers what a component converts to (for now, while it is being converted).
    fn memo(&mut self, key: ComponentKey, value: Result<TypeRef, IrError>) {
        self.record(|| Event::Memo {
            key: key.clone(),
            value: value.clone(),
        });
        self.components.insert(key, value);
    }

    fn push(&mut self, def: TypeDef) -> TypeId {
        self.space.defs.push(def);
        TypeId(self.space.defs.len() - 1)
    }

    /// Records that type `id` is used at `pos`; returns the site's index.
    fn record_site(&mut self, pos: &Pos, id: TypeId) -> usize {
        let idx = self.push_site(pos, Some(id));
        self.space.defs[id.0].sites.push(idx);
        self.record(|| Event::Site(idx));
        idx
    }

    /// Adds the site at `pos` (its type, when already known); returns its index.
    fn push_site(&mut self, pos: &Pos, ty: Option<TypeId>) -> usize {
        self.sites.push(site_at(pos, ty));
        self.sites.len() - 1
    }

    /// Converts an inline schema (a `$ref` in it is ignored, as `openapiv3::Schema` does).
    fn schema(&mut self, s: &'a Schema, pos: &Pos) -> Result<TypeRef, IrError> {
        match raw::kind(s) {
            Kind::String => {
                if enum_strings(s).next().is_some() {
                    return self.named(Shape::Schema(s), pos);
                }
                Ok(match raw::str_of(s, "format") {
                    Some("binary") => TypeRef::Binary,
                    _ => TypeRef::String,
                })
            }
            Kind::Integer => Ok(TypeRef::Integer),
            Kind::Number => Ok(TypeRef::Number),
            Kind::Boolean => Ok(TypeRef::Boolean),
            Kind::Array => self.array(raw::get(s, "items"), pos),
            Kind::Object => {
                if raw::properties(s).is_none_or(|p| p.is_empty()) {
                    return self.map_or_any(raw::additional(s), pos);
                }
                self.named(Shape::Schema(s), pos)
            }
            kind @ (Kind::OneOf | Kind::AnyOf) => {
                let word = one_of_word(kind);
                let list = raw::list(s, word);
                match list.len() {
                    0 => Ok(TypeRef::Any),
                    // A one-variant union is just that variant.
                    1 => {
                        let inner = Pos {
                            ptr: format!("{}/{word}/0", pos.ptr),
                            ..pos.clone()
                        };
                        self.convert(&list[0], &inner)
                    }
                    _ => self.named(Shape::Schema(s), pos),
                }
            }
            Kind::AllOf => match self.merge_all_of(s, pos)? {
                Merged::Other(m) => self.schema(m, pos),
                Merged::Object(_, parts) if parts.props.is_empty() => {
                    self.map_or_any(parts.additional, pos)
                }
                Merged::Object(data, parts) => self.named(Shape::Merged(data, parts), pos),
            },
            Kind::Not => Ok(TypeRef::Any),
            Kind::Any => self.untyped(s, pos),
        }
    }

    /// A schema without a `type` openapiv3 could place.
    fn untyped(&mut self, s: &'a Schema, pos: &Pos) -> Result<TypeRef, IrError> {
        let typ = raw::str_of(s, "type");
        if let Some(t) = typ {
            if !["string", "integer", "number", "boolean", "array", "object"].contains(&t) {
                return Err(IrError::new(&pos.ptr, format!("unknown type `{t}`")));
            }
        }
        if raw::properties(s).is_some_and(|p| !p.is_empty()) {
            return self.named(Shape::Schema(s), pos);
        }
        if let Some(items) = raw::get(s, "items") {
            return self.array(Some(items), pos);
        }
        let additional = raw::additional(s);
        if typ == Some("object") || additional.is_some() {
            return self.map_or_any(additional, pos);
        }
        Ok(match typ {
            Some("string") => TypeRef::String,
            Some("integer") => TypeRef::Integer,
            Some("number") => TypeRef::Number,
            Some("boolean") => TypeRef::Boolean,
            _ => TypeRef::Any,
        })
    }

    fn array(&mut self, items: Option<&'a Value>, pos: &Pos) -> Result<TypeRef, IrError> {
        let Some(items) = items else {
            return Ok(TypeRef::Array(Box::new(TypeRef::Any)));
        };
        let item = self.convert(items, &pos.items())?;
        Ok(TypeRef::Array(Box::new(item)))
    }

    fn map_or_any(&mut self, ap: Option<Additional<'a>>, pos: &Pos) -> Result<TypeRef, IrError> {
        match ap {
            None | Some(Additional::Any(false)) => Ok(TypeRef::Any),
            Some(Additional::Any(true)) => Ok(TypeRef::Map(Box::new(TypeRef::Any))),
            Some(Additional::Schema(s)) => {
                let v = self.convert(s, &pos.values())?;
                Ok(TypeRef::Map(Box::new(v)))
            }
        }
    }

    /// Converts a schema that becomes a named type, sharing an identical one when it exists.
    fn named(&mut self, s: Shape<'a>, pos: &Pos) -> Result<TypeRef, IrError> {
        // The site is numbered before its children's, so they can point at it.
        let site = self.push_site(pos, None);
        self.record(|| Event::Open(site));
        let inner = Pos {
            parent: Some(site),
            depth: pos.depth.saturating_add(1),
            ..pos.clone()
        };
        let (kind, doc) = self.named_kind(s, &inner)?;
        if self.log.is_some() {
            // Recording: the replay deduplicates, against every type of the build; the key is
            // written here, on the worker's core.
            let key = KeyTemplate::of(&kind);
            let mut def = TypeDef::placeholder(pos.dir, pos.ptr.clone());
            def.kind = kind;
            def.doc = doc;
            let def = self.push(def);
            self.record(|| Event::Named { site, def, key });
            self.sites[site].ty = Some(def);
            return Ok(TypeRef::Named(def));
        }
        let key = (pos.dir, shape_key(&kind));
        let id = match self.dedup.get(&key) {
            Some(&id) => id,
            None => {
                let mut def = TypeDef::placeholder(pos.dir, pos.ptr.clone());
                def.kind = kind;
                def.doc = doc;
                let id = self.push(def);
                self.dedup.insert(key, id);
                id
            }
        };
        self.sites[site].ty = Some(id);
        self.space.defs[id.0].sites.push(site);
        Ok(TypeRef::Named(id))
    }

    /// The shape of a schema that becomes a named type.
    fn named_kind(
        &mut self,
        shape: Shape<'a>,
        pos: &Pos,
    ) -> Result<(TypeKind, Option<String>), IrError> {
        let s = match shape {
            Shape::Schema(s) => s,
            Shape::Merged(data, parts) => {
                let doc = self.schema_doc(data);
                return Ok((self.object(parts, pos)?, doc));
            }
        };
        let doc = self.schema_doc(s);
        let kind = match raw::kind(s) {
            Kind::String => enum_kind(enum_strings(s).map(str::to_string).collect()),
            Kind::Object => self.object(ObjectParts::of(s), pos)?,
            Kind::Any if raw::properties(s).is_some_and(|p| !p.is_empty()) => {
                self.object(ObjectParts::of(s), pos)?
            }
            kind @ (Kind::OneOf | Kind::AnyOf) => {
                let word = one_of_word(kind);
                let list = raw::list(s, word);
                let mut variants = Vec::with_capacity(list.len());
                for (i, v) in list.iter().enumerate() {
                    let vpos = pos.step(Via::Variant(i), &format!("{word}/{i}"), &format!("|{i}"));
                    let ty = self.convert(v, &vpos)?;
                    // Idents are given with the names (`naming::types`).
                    variants.push(Variant {
                        ident: String::new(),
                        ty,
                        boxed: false,
                    });
                }
                TypeKind::Union { variants }
            }
            Kind::AllOf => {
                let merged = match self.merge_all_of(s, pos)? {
                    Merged::Other(m) => Shape::Schema(m),
                    Merged::Object(data, parts) => Shape::Merged(data, parts),
                };
                return self.named_kind(merged, pos);
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

    /// The doc comment of a named type: its description, else its title.
    fn schema_doc(&self, s: &Schema) -> Option<String> {
        let text = raw::str_of(s, "description").or(raw::str_of(s, "title"));
        short_doc(text, self.full_docs)
    }

    fn object(&mut self, parts: ObjectParts<'a>, pos: &Pos) -> Result<TypeKind, IrError> {
        let mut fields = Vec::with_capacity(parts.props.len());
        let mut twins = Vec::with_capacity(parts.props.len());
        for &(name, prop) in &parts.props {
            let at = pos.prop(name);
            let ty = self.convert(prop, &at)?;
            // A `$ref` property carries nothing of its own.
            let item = match (raw::ref_of(prop), prop) {
                (None, Value::Object(s)) => Some(s),
                _ => None,
            };
            let description = item.and_then(|s| raw::str_of(s, "description"));
            twins.push(if pos.dir == Direction::Form {
                file_twins::wanted(&ty, description, self.kept_twins.get(&at.key))
            } else {
                None
            });
            let (nullable, deprecated, doc, constraints) = match item {
                Some(s) => (
                    raw::flag(s, "nullable"),
                    raw::flag(s, "deprecated"),
                    short_doc(description, self.full_docs),
                    Constraints::of(s),
                ),
                None => (false, false, None, None),
            };
            fields.push(Field {
                name: name.to_string(),
                ident: snake_ident(name),
                ty,
                required: parts.required.contains(&name),
                nullable,
                doc,
                deprecated,
                boxed: false,
                constraints,
                file_twin: None,
            });
        }
        self.name_fields(&mut fields, twins, pos);
        let additional = match parts.additional {
            None | Some(Additional::Any(false)) => None,
            Some(Additional::Any(true)) => Some(TypeRef::Any),
            Some(Additional::Schema(s)) => Some(self.convert(s, &pos.values())?),
        };
        Ok(TypeKind::Struct { fields, additional })
    }

    /// Gives a struct's fields unique idents, then their file twins (one wish per field) names:
    /// the name the emitter adds to structs with `additionalProperties` and the twins the ledger
    /// named stay free (the `extra` field of response structs steps aside instead, see
    /// `emit::lenient`).
    fn name_fields(
        &mut self,
        fields: &mut [Field],
        twins: Vec<Option<file_twins::Twin>>,
        pos: &Pos,
    ) {
        let mut reserved = vec!["additional_properties".to_string()];
        reserved.extend(file_twins::kept_names(&twins));
        let mut idents: Vec<String> = fields.iter().map(|f| f.ident.clone()).collect();
        idents.extend(reserved.iter().cloned());
        dedupe_reserved(&mut idents, reserved.len());
        for (f, i) in fields.iter_mut().zip(idents) {
            f.ident = i;
        }
        file_twins::name_twins(fields, twins, &reserved);
        for f in fields.iter() {
            if let Some(twin) = &f.file_twin {
                let ptr = format!("{}/properties/{}", pos.ptr, escape_token(&f.name));
                self.twins_made.push((ptr, twin.clone()));
                let made = self.twins_made.len() - 1;
                self.record(|| Event::Twin(made));
            }
        }
    }

    /// Merges the members of an `allOf` into one object: properties and `required` are united
    /// in order (a later property of the same name replaces an earlier one in its place); for
    /// non-object members the first wins.
    fn merge_all_of(&mut self, s: &'a Schema, pos: &Pos) -> Result<Merged<'a>, IrError> {
        let mut props: indexmap::IndexMap<&'a str, &'a Value> = indexmap::IndexMap::new();
        let mut required = Vec::new();
        let mut additional = None;
        let mut first_other = None;
        for (i, member) in raw::list(s, "allOf").iter().enumerate() {
            let member = match (raw::ref_of(member), member) {
                (Some(reference), _) => self.resolve(reference, pos)?,
                (None, Value::Object(m)) => m,
                (None, _) => return Err(IrError::new(&pos.ptr, "not a schema")),
            };
            let merged = if raw::kind(member) == Kind::AllOf {
                let mpos = Pos {
                    ptr: format!("{}/allOf/{i}", pos.ptr),
                    ..pos.clone()
                };
                self.depth += 1;
                let merged = if self.depth > MAX_DEPTH {
                    Err(IrError::new(&mpos.ptr, "allOf nested too deep"))
                } else {
                    self.merge_all_of(member, &mpos)
                };
                self.depth -= 1;
                merged?
            } else {
                Merged::Other(member)
            };
            let parts = match merged {
                Merged::Object(_, parts) => parts,
                Merged::Other(m) => match raw::kind(m) {
                    Kind::Object => ObjectParts::of(m),
                    Kind::Any if raw::properties(m).is_some_and(|p| !p.is_empty()) => {
                        ObjectParts::of(m)
                    }
                    _ => {
                        first_other.get_or_insert(m);
                        continue;
                    }
                },
            };
            props.extend(parts.props);
            required.extend(parts.required);
            additional = additional.or(parts.additional);
        }
        if props.is_empty() {
            if let Some(other) = first_other {
                return Ok(Merged::Other(other));
            }
        }
        required.dedup();
        let parts = ObjectParts {
            props: props.into_iter().collect(),
            required,
            additional,
        };
        Ok(Merged::Object(s, parts))
    }
}

/// The site of a use at `pos`, of type `ty` when already known.
fn site_at(pos: &Pos, ty: Option<TypeId>) -> Site {
    Site {
        key: pos.key.clone(),
        parent: pos.parent,
        via: pos.via.clone(),
        root: pos.root,
        role: pos.role.clone(),
        depth: pos.depth,
        ty,
    }
}

/// The non-null values of a string schema's `enum`.
fn enum_strings(s: &Schema) -> impl Iterator<Item = &str> {
    raw::list(s, "enum").iter().filter_map(Value::as_str)
}

fn one_of_word(kind: Kind) -> &'static str {
    if kind == Kind::AnyOf {
        "anyOf"
    } else {
        "oneOf"
    }
}

/// Like [`dedupe`], but the last `reserved` names (appended by the caller) keep their spelling
/// and earlier names that repeat them move aside.
fn dedupe_reserved(names: &mut Vec<String>, reserved: usize) {
    let keep: Vec<String> = names.split_off(names.len() - reserved);
    for n in names.iter_mut() {
        if keep.contains(n) {
            n.push('_');
        }
    }
    dedupe(names);
}

/// True for schemas that become a named type (objects with fields, enums, unions).
fn named_shape(s: &Schema) -> bool {
    let has_props = || raw::properties(s).is_some_and(|p| !p.is_empty());
    match raw::kind(s) {
        Kind::String => enum_strings(s).next().is_some(),
        Kind::Object | Kind::Any => has_props(),
        kind @ (Kind::OneOf | Kind::AnyOf) => raw::list(s, one_of_word(kind)).len() > 1,
        Kind::AllOf => true,
        _ => false,
    }
}

pub(crate) fn enum_kind(values: Vec<String>) -> TypeKind {
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

/// The identity of a shape, ignoring descriptions. Validation keywords (see [`Constraints`]) are
/// part of it: they never change the Rust type, but two positions that differ only in them keep
/// a type each, so the diff reads every position's own constraints from its type.
pub(crate) fn shape_key(kind: &TypeKind) -> String {
    let mut key = KeyWriter::default();
    key.kind(kind);
    key.text
}

/// A [`shape_key`] with the type ids it mentions left out: its text, and where each id goes.
/// A worker thread writes it with its own ids; the replay fills in the build's (see
/// `ir::replay`), which gives the key the serial pass writes.
#[derive(Debug)]
pub(super) struct KeyTemplate {
    text: String,
    /// Byte offsets into `text` (ascending) and the ids written there.
    holes: Vec<(usize, TypeId)>,
}

impl KeyTemplate {
    pub(super) fn of(kind: &TypeKind) -> KeyTemplate {
        let mut key = KeyWriter {
            holes: Some(Vec::new()),
            ..KeyWriter::default()
        };
        key.kind(kind);
        KeyTemplate {
            text: key.text,
            holes: key.holes.unwrap_or_default(),
        }
    }

    /// The key, each id mapped by `id`; `None` when `id` has no mapping for one.
    pub(super) fn fill(&self, id: impl Fn(TypeId) -> Option<TypeId>) -> Option<String> {
        use std::fmt::Write;
        let mut out = String::with_capacity(self.text.len() + 6 * self.holes.len());
        let mut at = 0;
        for &(offset, local) in &self.holes {
            out.push_str(&self.text[at..offset]);
            let _ = write!(out, "{}", id(local)?.0);
            at = offset;
        }
        out.push_str(&self.text[at..]);
        Some(out)
    }
}

/// Writes shape keys. Type references are spelled as their `Debug` form (the form keys have
/// always had), written out by hand so that ids can be left out (`holes`).
#[derive(Default)]
struct KeyWriter {
    text: String,
    /// When set, ids are not written but recorded here with their offset.
    holes: Option<Vec<(usize, TypeId)>>,
}

impl KeyWriter {
    fn kind(&mut self, kind: &TypeKind) {
        use std::fmt::Write;
        match kind {
            TypeKind::Struct { fields, additional } => {
                self.text.push('S');
                for f in fields {
                    let _ = write!(self.text, "|{}:", f.name);
                    self.ty(&f.ty);
                    let _ = write!(
                        self.text,
                        ":{}{}{}",
                        u8::from(f.required),
                        u8::from(f.nullable),
                        u8::from(f.deprecated)
                    );
                    if let Some(c) = &f.constraints {
                        let _ = write!(self.text, ":{c:?}");
                    }
                    if let Some(t) = &f.file_twin {
                        let _ = write!(self.text, ":+{t}");
                    }
                }
                self.text.push_str("|+");
                match additional {
                    None => self.text.push_str("None"),
                    Some(t) => {
                        self.text.push_str("Some(");
                        self.ty(t);
                        self.text.push(')');
                    }
                }
            }
            TypeKind::Enum { values } => {
                self.text.push('E');
                for v in values {
                    self.text.push('|');
                    self.text.push_str(&v.value);
                }
            }
            TypeKind::Union { variants } => {
                self.text.push('U');
                for v in variants {
                    self.text.push('|');
                    self.ty(&v.ty);
                }
            }
        }
    }

    /// `t` as `{:?}` writes it.
    fn ty(&mut self, t: &TypeRef) {
        use std::fmt::Write;
        let word = match t {
            TypeRef::String => "String",
            TypeRef::Integer => "Integer",
            TypeRef::Number => "Number",
            TypeRef::Boolean => "Boolean",
            TypeRef::Binary => "Binary",
            TypeRef::Any => "Any",
            TypeRef::Named(id) => {
                self.text.push_str("Named(TypeId(");
                match &mut self.holes {
                    Some(holes) => holes.push((self.text.len(), *id)),
                    None => {
                        let _ = write!(self.text, "{}", id.0);
                    }
                }
                self.text.push_str("))");
                return;
            }
            TypeRef::Array(inner) | TypeRef::Map(inner) => {
                self.text.push_str(if matches!(t, TypeRef::Array(_)) {
                    "Array("
                } else {
                    "Map("
                });
                self.ty(inner);
                self.text.push(')');
                return;
            }
        };
        self.text.push_str(word);
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The key as it was first written, with `{:?}`: the hand-written spelling must not drift.
    fn debug_key(kind: &TypeKind) -> String {
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
                    if let Some(c) = &f.constraints {
                        let _ = write!(k, ":{c:?}");
                    }
                    if let Some(t) = &f.file_twin {
                        let _ = write!(k, ":+{t}");
                    }
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

    fn kinds() -> Vec<TypeKind> {
        let named = |i| TypeRef::Named(TypeId(i));
        let refs = vec![
            TypeRef::String,
            TypeRef::Integer,
            TypeRef::Number,
            TypeRef::Boolean,
            TypeRef::Binary,
            TypeRef::Any,
            named(7),
            TypeRef::Array(Box::new(named(12))),
            TypeRef::Map(Box::new(TypeRef::Array(Box::new(named(0))))),
            TypeRef::Map(Box::new(TypeRef::Any)),
        ];
        let mut fields: Vec<Field> = refs
            .iter()
            .enumerate()
            .map(|(i, t)| Field::optional(&format!("f{i}"), t.clone()))
            .collect();
        fields[1].required = true;
        fields[2].nullable = true;
        fields[3].deprecated = true;
        fields[4].file_twin = Some("f4_part".into());
        fields[5].constraints = Constraints::of(
            serde_json::json!({"maxLength": 3, "minimum": 1.5})
                .as_object()
                .expect("an object"),
        );
        let mut out = vec![enum_kind(vec!["a".into(), "Unknown".into()])];
        for additional in [None, Some(TypeRef::Any), Some(named(3))] {
            out.push(TypeKind::Struct {
                fields: fields.clone(),
                additional,
            });
        }
        out.push(TypeKind::Union {
            variants: refs
                .into_iter()
                .map(|ty| Variant {
                    ident: String::new(),
                    ty,
                    boxed: false,
                })
                .collect(),
        });
        out
    }

    #[test]
    fn shape_keys_spell_type_refs_as_debug_does() {
        for kind in kinds() {
            assert_eq!(shape_key(&kind), debug_key(&kind));
        }
    }

    #[test]
    fn a_filled_template_is_the_key_of_the_renumbered_kind() {
        let renumber = |id: TypeId| TypeId(id.0 * 37 + 1000);
        for kind in kinds() {
            let template = KeyTemplate::of(&kind);
            let mut renumbered = kind.clone();
            if let TypeKind::Struct { fields, additional } = &mut renumbered {
                fields
                    .iter_mut()
                    .for_each(|f| renumber_ref(&mut f.ty, renumber));
                additional
                    .iter_mut()
                    .for_each(|t| renumber_ref(t, renumber));
            }
            if let TypeKind::Union { variants } = &mut renumbered {
                variants
                    .iter_mut()
                    .for_each(|v| renumber_ref(&mut v.ty, renumber));
            }
            let filled = template.fill(|id| Some(renumber(id)));
            assert_eq!(filled, Some(shape_key(&renumbered)));
            let unmapped = template.holes.is_empty() || template.fill(|_| None).is_none();
            assert!(unmapped, "an id without a mapping fails the fill");
        }
    }

    fn renumber_ref(t: &mut TypeRef, f: impl Fn(TypeId) -> TypeId + Copy) {
        match t {
            TypeRef::Named(id) => *id = f(*id),
            TypeRef::Array(inner) | TypeRef::Map(inner) => renumber_ref(inner, f),
            _ => {}
        }
    }
}
