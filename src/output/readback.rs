//! Reading an output file back, record by record, in bounded memory: for `--resume` (which
//! records does the output hold, dropping duplicates), `--retry-failed --source` (the rows'
//! earlier blocks) and ledger backfill.
//!
//! Each format yields one [`RawRecord`] per record: the input line it belongs to and its
//! bytes exactly as written, so a rewrite can copy it unchanged.
//! - JSON Lines: one record per line.
//! - CSV: a record is the run of consecutive rows with the same `line` (the sink writes one
//!   row per parcel or search match); the header is returned separately.
//! - JSON array: the sink writes `[`, then one compact element per line separated by `,`,
//!   then `]`; compact JSON escapes newlines inside strings, so every element is one line.
//!
//! A single record larger than [`MAX_RECORD_BYTES`] is an error, not an allocation.

use super::Format;
use crate::csv_scan::CsvScanner;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

/// Larger than any record mps writes (a comprehensive record with a hundred documents is a
/// few hundred KiB); a longer "record" means the file is not an mps output.
pub const MAX_RECORD_BYTES: u64 = 64 * 1024 * 1024;

/// One record as it sits in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRecord {
    /// The input line, or `None` when the record does not say (not written by mps).
    pub line: Option<u64>,
    /// The record's bytes, each row (JSONL, CSV) with its newline; a JSON element without
    /// its separator.
    pub bytes: Vec<u8>,
    /// Where the record ends in the file: cutting the file here keeps it and everything
    /// before it whole (a JSON array then ends right after this element, open for more).
    pub end: u64,
}

/// Why an output could not be read back.
#[derive(Debug, thiserror::Error)]
pub enum ReadbackError {
    #[error("cannot read {path}: {source}")]
    Io { path: String, source: io::Error },
    #[error("{path}: record {record} is over {MAX_RECORD_BYTES} bytes; is this an mps output?")]
    TooLarge { path: String, record: u64 },
}

/// The records of an output file, in file order.
pub struct Records {
    reader: BufReader<File>,
    format: Format,
    path: String,
    /// CSV: the header row, once read.
    header: Option<Vec<u8>>,
    /// CSV: a row read ahead that starts the next record, and where it ends.
    lookahead: Option<(Option<u64>, Vec<u8>, u64)>,
    count: u64,
    /// Bytes read so far.
    pos: u64,
}

impl Records {
    /// Opens `path` for reading as `format`.
    pub fn open(path: &Path, format: Format) -> Result<Records, ReadbackError> {
        let shown = path.display().to_string();
        let file = File::open(path).map_err(|source| ReadbackError::Io {
            path: shown.clone(),
            source,
        })?;
        Ok(Records {
            reader: BufReader::with_capacity(64 * 1024, file),
            format,
            path: shown,
            header: None,
            lookahead: None,
            count: 0,
            pos: 0,
        })
    }

    /// The CSV header row (after the first call to `next`), with its newline.
    pub fn header(&self) -> Option<&[u8]> {
        self.header.as_deref()
    }

    /// One physical line (CSV: one row, quotes respected), with its newline, or `None` at
    /// the end of the file.
    fn raw_line(&mut self) -> Result<Option<Vec<u8>>, ReadbackError> {
        let mut buf = Vec::new();
        let mut csv = CsvScanner::new();
        loop {
            let start = buf.len();
            let n = (&mut self.reader)
                .take(MAX_RECORD_BYTES + 1 - buf.len() as u64)
                .read_until(b'\n', &mut buf)
                .map_err(|source| ReadbackError::Io {
                    path: self.path.clone(),
                    source,
                })?;
            self.pos += n as u64;
            if buf.len() as u64 > MAX_RECORD_BYTES {
                return Err(ReadbackError::TooLarge {
                    path: self.path.clone(),
                    record: self.count + 1,
                });
            }
            if n == 0 {
                return Ok((!buf.is_empty()).then_some(buf));
            }
            if self.format == Format::Csv {
                for &b in &buf[start..] {
                    csv.step(b);
                }
                if csv.in_quotes() {
                    continue; // a newline inside a quoted cell
                }
            }
            return Ok(Some(buf));
        }
    }

    fn next_record(&mut self) -> Result<Option<RawRecord>, ReadbackError> {
        match self.format {
            Format::Jsonl => loop {
                let Some(bytes) = self.raw_line()? else {
                    return Ok(None);
                };
                if bytes.trim_ascii().is_empty() {
                    continue;
                }
                return Ok(Some(RawRecord {
                    line: json_line(&bytes),
                    bytes,
                    end: self.pos,
                }));
            },
            Format::Json => loop {
                let start = self.pos;
                let Some(bytes) = self.raw_line()? else {
                    return Ok(None);
                };
                let text = bytes.trim_ascii();
                let text = text.strip_suffix(b",").unwrap_or(text).trim_ascii();
                let text = text.strip_prefix(b",").unwrap_or(text).trim_ascii();
                if text.is_empty() || text == b"[" || text == b"]" || text == b"[]" {
                    continue;
                }
                let text = text.to_vec();
                // The element ends at its last `}` on the line.
                let close = bytes.iter().rposition(|b| *b == b'}').map_or(0, |i| i + 1);
                return Ok(Some(RawRecord {
                    line: json_line(&text),
                    bytes: text,
                    end: start + close as u64,
                }));
            },
            Format::Csv => self.next_csv_record(),
        }
    }

