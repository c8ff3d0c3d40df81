//! Diff reports as text (terminals), Markdown (PR comments, changelogs) and JSON.
//!
//! Text and Markdown share one layout, readable in full on a diff of two whole specs:
//! 1. headline and counts (skipped operations included);
//! 2. what could not be compared, with pointer and reason;
//! 3. category and tag moves grouped by (from -> to) with counts, instead of a line each;
//! 4. a changelog grouped by operation, worst class first: each operation once, with one line
//!    per rule under it (level, the first details, and what it does to the Rust crate);
//! 5. new operations, one line each.
//!
//! JSON schema (version 2; fields are only ever added, with `schema_version` raised when a field
//! changes meaning):
//!
//! ```json
//! {
//!   "schema_version": 2,
//!   "old": {"source": "...", "title": "...", "version": "...", "operations": 1957},
//!   "new": {"source": "...", "title": "...", "version": "...", "operations": 2636},
//!   "summary": {"breaking": 0, "deprecation": 0, "non_breaking": 0,
//!               "operations_added": 692, "operations_removed": 13, "end_of_life": 12,
//!               "warnings": 0, "rust_breaking": 0, "skipped": 0},
//!   "semver": "none | patch | minor | major",
//!   "changes": [{"rule": "operation-added", "class": "breaking | deprecation | non-breaking",
//!                "level": "ERR | WARN | INFO", "method": "GET", "path": "/rest/v1.0/...",
//!                "operation_id": "...", "detail": "...",
//!                "rust": {"text": "...", "breaks": true},          // when the crate's API moves
//!                "moved": ["from", "to"]}],                        // category and tag moves
//!   "skipped": [{"side": "old | new", "pointer": "/paths/...", "reason": "..."}]
//! }
//! ```

use super::{Change, Class, DiffReport};
use std::collections::BTreeMap;
use std::fmt::Write;

fn headline(r: &DiffReport) -> String {
    format!(
        "{} ({} {}, {} operations) -> {} ({} {}, {} operations)",
        r.old.source,
        r.old.title,
        r.old.version,
        r.old.operations,
        r.new.source,
        r.new.title,
        r.new.version,
        r.new.operations
    )
}

fn counts(r: &DiffReport) -> String {
    let s = &r.summary;
    format!(
        "{} breaking, {} deprecation, {} non-breaking ({} warnings); operations +{} -{} ({} of the removed reached their planned end of life); {} not compared (could not be loaded); {} changes break code using the generated crate; semver bump for the generated crate: {}",
        s.breaking,
        s.deprecation,
        s.non_breaking,
        s.warnings,
        s.operations_added,
        s.operations_removed,
        s.end_of_life,
        s.skipped,
        s.rust_breaking,
        r.semver.label()
    )
}

const CLASSES: [Class; 3] = [Class::Breaking, Class::Deprecation, Class::NonBreaking];

/// Rules reported as grouped moves rather than per operation.
fn is_move(c: &Change) -> bool {
    c.moved.is_some()
}

/// (rule, from, to) -> count, for category and tag moves.
fn moves(r: &DiffReport) -> BTreeMap<(&'static str, &str, &str), usize> {
    let mut out = BTreeMap::new();
    for c in &r.changes {
        if let Some((from, to)) = &c.moved {
            *out.entry((c.rule, from.as_str(), to.as_str())).or_insert(0) += 1;
        }
    }
    out
}

/// One operation's changes.
struct OpGroup<'a> {
    method: &'a str,
    path: &'a str,
    worst: Class,
    changes: Vec<&'a Change>,
}

impl<'a> OpGroup<'a> {
    /// The changes by rule: one line per rule, its details joined.
    fn lines(&self) -> Vec<RuleLine> {
        let mut out: Vec<RuleLine> = Vec::new();
        for c in &self.changes {
            match out.last_mut() {
                Some(l) if l.rule == c.rule => l.push(c),
                _ => {
                    let mut l = RuleLine {
                        rule: c.rule,
                        level: c.level.label(),
                        details: Vec::new(),
                        rust: Vec::new(),
                        rust_breaks: false,
                    };
                    l.push(c);
                    out.push(l);
                }
            }
        }
        out
    }
}

/// How many details of one rule in one operation the text and Markdown forms show.
const SHOWN: usize = 8;

/// About how many characters of details one line shows, so a line stays readable when each
/// detail is a long field path.
const SHOWN_CHARS: usize = 240;

/// The changes one rule found in one operation.
struct RuleLine {
    rule: &'static str,
    level: &'static str,
    details: Vec<String>,
    rust: Vec<String>,
    rust_breaks: bool,
}

impl RuleLine {
    fn push(&mut self, c: &Change) {
        self.details.push(c.detail.replace('\n', " "));
        if let Some(r) = &c.rust {
            self.rust.push(r.text.clone());
            self.rust_breaks |= r.breaks;
        }
    }

    /// `detail` or `N: a; b; c`, at most [`SHOWN`] of them and about [`SHOWN_CHARS`]
    /// characters (JSON has every one).
    fn detail(&self) -> String {
        let n = self.details.len();
        if n == 1 {
            return self.details[0].clone();
        }
        let (mut shown, mut chars) = (0, 0);
        for d in self.details.iter().take(SHOWN) {
            if shown > 0 && chars + d.len() > SHOWN_CHARS {
                break;
            }
            chars += d.len() + 2;
            shown += 1;
        }
        let listed = self.details[..shown].join("; ");
        if shown == n {
            format!("{n}: {listed}")
        } else {
            format!(
                "{n}: {listed}; and {} more (all in --format json)",
                n - shown
            )
        }
    }

