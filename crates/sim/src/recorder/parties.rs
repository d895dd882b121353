//! Names on documents: an Assessor `Ownership` turned into index names, and the name match a
//! search applies.
//!
//! The Assessor writes co-owners `/`-separated with the surname once (`DOE JOHN Q/JANE R`); the
//! Recorder indexes each person in full (`DOE JOHN Q`, `DOE JANE R`) and entities verbatim.
//!
//! The match is an assumption where the real service is undocumented: `lastNames` equals the
//! surname, `firstNames` and `middleNameIs` are prefixes of the first and middle names (so an
//! initial finds the full name), `businessNames` equals an entity name or its leading words.
//!
//! [`may_answer`] reads the same match off a generated name's structure, without rendering it:
//! a name search tries thousands of generated names and renders only those it lets through.

use super::truth::{Party, PartyRole};
use crate::names::{ENTITY_QUALIFIERS, ENTITY_SUFFIXES, ENTITY_WORDS, FIRST_NAMES, SURNAMES};
use crate::owner::OwnerName;

/// Words that make a name an entity rather than a person.
pub(super) const BUSINESS_WORDS: &[&str] = &[
    "LLC",
    "INC",
    "LP",
    "LLP",
    "LTD",
    "CORP",
    "CO",
    "COMPANY",
    "TRUST",
    "BANK",
    "ASSN",
    "COUNTY",
    "CITY",
    "STATE",
    "CHURCH",
    "ASSOCIATION",
    "HOLDINGS",
    "SERVICE",
    "DISTRICT",
    "USERS",
];

/// Upper-cases and squashes whitespace.
pub fn squash(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_uppercase()
}

/// Is this (squashed) name an entity?
pub fn is_business(name: &str) -> bool {
    name.split(' ').any(|w| BUSINESS_WORDS.contains(&w))
}

/// The index names of an `Ownership` value, each with its role.
pub fn ownership_parties(ownership: &str, role: PartyRole) -> Vec<Party> {
    let whole = squash(ownership);
    if whole.is_empty() {
        return Vec::new();
    }
    if is_business(&whole) {
        return vec![Party {
            name: whole,
            business: true,
            role,
        }];
    }
    let mut surname: Option<String> = None;
    let mut out = Vec::new();
    for part in whole.split('/').map(str::trim).filter(|p| !p.is_empty()) {
        let words: Vec<&str> = part.split(' ').collect();
        // "JANE R" (and "JANE R TR") carry no surname: it is the first owner's.
        let named: Vec<&&str> = words.iter().filter(|w| **w != "TR").collect();
        let no_surname = named.len() == 1 || (named.len() == 2 && named[1].len() == 1);
        let name = match (&surname, no_surname) {
            (Some(last), true) => format!("{last} {part}"),
            _ => part.to_string(),
        };
        if surname.is_none() {
            surname = words.first().map(std::string::ToString::to_string);
        }
        out.push(Party {
            name,
            business: false,
            role,
        });
    }
    out
}

/// What a name search asks for (the service's query parameters, squashed and upper-cased).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndexQuery {
    /// `lastNames`: must equal a person's surname.
    pub last: Option<String>,
    /// `firstNames`: a prefix of the first name (an initial finds the full name).
    pub first: Option<String>,
    /// `middleNameIs`: a prefix of the middle name.
    pub middle: Option<String>,
    /// `businessNames`: an entity's whole name or its leading words.
    pub business: Option<String>,
}

impl IndexQuery {
    /// A person query; `first` may be an initial.
    pub fn person(last: &str, first: Option<&str>) -> IndexQuery {
        IndexQuery {
            last: Some(squash(last)),
            first: first.map(squash).filter(|f| !f.is_empty()),
            ..IndexQuery::default()
        }
    }

    /// An entity query.
    pub fn business(name: &str) -> IndexQuery {
        IndexQuery {
            business: Some(squash(name)),
            ..IndexQuery::default()
        }
    }

    /// No name at all: the service then ignores the query and lists its whole index.
    pub fn is_unfiltered(&self) -> bool {
        self.last.is_none() && self.business.is_none()
    }

    /// The first word of each name asked for: the word-list families to invert.
    pub fn lead_words(&self) -> Vec<String> {
        let business = self.business.as_deref().and_then(|b| b.split(' ').next());
        self.last
            .as_deref()
            .into_iter()
            .chain(business)
            .map(str::to_string)
            .collect()
    }

