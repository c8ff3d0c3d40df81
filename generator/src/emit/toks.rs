//! The emitter's token streams: [`Toks`], built by the [`rs!`](crate::emit::toks::rs) macro
//! with `quote!`'s syntax (`#name`, `#(#items),*`).
//!
//! Why not `proc_macro2` + `quote`: outside a procedural macro, `proc_macro2` allocates every
//! identifier, reference-counts every group and frees the streams token by token, and the
//! formatter then had to walk the trees back and join punctuation into operators. That was
//! two thirds of the emitter's time. Here a stream is one flat vector: tokens written in the
//! macro are `&'static str`s (`stringify!`, operators already whole), names and literals made
//! at run time live in the stream's own text buffer, and groups are open/close markers.

use proc_macro2::Delimiter;
use std::fmt;

/// A token as stored: 16 bytes. Text written in the emitter's source is a thin pointer to a
/// promoted `&'static str` (`&"fn"`), text made at run time a span of [`Toks::text`] within the
/// token's segment.
#[derive(Clone, Copy, Debug)]
enum Raw {
    Ident(&'static &'static str),
    OwnedIdent { at: u32, len: u32 },
    Lit(&'static &'static str),
    OwnedLit { at: u32, len: u32 },
    Punct(&'static &'static str),
    Open(Delimiter),
    Close(Delimiter),
}

/// What a token is, as [`Toks::iter`] gives it (with its text beside).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tk {
    /// An identifier or keyword (`r#type` included).
    Ident,
    /// A literal, or a lifetime (`'de`).
    Lit,
    /// Punctuation, whole (`::`, `->`, `>>`).
    Punct(&'static str),
    Open(Delimiter),
    Close(Delimiter),
}

/// A token stream.
///
/// Appending one stream to another copies its tokens as they are (one `memcpy`) and its text
/// after this one's: an owned token's `at` counts from the start of its *segment*, the part of
/// the text its stream had when it was appended, so no token needs rewriting. Streams nest
/// several levels deep (a field in a struct in a file chunk), so this is most of the saving.
#[derive(Clone, Default, Debug)]
pub(crate) struct Toks {
    toks: Vec<Raw>,
    text: String,
    /// (first token, text offset) of each segment after the first, which starts at (0, 0).
    segments: Vec<(u32, u32)>,
}

impl Toks {
    pub(crate) fn new() -> Self {
        Toks::default()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.toks.is_empty()
    }

    /// The tokens, each with its text (empty for delimiters).
    pub(crate) fn iter(&self) -> impl Iterator<Item = (Tk, &str)> + '_ {
        let mut next_segment = 0;
        let mut base = 0;
        self.toks.iter().enumerate().map(move |(i, &t)| {
            while let Some(&(first, at)) = self.segments.get(next_segment) {
                if first as usize > i {
                    break;
                }
                base = at as usize;
                next_segment += 1;
            }
            let owned = |at: u32, len: u32| &self.text[base + at as usize..][..len as usize];
            match t {
                Raw::Ident(s) => (Tk::Ident, *s),
                Raw::OwnedIdent { at, len } => (Tk::Ident, owned(at, len)),
                Raw::Lit(s) => (Tk::Lit, *s),
                Raw::OwnedLit { at, len } => (Tk::Lit, owned(at, len)),
                Raw::Punct(p) => (Tk::Punct(p), *p),
                Raw::Open(d) => (Tk::Open(d), ""),
                Raw::Close(d) => (Tk::Close(d), ""),
            }
        })
    }

    /// An identifier written in the emitter (`rs!` passes `&stringify!(..)`).
    pub(crate) fn ident(&mut self, s: &'static &'static str) {
        self.toks.push(Raw::Ident(s));
    }

    /// A literal or lifetime written in the emitter.
    pub(crate) fn lit(&mut self, s: &'static &'static str) {
        self.toks.push(Raw::Lit(s));
    }

    pub(crate) fn punct(&mut self, s: &'static &'static str) {
        self.toks.push(Raw::Punct(s));
    }

    pub(crate) fn open(&mut self, d: Delimiter) {
        self.toks.push(Raw::Open(d));
    }

    pub(crate) fn close(&mut self, d: Delimiter) {
        self.toks.push(Raw::Close(d));
    }

    /// An identifier made at run time (already valid: see [`super::ident`]).
    pub(crate) fn owned_ident(&mut self, s: &str) {
        let (at, len) = self.owned(|text| text.push_str(s));
        self.toks.push(Raw::OwnedIdent { at, len });
    }

    /// A literal made at run time, written by `write` into the text buffer.
    pub(crate) fn owned_lit(&mut self, write: impl FnOnce(&mut String)) {
        let (at, len) = self.owned(write);
        self.toks.push(Raw::OwnedLit { at, len });
    }

    /// Text written by `write`, as a span of the last segment.
    fn owned(&mut self, write: impl FnOnce(&mut String)) -> (u32, u32) {
        let start = self.text.len();
        write(&mut self.text);
        let base = self.segments.last().map_or(0, |&(_, at)| at as usize);
        ((start - base) as u32, (self.text.len() - start) as u32)
    }

    /// Appends `other`'s tokens.
    pub(crate) fn append(&mut self, other: &Toks) {
        if !other.text.is_empty() {
            let (first, shift) = (self.toks.len() as u32, self.text.len() as u32);
            self.segments.push((first, shift));
            self.segments.extend(
                other
                    .segments
                    .iter()
                    .map(|&(tok, at)| (first + tok, shift + at)),
            );
            self.text.push_str(&other.text);
        }
        self.toks.extend_from_slice(&other.toks);
    }

    /// This stream with `gate` (say `#[cfg(..)]`) put before each of its items. Items end at
    /// a top-level `{...}` or `;`, which is all the emitter writes.
    pub(crate) fn gated_items(&self, gate: &Toks) -> Toks {
        let mut out = Toks::new();
        let mut depth = 0usize;
        let mut at_start = true;
        for ((t, text), &raw) in self.iter().zip(&self.toks) {
            if at_start {
                out.append(gate);
            }
            match raw {
                Raw::OwnedIdent { .. } => out.owned_ident(text),
                Raw::OwnedLit { .. } => out.owned_lit(|o| o.push_str(text)),
                raw => out.toks.push(raw),
            }
            match t {
                Tk::Open(_) => depth += 1,
                Tk::Close(_) => depth = depth.saturating_sub(1),
                _ => {}
            }
            at_start = depth == 0 && matches!(t, Tk::Close(Delimiter::Brace) | Tk::Punct(";"));
        }
        out
    }
}

