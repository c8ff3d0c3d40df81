//! The endpoint inventory: a text snapshot of the API read from the IR, committed under
//! `tests/snapshots/` and compared on every test run, so drift in endpoints, deprecations or
//! shapes fails with a diff a person reads in seconds.
//!
//! Three files, one line per operation, sorted by path then method, each line
//! `METHOD /path | key=value | ...`:
//! - `inventory.txt`: operationId, resource version, category, deprecation, request content types;
//! - `deprecations.txt`: the deprecated operations only, with dates and notice;
//! - `signatures.txt`: parameters, request body fields and response fields (top level, with a
//!   hash of the whole shape so a change deep down shows too).

use crate::diff::shape::Shapes;
use crate::ir::{Api, Operation, ParamLocation, Success};
use std::collections::BTreeMap;
use std::fmt::Write;

/// The snapshot files, by name.
pub fn snapshots(api: &Api) -> BTreeMap<&'static str, String> {
    let mut ops: Vec<&Operation> = api.operations.iter().collect();
    ops.sort_by(|a, b| (&a.path, a.method).cmp(&(&b.path, b.method)));
    let mut inventory = String::new();
    let mut deprecations = String::new();
    let mut signatures = String::new();
    let mut shapes = Shapes::new(api);
    for op in &ops {
        let key = format!("{} {}", op.method.as_str(), op.path);
        let dep = deprecation(op);
        let cts = op.request_content_types();
        let _ = writeln!(
            inventory,
            "{key} | id={} | version={} | category={} | deprecated={dep} | request={}",
            op.operation_id,
            op.resource_version.as_deref().unwrap_or("-"),
            op.category.name,
            if cts.is_empty() {
                "-".to_string()
            } else {
                cts.join(",")
            }
        );
        if let Some(d) = &op.deprecation {
            let note = d.note.as_deref().unwrap_or("-").replace('|', "/");
            let _ = writeln!(
                deprecations,
                "{key} | since={} | sunset={} | from={} | note={note}",
                d.since.as_deref().unwrap_or("-"),
                d.sunset.as_deref().unwrap_or("-"),
                if d.from_text { "description" } else { "flag" }
            );
        }
        let _ = writeln!(signatures, "{key} | {}", signature(&mut shapes, op));
    }
    BTreeMap::from([
        ("inventory.txt", inventory),
        ("deprecations.txt", deprecations),
        ("signatures.txt", signatures),
    ])
}

fn deprecation(op: &Operation) -> String {
    match &op.deprecation {
        None => "false".into(),
        Some(d) => {
            let mut s = "true".to_string();
            if let Some(x) = &d.since {
                s.push_str(&format!(" since {x}"));
            }
            if let Some(x) = &d.sunset {
                s.push_str(&format!(" sunset {x}"));
            }
            s
        }
    }
}

/// A short stable hash (FNV-1a, 32 bits) of a string.
fn hash(s: &str) -> String {
    let mut h: u32 = 0x811c_9dc5;
    for b in s.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    format!("{h:08x}")
}

fn signature(shapes: &mut Shapes, op: &Operation) -> String {
    let mut parts = Vec::new();
    let params: Vec<String> = op
        .params
        .iter()
        .map(|p| {
            let loc = match p.location {
                ParamLocation::Path => "path",
                ParamLocation::Query => "query",
                ParamLocation::Header => "header",
                ParamLocation::Cookie => "cookie",
            };
            format!(
                "{}{}:{loc}:{}",
                p.name,
                if p.required { "" } else { "?" },
                shapes.label(&p.ty)
            )
        })
        .collect();
    parts.push(format!("params=({})", params.join(", ")));
    if let Some(b) = &op.body {
        parts.push(format!("body={}", fields(shapes, &b.ty)));
    }
    match &op.success {
        Success::Json(t) => parts.push(format!("response={}", fields(shapes, t))),
        Success::Bytes => parts.push("response=bytes".into()),
        Success::Empty => parts.push("response=empty".into()),
    }
    parts.join(" | ")
}

/// `label{top: type, ...}#hash` of a type: top-level fields in full, deeper ones in the hash.
fn fields(shapes: &mut Shapes, ty: &crate::ir::TypeRef) -> String {
    let all = shapes.fields(ty);
    let mut full = String::new();
    for (path, f) in &all {
        let _ = write!(
            full,
            "{path}:{}{};",
            f.label,
            if f.required { "!" } else { "" }
        );
    }
    let top: Vec<String> = all
        .iter()
        .map(|(p, f)| (p.trim_start_matches("[]").trim_start_matches('.'), f))
        .filter(|(p, _)| !p.is_empty() && !p.contains(['.', '[', '{']))
        .map(|(p, f)| format!("{p}:{}", f.label))
        .collect();
    format!("{}{{{}}}#{}", shapes.label(ty), top.join(", "), hash(&full))
}

/// Readable drift between a committed snapshot and a fresh one: `+ line` for new operations,
/// `- line` for removed ones, `~ KEY field: old -> new` for changed ones.
pub fn drift(old: &str, new: &str) -> Vec<String> {
    let parse = |text: &str| -> BTreeMap<String, String> {
        text.lines()
            .filter_map(|l| {
                l.split_once(" | ")
                    .map(|(k, v)| (k.to_string(), v.to_string()))
            })
            .collect()
    };
    let (o, n) = (parse(old), parse(new));
    let mut out = Vec::new();
    for (k, ov) in &o {
        match n.get(k) {
            None => out.push(format!("- {k}")),
            Some(nv) if nv != ov => {
                let fields = |v: &str| -> BTreeMap<String, String> {
                    v.split(" | ")
                        .map(|f| {
                            f.split_once('=')
                                .map_or((f.to_string(), String::new()), |(a, b)| {
                                    (a.to_string(), b.to_string())
                                })
                        })
                        .collect()
                };
                let (of, nf) = (fields(ov), fields(nv));
                for (name, a) in &of {
                    let b = nf.get(name).map_or("(none)", String::as_str);
                    if a != b {
                        out.push(format!("~ {k} {name}: {a} -> {b}"));
                    }
                }
                for (name, b) in nf.iter().filter(|(name, _)| !of.contains_key(*name)) {
                    out.push(format!("~ {k} {name}: (none) -> {b}"));
                }
            }
            _ => {}
        }
    }
    for k in n.keys().filter(|k| !o.contains_key(*k)) {
        out.push(format!("+ {k}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drift_names_added_removed_and_changed_lines() {
        let old = "GET /a | id=A | deprecated=false\nGET /b | id=B | deprecated=false\n";
        let new =
            "GET /a | id=A | deprecated=true since 2022-02-07\nPOST /c | id=C | deprecated=false\n";
        assert_eq!(
            drift(old, new),
            [
                "~ GET /a deprecated: false -> true since 2022-02-07",
                "- GET /b",
                "+ POST /c"
            ]
        );
        assert!(drift(old, old).is_empty());
    }
}
