//! Output reconciliation for `--resume`: make a crashed job's output file end on a whole
//! record again, and say which input lines it already holds.
//!
//! A crash can leave the output with a torn last record, and with records whose ledger entry
//! was never written (the writer writes the record, then the entry). The torn record is cut
//! off (it will be fetched and written again) and every complete record counts as done, with
//! or without its ledger entry, so a resumed job never writes a row twice.
//!
//! After reconciling, the writer appends to the file (it must not truncate it):
//! - JSON Lines: records follow as before.
//! - CSV: the header stays when any row stays; write rows without a new header.
//! - JSON array: the closing `]` is gone and the file ends right after the last complete
//!   element, so the writer goes on with `,\n{…}` and closes the array again at the end.
//!
//! When no complete record is left the file is emptied, header or `[` included, so a fresh
//! sink writes its preamble as for a new job ([`Reconciled::records`] is then 0).

pub use super::scanned::ReconcileError;
use super::{csv, json, jsonl};
use std::collections::BTreeSet;
use std::fs::OpenOptions;
use std::io::BufReader;
use std::path::Path;

/// `--format`: the output formats, as the sinks define them.
pub use crate::output::Format as OutputFormat;

/// What a reconciled output holds.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Reconciled {
    /// The `line` of every complete record kept in the file.
    pub done_lines: BTreeSet<u64>,
    /// Bytes cut from the end (a torn record, a CSV record group without its ledger entry, a
    /// JSON array's closing bracket).
    pub truncated_bytes: u64,
    /// Complete records kept (CSV: data rows, which are one or more per record). A JSON
    /// array sink resumes with this as its count of written elements.
    pub records: u64,
    /// The file's length after reconciling.
    pub len: u64,
}

/// Reconciles `path` trusting every complete record in it.
///
/// For CSV in modes that write several rows per record (one per parcel or search match),
/// prefer [`reconcile_output_with_ledger`]: a crash can cut such a record between two of its
/// rows, each row complete, and only the ledger can tell.
pub fn reconcile_output(path: &Path, format: OutputFormat) -> Result<Reconciled, ReconcileError> {
    reconcile(path, format, None)
}

/// Reconciles `path`, also using the lines the ledger has entries for. For CSV, the last
/// group of rows (the rows of the last record written) is kept only if the ledger has its
/// line: the writer appends the ledger entry after the whole record is written and flushed,
/// so an entry proves the record complete, and without one it may lack rows. JSON Lines and
/// JSON records are self-delimiting, so the ledger changes nothing for them.
pub fn reconcile_output_with_ledger(
    path: &Path,
    format: OutputFormat,
    ledger_lines: &BTreeSet<u64>,
) -> Result<Reconciled, ReconcileError> {
    reconcile(path, format, Some(ledger_lines))
}

fn reconcile(
    path: &Path,
    format: OutputFormat,
    ledger_lines: Option<&BTreeSet<u64>>,
) -> Result<Reconciled, ReconcileError> {
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .map_err(|e| ReconcileError::io("open the output for --resume", path, e))?;
    let len = file
        .metadata()
        .map_err(|e| ReconcileError::io("read the size of", path, e))?
        .len();
    let scan = {
        let reader = BufReader::with_capacity(64 * 1024, &file);
        match format {
            OutputFormat::Jsonl => jsonl::reconcile::scan(reader, path)?,
            OutputFormat::Csv => csv::reconcile::scan(reader, path, ledger_lines)?,
            OutputFormat::Json => json::reconcile::scan(reader, path)?,
        }
    };
    // With nothing complete left, start from an empty file (no orphan header or `[`).
    let keep = if scan.records == 0 { 0 } else { scan.keep };
    if keep < len {
        file.set_len(keep)
            .map_err(|e| ReconcileError::io("truncate the torn end of", path, e))?;
    }
    Ok(Reconciled {
        done_lines: scan.done_lines,
        truncated_bytes: len.saturating_sub(keep),
        records: scan.records,
        len: keep.min(len),
    })
}
