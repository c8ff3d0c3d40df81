//! Pass 2 of `ir::build` on every core: operations converted in chunks, then replayed in order.
//!
//! The serial pass converts operation after operation with one [`SchemaConverter`], whose state
//! (type ids, sites, roots, the shared shapes, the components converted so far) makes the
//! output; the output must not depend on the number of cores. So the calling thread converts
//! the first operations itself, as the serial pass does, while each other core converts a
//! contiguous chunk of the rest with a converter of its own that logs every change it makes
//! ([`Event`]). The build's converter then repeats those logs, chunk after chunk, operation
//! after operation: it makes the same types, sites and roots in the same order as the serial
//! pass, renumbered, and deduplicates shapes against everything made before (a worker shares
//! no shapes; it writes each one's key, the costly part, for the replay to complete).
//!
//! A worker does not know which components earlier chunks converted. It converts each one it
//! meets first; the replay skips such a conversion when the build already has the component
//! (the serial pass only records a site there), and reads the worker's ids of it from the
//! build's. Where the worker's view could have led elsewhere than the serial pass (a component
//! converted, or found half-done, in another context: a self-containing array, a nesting limit),
//! the results disagree and the replay gives up: the whole pass then runs serially.

use super::error::IrError;
use super::schema::{ComponentKey, KeyTemplate, SchemaConverter};
use super::site::{Root, Site};
use super::types::{Direction, TypeDef, TypeId, TypeKind, TypeRef};
use super::{Operation, Success};
use serde_json::Value;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};

/// One change a recording converter made to its state, in the order made. Indices are the
/// worker's (into its types, sites, roots and twins).
#[derive(Debug)]
pub(super) enum Event {
    /// A root was added.
    Root(usize),
    /// A site was recorded with its type (the type lists it).
    Site(usize),
    /// A site was opened for a named shape, its type not yet known.
    Open(usize),
    /// A named shape was converted at a site opened before, as a type of its own (`key` is its
    /// shape key, in the worker's ids).
    Named {
        site: usize,
        def: TypeId,
        key: KeyTemplate,
    },
    /// A component was met for the first time: the events up to `close` convert it, from the
    /// reference at `at`, to `out`.
    Component {
        key: ComponentKey,
        at: Site,
        close: usize,
        out: Result<TypeRef, IrError>,
    },
    /// The end of a [`Event::Component`].
    Close,
    /// The type of a component was reserved (as a placeholder).
    Placeholder(TypeId),
    /// A component's placeholder got its shape and doc.
    Fill(TypeId),
    /// What a component converts to was remembered.
    Memo {
        key: ComponentKey,
        value: Result<TypeRef, IrError>,
    },
    /// A component converted before was met again: `out` is what the worker remembered.
    Hit {
        key: ComponentKey,
        out: Result<TypeRef, IrError>,
    },
    /// A file twin was given.
    Twin(usize),
}

/// Ends the [`Event::Component`] logged at `open`: its conversion gave `out`.
pub(super) fn close(log: &mut Vec<Event>, open: usize, out: &Result<TypeRef, IrError>) {
    let end = log.len();
    log.push(Event::Close);
    if let Event::Component { close, out: o, .. } = &mut log[open] {
        *close = end;
        *o = out.clone();
    }
}

/// Converts every item (an operation) with `convert`, on every core, and returns the converter
/// and results the serial loop `items.iter().map(|i| convert(&mut conv, i))` would. `twins` are
/// the file twins the ledger named.
///
/// The calling thread converts the first items itself, as the serial loop does; meanwhile the
/// other cores record the rest, in one chunk each, which the calling thread then replays. When
/// the calling thread is done with its share, the workers stop after the operation at hand, and
/// the calling thread converts what they did not reach itself: a busy machine, where a worker
/// gets little of a core, is then not slower than the serial loop by much.
pub(super) fn convert_all<'a, T: Sync>(
    doc: &'a Value,
    full_docs: bool,
    twins: &HashMap<String, String>,
    items: &[T],
    convert: impl Fn(&mut SchemaConverter<'a>, &T) -> Result<Operation, IrError> + Sync,
) -> (SchemaConverter<'a>, Vec<Result<Operation, IrError>>) {
    let converter = || {
        let mut conv = SchemaConverter::new(doc, full_docs);
        conv.keep_twins(twins.clone());
        conv
    };
    if let Some(split) = split(items.len()) {
        let (head, tail) = items.split_at(split.head.min(items.len()));
        let convert = &convert;
        let stop = AtomicBool::new(false);
        let mut conv = converter();
        let replayed = std::thread::scope(|scope| {
            let workers: Vec<_> = tail
                .chunks(split.chunk.max(1))
                .map(|chunk| {
                    let chunk = &chunk[..split.quota.min(chunk.len())];
                    let stop = &stop;
                    scope.spawn(move || record(doc, full_docs, twins, chunk, convert, stop))
                })
                .collect();
            let mut out: Vec<_> = head.iter().map(|i| convert(&mut conv, i)).collect();
            if split.stop {
                stop.store(true, Ordering::Relaxed);
            }
            for (chunk, worker) in tail.chunks(split.chunk.max(1)).zip(workers) {
                // A worker panics only on a generator bug: surface it.
                let worker = worker
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e));
                // What the worker did not reach, the calling thread converts.
                let done = worker.ops.len();
                replay_chunk(&mut conv, worker, &mut out)?;
                out.extend(chunk[done..].iter().map(|i| convert(&mut conv, i)));
            }
            Ok::<_, Diverged>(out)
        });
        // Diverged: the serial loop below decides.
        if let Ok(out) = replayed {
            return (conv, out);
        }
        #[cfg(test)]
        tests::DIVERGED.set(tests::DIVERGED.get() + 1);
    }
    let mut conv = converter();
    let out = items.iter().map(|i| convert(&mut conv, i)).collect();
    (conv, out)
}

