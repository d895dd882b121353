//! Noticing a renderer crash at once instead of at the page's deadline.
//!
//! A renderer that crashes (out of memory, a Chromium bug) never answers the page's
//! pending `Runtime.evaluate`, which would then block until the watchdog fires at the
//! deadline (the page timeout, 30 s by default) and count as a hang. Chromium does tell us:
//! the tab's `Inspector.targetCrashed` event. On it the whole browser is killed, which
//! ends the pending call with a closed connection; the worker then counts a crash and
//! retries the page once on a fresh browser, as it does when the main process dies.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use headless_chrome::protocol::cdp::types::Event;
use headless_chrome::protocol::cdp::Inspector;
use headless_chrome::Tab;

use super::process;

/// Subscribes `tab` to its crash event: when its renderer crashes, the browser running
/// with `profile` is killed (every process of it; the dead renderer cannot be reused).
/// Err is the CDP failure's text.
pub(crate) fn kill_on_renderer_crash(tab: &Tab, profile: &Path) -> Result<(), String> {
    let profile: PathBuf = profile.to_path_buf();
    tab.add_event_listener(Arc::new(move |event: &Event| {
        if let Event::InspectorTargetCrashed(_) = event {
            process::kill_tree(&profile);
        }
    }))
    .map_err(|e| e.to_string())?;
    // The Inspector domain sends its events only once enabled.
    tab.call_method(Inspector::Enable(None))
        .map(drop)
        .map_err(|e| e.to_string())
}
