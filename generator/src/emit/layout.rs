//! Which items go into which generated file, and the `mod.rs` files that re-export them flat.

use super::operations;
use super::toks::rs;
use super::types::{self, Ctx, Mode};
use super::{ident, ModuleWriter};
use crate::ir::{Api, Category, Operation, TypeId};
use crate::Settings;
use std::collections::BTreeMap;

/// `src/api/<module>.rs`: the category's `Client` methods, in one `impl` block.
pub(crate) fn methods_file(
    api: &Api,
    c: &Category,
    ops: &[&Operation],
    settings: &Settings,
) -> String {
    let ctx = Ctx::new(api, Mode::Outside);
    let methods: Vec<_> = ops
        .iter()
        .map(|op| operations::method_item(&ctx, op, settings))
        .collect();
    let doc = format!(
        "{} ({} operations): the methods of [`Client`](crate::Client) in this category.\n\
         Compiled with the `{}` feature; their builders are in [`requests`](crate::requests).",
        c.name,
        ops.len(),
        c.feature
    );
    let mut w = ModuleWriter::new(&doc);
    w.push(ctx.uses());
    w.push(rs! {
        impl crate::Client {
            #(#methods)*
        }
    });
    w.finish()
}

/// `src/requests/<module>.rs`: the category's request builders.
pub(crate) fn builders_file(api: &Api, c: &Category, ops: &[&Operation]) -> String {
    let ctx = Ctx::new(api, Mode::Outside);
    let items: Vec<_> = ops
        .iter()
        .map(|op| operations::builder_items(&ctx, op))
        .collect();
    let doc = format!(
        "Request builders of the {} operations (feature `{}`).",
        c.name, c.feature
    );
    let mut w = ModuleWriter::new(&doc);
    w.push(ctx.uses());
    for item in items {
        w.push(item);
    }
    w.finish()
}

/// `src/models/<file>.rs`: types (one category's, or `shared`).
pub(crate) fn models_file(api: &Api, file: &str, ids: &[TypeId]) -> String {
    let mut ctx = Ctx::new(api, Mode::Models);
    ctx.file = file.to_string();
    let items: Vec<_> = ids.iter().map(|&id| types::type_item(&ctx, id)).collect();
    let doc = if file == "shared" {
        "Types used by more than one category, each compiled when one of them is.".to_string()
    } else {
        format!("Types only the `{}` feature uses.", file.replace('_', "-"))
    };
    let mut w = ModuleWriter::new(&doc);
    w.push(ctx.uses());
    for item in items {
        w.push(item);
    }
    w.finish()
}

/// `src/api/mod.rs`, `src/requests/mod.rs` and `src/models/mod.rs`.
pub(crate) fn mod_files(
    categories: &[&Category],
    model_files: &[&str],
) -> BTreeMap<String, String> {
    let gated = |reexport: bool| {
        let items = categories.iter().map(|c| {
            let m = ident(&c.module);
            let f = &c.feature;
            let export = reexport.then(|| rs!(#[cfg(feature = #f)] pub use self::#m::*;));
            rs! {
                #[cfg(feature = #f)]
                mod #m;
                #export
            }
        });
        rs!(#(#items)*)
    };
    let mut files = BTreeMap::new();
    files.insert(
        "src/api/mod.rs".to_string(),
        super::render(
            "`Client` methods by Procore category, each file compiled only with its feature.",
            gated(false),
        ),
    );
    files.insert(
        "src/requests/mod.rs".to_string(),
        super::render(
            "Request builders: what each `Client` method returns. Set optional parameters with \
             their setters, then `.send()`.",
            gated(true),
        ),
    );
    let models = model_files.iter().map(|file| {
        let m = ident(file);
        let feature = file.replace('_', "-");
        let gate = (*file != "shared").then(|| rs!(#[cfg(feature = #feature)]));
        rs! {
            #gate
            mod #m;
            #gate
            pub use self::#m::*;
        }
    });
    files.insert(
        "src/models/mod.rs".to_string(),
        super::render(
            "Every type the API sends or returns, whatever its category. Response types read \
             leniently; request types are built with `new` and setters.",
            rs!(#(#models)*),
        ),
    );
    files
}
