//! Progress on stderr: an indicatif bar on a terminal, JSON lines for scripts, or nothing.

pub mod text;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use mps_model::counts::Counts;
use std::io::{self, IsTerminal, Write};
use std::str::FromStr;
use std::time::{Duration, Instant};

/// `--progress`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, strum::VariantArray, strum::EnumMessage, strum::IntoStaticStr,
)]
#[strum(serialize_all = "lowercase")]
pub enum ProgressMode {
    /// A bar when stderr is a terminal, nothing otherwise.
    Auto,
    Bar,
    /// One JSON object per second on stderr.
    Jsonl,
    None,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown progress mode {0:?}: expected auto, bar, jsonl or none")]
pub struct UnknownProgress(pub String);

/// Case-insensitive, surrounding whitespace ignored.
impl FromStr for ProgressMode {
    type Err = UnknownProgress;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        mps_model::names::parse_name(s).ok_or_else(|| UnknownProgress(s.to_string()))
    }
}

impl ProgressMode {
    /// Whether the display will show a total (a bar on a terminal, or JSON lines).
    pub fn shows_total(self) -> bool {
        match self {
            ProgressMode::Bar | ProgressMode::Jsonl => true,
            ProgressMode::Auto => std::io::stderr().is_terminal(),
            ProgressMode::None => false,
        }
    }
}

/// One host's counters as the display shows them.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct HostLine {
    pub host: String,
    pub requests: u64,
    pub retries: u64,
    pub status_429: u64,
    /// The politeness ceiling in requests per second; `None` when unlimited.
    pub rate: Option<f64>,
    /// Wall seconds during which some request waited for that ceiling (or a pause).
    pub rate_limited_seconds: f64,
}

/// Reads every host's counters now (the HTTP client's, handed in by the command).
pub type HostProbe = std::sync::Arc<dyn Fn() -> Vec<HostLine> + Send + Sync>;

/// What the display needs besides the counts.
#[derive(Clone, Default)]
pub struct ProgressSetup {
    pub mode: Option<ProgressMode>,
    /// Expected rows, when known up front (a regular input file).
    pub total: Option<u64>,
    /// The job id, named by each JSON line.
    pub job: Option<String>,
    pub hosts: Option<HostProbe>,
}

impl std::fmt::Debug for ProgressSetup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProgressSetup")
            .field("mode", &self.mode)
            .field("total", &self.total)
            .field("job", &self.job)
            .field("hosts", &self.hosts.is_some())
            .finish()
    }
}

enum Kind {
    Bar(ProgressBar),
    Jsonl,
    Hidden,
}

/// How often the words of the display (rate, ETA, hosts) and the JSON lines are renewed.
const REFRESH: Duration = Duration::from_secs(1);

/// The progress display, owned by the writer thread.
pub struct ProgressDisplay {
    kind: Kind,
    started: Instant,
    total: Option<u64>,
    job: Option<String>,
    hosts: Option<HostProbe>,
    counts: Counts,
    last_refresh: Option<Instant>,
    /// Each host's words, renewed once a second.
    host_words: String,
    /// Records go to a terminal too: the bar steps aside while they are written.
    records_on_terminal: bool,
    finished: bool,
}

impl ProgressDisplay {
    pub fn new(setup: ProgressSetup) -> ProgressDisplay {
        let mode = setup.mode.unwrap_or(ProgressMode::None);
        let on_terminal = std::io::stderr().is_terminal();
        let kind = match mode {
            ProgressMode::Bar => Kind::Bar(make_bar(setup.total, on_terminal)),
            ProgressMode::Auto if on_terminal => Kind::Bar(make_bar(setup.total, true)),
            ProgressMode::Jsonl => Kind::Jsonl,
            _ => Kind::Hidden,
        };
        ProgressDisplay {
            kind,
            started: Instant::now(),
            total: setup.total,
            job: setup.job,
            hosts: setup.hosts,
            counts: Counts::default(),
            last_refresh: None,
            host_words: String::new(),
            records_on_terminal: std::io::stdout().is_terminal(),
            finished: false,
        }
    }

    /// Called after records become durable.
    pub fn update(&mut self, c: &Counts) {
        self.counts = *c;
        if let Kind::Bar(bar) = &self.kind {
            if bar.length().is_some_and(|len| c.done() > len) {
                bar.set_length(c.done());
            }
            bar.set_position(c.done());
            // The counts change with every update; the rest is renewed once a second.
            bar.set_message(self.message_words());
        }
        self.tick();
    }

    /// Called often (each turn of the writer's loop): renews the words once a second.
    pub fn tick(&mut self) {
        if self.last_refresh.is_some_and(|t| t.elapsed() < REFRESH) {
            return;
        }
        self.last_refresh = Some(Instant::now());
        match &self.kind {
            Kind::Bar(bar) => {
                self.host_words = text::hosts(&self.host_lines(), self.started.elapsed());
                bar.set_prefix(self.prefix_words());
                bar.set_message(self.message_words());
            }
            Kind::Jsonl => self.emit_json("progress"),
            Kind::Hidden => {}
        }
    }

