//! The name search and the history as first written, kept for the tests as the reference the
//! new ones must equal row for row: every candidate parcel built whole, its whole history
//! written out, for every search; candidates found by drawing every name of the family.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Datelike, Days, NaiveDate};

use super::history::{
    deed_code, previous_owner_key, weighted, DEED_CODES, EARLIER_DEED_CODES, FIRST_YEAR, LAST_YEAR,
    MAX_EARLIER_DEEDS, MAX_PREVIOUS_OWNERS, TAG_HISTORY,
};
use super::lookup::IndexRow;
use super::numbering::Numbering;
use super::old_index::old_documents;
use super::parties::{ownership_parties, IndexQuery};
use super::truth::{sorted_parties, DocumentTruth, Party, PartyRole};
use crate::county::County;
use crate::hash::Stream;
use crate::layout::{Key, MAP_COUNT};
use crate::owner::OwnerNames;
use crate::truth::ParcelTruth;

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

/// The old `County` methods, as free functions of the county.
pub(super) struct Old<'a>(pub &'a County);

impl Old<'_> {
    /// The `Ownership`-style name of parcel `key`'s previous owner `i` (1-based).
    pub(super) fn previous_owner(&self, key: Key, i: u32) -> String {
        self.0.names.name(previous_owner_key(key, i)).render()
    }

    /// The history of an existing key whose truth is `truth`, oldest first.
    pub(super) fn history(
        &self,
        key: Key,
        truth: &ParcelTruth,
        numbering: &Numbering,
    ) -> Vec<DocumentTruth> {
        let mut s = Stream::new(&[self.0.seed, TAG_HISTORY, u64::from(key.0), u64::from(key.1)]);
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

/// The odd documents of a tenure: code, chance in percent, and whether it is restricted (a
/// death certificate names one person, and is restricted).
const TENURE_EXTRAS: [(&str, u64, bool); 4] = [
    ("AFFIDAVIT", 6, false),
    ("LIEN", 4, false),
    ("MECH LN", 2, false),
    ("DEATH CER", 3, true),
];

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
    if financed {
        loan_drafts(s, years, owners, calendar, out);
    }
    extra_drafts(s, years, owners, calendar, out);
}

/// A year from `from` to `last`, inclusive.
fn year_in(s: &mut Stream, from: i32, last: i32) -> i32 {
    from + s.below((last - from) as u64 + 1) as i32
}

/// What became of the purchase loan: refinanced (a quarter), released (over half), or still
/// owed (no document).
fn loan_drafts(
    s: &mut Stream,
    years: (i32, i32),
    owners: &[Party],
    calendar: &mut Calendar,
    out: &mut Vec<Draft>,
) {
    let roll = s.below(100);
    if roll < 25 {
        refinance_drafts(s, years, owners, calendar, out);
    } else if roll < 80 {
        release_draft(s, years, owners, calendar, out);
    }
}

/// A refinance: the new deed of trust, and the old one released a few weeks later; half the
/// time the new loan is paid off in a later year of the tenure.
fn refinance_drafts(
    s: &mut Stream,
    years: (i32, i32),
    owners: &[Party],
    calendar: &mut Calendar,
    out: &mut Vec<Draft>,
) {
    let (first, last) = years;
    let year = year_in(s, first, last);
    // Both documents go in the same year, so it needs two free slots.
    let Some(slot) = calendar.take(year, 2) else {
        return;
    };
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
        release_draft(s, (year + 1, last), owners, calendar, out);
    }
}

