//! Progress on stderr: an indicatif bar on a terminal, JSON lines for scripts, or nothing.

use crate::engine::stats::Counts;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::str::FromStr;
use std::time::{Duration, Instant};

/// `--progress`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

impl FromStr for ProgressMode {
    type Err = UnknownProgress;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(ProgressMode::Auto),
            "bar" => Ok(ProgressMode::Bar),
            "jsonl" => Ok(ProgressMode::Jsonl),
            "none" => Ok(ProgressMode::None),
            _ => Err(UnknownProgress(s.to_string())),
        }
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

enum Kind {
    Bar(ProgressBar),
    Jsonl { last: Instant },
    Hidden,
}

/// The progress display, owned by the writer thread.
pub struct Progress {
    kind: Kind,
    started: Instant,
    total: Option<u64>,
}

impl Progress {
    /// `total` is the expected row count when it is known up front (a regular input file).
    pub fn new(mode: ProgressMode, total: Option<u64>) -> Progress {
        let on_terminal = std::io::stderr().is_terminal();
        let kind = match mode {
            ProgressMode::Bar => Kind::Bar(make_bar(total)),
            ProgressMode::Auto if on_terminal => Kind::Bar(make_bar(total)),
            ProgressMode::Jsonl => Kind::Jsonl {
                last: Instant::now(),
            },
            _ => Kind::Hidden,
        };
        Progress {
            kind,
            started: Instant::now(),
            total,
        }
    }

    /// Called after each record is written.
    pub fn update(&mut self, c: &Counts) {
        match &mut self.kind {
            Kind::Bar(bar) => {
                if bar.length().is_some_and(|len| c.done() > len) {
                    bar.set_length(c.done());
                }
                bar.set_position(c.done());
                bar.set_message(format!(
                    "ok {} · not found {} · failed {} · invalid {}",
                    c.ok, c.not_found, c.failed, c.invalid
                ));
            }
            Kind::Jsonl { last } => {
                if last.elapsed() >= Duration::from_secs(1) {
                    *last = Instant::now();
                    self.emit_json(c);
                }
            }
            Kind::Hidden => {}
        }
    }

    fn emit_json(&self, c: &Counts) {
        let secs = self.started.elapsed().as_secs_f64();
        let line = serde_json::json!({
            "done": c.done(),
            "total": self.total,
            "ok": c.ok,
            "not_found": c.not_found,
            "failed": c.failed,
            "invalid": c.invalid,
            "rows_per_second": if secs > 0.0 { (c.done() as f64 / secs * 10.0).round() / 10.0 } else { 0.0 },
            "elapsed_seconds": (secs * 10.0).round() / 10.0,
        });
        let _ = writeln!(std::io::stderr(), "{line}");
    }

    /// Removes the bar (or prints the last JSON line) before the summary.
    pub fn finish(&mut self, c: &Counts) {
        match &self.kind {
            Kind::Bar(bar) => bar.finish_and_clear(),
            Kind::Jsonl { .. } => self.emit_json(c),
            Kind::Hidden => {}
        }
    }

    /// Prints a message to stderr without tearing the bar.
    pub fn message(&self, msg: &str) {
        match &self.kind {
            Kind::Bar(bar) => bar.suspend(|| eprintln!("{msg}")),
            _ => eprintln!("{msg}"),
        }
    }
}

fn make_bar(total: Option<u64>) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(total, ProgressDrawTarget::stderr());
    let template = if total.is_some() {
        "{spinner} {pos}/{len} rows [{bar:30}] {per_sec} ETA {eta} {msg}"
    } else {
        "{spinner} {pos} rows {per_sec} {elapsed} {msg}"
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}