    /// Does the index name `party` answer this query?
    pub fn matches(&self, party: &Party) -> bool {
        if party.business {
            return self.business.as_deref().is_some_and(|b| {
                party.name == b
                    || party
                        .name
                        .strip_prefix(b)
                        .is_some_and(|rest| rest.starts_with(' '))
            });
        }
        let Some(last) = self.last.as_deref() else {
            return false;
        };
        let mut words = party.name.split(' ');
        let prefix = |want: Option<&str>, got: Option<&str>| {
            want.is_none_or(|w| got.is_some_and(|g| g.starts_with(w)))
        };
        words.next() == Some(last)
            && prefix(self.first.as_deref(), words.next())
            && prefix(self.middle.as_deref(), words.next())
    }
}

/// The index names of a generated owner name: `ownership_parties(&name.render(), Party)`,
/// written directly (a test checks they agree), as histories write out thousands per search.
pub fn generated_parties(name: &OwnerName) -> Vec<Party> {
    let party = |pieces: &[&str], business: bool| {
        let mut name = String::with_capacity(pieces.iter().map(|p| p.len() + 1).sum());
        for (i, piece) in pieces.iter().enumerate() {
            if i > 0 {
                name.push(' ');
            }
            name.push_str(piece);
        }
        Party {
            name,
            business,
            role: PartyRole::Party,
        }
    };
    match name {
        OwnerName::Individual {
            surname,
            first,
            middle,
        } => vec![party(
            &[SURNAMES[*surname], FIRST_NAMES[*first], letter(middle)],
            false,
        )],
        OwnerName::Trustee {
            surname,
            first,
            middle,
        } => vec![party(
            &[
                SURNAMES[*surname],
                FIRST_NAMES[*first],
                letter(middle),
                "TR",
            ],
            false,
        )],
        OwnerName::Joint {
            surname,
            first,
            middle,
            spouse,
            spouse_middle,
        } => vec![
            party(
                &[SURNAMES[*surname], FIRST_NAMES[*first], letter(middle)],
                false,
            ),
            party(
                &[
                    SURNAMES[*surname],
                    FIRST_NAMES[*spouse],
                    letter(spouse_middle),
                ],
                false,
            ),
        ],
        OwnerName::Trust { .. } | OwnerName::Company { .. } => {
            vec![party(&entity_pieces(name), true)]
        }
    }
}

/// A middle initial as text (generated initials are ASCII letters).
fn letter(middle: &u8) -> &str {
    std::str::from_utf8(std::slice::from_ref(middle)).unwrap_or("")
}

/// An entity name's words, in pieces that join with spaces into its `Ownership`.
fn entity_pieces(name: &OwnerName) -> Vec<&'static str> {
    match *name {
        OwnerName::Trust { surname } => vec![SURNAMES[surname], "FAMILY TRUST"],
        OwnerName::Company {
            word,
            qualifier,
            suffix,
        } => vec![
            ENTITY_WORDS[word],
            ENTITY_QUALIFIERS[qualifier],
            ENTITY_SUFFIXES[suffix],
        ],
        _ => Vec::new(),
    }
}

/// Is `b` the name `pieces` join into (with spaces), or its leading words? The entity match
/// of [`IndexQuery::matches`], without joining the pieces.
fn leads(b: &str, pieces: &[&str]) -> bool {
    let mut rest = b.as_bytes();
    for (i, piece) in pieces.iter().enumerate() {
        if i > 0 {
            match rest.split_first() {
                Some((b' ', after)) if !after.is_empty() => rest = after,
                _ => return false,
            }
        }
        let piece = piece.as_bytes();
        if rest.len() <= piece.len() {
            // `b` ends in this piece: at its end, or before one of its inner spaces.
            return piece.starts_with(rest)
                && (rest.len() == piece.len() || piece[rest.len()] == b' ');
        }
        match rest.strip_prefix(piece) {
            Some(after) => rest = after,
            None => return false,
        }
    }
    false
}