/// A loan paid off: its release, in a year of `years` with a free slot.
fn release_draft(
    s: &mut Stream,
    years: (i32, i32),
    owners: &[Party],
    calendar: &mut Calendar,
    out: &mut Vec<Draft>,
) {
    let year = year_in(s, years.0, years.1);
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

/// The odd documents of [`TENURE_EXTRAS`], each by its chance, in a year of the tenure.
fn extra_drafts(
    s: &mut Stream,
    years: (i32, i32),
    owners: &[Party],
    calendar: &mut Calendar,
    out: &mut Vec<Draft>,
) {
    let (first, last) = years;
    let span = (last - first) as u64;
    let person = owners.iter().find(|p| !p.business).cloned();
    for (code, percent, restricted) in TENURE_EXTRAS {
        if !s.chance(percent) {
            continue;
        }
        // A restricted document names one person; owners that are all entities have none.
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

impl Old<'_> {
    /// Every index row a query matches, in the service's order (recording number, then
    /// name). A query with no name matches the whole index, of which only the 1947
    /// beginning is listed (the service never shows more than 501 rows).
    pub(super) fn search_index(&self, q: &IndexQuery) -> Vec<IndexRow> {
        let mut rows: Vec<IndexRow> = Vec::new();
        for doc in old_documents(self.0.seed) {
            for party in &doc.parties {
                if q.is_unfiltered() || q.matches(party) {
                    rows.push((party.name.clone(), doc.clone()));
                }
            }
        }
        if !q.is_unfiltered() {
            let numbering = Numbering::of(self.0);
            for key in self.name_candidates(q) {
                let truth = self.0.build(key);
                for doc in self.history(key, &truth, &numbering) {
                    for party in doc.parties.iter().filter(|p| q.matches(p)) {
                        rows.push((party.name.clone(), doc.clone()));
                    }
                }
            }
        }
        rows.sort_by(|a, b| (a.1.number_value(), &a.0).cmp(&(b.1.number_value(), &b.0)));
        rows.dedup_by(|b, a| a.0 == b.0 && a.1.recording_number == b.1.recording_number);
        rows
    }

    /// Existing parcels whose current or a previous owner has a name matching `q`.
    pub(super) fn name_candidates(&self, q: &IndexQuery) -> BTreeSet<Key> {
        let answers = |ownership: &str| {
            ownership_parties(ownership, PartyRole::Party)
                .iter()
                .any(|p| q.matches(p))
        };
        let mut keys = BTreeSet::new();
        for word in q.lead_words() {
            for key in self.0.owner_candidates(&word, None) {
                if answers(&self.0.ownership_of(key)) {
                    keys.insert(key);
                }
            }
            for family in OwnerNames::families(&word) {
                for i in 1..=MAX_PREVIOUS_OWNERS {
                    for g in 0..MAP_COUNT {
                        let count = self.0.layout.count(g);
                        let derived = g + i * MAP_COUNT;
                        for (_, p) in self.0.names.candidates_in_map(family, derived, count) {
                            if !self.0.layout.key_exists((g, p)) {
                                continue;
                            }
                            let name = self.0.names.name((derived, p));
                            if OwnerNames::in_family(&name, family) && answers(&name.render()) {
                                keys.insert((g, p));
                            }
                        }
                    }
                }
            }
        }
        keys
    }
}

impl Old<'_> {
    /// The old `County::parcel_documents` of an existing key.
    pub(super) fn parcel_documents(&self, key: Key) -> Vec<DocumentTruth> {
        let truth = self.0.build(key);
        self.history(key, &truth, &Numbering::of(self.0))
    }
}

/// The replaced search for many queries: the same candidates and rows as
/// [`Old::search_index`], with the work that does not depend on the query done once and
/// kept: each lead word's family members (every name the old search draws, with its index
/// names, filed by the second word of their person names) and each candidate's history. A
/// query then tests only the members that can answer it (a person name answers only if its
/// second word starts with the query's first name), with the old test.
pub(super) struct OldMemo<'a> {
    old: Old<'a>,
    old_documents: Vec<DocumentTruth>,
    members: HashMap<String, Members>,
    histories: HashMap<Key, Vec<DocumentTruth>>,
}

