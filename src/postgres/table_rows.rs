//! The rows mps writes, one struct per table, and each table's write recipe (`Table`):
//! columns with their exact PostgreSQL types (binary COPY needs them) and the
//! `ON CONFLICT` clause that merges a new row into a stored one.

use chrono::{DateTime, NaiveDate, Utc};
use postgres::types::{ToSql, Type};
use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::HashMap;
use std::hash::Hash;

/// A value bound to one column.
pub(crate) type Param<'a> = &'a (dyn ToSql + Sync);

/// A row of one table.
pub(crate) trait Row {
    /// The table's primary key, used to de-duplicate a batch: PostgreSQL refuses an
    /// `INSERT … ON CONFLICT DO UPDATE` that touches the same row twice.
    type Key: Eq + Hash;
    fn key(&self) -> Self::Key;
    /// The values, in the order of the table recipe's `columns`.
    fn values(&self) -> Vec<Param<'_>>;
}

/// How one kind of row reaches its table.
#[derive(Debug)]
pub(crate) struct Table {
    pub target: &'static str,
    /// The temporary staging table for binary COPY (dropped at commit).
    pub stage: &'static str,
    pub columns: &'static [&'static str],
    pub types: &'static [Type],
    /// The primary key columns. Staged rows are inserted in key order so that two
    /// processes writing overlapping batches lock rows in the same order and cannot
    /// deadlock.
    pub key: &'static str,
    /// Appended to `INSERT INTO target AS t (…) …`; `t` is the stored row.
    pub on_conflict: &'static str,
}

/// Keeps the last row of each key, in first-seen order.
pub(crate) fn dedup<R: Row>(rows: Vec<R>) -> Vec<R> {
    let mut at: HashMap<R::Key, usize> = HashMap::with_capacity(rows.len());
    let mut out: Vec<R> = Vec::with_capacity(rows.len());
    for row in rows {
        match at.get(&row.key()) {
            Some(&i) => out[i] = row,
            None => {
                at.insert(row.key(), out.len());
                out.push(row);
            }
        }
    }
    out
}

/// A parcel: a full Assessor record, or the summary of a search match.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PropertyRow {
    pub apn: String,
    pub owner_name: Option<String>,
    pub situs_street: Option<String>,
    pub situs_city: Option<String>,
    pub situs_zip: Option<String>,
    pub property_address: Option<String>,
    pub legal_description: Option<String>,
    pub subdivision: Option<String>,
    pub use_code: Option<String>,
    pub tax_area_code: Option<String>,
    pub lot_size_sqft: Option<i64>,
    pub is_residential: Option<bool>,
    pub data: Option<Value>,
    pub fetched_at: Option<DateTime<Utc>>,
}

impl Row for PropertyRow {
    type Key = String;
    fn key(&self) -> String {
        self.apn.clone()
    }
    fn values(&self) -> Vec<Param<'_>> {
        vec![
            &self.apn,
            &self.owner_name,
            &self.situs_street,
            &self.situs_city,
            &self.situs_zip,
            &self.property_address,
            &self.legal_description,
            &self.subdivision,
            &self.use_code,
            &self.tax_area_code,
            &self.lot_size_sqft,
            &self.is_residential,
            &self.data,
            &self.fetched_at,
        ]
    }
}

const PROPERTY_COLUMNS: &[&str] = &[
    "apn",
    "owner_name",
    "situs_street",
    "situs_city",
    "situs_zip",
    "property_address",
    "legal_description",
    "subdivision",
    "use_code",
    "tax_area_code",
    "lot_size_sqft",
    "is_residential",
    "data",
    "fetched_at",
];
const PROPERTY_TYPES: &[Type] = &[
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::INT8,
    Type::BOOL,
    Type::JSONB,
    Type::TIMESTAMPTZ,
];

