//! The Recorder's ground truth: one recorded document as plain typed values, and the last deed
//! of the Assessor's record a parcel's history ends with.
//!
//! The API's JSON (and the website's page) are rendered from these, so tests can compare what
//! `mps` parsed with what the simulator meant. Parties carry what the service hides (their
//! role, whether they are a business) so tests can also check a chain of title.

use chrono::NaiveDate;

use crate::truth::ParcelTruth;
use mps_ident::Apn;

/// What a party did on a document. The service lists names without roles; the truth keeps them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyRole {
    /// Conveys the parcel (the seller on a deed).
    Grantor,
    /// Receives it (the buyer on a deed).
    Grantee,
    /// Any other party: the borrower on a deed of trust, the debtor on a lien, the deceased.
    Party,
}

/// One name on a document.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Party {
    /// As indexed: "LAST FIRST MIDDLE" for people, entities verbatim.
    pub name: String,
    /// An entity (LLC, trust, city…): found by `businessNames`, not `lastNames`.
    pub business: bool,
    /// What the party did on the document (kept here; the service does not say).
    pub role: PartyRole,
}

/// One recorded document.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DocumentTruth {
    /// 11 digits: the recording year and a 7-digit sequence.
    pub recording_number: String,
    /// The day the document was recorded.
    pub recording_date: NaiveDate,
    /// The first code is the one a search row shows (with `+` when there are more).
    pub document_codes: Vec<String>,
    /// Sorted by name, one entry per distinct name (the order the API lists `names` in).
    pub parties: Vec<Party>,
    /// How many pages the document has (`pageAmount`).
    pub page_amount: u32,
    /// 0 when none (modern documents have no book and page).
    pub docket_book: u32,
    /// The page in `docket_book`; 0 when there is no book.
    pub page_map: u32,
    /// Whether a disclosure affidavit was recorded with the document.
    pub affidavit_present: bool,
    /// The affidavit's pages; 0 when there is none.
    pub affidavit_page_amount: u32,
    /// Body-restricted (A.R.S. §11-483): metadata is public, images are not.
    pub restricted: bool,
    /// The parcel whose history holds the document; `None` for the 1947 index rows.
    pub apn: Option<Apn>,
    /// A transfer of the parcel (a deed-family code).
    pub is_deed: bool,
    /// The Assessor's sale price, known only for the deed that is the Assessor's last deed.
    pub sale_price: Option<u64>,
}

impl DocumentTruth {
    /// Every name, sorted, as the API's `names` lists them.
    pub fn names(&self) -> Vec<String> {
        self.parties.iter().map(|p| p.name.clone()).collect()
    }

    /// The names with `role`, sorted.
    pub fn names_with(&self, role: PartyRole) -> Vec<String> {
        self.parties
            .iter()
            .filter(|p| p.role == role)
            .map(|p| p.name.clone())
            .collect()
    }

    /// The code a search row shows: the first code, `+` when the document carries more.
    pub fn search_code(&self) -> String {
        let first = self.document_codes.first().map_or("", String::as_str);
        if self.document_codes.len() > 1 {
            format!("{first}+")
        } else {
            first.to_string()
        }
    }

    /// The recording number as a number (search rows send it so).
    pub fn number_value(&self) -> u64 {
        self.recording_number.parse().unwrap_or(0)
    }
}

/// What a history needs from its parcel's Assessor truth: the owner and the last deed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastDeed {
    pub apn: Apn,
    pub ownership: String,
    pub deed_date: NaiveDate,
    pub deed_type: String,
    pub deed_number: String,
    pub sale_price: Option<u64>,
}

impl LastDeed {
    pub fn of(truth: &ParcelTruth) -> LastDeed {
        let o = &truth.owner;
        LastDeed {
            apn: truth.apn,
            ownership: o.ownership.clone(),
            deed_date: o.deed_date,
            deed_type: o.deed_type.clone(),
            deed_number: o.deed_number.clone(),
            sale_price: o.sale_price,
        }
    }
}

/// `6-25-2015`: month not padded, day padded, as the Recorder writes dates.
pub fn recorder_date(d: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}-{:02}-{}", d.month(), d.day(), d.year())
}

/// Sorts parties by name and keeps the first of each name (a name listed twice is indexed once).
pub(super) fn sorted_parties(mut parties: Vec<Party>) -> Vec<Party> {
    parties.sort_by(|a, b| a.name.cmp(&b.name));
    parties.dedup_by(|b, a| a.name == b.name);
    parties
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_month_unpadded_day_padded() {
        let d = NaiveDate::from_ymd_opt(2015, 6, 5).unwrap_or_default();
        assert_eq!(recorder_date(d), "6-05-2015");
        let d = NaiveDate::from_ymd_opt(2015, 12, 25).unwrap_or_default();
        assert_eq!(recorder_date(d), "12-25-2015");
    }
}