/// Fewer operations than this are converted serially: threads would not pay.
const MIN_PARALLEL: usize = 128;

/// How pass 2 is cut between threads.
#[derive(Debug, Clone, Copy)]
struct Split {
    /// Operations the calling thread converts first.
    head: usize,
    /// Operations of each worker's chunk (the rest, cut in one chunk per worker).
    chunk: usize,
    /// At most this many of its chunk a worker records (tests record fewer).
    quota: usize,
    /// Stop the workers when the calling thread is done with the head (tests don't, so that
    /// what is recorded does not depend on timing).
    stop: bool,
}

/// How `len` operations are cut between threads; `None` to convert them all serially. The
/// calling thread should finish about when the workers do: a worker spends about 5/4 of the
/// calling thread's time per operation (it records, and converts again the components the
/// operations before its chunk converted; measured 1.1-1.3 on the four stand-ins), so on 2 cores
/// the calling thread takes 5/9. A worker that is slower is stopped when the calling thread is
/// done, which converts the rest itself; one that is faster waits.
fn split(len: usize) -> Option<Split> {
    #[cfg(test)]
    if let Some((head, chunk, quota)) = tests::SPLIT.get() {
        return Some(Split {
            head,
            chunk,
            quota,
            stop: false,
        });
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads < 2 || len < MIN_PARALLEL {
        return None;
    }
    let head = len * 5 / (5 + 4 * (threads - 1));
    let chunk = (len - head).div_ceil(threads - 1);
    Some(Split {
        head,
        chunk,
        quota: chunk,
        stop: true,
    })
}

/// Converts `chunk` with a recording converter, until `stop`: what a worker thread does.
fn record<'a, T>(
    doc: &'a Value,
    full_docs: bool,
    twins: &HashMap<String, String>,
    chunk: &[T],
    convert: &impl Fn(&mut SchemaConverter<'a>, &T) -> Result<Operation, IrError>,
    stop: &AtomicBool,
) -> Worker {
    let mut conv = SchemaConverter::recording(doc, full_docs);
    conv.keep_twins(twins.clone());
    let mut ops = Vec::with_capacity(chunk.len());
    for item in chunk {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let out = convert(&mut conv, item);
        ops.push((conv.log.as_ref().map_or(0, Vec::len), out));
    }
    Worker::new(conv, ops)
}

/// The replay met a worker's record the serial pass would not have made.
#[derive(Debug)]
struct Diverged;

/// What a worker made of its chunk, taken apart as the replay consumes it.
struct Worker {
    events: Vec<Event>,
    defs: Vec<TypeDef>,
    sites: Vec<Option<Site>>,
    roots: Vec<Option<Root>>,
    twins: Vec<(String, String)>,
    /// Each operation's result, and where its events end.
    ops: Vec<(usize, Result<Operation, IrError>)>,
}

impl Worker {
    fn new(conv: SchemaConverter, ops: Vec<(usize, Result<Operation, IrError>)>) -> Worker {
        Worker {
            events: conv.log.unwrap_or_default(),
            defs: conv.space.defs,
            sites: conv.sites.into_iter().map(Some).collect(),
            roots: conv.roots.into_iter().map(Some).collect(),
            twins: conv.twins_made,
            ops,
        }
    }

    /// The worker's type `id`, taken out (each is replayed once).
    fn take_def(&mut self, id: TypeId) -> TypeDef {
        let empty = TypeDef::placeholder(Direction::Response, String::new());
        std::mem::replace(&mut self.defs[id.0], empty)
    }
}

/// Replays a worker's chunk into `into`, appending its operations' results to `out`.
fn replay_chunk(
    into: &mut SchemaConverter,
    mut w: Worker,
    out: &mut Vec<Result<Operation, IrError>>,
) -> Result<(), Diverged> {
    let mut ids = Ids::for_worker(&w);
    let ops = std::mem::take(&mut w.ops);
    let mut start = 0;
    for (end, op) in ops {
        replay(into, &mut w, &mut ids, start..end)?;
        start = end;
        out.push(match op {
            Ok(mut op) => ids.operation(&mut op).map(|()| Ok(op))?,
            Err(e) => Err(e),
        });
    }
    Ok(())
}

/// A worker's ids -> the build's, as far as replayed (or read from the build's components).
struct Ids {
    types: Vec<Option<TypeId>>,
    sites: Vec<Option<usize>>,
    roots: Vec<Option<usize>>,
}

impl Ids {
    fn for_worker(w: &Worker) -> Ids {
        Ids {
            types: vec![None; w.defs.len()],
            sites: vec![None; w.sites.len()],
            roots: vec![None; w.roots.len()],
        }
    }

    fn ty(&self, id: TypeId) -> Result<TypeId, Diverged> {
        self.types[id.0].ok_or(Diverged)
    }

    /// Rewrites the worker's ids in `t` to the build's.
    fn remap(&self, t: &mut TypeRef) -> Result<(), Diverged> {
        match t {
            TypeRef::Named(id) => *id = self.ty(*id)?,
            TypeRef::Array(inner) | TypeRef::Map(inner) => self.remap(inner)?,
            _ => {}
        }
        Ok(())
    }

    fn remap_result(&self, r: &mut Result<TypeRef, IrError>) -> Result<(), Diverged> {
        match r {
            Ok(t) => self.remap(t),
            Err(_) => Ok(()),
        }
    }

    fn remap_kind(&self, kind: &mut TypeKind) -> Result<(), Diverged> {
        match kind {
            TypeKind::Struct { fields, additional } => {
                for f in fields {
                    self.remap(&mut f.ty)?;
                }
                if let Some(t) = additional {
                    self.remap(t)?;
                }
            }
            TypeKind::Union { variants } => {
                for v in variants {
                    self.remap(&mut v.ty)?;
                }
            }
            TypeKind::Enum { .. } => {}
        }
        Ok(())
    }

    /// Rewrites the worker's ids in an operation's parameters, bodies and responses.
    fn operation(&self, op: &mut Operation) -> Result<(), Diverged> {
        for p in &mut op.params {
            self.remap(&mut p.ty)?;
        }
        for b in [&mut op.body, &mut op.alternative].into_iter().flatten() {
            self.remap(&mut b.ty)?;
        }
        for r in &mut op.responses {
            if let Some(t) = &mut r.ty {
                self.remap(t)?;
            }
        }
        if let Success::Json(t) = &mut op.success {
            self.remap(t)?;
        }
        Ok(())
    }

    /// Checks that what the worker got for a component (`worker`) is what the build has
    /// (`build`), learning the build's ids of the worker's types on the way.
    fn agree(
        &mut self,
        worker: &Result<TypeRef, IrError>,
        build: &Result<TypeRef, IrError>,
    ) -> Result<(), Diverged> {
        match (worker, build) {
            (Ok(w), Ok(b)) => self.agree_ref(w, b),
            (Err(w), Err(b)) if w == b => Ok(()),
            _ => Err(Diverged),
        }
    }

    fn agree_ref(&mut self, worker: &TypeRef, build: &TypeRef) -> Result<(), Diverged> {
        match (worker, build) {
            (TypeRef::Named(w), TypeRef::Named(b)) => match self.types[w.0] {
                None => {
                    self.types[w.0] = Some(*b);
                    Ok(())
                }
                Some(known) if known == *b => Ok(()),
                Some(_) => Err(Diverged),
            },
            (TypeRef::Array(w), TypeRef::Array(b)) | (TypeRef::Map(w), TypeRef::Map(b)) => {
                self.agree_ref(w, b)
            }
            _ if worker == build => Ok(()),
            _ => Err(Diverged),
        }
    }

    /// Adds the worker's site `s` to the build, of type `ty`; returns its index there.
    fn add_site(
        &self,
        into: &mut SchemaConverter,
        mut s: Site,
        ty: Option<TypeId>,
    ) -> Result<usize, Diverged> {
        s.parent = match s.parent {
            Some(p) => Some(self.sites[p].ok_or(Diverged)?),
            None => None,
        };
        s.root = self.roots[s.root].ok_or(Diverged)?;
        s.ty = ty;
        into.sites.push(s);
        let idx = into.sites.len() - 1;
        if let Some(id) = ty {
            into.space.defs[id.0].sites.push(idx);
        }
        Ok(idx)
    }
}

/// Repeats the worker's `events` (one operation's) on `into`, as the serial pass would have
/// made them.
fn replay(
    into: &mut SchemaConverter,
    w: &mut Worker,
    ids: &mut Ids,
    events: Range<usize>,
) -> Result<(), Diverged> {
    let mut i = events.start;
    while i < events.end {
        match &mut w.events[i] {
            Event::Root(r) => {
                let root = w.roots[*r].take().ok_or(Diverged)?;
                ids.roots[*r] = Some(into.add_root(root));
            }
            Event::Site(s) => {
                let site = w.sites[*s].take().ok_or(Diverged)?;
                let ty = ids.ty(site.ty.ok_or(Diverged)?)?;
                ids.sites[*s] = Some(ids.add_site(into, site, Some(ty))?);
            }
            Event::Open(s) => {
                let site = w.sites[*s].take().ok_or(Diverged)?;
                ids.sites[*s] = Some(ids.add_site(into, site, None)?);
            }
            Event::Named { site, def, key } => {
                let (site, def) = (ids.sites[*site].ok_or(Diverged)?, *def);
                let key = key.fill(|id| ids.types[id.0]).ok_or(Diverged)?;
                let id = share(into, ids, w.take_def(def), key)?;
                ids.types[def.0] = Some(id);
                into.sites[site].ty = Some(id);
                into.space.defs[id.0].sites.push(site);
            }
            Event::Component {
                key,
                at,
                close,
                out,
            } => {
                if let Some(done) = into.components.get(key) {
                    // Converted before this chunk: the serial pass only records the use.
                    ids.agree(out, done)?;
                    if let Ok(TypeRef::Named(id)) = done {
                        let id = *id;
                        ids.add_site(into, std::mem::replace(at, empty_site()), Some(id))?;
                    }
                    i = *close + 1;
                    continue;
                }
            }
            Event::Close => {}
            &mut Event::Placeholder(t) => {
                let local = &mut w.defs[t.0];
                let mut def =
                    TypeDef::placeholder(local.direction, std::mem::take(&mut local.pointer));
                def.component = true;
                into.space.defs.push(def);
                ids.types[t.0] = Some(TypeId(into.space.defs.len() - 1));
            }
            &mut Event::Fill(t) => {
                let mut local = w.take_def(t);
                ids.remap_kind(&mut local.kind)?;
                let def = &mut into.space.defs[ids.ty(t)?.0];
                def.kind = local.kind;
                def.doc = local.doc;
            }
            Event::Memo { key, value } => {
                ids.remap_result(value)?;
                let key = (std::mem::take(&mut key.0), key.1);
                into.components
                    .insert(key, std::mem::replace(value, Ok(TypeRef::Any)));
            }
            Event::Hit { key, out } => {
                let done = into.components.get(key).ok_or(Diverged)?;
                ids.agree(out, done)?;
            }
            Event::Twin(t) => into.twins_made.push(std::mem::take(&mut w.twins[*t])),
        }
        i += 1;
    }
    Ok(())
}

/// The build's type for a named shape the worker made (`def`, whose shape key in the build's
/// ids is `key`): an identical one made before, or `def` added.
fn share(
    into: &mut SchemaConverter,
    ids: &Ids,
    mut def: TypeDef,
    key: String,
) -> Result<TypeId, Diverged> {
    let key = (def.direction, key);
    if let Some(&id) = into.dedup.get(&key) {
        return Ok(id);
    }
    ids.remap_kind(&mut def.kind)?;
    let mut fresh = TypeDef::placeholder(def.direction, def.pointer);
    fresh.kind = def.kind;
    fresh.doc = def.doc;
    into.space.defs.push(fresh);
    let id = TypeId(into.space.defs.len() - 1);
    into.dedup.insert(key, id);
    Ok(id)
}

/// A stand-in for a site taken out of the log.
fn empty_site() -> Site {
    Site {
        key: String::new(),
        parent: None,
        via: super::site::Via::Root,
        root: 0,
        role: super::site::Role::Body,
        depth: 0,
        ty: None,
    }
}

#[cfg(test)]
mod tests {
    use crate::{load, Generator, Settings};
    use serde_json::json;
    use std::cell::Cell;

    thread_local! {
        /// Forces the split: operations converted by the calling thread first, per worker
        /// chunk, and recorded of each chunk (the calling thread converts the rest of it).
        pub(super) static SPLIT: Cell<Option<(usize, usize, usize)>> = const { Cell::new(None) };
        /// Replays that diverged (and fell back to the serial loop).
        pub(super) static DIVERGED: Cell<usize> = const { Cell::new(0) };
    }

    /// The IR and diagnostics of a spec, as text, built with `split`.
    fn ir(name: &str, bytes: &[u8], split: Option<(usize, usize, usize)>) -> String {
        SPLIT.set(split);
        let spec = load::load_bytes(name, bytes).expect("the spec loads");
        let (api, diags, _) = Generator::new(Settings::default()).build_ir(spec);
        SPLIT.set(None);
        format!("{api:#?}\n{diags:#?}")
    }

    /// Ways of cutting the operations: head, chunk and recorded sizes.
    const SPLITS: [(usize, usize, usize); 8] = [
        (0, 1, 1),
        (1, 1, 1),
        (0, 2, 2),
        (2, 3, 3),
        (1, 100, 100),
        (100, 1, 1),
        (0, 3, 1),
        (1, 4, 0),
    ];

    /// Replays `bytes` with every split; true when none diverged.
    fn replays_as_serial(name: &str, bytes: &[u8]) -> bool {
        let serial = ir(name, bytes, None);
        let before = DIVERGED.get();
        for split in SPLITS {
            assert!(
                ir(name, bytes, Some(split)) == serial,
                "{name}, split {split:?}"
            );
        }
        DIVERGED.get() == before
    }

    #[test]
    fn fixtures_replay_to_the_serial_ir() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
        for (name, must_replay) in [
            ("feature-coverage.yaml", true),
            ("feature-coverage-3.1.yaml", true),
            ("robust/hostile.yaml", false),
            ("robust/openapi-3.1.yaml", false),
        ] {
            let bytes = std::fs::read(root.join(name)).expect("the fixture exists");
            let replayed = replays_as_serial(name, &bytes);
            assert!(replayed || !must_replay, "{name}: the replay diverged");
        }
    }

    /// A response of `GET /<path>` whose schema is `schema`.
    fn get(schema: serde_json::Value) -> serde_json::Value {
        json!({"get": {"responses": {"200": {"description": "ok", "content": {
            "application/json": {"schema": schema}}}}}})
    }

    fn component(name: &str) -> serde_json::Value {
        json!({"$ref": format!("#/components/schemas/{name}")})
    }

    /// Components that refer to themselves and to each other, met first in different places
    /// by different chunks, plus one that is missing.
    #[test]
    fn cycles_replay_to_the_serial_ir() {
        let paths: serde_json::Map<String, serde_json::Value> = [
            get(json!({"type": "object", "properties": {"a": component("Tree")}})),
            get(component("Pair")),
            get(json!({"type": "array", "items": component("Left")})),
            get(component("Tree")),
            get(json!({"type": "object", "properties": {
                "s": component("Selves"), "w": component("Wrapper")}})),
            get(component("Right")),
            get(json!({"type": "object", "properties": {"m": component("Missing")}})),
            get(component("Wrapper")),
            get(json!({"oneOf": [component("Pair")]})),
            get(
                json!({"allOf": [component("Tree"), {"type": "object", "properties": {
                "extra": {"type": "string"}}}]}),
            ),
        ]
        .into_iter()
        .enumerate()
        .map(|(i, item)| (format!("/things{i}"), item))
        .collect();
        let doc = json!({
            "openapi": "3.0.0",
            "info": {"title": "t", "version": "1.0"},
            "paths": paths,
            "components": {"schemas": {
                "Tree": {"type": "object", "properties": {
                    "children": {"type": "array", "items": component("Tree")},
                    "pair": component("Pair")}},
                "Pair": {"type": "object", "properties": {
                    "left": component("Left"), "right": component("Right")}},
                "Left": {"type": "object", "properties": {"right": component("Right"),
                    "kind": {"type": "string", "enum": ["a", "b"]}}},
                "Right": {"type": "object", "properties": {"left": component("Left"),
                    "kind": {"type": "string", "enum": ["a", "b"]}}},
                "Selves": {"type": "array", "items": component("Selves")},
                "Wrapper": {"type": "object", "properties": {"of": component("Selves")}},
            }},
        });
        let bytes = serde_json::to_vec(&doc).expect("serializes");
        assert!(replays_as_serial("cycles.json", &bytes), "diverged");
    }
}