/// Full Assessor records: the newest fetch replaces the stored parcel.
pub(crate) const PROPERTIES: Table = Table {
    target: "properties",
    stage: "mps_stage_properties",
    columns: PROPERTY_COLUMNS,
    types: PROPERTY_TYPES,
    key: "apn",
    on_conflict: "ON CONFLICT (apn) DO UPDATE SET owner_name = EXCLUDED.owner_name, \
        situs_street = EXCLUDED.situs_street, situs_city = EXCLUDED.situs_city, \
        situs_zip = EXCLUDED.situs_zip, property_address = EXCLUDED.property_address, \
        legal_description = EXCLUDED.legal_description, subdivision = EXCLUDED.subdivision, \
        use_code = EXCLUDED.use_code, tax_area_code = EXCLUDED.tax_area_code, \
        lot_size_sqft = EXCLUDED.lot_size_sqft, is_residential = EXCLUDED.is_residential, \
        data = EXCLUDED.data, fetched_at = EXCLUDED.fetched_at",
};

/// Search matches: they describe a parcel only until its full record is stored
/// (`fetched_at` set), and never overwrite that record.
pub(crate) const PROPERTY_MATCHES: Table = Table {
    target: "properties",
    stage: "mps_stage_property_matches",
    columns: PROPERTY_COLUMNS,
    types: PROPERTY_TYPES,
    key: "apn",
    on_conflict: "ON CONFLICT (apn) DO UPDATE SET \
        owner_name = CASE WHEN t.fetched_at IS NULL THEN EXCLUDED.owner_name ELSE t.owner_name END, \
        situs_street = CASE WHEN t.fetched_at IS NULL THEN EXCLUDED.situs_street ELSE t.situs_street END, \
        situs_city = CASE WHEN t.fetched_at IS NULL THEN EXCLUDED.situs_city ELSE t.situs_city END, \
        situs_zip = CASE WHEN t.fetched_at IS NULL THEN EXCLUDED.situs_zip ELSE t.situs_zip END, \
        subdivision = CASE WHEN t.fetched_at IS NULL THEN EXCLUDED.subdivision ELSE t.subdivision END",
};

/// One tax year's valuation.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ValuationRow {
    pub apn: String,
    pub tax_year: i32,
    pub fcv: Option<i64>,
    pub lpv: Option<i64>,
    pub legal_class_code: Option<String>,
    pub legal_class: Option<String>,
    pub assessment_ratio: Option<Decimal>,
    pub assessed_lpv: Option<i64>,
    pub assessed_fcv: Option<i64>,
    pub use_code: Option<String>,
    pub tax_area_code: Option<String>,
}

impl Row for ValuationRow {
    type Key = (String, i32);
    fn key(&self) -> Self::Key {
        (self.apn.clone(), self.tax_year)
    }
    fn values(&self) -> Vec<Param<'_>> {
        vec![
            &self.apn,
            &self.tax_year,
            &self.fcv,
            &self.lpv,
            &self.legal_class_code,
            &self.legal_class,
            &self.assessment_ratio,
            &self.assessed_lpv,
            &self.assessed_fcv,
            &self.use_code,
            &self.tax_area_code,
        ]
    }
}

pub(crate) const VALUATIONS: Table = Table {
    target: "valuations",
    stage: "mps_stage_valuations",
    columns: &[
        "apn",
        "tax_year",
        "fcv",
        "lpv",
        "legal_class_code",
        "legal_class",
        "assessment_ratio",
        "assessed_lpv",
        "assessed_fcv",
        "use_code",
        "tax_area_code",
    ],
    types: &[
        Type::TEXT,
        Type::INT4,
        Type::INT8,
        Type::INT8,
        Type::TEXT,
        Type::TEXT,
        Type::NUMERIC,
        Type::INT8,
        Type::INT8,
        Type::TEXT,
        Type::TEXT,
    ],
    key: "apn, tax_year",
    on_conflict: "ON CONFLICT (apn, tax_year) DO UPDATE SET fcv = EXCLUDED.fcv, \
        lpv = EXCLUDED.lpv, legal_class_code = EXCLUDED.legal_class_code, \
        legal_class = EXCLUDED.legal_class, assessment_ratio = EXCLUDED.assessment_ratio, \
        assessed_lpv = EXCLUDED.assessed_lpv, assessed_fcv = EXCLUDED.assessed_fcv, \
        use_code = EXCLUDED.use_code, tax_area_code = EXCLUDED.tax_area_code",
};

/// One tax year's bill, with its payments (they are replaced together).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TaxBillRow {
    pub apn: String,
    pub tax_year: i32,
    pub billed: Option<Decimal>,
    pub paid: Option<Decimal>,
    pub due: Option<Decimal>,
    pub status: Option<String>,
    pub lien: Option<bool>,
    pub fetched_at: Option<DateTime<Utc>>,
    pub payments: Vec<PaymentRow>,
}

