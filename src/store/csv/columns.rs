//! The columns of the main CSV of each mode, and where each cell's value comes from.
//!
//! A line of the main CSV is one parcel of one record (or one search match). Its cells come
//! from the record itself, from the parcel's entry in each source's block (matched by APN),
//! or from the search match. Lists that repeat per parcel (tax years, sales history,
//! documents, valuations) are summarised here (the latest years, the last deed, counts) and
//! written whole by `--csv-tables` (see `tables.rs`).

use mps_model::mode::Mode;
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

/// Where a cell's value comes from.
#[derive(Debug, Clone)]
pub enum From {
    /// A JSON pointer into the record.
    Record(String),
    /// The line's APN (the parcel every source block was matched on).
    LineApn,
    /// A pointer into the source's entry for the line's parcel.
    Parcel(Block, String),
    /// The number of elements of the list at the pointer in the parcel's entry.
    Count(Block, &'static str),
    /// A list of strings at the pointer, joined with `; `.
    Joined(Block, String),
    /// The value at the pointer written as compact JSON (lists such as valuations).
    Json(Block, &'static str),
    /// A pointer into the search match of the line.
    Match(&'static str),
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

const ROW: &[(&str, &str)] = &[
    ("line", "/line"),
    ("input", "/input"),
    ("search_type", "/search_type"),
    ("normalized", "/normalized"),
    ("priority", "/priority"),
    ("mode", "/mode"),
    ("status", "/status"),
    ("error", "/error"),
];

const SEARCH: &[(&str, &str)] = &[
    ("apn", "/apn"),
    ("owner", "/owner"),
    ("situs_street", "/situs_street"),
    ("situs_city", "/situs_city"),
    ("situs_zip", "/situs_zip"),
    ("property_type", "/property_type"),
    ("mcr", "/mcr"),
    ("subdivision", "/subdivision"),
    ("section_township_range", "/section_township_range"),
];

/// The Assessor's parcel, column name and pointer into the parcel.
const PROPERTY: &[(&str, &str)] = &[
    ("property_address", "/property_address"),
    ("situs_street", "/situs/street"),
    ("situs_city", "/situs/city"),
    ("situs_zip", "/situs/zip"),
    ("legal_description", "/legal_description"),
    ("subdivision", "/subdivision"),
    ("lot", "/lot"),
    ("mcr", "/mcr"),
    ("lot_size_sqft", "/lot_size_sqft"),
    ("property_type", "/property_type"),
    ("use_code", "/use_code"),
    ("use_description", "/use_description"),
    ("tax_area_code", "/tax_area_code"),
    ("section_township_range", "/section_township_range"),
    ("jurisdiction", "/jurisdiction"),
    ("high_school_district", "/high_school_district"),
    ("elementary_school_district", "/elementary_school_district"),
    ("parcel_status", "/parcel_status"),
    ("is_residential", "/is_residential"),
    ("is_rental", "/is_rental"),
    ("owner_name", "/owner/name"),
    ("owner_in_care_of", "/owner/in_care_of"),
    ("mailing_address1", "/owner/mailing_address1"),
    ("mailing_address2", "/owner/mailing_address2"),
    ("mailing_city", "/owner/mailing_city"),
    ("mailing_state", "/owner/mailing_state"),
    ("mailing_zip", "/owner/mailing_zip"),
    ("mailing_country", "/owner/mailing_country"),
    ("deed_number", "/owner/deed_number"),
    ("deed_date", "/owner/deed_date"),
    ("deed_type", "/owner/deed_type"),
    ("sale_price", "/owner/sale_price"),
    ("sale_date", "/owner/sale_date"),
    ("construction_year", "/residential/construction_year"),
    (
        "original_construction_year",
        "/residential/original_construction_year",
    ),
    ("livable_sqft", "/residential/livable_sqft"),
    ("pool", "/residential/pool"),
    ("pool_sqft", "/residential/pool_sqft"),
    ("garage_stalls", "/residential/garage_stalls"),
    ("carports", "/residential/carports"),
    ("bath_fixtures", "/residential/bath_fixtures"),
    ("quality_grade", "/residential/quality_grade"),
    ("exterior_walls", "/residential/exterior_walls"),
    ("roof_type", "/residential/roof_type"),
    ("cooling", "/residential/cooling"),
    ("heating", "/residential/heating"),
    ("latest_tax_year", "/valuations/0/tax_year"),
    ("latest_full_cash_value", "/valuations/0/full_cash_value"),
    (
        "latest_limited_property_value",
        "/valuations/0/limited_property_value",
    ),
    ("latest_legal_class_code", "/valuations/0/legal_class_code"),
    ("latest_assessed_lpv", "/valuations/0/assessed_lpv"),
];

const TAX: &[(&str, &str)] = &[
    ("tax_total_due", "/total_due"),
    ("tax_delinquent", "/delinquent"),
    ("tax_page", "/page"),
];

/// Per tax year (`tax1_*` is the latest): column suffix and pointer into the year.
const TAX_YEAR: &[(&str, &str)] = &[
    ("year", "/tax_year"),
    ("billed", "/billed"),
    ("paid", "/paid"),
    ("due", "/due"),
    ("status", "/status"),
    ("lien", "/lien"),
];

const LAST_DEED: &[(&str, &str)] = &[
    ("last_deed_recording_number", "/last_deed/recording_number"),
    ("last_deed_recording_date", "/last_deed/recording_date"),
    ("last_deed_sale_price", "/last_deed/sale_price"),
    ("last_deed_found_by", "/last_deed/found_by"),
    ("last_deed_match_confidence", "/last_deed/match_confidence"),
    ("last_deed_match_reason", "/last_deed/match_reason"),
];

const DOCUMENTS: &[(&str, &str)] = &[
    ("documents_since", "/since"),
    ("documents_detail", "/detail"),
    ("documents_truncated", "/truncated"),
    ("documents_truncated_reason", "/truncated_reason"),
];

/// The validation of an APN: cells of the record, column name and pointer.
const VALIDATE: &[(&str, &str)] = &[
    ("apn", "/apn"),
    ("valid", "/assessor/data/valid"),
    ("parcel_count", "/assessor/data/parcel_count"),
];

/// How many parcels a search matched: cells of the record, column name and pointer.
const SEARCH_COUNTS: &[(&str, &str)] = &[
    ("match_count", "/assessor/data/match_count"),
    ("truncated", "/assessor/data/truncated"),
];

/// The last deed's lists, joined with `; `: column name and pointer into the parcel.
const LAST_DEED_LISTS: &[(&str, &str)] = &[
    ("last_deed_document_codes", "/last_deed/document_codes"),
    ("last_deed_names", "/last_deed/names"),
];

/// What every source block says of its fetch, as `{source}_{field}`.
const FETCH_FIELDS: [&str; 4] = ["status", "fetched_at", "url", "error"];

/// The main CSV's columns for `mode`, in order.
pub fn for_mode(mode: Mode) -> Vec<Column> {
    let mut cols = record_columns(ROW);
    for &source in Block::of_mode(mode) {
        cols.extend(fetch_columns(source));
        // Search and validate lines describe a match or a check, not a parcel's blocks.
        cols.extend(match (mode, source) {
            (Mode::Search, _) => search_columns(),
            (Mode::Validate, _) => record_columns(VALIDATE),
            (_, Block::Assessor) => assessor_columns(),
            (_, Block::Tax) => tax_columns(mode == Mode::Tax),
            (_, Block::Sales) => sales_columns(),
            (_, Block::Documents) => documents_columns(),
        });
    }
    cols
}

/// A column per `(name, pointer into the record)`.
fn record_columns(table: &[(&str, &str)]) -> Vec<Column> {
    table
        .iter()
        .map(|(n, p)| col(*n, From::Record(p.to_string())))
        .collect()
}

/// A column per `(name, pointer into the source's entry for the line's parcel)`.
fn parcel_columns(source: Block, table: &[(&str, &str)]) -> Vec<Column> {
    table
        .iter()
        .map(|(n, p)| col(*n, From::Parcel(source, p.to_string())))
        .collect()
}

/// The fetch outcome of `source`'s block: its status, when, from where, and its error.
fn fetch_columns(source: Block) -> impl Iterator<Item = Column> {
    let s = source.name();
    FETCH_FIELDS.into_iter().map(move |field| {
        col(
            format!("{s}_{field}"),
            From::Record(format!("/{s}/{field}")),
        )
    })
}

/// A search line: how many parcels matched, then the match of the line.
fn search_columns() -> Vec<Column> {
    let mut cols = record_columns(SEARCH_COUNTS);
    cols.extend(SEARCH.iter().map(|(n, p)| col(*n, From::Match(p))));
    cols
}

/// The Assessor's parcel, its valuations whole as JSON at the end.
fn assessor_columns() -> Vec<Column> {
    let source = Block::Assessor;
    let mut cols = vec![col("apn", From::LineApn)];
    cols.extend(parcel_columns(source, PROPERTY));
    cols.push(col("valuations", From::Json(source, "/valuations")));
    cols
}

/// The Treasurer's totals and the latest [`TAX_YEARS`] years; `with_apn` in tax mode, where
/// no Assessor columns come first to name the parcel.
fn tax_columns(with_apn: bool) -> Vec<Column> {
    let source = Block::Tax;
    let mut cols = Vec::new();
    if with_apn {
        cols.push(col("apn", From::LineApn));
    }
    cols.extend(parcel_columns(source, TAX));
    cols.push(col("tax_year_count", From::Count(source, "/years")));
    cols.extend(tax_year_columns());
    cols
}

/// `tax1_year` … `tax6_lien`: the [`TAX_YEAR`] cells of each year, the latest first.
fn tax_year_columns() -> impl Iterator<Item = Column> {
    (0..TAX_YEARS).flat_map(|i| {
        TAX_YEAR.iter().map(move |(suffix, p)| {
            col(
                format!("tax{}_{suffix}", i + 1),
                From::Parcel(Block::Tax, format!("/years/{i}{p}")),
            )
        })
    })
}

/// The last deed (its cells, then its lists joined) and how many sales the history holds.
fn sales_columns() -> Vec<Column> {
    let source = Block::Sales;
    let mut cols = parcel_columns(source, LAST_DEED);
    cols.extend(
        LAST_DEED_LISTS
            .iter()
            .map(|(n, p)| col(*n, From::Joined(source, p.to_string()))),
    );
    cols.push(col("sales_history_count", From::Count(source, "/history")));
    cols
}

/// The owners searched, the window and detail of the listing, and how many documents.
fn documents_columns() -> Vec<Column> {
    let source = Block::Documents;
    let mut cols = vec![col(
        "documents_owners_searched",
        From::Joined(source, "/owners_searched".into()),
    )];
    cols.extend(parcel_columns(source, DOCUMENTS));
    cols.push(col("document_count", From::Count(source, "/documents")));
    cols
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
