//! Token streams to [`Tok`] trees: `<` and `>` told apart as generic brackets or comparisons
//! (`>>` split where it closes two), and every token's text written once into the shared text
//! buffer that the layout then points into. Operators arrive whole from `rs!`; streams parsed
//! by `proc_macro2` (tests) are joined the same way by [`from_proc_macro2`].

use crate::emit::toks::{Tk, Toks};
use proc_macro2::Delimiter;

/// A span of the text buffer.
#[derive(Clone, Copy, Debug)]
pub(super) struct Span {
    pub at: u32,
    pub len: u32,
}

impl Span {
    pub fn of(self, text: &str) -> &str {
        &text[self.at as usize..(self.at + self.len) as usize]
    }
}

/// One token, or a delimited group.
#[derive(Debug)]
pub(super) enum Tok {
    /// An identifier that is not a keyword (`r#type` included), or `self`, `Self`, `crate`,
    /// `super`: they read like names.
    Word(Span),
    /// A keyword that decides layout or spacing (`fn`, `if`, `match`, `mut`, ...).
    Keyword(Span),
    /// A literal, or a lifetime (`'de`).
    Lit(Span),
    /// Punctuation, joined into one operator where the source had it joint (`::`, `->`).
    Op(Span),
    /// `<` opening generic arguments or parameters.
    GenericOpen(Span),
    /// The `>` that closes one.
    GenericClose(Span),
    Group(Delimiter, Vec<Tok>),
}

impl Tok {
    /// The operator's text, if this is one.
    pub fn op<'t>(&self, text: &'t str) -> Option<&'t str> {
        match self {
            Tok::Op(s) => Some(s.of(text)),
            _ => None,
        }
    }

    pub fn is_op(&self, text: &str, op: &str) -> bool {
        self.op(text) == Some(op)
    }

    pub fn is_keyword(&self, text: &str, kw: &str) -> bool {
        matches!(self, Tok::Keyword(s) if s.of(text) == kw)
    }

    pub fn is_brace(&self) -> bool {
        matches!(self, Tok::Group(Delimiter::Brace, _))
    }
}

/// Keywords decide layout (`fn`, `match`, `if`) and spacing (a name is never followed by a
/// `(` with a space, a keyword often is). `self`, `Self`, `crate` and `super` read like names;
/// contextual keywords (`union`) are names unless they start an item.
fn is_keyword(word: &str) -> bool {
    crate::emit::is_rust_keyword(word)
}

/// Lexes `toks` onto the end of `out`, appending their text to `text`.
pub(super) fn lex(toks: &Toks, text: &mut String, out: &mut Vec<Tok>) {
    let mut lexer = Lexer {
        text,
        generic_depth: Vec::new(),
    };
    lexer.stream(&mut toks.iter(), out);
}

struct Lexer<'a> {
    text: &'a mut String,
    /// Per group level, how many generic brackets are open.
    generic_depth: Vec<u32>,
}

