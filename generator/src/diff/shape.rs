//! Types flattened into field paths (`rfi.assignee.id`, `items[].status`), so two versions of a
//! body or response compare as two maps. Flattened shapes are memoised per named type: the
//! 2024-10 spec's responses hold hundreds of thousands of field positions.

use super::raw::{self, Raw};
use crate::ir::{Api, Constraints, Field, TypeId, TypeKind, TypeRef, Variant};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

/// What the diff compares about one field.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldInfo {
    /// Type label (`integer`, `array<string>`, `object`).
    pub label: String,
    /// Listed in `required`.
    pub required: bool,
    /// Enum values, when the field is (an array of) a string enum.
    pub enum_values: Option<Vec<String>>,
    /// Marked deprecated.
    pub deprecated: bool,
    /// `nullable: true`.
    pub nullable: bool,
    /// Validation keywords, readOnly and writeOnly.
    pub constraints: Option<Rc<Constraints>>,
    /// Member labels, when the field is (an array of) a oneOf/anyOf.
    pub members: Option<Vec<String>>,
    /// `x-stability-level`, when the document is at hand and declares one.
    pub stability: Option<String>,
}

impl FieldInfo {
    /// `readOnly: true`.
    pub fn read_only(&self) -> bool {
        self.constraints.as_ref().is_some_and(|c| c.read_only)
    }
    /// `writeOnly: true`.
    pub fn write_only(&self) -> bool {
        self.constraints.as_ref().is_some_and(|c| c.write_only)
    }
}

/// Field path -> what it is, sorted by path (look up with [`get`]). Shared: the flattening of a
/// type is computed once per API and reused by every operation that mentions it.
pub type Fields = Rc<Vec<(String, FieldInfo)>>;

/// The field at `path`.
pub fn get<'f>(fields: &'f [(String, FieldInfo)], path: &str) -> Option<&'f FieldInfo> {
    fields
        .binary_search_by(|(p, _)| p.as_str().cmp(path))
        .ok()
        .map(|i| &fields[i].1)
}

/// Flattens the types of one API.
pub struct Shapes<'a> {
    api: &'a Api,
    raw: Option<Raw<'a>>,
    memo: HashMap<TypeId, Rc<Vec<(String, FieldInfo)>>>,
    sorted: HashMap<TypeRef, Fields>,
    active: HashSet<TypeId>,
}

fn join(parent: &str, child: &str) -> String {
    if child.starts_with('[') || child.starts_with('{') {
        format!("{parent}{child}")
    } else {
        format!("{parent}.{child}")
    }
}

/// Sorts by path, keeping the first of duplicates.
fn sort_paths(v: &mut Vec<(String, FieldInfo)>) {
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v.dedup_by(|b, a| a.0 == b.0);
}

impl<'a> Shapes<'a> {
    /// Flattener for `api`.
    pub fn new(api: &'a Api) -> Self {
        Self::with_doc(api, None)
    }

    /// Flattener for `api`; with the document it was built from, fields also get what only the
    /// document holds: their `x-stability-level`, and the constraints of a field written as a
    /// `$ref`.
    pub fn with_doc(api: &'a Api, raw: Option<Raw<'a>>) -> Self {
        Shapes {
            api,
            raw,
            memo: HashMap::new(),
            sorted: HashMap::new(),
            active: HashSet::new(),
        }
    }

    /// A short label for a type.
    pub fn label(&self, ty: &TypeRef) -> String {
        match ty {
            TypeRef::String => "string".into(),
            TypeRef::Integer => "integer".into(),
            TypeRef::Number => "number".into(),
            TypeRef::Boolean => "boolean".into(),
            TypeRef::Binary => "file".into(),
            TypeRef::Any => "any".into(),
            TypeRef::Array(t) => format!("array<{}>", self.label(t)),
            TypeRef::Map(t) => format!("map<{}>", self.label(t)),
            TypeRef::Named(id) => match &self.api.types.get(*id).kind {
                TypeKind::Struct { .. } => "object".into(),
                TypeKind::Enum { .. } => "string".into(),
                TypeKind::Union { variants } => {
                    let parts: Vec<String> = variants.iter().map(|v| self.label(&v.ty)).collect();
                    format!("oneOf<{}>", parts.join("|"))
                }
            },
        }
    }

    /// The Rust type a position has in the generated crate (`i64`, `Vec<String>`, `RfiStatus`).
    pub fn rust(&self, ty: &TypeRef) -> String {
        match ty {
            TypeRef::String => "String".into(),
            TypeRef::Integer => "i64".into(),
            TypeRef::Number => "f64".into(),
            TypeRef::Boolean => "bool".into(),
            TypeRef::Binary => "bytes".into(),
            TypeRef::Any => "serde_json::Value".into(),
            TypeRef::Array(t) => format!("Vec<{}>", self.rust(t)),
            TypeRef::Map(t) => format!("BTreeMap<String, {}>", self.rust(t)),
            TypeRef::Named(id) => self.api.types.get(*id).name.clone(),
        }
    }

