//! Situs addresses: normalising what a user types into the form the Assessor's search and
//! situs rows use (`10010 N 29TH ST`, city and ZIP apart).
//!
//! The county writes every address in upper case with the pre-direction and the street type
//! abbreviated and the unit as `UNIT n` (`901 S SMITH RD UNIT 1070`); its search rows carry the
//! street, city and ZIP in separate fields. [`normalize_address`] produces exactly that split so
//! that [`crate::matching::address_matches`] can compare like with like.

use super::matching::AddressQuery;
use super::places::split_trailing_place;

/// Longest address accepted, in characters. Real situs addresses are well under 100.
pub const MAX_ADDRESS_CHARS: usize = 200;

/// Why a value cannot be used as an address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    /// The value holds no words: it is empty, blank or only punctuation.
    #[error("empty address")]
    Empty,
    /// The value is longer than [`MAX_ADDRESS_CHARS`]; holds its length in characters.
    #[error("an address of {0} characters is too long (at most {MAX_ADDRESS_CHARS})")]
    TooLong(usize),
    /// The value holds a character an address cannot have; holds that character.
    #[error("{0:?} is not allowed in an address (use letters, digits, spaces and , . # - / ')")]
    BadCharacter(char),
    /// The first word is not a house number; holds that word.
    #[error("an address must start with a house number, e.g. \"10010 N 29TH ST\"; this one starts with {0:?}")]
    NoHouseNumber(String),
    /// No street name follows the house number; holds the street's words.
    #[error("{0:?} has no street name after the house number")]
    NoStreetName(String),
    /// The last word looks like a ZIP code but is not a valid one; holds that word.
    #[error("{0:?} is not a ZIP code: a ZIP has 5 digits, or 5+4 as in 85028-1234")]
    BadZip(String),
    /// A unit word (`APT`, `#`, ...) has no unit number after it; holds that word.
    #[error("the unit designator {0:?} is not followed by a unit number")]
    UnitWithoutNumber(String),
    /// Words follow the unit number although a city was already found; holds them.
    #[error("unexpected {0:?} after the unit number")]
    TrailingText(String),
}

/// Pre-directions, long and short, with the abbreviation the county writes.
const DIRECTIONS: &[(&str, &str)] = &[
    ("NORTH", "N"),
    ("SOUTH", "S"),
    ("EAST", "E"),
    ("WEST", "W"),
    ("NORTHEAST", "NE"),
    ("NORTHWEST", "NW"),
    ("SOUTHEAST", "SE"),
    ("SOUTHWEST", "SW"),
    ("N", "N"),
    ("S", "S"),
    ("E", "E"),
    ("W", "W"),
    ("NE", "NE"),
    ("NW", "NW"),
    ("SE", "SE"),
    ("SW", "SW"),
];

