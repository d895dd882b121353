//! `LedgerError`: everything that can go wrong with a job ledger, each message naming the
//! file involved and telling the user what to do next.

use std::io;
use std::path::PathBuf;

/// Why a ledger could not be used.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// A read, write, lock or rename failed at the operating-system level.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        /// What mps was doing ("open", "append to", ...), for the message.
        action: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },

    /// Another process holds the job's lock: two writers on one ledger would interleave
    /// entries and two writers on one output would duplicate records.
    #[error(
        "job {id} is already running ({holder} the lock on {}); wait for it to finish or stop it, then retry",
        path.display()
    )]
    Busy {
        id: String,
        /// "pid 1234 holds" when the ledger says which process opened it last, else
        /// "another process holds".
        holder: String,
        path: PathBuf,
    },

    /// `--resume ID` / `mps jobs show ID` with an id that has no registry entry.
    #[error("no job {id}: {} does not exist; `mps jobs list` shows the known jobs", registry.display())]
    UnknownJob { id: String, registry: PathBuf },

    /// The registry points at a ledger that is no longer there (moved or deleted output).
    #[error(
        "the ledger of job {id} is missing: {} does not exist (was the output moved or deleted?); \
         start the job again without --resume",
        path.display()
    )]
    MissingLedger { id: String, path: PathBuf },

    /// The job's ledger is in PostgreSQL, and no database URL was given.
    #[error(
        "job {id} keeps its ledger in PostgreSQL ({url}): give --database-url (or \
         MPS_DATABASE_URL) to read it"
    )]
    InDatabase { id: String, url: String },

    /// The user typed something that is not a job id (also keeps ids safe as file names).
    #[error(
        "invalid job id {given:?}: expected an id like 20261129T081500Z-3f9a (see `mps jobs list`)"
    )]
    InvalidId { given: String },

    /// A ledger line before the last one does not parse: not a torn write, real damage.
    #[error(
        "{}:{line}: corrupt ledger line ({reason}); repair or delete that line, then retry",
        path.display()
    )]
    Corrupt {
        path: PathBuf,
        line: u64,
        reason: String,
    },

    /// The ledger's first line is missing or not a job header.
    #[error(
        "{} has no job header line: it is not an mps ledger, or the job died before it \
         started; start the job again without --resume",
        path.display()
    )]
    NoHeader { path: PathBuf },

    /// The ledger was written by a newer mps with a format this one does not know.
    #[error(
        "{} uses ledger format {version}, newer than this mps understands (1); upgrade mps",
        path.display()
    )]
    UnsupportedVersion { path: PathBuf, version: u64 },

    /// The ledger beside a reused output now belongs to a later job.
    #[error(
        "{} belongs to job {found}, not {expected}: a later job reused the same output and \
         replaced its ledger, so job {expected} cannot be resumed",
        path.display()
    )]
    WrongJob {
        path: PathBuf,
        expected: String,
        found: String,
    },

    /// A new job got the id of an existing one (same second and same random suffix).
    #[error("job id {id} is already taken ({} exists); start the job again", path.display())]
    IdTaken { id: String, path: PathBuf },

    /// Neither `XDG_STATE_HOME` nor `HOME` gives a place for job state.
    #[error("cannot find a directory for job state: set XDG_STATE_HOME or HOME")]
    NoStateDir,
}

impl LedgerError {
    /// Wraps an I/O error with what was being done and to which file.
    pub(crate) fn io(action: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        LedgerError::Io {
            action,
            path: path.into(),
            source,
        }
    }
}
