//! Steps a row runs side by side (`rayon::join` on the job's pool), and what a panic in one
//! of them costs.

/// Runs an overlapped step; a panic in it costs that step's block, not the worker (a panic
/// escaping a pool thread would end the process).
pub(crate) fn caught<T>(step: impl FnOnce() -> T) -> Option<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(step)).ok()
}
