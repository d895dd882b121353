//! The exact-match rules applied to the Assessor's fuzzy search results.
//!
//! The Assessor's search is a loose full-text match, so every result row is filtered here.
//! The simulator states the county's rules on its own (`mps-sim`'s `truth_rules`), so a
//! mistake here shows up in the tests instead of being mirrored by the ground truth.

/// A normalised address query: the street part and, when the user gave them, city and ZIP.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct AddressQuery {
    /// `10010 N 29TH ST`, upper case, directions and street types abbreviated.
    pub street: String,
    /// The city, upper case, when the user gave one.
    pub city: Option<String>,
    /// The 5-digit ZIP code, when the user gave one.
    pub zip: Option<String>,
}

/// Does a search row's situs (street, city, ZIP; each already upper case) match the query?
pub fn address_matches(query: &AddressQuery, street: &str, city: &str, zip: &str) -> bool {
    let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    squash(street) == query.street
        && query.city.as_deref().is_none_or(|c| squash(city) == c)
        && query
            .zip
            .as_deref()
            .is_none_or(|z| zip.trim().starts_with(z))
}

/// Does an `Ownership` value (names `/`-separated, upper case) match a normalised owner query?
///
/// It matches when the whole value equals the query, or when the first listed owner equals the
/// query or starts with it as whole words ("DOE JOHN" matches "DOE JOHN Q/JANE R").
pub fn owner_matches(query: &str, ownership: &str) -> bool {
    let ownership = ownership.split_whitespace().collect::<Vec<_>>().join(" ");
    if ownership == query {
        return true;
    }
    let first = ownership.split('/').next().unwrap_or("").trim();
    first == query
        || first
            .strip_prefix(query)
            .is_some_and(|rest| rest.starts_with(' '))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owner_rule() {
        assert!(owner_matches("DOE JOHN", "DOE JOHN Q/JANE R"));
        assert!(owner_matches("DOE JOHN Q", "DOE JOHN Q/JANE R"));
        assert!(owner_matches("DOE JOHN Q/JANE R", "DOE JOHN Q/JANE R"));
        assert!(!owner_matches("DOE JO", "DOE JOHN Q"));
        assert!(!owner_matches("DOE JOHN", "SMITH DOE JOHN"));
    }

    #[test]
    fn address_rule() {
        let q = AddressQuery {
            street: "10010 N 29TH ST".into(),
            city: Some("PHOENIX".into()),
            zip: None,
        };
        assert!(address_matches(&q, "10010 N 29TH ST", "PHOENIX", "85028"));
        assert!(address_matches(&q, "10010  N 29TH ST ", "PHOENIX", "85028"));
        assert!(!address_matches(&q, "10010 N 29TH ST", "MESA", "85028"));
        assert!(!address_matches(&q, "1010 N 29TH ST", "PHOENIX", "85028"));
    }
}
