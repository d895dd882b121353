//! Recorder name queries from the Assessor's `Ownership`, and the deed family of codes.
//!
//! The Assessor writes owners upper case, "LAST FIRST MIDDLE", co-owners `/`-separated and the
//! surname written once for a spouse (`DOE JOHN Q/JANE R`); trustees carry `TR`. The Recorder
//! indexes people as "LAST FIRST MIDDLE" (searched with `lastNames`, `firstNames`,
//! `middleNameIs`) and entities verbatim (`businessNames`).

use std::fmt;

/// One name to search the Recorder's index for.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NameQuery {
    /// A person. `first` may be an initial; `middle` is usually one.
    Person {
        /// The surname, sent as `lastNames`.
        last: String,
        /// The first name or initial, sent as `firstNames` (empty: not sent).
        first: String,
        /// The middle name or initial, sent as `middleNameIs`.
        middle: Option<String>,
    },
    /// An entity (LLC, trust, bank, city…), searched by its full name.
    Business(String),
}

impl NameQuery {
    /// The search parameters, in the order the county's own form sends them.
    pub fn params(&self) -> Vec<(&'static str, &str)> {
        match self {
            NameQuery::Person {
                last,
                first,
                middle,
            } => {
                let mut p = vec![("lastNames", last.as_str())];
                if !first.is_empty() {
                    p.push(("firstNames", first.as_str()));
                }
                if let Some(m) = middle.as_deref().filter(|m| !m.is_empty()) {
                    p.push(("middleNameIs", m));
                }
                p
            }
            NameQuery::Business(name) => vec![("businessNames", name.as_str())],
        }
    }
}

impl fmt::Display for NameQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NameQuery::Person {
                last,
                first,
                middle,
            } => {
                write!(f, "{last}")?;
                if !first.is_empty() {
                    write!(f, " {first}")?;
                }
                match middle {
                    Some(m) => write!(f, " {m}"),
                    None => Ok(()),
                }
            }
            NameQuery::Business(name) => f.write_str(name),
        }
    }
}

/// Words that mark an entity rather than a person.
const BUSINESS_WORDS: &[&str] = &[
    "LLC",
    "LLLP",
    "INC",
    "INCORPORATED",
    "CORP",
    "CORPORATION",
    "CO",
    "COMPANY",
    "LP",
    "LLP",
    "LTD",
    "LIMITED",
    "PARTNERSHIP",
    "PARTNERS",
    "TRUST",
    "TRUSTS",
    "BANK",
    "ASSN",
    "ASSOC",
    "ASSOCIATION",
    "HOA",
    "CHURCH",
    "CITY",
    "COUNTY",
    "STATE",
    "DISTRICT",
    "SCHOOL",
    "UNIVERSITY",
    "FOUNDATION",
    "FUND",
    "GROUP",
    "HOLDINGS",
    "PROPERTIES",
    "INVESTMENTS",
    "INVESTMENT",
    "ENTERPRISES",
    "DEVELOPMENT",
    "HOMES",
    "CAPITAL",
    "RENTALS",
    "MANAGEMENT",
    "MINISTRIES",
    "AUTHORITY",
    "DEPARTMENT",
    "DEPT",
    "SERVICES",
    "VENTURES",
    "REALTY",
    "USA",
    "FEDERAL",
    "NATIONAL",
    "MORTGAGE",
    "FINANCIAL",
];

/// Trailing words of a person's entry that are not part of the name.
const PERSON_SUFFIXES: &[&str] = &[
    "TR", "TRS", "TRUSTEE", "TRUSTEES", "ETAL", "ET", "AL", "UX", "VIR", "EST", "JR", "SR", "II",
    "III", "IV",
];

/// Is this (upper-case) name an entity?
pub fn is_business_name(name: &str) -> bool {
    name.split(|c: char| c.is_whitespace() || c == ',')
        .any(|w| BUSINESS_WORDS.contains(&w.trim_matches('.')))
}