    fn host_lines(&self) -> Vec<HostLine> {
        self.hosts.as_ref().map(|probe| probe()).unwrap_or_default()
    }

    fn rows_per_second(&self) -> f64 {
        let secs = self.started.elapsed().as_secs_f64();
        if secs > 0.0 {
            self.counts.done() as f64 / secs
        } else {
            0.0
        }
    }

    /// The bar's first line after the bar: rate, elapsed, ETA.
    fn prefix_words(&self) -> String {
        let elapsed = self.started.elapsed();
        let mut prefix = format!(
            "{} · elapsed {}",
            text::rate(self.rows_per_second()),
            text::duration(elapsed)
        );
        if let Some(eta) = text::eta(self.counts.done(), self.total, elapsed) {
            prefix.push_str(&format!(" · ETA {}", text::duration(eta)));
        }
        prefix
    }

    /// The bar's second line: the counts, then each host's requests.
    fn message_words(&self) -> String {
        let mut msg = text::counts(&self.counts);
        if !self.host_words.is_empty() {
            msg.push_str(" | ");
            msg.push_str(&self.host_words);
        }
        msg
    }

    fn emit_json(&self, event: &str) {
        let elapsed = self.started.elapsed();
        let secs = elapsed.as_secs_f64();
        let c = &self.counts;
        let round = |x: f64| (x * 10.0).round() / 10.0;
        let hosts: serde_json::Map<String, serde_json::Value> = self
            .host_lines()
            .into_iter()
            .map(|h| {
                let share = if secs > 0.0 {
                    (h.rate_limited_seconds / secs * 100.0).min(100.0)
                } else {
                    0.0
                };
                let v = serde_json::json!({
                    "requests": h.requests,
                    "retries": h.retries,
                    "status_429": h.status_429,
                    "rate": h.rate,
                    "rate_limited_percent": share.round(),
                });
                (h.host, v)
            })
            .collect();
        let line = serde_json::json!({
            "event": event,
            "job": self.job,
            "done": c.done(),
            "total": self.total,
            "ok": c.ok,
            "not_found": c.not_found,
            "failed": c.failed,
            "invalid": c.invalid,
            "skipped": c.skipped,
            "rows_per_second": round(self.rows_per_second()),
            "elapsed_seconds": round(secs),
            "eta_seconds": text::eta(c.done(), self.total, elapsed).map(|d| d.as_secs()),
            "hosts": hosts,
        });
        let _ = writeln!(std::io::stderr(), "{line}");
    }

    /// Removes the bar (or writes the last JSON line, once) before the summary.
    pub fn finish(&mut self, c: &Counts) {
        if std::mem::replace(&mut self.finished, true) {
            return;
        }
        self.counts = *c;
        match &self.kind {
            Kind::Bar(bar) => bar.finish_and_clear(),
            Kind::Jsonl => self.emit_json("done"),
            Kind::Hidden => {}
        }
    }

    /// Runs `write` (a record going to standard output) without leaving a torn or stale
    /// bar behind when both share the terminal.
    pub fn around_records<R>(&self, write: impl FnOnce() -> R) -> R {
        match &self.kind {
            Kind::Bar(bar) if self.records_on_terminal => bar.suspend(write),
            _ => write(),
        }
    }
}

impl crate::engine::Progress for ProgressDisplay {
    fn update(&mut self, counts: &Counts) {
        ProgressDisplay::update(self, counts);
    }
    fn tick(&mut self) {
        ProgressDisplay::tick(self);
    }
    fn around_output(&mut self, write: &mut dyn FnMut() -> io::Result<()>) -> io::Result<()> {
        self.around_records(write)
    }
    fn finish(&mut self, counts: &Counts) {
        ProgressDisplay::finish(self, counts);
    }
}

/// A bar on stderr; `--progress bar` draws it even when stderr is no terminal (a log, `script`).
fn make_bar(total: Option<u64>, on_terminal: bool) -> ProgressBar {
    let target = if on_terminal {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::term_like_with_hz(Box::new(console::Term::stderr()), 1)
    };
    let bar = ProgressBar::with_draw_target(total, target);
    let template = if total.is_some() {
        "{spinner} {pos}/{len} rows [{bar:25}] {prefix}\n  {wide_msg}"
    } else {
        "{spinner} {pos} rows {prefix}\n  {wide_msg}"
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.enable_steady_tick(Duration::from_millis(if on_terminal { 200 } else { 1000 }));
    bar
}

#[cfg(test)]
mod tests {
    use super::ProgressMode;

    #[test]
    fn progress_modes_parse_and_refuse_with_the_choices() {
        for (text, want) in [
            ("auto", ProgressMode::Auto),
            (" Bar", ProgressMode::Bar),
            ("JSONL ", ProgressMode::Jsonl),
            ("none", ProgressMode::None),
        ] {
            assert_eq!(text.parse(), Ok(want), "{text:?}");
        }
        assert_eq!(
            "Loud".parse::<ProgressMode>().unwrap_err().to_string(),
            "unknown progress mode \"Loud\": expected auto, bar, jsonl or none"
        );
        assert!("ndjson".parse::<ProgressMode>().is_err());
    }
}
