//! County JSON read without building a `serde_json::Value` tree: an object is a list of its
//! entries, and text is borrowed from the body wherever it needs no unescaping. A parcel
//! answer is read once per row; as a `Value` it cost a hash map and an allocated key and
//! string per field, the larger part of mps's CPU per property record.

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Number;
use std::borrow::Cow;
use std::fmt;

/// One JSON value, its text borrowed from the body where it can be.
#[derive(Debug, Clone, PartialEq)]
pub enum Loose<'a> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number as JSON wrote it.
    Number(Number),
    /// A string.
    Text(Cow<'a, str>),
    /// An array.
    List(Vec<Loose<'a>>),
    /// An object.
    Object(Object<'a>),
}

/// A JSON object: its entries in the body's order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Object<'a>(pub Vec<(Cow<'a, str>, Loose<'a>)>);

impl<'a> Object<'a> {
    /// The value under `key` (the last one, should a key come twice, as a map would keep).
    pub fn get(&self, key: &str) -> Option<&Loose<'a>> {
        self.0.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Whether the object has `key`.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The values, in order.
    pub fn values(&self) -> impl Iterator<Item = &Loose<'a>> {
        self.0.iter().map(|(_, v)| v)
    }
}

impl<'a> Loose<'a> {
    /// The object, when this is one.
    pub fn as_object(&self) -> Option<&Object<'a>> {
        match self {
            Loose::Object(o) => Some(o),
            _ => None,
        }
    }

    /// The items, when this is an array.
    pub fn as_list(&self) -> Option<&[Loose<'a>]> {
        match self {
            Loose::List(items) => Some(items),
            _ => None,
        }
    }

    /// Null, or an empty array: how the county says "nothing here".
    pub fn is_blank(&self) -> bool {
        match self {
            Loose::Null => true,
            Loose::List(items) => items.is_empty(),
            _ => false,
        }
    }

    /// The text, when this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Loose::Text(s) => Some(s),
            _ => None,
        }
    }

    /// A whole non-negative number, when this is one.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Loose::Number(n) => n.as_u64(),
            _ => None,
        }
    }

    /// The boolean, when this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Loose::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// What kind of value this is, for messages ("an array").
    pub fn kind(&self) -> &'static str {
        match self {
            Loose::Null => "null",
            Loose::Bool(_) => "a boolean",
            Loose::Number(_) => "a number",
            Loose::Text(_) => "a string",
            Loose::List(_) => "an array",
            Loose::Object(_) => "an object",
        }
    }
}

/// Written back as the JSON it was read from (for messages that quote a value).
impl Serialize for Loose<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Loose::Null => s.serialize_unit(),
            Loose::Bool(b) => s.serialize_bool(*b),
            Loose::Number(n) => n.serialize(s),
            Loose::Text(t) => s.serialize_str(t),
            Loose::List(items) => s.collect_seq(items),
            Loose::Object(o) => {
                let mut map = s.serialize_map(Some(o.0.len()))?;
                for (k, v) in &o.0 {
                    map.serialize_entry(k.as_ref(), v)?;
                }
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Loose<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(LooseVisitor)
    }
}

struct LooseVisitor;

impl<'de> Visitor<'de> for LooseVisitor {
    type Value = Loose<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E>(self) -> Result<Loose<'de>, E> {
        Ok(Loose::Null)
    }

    fn visit_none<E>(self) -> Result<Loose<'de>, E> {
        Ok(Loose::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Loose<'de>, D::Error> {
        Loose::deserialize(d)
    }

    fn visit_bool<E>(self, b: bool) -> Result<Loose<'de>, E> {
        Ok(Loose::Bool(b))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Loose<'de>, E> {
        Ok(Loose::Number(n.into()))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Loose<'de>, E> {
        Ok(Loose::Number(n.into()))
    }

    fn visit_f64<E>(self, n: f64) -> Result<Loose<'de>, E> {
        // JSON has no NaN or infinity; a reader that made one gets null, as `Value` does.
        Ok(Number::from_f64(n).map_or(Loose::Null, Loose::Number))
    }

    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Loose<'de>, E> {
        Ok(Loose::Text(Cow::Borrowed(s)))
    }

    fn visit_str<E>(self, s: &str) -> Result<Loose<'de>, E> {
        Ok(Loose::Text(Cow::Owned(s.to_string())))
    }

    fn visit_string<E>(self, s: String) -> Result<Loose<'de>, E> {
        Ok(Loose::Text(Cow::Owned(s)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Loose<'de>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Loose::List(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Loose<'de>, A::Error> {
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0));
        while let Some(Key(key)) = map.next_key()? {
            entries.push((key, map.next_value()?));
        }
        Ok(Loose::Object(Object(entries)))
    }
}

/// An object's key, borrowed from the body when it can be.
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(s.to_string())))
            }
            fn visit_string<E>(self, s: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(s)))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// Every JSON value reads the same as `Value` reads it.
    #[test]
    fn reads_what_value_reads() {
        let text = r#"{"a": "x", "b": "esc\"aped", "c": [1, -2, 2.5, null, true], "d": {},
                       "e": [], "a": "last", "n": 18446744073709551615}"#;
        let loose: Loose = serde_json::from_str(text).expect("loose");
        let value: Value = serde_json::from_str(text).expect("value");
        let o = loose.as_object().expect("an object");
        for key in ["a", "b", "n"] {
            let want = &value[key];
            match o.get(key) {
                Some(Loose::Text(s)) => assert_eq!(Some(s.as_ref()), want.as_str(), "{key}"),
                Some(Loose::Number(n)) => assert_eq!(Some(n), want.as_number(), "{key}"),
                other => panic!("{key}: {other:?}"),
            }
        }
        assert_eq!(o.get("a"), Some(&Loose::Text("last".into())));
        let c = o.get("c").and_then(Loose::as_list).expect("a list");
        assert_eq!(c.len(), 5);
        assert_eq!(
            c[2],
            Loose::Number(serde_json::Number::from_f64(2.5).expect("2.5"))
        );
        assert!(c[3].is_blank() && !c[4].is_blank());
        assert!(o.get("e").is_some_and(Loose::is_blank));
        assert_eq!(o.get("d").map(Loose::kind), Some("an object"));
        let again: Value =
            serde_json::from_str(&serde_json::to_string(&loose).expect("written")).expect("JSON");
        assert_eq!(again["c"], value["c"]);
        assert_eq!(again["a"], "last");
        assert!(o.get("missing").is_none());
    }

    #[test]
    fn unescaped_text_is_borrowed_from_the_body() {
        let text = r#"{"k": "plain", "e": "a\nb"}"#;
        let loose: Loose = serde_json::from_str(text).expect("loose");
        let o = loose.as_object().expect("an object");
        assert!(matches!(
            o.get("k"),
            Some(Loose::Text(Cow::Borrowed("plain")))
        ));
        assert!(matches!(o.get("e"), Some(Loose::Text(Cow::Owned(_)))));
    }
}
