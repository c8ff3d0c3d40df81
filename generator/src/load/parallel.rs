//! JSON parsing on two cores: the file is cut in two at a member boundary of `paths` (nearly
//! all of Procore's file) near its middle, both halves are parsed side by side, and the second
//! half's members are put after the first's.
//!
//! Only a shortcut: [`parse`] returns `None` whenever the cut is not where it must be, or either
//! half does not parse, and the caller then parses the whole file as before, so every error
//! message (with its line and column) is serde_json's own on the whole file. Each half is parsed
//! at the depth it has in the file, so the nesting limit is met at the same place.

use super::value::{Seed, Stack};
use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::{Map, Value};

/// `text` (a JSON object) as a value with its [`nesting`](super::nesting::nesting), or `None`
/// to leave it to the serial parse.
pub(super) fn parse(text: &[u8]) -> Option<(Value, usize)> {
    let cut = cut(text)?;
    // Each half is copied, scanned and parsed on its own core. The first is closed (the object
    // being cut, `paths`, and the document); the second is opened with a stand-in for the key
    // of the object being cut, so its nesting counts from the document's top.
    let head = || half::<Entries>(&[&text[..cut], b"}}"]);
    let tail = || half::<Tail>(&[b"{\"\":{", &text[cut + 1..]]);
    let (head, tail) = std::thread::scope(|s| {
        let tail = s.spawn(tail);
        (head(), tail.join().ok().flatten())
    });
    let ((head, head_nesting), (tail, tail_nesting)) = (head?, tail?);
    Some((join(head, tail)?, head_nesting.max(tail_nesting)))
}

/// `parts` joined and parsed as a `T`, with their nesting; `None` if they are not UTF-8 or
/// do not parse (the serial parse then words the error). UTF-8 is checked once here, so the
/// parse need not check each string (`from_str` does not).
fn half<T: serde::de::DeserializeOwned>(parts: &[&[u8]]) -> Option<(T, usize)> {
    let mut bytes = Vec::with_capacity(parts.iter().map(|p| p.len()).sum());
    parts.iter().for_each(|p| bytes.extend_from_slice(p));
    let nesting = super::nesting::nesting(&bytes);
    let text = String::from_utf8(bytes).ok()?;
    Some((serde_json::from_str(&text).ok()?, nesting))
}

/// Puts the halves together as serde_json would have read the whole (a repeated key keeps its
/// first place and takes the last value): the second half's first members go into the object
/// that was cut (the value of the first half's last member), the rest into the document.
fn join(head: Entries, tail: Tail) -> Option<Value> {
    let (cut_key, _) = head.0.last()?;
    let cut_key = cut_key.clone();
    let mut doc = Map::new();
    for (k, v) in head.0 {
        doc.insert(k, v);
    }
    let Some(Value::Object(cut)) = doc.get_mut(&cut_key) else {
        return None;
    };
    cut.extend(tail.members);
    for (k, v) in tail.rest {
        doc.insert(k, v);
    }
    Some(Value::Object(doc))
}

/// The members of the first half, in order, repeats kept (to know which was cut).
struct Entries(Vec<(String, Value)>);

impl<'de> serde::Deserialize<'de> for Entries {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(EntriesVisitor)
    }
}

struct EntriesVisitor;

impl<'de> Visitor<'de> for EntriesVisitor {
    type Value = Entries;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries, A::Error> {
        let mut stack = Stack::default();
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            entries.push((key, map.next_value_seed(Seed(&mut stack))?));
        }
        Ok(Entries(entries))
    }
}

/// The second half: the members of the object that was cut, then the document's other
/// members in order (repeats kept, for [`join`] to settle).
struct Tail {
    members: Map<String, Value>,
    rest: Vec<(String, Value)>,
}

impl<'de> serde::Deserialize<'de> for Tail {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(TailVisitor)
    }
}

struct TailVisitor;

impl<'de> Visitor<'de> for TailVisitor {
    type Value = Tail;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("the second half of a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Tail, A::Error> {
        let mut stack = Stack::default();
        if map.next_key::<String>()?.is_none() {
            return Err(serde::de::Error::custom("no members"));
        }
        let Value::Object(members) = map.next_value_seed(Seed(&mut stack))? else {
            return Err(serde::de::Error::custom("the object cut is not an object"));
        };
        let mut rest = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            rest.push((key, map.next_value_seed(Seed(&mut stack))?));
        }
        Ok(Tail { members, rest })
    }
}

