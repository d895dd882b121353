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
//!
//! A name search reads the histories of many parcels and wants few of their documents, so a
//! history is first [`Planned`]: the draws only, each document naming owners by position,
//! from the parcel's [`LastDeed`] (for a generated parcel, computed without building it). Only
//! the documents asked for are then written out with their names.

use std::borrow::Cow;

use chrono::{Datelike, Days, NaiveDate};

use super::numbering::Numbering;
use super::parties::{generated_parties, may_answer, ownership_parties, IndexQuery};
use super::truth::{sorted_parties, DocumentTruth, LastDeed, Party, PartyRole};
use crate::county::County;
use crate::hash::Stream;
use crate::layout::{Key, MAP_COUNT};
use crate::owner::OwnerName;
use mps_ident::Apn;

/// No generated document is older (the old index aside).
pub const FIRST_YEAR: i32 = 1971;
/// Nor newer (the Assessor's newest deeds are from this year).
pub const LAST_YEAR: i32 = 2025;
/// Earlier deeds a parcel has at most; previous owners are one more (the first seller).
pub const MAX_EARLIER_DEEDS: u64 = 3;
/// Previous owners a history can name, and so the derived keys a name lookup must try.
pub const MAX_PREVIOUS_OWNERS: u32 = MAX_EARLIER_DEEDS as u32 + 1;
/// Owners a history can name: the current owner and the previous ones.
pub const OWNER_SLOTS: usize = MAX_PREVIOUS_OWNERS as usize + 1;
pub(super) const TAG_HISTORY: u64 = 0x5245_4348;

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
pub(super) const EARLIER_DEED_CODES: &[(&str, u64)] = &[
    ("WAR DEED", 58),
    ("SPEC/W D", 18),
    ("Q/CL DEED", 9),
    ("JNT DEED", 6),
    ("TRST DEED", 4),
    ("DEED", 2),
    ("BENE DEED", 2),
    ("PROB DEED", 1),
];

