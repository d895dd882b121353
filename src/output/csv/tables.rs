//! `--csv-tables DIR`: the lists that repeat per parcel (valuations, tax bills and their
//! payments, sales, documents) as one CSV per table, the PostgreSQL tables' shape, each row
//! keyed by the input `line`, the `input` and the `apn`.
//!
//! The tables go beside any output format. Their rows of a record are written and flushed
//! before the record itself reaches the output, so every line the output (or the ledger)
//! holds has its table rows; a resume drops the table rows of lines the output does not
//! hold (`commands::batch_output::reconcile_tables`), so nothing is there twice.

use super::cell::{joined, neutralise, Cell};
use super::columns::Block;
use super::lines::{self, Line};
use crate::engine::RecordSink;
use mps_model::blocks::{Sale, TaxPayment, TaxYear, Valuation};
use mps_model::data::ListedDocument;
use mps_model::mode::Mode;
use mps_model::record::Record;
use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

/// Why the tables cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum TablesError {
    #[error(
        "--csv-tables: {0} mode has no repeated parts (its CSV has a line per match or row); \
         drop --csv-tables"
    )]
    NothingToAdd(&'static str),
    #[error("--csv-tables {path}: {source}; name a directory mps can create and write to")]
    Io { path: String, source: io::Error },
}

/// One table: its file name, the source it comes from, its columns after the keys, and its
/// rows for one line's entry of that source.
pub struct Table {
    pub name: &'static str,
    pub source: Block,
    columns: fn() -> Vec<&'static str>,
    rows: fn(&Line) -> Vec<Vec<String>>,
}

const KEYS: [&str; 3] = ["line", "input", "apn"];

type Cells<T> = &'static [(&'static str, fn(&T) -> String)];

const VALUATION: Cells<Valuation> = &[
    ("tax_year", |v| v.tax_year.cell()),
    ("full_cash_value", |v| v.full_cash_value.cell()),
    ("limited_property_value", |v| {
        v.limited_property_value.cell()
    }),
    ("legal_class_code", |v| v.legal_class_code.cell()),
    ("legal_class", |v| v.legal_class.cell()),
    ("assessment_ratio", |v| v.assessment_ratio.cell()),
    ("assessed_fcv", |v| v.assessed_fcv.cell()),
    ("assessed_lpv", |v| v.assessed_lpv.cell()),
    ("valuation_source", |v| v.valuation_source.cell()),
    ("use_code", |v| v.use_code.cell()),
    ("use_description", |v| v.use_description.cell()),
    ("tax_area_code", |v| v.tax_area_code.cell()),
    ("notice_of_change", |v| v.notice_of_change.cell()),
];

const BILL: Cells<TaxYear> = &[
    ("tax_year", |y| y.tax_year.cell()),
    ("billed", |y| y.billed.cell()),
    ("paid", |y| y.paid.cell()),
    ("due", |y| y.due.cell()),
    ("status", |y| y.status.cell()),
    ("lien", |y| y.lien.cell()),
];

/// A payment's cells after its `seq` (its place among its year's payments).
const PAYMENT: Cells<TaxPayment> = &[
    ("date", |p| p.date.cell()),
    ("amount", |p| p.amount.cell()),
    ("description", |p| p.description.cell()),
];

/// A sale's cells after its `role` (`last_deed` or `history`).
const SALE: Cells<Sale> = &[
    ("recording_number", |s| s.recording_number.cell()),
    ("recording_date", |s| s.recording_date.cell()),
    ("sale_price", |s| s.sale_price.cell()),
    ("found_by", |s| s.found_by.cell()),
    ("match_confidence", |s| s.match_confidence.cell()),
    ("match_reason", |s| s.match_reason.cell()),
    ("document_codes", |s| joined(&s.document_codes)),
    ("names", |s| joined(&s.names)),
];

const DOCUMENT: Cells<ListedDocument> = &[
    ("recording_number", |d| d.recording_number.cell()),
    ("recording_date", |d| d.recording_date.cell()),
    ("document_codes", |d| joined(&d.document_codes)),
    ("more_codes", |d| d.more_codes.cell()),
    ("names", |d| {
        d.names.as_deref().map(joined).unwrap_or_default()
    }),
    ("page_count", |d| d.page_count.cell()),
    ("docket_book", |d| d.docket_book.cell()),
    ("page_map", |d| d.page_map.cell()),
    ("affidavit_present", |d| d.affidavit_present.cell()),
    ("restricted", |d| d.restricted.cell()),
    ("matched_names", |d| joined(&d.matched_names)),
];

fn names<T>(cells: Cells<T>) -> impl Iterator<Item = &'static str> {
    cells.iter().map(|(name, _)| *name)
}

