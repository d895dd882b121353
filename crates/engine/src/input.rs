//! The input: a streaming CSV reader that turns each row into a classified identifier, or into
//! an invalid row whose reason names its physical line.
//!
//! Rules a user can rely on:
//! - The first non-blank line is the header. The identifier column is found by name (see
//!   [`COLUMN_PREFERENCE`]) or given with `--column`. A one-column file whose first line starts
//!   with a digit has no header: that line is data, so a bare list of APNs (or addresses) works.
//! - Blank lines, and lines whose cells are all empty (`,,,` from spreadsheets), are skipped.
//! - Every other line becomes exactly one [`InputItem`], valid or not; a bad row never stops the
//!   others. Only an I/O failure, or a record so large the file cannot be a list of identifiers,
//!   ends the stream early; the iterator then returns `None` and [`InputReader::error`] says
//!   why ([`InputReader::into_results`] yields it as a final `Err` instead).
//! - Optional columns `priority` (urgent|high|normal|low) and `search_type`
//!   (apn|address|owner|auto), any case; a bad value makes its row invalid. A row's search type
//!   is its own `search_type` cell, else the options' default unless that is `auto`, else what
//!   the column name implies (`apn`, `parcel`… → apn; `address`, `situs`… → address; `owner`,
//!   `name`… → owner), else `auto`, which classifies the value by its shape.
//! - A value that is over `max_field_bytes`, not UTF-8, or empty makes its row invalid.
//! - Memory is flat: one record is held at a time, and a record over 16 MiB (or 16 times
//!   `max_field_bytes`, when larger) stops the read rather than growing without bound.

use std::collections::VecDeque;
use std::io::{self, Read};
use std::path::Path;

use csv::ByteRecord;

use crate::csv_scan::{Byte, CsvScanner};
use mps_ident::{classify, Identifier, SearchType};
use mps_model::Priority;

/// Default for [`InputOptions::max_field_bytes`].
pub const DEFAULT_MAX_FIELD_BYTES: usize = 64 * 1024;

/// Smallest record size at which reading stops (a larger multiple of `max_field_bytes` applies
/// when that is bigger).
const MIN_RECORD_LIMIT: u64 = 16 * 1024 * 1024;

/// Identifier column names, best first, with the search type each implies for `auto`.
pub const COLUMN_PREFERENCE: &[(&str, SearchType)] = &[
    ("apn", SearchType::Apn),
    ("parcel", SearchType::Apn),
    ("parcel_number", SearchType::Apn),
    ("apn_number", SearchType::Apn),
    ("address", SearchType::Address),
    ("situs", SearchType::Address),
    ("situs_address", SearchType::Address),
    ("property_address", SearchType::Address),
    ("owner", SearchType::Owner),
    ("owner_name", SearchType::Owner),
    ("name", SearchType::Owner),
    ("identifier", SearchType::Auto),
    ("id", SearchType::Auto),
    ("value", SearchType::Auto),
    // `mps jobs failed JOB` names its identifier column `input`: its CSV feeds a new batch.
    ("input", SearchType::Auto),
];

/// How to read the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputOptions {
    /// The identifier column's name (case-insensitive); found by name when `None`.
    pub column: Option<String>,
    /// The type for rows without a `search_type` cell; `Auto` lets the column name decide.
    pub default_search_type: SearchType,
    /// A larger identifier cell makes its row invalid.
    pub max_field_bytes: usize,
}

impl Default for InputOptions {
    fn default() -> Self {
        InputOptions {
            column: None,
            default_search_type: SearchType::Auto,
            max_field_bytes: DEFAULT_MAX_FIELD_BYTES,
        }
    }
}

/// One input row: where it was, what it said, and what it became.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputItem {
    /// The 1-based physical line where the record starts (a quoted cell may span lines).
    pub line: u64,
    /// The identifier cell as read, lossily decoded; a cell over the size limit is cut to a
    /// short prefix ending in `…`; empty when the row has no such cell.
    pub raw: String,
    /// The row to process, or why it cannot be.
    pub outcome: Result<InputRow, InvalidRow>,
}

