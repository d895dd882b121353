//! SIGINT, SIGTERM and SIGHUP (Ctrl-C, and what systemd, docker, `timeout` and a closed
//! terminal send) for `mps batch`.
//!
//! While a batch runs, the first signal stops it: no request is sent after, pages in flight
//! are abandoned, the rows finished so far are flushed and recorded, and mps exits with
//! 128 + the signal's number (130, 143, 129); the job can be resumed. A second signal exits
//! at once (the ledger still resumes). Before the batch has started (opening a FIFO that no
//! one writes to, connecting to a database) there is nothing to drain, so the first signal
//! exits at once. Chromium never outlives either path: browsers are killed before exiting,
//! and the kernel kills them anyway when mps dies (their parent-death signal).

use crate::engine::stop::{signal_name, Interrupt};
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::Signals;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// True while a batch's pipeline runs: a first signal then drains instead of exiting.
static DRAINING: AtomicBool = AtomicBool::new(false);

/// Installs the handler thread; the interrupt it raises is returned.
pub fn install() -> std::io::Result<Arc<Interrupt>> {
    let interrupt = Arc::new(Interrupt::new());
    let mut signals = Signals::new([SIGINT, SIGTERM, SIGHUP])?;
    let raised = Arc::clone(&interrupt);
    std::thread::Builder::new()
        .name("mps-signals".into())
        .spawn(move || {
            for signal in signals.forever() {
                on_signal(&raised, signal);
            }
        })?;
    Ok(interrupt)
}

/// From now on a first signal drains the batch instead of exiting.
pub fn start_draining() {
    DRAINING.store(true, Ordering::SeqCst);
}

fn on_signal(interrupt: &Interrupt, signal: i32) {
    let name = signal_name(signal);
    if !DRAINING.load(Ordering::SeqCst) || interrupt.signal().is_some() {
        let _ = writeln!(std::io::stderr(), "mps: {name}: exiting now");
        crate::browser::kill_all_browsers_of_this_process();
        std::process::exit(128 + signal);
    }
    interrupt.raise(signal);
    let _ = writeln!(
        std::io::stderr(),
        "mps: {name}: stopping; rows in flight are abandoned and the job can be resumed \
         ({name} again exits at once)"
    );
}
