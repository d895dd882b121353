//! Tests of `classify`, kept beside it so the module itself stays short.

use super::*;

fn auto(value: &str) -> Identifier {
    match classify(value, SearchType::Auto) {
        Ok(id) => id,
        Err(e) => panic!("{value:?}: {e}"),
    }
}

#[test]
fn every_apn_spelling_is_an_apn() {
    for s in [
        "123-45-678",
        "12345678",
        "123 45 678",
        "123.45.678",
        " 123-45-678 ",
    ] {
        let id = auto(s);
        assert_eq!(id, Identifier::Apn(Apn::parse("12345678").unwrap()), "{s}");
        assert_eq!(id.key(), "apn:123-45-678");
        assert_eq!(classify(s, SearchType::Apn).unwrap(), id);
    }
    for s in [
        "118-22-001a",
        "118-22-001A",
        "11822001A",
        "118 22 001 a",
        "118.22.001A",
    ] {
        let id = auto(s);
        assert_eq!(id.key(), "apn:118-22-001A", "{s}");
        assert_eq!(id.search_type(), SearchType::Apn);
        assert_eq!(id.to_string(), "118-22-001A");
    }
}

#[test]
fn apn_attempts_report_the_apn_error() {
    for (s, digits) in [
        ("123-45-67", 7),
        ("123-45-6789", 9),
        ("12345", 5),
        ("1", 1),
        ("12 34 56 7", 7),
    ] {
        match classify(s, SearchType::Auto) {
            Err(IdentError::Apn {
                source: ApnError::DigitCount(_, n),
                ..
            }) => assert_eq!(n, digits, "{s}"),
            other => panic!("{s:?}: {other:?}"),
        }
    }
    for s in ["123/45/678", "123_45_678", "123-45-678AB", "1A2-45-678"] {
        assert!(
            matches!(classify(s, SearchType::Auto), Err(IdentError::Apn { .. })),
            "{s}"
        );
    }
    let msg = classify("123-45-67", SearchType::Auto)
        .unwrap_err()
        .to_string();
    assert!(
        msg.starts_with("\"123-45-67\" is not a valid APN: an APN has 8 digits"),
        "{msg}"
    );
}

#[test]
fn addresses_are_recognised() {
    let id = auto("10010 N 29th Street, Phoenix, AZ 85028");
    assert_eq!(id.search_type(), SearchType::Address);
    assert_eq!(id.key(), "address:10010 N 29TH ST|PHOENIX|85028");
    assert_eq!(id.to_string(), "10010 N 29TH ST, PHOENIX 85028");
    assert_eq!(
        auto("10010 n 29th st phoenix").key(),
        "address:10010 N 29TH ST|PHOENIX|"
    );
    assert_eq!(auto("845 N STANDAGE").key(), "address:845 N STANDAGE||");
    assert_eq!(
        auto("100 Main Street Trust").search_type(),
        SearchType::Owner
    );
    assert_eq!(auto("100 E Trust St").search_type(), SearchType::Address);
    // An address that fails normalisation reports the address error.
    assert!(matches!(
        classify("123 Main St (rear)", SearchType::Auto),
        Err(IdentError::Address {
            source: AddressError::BadCharacter('('),
            ..
        })
    ));
}

#[test]
fn everything_else_is_an_owner() {
    assert_eq!(
        auto("Smith, John Q."),
        Identifier::Owner("SMITH JOHN Q".into())
    );
    assert_eq!(auto("doe john").key(), "owner:DOE JOHN");
    assert_eq!(auto("1st National Bank").key(), "owner:1ST NATIONAL BANK");
    assert_eq!(
        auto("1998 Smith Family Trust").key(),
        "owner:1998 SMITH FAMILY TRUST"
    );
    assert_eq!(auto("3M Company").key(), "owner:3M COMPANY");
    assert_eq!(
        auto("MCDANELL-SMITH MARY").key(),
        "owner:MCDANELL-SMITH MARY"
    );
    assert!(matches!(
        classify("Smith; John", SearchType::Auto),
        Err(IdentError::Owner {
            source: OwnerError::BadCharacter(';'),
            ..
        })
    ));
}

#[test]
fn a_requested_type_is_enforced() {
    let e = classify("10010 N 29th St", SearchType::Apn).unwrap_err();
    assert!(e.to_string().contains("is not a valid APN"), "{e}");
    let e = classify("Smith John", SearchType::Address).unwrap_err();
    assert!(e.to_string().contains("is not a valid address"), "{e}");
    assert!(e.to_string().contains("house number"), "{e}");
    let e = classify("12345", SearchType::Owner).unwrap_err();
    assert!(e.to_string().contains("is not a valid owner name"), "{e}");
    // A requested owner search keeps a value that auto would call an address.
    assert_eq!(
        classify("123 Main St", SearchType::Owner).unwrap(),
        Identifier::Owner("123 MAIN ST".into())
    );
    let e = classify("123-45-678", SearchType::Address).unwrap_err();
    assert!(
        matches!(
            e,
            IdentError::Address {
                source: AddressError::NoHouseNumber(_),
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn empty_and_huge_values() {
    assert_eq!(classify("   ", SearchType::Auto), Err(IdentError::Empty));
    assert_eq!(classify("", SearchType::Apn), Err(IdentError::Empty));
    let huge = "A".repeat(5000);
    assert_eq!(
        classify(&huge, SearchType::Owner),
        Err(IdentError::TooLong(5000))
    );
}

#[test]
fn long_values_are_cut_in_messages() {
    let digits = "1".repeat(500);
    let msg = classify(&digits, SearchType::Auto).unwrap_err().to_string();
    assert!(msg.contains("has 500 digits") && msg.len() < 400, "{msg}");
    let name = format!("SMITH {}", "X".repeat(300));
    let msg = classify(&name, SearchType::Owner).unwrap_err().to_string();
    assert!(
        msg.contains("306 characters is too long") && msg.len() < 300,
        "{msg}"
    );
}

#[test]
fn search_type_parses_and_prints() {
    let names: Vec<&str> = SearchType::VARIANTS.iter().map(|t| t.as_str()).collect();
    assert_eq!(names, ["apn", "address", "owner", "auto"]);
    for &t in SearchType::VARIANTS {
        assert_eq!(t.to_string().parse::<SearchType>(), Ok(t));
        assert_eq!(serde_json::to_string(&t).unwrap(), format!("\"{t}\""));
        assert_eq!(
            serde_json::from_str::<SearchType>(&format!("\"{t}\"")).unwrap(),
            t
        );
    }
    assert_eq!(" APN ".parse::<SearchType>(), Ok(SearchType::Apn));
    assert_eq!("Owner".parse::<SearchType>(), Ok(SearchType::Owner));
    let e = "parcel".parse::<SearchType>().unwrap_err();
    assert_eq!(
        e.to_string(),
        "\"parcel\" is not a search type: use apn, address, owner or auto"
    );
    assert_eq!(SearchType::default(), SearchType::Auto);
}

#[test]
fn keys_deduplicate_spellings() {
    assert_eq!(auto("123-45-678").key(), auto("123.45.678").key());
    assert_eq!(
        auto("10010 N 29th Street Phoenix").key(),
        auto("10010 NORTH 29TH ST, PHOENIX").key()
    );
    assert_eq!(auto("Doe, John").key(), auto("DOE  JOHN").key());
    assert_ne!(
        auto("10010 N 29th St").key(),
        auto("10010 N 29th St Phoenix").key()
    );
}
