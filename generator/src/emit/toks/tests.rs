use super::{escape_str, Ident, Tk, Toks};
use crate::emit::format::{flat, flat_toks};
use quote::quote;

fn same(ours: Toks, theirs: proc_macro2::TokenStream) {
    assert_eq!(flat_toks(&ours), flat(theirs));
}

/// The same tokens through `rs!` and `quote!`.
macro_rules! both {
    ($($tt:tt)*) => {
        same(rs! { $($tt)* }, quote! { $($tt)* })
    };
}

#[test]
fn plain_tokens_match_quote() {
    both! {
        #[derive(Debug, Clone)]
        pub struct A<'de, T: ?Sized> { pub x: Vec<Vec<u8>>, _y: &'static str }
        impl<T> B for A<'_, T> where T: Clone {
            fn f(&self, _: u8) -> Result<Self, ()> {
                let v = -1i64; let w = 1.5; let z = b'x';
                match self { Self::X { .. } => {} _ => return Err(()) }
                a::<u8>() && !b || c >= d; x..=y; x += 1;
                |a, b| a == b; || async move {}
            }
        }
    };
}

#[test]
fn interpolation_matches_quote() {
    let name = "a \"quoted\" name\n";
    let n = 7usize;
    let some: Option<&str> = Some("s");
    let none: Option<&str> = None;
    let flag = true;
    let ours_id = super::super::ident("type");
    let theirs_id = proc_macro2::Ident::new_raw("type", proc_macro2::Span::call_site());
    let inner = rs!(x: #n);
    let inner_q = quote!(x: #n);
    same(
        rs!(fn #ours_id() { (#name, #some, #none, #flag, #inner) }),
        quote!(fn #theirs_id() { (#name, #some, #none, #flag, #inner_q) }),
    );
}

#[test]
fn numbers_match_quote() {
    let (a, b, c, d) = (-5i64, i64::MIN, 7u32, -1i8);
    same(rs!(f(#a, #b, #c, #d)), quote!(f(#a, #b, #c, #d)));
}

/// A long block (the macros munch a token per step) compiles under the crate's raised
/// recursion limit.
#[test]
fn long_blocks_match_quote() {
    macro_rules! long {
        ($m:ident) => {
            $m! {
                a b c d e f g h i j a b c d e f g h i j a b c d e f g h i j a b c d e f g h i j
                a b c d e f g h i j a b c d e f g h i j a b c d e f g h i j a b c d e f g h i j
                a b c d e f g h i j a b c d e f g h i j a b c d e f g h i j a b c d e f g h i j
                a b c d e f g h i j a b c d e f g h i j a b c d e f g h i j a b c d e f g h i j
                a b c d e f g h i j a b c d e f g h i j a b c d e f g h i j a b c d e f g h i j
                a b c d e f g h i j a b c d e f g h i j a b c d e f g h i j a b c d e f g h i j
                a b c d e f g h i j a b c d e f g h i j a b c d e f g h i j a b c d e f g h i j
                a b c d e f g h i j a b c d e f g h i j a b c d e f g h i j a b c d e f g h i j
                a b c d e f g h i j a b c d e f g h i j a b c d e f g h i j a b c d e f g h i j
                a b c d e f g h i j a b c d e f g h i j a b c d e f g h i j a b c d e f g h i j
            }
        };
    }
    let ours = long!(rs);
    assert_eq!(ours.iter().count(), 400);
    same(ours, long!(quote));
}

/// A gate goes before every item, whatever text its tokens own.
#[test]
fn gated_items_put_the_gate_before_each_item() {
    let name = super::super::ident("Thing");
    let text = "docs";
    let feature = "core";
    let gate = rs!(#[cfg(feature = #feature)]);
    let body = rs! {
        #[doc = #text] pub struct #name { a: Option<Option<u8>> }
        impl #name { fn f() {} }
        type X = #name;
    };
    same(
        body.gated_items(&gate),
        quote! {
            #[cfg(feature = "core")] #[doc = "docs"] pub struct Thing { a: Option<Option<u8>> }
            #[cfg(feature = "core")] impl Thing { fn f() {} }
            #[cfg(feature = "core")] type X = Thing;
        },
    );
}

#[test]
fn repetitions_match_quote() {
    let names = vec!["a", "b", "c"];
    let values = [1u32, 2, 3, 4];
    let empty: Vec<&str> = Vec::new();
    let ids: Vec<Ident> = ["x", "y"].iter().map(|s| super::super::ident(s)).collect();
    let ids_q: Vec<proc_macro2::Ident> = ["x", "y"]
        .iter()
        .map(|s| proc_macro2::Ident::new(s, proc_macro2::Span::call_site()))
        .collect();
    let vi = values.iter();
    let vq = values.iter();
    same(
        rs!(#(#names => #vi),*; #(#empty)*; #(#ids;)* [#(#[doc = #names])*]),
        quote!(#(#names => #vq),*; #(#empty)*; #(#ids_q;)* [#(#[doc = #names])*]),
    );
}

#[test]
fn strings_escape_as_proc_macro2_does() {
    let mut cases: Vec<String> = [
        "",
        "plain",
        "a\"b",
        "back\\slash",
        "tab\there",
        "nl\n",
        "cr\r",
        "'single'",
        "\0",
        "\x001",
        "\x008",
        "\u{7f}",
        "\u{1b}[0m",
        "é",
        "日本",
        "\u{200b}",
        "\u{202e}",
        "🦀",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    for _ in 0..2_000 {
        let mut s = String::new();
        for _ in 0..(seed % 9) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let c = match seed % 4 {
                0 => char::from((seed >> 8) as u8 % 128),
                1 => char::from_u32((seed >> 8) as u32 % 0x3000).unwrap_or('x'),
                2 => ['"', '\\', '\'', '\0', '7'][(seed >> 8) as usize % 5],
                _ => 'a',
            };
            s.push(c);
        }
        cases.push(s);
    }
    for s in cases {
        let mut ours = String::new();
        escape_str(&s, &mut ours);
        assert_eq!(ours, proc_macro2::Literal::string(&s).to_string(), "{s:?}");
    }
}

/// Owned text survives appending at any depth, before and after other tokens.
#[test]
fn appended_streams_keep_their_text() {
    let leaf = |k: usize| {
        let name = super::super::ident(&format!("name{k}"));
        let text = format!("text{k}");
        rs!(#name = #text;)
    };
    let mut middle = Toks::new();
    for k in 0..3 {
        middle.owned_ident(&format!("before{k}"));
        middle.append(&leaf(k));
    }
    let mut top = rs!(start);
    top.append(&Toks::new());
    top.append(&middle);
    top.owned_ident("after");
    top.append(&middle);
    let texts: Vec<&str> = top.iter().map(|(_, t)| t).collect();
    let once = [
        "before0",
        "name0",
        "=",
        "\"text0\"",
        ";",
        "before1",
        "name1",
        "=",
        "\"text1\"",
        ";",
        "before2",
        "name2",
        "=",
        "\"text2\"",
        ";",
    ];
    let mut want = vec!["start"];
    want.extend(once);
    want.push("after");
    want.extend(once);
    assert_eq!(texts, want);

    // A copy token by token (gated, with an empty gate) reads the same.
    let copy = top.gated_items(&Toks::new());
    assert_eq!(copy.iter().map(|(_, t)| t).collect::<Vec<_>>(), want);
    assert!(matches!(copy.iter().next(), Some((Tk::Ident, "start"))));
}

/// Appending copies tokens: they stay two words.
#[test]
fn a_token_is_sixteen_bytes() {
    assert_eq!(std::mem::size_of::<super::Raw>(), 16);
}
