//! Classifying an input value as an APN, an address or an owner name, and the [`Identifier`]
//! that the rest of the pipeline fetches by.

use std::fmt;
use std::str::FromStr;
use strum::VariantArray;

use super::address::{normalize_address, street_type, AddressError};
use super::apn::{Apn, ApnError};
use super::matching::AddressQuery;
use super::owner::{normalize_owner, OwnerError};

/// Longest value classified, in bytes: nothing longer can be an APN, an address or an owner
/// name, and refusing it early keeps huge values out of error messages.
pub const MAX_IDENTIFIER_BYTES: usize = 1024;

/// Longest value quoted whole in an error message, in characters.
const SHOWN_CHARS: usize = 80;

/// What kind of identifier a value is, or `Auto` to decide from the value itself.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    serde::Serialize,
    serde::Deserialize,
    strum::Display,
    strum::IntoStaticStr,
    strum::VariantArray,
    strum::EnumMessage,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum SearchType {
    /// An Assessor parcel number.
    Apn,
    /// A situs (property) address.
    Address,
    /// An owner name.
    Owner,
    /// Decide from the value itself (see [`classify`]).
    #[default]
    Auto,
}

impl SearchType {
    /// The lowercase name (`apn`, `address`, `owner` or `auto`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// A search type name that is not one of `apn`, `address`, `owner`, `auto`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a search type: use apn, address, owner or auto")]
pub struct SearchTypeError(pub String);

/// Case-insensitive, surrounding whitespace ignored.
impl FromStr for SearchType {
    type Err = SearchTypeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim();
        SearchType::VARIANTS
            .iter()
            .copied()
            .find(|t| t.as_str().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| SearchTypeError(s.to_string()))
    }
}

/// A normalised identifier: what one input row asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identifier {
    /// A parcel number.
    Apn(Apn),
    /// A normalised address: the street, and the city and ZIP when given.
    Address(AddressQuery),
    /// A normalised owner name (`DOE JOHN`).
    Owner(String),
}

impl Identifier {
    /// The type this identifier was classified as (never `Auto`).
    pub fn search_type(&self) -> SearchType {
        match self {
            Identifier::Apn(_) => SearchType::Apn,
            Identifier::Address(_) => SearchType::Address,
            Identifier::Owner(_) => SearchType::Owner,
        }
    }

    /// The human form (same as `to_string()`): `118-22-001A`, `10010 N 29TH ST, PHOENIX 85028`.
    pub fn display(&self) -> String {
        self.to_string()
    }

    /// A canonical key: two rows with the same key ask for the same thing and are fetched once,
    /// whatever spelling they used (`apn:118-22-001A`, `address:10010 N 29TH ST|PHOENIX|`,
    /// `owner:DOE JOHN`).
    pub fn key(&self) -> String {
        match self {
            Identifier::Apn(apn) => format!("apn:{apn}"),
            Identifier::Address(a) => format!(
                "address:{}|{}|{}",
                a.street,
                a.city.as_deref().unwrap_or(""),
                a.zip.as_deref().unwrap_or("")
            ),
            Identifier::Owner(name) => format!("owner:{name}"),
        }
    }
}

/// The human form: `118-22-001A`, `10010 N 29TH ST, PHOENIX 85028`, `DOE JOHN`.
impl fmt::Display for Identifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Identifier::Apn(apn) => write!(f, "{apn}"),
            Identifier::Address(a) => {
                f.write_str(&a.street)?;
                match (&a.city, &a.zip) {
                    (Some(city), Some(zip)) => write!(f, ", {city} {zip}"),
                    (Some(city), None) => write!(f, ", {city}"),
                    (None, Some(zip)) => write!(f, ", {zip}"),
                    (None, None) => Ok(()),
                }
            }
            Identifier::Owner(name) => f.write_str(name),
        }
    }
}

/// Why a value could not be classified; the message names the type that was tried.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentError {
    /// The value is empty or blank.
    #[error("empty identifier")]
    Empty,
    /// The value is longer than [`MAX_IDENTIFIER_BYTES`]; holds its length in bytes.
    #[error("a value of {0} bytes is too long to be an APN, an address or an owner name")]
    TooLong(usize),
    /// The value was read as an APN and is not a valid one.
    #[error("{value:?} is not a valid APN: {source}")]
    Apn {
        /// The value, cut to 80 characters (`…` marks the cut).
        value: String,
        /// Why it is not an APN.
        source: ApnError,
    },
    /// The value was read as an address and is not a valid one.
    #[error("{value:?} is not a valid address: {source}")]
    Address {
        /// The value, cut to 80 characters (`…` marks the cut).
        value: String,
        /// Why it is not an address.
        source: AddressError,
    },
    /// The value was read as an owner name and is not a valid one.
    #[error("{value:?} is not a valid owner name: {source}")]
    Owner {
        /// The value, cut to 80 characters (`…` marks the cut).
        value: String,
        /// Why it is not an owner name.
        source: OwnerError,
    },
}