impl Extend<Toks> for Toks {
    fn extend<I: IntoIterator<Item = Toks>>(&mut self, iter: I) {
        for t in iter {
            self.append(&t);
        }
    }
}

impl FromIterator<Toks> for Toks {
    fn from_iter<I: IntoIterator<Item = Toks>>(iter: I) -> Self {
        let mut out = Toks::new();
        out.extend(iter);
        out
    }
}

/// An identifier made at run time; [`super::ident`] makes them valid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Ident(String);

impl Ident {
    /// `s` must already be a valid identifier (raw ones included).
    pub(crate) fn new_unchecked(s: String) -> Self {
        Ident(s)
    }

    #[cfg(test)]
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Ident {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What can be interpolated with `#x`, as `quote::ToTokens`: and with the same tokens for
/// the same values (a string becomes a string literal, an integer a suffixed one, `None`
/// nothing).
pub(crate) trait ToToks {
    fn to_toks(&self, s: &mut Toks);
}

impl ToToks for Toks {
    fn to_toks(&self, s: &mut Toks) {
        s.append(self);
    }
}

impl ToToks for Ident {
    fn to_toks(&self, s: &mut Toks) {
        s.owned_ident(&self.0);
    }
}

impl ToToks for str {
    fn to_toks(&self, s: &mut Toks) {
        s.owned_lit(|out| escape_str(self, out));
    }
}

impl ToToks for String {
    fn to_toks(&self, s: &mut Toks) {
        self.as_str().to_toks(s);
    }
}

impl ToToks for bool {
    fn to_toks(&self, s: &mut Toks) {
        s.ident(if *self { &"true" } else { &"false" });
    }
}

macro_rules! unsigned {
    ($($t:ty),*) => {$(
        impl ToToks for $t {
            fn to_toks(&self, s: &mut Toks) {
                s.owned_lit(|out| {
                    use std::fmt::Write;
                    let _ = write!(out, "{}{}", self, stringify!($t));
                });
            }
        }
    )*};
}
unsigned!(u8, u16, u32, u64, usize);

// A negative number is a `-` and a literal, as `proc_macro2` makes it.
macro_rules! signed {
    ($($t:ty),*) => {$(
        impl ToToks for $t {
            fn to_toks(&self, s: &mut Toks) {
                if *self < 0 {
                    s.punct(&"-");
                }
                s.owned_lit(|out| {
                    use std::fmt::Write;
                    let _ = write!(out, "{}{}", self.unsigned_abs(), stringify!($t));
                });
            }
        }
    )*};
}
signed!(i8, i16, i32, i64, isize);

impl<T: ToToks + ?Sized> ToToks for &T {
    fn to_toks(&self, s: &mut Toks) {
        (**self).to_toks(s);
    }
}

impl<T: ToToks + ?Sized> ToToks for Box<T> {
    fn to_toks(&self, s: &mut Toks) {
        (**self).to_toks(s);
    }
}

impl<T: ToToks> ToToks for Option<T> {
    fn to_toks(&self, s: &mut Toks) {
        if let Some(t) = self {
            t.to_toks(s);
        }
    }
}

/// A string literal's source text, escaped exactly as `proc_macro2::Literal::string` does (so
/// the generated files did not change when the emitter left `proc_macro2`).
pub(crate) fn escape_str(s: &str, out: &mut String) {
    out.reserve(s.len() + 2);
    out.push('"');
    // Nearly every string is plain printable ASCII, which needs no escape.
    if s.bytes()
        .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\')
    {
        out.push_str(s);
        out.push('"');
        return;
    }
    let mut chars = s.chars();
    while let Some(ch) = chars.next() {
        if ch == '\0' {
            // `\0` followed by a digit would read as an octal escape to a human.
            let digit_next = chars
                .as_str()
                .starts_with(|c: char| ('0'..='7').contains(&c));
            out.push_str(if digit_next { r"\x00" } else { r"\0" });
        } else if ch == '\'' {
            out.push(ch);
        } else {
            out.extend(ch.escape_debug());
        }
    }
    out.push('"');
}

/// The repetition machinery of [`rs!`]: every variable inside `#(...)*` is iterated (an
/// iterator as it is, a collection by reference), in step, until the first ends. Unlike
/// `quote`, a variable may not be a single value (that fails to compile), and should appear
/// only once in a repetition (a second use usually fails to compile, but where the items have
/// a `next` of their own it would call it); a repetition without variables fails to compile.
pub(crate) mod rep {
    /// Marks a repetition that has a variable.
    pub(crate) struct HasIter;
    /// Marks one that (so far) has none: it would loop forever.
    pub(crate) struct NoIter;

    /// Iterators are iterated as they are.
    pub(crate) trait RepIterator: Iterator + Sized {
        fn rep_iter(self) -> (Self, HasIter) {
            (self, HasIter)
        }
    }
    impl<T: Iterator> RepIterator for T {}

    /// Collections are iterated by reference.
    pub(crate) trait RepCollection<'q> {
        type Iter: Iterator;
        fn rep_iter(&'q self) -> (Self::Iter, HasIter);
    }
    impl<'q, T: 'q> RepCollection<'q> for Vec<T> {
        type Iter = std::slice::Iter<'q, T>;
        fn rep_iter(&'q self) -> (Self::Iter, HasIter) {
            (self.iter(), HasIter)
        }
    }
    impl<'q, T: 'q> RepCollection<'q> for [T] {
        type Iter = std::slice::Iter<'q, T>;
        fn rep_iter(&'q self) -> (Self::Iter, HasIter) {
            (self.iter(), HasIter)
        }
    }
    impl<'q, T: 'q + Ord> RepCollection<'q> for std::collections::BTreeSet<T> {
        type Iter = std::collections::btree_set::Iter<'q, T>;
        fn rep_iter(&'q self) -> (Self::Iter, HasIter) {
            (self.iter(), HasIter)
        }
    }
}