impl Row for TaxBillRow {
    type Key = (String, i32);
    fn key(&self) -> Self::Key {
        (self.apn.clone(), self.tax_year)
    }
    fn values(&self) -> Vec<Param<'_>> {
        vec![
            &self.apn,
            &self.tax_year,
            &self.billed,
            &self.paid,
            &self.due,
            &self.status,
            &self.lien,
            &self.fetched_at,
        ]
    }
}

pub(crate) const TAX_BILLS: Table = Table {
    target: "tax_bills",
    stage: "mps_stage_tax_bills",
    columns: &[
        "apn",
        "tax_year",
        "billed",
        "paid",
        "due",
        "status",
        "lien",
        "fetched_at",
    ],
    types: &[
        Type::TEXT,
        Type::INT4,
        Type::NUMERIC,
        Type::NUMERIC,
        Type::NUMERIC,
        Type::TEXT,
        Type::BOOL,
        Type::TIMESTAMPTZ,
    ],
    key: "apn, tax_year",
    on_conflict: "ON CONFLICT (apn, tax_year) DO UPDATE SET billed = EXCLUDED.billed, \
        paid = EXCLUDED.paid, due = EXCLUDED.due, status = EXCLUDED.status, \
        lien = EXCLUDED.lien, fetched_at = EXCLUDED.fetched_at",
};

/// One payment of a bill; `seq` is its place in the Treasurer's list.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PaymentRow {
    pub apn: String,
    pub tax_year: i32,
    pub seq: i32,
    pub paid_on: Option<NaiveDate>,
    pub amount: Option<Decimal>,
    pub description: Option<String>,
}

impl Row for PaymentRow {
    type Key = (String, i32, i32);
    fn key(&self) -> Self::Key {
        (self.apn.clone(), self.tax_year, self.seq)
    }
    fn values(&self) -> Vec<Param<'_>> {
        vec![
            &self.apn,
            &self.tax_year,
            &self.seq,
            &self.paid_on,
            &self.amount,
            &self.description,
        ]
    }
}

pub(crate) const TAX_PAYMENTS: Table = Table {
    target: "tax_payments",
    stage: "mps_stage_tax_payments",
    columns: &["apn", "tax_year", "seq", "paid_on", "amount", "description"],
    types: &[
        Type::TEXT,
        Type::INT4,
        Type::INT4,
        Type::DATE,
        Type::NUMERIC,
        Type::TEXT,
    ],
    key: "apn, tax_year, seq",
    on_conflict: "ON CONFLICT (apn, tax_year, seq) DO UPDATE SET paid_on = EXCLUDED.paid_on, \
        amount = EXCLUDED.amount, description = EXCLUDED.description",
};

/// A Recorder document: the Recorder's full record, or what a sale said about it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DocumentRow {
    pub recording_number: String,
    pub recording_date: Option<NaiveDate>,
    pub codes: Vec<String>,
    pub names: Vec<String>,
    pub page_count: Option<i32>,
    pub docket_book: Option<i32>,
    pub page_map: Option<i32>,
    pub affidavit_present: Option<bool>,
    pub restricted: Option<bool>,
    pub fetched_at: Option<DateTime<Utc>>,
    /// Read in full at the Recorder (not only seen in the name index or a sale).
    pub complete: bool,
}

impl Row for DocumentRow {
    type Key = String;
    fn key(&self) -> String {
        self.recording_number.clone()
    }
    fn values(&self) -> Vec<Param<'_>> {
        vec![
            &self.recording_number,
            &self.recording_date,
            &self.codes,
            &self.names,
            &self.page_count,
            &self.docket_book,
            &self.page_map,
            &self.affidavit_present,
            &self.restricted,
            &self.fetched_at,
            &self.complete,
        ]
    }
}

const DOCUMENT_COLUMNS: &[&str] = &[
    "recording_number",
    "recording_date",
    "codes",
    "names",
    "page_count",
    "docket_book",
    "page_map",
    "affidavit_present",
    "restricted",
    "fetched_at",
    "complete",
];
const DOCUMENT_TYPES: &[Type] = &[
    Type::TEXT,
    Type::DATE,
    Type::TEXT_ARRAY,
    Type::TEXT_ARRAY,
    Type::INT4,
    Type::INT4,
    Type::INT4,
    Type::BOOL,
    Type::BOOL,
    Type::TIMESTAMPTZ,
    Type::BOOL,
];

