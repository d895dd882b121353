//! Everything a row needs to be processed: the clients, the browser pages, the mode and the
//! strategy.

use super::mode::Mode;
use super::pages::Pages;
use super::strategy::Strategy;
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
        }
    }

    pub fn legacy_retired(&self) -> bool {
        self.legacy_retired.load(Ordering::Relaxed)
    }

    pub fn mark_legacy_retired(&self) {
        self.legacy_retired.store(true, Ordering::Relaxed);
    }
}
