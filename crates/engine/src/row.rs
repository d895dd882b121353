//! One row's work across the sources, as its mode asks: which steps run, in what order, and
//! which of them overlap.

use super::assessor_step::{self, AssessorResult};
use super::block;
use super::context::Context;
use super::overlap::caught;
use super::{documents_step, sales_step, tax_step};
use mps_ident::{Apn, Identifier};
use mps_model::blocks::SourceStatus;
use mps_model::data::{AssessorData, DocumentsData, SalesData, TaxData};
use mps_model::mode::Mode;
use mps_model::record::SourceBlock;
use serde::Serialize;
use std::io;

/// Everything a row produced (shared with duplicate rows of the same identifier).
#[derive(Debug, Clone)]
pub struct RowResult {
    pub(crate) assessor: Option<SourceBlock<AssessorData>>,
    pub(crate) tax: Option<SourceBlock<TaxData>>,
    pub(crate) sales: Option<SourceBlock<SalesData>>,
    pub(crate) documents: Option<SourceBlock<DocumentsData>>,
    pub(crate) apns: Vec<Apn>,
    pub(crate) warning: Option<String>,
    /// Set when the whole batch must stop (a refused token).
    pub fatal: Option<String>,
}

impl RowResult {
    fn from_assessor(a: AssessorResult) -> Self {
        RowResult {
            assessor: Some(a.block),
            tax: None,
            sales: None,
            documents: None,
            apns: a.apns,
            warning: a.warning,
            fatal: a.fatal,
        }
    }

    /// Roughly the bytes this result holds (its blocks' data as written, and their
    /// strings): the weight the duplicate-row cache counts against its budget.
    pub fn approx_bytes(&self) -> usize {
        let blocks = weight(&self.assessor) + weight(&self.tax) + weight(&self.sales);
        std::mem::size_of::<Self>()
            + blocks
            + weight(&self.documents)
            + self.apns.len() * std::mem::size_of::<Apn>()
    }

    /// Failed results are not shared: a later duplicate row tries again.
    pub fn shareable(&self) -> bool {
        let status = |b: Option<SourceStatus>| b != Some(SourceStatus::Failed);
        status(self.assessor.as_ref().map(|b| b.status))
            && status(self.tax.as_ref().map(|b| b.status))
            && status(self.sales.as_ref().map(|b| b.status))
            && status(self.documents.as_ref().map(|b| b.status))
    }
}

/// The bytes a block holds, roughly: its size, its strings, and its data's length as JSON
/// (a typed tree takes about as much memory as its text).
fn weight<D: Serialize>(block: &Option<SourceBlock<D>>) -> usize {
    /// Counts the bytes written to it.
    struct Counter(usize);
    impl io::Write for Counter {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let Some(b) = block else { return 0 };
    let text: usize = [&b.fetched_at, &b.url, &b.error]
        .into_iter()
        .flatten()
        .map(String::len)
        .sum();
    let mut data = Counter(0);
    if let Some(d) = &b.data {
        // Writing to a counter cannot fail; a data type that refused would only weigh less.
        let _ = serde_json::to_writer(&mut data, d);
    }
    std::mem::size_of::<SourceBlock<D>>() + text + data.0
}

/// Runs every step the mode needs for one identifier (or, when retrying one source, that
/// source's step and what it depends on).
pub fn run(ctx: &Context, id: &Identifier) -> RowResult {
    let pages = ctx.search_max_pages;
    let mode = match ctx.only.as_deref() {
        Some("assessor") if matches!(ctx.mode, Mode::Search | Mode::Validate) => ctx.mode,
        Some("assessor") => Mode::Property,
        Some("tax") => Mode::Tax,
        Some("sales") => Mode::Sales,
        Some("documents") => Mode::Documents,
        _ => ctx.mode,
    };
    match mode {
        Mode::Search | Mode::Property | Mode::Validate => RowResult::from_assessor(
            assessor_step::run(ctx.sources.as_ref(), ctx.mode, id, pages),
        ),
        Mode::Tax => {
            // An APN needs no Assessor call; an address or owner is resolved first.
            let mut out = match id {
                Identifier::Apn(apn) => RowResult {
                    assessor: None,
                    tax: None,
                    sales: None,
                    documents: None,
                    apns: vec![*apn],
                    warning: None,
                    fatal: None,
                },
                other => RowResult::from_assessor(assessor_step::run(
                    ctx.sources.as_ref(),
                    Mode::Search,
                    other,
                    pages,
                )),
            };
            out.tax = Some(after_resolution(&out, || tax_step::run(ctx, &out.apns)));
            out
        }
        Mode::Sales | Mode::Documents | Mode::Comprehensive => full(ctx, id, mode),
    }
}

/// Runs `step` unless the resolution found nothing or failed.
fn after_resolution<D>(out: &RowResult, step: impl FnOnce() -> SourceBlock<D>) -> SourceBlock<D> {
    match out.assessor.as_ref().map(|b| b.status) {
        Some(SourceStatus::Failed) => block::skipped("not run: the Assessor step failed"),
        _ if out.apns.is_empty() => block::skipped("not run: no parcel to look up"),
        _ => step(),
    }
}

/// Modes that need the parcel record (owners, last deed) and, for comprehensive, the tax too.
fn full(ctx: &Context, id: &Identifier, mode: Mode) -> RowResult {
    let pages = ctx.search_max_pages;
    let wants_tax = mode == Mode::Comprehensive;
    let overlap = ctx.strategy.overlaps_steps();
    // With an APN in hand, the Treasurer does not wait for the Assessor.
    let (assessor, early_tax) = match id {
        Identifier::Apn(apn) if wants_tax && overlap => rayon::join(
            || assessor_step::run(ctx.sources.as_ref(), Mode::Property, id, pages),
            || caught(|| tax_step::run(ctx, &[*apn])),
        ),
        _ => (
            assessor_step::run(ctx.sources.as_ref(), Mode::Property, id, pages),
            None,
        ),
    };
    let mut out = RowResult::from_assessor(assessor);
    if wants_tax {
        out.tax = Some(match early_tax {
            Some(tax) => tax,
            None => after_resolution(&out, || tax_step::run(ctx, &out.apns)),
        });
    }
    // The steps that need owners and deeds read them from the Assessor block itself.
    let parcels = (out.assessor.as_ref())
        .and_then(|b| b.data.as_ref())
        .map_or(&[][..], AssessorData::parcels);
    let wants_sales = matches!(mode, Mode::Sales | Mode::Comprehensive);
    let wants_docs = matches!(mode, Mode::Documents | Mode::Comprehensive);
    let (sales, documents) = if overlap && wants_sales && wants_docs {
        let (sales, docs) = rayon::join(
            || after_resolution(&out, || sales_step::run(ctx, parcels)),
            || caught(|| after_resolution(&out, || documents_step::run(ctx, parcels))),
        );
        (Some(sales), docs)
    } else {
        (
            wants_sales.then(|| after_resolution(&out, || sales_step::run(ctx, parcels))),
            wants_docs.then(|| after_resolution(&out, || documents_step::run(ctx, parcels))),
        )
    };
    out.sales = sales;
    out.documents = documents;
    out
}
