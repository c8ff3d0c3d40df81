//! File twins in multipart form structs (see `ir::file_twins`): a field Procore types as a string
//! but describes as a file keeps its field and setter, deprecated with a note naming the twin,
//! and gains a field and setter typed `FilePart` (or `Vec<FilePart>`) written under the same part
//! name. The twin, when set, is sent instead of the text; a struct where such a field is required
//! also gets `new_with_files`, which takes the file in the text's place.

use super::ident;
use super::toks::rs;
use super::toks::Toks;
use super::types::Ctx;
use crate::ir::file_twins::{is_text, twin_type};
use crate::ir::{Direction, Field, TypeRef};

/// The Rust type of `f`'s twin.
fn rust_type(ctx: &Ctx, f: &Field) -> Toks {
    let ty = twin_type(&f.ty).unwrap_or(TypeRef::Binary);
    ctx.rust_type(&ty, Direction::Form)
}

/// What the field and its twin are sent as: `files[]` parts, the `data` part.
fn parts(f: &Field) -> String {
    match f.ty {
        TypeRef::Array(_) => format!("`{}[]` parts", f.name),
        _ => format!("`{}` part", f.name),
    }
}

/// `files` or `a file`, as the twin holds.
fn as_files(f: &Field) -> &'static str {
    match f.ty {
        TypeRef::Array(_) => "files",
        _ => "a file",
    }
}

/// The deprecation note of a text field that has a twin (a field Procore has since typed as a
/// file keeps its twin from the ledger, but nothing to warn about).
pub(super) fn note(f: &Field) -> Option<String> {
    let twin = f.file_twin.as_ref().filter(|_| is_text(&f.ty))?;
    Some(format!(
        "sends the {} as text, which uploads no file: set `{twin}` (`FilePart`) instead",
        parts(f)
    ))
}

/// The twin's field declaration, after its field's.
pub(super) fn decl(ctx: &Ctx, f: &Field) -> Toks {
    let Some(twin) = &f.file_twin else {
        return Toks::new();
    };
    let (i, t) = (ident(twin), rust_type(ctx, f));
    let doc = format!(
        " The {} as {} (read when the request is sent); sent instead of `{}` when set.",
        parts(f),
        as_files(f),
        f.ident
    );
    rs!(#[doc = #doc] pub #i: Option<#t>,)
}

/// The twin's initial value in `new`: unset.
pub(super) fn init(f: &Field) -> Toks {
    let Some(twin) = &f.file_twin else {
        return Toks::new();
    };
    let i = ident(twin);
    rs!(#i: None,)
}

/// The twin's setter.
pub(super) fn setter(ctx: &Ctx, f: &Field) -> Toks {
    let Some(twin) = &f.file_twin else {
        return Toks::new();
    };
    let (i, t) = (ident(twin), rust_type(ctx, f));
    let doc = format!(
        " Sets the {} as {} (see [`FilePart`](crate::FilePart)), sent instead of `{}`.",
        parts(f),
        as_files(f),
        f.ident
    );
    rs! {
        #[doc = #doc]
        pub fn #i(mut self, value: #t) -> Self { self.#i = Some(value); self }
    }
}

/// The `append_to` statement for `f`: the twin when it is set, else the field.
pub(super) fn push(f: &Field) -> Toks {
    let (i, wire) = (ident(&f.ident), &f.name);
    let Some(twin) = &f.file_twin else {
        return rs!(form.field(name, #wire, self.#i););
    };
    let t = ident(twin);
    rs! {
        match self.#t {
            Some(parts) => form.field(name, #wire, parts),
            None => form.field(name, #wire, self.#i),
        }
    }
}

/// Whether the type gets a `new_with_files` (a required field has a file twin).
pub(super) fn has_new_with_files(fields: &[Field]) -> bool {
    fields.iter().any(replaced)
}

/// A required field `new_with_files` takes through its twin.
fn replaced(f: &Field) -> bool {
    f.required && f.file_twin.is_some()
}

/// What `new_with_files` leaves in a replaced field `i`: nothing for text (it is not sent while
/// the twin is set); the same files for a field Procore has since typed as files, which the
/// ledger kept a twin for.
fn left_behind(f: &Field, i: &super::toks::Ident) -> Toks {
    match (is_text(&f.ty), f.nullable) {
        (true, _) => rs!(Default::default()),
        (false, true) => rs!(Some(#i.clone())),
        (false, false) => rs!(#i.clone()),
    }
}

/// `new_with_files`: `new` with each required field that has a twin taken as files, through the
/// twin. `slots` are `new`'s argument (for a required field) and initialiser of each field,
/// `extra` initialises `additional_properties`.
pub(super) fn new_with_files(
    ctx: &Ctx,
    fields: &[Field],
    slots: &[(Option<Toks>, Toks)],
    extra: Option<&Toks>,
    name: &super::toks::Ident,
) -> Toks {
    if !has_new_with_files(fields) {
        return Toks::new();
    }
    let mut args = Vec::new();
    let mut inits = Vec::new();
    let mut taken = Vec::new();
    for (f, (arg, init)) in fields.iter().zip(slots) {
        if !replaced(f) {
            args.extend(arg.clone());
            let twin = self::init(f);
            inits.push(rs!(#init #twin));
            continue;
        }
        let (i, t) = (ident(&f.ident), rust_type(ctx, f));
        let twin_name = f.file_twin.as_deref().unwrap_or_default();
        let (twin, left) = (ident(twin_name), left_behind(f, &i));
        args.push(rs!(#i: #t));
        inits.push(rs!(#i: #left, #twin: Some(#i),));
        taken.push(format!(
            "`{}` as {} (set as `{twin_name}`, sent in its place)",
            f.ident,
            as_files(f)
        ));
    }
    let doc = format!(" Like `new`, but takes {}.", taken.join(", "));
    let lints = (args.len() > 7).then(|| rs!(#[allow(clippy::too_many_arguments)]));
    rs! {
        #[doc = #doc]
        #lints
        pub fn new_with_files(#(#args),*) -> Self {
            #name { #(#inits)* #extra }
        }
    }
}
