//! Errors a source can end a fetch with; each names the source and the URL.

use crate::HttpError;

/// Why a fetch from a county service failed (as opposed to finding nothing).
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The Assessor refused the token. The whole batch stops: every other row would fail too.
    #[error("the Assessor refused the API token (401 at {url}). Set a valid token in MPS_ASSESSOR_TOKEN (or assessor.token in the config file); tokens are issued through the Assessor's \"contact us\" form, topic \"API Question/Token\"")]
    Unauthorized { url: String },
    #[error(transparent)]
    Http(#[from] HttpError),
    /// A page that needs JavaScript could not be read in a browser.
    #[error("{source_name} page {url}: {message}")]
    Page {
        source_name: &'static str,
        url: String,
        message: String,
    },
    /// The data exists only on a JavaScript page and the strategy forbids a browser.
    #[error("{source_name}: {message}")]
    NeedsBrowser {
        source_name: &'static str,
        message: String,
    },
    #[error("{source_name} answered {status} at {url}")]
    Status {
        source_name: &'static str,
        status: u16,
        url: String,
    },
    #[error("{source_name} sent HTML where JSON was expected at {url} (maintenance page or changed API?)")]
    NotJson {
        source_name: &'static str,
        url: String,
    },
    #[error("{source_name} sent a body that is not valid JSON at {url}: {message}")]
    BadJson {
        source_name: &'static str,
        url: String,
        message: String,
    },
    #[error("{source_name} response at {url} could not be read: {message}")]
    Parse {
        source_name: &'static str,
        url: String,
        message: String,
    },
}

impl SourceError {
    /// True when this error means no later row can succeed either.
    pub fn is_fatal(&self) -> bool {
        matches!(self, SourceError::Unauthorized { .. })
    }
}