/// A valid row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputRow {
    /// The identifier cell, classified and normalised.
    pub identifier: Identifier,
    /// The row's `priority` cell, when it has one.
    pub priority: Option<Priority>,
    /// The type that was asked for (row cell, else options, else column name); `Auto` when the
    /// value was classified by its shape. The result is `identifier.search_type()`.
    pub search_type: SearchType,
}

/// A row that cannot be processed; `reason` starts with "line N: ".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidRow {
    /// What is wrong with the row, for its record's error.
    pub reason: String,
}

/// A problem that stops the whole input.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The file could not be opened (or is a directory).
    #[error("cannot open the input {path}: {source}. Check the path and its permissions, or pass - to read standard input")]
    Open {
        /// The path as given.
        path: String,
        /// Why it could not be opened.
        source: io::Error,
    },
    /// A header of several columns, none named like an identifier column (`apn`,
    /// `address`, `owner`…), and no `--column` to say which.
    #[error("{name} has no identifier column; its columns are {}. Name the column with --column, or call it apn, address or owner{hint}", list(.columns))]
    NoIdentifierColumn {
        /// The input's name in messages (its path, or `<stdin>`).
        name: String,
        /// The header's column names.
        columns: Vec<String>,
        /// A `; ...` sentence when the header looks like data or not UTF-8, else empty.
        hint: String,
    },
    /// The header has no column of the name `--column` gave.
    #[error("{name} has no column {column:?}; its columns are {}", list(.columns))]
    MissingColumn {
        /// The input's name in messages.
        name: String,
        /// The column asked for.
        column: String,
        /// The header's column names.
        columns: Vec<String>,
    },
    /// An I/O or CSV error ended the read early.
    #[error("reading {name} failed at line {line}: {source}")]
    Read {
        /// The input's name in messages.
        name: String,
        /// The line the read had reached.
        line: u64,
        /// The error, as I/O (a CSV error is wrapped).
        source: io::Error,
    },
    /// One record grew past the record limit: reading stopped rather than hold it all in
    /// memory, since a list of identifiers has no record that large.
    #[error("{name}: the record starting at line {line} is over {limit} bytes, so reading stopped; is this a CSV file of identifiers?")]
    RecordTooLarge {
        /// The input's name in messages.
        name: String,
        /// The line where the record starts.
        line: u64,
        /// The record limit in bytes: 16 MiB, or 16 times `max_field_bytes` when larger.
        limit: u64,
    },
    /// The first line has a cell over `max_field_bytes`: no header (nor identifier) is that
    /// long.
    #[error("{name}: line {line} has a cell of {size} bytes, over the limit of {limit} bytes, where a header (or a first identifier) was expected; is this a CSV file of identifiers?")]
    HeaderTooLarge {
        /// The input's name in messages.
        name: String,
        /// The line of that first record.
        line: u64,
        /// The cell's size in bytes.
        size: usize,
        /// `max_field_bytes`.
        limit: usize,
    },
}

/// `"apn", "priority"`, with long lists and long names cut.
fn list(columns: &[String]) -> String {
    let mut shown: Vec<String> = columns
        .iter()
        .take(20)
        .map(|c| format!("{:?}", preview(c, 40)))
        .collect();
    if columns.len() > 20 {
        shown.push(format!("and {} more", columns.len() - 20));
    }
    shown.join(", ")
}

/// At most `max` characters of `s`, with `…` when cut.
fn preview(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &s[..cut]),
        None => s.to_string(),
    }
}

/// A header name in comparable form: trimmed, lower case, spaces and hyphens as underscores.
fn column_key(name: &str) -> String {
    name.trim().to_lowercase().replace([' ', '-'], "_")
}

