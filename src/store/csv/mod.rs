//! CSV output: each record flattened into fixed columns for its mode (`columns.rs`).
//!
//! A row that resolves to several parcels (or search matches) becomes one CSV line per parcel,
//! each carrying the input line number, so nothing is dropped (`lines.rs`). The lists that
//! repeat per parcel are summarised in the main CSV and written whole, one CSV per table, by
//! `--csv-tables` (`tables.rs`). Text cells that a spreadsheet
//! would run as a formula are neutralised with a leading apostrophe.

pub mod columns;
pub mod lines;
pub mod tables;

use crate::engine::RecordSink;
use columns::{Column, From};
use lines::Line;
use mps_model::mode::Mode;
use mps_model::record::Record;
use serde_json::Value;
use std::io::{self, Write};

pub struct CsvSink {
    out: csv::Writer<Box<dyn Write + Send>>,
    mode: Mode,
    columns: Vec<Column>,
    header_written: bool,
}

impl CsvSink {
    pub fn new(out: Box<dyn Write + Send>, mode: Mode, appending: bool) -> Self {
        CsvSink {
            out: csv::Writer::from_writer(out),
            mode,
            columns: columns::for_mode(mode),
            header_written: appending,
        }
    }

    fn header(&mut self) -> io::Result<()> {
        if !self.header_written {
            self.header_written = true;
            let names: Vec<&str> = self.columns.iter().map(|c| c.name.as_str()).collect();
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
pub fn cell(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => neutralise(s),
        Some(other) => other.to_string(),
    }
}

/// The cell of column `from` on `line` of record `rec`.
fn cell_of(rec: &Value, line: &Line, from: &From) -> String {
    match from {
        From::Record(p) => cell(rec.pointer(p)),
        From::LineApn => line.apn.as_deref().map(neutralise).unwrap_or_default(),
        From::Parcel(s, p) => cell(line.parcel(*s).and_then(|v| v.pointer(p))),
        From::Count(s, p) => line
            .parcel(*s)
            .and_then(|v| v.pointer(p))
            .and_then(Value::as_array)
            .map(|a| a.len().to_string())
            .unwrap_or_default(),
        From::Joined(s, p) => joined(line.parcel(*s).and_then(|v| v.pointer(p))),
        From::Json(s, p) => line
            .parcel(*s)
            .and_then(|v| v.pointer(p))
            .map(std::string::ToString::to_string)
            .unwrap_or_default(),
        From::Match(p) => cell(line.item.and_then(|v| v.pointer(p))),
    }
}

/// A list of strings as one cell: `A; B`. Not JSON, so a spreadsheet shows it as it reads.
pub fn joined(v: Option<&Value>) -> String {
    match v {
        Some(Value::Array(items)) => neutralise(
            &items
                .iter()
                .map(|i| match i {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect::<Vec<_>>()
                .join("; "),
        ),
        other => cell(other),
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
        for line in lines::of_record(&rec, self.mode) {
            let row: Vec<String> = self
                .columns
                .iter()
                .map(|c| cell_of(&rec, &line, &c.from))
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