impl Lexer<'_> {
    /// Tokens up to the end of the current group (or of the stream).
    fn stream<'s>(&mut self, src: &mut impl Iterator<Item = (Tk, &'s str)>, out: &mut Vec<Tok>) {
        self.generic_depth.push(0);
        while let Some((t, word)) = src.next() {
            match t {
                Tk::Ident => {
                    let span = self.write_str(word);
                    out.push(if is_keyword(word) {
                        Tok::Keyword(span)
                    } else {
                        Tok::Word(span)
                    });
                }
                Tk::Lit => {
                    let span = self.write_str(word);
                    out.push(Tok::Lit(span));
                }
                Tk::Open(delim) => {
                    let mut children = Vec::new();
                    self.stream(src, &mut children);
                    if delim == Delimiter::None {
                        out.extend(children);
                    } else {
                        out.push(Tok::Group(delim, children));
                    }
                }
                Tk::Close(_) => break,
                Tk::Punct(op) => self.punct(op, out),
            }
        }
        self.generic_depth.pop();
    }

    /// An operator (whole: `rs!` and [`Toks`] keep them joined).
    fn punct(&mut self, op: &str, out: &mut Vec<Tok>) {
        match op {
            "<" if self.opens_generic(out) => self.open_generic(out),
            ">" | ">>" if self.depth() > 0 => {
                for _ in 0..op.len() {
                    if self.depth() > 0 {
                        *self.generic_depth.last_mut().expect("pushed per stream") -= 1;
                        let span = self.write_str(">");
                        out.push(Tok::GenericClose(span));
                    } else {
                        let span = self.write_str(">");
                        out.push(Tok::Op(span));
                    }
                }
            }
            _ => {
                let span = self.write_str(op);
                out.push(Tok::Op(span));
            }
        }
    }

    fn depth(&self) -> u32 {
        self.generic_depth.last().copied().unwrap_or(0)
    }

    fn open_generic(&mut self, out: &mut Vec<Tok>) {
        *self.generic_depth.last_mut().expect("pushed per stream") += 1;
        let span = self.write_str("<");
        out.push(Tok::GenericOpen(span));
    }

    /// Whether a `<` after `out` opens generics. Generated code compares nothing, so anything
    /// that can start a path or follows a type name does; after a lower-case name, a literal or
    /// a closing bracket it is a comparison.
    fn opens_generic(&self, out: &[Tok]) -> bool {
        match out.last() {
            None | Some(Tok::GenericOpen(_)) => true,
            // `impl<T>`, `for<'a>`, `as <T as Trait>::X`: keywords are never compared.
            Some(Tok::Keyword(_)) => true,
            Some(Tok::Word(s)) => {
                let w = s.of(self.text);
                let after_fn = out.len() >= 2 && out[out.len() - 2].is_keyword(self.text, "fn");
                after_fn || w.starts_with(|c: char| c.is_uppercase()) || is_primitive(w)
            }
            Some(Tok::Op(s)) => !matches!(s.of(self.text), "?"),
            Some(Tok::GenericClose(_)) | Some(Tok::Lit(_)) | Some(Tok::Group(..)) => false,
        }
    }

    /// Appends fixed text (no formatting machinery on the per-token path).
    fn write_str(&mut self, t: &str) -> Span {
        let at = self.text.len();
        self.text.push_str(t);
        Span {
            at: at as u32,
            len: t.len() as u32,
        }
    }
}

fn is_primitive(w: &str) -> bool {
    matches!(
        w,
        "i8" | "i16"
            | "i32"
            | "i64"
            | "i128"
            | "isize"
            | "u8"
            | "u16"
            | "u32"
            | "u64"
            | "u128"
            | "usize"
            | "f32"
            | "f64"
            | "bool"
            | "char"
            | "str"
    )
}

/// A `proc_macro2` stream as [`Toks`], punctuation joined into operators where the source had
/// it joint (`::`, `->`) as `rs!` has it: for tests that format parsed Rust (the runtime's
/// sources) or random token trees.
#[cfg(test)]
pub(super) fn from_proc_macro2(tokens: proc_macro2::TokenStream) -> Toks {
    let mut out = Toks::new();
    push_proc_macro2(tokens, &mut out);
    out
}

#[cfg(test)]
fn push_proc_macro2(tokens: proc_macro2::TokenStream, out: &mut Toks) {
    use proc_macro2::{Spacing, TokenTree};
    let mut iter = tokens.into_iter().peekable();
    while let Some(tree) = iter.next() {
        match tree {
            TokenTree::Ident(i) => out.owned_ident(&i.to_string()),
            TokenTree::Literal(l) => out.owned_lit(|t| t.push_str(&l.to_string())),
            TokenTree::Group(g) => {
                out.open(g.delimiter());
                push_proc_macro2(g.stream(), out);
                out.close(g.delimiter());
            }
            TokenTree::Punct(p) => {
                // A lifetime: the quote and the name are one token.
                if p.as_char() == '\'' {
                    if let Some(TokenTree::Ident(name)) = iter.peek() {
                        let lifetime = format!("'{name}");
                        iter.next();
                        out.owned_lit(|t| t.push_str(&lifetime));
                        continue;
                    }
                }
                let mut op = p.as_char().to_string();
                let mut joint = p.spacing() == Spacing::Joint;
                while joint && op.len() < 3 {
                    let Some(TokenTree::Punct(next)) = iter.peek() else {
                        break;
                    };
                    let candidate = format!("{op}{}", next.as_char());
                    if !OPERATORS.iter().any(|o| o.starts_with(&candidate)) {
                        break;
                    }
                    joint = next.spacing() == Spacing::Joint;
                    op = candidate;
                    iter.next();
                }
                // Test-only: a few leaked bytes per operator.
                out.punct(Box::leak(Box::new(&*Box::leak(op.into_boxed_str()))));
            }
        }
    }
}

#[cfg(test)]
/// Operators of more than one character, longest first within each prefix.
const OPERATORS: &[&str] = &[
    "<<=", ">>=", "...", "..=", "::", "->", "=>", "==", "!=", "<=", ">=", "&&", "||", "+=", "-=",
    "*=", "/=", "%=", "^=", "&=", "|=", "<<", ">>", "..",
];
