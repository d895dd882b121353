//! `mps jobs show JOB` for people: aligned `key: value` lines, and what to run next when the
//! job is not done. `--json` prints the full statistics instead (see `jobs.rs`).

use super::job_facts::JobFacts;

const UNKNOWN: &str = "-";

/// The lines, each ending in a newline; keys padded so the values line up.
pub fn render(j: &JobFacts) -> String {
    let when = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map_or(UNKNOWN.to_string(), |t| {
            t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
        })
    };
    let text = |s: &Option<String>| s.clone().unwrap_or_else(|| UNKNOWN.to_string());
    let count = |f: fn(&super::job_facts::RowCounts) -> u64| {
        j.rows
            .as_ref()
            .map_or(UNKNOWN.to_string(), |c| f(c).to_string())
    };
    let mut lines: Vec<(&str, String)> = vec![
        ("id", j.id.clone()),
        ("status", j.status.clone()),
        ("mode", text(&j.mode)),
        ("strategy", text(&j.strategy)),
        ("input", text(&j.input)),
        ("output", text(&j.output)),
        ("started", when(Some(j.started))),
        ("finished", when(j.finished)),
        ("rows", count(super::job_facts::RowCounts::rows)),
        ("ok", count(|c| c.ok)),
        ("not found", count(|c| c.not_found)),
        ("failed", count(|c| c.failed)),
        ("invalid", count(|c| c.invalid)),
        ("skipped", count(|c| c.skipped)),
        (
            "interrupted",
            j.interrupted.map_or(UNKNOWN.to_string(), |n| n.to_string()),
        ),
    ];
    if let Some(ledger) = &j.ledger {
        lines.push(("ledger", ledger.clone()));
    }
    // What to run next. A running job cannot be resumed (its ledger is locked); a completed
    // one has nothing left to fetch but its failed rows.
    match j.status.as_str() {
        "running" => {}
        "completed" => {
            if j.rows.is_some_and(|c| c.failed > 0) {
                lines.push(("retry", format!("mps batch --retry-failed {}", j.id)));
            }
        }
        _ => lines.push(("resume", format!("mps batch --resume {}", j.id))),
    }
    if j.rows.is_some_and(|c| c.failed + c.invalid > 0) {
        lines.push(("failed rows", format!("mps jobs failed {}", j.id)));
    }
    let width = lines.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    lines
        .iter()
        .map(|(k, v)| format!("{:<w$} {v}\n", format!("{k}:"), w = width + 1))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::job_facts::RowCounts;

    #[test]
    fn an_unfinished_job_says_how_to_resume_it() {
        let j = JobFacts {
            id: "20261203T081500Z-aaaa".to_string(),
            status: "unfinished".to_string(),
            mode: Some("tax".to_string()),
            strategy: Some("intelligent".to_string()),
            started: chrono::DateTime::UNIX_EPOCH,
            finished: None,
            input: Some("/in.csv".to_string()),
            output: Some("-".to_string()),
            rows: Some(RowCounts {
                ok: 4,
                invalid: 1,
                ..RowCounts::default()
            }),
            interrupted: None,
            ledger: None,
            problem: None,
        };
        let text = render(&j);
        assert!(
            text.starts_with("id:          20261203T081500Z-aaaa\n"),
            "{text}"
        );
        assert!(text.contains("\nstatus:      unfinished\n"), "{text}");
        assert!(text.contains("\nrows:        5\n"), "{text}");
        assert!(text.contains("\ninterrupted: -\n"), "{text}");
        assert!(
            text.contains("\nresume:      mps batch --resume 20261203T081500Z-aaaa\n"),
            "{text}"
        );
        assert!(text.contains("\nfailed rows: mps jobs failed "), "{text}");
    }
}