/// Builds [`Toks`] from Rust tokens, with `quote!`'s interpolation: `#x` appends `x`
/// ([`ToToks`]), `#(...)*` and `#(...),*` repeat for each item of the variables inside.
///
/// The macros munch one token per step, so a block nests about as deep as it is long: the
/// crate raises `recursion_limit` for that (a block of 400 tokens compiles; see the tests).
macro_rules! rs {
    () => {
        $crate::emit::toks::Toks::new()
    };
    ($($tt:tt)+) => {{
        let mut _s = $crate::emit::toks::Toks::new();
        $crate::emit::toks::rs_each!(_s; $($tt)+);
        _s
    }};
}

/// Appends tokens to an existing [`Toks`], as [`rs!`] builds them.
macro_rules! rs_each {
    ($s:ident;) => {};
    ($s:ident; # ( $($inner:tt)* ) * $($rest:tt)*) => {
        $crate::emit::toks::rs_rep!($s; (); $($inner)*);
        $crate::emit::toks::rs_each!($s; $($rest)*);
    };
    ($s:ident; # ( $($inner:tt)* ) $sep:tt * $($rest:tt)*) => {
        $crate::emit::toks::rs_rep!($s; ($sep); $($inner)*);
        $crate::emit::toks::rs_each!($s; $($rest)*);
    };
    ($s:ident; # $var:ident $($rest:tt)*) => {
        $crate::emit::toks::ToToks::to_toks(&$var, &mut $s);
        $crate::emit::toks::rs_each!($s; $($rest)*);
    };
    ($s:ident; ( $($inner:tt)* ) $($rest:tt)*) => {
        $s.open(::proc_macro2::Delimiter::Parenthesis);
        $crate::emit::toks::rs_each!($s; $($inner)*);
        $s.close(::proc_macro2::Delimiter::Parenthesis);
        $crate::emit::toks::rs_each!($s; $($rest)*);
    };
    ($s:ident; [ $($inner:tt)* ] $($rest:tt)*) => {
        $s.open(::proc_macro2::Delimiter::Bracket);
        $crate::emit::toks::rs_each!($s; $($inner)*);
        $s.close(::proc_macro2::Delimiter::Bracket);
        $crate::emit::toks::rs_each!($s; $($rest)*);
    };
    ($s:ident; { $($inner:tt)* } $($rest:tt)*) => {
        $s.open(::proc_macro2::Delimiter::Brace);
        $crate::emit::toks::rs_each!($s; $($inner)*);
        $s.close(::proc_macro2::Delimiter::Brace);
        $crate::emit::toks::rs_each!($s; $($rest)*);
    };
    // A minus is punctuation (`literal` would take `-1` whole, `quote!` never does).
    ($s:ident; - $($rest:tt)*) => {
        $s.punct(&"-");
        $crate::emit::toks::rs_each!($s; $($rest)*);
    };
    // `_` is an identifier to `proc_macro2` and to the formatter.
    ($s:ident; _ $($rest:tt)*) => {
        $s.ident(&"_");
        $crate::emit::toks::rs_each!($s; $($rest)*);
    };
    ($s:ident; $i:ident $($rest:tt)*) => {
        $s.ident(&stringify!($i));
        $crate::emit::toks::rs_each!($s; $($rest)*);
    };
    ($s:ident; $l:lifetime $($rest:tt)*) => {
        $s.lit(&stringify!($l));
        $crate::emit::toks::rs_each!($s; $($rest)*);
    };
    ($s:ident; $l:literal $($rest:tt)*) => {
        $s.lit(&stringify!($l));
        $crate::emit::toks::rs_each!($s; $($rest)*);
    };
    ($s:ident; $p:tt $($rest:tt)*) => {
        $s.punct(&stringify!($p));
        $crate::emit::toks::rs_each!($s; $($rest)*);
    };
}

