//! CSV output: each record flattened into fixed columns for its mode.
//!
//! A row that resolves to several parcels (or search matches) becomes one CSV line per parcel,
//! each carrying the input line number, so nothing is dropped. Text cells that a spreadsheet
//! would run as a formula are neutralised with a leading apostrophe.

use super::RecordSink;
use crate::engine::mode::Mode;
use crate::engine::record::Record;
use serde_json::Value;
use std::io::{self, Write};

/// Where a column's value comes from: the record, or the current item (parcel or match).
enum From {
    Record(&'static str),
    Item(&'static str),
    /// The item's value written as compact JSON (lists such as valuations).
    ItemJson(&'static str),
}

type Column = (&'static str, From);

const BASE: &[Column] = &[
    ("line", From::Record("/line")),
    ("input", From::Record("/input")),
    ("search_type", From::Record("/search_type")),
    ("normalized", From::Record("/normalized")),
    ("priority", From::Record("/priority")),
    ("mode", From::Record("/mode")),
    ("status", From::Record("/status")),
    ("error", From::Record("/error")),
    ("assessor_status", From::Record("/assessor/status")),
    ("assessor_fetched_at", From::Record("/assessor/fetched_at")),
    ("assessor_url", From::Record("/assessor/url")),
    ("assessor_error", From::Record("/assessor/error")),
];

const SEARCH: &[Column] = &[
    ("match_count", From::Record("/assessor/data/match_count")),
    ("truncated", From::Record("/assessor/data/truncated")),
    ("apn", From::Item("/apn")),
    ("owner", From::Item("/owner")),
    ("situs_street", From::Item("/situs_street")),
    ("situs_city", From::Item("/situs_city")),
    ("situs_zip", From::Item("/situs_zip")),
    ("property_type", From::Item("/property_type")),
    ("mcr", From::Item("/mcr")),
    ("subdivision", From::Item("/subdivision")),
    (
        "section_township_range",
        From::Item("/section_township_range"),
    ),
];

const VALIDATE: &[Column] = &[
    ("apn", From::Record("/apn")),
    ("valid", From::Record("/assessor/data/valid")),
    ("parcel_count", From::Record("/assessor/data/parcel_count")),
];

const PROPERTY: &[Column] = &[
    ("apn", From::Item("/apn")),
    ("property_address", From::Item("/property_address")),
    ("situs_street", From::Item("/situs/street")),
    ("situs_city", From::Item("/situs/city")),
    ("situs_zip", From::Item("/situs/zip")),
    ("legal_description", From::Item("/legal_description")),
    ("subdivision", From::Item("/subdivision")),
    ("lot", From::Item("/lot")),
    ("mcr", From::Item("/mcr")),
    ("lot_size_sqft", From::Item("/lot_size_sqft")),
    ("property_type", From::Item("/property_type")),
    ("use_code", From::Item("/use_code")),
    ("use_description", From::Item("/use_description")),
    ("tax_area_code", From::Item("/tax_area_code")),
    (
        "section_township_range",
        From::Item("/section_township_range"),
    ),
    ("jurisdiction", From::Item("/jurisdiction")),
    ("high_school_district", From::Item("/high_school_district")),
    (
        "elementary_school_district",
        From::Item("/elementary_school_district"),
    ),
    ("parcel_status", From::Item("/parcel_status")),
    ("is_residential", From::Item("/is_residential")),
    ("is_rental", From::Item("/is_rental")),
    ("owner_name", From::Item("/owner/name")),
    ("owner_in_care_of", From::Item("/owner/in_care_of")),
    ("mailing_address1", From::Item("/owner/mailing_address1")),
    ("mailing_address2", From::Item("/owner/mailing_address2")),
    ("mailing_city", From::Item("/owner/mailing_city")),
    ("mailing_state", From::Item("/owner/mailing_state")),
    ("mailing_zip", From::Item("/owner/mailing_zip")),
    ("mailing_country", From::Item("/owner/mailing_country")),
    ("deed_number", From::Item("/owner/deed_number")),
    ("deed_date", From::Item("/owner/deed_date")),
    ("deed_type", From::Item("/owner/deed_type")),
    ("sale_price", From::Item("/owner/sale_price")),
    ("sale_date", From::Item("/owner/sale_date")),
    (
        "construction_year",
        From::Item("/residential/construction_year"),
    ),
    (
        "original_construction_year",
        From::Item("/residential/original_construction_year"),
    ),
    ("livable_sqft", From::Item("/residential/livable_sqft")),
    ("pool", From::Item("/residential/pool")),
    ("pool_sqft", From::Item("/residential/pool_sqft")),
    ("garage_stalls", From::Item("/residential/garage_stalls")),
    ("carports", From::Item("/residential/carports")),
    ("bath_fixtures", From::Item("/residential/bath_fixtures")),
    ("quality_grade", From::Item("/residential/quality_grade")),
    ("exterior_walls", From::Item("/residential/exterior_walls")),
    ("roof_type", From::Item("/residential/roof_type")),
    ("cooling", From::Item("/residential/cooling")),
    ("heating", From::Item("/residential/heating")),
    ("latest_tax_year", From::Item("/valuations/0/tax_year")),
    (
        "latest_full_cash_value",
        From::Item("/valuations/0/full_cash_value"),
    ),
    (
        "latest_limited_property_value",
        From::Item("/valuations/0/limited_property_value"),
    ),
    (
        "latest_legal_class_code",
        From::Item("/valuations/0/legal_class_code"),
    ),
    (
        "latest_assessed_lpv",
        From::Item("/valuations/0/assessed_lpv"),
    ),
    ("valuations", From::ItemJson("/valuations")),
];

pub struct CsvSink {
    out: csv::Writer<Box<dyn Write + Send>>,
    columns: Vec<&'static Column>,
    /// JSON pointer to the list whose items become lines (None: one line per record).
    items_at: Option<&'static str>,
    header_written: bool,
}

impl CsvSink {
    pub fn new(out: Box<dyn Write + Send>, mode: Mode, appending: bool) -> Self {
        let (extra, items_at) = match mode {
            Mode::Search => (SEARCH, Some("/assessor/data/matches")),
            Mode::Validate => (VALIDATE, None),
            _ => (PROPERTY, Some("/assessor/data/parcels")),
        };
        CsvSink {
            out: csv::Writer::from_writer(out),
            columns: BASE.iter().chain(extra.iter()).collect(),
            items_at,
            header_written: appending,
        }
    }

    fn header(&mut self) -> io::Result<()> {
        if !self.header_written {
            self.header_written = true;
            let names: Vec<&str> = self.columns.iter().map(|(n, _)| *n).collect();
            self.out.write_record(&names).map_err(csv_io)?;
        }
        Ok(())
    }
}

/// Keeps the I/O error (so a closed pipe is still recognised as one).
fn csv_io(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// A cell's text; strings that start like a formula get a leading apostrophe.
fn cell(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => neutralise(s),
        Some(other) => other.to_string(),
    }
}

/// Prefixes text a spreadsheet would evaluate (`=`, `+`, `-`, `@`, tab, CR) with `'`.
pub fn neutralise(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_string(),
    }
}

impl RecordSink for CsvSink {
    fn write(&mut self, record: &Record) -> io::Result<()> {
        self.header()?;
        let rec = serde_json::to_value(record).map_err(io::Error::other)?;
        let items: Vec<Value> = self
            .items_at
            .and_then(|p| rec.pointer(p))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        // A record with nothing to list still gets its one line.
        let lines: Vec<Option<&Value>> = if items.is_empty() {
            vec![None]
        } else {
            items.iter().map(Some).collect()
        };
        for item in lines {
            let row: Vec<String> = self
                .columns
                .iter()
                .map(|(_, from)| match from {
                    From::Record(p) => cell(rec.pointer(p)),
                    From::Item(p) => cell(item.and_then(|i| i.pointer(p))),
                    From::ItemJson(p) => item
                        .and_then(|i| i.pointer(p))
                        .map(|v| v.to_string())
                        .unwrap_or_default(),
                })
                .collect();
            self.out.write_record(&row).map_err(csv_io)?;
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    fn finish(&mut self) -> io::Result<()> {
        self.header()?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::neutralise;

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("+1"), "'+1");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("-2+3"), "'-2+3");
        assert_eq!(neutralise("DOE JOHN"), "DOE JOHN");
    }
}