/// Streams [`InputItem`]s from a CSV file or standard input.
pub struct InputReader {
    name: String,
    csv: csv::Reader<LineTracker<Box<dyn Read + Send>>>,
    record: ByteRecord,
    columns: Vec<String>,
    /// `None` when the file has no header line.
    column_name: Option<String>,
    ident_col: usize,
    priority_col: Option<usize>,
    search_type_col: Option<usize>,
    /// The type the column name implies (`Auto` when it implies none).
    column_type: SearchType,
    default_search_type: SearchType,
    max_field_bytes: usize,
    /// The first line of a headerless file, read while looking for the header.
    pending: Option<(ByteRecord, u64)>,
    error: Option<InputError>,
    done: bool,
}

impl InputReader {
    /// Opens `path` (`-` is standard input) and reads its header.
    pub fn open(path: impl AsRef<Path>, options: InputOptions) -> Result<InputReader, InputError> {
        let path = path.as_ref();
        if path.as_os_str() == "-" {
            return InputReader::from_reader(Box::new(io::stdin()), "<stdin>", options);
        }
        let name = path.display().to_string();
        let open_error = |source| InputError::Open {
            path: name.clone(),
            source,
        };
        if path.is_dir() {
            return Err(open_error(io::Error::other("it is a directory")));
        }
        let file = std::fs::File::open(path).map_err(open_error)?;
        InputReader::from_reader(Box::new(file), name, options)
    }

    /// Reads from any byte stream; `name` is used in messages (`apns.csv`, `<stdin>`).
    pub fn from_reader(
        reader: Box<dyn Read + Send>,
        name: impl Into<String>,
        options: InputOptions,
    ) -> Result<InputReader, InputError> {
        let limit = (options.max_field_bytes as u64)
            .saturating_mul(16)
            .max(MIN_RECORD_LIMIT);
        let csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(64 * 1024)
            .from_reader(LineTracker::new(reader, limit));
        let mut input = InputReader {
            name: name.into(),
            csv,
            record: ByteRecord::new(),
            columns: Vec::new(),
            column_name: None,
            ident_col: 0,
            priority_col: None,
            search_type_col: None,
            column_type: SearchType::Auto,
            default_search_type: options.default_search_type,
            max_field_bytes: options.max_field_bytes,
            pending: None,
            error: None,
            done: false,
        };
        let Some(line) = input.read_record() else {
            if let Some(err) = input.error.take() {
                return Err(err);
            }
            // An empty input is a list of no rows, as `wc -l` or `xargs` take it.
            input.done = true;
            return Ok(input);
        };
        input.read_header(line, options.column.as_deref())?;
        Ok(input)
    }

    /// Takes the header from the record just read, or keeps it as data when it is none.
    fn read_header(&mut self, line: u64, wanted: Option<&str>) -> Result<(), InputError> {
        // A header (or a headerless first identifier) this large is no header: taking it as
        // one would read the file as zero rows and say nothing.
        if let Some(size) = self
            .record
            .iter()
            .map(<[u8]>::len)
            .find(|n| *n > self.max_field_bytes)
        {
            return Err(InputError::HeaderTooLarge {
                name: self.name.clone(),
                line,
                size,
                limit: self.max_field_bytes,
            });
        }
        let mut columns: Vec<String> = self
            .record
            .iter()
            .map(|f| String::from_utf8_lossy(f).trim().to_string())
            .collect();
        if let Some(first) = columns.first_mut() {
            // csv strips a BOM from the stream's first bytes; this catches one after blank lines.
            *first = first.trim_start_matches('\u{FEFF}').trim().to_string();
        }
        let keys: Vec<String> = columns.iter().map(|c| column_key(c)).collect();
        let found = match wanted {
            Some(w) => match keys.iter().position(|k| *k == column_key(w)) {
                Some(i) => i,
                None => {
                    return Err(InputError::MissingColumn {
                        name: self.name.clone(),
                        column: w.to_string(),
                        columns,
                    });
                }
            },
            None => match COLUMN_PREFERENCE
                .iter()
                .find_map(|(n, _)| keys.iter().position(|k| k == n))
            {
                Some(i) => i,
                None if columns.len() == 1 => {
                    // A one-column file whose first line starts with a digit is a bare list of
                    // APNs or addresses: no column name starts with a digit.
                    if columns[0].starts_with(|c: char| c.is_ascii_digit()) {
                        self.pending = Some((self.record.clone(), line));
                        return Ok(());
                    }
                    0
                }
                None => {
                    let hint = header_hint(&columns);
                    return Err(InputError::NoIdentifierColumn {
                        name: self.name.clone(),
                        columns,
                        hint,
                    });
                }
            },
        };
        self.ident_col = found;
        self.column_type = COLUMN_PREFERENCE
            .iter()
            .find(|(n, _)| *n == keys[found])
            .map_or(SearchType::Auto, |(_, t)| *t);
        let other = |name: &str| (0..keys.len()).find(|&i| i != found && keys[i] == name);
        self.priority_col = other("priority");
        self.search_type_col = other("search_type");
        self.column_name = Some(columns[found].clone());
        self.columns = columns;
        Ok(())
    }

