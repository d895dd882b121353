//! `BrowserError`: why a page could not be rendered, always naming the URL when there is one.

/// How to get a browser on Debian; every "no Chromium" message ends with it. The tool
/// never downloads a browser by itself.
pub const INSTALL_HINT: &str = "install Debian's chromium package: apt-get install chromium";

/// A page that did not produce the string its script promised.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BrowserError {
    /// No Chromium binary was found where we looked.
    #[error("Chromium not found ({searched}); {hint}", hint = INSTALL_HINT)]
    NotInstalled {
        /// What was searched, e.g. "`chromium` on PATH and /usr/bin/chromium".
        searched: String,
    },
    /// Chromium exists but did not start, or its first tab never appeared.
    #[error("Chromium failed to start: {message}")]
    Launch {
        /// What went wrong (cannot start, no DevTools port, no tab, ...), with the
        /// Chromium path where one was involved.
        message: String,
    },
    /// The page did not render before its deadline (the caller decides whether to retry).
    #[error("timed out rendering {url}")]
    Timeout {
        /// The page's URL, as the caller passed it to `render`.
        url: String,
    },
    /// The browser died under the page, and the one retry on a fresh browser failed too.
    #[error("browser crashed rendering {url}: {message}")]
    Crashed {
        /// The page's URL, as the caller passed it to `render`.
        url: String,
        /// How the browser broke on the last try (lost connection, dead tab, thread gone).
        message: String,
    },
    /// The caller's script threw (or did not parse) while rendering the page.
    #[error("script failed on {url}: {message}")]
    Script {
        /// The page's URL, as the caller passed it to `render`.
        url: String,
        /// The error's stack (or text) as JavaScript gives it, or the syntax error.
        message: String,
    },
    /// Chromium could not load the page at all (DNS, refused connection, invalid URL).
    #[error("could not load {url}: {message}")]
    Navigation {
        /// The page's URL, as the caller passed it to `render`.
        url: String,
        /// Chromium's reason (e.g. `net::ERR_CONNECTION_REFUSED`).
        message: String,
    },
    /// The pool has been shut down and takes no more pages.
    #[error("browser pool is shut down")]
    Closed,
    /// The pool was cancelled (the run is stopping): the page was abandoned, or never
    /// started.
    #[error("cancelled rendering {url}")]
    Cancelled {
        /// The page's URL, as the caller passed it to `render`.
        url: String,
    },
}

impl BrowserError {
    /// True for failures that a later attempt may not repeat (timeouts, crashes, pages
    /// that could not be loaded); a script error or a closed or cancelled pool fails the
    /// same way again.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Self::Timeout { .. } | Self::Crashed { .. } | Self::Navigation { .. }
        )
    }
}