/// Street types (USPS Publication 28 abbreviations and their common variants).
///
/// Only thoroughfare types are listed: words such as VIEW, VISTA, PARK or CANYON often end a
/// street *name* in Maricopa ("E MOUNTAIN VIEW RD"), and abbreviating them would break matches.
const STREET_TYPES: &[(&str, &str)] = &[
    ("ALLEY", "ALY"),
    ("ALY", "ALY"),
    ("AVENUE", "AVE"),
    ("AVE", "AVE"),
    ("AV", "AVE"),
    ("AVEN", "AVE"),
    ("AVN", "AVE"),
    ("AVNUE", "AVE"),
    ("BOULEVARD", "BLVD"),
    ("BLVD", "BLVD"),
    ("BLV", "BLVD"),
    ("BOUL", "BLVD"),
    ("BOULV", "BLVD"),
    ("BYPASS", "BYP"),
    ("BYP", "BYP"),
    ("CAUSEWAY", "CSWY"),
    ("CSWY", "CSWY"),
    ("CIRCLE", "CIR"),
    ("CIR", "CIR"),
    ("CIRC", "CIR"),
    ("CRCL", "CIR"),
    ("CRCLE", "CIR"),
    ("COURT", "CT"),
    ("CT", "CT"),
    ("CRT", "CT"),
    ("COVE", "CV"),
    ("CV", "CV"),
    ("DRIVE", "DR"),
    ("DR", "DR"),
    ("DRIV", "DR"),
    ("DRV", "DR"),
    ("EXPRESSWAY", "EXPY"),
    ("EXPY", "EXPY"),
    ("FREEWAY", "FWY"),
    ("FWY", "FWY"),
    ("HIGHWAY", "HWY"),
    ("HWY", "HWY"),
    ("HIWAY", "HWY"),
    ("HIWY", "HWY"),
    ("HWAY", "HWY"),
    ("JUNCTION", "JCT"),
    ("JCT", "JCT"),
    ("LANE", "LN"),
    ("LN", "LN"),
    ("LOOP", "LOOP"),
    ("PARKWAY", "PKWY"),
    ("PKWY", "PKWY"),
    ("PARKWY", "PKWY"),
    ("PKWAY", "PKWY"),
    ("PKY", "PKWY"),
    ("PASS", "PASS"),
    ("PATH", "PATH"),
    ("PIKE", "PIKE"),
    ("PLACE", "PL"),
    ("PL", "PL"),
    ("ROAD", "RD"),
    ("RD", "RD"),
    ("ROW", "ROW"),
    ("RUN", "RUN"),
    ("SQUARE", "SQ"),
    ("SQ", "SQ"),
    ("STREET", "ST"),
    ("ST", "ST"),
    ("STR", "ST"),
    ("STRT", "ST"),
    ("TERRACE", "TER"),
    ("TER", "TER"),
    ("TERR", "TER"),
    ("TRAIL", "TRL"),
    ("TRL", "TRL"),
    ("TRAILS", "TRL"),
    ("TURNPIKE", "TPKE"),
    ("TPKE", "TPKE"),
    ("WALK", "WALK"),
    ("WAY", "WAY"),
    ("WY", "WAY"),
];

/// Words that introduce a unit; all become `UNIT`, the county's spelling.
const UNIT_DESIGNATORS: &[&str] = &["UNIT", "APT", "APARTMENT", "STE", "SUITE", "#"];

fn direction(word: &str) -> Option<&'static str> {
    DIRECTIONS.iter().find(|(w, _)| *w == word).map(|(_, a)| *a)
}

/// The USPS abbreviation of `word` when it is a street type.
pub fn street_type(word: &str) -> Option<&'static str> {
    STREET_TYPES
        .iter()
        .find(|(w, _)| *w == word)
        .map(|(_, a)| *a)
}

fn is_unit_designator(word: &str) -> bool {
    UNIT_DESIGNATORS.contains(&word)
}

/// A house number: digits, optionally with one trailing letter (`123`, `123A`).
///
/// Two letters are refused so that an ordinal such as `29TH` is never taken for one.
pub fn is_house_number(word: &str) -> bool {
    let digits = word.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0
        && (word.len() == digits
            || (word.len() == digits + 1 && word.as_bytes()[digits].is_ascii_alphabetic()))
}

/// A ZIP token: `85028`, `85028-1234` or `850281234`; returns the 5-digit ZIP.
fn zip_of(word: &str) -> Option<&str> {
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match word.split_once('-') {
        Some((five, four))
            if five.len() == 5 && four.len() == 4 && all_digits(five) && all_digits(four) =>
        {
            Some(five)
        }
        None if all_digits(word) && (word.len() == 5 || word.len() == 9) => Some(&word[..5]),
        _ => None,
    }
}

/// A trailing all-digit token that was meant as a ZIP but has the wrong length.
///
/// One to three digits are left alone: they end street names such as `US HIGHWAY 60`.
fn looks_like_bad_zip(word: &str) -> bool {
    let digits = word.bytes().filter(u8::is_ascii_digit).count();
    let zip_chars = word.bytes().all(|b| b.is_ascii_digit() || b == b'-');
    zip_chars && digits >= 4 && zip_of(word).is_none()
}

/// One word of the input and the comma-separated segment it came from.
struct Token {
    word: String,
    segment: usize,
}