    /// The name used in messages.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The header's columns (empty for a headerless file).
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// The identifier column's name as written in the header; `None` for a headerless file.
    pub fn identifier_column(&self) -> Option<&str> {
        self.column_name.as_deref()
    }

    /// Why the stream ended early, if it did (I/O error or an oversized record).
    pub fn error(&self) -> Option<&InputError> {
        self.error.as_ref()
    }

    /// Takes the error that ended the stream early, if any.
    pub fn take_error(&mut self) -> Option<InputError> {
        self.error.take()
    }

    /// The items, then a final `Err` when the stream ended early.
    pub fn into_results(self) -> Results {
        Results {
            reader: self,
            finished: false,
        }
    }

    /// Reads the next non-blank record into `self.record`; its start line, or `None` at the end
    /// (with `self.error` set when the end was a failure).
    fn read_record(&mut self) -> Option<u64> {
        loop {
            if self.done {
                return None;
            }
            match self.csv.read_byte_record(&mut self.record) {
                Ok(true) => {
                    let tracker = self.csv.get_mut();
                    // One start is recorded per record csv yields; the fallback is never used
                    // unless the two parsers disagree, and then csv's own (rougher) count is used.
                    let fallback = self.record.position().map_or(0, csv::Position::line);
                    let line = tracker.starts.pop_front().unwrap_or(fallback);
                    if self.record.iter().all(|f| f.trim_ascii().is_empty()) {
                        continue;
                    }
                    return Some(line);
                }
                Ok(false) => {
                    self.done = true;
                    return None;
                }
                Err(e) => {
                    self.done = true;
                    let tracker = self.csv.get_ref();
                    self.error = Some(match tracker.over_limit {
                        Some(line) => InputError::RecordTooLarge {
                            name: self.name.clone(),
                            line,
                            limit: tracker.limit,
                        },
                        None => {
                            let source = match e.into_kind() {
                                csv::ErrorKind::Io(io) => io,
                                other => io::Error::other(format!("{other:?}")),
                            };
                            InputError::Read {
                                name: self.name.clone(),
                                line: tracker.line,
                                source,
                            }
                        }
                    });
                    return None;
                }
            }
        }
    }

    /// Turns the record just read into an item.
    fn item(&self, record: &ByteRecord, line: u64) -> InputItem {
        let (raw, outcome) = match self.identifier_cell(record) {
            Ok(raw) => {
                let outcome = self.row_of(record, &raw);
                (raw, outcome)
            }
            Err(Rejected { raw, reason }) => (raw, Err(reason)),
        };
        InputItem {
            line,
            raw,
            // The reason names the physical line, for the user to find the row.
            outcome: outcome.map_err(|reason| InvalidRow {
                reason: format!("line {line}: {reason}"),
            }),
        }
    }