/// Can one of `name`'s index names answer `q`? Read from the name's structure, without
/// rendering it: generated people are indexed as persons ("LAST FIRST M", "LAST FIRST M TR",
/// the spouse as "LAST SPOUSE M") and trusts and companies as entities, which a test checks
/// against the name lists. The search still confirms with [`IndexQuery::matches`].
pub fn may_answer(q: &IndexQuery, name: &OwnerName) -> bool {
    let person = |surname: usize, first: usize, middle: u8| {
        q.last.as_deref() == Some(SURNAMES[surname])
            && q.first
                .as_deref()
                .is_none_or(|f| FIRST_NAMES[first].starts_with(f))
            && q.middle
                .as_deref()
                .is_none_or(|m| [middle].starts_with(m.as_bytes()))
    };
    match *name {
        OwnerName::Individual {
            surname,
            first,
            middle,
        }
        | OwnerName::Trustee {
            surname,
            first,
            middle,
        } => person(surname, first, middle),
        OwnerName::Joint {
            surname,
            first,
            middle,
            spouse,
            spouse_middle,
        } => person(surname, first, middle) || person(surname, spouse, spouse_middle),
        OwnerName::Trust { .. } | OwnerName::Company { .. } => q
            .business
            .as_deref()
            .is_some_and(|b| leads(b, &entity_pieces(name))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(ownership: &str) -> Vec<String> {
        ownership_parties(ownership, PartyRole::Grantee)
            .into_iter()
            .map(|p| p.name)
            .collect()
    }

    #[test]
    fn ownership_becomes_index_names() {
        assert_eq!(names("DOE JOHN Q/JANE R"), ["DOE JOHN Q", "DOE JANE R"]);
        assert_eq!(names("SMITH JOHN Q TR"), ["SMITH JOHN Q TR"]);
        assert_eq!(
            names("SMITH J W/MCDANELL-SMITH J L TR/SMITH JACK W"),
            ["SMITH J W", "MCDANELL-SMITH J L TR", "SMITH JACK W"]
        );
        assert_eq!(
            names("SAGUARO RIDGE HOLDINGS LLC"),
            ["SAGUARO RIDGE HOLDINGS LLC"]
        );
        assert_eq!(names("SMITH FAMILY TRUST"), ["SMITH FAMILY TRUST"]);
        assert_eq!(names("CITY OF PHOENIX"), ["CITY OF PHOENIX"]);
        assert!(names("  ").is_empty());
    }

    #[test]
    fn leading_words_are_read_off_the_pieces_as_off_the_name() {
        let pieces = ["SAGUARO", "RIDGE", "HOLDINGS LLC"];
        let name = pieces.join(" ");
        let entity = Party {
            name: name.clone(),
            business: true,
            role: PartyRole::Party,
        };
        let mut tried = 0;
        for end in 0..=name.len() + 2 {
            for b in [
                &name[..end.min(name.len())],
                &format!("{name} X"),
                "SAGUARO  RIDGE",
            ] {
                let q = IndexQuery {
                    business: Some(b.to_string()),
                    ..IndexQuery::default()
                };
                assert_eq!(leads(b, &pieces), q.matches(&entity), "{b:?}");
                tried += 1;
            }
        }
        assert!(leads("SAGUARO RIDGE HOLDINGS", &pieces));
        assert!(!leads("SAGUARO RIDGE HOLD", &pieces));
        assert!(tried > 60);
    }

    #[test]
    fn queries_match_people_and_entities_apart() {
        let person = |n: &str| Party {
            name: n.into(),
            business: false,
            role: PartyRole::Party,
        };
        let entity = |n: &str| Party {
            name: n.into(),
            business: true,
            role: PartyRole::Party,
        };
        let q = IndexQuery::person("doe", Some("j"));
        assert!(q.matches(&person("DOE JOHN Q")));
        assert!(q.matches(&person("DOE JANE R")));
        assert!(!q.matches(&person("DOEX JOHN Q")));
        assert!(!q.matches(&entity("DOE FAMILY TRUST")));
        let q = IndexQuery {
            middle: Some("Q".into()),
            ..IndexQuery::person("DOE", Some("JOHN"))
        };
        assert!(q.matches(&person("DOE JOHN Q TR")));
        assert!(!q.matches(&person("DOE JOHN R")));
        assert!(!q.matches(&person("DOE JOHN")));
        let q = IndexQuery::business("saguaro ridge");
        assert!(q.matches(&entity("SAGUARO RIDGE HOLDINGS LLC")));
        assert!(!q.matches(&entity("SAGUARO RIDGELINE LLC")));
        assert!(!q.matches(&person("SAGUARO RIDGE")));
        assert_eq!(q.lead_words(), ["SAGUARO"]);
        assert!(IndexQuery::default().is_unfiltered());
    }
}