/// Upper-cases, checks characters and splits into words, remembering comma segments.
fn tokenize(input: &str) -> Result<Vec<Token>, AddressError> {
    let chars: Vec<char> = input.trim().chars().collect();
    let mut tokens = Vec::new();
    let mut segment = 0;
    let mut word = String::new();
    let mut flush = |word: &mut String, segment: usize| {
        if !word.is_empty() {
            tokens.push(Token {
                word: std::mem::take(word),
                segment,
            });
        }
    };
    for (i, &c) in chars.iter().enumerate() {
        match c {
            ',' => {
                flush(&mut word, segment);
                segment += 1;
            }
            // "N.E." is one word (NE), but "N.29TH" is two: a period between two letters is
            // dropped, any other period separates words.
            '.' => {
                let prev = i.checked_sub(1).and_then(|j| chars.get(j));
                let next = chars.get(i + 1);
                if !(prev.is_some_and(|p| p.is_alphabetic())
                    && next.is_some_and(|n| n.is_alphabetic()))
                {
                    flush(&mut word, segment);
                }
            }
            // `#` is a word of its own so that `#1070` and `# 1070` read the same.
            '#' => {
                flush(&mut word, segment);
                word.push('#');
                flush(&mut word, segment);
            }
            c if c.is_whitespace() => flush(&mut word, segment),
            c if c.is_alphanumeric() || matches!(c, '-' | '/' | '\'') => {
                word.extend(c.to_uppercase());
            }
            c => return Err(AddressError::BadCharacter(c)),
        }
    }
    flush(&mut word, segment);
    Ok(tokens)
}

/// Normalises an address the way the county's search expects it.
///
/// Accepts `10010 N 29th Street, Phoenix, AZ 85028`, `10010 n 29th st phoenix az 85028`,
/// `9049 W Adam Ave, Peoria 85382`, `901 S Smith Rd #1070`: upper case; the pre-direction and the
/// street type abbreviated; `UNIT`/`APT`/`STE`/`#` written `UNIT n`; `AZ` and the ZIP (5 digits
/// kept from ZIP+4) split off; a city split off when it follows a comma or is a known Maricopa
/// place.
pub fn normalize_address(input: &str) -> Result<AddressQuery, AddressError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(AddressError::Empty);
    }
    let length = trimmed.chars().count();
    if length > MAX_ADDRESS_CHARS {
        return Err(AddressError::TooLong(length));
    }
    let mut tokens = tokenize(trimmed)?;
    if tokens.is_empty() {
        return Err(AddressError::Empty);
    }

    // From the end: ZIP, then the state. Never the first word: that is the house number.
    let mut zip = None;
    let mut has_state = false;
    if tokens.len() > 1 {
        let last = &tokens[tokens.len() - 1].word;
        let after_unit = tokens.len() > 2 && is_unit_designator(&tokens[tokens.len() - 2].word);
        if let Some(z) = zip_of(last).filter(|_| !after_unit) {
            zip = Some(z.to_string());
            tokens.pop();
        } else if looks_like_bad_zip(last) && !after_unit {
            return Err(AddressError::BadZip(last.clone()));
        }
    }
    if tokens.len() > 1 && matches!(tokens[tokens.len() - 1].word.as_str(), "AZ" | "ARIZONA") {
        has_state = true;
        tokens.pop();
    }

    let mut city = comma_city(&mut tokens);
    let mut words: Vec<String> = tokens.into_iter().map(|t| t.word).collect();
    if city.is_none() {
        city = place_city(&mut words).or_else(|| {
            // "... ST CAREFREE AZ 85377": with a state or ZIP present, words after the street
            // type are the city even when it is not in our list of places.
            (has_state || zip.is_some())
                .then(|| city_after_type(&mut words))
                .flatten()
        });
    }

    let (street, trailing) = normalize_street(&words)?;
    if let Some(extra) = trailing {
        if city.is_some() {
            return Err(AddressError::TrailingText(extra));
        }
        city = Some(extra);
    }
    Ok(AddressQuery { street, city, zip })
}

