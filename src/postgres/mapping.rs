//! From records to rows: reads each record's typed blocks and collects the rows of every
//! table, de-duplicated by key.
//!
//! The mapping is lenient on purpose: an empty text, a number the column cannot hold or an
//! unreadable fetch time becomes NULL (or now), because one odd value must not cost a whole
//! batch. Only blocks that carry data are read; a failed block has none and so changes
//! nothing that is stored.

use super::numeric;
use super::table_rows::{
    dedup, DocumentRow, LinkRow, PaymentRow, PropertyRow, SaleRow, TaxBillRow, ValuationRow,
};
use chrono::{DateTime, Utc};
use mps_model::blocks::{ParcelRecord, SearchMatch, TaxRecord};
use mps_model::data::{ParcelDocuments, ParcelSales};
use mps_model::record::{Record, SourceBlock};
use std::collections::BTreeSet;

/// Every table's rows for one batch.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Rows {
    pub properties: Vec<PropertyRow>,
    pub property_matches: Vec<PropertyRow>,
    pub valuations: Vec<ValuationRow>,
    pub tax_bills: Vec<TaxBillRow>,
    pub documents: Vec<DocumentRow>,
    pub index_documents: Vec<DocumentRow>,
    pub sale_documents: Vec<DocumentRow>,
    pub links: Vec<LinkRow>,
    pub sales: Vec<SaleRow>,
}

impl Rows {
    /// The rows of `records`; `now` stands in for a block's missing fetch time.
    pub fn from_records(records: &[Record], now: DateTime<Utc>) -> Rows {
        let mut rows = Rows::default();
        for r in records {
            rows.add_record(r, now);
        }
        rows.deduplicated()
    }

    /// Adds the rows of one record.
    pub fn add_record(&mut self, record: &Record, now: DateTime<Utc>) {
        if let Some((data, at)) = block(&record.assessor, now) {
            for p in data.parcels() {
                self.add_parcel(p, at);
            }
            for m in data.matches() {
                self.add_match(m);
            }
        }
        if let Some((data, at)) = block(&record.tax, now) {
            for t in &data.parcels {
                self.add_tax_record(t, at);
            }
        }
        if let Some((data, _)) = block(&record.sales, now) {
            for s in &data.parcels {
                self.add_sales(s);
            }
        }
        if let Some((data, at)) = block(&record.documents, now) {
            for d in &data.parcels {
                self.add_documents(d, at);
            }
        }
    }

    /// Keeps the last row of every key. Payments travel inside their bill, so a bill and
    /// its payments always come from the same record.
    pub fn deduplicated(self) -> Rows {
        Rows {
            properties: dedup(self.properties),
            property_matches: dedup(self.property_matches),
            valuations: dedup(self.valuations),
            tax_bills: dedup(self.tax_bills),
            documents: dedup(self.documents),
            index_documents: dedup(self.index_documents),
            sale_documents: dedup(self.sale_documents),
            links: one_last_deed_per_parcel(dedup(self.links)),
            sales: dedup(self.sales),
        }
    }

    /// The payments of every bill.
    pub fn payments(&self) -> Vec<&PaymentRow> {
        self.tax_bills.iter().flat_map(|b| &b.payments).collect()
    }

    /// Every APN a child row points at: each gets a stub parcel unless one is stored.
    pub fn referenced_apns(&self) -> Vec<String> {
        let set: BTreeSet<&str> = (self.valuations.iter().map(|r| r.apn.as_str()))
            .chain(self.tax_bills.iter().map(|r| r.apn.as_str()))
            .chain(self.links.iter().map(|r| r.apn.as_str()))
            .chain(self.sales.iter().map(|r| r.apn.as_str()))
            .collect();
        set.into_iter().map(str::to_string).collect()
    }

    /// Every recording number a child row points at.
    pub fn referenced_documents(&self) -> Vec<String> {
        let set: BTreeSet<&str> = (self.links.iter().map(|r| r.recording_number.as_str()))
            .chain(self.sales.iter().map(|r| r.recording_number.as_str()))
            .collect();
        set.into_iter().map(str::to_string).collect()
    }

    fn add_parcel(&mut self, p: &ParcelRecord, at: DateTime<Utc>) {
        let apn = p.apn.to_string();
        self.properties.push(PropertyRow {
            owner_name: text(&p.owner.name),
            situs_street: text(&p.situs.street),
            situs_city: text(&p.situs.city),
            situs_zip: text(&p.situs.zip),
            property_address: text(&p.property_address),
            legal_description: text(&p.legal_description),
            subdivision: text(&p.subdivision),
            use_code: text(&p.use_code),
            tax_area_code: text(&p.tax_area_code),
            lot_size_sqft: p.lot_size_sqft.and_then(big),
            is_residential: p.is_residential,
            // The whole parcel, as JSON, for what the columns leave out.
            data: serde_json::to_value(p).ok(),
            fetched_at: Some(at),
            apn: apn.clone(),
        });
        for v in &p.valuations {
            self.valuations.push(ValuationRow {
                apn: apn.clone(),
                tax_year: i32::from(v.tax_year),
                fcv: v.full_cash_value.and_then(big),
                lpv: v.limited_property_value.and_then(big),
                legal_class_code: text(&v.legal_class_code),
                legal_class: text(&v.legal_class),
                assessment_ratio: v.assessment_ratio.and_then(numeric::exact),
                assessed_lpv: v.assessed_lpv.and_then(big),
                assessed_fcv: v.assessed_fcv.and_then(big),
                use_code: text(&v.use_code),
                tax_area_code: text(&v.tax_area_code),
            });
        }
    }

