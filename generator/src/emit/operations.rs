//! Operations: a request builder per operation and the `Client` method that starts it.
//!
//! `client.list_project_rfis(project_id)` returns a `ListProjectRfis` builder: required
//! parameters (path ones first) are arguments, optional ones are setters, and `.send()` runs the
//! request. Paginated list operations add `.stream()` and `.send_page()`. `Procore-Company-Id`
//! is never an argument: the client adds it.

use super::ident;
use super::types::Ctx;
use crate::ir::{
    BodyKind, Direction, Operation, Param, ParamLocation, QueryStyle, Success, TypeRef,
};
use crate::Settings;
use heck::ToKebabCase;
use proc_macro2::TokenStream;
use quote::quote;

/// The builder struct, its impl, and the `Client` method of one operation.
pub(crate) fn operation_items(ctx: &Ctx, op: &Operation, settings: &Settings) -> TokenStream {
    let builder = ident(&op.builder);
    let fn_name = ident(&op.fn_name);
    let required: Vec<&Param> = op.params.iter().filter(|p| p.required).collect();
    let optional: Vec<&Param> = op.params.iter().filter(|p| !p.required).collect();
    let body_required = op.body.as_ref().is_some_and(|b| b.required);

    // Builder fields.
    let mut fields = vec![quote!(client: crate::Client,)];
    for p in &required {
        let i = ident(&p.ident);
        let t = param_type(ctx, p);
        fields.push(quote!(#i: #t,));
    }
    for p in &optional {
        let i = ident(&p.ident);
        let t = param_type(ctx, p);
        fields.push(quote!(#i: Option<#t>,));
    }
    let body_ty = op.body.as_ref().map(|b| body_type(ctx, b.kind, &b.ty));
    if let Some(t) = &body_ty {
        fields.push(if body_required {
            quote!(body: #t,)
        } else {
            quote!(body: Option<#t>,)
        });
    }

    // Client method arguments and initialisers.
    let mut args = Vec::new();
    let mut inits = vec![quote!(client: self.clone(),)];
    for p in &required {
        let i = ident(&p.ident);
        let t = param_type(ctx, p);
        if matches!(p.ty, TypeRef::String) {
            args.push(quote!(#i: impl Into<String>));
            inits.push(quote!(#i: #i.into(),));
        } else {
            args.push(quote!(#i: #t));
            inits.push(quote!(#i,));
        }
    }
    for p in &optional {
        let i = ident(&p.ident);
        inits.push(quote!(#i: None,));
    }
    if let Some(t) = &body_ty {
        if body_required {
            args.push(quote!(body: #t));
            inits.push(quote!(body,));
        } else {
            inits.push(quote!(body: None,));
        }
    }

    // Setters.
    let mut setters = Vec::new();
    for p in &optional {
        let i = ident(&p.ident);
        let t = param_type(ctx, p);
        let doc = format!(
            " {} (`{}` in {}).",
            super::doc::spec_text(p.description.as_deref().unwrap_or("Sets")).trim_end_matches('.'),
            p.name,
            location_word(p.location)
        );
        let deprecated = if p.deprecated {
            quote!(#[deprecated(note = "deprecated in Procore's spec")])
        } else {
            TokenStream::new()
        };
        if matches!(p.ty, TypeRef::String) {
            setters.push(quote! {
                #[doc = #doc]
                #deprecated
                pub fn #i(mut self, value: impl Into<String>) -> Self { self.#i = Some(value.into()); self }
            });
        } else {
            setters.push(quote! {
                #[doc = #doc]
                #deprecated
                pub fn #i(mut self, value: #t) -> Self { self.#i = Some(value); self }
            });
        }
    }
    if let (Some(t), false) = (&body_ty, body_required) {
        setters.push(quote! {
            /// Sets the request body.
            pub fn body(mut self, value: #t) -> Self { self.body = Some(value); self }
        });
    }

    // Request construction.
    let method = ident(op.method.as_str());
    let template = &op.path;
    let (fmt, fmt_args) = path_format(op);
    let mut build = Vec::new();
    for p in &op.params {
        let i = ident(&p.ident);
        let wire = &p.name;
        let value = quote!(&self.#i);
        match p.location {
            ParamLocation::Path => {}
            ParamLocation::Query => {
                let style = style_tokens(p.style);
                build.push(quote!(request.query(#wire, #value, #style);));
            }
            ParamLocation::Header => build.push(quote!(request.header(#wire, #value);)),
            ParamLocation::Cookie => build.push(quote!(request.cookie(#wire, #value);)),
        }
    }
    if let Some(b) = &op.body {
        let ct = &b.content_type;
        let call = match b.kind {
            BodyKind::Json => quote!(request.json(&body, #ct);),
            BodyKind::MergePatch => quote!(request.json(&body, #ct);),
            BodyKind::Form => quote!(request.form_urlencoded(&body);),
            BodyKind::Multipart => quote!(request.multipart(body);),
            BodyKind::Bytes => quote!(request.bytes(body, #ct);),
        };
        build.push(if body_required {
            quote!(let body = self.body; #call)
        } else {
            quote!(if let Some(body) = self.body { #call })
        });
    }
    let path_expr = if fmt_args.is_empty() {
        quote!(String::from(#fmt))
    } else {
        quote!(format!(#fmt, #(#fmt_args),*))
    };
    let start = quote!(self.client.request(reqwest::Method::#method, #template, #path_expr));
    let build_body = if build.is_empty() {
        start
    } else {
        quote! {
            let mut request = #start;
            #(#build)*
            request
        }
    };

    let (ret, send_call) = match &op.success {
        Success::Json(t) => {
            let t = ctx.rust_type(t, Direction::Response);
            (t, quote!(self.build().send_json().await))
        }
        Success::Bytes => (
            quote!(crate::Bytes),
            quote!(self.build().send_bytes().await),
        ),
        Success::Empty => (quote!(()), quote!(self.build().send_empty().await)),
    };
    let paging = match (&op.success, op.is_paginated()) {
        (Success::Json(TypeRef::Array(item)), true) => {
            let item = ctx.rust_type(item, Direction::Response);
            quote! {
                /// Sends the request for one page and returns it with its pagination headers.
                pub async fn send_page(self) -> Result<crate::Page<#item>, crate::Error> {
                    self.build().send_page().await
                }
                /// Streams every item of every page, following `Link: rel="next"`. At most
                /// one page is held in memory.
                pub fn stream(self) -> crate::ItemStream<#item> {
                    self.build().stream()
                }
            }
        }
        _ => TokenStream::new(),
    };

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
    let deprecated = match &op.deprecation {
        Some(d) => {
            let note = d
                .note
                .clone()
                .unwrap_or_else(|| "deprecated in Procore's spec".into());
            match &d.since {
                Some(since) => quote!(#[deprecated(since = #since, note = #note)]),
                None => quote!(#[deprecated(note = #note)]),
            }
        }
        None => TokenStream::new(),
    };
    let builder_doc = format!(
        " Request builder for [`Client::{}`](crate::Client::{}).",
        op.fn_name, op.fn_name
    );

    quote! {
        #[doc = #builder_doc]
        #[derive(Debug)]
        #[must_use = "a request does nothing until `.send()` is awaited"]
        pub struct #builder { #(#fields)* }

        impl #builder {
            #(#setters)*
            fn build(self) -> crate::Request {
                #build_body
            }
            /// Sends the request.
            pub async fn send(self) -> Result<#ret, crate::Error> {
                #send_call
            }
            #paging
        }

        impl crate::Client {
            #(#[doc = #doc])*
            #deprecated
            pub fn #fn_name(&self, #(#args),*) -> #builder {
                #builder { #(#inits)* }
            }
        }
    }
}

fn param_type(ctx: &Ctx, p: &Param) -> TokenStream {
    ctx.rust_type(&p.ty, Direction::Request)
}

fn body_type(ctx: &Ctx, kind: BodyKind, ty: &TypeRef) -> TokenStream {
    match kind {
        BodyKind::Bytes => quote!(crate::Bytes),
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

fn style_tokens(s: QueryStyle) -> TokenStream {
    match s {
        QueryStyle::Repeat => quote!(crate::QueryStyle::Repeat),
        QueryStyle::Csv => quote!(crate::QueryStyle::Csv),
        QueryStyle::Space => quote!(crate::QueryStyle::Space),
        QueryStyle::Pipe => quote!(crate::QueryStyle::Pipe),
        QueryStyle::Deep => quote!(crate::QueryStyle::Deep),
    }
}

/// The `format!` string and arguments that build the path from path parameters.
fn path_format(op: &Operation) -> (String, Vec<TokenStream>) {
    let mut fmt = String::new();
    let mut args = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let name = &rest[open + 1..open + close];
        fmt.push_str(&rest[..open].replace('{', "{{").replace('}', "}}"));
        match op
            .params
            .iter()
            .find(|p| p.location == ParamLocation::Path && p.name == name)
        {
            Some(p) => {
                let i = ident(&p.ident);
                fmt.push_str("{}");
                args.push(quote!(crate::path_segment(&self.#i)));
            }
            None => fmt.push_str(
                &rest[open..open + close + 1]
                    .replace('{', "{{")
                    .replace('}', "}}"),
            ),
        }
        rest = &rest[open + close + 1..];
    }
    fmt.push_str(&rest.replace('{', "{{").replace('}', "}}"));
    (fmt, args)
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
