//! Memory of immutable facts: a recorded document never changes, and neither does the deed
//! a sale was found to follow (both lie in the past), so they are fetched or worked out once
//! and remembered across rows, runs and jobs.
//!
//! * [`FactStore`]: where the facts live: an embedded SQLite file in the state directory
//!   ([`sqlite::SqliteFacts`]), or PostgreSQL when the batch has a database.
//! * [`Facts`]: what the engine uses: the store behind counters (hits, misses, requests
//!   saved). A store that fails is a cache that misses: a read error refetches, a write error
//!   is reported once and ignored; a cache never changes an answer.
//!
//! A torn write (kill -9 in the middle) is SQLite's or PostgreSQL's to roll back; the worst
//! it costs is a refetch.

pub mod sqlite;

use mps_model::blocks::{Document, Sale};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// A sales-chain step worked out once: the deed the sellers of `recording_number` bought
/// with. Keyed by the later deed and the names taken for its buyers (which decide who its
/// sellers are), so the same inputs always give the same step.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Link {
    /// The earlier deed, `None` when none was found.
    pub earlier: Option<Sale>,
    /// Requests the search cost when it was worked out (reported as saved on a hit).
    pub requests: u32,
}

/// Where facts are kept.
pub trait FactStore: Send + Sync {
    /// A document stored earlier.
    fn document(&self, recording_number: &str) -> Result<Option<Document>, String>;
    /// Stores a document under its recording number, replacing any stored before.
    fn put_document(&self, doc: &Document) -> Result<(), String>;
    /// A sales-chain step stored earlier, by [`link_key`].
    fn link(&self, key: &str) -> Result<Option<Link>, String>;
    /// Stores a sales-chain step under `key` (a [`link_key`]), replacing any stored before.
    fn put_link(&self, key: &str, link: &Link) -> Result<(), String>;
    /// Facts held: (documents, links).
    fn counts(&self) -> Result<(u64, u64), String>;
    /// Forgets everything.
    fn clear(&self) -> Result<(), String>;
    /// Where the facts are (a path, or the database), for messages.
    fn location(&self) -> String;
}

/// The cache key of a sales-chain step: the later deed's number and the buyers' names.
pub fn link_key(recording_number: &str, buyers: &[String]) -> String {
    let mut buyers = buyers.to_vec();
    buyers.sort();
    buyers.dedup();
    format!("{recording_number}|{}", buyers.join("/"))
}

/// Cache counters of one batch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct CacheStats {
    /// Documents found in the store (no request sent).
    pub document_hits: u64,
    /// Documents looked up and not found in the store (then fetched).
    pub document_misses: u64,
    /// Sales-chain steps found in the store (their searches not sent).
    pub link_hits: u64,
    /// Sales-chain steps looked up and not found in the store (then worked out).
    pub link_misses: u64,
    /// Requests a hit spared (one per document; a link's search pages).
    pub requests_saved: u64,
}

/// The engine's view of the cache: a store (or none, `--no-cache`) and its counters.
pub struct Facts {
    store: Option<Box<dyn FactStore>>,
    document_hits: AtomicU64,
    document_misses: AtomicU64,
    link_hits: AtomicU64,
    link_misses: AtomicU64,
    saved: AtomicU64,
    warned: AtomicBool,
}

impl Facts {
    /// Counters at zero over `store`; `None` is no cache (every lookup misses, uncounted).
    pub fn new(store: Option<Box<dyn FactStore>>) -> Facts {
        Facts {
            store,
            document_hits: AtomicU64::new(0),
            document_misses: AtomicU64::new(0),
            link_hits: AtomicU64::new(0),
            link_misses: AtomicU64::new(0),
            saved: AtomicU64::new(0),
            warned: AtomicBool::new(false),
        }
    }

    /// No cache at all (`--no-cache`, `mps search`).
    pub fn none() -> Facts {
        Facts::new(None)
    }

    /// Whether there is a store (the summary reports cache counters only then).
    pub fn enabled(&self) -> bool {
        self.store.is_some()
    }

    /// A remembered document, counted as a hit or a miss.
    pub fn document(&self, number: &str) -> Option<Document> {
        let store = self.store.as_ref()?;
        let found = store.document(number).unwrap_or_else(|e| {
            self.warn(&e);
            None
        });
        match &found {
            Some(_) => {
                bump(&self.document_hits, 1);
                bump(&self.saved, 1);
            }
            None => bump(&self.document_misses, 1),
        }
        found
    }

    pub(crate) fn put_document(&self, doc: &Document) {
        if let Some(store) = &self.store {
            if let Err(e) = store.put_document(doc) {
                self.warn(&e);
            }
        }
    }

    /// A remembered sales-chain step, counted as a hit or a miss.
    pub fn link(&self, key: &str) -> Option<Link> {
        let store = self.store.as_ref()?;
        let found = store.link(key).unwrap_or_else(|e| {
            self.warn(&e);
            None
        });
        match &found {
            Some(link) => {
                bump(&self.link_hits, 1);
                bump(&self.saved, u64::from(link.requests));
            }
            None => bump(&self.link_misses, 1),
        }
        found
    }

    pub(crate) fn put_link(&self, key: &str, link: &Link) {
        if let Some(store) = &self.store {
            if let Err(e) = store.put_link(key, link) {
                self.warn(&e);
            }
        }
    }

    /// Counts requests spared another way (a fetch shared by rows of the batch).
    pub fn saved_elsewhere(&self, requests: u64) {
        bump(&self.saved, requests);
    }

    /// The counters so far, for the job's summary.
    pub fn stats(&self) -> CacheStats {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        CacheStats {
            document_hits: get(&self.document_hits),
            document_misses: get(&self.document_misses),
            link_hits: get(&self.link_hits),
            link_misses: get(&self.link_misses),
            requests_saved: get(&self.saved),
        }
    }

    /// Where the facts live, when there is a cache.
    pub fn location(&self) -> Option<String> {
        self.store.as_ref().map(|s| s.location())
    }

    /// A failing cache is reported once; the batch goes on without it.
    fn warn(&self, e: &str) {
        if !self.warned.swap(true, Ordering::Relaxed) {
            eprintln!("mps: warning: the cache failed ({e}); going on, fetching what it misses");
        }
    }
}

fn bump(c: &AtomicU64, n: u64) {
    c.fetch_add(n, Ordering::Relaxed);
}