/// The city when the input put it after a comma: the last comma segment, unless it is the
/// street itself, a unit ("…, APT 4") or contains digits.
fn comma_city(tokens: &mut Vec<Token>) -> Option<String> {
    let last_segment = tokens.last()?.segment;
    let start = tokens.iter().position(|t| t.segment == last_segment)?;
    if start == 0 || is_unit_designator(&tokens[start].word) {
        return None;
    }
    if tokens[start..]
        .iter()
        .any(|t| t.word.bytes().any(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let city = tokens[start..]
        .iter()
        .map(|t| t.word.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    tokens.truncate(start);
    Some(city)
}

/// The city when the street ends with a known Maricopa place ("… 29TH ST PHOENIX").
///
/// Refused when it would leave no street name ("100 W GLENDALE" is a street, not a city).
fn place_city(words: &mut Vec<String>) -> Option<String> {
    let joined = words.join(" ");
    let (head, place) = split_trailing_place(&joined)?;
    let head_words = head.split_whitespace().count();
    let name_words = head
        .split_whitespace()
        .skip(1)
        .filter(|w| direction(w).is_none())
        .count();
    if head_words < 2 || name_words == 0 {
        return None;
    }
    words.truncate(head_words);
    Some(place.to_string())
}

/// The words after the last street type, when there are any, as the city.
fn city_after_type(words: &mut Vec<String>) -> Option<String> {
    let type_at = words
        .iter()
        .enumerate()
        .skip(2)
        .rev()
        .find(|(_, w)| street_type(w).is_some())?
        .0;
    if type_at + 1 >= words.len() || words[type_at + 1..].iter().any(|w| is_unit_designator(w)) {
        return None;
    }
    let city = words[type_at + 1..].join(" ");
    words.truncate(type_at + 1);
    Some(city)
}

/// Normalises the street words (house number first) and returns any words left after the unit.
fn normalize_street(words: &[String]) -> Result<(String, Option<String>), AddressError> {
    let first = words.first().ok_or(AddressError::Empty)?;
    if !is_house_number(first) {
        return Err(AddressError::NoHouseNumber(first.clone()));
    }
    let mut out = vec![first.clone()];
    let mut rest = &words[1..];
    // A fractional house number ("123 1/2 N MAIN ST") stays with the number.
    if let Some(fraction) = rest
        .first()
        .filter(|w| w.contains('/') && w.bytes().all(|b| b.is_ascii_digit() || b == b'/'))
    {
        out.push(fraction.clone());
        rest = &rest[1..];
    }

    let unit_at = rest
        .iter()
        .position(|w| is_unit_designator(w))
        .unwrap_or(rest.len());
    let (name, unit) = rest.split_at(unit_at);
    if name.is_empty() {
        return Err(AddressError::NoStreetName(words.join(" ")));
    }
    out.extend(normalize_name(name));

    let mut trailing = None;
    if !unit.is_empty() {
        // "UNIT # 5" and "APT #5" carry two designators; skip them all.
        let value_at = unit.iter().position(|w| !is_unit_designator(w));
        let Some(value_at) = value_at else {
            return Err(AddressError::UnitWithoutNumber(unit[0].clone()));
        };
        out.push("UNIT".to_string());
        out.push(unit[value_at].clone());
        let extra = &unit[value_at + 1..];
        if !extra.is_empty() {
            trailing = Some(extra.join(" "));
        }
    }
    Ok((out.join(" "), trailing))
}

/// Abbreviates the pre-direction, the street type and a post-direction of the street name words.
fn normalize_name(name: &[String]) -> Vec<String> {
    let mut out: Vec<String> = name.to_vec();
    // The pre-direction is abbreviated only when a real name follows it: in "100 NORTH ST" the
    // word NORTH is the street's name and stays whole.
    let mut name_start = 0;
    if let Some(abbr) = direction(&out[0]) {
        let after = &out[1..];
        let names_follow =
            after.len() >= 2 || after.first().is_some_and(|w| street_type(w).is_none());
        if names_follow {
            out[0] = abbr.to_string();
            name_start = 1;
        }
    }
    // A post-direction ("MAIN ST NORTH") is abbreviated when a street type precedes it.
    let mut type_at = out.len() - 1;
    if out.len() - name_start >= 3 {
        let last = out.len() - 1;
        if let (Some(abbr), true) = (direction(&out[last]), street_type(&out[last - 1]).is_some()) {
            out[last] = abbr.to_string();
            type_at = last - 1;
        }
    }
    // The street type is abbreviated only when a name word precedes it ("100 E PLACE" keeps it).
    if type_at > name_start {
        if let Some(abbr) = street_type(&out[type_at]) {
            out[type_at] = abbr.to_string();
        }
    }
    out
}

#[cfg(test)]
#[path = "address_tests.rs"]
mod tests;
