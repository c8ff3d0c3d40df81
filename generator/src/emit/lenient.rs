//! Response types: their declarations, and `Deserialize`/`Serialize` impls written out as a
//! few plain lines per type and per field that call the runtime's `lenient` module (see its
//! docs for the reading rules). No serde derive: derived `Deserialize` on every response type
//! was the largest part of the generated crate's compile time.
//!
//! Each response struct gets one more field, of type `crate::Extra`, holding undeclared fields
//! and declared fields whose value did not fit. Its name is `extra`; when a declared field
//! already has that ident, `extra_fields`, then `extra_fields2`, `extra_fields3`, ... (the first
//! that neither a declared field nor `additional_properties` uses), so the name depends only on
//! the struct's own fields.

use super::ident;
use super::toks::rs;
use super::toks::Toks;
use super::types::{doc_attr, Ctx};
use crate::ir::{Direction, EnumValue, Field, TypeDef, TypeKind, TypeRef};

/// The ident of a response struct's `Extra` field (see the module docs).
pub(crate) fn extra_ident(fields: &[Field]) -> String {
    let taken = |s: &str| s == "additional_properties" || fields.iter().any(|f| f.ident == s);
    if !taken("extra") {
        return "extra".to_string();
    }
    let mut n = 1;
    loop {
        let name = match n {
            1 => "extra_fields".to_string(),
            _ => format!("extra_fields{n}"),
        };
        if !taken(&name) {
            return name;
        }
        n += 1;
    }
}

/// `#[allow(deprecated)]` when the impls read or build deprecated fields: that is not a use the
/// user should be warned about.
fn allow_deprecated(fields: &[Field]) -> Toks {
    if fields.iter().any(|f| f.deprecated) {
        rs!(#[allow(deprecated)])
    } else {
        Toks::new()
    }
}

/// `impl Deserialize` through the runtime's one generic helper.
fn deserialize_impl(name: &super::toks::Ident, gate: &Toks) -> Toks {
    rs! {
        #gate
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                crate::lenient::deserialize(d)
            }
        }
    }
}