/// A comma near the middle of `text` that looks like it separates two members of `paths`: it
/// follows the end of an object (a path item) and is followed by a key starting with `/`,
/// whitespace aside. Whether it really does is settled by parsing the halves; the `}` before it
/// rules out the one cut both halves would accept though the file is invalid (`{ ,"/a": ..`).
fn cut(text: &[u8]) -> Option<usize> {
    let mid = text.len() / 2;
    let mut at = mid;
    while at < text.len() {
        let comma = at + text[at..].iter().position(|&b| b == b',')?;
        let next = comma + 1 + text[comma + 1..].iter().position(|b| !is_ws(*b))?;
        let before = text[..comma].iter().rposition(|b| !is_ws(*b));
        if text[next..].starts_with(b"\"/") && before.is_some_and(|b| text[b] == b'}') {
            return Some(comma);
        }
        at = comma + 1;
        // Give up well before the end: a cut so late would not pay.
        if at > mid + text.len() / 8 {
            return None;
        }
    }
    None
}

/// JSON whitespace (not `is_ascii_whitespace`, which also takes a form feed).
fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A document whose middle falls inside `paths`.
    fn doc(paths: &str, after: &str) -> String {
        format!(r#"{{"openapi":"3.0.3","paths":{{{paths}}}{after}}}"#)
    }

    fn same_as_serial(text: &str) {
        let serial: Value = serde_json::from_str(text).unwrap();
        let (ours, nesting) = parse(text.as_bytes()).expect(text);
        assert_eq!(
            nesting,
            super::super::nesting::nesting(text.as_bytes()),
            "{text}"
        );
        assert_eq!(ours, serial, "{text}");
        // Key order too.
        assert_eq!(ours.to_string(), serial.to_string(), "{text}");
    }

    fn items(n: usize) -> String {
        (0..n)
            .map(|i| format!(r#""/p{i}":{{"get":{{"x":[{i},"\u0041"]}}}}"#))
            .collect::<Vec<_>>()
            .join(",\n  ")
    }

    #[test]
    fn parses_what_the_serial_parse_does() {
        same_as_serial(&doc(&items(40), ""));
        same_as_serial(&doc(&items(40), r#","z":1,"openapi":"3.1.0""#));
        // A repeated key: first place, last value, in either half and across them.
        let repeated = format!(r#""/p3":{{"a":1}},{},"/p3":{{"b":2}}"#, items(40));
        same_as_serial(&doc(&repeated, ""));
        // A second `paths` after the first replaces it, as in the serial parse.
        same_as_serial(&doc(&items(40), r#","paths":{"/q":{}}"#));
        // The object cut is a repeat of an earlier member.
        let text = format!(
            r#"{{"paths":{{"/0":{{}}}},"x":{{}},"paths":{{{}}}}}"#,
            items(40)
        );
        same_as_serial(&text);
    }

    #[test]
    fn leaves_anything_odd_to_the_serial_parse() {
        let strings = format!(r#""/a":{{"x":[{}]}}"#, vec![r#""/s""#; 200].join(","));
        for odd in [
            doc(&strings, ""),
            doc(&items(40), " x"),
            doc(&items(40).replacen("}},", "}} ", 30), ""),
            r#"{"info":{}}"#.to_string(),
        ] {
            assert!(parse(odd.as_bytes()).is_none(), "{odd}");
        }
        // Invalid files the halves would each accept: an empty member before the cut.
        let padding = "x".repeat(200);
        for odd in [
            format!(r#"{{"a":"{padding}","paths":{{ ,"/a":{{}}}}}}"#),
            format!(r#"{{"a":"{padding}","paths":{{"/z":{{}},,"/a":{{}}}}}}"#),
        ] {
            assert!(serde_json::from_str::<Value>(&odd).is_err(), "{odd}");
            assert!(parse(odd.as_bytes()).is_none(), "{odd}");
        }
    }

    #[test]
    fn text_that_is_not_utf8_is_left_to_the_serial_parse() {
        let mut text = doc(&items(40), "").into_bytes();
        // Inside a key of the second half.
        let at = text.windows(3).rposition(|w| w == b"get").unwrap();
        text[at] = 0xff;
        assert!(serde_json::from_slice::<Value>(&text).is_err());
        assert!(parse(&text).is_none());
    }

    #[test]
    fn nesting_limit_is_met_where_the_whole_file_meets_it() {
        for depth in [120, 125, 126, 127, 128, 130] {
            let deep = format!(r#""/d":{}{}"#, "[".repeat(depth), "]".repeat(depth));
            let text = doc(&format!("{},{deep}", items(40)), "");
            let serial = serde_json::from_str::<Value>(&text).is_ok();
            assert_eq!(parse(text.as_bytes()).is_some(), serial, "{depth}");
        }
    }
}
