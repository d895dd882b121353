//! Everything a row needs to be processed: the clients, the browser pages, the mode and the
//! strategy.

use super::mode::Mode;
use super::pages::Pages;
use super::strategy::Strategy;
use crate::http::Cancel;
use crate::source::assessor::AssessorClient;
use crate::source::recorder::RecorderClient;
use crate::source::treasurer::TreasurerClient;
use std::sync::atomic::{AtomicBool, Ordering};

pub struct Context {
    pub mode: Mode,
    pub strategy: Strategy,
    pub assessor: AssessorClient,
    pub treasurer: TreasurerClient,
    pub recorder: RecorderClient,
    pub pages: Pages,
    pub search_max_pages: u32,
    /// Recorder documents fetched at most per parcel in the documents step.
    pub max_documents: usize,
    /// `--retry-failed --source S`: run only that source's step (and what it needs).
    pub only: Option<String>,
    /// Learned once per batch: the Treasurer's legacy pages redirect to the current page.
    legacy_retired: AtomicBool,
    /// The HTTP client's cancel flag: set when the job stops, so no request is sent after.
    http_cancel: Cancel,
}

impl Context {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        mode: Mode,
        strategy: Strategy,
        assessor: AssessorClient,
        treasurer: TreasurerClient,
        recorder: RecorderClient,
        pages: Pages,
        search_max_pages: u32,
        max_documents: usize,
    ) -> Self {
        Context {
            mode,
            strategy,
            assessor,
            treasurer,
            recorder,
            pages,
            search_max_pages,
            max_documents,
            only: None,
            legacy_retired: AtomicBool::new(false),
            http_cancel: Cancel::new(),
        }
    }

    /// Shares the HTTP client's cancel flag, so [`Context::stop_fetching`] reaches it.
    pub fn with_http_cancel(mut self, cancel: Cancel) -> Self {
        self.http_cancel = cancel;
        self
    }

    /// Stops every fetch at once: waits and backoffs end, new requests fail as cancelled,
    /// browser pages in flight are abandoned. Rows that were in flight are then reported
    /// `interrupted` and fetched again by `--resume`.
    pub fn stop_fetching(&self) {
        self.http_cancel.cancel();
        self.pages.cancel();
    }

    pub fn legacy_retired(&self) -> bool {
        self.legacy_retired.load(Ordering::Relaxed)
    }

    pub fn mark_legacy_retired(&self) {
        self.legacy_retired.store(true, Ordering::Relaxed);
    }
}
