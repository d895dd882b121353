//! The columns of the main CSV of each mode, and where each cell's value comes from.
//!
//! A line of the main CSV is one parcel of one record (or one search match). Its cells come
//! from the record itself, from the parcel's entry in each source's block (matched by APN),
//! or from the search match. Lists that repeat per parcel (tax years, sales history,
//! documents, valuations) are summarised here (the latest years, the last deed, counts) and
//! written whole by `--csv-tables` (see `tables.rs`).

use super::cell::{joined, Cell};
use mps_model::blocks::{ParcelRecord, SearchMatch, TaxRecord, TaxYear, Valuation};
use mps_model::data::{AssessorData, ParcelDocuments, ParcelSales};
use mps_model::mode::Mode;
use mps_model::record::{Fetch, Record, SourceBlock};
use strum::VariantArray;

/// The source blocks of a record, in the order their columns appear.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::VariantArray)]
#[strum(serialize_all = "lowercase")]
pub enum Block {
    Assessor,
    Tax,
    Sales,
    Documents,
}

impl Block {
    pub fn name(self) -> &'static str {
        self.into()
    }

    pub fn index(self) -> usize {
        self as usize
    }

    /// The sources whose blocks a mode's records carry.
    pub fn of_mode(mode: Mode) -> &'static [Block] {
        match mode {
            Mode::Tax => &[Block::Tax],
            Mode::Sales => &[Block::Assessor, Block::Sales],
            Mode::Documents => &[Block::Assessor, Block::Documents],
            Mode::Comprehensive => Block::VARIANTS,
            Mode::Search | Mode::Validate | Mode::Property => &[Block::Assessor],
        }
    }
}

/// Where a cell's value comes from: each a field read from its typed value, so a renamed
/// field is a compile error here, not an empty column.
#[derive(Debug, Clone)]
pub enum From {
    /// The record itself.
    Record(fn(&Record) -> String),
    /// What `Block`'s block says of its fetch.
    Fetch(Block, FetchCell),
    /// The line's APN (the parcel every source block was matched on).
    LineApn,
    /// The Assessor's parcel of the line.
    Parcel(fn(&ParcelRecord) -> String),
    /// The Treasurer's record of the line's parcel.
    Tax(fn(&TaxRecord) -> String),
    /// Tax year `n` (0 = the latest) of the line's parcel.
    TaxYear(usize, fn(&TaxYear) -> String),
    /// The sales of the line's parcel.
    Sales(fn(&ParcelSales) -> String),
    /// The documents of the line's parcel.
    Documents(fn(&ParcelDocuments) -> String),
    /// The search match of the line.
    Match(fn(&SearchMatch) -> String),
}

#[derive(Debug, Clone)]
pub struct Column {
    pub name: String,
    pub from: From,
}

fn col(name: impl Into<String>, from: From) -> Column {
    Column {
        name: name.into(),
        from,
    }
}

/// How many tax years the main CSV spells out, latest first. The Treasurer lists six
/// (county-services 2.3); `tax_year_count` says when a parcel has more, and
/// `--csv-tables` writes every year.
pub const TAX_YEARS: usize = 6;

type Cells<T> = &'static [(&'static str, fn(&T) -> String)];

/// A cell of what a block says of its fetch.
pub type FetchCell = for<'a> fn(&Fetch<'a>) -> String;

const ROW: Cells<Record> = &[
    ("line", |r| r.line.cell()),
    ("input", |r| r.input.cell()),
    ("search_type", |r| r.search_type.cell()),
    ("normalized", |r| r.normalized.cell()),
    ("priority", |r| r.priority.cell()),
    ("mode", |r| r.mode.cell()),
    ("status", |r| r.status.cell()),
    ("error", |r| r.error.cell()),
];

const SEARCH: Cells<SearchMatch> = &[
    ("apn", |m| m.apn.cell()),
    ("owner", |m| m.owner.cell()),
    ("situs_street", |m| m.situs_street.cell()),
    ("situs_city", |m| m.situs_city.cell()),
    ("situs_zip", |m| m.situs_zip.cell()),
    ("property_type", |m| m.property_type.cell()),
    ("mcr", |m| m.mcr.cell()),
    ("subdivision", |m| m.subdivision.cell()),
    ("section_township_range", |m| {
        m.section_township_range.cell()
    }),
];