/// The Recorder queries for an Assessor `Ownership`, one per owner, duplicates removed:
/// `"DOE JOHN Q/JANE R"` gives DOE JOHN Q and DOE JANE R; `"SMITH J W/MCDANELL-SMITH J L TR"`
/// gives SMITH J W and MCDANELL-SMITH J L; `"X HOLDINGS LLC"` gives the business.
pub fn search_names(ownership: &str) -> Vec<NameQuery> {
    let mut out: Vec<NameQuery> = Vec::new();
    let mut surname: Option<String> = None;
    for part in ownership.to_uppercase().split('/') {
        let part = part.split_whitespace().collect::<Vec<_>>().join(" ");
        if part.is_empty() {
            continue;
        }
        let query = if is_business_name(&part) {
            NameQuery::Business(part)
        } else {
            let mut words: Vec<&str> = part.split(' ').map(|w| w.trim_matches(',')).collect();
            while words.len() > 1 && words.last().is_some_and(|w| PERSON_SUFFIXES.contains(w)) {
                words.pop();
            }
            // A spouse after the slash ("JANE R", "JANE") shares the first owner's surname.
            let no_surname = words.len() == 1 || (words.len() == 2 && words[1].len() == 1);
            match (&surname, no_surname) {
                (Some(last), true) => NameQuery::Person {
                    last: last.clone(),
                    first: words[0].to_string(),
                    middle: words.get(1).map(std::string::ToString::to_string),
                },
                (None, true) if words.len() == 1 => NameQuery::Business(part),
                _ => {
                    surname = Some(words[0].to_string());
                    NameQuery::Person {
                        last: words[0].to_string(),
                        first: words
                            .get(1)
                            .map_or(String::new(), std::string::ToString::to_string),
                        middle: words.get(2).map(std::string::ToString::to_string),
                    }
                }
            }
        };
        if !out.contains(&query) {
            out.push(query);
        }
    }
    out
}

/// The deed family of the Recorder's document codes (a transfer of the property); deeds of
/// trust, releases and the rest are not deeds. A search row's trailing `+` is ignored.
pub fn is_deed_code(code: &str) -> bool {
    const DEEDS: &[&str] = &[
        "WAR DEED",
        "SPEC/W D",
        "Q/CL DEED",
        "JNT DEED",
        "DEED",
        "BENE DEED",
        "PROB DEED",
        "CORR DEED",
        "CIV DEED",
        "TRST DEED",
    ];
    let code = code.trim().trim_end_matches('+').trim().to_uppercase();
    DEEDS.contains(&code.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(last: &str, first: &str, middle: Option<&str>) -> NameQuery {
        NameQuery::Person {
            last: last.into(),
            first: first.into(),
            middle: middle.map(Into::into),
        }
    }

    #[test]
    fn ownership_turns_into_queries() {
        assert_eq!(
            search_names("DOE JOHN Q/JANE R"),
            [
                person("DOE", "JOHN", Some("Q")),
                person("DOE", "JANE", Some("R"))
            ]
        );
        assert_eq!(
            search_names("SMITH J W/MCDANELL-SMITH J L TR"),
            [
                person("SMITH", "J", Some("W")),
                person("MCDANELL-SMITH", "J", Some("L"))
            ]
        );
        assert_eq!(
            search_names("SMITH J W/MCDANELL-SMITH J L TR/SMITH JACK W"),
            [
                person("SMITH", "J", Some("W")),
                person("MCDANELL-SMITH", "J", Some("L")),
                person("SMITH", "JACK", Some("W"))
            ]
        );
        assert_eq!(
            search_names("X HOLDINGS LLC"),
            [NameQuery::Business("X HOLDINGS LLC".into())]
        );
        assert_eq!(
            search_names("smith  family trust"),
            [NameQuery::Business("SMITH FAMILY TRUST".into())]
        );
        assert_eq!(
            search_names("SMITH JOHN Q TR"),
            [person("SMITH", "JOHN", Some("Q"))]
        );
        assert_eq!(
            search_names("DOE JOHN/JANE"),
            [person("DOE", "JOHN", None), person("DOE", "JANE", None)]
        );
        assert_eq!(
            search_names("DOE JOHN Q/ABC RENTALS LLC"),
            [
                person("DOE", "JOHN", Some("Q")),
                NameQuery::Business("ABC RENTALS LLC".into())
            ]
        );
        assert_eq!(
            search_names("DOE JOHN Q ET AL/DOE JOHN Q"),
            [person("DOE", "JOHN", Some("Q"))]
        );
        assert_eq!(search_names(" / "), []);
    }

    #[test]
    fn queries_become_parameters() {
        assert_eq!(
            person("DOE", "JOHN", Some("Q")).params(),
            [
                ("lastNames", "DOE"),
                ("firstNames", "JOHN"),
                ("middleNameIs", "Q")
            ]
        );
        assert_eq!(person("DOE", "", None).params(), [("lastNames", "DOE")]);
        assert_eq!(
            NameQuery::Business("X LLC".into()).params(),
            [("businessNames", "X LLC")]
        );
        assert_eq!(person("DOE", "JOHN", Some("Q")).to_string(), "DOE JOHN Q");
    }

    #[test]
    fn deed_codes() {
        for code in [
            "WAR DEED",
            "SPEC/W D",
            "Q/CL DEED",
            "TRST DEED",
            "WAR DEED+",
            " deed ",
        ] {
            assert!(is_deed_code(code), "{code}");
        }
        for code in [
            "DEED TRST",
            "REL D/T",
            "DEED TRST+",
            "AFFIDAVIT",
            "LIEN",
            "",
        ] {
            assert!(!is_deed_code(code), "{code}");
        }
    }
}
