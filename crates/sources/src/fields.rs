//! Quirk-tolerant readers for county JSON: numbers as padded text, "na", mixed types.
//!
//! The county services send numbers as strings (sometimes space-padded), counts as either an
//! int or a string, `"na"` for absent, and `[]` where an object or string is empty. These
//! readers accept every observed form and turn anything absent into `None`.

use crate::loose::{Loose, Object};
use chrono::NaiveDate;

/// A borrowed JSON object with typed, forgiving getters.
#[derive(Clone, Copy)]
pub struct Fields<'a>(pub &'a Object<'a>);

/// Text that means "no value" at the county.
fn is_absent(s: &str) -> bool {
    s.is_empty() || s.eq_ignore_ascii_case("na") || s.eq_ignore_ascii_case("n/a")
}

impl<'a> Fields<'a> {
    /// Trimmed text; numbers and booleans are written as text; `""`, `"na"`, `[]`, null → None.
    pub fn text(&self, key: &str) -> Option<String> {
        match self.0.get(key)? {
            Loose::Text(s) => {
                let t = s.trim();
                (!is_absent(t)).then(|| t.to_string())
            }
            Loose::Number(n) => Some(n.to_string()),
            Loose::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// A non-negative whole number from an int or a numeric string (`"234419      "`,
    /// `"$1,250"`); None when absent or not a number.
    pub fn uint(&self, key: &str) -> Option<u64> {
        match self.0.get(key)? {
            Loose::Number(n) => n.as_u64().or_else(|| n.as_f64().map(|f| f.round() as u64)),
            Loose::Text(s) => parse_uint(s),
            _ => None,
        }
    }

    /// A decimal from a number or a numeric string.
    pub fn float(&self, key: &str) -> Option<f64> {
        match self.0.get(key)? {
            Loose::Number(n) => n.as_f64(),
            Loose::Text(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
            _ => None,
        }
    }

    /// A boolean from true/false, "Y"/"N", "Yes"/"No", "true"/"false".
    pub fn flag(&self, key: &str) -> Option<bool> {
        match self.0.get(key)? {
            Loose::Bool(b) => Some(*b),
            Loose::Text(s) => match s.trim().to_ascii_uppercase().as_str() {
                "Y" | "YES" | "TRUE" | "1" => Some(true),
                "N" | "NO" | "FALSE" | "0" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    /// A date written `MM/DD/YYYY`.
    pub fn date_mdy(&self, key: &str) -> Option<NaiveDate> {
        self.text(key).and_then(|s| parse_mdy(&s))
    }

    /// A nested object (an empty array, which the county sends for "none", gives None).
    pub fn object(&self, key: &str) -> Option<Fields<'a>> {
        self.0.get(key)?.as_object().map(Fields)
    }

    /// A nested array (missing gives an empty slice).
    pub fn array(&self, key: &str) -> &'a [Loose<'a>] {
        self.0.get(key).and_then(Loose::as_list).unwrap_or(&[])
    }
}

/// Parses a whole number from county text: trims, drops `$` and thousands commas.
pub fn parse_uint(s: &str) -> Option<u64> {
    let cleaned: String = s
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | '$'))
        .collect();
    if is_absent(&cleaned) {
        return None;
    }
    cleaned.parse::<u64>().ok().or_else(|| {
        cleaned
            .parse::<f64>()
            .ok()
            .filter(|f| *f >= 0.0)
            .map(|f| f.round() as u64)
    })
}

/// Parses `MM/DD/YYYY` (month and day may lack their leading zero).
pub fn parse_mdy(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%m/%d/%Y").ok()
}

/// Parses `MM/DD/YYYY` into `YYYY-MM-DD`, or `MM/YYYY` into `YYYY-MM` (no day invented).
pub fn iso_date_or_month(s: &str) -> Option<String> {
    let s = s.trim();
    if let Some(d) = parse_mdy(s) {
        return Some(d.to_string());
    }
    let (m, y) = s.split_once('/')?;
    let (m, y) = (m.trim().parse::<u32>().ok()?, y.trim().parse::<i32>().ok()?);
    ((1..=12).contains(&m) && (1000..=9999).contains(&y)).then(|| format!("{y:04}-{m:02}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quirks_are_read() {
        let text = r#"{"a": "234419      ", "b": "na", "c": 0, "d": "1", "e": [], "f": " x ",
                       "g": false, "h": "382", "i": "0.1000", "j": "N", "k": "$850,000"}"#;
        let v: Loose = serde_json::from_str(text).unwrap();
        let f = Fields(v.as_object().unwrap());
        assert_eq!(f.uint("a"), Some(234419));
        assert_eq!(f.uint("b"), None);
        assert_eq!(f.text("b"), None);
        assert_eq!(f.uint("c"), Some(0));
        assert_eq!(f.uint("d"), Some(1));
        assert_eq!(f.text("e"), None);
        assert!(f.object("e").is_none());
        assert_eq!(f.text("f").as_deref(), Some("x"));
        assert_eq!(f.flag("g"), Some(false));
        assert_eq!(f.uint("h"), Some(382));
        assert_eq!(f.float("i"), Some(0.1));
        assert_eq!(f.flag("j"), Some(false));
        assert_eq!(f.uint("k"), Some(850000));
        assert_eq!(f.uint("missing"), None);
    }

    #[test]
    fn dates() {
        assert_eq!(parse_mdy("02/26/2018").unwrap().to_string(), "2018-02-26");
        assert_eq!(iso_date_or_month("06/2019").as_deref(), Some("2019-06"));
        assert_eq!(
            iso_date_or_month("6/28/2019").as_deref(),
            Some("2019-06-28")
        );
        assert_eq!(iso_date_or_month("13/2019"), None);
        assert_eq!(iso_date_or_month("garbage"), None);
    }
}
