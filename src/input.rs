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
use std::fmt;
use std::io::{self, Read};
use std::path::Path;
use std::str::FromStr;

use csv::ByteRecord;

use crate::ident::{classify, Identifier, SearchType};

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
];

/// How urgently a row is wanted; `Urgent` sorts first.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    Urgent,
    High,
    #[default]
    Normal,
    Low,
}

impl Priority {
    pub const ALL: [Priority; 4] = [
        Priority::Urgent,
        Priority::High,
        Priority::Normal,
        Priority::Low,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Urgent => "urgent",
            Priority::High => "high",
            Priority::Normal => "normal",
            Priority::Low => "low",
        }
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A priority name that is not one of `urgent`, `high`, `normal`, `low`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a priority: use urgent, high, normal or low")]
pub struct PriorityError(pub String);

impl FromStr for Priority {
    type Err = PriorityError;
    /// Case-insensitive, surrounding whitespace ignored.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim();
        Priority::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| PriorityError(s.to_string()))
    }
}

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
    pub outcome: Result<InputRow, InvalidRow>,
}

/// A valid row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputRow {
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
    pub reason: String,
}

/// A problem that stops the whole input.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("cannot open the input {path}: {source}. Check the path and its permissions, or pass - to read standard input")]
    Open { path: String, source: io::Error },
    #[error("{0} is empty: it needs a header line naming the identifier column (e.g. apn), then one identifier per line")]
    Empty(String),
    #[error("{name} has no identifier column; its columns are {}. Name the column with --column, or call it apn, address or owner{hint}", list(.columns))]
    NoIdentifierColumn {
        name: String,
        columns: Vec<String>,
        hint: String,
    },
    #[error("{name} has no column {column:?}; its columns are {}", list(.columns))]
    MissingColumn {
        name: String,
        column: String,
        columns: Vec<String>,
    },
    #[error("reading {name} failed at line {line}: {source}")]
    Read {
        name: String,
        line: u64,
        source: io::Error,
    },
    #[error("{name}: the record starting at line {line} is over {limit} bytes, so reading stopped; is this a CSV file of identifiers?")]
    RecordTooLarge { name: String, line: u64, limit: u64 },
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
            return Err(input
                .error
                .take()
                .unwrap_or_else(|| InputError::Empty(input.name.clone())));
        };
        input.read_header(line, options.column.as_deref())?;
        Ok(input)
    }

    /// Takes the header from the record just read, or keeps it as data when it is none.
    fn read_header(&mut self, line: u64, wanted: Option<&str>) -> Result<(), InputError> {
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
                    let fallback = self.record.position().map_or(0, |p| p.line());
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
        let invalid = |raw: String, reason: String| InputItem {
            line,
            raw,
            outcome: Err(InvalidRow {
                reason: format!("line {line}: {reason}"),
            }),
        };
        let Some(bytes) = record.get(self.ident_col) else {
            let column = self.column_name.as_deref().unwrap_or("1");
            let reason = format!(
                "no value in column {column:?}: the row has {} field(s), the header has {}",
                record.len(),
                self.columns.len().max(1)
            );
            return invalid(String::new(), reason);
        };
        if bytes.len() > self.max_field_bytes {
            let head = &bytes[..bytes.len().min(400)];
            let raw = preview(&String::from_utf8_lossy(head), 80);
            let reason = format!(
                "the value is {} bytes, over the limit of {} bytes",
                bytes.len(),
                self.max_field_bytes
            );
            return invalid(raw, reason);
        }
        let raw = String::from_utf8_lossy(bytes).into_owned();
        if let Err(e) = std::str::from_utf8(bytes) {
            let at = e.valid_up_to();
            let reason = format!(
                "{:?} is not valid UTF-8 (byte 0x{:02X} at position {}); save the file as UTF-8",
                preview(&raw, 60),
                bytes[at],
                at + 1
            );
            return invalid(raw, reason);
        }
        if raw.contains('\u{FFFD}') {
            let reason = format!(
                "{:?} contains U+FFFD, a character lost in an earlier conversion",
                preview(&raw, 60)
            );
            return invalid(raw, reason);
        }
        if raw.trim().is_empty() {
            return invalid(raw, "empty identifier".to_string());
        }
        // Valid cells are short; a long one is cut before parsing so its error message is too.
        let cell = |col: Option<usize>| {
            col.and_then(|c| record.get(c))
                .map(|b| preview(String::from_utf8_lossy(b).trim(), 40))
                .filter(|s| !s.is_empty())
        };
        let priority = match cell(self.priority_col).map(|p| p.parse::<Priority>()) {
            None => None,
            Some(Ok(p)) => Some(p),
            Some(Err(e)) => return invalid(raw, format!("priority {e}")),
        };
        let row_type = match cell(self.search_type_col).map(|t| t.parse::<SearchType>()) {
            None => None,
            Some(Ok(t)) => Some(t),
            Some(Err(e)) => return invalid(raw, format!("search_type {e}")),
        };
        // The row's own cell wins, then the options, then what the column name implies.
        let search_type = row_type
            .or((self.default_search_type != SearchType::Auto).then_some(self.default_search_type))
            .unwrap_or(self.column_type);
        match classify(&raw, search_type) {
            Ok(identifier) => InputItem {
                line,
                raw,
                outcome: Ok(InputRow {
                    identifier,
                    priority,
                    search_type,
                }),
            },
            Err(e) => invalid(raw, e.to_string()),
        }
    }
}

