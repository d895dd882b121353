//! CSV: records end at a newline outside quotes; the first column is the input `line`.
//!
//! A quoted cell may hold newlines, so a torn file can end inside a quoted cell with a newline
//! as its last byte: splitting on lines would take that half record for a whole one. The
//! scan therefore follows RFC 4180 quoting byte by byte ([`CsvScanner`], the grammar the csv
//! crate reads with), and a record ends at an LF outside quotes.

use super::{unreadable, Scan};
use crate::csv_scan::{Byte, CsvScanner};
use crate::ledger::LedgerError;
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

pub(super) fn scan(
    mut reader: impl BufRead,
    path: &Path,
    ledger_lines: Option<&BTreeSet<u64>>,
) -> Result<Scan, LedgerError> {
    let mut scan = Scan {
        done_lines: BTreeSet::new(),
        records: 0,
        keep: 0,
    };
    let mut offset = 0u64;
    // Records ended so far, and the non-blank ones among them.
    let mut physical = 0u64;
    let mut seen = 0u64;
    let mut start = 0u64;
    let mut csv = CsvScanner::new();
    let mut first = Vec::new();
    let mut first_done = false;
    let mut blank = true;
    let mut group: Option<Group> = None;

    loop {
        let chunk = reader
            .fill_buf()
            .map_err(|e| LedgerError::io("read", path, e))?;
        if chunk.is_empty() {
            break;
        }
        let n = chunk.len();
        for (i, &b) in chunk.iter().enumerate() {
            let byte = csv.step(b);
            // A CR alone does not end a record here: the LF of its CRLF may be torn off.
            if b == b'\n' && matches!(byte, Byte::RecordEnd | Byte::Blank) {
                let end = offset + i as u64 + 1;
                physical += 1;
                if !blank {
                    seen += 1;
                    match first_cell(&first) {
                        Some(line) => match &mut group {
                            Some(g) if g.line == line => g.rows += 1,
                            _ => {
                                if let Some(done) = group.take() {
                                    commit(&mut scan, &done);
                                }
                                group = Some(Group {
                                    line,
                                    start,
                                    rows: 1,
                                });
                            }
                        },
                        // The first record is the header (its first column is `line`).
                        None if seen == 1 => {}
                        None => {
                            let cell = String::from_utf8_lossy(&first);
                            let reason =
                                format!("its first column {cell:?} is not an input line number");
                            return Err(unreadable(path, physical, reason));
                        }
                    }
                }
                scan.keep = end;
                start = end;
                first.clear();
                first_done = false;
                blank = true;
                continue;
            }
            if byte == Byte::Delimiter {
                first_done = true;
            } else if !first_done && first.len() < MAX_FIRST_CELL {
                first.push(b);
            }
            if b != b'\r' {
                blank = false;
            }
        }
        offset += n as u64;
        reader.consume(n);
    }

    // Bytes after `scan.keep` are a torn record. The last group may be torn between rows.
    if let Some(last) = group {
        let proven = ledger_lines.is_none_or(|lines| lines.contains(&last.line));
        if proven {
            commit(&mut scan, &last);
        } else {
            scan.keep = last.start;
        }
    }
    Ok(scan)
}

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
