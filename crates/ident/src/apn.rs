//! Assessor parcel numbers (APNs): parsing any spelling a user types into one canonical form.

use std::fmt;
use std::str::FromStr;

/// Why a value is not an APN.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApnError {
    /// The value is empty or blank.
    #[error("empty APN")]
    Empty,
    /// The value does not have 8 digits; holds the trimmed value and its digit count.
    #[error("an APN has 8 digits (book 3, map 2, parcel 3) and an optional split letter; {0:?} has {1} digits")]
    DigitCount(String, usize),
    /// The value holds a character that is no digit, letter or separator; holds both.
    #[error(
        "{0:?} contains {1:?}, which is not a digit, a split letter or a separator (- . space)"
    )]
    BadCharacter(String, char),
    /// The split letter is not alone at the end, after the 8 digits; holds the value.
    #[error("{0:?}: the split letter must come last, after the 8 digits")]
    MisplacedLetter(String),
}

/// A canonical APN: book (3 digits), map (2), parcel (3) and an optional split letter A–Z.
///
/// Displayed dashed (`118-22-001A`), sent to the services compact (`11822001A`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Apn {
    /// The book: the first 3 digits (0–999).
    pub book: u16,
    /// The map: the next 2 digits (0–99).
    pub map: u8,
    /// The parcel: the last 3 digits (0–999).
    pub parcel: u16,
    /// The optional split letter, upper case (`A` in `118-22-001A`).
    pub split: Option<char>,
}

impl Apn {
    /// Builds an APN from its parts; `None` when a part is out of range.
    pub fn new(book: u16, map: u8, parcel: u16, split: Option<char>) -> Option<Apn> {
        let split_ok = split.is_none_or(|c| c.is_ascii_uppercase());
        (book <= 999 && map <= 99 && parcel <= 999 && split_ok).then_some(Apn {
            book,
            map,
            parcel,
            split,
        })
    }

    /// The form the services take in URLs and return in search rows: `11822001A`.
    pub fn compact(&self) -> String {
        let mut s = format!("{:03}{:02}{:03}", self.book, self.map, self.parcel);
        if let Some(c) = self.split {
            s.push(c);
        }
        s
    }

    /// The dashed display form: `118-22-001A`.
    pub fn dashed(&self) -> String {
        self.to_string()
    }

    /// Parses any spelling: separators `-`, `.`, space (or none), any letter case.
    pub fn parse(input: &str) -> Result<Apn, ApnError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(ApnError::Empty);
        }
        let mut digits = String::with_capacity(8);
        let mut split = None;
        for ch in trimmed.chars() {
            match ch {
                '0'..='9' if split.is_some() => {
                    return Err(ApnError::MisplacedLetter(trimmed.to_string()))
                }
                '0'..='9' => digits.push(ch),
                '-' | '.' | ' ' | '\t' => {}
                c if c.is_ascii_alphabetic() => {
                    if split.is_some() || digits.len() != 8 {
                        return Err(ApnError::MisplacedLetter(trimmed.to_string()));
                    }
                    split = Some(c.to_ascii_uppercase());
                }
                c => return Err(ApnError::BadCharacter(trimmed.to_string(), c)),
            }
        }
        if digits.len() != 8 {
            return Err(ApnError::DigitCount(trimmed.to_string(), digits.len()));
        }
        // The digits were checked above, so these parses cannot fail.
        let num = |r: std::ops::Range<usize>| digits[r].parse::<u16>().unwrap_or(0);
        Ok(Apn {
            book: num(0..3),
            map: num(3..5) as u8,
            parcel: num(5..8),
            split,
        })
    }
}

impl fmt::Display for Apn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:03}-{:02}-{:03}", self.book, self.map, self.parcel)?;
        if let Some(c) = self.split {
            write!(f, "{c}")?;
        }
        Ok(())
    }
}

impl FromStr for Apn {
    type Err = ApnError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Apn::parse(s)
    }
}

impl serde::Serialize for Apn {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Read back from an earlier output, where it was written as text in any accepted form.
impl<'de> serde::Deserialize<'de> for Apn {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<str>::deserialize(d)?;
        Apn::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_normalises_to_one_form() {
        for s in [
            "123-45-678",
            "12345678",
            "123 45 678",
            "123.45.678",
            " 123-45-678 ",
        ] {
            assert_eq!(Apn::parse(s).unwrap().to_string(), "123-45-678", "{s}");
        }
        for s in ["118-22-001a", "118-22-001A", "11822001a", "118 22 001 A"] {
            let apn = Apn::parse(s).unwrap();
            assert_eq!(apn.to_string(), "118-22-001A", "{s}");
            assert_eq!(apn.compact(), "11822001A");
        }
    }

    #[test]
    fn bad_values_are_rejected_with_a_reason() {
        assert_eq!(Apn::parse(""), Err(ApnError::Empty));
        assert!(matches!(
            Apn::parse("123-45-67"),
            Err(ApnError::DigitCount(_, 7))
        ));
        assert!(matches!(
            Apn::parse("123-45-6789"),
            Err(ApnError::DigitCount(_, 9))
        ));
        assert!(matches!(
            Apn::parse("123/45/678"),
            Err(ApnError::BadCharacter(_, '/'))
        ));
        assert!(matches!(
            Apn::parse("1A2-45-678"),
            Err(ApnError::MisplacedLetter(_))
        ));
        assert!(matches!(
            Apn::parse("123-45-678AB"),
            Err(ApnError::MisplacedLetter(_))
        ));
        let msg = Apn::parse("12-34").unwrap_err().to_string();
        assert!(msg.contains("8 digits"), "{msg}");
    }
}
