//! Stage 2, fixups: small transforms on the raw document, each repairing one known quirk of
//! Procore's OAS file before the IR is built.
//!
//! Each fixup lives in its own file with its own tests, records a note for every repair (with
//! the JSON pointer of the place it changed), and must be idempotent: running it twice changes
//! nothing the second time. The order in [`ALL`] matters only where documented there.

use crate::diag::Diagnostics;
use serde_json::{Map, Value};

mod component_refs;
mod const_values;
mod content_media_type;
mod depth_limit;
mod described_files;
mod duplicate_parameters;
mod enum_values;
mod exclusive_bounds;
mod multipart_files;
mod null_defaults;
mod oas31_document;
mod operation_ids;
mod path_parameters;
mod pattern_properties;
mod ref_siblings;
mod response_descriptions;
mod schema_examples;
mod schema_shape;
mod self_members;
mod templated_properties;
mod type_arrays;
mod unsupported_keywords;
pub(crate) mod walk;

pub(crate) use templated_properties::is_templated;

/// One repair of a known spec quirk.
pub struct Fixup {
    /// Short kebab-case name, used as the diagnostic source (`fixup:<name>`).
    pub name: &'static str,
    /// What quirk it repairs.
    pub about: &'static str,
    /// The transform.
    pub pass: Pass,
}

/// How a fixup sees the document.
#[derive(Clone, Copy)]
pub enum Pass {
    /// The whole document at once.
    Document(fn(&mut Value, &mut Diagnostics)),
    /// The whole document at once, with what the loader learned of it ([`Known`]; nothing when
    /// the fixup runs alone).
    Informed(fn(&mut Value, Known, &mut Diagnostics)),
    /// One schema object at a time, with its JSON pointer, before the walk enters its
    /// subschemas. Consecutive schema passes share one walk, so a spec of 100,000 schemas is
    /// walked twice instead of a dozen times; this is sound because each looks only at the
    /// schema it is given (and subschemas it creates are still visited by all of them).
    Schema(fn(&str, &mut Map<String, Value>, &mut Diagnostics)),
    /// One operation object at a time: `(pointer, path, method, operation)`. Consecutive
    /// operation passes share one walk over the path items, on every core; each looks only at
    /// the operation it is given.
    Operation(fn(&str, &str, &str, &mut Map<String, Value>, &mut Diagnostics)),
}

impl Fixup {
    /// Runs this fixup alone over the document.
    pub fn apply(&self, doc: &mut Value, diags: &mut Diagnostics) {
        match self.pass {
            Pass::Document(f) => f(doc, diags),
            Pass::Informed(f) => f(doc, Known::default(), diags),
            Pass::Schema(f) => walk::each_schema(doc, &mut |ptr, s| f(ptr, s, diags)),
            Pass::Operation(f) => walk::each_operation(doc, &mut |ptr, path, method, op| {
                f(ptr, path, method, op, diags)
            }),
        }
    }
}

/// Every fixup, in the order they run. Referenced parameters are inlined first and path-level
/// parameters merged before duplicates are removed, so that a parameter declared at both levels,
/// by value or by reference, is seen as one.
pub const ALL: &[Fixup] = &[
    // First: everything after it may recurse as deep as the document nests.
    depth_limit::FIXUP,
    // OpenAPI 3.1 lowered to the 3.0 model (each leaves a valid 3.0 document as it is), before any
    // fixup that reads schemas: `$ref` siblings first, since they may hold type arrays.
    oas31_document::FIXUP,
    ref_siblings::FIXUP,
    unsupported_keywords::FIXUP,
    type_arrays::FIXUP,
    const_values::FIXUP,
    schema_examples::FIXUP,
    exclusive_bounds::FIXUP,
    content_media_type::FIXUP,
    component_refs::FIXUP,
    self_members::FIXUP,
    path_parameters::PATH_LEVEL,
    duplicate_parameters::FIXUP,
    path_parameters::UNDECLARED,
    operation_ids::FIXUP,
    multipart_files::FIXUP,
    // After `multipart-files`: a form whose attachments it typed as files is left alone.
    described_files::FIXUP,
    response_descriptions::FIXUP,
    // Schema passes again, sharing one walk.
    null_defaults::FIXUP,
    pattern_properties::FIXUP,
    templated_properties::FIXUP,
    enum_values::FIXUP,
    // Last: drops what no fixup before it could repair, so the typed parse never backtracks.
    schema_shape::FIXUP,
];

/// Runs every fixup in order; consecutive schema passes share one walk, and so do consecutive
/// operation passes.
pub fn apply_all(doc: &mut Value, diags: &mut Diagnostics) {
    apply_all_known(doc, Known::default(), diags);
}

