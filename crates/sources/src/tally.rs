//! Per-row bookkeeping of a source's requests, and the found / not-found answer type.

/// What a row's requests to one source added up to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    /// HTTP attempts sent (and browser pages loaded), retries included.
    pub requests: u32,
    /// The first URL asked for: the record's source URL.
    pub first_url: Option<String>,
    /// When the last response (or failure) arrived.
    pub fetched_at: Option<std::time::SystemTime>,
}

impl Tally {
    /// Notes a request about to be sent to `url`.
    pub fn start(&mut self, url: &str) {
        if self.first_url.is_none() {
            self.first_url = Some(url.to_string());
        }
    }

    /// Notes an answer (or a failure) after `attempts` tries.
    pub fn finish(&mut self, attempts: u32) {
        self.requests += attempts;
        self.fetched_at = Some(std::time::SystemTime::now());
    }

    /// Adds another tally's requests (its first URL only if this one has none yet).
    pub fn absorb(&mut self, other: &Tally) {
        if self.first_url.is_none() {
            self.first_url.clone_from(&other.first_url);
        }
        self.requests += other.requests;
        self.fetched_at = self.fetched_at.max(other.fetched_at);
    }

    /// The fetched-at time as RFC 3339 UTC.
    pub fn fetched_at_text(&self) -> Option<String> {
        self.fetched_at
            .map(|t| humantime::format_rfc3339_seconds(t).to_string())
    }
}

/// What a fetch found: the thing asked for, or a definite "no such thing".
#[derive(Debug, Clone, PartialEq)]
pub enum Found<T> {
    /// The service had it.
    Yes(T),
    /// The service answered that there is no such record (not a failure).
    NotFound,
}
