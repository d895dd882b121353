//! Keeping an output at one record per input row: after a resume or a retry it may hold an
//! older and a newer record of a line (a crash between writing a retried row and recording
//! it), or, with a database, a record the database never got. [`normalize`] keeps the newest
//! record of each line, only for lines the caller keeps, streaming the file twice (memory
//! grows with the number of distinct lines, never with the size of the records).

use crate::output::readback::Records;
use crate::output::Format;
use anyhow::Context;
use std::collections::{BTreeSet, HashMap};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

/// What [`normalize`] found and did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Normalized {
    /// The lines the output holds afterwards.
    pub lines: BTreeSet<u64>,
    /// Records kept.
    pub records: u64,
    /// Records dropped (older duplicates, and lines not kept).
    pub dropped: u64,
}

/// Rewrites `path` (through a temporary file in the same directory and a rename) so that
/// it holds the last record of each line that `keep` accepts, in file order. Records whose
/// line cannot be read are kept as they are. Nothing is written when nothing must go.
///
/// `open_ended` leaves the file ready for a sink to append to (as reconciliation does): a
/// JSON array without its closing `]`, and an empty file when no record is kept.
pub fn normalize(
    path: &Path,
    format: Format,
    keep: &dyn Fn(u64) -> bool,
    open_ended: bool,
) -> anyhow::Result<Normalized> {
    // First pass: how many records each line has.
    let mut count: HashMap<u64, u32> = HashMap::new();
    let mut drop_any = false;
    for record in Records::open(path, format)? {
        if let Some(line) = record?.line {
            let n = count.entry(line).or_default();
            *n += 1;
            drop_any |= *n > 1 || !keep(line);
        }
    }
    let mut result = Normalized::default();
    if !drop_any {
        result.lines = count.keys().copied().collect();
        result.records = count.values().map(|n| u64::from(*n)).sum();
        return Ok(result);
    }
    // When every record to drop is at the end (the usual case: the rows a crash left
    // unrecorded are the last ones written), cutting the file is enough, and needs no disk
    // space, which a resume after a full disk may not have.
    if open_ended {
        if let Some(cut) = tail_cut(path, format, &count, keep, &mut result)? {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .with_context(|| format!("cannot open {}", path.display()))?;
            file.set_len(cut)
                .with_context(|| format!("cannot truncate {}", path.display()))?;
            return Ok(result);
        }
        result = Normalized::default();
    }

    let tmp = tmp_path(path);
    let written = write_kept(
        path,
        &tmp,
        format,
        &mut count,
        keep,
        open_ended,
        &mut result,
    );
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    std::fs::rename(&tmp, path).with_context(|| format!("cannot replace {}", path.display()))?;
    Ok(result)
}

/// Where to cut the file when the records to drop are all after the last kept one; `None`
/// when a kept record follows a dropped one (then the file must be rewritten).
fn tail_cut(
    path: &Path,
    format: Format,
    count: &HashMap<u64, u32>,
    keep: &dyn Fn(u64) -> bool,
    result: &mut Normalized,
) -> anyhow::Result<Option<u64>> {
    let mut seen: HashMap<u64, u32> = HashMap::new();
    let (mut cut, mut dropping) = (0u64, false);
    for record in Records::open(path, format)? {
        let record = record?;
        let kept = match record.line {
            None => true,
            Some(line) => {
                let n = seen.entry(line).or_default();
                *n += 1;
                *n == count.get(&line).copied().unwrap_or(0) && keep(line)
            }
        };
        if kept && dropping {
            return Ok(None);
        }
        if kept {
            cut = record.end;
            result.records += 1;
            result.lines.extend(record.line);
        } else {
            dropping = true;
            result.dropped += 1;
        }
    }
    if result.records == 0 {
        cut = 0; // nothing left: no orphan CSV header or `[`
    }
    Ok(Some(cut))
}

