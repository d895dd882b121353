//! A parcel's recorded history, computed from (seed, parcel) and its Assessor truth.
//!
//! The newest deed is the Assessor's last deed (its number, date and type; an affidavit of
//! value when the Assessor has a sale price). Before it come one to three earlier deeds, each
//! from an earlier owner to the next, back to 1971 at most. Owners take out a deed of trust on
//! the day they buy (consecutive numbers), and often release it, or refinance, years later; a
//! few owners also get an affidavit, a lien or (restricted) a death certificate recorded.
//!
//! Previous owner `i` (1 = the one who sold to the current owner) is the Assessor's owner-name
//! function at the derived key [`previous_owner_key`], so the name index can invert previous
//! owners exactly as it inverts current ones. Deeds of trust name the borrowers only: a lender
//! would be a name on millions of documents, which no lookup could answer without an index.
//!
//! A parcel records at most two documents a year (the numbering has two slots): a deed year
//! holds the deed and its deed of trust, and every other document goes in a free year of its
//! owner's tenure, or is not recorded.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate};

use super::numbering::Numbering;
use super::parties::ownership_parties;
use super::truth::{sorted_parties, DocumentTruth, Party, PartyRole};
use crate::ident::Apn;
use crate::sim::county::County;
use crate::sim::hash::Stream;
use crate::sim::layout::{Key, MAP_COUNT};
use crate::sim::truth::ParcelTruth;

/// No generated document is older (the old index aside).
pub const FIRST_YEAR: i32 = 1971;
/// Nor newer (the Assessor's newest deeds are from this year).
pub const LAST_YEAR: i32 = 2025;
/// Earlier deeds a parcel has at most; previous owners are one more (the first seller).
pub const MAX_EARLIER_DEEDS: u64 = 3;
/// Previous owners a history can name, and so the derived keys a name lookup must try.
pub const MAX_PREVIOUS_OWNERS: u32 = MAX_EARLIER_DEEDS as u32 + 1;
const TAG_HISTORY: u64 = 0x5245_4348;

/// The deed family of the Recorder's codes (`county-services.md` 3.3).
pub const DEED_CODES: &[&str] = &[
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

/// The key whose generated owner name is parcel `key`'s previous owner `i` (1-based): the same
/// parcel number in a map id past the county's, one county-width per step back.
pub fn previous_owner_key(key: Key, i: u32) -> Key {
    (key.0 + i * MAP_COUNT, key.1)
}

/// The Recorder code of an Assessor `DeedType`.
pub fn deed_code(deed_type: &str) -> &'static str {
    match deed_type.trim() {
        "WD" => "WAR DEED",
        "SW" => "SPEC/W D",
        "QC" => "Q/CL DEED",
        "JT" => "JNT DEED",
        "BD" => "BENE DEED",
        "TD" => "TRST DEED",
        "PD" => "PROB DEED",
        "CD" => "CORR DEED",
        _ => "DEED",
    }
}

/// Codes of earlier deeds, with weights (warranty deeds dominate, as at the county).
const EARLIER_DEED_CODES: &[(&str, u64)] = &[
    ("WAR DEED", 58),
    ("SPEC/W D", 18),
    ("Q/CL DEED", 9),
    ("JNT DEED", 6),
    ("TRST DEED", 4),
    ("DEED", 2),
    ("BENE DEED", 2),
    ("PROB DEED", 1),
];

