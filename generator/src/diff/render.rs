//! Diff reports as text (terminals), Markdown (PR comments, changelogs) and JSON.
//!
//! JSON schema (version 1; fields are only ever added, with `schema_version` raised when a field
//! changes meaning):
//!
//! ```json
//! {
//!   "schema_version": 1,
//!   "old": {"source": "...", "title": "...", "version": "...", "operations": 1957},
//!   "new": {"source": "...", "title": "...", "version": "...", "operations": 2636},
//!   "summary": {"breaking": 0, "deprecation": 0, "non_breaking": 0,
//!               "operations_added": 692, "operations_removed": 13, "end_of_life": 12},
//!   "semver": "none | patch | minor | major",
//!   "changes": [{"rule": "operation-added", "class": "breaking | deprecation | non-breaking",
//!                "method": "GET", "path": "/rest/v1.0/...", "operation_id": "...",
//!                "detail": "..."}]
//! }
//! ```

use super::{Class, DiffReport};
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
        "{} breaking, {} deprecation, {} non-breaking; operations +{} -{} ({} of the removed reached their planned end of life); semver bump for the generated crate: {}",
        s.breaking,
        s.deprecation,
        s.non_breaking,
        s.operations_added,
        s.operations_removed,
        s.end_of_life,
        r.semver.label()
    )
}

const CLASSES: [Class; 3] = [Class::Breaking, Class::Deprecation, Class::NonBreaking];

/// Plain text for terminals.
pub fn text(r: &DiffReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", headline(r));
    let _ = writeln!(out, "{}", counts(r));
    if r.changes.is_empty() {
        let _ = writeln!(out, "no changes");
        return out;
    }
    for class in CLASSES {
        let group: Vec<_> = r.changes.iter().filter(|c| c.class == class).collect();
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{} ({})", class.label().to_uppercase(), group.len());
        for c in group {
            let _ = writeln!(out, "  {} {} [{}] {}", c.method, c.path, c.rule, c.detail);
        }
    }
    out
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
    for class in CLASSES {
        let group: Vec<_> = r.changes.iter().filter(|c| c.class == class).collect();
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "### {} ({})\n\n| operation | rule | change |\n|---|---|---|",
            class.label(),
            group.len()
        );
        for c in group {
            let detail = c.detail.replace('|', "\\|");
            let _ = writeln!(
                out,
                "| `{} {}` | `{}` | {} |",
                c.method, c.path, c.rule, detail
            );
        }
        out.push('\n');
    }
    out
}

/// JSON (see the schema above).
pub fn json(r: &DiffReport) -> String {
    serde_json::to_string_pretty(r).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}")) + "\n"
}
