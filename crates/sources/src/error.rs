//! Errors a source can end a fetch with; each names the source and the URL.

use crate::HttpError;

/// Why a fetch from a county service failed (as opposed to finding nothing).
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The Assessor refused the token. The whole batch stops: every other row would fail too.
    #[error("the Assessor refused the API token (401 at {url}). Set a valid token in MPS_ASSESSOR_TOKEN (or assessor.token in the config file); tokens are issued through the Assessor's \"contact us\" form, topic \"API Question/Token\"")]
    Unauthorized {
        /// The URL that answered 401 or 403.
        url: String,
    },
    /// The polite client gave up on the request (retries spent, a limit passed, the host's
    /// circuit open, the run cancelled…); its message names the service.
    #[error(transparent)]
    Http(#[from] HttpError),
    /// A page that needs JavaScript could not be read in a browser.
    #[error("{source_name} page {url}: {message}")]
    Page {
        /// The source whose page it was ("Treasurer", "Recorder").
        source_name: &'static str,
        /// The page's URL.
        url: String,
        /// What went wrong in the browser.
        message: String,
    },
    /// The data exists only on a JavaScript page and the strategy forbids a browser.
    #[error("{source_name}: {message}")]
    NeedsBrowser {
        /// The source that needs the browser.
        source_name: &'static str,
        /// Why a browser is needed, and the strategy that allows one.
        message: String,
    },
    /// The service answered with an HTTP status the source does not expect there.
    #[error("{source_name} answered {status} at {url}")]
    Status {
        /// The source that answered.
        source_name: &'static str,
        /// The HTTP status code.
        status: u16,
        /// The URL that answered.
        url: String,
    },
    /// An HTML page came where JSON was expected, after the polite client's retries.
    #[error("{source_name} sent HTML where JSON was expected at {url} (maintenance page or changed API?)")]
    NotJson {
        /// The source that answered.
        source_name: &'static str,
        /// The URL of the answer.
        url: String,
    },
    /// The body claimed to be JSON but does not parse.
    #[error("{source_name} sent a body that is not valid JSON at {url}: {message}")]
    BadJson {
        /// The source that answered.
        source_name: &'static str,
        /// The URL of the answer.
        url: String,
        /// The JSON parser's complaint.
        message: String,
    },
    /// The body was read but is not what the parser expects: the service's format changed,
    /// or it answered for another record.
    #[error("{source_name} response at {url} could not be read: {message}")]
    Parse {
        /// The source that answered.
        source_name: &'static str,
        /// The URL of the answer.
        url: String,
        /// What the parser found wrong.
        message: String,
    },
}

impl SourceError {
    /// True when this error means no later row can succeed either.
    pub fn is_fatal(&self) -> bool {
        matches!(self, SourceError::Unauthorized { .. })
    }
}
