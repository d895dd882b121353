//! Tests of `address`, kept beside it so the module itself stays short.

use super::*;

fn q(street: &str, city: Option<&str>, zip: Option<&str>) -> AddressQuery {
    AddressQuery {
        street: street.into(),
        city: city.map(Into::into),
        zip: zip.map(Into::into),
    }
}

fn norm(s: &str) -> AddressQuery {
    match normalize_address(s) {
        Ok(a) => a,
        Err(e) => panic!("{s:?}: {e}"),
    }
}

#[test]
fn the_three_spellings_in_the_brief() {
    let want = q("10010 N 29TH ST", Some("PHOENIX"), Some("85028"));
    assert_eq!(norm("10010 N 29th Street, Phoenix, AZ 85028"), want);
    assert_eq!(norm("10010 n 29th st phoenix az 85028"), want);
    assert_eq!(norm("10010 North 29th St., Phoenix AZ 85028-1234"), want);
    assert_eq!(
        norm("9049 W Adam Ave, Peoria 85382"),
        q("9049 W ADAM AVE", Some("PEORIA"), Some("85382"))
    );
}

#[test]
fn the_county_format_is_a_fixed_point() {
    assert_eq!(
        norm("10010 N 29TH ST PHOENIX, AZ 85028"),
        q("10010 N 29TH ST", Some("PHOENIX"), Some("85028"))
    );
    assert_eq!(
        norm("5522 E FARMDALE AVE"),
        q("5522 E FARMDALE AVE", None, None)
    );
    assert_eq!(
        norm("2425 W LOWER BUCKEYE RD, PHOENIX 85009").street,
        "2425 W LOWER BUCKEYE RD"
    );
    assert_eq!(
        norm("5804 S COUNTRY CLUB WAY, TEMPE 85283").street,
        "5804 S COUNTRY CLUB WAY"
    );
    assert_eq!(
        norm("845 N STANDAGE, MESA 85210"),
        q("845 N STANDAGE", Some("MESA"), Some("85210"))
    );
}

/// The situs addresses of county-services.md section 4, as the county writes them, come
/// back unchanged, split at the comma the way search rows split them.
#[test]
fn the_reference_sample_addresses_are_fixed_points() {
    for sample in [
        "2826 E TURQUOISE DR",
        "10026 N 29TH ST",
        "9049 W ADAM AVE, PEORIA 85382",
        "5522 E FARMDALE AVE, MESA 85206",
        "364 S SMITH RD, TEMPE 85288",
        "901 S SMITH RD UNIT 1070, TEMPE 85281",
        "1601 E WASHINGTON ST, PHOENIX 85034",
        "9402 W INDIAN SCHOOL RD, PHOENIX 85037",
        "18 N 57TH DR, PHOENIX 85043",
        "2631 S 22ND AVE, PHOENIX 85009",
        "2425 W LOWER BUCKEYE RD, PHOENIX 85009",
        "9916 W TRUMBULL RD, TOLLESON 85353",
        "2778 E COURTNEY ST, GILBERT 85298",
        "550 E EARLL DR, PHOENIX 85012",
        "15850 W PORT ROYALE LN, SURPRISE 85379",
        "15772 W CARIBBEAN LN, SURPRISE 85379",
        "5804 S COUNTRY CLUB WAY, TEMPE 85283",
        "2244 E MCARTHUR DR, TEMPE 85281",
        "845 N STANDAGE, MESA 85210",
        "6558 E AUBURN ST, MESA 85205",
        "20450 N 30TH DR, PHOENIX 85027",
        "10000 W MISSOURI AVE",
    ] {
        let (street, rest) = sample.split_once(", ").unwrap_or((sample, ""));
        let (city, zip) = rest.rsplit_once(' ').unwrap_or(("", ""));
        let want = q(
            street,
            (!city.is_empty()).then_some(city),
            (!zip.is_empty()).then_some(zip),
        );
        assert_eq!(norm(sample), want, "{sample}");
        // Lower case and without the comma it reads the same.
        assert_eq!(
            norm(&sample.to_lowercase().replace(',', "")),
            want,
            "{sample}"
        );
    }
}

#[test]
fn directions_are_abbreviated_only_before_a_name() {
    assert_eq!(norm("123 northeast Main Street").street, "123 NE MAIN ST");
    assert_eq!(norm("123 Southwest 1st Avenue").street, "123 SW 1ST AVE");
    assert_eq!(norm("123 N.E. Main St.").street, "123 NE MAIN ST");
    assert_eq!(norm("100 North View Drive").street, "100 N VIEW DR");
    // The direction word is the street's name.
    assert_eq!(norm("100 North St").street, "100 NORTH ST");
    assert_eq!(norm("100 North Street").street, "100 NORTH ST");
    assert_eq!(norm("100 West Way").street, "100 WEST WAY");
    assert_eq!(norm("100 E North St").street, "100 E NORTH ST");
    // A post-direction after the type.
    assert_eq!(norm("100 Main Street North").street, "100 MAIN ST N");
}

