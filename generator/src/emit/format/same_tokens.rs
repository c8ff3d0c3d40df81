//! A check that formatted text means the tokens it was printed from: spacing aside, lexing the
//! text must give the same token trees. Tests turn it on for whole generated crates.

use crate::emit::toks::{Tk, Toks};
use proc_macro2::{Delimiter, TokenStream, TokenTree};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

static VERIFY: AtomicBool = AtomicBool::new(false);

/// Makes every later format in this process check its output (slow; for tests).
pub fn verify_formatting(on: bool) {
    VERIFY.store(on, Ordering::Relaxed);
}

/// Whether to check: turned on by [`verify_formatting`] or `PROCORE_VERIFY_FORMAT=1` (read once:
/// this is asked for every chunk of every file).
pub(super) fn verifying() -> bool {
    static FROM_ENV: OnceLock<bool> = OnceLock::new();
    VERIFY.load(Ordering::Relaxed)
        || *FROM_ENV.get_or_init(|| std::env::var_os("PROCORE_VERIFY_FORMAT").is_some())
}

/// Panics when `text` does not lex to the tokens `before` (from [`flat`]). Only reached when
/// verifying; a mismatch is a printer bug, reported with the text around it.
pub(super) fn assert_same(before: &[String], text: &str) {
    let after = match text.parse::<TokenStream>() {
        Ok(t) => flat(t),
        Err(e) => panic!("formatted text does not lex ({e}):\n{text}"),
    };
    if let Some(k) = (0..before.len().max(after.len())).find(|&k| before.get(k) != after.get(k)) {
        let from = k.saturating_sub(12);
        panic!(
            "formatting changed the tokens at {k}: printed from {:?}, reads back as {:?}",
            &before[from..(k + 12).min(before.len())],
            &after[from..(k + 12).min(after.len())]
        );
    }
}

/// Token texts in order, groups as their delimiters; spacing and trailing commas (which the
/// printer adds to lists it breaks) ignored.
pub(crate) fn flat(tokens: TokenStream) -> Vec<String> {
    let mut out = Vec::new();
    push(tokens, &mut out);
    without_trailing_commas(out)
}

/// [`flat`] for the emitter's tokens: operators and lifetimes split into characters as
/// `proc_macro2` lexes them.
pub(crate) fn flat_toks(toks: &Toks) -> Vec<String> {
    let mut out = Vec::new();
    for (t, text) in toks.iter() {
        match t {
            Tk::Ident => out.push(text.to_owned()),
            Tk::Lit => {
                if text.starts_with('\'') && !text.ends_with('\'') {
                    out.push("'".into());
                    out.push(text[1..].to_owned());
                } else {
                    out.push(literal(text));
                }
            }
            Tk::Punct(p) => out.extend(p.chars().map(String::from)),
            Tk::Open(d) | Tk::Close(d) => {
                let (open, close) = delimiters(d);
                let s = if matches!(t, Tk::Open(_)) {
                    open
                } else {
                    close
                };
                if !s.is_empty() {
                    out.push(s.into());
                }
            }
        }
    }
    without_trailing_commas(out)
}

fn without_trailing_commas(out: Vec<String>) -> Vec<String> {
    let closes = |t: Option<&String>| matches!(t.map(String::as_str), Some(")" | "]" | "}" | ">"));
    let keep: Vec<bool> = (0..out.len())
        .map(|k| !(out[k] == "," && closes(out.get(k + 1))))
        .collect();
    out.into_iter()
        .zip(keep)
        .filter_map(|(t, k)| k.then_some(t))
        .collect()
}

fn push(tokens: TokenStream, out: &mut Vec<String>) {
    for t in tokens {
        match t {
            TokenTree::Group(g) => {
                let (open, close) = delimiters(g.delimiter());
                // An invisible group prints as its tokens alone.
                if !open.is_empty() {
                    out.push(open.into());
                }
                push(g.stream(), out);
                if !close.is_empty() {
                    out.push(close.into());
                }
            }
            TokenTree::Punct(p) => out.push(p.as_char().to_string()),
            // `///x` reads back as a plain string literal, however the doc was written.
            TokenTree::Literal(l) => out.push(literal(&l.to_string())),
            other => out.push(other.to_string()),
        }
    }
}

fn delimiters(d: Delimiter) -> (&'static str, &'static str) {
    match d {
        Delimiter::Parenthesis => ("(", ")"),
        Delimiter::Bracket => ("[", "]"),
        Delimiter::Brace => ("{", "}"),
        Delimiter::None => ("", ""),
    }
}

/// A literal's text; a string literal as its value, however it was written.
fn literal(text: &str) -> String {
    match super::build::unescape(text) {
        Some(value) => format!("{value:?}"),
        None => text.to_owned(),
    }
}