/// One `#(...)sep*` repetition of [`rs!`].
macro_rules! rs_rep {
    ($s:ident; ($($sep:tt)?); $($inner:tt)*) => {{
        #[allow(unused_imports)]
        use $crate::emit::toks::rep::{RepCollection as _, RepIterator as _};
        // Each variable rebinds it; unread when there is one.
        #[allow(unused_variables)]
        let has_iter = $crate::emit::toks::rep::NoIter;
        $crate::emit::toks::rs_vars!(bind has_iter; $($inner)*);
        let _: $crate::emit::toks::rep::HasIter = has_iter;
        let mut _first = true;
        loop {
            $crate::emit::toks::rs_vars!(next has_iter; $($inner)*);
            $(
                if !_first {
                    $s.punct(&stringify!($sep));
                }
            )?
            _first = false;
            $crate::emit::toks::rs_each!($s; $($inner)*);
        }
    }};
}

/// For each `#var` in a repetition: `bind` turns it into its iterator, `next` into the
/// iteration's value (leaving the loop when an iterator ends).
macro_rules! rs_vars {
    ($mode:ident $h:ident;) => {};
    (bind $h:ident; # $var:ident $($rest:tt)*) => {
        #[allow(unused_mut, unused_variables)]
        let (mut $var, $h) = $var.rep_iter();
        $crate::emit::toks::rs_vars!(bind $h; $($rest)*);
    };
    (next $h:ident; # $var:ident $($rest:tt)*) => {
        let $var = match $var.next() {
            Some(x) => x,
            None => break,
        };
        $crate::emit::toks::rs_vars!(next $h; $($rest)*);
    };
    ($mode:ident $h:ident; ( $($g:tt)* ) $($rest:tt)*) => {
        $crate::emit::toks::rs_vars!($mode $h; $($g)*);
        $crate::emit::toks::rs_vars!($mode $h; $($rest)*);
    };
    ($mode:ident $h:ident; [ $($g:tt)* ] $($rest:tt)*) => {
        $crate::emit::toks::rs_vars!($mode $h; $($g)*);
        $crate::emit::toks::rs_vars!($mode $h; $($rest)*);
    };
    ($mode:ident $h:ident; { $($g:tt)* } $($rest:tt)*) => {
        $crate::emit::toks::rs_vars!($mode $h; $($g)*);
        $crate::emit::toks::rs_vars!($mode $h; $($rest)*);
    };
    ($mode:ident $h:ident; $other:tt $($rest:tt)*) => {
        $crate::emit::toks::rs_vars!($mode $h; $($rest)*);
    };
}

pub(crate) use {rs, rs_each, rs_rep, rs_vars};

#[cfg(test)]
mod tests;
