//! Operations whose body Procore takes as JSON or as `multipart/form-data` (an RFI, a file, a
//! daily log...): the builder holds a `crate::BodyForm` and sends the form the caller chose.
//!
//! The method the operation always had keeps its signature and sends the form it always sent
//! ([`Operation::body`]); a sibling method named for the other form starts the same builder with
//! that form (`create_file_multipart(NewFileForm)`, `create_project_rfi_json(..)`). Where the
//! body is optional, the builder has a setter for each form (`.body(..)` and `.multipart(..)` or
//! `.json(..)`).

use super::ident;
use super::toks::rs;
use super::toks::Toks;
use super::types::Ctx;
use crate::ir::build::alt_setter;
use crate::ir::{BodyKind, Direction, Operation, RequestBody};

/// The Rust type of one body form.
fn form_type(ctx: &Ctx, b: &RequestBody) -> Toks {
    let dir = match b.kind {
        BodyKind::Multipart => Direction::Form,
        _ => Direction::Request,
    };
    ctx.rust_type(&b.ty, dir)
}

/// The JSON and the multipart form of an operation with an alternative, in that order.
fn forms(op: &Operation) -> Option<(&RequestBody, &RequestBody)> {
    let (body, alt) = (op.body.as_ref()?, op.alternative.as_ref()?);
    Some(match body.kind {
        BodyKind::Multipart => (alt, body),
        _ => (body, alt),
    })
}

/// The builder's body field type: `crate::BodyForm<Json, Form>`.
pub(crate) fn field_type(ctx: &Ctx, op: &Operation) -> Option<Toks> {
    let (json, form) = forms(op)?;
    let (j, f) = (form_type(ctx, json), form_type(ctx, form));
    Some(rs!(crate::BodyForm<#j, #f>))
}

/// `value` as the builder's body field holds it: wrapped in the `BodyForm` variant of `b` when
/// the operation has an alternative.
pub(crate) fn hold(op: &Operation, b: &RequestBody, value: Toks) -> Toks {
    if op.alternative.is_none() {
        return value;
    }
    match b.kind {
        BodyKind::Multipart => rs!(crate::BodyForm::Multipart(#value)),
        _ => rs!(crate::BodyForm::Json(#value)),
    }
}

/// The name of the sibling method that starts the builder with the alternative form.
pub(crate) fn sibling_name(op: &Operation) -> Option<String> {
    let alt = op.alternative.as_ref()?;
    Some(format!("{}_{}", op.fn_name, alt_setter(alt.kind)))
}

fn describe(b: &RequestBody) -> &'static str {
    match b.kind {
        BodyKind::Multipart => "as `multipart/form-data` (file fields take a [`FilePart`](crate::FilePart), streamed from disk)",
        _ => "as JSON",
    }
}

/// Doc lines for the method the operation always had: which form it sends and where the other
/// one is.
pub(crate) fn primary_doc(op: &Operation) -> Vec<String> {
    let (Some(body), Some(alt), Some(sibling)) = (&op.body, &op.alternative, sibling_name(op))
    else {
        return Vec::new();
    };
    let line = if body.required {
        format!(
            " Sends the body {}; [`{sibling}`](crate::Client::{sibling}) sends it {}.",
            describe(body),
            describe(alt)
        )
    } else {
        format!(
            " The builder's `.body(..)` is sent {}, its `.{}(..)` {}.",
            describe(body),
            alt_setter(alt.kind),
            describe(alt)
        )
    };
    vec![String::new(), line]
}

/// The sibling method: the same arguments as the method with the alternative body's type, the
/// same builder. Only for a required body (an optional one has a setter instead).
pub(crate) fn sibling_method(
    ctx: &Ctx,
    op: &Operation,
    args: &[Toks],
    inits: &[Toks],
    attrs: &Toks,
) -> Toks {
    let (Some(alt), Some(name)) = (&op.alternative, sibling_name(op)) else {
        return Toks::new();
    };
    if !alt.required {
        return Toks::new();
    }
    let fn_name = ident(&name);
    let builder = ident(&op.builder);
    let t = form_type(ctx, alt);
    let held = hold(op, alt, rs!(body));
    // The method's last argument and init are the body's; the rest are the parameters.
    let n = args.len().saturating_sub(1);
    let (args, inits) = (&args[..n], &inits[..inits.len().saturating_sub(1)]);
    let summary = op.summary.as_deref().map(super::doc::spec_line);
    let doc = vec![
        format!(
            " {}, with the body sent {}.",
            summary.unwrap_or_else(|| format!("{} {}", op.method.as_str(), op.path)),
            describe(alt)
        ),
        String::new(),
        format!(
            " `{} {}`: Procore takes this body as JSON or as a multipart form; \
             [`{}`](crate::Client::{}) sends it {}.",
            op.method.as_str(),
            op.path,
            op.fn_name,
            op.fn_name,
            describe(op.body.as_ref().unwrap_or(alt))
        ),
    ];
    rs! {
        #(#[doc = #doc])*
        #attrs
        pub fn #fn_name(&self, #(#args,)* body: #t) -> crate::requests::#builder {
            crate::requests::#builder { #(#inits)* body: #held, }
        }
    }
}

/// The body setters of an optional body with an alternative: `.body(..)` for the form the
/// operation always sent and one named for the other form (`.multipart(..)`, `.json(..)`).
pub(crate) fn setters(ctx: &Ctx, op: &Operation) -> Toks {
    let (Some(body), Some(alt)) = (&op.body, &op.alternative) else {
        return Toks::new();
    };
    if body.required {
        return Toks::new();
    }
    let (t, held) = (form_type(ctx, body), hold(op, body, rs!(value)));
    let name = ident(alt_setter(alt.kind));
    let (alt_t, alt_held) = (form_type(ctx, alt), hold(op, alt, rs!(value)));
    let doc = format!(" Sets the request body, sent {}.", describe(body));
    let alt_doc = format!(" Sets the request body, sent {}.", describe(alt));
    rs! {
        #[doc = #doc]
        pub fn body(mut self, value: #t) -> Self { self.body = Some(#held); self }
        #[doc = #alt_doc]
        pub fn #name(mut self, value: #alt_t) -> Self { self.body = Some(#alt_held); self }
    }
}

/// The statements of `build()` that set the body from the `BodyForm` field `body`.
pub(crate) fn send_body(op: &Operation) -> Option<Toks> {
    let (json, form) = forms(op)?;
    let ct = &json.content_type;
    let json_call = match &json.wrapper {
        Some(key) => rs!(request.json(&crate::Wrapped::new(#key, &body), #ct)),
        None => rs!(request.json(&body, #ct)),
    };
    let form_call = match &form.wrapper {
        Some(key) => rs!(request.multipart(crate::WrappedForm::new(#key, body))),
        None => rs!(request.multipart(body)),
    };
    let choose = rs! {
        match body {
            crate::BodyForm::Json(body) => #json_call,
            crate::BodyForm::Multipart(body) => #form_call,
        }
    };
    Some(if json.required {
        rs!(let body = self.body; #choose)
    } else {
        rs!(if let Some(body) = self.body { #choose })
    })
}
