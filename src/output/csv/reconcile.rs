//! CSV: records end at a newline outside quotes; the first column is the input `line`.
//!
//! A quoted cell may hold newlines, so a torn file can end inside a quoted cell with a newline
//! as its last byte: splitting on lines would take that half record for a whole one. The
//! scan therefore follows RFC 4180 quoting byte by byte ([`CsvScanner`], the grammar the csv
//! crate reads with), and a record ends at an LF outside quotes.

use crate::csv_scan::{Byte, CsvScanner};
use crate::output::scanned::{unreadable, ReconcileError, Scan};
use std::collections::BTreeSet;
use std::io::BufRead;
use std::path::Path;

/// A `line` cell is a u64: anything longer than this is not one, and is not kept whole (a
/// first cell may be a megabyte in a file that is not ours).
const MAX_FIRST_CELL: usize = 64;

/// The run of consecutive rows of one record (the sink writes one row per parcel or match,
/// all with the record's line, one after another).
struct Group {
    line: u64,
    start: u64,
    rows: u64,
}

/// Finds the complete records of a CSV output (the rows of each line in a group) and where
/// the file should end.
pub(in crate::output) fn scan(
    mut reader: impl BufRead,
    path: &Path,
    ledger_lines: Option<&BTreeSet<u64>>,
) -> Result<Scan, ReconcileError> {
    let mut records = Records::new(path);
    let mut offset = 0u64;
    loop {
        let chunk = reader
            .fill_buf()
            .map_err(|e| ReconcileError::io("read", path, e))?;
        if chunk.is_empty() {
            break;
        }
        let n = chunk.len();
        for (i, &b) in chunk.iter().enumerate() {
            records.byte(b, offset + i as u64)?;
        }
        offset += n as u64;
        reader.consume(n);
    }
    Ok(records.finish(ledger_lines))
}

/// The scan between two bytes: the records ended so far and the one being read.
struct Records<'a> {
    path: &'a Path,
    scan: Scan,
    /// Records ended so far, and the non-blank ones among them.
    physical: u64,
    seen: u64,
    /// Where the record being read starts.
    start: u64,
    csv: CsvScanner,
    /// The record's first cell, as far as it is read and at most [`MAX_FIRST_CELL`] bytes.
    first: Vec<u8>,
    first_done: bool,
    /// Whether the record so far holds nothing but CRs.
    blank: bool,
    group: Option<Group>,
}

impl<'a> Records<'a> {
    /// Nothing read yet.
    fn new(path: &'a Path) -> Self {
        Records {
            path,
            scan: Scan {
                done_lines: BTreeSet::new(),
                records: 0,
                keep: 0,
            },
            physical: 0,
            seen: 0,
            start: 0,
            csv: CsvScanner::new(),
            first: Vec::new(),
            first_done: false,
            blank: true,
            group: None,
        }
    }

    /// Reads byte `b`, found at `at` in the file.
    fn byte(&mut self, b: u8, at: u64) -> Result<(), ReconcileError> {
        let byte = self.csv.step(b);
        // A CR alone does not end a record here: the LF of its CRLF may be torn off.
        if b == b'\n' && matches!(byte, Byte::RecordEnd | Byte::Blank) {
            return self.record_end(at + 1);
        }
        if byte == Byte::Delimiter {
            self.first_done = true;
        } else if !self.first_done && self.first.len() < MAX_FIRST_CELL {
            self.first.push(b);
        }
        if b != b'\r' {
            self.blank = false;
        }
        Ok(())
    }

    /// Ends the record being read at `end` (just after its LF): a whole record, so the file
    /// can be kept up to there.
    fn record_end(&mut self, end: u64) -> Result<(), ReconcileError> {
        self.physical += 1;
        if !self.blank {
            self.seen += 1;
            self.count_record()?;
        }
        self.scan.keep = end;
        self.start = end;
        self.first.clear();
        self.first_done = false;
        self.blank = true;
        Ok(())
    }

    /// Counts a non-blank record in its line's group; an error if its first cell is not a
    /// line number and it is not the header.
    fn count_record(&mut self) -> Result<(), ReconcileError> {
        match first_cell(&self.first) {
            Some(line) => self.add_row(line),
            // The first record is the header (its first column is `line`).
            None if self.seen == 1 => {}
            None => {
                let cell = String::from_utf8_lossy(&self.first);
                let reason = format!("its first column {cell:?} is not an input line number");
                return Err(unreadable(self.path, self.physical, reason));
            }
        }
        Ok(())
    }

    /// Adds a row of `line` to the group of its record; a row of another line starts a new
    /// group, and the one before it is whole (the sink writes a record's rows together).
    fn add_row(&mut self, line: u64) {
        match &mut self.group {
            Some(g) if g.line == line => g.rows += 1,
            _ => {
                if let Some(done) = self.group.take() {
                    commit(&mut self.scan, &done);
                }
                self.group = Some(Group {
                    line,
                    start: self.start,
                    rows: 1,
                });
            }
        }
    }

    /// The scan at the end of the file.
    fn finish(mut self, ledger_lines: Option<&BTreeSet<u64>>) -> Scan {
        // Bytes after `scan.keep` are a torn record. The last group may be torn between rows.
        if let Some(last) = self.group {
            let proven = ledger_lines.is_none_or(|lines| lines.contains(&last.line));
            if proven {
                commit(&mut self.scan, &last);
            } else {
                self.scan.keep = last.start;
            }
        }
        self.scan
    }
}

/// Counts a whole group: its line is done and its rows are kept.
fn commit(scan: &mut Scan, group: &Group) {
    scan.done_lines.insert(group.line);
    scan.records += group.rows;
}

/// The first cell as a line number, unquoted and trimmed; `None` if it is not one.
fn first_cell(raw: &[u8]) -> Option<u64> {
    let text = std::str::from_utf8(raw).ok()?.trim();
    let text = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(text)
        .trim();
    text.parse().ok()
}
