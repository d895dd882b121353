//! Documents recorded while the simulator runs (`Simulator::record_document`, or
//! `POST /__sim/record` on a standalone `mps sim`), so a test or a user can check that a
//! refresh run fetches exactly what is new.
//!
//! The rest of the county stays a pure function of its seed; these few documents are kept in
//! memory and served beside the generated ones wherever those are (by number, by name, on the
//! website, in the truth). A recorded document names its parcel's current owners, as the
//! parcel's other documents do, and is numbered in its recording year above any sequence the
//! numbering generates, so it comes after every existing document of that year.
//!
//! Deeds are refused: a new deed would change the Assessor's last deed, which this does not
//! model.

use chrono::{Datelike, NaiveDate};

use super::history::DEED_CODES;
use super::parties::{ownership_parties, squash, IndexQuery};
use super::truth::{sorted_parties, DocumentTruth, PartyRole};
use crate::county::County;
use mps_ident::Apn;

/// The first sequence given to a recorded document: far above the generated ones (which stay
/// below `OFFSET + SLOTS × parcels`, under 8,000,000 for every seed), so no number collides.
pub const FIRST_RECORDED_SEQUENCE: u64 = 9_000_000;
/// One past the last 7-digit sequence.
const SEQUENCE_LIMIT: u64 = 10_000_000;

impl County {
    /// Records a document coded `code` on the parcel `apn`, dated `date`, naming the parcel's
    /// current owners; returns its recording number. Deed codes and unknown parcels are
    /// refused, as is a sequence past 7 digits.
    pub fn record_document(
        &self,
        apn: &Apn,
        code: &str,
        date: NaiveDate,
    ) -> Result<String, String> {
        let code = squash(code);
        if code.is_empty() {
            return Err("a document code is required (e.g. DEED TRST)".into());
        }
        if DEED_CODES.contains(&code.as_str()) {
            return Err(format!(
                "{code} is a deed: recording a deed would change the Assessor's last deed, \
                 which the simulator does not model"
            ));
        }
        let Some(key) = self.layout.key_of(apn) else {
            return Err(format!("no parcel {apn} in the simulated county"));
        };
        if !(1000..=9999).contains(&date.year()) {
            return Err(format!("{date} has no four-digit year"));
        }
        let deed = self.last_deed(key);
        let parties = sorted_parties(ownership_parties(&deed.ownership, PartyRole::Party));
        let mut docs = self.recorder.recorded.write();
        let sequence = FIRST_RECORDED_SEQUENCE + docs.len() as u64;
        if sequence >= SEQUENCE_LIMIT {
            return Err("the simulator records at most a million documents".into());
        }
        let number = format!("{}{sequence:07}", date.year());
        docs.push(DocumentTruth {
            recording_number: number.clone(),
            recording_date: date,
            document_codes: vec![code],
            parties,
            page_amount: 1,
            docket_book: 0,
            page_map: 0,
            affidavit_present: false,
            affidavit_page_amount: 0,
            restricted: false,
            apn: Some(*apn),
            is_deed: false,
            sale_price: None,
        });
        Ok(number)
    }

    /// How many documents have been recorded (a search result is stale once this changes).
    pub(super) fn recorded_count(&self) -> usize {
        self.recorder.recorded.len()
    }

    /// Every recorded document, in recording order.
    pub fn recorded_documents(&self) -> Vec<DocumentTruth> {
        self.recorder.recorded.read().clone()
    }

    /// The recorded documents of one parcel, in recording order.
    pub(super) fn recorded_for(&self, apn: &Apn) -> Vec<DocumentTruth> {
        let docs = self.recorder.recorded.read();
        docs.iter()
            .filter(|d| d.apn == Some(*apn))
            .cloned()
            .collect()
    }

    /// The recorded document numbered `number`.
    pub(super) fn recorded_document(&self, number: &str) -> Option<DocumentTruth> {
        let docs = self.recorder.recorded.read();
        docs.iter().find(|d| d.recording_number == number).cloned()
    }

    /// The recorded documents with a name answering `q`.
    pub(super) fn recorded_answering(&self, q: &IndexQuery) -> Vec<DocumentTruth> {
        let docs = self.recorder.recorded.read();
        docs.iter()
            .filter(|d| d.parties.iter().any(|p| q.matches(p)))
            .cloned()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recorder::numbering::{Numbering, OFFSET, SLOTS};

    #[test]
    fn recorded_sequences_are_above_every_generated_one() {
        for seed in [1, 42, 7777] {
            let county = County::new(seed);
            let generated_limit = OFFSET + SLOTS * county.parcel_count();
            assert!(generated_limit <= FIRST_RECORDED_SEQUENCE, "seed {seed}");
            let n = Numbering::of(&county);
            assert_eq!(n.decode(&format!("2026{FIRST_RECORDED_SEQUENCE}")), None);
        }
    }
}
