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
    for (path, f) in all.iter() {
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
/// `- line` for removed ones, and for changed ones one line per change:
/// `~ KEY field: old -> new` for plain values, and for parameter lists and body or response
/// shapes (`signatures.txt`) each parameter or top-level field added (`+`), removed (`-`) or
/// retyped (`a -> b`), plus one line when only something below the top level changed.
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
                let none = String::from("(none)");
                for name in of.keys().chain(nf.keys().filter(|x| !of.contains_key(*x))) {
                    let (a, b) = (of.get(name).unwrap_or(&none), nf.get(name).unwrap_or(&none));
                    if a != b {
                        value_drift(&format!("~ {k} {name}:"), a, b, &mut out);
                    }
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

/// Splits `a, b<c, d>, e` at the commas outside angle brackets and parentheses.
fn split_top(s: &str) -> Vec<&str> {
    let (mut out, mut depth, mut start) = (Vec::new(), 0i32, 0);
    for (i, c) in s.char_indices() {
        match c {
            '<' | '(' | '{' => depth += 1,
            '>' | ')' | '}' => depth -= 1,
            ',' if depth == 0 => {
                out.push(s[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    if !s[start..].trim().is_empty() {
        out.push(s[start..].trim());
    }
    out
}

/// A signature value as (label, name -> rest, hash): `params=(a?:query:integer)` gives
/// ("", {a: "?:query:integer"}, ""); `object{id:integer}#1a2b3c4d` gives
/// ("object", {id: "integer"}, "1a2b3c4d"). `None` for plain values.
fn parse_shape(v: &str) -> Option<(&str, BTreeMap<&str, &str>, &str)> {
    let (label, inner, hash) = if let Some(inner) = v.strip_prefix('(') {
        ("", inner.strip_suffix(')')?, "")
    } else {
        let (body, hash) = v.rsplit_once("}#")?;
        let (label, inner) = body.split_once('{')?;
        (label, inner, hash)
    };
    let items = split_top(inner)
        .into_iter()
        .map(|item| {
            let cut = item.find([':', '?']).unwrap_or(item.len());
            (&item[..cut], item[cut..].trim_start_matches(':'))
        })
        .collect();
    Some((label, items, hash))
}

fn value_drift(prefix: &str, a: &str, b: &str, out: &mut Vec<String>) {
    let (Some((la, ia, ha)), Some((lb, ib, hb))) = (parse_shape(a), parse_shape(b)) else {
        out.push(format!("{prefix} {a} -> {b}"));
        return;
    };
    if la != lb {
        out.push(format!("{prefix} {la} -> {lb}"));
    }
    let before = out.len();
    for (name, x) in &ia {
        match ib.get(name) {
            None => out.push(format!("{prefix} - {name}")),
            Some(y) if x != y => out.push(format!("{prefix} {name}: {x} -> {y}")),
            _ => {}
        }
    }
    for (name, y) in ib.iter().filter(|(n, _)| !ia.contains_key(*n)) {
        out.push(format!(
            "{prefix} + {name}{}{y}",
            if y.starts_with('?') { "" } else { ":" }
        ));
    }
    if out.len() == before && la == lb && ha != hb {
        out.push(format!(
            "{prefix} changed below the top level (#{ha} -> #{hb})"
        ));
    }
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

    #[test]
    fn signature_drift_lists_each_parameter_and_field() {
        let old = "GET /a | params=(id:path:integer, page?:query:integer, q?:query:string) | response=array<object>{id:integer, name:string, tags:array<string>}#00000001\n\
                   GET /b | params=() | response=object{id:integer}#00000002\n";
        let new = "GET /a | params=(id:path:integer, page?:query:string, sort?:query:string) | response=array<object>{id:string, name:string, tags:array<string>, url:string}#00000003\n\
                   GET /b | params=() | response=object{id:integer}#00000004\n";
        assert_eq!(
            drift(old, new),
            [
                "~ GET /a params: page: ?:query:integer -> ?:query:string",
                "~ GET /a params: - q",
                "~ GET /a params: + sort?:query:string",
                "~ GET /a response: id: integer -> string",
                "~ GET /a response: + url:string",
                "~ GET /b response: changed below the top level (#00000002 -> #00000004)",
            ]
        );
        assert_eq!(
            drift(
                "GET /c | response=bytes\n",
                "GET /c | response=object{id:integer}#0000000a\n"
            ),
            ["~ GET /c response: bytes -> object{id:integer}#0000000a"]
        );
    }
}
