//! `FileLedger`: the append-only ledger file of one running job, held under an exclusive lock
//! for the job's lifetime.
//!
//! Durability: every append is one `write` of whole lines straight to the file (no user-space
//! buffer), so once `append` returns the lines are in the kernel's page cache and survive the
//! process dying, `kill -9` included. They are not forced to the disk (no fsync per append):
//! surviving a power cut or kernel crash would cost a disk flush per batch of records, and the
//! output file written just before the ledger is not fsynced either, so the pair stays
//! consistent for the failure mode that matters (the process dies). [`FileLedger::finish`]
//! does fsync once at the end of a run, and [`FileLedger::sync`] is there for a caller that
//! wants checkpoints.

use super::format::{encode_into, FinishedLine, Header, OpenedLine, LEDGER_VERSION};
use super::read::read_ledger;
use super::registry::{self, RegistryEntry};
use super::{Finished, JobId, JobMeta, JobState, LedgerError, Opened, RowEntry};
use chrono::Utc;
use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The ledger of a job this process is running. Dropping it releases the lock.
#[derive(Debug)]
pub struct FileLedger {
    id: JobId,
    path: PathBuf,
    /// Opened for append and locked; the lock lives as long as this handle.
    file: File,
    /// Length of the file after the last successful write, to undo a partial one.
    len: u64,
    /// Reused encoding buffer.
    buf: Vec<u8>,
}

impl FileLedger {
    /// Starts the ledger of a new job: registers `meta.id` in `state_dir`, creates (or
    /// replaces) the ledger file, locks it, and writes the job header.
    ///
    /// Call this before opening the output for writing: a second process aimed at the same
    /// output then gets [`LedgerError::Busy`] before it can truncate the first one's records.
    /// A ledger left beside the output by an earlier job is replaced, as its output is.
    pub fn create(mut meta: JobMeta, state_dir: &Path) -> Result<FileLedger, LedgerError> {
        meta.absolutize()
            .map_err(|e| LedgerError::io("resolve the paths of", &meta.input, e))?;
        let reservation = registry::reserve(&meta.id, state_dir)?;
        let created = Self::create_reserved(&meta, state_dir);
        if created.is_err() {
            // The id was never used: free it so the registry lists no ghost job.
            let _ = fs::remove_file(&reservation);
        }
        created
    }

    fn create_reserved(meta: &JobMeta, state_dir: &Path) -> Result<FileLedger, LedgerError> {
        let path = registry::ledger_path(meta, state_dir);
        let file = open_locked(&path, &meta.id)?;
        // Only now, with the lock held, may an earlier job's ledger be cut.
        file.set_len(0)
            .map_err(|e| LedgerError::io("truncate", &path, e))?;
        let mut ledger = FileLedger {
            id: meta.id.clone(),
            path,
            file,
            len: 0,
            buf: Vec::new(),
        };
        let header = Header {
            mps_ledger: LEDGER_VERSION,
            meta: meta.clone(),
        };
        ledger.encode(&header)?;
        ledger.encode(&OpenedLine {
            opened: &opened_now(None),
        })?;
        ledger.write_buf()?;
        registry::write(
            &RegistryEntry {
                id: meta.id.clone(),
                ledger: ledger.path.clone(),
                output: meta.output.clone(),
                created_at: meta.created_at,
                database_url: None,
            },
            state_dir,
        )?;
        Ok(ledger)
    }

    /// Reopens the ledger of job `id` to go on appending, and returns what it holds.
    /// `args`, when given, are this run's settings (recorded, so the next resume uses them).
    ///
    /// A torn last line is cut off before anything is appended (otherwise the next entry
    /// would be glued to it and the damage would move into the middle of the file).
    pub fn open_for_resume(
        id: &JobId,
        state_dir: &Path,
        args: Option<serde_json::Value>,
    ) -> Result<(FileLedger, JobState), LedgerError> {
        let (mut ledger, state) = FileLedger::lock_existing(id, state_dir)?;
        ledger.record_run(args)?;
        Ok((ledger, state))
    }

    /// Locks the ledger of job `id` and reads it, writing nothing yet (see
    /// [`FileLedger::record_run`]), so a run refused later leaves no trace in it.
    pub fn lock_existing(
        id: &JobId,
        state_dir: &Path,
    ) -> Result<(FileLedger, JobState), LedgerError> {
        let entry = registry::read(id, state_dir)?;
        if let Some(url) = entry.database_url {
            return Err(LedgerError::InDatabase {
                id: id.to_string(),
                url,
            });
        }
        if !entry.ledger.exists() {
            return Err(LedgerError::MissingLedger {
                id: id.to_string(),
                path: entry.ledger,
            });
        }
        let path = entry.ledger;
        let file = open_locked(&path, id)?;
        let state = read_ledger(&file, &path)?;
        if state.meta.id != *id {
            return Err(LedgerError::WrongJob {
                path,
                expected: id.to_string(),
                found: state.meta.id.to_string(),
            });
        }
        let tail = state.tail;
        if tail.valid_len < tail.file_len {
            file.set_len(tail.valid_len)
                .map_err(|e| LedgerError::io("cut the torn last line of", &path, e))?;
        }
        let mut ledger = FileLedger {
            id: id.clone(),
            path,
            file,
            len: tail.valid_len,
            buf: Vec::new(),
        };
        if tail.needs_newline {
            ledger.buf.push(b'\n');
        }
        Ok((ledger, state))
    }

