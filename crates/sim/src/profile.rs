//! What a parcel is: its property type, legal class and use code, chosen together so they agree;
//! and the roles a reference parcel can play, each of which fixes one.

use super::hash::Stream;

/// The Assessor's property types (title case in `/parcel`, upper case in search rows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Residential,
    Townhouse,
    Commercial,
    Warehouse,
    Office,
}

impl Kind {
    pub fn title(self) -> &'static str {
        match self {
            Kind::Residential => "Residential",
            Kind::Townhouse => "Townhouse",
            Kind::Commercial => "Commercial",
            Kind::Warehouse => "Warehouse",
            Kind::Office => "Office",
        }
    }

    /// Homes get residential details; everything else gets improvements.
    pub fn is_residential(self) -> bool {
        matches!(self, Kind::Residential | Kind::Townhouse)
    }
}

/// A legal classification with its assessment ratio per tax year (2021..=2026).
#[derive(Debug, PartialEq)]
pub struct LegalClass {
    pub code: &'static str,
    pub name: &'static str,
    ratios: [f64; 6],
}

impl LegalClass {
    /// The ratio for `year`; years outside 2021..=2026 take the nearest one.
    pub fn ratio(&self, year: u16) -> f64 {
        let i = year.clamp(2021, 2026) - 2021;
        self.ratios[usize::from(i)]
    }
}

/// Commercial assessment ratios step down by half a point a year (18 % in 2021, 16 % from 2025).
pub const COMMERCIAL: LegalClass = LegalClass {
    code: "1.12",
    name: "COMMERCIAL / OTHER R/P",
    ratios: [0.18, 0.175, 0.17, 0.165, 0.16, 0.16],
};
pub const EXEMPT: LegalClass = LegalClass {
    code: "2.R",
    name: "AG / VACANT LAND / NON-PROFIT R/P",
    ratios: [0.15; 6],
};
pub const PRIMARY: LegalClass = LegalClass {
    code: "3.1",
    name: "PRIMARY RESIDENCE",
    ratios: [0.10; 6],
};
pub const NON_PRIMARY: LegalClass = LegalClass {
    code: "4.1",
    name: "NON-PRIMARY/NOT IN OTHER CLASSES RESID",
    ratios: [0.10; 6],
};
pub const RENTAL: LegalClass = LegalClass {
    code: "4.2",
    name: "RESIDENTIAL RENTAL",
    ratios: [0.10; 6],
};
pub const MIXED: LegalClass = LegalClass {
    code: "M",
    name: "MIXED LEGAL CLASS",
    ratios: [0.107; 6],
};

/// The description the Assessor pairs with a use code.
pub fn use_description(code: &str) -> &'static str {
    match code {
        "0131" => "Single Family Residence",
        "0366" | "0377" => "Multiple Family Residential",
        "0711" => "Townhouse",
        "1110" => "Retail Store",
        "1710" => "Office Building",
        "3740" => "Warehouses",
        "9010" => "Prop Tax Exe, Govt-Owned",
        "9020" | "9060" => "Prop Tax Exe, Priv-Owned",
        _ => "Miscellaneous",
    }
}

/// What a reference parcel (see `reference.rs`) is used for; it decides the generated profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A single-family home, owner-occupied (class 3.1).
    Home,
    /// A single-family home that is not a primary residence (class 4.1).
    SecondHome,
    /// A registered rental home (class 4.2, use 0131).
    Rental,
    /// A multi-family rental (class 4.2, use 0366).
    MultiFamily,
    Townhouse,
    Commercial,
    Warehouse,
    Office,
    /// Government-owned, tax exempt.
    Government,
    /// A tax-exempt home owned by a non-profit (class 2.R, use 9060): the captured 165-28-054.
    ExemptHome,
}

/// A parcel's type, class and use.
#[derive(Debug, Clone, Copy)]
pub struct Profile {
    pub kind: Kind,
    pub class: &'static LegalClass,
    pub use_code: &'static str,
    /// Registered as a rental (class 4.2).
    pub rental: bool,
}

const fn profile(kind: Kind, class: &'static LegalClass, use_code: &'static str) -> Profile {
    Profile {
        kind,
        class,
        use_code,
        rental: false,
    }
}

impl Profile {
    /// The profile a reference parcel's role implies.
    pub fn for_role(role: Role) -> Profile {
        match role {
            Role::Home => profile(Kind::Residential, &PRIMARY, "0131"),
            Role::SecondHome => profile(Kind::Residential, &NON_PRIMARY, "0131"),
            Role::Rental => Profile {
                rental: true,
                ..profile(Kind::Residential, &RENTAL, "0131")
            },
            Role::MultiFamily => Profile {
                rental: true,
                ..profile(Kind::Residential, &RENTAL, "0366")
            },
            Role::Townhouse => profile(Kind::Townhouse, &PRIMARY, "0711"),
            Role::Commercial => profile(Kind::Commercial, &COMMERCIAL, "1110"),
            Role::Warehouse => profile(Kind::Warehouse, &COMMERCIAL, "3740"),
            Role::Office => profile(Kind::Office, &COMMERCIAL, "1710"),
            Role::Government => profile(Kind::Commercial, &EXEMPT, "9010"),
            Role::ExemptHome => profile(Kind::Residential, &EXEMPT, "9060"),
        }
    }

    /// A generated profile; maps are mostly homes, some are business districts.
    pub fn generate(s: &mut Stream, business_map: bool) -> Profile {
        let roll = s.below(100);
        let kind = if business_map {
            match roll {
                0..=39 => Kind::Commercial,
                40..=64 => Kind::Warehouse,
                65..=84 => Kind::Office,
                _ => Kind::Residential,
            }
        } else {
            match roll {
                0..=92 => Kind::Residential,
                93..=97 => Kind::Townhouse,
                _ => Kind::Commercial,
            }
        };
        let roll = s.below(100);
        match kind {
            Kind::Residential => match roll {
                0..=74 => profile(kind, &PRIMARY, "0131"),
                75..=86 => profile(kind, &NON_PRIMARY, "0131"),
                87..=91 => Profile {
                    rental: true,
                    ..profile(kind, &RENTAL, "0131")
                },
                92..=96 => Profile {
                    rental: true,
                    ..profile(
                        kind,
                        &RENTAL,
                        if roll.is_multiple_of(2) {
                            "0366"
                        } else {
                            "0377"
                        },
                    )
                },
                _ => profile(kind, &EXEMPT, "9060"),
            },
            Kind::Townhouse => match roll {
                0..=79 => profile(kind, &PRIMARY, "0711"),
                _ => Profile {
                    rental: true,
                    ..profile(kind, &RENTAL, "0711")
                },
            },
            Kind::Commercial if roll < 3 => profile(kind, &MIXED, "1110"),
            Kind::Commercial => profile(kind, &COMMERCIAL, "1110"),
            Kind::Warehouse => profile(kind, &COMMERCIAL, "3740"),
            Kind::Office => profile(kind, &COMMERCIAL, "1710"),
        }
    }
}
