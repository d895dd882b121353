//! A row's steps through the `Sources` port with a county of the test's own: no host is
//! listening, so every answer below came through the port.

use super::context::Context;
use super::lazy_browser::LazyBrowser;
use super::row;
use super::sources_port::Sources;
use mps_browser::PoolOptions;
use mps_ident::{classify, Apn, SearchType};
use mps_model::blocks::{Document, ParcelRecord, SearchMatch, SourceStatus, TaxRecord};
use mps_model::data::AssessorData;
use mps_model::{Mode, Service, Strategy};
use mps_sources::assessor::SearchOutcome;
use mps_sources::recorder::{NameQuery, NameSearch};
use mps_sources::treasurer::Legacy;
use mps_sources::{Found, Http, HttpConfig, PageReader, SourceError, Tally};
use serde_json::json;

const KNOWN: &str = "123-45-678";

/// A county that knows one parcel and its tax years, and nothing at the Recorder.
#[derive(Default)]
struct OneParcel;

fn known() -> Apn {
    Apn::parse(KNOWN).expect("a valid APN")
}

fn answered(tally: &mut Tally) {
    tally.start("fake://county");
    tally.finish(1);
}

fn nothing_here(what: &str) -> SourceError {
    SourceError::Parse {
        source_name: "test county",
        url: what.to_string(),
        message: "not asked in this test".into(),
    }
}

impl Sources for OneParcel {
    fn search_parcels(
        &self,
        _: &str,
        _: &dyn Fn(&SearchMatch) -> bool,
        _: bool,
        _: &mut Tally,
    ) -> Result<SearchOutcome, SourceError> {
        Err(nothing_here("search"))
    }

    fn parcel(&self, apn: &Apn, tally: &mut Tally) -> Result<Found<ParcelRecord>, SourceError> {
        answered(tally);
        if *apn != known() {
            return Ok(Found::NotFound);
        }
        let parcel = json!({
            "apn": KNOWN, "situs": {"street": "1 N CENTRAL AVE"}, "owner": {"name": "DOE JOHN"},
            "valuations": []
        });
        serde_json::from_value(parcel)
            .map(Found::Yes)
            .map_err(|e| nothing_here(&e.to_string()))
    }

    fn tax_legacy(&self, apn: &Apn, tally: &mut Tally) -> Result<Legacy, SourceError> {
        answered(tally);
        let record: TaxRecord = serde_json::from_value(json!({
            "apn": apn.to_string(), "years": [], "total_due": 12.5, "delinquent": false,
            "page": "legacy"
        }))
        .map_err(|e| nothing_here(&e.to_string()))?;
        Ok(Legacy::Found(record))
    }

    fn tax_current(
        &self,
        _: &dyn PageReader,
        _: &Apn,
        _: &mut Tally,
    ) -> Result<Found<TaxRecord>, SourceError> {
        Err(nothing_here("current tax page"))
    }

    fn tax_url(&self, _: &Apn, _: bool) -> String {
        "fake://treasurer".into()
    }

    fn name_search(
        &self,
        _: &NameQuery,
        _: Option<i32>,
        _: &mut Tally,
    ) -> Result<NameSearch, SourceError> {
        Err(nothing_here("name search"))
    }

    fn document(&self, _: &str, _: &mut Tally) -> Result<Found<Document>, SourceError> {
        Err(nothing_here("document"))
    }

    fn document_page(
        &self,
        _: &dyn PageReader,
        _: &str,
        _: &mut Tally,
    ) -> Result<Found<Document>, SourceError> {
        Err(nothing_here("document page"))
    }

    fn document_url(&self, _: &str) -> String {
        "fake://recorder".into()
    }
}

fn context(mode: Mode, county: OneParcel) -> Context {
    let http = Http::new(HttpConfig::new(Service::ALL)).expect("an HTTP client");
    Context::new(
        mode,
        Strategy::default(),
        Box::new(county),
        LazyBrowser::new(PoolOptions::default(), http),
        1,
        10,
    )
}

fn apn_row(text: &str) -> mps_ident::Identifier {
    classify(text, SearchType::Apn).expect("an APN row")
}

#[test]
fn a_property_row_is_answered_through_the_port() {
    let ctx = context(Mode::Property, OneParcel);
    let out = row::run(&ctx, &apn_row(KNOWN));
    let block = out.assessor.expect("an Assessor block");
    assert_eq!(block.status, SourceStatus::Ok);
    assert_eq!(block.requests, 1);
    assert_eq!(block.url.as_deref(), Some("fake://county"));
    let parcels = block
        .data
        .as_ref()
        .map(AssessorData::parcels)
        .unwrap_or_default();
    assert_eq!(parcels.len(), 1);
    assert_eq!(parcels[0].owner.name.as_deref(), Some("DOE JOHN"));
    assert_eq!(out.apns, [known()]);
}

#[test]
fn an_unknown_parcel_is_not_found() {
    let ctx = context(Mode::Property, OneParcel);
    let out = row::run(&ctx, &apn_row("999-99-999"));
    let block = out.assessor.expect("an Assessor block");
    assert_eq!(block.status, SourceStatus::NotFound);
    assert!(block.data.is_none());
}

#[test]
fn a_tax_row_reads_the_legacy_page_through_the_port_without_the_assessor() {
    let county = OneParcel;
    let ctx = context(Mode::Tax, county);
    let out = row::run(&ctx, &apn_row(KNOWN));
    assert!(
        out.assessor.is_none(),
        "an APN needs no Assessor call in tax mode"
    );
    let tax = out.tax.expect("a tax block");
    assert_eq!(tax.status, SourceStatus::Ok, "{:?}", tax.error);
    let records = tax.data.map(|d| d.parcels).unwrap_or_default();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].total_due.to_string(), "12.5");
}

#[test]
fn a_failing_service_fails_its_block_with_the_services_words() {
    let ctx = context(Mode::Sales, OneParcel);
    let out = row::run(&ctx, &apn_row(KNOWN));
    // The parcel has no deed number, so the sales step asks the Recorder nothing.
    let sales = out.sales.expect("a sales block");
    assert_eq!(sales.status, SourceStatus::NotFound, "{:?}", sales.error);
    let ctx = context(Mode::Search, OneParcel);
    let out = row::run(&ctx, &apn_row(KNOWN));
    let block = out.assessor.expect("an Assessor block");
    assert_eq!(block.status, SourceStatus::Failed);
    let error = block.error.unwrap_or_default();
    assert!(error.contains("not asked in this test"), "{error}");
}
