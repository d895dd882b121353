//! On resume, rows whose records reached the output but whose ledger entries did not (a crash
//! between the two writes) get their entries back from the output itself.

use crate::ledger::{RowEntry, SourceEntry};
use crate::store::Format;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const SOURCES: [&str; 4] = ["assessor", "tax", "sales", "documents"];

/// The records of `lines` in a JSONL or JSON output (the last one of each line wins).
pub fn records_from_output(
    path: &Path,
    format: Format,
    lines: &BTreeSet<u64>,
) -> anyhow::Result<std::collections::HashMap<u64, Value>> {
    let records: Vec<Value> = match format {
        Format::Json => serde_json::from_str(&std::fs::read_to_string(path)?).unwrap_or_default(),
        _ => std::fs::read_to_string(path)?
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect(),
    };
    Ok(records
        .into_iter()
        .filter_map(|r| {
            r["line"]
                .as_u64()
                .filter(|l| lines.contains(l))
                .map(|l| (l, r))
        })
        .collect())
}

/// Ledger entries for `lines`, read from the output file.
pub fn entries_from_output(
    path: &Path,
    format: Format,
    lines: &BTreeSet<u64>,
) -> anyhow::Result<Vec<RowEntry>> {
    if lines.is_empty() {
        return Ok(Vec::new());
    }
    let records: Vec<Value> = match format {
        Format::Jsonl => std::fs::read_to_string(path)?
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect(),
        Format::Json => serde_json::from_str(&std::fs::read_to_string(path)?).unwrap_or_default(),
        Format::Csv => {
            let mut rdr = csv::Reader::from_path(path)?;
            let headers = rdr.headers()?.clone();
            let mut out = Vec::new();
            for row in rdr.records() {
                let row = row?;
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
                out.push(v);
            }
            out
        }
    };
    let mut entries = BTreeMap::new();
    for r in records {
        let Some(line) = r["line"].as_u64().filter(|l| lines.contains(l)) else {
            continue;
        };
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
                        attempts: b["requests"].as_u64().unwrap_or(0) as u32,
                        error: text(&b["error"]),
                    },
                )
            })
            .collect();
        entries.insert(
            line,
            RowEntry {
                line,
                input: text(&r["input"]).unwrap_or_default(),
                status: text(&r["status"]).unwrap_or_default(),
                error: text(&r["error"]),
                at: None,
                sources,
            },
        );
    }
    Ok(entries.into_values().collect())
}
