//! Owners: names that can be found again without a scan, mailing addresses and the last deed.
//!
//! A parcel's first owner token is a surname or a company word picked by a linear residue,
//! `(7·g + 13·parcel + offset) mod list length`. Given a name, each map's candidate parcels are
//! solved for directly (`parcel ≡ (index − 7·g − offset)·13⁻¹`), so an owner lookup walks the
//! 49,500 maps, not the millions of parcels. The rest of the name comes from a hash.

use chrono::{Datelike, NaiveDate};

use super::hash::{mix, tag, Stream};
use super::layout::{mod_inverse, Key, MAP_COUNT};
use super::names::{
    ENTITY_QUALIFIERS, ENTITY_SUFFIXES, ENTITY_WORDS, FIRST_NAMES, REMOTE_MAIL, SURNAMES,
};
use super::truth::OwnerTruth;

const G_MULT: u64 = 7;
const P_MULT: u64 = 13;
/// Owner rolls (0..100) from this one up are companies.
const COMPANY_ROLL: u64 = 91;

/// An owner name, as indices into the name lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnerName {
    /// `"SMITH JOHN Q"`.
    Individual {
        surname: usize,
        first: usize,
        middle: u8,
    },
    /// `"SMITH JOHN Q/MARY R"`: the spouse shares the surname.
    Joint {
        surname: usize,
        first: usize,
        middle: u8,
        spouse: usize,
        spouse_middle: u8,
    },
    /// `"SMITH JOHN Q TR"`: a trustee.
    Trustee {
        surname: usize,
        first: usize,
        middle: u8,
    },
    /// `"SMITH FAMILY TRUST"` (rare, so one trust name does not own hundreds of parcels).
    Trust { surname: usize },
    /// `"SAGUARO RIDGE HOLDINGS LLC"`.
    Company {
        word: usize,
        qualifier: usize,
        suffix: usize,
    },
}

impl OwnerName {
    /// The `Ownership` string.
    pub fn render(&self) -> String {
        match *self {
            OwnerName::Individual {
                surname,
                first,
                middle,
            } => {
                format!(
                    "{} {} {}",
                    SURNAMES[surname], FIRST_NAMES[first], middle as char
                )
            }
            OwnerName::Joint {
                surname,
                first,
                middle,
                spouse,
                spouse_middle,
            } => format!(
                "{} {} {}/{} {}",
                SURNAMES[surname],
                FIRST_NAMES[first],
                middle as char,
                FIRST_NAMES[spouse],
                spouse_middle as char
            ),
            OwnerName::Trustee {
                surname,
                first,
                middle,
            } => {
                format!(
                    "{} {} {} TR",
                    SURNAMES[surname], FIRST_NAMES[first], middle as char
                )
            }
            OwnerName::Trust { surname } => format!("{} FAMILY TRUST", SURNAMES[surname]),
            OwnerName::Company {
                word,
                qualifier,
                suffix,
            } => {
                format!(
                    "{} {} {}",
                    ENTITY_WORDS[word], ENTITY_QUALIFIERS[qualifier], ENTITY_SUFFIXES[suffix]
                )
            }
        }
    }

    /// The second word of the name ("JOHN", "FAMILY", "RIDGE"), used to prune lookups.
    pub fn second_word(&self) -> &'static str {
        match *self {
            OwnerName::Individual { first, .. }
            | OwnerName::Joint { first, .. }
            | OwnerName::Trustee { first, .. } => FIRST_NAMES[first],
            OwnerName::Trust { .. } => "FAMILY",
            OwnerName::Company { qualifier, .. } => ENTITY_QUALIFIERS[qualifier],
        }
    }

    /// Owners that are not people (they mostly get their mail elsewhere).
    pub fn is_company(&self) -> bool {
        matches!(self, OwnerName::Company { .. } | OwnerName::Trust { .. })
    }
}

/// Which word list an owner's first token comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    Surname(usize),
    Entity(usize),
}

