//! Type declarations: structs, enums, unions and aliases, per direction.
//!
//! - Response types are lenient (emitted by `lenient.rs`): every field is `Option` (a missing
//!   field or an unexpected `null` reads as `None`), numeric fields take numeric strings, a value
//!   that does not fit and every undeclared field are kept raw in the struct's `Extra`, an
//!   unknown enum value is kept in `Unknown(String)`, and a union that matches no variant is
//!   kept in `Other(Value)`.
//! - Request types are strict: required fields are plain values, optional ones are skipped when
//!   `None`, optional nullable ones are `Option<Option<T>>` (`Some(None)` sends `null`).
//! - Form (multipart) types implement `ToMultipart` instead of `Serialize`, so files stream.

use super::file_twins;
use super::ident;
use super::toks::rs;
use super::toks::Toks;
use crate::ir::{Api, Direction, Field, Scope, TypeDef, TypeId, TypeKind, TypeRef};

/// Which kind of file code is emitted into, for writing type paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// A `src/models/` file: other types by bare name (`use super::*`).
    Models,
    /// Anywhere else: `models::Name` (`use crate::models`).
    Outside,
}

/// Where code is being emitted, for resolving type paths.
pub(crate) struct Ctx<'a> {
    pub api: &'a Api,
    pub mode: Mode,
    /// The `src/models/` file being written (`shared`, `core`...), in [`Mode::Models`].
    pub file: String,
    /// Set when a type path was written, so the file's `use` is only there when needed.
    used_models: std::cell::Cell<bool>,
}

impl<'a> Ctx<'a> {
    /// A context for one file.
    pub fn new(api: &'a Api, mode: Mode) -> Self {
        Ctx {
            api,
            mode,
            file: String::new(),
            used_models: std::cell::Cell::new(false),
        }
    }

    /// The `use` the file needs for the type paths written so far.
    pub fn uses(&self) -> Toks {
        match (self.used_models.get(), self.mode) {
            (false, _) => Toks::new(),
            (true, Mode::Models) => rs!(
                use super::*;
            ),
            (true, Mode::Outside) => rs!(
                use crate::models;
            ),
        }
    }

