//! Reading a ledger file back into a [`JobState`], line by line, tolerating the torn last
//! line a crash can leave and nothing else.

use super::format::{decode, Header, Line, LEDGER_VERSION};
use super::registry;
use super::state::Tail;
use super::{JobId, JobState, LedgerError};
use std::fs::File;
use std::io::{BufRead, BufReader, ErrorKind, Read};
use std::path::Path;

/// Reads the ledger of job `id`, found through its registry file in `state_dir`. No lock is
/// taken: the job may be running, and a line it is half way through writing is ignored like
/// a torn one.
pub fn load(id: &JobId, state_dir: &Path) -> Result<JobState, LedgerError> {
    let entry = registry::read(id, state_dir)?;
    if let Some(url) = entry.database_url {
        return Err(LedgerError::InDatabase {
            id: id.to_string(),
            url,
        });
    }
    let state = match File::open(&entry.ledger) {
        Ok(file) => read_ledger(file, &entry.ledger)?,
        Err(e) if e.kind() == ErrorKind::NotFound => {
            return Err(LedgerError::MissingLedger {
                id: id.to_string(),
                path: entry.ledger,
            })
        }
        Err(e) => return Err(LedgerError::io("open", entry.ledger, e)),
    };
    if state.meta.id != *id {
        return Err(LedgerError::WrongJob {
            path: entry.ledger,
            expected: id.to_string(),
            found: state.meta.id.to_string(),
        });
    }
    Ok(state)
}

/// Reads a ledger file directly (for a ledger found beside an output, or copied elsewhere).
pub fn load_path(path: &Path) -> Result<JobState, LedgerError> {
    let file = File::open(path).map_err(|e| LedgerError::io("open", path, e))?;
    read_ledger(file, path)
}

/// A line that did not decode, held until we know whether it was the last one.
struct Bad {
    line: u64,
    reason: String,
}

/// Reads a whole ledger from `src`; `path` is only for messages and [`JobState::path`].
///
/// A line that does not decode is forgiven only when nothing but blank lines follows it: a
/// crash can tear the line being appended, but it cannot damage lines written before, so a
/// bad line in the middle means real damage and is reported with its line number rather
/// than silently dropping rows (which `--resume` would then fetch and write twice).
pub(super) fn read_ledger(src: impl Read, path: &Path) -> Result<JobState, LedgerError> {
    let mut reader = BufReader::new(src);
    let mut buf = Vec::new();
    let mut reading = Reading::new(path);
    loop {
        buf.clear();
        let n = reader
            .read_until(b'\n', &mut buf)
            .map_err(|e| LedgerError::io("read", path, e))?;
        if n == 0 {
            break;
        }
        reading.line(&buf)?;
    }
    reading.finish()
}

/// A ledger being read: the job so far, and where the file stops being whole.
struct Reading<'a> {
    path: &'a Path,
    /// Bytes read so far.
    offset: u64,
    line_no: u64,
    /// The job, once its header is read.
    state: Option<JobState>,
    /// A line that did not decode, forgiven if nothing but blank lines follows.
    bad: Option<Bad>,
    tail: Tail,
}

impl<'a> Reading<'a> {
    /// Nothing read yet.
    fn new(path: &'a Path) -> Self {
        Reading {
            path,
            offset: 0,
            line_no: 0,
            state: None,
            bad: None,
            tail: Tail::default(),
        }
    }

    /// Reads one line, its newline included (the last line may have none).
    fn line(&mut self, buf: &[u8]) -> Result<(), LedgerError> {
        self.line_no += 1;
        self.offset += buf.len() as u64;
        let complete = buf.last() == Some(&b'\n');
        let text = buf.trim_ascii();
        if text.is_empty() {
            // Blank lines after a whole line keep the file whole; after a bad one they do not.
            if self.bad.is_none() {
                self.tail.valid_len = self.offset;
                self.tail.needs_newline = false;
            }
            return Ok(());
        }
        // A line follows the bad one, so the bad one was not torn by a crash.
        if let Some(bad) = self.bad.take() {
            return Err(corrupt(self.path, bad.line, bad.reason));
        }
        let decoded = match decode(text) {
            Ok(decoded) => decoded,
            Err(reason) => {
                self.bad = Some(Bad {
                    line: self.line_no,
                    reason,
                });
                return Ok(());
            }
        };
        self.apply(decoded)?;
        self.tail.valid_len = self.offset;
        self.tail.needs_newline = !complete;
        Ok(())
    }

    /// Applies a decoded line to the job: the header starts it, the others follow it.
    fn apply(&mut self, decoded: Line) -> Result<(), LedgerError> {
        match (&mut self.state, decoded) {
            (None, Line::Header(header)) => {
                self.state = Some(job_of(*header, self.path)?);
            }
            (None, _) => {
                return Err(LedgerError::NoHeader {
                    path: self.path.to_path_buf(),
                })
            }
            (Some(_), Line::Header(_)) => {
                let reason = "a second job header".to_string();
                return Err(corrupt(self.path, self.line_no, reason));
            }
            (Some(s), Line::Opened(opened)) => {
                s.finished = None;
                if let Some(args) = &opened.args {
                    s.meta.args = args.clone();
                }
                s.runs.push(opened);
            }
            (Some(s), Line::Entry(entry)) => {
                // Anything after a finish means the job went on: it is no longer finished.
                s.finished = None;
                s.apply(entry);
            }
            (Some(s), Line::Finished(finished)) => {
                s.run_ends.push(finished.clone());
                s.finished = Some(finished);
            }
        }
        Ok(())
    }

    /// The job read, with where its file stops being whole; an error if it had no header.
    fn finish(mut self) -> Result<JobState, LedgerError> {
        self.tail.file_len = self.offset;
        let mut state = self.state.ok_or_else(|| LedgerError::NoHeader {
            path: self.path.to_path_buf(),
        })?;
        state.tail = self.tail;
        Ok(state)
    }
}

/// The job a header starts; an error for a ledger written by a newer mps.
fn job_of(header: Header, path: &Path) -> Result<JobState, LedgerError> {
    if header.mps_ledger > LEDGER_VERSION {
        return Err(LedgerError::UnsupportedVersion {
            path: path.to_path_buf(),
            version: header.mps_ledger,
        });
    }
    Ok(JobState::new(header.meta, path.to_path_buf()))
}

/// The error for a damaged line `line` of the ledger at `path`.
fn corrupt(path: &Path, line: u64, reason: String) -> LedgerError {
    LedgerError::Corrupt {
        path: path.to_path_buf(),
        line,
        reason,
    }
}