/// The owner-name generator and its inverse for one seed.
#[derive(Debug, Clone)]
pub struct OwnerNames {
    seed: u64,
    surname_offset: u64,
    entity_offset: u64,
    surname_inverse: u64,
    entity_inverse: u64,
}

impl OwnerNames {
    pub fn new(seed: u64) -> OwnerNames {
        let s = SURNAMES.len() as u64;
        let e = ENTITY_WORDS.len() as u64;
        OwnerNames {
            seed,
            surname_offset: mix(&[seed, tag::OFFSET, 1]) % s,
            entity_offset: mix(&[seed, tag::OFFSET, 2]) % e,
            // The list lengths are coprime with P_MULT (a unit test keeps them so).
            surname_inverse: mod_inverse(P_MULT % s, s).unwrap_or(1),
            entity_inverse: mod_inverse(P_MULT % e, e).unwrap_or(1),
        }
    }

    fn residue(key: Key, offset: u64, modulus: u64) -> usize {
        ((u64::from(key.0) * G_MULT + u64::from(key.1) * P_MULT + offset) % modulus) as usize
    }

    /// The owner name of parcel `key`.
    pub fn name(&self, key: Key) -> OwnerName {
        self.name_in_map(self.map_prefix(key.0), key)
    }

    /// What the owner streams of map `g`'s parcels share (see [`OwnerNames::name_in_map`]).
    pub fn map_prefix(&self, g: u32) -> u64 {
        mix(&[self.seed, tag::OWNER, u64::from(g)])
    }

    /// [`OwnerNames::name`], given `prefix = map_prefix(key.0)`: a walk over a map's parcels
    /// mixes the map's part of their streams once.
    pub fn name_in_map(&self, prefix: u64, key: Key) -> OwnerName {
        let mut s = Stream::extend(prefix, u64::from(key.1));
        let surname = Self::residue(key, self.surname_offset, SURNAMES.len() as u64);
        let roll = s.below(100);
        let first = s.below(FIRST_NAMES.len() as u64) as usize;
        let middle = b'A' + s.below(26) as u8;
        match roll {
            _ if roll >= COMPANY_ROLL => OwnerName::Company {
                word: Self::residue(key, self.entity_offset, ENTITY_WORDS.len() as u64),
                qualifier: s.below(ENTITY_QUALIFIERS.len() as u64) as usize,
                suffix: s.below(ENTITY_SUFFIXES.len() as u64) as usize,
            },
            0..=69 => OwnerName::Individual {
                surname,
                first,
                middle,
            },
            70..=84 => {
                let spouse = (first + 1 + s.below(FIRST_NAMES.len() as u64 - 1) as usize)
                    % FIRST_NAMES.len();
                OwnerName::Joint {
                    surname,
                    first,
                    middle,
                    spouse,
                    spouse_middle: b'A' + s.below(26) as u8,
                }
            }
            85..=89 => OwnerName::Trustee {
                surname,
                first,
                middle,
            },
            _ => OwnerName::Trust { surname },
        }
    }

    /// Is [`OwnerNames::name_in_map`] a company? Read off its first draw alone: a company
    /// word's candidates are nine parts in ten people, whom a walk over them can skip.
    pub fn is_company_in_map(&self, prefix: u64, key: Key) -> bool {
        Stream::extend(prefix, u64::from(key.1)).below(100) >= COMPANY_ROLL
    }

    /// The word-list families whose names start with `word`.
    pub fn families(word: &str) -> Vec<Family> {
        let surnames = SURNAMES
            .iter()
            .enumerate()
            .filter(|(_, s)| **s == word)
            .map(|(i, _)| Family::Surname(i));
        let entities = ENTITY_WORDS
            .iter()
            .enumerate()
            .filter(|(_, s)| **s == word)
            .map(|(i, _)| Family::Entity(i));
        surnames.chain(entities).collect()
    }