fn cells<T>(table: Cells<T>, item: &T) -> Vec<String> {
    table.iter().map(|(_, cell)| cell(item)).collect()
}

pub const TABLES: &[Table] = &[
    Table {
        name: "valuations",
        source: Block::Assessor,
        columns: || names(VALUATION).collect(),
        rows: |line| {
            let valuations = line.assessor.map_or(&[][..], |p| &p.valuations);
            valuations.iter().map(|v| cells(VALUATION, v)).collect()
        },
    },
    Table {
        name: "tax_bills",
        source: Block::Tax,
        columns: || names(BILL).collect(),
        rows: |line| {
            let years = line.tax.map_or(&[][..], |t| &t.years);
            years.iter().map(|y| cells(BILL, y)).collect()
        },
    },
    Table {
        name: "tax_payments",
        source: Block::Tax,
        columns: || {
            ["tax_year", "seq"]
                .into_iter()
                .chain(names(PAYMENT))
                .collect()
        },
        rows: |line| {
            let years = line.tax.map_or(&[][..], |t| &t.years);
            let payments = years.iter().flat_map(|y| y.payments.iter().enumerate());
            payments
                .map(|(seq, p)| {
                    // The payment's own year (it names the bill it went to), then its place.
                    let keys = [p.tax_year.cell(), seq.cell()];
                    keys.into_iter().chain(cells(PAYMENT, p)).collect()
                })
                .collect()
        },
    },
    Table {
        name: "sales",
        source: Block::Sales,
        columns: || std::iter::once("role").chain(names(SALE)).collect(),
        rows: |line| {
            let Some(sales) = line.sales else {
                return Vec::new();
            };
            let last = sales.last_deed.iter().map(|s| ("last_deed", s));
            let history = sales.history.iter().map(|s| ("history", s));
            last.chain(history)
                .map(|(role, s)| {
                    std::iter::once(role.to_string())
                        .chain(cells(SALE, s))
                        .collect()
                })
                .collect()
        },
    },
    Table {
        name: "documents",
        source: Block::Documents,
        columns: || names(DOCUMENT).collect(),
        rows: |line| {
            let documents = line.documents.map_or(&[][..], |d| &d.documents);
            documents.iter().map(|d| cells(DOCUMENT, d)).collect()
        },
    },
];

impl Table {
    /// The tables a mode's records fill.
    pub fn of_mode(mode: Mode) -> Result<Vec<&'static Table>, TablesError> {
        if matches!(mode, Mode::Search | Mode::Validate) {
            return Err(TablesError::NothingToAdd(mode.as_str()));
        }
        let sources = Block::of_mode(mode);
        Ok(TABLES
            .iter()
            .filter(|t| sources.contains(&t.source))
            .collect())
    }

    pub fn file(&self, dir: &Path) -> PathBuf {
        dir.join(format!("{}.csv", self.name))
    }

    pub fn header(&self) -> Vec<&'static str> {
        KEYS.into_iter().chain((self.columns)()).collect()
    }

    /// The table's rows for one line's entry of its source, keys excluded.
    pub fn rows(&self, line: &Line) -> Vec<Vec<String>> {
        (self.rows)(line)
    }
}

struct TableFile {
    table: &'static Table,
    out: csv::Writer<File>,
    header_written: bool,
}

/// A sink that writes a record's table rows, then hands the record to the output sink.
pub struct WithTables {
    inner: Box<dyn RecordSink>,
    mode: Mode,
    files: Vec<TableFile>,
}

/// Creates `dir` and checks the mode has tables: before a job exists, so a bad
/// `--csv-tables` creates none.
pub fn probe(dir: &Path, mode: Mode) -> Result<(), TablesError> {
    Table::of_mode(mode)?;
    std::fs::create_dir_all(dir).map_err(|source| io_error(dir, source))
}

fn io_error(path: &Path, source: io::Error) -> TablesError {
    TablesError::Io {
        path: path.display().to_string(),
        source,
    }
}

impl WithTables {
    /// Opens the tables in `dir`: new (truncated) files, or, when `continuing`, the files
    /// of an earlier run, appended to (reconcile them first).
    pub fn open(
        inner: Box<dyn RecordSink>,
        dir: &Path,
        mode: Mode,
        continuing: bool,
    ) -> Result<WithTables, TablesError> {
        probe(dir, mode)?;
        let mut files = Vec::new();
        for table in Table::of_mode(mode)? {
            let path = table.file(dir);
            let file = OpenOptions::new()
                .create(true)
                .append(continuing)
                .write(true)
                .truncate(!continuing)
                .open(&path)
                .map_err(|e| io_error(&path, e))?;
            let has_rows = file.metadata().map(|m| m.len() > 0).unwrap_or(false);
            files.push(TableFile {
                table,
                out: csv::Writer::from_writer(file),
                header_written: has_rows,
            });
        }
        Ok(WithTables { inner, mode, files })
    }
}