    /// The Rust type for `ty` as seen from this scope.
    pub fn rust_type(&self, ty: &TypeRef, dir: Direction) -> Toks {
        match ty {
            TypeRef::String => rs!(String),
            TypeRef::Integer => rs!(i64),
            TypeRef::Number => rs!(f64),
            TypeRef::Boolean => rs!(bool),
            TypeRef::Any => rs!(serde_json::Value),
            TypeRef::Binary if dir == Direction::Form => rs!(crate::FilePart),
            TypeRef::Binary => rs!(String),
            TypeRef::Array(t) => {
                let t = self.rust_type(t, dir);
                rs!(Vec<#t>)
            }
            TypeRef::Map(t) => {
                let t = self.rust_type(t, dir);
                rs!(std::collections::BTreeMap<String, #t>)
            }
            TypeRef::Named(id) => {
                let def = self.api.types.get(*id);
                let name = ident(&def.name);
                if self.mode == Mode::Outside || model_file(def) != self.file {
                    self.used_models.set(true);
                }
                match self.mode {
                    Mode::Models => rs!(#name),
                    Mode::Outside => rs!(models::#name),
                }
            }
        }
    }

    /// True when `ty` has a `Default` value (used to derive `Default` on request structs).
    fn has_default(&self, ty: &TypeRef, seen: &mut Vec<TypeId>) -> bool {
        match ty {
            TypeRef::Named(id) => {
                if seen.contains(id) {
                    return true;
                }
                seen.push(*id);
                let def = self.api.types.get(*id);
                match &def.kind {
                    TypeKind::Struct { fields, .. } => fields
                        .iter()
                        .all(|f| !f.required || f.nullable || self.has_default(&f.ty, seen)),
                    _ => false,
                }
            }
            TypeRef::Binary => false,
            _ => true,
        }
    }
}

/// The `src/models/` file a type is written to (without `.rs`).
pub(crate) fn model_file(def: &TypeDef) -> String {
    match &def.scope {
        Scope::Category(feature) => feature.replace('-', "_"),
        Scope::Shared => "shared".to_string(),
    }
}

pub(super) fn doc_attr(doc: Option<&str>) -> Toks {
    match doc {
        Some(d) => {
            // One attribute per line: the formatter prints them as `///` lines.
            let lines = super::doc::spec_text(d);
            let lines = lines.lines().map(|l| format!(" {l}"));
            rs!(#(#[doc = #lines])*)
        }
        None => Toks::new(),
    }
}

/// The cfg gate of a shared type.
fn gate(def: &TypeDef) -> Toks {
    if def.scope != Scope::Shared {
        return Toks::new();
    }
    if def.features.len() == 1 {
        let f = def.features.iter().next();
        return rs!(#[cfg(feature = #f)]);
    }
    let features = def.features.iter();
    rs!(#[cfg(any(#(feature = #features),*))])
}

/// The declaration of one named type, plus its aliases.
pub(crate) fn type_item(ctx: &Ctx, id: TypeId) -> Toks {
    let def = ctx.api.types.get(id);
    let name = ident(&def.name);
    let doc = doc_attr(def.doc.as_deref());
    let gate = gate(def);
    let body = match &def.kind {
        TypeKind::Struct { fields, additional } => {
            struct_item(ctx, id, fields, additional.as_ref())
        }
        TypeKind::Enum { values } => {
            let variants = values.iter().map(|v| ident(&v.ident));
            let write = enum_serialize(&name, values);
            match def.direction {
                Direction::Response => super::lenient::response_enum(def, values, &Toks::new()),
                Direction::Request => rs! {
                    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
                    pub enum #name { #(#variants,)* }
                    #write
                },
                Direction::Form => rs! {
                    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
                    pub enum #name { #(#variants,)* }
                    #write
                    impl crate::multipart::ToMultipart for #name {
                        fn append_to(self, name: &str, form: &mut crate::multipart::FormBuilder) {
                            form.serialized(name, &self);
                        }
                    }
                },
            }
        }
        TypeKind::Union { variants } => {
            let vs = variants.iter().map(|v| {
                let i = ident(&v.ident);
                let t = ctx.rust_type(&v.ty, def.direction);
                // Struct variants are boxed: they are large, and unions hold them rarely.
                let is_struct = matches!(&v.ty, TypeRef::Named(id) if matches!(ctx.api.types.get(*id).kind, TypeKind::Struct { .. }));
                if v.boxed || is_struct {
                    rs!(#i(Box<#t>),)
                } else {
                    rs!(#i(#t),)
                }
            });
            match def.direction {
                Direction::Response => {
                    super::lenient::response_union(ctx, def, variants, vs.collect(), &Toks::new())
                }
                Direction::Request => {
                    // Untagged: each variant writes itself.
                    let arms = variants.iter().map(|v| {
                        let i = ident(&v.ident);
                        rs!(Self::#i(v) => serde::Serialize::serialize(v, s),)
                    });
                    rs! {
                        #[derive(Debug, Clone, PartialEq)]
                        pub enum #name { #(#vs)* }
                        impl serde::Serialize for #name {
                            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                                match self { #(#arms)* }
                            }
                        }
                    }
                }
                Direction::Form => {
                    let arms = variants.iter().map(|v| {
                        let i = ident(&v.ident);
                        rs!(Self::#i(v) => crate::multipart::ToMultipart::append_to(v, name, form),)
                    });
                    rs! {
                        #[derive(Debug)]
                        pub enum #name { #(#vs)* }
                        impl crate::multipart::ToMultipart for #name {
                            fn append_to(self, name: &str, form: &mut crate::multipart::FormBuilder) {
                                match self { #(#arms)* }
                            }
                        }
                    }
                }
            }
        }
    };
    let aliases = def.aliases.iter().map(|a| {
        let a = ident(a);
        let note = format!(
            " Former name of [`{}`]: two types the spec now gives one shape.",
            def.name
        );
        rs!(#[doc = #note] #gate pub type #a = #name;)
    });
    let body = gate_items(&gate, body);
    rs! {
        #doc
        #[non_exhaustive]
        #body
        #(#aliases)*
    }
}

/// The body of a request struct's `serialize`: required fields always, optional ones when set,
/// then `additional_properties`.
fn serialize_body(fields: &[Field], additional: bool) -> Toks {
    let mut writes: Vec<Toks> = fields
        .iter()
        .map(|f| {
            let (i, wire) = (ident(&f.ident), &f.name);
            if f.required {
                rs!(w.field(#wire, &self.#i);)
            } else {
                rs!(w.optional(#wire, &self.#i);)
            }
        })
        .collect();
    if additional {
        writes.push(rs!(w.entries(&self.additional_properties);));
    }
    if writes.is_empty() {
        return rs!(crate::serialize::FieldWriter::new(s)?.end());
    }
    rs!(let mut w = crate::serialize::FieldWriter::new(s)?; #(#writes)* w.end())
}

/// `Serialize` for a request enum: each value as its wire string.
fn enum_serialize(name: &super::toks::Ident, values: &[crate::ir::EnumValue]) -> Toks {
    let arms = values.iter().map(|v| {
        let i = ident(&v.ident);
        let wire = &v.value;
        rs!(Self::#i => #wire,)
    });
    rs! {
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(match self { #(#arms)* })
            }
        }
    }
}

/// Puts `gate` (a `#[cfg(...)]`, or nothing) on every item of `body`: the type and its `impl`
/// blocks. Items end at a top-level `{...}` or `;`, which is all the emitter writes.
fn gate_items(gate: &Toks, body: Toks) -> Toks {
    if gate.is_empty() {
        return body;
    }
    body.gated_items(gate)
}

fn struct_item(ctx: &Ctx, id: TypeId, fields: &[Field], additional: Option<&TypeRef>) -> Toks {
    let def = ctx.api.types.get(id);
    if def.direction == Direction::Response {
        // `type_item` gates every item it gets.
        return super::lenient::response_struct(ctx, def, fields, additional, &Toks::new());
    }
    let name = ident(&def.name);
    let dir = def.direction;
    let mut decls = Vec::with_capacity(fields.len() + 1);
    for f in fields {
        let i = ident(&f.ident);
        let mut t = ctx.rust_type(&f.ty, dir);
        if f.boxed {
            t = rs!(Box<#t>);
        }
        let doc = doc_attr(f.doc.as_deref());
        let deprecated = deprecation(f);
        // Optional fields are `Option`s, and left out of the body when `None`
        // (`serialize_body`); a nullable one wraps another `Option` for an explicit `null`.
        let ty = match (dir, f.required, f.nullable) {
            (Direction::Response, _, _) | (_, true, true) => rs!(Option<#t>),
            (_, true, false) => t,
            (_, false, false) => rs!(Option<#t>),
            (_, false, true) => rs!(Option<Option<#t>>),
        };
        decls.push(rs!(#doc #deprecated pub #i: #ty,));
        decls.push(file_twins::decl(ctx, f));
    }
    if let Some(a) = additional {
        let t = ctx.rust_type(a, dir);
        decls.push(rs! {
            /// Keys the spec does not name (`additionalProperties`).
            pub additional_properties: std::collections::BTreeMap<String, #t>,
        });
    }
    let any_deprecated = fields.iter().any(is_deprecated);
    // Derives and impls read deprecated fields; that is not a use the user should be warned
    // about.
    let allow = if any_deprecated {
        rs!(#[allow(deprecated)])
    } else {
        Toks::new()
    };
    match dir {
        // Handed to `lenient` above.
        Direction::Response => Toks::new(),
        Direction::Request => {
            let default = if ctx.has_default(&TypeRef::Named(id), &mut Vec::new()) {
                rs!(Default,)
            } else {
                Toks::new()
            };
            let builder = constructor(ctx, id, fields, additional);
            let body = serialize_body(fields, additional.is_some());
            rs! {
                #[derive(Debug, Clone, #default PartialEq)]
                #allow
                pub struct #name { #(#decls)* }
                #builder
                impl serde::Serialize for #name {
                    #allow
                    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                        #body
                    }
                }
            }
        }
        Direction::Form => {
            let pushes = fields.iter().map(file_twins::push);
            let extra = additional.map(|_| {
                rs!(for (k, v) in self.additional_properties {
                    form.field(name, &k, v);
                })
            });
            let allow_fn = if any_deprecated {
                rs!(#[allow(deprecated)])
            } else {
                Toks::new()
            };
            let builder = constructor(ctx, id, fields, additional);
            rs! {
                #[derive(Debug)]
                #allow
                pub struct #name { #(#decls)* }
                #builder
                impl crate::multipart::ToMultipart for #name {
                    #allow_fn
                    fn append_to(self, name: &str, form: &mut crate::multipart::FormBuilder) {
                        #(#pushes)*
                        #extra
                    }
                }
            }
        }
    }
}

/// `new` with the required fields, and a setter per optional field: request types are
/// `#[non_exhaustive]`, so this is how users build them, and a field Procore adds later is one
/// more setter rather than a broken struct literal.
fn constructor(ctx: &Ctx, id: TypeId, fields: &[Field], additional: Option<&TypeRef>) -> Toks {
    let def = ctx.api.types.get(id);
    let dir = def.direction;
    let mut slots = Vec::with_capacity(fields.len());
    let mut setters = Vec::new();
    for f in fields {
        if f.required {
            slots.push(required_param(ctx, dir, f));
        } else {
            let i = ident(&f.ident);
            slots.push((None, rs!(#i: None,)));
            setters.push(setter(ctx, dir, f));
        }
        setters.push(file_twins::setter(ctx, f));
    }
    let extra = additional.map(|_| rs!(additional_properties: std::collections::BTreeMap::new(),));
    let name = ident(&def.name);
    let arg_docs: Vec<String> = fields
        .iter()
        .filter(|f| f.required)
        .map(|f| format!("`{}`", f.ident))
        .collect();
    let new_doc = if arg_docs.is_empty() {
        " A value with no optional field set.".to_string()
    } else {
        format!(
            " A value with the required {}; set the others with the setters.",
            arg_docs.join(", ")
        )
    };
    // `new` takes a file field as text, which uploads nothing: say where the file goes.
    let files_doc = if file_twins::has_new_with_files(fields) {
        let line = " To upload the files themselves, use [`new_with_files`](Self::new_with_files).";
        rs!(#[doc = ""] #[doc = #line])
    } else {
        Toks::new()
    };
    let allow = if fields.iter().any(is_deprecated) {
        rs!(#[allow(deprecated)])
    } else {
        Toks::new()
    };
    let lints = match arg_docs.len() {
        0 => rs!(#[allow(clippy::new_without_default)]),
        1..=7 => Toks::new(),
        _ => rs!(#[allow(clippy::too_many_arguments)]),
    };
    let with_files = file_twins::new_with_files(ctx, fields, &slots, extra.as_ref(), &name);
    let args = slots.iter().filter_map(|(arg, _)| arg.as_ref());
    let inits = fields.iter().zip(&slots).map(|(f, (_, init))| {
        let twin = file_twins::init(f);
        rs!(#init #twin)
    });
    rs! {
        #allow
        impl #name {
            #[doc = #new_doc]
            #files_doc
            #lints
            pub fn new(#(#args),*) -> Self {
                #name { #(#inits)* #extra }
            }
            #with_files
            #(#setters)*
        }
    }
}

/// The Rust type of a field, boxed where it breaks a cycle.
fn field_type(ctx: &Ctx, dir: Direction, f: &Field) -> Toks {
    let t = ctx.rust_type(&f.ty, dir);
    if f.boxed {
        rs!(Box<#t>)
    } else {
        t
    }
}

/// A plain string, which `new` and setters take as `impl Into<String>`.
fn is_string(f: &Field) -> bool {
    matches!(f.ty, TypeRef::String) && !f.boxed
}

/// `new`'s argument and initialiser for a required field.
fn required_param(ctx: &Ctx, dir: Direction, f: &Field) -> (Option<Toks>, Toks) {
    let (i, t) = (ident(&f.ident), field_type(ctx, dir, f));
    let (arg, init) = match (f.nullable, is_string(f)) {
        (true, _) => (rs!(#i: Option<#t>), rs!(#i,)),
        (false, true) => (rs!(#i: impl Into<String>), rs!(#i: #i.into(),)),
        (false, false) => (rs!(#i: #t), rs!(#i,)),
    };
    (Some(arg), init)
}

/// The setter of an optional field.
fn setter(ctx: &Ctx, dir: Direction, f: &Field) -> Toks {
    let (i, t) = (ident(&f.ident), field_type(ctx, dir, f));
    let setter = if f.ident == "new" {
        ident("set_new")
    } else {
        i.clone()
    };
    let null = if f.nullable {
        " (`None` sends `null`)"
    } else {
        ""
    };
    let doc = format!(" Sets `{}`{null}.", f.name);
    let deprecated = deprecation(f);
    if f.nullable {
        return rs! {
            #[doc = #doc]
            #deprecated
            pub fn #setter(mut self, value: Option<#t>) -> Self { self.#i = Some(value); self }
        };
    }
    let (value_ty, convert) = if is_string(f) {
        (rs!(impl Into<String>), rs!(value.into()))
    } else {
        (t, rs!(value))
    };
    rs! {
        #[doc = #doc]
        #deprecated
        pub fn #setter(mut self, value: #value_ty) -> Self { self.#i = Some(#convert); self }
    }
}

/// Deprecated in the spec, or superseded by a file twin: generated code that reads or builds it
/// allows the lint.
fn is_deprecated(f: &Field) -> bool {
    f.deprecated || file_twins::note(f).is_some()
}

/// The `#[deprecated]` of a field and its setter: the twin's note (the field works, but does not
/// do what its description says), else the spec's flag.
fn deprecation(f: &Field) -> Toks {
    match file_twins::note(f) {
        Some(note) => rs!(#[deprecated(note = #note)]),
        None if f.deprecated => rs!(#[deprecated(note = "deprecated in Procore's spec")]),
        None => Toks::new(),
    }
}
