//! Owner names: normalising what a user types into the county's `Ownership` spelling.
//!
//! The county writes owners upper case, "LAST FIRST MIDDLE", co-owners `/`-separated
//! (`DOE JOHN Q/JANE R`), with hyphens and apostrophes kept (`MCDANELL-SMITH`, `O'BRIEN`).
//! Word order is the user's: "John Smith" is not turned into "SMITH JOHN", because a guess
//! would silently change entity names such as "FIRST AMERICAN TITLE".

/// Longest owner name accepted, in characters (the county's longest `Ownership` values are
/// about 60).
pub const MAX_OWNER_CHARS: usize = 200;

/// Why a value cannot be used as an owner name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OwnerError {
    /// The name is empty, or nothing is left of it once commas and periods are dropped.
    #[error("empty owner name")]
    Empty,
    /// The normalised name is longer than [`MAX_OWNER_CHARS`]; holds its length in characters.
    #[error("an owner name of {0} characters is too long (at most {MAX_OWNER_CHARS})")]
    TooLong(usize),
    /// The name has no letter; holds the normalised name.
    #[error("an owner name needs letters; {0:?} has none")]
    NoLetters(String),
    /// The name holds a character an owner name cannot have; holds that character.
    #[error("{0:?} is not allowed in an owner name (use letters, digits, spaces and / - & ')")]
    BadCharacter(char),
}

/// Normalises an owner name: upper case, whitespace collapsed, commas and periods dropped
/// ("Smith, John Q." → "SMITH JOHN Q"), spaces around `/` removed ("DOE JOHN / JANE" →
/// "DOE JOHN/JANE"). Letters, digits, spaces, `/`, `-`, `&` and `'` are kept; anything else is
/// refused, as are names with no letter and names over [`MAX_OWNER_CHARS`].
pub fn normalize_owner(input: &str) -> Result<String, OwnerError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(OwnerError::Empty);
    }
    let mut cleaned = String::with_capacity(trimmed.len());
    for c in trimmed.chars() {
        match c {
            // "SMITH,JOHN" is two words; "J.P." is one ("JP").
            ',' => cleaned.push(' '),
            '.' => {}
            // Word processors turn ' into a typographic apostrophe.
            '\u{2018}' | '\u{2019}' => cleaned.push('\''),
            c if c.is_whitespace() => cleaned.push(' '),
            c if c.is_alphanumeric() || matches!(c, '/' | '-' | '&' | '\'') => {
                cleaned.extend(c.to_uppercase());
            }
            c => return Err(OwnerError::BadCharacter(c)),
        }
    }
    let name = cleaned
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .split('/')
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("/");
    if name.is_empty() {
        return Err(OwnerError::Empty);
    }
    let length = name.chars().count();
    if length > MAX_OWNER_CHARS {
        return Err(OwnerError::TooLong(length));
    }
    if !name.chars().any(char::is_alphabetic) {
        return Err(OwnerError::NoLetters(name));
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_upper_cased_and_cleaned() {
        assert_eq!(normalize_owner("Smith, John Q.").unwrap(), "SMITH JOHN Q");
        assert_eq!(normalize_owner("  doe   john  ").unwrap(), "DOE JOHN");
        assert_eq!(normalize_owner("DOE\tJOHN").unwrap(), "DOE JOHN");
        assert_eq!(normalize_owner("Smith,John").unwrap(), "SMITH JOHN");
        assert_eq!(
            normalize_owner("J.P. Morgan Chase Bank N.A.").unwrap(),
            "JP MORGAN CHASE BANK NA"
        );
    }

    #[test]
    fn county_punctuation_is_kept() {
        assert_eq!(
            normalize_owner("McDanell-Smith Mary").unwrap(),
            "MCDANELL-SMITH MARY"
        );
        assert_eq!(normalize_owner("O'Brien Pat").unwrap(), "O'BRIEN PAT");
        assert_eq!(
            normalize_owner("O\u{2019}Brien Pat").unwrap(),
            "O'BRIEN PAT"
        );
        assert_eq!(
            normalize_owner("Doe John Q / Jane R").unwrap(),
            "DOE JOHN Q/JANE R"
        );
        assert_eq!(
            normalize_owner("Smith John & Jane").unwrap(),
            "SMITH JOHN & JANE"
        );
        assert_eq!(
            normalize_owner("1998 Smith Family Trust").unwrap(),
            "1998 SMITH FAMILY TRUST"
        );
        assert_eq!(normalize_owner("Peña José").unwrap(), "PEÑA JOSÉ");
    }

    #[test]
    fn order_is_never_changed() {
        assert_eq!(normalize_owner("John Smith").unwrap(), "JOHN SMITH");
    }

    #[test]
    fn bad_names_are_refused_with_a_reason() {
        assert_eq!(normalize_owner(""), Err(OwnerError::Empty));
        assert_eq!(normalize_owner(" , . "), Err(OwnerError::Empty));
        assert_eq!(
            normalize_owner("12345"),
            Err(OwnerError::NoLetters("12345".into()))
        );
        assert_eq!(
            normalize_owner("12-34 / 56"),
            Err(OwnerError::NoLetters("12-34/56".into()))
        );
        assert_eq!(
            normalize_owner("Smith; drop"),
            Err(OwnerError::BadCharacter(';'))
        );
        assert_eq!(
            normalize_owner("Smith\u{FFFD}"),
            Err(OwnerError::BadCharacter('\u{FFFD}'))
        );
        assert_eq!(
            normalize_owner(&"A".repeat(201)),
            Err(OwnerError::TooLong(201))
        );
        assert_eq!(normalize_owner(&"A".repeat(200)).map(|s| s.len()), Ok(200));
        let msg = normalize_owner("12345").unwrap_err().to_string();
        assert!(msg.contains("letters"), "{msg}");
    }
}