fn csv_io(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

impl RecordSink for WithTables {
    fn write(&mut self, record: &Record) -> io::Result<()> {
        let line = record.line.to_string();
        let input = neutralise(&record.input);
        let parcels: Vec<Line> = lines::of_record(record, self.mode);
        for file in &mut self.files {
            if !file.header_written {
                file.header_written = true;
                file.out.write_record(file.table.header()).map_err(csv_io)?;
            }
            for l in &parcels {
                if !l.has(file.table.source) {
                    continue;
                }
                let apn = l.apn.cell();
                for row in file.table.rows(l) {
                    let keys = [line.clone(), input.clone(), apn.clone()];
                    file.out
                        .write_record(keys.iter().chain(row.iter()))
                        .map_err(csv_io)?;
                }
            }
            // Before the record reaches the output: a line the output holds has its rows.
            file.out.flush()?;
        }
        self.inner.write(record)
    }

    fn flush(&mut self) -> io::Result<()> {
        for file in &mut self.files {
            file.out.flush()?;
        }
        self.inner.flush()
    }

    fn finish(&mut self) -> io::Result<()> {
        for file in &mut self.files {
            if !file.header_written {
                file.header_written = true;
                file.out.write_record(file.table.header()).map_err(csv_io)?;
            }
            file.out.flush()?;
        }
        self.inner.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mps_model::data::ParcelSales;
    use serde_json::json;

    fn table(name: &str) -> &'static Table {
        TABLES.iter().find(|t| t.name == name).expect("a table")
    }

    #[test]
    fn payments_carry_their_year_and_order() {
        let tax: mps_model::blocks::TaxRecord = serde_json::from_value(json!({
            "apn": "100-00-001", "total_due": 0.0, "delinquent": false, "page": "legacy",
            "years": [
                {"tax_year": 2025, "status": "paid", "lien": false, "payments": [
                    {"tax_year": 2025, "date": "2025-10-01", "amount": 1.5, "description": "Tax Payment"},
                    {"tax_year": 2025, "date": "2026-02-01", "amount": 2.0, "description": "x"}]},
                {"tax_year": 2024, "status": "paid", "lien": false, "payments": []}
            ]
        }))
        .expect("a tax record");
        let line = Line {
            tax: Some(&tax),
            ..Line::default()
        };
        let t = table("tax_payments");
        let rows = t.rows(&line);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0], ["2025", "0", "2025-10-01", "1.5", "Tax Payment"]);
        assert_eq!(rows[1][1], "1");
        assert_eq!(t.header().len(), rows[0].len() + KEYS.len());
    }

    #[test]
    fn the_last_deed_comes_first_then_the_history() {
        let sale = |n: &str, names: &[&str]| {
            json!({"recording_number": n, "recording_date": null, "document_codes": [],
                   "names": names, "sale_price": null, "found_by": "x",
                   "match_confidence": "high", "match_reason": "y"})
        };
        let sales: ParcelSales = serde_json::from_value(json!({
            "apn": "100-00-001",
            "last_deed": sale("2", &["A B", "C D"]),
            "history": [sale("1", &[])]
        }))
        .expect("sales");
        let line = Line {
            sales: Some(&sales),
            ..Line::default()
        };
        let t = table("sales");
        let rows = t.rows(&line);
        assert_eq!(rows[0][0], "last_deed");
        assert_eq!(rows[0][1], "2");
        assert_eq!(rows[0][8], "A B; C D");
        assert_eq!(rows[1][0], "history");
        assert_eq!(t.header().len(), rows[0].len() + KEYS.len());
    }

    #[test]
    fn every_table_header_matches_its_rows() {
        assert_eq!(table("valuations").header().len(), 3 + VALUATION.len());
        assert_eq!(table("tax_bills").header().len(), 3 + BILL.len());
        assert_eq!(table("documents").header().len(), 3 + DOCUMENT.len());
    }

    #[test]
    fn search_and_validate_have_no_tables() {
        assert!(Table::of_mode(Mode::Search).is_err());
        assert!(Table::of_mode(Mode::Validate).is_err());
        let names: Vec<_> = Table::of_mode(Mode::Tax)
            .unwrap()
            .iter()
            .map(|t| t.name)
            .collect();
        assert_eq!(names, ["tax_bills", "tax_payments"]);
    }
}