/// Second pass: copies the kept records to `tmp`.
fn write_kept(
    path: &Path,
    tmp: &Path,
    format: Format,
    count: &mut HashMap<u64, u32>,
    keep: &dyn Fn(u64) -> bool,
    open_ended: bool,
    result: &mut Normalized,
) -> anyhow::Result<()> {
    let file = File::create(tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
    let mut out = BufWriter::new(file);
    let mut records = Records::open(path, format)?;
    let mut first = true;
    let mut header: Option<Vec<u8>> = None;
    while let Some(record) = records.next() {
        let record = record?;
        if header.is_none() {
            header = records.header().map(<[u8]>::to_vec);
        }
        let kept = match record.line {
            None => true,
            Some(line) => {
                let left = count.entry(line).or_default();
                *left = left.saturating_sub(1);
                *left == 0 && keep(line)
            }
        };
        if !kept {
            result.dropped += 1;
            continue;
        }
        if let Some(line) = record.line {
            result.lines.insert(line);
        }
        result.records += 1;
        if first {
            match format {
                Format::Json => out.write_all(b"[\n")?,
                Format::Csv => out.write_all(header.as_deref().unwrap_or_default())?,
                Format::Jsonl => {}
            }
        } else if format == Format::Json {
            out.write_all(b",\n")?;
        }
        first = false;
        out.write_all(&record.bytes)?;
    }
    match (format, first, open_ended) {
        (_, _, true) | (Format::Jsonl, _, _) => {}
        (Format::Json, true, false) => out.write_all(b"[]\n")?,
        (Format::Json, false, false) => out.write_all(b"\n]\n")?,
        (Format::Csv, true, false) => out.write_all(header.as_deref().unwrap_or_default())?,
        (Format::Csv, false, false) => {}
    }
    out.flush()
        .with_context(|| format!("cannot write {}", tmp.display()))?;
    out.get_ref()
        .sync_all()
        .with_context(|| format!("cannot write {}", tmp.display()))?;
    Ok(())
}

/// `<dir>/.<name>.mps-rewrite`: beside the output, so the rename stays on one file system.
fn tmp_path(path: &Path) -> std::path::PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.mps-rewrite"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(format: Format, text: &str, keep: &dyn Fn(u64) -> bool) -> (String, Normalized) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("out");
        std::fs::write(&path, text).expect("write");
        let n = normalize(&path, format, keep, false).expect("normalize");
        (std::fs::read_to_string(&path).expect("read"), n)
    }

    #[test]
    fn jsonl_keeps_the_last_record_of_each_kept_line() {
        let text = "{\"line\":2,\"v\":\"old\"}\n{\"line\":3}\n{\"line\":2,\"v\":\"new\"}\n";
        let (out, n) = run(Format::Jsonl, text, &|l| l != 3);
        assert_eq!(out, "{\"line\":2,\"v\":\"new\"}\n");
        assert_eq!(n.dropped, 2);
        assert_eq!(n.lines, BTreeSet::from([2]));
    }

    #[test]
    fn an_output_with_nothing_to_drop_is_left_alone() {
        let text = "{\"line\":2}\n{\"line\":3}\n";
        let (out, n) = run(Format::Jsonl, text, &|_| true);
        assert_eq!(out, text);
        assert_eq!((n.records, n.dropped), (2, 0));
    }

    #[test]
    fn csv_keeps_the_header_and_whole_row_groups() {
        let text = "line,x\n2,a\n2,b\n3,c\n2,new\n";
        let (out, n) = run(Format::Csv, text, &|_| true);
        assert_eq!(out, "line,x\n3,c\n2,new\n");
        assert_eq!(n.dropped, 1);
    }

    #[test]
    fn json_stays_one_valid_array() {
        let text = "[\n{\"line\":2,\"v\":1},\n{\"line\":2,\"v\":2}\n]\n";
        let (out, _) = run(Format::Json, text, &|_| true);
        let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
        assert_eq!(v, serde_json::json!([{"line": 2, "v": 2}]));
        let (out, _) = run(Format::Json, text, &|_| false);
        assert_eq!(out, "[]\n");
    }

    #[test]
    fn records_to_drop_at_the_end_are_cut_off_in_place() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("out");
        let text = "line,x\n2,a\n3,b\n3,b2\n4,c\n";
        std::fs::write(&path, text).expect("write");
        let n = normalize(&path, Format::Csv, &|l| l < 3, true).expect("normalize");
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            "line,x\n2,a\n"
        );
        assert_eq!((n.records, n.dropped), (1, 2));
        std::fs::write(&path, "[\n{\"line\":2},\n{\"line\":3}").expect("write");
        normalize(&path, Format::Json, &|l| l == 2, true).expect("normalize");
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            "[\n{\"line\":2}"
        );
    }

    #[test]
    fn open_ended_json_is_ready_for_appending() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("out");
        std::fs::write(&path, "[\n{\"line\":2,\"v\":1},\n{\"line\":2,\"v\":2}").expect("write");
        normalize(&path, Format::Json, &|_| true, true).expect("normalize");
        let text = std::fs::read_to_string(&path).expect("read");
        assert_eq!(text, "[\n{\"line\":2,\"v\":2}");
        normalize(&path, Format::Json, &|_| false, true).expect("normalize");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "");
    }
}
