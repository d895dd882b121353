//! The county's exact-match rules behind the ground truth: which parcels an address query and
//! an owner query name (county-services.md 1.3.1 "Search semantics", 1.3.4 `Ownership`, 4).
//!
//! The Assessor's own search is loose (`q=1 E WASHINGTON ST` also returns 1601 E WASHINGTON
//! ST), so a client filters its rows, and `County::address_truth` / `County::owner_truth` say
//! which parcels the filter must keep. The simulator states the rules here itself, apart from
//! the client's filter (`mps_ident::matching`), so that a bug in the client's filter makes the
//! tests that compare the two fail instead of being copied into the truth.
//!
//! Both rules take the query in the county's form, as the client normalises it: upper case,
//! single spaces, directions and street types abbreviated, a 5-digit ZIP. The query's parts are
//! compared as written (a part in another form names nothing); the parcel's side is the
//! county's record, whose spacing does not matter.

/// An address query in the Assessor's form `[number] [pre-direction] [street name] [street
/// type] [city], AZ [zip]`, split into its parts; city and ZIP may be left out (1.3.1).
#[derive(Debug, Clone, Copy)]
pub(crate) struct AddressAsked<'a> {
    /// `10010 N 29TH ST`.
    pub street: &'a str,
    pub city: Option<&'a str>,
    pub zip: Option<&'a str>,
}

/// Is the parcel whose situs is (`street`, `city`, `zip`) the one `asked` names?
///
/// It is when its street is the query's street, house number and unit included, word for word;
/// and, when the query gives them, its city is the query's city and its ZIP the query's ZIP.
/// An empty street names no parcel.
pub(crate) fn situs_answers(asked: &AddressAsked<'_>, street: &str, city: &str, zip: &str) -> bool {
    let same_words = |record: &str, query: &str| {
        !query.is_empty() && record.split_whitespace().eq(query.split(' '))
    };
    same_words(street, asked.street)
        && asked.city.is_none_or(|c| same_words(city, c))
        && asked.zip.is_none_or(|z| zip.trim() == z)
}

