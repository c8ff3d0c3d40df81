use proc_macro2::TokenStream;
use quote::quote;

fn format(tokens: TokenStream) -> String {
    let mut out = String::new();
    let toks = super::lex::from_proc_macro2(tokens);
    super::Formatter::default().items(&toks, &mut out);
    out
}

/// Formats `tokens`, then checks that the text parses as Rust, means the same tokens, and is
/// `want`.
fn check(tokens: TokenStream, want: &str) {
    let before = super::same_tokens::flat(tokens.clone());
    let got = format(tokens);
    let reparsed: TokenStream = got.parse().expect("formatted text lexes");
    syn::parse2::<syn::File>(reparsed.clone()).expect("formatted text parses");
    assert_eq!(
        super::same_tokens::flat(reparsed),
        before,
        "tokens changed:\n{got}"
    );
    assert_eq!(got, want, "\n--- got ---\n{got}\n--- want ---\n{want}");
}

#[test]
fn a_struct_with_docs_and_fields() {
    check(
        quote! {
            #[doc = " A project."]
            #[non_exhaustive]
            #[derive(Debug, Clone)]
            pub struct Project {
                #[doc = " Its id."]
                pub id: Option<i64>,
                pub(crate) names: std::collections::BTreeMap<String, Vec<i64>>,
            }
        },
        "/// A project.
#[non_exhaustive]
#[derive(Debug, Clone)]
pub struct Project {
    /// Its id.
    pub id: Option<i64>,
    pub(crate) names: std::collections::BTreeMap<String, Vec<i64>>,
}
",
    );
}

#[test]
fn a_long_signature_breaks_its_generics_and_a_short_one_stays() {
    check(
        quote! {
            impl ListProjects {
                pub fn send(self) -> impl std::future::Future<Output = Result<Vec<models::ProjectWithAVeryLongName>, crate::Error>> {
                    self.build().send_json()
                }
                fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                    crate::lenient::deserialize(d)
                }
            }
        },
        "impl ListProjects {
    pub fn send(self) -> impl std::future::Future<
        Output = Result<Vec<models::ProjectWithAVeryLongName>, crate::Error>
    > {
        self.build().send_json()
    }
    fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::lenient::deserialize(d)
    }
}
",
    );
}

#[test]
fn calls_break_one_argument_per_line_and_a_last_block_stays_on_the_call_line() {
    check(
        quote! {
            fn build(self) -> crate::Request {
                let mut request = self.client.request(reqwest::Method::GET, "/rest/v1.0/projects/{project_id}/budget", ["/rest/v1.0/projects/", &crate::path_segment(&self.project_id), "/budget"].concat());
                request.query("with_domain_users", &self.with_domain_users, crate::QueryStyle::Repeat);
                Ok(Self { id: o.take("id"), extra: o.finish() })
            }
        },
        r#"fn build(self) -> crate::Request {
    let mut request = self.client.request(
        reqwest::Method::GET,
        "/rest/v1.0/projects/{project_id}/budget",
        ["/rest/v1.0/projects/", &crate::path_segment(&self.project_id), "/budget"].concat(),
    );
    request.query("with_domain_users", &self.with_domain_users, crate::QueryStyle::Repeat);
    Ok(Self {
        id: o.take("id"),
        extra: o.finish(),
    })
}
"#,
    );
}

#[test]
fn match_arms_closures_and_statements() {
    check(
        quote! {
            fn f(s: String, v: Option<i64>) -> Self {
                let n = v.map(|x| x + 1).unwrap_or_default();
                if n > 2 && !s.is_empty() { return Self::Big; } else if let Some(x) = v { drop(x); } else { }
                for i in 0..n { println!("{}", i); }
                let t = (n,);
                let u = Self { a: 1, ..Default::default() };
                s.serialize_str(match self { Self::A | Self::B => "a", Self::C => { "c" } _ => "d", })
            }
        },
        r#"fn f(s: String, v: Option<i64>) -> Self {
    let n = v.map(|x| x + 1).unwrap_or_default();
    if n > 2 && !s.is_empty() {
        return Self::Big;
    } else if let Some(x) = v {
        drop(x);
    } else {}
    for i in 0..n {
        println!("{}", i);
    }
    let t = (n,);
    let u = Self {
        a: 1,
        ..Default::default()
    };
    s.serialize_str(match self {
        Self::A | Self::B => "a",
        Self::C => {
            "c"
        }
        _ => "d",
    })
}
"#,
    );
}

