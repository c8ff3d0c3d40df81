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

use super::ident;
use crate::ir::{Api, Direction, Field, Scope, TypeDef, TypeId, TypeKind, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;

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
    pub fn uses(&self) -> TokenStream {
        match (self.used_models.get(), self.mode) {
            (false, _) => TokenStream::new(),
            (true, Mode::Models) => quote!(
                use super::*;
            ),
            (true, Mode::Outside) => quote!(
                use crate::models;
            ),
        }
    }

    /// The Rust type for `ty` as seen from this scope.
    pub fn rust_type(&self, ty: &TypeRef, dir: Direction) -> TokenStream {
        match ty {
            TypeRef::String => quote!(String),
            TypeRef::Integer => quote!(i64),
            TypeRef::Number => quote!(f64),
            TypeRef::Boolean => quote!(bool),
            TypeRef::Any => quote!(serde_json::Value),
            TypeRef::Binary if dir == Direction::Form => quote!(crate::FilePart),
            TypeRef::Binary => quote!(String),
            TypeRef::Array(t) => {
                let t = self.rust_type(t, dir);
                quote!(Vec<#t>)
            }
            TypeRef::Map(t) => {
                let t = self.rust_type(t, dir);
                quote!(std::collections::BTreeMap<String, #t>)
            }
            TypeRef::Named(id) => {
                let def = self.api.types.get(*id);
                let name = ident(&def.name);
                if self.mode == Mode::Outside || model_file(def) != self.file {
                    self.used_models.set(true);
                }
                match self.mode {
                    Mode::Models => quote!(#name),
                    Mode::Outside => quote!(models::#name),
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

pub(super) fn doc_attr(doc: Option<&str>) -> TokenStream {
    match doc {
        Some(d) => {
            // One attribute per line: prettyplease prints them as `///` lines.
            let lines = super::doc::spec_text(d);
            let lines = lines.lines().map(|l| format!(" {l}"));
            quote!(#(#[doc = #lines])*)
        }
        None => TokenStream::new(),
    }
}

/// The cfg gate of a shared type.
fn gate(def: &TypeDef) -> TokenStream {
    if def.scope != Scope::Shared {
        return TokenStream::new();
    }
    if def.features.len() == 1 {
        let f = def.features.iter().next();
        return quote!(#[cfg(feature = #f)]);
    }
    let features = def.features.iter();
    quote!(#[cfg(any(#(feature = #features),*))])
}

/// The declaration of one named type, plus its aliases.
pub(crate) fn type_item(ctx: &Ctx, id: TypeId) -> TokenStream {
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
                Direction::Response => {
                    super::lenient::response_enum(def, values, &TokenStream::new())
                }
                Direction::Request => quote! {
                    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
                    pub enum #name { #(#variants,)* }
                    #write
                },
                Direction::Form => quote! {
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
                    quote!(#i(Box<#t>),)
                } else {
                    quote!(#i(#t),)
                }
            });
            match def.direction {
                Direction::Response => super::lenient::response_union(
                    ctx,
                    def,
                    variants,
                    vs.collect(),
                    &TokenStream::new(),
                ),
                Direction::Request => {
                    // Untagged: each variant writes itself.
                    let arms = variants.iter().map(|v| {
                        let i = ident(&v.ident);
                        quote!(Self::#i(v) => serde::Serialize::serialize(v, s),)
                    });
                    quote! {
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
                        quote!(Self::#i(v) => crate::multipart::ToMultipart::append_to(v, name, form),)
                    });
                    quote! {
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
        quote!(#[doc = #note] #gate pub type #a = #name;)
    });
    let body = gate_items(&gate, body);
    quote! {
        #doc
        #[non_exhaustive]
        #body
        #(#aliases)*
    }
}

/// The body of a request struct's `serialize`: required fields always, optional ones when set,
/// then `additional_properties`.
fn serialize_body(fields: &[Field], additional: bool) -> TokenStream {
    let mut writes: Vec<TokenStream> = fields
        .iter()
        .map(|f| {
            let (i, wire) = (ident(&f.ident), &f.name);
            if f.required {
                quote!(w.field(#wire, &self.#i);)
            } else {
                quote!(w.optional(#wire, &self.#i);)
            }
        })
        .collect();
    if additional {
        writes.push(quote!(w.entries(&self.additional_properties);));
    }
    if writes.is_empty() {
        return quote!(crate::serialize::FieldWriter::new(s)?.end());
    }
    quote!(let mut w = crate::serialize::FieldWriter::new(s)?; #(#writes)* w.end())
}

/// `Serialize` for a request enum: each value as its wire string.
fn enum_serialize(name: &proc_macro2::Ident, values: &[crate::ir::EnumValue]) -> TokenStream {
    let arms = values.iter().map(|v| {
        let i = ident(&v.ident);
        let wire = &v.value;
        quote!(Self::#i => #wire,)
    });
    quote! {
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(match self { #(#arms)* })
            }
        }
    }
}

/// Puts `gate` (a `#[cfg(...)]`, or nothing) on every item of `body`: the type and its `impl`
/// blocks. Items end at a top-level `{...}` or `;`, which is all the emitter writes.
fn gate_items(gate: &TokenStream, body: TokenStream) -> TokenStream {
    use proc_macro2::{Delimiter, TokenTree};
    if gate.is_empty() {
        return body;
    }
    let mut out = TokenStream::new();
    let mut at_start = true;
    for tt in body {
        if at_start {
            out.extend(gate.clone());
        }
        let ends = match &tt {
            TokenTree::Group(g) => g.delimiter() == Delimiter::Brace,
            TokenTree::Punct(p) => p.as_char() == ';',
            _ => false,
        };
        out.extend(std::iter::once(tt));
        at_start = ends;
    }
    out
}

fn struct_item(
    ctx: &Ctx,
    id: TypeId,
    fields: &[Field],
    additional: Option<&TypeRef>,
) -> TokenStream {
    let def = ctx.api.types.get(id);
    if def.direction == Direction::Response {
        // `type_item` gates every item it gets.
        return super::lenient::response_struct(ctx, def, fields, additional, &TokenStream::new());
    }
    let name = ident(&def.name);
    let dir = def.direction;
    let mut decls = Vec::with_capacity(fields.len() + 1);
    for f in fields {
        let i = ident(&f.ident);
        let mut t = ctx.rust_type(&f.ty, dir);
        if f.boxed {
            t = quote!(Box<#t>);
        }
        let doc = doc_attr(f.doc.as_deref());
        let deprecated = if f.deprecated {
            quote!(#[deprecated(note = "deprecated in Procore's spec")])
        } else {
            TokenStream::new()
        };
        // Optional fields are `Option`s, and left out of the body when `None`
        // (`serialize_body`); a nullable one wraps another `Option` for an explicit `null`.
        let ty = match (dir, f.required, f.nullable) {
            (Direction::Response, _, _) | (_, true, true) => quote!(Option<#t>),
            (_, true, false) => t,
            (_, false, false) => quote!(Option<#t>),
            (_, false, true) => quote!(Option<Option<#t>>),
        };
        decls.push(quote!(#doc #deprecated pub #i: #ty,));
    }
    if let Some(a) = additional {
        let t = ctx.rust_type(a, dir);
        decls.push(quote! {
            /// Keys the spec does not name (`additionalProperties`).
            pub additional_properties: std::collections::BTreeMap<String, #t>,
        });
    }
    let any_deprecated = fields.iter().any(|f| f.deprecated);
    // Derives and impls read deprecated fields; that is not a use the user should be warned
    // about.
    let allow = if any_deprecated {
        quote!(#[allow(deprecated)])
    } else {
        TokenStream::new()
    };
    match dir {
        // Handed to `lenient` above.
        Direction::Response => TokenStream::new(),
        Direction::Request => {
            let default = if ctx.has_default(&TypeRef::Named(id), &mut Vec::new()) {
                quote!(Default,)
            } else {
                TokenStream::new()
            };
            let builder = constructor(ctx, id, fields, additional);
            let body = serialize_body(fields, additional.is_some());
            quote! {
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
            let pushes = fields.iter().map(|f| {
                let i = ident(&f.ident);
                let wire = &f.name;
                quote!(form.field(name, #wire, self.#i);)
            });
            let extra = additional.map(|_| {
                quote!(for (k, v) in self.additional_properties {
                    form.field(name, &k, v);
                })
            });
            let allow_fn = if any_deprecated {
                quote!(#[allow(deprecated)])
            } else {
                TokenStream::new()
            };
            let builder = constructor(ctx, id, fields, additional);
            quote! {
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
fn constructor(
    ctx: &Ctx,
    id: TypeId,
    fields: &[Field],
    additional: Option<&TypeRef>,
) -> TokenStream {
    let def = ctx.api.types.get(id);
    let dir = def.direction;
    let mut args = Vec::new();
    let mut inits = Vec::new();
    let mut setters = Vec::new();
    let mut arg_docs = Vec::new();
    for f in fields {
        let i = ident(&f.ident);
        let mut t = ctx.rust_type(&f.ty, dir);
        if f.boxed {
            t = quote!(Box<#t>);
        }
        let is_string = matches!(f.ty, TypeRef::String) && !f.boxed;
        let (value_ty, convert) = if is_string {
            (quote!(impl Into<String>), quote!(value.into()))
        } else {
            (t.clone(), quote!(value))
        };
        match (f.required, f.nullable) {
            (true, false) => {
                args.push(quote!(#i: #value_ty));
                inits.push(if is_string {
                    quote!(#i: #i.into(),)
                } else {
                    quote!(#i,)
                });
                arg_docs.push(format!("`{}`", f.ident));
            }
            (true, true) => {
                args.push(quote!(#i: Option<#t>));
                inits.push(quote!(#i,));
                arg_docs.push(format!("`{}`", f.ident));
            }
            (false, nullable) => {
                inits.push(quote!(#i: None,));
                let setter = if f.ident == "new" {
                    ident("set_new")
                } else {
                    i.clone()
                };
                let doc = format!(
                    " Sets `{}`{}.",
                    f.name,
                    if nullable {
                        " (`None` sends `null`)"
                    } else {
                        ""
                    }
                );
                let deprecated = if f.deprecated {
                    quote!(#[deprecated(note = "deprecated in Procore's spec")])
                } else {
                    TokenStream::new()
                };
                setters.push(if nullable {
                    quote! {
                        #[doc = #doc]
                        #deprecated
                        pub fn #setter(mut self, value: Option<#t>) -> Self { self.#i = Some(value); self }
                    }
                } else {
                    quote! {
                        #[doc = #doc]
                        #deprecated
                        pub fn #setter(mut self, value: #value_ty) -> Self { self.#i = Some(#convert); self }
                    }
                });
            }
        }
    }
    if additional.is_some() {
        inits.push(quote!(additional_properties: std::collections::BTreeMap::new(),));
    }
    let name = ident(&def.name);
    let new_doc = if arg_docs.is_empty() {
        " A value with no optional field set.".to_string()
    } else {
        format!(
            " A value with the required {}; set the others with the setters.",
            arg_docs.join(", ")
        )
    };
    let allow = if fields.iter().any(|f| f.deprecated) {
        quote!(#[allow(deprecated)])
    } else {
        TokenStream::new()
    };
    let lints = match args.len() {
        0 => quote!(#[allow(clippy::new_without_default)]),
        1..=7 => TokenStream::new(),
        _ => quote!(#[allow(clippy::too_many_arguments)]),
    };
    quote! {
        #allow
        impl #name {
            #[doc = #new_doc]
            #lints
            pub fn new(#(#args),*) -> Self {
                #name { #(#inits)* }
            }
            #(#setters)*
        }
    }
}