pub(super) fn weighted(s: &mut Stream, table: &[(&'static str, u64)]) -> &'static str {
    let mut roll = s.below(table.iter().map(|t| t.1).sum());
    for (code, weight) in table {
        if roll < *weight {
            return code;
        }
        roll -= weight;
    }
    table.first().map_or("DEED", |t| t.0)
}

/// The current owner as a history names them.
#[derive(Debug, Clone)]
enum Current {
    /// A generated name: its index names are written from its structure.
    Generated(OwnerName),
    /// A reference parcel's owner, known only as its `Ownership` text.
    Reference(String),
}

/// What a history is drawn from: a [`LastDeed`] whose owner is not yet rendered.
#[derive(Debug, Clone)]
struct Basis {
    apn: Apn,
    current: Current,
    deed_date: NaiveDate,
    deed_type: Cow<'static, str>,
    /// `None`: the numbering's number for the parcel's deed of `deed_date`, written out only
    /// when asked for (most histories a search reads never show their last deed).
    deed_number: Option<String>,
    sale_price: Option<u64>,
}

/// Whom a document names, by owner position (0 = the current owner, `i` = previous owner `i`).
#[derive(Debug, Clone, Copy)]
enum Names {
    /// A deed from owner `k + 1` (grantors) to owner `k` (grantees).
    Deed(usize),
    /// Every index name of owner `k` (a deed of trust, a release, a lien…).
    Owner(usize),
    /// Owner `k`'s first person (a death certificate).
    Person(usize),
}

impl Names {
    fn includes(self, owner: usize) -> bool {
        match self {
            Names::Deed(k) => owner == k || owner == k + 1,
            Names::Owner(k) | Names::Person(k) => owner == k,
        }
    }
}

/// What a document is before it gets its number and its names.
#[derive(Debug, Clone)]
struct Draft {
    date: NaiveDate,
    slot: u8,
    code: &'static str,
    /// A disclosure affidavit recorded with the deed (a second code).
    disclosure: bool,
    names: Names,
    pages: u32,
    affidavit: bool,
    restricted: bool,
    /// The Assessor's last deed, which has the Assessor's number; others are numbered from
    /// their slot.
    last_deed: bool,
    sale_price: Option<u64>,
}

/// Slots taken per year (a history touches a dozen years at most: a list beats a map).
#[derive(Default)]
struct Calendar {
    used: Vec<(i32, u8)>,
}

impl Calendar {
    /// Takes `n` slots in `year`, returning the first, if that many are free.
    fn take(&mut self, year: i32, n: u8) -> Option<u8> {
        let i = match self.used.iter().position(|&(y, _)| y == year) {
            Some(i) => i,
            None => {
                self.used.push((year, 0));
                self.used.len() - 1
            }
        };
        let used = &mut self.used[i].1;
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

/// A parcel's history, drawn but not written out: documents are made on demand.
pub(super) struct Planned<'a> {
    key: Key,
    numbering: &'a Numbering,
    basis: Basis,
    drafts: Vec<Draft>,
    /// Owners the history names: the current one and previous owners 1..owners.
    owners: usize,
    /// Each owner's generated name (`None` for a reference owner, known only as text).
    names: [Option<OwnerName>; OWNER_SLOTS],
    /// Each owner's index names, parsed when first needed.
    parties: [Option<Vec<Party>>; OWNER_SLOTS],
}

impl County {
    /// The recorded history of a parcel, oldest first; empty when the parcel does not exist.
    pub fn parcel_documents(&self, apn: &Apn) -> Vec<DocumentTruth> {
        let Some(key) = self.layout.key_of(apn) else {
            return Vec::new();
        };
        let numbering = Numbering::of(self);
        let mut docs = self.planned(key, &numbering).documents();
        let recorded = self.recorded_for(apn);
        if !recorded.is_empty() {
            docs.extend(recorded);
            docs.sort_by(|a, b| {
                (a.recording_date, &a.recording_number)
                    .cmp(&(b.recording_date, &b.recording_number))
            });
        }
        docs
    }

    /// What the history of an existing key is drawn from; a generated parcel's without
    /// building the parcel.
    fn basis(&self, key: Key) -> Basis {
        let Some((draws, latest_fcv)) = self.generated_deed(key) else {
            let deed = self
                .reference_deeds()
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, d)| d.clone())
                .unwrap_or_else(|| LastDeed::of(&self.build(key)));
            return Basis {
                apn: deed.apn,
                current: Current::Reference(deed.ownership),
                deed_date: deed.deed_date,
                deed_type: Cow::Owned(deed.deed_type),
                deed_number: Some(deed.deed_number),
                sale_price: deed.sale_price,
            };
        };
        Basis {
            apn: self.layout.apn(key),
            current: Current::Generated(self.names.name(key)),
            deed_date: draws.deed_date,
            deed_type: Cow::Borrowed(draws.deed_type),
            deed_number: None,
            sale_price: draws.sale_price(latest_fcv),
        }
    }

    /// The last deed of every reference parcel, in the reference table's order (kept in the
    /// Recorder's state once built).
    pub(super) fn reference_deeds(&self) -> &[(Key, LastDeed)] {
        self.recorder.reference_deeds.get_or_init(|| {
            self.ref_keys
                .iter()
                .map(|&key| (key, LastDeed::of(&self.build(key))))
                .collect()
        })
    }

    /// The owner and the last deed of an existing key, as the Assessor has them.
    pub(super) fn last_deed(&self, key: Key) -> LastDeed {
        let numbering = Numbering::of(self);
        let b = self.basis(key);
        LastDeed {
            apn: b.apn,
            ownership: match b.current {
                Current::Generated(name) => name.render(),
                Current::Reference(ownership) => ownership,
            },
            deed_date: b.deed_date,
            deed_type: b.deed_type.into_owned(),
            deed_number: b
                .deed_number
                .unwrap_or_else(|| numbering.deed_number(key, b.deed_date)),
            sale_price: b.sale_price,
        }
    }

    /// The history of an existing key, drawn from its last deed.
    pub(super) fn planned<'a>(&'a self, key: Key, numbering: &'a Numbering) -> Planned<'a> {
        Planned::new(self, key, numbering, self.basis(key))
    }
}

impl<'a> Planned<'a> {
    fn new(county: &'a County, key: Key, numbering: &'a Numbering, basis: Basis) -> Planned<'a> {
        let mut s = Stream::new(&[county.seed, TAG_HISTORY, u64::from(key.0), u64::from(key.1)]);
        // Deed dates, newest first: each owner held the parcel for 1.4 to 14 years.
        let mut dates = vec![basis.deed_date];
        for _ in 0..1 + s.below(MAX_EARLIER_DEEDS) {
            let held = Days::new(s.range(500, 5_200));
            match dates.last().and_then(|d| d.checked_sub_days(held)) {
                Some(d) if d.year() >= FIRST_YEAR => dates.push(d),
                _ => break,
            }
        }
        let earlier = dates.len() - 1;
        let mut names = [None; OWNER_SLOTS];
        for (k, name) in names.iter_mut().enumerate().take(earlier + 2) {
            *name = match (k, &basis.current) {
                (0, Current::Generated(name)) => Some(*name),
                (0, Current::Reference(_)) => None,
                _ => Some(county.names.name(previous_owner_key(key, k as u32))),
            };
        }
        let mut plan = Planned {
            key,
            numbering,
            basis,
            drafts: Vec::new(),
            owners: earlier + 2,
            names,
            parties: Default::default(),
        };
        let mut calendar = Calendar::default();
        let mut drafts = Vec::new();
        for (k, &date) in dates.iter().enumerate() {
            plan.deed_drafts(&mut s, k, date, &mut calendar, &mut drafts);
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
                .any(|d| d.date == dates[k] && d.code == "DEED TRST");
            let has_person = plan.has_person(k);
            tenure_drafts(
                &mut s,
                (first, last),
                financed,
                (k, has_person),
                &mut calendar,
                &mut drafts,
            );
        }
        plan.drafts = drafts;
        plan
    }

    /// Deed `k` (0 = the Assessor's last deed) and the deed of trust recorded with it.
    fn deed_drafts(
        &self,
        s: &mut Stream,
        k: usize,
        date: NaiveDate,
        calendar: &mut Calendar,
        out: &mut Vec<Draft>,
    ) {
        let (code, affidavit, sale_price) = if k == 0 {
            let d = &self.basis;
            (
                deed_code(&d.deed_type),
                d.sale_price.is_some(),
                d.sale_price,
            )
        } else {
            let code = weighted(s, EARLIER_DEED_CODES);
            let sold = matches!(code, "WAR DEED" | "SPEC/W D" | "JNT DEED") && s.chance(85);
            (code, sold, None)
        };
        // Deed years are distinct (tenures last over 500 days), so slot 0 is free.
        let slot = calendar.take(date.year(), 1).unwrap_or(0);
        let disclosure = s.chance(8);
        out.push(Draft {
            date,
            slot,
            code,
            disclosure,
            names: Names::Deed(k),
            pages: s.range(2, 6) as u32,
            affidavit,
            restricted: false,
            last_deed: k == 0,
            sale_price,
        });
        let purchase = affidavit || matches!(code, "WAR DEED" | "SPEC/W D" | "JNT DEED");
        if s.chance(if purchase { 75 } else { 10 }) {
            if let Some(slot) = calendar.take(date.year(), 1) {
                out.push(Draft {
                    date,
                    slot,
                    code: "DEED TRST",
                    disclosure: false,
                    names: Names::Owner(k),
                    pages: s.range(12, 26) as u32,
                    affidavit: false,
                    restricted: false,
                    last_deed: false,
                    sale_price: None,
                });
            }
        }
    }

    /// Owner `k`'s generated name, when it is one (not a reference owner).
    fn name(&self, k: usize) -> Option<OwnerName> {
        self.names[k]
    }

    /// Owner `k`'s index names.
    fn parties(&mut self, k: usize) -> &[Party] {
        let name = self.name(k);
        let current = &self.basis.current;
        self.parties[k].get_or_insert_with(|| match (name, current) {
            (Some(name), _) => generated_parties(&name),
            (None, Current::Reference(ownership)) => ownership_parties(ownership, PartyRole::Party),
            (None, Current::Generated(name)) => generated_parties(name),
        })
    }

    /// Does owner `k` have an index name that is a person (who can die)?
    fn has_person(&mut self, k: usize) -> bool {
        match self.name(k) {
            // Generated people are persons and generated entities are not (a test checks the
            // name lists keep it so), which spares parsing every owner.
            Some(name) => !name.is_company(),
            None => self.parties(k).iter().any(|p| !p.business),
        }
    }

    /// Does one of owner `k`'s index names answer `q`?
    fn answers(&mut self, k: usize, q: &IndexQuery) -> bool {
        if self.name(k).is_some_and(|name| !may_answer(q, &name)) {
            return false;
        }
        self.parties(k).iter().any(|p| q.matches(p))
    }

    /// The recording number of draft `d`; `None` when the numbering has none for it.
    fn number(&self, d: &Draft) -> Option<String> {
        match (d.last_deed, &self.basis.deed_number) {
            (true, Some(number)) => Some(number.clone()),
            (true, None) => Some(self.numbering.deed_number(self.key, self.basis.deed_date)),
            (false, _) => self.numbering.number(d.date.year(), self.key, d.slot),
        }
    }

    /// Draft `i` written out; `None` when the numbering has no number for it.
    fn document(&mut self, i: usize) -> Option<DocumentTruth> {
        let d = self.drafts[i].clone();
        let number = self.number(&d)?;
        let parties = match d.names {
            Names::Deed(k) => {
                let mut parties = with_role(self.parties(k + 1), PartyRole::Grantor);
                parties.extend(with_role(self.parties(k), PartyRole::Grantee));
                parties
            }
            Names::Owner(k) => self.parties(k).to_vec(),
            Names::Person(k) => self
                .parties(k)
                .iter()
                .find(|p| !p.business)
                .cloned()
                .into_iter()
                .collect(),
        };
        let mut codes = vec![d.code.to_string()];
        if d.disclosure {
            codes.push("AF DISCLS".into());
        }
        Some(DocumentTruth {
            recording_number: number,
            recording_date: d.date,
            document_codes: codes,
            parties: sorted_parties(parties),
            page_amount: d.pages,
            docket_book: 0,
            page_map: 0,
            affidavit_present: d.affidavit,
            affidavit_page_amount: if d.affidavit { 2 } else { 0 },
            restricted: d.restricted,
            apn: Some(self.basis.apn),
            is_deed: DEED_CODES.contains(&d.code),
            sale_price: d.sale_price,
        })
    }

    /// The drafts `pick` selects, written out, oldest first.
    fn documents_where(&mut self, pick: impl Fn(usize, &Draft) -> bool) -> Vec<DocumentTruth> {
        let picked: Vec<usize> = (0..self.drafts.len())
            .filter(|&i| pick(i, &self.drafts[i]))
            .collect();
        let mut docs: Vec<DocumentTruth> = picked
            .into_iter()
            .filter_map(|i| self.document(i))
            .collect();
        docs.sort_by(|a, b| {
            (a.recording_date, &a.recording_number).cmp(&(b.recording_date, &b.recording_number))
        });
        docs
    }

    /// The whole history, oldest first.
    pub(super) fn documents(&mut self) -> Vec<DocumentTruth> {
        self.documents_where(|_, _| true)
    }

    /// The documents that name someone `q` answers, oldest first: only owners one of whose
    /// names answers can be on them, so the others are never written out.
    pub(super) fn documents_answering(&mut self, q: &IndexQuery) -> Vec<DocumentTruth> {
        let answering: Vec<usize> = (0..self.owners).filter(|&k| self.answers(k, q)).collect();
        if answering.is_empty() {
            return Vec::new();
        }
        self.documents_where(|_, d| answering.iter().any(|&k| d.names.includes(k)))
    }

    /// The document numbered `number`, if the history has it.
    pub(super) fn document_numbered(&mut self, number: &str) -> Option<DocumentTruth> {
        let numbered: Vec<bool> = self
            .drafts
            .iter()
            .map(|d| self.number(d).as_deref() == Some(number))
            .collect();
        self.documents_where(|i, _| numbered[i]).into_iter().next()
    }
}

/// A plain one-code document naming owner `k`.
fn simple(date: NaiveDate, slot: u8, code: &'static str, k: usize, pages: u32) -> Draft {
    Draft {
        date,
        slot,
        code,
        disclosure: false,
        names: Names::Owner(k),
        pages,
        affidavit: false,
        restricted: false,
        last_deed: false,
        sale_price: None,
    }
}

/// The documents of owner `k`'s tenure (`years`, inclusive, maybe empty): releases and
/// refinances of the purchase loan, and the odd affidavit, lien or death certificate (only
/// of a person: `owner.1`).
fn tenure_drafts(
    s: &mut Stream,
    years: (i32, i32),
    financed: bool,
    owner: (usize, bool),
    calendar: &mut Calendar,
    out: &mut Vec<Draft>,
) {
    let (first, last) = years;
    let (k, has_person) = owner;
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
                out.push(simple(date, slot, "DEED TRST", k, s.range(12, 26) as u32));
                out.push(simple(
                    released,
                    slot + 1,
                    "REL D/T",
                    k,
                    s.range(1, 3) as u32,
                ));
                if year < last && s.chance(50) {
                    let paid = year_in(s, year + 1);
                    if let Some(slot) = calendar.take(paid, 1) {
                        let date = day_in(s, paid, 365);
                        out.push(simple(date, slot, "REL D/T", k, s.range(1, 3) as u32));
                    }
                }
            }
        } else if roll < 80 {
            let year = year_in(s, first);
            if let Some(slot) = calendar.take(year, 1) {
                let date = day_in(s, year, 365);
                out.push(simple(date, slot, "REL D/T", k, s.range(1, 3) as u32));
            }
        }
    }
    let extras: [(&'static str, u64, bool); 4] = [
        ("AFFIDAVIT", 6, false),
        ("LIEN", 4, false),
        ("MECH LN", 2, false),
        ("DEATH CER", 3, true),
    ];
    for (code, percent, restricted) in extras {
        if !s.chance(percent) {
            continue;
        }
        let names = match (restricted, has_person) {
            (false, _) => Names::Owner(k),
            (true, true) => Names::Person(k),
            (true, false) => continue,
        };
        let year = first + s.below(span + 1) as i32;
        let Some(slot) = calendar.take(year, 1) else {
            continue;
        };
        let mut doc = simple(day_in(s, year, 365), slot, code, k, s.range(1, 3) as u32);
        doc.names = names;
        doc.restricted = restricted;
        out.push(doc);
    }
}
