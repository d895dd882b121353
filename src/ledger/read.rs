//! Reading a ledger file back into a [`JobState`], line by line, tolerating the torn last
//! line a crash can leave and nothing else.

use super::format::{decode, Line, LEDGER_VERSION};
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
    let mut offset: u64 = 0;
    let mut line_no: u64 = 0;
    let mut state: Option<JobState> = None;
    let mut bad: Option<Bad> = None;
    let mut tail = Tail::default();

    loop {
        buf.clear();
        let n = reader
            .read_until(b'\n', &mut buf)
            .map_err(|e| LedgerError::io("read", path, e))?;
        if n == 0 {
            break;
        }
        line_no += 1;
        offset += n as u64;
        let complete = buf.last() == Some(&b'\n');
        let text = buf.trim_ascii();
        if text.is_empty() {
            if bad.is_none() {
                tail.valid_len = offset;
                tail.needs_newline = false;
            }
            continue;
        }
        if let Some(bad) = bad.take() {
            return Err(corrupt(path, bad.line, bad.reason));
        }
        let decoded = match decode(text) {
            Ok(decoded) => decoded,
            Err(reason) => {
                bad = Some(Bad {
                    line: line_no,
                    reason,
                });
                continue;
            }
        };
        match (&mut state, decoded) {
            (None, Line::Header(header)) => {
                if header.mps_ledger > LEDGER_VERSION {
                    return Err(LedgerError::UnsupportedVersion {
                        path: path.to_path_buf(),
                        version: header.mps_ledger,
                    });
                }
                state = Some(JobState::new(header.meta, path.to_path_buf()));
            }
            (None, _) => {
                return Err(LedgerError::NoHeader {
                    path: path.to_path_buf(),
                })
            }
            (Some(_), Line::Header(_)) => {
                return Err(corrupt(path, line_no, "a second job header".to_string()))
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
        tail.valid_len = offset;
        tail.needs_newline = !complete;
    }

    tail.file_len = offset;
    let mut state = state.ok_or_else(|| LedgerError::NoHeader {
        path: path.to_path_buf(),
    })?;
    state.tail = tail;
    Ok(state)
}

fn corrupt(path: &Path, line: u64, reason: String) -> LedgerError {
    LedgerError::Corrupt {
        path: path.to_path_buf(),
        line,
        reason,
    }
}