/// The Recorder's own records of documents: the newest replaces the stored one.
pub(crate) const DOCUMENTS: Table = Table {
    target: "documents",
    stage: "mps_stage_documents",
    columns: DOCUMENT_COLUMNS,
    types: DOCUMENT_TYPES,
    key: "recording_number",
    on_conflict: "ON CONFLICT (recording_number) DO UPDATE SET \
        recording_date = EXCLUDED.recording_date, codes = EXCLUDED.codes, \
        names = EXCLUDED.names, page_count = EXCLUDED.page_count, \
        docket_book = EXCLUDED.docket_book, page_map = EXCLUDED.page_map, \
        affidavit_present = EXCLUDED.affidavit_present, restricted = EXCLUDED.restricted, \
        fetched_at = EXCLUDED.fetched_at, complete = EXCLUDED.complete OR t.complete",
};

/// Documents as the name index describes them (first code only, no parties or pages):
/// they add documents not seen before and fill gaps, never replacing what is stored.
pub(crate) const INDEX_DOCUMENTS: Table = Table {
    target: "documents",
    stage: "mps_stage_index_documents",
    columns: DOCUMENT_COLUMNS,
    types: DOCUMENT_TYPES,
    key: "recording_number",
    on_conflict: "ON CONFLICT (recording_number) DO UPDATE SET \
        recording_date = COALESCE(t.recording_date, EXCLUDED.recording_date), \
        codes = CASE WHEN cardinality(t.codes) > 0 THEN t.codes ELSE EXCLUDED.codes END, \
        docket_book = COALESCE(t.docket_book, EXCLUDED.docket_book), \
        page_map = COALESCE(t.page_map, EXCLUDED.page_map)",
};

/// Documents as sales describe them (no page counts, and empty names when the Recorder
/// did not have the deed): they fill gaps and never erase what is stored.
pub(crate) const SALE_DOCUMENTS: Table = Table {
    target: "documents",
    stage: "mps_stage_sale_documents",
    columns: DOCUMENT_COLUMNS,
    types: DOCUMENT_TYPES,
    key: "recording_number",
    on_conflict: "ON CONFLICT (recording_number) DO UPDATE SET \
        recording_date = COALESCE(EXCLUDED.recording_date, t.recording_date), \
        codes = CASE WHEN cardinality(EXCLUDED.codes) > 0 THEN EXCLUDED.codes ELSE t.codes END, \
        names = CASE WHEN cardinality(EXCLUDED.names) > 0 THEN EXCLUDED.names ELSE t.names END",
};

/// Why a document belongs to a parcel.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LinkRow {
    pub apn: String,
    pub recording_number: String,
    /// `owner_document`, `sale` or `last_deed`.
    pub role: &'static str,
    pub matched_names: Option<Vec<String>>,
}

impl Row for LinkRow {
    type Key = (String, String, &'static str);
    fn key(&self) -> Self::Key {
        (self.apn.clone(), self.recording_number.clone(), self.role)
    }
    fn values(&self) -> Vec<Param<'_>> {
        vec![
            &self.apn,
            &self.recording_number,
            &self.role,
            &self.matched_names,
        ]
    }
}

pub(crate) const PARCEL_DOCUMENTS: Table = Table {
    target: "parcel_documents",
    stage: "mps_stage_parcel_documents",
    columns: &["apn", "recording_number", "role", "matched_names"],
    types: &[Type::TEXT, Type::TEXT, Type::TEXT, Type::TEXT_ARRAY],
    key: "apn, recording_number, role",
    on_conflict: "ON CONFLICT (apn, recording_number, role) DO UPDATE SET \
        matched_names = EXCLUDED.matched_names",
};

/// A transfer of a parcel.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SaleRow {
    pub apn: String,
    pub recording_number: String,
    pub recording_date: Option<NaiveDate>,
    pub sale_price: Option<i64>,
    pub found_by: Option<String>,
    pub match_confidence: Option<String>,
    pub match_reason: Option<String>,
}

