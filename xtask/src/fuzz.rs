//! `fuzz`: a mutation fuzzer for the whole generator pipeline, on stable Rust.
//!
//! Seeds are real specs: every fixture under `tests/fixtures/` that loads, and (now and then) a
//! slice of a stand-in spec from `$PROCORE_SPECS_DIR` (a few random paths and the components
//! they reach, so that mutants stay small and many run). Each mutant gets one to four random
//! edits (delete a node, retype it, duplicate it, nest it deeper, rename a key to a hostile
//! string, point it at a `$ref`) and goes through load -> fixups -> IR -> emit as its JSON text,
//! as a user's file would, on a thread with a 2 MB stack (a test thread's; the CLI has 8 MB).
//!
//! Any panic fails the run, and the mutant is saved to `target/fuzz/` with the message. A stack
//! overflow aborts the process and cannot be caught: the mutant being run is always in
//! `target/fuzz/current.json`, to be replayed with `cargo xtask generate --from`. A mutant that
//! runs longer than a minute is saved as a hang and fails the run. The PRNG is seeded
//! (`--seed`), so a run is repeatable up to where the time limit stops it.

use crate::lock;
use anyhow::{bail, Context, Result};
use procore_generator::{load, Generator, Settings};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// `fuzz` options.
#[derive(Debug, clap::Args)]
pub struct FuzzArgs {
    /// Minutes to run.
    #[arg(long, conflicts_with = "seconds")]
    pub minutes: Option<u64>,
    /// Seconds to run (default 60).
    #[arg(long)]
    pub seconds: Option<u64>,
    /// PRNG seed.
    #[arg(long, default_value_t = 13)]
    pub seed: u64,
}

/// A small, fast, seeded PRNG (SplitMix64); quality is ample for choosing mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number below `n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Strings that are not Rust identifiers, or are awkward ones.
const HOSTILE: &[&str] = &[
    "",
    " ",
    "type",
    "self",
    "Self",
    "super",
    "crate",
    "_",
    "__",
    "123",
    "1a",
    "a-b",
    "a b",
    "日本語",
    "💥",
    "é",
    "\u{301}",
    "\u{200B}",
    "r#x",
    "{id}",
    "/",
    "~",
    "%{x}",
    "a[]",
    "null",
    "Unknown",
    "Other",
    "additional_properties",
    "Client",
    "Error",
    "fn",
    "async",
    "\"",
    "\\",
];

/// Runs the fuzzer.
pub fn fuzz(args: &FuzzArgs) -> Result<()> {
    let budget = Duration::from_secs(match (args.minutes, args.seconds) {
        (Some(m), _) => m * 60,
        (None, Some(s)) => s,
        (None, None) => 60,
    });
    let out_dir = lock::root().join("target/fuzz");
    std::fs::create_dir_all(&out_dir).with_context(|| format!("{}", out_dir.display()))?;
    let seeds = fixture_seeds()?;
    if seeds.is_empty() {
        bail!("no fixture under tests/fixtures/ loads; nothing to fuzz");
    }
    let big = big_specs();
    eprintln!(
        "fuzz: {} fixture seeds, {} stand-in specs to slice, {}s, seed {}",
        seeds.len(),
        big.len(),
        budget.as_secs(),
        args.seed
    );
    // The panic hook keeps the message of a caught panic (with its place) for the report.
    let last_panic: Arc<Mutex<Option<String>>> = Arc::default();
    let hook_slot = last_panic.clone();
    std::panic::set_hook(Box::new(move |info| {
        *hook_slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(info.to_string());
    }));
    let started_ms = Arc::new(AtomicU64::new(0));
    let clock = Instant::now();
    spawn_watchdog(started_ms.clone(), clock, out_dir.clone());

    let seed = args.seed;
    let dir = out_dir.clone();
    let worker = std::thread::Builder::new()
        .name("fuzz".into())
        .stack_size(2 << 20)
        .spawn(move || {
            run(
                seed,
                budget,
                &seeds,
                &big,
                &dir,
                &started_ms,
                clock,
                &last_panic,
            )
        })?;
    let stats = worker
        .join()
        .map_err(|_| anyhow::anyhow!("the fuzzer itself panicked"))??;
    let secs = clock.elapsed().as_secs_f64();
    println!(
        "fuzz: {} mutants in {:.0}s ({:.0}/s), {} panics; {} generated a crate, {} refused at load",
        stats.mutants,
        secs,
        stats.mutants as f64 / secs,
        stats.panics,
        stats.generated,
        stats.refused
    );
    if stats.panics > 0 {
        bail!(
            "{} mutant(s) panicked; saved in {} (replay one with `cargo xtask generate --from FILE --out /tmp/x`)",
            stats.panics,
            out_dir.display()
        );
    }
    Ok(())
}

