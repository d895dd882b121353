//! Everything a row needs to be processed: the county's services (the `Sources` port), the
//! browser, the mode and the strategy, and the batch's shared memory.

use super::dedupe::SingleFlight;
use super::lazy_browser::LazyBrowser;
use super::recorder_options::RecorderOptions;
use super::sources_port::Sources;
use crate::cache::Facts;
use mps_http::Cancel;
use mps_model::blocks::{Document, TaxRecord};
use mps_model::mode::Mode;
use mps_model::strategy::Strategy;
use mps_sources::recorder::NameSearch;
use mps_sources::Found;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Name searches a batch keeps for other rows (a search holds up to 501 index rows, about
/// 60 KB): rows sharing an owner are usually near each other in an input.
const SEARCHES_KEPT: usize = 512;

/// Documents a batch keeps for other rows and steps (about 300 bytes each).
const DOCUMENTS_KEPT: usize = 4096;

/// A name search as the rows of a batch share it (the error as text: errors are not Clone).
pub type SharedSearch = Result<Arc<NameSearch>, String>;

/// A Recorder document as the steps and rows of a batch share it.
pub type SharedDocument = Result<Found<Document>, String>;

/// The clients, browser, settings and batch-wide memory every row of a job shares (behind an
/// `Arc`, read by all workers).
pub struct Context {
    pub(crate) mode: Mode,
    /// `--strategy`: plain HTTP, a browser or both for each source, and whether a row's steps
    /// overlap.
    pub strategy: Strategy,
    /// The county's services, as the steps ask them.
    pub(crate) sources: Box<dyn Sources>,
    /// The job's browser pool, launched by the first row that needs a page.
    pub browser: LazyBrowser,
    pub(crate) search_max_pages: u32,
    /// What the Recorder part of a row reads (documents detail and window, sales depth).
    pub recorder_options: RecorderOptions,
    /// Documents and sales steps remembered across rows, runs and jobs.
    pub facts: Facts,
    /// Name searches shared by the rows of this batch.
    pub searches: SingleFlight<SharedSearch>,
    /// Recorder documents shared by the steps and rows of this batch.
    pub documents: SingleFlight<SharedDocument>,
    /// Treasurer reads shared by the rows of this batch (with the requests they cost).
    pub taxes: SingleFlight<Result<(Found<TaxRecord>, u32), String>>,
    /// `--retry-failed --source S`: run only that source's step (and what it needs).
    pub only: Option<String>,
    /// Learned once per batch: the Treasurer's legacy pages redirect to the current page.
    legacy_retired: AtomicBool,
    /// The HTTP client's cancel flag: set when the job stops, so no request is sent after.
    http_cancel: Cancel,
    /// Names a host that stayed unavailable past `http.host_down_wait`, if one did.
    unavailable_host: Option<UnavailableHost>,
}

/// Asks the HTTP client whether a host was given up on.
pub type UnavailableHost = std::sync::Arc<dyn Fn() -> Option<String> + Send + Sync>;

impl Context {
    /// A context with no cache, the default Recorder options (but `max_documents`), and no
    /// unavailable-host probe; the `with_*` methods set those.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        mode: Mode,
        strategy: Strategy,
        sources: Box<dyn Sources>,
        browser: LazyBrowser,
        search_max_pages: u32,
        max_documents: usize,
    ) -> Self {
        Context {
            mode,
            strategy,
            sources,
            browser,
            search_max_pages,
            recorder_options: RecorderOptions {
                max_documents,
                ..RecorderOptions::default()
            },
            facts: Facts::none(),
            searches: SingleFlight::new(SEARCHES_KEPT),
            taxes: SingleFlight::new(SEARCHES_KEPT),
            documents: SingleFlight::new(DOCUMENTS_KEPT),
            only: None,
            legacy_retired: AtomicBool::new(false),
            http_cancel: Cancel::new(),
            unavailable_host: None,
        }
    }

    /// How the job learns that a host stayed unavailable (and stops, resumable).
    pub fn with_unavailable_host(mut self, probe: UnavailableHost) -> Self {
        self.unavailable_host = Some(probe);
        self
    }

    /// A host that stayed unavailable for as long as requests may wait for it.
    pub fn unavailable_host(&self) -> Option<String> {
        self.unavailable_host.as_ref().and_then(|probe| probe())
    }

    /// The Recorder settings of the batch (`max_documents` included).
    pub fn with_recorder_options(mut self, options: RecorderOptions) -> Self {
        self.recorder_options = options;
        self
    }

    /// The facts cache the batch reads and fills.
    pub fn with_facts(mut self, facts: Facts) -> Self {
        self.facts = facts;
        self
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
        self.browser.cancel();
    }

    pub(crate) fn legacy_retired(&self) -> bool {
        self.legacy_retired.load(Ordering::Relaxed)
    }

    pub(crate) fn mark_legacy_retired(&self) {
        self.legacy_retired.store(true, Ordering::Relaxed);
    }
}