    /// Records that a run (a resume, a retry) starts, with its settings when given.
    pub fn record_run(&mut self, args: Option<serde_json::Value>) -> Result<(), LedgerError> {
        let opened = opened_now(args);
        self.encode(&OpenedLine { opened: &opened })?;
        let written = self.write_buf();
        self.buf.clear();
        written
    }

    /// Appends one line per entry, in one write. Entries without `at` are stamped now.
    pub fn append(&mut self, entries: &[RowEntry]) -> Result<(), LedgerError> {
        if entries.is_empty() {
            return Ok(());
        }
        let now = Utc::now();
        self.buf.clear();
        for entry in entries {
            if entry.at.is_some() {
                self.encode(entry)?;
            } else {
                let stamped = RowEntry {
                    at: Some(now),
                    ..entry.clone()
                };
                self.encode(&stamped)?;
            }
        }
        self.write_buf()
    }

    /// Records how this run ended (`completed`, `interrupted`, ...) with its statistics, and
    /// forces the ledger to disk.
    pub fn finish(&mut self, status: &str, summary: &serde_json::Value) -> Result<(), LedgerError> {
        let finished = Finished {
            status: status.to_string(),
            at: Utc::now(),
            summary: summary.clone(),
        };
        self.buf.clear();
        self.encode(&FinishedLine {
            finished: &finished,
        })?;
        self.write_buf()?;
        self.sync()
    }

    /// Forces what was appended so far to disk (see the module notes on durability).
    pub fn sync(&mut self) -> Result<(), LedgerError> {
        self.file
            .sync_data()
            .map_err(|e| LedgerError::io("sync", &self.path, e))
    }

    pub fn id(&self) -> &JobId {
        &self.id
    }

    /// The ledger file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one encoded line to `self.buf` (not cleared: callers batch lines).
    fn encode<T: serde::Serialize>(&mut self, value: &T) -> Result<(), LedgerError> {
        encode_into(&mut self.buf, value)
            .map_err(|e| LedgerError::io("encode an entry for", &self.path, e.into()))
    }

    /// Writes `self.buf` in one go. If the write fails part way (disk full), the partial
    /// bytes are cut off again so the file still ends on a whole line.
    fn write_buf(&mut self) -> Result<(), LedgerError> {
        match self.file.write_all(&self.buf) {
            Ok(()) => {
                self.len += self.buf.len() as u64;
                Ok(())
            }
            Err(e) => {
                let _ = self.file.set_len(self.len);
                Err(LedgerError::io("append to", &self.path, e))
            }
        }
    }
}

fn opened_now(args: Option<serde_json::Value>) -> Opened {
    Opened {
        pid: std::process::id(),
        at: Utc::now(),
        args,
    }
}

/// Opens (creating if needed) the ledger at `path` for appending and takes its exclusive
/// lock without waiting. The lock is advisory (flock on Unix): it keeps out other mps
/// processes, which is what it is for, while `mps jobs show` can still read the file.
///
/// `File::try_lock` is stable since Rust 1.89, above the crate's declared `rust-version`
/// (1.85): building mps needs 1.89 or later from here on, and `rust-version` should say so.
#[allow(clippy::incompatible_msrv)]
fn open_locked(path: &Path, id: &JobId) -> Result<File, LedgerError> {
    let file = OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .open(path)
        .map_err(|e| LedgerError::io("open", path, e))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(TryLockError::WouldBlock) => Err(busy(path, id)),
        Err(TryLockError::Error(e)) => Err(LedgerError::io("lock", path, e)),
    }
}

/// True when a process holds the ledger's lock, that is when its job is running now: a job
/// that died (crash, `kill -9`) left no finish line either, but its lock went with it. A
/// shared lock is asked for, and released at once, so a reader never blocks the job.
#[allow(clippy::incompatible_msrv)]
pub fn is_held(path: &Path) -> bool {
    match File::open(path) {
        Ok(file) => matches!(file.try_lock_shared(), Err(TryLockError::WouldBlock)),
        Err(_) => false,
    }
}

/// The Busy error, naming the job that holds the ledger and its pid when the file says.
fn busy(path: &Path, id: &JobId) -> LedgerError {
    let holder = File::open(path)
        .ok()
        .and_then(|f| read_ledger(f, path).ok());
    let (running, pid) = match &holder {
        Some(state) => (state.meta.id.to_string(), state.runs.last().map(|r| r.pid)),
        None => (id.to_string(), None),
    };
    LedgerError::Busy {
        id: running,
        holder: match pid {
            Some(pid) => format!("pid {pid} holds"),
            None => "another process holds".to_string(),
        },
        path: path.to_path_buf(),
    }
}
