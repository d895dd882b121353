//! Exit codes (DESIGN section 8): one typed [`Exit`] that every command returns, and how a
//! job's outcome or an error maps to one.

use crate::engine::{JobOutcome, StopReason};

/// Every row ended ok or not_found.
pub const OK: i32 = 0;
/// Some rows failed or were invalid.
pub const ROWS_FAILED: i32 = 1;
/// Bad usage, bad config, unreadable input, refused credentials, a database unreachable at
/// the start.
pub const USAGE: i32 = 2;
/// Stopped early, resumable: --max-errors, --max-runtime, the output could not be written,
/// the database went away mid-run.
pub const STOPPED: i32 = 3;
/// Interrupted by SIGINT (Ctrl-C); SIGTERM gives 143 and SIGHUP 129 (128 + the signal).
pub const INTERRUPTED: i32 = 130;

/// How a command ended, as the process reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Ok,
    RowsFailed,
    Usage,
    Stopped,
    /// Ended by a signal: 128 + its number.
    Signal(i32),
}

impl Exit {
    pub fn code(self) -> i32 {
        match self {
            Exit::Ok => OK,
            Exit::RowsFailed => ROWS_FAILED,
            Exit::Usage => USAGE,
            Exit::Stopped => STOPPED,
            Exit::Signal(n) => 128 + n,
        }
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        std::process::ExitCode::from(u8::try_from(exit.code()).unwrap_or(u8::MAX))
    }
}

/// Writing a command's output failed (disk full, a read-only file system): the command's
/// work may be done, but its result did not all reach the user. Exit 3, not 2: nothing was
/// wrong with how mps was called.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {what}")]
pub struct OutputFailed {
    pub what: String,
    #[source]
    pub source: std::io::Error,
}

impl OutputFailed {
    /// Wraps an I/O error from writing `what` (the output, the summary, …).
    pub fn of(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> OutputFailed {
        let what = what.into();
        move |source| OutputFailed { what, source }
    }
}

/// The exit for a command that failed with `err`: a reader of the output that went away
/// (`| head`) is no failure; an output that could not be written stops (3); anything else
/// is bad usage, config or input (2).
pub fn for_error(err: &anyhow::Error) -> Exit {
    if super::report::is_closed_pipe(err) {
        Exit::Ok
    } else if err
        .chain()
        .any(|c| c.downcast_ref::<OutputFailed>().is_some())
    {
        Exit::Stopped
    } else {
        Exit::Usage
    }
}

/// The exit for a finished (or stopped) job.
pub fn for_job(job: &JobOutcome) -> Exit {
    match &job.stop {
        Some(StopReason::Fatal(_) | StopReason::InputError(_)) => Exit::Usage,
        Some(
            StopReason::OutputError(_)
            | StopReason::HostUnavailable(_)
            | StopReason::StoreError(_)
            | StopReason::MaxErrors(_)
            | StopReason::MaxRuntime(_),
        ) => Exit::Stopped,
        Some(StopReason::Interrupted(signal)) => Exit::Signal(*signal),
        Some(StopReason::OutputClosed) | None => {
            if job.counts.failed + job.counts.invalid > 0 {
                Exit::RowsFailed
            } else {
                Exit::Ok
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stopped(reason: StopReason) -> i32 {
        for_job(&JobOutcome {
            stop: Some(reason),
            ..JobOutcome::default()
        })
        .code()
    }

    #[test]
    fn an_output_that_cannot_be_written_stops_and_a_closed_pipe_is_no_failure() {
        let full = std::io::Error::from_raw_os_error(28);
        let err = anyhow::Error::new(OutputFailed::of("the summary")(full));
        assert_eq!(for_error(&err), Exit::Stopped);
        let pipe = std::io::Error::from(std::io::ErrorKind::BrokenPipe);
        let err = anyhow::Error::new(OutputFailed::of("the records")(pipe));
        assert_eq!(for_error(&err), Exit::Ok);
        assert_eq!(
            for_error(&anyhow::anyhow!("--mode x: unknown")),
            Exit::Usage
        );
    }

    #[test]
    fn stops_that_can_be_resumed_exit_3_and_signals_128_plus_n() {
        assert_eq!(
            stopped(StopReason::OutputError("disk full".into())),
            STOPPED
        );
        assert_eq!(stopped(StopReason::StoreError("db gone".into())), STOPPED);
        assert_eq!(stopped(StopReason::Interrupted(2)), INTERRUPTED);
        assert_eq!(stopped(StopReason::Interrupted(15)), 143);
        assert_eq!(stopped(StopReason::Interrupted(1)), 129);
        assert_eq!(stopped(StopReason::Fatal("401".into())), USAGE);
    }
}
