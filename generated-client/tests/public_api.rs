//! The runtime's public surface and layout, read from its source:
//! - the items `src/runtime/mod.rs` re-exports publicly are those listed in
//!   `tests/public_api.txt`, so that adding or removing one is a deliberate change to both;
//! - each is used in a doc example of the runtime or in an example program;
//! - the runtime's modules import one another without cycles (`super::module::Item` imports,
//!   no `crate::` paths in code).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn runtime_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src/runtime")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The names a `pub use` statement brings in (`pub use a::{B, C as D};` gives `B`, `D`).
fn names_of_use(statement: &str) -> Vec<String> {
    let path = statement
        .trim_start_matches("pub use")
        .trim()
        .trim_end_matches(';');
    let list = match (path.find('{'), path.rfind('}')) {
        (Some(open), Some(close)) => &path[open + 1..close],
        _ => path.rsplit("::").next().unwrap_or(path),
    };
    list.split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(|n| n.rsplit(" as ").next().unwrap().trim().to_string())
        .collect()
}

/// Every name `mod.rs` re-exports with `pub use` (`pub(crate) use` is not public).
fn public_items() -> BTreeSet<String> {
    let text = read(&runtime_dir().join("mod.rs"));
    let mut names = BTreeSet::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find("\npub use ") {
        let statement = &rest[at + 1..];
        let end = statement.find(';').expect("a `pub use` ends with `;`");
        names.extend(names_of_use(&statement[..=end]));
        rest = &statement[end..];
    }
    names
}

#[test]
fn the_public_items_are_the_listed_ones() {
    let listed: BTreeSet<String> = read(Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/public_api.txt"
    )))
    .lines()
    .map(str::trim)
    .filter(|l| !l.is_empty() && !l.starts_with('#'))
    .map(String::from)
    .collect();
    let public = public_items();
    let added: Vec<_> = public.difference(&listed).collect();
    let removed: Vec<_> = listed.difference(&public).collect();
    assert!(
        added.is_empty() && removed.is_empty(),
        "the runtime's public items changed: added {added:?}, removed {removed:?}. If that is \
         meant, update tests/public_api.txt (and the README's runtime section); if not, make \
         the item pub(crate) in src/runtime/mod.rs"
    );
}

/// The code in fenced blocks of `///` and `//!` comments.
fn doc_examples(source: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for line in source.lines() {
        let line = line.trim_start();
        let Some(doc) = line
            .strip_prefix("///")
            .or_else(|| line.strip_prefix("//!"))
        else {
            inside = false;
            continue;
        };
        if doc.trim_start().starts_with("```") {
            inside = !inside;
        } else if inside {
            out.push_str(doc);
            out.push('\n');
        }
    }
    out
}

fn contains_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(at, _)| {
        let ident = |c: char| c.is_alphanumeric() || c == '_';
        !text[..at].ends_with(ident) && !text[at + word.len()..].starts_with(ident)
    })
}

#[test]
fn every_public_item_is_used_in_a_doc_example_or_an_example_program() {
    let mut code = String::new();
    for entry in std::fs::read_dir(runtime_dir()).unwrap() {
        code.push_str(&doc_examples(&read(&entry.unwrap().path())));
    }
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    for entry in std::fs::read_dir(examples).unwrap() {
        code.push_str(&read(&entry.unwrap().path()));
    }
    let unused: Vec<_> = public_items()
        .into_iter()
        .filter(|name| !contains_word(&code, name))
        .collect();
    assert!(
        unused.is_empty(),
        "public runtime items no doc example or example program uses: {unused:?}; show how a \
         user calls each (a doc example on the item), or make it pub(crate)"
    );
}

/// The sibling modules a runtime file's code imports (`super::name`), outside comments and
/// its unit tests (`mod tests`, where `super` is the file itself).
fn imports(source: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let code: String = source
        .split("#[cfg(test)]\nmod tests")
        .next()
        .unwrap()
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    code.match_indices("super::")
        .map(|(at, _)| {
            let rest = &code[at + "super::".len()..];
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            rest[..end].to_string()
        })
        .filter(|name| modules.contains(name))
        .collect()
}

#[test]
fn runtime_modules_import_each_other_without_cycles() {
    let mut sources = BTreeMap::new();
    for entry in std::fs::read_dir(runtime_dir()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if name != "mod" && name != "tests" {
            sources.insert(name, read(&path));
        }
    }
    let modules: BTreeSet<String> = sources.keys().cloned().collect();
    let mut graph = BTreeMap::new();
    for (name, source) in &sources {
        // Imports through the crate root would hide the dependency from this check.
        for (n, line) in source.lines().enumerate() {
            let code = line.trim_start();
            assert!(
                code.starts_with("//") || !code.contains("crate::"),
                "src/runtime/{name}.rs:{}: import runtime items as `super::module::Item`, \
                 not through `crate::`",
                n + 1
            );
        }
        graph.insert(name.clone(), imports(source, &modules));
    }
    // Depth-first search; a module met again while still on the path closes a cycle.
    fn visit(
        m: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) {
        if done.contains(m) {
            return;
        }
        if let Some(at) = path.iter().position(|p| p == m) {
            panic!(
                "runtime modules import each other in a cycle: {} -> {m}",
                path[at..].join(" -> ")
            );
        }
        path.push(m.to_string());
        for next in &graph[m] {
            visit(next, graph, path, done);
        }
        path.pop();
        done.insert(m.to_string());
    }
    let mut done = BTreeSet::new();
    for m in graph.keys() {
        visit(m, &graph, &mut Vec::new(), &mut done);
    }
    // The check sees real imports: the client is used by the request module.
    assert!(graph["request"].contains("client"), "{graph:?}");
}

#[test]
fn use_statements_are_read_as_rust_reads_them() {
    assert_eq!(names_of_use("pub use a::B;"), ["B"]);
    assert_eq!(
        names_of_use("pub use a::{B, C as D,\n    E};"),
        ["B", "D", "E"]
    );
    assert!(contains_word("x: procore::Page<T>", "Page"));
    assert!(!contains_word("PageSize", "Page"));
    assert_eq!(
        doc_examples("/// text\n/// ```\n/// let a = 1;\n/// ```\n/// more"),
        " let a = 1;\n"
    );
}