/// Classifies and normalises `value` as the `requested` type.
///
/// With `Auto`, the value is:
/// 1. an APN when it parses as one, or when it looks like an attempt at one (only digits,
///    separators and at most two letters, with at least six digits; or digits and separators
///    alone): then the APN error is reported, so `123-45-67` is a bad APN, not an owner;
/// 2. else an address when it starts with an all-digit house number followed by a word, unless
///    it names an entity and does not end like a street (`1998 SMITH FAMILY TRUST`);
/// 3. else an owner name.
pub fn classify(value: &str, requested: SearchType) -> Result<Identifier, IdentError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(IdentError::Empty);
    }
    if value.len() > MAX_IDENTIFIER_BYTES {
        return Err(IdentError::TooLong(value.len()));
    }
    match requested {
        SearchType::Apn => as_apn(value),
        SearchType::Address => as_address(value),
        SearchType::Owner => as_owner(value),
        SearchType::Auto => {
            if looks_like_apn(value) {
                as_apn(value)
            } else if looks_like_address(value) {
                match normalize_address(value) {
                    Ok(a) if is_entity_not_street(&a) => as_owner(value),
                    Ok(a) => Ok(Identifier::Address(a)),
                    Err(source) => Err(IdentError::Address {
                        value: shown(value),
                        source,
                    }),
                }
            } else {
                as_owner(value)
            }
        }
    }
}

fn as_apn(value: &str) -> Result<Identifier, IdentError> {
    Apn::parse(value).map(Identifier::Apn).map_err(|source| {
        // ApnError repeats the value; keep a long one from flooding the message.
        let source = match source {
            ApnError::DigitCount(v, n) => ApnError::DigitCount(shown(&v), n),
            ApnError::BadCharacter(v, c) => ApnError::BadCharacter(shown(&v), c),
            ApnError::MisplacedLetter(v) => ApnError::MisplacedLetter(shown(&v)),
            other => other,
        };
        IdentError::Apn {
            value: shown(value),
            source,
        }
    })
}

/// The value as shown in messages: at most [`SHOWN_CHARS`] characters, `…` when cut.
fn shown(value: &str) -> String {
    match value.char_indices().nth(SHOWN_CHARS) {
        Some((cut, _)) => format!("{}…", &value[..cut]),
        None => value.to_string(),
    }
}

fn as_address(value: &str) -> Result<Identifier, IdentError> {
    normalize_address(value)
        .map(Identifier::Address)
        .map_err(|source| IdentError::Address {
            value: shown(value),
            source,
        })
}

fn as_owner(value: &str) -> Result<Identifier, IdentError> {
    normalize_owner(value)
        .map(Identifier::Owner)
        .map_err(|source| IdentError::Owner {
            value: shown(value),
            source,
        })
}

/// A valid APN, or a digit-heavy value that can only have been meant as one.
fn looks_like_apn(value: &str) -> bool {
    if Apn::parse(value).is_ok() {
        return true;
    }
    let (mut digits, mut letters) = (0, 0);
    for c in value.chars() {
        match c {
            '0'..='9' => digits += 1,
            c if c.is_ascii_alphabetic() => letters += 1,
            // Separators people put in APNs, including wrong ones, so the APN error names them.
            '-' | '.' | ' ' | '\t' | '/' | '_' => {}
            _ => return false,
        }
    }
    digits > 0 && (letters == 0 || (digits >= 6 && letters <= 2))
}

/// An all-digit house number followed by a word with a letter ("10010 N 29TH ST").
fn looks_like_address(value: &str) -> bool {
    let mut words = value.split(|c: char| c.is_whitespace() || c == ',');
    let number = words.next().unwrap_or("");
    let word = words.find(|w| !w.is_empty()).unwrap_or("");
    !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
        && word.chars().any(char::is_alphabetic)
}

/// Words that mark an owner entity rather than a street.
const ENTITY_WORDS: &[&str] = &[
    "LLC",
    "INC",
    "TRUST",
    "CORP",
    "CORPORATION",
    "COMPANY",
    "LTD",
    "LP",
    "LLP",
    "PARTNERSHIP",
    "PARTNERS",
    "HOLDINGS",
    "ASSOCIATION",
    "ASSN",
    "BANK",
    "CHURCH",
    "ESTATE",
    "ETAL",
    "INVESTMENTS",
    "PROPERTIES",
];

/// "1998 SMITH FAMILY TRUST" parses as an address but is an owner: it names an entity and its
/// last word is no street type.
fn is_entity_not_street(address: &AddressQuery) -> bool {
    let words: Vec<&str> = address.street.split(' ').collect();
    let names_entity = words.iter().any(|w| ENTITY_WORDS.contains(w));
    let ends_like_street =
        words.last().is_some_and(|w| street_type(w).is_some()) || words.contains(&"UNIT");
    names_entity && !ends_like_street && address.city.is_none() && address.zip.is_none()
}

#[cfg(test)]
#[path = "classify_tests.rs"]
mod tests;