    /// What it does to the crate, in a phrase.
    fn rust(&self) -> Option<String> {
        let first = self.rust.first()?;
        let more = match self.rust.len() {
            1 => String::new(),
            n => format!(" (and {} more)", n - 1),
        };
        let verdict = if self.rust_breaks {
            "breaks code"
        } else {
            "adds"
        };
        Some(format!("{verdict}: {first}{more}"))
    }
}

/// Changes grouped by operation (moves and additions apart), worst class first, then path.
fn by_operation(r: &DiffReport) -> Vec<OpGroup<'_>> {
    let mut map: BTreeMap<(&str, &str), Vec<&Change>> = BTreeMap::new();
    for c in r
        .changes
        .iter()
        .filter(|c| !is_move(c) && c.rule != "operation-added")
    {
        map.entry((&c.path, &c.method)).or_default().push(c);
    }
    let mut groups: Vec<OpGroup> = map
        .into_iter()
        .map(|((path, method), mut changes)| {
            changes.sort_by_key(|c| (c.class, c.rule, c.detail.clone()));
            OpGroup {
                method,
                path,
                worst: changes[0].class,
                changes,
            }
        })
        .collect();
    groups.sort_by(|a, b| (a.worst, a.path, a.method).cmp(&(b.worst, b.path, b.method)));
    groups
}

fn added(r: &DiffReport) -> Vec<&Change> {
    r.changes
        .iter()
        .filter(|c| c.rule == "operation-added")
        .collect()
}

/// Plain text for terminals.
pub fn text(r: &DiffReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", headline(r));
    let _ = writeln!(out, "{}", counts(r));
    if !r.skipped.is_empty() {
        let _ = writeln!(out, "\nNOT COMPARED ({})", r.skipped.len());
        for s in &r.skipped {
            let _ = writeln!(out, "  [{}] #{}: {}", s.side, s.pointer, s.reason);
        }
    }
    if r.changes.is_empty() {
        let what = if r.skipped.is_empty() {
            "no changes"
        } else {
            "no changes in what could be compared"
        };
        let _ = writeln!(out, "{what}");
        return out;
    }
    let moves = moves(r);
    if !moves.is_empty() {
        let _ = writeln!(out, "\nMOVES");
        for ((rule, from, to), n) in &moves {
            let _ = writeln!(out, "  [{rule}] {from} -> {to}: {n} operations");
        }
    }
    let groups = by_operation(r);
    for class in CLASSES {
        let group: Vec<_> = groups.iter().filter(|g| g.worst == class).collect();
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "\n{} ({} operations)",
            class.label().to_uppercase(),
            group.len()
        );
        for g in group {
            let _ = writeln!(out, "  {} {}", g.method, g.path);
            for l in g.lines() {
                let _ = writeln!(out, "    {} [{}] {}", l.level, l.rule, l.detail());
                if let Some(rust) = l.rust() {
                    let _ = writeln!(out, "         rust {rust}");
                }
            }
        }
    }
    let added = added(r);
    if !added.is_empty() {
        let _ = writeln!(out, "\nADDED ({} operations)", added.len());
        for c in added {
            let _ = writeln!(out, "  {} {} {}", c.method, c.path, c.detail);
        }
    }
    out
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// Markdown for pull requests and changelogs.
pub fn markdown(r: &DiffReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## API changes\n\n{}\n\n**{}**\n",
        headline(r),
        counts(r)
    );
    if !r.skipped.is_empty() {
        let _ = writeln!(
            out,
            "### Not compared ({})\n\nThese could not be loaded, so changes in them are unknown.\n\n| side | where | why |\n|---|---|---|",
            r.skipped.len()
        );
        for s in &r.skipped {
            let _ = writeln!(
                out,
                "| {} | `{}` | {} |",
                s.side,
                cell(&s.pointer),
                cell(&s.reason)
            );
        }
        out.push('\n');
    }
    let moves = moves(r);
    if !moves.is_empty() {
        let _ = writeln!(
            out,
            "### Moves\n\n| rule | from | to | operations |\n|---|---|---|---|"
        );
        for ((rule, from, to), n) in &moves {
            let _ = writeln!(out, "| `{rule}` | {} | {} | {n} |", cell(from), cell(to));
        }
        out.push('\n');
    }
    let groups = by_operation(r);
    for class in CLASSES {
        let group: Vec<_> = groups.iter().filter(|g| g.worst == class).collect();
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(out, "### {} ({} operations)\n", class.label(), group.len());
        for g in group {
            let _ = writeln!(out, "- `{} {}`", g.method, g.path);
            for l in g.lines() {
                let rust = l.rust().map(|x| format!(" — Rust {x}")).unwrap_or_default();
                let _ = writeln!(out, "  - {} `{}` {}{rust}", l.level, l.rule, l.detail());
            }
        }
        out.push('\n');
    }
    let added = added(r);
    if !added.is_empty() {
        let _ = writeln!(
            out,
            "### added ({} operations)\n\n| operation | summary |\n|---|---|",
            added.len()
        );
        for c in added {
            let _ = writeln!(out, "| `{} {}` | {} |", c.method, c.path, cell(&c.detail));
        }
        out.push('\n');
    }
    out
}

/// JSON (see the schema above).
pub fn json(r: &DiffReport) -> String {
    serde_json::to_string_pretty(r).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}")) + "\n"
}