#[derive(Default)]
struct Stats {
    mutants: u64,
    panics: u64,
    generated: u64,
    refused: u64,
}

#[allow(clippy::too_many_arguments)]
fn run(
    seed: u64,
    budget: Duration,
    seeds: &[(String, Value)],
    big: &[PathBuf],
    out_dir: &Path,
    started_ms: &AtomicU64,
    clock: Instant,
    last_panic: &Mutex<Option<String>>,
) -> Result<Stats> {
    let mut rng = Rng(seed);
    let mut stats = Stats::default();
    let mut loaded_big: Vec<Option<Value>> = vec![None; big.len()];
    while clock.elapsed() < budget {
        // One mutant in 25 comes from a stand-in spec (loaded once, when first picked).
        let (origin, base) = if !big.is_empty() && rng.below(25) == 0 {
            let i = rng.below(big.len());
            if loaded_big[i].is_none() {
                loaded_big[i] = Some(load::load_path(&big[i])?.doc);
            }
            let name = big[i].file_name().unwrap_or_default().to_string_lossy();
            let doc = loaded_big[i].as_ref().expect("loaded above");
            (format!("slice of {name}"), slice(doc, &mut rng))
        } else {
            let (name, doc) = rng.pick(seeds);
            (name.clone(), doc.clone())
        };
        let mut mutant = base;
        for _ in 0..=rng.below(4) {
            mutate(&mut mutant, &mut rng);
        }
        let text = serde_json::to_vec_pretty(&mutant)?;
        std::fs::write(out_dir.join("current.json"), &text)?;
        started_ms.store(clock.elapsed().as_millis() as u64 + 1, Ordering::SeqCst);
        let outcome = std::panic::catch_unwind(|| pipeline(&text));
        started_ms.store(0, Ordering::SeqCst);
        stats.mutants += 1;
        match outcome {
            Ok(true) => stats.generated += 1,
            Ok(false) => stats.refused += 1,
            Err(_) => {
                stats.panics += 1;
                let msg = last_panic
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .take()
                    .unwrap_or_default();
                let path = out_dir.join(format!("panic-{seed}-{}.json", stats.mutants));
                std::fs::write(&path, &text)?;
                std::fs::write(
                    path.with_extension("txt"),
                    format!("from {origin}\n{msg}\n"),
                )?;
                eprintln!(
                    "fuzz: PANIC on a mutant of {origin}: {msg}\n  saved {}",
                    path.display()
                );
            }
        }
    }
    Ok(stats)
}

/// Load, fix up, build and emit; true when a crate came out, false when load refused the input.
/// Where the typed parse read an operation without serde (`ir::direct`), it must have read what
/// serde reads: a difference panics, and is saved as a finding.
fn pipeline(text: &[u8]) -> bool {
    let Ok(mut spec) = load::load_bytes("mutant.json", text) else {
        return false;
    };
    let settings = Settings::default();
    let (api, _, _) = Generator::new(settings.clone()).build_ir_in_place(&mut spec);
    let audit = procore_generator::ir::direct::audit(&spec.doc);
    assert!(
        audit.differ.is_empty(),
        "the direct read differs from serde's at {:?}",
        audit.differ
    );
    procore_generator::emit::emit(&api, &settings);
    true
}

