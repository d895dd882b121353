//! Reconciliation tests: each format with torn endings, and with records missing from the
//! ledger.

use super::reconcile::*;
use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::path::PathBuf;
use tempfile::TempDir;

fn file_with(content: &[u8]) -> (TempDir, PathBuf) {
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("tempdir: {e}"),
    };
    let path = dir.path().join("out");
    assert!(fs::write(&path, content).is_ok());
    (dir, path)
}

fn reconciled(path: &Path, format: OutputFormat) -> Reconciled {
    match reconcile_output(path, format) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    }
}

fn content(path: &Path) -> String {
    String::from_utf8_lossy(&fs::read(path).unwrap_or_default()).into_owned()
}

fn lines(v: &[u64]) -> BTreeSet<u64> {
    v.iter().copied().collect()
}

const R2: &str = r#"{"line":2,"input":"a","status":"ok"}"#;
const R5: &str = r#"{"line":5,"input":"b,\"c\"\n]","status":"failed"}"#;
const R3: &str = r#"{"line":3,"input":"c","status":"ok"}"#;

#[test]
fn jsonl_torn_record_is_cut_and_complete_ones_count() {
    let text = format!("{R2}\n{R5}\n{{\"line\":3,\"inp");
    let (_d, path) = file_with(text.as_bytes());
    let r = reconciled(&path, OutputFormat::Jsonl);
    assert_eq!(r.done_lines, lines(&[2, 5]));
    assert_eq!(r.records, 2);
    assert_eq!(r.truncated_bytes, 14);
    assert_eq!(content(&path), format!("{R2}\n{R5}\n"));
    assert_eq!(r.len, (R2.len() + R5.len() + 2) as u64);
}

#[test]
fn jsonl_record_without_newline_is_torn_and_clean_files_are_untouched() {
    let (_d, path) = file_with(format!("{R2}\n{R3}").as_bytes());
    let r = reconciled(&path, OutputFormat::Jsonl);
    assert_eq!(r.done_lines, lines(&[2]));
    assert_eq!(content(&path), format!("{R2}\n"));

    let (_d, path) = file_with(format!("{R2}\n{R3}\n").as_bytes());
    let r = reconciled(&path, OutputFormat::Jsonl);
    assert_eq!((r.records, r.truncated_bytes), (2, 0));
}

#[test]
fn jsonl_records_missing_from_the_ledger_still_count_as_done() {
    // The ledger knows only line 2; the output also holds 5 and 3.
    let (_d, path) = file_with(format!("{R2}\n{R5}\n{R3}\n").as_bytes());
    let r = reconcile_output_with_ledger(&path, OutputFormat::Jsonl, &lines(&[2]));
    assert_eq!(r.ok().map(|r| r.done_lines), Some(lines(&[2, 3, 5])));
}

#[test]
fn jsonl_garbage_in_the_middle_is_an_error() {
    let (_d, path) = file_with(format!("{R2}\nnot json\n{R3}\n").as_bytes());
    let err = reconcile_output(&path, OutputFormat::Jsonl).err();
    assert!(matches!(
        err,
        Some(ReconcileError::Unreadable { record: 2, .. })
    ));
    assert_eq!(
        content(&path),
        format!("{R2}\nnot json\n{R3}\n"),
        "untouched"
    );
}

const HEADER: &str = "line,input,status,owner\r\n";

#[test]
fn csv_torn_row_is_cut_and_header_kept() {
    let text = format!("{HEADER}2,a,ok,SMITH\r\n3,b,ok,JONES\r\n4,c,o");
    let (_d, path) = file_with(text.as_bytes());
    let r = reconciled(&path, OutputFormat::Csv);
    assert_eq!(r.done_lines, lines(&[2, 3]));
    assert_eq!(r.records, 2);
    assert_eq!(
        content(&path),
        format!("{HEADER}2,a,ok,SMITH\r\n3,b,ok,JONES\r\n")
    );
}

#[test]
fn csv_multi_line_quoted_record_cut_in_the_middle_is_removed_entirely() {
    // The torn record ends with a newline, but inside its quoted cell.
    let kept = format!("{HEADER}2,\"a, \"\"x\"\"\",ok,\"LINE1\nLINE2\"\r\n");
    let text = format!("{kept}3,b,ok,\"FIRST LINE\r\n");
    let (_d, path) = file_with(text.as_bytes());
    let r = reconciled(&path, OutputFormat::Csv);
    assert_eq!(r.done_lines, lines(&[2]));
    assert_eq!(content(&path), kept);
}

#[test]
fn csv_quoted_newline_and_doubled_quote_across_every_buffer_boundary() {
    // Quoted cells holding a newline with a doubled quote right before and after it; every
    // byte of them lands at the end of a buffer for some capacity.
    let kept = format!("{HEADER}2,\"say \"\"\nhi\"\"\",ok,X\r\n3,\"\"\"\n\"\"\",ok,Y\n");
    let text = format!("{kept}4,\"a\"\"\nb");
    for capacity in 1..=text.len() {
        let reader = std::io::BufReader::with_capacity(capacity, text.as_bytes());
        let scan = match crate::output::csv::reconcile::scan(reader, Path::new("out"), None) {
            Ok(s) => s,
            Err(e) => panic!("capacity {capacity}: {e}"),
        };
        assert_eq!(scan.done_lines, lines(&[2, 3]), "capacity {capacity}");
        assert_eq!(scan.records, 2, "capacity {capacity}");
        assert_eq!(scan.keep, kept.len() as u64, "capacity {capacity}");
    }
}

