//! The oldest documents of the index (1947), which no parcel's history reaches.
//!
//! The real search answers a query it cannot filter (no name, or only ignored filters) with its
//! whole index from 1947, capped at 501 rows. These documents are that beginning: a few hundred
//! deeds, mortgages, plats and easements with book and page references, numbered `1947` +
//! 1, 2, 3… in date order. They are few enough to scan, so name searches include them too (the
//! oldest records come first, as at the county).

use chrono::{Days, NaiveDate};

use super::truth::{sorted_parties, DocumentTruth, Party, PartyRole};
use crate::hash::Stream;
use crate::names::{FIRST_NAMES, SURNAMES};

/// The year of the old index.
pub const OLD_YEAR: i32 = 1947;
/// Documents in it (about 2.3 index rows each: comfortably more than the 501-row cap).
pub const OLD_DOCS: u64 = 420;
const TAG_OLD: u64 = 0x5245_434F;

/// Lenders, utilities and governments of the time.
const OLD_ENTITIES: &[&str] = &[
    "VALLEY NATIONAL BANK",
    "FIRST NATIONAL BANK OF ARIZONA",
    "PHOENIX SAVINGS AND LOAN ASSN",
    "ARIZONA PUBLIC SERVICE CO",
    "SALT RIVER VALLEY WATER USERS ASSN",
    "MOUNTAIN STATES TELEPHONE AND TELEGRAPH CO",
    "STATE OF ARIZONA",
    "MARICOPA COUNTY",
    "CITY OF PHOENIX",
    "ARIZONA LAND AND TITLE CO",
];

/// (code, weight) of the old documents.
const OLD_CODES: &[(&str, u64)] = &[
    ("DEED", 30),
    ("MORTGAGE", 18),
    ("REL MTG", 14),
    ("AGREEMENT", 8),
    ("EASEMENT", 8),
    ("MISC RCRD", 6),
    ("PLAT MAP", 4),
    ("JUDGMENT", 4),
    ("LIEN", 4),
    ("POWER ATT", 4),
];

fn person(s: &mut Stream, role: PartyRole) -> Party {
    let last = s.pick(SURNAMES);
    let first = s.pick(FIRST_NAMES);
    let middle = (b'A' + s.below(26) as u8) as char;
    Party {
        name: format!("{last} {first} {middle}"),
        business: false,
        role,
    }
}

fn entity(s: &mut Stream, role: PartyRole) -> Party {
    Party {
        name: s.pick(OLD_ENTITIES).to_string(),
        business: true,
        role,
    }
}

/// One or two people (a couple shares the surname).
fn people(s: &mut Stream, role: PartyRole) -> Vec<Party> {
    let first = person(s, role);
    if !s.chance(40) {
        return vec![first];
    }
    let last = first.name.split(' ').next().unwrap_or_default().to_string();
    let spouse = format!(
        "{last} {} {}",
        s.pick(FIRST_NAMES),
        (b'A' + s.below(26) as u8) as char
    );
    vec![
        first,
        Party {
            name: spouse,
            business: false,
            role,
        },
    ]
}

/// The old document with sequence `seq` (1..=OLD_DOCS).
pub fn old_document(seed: u64, seq: u64) -> Option<DocumentTruth> {
    if !(1..=OLD_DOCS).contains(&seq) {
        return None;
    }
    let mut s = Stream::new(&[seed, TAG_OLD, seq]);
    let mut roll = s.below(OLD_CODES.iter().map(|c| c.1).sum());
    let code = OLD_CODES
        .iter()
        .find(|(_, w)| {
            let hit = roll < *w;
            roll = roll.saturating_sub(*w);
            hit
        })
        .map_or("DEED", |c| c.0);
    let mut codes = vec![code.to_string()];
    let parties = match code {
        "DEED" => {
            let mut p = people(&mut s, PartyRole::Grantor);
            p.extend(people(&mut s, PartyRole::Grantee));
            p
        }
        "MORTGAGE" | "REL MTG" | "EASEMENT" => {
            let mut p = people(&mut s, PartyRole::Party);
            p.push(entity(&mut s, PartyRole::Party));
            p
        }
        "PLAT MAP" => {
            codes.push("BIG MAP".into());
            vec![entity(&mut s, PartyRole::Party)]
        }
        _ => people(&mut s, PartyRole::Party),
    };
    if code != "PLAT MAP" && s.chance(8) {
        codes.push("MISC RCRD".into());
    }
    let start = NaiveDate::from_ymd_opt(OLD_YEAR, 1, 2).unwrap_or_default();
    let date = start
        .checked_add_days(Days::new((seq - 1) * 360 / OLD_DOCS))
        .unwrap_or(start);
    // Plats go in the Book of Maps; everything else in the dockets, a few pages each.
    let (book, page) = if code == "PLAT MAP" {
        (30 + seq / 60, 1 + s.below(48))
    } else {
        (540 + (seq - 1) / 9, 1 + ((seq - 1) % 9) * 60 + s.below(50))
    };
    Some(DocumentTruth {
        recording_number: format!("{OLD_YEAR}{seq:07}"),
        recording_date: date,
        document_codes: codes,
        parties: sorted_parties(parties),
        page_amount: s.range(1, 6) as u32,
        docket_book: book as u32,
        page_map: page as u32,
        affidavit_present: false,
        affidavit_page_amount: 0,
        restricted: false,
        apn: None,
        is_deed: code == "DEED",
        sale_price: None,
    })
}

/// Every old document, in number order.
pub fn old_documents(seed: u64) -> impl Iterator<Item = DocumentTruth> {
    (1..=OLD_DOCS).filter_map(move |seq| old_document(seed, seq))
}

/// The old document a recording number names, if it is one.
pub fn old_document_by_number(seed: u64, number: &str) -> Option<DocumentTruth> {
    let year: i32 = number.get(..4)?.parse().ok()?;
    let seq: u64 = number.get(4..)?.parse().ok()?;
    (year == OLD_YEAR && number.len() == 11)
        .then(|| old_document(seed, seq))
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_index_has_more_than_the_cap_in_rows_and_dates_in_order() {
        let docs: Vec<DocumentTruth> = old_documents(42).collect();
        assert_eq!(docs.len() as u64, OLD_DOCS);
        let rows: usize = docs.iter().map(|d| d.parties.len()).sum();
        assert!(rows > 600, "{rows} rows");
        assert!(docs
            .windows(2)
            .all(|w| w[0].recording_date <= w[1].recording_date));
        assert!(docs
            .iter()
            .all(|d| d.recording_date.format("%Y").to_string() == "1947"));
        assert_eq!(
            old_document_by_number(42, "19470000001"),
            old_document(42, 1)
        );
        assert_eq!(old_document_by_number(42, "19470000421"), None);
        assert_eq!(old_document_by_number(42, "19480000001"), None);
    }
}
