//! [`Tok`] trees to layout [`Cmd`]s, with the few Rust rules the generated code needs: items and
//! statements one per line, blocks and struct bodies broken, argument and generic lists on one
//! line when they fit and one element per line when not, `match` arms, doc attributes as `///`.

use super::lex::{Span, Tok};
use super::render::Cmd;
use proc_macro2::Delimiter;

pub(super) struct Builder<'t> {
    pub text: &'t mut String,
    pub cmds: Vec<Cmd>,
    /// Inside an attribute, where a broken list gets no trailing comma (`cfg(any(a, b))`).
    pub in_attr: bool,
}

/// What the previous token was, for spacing.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Prev {
    Start,
    /// A name, literal or lifetime.
    Word,
    Keyword,
    /// `pub`, which takes `(crate)` without a space.
    Pub,
    /// `)`, `]`, `}` or `?`.
    Close,
    GenericClose,
    /// A binary operator: a space follows.
    Op,
    /// `,`, `:` or `;`: a space follows.
    Comma,
    /// A prefix operator (`&`, `*`, `-`, `!`, `#`, `..`): nothing follows.
    Prefix,
    /// `.` or `::`.
    Path,
    /// An opening bracket, or a list separator that wrote its own space.
    Open,
    /// The `!` of a macro call.
    Bang,
}

/// What the next `{` of a sequence opens, when a keyword decided it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pending {
    None,
    Block,
    Arms,
}