/// Saves the running mutant and exits if one takes longer than a minute (a hang).
fn spawn_watchdog(started_ms: Arc<AtomicU64>, clock: Instant, out_dir: PathBuf) {
    std::thread::spawn(move || loop {
        std::thread::sleep(Duration::from_secs(1));
        let start = started_ms.load(Ordering::SeqCst);
        if start != 0 && clock.elapsed().as_millis() as u64 > start + 60_000 {
            let hang = out_dir.join("hang.json");
            let _ = std::fs::copy(out_dir.join("current.json"), &hang);
            eprintln!(
                "fuzz: a mutant ran for over a minute; saved {}",
                hang.display()
            );
            std::process::exit(1);
        }
    });
}

/// Every fixture that loads, by name.
fn fixture_seeds() -> Result<Vec<(String, Value)>> {
    let mut out = Vec::new();
    let mut dirs = vec![lock::root().join("tests/fixtures")];
    while let Some(dir) = dirs.pop() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
            .with_context(|| format!("{}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                dirs.push(p);
            } else if let Ok(spec) = load::load_path(&p) {
                out.push((p.display().to_string(), spec.doc));
            }
        }
    }
    Ok(out)
}

/// The stand-in specs (`*.json` in `$PROCORE_SPECS_DIR`, or beside the pinned one).
fn big_specs() -> Vec<PathBuf> {
    let dir = lock::read()
        .ok()
        .and_then(|l| {
            lock::specs_dir_copy(&l.source)
                .parent()
                .map(Path::to_path_buf)
        })
        .unwrap_or_else(|| lock::root().join("../shared/specs"));
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    out.retain(|p| p.extension().is_some_and(|e| e == "json"));
    out.sort();
    out
}

/// A few random paths of a big spec and the components they reach through `$ref`s.
fn slice(doc: &Value, rng: &mut Rng) -> Value {
    let mut out = json!({"openapi": doc["openapi"], "info": doc["info"], "paths": {}});
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        let keys: Vec<&String> = paths.keys().collect();
        for _ in 0..(1 + rng.below(5)).min(keys.len()) {
            let k = *rng.pick(&keys);
            out["paths"][k.as_str()] = paths[k.as_str()].clone();
        }
    }
    // Copy every referenced component, and what those reference, until nothing is missing.
    let mut todo = vec![out["paths"].clone()];
    while let Some(v) = todo.pop() {
        for r in refs(&v) {
            let Some(ptr) = r
                .strip_prefix('#')
                .filter(|p| p.starts_with("/components/"))
            else {
                continue;
            };
            if out.pointer(ptr).is_some() {
                continue;
            }
            if let Some(target) = doc.pointer(ptr) {
                set_pointer(&mut out, ptr, target.clone());
                todo.push(target.clone());
            }
        }
    }
    out
}

/// Every `$ref` string under `v`.
fn refs(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get("$ref") {
                    out.push(r.clone());
                }
                stack.extend(m.values());
            }
            Value::Array(a) => stack.extend(a.iter()),
            _ => {}
        }
    }
    out
}

fn set_pointer(doc: &mut Value, ptr: &str, value: Value) {
    let tokens: Vec<String> = ptr
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect();
    let mut here = doc;
    for (i, t) in tokens.iter().enumerate() {
        if !here.is_object() {
            return;
        }
        let map = here.as_object_mut().expect("checked");
        if i + 1 == tokens.len() {
            map.insert(t.clone(), value);
            return;
        }
        here = map.entry(t.clone()).or_insert_with(|| json!({}));
    }
}

/// Pointers of every node below the root, as token lists.
fn nodes(v: &Value) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut stack: Vec<(&Value, Vec<String>)> = vec![(v, Vec::new())];
    while let Some((v, path)) = stack.pop() {
        let children: Vec<(String, &Value)> = match v {
            Value::Object(m) => m.iter().map(|(k, c)| (k.clone(), c)).collect(),
            Value::Array(a) => a
                .iter()
                .enumerate()
                .map(|(i, c)| (i.to_string(), c))
                .collect(),
            _ => continue,
        };
        for (k, c) in children {
            let mut p = path.clone();
            p.push(k);
            out.push(p.clone());
            stack.push((c, p));
        }
    }
    out
}

fn node_mut<'a>(v: &'a mut Value, path: &[String]) -> Option<&'a mut Value> {
    path.iter().try_fold(v, |here, t| match here {
        Value::Object(m) => m.get_mut(t),
        Value::Array(a) => t.parse::<usize>().ok().and_then(|i| a.get_mut(i)),
        _ => None,
    })
}