/// A hint for a header where no identifier column was found.
fn header_hint(columns: &[String]) -> String {
    if columns.iter().any(|c| c.contains(['\u{FFFD}', '\0'])) {
        "; the file does not look like UTF-8 text (UTF-16?): save it as UTF-8 CSV".to_string()
    } else if columns.iter().any(|c| crate::ident::Apn::parse(c).is_ok()) {
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

/// Where the scanner is within the CSV grammar (csv's default dialect: `,`, `"`, doubled quotes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scan {
    StartRecord,
    StartField,
    InField,
    InQuoted,
    QuoteInQuoted,
}

/// Passes bytes through to csv while recording the physical line where each record starts.
///
/// csv's own `Position::line()` is where the previous record ended, so it is wrong after blank
/// lines and CRLF; this mirrors csv's grammar to get the real line, and stops the read (with an
/// I/O error) when one record grows past `limit` bytes, so a file that is no CSV cannot take all
/// memory.
struct LineTracker<R> {
    inner: R,
    scan: Scan,
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
            scan: Scan::StartRecord,
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
        let terminator = b == b'\r' || b == b'\n';
        self.scan = match (self.scan, b) {
            (Scan::StartRecord, _) if terminator => Scan::StartRecord,
            (Scan::StartRecord, _) => {
                self.starts.push_back(self.line);
                self.record_start = self.offset;
                Scan::StartField.after(b)
            }
            (Scan::InQuoted, b'"') => Scan::QuoteInQuoted,
            (Scan::InQuoted, _) => Scan::InQuoted,
            (Scan::QuoteInQuoted, b'"') => Scan::InQuoted,
            (state, _) => state.after(b),
        };
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

impl Scan {
    /// The next state from an unquoted position (start of field, inside a field, after a
    /// closing quote).
    fn after(self, b: u8) -> Scan {
        match (self, b) {
            (Scan::StartField, b'"') => Scan::InQuoted,
            (_, b',') => Scan::StartField,
            (_, b'\r' | b'\n') => Scan::StartRecord,
            _ => Scan::InField,
        }
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
            if self.scan != Scan::StartRecord && self.offset - self.record_start > self.limit {
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
mod tests {
    use super::*;
    use crate::ident::Apn;

    fn reader_with(bytes: &[u8], options: InputOptions) -> Result<InputReader, InputError> {
        InputReader::from_reader(
            Box::new(io::Cursor::new(bytes.to_vec())),
            "test.csv",
            options,
        )
    }

    fn read_with(bytes: &[u8], options: InputOptions) -> Vec<InputItem> {
        match reader_with(bytes, options) {
            Ok(mut r) => {
                let items: Vec<InputItem> = r.by_ref().collect();
                assert!(r.error().is_none(), "{:?}", r.error());
                items
            }
            Err(e) => panic!("{e}"),
        }
    }

    fn read(bytes: &[u8]) -> Vec<InputItem> {
        read_with(bytes, InputOptions::default())
    }

    /// (line, key or "!reason") per item: compact to assert on.
    fn summary(items: &[InputItem]) -> Vec<(u64, String)> {
        items
            .iter()
            .map(|i| match &i.outcome {
                Ok(row) => (i.line, row.identifier.key()),
                Err(bad) => (i.line, format!("!{}", bad.reason)),
            })
            .collect()
    }

    fn s(line: u64, text: &str) -> (u64, String) {
        (line, text.to_string())
    }

    #[test]
    fn apn_column_in_every_spelling() {
        let items =
            read(b"apn\n123-45-678\n12345678\n123 45 678\n123.45.678\n118-22-001a\n118-22-001A\n");
        let keys: Vec<_> = summary(&items);
        assert_eq!(
            keys,
            vec![
                s(2, "apn:123-45-678"),
                s(3, "apn:123-45-678"),
                s(4, "apn:123-45-678"),
                s(5, "apn:123-45-678"),
                s(6, "apn:118-22-001A"),
                s(7, "apn:118-22-001A"),
            ]
        );
        assert_eq!(items[2].raw, "123 45 678");
        let row = items[0].outcome.as_ref().unwrap();
        assert_eq!(row.search_type, SearchType::Apn);
        assert_eq!(row.priority, None);
        assert_eq!(
            row.identifier,
            Identifier::Apn(Apn::parse("12345678").unwrap())
        );
    }

    #[test]
    fn an_invalid_apn_names_its_line() {
        let items = read(b"apn\n123-45-678\n\n123-45-67\nSmith John\n");
        let got = summary(&items);
        assert_eq!(got[0], s(2, "apn:123-45-678"));
        assert_eq!(got[1].0, 4);
        assert!(
            got[1]
                .1
                .starts_with("!line 4: \"123-45-67\" is not a valid APN: an APN has 8 digits"),
            "{}",
            got[1].1
        );
        // The column is named apn, so a name there is a bad APN, not an owner.
        assert!(
            got[2]
                .1
                .starts_with("!line 5: \"Smith John\" is not a valid APN"),
            "{}",
            got[2].1
        );
    }

    #[test]
    fn bom_and_crlf() {
        let items = read(b"\xEF\xBB\xBFAPN,Priority\r\n123-45-678,high\r\n\r\n165-28-054,\r\n");
        assert_eq!(
            summary(&items),
            vec![s(2, "apn:123-45-678"), s(4, "apn:165-28-054")]
        );
        assert_eq!(
            items[0].outcome.as_ref().unwrap().priority,
            Some(Priority::High)
        );
        assert_eq!(items[1].outcome.as_ref().unwrap().priority, None);
        // A BOM before a quoted header.
        let items = read(b"\xEF\xBB\xBF\"apn\",\"x\"\r\n\"123-45-678\",\"a,b\"\r\n");
        assert_eq!(summary(&items), vec![s(2, "apn:123-45-678")]);
    }

    #[test]
    fn quoted_commas_and_newlines_keep_later_line_numbers_right() {
        let data = b"address,note\n\
            \"10010 N 29th St, Phoenix, AZ 85028\",plain\n\
            \"9049 W Adam Ave\",\"a note\nover\r\nthree lines, with \"\"quotes\"\"\"\n\
            \"Main St\",x\n\
            123-45-678,\"\"\n";
        let got = summary(&read(data));
        assert_eq!(got[0], s(2, "address:10010 N 29TH ST|PHOENIX|85028"));
        assert_eq!(got[1], s(3, "address:9049 W ADAM AVE||"));
        assert_eq!(got[2].0, 6);
        assert!(got[2].1.starts_with("!line 6: \"Main St\" is not a valid address: an address must start with a house number"), "{}", got[2].1);
        assert_eq!(got[3].0, 7);
        assert!(got[3].1.contains("not a valid address"), "{}", got[3].1);
        // A multi-line identifier cell itself.
        let got = summary(&read(b"owner\n\"DOE\nJOHN\"\n\"bad;\"\n"));
        assert_eq!(got[0], s(2, "owner:DOE JOHN"));
        assert!(got[1].1.starts_with("!line 4: "), "{}", got[1].1);
    }

    #[test]
    fn blank_lines_and_empty_rows_are_skipped() {
        let got = summary(&read(
            b"\n\napn,priority\n\n123-45-678,low\n,\n , \n\n\n165-28-054,urgent\n\n",
        ));
        assert_eq!(got, vec![s(5, "apn:123-45-678"), s(10, "apn:165-28-054")]);
        // CR-only line ends (old Mac) count as lines too.
        let got = summary(&read(b"apn\r123-45-678\r\r165-28-054\r"));
        assert_eq!(got, vec![s(2, "apn:123-45-678"), s(4, "apn:165-28-054")]);
    }

    #[test]
    fn empty_identifier_cells_are_invalid() {
        let got = summary(&read(b"apn,priority\n,high\n  ,low\n\"\",normal\n"));
        assert_eq!(
            got,
            vec![
                s(2, "!line 2: empty identifier"),
                s(3, "!line 3: empty identifier"),
                s(4, "!line 4: empty identifier")
            ]
        );
    }

    #[test]
    fn ragged_rows() {
        let got = summary(&read(
            b"priority,note,apn\nhigh,a,123-45-678\nlow\nlow,b,165-28-054,extra,more\nhigh,c\n",
        ));
        assert_eq!(got[0], s(2, "apn:123-45-678"));
        assert_eq!(
            got[1],
            s(
                3,
                "!line 3: no value in column \"apn\": the row has 1 field(s), the header has 3"
            )
        );
        assert_eq!(got[2], s(4, "apn:165-28-054"));
        assert_eq!(got[3].0, 5);
        assert!(got[3].1.contains("the row has 2 field(s)"), "{}", got[3].1);
    }

    #[test]
    fn non_utf8_bytes_spoil_only_their_row() {
        let items =
            read(b"owner\nO'BRI\xC9N PAT\nDOE JOHN\nbad \xEF\xBF\xBD here\nPE\xC3\x91A JOSE\n");
        let got = summary(&items);
        assert_eq!(got[0], s(2, "!line 2: \"O'BRI\u{FFFD}N PAT\" is not valid UTF-8 (byte 0xC9 at position 6); save the file as UTF-8"));
        assert_eq!(items[0].raw, "O'BRI\u{FFFD}N PAT");
        assert_eq!(got[1], s(3, "owner:DOE JOHN"));
        assert!(
            got[2].1.starts_with("!line 4: ") && got[2].1.contains("U+FFFD"),
            "{}",
            got[2].1
        );
        assert_eq!(got[3], s(5, "owner:PEÑA JOSE"));
    }

    #[test]
    fn a_one_megabyte_field_is_refused_and_the_next_row_is_fine() {
        let mut data = b"apn,note\n123-45-678,x\n\"".to_vec();
        data.extend(std::iter::repeat_n(b'9', 1 << 20));
        data.extend(b"\",big\n165-28-054,y\n");
        let mut r = reader_with(&data, InputOptions::default()).unwrap();
        let items: Vec<_> = r.by_ref().collect();
        assert!(r.error().is_none());
        let got = summary(&items);
        assert_eq!(got[0], s(2, "apn:123-45-678"));
        assert_eq!(
            got[1],
            s(
                3,
                "!line 3: the value is 1048576 bytes, over the limit of 65536 bytes"
            )
        );
        assert!(
            items[1].raw.len() < 100 && items[1].raw.ends_with('…'),
            "{}",
            items[1].raw
        );
        assert_eq!(got[2], s(4, "apn:165-28-054"));
        // The big buffer was released.
        assert!(r.record.as_slice().len() < 1024);
        // A big field in another column does not matter.
        let mut data = b"apn,note\n123-45-678,".to_vec();
        data.extend(std::iter::repeat_n(b'x', 1 << 20));
        data.extend(b"\n");
        assert_eq!(summary(&read(&data)), vec![s(2, "apn:123-45-678")]);
    }

    /// Hands out at most 16 bytes per read.
    struct Chunked(io::Cursor<Vec<u8>>);

    impl Read for Chunked {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = buf.len().min(16);
            self.0.read(&mut buf[..n])
        }
    }

    #[test]
    fn a_record_over_the_limit_stops_the_read() {
        let mut data = b"apn\n123-45-678\n".to_vec();
        data.extend(std::iter::repeat_n(b'7', 4000));
        data.extend(b"\n165-28-054\n");
        // Small reads, as from a pipe, so that the limit set below applies before the bytes come.
        let chunked = Chunked(io::Cursor::new(data));
        let mut r =
            InputReader::from_reader(Box::new(chunked), "test.csv", InputOptions::default())
                .unwrap();
        r.csv.get_mut().limit = 1000;
        let results: Vec<_> = r.into_results().collect();
        assert_eq!(results.len(), 2);
        assert_eq!(results[0].as_ref().unwrap().line, 2);
        let err = results[1].as_ref().unwrap_err();
        assert!(
            matches!(
                err,
                InputError::RecordTooLarge {
                    line: 3,
                    limit: 1000,
                    ..
                }
            ),
            "{err}"
        );
        assert!(err.to_string().contains("line 3"), "{err}");
    }

    #[test]
    fn empty_and_header_only_files() {
        for data in [&b""[..], b"\n\n", b"\r\n", b"\xEF\xBB\xBF", b",,\n , \n"] {
            match reader_with(data, InputOptions::default()) {
                Err(InputError::Empty(name)) => assert_eq!(name, "test.csv"),
                Err(e) => panic!("{data:?}: {e}"),
                Ok(_) => panic!("{data:?}: accepted"),
            }
        }
        let msg = reader_with(b"", InputOptions::default())
            .err()
            .unwrap()
            .to_string();
        assert!(msg.starts_with("test.csv is empty"), "{msg}");
        assert!(read(b"apn\n").is_empty());
        assert!(read(b"apn,priority\r\n\r\n").is_empty());
    }

    #[test]
    fn headerless_one_column_lists() {
        let got = summary(&read(b"123-45-678\n165-28-054\n"));
        assert_eq!(got, vec![s(1, "apn:123-45-678"), s(2, "apn:165-28-054")]);
        let got = summary(&read(b"\xEF\xBB\xBF\n11822001A\r\n123-45-67\r\n"));
        assert_eq!(got[0], s(2, "apn:118-22-001A"));
        assert!(
            got[1]
                .1
                .starts_with("!line 3: \"123-45-67\" is not a valid APN"),
            "{}",
            got[1].1
        );
        let got = summary(&read(b"10010 N 29th St\n"));
        assert_eq!(got, vec![s(1, "address:10010 N 29TH ST||")]);
        // A one-column file with an unknown name: that name is the header; values are classified.
        let mut r = reader_with(
            b"Parcels to check\n123-45-678\nDoe John\n",
            InputOptions::default(),
        )
        .unwrap();
        assert_eq!(r.identifier_column(), Some("Parcels to check"));
        let got = summary(&r.by_ref().collect::<Vec<_>>());
        assert_eq!(got, vec![s(2, "apn:123-45-678"), s(3, "owner:DOE JOHN")]);
    }

    #[test]
    fn columns_are_found_by_preference() {
        let r = reader_with(b"Owner, APN ,address\n", InputOptions::default()).unwrap();
        assert_eq!(r.identifier_column(), Some("APN"));
        let r = reader_with(b"name,Situs Address\n", InputOptions::default()).unwrap();
        assert_eq!(r.identifier_column(), Some("Situs Address"));
        let r = reader_with(b"x,Parcel-Number,priority\n", InputOptions::default()).unwrap();
        assert_eq!(r.identifier_column(), Some("Parcel-Number"));
        assert_eq!(r.priority_col, Some(2));
        assert_eq!(r.columns(), ["x", "Parcel-Number", "priority"]);
    }

    #[test]
    fn column_names_imply_a_search_type() {
        let got = summary(&read(b"address\n10010 N 29th St\n123-45-678\n"));
        assert_eq!(got[0], s(2, "address:10010 N 29TH ST||"));
        assert!(got[1].1.contains("not a valid address"), "{}", got[1].1);
        let got = summary(&read(b"owner_name\n123 Main LLC\n2000 Smith Trust\n"));
        assert_eq!(
            got,
            vec![s(2, "owner:123 MAIN LLC"), s(3, "owner:2000 SMITH TRUST")]
        );
        let items = read(b"identifier\n123-45-678\n10010 N 29th St\nDoe John\n");
        let got = summary(&items);
        assert_eq!(
            got,
            vec![
                s(2, "apn:123-45-678"),
                s(3, "address:10010 N 29TH ST||"),
                s(4, "owner:DOE JOHN")
            ]
        );
        assert_eq!(
            items[0].outcome.as_ref().unwrap().search_type,
            SearchType::Auto
        );
    }

    #[test]
    fn options_and_row_cells_override_the_column_name() {
        let options = InputOptions {
            default_search_type: SearchType::Owner,
            ..InputOptions::default()
        };
        let got = summary(&read_with(b"address\n123 Main St\n", options));
        assert_eq!(got, vec![s(2, "owner:123 MAIN ST")]);
        let data = b"apn,search_type\n123-45-678,\n10010 N 29th St,address\nDoe John,OWNER\n10010 N 29th St,auto\nx,parcel\n";
        let items = read(data);
        let got = summary(&items);
        assert_eq!(got[0], s(2, "apn:123-45-678"));
        assert_eq!(got[1], s(3, "address:10010 N 29TH ST||"));
        assert_eq!(got[2], s(4, "owner:DOE JOHN"));
        assert_eq!(got[3], s(5, "address:10010 N 29TH ST||"));
        assert_eq!(
            items[3].outcome.as_ref().unwrap().search_type,
            SearchType::Auto
        );
        assert_eq!(got[4], s(6, "!line 6: search_type \"parcel\" is not a search type: use apn, address, owner or auto"));
    }

    #[test]
    fn priorities() {
        let items = read(b"apn,priority\n123-45-678,URGENT\n123-45-678, Low \n123-45-678,asap\n");
        assert_eq!(
            items[0].outcome.as_ref().unwrap().priority,
            Some(Priority::Urgent)
        );
        assert_eq!(
            items[1].outcome.as_ref().unwrap().priority,
            Some(Priority::Low)
        );
        assert_eq!(
            summary(&items)[2],
            s(
                4,
                "!line 4: priority \"asap\" is not a priority: use urgent, high, normal or low"
            )
        );
        let long = format!("apn,priority\n123-45-678,{}\n", "x".repeat(5000));
        let reason = summary(&read(long.as_bytes()))[0].1.clone();
        assert!(
            reason.starts_with("!line 2: priority \"xxx") && reason.len() < 150,
            "{reason}"
        );
        let mut all = vec![
            Priority::Low,
            Priority::Urgent,
            Priority::Normal,
            Priority::High,
        ];
        all.sort();
        assert_eq!(all, Priority::ALL);
        for p in Priority::ALL {
            assert_eq!(p.to_string().parse::<Priority>(), Ok(p));
            assert_eq!(serde_json::to_string(&p).unwrap(), format!("\"{p}\""));
            assert_eq!(
                serde_json::from_str::<Priority>(&format!("\"{p}\"")).unwrap(),
                p
            );
        }
        assert_eq!(Priority::default(), Priority::Normal);
    }

    #[test]
    fn a_named_column() {
        let options = InputOptions {
            column: Some(" PIN ".into()),
            ..InputOptions::default()
        };
        let got = summary(&read_with(b"apn,pin\n999,123-45-678\n", options.clone()));
        assert_eq!(got, vec![s(2, "apn:123-45-678")]);
        let err = reader_with(b"apn,owner\n1,2\n", options).err().unwrap();
        assert_eq!(
            err.to_string(),
            "test.csv has no column \" PIN \"; its columns are \"apn\", \"owner\""
        );
        // The named column implies its type.
        let options = InputOptions {
            column: Some("owner".into()),
            ..InputOptions::default()
        };
        assert_eq!(
            summary(&read_with(b"apn,owner\n1,123 Main LLC\n", options)),
            vec![s(2, "owner:123 MAIN LLC")]
        );
    }

    #[test]
    fn no_identifier_column_lists_the_columns() {
        let err = reader_with(b"foo,bar\n1,2\n", InputOptions::default())
            .err()
            .unwrap();
        let msg = err.to_string();
        assert!(msg.contains("\"foo\", \"bar\""), "{msg}");
        assert!(msg.contains("--column"), "{msg}");
        let msg = reader_with(b"123-45-678,high\n", InputOptions::default())
            .err()
            .unwrap()
            .to_string();
        assert!(msg.contains("looks like data"), "{msg}");
        let msg = reader_with(
            b"\xFF\xFEa\x00p\x00n\x00,\x00x\x00\n",
            InputOptions::default(),
        )
        .err()
        .unwrap()
        .to_string();
        assert!(msg.contains("UTF-8"), "{msg}");
    }

    /// Fails with an I/O error after `ok` bytes.
    struct Failing {
        data: io::Cursor<Vec<u8>>,
        ok: u64,
    }

    impl Read for Failing {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.data.position() >= self.ok {
                return Err(io::Error::other("disk on fire"));
            }
            let room = (self.ok - self.data.position()) as usize;
            let n = buf.len().min(room);
            self.data.read(&mut buf[..n])
        }
    }

    #[test]
    fn an_io_error_mid_file_ends_the_stream_with_an_error() {
        let data = b"apn\n123-45-678\n165-28-054\n200-16-068\n".to_vec();
        let failing = Failing {
            data: io::Cursor::new(data),
            ok: 20,
        };
        let mut r =
            InputReader::from_reader(Box::new(failing), "f.csv", InputOptions::default()).unwrap();
        let items: Vec<_> = r.by_ref().collect();
        assert_eq!(summary(&items), vec![s(2, "apn:123-45-678")]);
        let err = r.take_error().unwrap();
        assert!(matches!(err, InputError::Read { line: 3, .. }), "{err:?}");
        assert_eq!(
            err.to_string(),
            "reading f.csv failed at line 3: disk on fire"
        );
        assert!(r.next().is_none());
        // An error before the header is returned by the constructor.
        let failing = Failing {
            data: io::Cursor::new(b"apn\n".to_vec()),
            ok: 0,
        };
        let err = InputReader::from_reader(Box::new(failing), "f.csv", InputOptions::default())
            .err()
            .unwrap();
        assert!(matches!(err, InputError::Read { .. }), "{err:?}");
    }

    #[test]
    fn open_errors_name_the_path() {
        let err = InputReader::open("/no/such/dir/apns.csv", InputOptions::default())
            .err()
            .unwrap();
        let msg = err.to_string();
        assert!(
            msg.starts_with("cannot open the input /no/such/dir/apns.csv: "),
            "{msg}"
        );
        assert!(msg.contains("pass - to read standard input"), "{msg}");
        let dir = tempfile::tempdir().unwrap();
        let err = InputReader::open(dir.path(), InputOptions::default())
            .err()
            .unwrap();
        assert!(err.to_string().contains("it is a directory"), "{err}");
        let path = dir.path().join("apns.csv");
        std::fs::write(&path, "apn\n123-45-678\n").unwrap();
        let r = InputReader::open(&path, InputOptions::default()).unwrap();
        assert!(r.name().ends_with("apns.csv"));
        assert_eq!(
            summary(&r.collect::<Vec<_>>()),
            vec![s(2, "apn:123-45-678")]
        );
    }

    /// The line scanner must see records exactly where csv does.
    #[test]
    fn scanner_agrees_with_csv_on_tricky_input() {
        let cases: &[(&[u8], &[u64])] = &[
            (b"h\na\"b\nc\n", &[2, 3]),
            (b"h\n\"a\"b,\"c\nd\"\ne\n", &[2, 4]),
            (b"h\n\"\"\"\",x\n\"a\"\"\nb\"\ny\n", &[2, 3, 5]),
            (b"h\r\n\r\n\"x\r\ny\"\r\n\r\nz", &[3, 6]),
            (b"h\n,\"a\nb\"\nc", &[2, 4]),
            (b"h\n\"unterminated\nq\nr", &[2]),
            (b"\xEF\xBBh\n1\n", &[2]),
        ];
        for (data, lines) in cases {
            let mut r = reader_with(
                data,
                InputOptions {
                    column: None,
                    ..InputOptions::default()
                },
            )
            .unwrap();
            let got: Vec<u64> = r.by_ref().map(|i| i.line).collect();
            assert_eq!(&got, lines, "{:?}", String::from_utf8_lossy(data));
            assert!(
                r.csv.get_ref().starts.is_empty(),
                "{:?}",
                String::from_utf8_lossy(data)
            );
        }
    }

    /// Yields `rows` generated rows without ever holding them.
    struct Generated {
        rows: u64,
        next: u64,
        line: Vec<u8>,
        at: usize,
    }

    impl Read for Generated {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.at == self.line.len() {
                if self.next > self.rows {
                    return Ok(0);
                }
                self.line = if self.next == 0 {
                    b"apn,priority\n".to_vec()
                } else {
                    format!(
                        "{:03}-{:02}-{:03},low\n",
                        self.next % 1000,
                        self.next % 100,
                        self.next % 997
                    )
                    .into_bytes()
                };
                self.next += 1;
                self.at = 0;
            }
            let n = buf.len().min(self.line.len() - self.at);
            buf[..n].copy_from_slice(&self.line[self.at..self.at + n]);
            self.at += n;
            Ok(n)
        }
    }

    #[test]
    fn streams_many_rows() {
        let source = Generated {
            rows: 200_000,
            next: 0,
            line: Vec::new(),
            at: 0,
        };
        let r = InputReader::from_reader(Box::new(source), "gen", InputOptions::default()).unwrap();
        let (mut count, mut last) = (0u64, 0u64);
        for item in r {
            assert!(item.outcome.is_ok(), "{item:?}");
            count += 1;
            last = item.line;
        }
        assert_eq!((count, last), (200_000, 200_001));
    }
}
