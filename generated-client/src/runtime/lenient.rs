//! Lenient reading of response bodies.
//!
//! Procore's answers do not always match its own spec: decimals come as strings (`"1500.0"`
//! where the spec says integer), objects where it says string, UUIDs where it says integer, and
//! most objects carry fields the spec does not list. A response type reads all of that without
//! failing:
//!
//! - A numeric field takes a number or a numeric string; an integer field takes an integral
//!   float (`1500.0`) or string (`"1500"`, `"1500.0"`). Other fields take only their own JSON
//!   type: a string field does not take a number, so that a value that needed converting stays
//!   visible and writes back as it came.
//! - A declared field whose value does not fit its type reads as `None`, and the value is kept,
//!   raw, in the struct's [`Extra`] (`extra.invalid()`).
//! - Fields the spec does not declare are kept in [`Extra`] too (`extra.unknown()`), except in
//!   structs that declare `additionalProperties`, which keep them in `additional_properties`.
//! - An array or map field is taken whole or not at all: when one element does not fit, the
//!   field is `None` and the whole raw array is in `extra.invalid()`. Elements that are structs
//!   always fit (a struct takes any object), so a deviation inside one stays in that element.
//! - An unknown enum value is kept in `Unknown(String)`; a union picks the variant whose shape
//!   fits best and keeps anything else in `Other(Value)`.
//! - Writing a response type back (`Serialize`) writes its invalid and unknown fields too, so
//!   a stored payload keeps everything. Two things are normalised: a `null` field is written
//!   as absent, and a number read from a string is written as a number.
//!
//! The leniency is in the types' `Deserialize` impls, so `serde_json::from_slice::<T>()` on a
//! stored payload or a webhook body reads it the same way as `send()`. Only a top-level body of
//! the wrong kind (a string where the operation answers with an object, say) is an error; a
//! top-level `null` (or an empty body) reads as an object with no fields.
//!
//! Generated code calls this module instead of deriving `Deserialize`: a derive per response
//! type was most of this crate's compile time, while these impls are a few plain lines per
//! type that read a `serde_json::Value` once.

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// What a response object carried besides its well-typed declared fields: fields the spec does
/// not declare, and declared fields whose value did not fit the declared type (the typed field
/// is then `None`). Both keep the raw JSON, and both are written back when the struct is
/// serialised.
///
/// ```
/// # fn demo(extra: &procore::Extra) {
/// if let Some(raw) = extra.invalid().get("rom") {
///     eprintln!("`rom` did not fit its declared type: {raw}");
/// }
/// for (name, value) in extra.unknown() {
///     eprintln!("undeclared field {name} = {value}");
/// }
/// # }
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extra {
    unknown: Map<String, Value>,
    invalid: Map<String, Value>,
}

impl Extra {
    /// Fields the spec does not declare, by wire name.
    pub fn unknown(&self) -> &Map<String, Value> {
        &self.unknown
    }

    /// Declared fields whose value did not fit the declared type, by wire name, as received.
    pub fn invalid(&self) -> &Map<String, Value> {
        &self.invalid
    }

    /// The raw value of the field `name` (wire name) if it is undeclared or did not fit.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.invalid.get(name).or_else(|| self.unknown.get(name))
    }

    /// True when the object had no undeclared field and every declared field fitted.
    pub fn is_empty(&self) -> bool {
        let Extra { unknown, invalid } = self;
        unknown.is_empty() && invalid.is_empty()
    }

    /// The two maps: `(unknown, invalid)`.
    pub fn into_parts(self) -> (Map<String, Value>, Map<String, Value>) {
        (self.unknown, self.invalid)
    }
}

/// Conversion from a JSON value that gives the value back when it does not fit, so the caller
/// can keep it. Generated response types implement it; the defaults suit structs.
pub(crate) trait FromJson: Sized {
    /// What the type is read from, for the one error a top-level body can give.
    const EXPECTED: &'static str = "a JSON object";

    /// Whether [`FromJson::from_json`] takes `v`. Decided without consuming `v`, so that an
    /// array or map can be kept whole, raw, when one of its elements does not fit.
    fn accepts(v: &Value) -> bool {
        v.is_object()
    }