    /// (index, offset, modulus, inverse of 13) of a family's residue equation.
    fn equation(&self, family: Family) -> (u64, u64, u64, u64) {
        match family {
            Family::Surname(i) => (
                i as u64,
                self.surname_offset,
                SURNAMES.len() as u64,
                self.surname_inverse,
            ),
            Family::Entity(i) => (
                i as u64,
                self.entity_offset,
                ENTITY_WORDS.len() as u64,
                self.entity_inverse,
            ),
        }
    }

    /// The smallest parcel number (1..=m) of map `g` on `family`'s residue: the solution of
    /// 7·g + 13·p + offset ≡ index (mod m), every term kept non-negative.
    fn first_parcel(&self, family: Family, g: u32) -> u64 {
        let (index, offset, m, inverse) = self.equation(family);
        let target = (index + m * G_MULT - (u64::from(g) * G_MULT) % m + m - offset) % m;
        match (target * inverse) % m {
            0 => m,
            p => p,
        }
    }

    /// The laid-out parcels of map `g` (with `count` parcels) whose first owner word could be
    /// `family`'s word. Existence and owner kind are left to the caller.
    pub fn candidates_in_map(
        &self,
        family: Family,
        g: u32,
        count: u16,
    ) -> impl Iterator<Item = Key> {
        let (_, _, m, _) = self.equation(family);
        let first = self.first_parcel(family, g);
        (first..=u64::from(count))
            .step_by(m as usize)
            .map(move |p| (g, p as u16))
    }

    /// Every laid-out parcel key, over all maps, whose first owner word could be `family`'s.
    ///
    /// This walks all 49,500 maps, so it keeps the per-map work to an add and a compare: from
    /// one map to the next the solution moves by a constant, −7·13⁻¹ (mod m).
    pub fn for_each_candidate(
        &self,
        family: Family,
        count: impl Fn(u32) -> u16,
        f: impl FnMut(Key),
    ) {
        self.for_each_candidate_shifted(family, 0, count, f);
    }

    /// [`OwnerNames::for_each_candidate`] for the names drawn at map id `g + shift` with map
    /// `g`'s parcel count (the Recorder's previous owners): `f` gets `(g, parcel)`, and the
    /// name is `name((g + shift, parcel))`.
    pub fn for_each_candidate_shifted(
        &self,
        family: Family,
        shift: u32,
        count: impl Fn(u32) -> u16,
        mut f: impl FnMut(Key),
    ) {
        let (_, _, m, inverse) = self.equation(family);
        let step = (G_MULT % m) * inverse % m;
        // Track the solution as a residue in 0..m (m stands for 0 as a parcel number); one
        // conditional subtraction per map instead of a division, as a walk visits every map.
        let back = m - step;
        let mut residue = self.first_parcel(family, shift) % m;
        for g in 0..MAP_COUNT {
            let n = u64::from(count(g));
            let mut p = if residue == 0 { m } else { residue };
            while p <= n {
                f((g, p as u16));
                p += m;
            }
            residue += back;
            if residue >= m {
                residue -= m;
            }
        }
    }

    /// Does `name` belong to `family` (the first word check of a lookup)?
    pub fn in_family(name: &OwnerName, family: Family) -> bool {
        match (*name, family) {
            (
                OwnerName::Individual { surname, .. }
                | OwnerName::Joint { surname, .. }
                | OwnerName::Trustee { surname, .. }
                | OwnerName::Trust { surname },
                Family::Surname(i),
            ) => surname == i,
            (OwnerName::Company { word, .. }, Family::Entity(i)) => word == i,
            _ => false,
        }
    }
}

/// What the owner block needs to know about the parcel.
pub struct OwnerContext<'a> {
    pub situs_street: &'a str,
    pub city: &'a str,
    pub zip: &'a str,
    /// Absentee owners (companies, rentals, second homes) mostly get mail elsewhere.
    pub absentee: bool,
    pub latest_fcv: u64,
}

