//! Reading records back from an output file, streaming: on resume, the ledger entries of
//! rows whose records reached the output but whose entries did not (a crash between the two
//! writes); on `--retry-failed --source S`, the rows' earlier records.

use crate::ledger::{RowEntry, SourceEntry};
use crate::output::readback::Records;
use crate::output::Format;
use mps_model::EarlierBlocks;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

const SOURCES: [&str; 4] = ["assessor", "tax", "sales", "documents"];

/// The records of `lines` in a JSONL or JSON output (the last one of each line wins).
pub fn records_from_output(
    path: &Path,
    format: Format,
    lines: &BTreeSet<u64>,
) -> anyhow::Result<HashMap<u64, EarlierBlocks>> {
    let mut out = HashMap::new();
    for record in Records::open(path, format)? {
        let record = record?;
        let Some(line) = record.line.filter(|l| lines.contains(l)) else {
            continue;
        };
        if let Ok(value) = serde_json::from_slice::<Value>(&record.bytes) {
            out.insert(line, earlier_blocks(&value));
        }
    }
    Ok(out)
}

/// The blocks of an earlier record, each on its own: a block that no longer reads (an
/// older mps wrote it) is fetched again rather than costing the others.
fn earlier_blocks(record: &Value) -> EarlierBlocks {
    fn block<D: serde::de::DeserializeOwned>(record: &Value, name: &str) -> Option<D> {
        record
            .get(name)
            .and_then(|b| serde_json::from_value(b.clone()).ok())
    }
    EarlierBlocks {
        assessor: block(record, "assessor"),
        tax: block(record, "tax"),
        sales: block(record, "sales"),
        documents: block(record, "documents"),
    }
}

/// Ledger entries for `lines`, read from the output file (the last record of a line wins).
pub fn entries_from_output(
    path: &Path,
    format: Format,
    lines: &BTreeSet<u64>,
) -> anyhow::Result<Vec<RowEntry>> {
    if lines.is_empty() {
        return Ok(Vec::new());
    }
    let mut records = Records::open(path, format)?;
    let mut entries = BTreeMap::new();
    while let Some(record) = records.next() {
        let record = record?;
        let Some(line) = record.line.filter(|l| lines.contains(l)) else {
            continue;
        };
        let value = match format {
            Format::Csv => {
                let header = records.header().unwrap_or_default().to_vec();
                csv_record(&header, &record.bytes)
            }
            _ => serde_json::from_slice(&record.bytes).ok(),
        };
        if let Some(v) = value {
            entries.insert(line, entry(line, &v));
        }
    }
    Ok(entries.into_values().collect())
}

/// A CSV record (its first row is enough: the row-level and block-level columns repeat on
/// every row of a record) as the JSON shape `entry` reads.
fn csv_record(header: &[u8], rows: &[u8]) -> Option<Value> {
    let mut text = header.to_vec();
    text.extend_from_slice(rows);
    let mut rdr = csv::Reader::from_reader(text.as_slice());
    let headers = rdr.headers().ok()?.clone();
    let row = rdr.records().next()?.ok()?;
    let cell = |k: &str| {
        headers
            .iter()
            .position(|h| h == k)
            .and_then(|i| row.get(i))
            .unwrap_or("")
    };
    let mut v = serde_json::json!({
        "line": cell("line").parse::<u64>().unwrap_or(0),
        "input": cell("input"),
        "status": cell("status"),
        "error": Some(cell("error")).filter(|e| !e.is_empty()),
    });
    for s in SOURCES {
        let state = cell(&format!("{s}_status"));
        if !state.is_empty() {
            v[s] = serde_json::json!({"status": state, "requests": 0,
                "error": Some(cell(&format!("{s}_error"))).filter(|e| !e.is_empty())});
        }
    }
    Some(v)
}

/// The ledger entry a record stands for.
fn entry(line: u64, r: &Value) -> RowEntry {
    let text = |v: &Value| v.as_str().map(str::to_string);
    let sources = SOURCES
        .iter()
        .filter(|s| r[**s].is_object())
        .map(|s| {
            let b = &r[*s];
            (
                s.to_string(),
                SourceEntry {
                    state: text(&b["status"]).unwrap_or_default(),
                    attempts: u32::try_from(b["requests"].as_u64().unwrap_or(0))
                        .unwrap_or(u32::MAX),
                    error: text(&b["error"]),
                },
            )
        })
        .collect();
    RowEntry {
        line,
        input: text(&r["input"]).unwrap_or_default(),
        status: text(&r["status"]).unwrap_or_default(),
        error: text(&r["error"]),
        at: None,
        sources,
    }
}
