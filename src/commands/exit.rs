//! Exit codes (DESIGN section 8) and how a job's outcome maps to one.

use crate::engine::{JobOutcome, StopReason};

/// Every row ended ok or not_found.
pub const OK: i32 = 0;
/// Some rows failed or were invalid.
pub const ROWS_FAILED: i32 = 1;
/// Bad usage, bad config, unreadable input, refused credentials.
pub const USAGE: i32 = 2;
/// Stopped early: --max-errors, --max-runtime, a host circuit stayed open (resumable).
pub const STOPPED: i32 = 3;
/// Interrupted by Ctrl-C.
pub const INTERRUPTED: i32 = 130;

/// The exit code for a finished (or stopped) job.
pub fn for_job(job: &JobOutcome) -> i32 {
    match &job.stop {
        Some(StopReason::Fatal(_)) | Some(StopReason::InputError(_)) => USAGE,
        Some(StopReason::OutputError(_)) => USAGE,
        Some(StopReason::MaxErrors(_)) | Some(StopReason::MaxRuntime(_)) => STOPPED,
        Some(StopReason::Interrupted) => INTERRUPTED,
        Some(StopReason::OutputClosed) | None => {
            if job.counts.failed + job.counts.invalid > 0 {
                ROWS_FAILED
            } else {
                OK
            }
        }
    }
}