impl Builder<'_> {
    /// Items one after another (a file, an `impl` or `mod` body).
    pub fn items(&mut self, toks: &[Tok]) {
        let mut i = 0;
        while i < toks.len() {
            if i > 0 {
                self.push(Cmd::Hard);
            }
            i = self.item(toks, i);
        }
    }

    /// One item from `toks[start..]`; returns where the next begins.
    fn item(&mut self, toks: &[Tok], start: usize) -> usize {
        let i = self.attrs(toks, start);
        let kind = self.item_keyword(&toks[i..]);
        let takes_body = matches!(
            kind,
            Some("struct" | "enum" | "impl" | "trait" | "mod" | "fn")
        );
        // `const X: T = S { .. };` has no body; `-> impl Future<Output = T> {` has one.
        let mut seen_eq = false;
        let mut generics = 0i32;
        for j in i..toks.len() {
            match &toks[j] {
                t if t.is_op(self.text, ";") => {
                    self.seq(&toks[i..=j]);
                    return j + 1;
                }
                Tok::GenericOpen(_) => generics += 1,
                Tok::GenericClose(_) => generics -= 1,
                t if generics <= 0 && t.is_op(self.text, "=") => seen_eq = true,
                Tok::Group(Delimiter::Brace, body) if takes_body && !seen_eq => {
                    self.seq(&toks[i..j]);
                    if j > i {
                        self.push(Cmd::Str(" "));
                    }
                    match kind {
                        Some("struct" | "enum") => self.list_broken(body),
                        Some("fn") => self.block(body),
                        _ => self.item_block(body),
                    }
                    return j + 1;
                }
                _ => {}
            }
        }
        self.seq(&toks[i..]);
        toks.len()
    }

    /// The keyword that says what an item is (`fn`, `struct`, `use`, ...), if any, looked for
    /// before the first group (but `pub(crate)`'s) or `;`; `const fn` is a `fn`.
    fn item_keyword(&self, toks: &[Tok]) -> Option<&'static str> {
        const ITEMS: &[&str] = &[
            "fn", "struct", "enum", "impl", "trait", "mod", "use", "const", "static", "type",
            "extern",
        ];
        let mut found = None;
        for (k, t) in toks.iter().enumerate() {
            let after_pub = k > 0 && toks[k - 1].is_keyword(self.text, "pub");
            match t {
                Tok::Group(..) if after_pub => continue,
                Tok::Group(..) => break,
                t if t.is_op(self.text, ";") => break,
                Tok::Keyword(s) => match ITEMS.iter().copied().find(|k| *k == s.of(self.text)) {
                    Some("fn") => return Some("fn"),
                    Some(k @ ("const" | "extern")) if found.is_none() => found = Some(k),
                    Some(k) if found.is_none() => return Some(k),
                    _ => {}
                },
                _ if found.is_some() => break,
                _ => {}
            }
        }
        found
    }

    /// Attributes from `toks[i..]` (outer `#[..]` and inner `#![..]`), one per line; returns the
    /// index after them.
    fn attrs(&mut self, toks: &[Tok], mut i: usize) -> usize {
        loop {
            if !toks.get(i).is_some_and(|t| t.is_op(self.text, "#")) {
                return i;
            }
            let inner = toks.get(i + 1).is_some_and(|t| t.is_op(self.text, "!"));
            let at = i + 1 + usize::from(inner);
            let Some(Tok::Group(Delimiter::Bracket, body)) = toks.get(at) else {
                return i;
            };
            self.attr(body, inner);
            self.push(Cmd::Hard);
            i = at + 1;
        }
    }

    /// `#[doc = "text"]` as `///text` (`//!` inside); any other attribute as written.
    fn attr(&mut self, body: &[Tok], inner: bool) {
        if let [Tok::Word(name), eq, Tok::Lit(lit)] = body {
            if name.of(self.text) == "doc" && eq.is_op(self.text, "=") {
                // Most docs need no unescaping: their text is printed where it lies.
                if let Some(value) =
                    plain_string(*lit, self.text).filter(|v| comment_safe(v.of(self.text)))
                {
                    self.push(Cmd::Str(if inner { "//!" } else { "///" }));
                    return self.span(value);
                }
                if let Some(doc) = unescape(lit.of(self.text)) {
                    if !doc.contains(['\n', '\r']) && comment_safe(&doc) {
                        let mark = if inner { "//!" } else { "///" };
                        self.owned(&format!("{mark}{doc}"));
                        return;
                    }
                }
            }
        }
        self.push(Cmd::Str(if inner { "#![" } else { "#[" }));
        self.in_attr = true;
        self.seq(body);
        self.in_attr = false;
        self.push(Cmd::Str("]"));
    }

    /// `{ items }`, always broken.
    fn item_block(&mut self, body: &[Tok]) {
        self.braced(body, Self::item);
    }

    /// `{ statements }`, always broken.
    fn block(&mut self, body: &[Tok]) {
        self.braced(body, Self::statement);
    }

    /// `{ pattern => body, ... }`.
    fn arms(&mut self, body: &[Tok]) {
        self.braced(body, Self::arm);
    }

    /// `{`, then each element on a line of its own, indented, then `}`; `one` prints the element
    /// starting at an index and returns where the next starts. `{}` when empty.
    fn braced(&mut self, body: &[Tok], one: fn(&mut Self, &[Tok], usize) -> usize) {
        if body.is_empty() {
            return self.push(Cmd::Str("{}"));
        }
        self.push(Cmd::Str("{"));
        self.push(Cmd::Indent);
        let mut i = 0;
        while i < body.len() {
            self.push(Cmd::Hard);
            i = one(self, body, i);
        }
        self.close_block();
    }

    fn close_block(&mut self) {
        self.push(Cmd::Dedent);
        self.push(Cmd::Hard);
        self.push(Cmd::Str("}"));
    }

    /// One statement from `toks[start..]`; returns where the next begins. A statement ends at
    /// `;`, or after the block of an `if`/`match`/`for`/`while`/`loop` that nothing continues.
    fn statement(&mut self, toks: &[Tok], start: usize) -> usize {
        let i = self.attrs(toks, start);
        if self
            .item_keyword(toks.get(i..i + 2).unwrap_or(&[]))
            .is_some()
            && !toks[i].is_keyword(self.text, "let")
        {
            return self.item(toks, i);
        }
        let block_like = toks.get(i).is_some_and(|t| {
            t.is_brace()
                || ["if", "match", "for", "while", "loop", "unsafe"]
                    .iter()
                    .any(|k| t.is_keyword(self.text, k))
        });
        for j in i..toks.len() {
            let t = &toks[j];
            if t.is_op(self.text, ";") {
                self.seq(&toks[i..=j]);
                return j + 1;
            }
            if block_like && t.is_brace() {
                let next = toks.get(j + 1);
                // `else`, a method call, or the `=` after an `if let S { .. }` pattern.
                let continues = next.is_some_and(|n| {
                    n.is_keyword(self.text, "else")
                        || n.is_op(self.text, ".")
                        || n.is_op(self.text, "?")
                        || n.is_op(self.text, "=")
                });
                if !continues {
                    let end = j + 1 + usize::from(next.is_some_and(|n| n.is_op(self.text, ";")));
                    self.seq(&toks[i..end]);
                    return end;
                }
            }
        }
        self.seq(&toks[i..]);
        toks.len()
    }

    /// One `match` arm from `body[start..]` (`pattern => body,`); returns where the next begins.
    fn arm(&mut self, body: &[Tok], start: usize) -> usize {
        let i = self.attrs(body, start);
        let Some(arrow) = (i..body.len()).find(|&k| body[k].is_op(self.text, "=>")) else {
            self.seq(&body[i..]);
            return body.len();
        };
        self.seq(&body[i..arrow]);
        self.push(Cmd::Str(" => "));
        let start = arrow + 1;
        // A block body ends the arm, as in Rust; its comma is optional.
        if let Some(Tok::Group(Delimiter::Brace, block)) = body.get(start) {
            self.block(block);
            let comma = body.get(start + 1).is_some_and(|t| t.is_op(self.text, ","));
            return start + 1 + usize::from(comma);
        }
        let end = self.next_comma(body, start).unwrap_or(body.len());
        self.seq(&body[start..end]);
        self.push(Cmd::Str(","));
        end + 1
    }

    /// The index of the next `,` at the top level of `toks[from..]`, generics included.
    fn next_comma(&self, toks: &[Tok], from: usize) -> Option<usize> {
        let mut depth = 0i32;
        for (k, t) in toks.iter().enumerate().skip(from) {
            match t {
                Tok::GenericOpen(_) => depth += 1,
                Tok::GenericClose(_) => depth -= 1,
                t if depth <= 0 && t.is_op(self.text, ",") => return Some(k),
                _ => {}
            }
        }
        None
    }

    /// `toks` split at top-level commas; a trailing comma adds no empty element.
    fn split_commas<'a>(&self, toks: &'a [Tok]) -> Vec<&'a [Tok]> {
        let mut out = Vec::new();
        let mut start = 0;
        while start < toks.len() {
            let end = self.next_comma(toks, start).unwrap_or(toks.len());
            out.push(&toks[start..end]);
            start = end + 1;
        }
        out
    }

    /// A bracketed list on one line if it fits, else one element per line. `after_callee`: the
    /// group follows a name or a closing bracket (a call, a macro, an index).
    fn list(&mut self, open: &'static str, close: &'static str, inner: &[Tok], after_callee: bool) {
        let elems = self.split_commas(inner);
        if elems.is_empty() {
            self.push(Cmd::Str(open));
            return self.push(Cmd::Str(close));
        }
        // `(x,)` is a one-element tuple: its comma stays.
        let keep_comma = open == "("
            && elems.len() == 1
            && inner.last().is_some_and(|t| t.is_op(self.text, ","));
        self.push(Cmd::Begin);
        self.push(Cmd::Str(open));
        self.push(Cmd::IndentIfBroken);
        self.push(Cmd::Soft);
        for (k, e) in elems.iter().enumerate() {
            if k > 0 {
                self.push(Cmd::Str(","));
                self.push(Cmd::Line);
            }
            self.seq(e);
        }
        let trailing = self.trailing_comma(open, &elems, inner, after_callee);
        self.push(Cmd::CommaIf(trailing, keep_comma));
        self.push(Cmd::DedentIfBroken);
        self.push(Cmd::Soft);
        self.push(Cmd::Str(close));
        self.push(Cmd::End);
    }

    /// Whether a broken list may end in a comma without changing what it means: never in an
    /// attribute, after `..rest`, in `[x; n]` or an index; a lone element only as an argument
    /// (`(x,)` would make a tuple of a parenthesised expression, `[T,]` is no slice type).
    fn trailing_comma(
        &self,
        open: &str,
        elems: &[&[Tok]],
        inner: &[Tok],
        after_callee: bool,
    ) -> bool {
        let rest = elems
            .last()
            .is_some_and(|e| e.first().is_some_and(|t| t.is_op(self.text, "..")));
        let repeat = inner.iter().any(|t| t.is_op(self.text, ";"));
        if self.in_attr || rest || repeat {
            return false;
        }
        match open {
            "(" => after_callee || elems.len() > 1,
            "[" => !after_callee && elems.len() > 1,
            _ => true,
        }
    }

    /// `{ a, b }` one element per line (struct fields, enum variants, struct literals).
    fn list_broken(&mut self, inner: &[Tok]) {
        let elems = self.split_commas(inner);
        if elems.is_empty() {
            return self.push(Cmd::Str("{}"));
        }
        self.push(Cmd::Str("{"));
        self.push(Cmd::Indent);
        for e in elems {
            self.push(Cmd::Hard);
            let i = self.attrs(e, 0);
            self.seq(&e[i..]);
            // Nothing may follow struct update syntax (`..Default::default()`).
            if !e.get(i).is_some_and(|t| t.is_op(self.text, "..")) {
                self.push(Cmd::Str(","));
            }
        }
        self.close_block();
    }

    /// `S { a }` on one line when it has one field and fits, else one field per line.
    fn struct_literal(&mut self, inner: &[Tok]) {
        if inner.is_empty() {
            return self.push(Cmd::Str("{}"));
        }
        if self
            .next_comma(inner, 0)
            .is_some_and(|k| k + 1 < inner.len())
        {
            return self.list_broken(inner);
        }
        self.push(Cmd::Begin);
        self.push(Cmd::Str("{"));
        self.push(Cmd::IndentIfBroken);
        self.push(Cmd::Line);
        let end = self.next_comma(inner, 0).unwrap_or(inner.len());
        self.seq(&inner[..end]);
        let rest = inner.first().is_some_and(|t| t.is_op(self.text, ".."));
        self.push(Cmd::CommaIf(!rest, false));
        self.push(Cmd::DedentIfBroken);
        self.push(Cmd::Line);
        self.push(Cmd::Str("}"));
        self.push(Cmd::End);
    }

    /// Tokens of one expression, type, pattern or item header, spaced as rustfmt spaces them.
    fn seq(&mut self, toks: &[Tok]) {
        let mut prev = Prev::Start;
        let mut pending = Pending::None;
        let mut generics = 0usize;
        let mut i = 0;
        while i < toks.len() {
            match &toks[i] {
                Tok::Word(s) | Tok::Lit(s) => {
                    self.space_if(spaced_before_word(prev));
                    self.span(*s);
                    // A lifetime is spaced from what follows (`&'static [T]`), like a keyword.
                    let t = s.of(self.text);
                    let lifetime = t.starts_with('\'') && !t.ends_with('\'');
                    prev = if lifetime { Prev::Keyword } else { Prev::Word };
                }
                Tok::Keyword(s) => {
                    self.space_if(spaced_before_word(prev));
                    self.span(*s);
                    let kw = s.of(self.text);
                    prev = if kw == "pub" {
                        Prev::Pub
                    } else {
                        Prev::Keyword
                    };
                    pending = match kw {
                        "if" | "while" | "for" | "loop" | "unsafe" | "else" | "async" => {
                            Pending::Block
                        }
                        "match" => Pending::Arms,
                        _ => pending,
                    };
                }
                Tok::GenericOpen(s) => {
                    self.space_if(matches!(prev, Prev::Op | Prev::Comma));
                    self.push(Cmd::Begin);
                    self.span(*s);
                    self.push(Cmd::IndentIfBroken);
                    self.push(Cmd::Soft);
                    generics += 1;
                    prev = Prev::Open;
                }
                // No trailing comma before it: `<T as Trait,>` would not parse.
                Tok::GenericClose(s) if generics > 0 => {
                    self.push(Cmd::DedentIfBroken);
                    self.push(Cmd::Soft);
                    self.span(*s);
                    self.push(Cmd::End);
                    generics -= 1;
                    prev = Prev::GenericClose;
                }
                Tok::GenericClose(s) => {
                    self.span(*s);
                    prev = Prev::GenericClose;
                }
                Tok::Op(s) => {
                    let rest = &toks[i + 1..];
                    let closure = matches!(s.of(self.text), "|" | "||");
                    let (next_prev, skip) = self.op(*s, prev, generics > 0, rest);
                    // `|x| -> T { .. }`: a closure with a return type has a block body.
                    if closure && rest.get(skip).is_some_and(|t| t.is_op(self.text, "->")) {
                        pending = Pending::Block;
                    }
                    prev = next_prev;
                    i += skip;
                }
                // `if let S { a } = x {`: braces before `=` are a pattern's, not the block.
                Tok::Group(Delimiter::Brace, inner)
                    if toks.get(i + 1).is_some_and(|t| t.is_op(self.text, "=")) =>
                {
                    self.push(Cmd::Str(" "));
                    self.struct_literal(inner);
                    prev = Prev::Close;
                }
                Tok::Group(Delimiter::Brace, inner) => {
                    self.brace(inner, prev, pending);
                    pending = Pending::None;
                    prev = Prev::Close;
                }
                Tok::Group(delim, inner) => {
                    let after_hash = i > 0 && toks[i - 1].is_op(self.text, "#");
                    self.parens(*delim, inner, prev, after_hash);
                    prev = Prev::Close;
                }
            }
            i += 1;
        }
        // Unbalanced generics (a comparison read as one) still close their groups.
        for _ in 0..generics {
            self.push(Cmd::DedentIfBroken);
            self.push(Cmd::End);
        }
    }

    /// A `(..)` or `[..]` group: an argument list, tuple, array or index, broken when it does
    /// not fit; an attribute's `[..]` and `pub(crate)` never break.
    fn parens(&mut self, delim: Delimiter, inner: &[Tok], prev: Prev, after_hash: bool) {
        let (open, close) = match delim {
            Delimiter::Bracket => ("[", "]"),
            _ => ("(", ")"),
        };
        if after_hash || prev == Prev::Pub {
            self.push(Cmd::Str(open));
            self.seq(inner);
            return self.push(Cmd::Str(close));
        }
        self.space_if(matches!(prev, Prev::Keyword | Prev::Op | Prev::Comma));
        let callee = matches!(
            prev,
            Prev::Word | Prev::Close | Prev::GenericClose | Prev::Bang
        );
        self.list(open, close, inner, callee);
    }

    /// A `{` group in an expression: arms, a block, a use tree or a struct literal.
    fn brace(&mut self, inner: &[Tok], prev: Prev, pending: Pending) {
        match (pending, prev) {
            (Pending::Arms, _) => {
                self.space_if(prev != Prev::Start);
                self.arms(inner);
            }
            (Pending::Block, _) => {
                self.space_if(prev != Prev::Start);
                self.block(inner);
            }
            // `use a::{b, c}`.
            (_, Prev::Path) => self.list("{", "}", inner, false),
            (_, Prev::Word | Prev::GenericClose) => {
                self.push(Cmd::Str(" "));
                self.struct_literal(inner);
            }
            _ => {
                self.space_if(!matches!(prev, Prev::Start | Prev::Open | Prev::Prefix));
                self.block(inner);
            }
        }
    }

    /// Writes an operator; returns the new `prev` and how many following tokens it consumed
    /// (a closure's parameters).
    fn op(&mut self, s: Span, prev: Prev, in_generics: bool, rest: &[Tok]) -> (Prev, usize) {
        let op = s.of(self.text);
        let operand = matches!(
            prev,
            Prev::Start
                | Prev::Op
                | Prev::Comma
                | Prev::Open
                | Prev::Keyword
                | Prev::Pub
                | Prev::Prefix
        );
        let spaced = matches!(prev, Prev::Op | Prev::Comma | Prev::Keyword);
        match op {
            "," => {
                self.span(s);
                if in_generics {
                    self.push(Cmd::Line);
                    return (Prev::Open, 0);
                }
                (Prev::Comma, 0)
            }
            ";" | ":" => {
                self.span(s);
                (Prev::Comma, 0)
            }
            "." => {
                self.span(s);
                (Prev::Path, 0)
            }
            "::" => {
                self.space_if(spaced);
                self.span(s);
                (Prev::Path, 0)
            }
            // `T: ?Sized`.
            "?" if matches!(prev, Prev::Comma | Prev::Op | Prev::Open) => {
                self.space_if(prev == Prev::Comma);
                self.span(s);
                (Prev::Prefix, 0)
            }
            "?" => {
                self.span(s);
                (Prev::Close, 0)
            }
            // A glob import.
            "*" if prev == Prev::Path => {
                self.span(s);
                (Prev::Close, 0)
            }
            "!" if prev == Prev::Word => {
                self.span(s);
                (Prev::Bang, 0)
            }
            "|" if operand => {
                // A closure's parameters, up to the next `|`.
                let Some(end) = rest.iter().position(|t| t.is_op(self.text, "|")) else {
                    self.space_if(spaced);
                    self.span(s);
                    return (Prev::Op, 0);
                };
                self.space_if(spaced);
                self.span(s);
                self.seq(&rest[..end]);
                self.push(Cmd::Str("| "));
                (Prev::Open, end + 1)
            }
            "||" if operand => {
                self.space_if(spaced);
                self.span(s);
                self.push(Cmd::Str(" "));
                (Prev::Open, 0)
            }
            "!" | "#" | "&" | "*" | "-" | "&&" | ".." | "..=" if operand || op.starts_with('.') => {
                self.space_if(spaced);
                self.span(s);
                (Prev::Prefix, 0)
            }
            _ => {
                self.space_if(!matches!(prev, Prev::Start | Prev::Open));
                self.span(s);
                self.push(Cmd::Str(" "));
                (Prev::Open, 0)
            }
        }
    }

    fn space_if(&mut self, yes: bool) {
        if yes {
            self.push(Cmd::Str(" "));
        }
    }

    fn push(&mut self, cmd: Cmd) {
        self.cmds.push(cmd);
    }

    fn span(&mut self, s: Span) {
        let t = s.of(self.text);
        let width = if t.is_ascii() {
            s.len
        } else {
            t.chars().count() as u32
        };
        self.push(Cmd::Text {
            at: s.at,
            len: s.len,
            width,
        });
    }

    /// Text made here (a doc comment), appended to the buffer.
    fn owned(&mut self, t: &str) {
        let at = self.text.len() as u32;
        self.text.push_str(t);
        let span = Span {
            at,
            len: t.len() as u32,
        };
        self.span(span);
    }
}

