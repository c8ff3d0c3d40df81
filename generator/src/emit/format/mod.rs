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
    /// The items pushed since the last flush, lexed.
    toks: Vec<lex::Tok>,
    /// Their tokens as [`same_tokens::flat_toks`] reads them, when verifying: decided once per
    /// chunk, at its first item, so that the switch turned on or off between a push and its
    /// flush (tests do, in parallel) neither checks a half-recorded chunk nor records forever.
    before: Option<Vec<String>>,
}

impl Formatter {
    /// Appends `tokens` (a sequence of items) to `out`, formatted, each item starting on its
    /// own line; no blank lines (`super::Spacer` adds those).
    #[cfg(test)]
    pub(crate) fn items(&mut self, tokens: &Toks, out: &mut String) {
        self.push(tokens);
        self.flush(out);
    }

    /// Adds items to those the next [`Formatter::flush`] prints. They are lexed now, so the
    /// caller's stream can go (and no stream of the whole chunk is ever built): lexing items
    /// one after another gives the trees lexing them joined would.
    pub(crate) fn push(&mut self, tokens: &Toks) {
        if self.toks.is_empty() && self.before.is_none() && same_tokens::verifying() {
            self.before = Some(Vec::new());
        }
        if let Some(before) = &mut self.before {
            before.extend(same_tokens::flat_toks(tokens));
        }
        lex::lex(tokens, &mut self.text, &mut self.toks);
    }

    /// Prints the items pushed since the last flush, appending them to `out`.
    pub(crate) fn flush(&mut self, out: &mut String) {
        let start = out.len();
        self.cmds.clear();
        let mut b = build::Builder {
            text: &mut self.text,
            cmds: std::mem::take(&mut self.cmds),
            in_attr: false,
        };
        b.items(&self.toks);
        self.cmds = b.cmds;
        render::render(&self.cmds, &self.text, WIDTH, out);
        if let Some(before) = self.before.take() {
            same_tokens::assert_same(&before, &out[start..]);
        }
        self.toks.clear();
        self.text.clear();
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