/// [`apply_all`] on a document the loader has just read, telling the fixups what it learned.
pub fn apply_all_loaded(spec: &mut crate::load::LoadedSpec, diags: &mut Diagnostics) {
    let known = Known {
        nesting: spec.nesting,
    };
    apply_all_known(&mut spec.doc, known, diags);
}

/// What the loader learned of a document while reading it, that spares a fixup its walk.
#[derive(Debug, Clone, Copy, Default)]
pub struct Known {
    /// An upper bound of the document's depth (see `load::LoadedSpec::nesting`).
    pub nesting: Option<usize>,
}

fn apply_all_known(doc: &mut Value, known: Known, diags: &mut Diagnostics) {
    let mut rest = ALL;
    while let Some(first) = rest.first() {
        let run = rest
            .iter()
            .take_while(|f| same_walk(f.pass, first.pass))
            .count();
        let shared = &rest[..run];
        match first.pass {
            Pass::Document(f) => f(doc, diags),
            Pass::Informed(f) => f(doc, known, diags),
            Pass::Schema(_) => walk::each_schema_par(
                doc,
                &|ptr, s, diags| {
                    for f in shared {
                        if let Pass::Schema(v) = f.pass {
                            v(ptr, s, diags);
                        }
                    }
                },
                diags,
            ),
            Pass::Operation(_) => walk::each_operation_par(
                doc,
                &|ptr, path, method, op, diags| {
                    for f in shared {
                        if let Pass::Operation(v) = f.pass {
                            v(ptr, path, method, op, diags);
                        }
                    }
                },
                diags,
            ),
        }
        rest = &rest[run.max(1)..];
    }
}

/// Whether two passes can share a walk: schema with schema, operation with operation; a
/// document pass (informed or not) runs alone.
fn same_walk(a: Pass, b: Pass) -> bool {
    matches!(
        (a, b),
        (Pass::Schema(_), Pass::Schema(_)) | (Pass::Operation(_), Pass::Operation(_))
    )
}

/// A parameter's identity: its `name` and `in` (`None` for a `$ref`, which has neither here).
pub(crate) fn parameter_key(p: &Value) -> (Option<&str>, Option<&str>) {
    (
        crate::json::key(p, "name").and_then(Value::as_str),
        crate::json::key(p, "in").and_then(Value::as_str),
    )
}

/// The HTTP methods an OpenAPI path item may hold, in the order operations are listed.
pub(crate) const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

#[cfg(test)]
pub(crate) fn run(f: &Fixup, doc: &mut Value) -> Diagnostics {
    let mut d = Diagnostics::default();
    f.apply(doc, &mut d);
    // Idempotence: a second run must find nothing to repair.
    let before = doc.clone();
    let mut again = Diagnostics::default();
    f.apply(doc, &mut again);
    assert_eq!(*doc, before, "fixup {} is not idempotent", f.name);
    assert_eq!(
        again.iter().count(),
        0,
        "fixup {} repaired again: {:?}",
        f.name,
        again
    );
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Sorted, for comparing diagnostics whose order a shared walk changes (by place rather
    /// than by fixup).
    fn sorted(d: &Diagnostics) -> Vec<String> {
        let mut v: Vec<String> = d.iter().map(|x| format!("{x:?}")).collect();
        v.sort();
        v
    }

    /// Shared, parallel walks repair exactly what the fixups do one by one, in order.
    #[test]
    fn shared_walks_repair_as_the_fixups_one_by_one() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
        let mut docs = vec![json!({"paths": {
            "/a/{id}/{other}": {
                "get": {"parameters": [
                    {"name": "q", "in": "query"}, {"name": "q", "in": "query"},
                    {"name": "id", "in": "path"}
                ], "responses": {"200": {}}},
                "post": {"requestBody": {"content": {"multipart/form-data": {"schema": {
                    "type": "object",
                    "properties": {"attachments": {"type": "array", "items": {"type": "string"}}}
                }}}}, "responses": {}}
            },
            "/b": {"put": {"operationId": "x"}, "patch": {"operationId": "x"}}
        }})];
        for name in ["feature-coverage.yaml", "feature-coverage-3.1.yaml"] {
            docs.push(
                crate::load::load_path(&dir.join(name))
                    .expect("fixture")
                    .doc,
            );
        }
        for mut doc in docs {
            let mut one_by_one = doc.clone();
            let mut d1 = Diagnostics::default();
            ALL.iter().for_each(|f| f.apply(&mut one_by_one, &mut d1));
            let mut d2 = Diagnostics::default();
            apply_all(&mut doc, &mut d2);
            assert_eq!(doc, one_by_one);
            assert_eq!(sorted(&d2), sorted(&d1));
            assert!(d2.iter().count() > 3, "{d2:?}");
        }
    }
}
