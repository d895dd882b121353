//! Names on documents: an Assessor `Ownership` turned into index names, and the name match a
//! search applies.
//!
//! The Assessor writes co-owners `/`-separated with the surname once (`DOE JOHN Q/JANE R`); the
//! Recorder indexes each person in full (`DOE JOHN Q`, `DOE JANE R`) and entities verbatim.
//!
//! The match is an assumption where the real service is undocumented: `lastNames` equals the
//! surname, `firstNames` and `middleNameIs` are prefixes of the first and middle names (so an
//! initial finds the full name), `businessNames` equals an entity name or its leading words.

use super::truth::{Party, PartyRole};

/// Words that make a name an entity rather than a person.
const BUSINESS_WORDS: &[&str] = &[
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
            surname = words.first().map(|w| w.to_string());
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
    pub last: Option<String>,
    pub first: Option<String>,
    pub middle: Option<String>,
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