    /// Member labels of a (array of) union.
    pub fn members(&self, ty: &TypeRef) -> Option<Vec<String>> {
        match ty {
            TypeRef::Named(id) => match &self.api.types.get(*id).kind {
                TypeKind::Union { variants } => {
                    Some(variants.iter().map(|v| self.label(&v.ty)).collect())
                }
                _ => None,
            },
            TypeRef::Array(t) => self.members(t),
            _ => None,
        }
    }

    /// The variants of a union (not of an array of one: a body's root is what is wrapped).
    pub fn variants(&self, ty: &TypeRef) -> Option<&'a [Variant]> {
        match ty {
            TypeRef::Named(id) => match &self.api.types.get(*id).kind {
                TypeKind::Union { variants } => Some(variants),
                _ => None,
            },
            _ => None,
        }
    }

    /// Enum values of a (array of) string enum.
    pub fn enum_values(&self, ty: &TypeRef) -> Option<Vec<String>> {
        match ty {
            TypeRef::Named(id) => match &self.api.types.get(*id).kind {
                TypeKind::Enum { values } => Some(values.iter().map(|v| v.value.clone()).collect()),
                _ => None,
            },
            TypeRef::Array(t) => self.enum_values(t),
            _ => None,
        }
    }

    /// Every field path under `ty`, relative to it, sorted (the first of duplicates kept).
    pub fn fields(&mut self, ty: &TypeRef) -> Fields {
        if let TypeRef::Named(_) = ty {
            return self.relative(ty);
        }
        if let Some(done) = self.sorted.get(ty) {
            return done.clone();
        }
        let mut all: Vec<(String, FieldInfo)> = self.relative(ty).as_ref().clone();
        sort_paths(&mut all);
        let all = Rc::new(all);
        self.sorted.insert(ty.clone(), all.clone());
        all
    }

    /// What the diff compares about field `f`, whose schema in the document (when given) is
    /// `prop`. The document adds the field's `x-stability-level` and, for a field written as a
    /// `$ref`, the constraints and `nullable` of its target, which the IR leaves out there.
    fn field_info(&self, prop: Option<&'a Value>, f: &Field) -> FieldInfo {
        let mut info = FieldInfo {
            label: self.label(&f.ty),
            required: f.required,
            enum_values: self.enum_values(&f.ty),
            deprecated: f.deprecated,
            nullable: f.nullable,
            constraints: f.constraints.as_deref().cloned().map(Rc::new),
            members: self.members(&f.ty),
            stability: None,
        };
        let (Some(raw), Some(prop)) = (self.raw, prop) else {
            return info;
        };
        let (level, is_ref) = raw::stability_and_ref(prop);
        info.stability = level.map(str::to_string);
        if is_ref {
            let target = raw.resolve(prop);
            info.stability = info.stability.or_else(|| raw::stability(target));
            if info.constraints.is_none() {
                let c = raw::constraints(target);
                info.nullable |= c.as_ref().is_some_and(|c| c.nullable);
                info.constraints = c.map(Rc::new);
            }
        }
        info
    }

    fn relative(&mut self, ty: &TypeRef) -> Rc<Vec<(String, FieldInfo)>> {
        match ty {
            TypeRef::Array(t) => Rc::new(
                self.relative(t)
                    .iter()
                    .map(|(p, i)| (join("[]", p), i.clone()))
                    .collect(),
            ),
            TypeRef::Map(t) => Rc::new(
                self.relative(t)
                    .iter()
                    .map(|(p, i)| (join("{}", p), i.clone()))
                    .collect(),
            ),
            TypeRef::Named(id) => {
                if let Some(done) = self.memo.get(id) {
                    return done.clone();
                }
                // A type inside itself: stop here (its fields are listed where it started).
                if !self.active.insert(*id) {
                    return Rc::new(Vec::new());
                }
                let mut out = Vec::new();
                let def = self.api.types.get(*id);
                if let TypeKind::Struct { fields, .. } = &def.kind {
                    let schema = self.raw.and_then(|r| r.at(&def.pointer));
                    let props = schema.and_then(|s| s.get("properties")?.as_object());
                    // The IR keeps the spec's order of properties: walk both together, and look
                    // a name up only where they part (allOf members merged, say).
                    let mut in_order = props.map(|p| p.iter());
                    for f in fields {
                        let next = in_order.as_mut().and_then(Iterator::next);
                        let prop = match next {
                            Some((k, v)) if *k == f.name => Some(v),
                            _ => self
                                .raw
                                .zip(schema)
                                .and_then(|(r, s)| r.property_of(s, &f.name)),
                        };
                        out.push((f.name.clone(), self.field_info(prop, f)));
                        for (p, i) in self.relative(&f.ty).iter() {
                            out.push((join(&f.name, p), i.clone()));
                        }
                    }
                }
                self.active.remove(id);
                // Sorted here, so `fields` of a named type is this very list.
                sort_paths(&mut out);
                let out = Rc::new(out);
                self.memo.insert(*id, out.clone());
                out
            }
            _ => Rc::new(Vec::new()),
        }
    }
}