impl Row for SaleRow {
    type Key = (String, String);
    fn key(&self) -> Self::Key {
        (self.apn.clone(), self.recording_number.clone())
    }
    fn values(&self) -> Vec<Param<'_>> {
        vec![
            &self.apn,
            &self.recording_number,
            &self.recording_date,
            &self.sale_price,
            &self.found_by,
            &self.match_confidence,
            &self.match_reason,
        ]
    }
}

/// A price is only known while the deed is the Assessor's last one; once a newer deed
/// pushes it into the history, the stored price is kept rather than erased.
pub(crate) const SALES: Table = Table {
    target: "sales",
    stage: "mps_stage_sales",
    columns: &[
        "apn",
        "recording_number",
        "recording_date",
        "sale_price",
        "found_by",
        "match_confidence",
        "match_reason",
    ],
    types: &[
        Type::TEXT,
        Type::TEXT,
        Type::DATE,
        Type::INT8,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
    ],
    key: "apn, recording_number",
    on_conflict: "ON CONFLICT (apn, recording_number) DO UPDATE SET \
        recording_date = COALESCE(EXCLUDED.recording_date, t.recording_date), \
        sale_price = COALESCE(EXCLUDED.sale_price, t.sale_price), \
        found_by = EXCLUDED.found_by, match_confidence = EXCLUDED.match_confidence, \
        match_reason = EXCLUDED.match_reason",
};

/// A job item bound to its job.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct JobItemRow<'a> {
    pub job_id: &'a str,
    pub line: i64,
    pub source: &'a str,
    pub state: &'a str,
    pub attempts: i32,
    pub last_error: Option<&'a str>,
    pub input: &'a str,
}

impl Row for JobItemRow<'_> {
    type Key = (i64, String);
    fn key(&self) -> Self::Key {
        (self.line, self.source.to_string())
    }
    fn values(&self) -> Vec<Param<'_>> {
        vec![
            &self.job_id,
            &self.line,
            &self.source,
            &self.state,
            &self.attempts,
            &self.last_error,
            &self.input,
        ]
    }
}

pub(crate) const JOB_ITEMS: Table = Table {
    target: "job_items",
    stage: "mps_stage_job_items",
    columns: &[
        "job_id",
        "line",
        "source",
        "state",
        "attempts",
        "last_error",
        "input",
    ],
    types: &[
        Type::TEXT,
        Type::INT8,
        Type::TEXT,
        Type::TEXT,
        Type::INT4,
        Type::TEXT,
        Type::TEXT,
    ],
    key: "job_id, line, source",
    on_conflict: "ON CONFLICT (job_id, line, source) DO UPDATE SET state = EXCLUDED.state, \
        attempts = EXCLUDED.attempts, last_error = EXCLUDED.last_error, \
        input = EXCLUDED.input, updated_at = now()",
};

/// Every recipe, for consistency tests.
#[cfg(test)]
pub(crate) const ALL: &[&Table] = &[
    &PROPERTIES,
    &PROPERTY_MATCHES,
    &VALUATIONS,
    &TAX_BILLS,
    &TAX_PAYMENTS,
    &DOCUMENTS,
    &SALE_DOCUMENTS,
    &PARCEL_DOCUMENTS,
    &SALES,
    &JOB_ITEMS,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipes_have_one_type_per_column() {
        for t in ALL {
            assert_eq!(t.columns.len(), t.types.len(), "{}", t.stage);
            for k in t.key.split(", ") {
                assert!(t.columns.contains(&k), "{}: {k}", t.stage);
            }
        }
    }

    #[test]
    fn dedup_keeps_the_last_row_of_a_key() {
        let row = |n: &str, role: &'static str, names: &str| LinkRow {
            apn: "100-01-001".into(),
            recording_number: n.into(),
            role,
            matched_names: Some(vec![names.into()]),
        };
        let out = dedup(vec![
            row("1", "sale", "A"),
            row("2", "sale", "B"),
            row("1", "sale", "C"),
            row("1", "last_deed", "D"),
        ]);
        assert_eq!(out.len(), 3);
        assert_eq!(out[0].matched_names, Some(vec!["C".to_string()]));
        assert_eq!(out[2].role, "last_deed");
    }
}
