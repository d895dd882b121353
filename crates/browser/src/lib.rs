//! Headless Chromium for the county pages that only JavaScript renders: a fixed pool of
//! browser threads, each owning one Chromium with one reused tab, fed through bounded
//! channels, with recycling after K pages, crash retry, hang detection and strict process
//! hygiene: no Chromium process or profile dir outlives the pool, nor mps itself however
//! it ends (Chromium gets the kernel's parent-death signal; a killed mps's profile dirs
//! are removed by the next pool's start). `cancel` wakes every waiting caller at once and
//! `abort` kills all browsers without waiting for their pages.
//!
//! ```no_run
//! use std::time::{Duration, Instant};
//! use mps_browser::{BrowserPool, PoolOptions};
//!
//! let pool = BrowserPool::start(PoolOptions::default())?;
//! let script = "new Promise(r => { const t = () => { const e = document.querySelector('#grid.ready'); \
//!               e ? r(e.innerText) : setTimeout(t, 10); }; t(); })";
//! let text = pool.render("http://127.0.0.1:8080/page", script, Instant::now() + Duration::from_secs(10))?;
//! pool.shutdown();
//! # Ok::<(), mps_browser::BrowserError>(())
//! ```

#![warn(missing_docs)]

mod crash_watch;
mod error;
mod launch;
mod page;
mod pool;
mod process;
mod stats;
mod watchdog;
mod worker;

#[cfg(test)]
mod tests;

pub use error::{BrowserError, INSTALL_HINT};
pub use pool::{BrowserPool, PoolOptions};
pub use process::kill_all_browsers_of_this_process;
pub use stats::BrowserStats;
