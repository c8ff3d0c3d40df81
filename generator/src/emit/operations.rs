//! Operations: the `Client` method that starts each one, and its request builder.
//!
//! `client.list_project_rfis(project_id)` returns a `requests::ListProjectRfis` builder:
//! required parameters (path ones first) are arguments, optional ones are setters, and `.send()`
//! runs the request. Paginated list operations add `.stream()` and `.send_page()`.
//! `Procore-Company-Id` is never an argument: the client adds it. A body Procore wraps in one key
//! (`{"rfi": {...}}`) is taken unwrapped (`models::NewRfi`) and wrapped on the way out.

use super::ident;
use super::toks::rs;
use super::toks::Toks;
use super::types::Ctx;
use crate::ir::{
    BodyKind, Direction, Operation, Param, ParamLocation, QueryStyle, Success, TypeRef,
};
use crate::Settings;
use heck::ToKebabCase;

/// What the method and the builder of one operation share.
struct Parts {
    builder: super::toks::Ident,
    args: Vec<Toks>,
    inits: Vec<Toks>,
}

fn parts(ctx: &Ctx, op: &Operation) -> Parts {
    let builder = ident(&op.builder);
    let body_required = op.body.as_ref().is_some_and(|b| b.required);
    let mut args = Vec::new();
    let mut inits = vec![
        rs!(client: self.clone(),),
        rs!(options: crate::RequestOptions::default(),),
    ];
    for p in op.params.iter().filter(|p| p.required) {
        let i = ident(&p.ident);
        let t = param_type(ctx, p);
        if matches!(p.ty, TypeRef::String) {
            args.push(rs!(#i: impl Into<String>));
            inits.push(rs!(#i: #i.into(),));
        } else {
            args.push(rs!(#i: #t));
            inits.push(rs!(#i,));
        }
    }
    for p in op.params.iter().filter(|p| !p.required) {
        let i = ident(&p.ident);
        inits.push(rs!(#i: None,));
    }
    if let Some(b) = &op.body {
        if body_required {
            let t = body_type(ctx, b.kind, &b.ty);
            args.push(rs!(body: #t));
            inits.push(match op.alternative {
                Some(_) => {
                    let held = super::alternative::hold(op, b, rs!(body));
                    rs!(body: #held,)
                }
                None => rs!(body,),
            });
        } else {
            inits.push(rs!(body: None,));
        }
    }
    Parts {
        builder,
        args,
        inits,
    }
}

/// The `Client` method of one operation (inside the category's `impl Client`).
pub(crate) fn method_item(ctx: &Ctx, op: &Operation, settings: &Settings) -> Toks {
    let Parts {
        builder,
        args,
        inits,
    } = parts(ctx, op);
    let fn_name = ident(&op.fn_name);
    let mut doc = method_doc(op, settings);
    doc.extend(super::alternative::primary_doc(op));
    let deprecated = deprecated_attr(op);
    let too_many = if args.len() > 6 {
        rs!(#[allow(clippy::too_many_arguments)])
    } else {
        Toks::new()
    };
    let attrs = rs!(#deprecated #too_many);
    let sibling = super::alternative::sibling_method(ctx, op, &args, &inits, &attrs);
    rs! {
        #(#[doc = #doc])*
        #attrs
        pub fn #fn_name(&self, #(#args),*) -> crate::requests::#builder {
            crate::requests::#builder { #(#inits)* }
        }
        #sibling
    }
}

/// The request builder of one operation: its struct and impl.
pub(crate) fn builder_items(ctx: &Ctx, op: &Operation) -> Toks {
    let builder = ident(&op.builder);
    let required: Vec<&Param> = op.params.iter().filter(|p| p.required).collect();
    let optional: Vec<&Param> = op.params.iter().filter(|p| !p.required).collect();
    let body_required = op.body.as_ref().is_some_and(|b| b.required);

    // Builder fields: crate-visible, since `Client` methods in another module fill them.
    let mut fields = vec![
        rs!(pub(crate) client: crate::Client,),
        rs!(pub(crate) options: crate::RequestOptions,),
    ];
    for p in &required {
        let i = ident(&p.ident);
        let t = param_type(ctx, p);
        fields.push(rs!(pub(crate) #i: #t,));
    }
    for p in &optional {
        let i = ident(&p.ident);
        let t = param_type(ctx, p);
        fields.push(rs!(pub(crate) #i: Option<#t>,));
    }
    let body_ty = op.body.as_ref().map(|b| body_type(ctx, b.kind, &b.ty));
    let field_ty = super::alternative::field_type(ctx, op).or_else(|| body_ty.clone());
    if let Some(t) = &field_ty {
        fields.push(if body_required {
            rs!(pub(crate) body: #t,)
        } else {
            rs!(pub(crate) body: Option<#t>,)
        });
    }
    // A body with an alternative form has its setters there (`.body(..)` and the other form's).
    let plain_body = body_ty
        .as_ref()
        .filter(|_| !body_required && op.alternative.is_none());
    let mut setters = setters(ctx, &optional, plain_body);
    setters.push(super::alternative::setters(ctx, op));
    let build_body = request_build(op, body_required);
    let (ret, send_call) = match &op.success {
        Success::Json(t) => {
            let t = ctx.rust_type(t, Direction::Response);
            (t, rs!(self.build().send_json()))
        }
        Success::Bytes => (rs!(crate::Bytes), rs!(self.build().send_bytes())),
        Success::Empty => (rs!(()), rs!(self.build().send_empty())),
    };
    let paging = match (&op.success, op.is_paginated(), op.data_item(&ctx.api.types)) {
        (_, false, Some(item)) if op.has_query("page") => {
            let item = ctx.rust_type(item, Direction::Response);
            let page = future_of(rs!(crate::Page<#item>));
            rs! {
                /// Sends the request for one page and returns its items (unwrapped from
                /// `{"data": [...]}`) with the envelope's other members and the pagination
                /// headers.
                pub fn send_page(self) -> #page {
                    self.build().send_data_page()
                }
                /// Streams every item of every page, following `Link: rel="next"`. At most
                /// one page is held in memory.
                pub fn stream(self) -> crate::ItemStream<#item> {
                    self.build().stream_data()
                }
            }
        }
        (Success::Json(TypeRef::Array(item)), true, _) => {
            let item = ctx.rust_type(item, Direction::Response);
            let page = future_of(rs!(crate::Page<#item>));
            rs! {
                /// Sends the request for one page and returns it with its pagination headers.
                pub fn send_page(self) -> #page {
                    self.build().send_page()
                }
                /// Streams every item of every page, following `Link: rel="next"`. At most
                /// one page is held in memory.
                pub fn stream(self) -> crate::ItemStream<#item> {
                    self.build().stream()
                }
            }
        }
        _ => Toks::new(),
    };
    let sent = future_of(ret);
    let file_part = if op.can_send_multipart() {
        rs! {
            /// Adds a file part under `name` (a Rails-style name such as
            /// `file_version[data]`) to the multipart body, beside the body's own fields: for a
            /// file the spec does not type as one. Read from disk when the request is sent.
            pub fn file_part(mut self, name: impl Into<String>, file: crate::FilePart) -> Self {
                self.options.file_part(name, file);
                self
            }
        }
    } else {
        Toks::new()
    };
    let builder_doc = format!(
        " Request builder for [`Client::{}`](crate::Client::{}).",
        op.fn_name, op.fn_name
    );
    let allow = if op.deprecation.is_some() || op.params.iter().any(|p| p.deprecated) {
        rs!(#[allow(deprecated)])
    } else {
        Toks::new()
    };
    rs! {
        #[doc = #builder_doc]
        #[derive(Debug)]
        #[must_use = "a request does nothing until `.send()` is awaited"]
        pub struct #builder { #(#fields)* }

        #allow
        impl #builder {
            #(#setters)*
            /// Adds a header to this request (sent to the API host only).
            pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
                self.options.header(name, value);
                self
            }
            /// Sets `Idempotency-Token`: Procore runs the request at most once, so it is safe to
            /// retry.
            pub fn idempotency_token(mut self, token: impl Into<String>) -> Self {
                self.options.idempotency_token(token);
                self
            }
            #file_part
            fn build(self) -> crate::Request {
                #build_body
            }
            /// Sends the request.
            pub fn send(self) -> #sent {
                #send_call
            }
            #paging
        }
    }
}

/// What `send` and `send_page` return: the runtime's future, not an `async fn`'s. Callers see no
/// difference (`.send().await`; switching between the two is not a breaking change), but the
/// compiler then builds no state machine of its own for each of the 2,800 methods, which cut
/// the all-features check's memory by a tenth (BENCHMARKS.md, issue 11).
fn future_of(output: Toks) -> Toks {
    rs!(impl std::future::Future<Output = Result<#output, crate::Error>>)
}

fn setters(ctx: &Ctx, optional: &[&Param], optional_body: Option<&Toks>) -> Vec<Toks> {
    let mut setters = Vec::new();
    for p in optional {
        let i = ident(&p.ident);
        let t = param_type(ctx, p);
        let doc = format!(
            " {} (`{}` in {}).",
            super::doc::spec_text(p.description.as_deref().unwrap_or("Sets")).trim_end_matches('.'),
            p.name,
            location_word(p.location)
        );
        let deprecated = if p.deprecated {
            rs!(#[deprecated(note = "deprecated in Procore's spec")])
        } else {
            Toks::new()
        };
        if matches!(p.ty, TypeRef::String) {
            setters.push(rs! {
                #[doc = #doc]
                #deprecated
                pub fn #i(mut self, value: impl Into<String>) -> Self { self.#i = Some(value.into()); self }
            });
        } else {
            setters.push(rs! {
                #[doc = #doc]
                #deprecated
                pub fn #i(mut self, value: #t) -> Self { self.#i = Some(value); self }
            });
        }
    }
    if let Some(t) = optional_body {
        setters.push(rs! {
            /// Sets the request body.
            pub fn body(mut self, value: #t) -> Self { self.body = Some(value); self }
        });
    }
    setters
}

/// The body of `build()`: the request with its path, query, headers and body.
fn request_build(op: &Operation, body_required: bool) -> Toks {
    let method = ident(op.method.as_str());
    let template = &op.path;
    let mut build = Vec::new();
    for p in &op.params {
        let i = ident(&p.ident);
        let wire = &p.name;
        let value = rs!(&self.#i);
        match p.location {
            ParamLocation::Path => {}
            ParamLocation::Query => {
                let style = style_tokens(p.style);
                build.push(rs!(request.query(#wire, #value, #style);));
            }
            ParamLocation::Header => build.push(rs!(request.header(#wire, #value);)),
            ParamLocation::Cookie => build.push(rs!(request.cookie(#wire, #value);)),
        }
    }
    if let Some(choose) = super::alternative::send_body(op) {
        build.push(choose);
    } else if let Some(b) = &op.body {
        let ct = &b.content_type;
        let value = match &b.wrapper {
            Some(key) => rs!(&crate::Wrapped::new(#key, &body)),
            None => rs!(&body),
        };
        let call = match b.kind {
            BodyKind::Json | BodyKind::MergePatch => rs!(request.json(#value, #ct);),
            BodyKind::Form => rs!(request.form_urlencoded(&body);),
            BodyKind::Multipart => match &b.wrapper {
                Some(key) => rs!(request.multipart(crate::WrappedForm::new(#key, body));),
                None => rs!(request.multipart(body);),
            },
            BodyKind::Bytes => rs!(request.bytes(body, #ct);),
        };
        build.push(if body_required {
            rs!(let body = self.body; #call)
        } else {
            rs!(if let Some(body) = self.body { #call })
        });
    }
    let path = path_expr(op);
    let start = rs!(self.client.request(reqwest::Method::#method, #template, #path));
    rs! {
        let mut request = #start;
        #(#build)*
        request.options(self.options);
        request
    }
}

fn method_doc(op: &Operation, settings: &Settings) -> Vec<String> {
    // Docs.
    let summary = op
        .summary
        .clone()
        .unwrap_or_else(|| format!("{} {}", op.method.as_str(), op.path));
    let mut doc = vec![format!(" {}", super::doc::spec_line(&summary))];
    doc.push(String::new());
    let version = op
        .resource_version
        .as_deref()
        .map(|v| format!(" (resource version {v})"))
        .unwrap_or_default();
    doc.push(format!(
        " `{} {}`{version}. [Procore reference]({})",
        op.method.as_str(),
        op.path,
        reference_url(op)
    ));
    if let Some(d) = &op.deprecation {
        doc.push(String::new());
        let mut line = " **Deprecated**".to_string();
        if let Some(s) = &d.since {
            line.push_str(&format!(" since {s}"));
        }
        if let Some(s) = &d.sunset {
            line.push_str(&format!(", sunset {s}"));
        }
        if let Some(n) = &d.note {
            line.push_str(&format!(": {}", super::doc::spec_line(n)));
        }
        doc.push(line);
    }
    if settings.docs == crate::Docs::Full {
        if let Some(d) = &op.description {
            doc.push(String::new());
            doc.extend(super::doc::spec_text(d).lines().map(|l| format!(" {l}")));
        }
    }
    doc
}

fn deprecated_attr(op: &Operation) -> Toks {
    match &op.deprecation {
        Some(d) => {
            let note = d
                .note
                .clone()
                .unwrap_or_else(|| "deprecated in Procore's spec".into());
            match &d.since {
                Some(since) => rs!(#[deprecated(since = #since, note = #note)]),
                None => rs!(#[deprecated(note = #note)]),
            }
        }
        None => Toks::new(),
    }
}

fn param_type(ctx: &Ctx, p: &Param) -> Toks {
    ctx.rust_type(&p.ty, Direction::Request)
}

fn body_type(ctx: &Ctx, kind: BodyKind, ty: &TypeRef) -> Toks {
    match kind {
        BodyKind::Bytes => rs!(crate::Bytes),
        BodyKind::Multipart => ctx.rust_type(ty, Direction::Form),
        _ => ctx.rust_type(ty, Direction::Request),
    }
}

fn location_word(l: ParamLocation) -> &'static str {
    match l {
        ParamLocation::Path => "the path",
        ParamLocation::Query => "the query",
        ParamLocation::Header => "a header",
        ParamLocation::Cookie => "a cookie",
    }
}

fn style_tokens(s: QueryStyle) -> Toks {
    match s {
        QueryStyle::Repeat => rs!(crate::QueryStyle::Repeat),
        QueryStyle::Csv => rs!(crate::QueryStyle::Csv),
        QueryStyle::Space => rs!(crate::QueryStyle::Space),
        QueryStyle::Pipe => rs!(crate::QueryStyle::Pipe),
        QueryStyle::Deep => rs!(crate::QueryStyle::Deep),
    }
}

/// The expression that builds the path: the template's text with each path parameter
/// encoded in its place (`["/rest/v1.0/projects/", &crate::path_segment(&self.id)].concat()`).
/// Plain expressions, not `format!`, so the formatter lays them out like hand-written code.
fn path_expr(op: &Operation) -> Toks {
    let mut parts: Vec<Toks> = Vec::new();
    let mut literal = String::new();
    let mut rest = op.path.as_str();
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let name = &rest[open + 1..open + close];
        literal.push_str(&rest[..open]);
        match op
            .params
            .iter()
            .find(|p| p.location == ParamLocation::Path && p.name == name)
        {
            Some(p) => {
                if !literal.is_empty() {
                    let l = std::mem::take(&mut literal);
                    parts.push(rs!(#l));
                }
                let i = ident(&p.ident);
                parts.push(rs!(&crate::path_segment(&self.#i)));
            }
            None => literal.push_str(&rest[open..open + close + 1]),
        }
        rest = &rest[open + close + 1..];
    }
    literal.push_str(rest);
    if parts.is_empty() {
        return rs!(String::from(#literal));
    }
    if !literal.is_empty() {
        parts.push(rs!(#literal));
    }
    rs!([#(#parts),*].concat())
}

/// Link to the operation in Procore's API reference.
fn reference_url(op: &Operation) -> String {
    let resource = op
        .tags
        .first()
        .and_then(|t| t.rsplit('/').next())
        .unwrap_or("rest")
        .to_kebab_case();
    let version = op
        .resource_version
        .as_deref()
        .map(|v| v.trim_start_matches('v'))
        .unwrap_or("latest");
    let anchor = op.summary.as_deref().unwrap_or("").to_kebab_case();
    format!("https://developers.procore.com/reference/rest/{resource}?version={version}#{anchor}")
}