/// A remote mailing address, as drawn: the `REMOTE_MAIL` entry, the suite, the house number.
#[derive(Debug, Clone, Copy)]
struct RemoteDraws {
    mail: usize,
    suite: Option<u64>,
    house: u64,
}

/// The owner stream's draws, in stream order, kept as numbers: the owner block formats them,
/// while the Recorder needs only the deed and must not pay for the strings.
#[derive(Debug, Clone, Copy)]
pub struct OwnerDraws {
    guid: [u64; 2],
    /// (surname, first name, middle letter) of the trustee in care of.
    in_care_of: Option<(usize, usize, u8)>,
    remote: Option<RemoteDraws>,
    /// Years before 2025 the last deed was recorded.
    age: i32,
    pub deed_date: NaiveDate,
    deed_sequence: u64,
    pub deed_type: &'static str,
    /// A qualified sale: the deed has a sale price.
    pub qualified: bool,
}

impl OwnerDraws {
    /// The owner stream of `key`; `absentee` changes which draws the mailing address takes.
    pub fn of(seed: u64, key: Key, absentee: bool) -> OwnerDraws {
        let mut s = Stream::new(&[seed, tag::DEED, u64::from(key.0), u64::from(key.1)]);
        let guid = [s.next_u64(), s.next_u64()];
        let in_care_of = s.chance(3).then(|| {
            let who = s.below(SURNAMES.len() as u64) as usize;
            let first = s.below(FIRST_NAMES.len() as u64) as usize;
            (who, first, b'A' + s.below(26) as u8)
        });
        let remote = s.chance(if absentee { 60 } else { 8 }).then(|| {
            let mail = s.below(REMOTE_MAIL.len() as u64) as usize;
            let suite = (absentee && s.chance(30)).then(|| s.range(1, 40) * 10);
            RemoteDraws {
                mail,
                suite,
                house: s.range(10, 9999),
            }
        });
        // Recent years are likelier: a quarter of homes changed hands in the last five years.
        let age = (s.unit().powf(1.6) * 30.0) as i32;
        let year = 2025 - age;
        let deed_date = NaiveDate::from_yo_opt(year, s.range(1, 365) as u32).unwrap_or_default();
        let deed_sequence = s.range(1, 1_000_000);
        let deed_type = match s.below(100) {
            0..=54 => "WD",
            55..=74 => "SW",
            75..=84 => "QC",
            85..=89 => "JT",
            90..=94 => "BD",
            _ => "TD",
        };
        let qualified = matches!(deed_type, "WD" | "SW" | "JT") && s.chance(80);
        OwnerDraws {
            guid,
            in_care_of,
            remote,
            age,
            deed_date,
            deed_sequence,
            deed_type,
            qualified,
        }
    }

    /// The sale price of a qualified sale of a parcel now worth `latest_fcv`.
    pub fn sale_price(&self, latest_fcv: u64) -> Option<u64> {
        // Sale prices follow the market back from today's value (about 6 % a year).
        let price =
            (latest_fcv as f64 * 1.1 * 0.94f64.powi(self.age + 1) / 500.0).round() as u64 * 500;
        self.qualified.then_some(price.max(5_000))
    }
}