/// A lead word's members: (parcel, index names), and where to find them.
#[derive(Default)]
struct Members {
    all: Vec<(Key, Vec<Party>)>,
    /// Members with a person name, by that name's second word ("" when it has none).
    by_second_word: HashMap<String, Vec<usize>>,
    /// Members with an entity name.
    entities: Vec<usize>,
}

impl<'a> OldMemo<'a> {
    pub(super) fn new(county: &'a County) -> OldMemo<'a> {
        OldMemo {
            old: Old(county),
            old_documents: old_documents(county.seed).collect(),
            members: HashMap::new(),
            histories: HashMap::new(),
        }
    }

    /// What `Old::name_candidates` draws for `word`, whatever the query.
    fn members(&mut self, word: &str) -> &Members {
        let county = self.old.0;
        self.members.entry(word.to_string()).or_insert_with(|| {
            let parties = |ownership: &str| ownership_parties(ownership, PartyRole::Party);
            let mut all = Vec::new();
            for key in county.owner_candidates(word, None) {
                all.push((key, parties(&county.ownership_of(key))));
            }
            for family in OwnerNames::families(word) {
                for i in 1..=MAX_PREVIOUS_OWNERS {
                    for g in 0..MAP_COUNT {
                        let count = county.layout.count(g);
                        let derived = g + i * MAP_COUNT;
                        for (_, p) in county.names.candidates_in_map(family, derived, count) {
                            if !county.layout.key_exists((g, p)) {
                                continue;
                            }
                            let name = county.names.name((derived, p));
                            if OwnerNames::in_family(&name, family) {
                                all.push(((g, p), parties(&name.render())));
                            }
                        }
                    }
                }
            }
            let mut members = Members::default();
            for (i, (_, parties)) in all.iter().enumerate() {
                for p in parties {
                    if p.business {
                        members.entities.push(i);
                    } else {
                        let second = p.name.split(' ').nth(1).unwrap_or_default();
                        members
                            .by_second_word
                            .entry(second.to_string())
                            .or_default()
                            .push(i);
                    }
                }
            }
            members.all = all;
            members
        })
    }

    /// `Old::name_candidates`.
    pub(super) fn candidates(&mut self, q: &IndexQuery) -> BTreeSet<Key> {
        let mut keys = BTreeSet::new();
        for word in q.lead_words() {
            let members = self.members(&word);
            let mut tried: Vec<usize> = Vec::new();
            if q.last.is_some() {
                for (second, list) in &members.by_second_word {
                    if q.first.as_deref().is_none_or(|f| second.starts_with(f)) {
                        tried.extend(list);
                    }
                }
            }
            if q.business.is_some() {
                tried.extend(&members.entities);
            }
            for i in tried {
                let (key, parties) = &members.all[i];
                if parties.iter().any(|p| q.matches(p)) {
                    keys.insert(*key);
                }
            }
        }
        keys
    }

    /// `Old::search_index`.
    pub(super) fn search_index(&mut self, q: &IndexQuery) -> Vec<IndexRow> {
        let mut rows: Vec<IndexRow> = Vec::new();
        for doc in &self.old_documents {
            for party in &doc.parties {
                if q.is_unfiltered() || q.matches(party) {
                    rows.push((party.name.clone(), doc.clone()));
                }
            }
        }
        if !q.is_unfiltered() {
            for key in self.candidates(q) {
                let old = &self.old;
                let history = self
                    .histories
                    .entry(key)
                    .or_insert_with(|| old.parcel_documents(key));
                for doc in history.iter() {
                    for party in doc.parties.iter().filter(|p| q.matches(p)) {
                        rows.push((party.name.clone(), doc.clone()));
                    }
                }
            }
        }
        rows.sort_by(|a, b| (a.1.number_value(), &a.0).cmp(&(b.1.number_value(), &b.0)));
        rows.dedup_by(|b, a| a.0 == b.0 && a.1.recording_number == b.1.recording_number);
        rows
    }
}
