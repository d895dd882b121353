//! What the Recorder part of a row reads: how much of each document the documents block
//! shows, from when, how far back the sales chain goes, and how many documents a parcel
//! lists at most.

use chrono::NaiveDate;
use std::str::FromStr;

/// `--documents`: the owners' documents from the name index alone (one search page per
/// owner, usually), or each one read in full (a request per document, unless cached).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    strum::IntoStaticStr,
    strum::VariantArray,
    strum::EnumMessage,
)]
#[strum(serialize_all = "lowercase")]
pub enum DocumentDetail {
    /// Each document as its name-index row gives it: number, date, first code, book and page.
    #[default]
    Index,
    /// Each document read by its number: every code, the names and the page count.
    Full,
}

/// Case-insensitive, surrounding whitespace ignored.
impl FromStr for DocumentDetail {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        mps_model::names::parse_name(s).ok_or_else(|| {
            let other = s.trim().to_ascii_lowercase();
            format!("{other:?}: expected index or full")
        })
    }
}

impl DocumentDetail {
    pub(crate) fn as_str(self) -> &'static str {
        self.into()
    }
}

/// `--documents-since`: the first recording date the documents block lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, strum::Display)]
#[strum(serialize_all = "lowercase")]
pub enum DocumentsSince {
    /// The current owners' acquisition: the date of the Assessor's last deed (every
    /// document when the parcel has none).
    #[default]
    Acquisition,
    /// Every document indexed under the owners' names.
    All,
    /// Printed as YYYY-MM-DD.
    #[strum(transparent)]
    Date(NaiveDate),
}

impl FromStr for DocumentsSince {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "acquisition" => Ok(DocumentsSince::Acquisition),
            "all" => Ok(DocumentsSince::All),
            other => NaiveDate::parse_from_str(other, "%Y-%m-%d")
                .map(DocumentsSince::Date)
                .map_err(|_| format!("{s:?}: expected acquisition, all or a date (YYYY-MM-DD)")),
        }
    }
}

/// Default for [`RecorderOptions::sales_depth`]: chosen from the measurements (see the
/// README, "What a property costs"): each earlier deed costs a search per seller and the
/// deed itself, and the first one is the one that answers "who sold to the current owner".
pub const DEFAULT_SALES_DEPTH: usize = 1;

/// The Recorder settings of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecorderOptions {
    /// `--documents`: index rows or full documents.
    pub documents: DocumentDetail,
    /// `--documents-since`: the earliest recording date the documents block lists.
    pub since: DocumentsSince,
    /// Earlier deeds followed back from the last one (0: the last deed only).
    pub sales_depth: usize,
    /// Documents listed at most per parcel (the newest are kept; `truncated` says so).
    pub max_documents: usize,
}

impl Default for RecorderOptions {
    fn default() -> Self {
        RecorderOptions {
            documents: DocumentDetail::Index,
            since: DocumentsSince::Acquisition,
            sales_depth: DEFAULT_SALES_DEPTH,
            max_documents: 100,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_parse() {
        assert_eq!("full".parse(), Ok(DocumentDetail::Full));
        assert!("fuller".parse::<DocumentDetail>().is_err());
        assert_eq!("ALL".parse(), Ok(DocumentsSince::All));
        assert_eq!(
            "2020-01-31".parse(),
            Ok(DocumentsSince::Date(
                NaiveDate::from_ymd_opt(2020, 1, 31).expect("date")
            ))
        );
        assert!("2020-13-01".parse::<DocumentsSince>().is_err());
    }

    #[test]
    fn options_print_and_refuse_as_before() {
        for (text, want) in [
            ("index", DocumentDetail::Index),
            (" FULL ", DocumentDetail::Full),
        ] {
            assert_eq!(text.parse(), Ok(want));
        }
        assert_eq!(
            (
                DocumentDetail::Index.as_str(),
                DocumentDetail::Full.as_str()
            ),
            ("index", "full")
        );
        assert_eq!(
            " Fuller ".parse::<DocumentDetail>(),
            Err("\"fuller\": expected index or full".to_string())
        );
        let date = NaiveDate::from_ymd_opt(2020, 1, 31).expect("date");
        for (since, text) in [
            (DocumentsSince::Acquisition, "acquisition"),
            (DocumentsSince::All, "all"),
            (DocumentsSince::Date(date), "2020-01-31"),
        ] {
            assert_eq!(since.to_string(), text);
            assert_eq!(text.parse(), Ok(since));
        }
        assert_eq!(" Acquisition ".parse(), Ok(DocumentsSince::Acquisition));
        assert_eq!(
            " Yesterday".parse::<DocumentsSince>(),
            Err("\" Yesterday\": expected acquisition, all or a date (YYYY-MM-DD)".to_string())
        );
    }
}