    /// Converts `v`, or gives it back untouched.
    fn from_json(v: Value) -> Result<Self, Value>;
}

/// `Deserialize` for a generated response type: reads one `serde_json::Value`, then converts it.
pub(crate) fn deserialize<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: FromJson,
{
    let v = Value::deserialize(d)?;
    if v.is_null() {
        if let Ok(t) = T::from_json(Value::Object(Map::new())) {
            return Ok(t);
        }
    }
    T::from_json(v).map_err(|v| {
        let expected = format!("{} (`{}`)", T::EXPECTED, std::any::type_name::<T>());
        serde::de::Error::invalid_type(unexpected(&v), &expected.as_str())
    })
}

fn unexpected(v: &Value) -> serde::de::Unexpected<'_> {
    use serde::de::Unexpected as U;
    match v {
        Value::Null => U::Unit,
        Value::Bool(b) => U::Bool(*b),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => U::Signed(i),
            (None, Some(u)) => U::Unsigned(u),
            _ => U::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => U::Str(s),
        Value::Array(_) => U::Seq,
        Value::Object(_) => U::Map,
    }
}

/// Reads the fields of one JSON object: generated `from_json` takes each declared field, then
/// [`ObjectReader::finish`] keeps what is left.
#[derive(Debug)]
pub(crate) struct ObjectReader {
    rest: Map<String, Value>,
    invalid: Map<String, Value>,
}

impl ObjectReader {
    /// Starts reading `v`, or gives it back when it is not an object.
    pub fn new(v: Value) -> Result<Self, Value> {
        match v {
            Value::Object(rest) => Ok(Self {
                rest,
                invalid: Map::new(),
            }),
            other => Err(other),
        }
    }

    /// The declared field `name`: `None` when absent or `null`, and also when its value does
    /// not fit `T`, which is then kept for [`Extra::invalid`].
    pub fn take<T: FromJson>(&mut self, name: &str) -> Option<T> {
        let (key, v) = self.rest.remove_entry(name)?;
        if v.is_null() {
            return None;
        }
        match T::from_json(v) {
            Ok(t) => Some(t),
            Err(raw) => {
                self.invalid.insert(key, raw);
                None
            }
        }
    }

    /// Ends reading: the fields not taken are the unknown ones.
    pub fn finish(self) -> Extra {
        Extra {
            unknown: self.rest,
            invalid: self.invalid,
        }
    }

    // Only for structs that declare `additionalProperties`, which not every spec has.
    #[allow(dead_code)]
    /// Ends reading a struct that declares `additionalProperties`: the fields not taken are
    /// its additional properties, so [`Extra::unknown`] stays empty.
    pub fn finish_additional(self) -> (BTreeMap<String, Value>, Extra) {
        let additional = self.rest.into_iter().collect();
        let extra = Extra {
            unknown: Map::new(),
            invalid: self.invalid,
        };
        (additional, extra)
    }
}

/// Writes a response struct as a JSON object: generated `serialize` puts each declared field,
/// then [`ObjectWriter::end`] writes the unknown ones.
///
/// A failed write is kept and returned by `end` (later writes are skipped), so generated code
/// has no `?` per field: one fewer branch per field in 1,600 impls, a tenth of the crate's
/// check memory (BENCHMARKS.md, issue 11).
pub(crate) struct ObjectWriter<'a, M: SerializeMap> {
    map: M,
    extra: &'a Extra,
    error: Option<M::Error>,
}

