//! CSV output: each record flattened into fixed columns for its mode (`columns.rs`).
//!
//! A row that resolves to several parcels (or search matches) becomes one CSV line per parcel,
//! each carrying the input line number, so nothing is dropped (`lines.rs`). The lists that
//! repeat per parcel are summarised in the main CSV and written whole, one CSV per table, by
//! `--csv-tables` (`tables.rs`). Text cells that a spreadsheet
//! would run as a formula are neutralised with a leading apostrophe.

pub mod cell;
pub mod columns;
pub mod lines;
pub(crate) mod reconcile;
pub mod tables;

use crate::engine::RecordSink;
pub use cell::neutralise;
use cell::Cell;
use columns::{Column, From};
use lines::Line;
use mps_model::mode::Mode;
use mps_model::record::Record;
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

/// The cell of column `from` on `line` of `record`.
fn cell_of(record: &Record, line: &Line, from: &From) -> String {
    match from {
        From::Record(cell) => cell(record),
        From::Fetch(source, cell) => columns::fetch_of(record, *source)
            .map(|f| cell(&f))
            .unwrap_or_default(),
        From::LineApn => line.apn.cell(),
        From::Parcel(cell) => line.assessor.map(cell).unwrap_or_default(),
        From::Tax(cell) => line.tax.map(cell).unwrap_or_default(),
        From::TaxYear(n, cell) => line
            .tax
            .and_then(|t| t.years.get(*n))
            .map(cell)
            .unwrap_or_default(),
        From::Sales(cell) => line.sales.map(cell).unwrap_or_default(),
        From::Documents(cell) => line.documents.map(cell).unwrap_or_default(),
        From::Match(cell) => line.item.map(cell).unwrap_or_default(),
    }
}

impl RecordSink for CsvSink {
    fn write(&mut self, record: &Record) -> io::Result<()> {
        self.header()?;
        for line in lines::of_record(record, self.mode) {
            let row: Vec<String> = self
                .columns
                .iter()
                .map(|c| cell_of(record, &line, &c.from))
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
