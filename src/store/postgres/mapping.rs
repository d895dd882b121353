//! From records to rows: reads each record's serialized JSON (not the engine's types) and
//! collects the rows of every table, de-duplicated by key.
//!
//! The mapping is lenient on purpose: a missing field or an unreadable date becomes NULL,
//! because one odd value must not cost a whole batch. Only blocks that carry data are read;
//! a failed block has none and so changes nothing that is stored.

use super::error::PgError;
use super::numeric;
use super::rows::{
    dedup, DocumentRow, LinkRow, PaymentRow, PropertyRow, SaleRow, TaxBillRow, ValuationRow,
};
use chrono::{DateTime, NaiveDate, Utc};
use mps_model::record::Record;
use serde_json::Value;
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
    pub fn from_records(records: &[Record], now: DateTime<Utc>) -> Result<Rows, PgError> {
        let mut rows = Rows::default();
        for r in records {
            let v = serde_json::to_value(r).map_err(|e| PgError::Encode {
                line: r.line,
                message: e.to_string(),
            })?;
            rows.add_record(&v, now);
        }
        Ok(rows.deduplicated())
    }

    /// Adds the rows of one serialized record.
    pub fn add_record(&mut self, record: &Value, now: DateTime<Utc>) {
        if let Some((data, at)) = block(record, "assessor", now) {
            for p in array(data, "parcels") {
                self.add_parcel(p, at);
            }
            for m in array(data, "matches") {
                self.add_match(m);
            }
        }
        if let Some((data, at)) = block(record, "tax", now) {
            for t in array(data, "parcels") {
                self.add_tax_record(t, at);
            }
        }
        if let Some((data, _)) = block(record, "sales", now) {
            for s in array(data, "parcels") {
                self.add_sales(s);
            }
        }
        if let Some((data, at)) = block(record, "documents", now) {
            for d in array(data, "parcels") {
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

    fn add_parcel(&mut self, p: &Value, at: DateTime<Utc>) {
        let Some(apn) = text(p, "apn") else { return };
        let situs = &p["situs"];
        self.properties.push(PropertyRow {
            owner_name: text(&p["owner"], "name"),
            situs_street: text(situs, "street"),
            situs_city: text(situs, "city"),
            situs_zip: text(situs, "zip"),
            property_address: text(p, "property_address"),
            legal_description: text(p, "legal_description"),
            subdivision: text(p, "subdivision"),
            use_code: text(p, "use_code"),
            tax_area_code: text(p, "tax_area_code"),
            lot_size_sqft: p["lot_size_sqft"].as_i64(),
            is_residential: p["is_residential"].as_bool(),
            data: Some(p.clone()),
            fetched_at: Some(at),
            apn: apn.clone(),
        });
        for v in array(p, "valuations") {
            let Some(tax_year) = int(v, "tax_year") else {
                continue;
            };
            self.valuations.push(ValuationRow {
                apn: apn.clone(),
                tax_year,
                fcv: v["full_cash_value"].as_i64(),
                lpv: v["limited_property_value"].as_i64(),
                legal_class_code: text(v, "legal_class_code"),
                legal_class: text(v, "legal_class"),
                assessment_ratio: v["assessment_ratio"].as_f64().and_then(numeric::exact),
                assessed_lpv: v["assessed_lpv"].as_i64(),
                assessed_fcv: v["assessed_fcv"].as_i64(),
                use_code: text(v, "use_code"),
                tax_area_code: text(v, "tax_area_code"),
            });
        }
    }

    /// A search match says who owns a parcel and where it is, nothing more.
    fn add_match(&mut self, m: &Value) {
        let Some(apn) = text(m, "apn") else { return };
        self.property_matches.push(PropertyRow {
            apn,
            owner_name: text(m, "owner"),
            situs_street: text(m, "situs_street"),
            situs_city: text(m, "situs_city"),
            situs_zip: text(m, "situs_zip"),
            property_address: None,
            legal_description: None,
            subdivision: text(m, "subdivision"),
            use_code: None,
            tax_area_code: None,
            lot_size_sqft: None,
            is_residential: None,
            data: None,
            fetched_at: None,
        });
    }

    fn add_tax_record(&mut self, t: &Value, at: DateTime<Utc>) {
        let Some(apn) = text(t, "apn") else { return };
        for y in array(t, "years") {
            let Some(tax_year) = int(y, "tax_year") else {
                continue;
            };
            let payments = array(y, "payments")
                .iter()
                .zip(0..)
                .map(|(p, seq)| PaymentRow {
                    apn: apn.clone(),
                    // The enclosing year, not the payment's own field: the key must match
                    // the bill the payment belongs to.
                    tax_year,
                    seq,
                    paid_on: date(p, "date"),
                    amount: p["amount"].as_f64().and_then(numeric::cents),
                    description: text(p, "description"),
                })
                .collect();
            self.tax_bills.push(TaxBillRow {
                apn: apn.clone(),
                tax_year,
                billed: y["billed"].as_f64().and_then(numeric::cents),
                paid: y["paid"].as_f64().and_then(numeric::cents),
                due: y["due"].as_f64().and_then(numeric::cents),
                status: text(y, "status"),
                lien: y["lien"].as_bool(),
                fetched_at: Some(at),
                payments,
            });
        }
    }

    /// The deed history, then the last deed, so that the last deed wins if a recording
    /// number were ever listed twice.
    fn add_sales(&mut self, s: &Value) {
        let Some(apn) = text(s, "apn") else { return };
        let history = array(s, "history").iter().map(|h| (h, "sale"));
        let last = std::iter::once(&s["last_deed"])
            .filter(|l| l.is_object())
            .map(|l| (l, "last_deed"));
        for (sale, role) in history.chain(last) {
            let Some(number) = text(sale, "recording_number") else {
                continue;
            };
            let recording_date = date(sale, "recording_date");
            self.sale_documents.push(DocumentRow {
                recording_number: number.clone(),
                recording_date,
                codes: strings(sale, "document_codes"),
                names: strings(sale, "names"),
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
                recording_date,
                sale_price: sale["sale_price"].as_i64(),
                found_by: text(sale, "found_by"),
                match_confidence: text(sale, "match_confidence"),
                match_reason: text(sale, "match_reason"),
            });
            self.links.push(LinkRow {
                apn: apn.clone(),
                recording_number: number,
                role,
                matched_names: None,
            });
        }
    }

    fn add_documents(&mut self, d: &Value, at: DateTime<Utc>) {
        let Some(apn) = text(d, "apn") else { return };
        // `--documents full` read every document; the default lists them from the index.
        let complete = text(d, "detail").is_none_or(|detail| detail == "full");
        for doc in array(d, "documents") {
            let Some(number) = text(doc, "recording_number") else {
                continue;
            };
            let rows = if complete {
                &mut self.documents
            } else {
                &mut self.index_documents
            };
            rows.push(DocumentRow {
                recording_number: number.clone(),
                recording_date: date(doc, "recording_date"),
                codes: strings(doc, "document_codes"),
                names: strings(doc, "names"),
                page_count: int(doc, "page_count"),
                docket_book: int(doc, "docket_book"),
                page_map: int(doc, "page_map"),
                affidavit_present: doc["affidavit_present"].as_bool(),
                restricted: doc["restricted"].as_bool(),
                fetched_at: Some(at),
                complete,
            });
            self.links.push(LinkRow {
                apn: apn.clone(),
                recording_number: number,
                role: "owner_document",
                matched_names: Some(strings(doc, "matched_names")),
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
fn block<'a>(
    record: &'a Value,
    name: &str,
    now: DateTime<Utc>,
) -> Option<(&'a Value, DateTime<Utc>)> {
    let b = &record[name];
    let data = &b["data"];
    if !data.is_object() {
        return None;
    }
    let at = b["fetched_at"]
        .as_str()
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map_or(now, |t| t.with_timezone(&Utc));
    Some((data, at))
}

fn array<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v[key].as_array().map_or(&[], Vec::as_slice)
}

/// A non-empty string field.
fn text(v: &Value, key: &str) -> Option<String> {
    v[key]
        .as_str()
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn int(v: &Value, key: &str) -> Option<i32> {
    v[key].as_i64().and_then(|n| i32::try_from(n).ok())
}

fn date(v: &Value, key: &str) -> Option<NaiveDate> {
    v[key]
        .as_str()
        .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
}

fn strings(v: &Value, key: &str) -> Vec<String> {
    array(v, key)
        .iter()
        .filter_map(|s| s.as_str().map(str::to_string))
        .collect()
}