impl<'a, M: SerializeMap> ObjectWriter<'a, M> {
    /// Starts an object on `s`; `extra` is the struct's [`Extra`].
    pub fn new<S>(s: S, extra: &'a Extra) -> Result<Self, S::Error>
    where
        S: Serializer<SerializeMap = M>,
    {
        Ok(Self {
            map: s.serialize_map(None)?,
            extra,
            error: None,
        })
    }

    fn entry<T: Serialize + ?Sized>(&mut self, name: &str, v: &T) {
        if self.error.is_none() {
            self.error = self.map.serialize_entry(name, v).err();
        }
    }

    /// Writes the declared field `name`: its value, or when `None` the raw value it had if
    /// that did not fit, or nothing.
    pub fn put<T: Serialize>(&mut self, name: &str, v: &Option<T>) {
        match v {
            Some(v) => self.entry(name, v),
            None => {
                if let Some(raw) = self.extra.invalid.get(name) {
                    self.entry(name, raw);
                }
            }
        }
    }

    // Only for structs that declare `additionalProperties`, which not every spec has.
    #[allow(dead_code)]
    /// Writes every entry of `additional_properties`.
    pub fn put_all(&mut self, map: &BTreeMap<String, Value>) {
        for (k, v) in map {
            self.entry(k, v);
        }
    }

    /// Writes the unknown fields and ends the object; the first failed write, if any.
    pub fn end(mut self) -> Result<M::Ok, M::Error> {
        for (k, v) in &self.extra.unknown {
            self.entry(k, v);
        }
        match self.error {
            Some(e) => Err(e),
            None => self.map.end(),
        }
    }
}

// Which of these a crate calls depends on its spec (unions, enums, `additionalProperties`).
#[allow(dead_code)]
/// The JSON shape of one union variant, for [`pick`].
#[derive(Debug, Clone, Copy)]
pub(crate) enum Shape {
    /// A struct, by its declared field names.
    Object(&'static [&'static str]),
    /// A string enum, by its known values.
    Enum(&'static [&'static str]),
    /// A string.
    String,
    /// An integer.
    Integer,
    /// A number.
    Number,
    /// A boolean.
    Boolean,
    /// Anything else (arrays, maps, any value, nested unions), decided by its `accepts`.
    Other(fn(&Value) -> bool),
}

// Which of these a crate calls depends on its spec (unions, enums, `additionalProperties`).
#[allow(dead_code)]
/// Which variant of a union `v` is, by index into `shapes`; `None` for none (`Other(Value)`).
///
/// An object is the struct whose declared field names match most of its keys (the first on a
/// tie; an empty object is the first struct); when no declared name matches, a map or
/// any-value variant takes it, else none does. A string is the enum that knows it, else a
/// string, else an enum (as its unknown value), else a number it spells. A number is the first
/// integer (when integral) or number variant. Anything else goes to the first variant whose
/// `accepts` takes it.
pub(crate) fn pick(v: &Value, shapes: &[Shape]) -> Option<usize> {
    let first = |f: &dyn Fn(&Shape) -> bool| shapes.iter().position(f);
    let other = || first(&|s| matches!(s, Shape::Other(accepts) if accepts(v)));
    match v {
        Value::Object(map) => {
            let mut best: Option<(usize, usize)> = None;
            for (i, s) in shapes.iter().enumerate() {
                if let Shape::Object(names) = s {
                    let score = names.iter().filter(|n| map.contains_key(**n)).count();
                    if best.map_or(true, |(_, b)| score > b) {
                        best = Some((i, score));
                    }
                }
            }
            match best {
                Some((i, score)) if score > 0 || map.is_empty() => Some(i),
                _ => other(),
            }
        }
        Value::String(s) => {
            first(&|sh| matches!(sh, Shape::Enum(vals) if vals.contains(&s.as_str())))
                .or_else(|| first(&|sh| matches!(sh, Shape::String)))
                .or_else(|| first(&|sh| matches!(sh, Shape::Enum(_))))
                .or_else(|| number_variant(v, shapes))
                .or_else(other)
        }
        Value::Number(_) => number_variant(v, shapes).or_else(other),
        Value::Bool(_) => first(&|s| matches!(s, Shape::Boolean)).or_else(other),
        Value::Array(_) | Value::Null => other(),
    }
}

fn number_variant(v: &Value, shapes: &[Shape]) -> Option<usize> {
    shapes.iter().position(|s| match s {
        Shape::Integer => i64::accepts(v),
        Shape::Number => f64::accepts(v),
        _ => false,
    })
}

// Which of these a crate calls depends on its spec (unions, enums, `additionalProperties`).
#[allow(dead_code)]
/// Builds the variant [`pick`] chose: `ok` of the converted value, or `other` of the raw value
/// when it does not convert after all.
pub(crate) fn variant<T: FromJson, U>(
    v: Value,
    ok: impl FnOnce(T) -> U,
    other: impl FnOnce(Value) -> U,
) -> U {
    match T::from_json(v) {
        Ok(t) => ok(t),
        Err(v) => other(v),
    }
}