/// Is the parcel whose `Ownership` is `ownership` one the owner query `query` names?
///
/// `Ownership` lists the owners `/`-separated, the first written "LAST FIRST MIDDLE" (1.3.4:
/// `SMITH J W/MCDANELL-SMITH J L TR/SMITH JACK W`), and an owner is searched by full name
/// (1.3.1). The query names the parcel when it is the whole `Ownership`, or the first owner's
/// name, or that name's leading whole words ("DOE JOHN" names `DOE JOHN Q/JANE R`, "DOE JO"
/// does not). The owners after the first are not searched alone, nor is a run of owners short
/// of the whole list. An empty query names no parcel.
pub(crate) fn ownership_answers(query: &str, ownership: &str) -> bool {
    if query.is_empty() {
        return false;
    }
    let asked: Vec<&str> = query.split(' ').collect();
    let whole: Vec<&str> = ownership.split_whitespace().collect();
    if whole == asked {
        return true;
    }
    let first_owner: Vec<&str> = ownership
        .split('/')
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    first_owner.starts_with(&asked)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asked<'a>(street: &'a str, city: Option<&'a str>, zip: Option<&'a str>) -> AddressAsked<'a> {
        AddressAsked { street, city, zip }
    }

    /// 165-28-054, county-services.md 1.3.2: `10010 N 29TH ST PHOENIX, AZ 85028`.
    const SITUS: (&str, &str, &str) = ("10010 N 29TH ST", "PHOENIX", "85028");

    fn names(a: &AddressAsked<'_>) -> bool {
        situs_answers(a, SITUS.0, SITUS.1, SITUS.2)
    }

    #[test]
    fn address_street_alone() {
        assert!(names(&asked("10010 N 29TH ST", None, None)));
        // The loose search's near misses are not the parcel.
        assert!(!names(&asked("1010 N 29TH ST", None, None)));
        assert!(!names(&asked("10010 N 29TH", None, None)));
        assert!(!names(&asked("10010 N 29TH ST UNIT 1", None, None)));
        assert!(!names(&asked("10010 S 29TH ST", None, None)));
        assert!(!names(&asked("", None, None)));
        // The record's spacing does not matter; the query's form does.
        assert!(situs_answers(
            &asked("10010 N 29TH ST", None, None),
            " 10010  N 29TH ST ",
            "PHOENIX",
            "85028"
        ));
        assert!(!names(&asked("10010 n 29th st", None, None)));
        assert!(!names(&asked("10010  N 29TH ST", None, None)));
    }

    #[test]
    fn address_with_city_and_zip() {
        assert!(names(&asked("10010 N 29TH ST", Some("PHOENIX"), None)));
        assert!(!names(&asked("10010 N 29TH ST", Some("MESA"), None)));
        assert!(names(&asked("10010 N 29TH ST", None, Some("85028"))));
        assert!(!names(&asked("10010 N 29TH ST", None, Some("85029"))));
        assert!(names(&asked(
            "10010 N 29TH ST",
            Some("PHOENIX"),
            Some("85028")
        )));
        // Both must hold when both are given.
        assert!(!names(&asked(
            "10010 N 29TH ST",
            Some("PHOENIX"),
            Some("85029")
        )));
        assert!(!names(&asked(
            "10010 N 29TH ST",
            Some("MESA"),
            Some("85028")
        )));
        // A ZIP is the whole 5-digit ZIP, not its first digits.
        assert!(!names(&asked("10010 N 29TH ST", None, Some("850"))));
        // Multi-word cities compare word for word.
        let q = asked("15850 W PORT ROYALE LN", Some("SUN CITY WEST"), None);
        assert!(situs_answers(
            &q,
            "15850 W PORT ROYALE LN",
            "SUN  CITY WEST",
            "85375"
        ));
        assert!(!situs_answers(
            &q,
            "15850 W PORT ROYALE LN",
            "SUN CITY",
            "85375"
        ));
    }

    #[test]
    fn address_with_a_unit() {
        // 132-68-310: `901 S SMITH RD UNIT 1070`.
        let (street, city, zip) = ("901 S SMITH RD UNIT 1070", "TEMPE", "85281");
        assert!(situs_answers(
            &asked("901 S SMITH RD UNIT 1070", None, None),
            street,
            city,
            zip
        ));
        assert!(!situs_answers(
            &asked("901 S SMITH RD", None, None),
            street,
            city,
            zip
        ));
        assert!(!situs_answers(
            &asked("901 S SMITH RD UNIT 107", None, None),
            street,
            city,
            zip
        ));
    }

    #[test]
    fn owner_one_name() {
        let o = "HORIZON HEALTH AND WELLNESS INC";
        assert!(ownership_answers("HORIZON HEALTH AND WELLNESS INC", o));
        assert!(ownership_answers("HORIZON HEALTH", o));
        assert!(ownership_answers("HORIZON", o));
        assert!(!ownership_answers("HORIZON HEALTH AND WELLNESS INC LLC", o));
        assert!(!ownership_answers("HEALTH AND WELLNESS INC", o));
        assert!(!ownership_answers("", o));
    }

    #[test]
    fn owner_whole_word_prefix() {
        let o = "DOE JOHN Q/JANE R";
        assert!(ownership_answers("DOE JOHN", o));
        assert!(ownership_answers("DOE JOHN Q", o));
        assert!(!ownership_answers("DOE JO", o));
        assert!(!ownership_answers("DOE JOHN QU", o));
        assert!(!ownership_answers("DO", o));
        // Not a word inside the name: it starts the name.
        assert!(!ownership_answers("JOHN Q", o));
        assert!(!ownership_answers("DOE JOHN", "SMITH DOE JOHN"));
    }

    #[test]
    fn owner_several_owners() {
        // county-services.md 1.3.4's example of three owners.
        let o = "SMITH J W/MCDANELL-SMITH J L TR/SMITH JACK W";
        assert!(ownership_answers(o, o));
        assert!(ownership_answers("SMITH J W", o));
        assert!(ownership_answers("SMITH J", o));
        assert!(ownership_answers("SMITH", o));
        // Later owners alone, and a run of owners short of the whole list, name nothing.
        assert!(!ownership_answers("SMITH JACK W", o));
        assert!(!ownership_answers("MCDANELL-SMITH J L TR", o));
        assert!(!ownership_answers("SMITH J W/MCDANELL-SMITH J L TR", o));
        // The first owner's words stop at the `/`.
        assert!(!ownership_answers("SMITH J W/MCDANELL-SMITH", o));
        let couple = "DOE JOHN Q/JANE R";
        assert!(ownership_answers("DOE JOHN Q/JANE R", couple));
        assert!(!ownership_answers("JANE R", couple));
        assert!(!ownership_answers("DOE JANE R", couple));
        assert!(!ownership_answers("DOE JOHN Q/JANE", couple));
    }

    #[test]
    fn owner_spacing_of_the_record_does_not_matter() {
        assert!(ownership_answers(
            "DOE JOHN Q/JANE R",
            "DOE  JOHN Q/JANE R "
        ));
        assert!(ownership_answers("DOE JOHN Q", " DOE JOHN Q /JANE R"));
        // The query is compared as written (`owner_truth` normalises it first).
        assert!(!ownership_answers("doe john", "DOE JOHN Q/JANE R"));
        assert!(!ownership_answers("DOE  JOHN", "DOE JOHN Q/JANE R"));
    }
}