    /// The identifier cell of `record` as text; rejected when it is missing, too long, not
    /// UTF-8 or blank.
    fn identifier_cell(&self, record: &ByteRecord) -> Result<String, Rejected> {
        let Some(bytes) = record.get(self.ident_col) else {
            let column = self.column_name.as_deref().unwrap_or("1");
            let reason = format!(
                "no value in column {column:?}: the row has {} field(s), the header has {}",
                record.len(),
                self.columns.len().max(1)
            );
            return Err(Rejected {
                raw: String::new(),
                reason,
            });
        };
        if bytes.len() > self.max_field_bytes {
            return Err(self.oversized(bytes));
        }
        let raw = String::from_utf8_lossy(bytes).into_owned();
        match text_problem(bytes, &raw) {
            Some(reason) => Err(Rejected { raw, reason }),
            None => Ok(raw),
        }
    }

    /// The rejection of a cell over `max_field_bytes`: only a short prefix of it is kept.
    fn oversized(&self, bytes: &[u8]) -> Rejected {
        let head = &bytes[..bytes.len().min(400)];
        let raw = preview(&String::from_utf8_lossy(head), 80);
        let reason = format!(
            "the value is {} bytes, over the limit of {} bytes",
            bytes.len(),
            self.max_field_bytes
        );
        Rejected { raw, reason }
    }

    /// The row of identifier `raw`, with the priority and search type of its own cells; the
    /// reason it is invalid otherwise.
    fn row_of(&self, record: &ByteRecord, raw: &str) -> Result<InputRow, String> {
        // Valid cells are short; a long one is cut before parsing so its error message is too.
        let cell = |col: Option<usize>| {
            col.and_then(|c| record.get(c))
                .map(|b| preview(String::from_utf8_lossy(b).trim(), 40))
                .filter(|s| !s.is_empty())
        };
        let priority = cell(self.priority_col)
            .map(|p| p.parse::<Priority>())
            .transpose()
            .map_err(|e| format!("priority {e}"))?;
        let row_type = cell(self.search_type_col)
            .map(|t| t.parse::<SearchType>())
            .transpose()
            .map_err(|e| format!("search_type {e}"))?;
        // The row's own cell wins, then the options, then what the column name implies.
        let search_type = row_type
            .or((self.default_search_type != SearchType::Auto).then_some(self.default_search_type))
            .unwrap_or(self.column_type);
        let identifier = classify(raw, search_type).map_err(|e| e.to_string())?;
        Ok(InputRow {
            identifier,
            priority,
            search_type,
        })
    }
}

/// An identifier cell that cannot be a row: the cell as the item shows it, and why.
struct Rejected {
    raw: String,
    reason: String,
}

/// Why a cell's text cannot be an identifier (not UTF-8, a lost character, blank); `raw` is
/// `bytes` lossily decoded.
fn text_problem(bytes: &[u8], raw: &str) -> Option<String> {
    if let Err(e) = std::str::from_utf8(bytes) {
        let at = e.valid_up_to();
        return Some(format!(
            "{:?} is not valid UTF-8 (byte 0x{:02X} at position {}); save the file as UTF-8",
            preview(raw, 60),
            bytes[at],
            at + 1
        ));
    }
    if raw.contains('\u{FFFD}') {
        return Some(format!(
            "{:?} contains U+FFFD, a character lost in an earlier conversion",
            preview(raw, 60)
        ));
    }
    if raw.trim().is_empty() {
        return Some("empty identifier".to_string());
    }
    None
}

/// A hint for a header where no identifier column was found.
fn header_hint(columns: &[String]) -> String {
    if columns.iter().any(|c| c.contains(['\u{FFFD}', '\0'])) {
        "; the file does not look like UTF-8 text (UTF-16?): save it as UTF-8 CSV".to_string()
    } else if columns.iter().any(|c| mps_ident::Apn::parse(c).is_ok()) {
        "; the first line looks like data: add a header line such as apn,priority".to_string()
    } else {
        String::new()
    }
}

