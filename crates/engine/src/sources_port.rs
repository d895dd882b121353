//! The county as a row's steps ask it: the `Sources` port, and the one implementation that
//! asks the real services ([`CountyClients`], the three HTTP clients). The steps know the
//! port only, so a test can give a county of its own.

use mps_ident::Apn;
use mps_model::blocks::{Document, ParcelRecord, SearchMatch, TaxRecord};
use mps_sources::assessor::{AssessorClient, SearchOutcome};
use mps_sources::recorder::{NameQuery, NameSearch, RecorderClient};
use mps_sources::treasurer::{Legacy, TreasurerClient};
use mps_sources::{Found, PageReader, SourceError, Tally};

/// What the row steps ask of the county's services. Every call counts its requests in
/// `tally`.
pub trait Sources: Send + Sync {
    /// Assessor: the rows of a fuzzy search for `query` that `keep` accepts, page after
    /// page (stopping at the first kept one when `stop_at_first`).
    fn search_parcels(
        &self,
        query: &str,
        keep: &dyn Fn(&SearchMatch) -> bool,
        stop_at_first: bool,
        tally: &mut Tally,
    ) -> Result<SearchOutcome, SourceError>;

    /// Assessor: one parcel's full record.
    fn parcel(&self, apn: &Apn, tally: &mut Tally) -> Result<Found<ParcelRecord>, SourceError>;

    /// Treasurer: a parcel's tax years from the legacy pages (plain HTTP).
    fn tax_legacy(&self, apn: &Apn, tally: &mut Tally) -> Result<Legacy, SourceError>;

    /// Treasurer: a parcel's tax years from the current page, read with `pages`.
    fn tax_current(
        &self,
        pages: &dyn PageReader,
        apn: &Apn,
        tally: &mut Tally,
    ) -> Result<Found<TaxRecord>, SourceError>;

    /// The URL of a parcel's legacy Treasurer page (`current`: of its current page), for
    /// errors that name no request of their own.
    fn tax_url(&self, apn: &Apn, current: bool) -> String;

    /// Recorder: the name index rows for `q`, every page up to the year `through`.
    fn name_search(
        &self,
        q: &NameQuery,
        through: Option<i32>,
        tally: &mut Tally,
    ) -> Result<NameSearch, SourceError>;

    /// Recorder: one document from the public API.
    fn document(&self, number: &str, tally: &mut Tally) -> Result<Found<Document>, SourceError>;

    /// Recorder: one document from the website's page, read with `pages`.
    fn document_page(
        &self,
        pages: &dyn PageReader,
        number: &str,
        tally: &mut Tally,
    ) -> Result<Found<Document>, SourceError>;

    /// The API URL of one document, for errors that name no request of their own.
    fn document_url(&self, number: &str) -> String;
}

/// The county's real services, through their HTTP clients.
pub struct CountyClients {
    /// The Assessor's API client.
    pub assessor: AssessorClient,
    /// The Treasurer's pages.
    pub treasurer: TreasurerClient,
    /// The Recorder's API and website.
    pub recorder: RecorderClient,
}

impl Sources for CountyClients {
    fn search_parcels(
        &self,
        query: &str,
        keep: &dyn Fn(&SearchMatch) -> bool,
        stop_at_first: bool,
        tally: &mut Tally,
    ) -> Result<SearchOutcome, SourceError> {
        self.assessor.search(query, keep, stop_at_first, tally)
    }

    fn parcel(&self, apn: &Apn, tally: &mut Tally) -> Result<Found<ParcelRecord>, SourceError> {
        self.assessor.parcel(apn, tally)
    }

    fn tax_legacy(&self, apn: &Apn, tally: &mut Tally) -> Result<Legacy, SourceError> {
        self.treasurer.legacy(apn, tally)
    }

    fn tax_current(
        &self,
        pages: &dyn PageReader,
        apn: &Apn,
        tally: &mut Tally,
    ) -> Result<Found<TaxRecord>, SourceError> {
        self.treasurer.current(pages, apn, tally)
    }

    fn tax_url(&self, apn: &Apn, current: bool) -> String {
        if current {
            self.treasurer.current_url(apn)
        } else {
            self.treasurer.legacy_url(apn)
        }
    }

    fn name_search(
        &self,
        q: &NameQuery,
        through: Option<i32>,
        tally: &mut Tally,
    ) -> Result<NameSearch, SourceError> {
        self.recorder.search_through(q, through, tally)
    }

    fn document(&self, number: &str, tally: &mut Tally) -> Result<Found<Document>, SourceError> {
        self.recorder.document(number, tally)
    }

    fn document_page(
        &self,
        pages: &dyn PageReader,
        number: &str,
        tally: &mut Tally,
    ) -> Result<Found<Document>, SourceError> {
        self.recorder.document_page(pages, number, tally)
    }

    fn document_url(&self, number: &str) -> String {
        self.recorder.document_url(number)
    }
}