/// A residential field of the parcel, empty when the Assessor gives no residential data.
macro_rules! residential {
    ($field:ident) => {
        |p: &ParcelRecord| {
            p.residential
                .as_ref()
                .map(|r| r.$field.cell())
                .unwrap_or_default()
        }
    };
}

/// A field of the parcel's latest valuation.
macro_rules! latest {
    ($field:ident) => {
        |p: &ParcelRecord| {
            p.valuations
                .first()
                .map(|v| v.$field.cell())
                .unwrap_or_default()
        }
    };
}

/// The Assessor's parcel.
const PROPERTY: Cells<ParcelRecord> = &[
    ("property_address", |p| p.property_address.cell()),
    ("situs_street", |p| p.situs.street.cell()),
    ("situs_city", |p| p.situs.city.cell()),
    ("situs_zip", |p| p.situs.zip.cell()),
    ("legal_description", |p| p.legal_description.cell()),
    ("subdivision", |p| p.subdivision.cell()),
    ("lot", |p| p.lot.cell()),
    ("mcr", |p| p.mcr.cell()),
    ("lot_size_sqft", |p| p.lot_size_sqft.cell()),
    ("property_type", |p| p.property_type.cell()),
    ("use_code", |p| p.use_code.cell()),
    ("use_description", |p| p.use_description.cell()),
    ("tax_area_code", |p| p.tax_area_code.cell()),
    ("section_township_range", |p| {
        p.section_township_range.cell()
    }),
    ("jurisdiction", |p| p.jurisdiction.cell()),
    ("high_school_district", |p| p.high_school_district.cell()),
    ("elementary_school_district", |p| {
        p.elementary_school_district.cell()
    }),
    ("parcel_status", |p| p.parcel_status.cell()),
    ("is_residential", |p| p.is_residential.cell()),
    ("is_rental", |p| p.is_rental.cell()),
    ("owner_name", |p| p.owner.name.cell()),
    ("owner_in_care_of", |p| p.owner.in_care_of.cell()),
    ("mailing_address1", |p| p.owner.mailing_address1.cell()),
    ("mailing_address2", |p| p.owner.mailing_address2.cell()),
    ("mailing_city", |p| p.owner.mailing_city.cell()),
    ("mailing_state", |p| p.owner.mailing_state.cell()),
    ("mailing_zip", |p| p.owner.mailing_zip.cell()),
    ("mailing_country", |p| p.owner.mailing_country.cell()),
    ("deed_number", |p| p.owner.deed_number.cell()),
    ("deed_date", |p| p.owner.deed_date.cell()),
    ("deed_type", |p| p.owner.deed_type.cell()),
    ("sale_price", |p| p.owner.sale_price.cell()),
    ("sale_date", |p| p.owner.sale_date.cell()),
    ("construction_year", residential!(construction_year)),
    (
        "original_construction_year",
        residential!(original_construction_year),
    ),
    ("livable_sqft", residential!(livable_sqft)),
    ("pool", residential!(pool)),
    ("pool_sqft", residential!(pool_sqft)),
    ("garage_stalls", residential!(garage_stalls)),
    ("carports", residential!(carports)),
    ("bath_fixtures", residential!(bath_fixtures)),
    ("quality_grade", residential!(quality_grade)),
    ("exterior_walls", residential!(exterior_walls)),
    ("roof_type", residential!(roof_type)),
    ("cooling", residential!(cooling)),
    ("heating", residential!(heating)),
    ("latest_tax_year", latest!(tax_year)),
    ("latest_full_cash_value", latest!(full_cash_value)),
    (
        "latest_limited_property_value",
        latest!(limited_property_value),
    ),
    ("latest_legal_class_code", latest!(legal_class_code)),
    ("latest_assessed_lpv", latest!(assessed_lpv)),
    // Every valuation year, whole, as JSON: the one list the main CSV carries in full.
    ("valuations", |p| valuations_json(&p.valuations)),
];

const TAX: Cells<TaxRecord> = &[
    ("tax_total_due", |t| t.total_due.cell()),
    ("tax_delinquent", |t| t.delinquent.cell()),
    ("tax_page", |t| t.page.cell()),
    ("tax_year_count", |t| t.years.len().cell()),
];