fn weighted(s: &mut Stream, table: &[(&'static str, u64)]) -> &'static str {
    let mut roll = s.below(table.iter().map(|t| t.1).sum());
    for (code, weight) in table {
        if roll < *weight {
            return code;
        }
        roll -= weight;
    }
    table.first().map_or("DEED", |t| t.0)
}

/// What a document is before it gets its number.
struct Draft {
    date: NaiveDate,
    slot: u8,
    codes: Vec<String>,
    parties: Vec<Party>,
    pages: u32,
    affidavit: bool,
    restricted: bool,
    /// Fixed by the Assessor (the last deed); otherwise numbered from the slot.
    number: Option<String>,
    sale_price: Option<u64>,
}

/// Slots taken per year.
#[derive(Default)]
struct Calendar {
    used: BTreeMap<i32, u8>,
}

impl Calendar {
    /// Takes `n` slots in `year`, returning the first, if that many are free.
    fn take(&mut self, year: i32, n: u8) -> Option<u8> {
        let used = self.used.entry(year).or_insert(0);
        (*used + n <= 2).then(|| {
            *used += n;
            *used - n
        })
    }
}

fn with_role(parties: &[Party], role: PartyRole) -> Vec<Party> {
    parties
        .iter()
        .map(|p| Party { role, ..p.clone() })
        .collect()
}

fn day_in(s: &mut Stream, year: i32, last_day: u64) -> NaiveDate {
    NaiveDate::from_yo_opt(year, s.range(1, last_day) as u32).unwrap_or_default()
}

impl County {
    /// The recorded history of a parcel, oldest first; empty when the parcel does not exist.
    pub fn parcel_documents(&self, apn: &Apn) -> Vec<DocumentTruth> {
        let Some(key) = self.layout.key_of(apn) else {
            return Vec::new();
        };
        let truth = self.build(key);
        self.history(key, &truth, &Numbering::of(self))
    }

    /// The `Ownership`-style name of parcel `key`'s previous owner `i` (1-based).
    pub(super) fn previous_owner(&self, key: Key, i: u32) -> String {
        self.names.name(previous_owner_key(key, i)).render()
    }

    /// The history of an existing key whose truth is `truth`, oldest first.
    pub(super) fn history(
        &self,
        key: Key,
        truth: &ParcelTruth,
        numbering: &Numbering,
    ) -> Vec<DocumentTruth> {
        let mut s = Stream::new(&[self.seed, TAG_HISTORY, u64::from(key.0), u64::from(key.1)]);
        let owner = &truth.owner;
        // Deed dates, newest first: each owner held the parcel for 1.4 to 14 years.
        let mut dates = vec![owner.deed_date];
        for _ in 0..1 + s.below(MAX_EARLIER_DEEDS) {
            let held = Days::new(s.range(500, 5_200));
            match dates.last().and_then(|d| d.checked_sub_days(held)) {
                Some(d) if d.year() >= FIRST_YEAR => dates.push(d),
                _ => break,
            }
        }
        let earlier = dates.len() - 1;
        // owners[0] is the current owner; owners[i] the previous owner i.
        let owners: Vec<Vec<Party>> = std::iter::once(owner.ownership.clone())
            .chain((1..=earlier as u32 + 1).map(|i| self.previous_owner(key, i)))
            .map(|o| ownership_parties(&o, PartyRole::Party))
            .collect();
        let mut calendar = Calendar::default();
        let mut drafts = Vec::new();
        for (k, &date) in dates.iter().enumerate() {
            drafts.extend(self.deed_drafts(&mut s, k, date, truth, &owners, &mut calendar));
        }
        for k in 0..=earlier {
            let first = dates[k].year() + 1;
            let last = if k == 0 {
                LAST_YEAR
            } else {
                dates[k - 1].year() - 1
            };
            let financed = drafts
                .iter()
                .any(|d| d.date == dates[k] && d.codes[0] == "DEED TRST");
            tenure_drafts(
                &mut s,
                (first, last),
                financed,
                &owners[k],
                &mut calendar,
                &mut drafts,
            );
        }
        let apn = truth.apn;
        let mut docs: Vec<DocumentTruth> = drafts
            .into_iter()
            .filter_map(|d| {
                let number = match d.number {
                    Some(n) => n,
                    None => numbering.number(d.date.year(), key, d.slot)?,
                };
                let is_deed = DEED_CODES.contains(&d.codes[0].as_str());
                Some(DocumentTruth {
                    recording_number: number,
                    recording_date: d.date,
                    document_codes: d.codes,
                    parties: sorted_parties(d.parties),
                    page_amount: d.pages,
                    docket_book: 0,
                    page_map: 0,
                    affidavit_present: d.affidavit,
                    affidavit_page_amount: if d.affidavit { 2 } else { 0 },
                    restricted: d.restricted,
                    apn: Some(apn),
                    is_deed,
                    sale_price: d.sale_price,
                })
            })
            .collect();
        docs.sort_by(|a, b| {
            (a.recording_date, &a.recording_number).cmp(&(b.recording_date, &b.recording_number))
        });
        docs
    }

    /// Deed `k` (0 = the Assessor's last deed) and the deed of trust recorded with it.
    fn deed_drafts(
        &self,
        s: &mut Stream,
        k: usize,
        date: NaiveDate,
        truth: &ParcelTruth,
        owners: &[Vec<Party>],
        calendar: &mut Calendar,
    ) -> Vec<Draft> {
        let (code, number, affidavit, sale_price) = if k == 0 {
            let o = &truth.owner;
            let code = deed_code(&o.deed_type);
            (
                code,
                Some(o.deed_number.clone()),
                o.sale_price.is_some(),
                o.sale_price,
            )
        } else {
            let code = weighted(s, EARLIER_DEED_CODES);
            let sold = matches!(code, "WAR DEED" | "SPEC/W D" | "JNT DEED") && s.chance(85);
            (code, None, sold, None)
        };
        // Deed years are distinct (tenures last over 500 days), so slot 0 is free.
        let slot = calendar.take(date.year(), 1).unwrap_or(0);
        let mut codes = vec![code.to_string()];
        if s.chance(8) {
            codes.push("AF DISCLS".into());
        }
        let mut parties = with_role(&owners[k + 1], PartyRole::Grantor);
        parties.extend(with_role(&owners[k], PartyRole::Grantee));
        let mut out = vec![Draft {
            date,
            slot,
            codes,
            parties,
            pages: s.range(2, 6) as u32,
            affidavit,
            restricted: false,
            number,
            sale_price,
        }];
        let purchase = affidavit || matches!(code, "WAR DEED" | "SPEC/W D" | "JNT DEED");
        if s.chance(if purchase { 75 } else { 10 }) {
            if let Some(slot) = calendar.take(date.year(), 1) {
                out.push(Draft {
                    date,
                    slot,
                    codes: vec!["DEED TRST".into()],
                    parties: owners[k].clone(),
                    pages: s.range(12, 26) as u32,
                    affidavit: false,
                    restricted: false,
                    number: None,
                    sale_price: None,
                });
            }
        }
        out
    }
}

/// A plain one-code document of `owners`.
fn simple(date: NaiveDate, slot: u8, code: &str, parties: Vec<Party>, pages: u32) -> Draft {
    Draft {
        date,
        slot,
        codes: vec![code.to_string()],
        parties,
        pages,
        affidavit: false,
        restricted: false,
        number: None,
        sale_price: None,
    }
}

/// The documents of one owner's tenure (`years`, inclusive, maybe empty): releases and
/// refinances of the purchase loan, and the odd affidavit, lien or death certificate.
fn tenure_drafts(
    s: &mut Stream,
    years: (i32, i32),
    financed: bool,
    owners: &[Party],
    calendar: &mut Calendar,
    out: &mut Vec<Draft>,
) {
    let (first, last) = years;
    if first > last {
        return;
    }
    let span = (last - first) as u64;
    let year_in = |s: &mut Stream, from: i32| from + s.below((last - from) as u64 + 1) as i32;
    if financed {
        let roll = s.below(100);
        if roll < 25 {
            // A refinance: the new deed of trust, and the old one released a few weeks later.
            let year = year_in(s, first);
            if let Some(slot) = calendar.take(year, 2) {
                let date = day_in(s, year, 330);
                let released = date
                    .checked_add_days(Days::new(s.range(10, 30)))
                    .unwrap_or(date);
                out.push(simple(
                    date,
                    slot,
                    "DEED TRST",
                    owners.to_vec(),
                    s.range(12, 26) as u32,
                ));
                out.push(simple(
                    released,
                    slot + 1,
                    "REL D/T",
                    owners.to_vec(),
                    s.range(1, 3) as u32,
                ));
                if year < last && s.chance(50) {
                    let paid = year_in(s, year + 1);
                    if let Some(slot) = calendar.take(paid, 1) {
                        let date = day_in(s, paid, 365);
                        out.push(simple(
                            date,
                            slot,
                            "REL D/T",
                            owners.to_vec(),
                            s.range(1, 3) as u32,
                        ));
                    }
                }
            }
        } else if roll < 80 {
            let year = year_in(s, first);
            if let Some(slot) = calendar.take(year, 1) {
                let date = day_in(s, year, 365);
                out.push(simple(
                    date,
                    slot,
                    "REL D/T",
                    owners.to_vec(),
                    s.range(1, 3) as u32,
                ));
            }
        }
    }
    let person = owners.iter().find(|p| !p.business).cloned();
    let extras: [(&str, u64, bool); 4] = [
        ("AFFIDAVIT", 6, false),
        ("LIEN", 4, false),
        ("MECH LN", 2, false),
        ("DEATH CER", 3, true),
    ];
    for (code, percent, restricted) in extras {
        if !s.chance(percent) {
            continue;
        }
        let parties = match (restricted, &person) {
            (false, _) => owners.to_vec(),
            (true, Some(p)) => vec![p.clone()],
            (true, None) => continue,
        };
        let year = first + s.below(span + 1) as i32;
        let Some(slot) = calendar.take(year, 1) else {
            continue;
        };
        let mut doc = simple(
            day_in(s, year, 365),
            slot,
            code,
            parties,
            s.range(1, 3) as u32,
        );
        doc.restricted = restricted;
        out.push(doc);
    }
}