#[test]
fn items_of_every_kind() {
    check(
        quote! {
            use super::{a, b as c};
            pub use self::x::*;
            #[cfg(any(feature = "construction-financials", feature = "core", feature = "project-management", feature = "x"))]
            pub mod models;
            const SHAPES: &[crate::lenient::Shape] = &[crate::lenient::Shape::Object];
            pub struct Id(pub i64);
            pub enum Kind { A, #[doc = " The other."] Other(serde_json::Value), }
            impl<'de> serde::Deserialize<'de> for Kind {}
            pub struct Empty {}
            pub struct Long { pub(crate) specification_configuration: models::SpecificationConfigurationSpecificationConfigurationV2_1 }
            fn g() -> Empty { Empty {} }
            fn h() -> One { One { a } }
            pub const fn k() -> u8 { 1 }
            fn q<T: ?Sized>(union: &T) -> (u8) { let a = (union); if let S { a } = x { a } else { b } }
            fn shapes() -> &'static [crate::lenient::Shape] { &[crate::lenient::Shape::Other(<std::collections::BTreeMap<String, Vec<ProjectItemWithAVeryLongNameIndeed>> as crate::lenient::FromJson>::accepts)] }
            fn r#type(r#in: &'static str, b: &mut [u8; 4]) -> <Vec<u8> as IntoIterator>::Item { Vec::<u8>::new() }
        },
        r#"use super::{a, b as c};
pub use self::x::*;
#[cfg(
    any(
        feature = "construction-financials",
        feature = "core",
        feature = "project-management",
        feature = "x"
    )
)]
pub mod models;
const SHAPES: &[crate::lenient::Shape] = &[crate::lenient::Shape::Object];
pub struct Id(pub i64);
pub enum Kind {
    A,
    /// The other.
    Other(serde_json::Value),
}
impl<'de> serde::Deserialize<'de> for Kind {}
pub struct Empty {}
pub struct Long {
    pub(crate) specification_configuration: models::SpecificationConfigurationSpecificationConfigurationV2_1,
}
fn g() -> Empty {
    Empty {}
}
fn h() -> One {
    One { a }
}
pub const fn k() -> u8 {
    1
}
fn q<T: ?Sized>(union: &T) -> (u8) {
    let a = (union);
    if let S { a } = x {
        a
    } else {
        b
    }
}
fn shapes() -> &'static [crate::lenient::Shape] {
    &[
        crate::lenient::Shape::Other(
            <
                std::collections::BTreeMap<
                    String,
                    Vec<ProjectItemWithAVeryLongNameIndeed>
                > as crate::lenient::FromJson
            >::accepts,
        )
    ]
}
fn r#type(r#in: &'static str, b: &mut [u8; 4]) -> <Vec<u8> as IntoIterator>::Item {
    Vec::<u8>::new()
}
"#,
    );
}

#[test]
fn doc_text_that_a_line_comment_cannot_hold_stays_an_attribute() {
    check(
        quote! {
            #[doc = "two\nlines"]
            #[doc = " quotes \" and \\ and \u{200b}"]
            pub struct A;
        },
        "#[doc = \"two\\nlines\"]\n/// quotes \" and \\ and \u{200b}\npub struct A;\n",
    );
}

/// The hand-written runtime uses far more of Rust than the emitter does (comparisons, `where`,
/// `let else`, closures, inner attributes): formatting it must keep every token and parse.
#[test]
fn the_runtime_sources_keep_their_tokens() {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated-client/src/runtime");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("runtime dir")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    assert!(files.len() > 10);
    for path in files {
        let src = std::fs::read_to_string(&path).expect("readable");
        let tokens: TokenStream = src.parse().expect("runtime lexes");
        let before = super::same_tokens::flat(tokens.clone());
        let got = format(tokens);
        let reparsed: TokenStream = got
            .parse()
            .unwrap_or_else(|e| panic!("{}: {e}\n{got}", path.display()));
        if let Err(e) = syn::parse2::<syn::File>(reparsed.clone()) {
            panic!(
                "{} does not parse once formatted: {e}\n{got}",
                path.display()
            );
        }
        let after = super::same_tokens::flat(reparsed);
        if let Some(k) = (0..before.len()).find(|&k| before.get(k) != after.get(k)) {
            panic!(
                "{}: tokens differ at {k}: {:?} vs {:?}",
                path.display(),
                &before[k.saturating_sub(10)..(k + 10).min(before.len())],
                &after[k.saturating_sub(10)..(k + 10).min(after.len())]
            );
        }
        assert_eq!(before.len(), after.len(), "{}", path.display());
    }
}

/// Whatever the tokens (the emitter's are well formed, but names and literals come from the
/// spec), formatting returns text and never panics or loops.
#[test]
fn arbitrary_token_sequences_never_panic() {
    use proc_macro2::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenTree};
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    fn stream(next: &mut dyn FnMut(u64) -> u64, depth: u32) -> TokenStream {
        let words = [
            "fn", "if", "match", "else", "pub", "struct", "impl", "x", "Self", "for",
        ];
        let puncts = "<>,;:|&=-#!'.?*+@";
        let len = next(12);
        (0..len)
            .map(|_| match next(if depth < 3 { 5 } else { 4 }) {
                0 | 1 => TokenTree::Ident(Ident::new(words[next(10) as usize], Span::call_site())),
                2 => {
                    let c = puncts
                        .chars()
                        .nth(next(puncts.len() as u64) as usize)
                        .unwrap_or('.');
                    let spacing = if next(2) == 0 {
                        Spacing::Alone
                    } else {
                        Spacing::Joint
                    };
                    TokenTree::Punct(Punct::new(c, spacing))
                }
                3 => TokenTree::Literal(Literal::string("s")),
                _ => {
                    let delim = [Delimiter::Brace, Delimiter::Parenthesis, Delimiter::Bracket]
                        [next(3) as usize];
                    TokenTree::Group(Group::new(delim, stream(next, depth + 1)))
                }
            })
            .collect()
    }
    for _ in 0..2_000 {
        let tokens = stream(&mut next, 0);
        let _ = format(tokens);
    }
}

/// Verification switched on between an item's push and the chunk's flush checks nothing half
/// recorded (tests switch it while others format in parallel).
#[test]
fn verification_switched_on_mid_chunk_waits_for_the_next_chunk() {
    let mut f = super::Formatter::default();
    let item = super::lex::from_proc_macro2(quote!(
        fn a() {}
    ));
    f.push(&item);
    super::verify_formatting(true);
    let mut out = String::new();
    f.flush(&mut out);
    f.push(&item);
    f.flush(&mut out);
    super::verify_formatting(false);
    assert_eq!(out, "fn a() {}\nfn a() {}\n");
}
