//! Exit codes (DESIGN section 8) and how a job's outcome maps to one.

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

/// The exit code for a finished (or stopped) job.
pub fn for_job(job: &JobOutcome) -> i32 {
    match &job.stop {
        Some(StopReason::Fatal(_) | StopReason::InputError(_)) => USAGE,
        Some(
            StopReason::OutputError(_)
            | StopReason::HostUnavailable(_)
            | StopReason::StoreError(_)
            | StopReason::MaxErrors(_)
            | StopReason::MaxRuntime(_),
        ) => STOPPED,
        Some(StopReason::Interrupted(signal)) => 128 + signal,
        Some(StopReason::OutputClosed) | None => {
            if job.counts.failed + job.counts.invalid > 0 {
                ROWS_FAILED
            } else {
                OK
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
