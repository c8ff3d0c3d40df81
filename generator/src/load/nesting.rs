//! The deepest nesting of objects and arrays in JSON text, read from the bytes.
//!
//! The `depth-limit` fixup walks the whole document to learn whether anything nests deeper than
//! the stages after it recurse; the loader has the text in hand, and a byte scan of it (run
//! beside the parse, on the same cores) answers that for a fraction of the walk. The text's
//! nesting counts empty containers too, so it is never less than the document's depth.

/// The deepest nesting of `{` and `[` in `text` outside strings (`0` for a scalar). Meant for
/// text that parses as JSON; on any other text the answer is only a count of brackets.
pub(crate) fn nesting(text: &[u8]) -> usize {
    let (mut depth, mut deepest, mut i) = (0usize, 0usize, 0);
    while let Some(&b) = text.get(i) {
        match b {
            b'"' => i = string_end(text, i + 1),
            b'{' | b'[' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    deepest
}

/// The index of the quote closing the string whose contents start at `i` (or the end).
/// Strings are most of the text: `memchr2` jumps to the next quote or backslash.
fn string_end(text: &[u8], mut i: usize) -> usize {
    while let Some(at) = text
        .get(i..)
        .and_then(|rest| memchr::memchr2(b'"', b'\\', rest))
    {
        match text[i + at] {
            b'"' => return i + at,
            _ => i += at + 2,
        }
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::nesting;

    #[test]
    fn counts_brackets_outside_strings() {
        for (text, n) in [
            ("1", 0),
            ("{}", 1),
            ("[[], [[]]]", 3),
            (r#"{"a": {"b": [1, {"c": "}}]]{{"}]}}"#, 4),
            (r#"{"a\"{[": "\\", "b": ["\\\"[[["]}"#, 2),
            (r#"["unterminated"#, 1),
        ] {
            assert_eq!(nesting(text.as_bytes()), n, "{text}");
        }
    }
}