    /// A search match says who owns a parcel and where it is, nothing more.
    fn add_match(&mut self, m: &SearchMatch) {
        self.property_matches.push(PropertyRow {
            apn: m.apn.to_string(),
            owner_name: text(&m.owner),
            situs_street: text(&m.situs_street),
            situs_city: text(&m.situs_city),
            situs_zip: text(&m.situs_zip),
            property_address: None,
            legal_description: None,
            subdivision: text(&m.subdivision),
            use_code: None,
            tax_area_code: None,
            lot_size_sqft: None,
            is_residential: None,
            data: None,
            fetched_at: None,
        });
    }

    fn add_tax_record(&mut self, t: &TaxRecord, at: DateTime<Utc>) {
        let apn = t.apn.to_string();
        for y in &t.years {
            let tax_year = i32::from(y.tax_year);
            let payments = y
                .payments
                .iter()
                .zip(0..)
                .map(|(p, seq)| PaymentRow {
                    apn: apn.clone(),
                    // The enclosing year, not the payment's own field: the key must match
                    // the bill the payment belongs to.
                    tax_year,
                    seq,
                    paid_on: p.date,
                    amount: numeric::cents(p.amount),
                    description: text(&p.description),
                })
                .collect();
            self.tax_bills.push(TaxBillRow {
                apn: apn.clone(),
                tax_year,
                billed: y.billed.and_then(numeric::cents),
                paid: y.paid.and_then(numeric::cents),
                due: y.due.and_then(numeric::cents),
                status: Some(y.status.as_str().to_string()),
                lien: Some(y.lien),
                fetched_at: Some(at),
                payments,
            });
        }
    }

    /// The deed history, then the last deed, so that the last deed wins if a recording
    /// number were ever listed twice.
    fn add_sales(&mut self, s: &ParcelSales) {
        let apn = s.apn.to_string();
        let history = s.history.iter().map(|h| (h, "sale"));
        let last = s.last_deed.iter().map(|l| (l, "last_deed"));
        for (sale, role) in history.chain(last) {
            let Some(number) = nonempty(&sale.recording_number) else {
                continue;
            };
            self.sale_documents.push(DocumentRow {
                recording_number: number.clone(),
                recording_date: sale.recording_date,
                codes: sale.document_codes.clone(),
                names: sale.names.clone(),
                page_count: None,
                docket_book: None,
                page_map: None,
                affidavit_present: None,
                restricted: None,
                fetched_at: None,
                complete: false,
            });
            self.sales.push(SaleRow {
                apn: apn.clone(),
                recording_number: number.clone(),
                recording_date: sale.recording_date,
                sale_price: sale.sale_price.and_then(big),
                found_by: nonempty(&sale.found_by),
                match_confidence: nonempty(&sale.match_confidence),
                match_reason: nonempty(&sale.match_reason),
            });
            self.links.push(LinkRow {
                apn: apn.clone(),
                recording_number: number,
                role,
                matched_names: None,
            });
        }
    }

    fn add_documents(&mut self, d: &ParcelDocuments, at: DateTime<Utc>) {
        let apn = d.apn.to_string();
        // `--documents full` read every document; the default lists them from the index.
        let complete = d.detail == "full";
        for doc in &d.documents {
            let Some(number) = nonempty(&doc.recording_number) else {
                continue;
            };
            let rows = if complete {
                &mut self.documents
            } else {
                &mut self.index_documents
            };
            rows.push(DocumentRow {
                recording_number: number.clone(),
                recording_date: doc.recording_date,
                codes: doc.document_codes.clone(),
                names: doc.names.clone().unwrap_or_default(),
                page_count: doc.page_count.and_then(int),
                docket_book: doc.docket_book.and_then(int),
                page_map: doc.page_map.and_then(int),
                affidavit_present: doc.affidavit_present,
                restricted: doc.restricted,
                fetched_at: Some(at),
                complete,
            });
            self.links.push(LinkRow {
                apn: apn.clone(),
                recording_number: number,
                role: "owner_document",
                matched_names: Some(doc.matched_names.clone()),
            });
        }
    }
}

/// Keeps only the last `last_deed` link of each parcel: two records in one batch may
/// disagree, and the writer demotes every other last deed of a parcel it writes.
fn one_last_deed_per_parcel(links: Vec<LinkRow>) -> Vec<LinkRow> {
    let mut seen = BTreeSet::new();
    let mut kept: Vec<LinkRow> = links
        .into_iter()
        .rev()
        .filter(|l| l.role != "last_deed" || seen.insert(l.apn.clone()))
        .collect();
    kept.reverse();
    kept
}

/// A source block's data and fetch time, if the block carries data.
fn block<D>(block: &Option<SourceBlock<D>>, now: DateTime<Utc>) -> Option<(&D, DateTime<Utc>)> {
    let b = block.as_ref()?;
    let data = b.data.as_ref()?;
    let at = b
        .fetched_at
        .as_deref()
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map_or(now, |t| t.with_timezone(&Utc));
    Some((data, at))
}

/// A non-empty text.
fn text(v: &Option<String>) -> Option<String> {
    v.as_deref().and_then(nonempty)
}

/// The text, unless it is empty.
fn nonempty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

/// A count or dollar amount for a `bigint` column (none is ever near its limit).
fn big(n: u64) -> Option<i64> {
    i64::try_from(n).ok()
}

/// A number for an `integer` column.
fn int(n: u32) -> Option<i32> {
    i32::try_from(n).ok()
}