/// Per tax year (`tax1_*` is the latest): column suffix and cell.
const TAX_YEAR: Cells<TaxYear> = &[
    ("year", |y| y.tax_year.cell()),
    ("billed", |y| y.billed.cell()),
    ("paid", |y| y.paid.cell()),
    ("due", |y| y.due.cell()),
    ("status", |y| y.status.cell()),
    ("lien", |y| y.lien.cell()),
];

/// A field of the parcel's last deed, empty when there is none.
macro_rules! last_deed {
    ($field:ident) => {
        |s: &ParcelSales| {
            s.last_deed
                .as_ref()
                .map(|d| d.$field.cell())
                .unwrap_or_default()
        }
    };
    ($field:ident, joined) => {
        |s: &ParcelSales| {
            s.last_deed
                .as_ref()
                .map(|d| joined(&d.$field))
                .unwrap_or_default()
        }
    };
}

/// The last deed (its cells, then its lists joined) and how many sales the history holds.
const SALES: Cells<ParcelSales> = &[
    ("last_deed_recording_number", last_deed!(recording_number)),
    ("last_deed_recording_date", last_deed!(recording_date)),
    ("last_deed_sale_price", last_deed!(sale_price)),
    ("last_deed_found_by", last_deed!(found_by)),
    ("last_deed_match_confidence", last_deed!(match_confidence)),
    ("last_deed_match_reason", last_deed!(match_reason)),
    (
        "last_deed_document_codes",
        last_deed!(document_codes, joined),
    ),
    ("last_deed_names", last_deed!(names, joined)),
    ("sales_history_count", |s| s.history.len().cell()),
];

/// The owners searched, the window and detail of the listing, and how many documents.
const DOCUMENTS: Cells<ParcelDocuments> = &[
    ("documents_owners_searched", |d| joined(&d.owners_searched)),
    ("documents_since", |d| d.since.cell()),
    ("documents_detail", |d| d.detail.cell()),
    ("documents_truncated", |d| d.truncated.cell()),
    ("documents_truncated_reason", |d| d.truncated_reason.cell()),
    ("document_count", |d| d.documents.len().cell()),
];

/// The validation of an APN.
const VALIDATE: Cells<Record> = &[
    ("apn", |r| r.apn.cell()),
    ("valid", |r| validation(r, |v| v.valid.cell())),
    ("parcel_count", |r| validation(r, |v| v.parcel_count.cell())),
];

/// How many parcels a search matched.
const SEARCH_COUNTS: Cells<Record> = &[
    ("match_count", |r| search(r, |s| s.match_count.cell())),
    ("truncated", |r| search(r, |s| s.truncated.cell())),
];

/// What every source block says of its fetch, as `{source}_{field}`.
const FETCH: &[(&str, FetchCell)] = &[
    ("status", |f| f.status.cell()),
    ("fetched_at", |f| f.fetched_at.cell()),
    ("url", |f| f.url.cell()),
    ("error", |f| f.error.cell()),
];

fn valuations_json(valuations: &[Valuation]) -> String {
    // Plain numbers, strings and options: writing them as JSON cannot fail.
    serde_json::to_string(valuations).unwrap_or_default()
}

fn assessor_data(r: &Record) -> Option<&AssessorData> {
    r.assessor.as_ref().and_then(|b| b.data.as_ref())
}

fn validation(r: &Record, cell: fn(&mps_model::data::Validation) -> String) -> String {
    match assessor_data(r) {
        Some(AssessorData::Validation(v)) => cell(v),
        _ => String::new(),
    }
}

fn search(r: &Record, cell: fn(&mps_model::data::SearchResult) -> String) -> String {
    match assessor_data(r) {
        Some(AssessorData::Search(s)) => cell(s),
        _ => String::new(),
    }
}

/// What `source`'s block of `record` says of its fetch, when the record has that block.
pub fn fetch_of(record: &Record, source: Block) -> Option<Fetch<'_>> {
    match source {
        Block::Assessor => record.assessor.as_ref().map(SourceBlock::fetch),
        Block::Tax => record.tax.as_ref().map(SourceBlock::fetch),
        Block::Sales => record.sales.as_ref().map(SourceBlock::fetch),
        Block::Documents => record.documents.as_ref().map(SourceBlock::fetch),
    }
}