/// A response struct: the declaration, `FromJson`, `Deserialize` and `Serialize`.
pub(crate) fn response_struct(
    ctx: &Ctx,
    def: &TypeDef,
    fields: &[Field],
    additional: Option<&TypeRef>,
    gate: &Toks,
) -> Toks {
    let name = ident(&def.name);
    let extra = ident(&extra_ident(fields));
    let allow = allow_deprecated(fields);
    let decls = fields.iter().map(|f| {
        let i = ident(&f.ident);
        let mut t = ctx.rust_type(&f.ty, Direction::Response);
        if f.boxed {
            t = rs!(Box<#t>);
        }
        let doc = doc_attr(f.doc.as_deref());
        let deprecated = if f.deprecated {
            rs!(#[deprecated(note = "deprecated in Procore's spec")])
        } else {
            Toks::new()
        };
        rs!(#doc #deprecated pub #i: Option<#t>,)
    });
    let additional_decl = additional.map(|_| {
        rs! {
            /// Keys the spec does not name (`additionalProperties`).
            pub additional_properties: std::collections::BTreeMap<String, serde_json::Value>,
        }
    });
    let takes = fields.iter().map(|f| {
        let i = ident(&f.ident);
        let wire = &f.name;
        rs!(#i: o.take(#wire),)
    });
    let mut_o = if fields.is_empty() {
        Toks::new()
    } else {
        rs!(mut)
    };
    let build = if additional.is_some() {
        rs! {
            let mut t = Self {
                #(#takes)*
                additional_properties: Default::default(),
                #extra: Default::default(),
            };
            (t.additional_properties, t.#extra) = o.finish_additional();
            Ok(t)
        }
    } else {
        rs!(Ok(Self { #(#takes)* #extra: o.finish() }))
    };
    let puts = fields.iter().map(|f| {
        let i = ident(&f.ident);
        let wire = &f.name;
        rs!(w.put(#wire, &self.#i);)
    });
    let put_all = additional.map(|_| rs!(w.put_all(&self.additional_properties);));
    let mut_w = if fields.is_empty() && additional.is_none() {
        Toks::new()
    } else {
        rs!(mut)
    };
    let de = deserialize_impl(&name, gate);
    rs! {
        #[derive(Debug, Clone, Default, PartialEq)]
        #allow
        pub struct #name {
            #(#decls)*
            #additional_decl
            /// Undeclared fields, and declared fields whose value did not fit their type (that
            /// field is then `None`), as raw JSON.
            pub #extra: crate::Extra,
        }
        #gate
        #allow
        impl crate::lenient::FromJson for #name {
            fn from_json(v: serde_json::Value) -> Result<Self, serde_json::Value> {
                let #mut_o o = crate::lenient::ObjectReader::new(v)?;
                #build
            }
        }
        #de
        #gate
        #allow
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let #mut_w w = crate::lenient::ObjectWriter::new(s, &self.#extra)?;
                #(#puts)*
                #put_all
                w.end()
            }
        }
    }
}

/// A response enum: known values, `Unknown(String)` for the rest, `as_str`, and the impls.
pub(crate) fn response_enum(def: &TypeDef, values: &[EnumValue], gate: &Toks) -> Toks {
    let name = ident(&def.name);
    let variants = values.iter().map(|v| ident(&v.ident));
    let wires = values.iter().map(|v| &v.value);
    let matched = values.iter().map(|v| {
        let i = ident(&v.ident);
        let wire = &v.value;
        rs!(#wire => Self::#i,)
    });
    let de = deserialize_impl(&name, gate);
    let variants2 = variants.clone();
    rs! {
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#variants,)*
            /// A value this version of the crate does not know.
            Unknown(String),
        }
        #gate
        impl #name {
            /// The value as Procore writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants2 => #wires,)*
                    Self::Unknown(s) => s,
                }
            }
        }
        #gate
        impl crate::lenient::FromJson for #name {
            const EXPECTED: &'static str = "a string";
            fn accepts(v: &serde_json::Value) -> bool {
                v.is_string()
            }
            fn from_json(v: serde_json::Value) -> Result<Self, serde_json::Value> {
                let s = crate::lenient::string(v)?;
                Ok(match s.as_str() {
                    #(#matched)*
                    _ => Self::Unknown(s),
                })
            }
        }
        #de
        #gate
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    }
}

/// How `lenient::pick` recognises a union variant of type `ty`.
fn shape(ctx: &Ctx, ty: &TypeRef) -> Toks {
    let other =
        |t: Toks| rs!(crate::lenient::Shape::Other(<#t as crate::lenient::FromJson>::accepts));
    match ty {
        TypeRef::String | TypeRef::Binary => rs!(crate::lenient::Shape::String),
        TypeRef::Integer => rs!(crate::lenient::Shape::Integer),
        TypeRef::Number => rs!(crate::lenient::Shape::Number),
        TypeRef::Boolean => rs!(crate::lenient::Shape::Boolean),
        TypeRef::Named(id) => match &ctx.api.types.get(*id).kind {
            TypeKind::Struct { fields, .. } => {
                let names = fields.iter().map(|f| &f.name);
                rs!(crate::lenient::Shape::Object(&[#(#names),*]))
            }
            TypeKind::Enum { values } => {
                let names = values.iter().map(|v| &v.value);
                rs!(crate::lenient::Shape::Enum(&[#(#names),*]))
            }
            TypeKind::Union { .. } => other(ctx.rust_type(ty, Direction::Response)),
        },
        TypeRef::Any | TypeRef::Array(_) | TypeRef::Map(_) => {
            other(ctx.rust_type(ty, Direction::Response))
        }
    }
}

/// A response union: the variants (declared as `vs`), `Other(Value)`, and the impls. The
/// variant is chosen by `lenient::pick` from each variant's shape.
pub(crate) fn response_union(
    ctx: &Ctx,
    def: &TypeDef,
    variants: &[crate::ir::Variant],
    vs: Vec<Toks>,
    gate: &Toks,
) -> Toks {
    let name = ident(&def.name);
    let shapes = variants.iter().map(|v| shape(ctx, &v.ty));
    let arms = variants.iter().enumerate().map(|(n, v)| {
        let i = ident(&v.ident);
        rs!(Some(#n) => crate::lenient::variant(v, Self::#i, Self::Other),)
    });
    let writes = variants.iter().map(|v| {
        let i = ident(&v.ident);
        rs!(Self::#i(x) => serde::Serialize::serialize(x, s),)
    });
    let de = deserialize_impl(&name, gate);
    rs! {
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #(#vs)*
            /// A value that matches none of the shapes the spec lists.
            Other(serde_json::Value),
        }
        #gate
        impl crate::lenient::FromJson for #name {
            fn accepts(_: &serde_json::Value) -> bool {
                true
            }
            fn from_json(v: serde_json::Value) -> Result<Self, serde_json::Value> {
                const SHAPES: &[crate::lenient::Shape] = &[#(#shapes),*];
                Ok(match crate::lenient::pick(&v, SHAPES) {
                    #(#arms)*
                    _ => Self::Other(v),
                })
            }
        }
        #de
        #gate
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#writes)*
                    Self::Other(x) => serde::Serialize::serialize(x, s),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::extra_ident;
    use crate::ir::{Field, TypeRef};

    fn field(ident: &str) -> Field {
        Field::optional(ident, TypeRef::String)
    }

    #[test]
    fn the_extra_field_steps_aside_for_declared_ones() {
        assert_eq!(extra_ident(&[field("id")]), "extra");
        assert_eq!(extra_ident(&[field("extra")]), "extra_fields");
        let taken = [
            field("extra_fields"),
            field("extra"),
            field("extra_fields2"),
        ];
        assert_eq!(extra_ident(&taken), "extra_fields3");
    }
}
