//! JSON Lines: a record is complete when its newline is there.

use crate::output::scanned::{unreadable, LineOnly, ReconcileError, Scan};
use std::collections::BTreeSet;
use std::io::BufRead;
use std::path::Path;

/// The sink writes a record, then its `\n`, so a line without one is torn, even if its text
/// happens to parse; and a line with one is whole, so if it does not parse the file is not
/// what mps wrote and we stop rather than guess.
pub(in crate::output) fn scan(
    mut reader: impl BufRead,
    path: &Path,
) -> Result<Scan, ReconcileError> {
    let mut scan = Scan {
        done_lines: BTreeSet::new(),
        records: 0,
        keep: 0,
    };
    let mut buf = Vec::new();
    let mut offset = 0u64;
    let mut physical = 0u64;
    loop {
        buf.clear();
        let n = reader
            .read_until(b'\n', &mut buf)
            .map_err(|e| ReconcileError::io("read", path, e))?;
        if n == 0 || buf.last() != Some(&b'\n') {
            break;
        }
        offset += n as u64;
        physical += 1;
        let text = buf.trim_ascii();
        if !text.is_empty() {
            let rec: LineOnly = serde_json::from_slice(text)
                .map_err(|e| unreadable(path, physical, e.to_string()))?;
            scan.done_lines.insert(rec.line);
            scan.records += 1;
        }
        scan.keep = offset;
    }
    Ok(scan)
}