/// The main CSV's columns for `mode`, in order.
pub fn for_mode(mode: Mode) -> Vec<Column> {
    let mut cols = columns(ROW, From::Record);
    for &source in Block::of_mode(mode) {
        cols.extend(fetch_columns(source));
        // Search and validate lines describe a match or a check, not a parcel's blocks.
        cols.extend(match (mode, source) {
            (Mode::Search, _) => search_columns(),
            (Mode::Validate, _) => columns(VALIDATE, From::Record),
            (_, Block::Assessor) => assessor_columns(),
            (_, Block::Tax) => tax_columns(mode == Mode::Tax),
            (_, Block::Sales) => columns(SALES, From::Sales),
            (_, Block::Documents) => columns(DOCUMENTS, From::Documents),
        });
    }
    cols
}

/// A column per `(name, cell)`, reading from where `from` says.
fn columns<T: ?Sized>(table: Cells<T>, from: fn(fn(&T) -> String) -> From) -> Vec<Column> {
    table.iter().map(|(n, cell)| col(*n, from(*cell))).collect()
}

/// The fetch outcome of `source`'s block: its status, when, from where, and its error.
fn fetch_columns(source: Block) -> impl Iterator<Item = Column> {
    let s = source.name();
    FETCH
        .iter()
        .map(move |(field, cell)| col(format!("{s}_{field}"), From::Fetch(source, *cell)))
}

/// A search line: how many parcels matched, then the match of the line.
fn search_columns() -> Vec<Column> {
    let mut cols = columns(SEARCH_COUNTS, From::Record);
    cols.extend(columns(SEARCH, From::Match));
    cols
}

/// The Assessor's parcel, its valuations whole as JSON at the end.
fn assessor_columns() -> Vec<Column> {
    let mut cols = vec![col("apn", From::LineApn)];
    cols.extend(columns(PROPERTY, From::Parcel));
    cols
}

/// The Treasurer's totals and the latest [`TAX_YEARS`] years; `with_apn` in tax mode, where
/// no Assessor columns come first to name the parcel.
fn tax_columns(with_apn: bool) -> Vec<Column> {
    let mut cols = Vec::new();
    if with_apn {
        cols.push(col("apn", From::LineApn));
    }
    cols.extend(columns(TAX, From::Tax));
    cols.extend(tax_year_columns());
    cols
}

/// `tax1_year` … `tax6_lien`: the [`TAX_YEAR`] cells of each year, the latest first.
fn tax_year_columns() -> impl Iterator<Item = Column> {
    (0..TAX_YEARS).flat_map(|i| {
        TAX_YEAR.iter().map(move |(suffix, cell)| {
            col(format!("tax{}_{suffix}", i + 1), From::TaxYear(i, *cell))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_mode_has_unique_column_names_and_an_apn() {
        for mode in [
            Mode::Search,
            Mode::Property,
            Mode::Validate,
            Mode::Tax,
            Mode::Sales,
            Mode::Documents,
            Mode::Comprehensive,
        ] {
            let cols = for_mode(mode);
            let names: HashSet<&str> = cols.iter().map(|c| c.name.as_str()).collect();
            assert_eq!(names.len(), cols.len(), "{mode:?} repeats a column name");
            assert!(names.contains("apn"), "{mode:?} has no apn column");
            assert_eq!(cols[0].name, "line");
        }
    }

    #[test]
    fn sources_are_named_and_numbered_in_column_order() {
        let named: Vec<(&str, usize)> = Block::of_mode(Mode::Comprehensive)
            .iter()
            .map(|s| (s.name(), s.index()))
            .collect();
        assert_eq!(
            named,
            [("assessor", 0), ("tax", 1), ("sales", 2), ("documents", 3)]
        );
    }

    #[test]
    fn the_property_header_is_unchanged() {
        let names: Vec<String> = for_mode(Mode::Property)
            .into_iter()
            .map(|c| c.name)
            .collect();
        assert_eq!(
            names[8..13],
            [
                "assessor_status",
                "assessor_fetched_at",
                "assessor_url",
                "assessor_error",
                "apn"
            ]
        );
        assert_eq!(names.last().map(String::as_str), Some("valuations"));
        assert_eq!(names.len(), 65);
    }
}