/// The full owner block for `key`.
pub fn owner_block(seed: u64, key: Key, ownership: String, ctx: &OwnerContext) -> OwnerTruth {
    let d = OwnerDraws::of(seed, key, ctx.absentee);
    let guid = d.guid;
    let owner_id = format!(
        "{:08X}-{:04X}-{:04X}-{:04X}-{:012X}",
        guid[0] >> 32,
        (guid[0] >> 16) & 0xFFFF,
        guid[0] & 0xFFFF,
        guid[1] >> 48,
        guid[1] & 0xFFFF_FFFF_FFFF
    );
    let in_care_of = d.in_care_of.map(|(who, first, middle)| {
        format!(
            "{} {} {} TR",
            SURNAMES[who], FIRST_NAMES[first], middle as char
        )
    });
    let (address1, address2, city, state, zip) = match d.remote {
        Some(r) => {
            let (street, city, state, zip) = REMOTE_MAIL[r.mail];
            (
                format!("{} {street}", r.house),
                r.suite.map(|n| format!("STE {n}")),
                city,
                state,
                zip,
            )
        }
        None => (ctx.situs_street.to_string(), None, ctx.city, "AZ", ctx.zip),
    };
    let full = match &address2 {
        Some(a2) => format!("{address1} {a2}, {city}, {state} {zip}"),
        None => format!("{address1}, {city}, {state} {zip}"),
    };
    let deed_date = d.deed_date;
    OwnerTruth {
        owner_id,
        ownership,
        in_care_of,
        mailing_address1: address1,
        mailing_address2: address2,
        mailing_city: city.to_string(),
        mailing_state: state.to_string(),
        mailing_zip: zip.to_string(),
        mailing_country: "USA".into(),
        full_mailing_address: full,
        deed_number: format!("{}{:07}", deed_date.year(), d.deed_sequence),
        deed_date,
        deed_type: d.deed_type.into(),
        sale_price: d.sale_price(ctx.latest_fcv),
        sale_date: d.qualified.then_some(deed_date),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn name_lists_are_unique_and_invertible() {
        for list in [SURNAMES, ENTITY_WORDS, FIRST_NAMES] {
            let set: HashSet<_> = list.iter().collect();
            assert_eq!(set.len(), list.len());
        }
        assert!(SURNAMES.iter().all(|s| !ENTITY_WORDS.contains(s)));
        assert!(mod_inverse(P_MULT, SURNAMES.len() as u64).is_some());
        assert!(mod_inverse(P_MULT, ENTITY_WORDS.len() as u64).is_some());
    }

    #[test]
    fn companies_are_known_by_their_first_draw() {
        let names = OwnerNames::new(11);
        let mut companies = 0;
        for g in (0..MAP_COUNT).step_by(97) {
            let prefix = names.map_prefix(g);
            for p in 1..=40 {
                let name = names.name((g, p));
                assert_eq!(names.name_in_map(prefix, (g, p)), name);
                let company = matches!(name, OwnerName::Company { .. });
                assert_eq!(names.is_company_in_map(prefix, (g, p)), company, "{g} {p}");
                companies += usize::from(company);
            }
        }
        assert!(companies > 1_000, "{companies}");
    }

    #[test]
    fn shifted_walks_match_each_maps_candidates() {
        let names = OwnerNames::new(9);
        let count = |g: u32| (g % 50 + 20) as u16;
        for family in [Family::Surname(3), Family::Entity(5)] {
            for shift in [0, MAP_COUNT, 3 * MAP_COUNT] {
                let mut walked = Vec::new();
                names.for_each_candidate_shifted(family, shift, count, |k| walked.push(k));
                let solved: Vec<Key> = (0..MAP_COUNT)
                    .flat_map(|g| {
                        names
                            .candidates_in_map(family, g + shift, count(g))
                            .map(move |(_, p)| (g, p))
                    })
                    .collect();
                assert_eq!(walked, solved, "{family:?} shifted {shift}");
            }
        }
    }

    #[test]
    fn candidates_cover_every_parcel_of_a_family() {
        let names = OwnerNames::new(5);
        let count = |g: u32| (g % 50 + 20) as u16;
        let family = Family::Surname(17);
        let mut found = HashSet::new();
        names.for_each_candidate(family, count, |k| {
            found.insert(k);
        });
        for g in (0..MAP_COUNT).step_by(101) {
            for p in 1..=count(g) {
                let surname =
                    OwnerNames::residue((g, p), names.surname_offset, SURNAMES.len() as u64);
                assert_eq!(surname == 17, found.contains(&(g, p)), "{g} {p}");
            }
        }
    }
}