impl Iterator for InputReader {
    type Item = InputItem;

    fn next(&mut self) -> Option<InputItem> {
        if let Some((record, line)) = self.pending.take() {
            return Some(self.item(&record, line));
        }
        let line = self.read_record()?;
        let item = self.item(&self.record, line);
        // An oversized record leaves a large buffer behind; drop it so memory stays flat.
        if self.record.as_slice().len() > self.max_field_bytes {
            self.record = ByteRecord::new();
        }
        Some(item)
    }
}

/// [`InputReader::into_results`]: every item as `Ok`, then the early-end error as `Err`.
pub struct Results {
    reader: InputReader,
    finished: bool,
}

impl Iterator for Results {
    type Item = Result<InputItem, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.finished {
            return None;
        }
        match self.reader.next() {
            Some(item) => Some(Ok(item)),
            None => {
                self.finished = true;
                self.reader.take_error().map(Err)
            }
        }
    }
}

/// Passes bytes through to csv while recording the physical line where each record starts.
///
/// csv's own `Position::line()` is where the previous record ended, so it is wrong after blank
/// lines and CRLF; this follows csv's grammar ([`CsvScanner`]) to get the real line, and stops
/// the read (with an I/O error) when one record grows past `limit` bytes, so a file that is no
/// CSV cannot take all memory.
struct LineTracker<R> {
    inner: R,
    csv: CsvScanner,
    /// The physical line of the next byte (CR, LF and CRLF each end a line).
    line: u64,
    after_cr: bool,
    /// Bytes seen, and the offset where the current record started.
    offset: u64,
    record_start: u64,
    /// How many bytes of a leading UTF-8 BOM were seen (csv strips it; so must we).
    bom: usize,
    /// Start lines of records scanned but not yet read by csv.
    starts: VecDeque<u64>,
    limit: u64,
    over_limit: Option<u64>,
}

const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

impl<R> LineTracker<R> {
    fn new(inner: R, limit: u64) -> Self {
        LineTracker {
            inner,
            csv: CsvScanner::new(),
            line: 1,
            after_cr: false,
            offset: 0,
            record_start: 0,
            bom: 0,
            starts: VecDeque::new(),
            limit,
            over_limit: None,
        }
    }

    fn step(&mut self, b: u8) {
        let between = self.csv.between_records();
        if self.csv.step(b) != Byte::Blank && between {
            self.starts.push_back(self.line);
            self.record_start = self.offset;
        }
        // Lines are counted after the byte: a CRLF pair is one line end.
        match b {
            b'\n' if self.after_cr => self.after_cr = false,
            b'\n' => self.line += 1,
            b'\r' => {
                self.line += 1;
                self.after_cr = true;
            }
            _ => self.after_cr = false,
        }
        self.offset += 1;
    }
}

impl<R: Read> Read for LineTracker<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.over_limit.is_some() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "record too large",
            ));
        }
        let n = loop {
            // A signal (Ctrl-C's handler) can interrupt a read from a pipe; that is no failure.
            match self.inner.read(buf) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => break other?,
            }
        };
        for &b in &buf[..n] {
            if self.bom < BOM.len() {
                if self.offset == 0 && b == BOM[self.bom] {
                    self.bom += 1;
                    continue;
                }
                // Not a BOM after all: the bytes taken for one were data (csv keeps them too).
                if self.bom > 0 {
                    self.step(BOM[0]);
                }
                self.bom = BOM.len();
            }
            self.step(b);
            if !self.csv.between_records() && self.offset - self.record_start > self.limit {
                self.over_limit = self.starts.back().copied();
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "record too large",
                ));
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
#[path = "input_tests.rs"]
mod tests;
