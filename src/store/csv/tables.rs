//! `--csv-tables DIR`: the lists that repeat per parcel (valuations, tax bills and their
//! payments, sales, documents) as one CSV per table, the PostgreSQL tables' shape, each row
//! keyed by the input `line`, the `input` and the `apn`.
//!
//! The tables go beside any output format. Their rows of a record are written and flushed
//! before the record itself reaches the output, so every line the output (or the ledger)
//! holds has its table rows; a resume drops the table rows of lines the output does not
//! hold (`commands::batch_output::reconcile_tables`), so nothing is there twice.

use super::columns::Block;
use super::lines::{self, Line};
use super::{cell, joined};
use crate::engine::RecordSink;
use mps_model::mode::Mode;
use mps_model::record::Record;
use serde_json::Value;
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

/// One table: its file name, the source it comes from, and its columns after the keys.
pub struct Table {
    pub name: &'static str,
    pub source: Block,
    pub columns: &'static [&'static str],
}

const KEYS: [&str; 3] = ["line", "input", "apn"];

pub const TABLES: &[Table] = &[
    Table {
        name: "valuations",
        source: Block::Assessor,
        columns: &[
            "tax_year",
            "full_cash_value",
            "limited_property_value",
            "legal_class_code",
            "legal_class",
            "assessment_ratio",
            "assessed_fcv",
            "assessed_lpv",
            "valuation_source",
            "use_code",
            "use_description",
            "tax_area_code",
            "notice_of_change",
        ],
    },
    Table {
        name: "tax_bills",
        source: Block::Tax,
        columns: &["tax_year", "billed", "paid", "due", "status", "lien"],
    },
    Table {
        name: "tax_payments",
        source: Block::Tax,
        columns: &["tax_year", "seq", "date", "amount", "description"],
    },
    Table {
        name: "sales",
        source: Block::Sales,
        columns: &[
            "role",
            "recording_number",
            "recording_date",
            "sale_price",
            "found_by",
            "match_confidence",
            "match_reason",
            "document_codes",
            "names",
        ],
    },
    Table {
        name: "documents",
        source: Block::Documents,
        columns: &[
            "recording_number",
            "recording_date",
            "document_codes",
            "more_codes",
            "names",
            "page_count",
            "docket_book",
            "page_map",
            "affidavit_present",
            "restricted",
            "matched_names",
        ],
    },
];

/// Columns written as `A; B` rather than as a single value.
const LISTS: &[&str] = &["document_codes", "names", "matched_names"];

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
        KEYS.iter().chain(self.columns).copied().collect()
    }

    /// The table's rows for one parcel entry of its source, keys excluded.
    pub fn rows(&self, parcel: &Value) -> Vec<Vec<String>> {
        let items = |p: &str| parcel.pointer(p).and_then(Value::as_array).cloned();
        let fields = |item: &Value, extra: &[(&str, String)]| -> Vec<String> {
            self.columns
                .iter()
                .map(|c| match extra.iter().find(|(n, _)| n == c) {
                    Some((_, v)) => v.clone(),
                    None if LISTS.contains(c) => joined(item.get(*c)),
                    None => cell(item.get(*c)),
                })
                .collect()
        };
        match self.name {
            "valuations" => items("/valuations")
                .unwrap_or_default()
                .iter()
                .map(|v| fields(v, &[]))
                .collect(),
            "tax_bills" => items("/years")
                .unwrap_or_default()
                .iter()
                .map(|v| fields(v, &[]))
                .collect(),
            "tax_payments" => {
                let mut rows = Vec::new();
                for year in items("/years").unwrap_or_default() {
                    let payments = year.get("payments").and_then(Value::as_array);
                    for (seq, p) in payments.into_iter().flatten().enumerate() {
                        // A payment names its year; the bill's year is the fallback.
                        let y = cell(p.get("tax_year").or(year.get("tax_year")));
                        rows.push(fields(p, &[("seq", seq.to_string()), ("tax_year", y)]));
                    }
                }
                rows
            }
            "sales" => {
                let mut rows = Vec::new();
                if let Some(last) = parcel.get("last_deed").filter(|v| !v.is_null()) {
                    rows.push(fields(last, &[("role", "last_deed".into())]));
                }
                for h in items("/history").unwrap_or_default() {
                    rows.push(fields(&h, &[("role", "history".into())]));
                }
                rows
            }
            _ => items("/documents")
                .unwrap_or_default()
                .iter()
                .map(|v| fields(v, &[]))
                .collect(),
        }
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
        let rec = serde_json::to_value(record).map_err(io::Error::other)?;
        let line = record.line.to_string();
        let input = super::neutralise(&record.input);
        let parcels: Vec<Line> = lines::of_record(&rec, self.mode);
        for file in &mut self.files {
            if !file.header_written {
                file.header_written = true;
                file.out.write_record(file.table.header()).map_err(csv_io)?;
            }
            for l in &parcels {
                let Some(parcel) = l.parcel(file.table.source) else {
                    continue;
                };
                let apn = l.apn.clone().unwrap_or_default();
                for row in file.table.rows(parcel) {
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
    use serde_json::json;

    #[test]
    fn payments_carry_their_year_and_order() {
        let parcel = json!({"years": [
            {"tax_year": 2025, "payments": [{"date": "2025-10-01", "amount": 1.5, "description": "Tax Payment"},
                                            {"tax_year": 2025, "date": "2026-02-01", "amount": 2.0, "description": "x"}]},
            {"tax_year": 2024, "payments": []}
        ]});
        let table = TABLES.iter().find(|t| t.name == "tax_payments").unwrap();
        let rows = table.rows(&parcel);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0], ["2025", "0", "2025-10-01", "1.5", "Tax Payment"]);
        assert_eq!(rows[1][1], "1");
    }

    #[test]
    fn the_last_deed_comes_first_then_the_history() {
        let parcel = json!({
            "last_deed": {"recording_number": "2", "names": ["A B", "C D"]},
            "history": [{"recording_number": "1"}]
        });
        let table = TABLES.iter().find(|t| t.name == "sales").unwrap();
        let rows = table.rows(&parcel);
        assert_eq!(rows[0][0], "last_deed");
        assert_eq!(rows[0][1], "2");
        assert_eq!(rows[0][8], "A B; C D");
        assert_eq!(rows[1][0], "history");
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
