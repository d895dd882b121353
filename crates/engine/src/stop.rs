//! Why and when a job stops before the end of its input: the reasons, the shared stop flag
//! (the first reason wins) and the interrupt a signal handler sets.

use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Why a job stopped before the end of its input.
#[derive(Debug, Clone, PartialEq)]
pub enum StopReason {
    /// The batch cannot go on at all (a refused token).
    Fatal(String),
    /// `--max-errors`: this many rows failed.
    MaxErrors(u64),
    /// `--max-runtime`: the job ran this long.
    MaxRuntime(Duration),
    /// A signal: SIGINT (2), SIGTERM (15) or SIGHUP (1).
    Interrupted(i32),
    /// The reader of the output went away (a closed pipe).
    OutputClosed,
    /// The output could not be written (disk full, read-only file system).
    OutputError(String),
    /// The ledger or the database could not record finished rows.
    StoreError(String),
    /// The input could not be read to its end.
    InputError(String),
    /// A host stayed unavailable (its circuit open) for as long as requests may wait.
    HostUnavailable(String),
}

impl StopReason {
    /// Whether `--resume` can finish the job from here.
    pub fn resumable(&self) -> bool {
        !matches!(self, StopReason::Fatal(_) | StopReason::InputError(_))
    }
}

/// The name of a signal number, for messages.
pub fn signal_name(signal: i32) -> &'static str {
    match signal {
        1 => "SIGHUP",
        2 => "SIGINT",
        15 => "SIGTERM",
        _ => "a signal",
    }
}

impl std::fmt::Display for StopReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StopReason::Fatal(m) => write!(f, "{m}"),
            // Rows in flight may still fail after the limit is reached: the summary's count,
            // not this text, says how many did.
            StopReason::MaxErrors(n) => {
                write!(f, "the --max-errors limit of {n} failed rows was reached")
            }
            StopReason::MaxRuntime(d) => write!(
                f,
                "the --max-runtime of {} was reached",
                humantime::format_duration(*d)
            ),
            StopReason::Interrupted(signal) => write!(f, "interrupted ({})", signal_name(*signal)),
            StopReason::OutputClosed => write!(f, "the output was closed"),
            StopReason::OutputError(m) => write!(f, "cannot write the output: {m}"),
            StopReason::StoreError(m) => write!(f, "cannot record finished rows: {m}"),
            StopReason::InputError(m) => write!(f, "cannot read the input: {m}"),
            StopReason::HostUnavailable(host) => write!(
                f,
                "the {host} stayed unavailable for http.host_down_wait; the rows that need it \
                 were not written"
            ),
        }
    }
}

/// Set by a signal handler; read by the job's writer, which turns it into a stop.
#[derive(Debug, Default)]
pub struct Interrupt(AtomicI32);

impl Interrupt {
    /// No signal yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records `signal` (the first one wins).
    pub fn raise(&self, signal: i32) {
        let _ = self
            .0
            .compare_exchange(0, signal, Ordering::SeqCst, Ordering::SeqCst);
    }

    /// The signal that interrupted the job, if any.
    pub fn signal(&self) -> Option<i32> {
        match self.0.load(Ordering::SeqCst) {
            0 => None,
            s => Some(s),
        }
    }
}

/// Why the job stops: the first reason wins, later ones are ignored.
#[derive(Debug, Default)]
pub struct Stop {
    reason: Mutex<Option<StopReason>>,
}

impl Stop {
    /// Sets the reason unless one is set; true if this call was the first.
    pub fn set(&self, r: StopReason) -> bool {
        let mut g = self
            .reason
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let first = g.is_none();
        if first {
            *g = Some(r);
        }
        first
    }

    pub(crate) fn reason(&self) -> Option<StopReason> {
        self.reason
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_reason_wins() {
        let stop = Stop::default();
        assert_eq!(stop.reason(), None);
        assert!(stop.set(StopReason::Interrupted(15)));
        assert!(!stop.set(StopReason::MaxErrors(3)));
        assert_eq!(stop.reason(), Some(StopReason::Interrupted(15)));
    }

    #[test]
    fn the_first_signal_wins() {
        let i = Interrupt::new();
        assert_eq!(i.signal(), None);
        i.raise(15);
        i.raise(2);
        assert_eq!(i.signal(), Some(15));
    }
}
