//! The end-of-batch summary: a few lines on stderr, and the same as JSON for scripts.

use crate::engine::JobOutcome;
use crate::progress::text::{self, count};
use crate::progress::HostLine;
use mps_model::counts::Counts;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// What a batch did, as written by `--summary-json`.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// The job id, for `--resume`, `--retry-failed` and `mps jobs`.
    pub job: Option<String>,
    pub mode: String,
    pub strategy: String,
    pub rows: u64,
    pub by_status: Counts,
    /// Rows that ended ok or not_found, divided by all rows.
    pub success_rate: f64,
    /// Wall time divided by rows: what each row cost the run, with rows in parallel.
    pub average_seconds_per_row: f64,
    /// Whether `--resume` can finish the job (its input can be read again).
    pub resumable: bool,
    pub rows_per_second: f64,
    /// Rows answered by another row's fetch of the same identifier.
    pub shared_rows: u64,
    /// Rows in flight when the job stopped: not written, fetched again by `--resume`.
    pub interrupted_rows: u64,
    /// Rows finished but not written (the output or the database failed): fetched again by
    /// `--resume`.
    pub unwritten_rows: u64,
    pub wall_seconds: f64,
    /// Per source: requests (retries included), retries, 429s, errors.
    pub hosts: BTreeMap<String, Value>,
    /// Browser pool statistics, when pages were read in a browser.
    pub browsers: Option<Value>,
    /// Per host: requests divided by the rows that were fetched (ok, not found, failed).
    pub requests_per_row: BTreeMap<String, f64>,
    /// The cache of recorded documents and sales steps, when it was used.
    pub cache: Option<crate::cache::CacheStats>,
    pub stopped: Option<String>,
    pub exit_code: i32,
}

impl Summary {
    pub fn new(
        mode: &str,
        job: &JobOutcome,
        hosts: BTreeMap<String, Value>,
        exit_code: i32,
    ) -> Self {
        let rows = job.counts.done();
        let wall = job.wall.as_secs_f64();
        let round = |x: f64, d: i32| (x * 10f64.powi(d)).round() / 10f64.powi(d);
        let fetched = job.counts.ok + job.counts.not_found + job.counts.failed;
        let requests_per_row = hosts
            .iter()
            .filter_map(|(host, s)| {
                let n = s.get("requests").and_then(Value::as_u64)?;
                (fetched > 0 && n > 0).then(|| (host.clone(), round(n as f64 / fetched as f64, 2)))
            })
            .collect();
        Summary {
            job: None,
            mode: mode.to_string(),
            strategy: String::new(),
            rows,
            by_status: job.counts,
            success_rate: round(job.counts.success_rate(), 4),
            average_seconds_per_row: if rows == 0 {
                0.0
            } else {
                round(wall / rows as f64, 4)
            },
            resumable: true,
            rows_per_second: if wall > 0.0 {
                round(rows as f64 / wall, 2)
            } else {
                0.0
            },
            shared_rows: job.shared,
            interrupted_rows: job.interrupted,
            unwritten_rows: job.unwritten,
            wall_seconds: round(wall, 3),
            hosts,
            browsers: None,
            requests_per_row,
            cache: None,
            stopped: job.stop.as_ref().map(std::string::ToString::to_string),
            exit_code,
        }
    }

    /// The human summary for stderr.
    pub fn render(&self) -> String {
        let mut out = self.totals_line();
        out.push_str(&self.rates_line());
        // A host's waiting for its rate limit is weighed against the whole run's wall time.
        let wall = std::time::Duration::from_secs_f64(self.wall_seconds.max(0.0));
        for (host, stats) in &self.hosts {
            out.push_str(&host_lines(host, stats, wall));
        }
        // Each of these lines is there only when it has something to say.
        let optional = [
            self.requests_per_row_line(),
            self.cache_line(),
            self.browsers_line(),
            self.not_written_line(),
            self.stopped_line(),
        ];
        for line in optional.into_iter().flatten() {
            out.push_str(&line);
        }
        out
    }

    /// The first line: rows, wall time, speed and the rows of each status.
    fn totals_line(&self) -> String {
        let c = &self.by_status;
        format!(
            "mps: {} in {:.1}s ({}): {}\n",
            count(self.rows, "row", "rows"),
            self.wall_seconds,
            text::rate(self.rows_per_second),
            [
                format!("ok {}", c.ok),
                format!("not found {}", c.not_found),
                format!("failed {}", c.failed),
                format!("invalid {}", c.invalid),
            ]
            .into_iter()
            // Skipped rows are named only by runs that skip (`--max-age`).
            .chain((c.skipped > 0).then(|| format!("skipped {} (fresh enough)", c.skipped)))
            .collect::<Vec<_>>()
            .join(", ")
        )
    }