/// Whether a name after `prev` is preceded by a space.
fn spaced_before_word(prev: Prev) -> bool {
    matches!(
        prev,
        Prev::Word
            | Prev::Keyword
            | Prev::Pub
            | Prev::Close
            | Prev::GenericClose
            | Prev::Op
            | Prev::Comma
    )
}

/// Whether doc text can follow `///` and stay the same doc: `////` is a plain comment, and
/// rustc rejects bidirectional-override characters in comments (in the attribute they are
/// escaped).
fn comment_safe(doc: &str) -> bool {
    !doc.starts_with('/')
        && !doc
            .chars()
            .any(|c| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
}

/// The span of a string literal's value when it is the literal's text unchanged: a `"..."` or
/// `r"..."` literal without escapes or line breaks.
fn plain_string(lit: Span, text: &str) -> Option<Span> {
    let t = lit.of(text);
    let skip = if t.starts_with("r\"") {
        2
    } else if t.starts_with('"') {
        1
    } else {
        return None;
    };
    let value = t.get(skip..t.len().checked_sub(1)?)?;
    if !t.ends_with('"') || value.contains(['\\', '\n', '\r', '"']) {
        return None;
    }
    Some(Span {
        at: lit.at + skip as u32,
        len: value.len() as u32,
    })
}

/// The value of a string literal (`"..."` with escapes, or raw), or `None` for anything else.
pub(super) fn unescape(lit: &str) -> Option<String> {
    if let Some(raw) = lit.strip_prefix('r') {
        let hashes = raw.len() - raw.trim_start_matches('#').len();
        let body = raw.get(hashes..raw.len().checked_sub(hashes)?)?;
        return Some(body.strip_prefix('"')?.strip_suffix('"')?.to_string());
    }
    let body = lit.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            '0' => out.push('\0'),
            '\\' => out.push('\\'),
            '"' => out.push('"'),
            '\'' => out.push('\''),
            'x' => {
                let hex: String = chars.by_ref().take(2).collect();
                out.push(char::from(u8::from_str_radix(&hex, 16).ok()?));
            }
            'u' => {
                let rest = chars.as_str();
                let close = rest.find('}')?;
                let code = u32::from_str_radix(rest.get(1..close)?, 16).ok()?;
                out.push(char::from_u32(code)?);
                chars = rest[close + 1..].chars();
            }
            _ => return None,
        }
    }
    Some(out)
}