#[test]
fn csv_last_record_group_needs_its_ledger_entry() {
    // Line 3 resolved to several parcels: its rows may stop between two of them.
    let kept = format!("{HEADER}2,a,ok,SMITH\n");
    let text = format!("{kept}3,b,ok,P1\n3,b,ok,P2\n");
    let (_d, path) = file_with(text.as_bytes());
    let r = reconcile_output_with_ledger(&path, OutputFormat::Csv, &lines(&[2]));
    let r = r.map_err(|e| e.to_string());
    assert_eq!(r.as_ref().map(|r| r.done_lines.clone()), Ok(lines(&[2])));
    assert_eq!(r.as_ref().map(|r| r.records), Ok(1));
    assert_eq!(content(&path), kept);

    // With its entry the group is whole; an earlier group never needs one.
    let (_d, path) = file_with(text.as_bytes());
    let r = reconcile_output_with_ledger(&path, OutputFormat::Csv, &lines(&[3]));
    assert_eq!(
        r.ok().map(|r| (r.done_lines, r.records)),
        Some((lines(&[2, 3]), 3))
    );
    assert_eq!(content(&path), text);
}

#[test]
fn csv_with_only_a_header_or_a_torn_header_is_emptied() {
    for text in [HEADER, "line,inp", ""] {
        let (_d, path) = file_with(text.as_bytes());
        let r = reconciled(&path, OutputFormat::Csv);
        assert_eq!((r.records, r.len), (0, 0), "{text:?}");
        assert_eq!(content(&path), "");
    }
}

#[test]
fn csv_foreign_first_column_is_an_error() {
    let (_d, path) = file_with(format!("{HEADER}2,a,ok,X\nabc,b,ok,Y\n").as_bytes());
    let err = reconcile_output(&path, OutputFormat::Csv).err();
    let msg = err.as_ref().map(ToString::to_string).unwrap_or_default();
    assert!(
        matches!(err, Some(ReconcileError::Unreadable { record: 3, .. })),
        "{msg}"
    );
    assert!(
        msg.contains("record 3") && msg.contains("--format"),
        "{msg}"
    );
}

#[test]
fn json_array_closing_bracket_and_torn_element_are_stripped() {
    let finished = format!("[\n{R2},\n{R5}\n]\n");
    let (_d, path) = file_with(finished.as_bytes());
    let r = reconciled(&path, OutputFormat::Json);
    assert_eq!(r.done_lines, lines(&[2, 5]));
    assert_eq!((r.records, r.truncated_bytes), (2, 3));
    assert_eq!(content(&path), format!("[\n{R2},\n{R5}"));

    let torn = format!("[\n{R2},\n{R5},\n{{\"line\":3,\"input\":\"x\\\"}}");
    let (_d, path) = file_with(torn.as_bytes());
    let r = reconciled(&path, OutputFormat::Json);
    assert_eq!(r.done_lines, lines(&[2, 5]));
    assert_eq!(content(&path), format!("[\n{R2},\n{R5}"));
}

#[test]
fn json_array_appended_after_reconciling_is_valid_json() {
    let (_d, path) = file_with(format!("[\n{R2},\n{R5},").as_bytes());
    let r = reconciled(&path, OutputFormat::Json);
    assert_eq!(r.records, 2);
    // What JsonArraySink does for a third element and at the end.
    let mut f = match fs::OpenOptions::new().append(true).open(&path) {
        Ok(f) => f,
        Err(e) => panic!("{e}"),
    };
    assert!(std::io::Write::write_all(&mut f, format!(",\n{R3}\n]\n").as_bytes()).is_ok());
    let all: Result<Vec<serde_json::Value>, _> = serde_json::from_str(&content(&path));
    assert_eq!(all.map(|v| v.len()).ok(), Some(3));
}

#[test]
fn json_array_with_no_complete_element_is_emptied() {
    for text in ["[]\n", "[\n", "[\n{\"line\":2,\"in", "", "  "] {
        let (_d, path) = file_with(text.as_bytes());
        let r = reconciled(&path, OutputFormat::Json);
        assert_eq!((r.records, r.len), (0, 0), "{text:?}");
        assert_eq!(content(&path), "");
    }
}

#[test]
fn json_that_is_not_an_array_of_records_is_an_error() {
    let (_d, path) = file_with(format!("{R2}\n").as_bytes());
    assert!(reconcile_output(&path, OutputFormat::Json).is_err());
    let (_d, path) = file_with(b"[1,2]");
    assert!(reconcile_output(&path, OutputFormat::Json).is_err());
}

#[test]
fn a_missing_output_is_an_error_naming_it() {
    let (dir, _path) = file_with(b"");
    let missing = dir.path().join("gone.jsonl");
    let msg = reconcile_output(&missing, OutputFormat::Jsonl)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(msg.contains("gone.jsonl"), "{msg}");
}
