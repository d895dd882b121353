//! `mps jobs list`: every job, newest first, as an aligned table for people or as a JSON
//! array for scripts (`--json`).

use super::job_facts::JobFacts;
use super::table::{self, Column};
use std::io::Write;

const COLUMNS: [Column; 10] = [
    Column::left("ID"),
    Column::left("STARTED (UTC)"),
    Column::left("MODE"),
    Column::right("ROWS"),
    Column::right("OK"),
    Column::right("FAILED"),
    Column::right("INVALID"),
    Column::left("STATUS"),
    Column::left("INPUT"),
    Column::left("OUTPUT"),
];

/// Not known: a count or a path the ledger could not give.
const UNKNOWN: &str = "-";

/// The table: OK counts rows answered (ok or not found); ROWS also counts skipped rows.
pub fn render_table(jobs: &[JobFacts]) -> String {
    let rows: Vec<Vec<String>> = jobs
        .iter()
        .map(|j| {
            let count = |f: fn(&super::job_facts::RowCounts) -> u64| {
                j.rows
                    .as_ref()
                    .map_or(UNKNOWN.to_string(), |c| f(c).to_string())
            };
            vec![
                j.id.clone(),
                j.started.format("%Y-%m-%d %H:%M:%S").to_string(),
                j.mode.clone().unwrap_or_else(|| UNKNOWN.to_string()),
                count(super::job_facts::RowCounts::rows),
                count(|c| c.ok + c.not_found),
                count(|c| c.failed),
                count(|c| c.invalid),
                j.status.clone(),
                j.input.clone().unwrap_or_else(|| UNKNOWN.to_string()),
                j.output.clone().unwrap_or_else(|| UNKNOWN.to_string()),
            ]
        })
        .collect();
    table::render(&COLUMNS, &rows)
}

/// Writes the list as a table, or as one JSON array with `json`. Why a ledger could not be
/// read goes to stderr after the table (the table only says `unreadable`).
pub fn write(out: &mut impl Write, jobs: &[JobFacts], json: bool) -> anyhow::Result<()> {
    if json {
        // Encoded first, so a reader that went away (`| head`) is an io::Error, which ends
        // quietly, rather than one wrapped by serde_json.
        let mut text = serde_json::to_vec_pretty(jobs)?;
        text.push(b'\n');
        out.write_all(&text)?;
        out.flush()?;
        return Ok(());
    }
    out.write_all(render_table(jobs).as_bytes())?;
    out.flush()?;
    for j in jobs {
        if let Some(problem) = &j.problem {
            eprintln!("mps: job {}: {problem}", j.id);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::job_facts::RowCounts;
    use chrono::TimeZone;

    fn job(id: &str, rows: Option<RowCounts>, status: &str) -> JobFacts {
        JobFacts {
            id: id.to_string(),
            status: status.to_string(),
            mode: Some("property".to_string()),
            strategy: None,
            started: chrono::Utc
                .with_ymd_and_hms(2026, 12, 3, 8, 15, 0)
                .single()
                .unwrap_or_default(),
            finished: None,
            input: Some("/data/in.csv".to_string()),
            output: Some("-".to_string()),
            rows,
            interrupted: None,
            ledger: None,
            problem: None,
        }
    }

    #[test]
    fn invalid_rows_show_and_unknown_counts_are_dashes() {
        let done = RowCounts {
            ok: 8,
            not_found: 1,
            failed: 0,
            invalid: 2,
            skipped: 0,
        };
        let text = render_table(&[
            job("20261203T081500Z-aaaa", Some(done), "completed"),
            job("20261203T081500Z-bbbb", None, "unreadable"),
        ]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            [
                "ID                     STARTED (UTC)        MODE      ROWS  OK  FAILED  INVALID  STATUS      INPUT         OUTPUT",
                "20261203T081500Z-aaaa  2026-12-03 08:15:00  property    11   9       0        2  completed   /data/in.csv  -",
                "20261203T081500Z-bbbb  2026-12-03 08:15:00  property     -   -       -        -  unreadable  /data/in.csv  -",
            ]
        );
    }
}
