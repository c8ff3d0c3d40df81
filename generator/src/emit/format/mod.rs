//! Formats the emitter's token streams as Rust source, straight from the tokens.
//!
//! Parsing 14 MB of generated tokens into a `syn` tree so that `prettyplease` could print it was
//! over half of all generation time. The emitter only writes a small part of Rust (items, blocks
//! of statements, calls, struct literals, `match`, closures, generics), so this printer reads the
//! tokens directly: [`lex`] makes trees of them and tells generic brackets from comparisons,
//! [`build`] turns items, statements and lists into layout commands, and [`render`] fits them
//! into 100 columns. The result reads like rustfmt's output and is checked to mean the same
//! tokens (see the tests, and the pinned-spec test in `tests/tests/generate.rs`).

mod build;
mod lex;
mod render;
mod same_tokens;

pub use same_tokens::verify_formatting;
#[cfg(test)]
pub(crate) use same_tokens::{flat, flat_toks};

use super::toks::Toks;

/// Line width, as rustfmt's default.
const WIDTH: usize = 100;

/// Formats token streams, keeping its buffers from one call to the next (a module file is
/// formatted a chunk of items at a time).
#[derive(Default)]
pub(crate) struct Formatter {
    text: String,
    cmds: Vec<render::Cmd>,
}

impl Formatter {
    /// Appends `tokens` (a sequence of items) to `out`, formatted, each item starting on its
    /// own line; no blank lines (`super::space_items` adds those).
    pub(crate) fn items(&mut self, tokens: &Toks, out: &mut String) {
        let before = same_tokens::verifying().then(|| same_tokens::flat_toks(tokens));
        let start = out.len();
        self.text.clear();
        self.cmds.clear();
        let toks = lex::lex(tokens, &mut self.text);
        let mut b = build::Builder {
            text: &mut self.text,
            cmds: std::mem::take(&mut self.cmds),
            in_attr: false,
        };
        b.items(&toks);
        self.cmds = b.cmds;
        render::render(&self.cmds, &self.text, WIDTH, out);
        if let Some(before) = before {
            same_tokens::assert_same(&before, &out[start..]);
        }
    }
}

/// When verifying (see [`verify_formatting`]), panics unless `file` parses as a Rust file:
/// the token check ignores trailing commas, and a comma is not allowed everywhere.
pub(crate) fn assert_parses(file: &str) {
    if same_tokens::verifying() {
        if let Err(e) = syn::parse_file(file) {
            let head: String = file.lines().take(3).collect::<Vec<_>>().join("\n");
            panic!("formatted file does not parse ({e}); `rustc` on it shows where:\n{head}");
        }
    }
}

#[cfg(test)]
mod tests;
