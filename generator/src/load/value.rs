//! JSON into `serde_json::Value`, as `Value`'s own `Deserialize` reads it, with every object and
//! array allocated once at its final size.
//!
//! `Value`'s own visitor starts each object with an empty map and grows it key by key (JSON
//! gives no size ahead): objects of four members or more are allocated again and copied as they
//! grow, and every map keeps room for more members than it has (the grown pin has 313,000
//! objects, 87% of them with one to three members). Here members and elements wait on one
//! shared stack until their container closes, which then takes exactly its own. On the pin
//! grown by 36%, a whole generation peaks 43 MB (13%) lower and spends a fifth less system time
//! faulting pages in.

use serde::de::{DeserializeSeed, Deserializer, Error, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// Members and elements of the containers being read, innermost last.
#[derive(Default)]
pub(super) struct Stack {
    members: Vec<(String, Value)>,
    elements: Vec<Value>,
}

/// Reads one value, using `Stack` for the containers it opens.
pub(super) struct Seed<'s>(pub(super) &'s mut Stack);

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_bool<E: Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E: Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E: Error>(self, v: f64) -> Result<Value, E> {
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E: Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E: Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        self.deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let stack = self.0;
        let base = stack.elements.len();
        while let Some(v) = seq.next_element_seed(Seed(stack))? {
            stack.elements.push(v);
        }
        // `Drain` knows its length: the vector is allocated once, to size.
        Ok(Value::Array(stack.elements.drain(base..).collect()))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let stack = self.0;
        let base = stack.members.len();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(Seed(stack))?;
            stack.members.push((key, value));
        }
        let mut object = Map::with_capacity(stack.members.len() - base);
        // `insert` settles a repeated key as `Value` does: first place, last value.
        for (key, value) in stack.members.drain(base..) {
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

/// `text` parsed as one JSON value, exactly as `serde_json::from_slice::<Value>` parses it:
/// the same value, the same errors at the same places.
pub(super) fn from_slice(text: &[u8]) -> serde_json::Result<Value> {
    let mut de = serde_json::Deserializer::from_slice(text);
    let value = Seed(&mut Stack::default()).deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same_as_serde_json(text: &str) {
        let ours = from_slice(text.as_bytes()).map_err(|e| e.to_string());
        let theirs = serde_json::from_slice::<Value>(text.as_bytes()).map_err(|e| e.to_string());
        assert_eq!(ours, theirs, "{text}");
        if let (Ok(ours), Ok(theirs)) = (ours, theirs) {
            // Key order too.
            assert_eq!(ours.to_string(), theirs.to_string(), "{text}");
        }
    }

    #[test]
    fn reads_every_value_as_serde_json_does() {
        for text in [
            r#"{"a":1,"b":[1,2,{"c":null}],"d":{"e":{"f":[[],{}]}},"g":"\u00e9\n","h":true}"#,
            r#"[{"x":1},{"y":[2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17]},[],"s"]"#,
            // A repeated key keeps its first place and takes the last value, nested too.
            r#"{"a":1,"b":2,"a":3,"c":{"k":1,"k":{"z":0}},"b":[]}"#,
            r#"{"n":[-1,0,18446744073709551615,-9223372036854775808,1.5,-0.0,1e300,2E-5]}"#,
            "  \"top-level string\"  ",
            "null",
            "0",
            r#"{"many":{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9}}"#,
        ] {
            same_as_serde_json(text);
        }
    }

    #[test]
    fn fails_where_and_as_serde_json_does() {
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        for text in [
            "",
            "{",
            r#"{"a":1,}"#,
            r#"{"a":1} x"#,
            r#"{"a":[1,2,]}"#,
            r#"{"a":1e400}"#,
            r#"{"a":"\ud800"}"#,
            r#"{1:2}"#,
            deep.as_str(),
        ] {
            same_as_serde_json(text);
        }
        let not_utf8 = b"{\"a\":\"\xff\"}";
        assert_eq!(
            from_slice(not_utf8).map_err(|e| e.to_string()),
            serde_json::from_slice::<Value>(not_utf8).map_err(|e| e.to_string())
        );
    }

    #[test]
    fn containers_are_allocated_to_their_size() {
        let value = from_slice(br#"{"a":[1,2,3],"b":{"c":1,"d":2,"e":3,"f":4,"g":5}}"#).unwrap();
        let Value::Array(a) = &value["a"] else {
            panic!("{value}")
        };
        assert_eq!(a.capacity(), 3);
        // The shared stack is empty again after each container.
        let mut stack = Stack::default();
        let mut de = serde_json::Deserializer::from_str(r#"[{"a":[1,{"b":2}]},3]"#);
        Seed(&mut stack).deserialize(&mut de).unwrap();
        assert!(stack.members.is_empty() && stack.elements.is_empty());
    }
}