/// One random edit somewhere in the document.
fn mutate(doc: &mut Value, rng: &mut Rng) {
    let all = nodes(doc);
    if all.is_empty() {
        return;
    }
    let path = rng.pick(&all).clone();
    let (parent_path, last) = path.split_at(path.len() - 1);
    let last = &last[0];
    let copy = node_mut(doc, &path)
        .map(|v| v.clone())
        .unwrap_or(Value::Null);
    let kind = rng.below(7);
    let Some(parent) = node_mut(doc, parent_path) else {
        return;
    };
    match (kind, parent) {
        // Delete.
        (0, Value::Object(m)) => {
            m.shift_remove(last);
        }
        (0, Value::Array(a)) => {
            if let Ok(i) = last.parse::<usize>() {
                a.remove(i);
            }
        }
        // Duplicate beside itself (a repeated parameter, a second member).
        (1, Value::Array(a)) => a.push(copy),
        (1, Value::Object(m)) => {
            m.insert(format!("{last}{}", rng.pick(HOSTILE)), copy);
        }
        // Rename a key to a hostile string.
        (2, Value::Object(m)) => {
            if let Some(v) = m.shift_remove(last) {
                m.insert(rng.pick(HOSTILE).to_string(), v);
            }
        }
        // Nest deeper, in the shapes schemas nest.
        (3, parent) => {
            let mut v = copy;
            // Mostly a little; one time in ten, past the depth limits.
            let most = if rng.below(10) == 0 { 80 } else { 6 };
            for _ in 0..1 + rng.below(most) {
                v = match rng.below(4) {
                    0 => json!({"type": "array", "items": v}),
                    1 => json!({"allOf": [v]}),
                    2 => json!({"type": "object", "properties": {"x": v}}),
                    _ => json!({"oneOf": [v, {"type": "string"}]}),
                };
            }
            replace(parent, last, v);
        }
        // Point at a `$ref`: a component, the node itself (a cycle), or nowhere.
        (4, parent) => {
            let target = match rng.below(3) {
                0 => format!("#/{}", path.join("/")),
                1 => "#/components/schemas/Missing".to_string(),
                _ => format!("#/components/schemas/{}", rng.pick(HOSTILE)),
            };
            replace(parent, last, json!({"$ref": target}));
        }
        // Retype: another kind of value, or another `type`.
        (_, parent) => {
            let v = match rng.below(9) {
                0 => Value::Null,
                1 => json!(true),
                2 => json!(-1),
                3 => json!(rng.pick(HOSTILE)),
                4 => json!([]),
                5 => json!({}),
                6 => json!(["string", "null"]),
                7 => json!(*rng.pick(&["object", "array", "null", "integer", "file", "string"])),
                _ => json!({"type": rng.pick(HOSTILE)}),
            };
            replace(parent, last, v);
        }
    }
}

fn replace(parent: &mut Value, key: &str, v: Value) {
    match parent {
        Value::Object(m) => {
            m.insert(key.to_string(), v);
        }
        Value::Array(a) => {
            if let Some(slot) = key.parse::<usize>().ok().and_then(|i| a.get_mut(i)) {
                *slot = v;
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_mutants() {
        let base = json!({"paths": {"/a": {"get": {"parameters": [{"name": "x"}]}}}});
        let run = |seed| {
            let mut rng = Rng(seed);
            let mut doc = base.clone();
            for _ in 0..20 {
                mutate(&mut doc, &mut rng);
            }
            doc
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
    }

    #[test]
    fn slices_carry_the_components_they_reach() {
        let doc = json!({"openapi": "3.0.3", "info": {}, "paths": {"/a": {"get": {"responses": {
            "200": {"$ref": "#/components/responses/R"}}}}},
            "components": {"responses": {"R": {"content": {"application/json": {"schema": {
                "$ref": "#/components/schemas/S"}}}}},
                "schemas": {"S": {"type": "object"}, "Unused": {}}}});
        let s = slice(&doc, &mut Rng(1));
        assert_eq!(s["components"]["schemas"], json!({"S": {"type": "object"}}));
        assert!(s["components"]["responses"]["R"].is_object());
    }
}