#[test]
fn street_types_are_abbreviated_in_last_position_only() {
    for (input, want) in [
        ("1 E Camelback Road", "1 E CAMELBACK RD"),
        ("1 E Desert Lane", "1 E DESERT LN"),
        ("1 E Desert Place", "1 E DESERT PL"),
        ("1 E Desert Boulevard", "1 E DESERT BLVD"),
        ("1 E Desert Court", "1 E DESERT CT"),
        ("1 E Desert Circle", "1 E DESERT CIR"),
        ("1 E Desert Parkway", "1 E DESERT PKWY"),
        ("1 E Desert Trail", "1 E DESERT TRL"),
        ("1 E Desert Terrace", "1 E DESERT TER"),
        ("1 E Desert Highway", "1 E DESERT HWY"),
        ("1 E Desert Way", "1 E DESERT WAY"),
        ("1 E Circle Drive", "1 E CIRCLE DR"),
        ("1 E Mountain View", "1 E MOUNTAIN VIEW"),
        ("1 Place", "1 PLACE"),
    ] {
        assert_eq!(norm(input).street, want, "{input}");
    }
}

#[test]
fn units_become_unit_n() {
    let want = q("901 S SMITH RD UNIT 1070", Some("TEMPE"), Some("85281"));
    for input in [
        "901 S Smith Rd Unit 1070, Tempe 85281",
        "901 S Smith Rd #1070, Tempe 85281",
        "901 S Smith Rd # 1070 Tempe AZ 85281",
        "901 S Smith Road, Apt. 1070, Tempe, AZ 85281",
        "901 S Smith Rd Suite 1070 Tempe 85281",
        "901 S Smith Rd STE 1070, Tempe 85281",
        "901 S Smith Rd Unit #1070, Tempe 85281",
    ] {
        assert_eq!(norm(input), want, "{input}");
    }
    assert_eq!(
        norm("901 S Smith Rd Apt B-12").street,
        "901 S SMITH RD UNIT B-12"
    );
    // A unknown city after the unit is still the city.
    assert_eq!(
        norm("1 E Main St Unit 5 Carefree"),
        q("1 E MAIN ST UNIT 5", Some("CAREFREE"), None)
    );
}

#[test]
fn cities_and_zips() {
    assert_eq!(
        norm("123 W Bell Rd Sun City West AZ"),
        q("123 W BELL RD", Some("SUN CITY WEST"), None)
    );
    assert_eq!(
        norm("123 W Bell Rd, Sun City"),
        q("123 W BELL RD", Some("SUN CITY"), None)
    );
    assert_eq!(
        norm("9049 W Adam Ave 85382"),
        q("9049 W ADAM AVE", None, Some("85382"))
    );
    assert_eq!(
        norm("9049 W Adam Ave 853821234").zip.as_deref(),
        Some("85382")
    );
    // An unknown city after a comma, or between the street type and the state.
    assert_eq!(
        norm("1 E Main St, Carefree, AZ 85377"),
        q("1 E MAIN ST", Some("CAREFREE"), Some("85377"))
    );
    assert_eq!(
        norm("1 E Main St Carefree AZ 85377"),
        q("1 E MAIN ST", Some("CAREFREE"), Some("85377"))
    );
    assert_eq!(norm("1 E Main St Arizona"), q("1 E MAIN ST", None, None));
    // A place name that is the street's own name is not taken for the city.
    assert_eq!(norm("100 W Glendale"), q("100 W GLENDALE", None, None));
    assert_eq!(
        norm("100 W Glendale, Phoenix"),
        q("100 W GLENDALE", Some("PHOENIX"), None)
    );
    // Highway numbers are not ZIPs.
    assert_eq!(norm("100 W US Highway 60").street, "100 W US HIGHWAY 60");
    // A unit number that looks like a ZIP stays the unit.
    assert_eq!(
        norm("901 S Smith Rd Unit 10701").street,
        "901 S SMITH RD UNIT 10701"
    );
}

#[test]
fn whitespace_case_and_punctuation() {
    assert_eq!(
        norm("  10010   n 29TH  st  "),
        q("10010 N 29TH ST", None, None)
    );
    assert_eq!(
        norm("10010 N. 29th St.,Phoenix,AZ,85028"),
        q("10010 N 29TH ST", Some("PHOENIX"), Some("85028"))
    );
    assert_eq!(norm("123 1/2 N Main St").street, "123 1/2 N MAIN ST");
    assert_eq!(norm("123A N Main St").street, "123A N MAIN ST");
}

#[test]
fn bad_addresses_are_refused_with_a_reason() {
    assert_eq!(normalize_address("  "), Err(AddressError::Empty));
    assert_eq!(
        normalize_address("Main St"),
        Err(AddressError::NoHouseNumber("MAIN".into()))
    );
    assert_eq!(
        normalize_address("29th St"),
        Err(AddressError::NoHouseNumber("29TH".into()))
    );
    assert_eq!(
        normalize_address("123"),
        Err(AddressError::NoStreetName("123".into()))
    );
    assert_eq!(
        normalize_address("123, Phoenix"),
        Err(AddressError::NoStreetName("123".into()))
    );
    assert_eq!(
        normalize_address("123 Main St (rear)"),
        Err(AddressError::BadCharacter('('))
    );
    assert_eq!(
        normalize_address("1 E Main St 8502"),
        Err(AddressError::BadZip("8502".into()))
    );
    assert_eq!(
        normalize_address("1 E Main St Unit"),
        Err(AddressError::UnitWithoutNumber("UNIT".into()))
    );
    assert_eq!(
        normalize_address("1 E Main St Unit 5 Oak, Phoenix"),
        Err(AddressError::TrailingText("OAK".into()))
    );
    let long = format!("1 {}", "A".repeat(300));
    assert_eq!(normalize_address(&long), Err(AddressError::TooLong(302)));
    let msg = normalize_address("Main St").unwrap_err().to_string();
    assert!(msg.contains("house number"), "{msg}");
}
