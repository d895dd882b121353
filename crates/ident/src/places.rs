//! Maricopa County places (cities, towns, communities) with their ZIP codes.
//!
//! Shared by the address parser, which needs the city names to split "STREET CITY", and by the
//! simulator, which places its parcels in them.

/// A place and a few of its ZIP codes (the first is the main one).
pub struct Place {
    /// The place's name, upper case (`SUN CITY WEST`).
    pub name: &'static str,
    /// Some of its ZIP codes, the main one first.
    pub zips: &'static [&'static str],
}

/// The places the address parser recognises as cities, with their ZIP codes.
pub const PLACES: &[Place] = &[
    Place {
        name: "PHOENIX",
        zips: &[
            "85028", "85034", "85009", "85037", "85043", "85012", "85027", "85016", "85018",
            "85020", "85022", "85032", "85041", "85044",
        ],
    },
    Place {
        name: "MESA",
        zips: &[
            "85206", "85210", "85205", "85201", "85203", "85204", "85207", "85213",
        ],
    },
    Place {
        name: "TEMPE",
        zips: &["85288", "85281", "85283", "85282", "85284"],
    },
    Place {
        name: "CHANDLER",
        zips: &["85224", "85225", "85226", "85248", "85249", "85286"],
    },
    Place {
        name: "GILBERT",
        zips: &["85298", "85233", "85234", "85295", "85296", "85297"],
    },
    Place {
        name: "GLENDALE",
        zips: &["85301", "85302", "85304", "85306", "85308", "85310"],
    },
    Place {
        name: "SCOTTSDALE",
        zips: &[
            "85250", "85251", "85254", "85255", "85257", "85258", "85260",
        ],
    },
    Place {
        name: "PEORIA",
        zips: &["85382", "85345", "85381", "85383"],
    },
    Place {
        name: "SURPRISE",
        zips: &["85379", "85374", "85378", "85388"],
    },
    Place {
        name: "TOLLESON",
        zips: &["85353"],
    },
    Place {
        name: "AVONDALE",
        zips: &["85323", "85392"],
    },
    Place {
        name: "GOODYEAR",
        zips: &["85338", "85395"],
    },
    Place {
        name: "BUCKEYE",
        zips: &["85326", "85396"],
    },
    Place {
        name: "EL MIRAGE",
        zips: &["85335"],
    },
    Place {
        name: "SUN CITY",
        zips: &["85351", "85373"],
    },
    Place {
        name: "SUN CITY WEST",
        zips: &["85375"],
    },
    Place {
        name: "FOUNTAIN HILLS",
        zips: &["85268"],
    },
    Place {
        name: "PARADISE VALLEY",
        zips: &["85253"],
    },
    Place {
        name: "CAVE CREEK",
        zips: &["85331"],
    },
    Place {
        name: "QUEEN CREEK",
        zips: &["85142"],
    },
    Place {
        name: "LITCHFIELD PARK",
        zips: &["85340"],
    },
    Place {
        name: "WICKENBURG",
        zips: &["85390"],
    },
    Place {
        name: "YOUNGTOWN",
        zips: &["85363"],
    },
    Place {
        name: "LAVEEN",
        zips: &["85339"],
    },
    Place {
        name: "WADDELL",
        zips: &["85355"],
    },
];

/// The place whose name ends `text` (longest name first, so "SUN CITY WEST" beats "SUN CITY"),
/// with the text before it. `text` must already be upper case.
pub fn split_trailing_place(text: &str) -> Option<(&str, &'static str)> {
    let mut best: Option<(&str, &'static str)> = None;
    for place in PLACES {
        if let Some(head) = text.strip_suffix(place.name) {
            let boundary = head.is_empty() || head.ends_with(' ');
            let longer = best.is_none_or(|(_, b)| place.name.len() > b.len());
            if boundary && longer {
                best = Some((head.trim_end(), place.name));
            }
        }
    }
    best
}

/// True when `name` (upper case) is a known place.
pub fn is_place(name: &str) -> bool {
    PLACES.iter().any(|p| p.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_place_wins() {
        assert_eq!(
            split_trailing_place("123 W BELL RD SUN CITY WEST"),
            Some(("123 W BELL RD", "SUN CITY WEST"))
        );
        assert_eq!(
            split_trailing_place("10010 N 29TH ST PHOENIX"),
            Some(("10010 N 29TH ST", "PHOENIX"))
        );
        assert_eq!(split_trailing_place("10 N XMESA"), None);
    }
}