// Which of these a crate calls depends on its spec (unions, enums, `additionalProperties`).
#[allow(dead_code)]
/// The string of a string enum, or the value back.
pub(crate) fn string(v: Value) -> Result<String, Value> {
    String::from_json(v)
}

/// An `f64` that is a whole number within `i64`'s range, as `i64`.
fn integral(f: f64) -> Option<i64> {
    // `i64::MAX as f64` is 2^63, which `i64` cannot hold: the upper bound is exclusive.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    (f.fract() == 0.0 && (-LIMIT..LIMIT).contains(&f)).then_some(f as i64)
}

fn integer(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().and_then(integral)),
        Value::String(s) => s
            .parse::<i64>()
            .ok()
            .or_else(|| finite(s).and_then(integral)),
        _ => None,
    }
}

/// A numeric string as `f64`; `"NaN"` and `"inf"`, which Rust parses, are not numbers in JSON.
fn finite(s: &str) -> Option<f64> {
    s.parse::<f64>().ok().filter(|f| f.is_finite())
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => finite(s),
        _ => None,
    }
}

impl FromJson for i64 {
    const EXPECTED: &'static str = "an integer";
    fn accepts(v: &Value) -> bool {
        integer(v).is_some()
    }
    fn from_json(v: Value) -> Result<Self, Value> {
        integer(&v).ok_or(v)
    }
}

impl FromJson for f64 {
    const EXPECTED: &'static str = "a number";
    fn accepts(v: &Value) -> bool {
        number(v).is_some()
    }
    fn from_json(v: Value) -> Result<Self, Value> {
        number(&v).ok_or(v)
    }
}

impl FromJson for bool {
    const EXPECTED: &'static str = "a boolean";
    fn accepts(v: &Value) -> bool {
        v.is_boolean()
    }
    fn from_json(v: Value) -> Result<Self, Value> {
        v.as_bool().ok_or(v)
    }
}

impl FromJson for String {
    const EXPECTED: &'static str = "a string";
    fn accepts(v: &Value) -> bool {
        v.is_string()
    }
    fn from_json(v: Value) -> Result<Self, Value> {
        match v {
            Value::String(s) => Ok(s),
            other => Err(other),
        }
    }
}

impl FromJson for Value {
    const EXPECTED: &'static str = "any JSON value";
    fn accepts(_: &Value) -> bool {
        true
    }
    fn from_json(v: Value) -> Result<Self, Value> {
        Ok(v)
    }
}

impl<T: FromJson> FromJson for Option<T> {
    const EXPECTED: &'static str = T::EXPECTED;
    fn accepts(v: &Value) -> bool {
        v.is_null() || T::accepts(v)
    }
    fn from_json(v: Value) -> Result<Self, Value> {
        match v {
            Value::Null => Ok(None),
            v => T::from_json(v).map(Some),
        }
    }
}

impl<T: FromJson> FromJson for Box<T> {
    const EXPECTED: &'static str = T::EXPECTED;
    fn accepts(v: &Value) -> bool {
        T::accepts(v)
    }
    fn from_json(v: Value) -> Result<Self, Value> {
        T::from_json(v).map(Box::new)
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    const EXPECTED: &'static str = "an array";
    fn accepts(v: &Value) -> bool {
        matches!(v, Value::Array(items) if items.iter().all(T::accepts))
    }
    fn from_json(v: Value) -> Result<Self, Value> {
        if !Self::accepts(&v) {
            return Err(v);
        }
        match v {
            // `accepts` said every element converts; were one not to, it alone would be kept.
            Value::Array(items) => items.into_iter().map(T::from_json).collect(),
            other => Err(other),
        }
    }
}

impl<T: FromJson> FromJson for BTreeMap<String, T> {
    fn accepts(v: &Value) -> bool {
        matches!(v, Value::Object(map) if map.values().all(T::accepts))
    }
    fn from_json(v: Value) -> Result<Self, Value> {
        if !Self::accepts(&v) {
            return Err(v);
        }
        match v {
            Value::Object(map) => map
                .into_iter()
                .map(|(k, v)| T::from_json(v).map(|t| (k, t)))
                .collect(),
            other => Err(other),
        }
    }
}
