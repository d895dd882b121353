//! After `--retry-failed`, the output holds an old and a new record for each retried line:
//! this keeps only the newest, so the output again has one record per row.

use crate::store::Format;
use anyhow::Context;
use std::collections::{BTreeSet, HashMap};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;

/// Rewrites `path` in place (through a temporary file and a rename).
pub fn keep_latest(path: &Path, format: Format, lines: &BTreeSet<u64>) -> anyhow::Result<()> {
    if lines.is_empty() {
        return Ok(());
    }
    let tmp = path.with_extension("mps-rewrite.tmp");
    match format {
        Format::Jsonl => jsonl(path, &tmp, lines)?,
        Format::Csv => csv(path, &tmp, lines)?,
        Format::Json => json(path, &tmp, lines)?,
    }
    std::fs::rename(&tmp, path).with_context(|| format!("cannot replace {}", path.display()))
}

fn line_of_json(text: &str) -> Option<u64> {
    serde_json::from_str::<serde_json::Value>(text)
        .ok()?
        .get("line")?
        .as_u64()
}

fn jsonl(path: &Path, tmp: &Path, lines: &BTreeSet<u64>) -> anyhow::Result<()> {
    let read = || -> anyhow::Result<BufReader<std::fs::File>> {
        Ok(BufReader::new(std::fs::File::open(path).with_context(
            || format!("cannot read {}", path.display()),
        )?))
    };
    // First pass: how many records each retried line has; the last one is kept.
    let mut count: HashMap<u64, usize> = HashMap::new();
    for l in read()?.lines() {
        if let Some(n) = line_of_json(&l?).filter(|n| lines.contains(n)) {
            *count.entry(n).or_default() += 1;
        }
    }
    let mut out = BufWriter::new(std::fs::File::create(tmp)?);
    for l in read()?.lines() {
        let l = l?;
        if let Some(n) = line_of_json(&l).filter(|n| lines.contains(n)) {
            let left = count.entry(n).or_default();
            *left -= 1;
            if *left > 0 {
                continue;
            }
        }
        writeln!(out, "{l}")?;
    }
    out.flush()?;
    Ok(())
}

fn csv(path: &Path, tmp: &Path, lines: &BTreeSet<u64>) -> anyhow::Result<()> {
    // A record may span several CSV rows (one per parcel): group consecutive rows by line.
    let mut rdr =
        csv::Reader::from_path(path).with_context(|| format!("cannot read {}", path.display()))?;
    let headers = rdr.byte_headers()?.clone();
    let rows: Vec<csv::ByteRecord> = rdr.byte_records().collect::<Result<_, _>>()?;
    let line = |r: &csv::ByteRecord| {
        std::str::from_utf8(r.get(0).unwrap_or(b""))
            .ok()
            .and_then(|s| s.parse::<u64>().ok())
    };
    let mut groups: Vec<(Option<u64>, Vec<csv::ByteRecord>)> = Vec::new();
    for r in rows {
        let n = line(&r);
        match groups.last_mut() {
            Some((g, v)) if *g == n => v.push(r),
            _ => groups.push((n, vec![r])),
        }
    }
    let mut last: HashMap<u64, usize> = HashMap::new();
    for (i, (n, _)) in groups.iter().enumerate() {
        if let Some(n) = n.filter(|n| lines.contains(n)) {
            last.insert(n, i);
        }
    }
    let mut w = csv::Writer::from_path(tmp)?;
    w.write_byte_record(&headers)?;
    for (i, (n, group)) in groups.iter().enumerate() {
        if n.is_some_and(|n| lines.contains(&n) && last.get(&n) != Some(&i)) {
            continue;
        }
        for r in group {
            w.write_byte_record(r)?;
        }
    }
    w.flush()?;
    Ok(())
}

fn json(path: &Path, tmp: &Path, lines: &BTreeSet<u64>) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let records: Vec<serde_json::Value> = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a JSON array", path.display()))?;
    let mut last: HashMap<u64, usize> = HashMap::new();
    for (i, r) in records.iter().enumerate() {
        if let Some(n) = r["line"].as_u64().filter(|n| lines.contains(n)) {
            last.insert(n, i);
        }
    }
    let kept: Vec<&serde_json::Value> = records
        .iter()
        .enumerate()
        .filter(|(i, r)| {
            r["line"]
                .as_u64()
                .is_none_or(|n| !lines.contains(&n) || last.get(&n) == Some(i))
        })
        .map(|(_, r)| r)
        .collect();
    let mut out = BufWriter::new(std::fs::File::create(tmp)?);
    out.write_all(b"[\n")?;
    for (i, r) in kept.iter().enumerate() {
        if i > 0 {
            out.write_all(b",\n")?;
        }
        serde_json::to_writer(&mut out, r)?;
    }
    out.write_all(if kept.is_empty() { b"]\n" } else { b"\n]\n" })?;
    out.flush()?;
    Ok(())
}
