//! Token streams to [`Tok`] trees: punctuation joined into operators (`->`, `::`, `=>`), `<` and
//! `>` told apart as generic brackets or comparisons, and every token's text written once into
//! the shared text buffer that the layout then points into.

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
use std::fmt::Write;

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

/// Operators of more than one character, longest first within each prefix.
const OPERATORS: &[&str] = &[
    "<<=", ">>=", "...", "..=", "::", "->", "=>", "==", "!=", "<=", ">=", "&&", "||", "+=", "-=",
    "*=", "/=", "%=", "^=", "&=", "|=", "<<", ">>", "..",
];

/// Keywords decide layout (`fn`, `match`, `if`) and spacing (a name is never followed by a
/// `(` with a space, a keyword often is). `self`, `Self`, `crate` and `super` read like names;
/// contextual keywords (`union`) are names unless they start an item.
fn is_keyword(word: &str) -> bool {
    crate::emit::is_rust_keyword(word)
}

/// Lexes `tokens`, appending their text to `text`.
pub(super) fn lex(tokens: TokenStream, text: &mut String) -> Vec<Tok> {
    let mut lexer = Lexer {
        text,
        generic_depth: Vec::new(),
    };
    let mut out = Vec::new();
    lexer.stream(tokens, &mut out);
    out
}

struct Lexer<'a> {
    text: &'a mut String,
    /// Per group level, how many generic brackets are open.
    generic_depth: Vec<u32>,
}

impl Lexer<'_> {
    fn stream(&mut self, tokens: TokenStream, out: &mut Vec<Tok>) {
        self.generic_depth.push(0);
        let iter = tokens.into_iter();
        out.reserve(iter.size_hint().0);
        let mut iter = iter.peekable();
        while let Some(tree) = iter.next() {
            match tree {
                TokenTree::Ident(i) => {
                    let span = self.write(format_args!("{i}"));
                    let word = span.of(self.text);
                    out.push(if is_keyword(word) {
                        Tok::Keyword(span)
                    } else {
                        Tok::Word(span)
                    });
                }
                TokenTree::Literal(l) => {
                    let span = self.write(format_args!("{l}"));
                    out.push(Tok::Lit(span));
                }
                TokenTree::Group(g) => {
                    let delim = g.delimiter();
                    let inner = g.stream();
                    // Dropping the group first leaves `inner` the only owner of its tokens, so
                    // iterating them moves rather than clones.
                    drop(g);
                    let mut children = Vec::new();
                    self.stream(inner, &mut children);
                    if delim == Delimiter::None {
                        out.extend(children);
                    } else {
                        out.push(Tok::Group(delim, children));
                    }
                }
                TokenTree::Punct(p) => self.punct(p, &mut iter, out),
            }
        }
        self.generic_depth.pop();
    }

    fn punct(
        &mut self,
        first: proc_macro2::Punct,
        iter: &mut std::iter::Peekable<proc_macro2::token_stream::IntoIter>,
        out: &mut Vec<Tok>,
    ) {
        let c = first.as_char();
        // A lifetime: the quote and the name are one token.
        if c == '\'' {
            if let Some(TokenTree::Ident(_)) = iter.peek() {
                let Some(TokenTree::Ident(name)) = iter.next() else {
                    return;
                };
                let span = self.write(format_args!("'{name}"));
                out.push(Tok::Lit(span));
                return;
            }
        }
        // Operators are at most three ASCII characters; joined without allocating.
        let mut buf = [0u8; 4];
        let mut len = c.encode_utf8(&mut buf).len();
        let mut joint = first.spacing() == Spacing::Joint;
        while joint && len < 3 {
            let Some(TokenTree::Punct(next)) = iter.peek() else {
                break;
            };
            let Ok(b) = u8::try_from(next.as_char()) else {
                break;
            };
            buf[len] = b;
            let candidate = std::str::from_utf8(&buf[..=len]).unwrap_or("");
            if !OPERATORS.iter().any(|o| o.starts_with(candidate)) {
                break;
            }
            joint = next.spacing() == Spacing::Joint;
            len += 1;
            iter.next();
        }
        let op = std::str::from_utf8(&buf[..len]).unwrap_or("");
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

    fn write(&mut self, args: std::fmt::Arguments) -> Span {
        let at = self.text.len();
        let _ = self.text.write_fmt(args);
        Span {
            at: at as u32,
            len: (self.text.len() - at) as u32,
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