    /// The second line: success rate, time per row and the rows shared with another's fetch.
    fn rates_line(&self) -> String {
        format!(
            "     success rate {:.1}%, {:.3}s of wall time per row, {} another row's fetch\n",
            self.success_rate * 100.0,
            self.average_seconds_per_row,
            match self.shared_rows {
                1 => "1 row shared".to_string(),
                n => format!("{n} rows shared"),
            }
        )
    }

    /// Requests per fetched row of each host, when any host was asked.
    fn requests_per_row_line(&self) -> Option<String> {
        if self.requests_per_row.is_empty() {
            return None;
        }
        let per: Vec<String> = self
            .requests_per_row
            .iter()
            .map(|(host, n)| format!("{host} {n:.2}"))
            .collect();
        Some(format!("     requests per row: {}\n", per.join(", ")))
    }

    /// What the cache remembered, when it was used at all.
    fn cache_line(&self) -> Option<String> {
        let c = self
            .cache
            .as_ref()
            .filter(|c| c.document_hits + c.document_misses + c.link_hits + c.link_misses > 0)?;
        Some(format!(
            "     cache: {} of {} documents and {} of {} sales steps remembered, {} requests saved\n",
            c.document_hits,
            c.document_hits + c.document_misses,
            c.link_hits,
            c.link_hits + c.link_misses,
            c.requests_saved
        ))
    }

    /// The browser pool's statistics, when pages were read in a browser.
    fn browsers_line(&self) -> Option<String> {
        let b = self.browsers.as_ref()?;
        let n = |k: &str| b.get(k).and_then(Value::as_u64).unwrap_or(0);
        Some(format!(
            "     browsers: {} pages, {} launches, {} crashes, {} timeouts\n",
            n("pages"),
            n("launches"),
            n("crashes"),
            n("timeouts")
        ))
    }

    /// The rows fetched but not written, and whether `--resume` can fetch them again.
    fn not_written_line(&self) -> Option<String> {
        if self.interrupted_rows + self.unwritten_rows == 0 {
            return None;
        }
        Some(format!(
            "     not written: {} in flight at the stop, {} the output or the database \
             could not take ({})\n",
            count(self.interrupted_rows, "row", "rows"),
            count(self.unwritten_rows, "row", "rows"),
            if self.resumable {
                "--resume fetches them again"
            } else {
                "its input cannot be read again, so this job cannot be resumed"
            }
        ))
    }

    /// Why the job stopped before its input ended, when it did.
    fn stopped_line(&self) -> Option<String> {
        let why = self.stopped.as_ref()?;
        Some(format!("     stopped early: {why}\n"))
    }
}

/// One host's requests line, and its rate-limit advice when waiting cost a share of the
/// run; nothing for a host that was never asked.
fn host_lines(host: &str, stats: &Value, wall: std::time::Duration) -> String {
    let n = |k: &str| stats.get(k).and_then(Value::as_u64).unwrap_or(0);
    if n("requests") == 0 {
        return String::new();
    }
    let mut out = format!(
        "     {host}: {}, {}, {} answered 429, {}\n",
        count(n("requests"), "request", "requests"),
        count(n("retries"), "retry", "retries"),
        n("status_429"),
        count(n("errors"), "error", "errors")
    );
    if let Some(advice) = rate_limit_advice(host, stats, n("requests"), wall) {
        out.push_str(&advice);
    }
    out
}

/// The advice to raise a host's `--rate`, when its ceiling held the run back for a share
/// of the wall time worth naming (at least half, as [`text::limited_share`] judges it).
fn rate_limit_advice(
    host: &str,
    stats: &Value,
    requests: u64,
    wall: std::time::Duration,
) -> Option<String> {
    let line = HostLine {
        host: host.to_string(),
        requests,
        rate: stats.get("rate").and_then(Value::as_f64),
        rate_limited_seconds: stats
            .get("rate_limited_seconds")
            .and_then(Value::as_f64)
            .unwrap_or(0.0),
        ..HostLine::default()
    };
    let (share, rate) = (text::limited_share(&line, wall)?, line.rate?);
    Some(format!(
        "     {host}: rate-limited at {}, {:.0} % of the wall time; raise with --rate {host}=R\n",
        text::req_rate(rate),
        share * 100.0
    ))
}
