//! What reconciling an output in one format finds (the scan each format's `reconcile`
//! makes), and why it can fail: shared by the formats and `output::reconcile`.

use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};

/// Why an output could not be reconciled for `--resume`.
#[derive(Debug, thiserror::Error)]
pub enum ReconcileError {
    /// A read, size check or truncation failed at the operating-system level.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        /// What mps was doing ("open the output for --resume", ...), for the message.
        action: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },

    /// The output file has a complete record mps cannot read back.
    #[error(
        "{}: record {record} cannot be read back for --resume ({reason}); check that --format \
         matches the file, or start the job again without --resume",
        path.display()
    )]
    Unreadable {
        path: PathBuf,
        /// 1-based record number in the file (CSV: physical record, header included).
        record: u64,
        reason: String,
    },
}

impl ReconcileError {
    /// Wraps an I/O error with what was being done and to which file.
    pub(crate) fn io(action: &'static str, path: &Path, source: io::Error) -> Self {
        ReconcileError::Io {
            action,
            path: path.to_path_buf(),
            source,
        }
    }
}

/// What a format scanner found: the complete records and where the file should end.
pub(in crate::output) struct Scan {
    pub(in crate::output) done_lines: BTreeSet<u64>,
    pub(in crate::output) records: u64,
    pub(in crate::output) keep: u64,
}

/// The one field of a record that reconciliation needs.
#[derive(serde::Deserialize)]
pub(in crate::output) struct LineOnly {
    pub(in crate::output) line: u64,
}

/// The output error for record `record` of `path`.
pub(in crate::output) fn unreadable(
    path: &Path,
    record: u64,
    reason: impl Into<String>,
) -> ReconcileError {
    ReconcileError::Unreadable {
        path: path.to_path_buf(),
        record,
        reason: reason.into(),
    }
}