    fn next_csv_record(&mut self) -> Result<Option<RawRecord>, ReadbackError> {
        if self.header.is_none() {
            loop {
                match self.raw_line()? {
                    None => return Ok(None),
                    Some(row) if row.trim_ascii().is_empty() => continue,
                    Some(row) => {
                        self.header = Some(row);
                        break;
                    }
                }
            }
        }
        let (line, mut bytes, mut end) = match self.lookahead.take() {
            Some(first) => first,
            None => loop {
                match self.raw_line()? {
                    None => return Ok(None),
                    Some(row) if row.trim_ascii().is_empty() => continue,
                    Some(row) => break (csv_line(&row), row, self.pos),
                }
            },
        };
        loop {
            match self.raw_line()? {
                None => break,
                Some(row) if row.trim_ascii().is_empty() => continue,
                Some(row) => {
                    let next = csv_line(&row);
                    if next.is_some() && next == line {
                        end = self.pos;
                        bytes.extend_from_slice(&row);
                        if bytes.len() as u64 > MAX_RECORD_BYTES {
                            return Err(ReadbackError::TooLarge {
                                path: self.path.clone(),
                                record: self.count + 1,
                            });
                        }
                    } else {
                        self.lookahead = Some((next, row, self.pos));
                        break;
                    }
                }
            }
        }
        Ok(Some(RawRecord { line, bytes, end }))
    }
}

impl Iterator for Records {
    type Item = Result<RawRecord, ReadbackError>;

    fn next(&mut self) -> Option<Self::Item> {
        let next = self.next_record().transpose();
        if matches!(next, Some(Ok(_))) {
            self.count += 1;
        }
        next
    }
}

/// The `line` field of a JSON record.
fn json_line(bytes: &[u8]) -> Option<u64> {
    #[derive(serde::Deserialize)]
    struct LineOnly {
        line: u64,
    }
    serde_json::from_slice::<LineOnly>(bytes.trim_ascii())
        .ok()
        .map(|r| r.line)
}

/// The first cell of a CSV row as a line number.
fn csv_line(row: &[u8]) -> Option<u64> {
    let end = row
        .iter()
        .position(|b| *b == b',' || *b == b'\n' || *b == b'\r')
        .unwrap_or(row.len());
    let cell = std::str::from_utf8(&row[..end]).ok()?.trim();
    let cell = cell
        .strip_prefix('"')
        .and_then(|c| c.strip_suffix('"'))
        .unwrap_or(cell);
    cell.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(format: Format, text: &str) -> (Vec<(Option<u64>, String)>, Option<String>) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("out");
        std::fs::write(&path, text).expect("write");
        let mut records = Records::open(&path, format).expect("open");
        let mut out = Vec::new();
        for r in records.by_ref() {
            let r = r.expect("record");
            out.push((r.line, String::from_utf8_lossy(&r.bytes).into_owned()));
        }
        let header = records
            .header()
            .map(|h| String::from_utf8_lossy(h).into_owned());
        (out, header)
    }

    #[test]
    fn jsonl_records_are_lines() {
        let (recs, _) = read(Format::Jsonl, "{\"line\":2,\"a\":1}\n\n{\"line\":3}\n");
        assert_eq!(recs.len(), 2);
        assert_eq!(recs[0], (Some(2), "{\"line\":2,\"a\":1}\n".to_string()));
        assert_eq!(recs[1].0, Some(3));
    }

    #[test]
    fn csv_records_group_rows_and_keep_quoted_newlines() {
        let text = "line,input,x\n2,a,\"multi\nline\"\n2,a,second\n3,b,c\n";
        let (recs, header) = read(Format::Csv, text);
        assert_eq!(header.as_deref(), Some("line,input,x\n"));
        assert_eq!(recs.len(), 2);
        assert_eq!(recs[0].0, Some(2));
        assert_eq!(recs[0].1, "2,a,\"multi\nline\"\n2,a,second\n");
        assert_eq!(recs[1], (Some(3), "3,b,c\n".to_string()));
    }

    #[test]
    fn csv_quoted_newline_and_doubled_quote_at_the_read_buffer_boundary() {
        // The reader's 64 KiB buffer ends at each byte of `"a""\n""b"` in turn.
        let header = "line,input,x\n";
        let quoted = "3,\"a\"\"\n\"\"b\",x\n";
        for shift in 0..10 {
            let pad = 64 * 1024 - header.len() - "2,,ok\n".len() - shift;
            let row2 = format!("2,{},ok\n", "p".repeat(pad));
            let (recs, _) = read(Format::Csv, &format!("{header}{row2}{quoted}4,b,y\n"));
            assert_eq!(
                recs,
                vec![
                    (Some(2), row2.clone()),
                    (Some(3), quoted.to_string()),
                    (Some(4), "4,b,y\n".to_string())
                ],
                "shift {shift}"
            );
        }
    }

    #[test]
    fn json_array_elements_are_lines() {
        let (recs, _) = read(Format::Json, "[\n{\"line\":2},\n{\"line\":4}\n]\n");
        assert_eq!(
            recs,
            vec![
                (Some(2), "{\"line\":2}".to_string()),
                (Some(4), "{\"line\":4}".to_string())
            ]
        );
        let (recs, _) = read(Format::Json, "[]\n");
        assert!(recs.is_empty());
    }
}
