//! The output formats (JSON Lines, CSV, one JSON array), one home each: its sink, and how
//! a crashed job's output in that format is reconciled for `--resume` (`reconcile`);
//! reading records back for a retry or a rewrite (`readback`) is shared.

pub mod csv;
pub mod json;
pub mod jsonl;
pub mod readback;
pub mod reconcile;
#[cfg(test)]
mod reconcile_tests;
mod scanned;

use mps_model::mode::Mode;
use std::io::Write;
use std::str::FromStr;

use crate::engine::RecordSink;

/// `--format`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::VariantArray, strum::EnumMessage,
)]
#[strum(serialize_all = "lowercase")]
pub enum Format {
    #[strum(to_string = "jsonl", serialize = "ndjson")]
    Jsonl,
    Csv,
    Json,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown format {0:?}: expected jsonl, csv or json")]
pub struct UnknownFormat(pub String);

/// Case-insensitive, surrounding whitespace ignored; `ndjson` is another name for `jsonl`.
impl FromStr for Format {
    type Err = UnknownFormat;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        mps_model::names::parse_name(s).ok_or_else(|| UnknownFormat(s.to_string()))
    }
}

/// Makes the sink for a format over any writer.
/// `appending` continues an output that already holds records (a resumed job): no second CSV
/// header, and the JSON array goes on after its last element.
pub fn sink(
    format: Format,
    mode: Mode,
    out: Box<dyn Write + Send>,
    appending: bool,
) -> Box<dyn RecordSink> {
    match format {
        Format::Jsonl => Box::new(jsonl::JsonlSink::new(out)),
        Format::Json => Box::new(json::JsonArraySink::new(out, appending)),
        Format::Csv => Box::new(csv::CsvSink::new(out, mode, appending)),
    }
}

#[cfg(test)]
mod tests {
    use super::Format;

    #[test]
    fn formats_parse_with_their_alias_and_refuse_with_the_choices() {
        for (text, want) in [
            ("jsonl", Format::Jsonl),
            ("ndjson", Format::Jsonl),
            (" NDJSON ", Format::Jsonl),
            ("CSV", Format::Csv),
            ("Json\n", Format::Json),
        ] {
            assert_eq!(text.parse(), Ok(want), "{text:?}");
        }
        assert_eq!(
            " yaml".parse::<Format>().unwrap_err().to_string(),
            "unknown format \" yaml\": expected jsonl, csv or json"
        );
        assert_eq!(
            [Format::Jsonl, Format::Csv, Format::Json].map(Format::as_str),
            ["jsonl", "csv", "json"]
        );
        for bad in ["", "nd-json", "jsonlines", "js"] {
            assert!(bad.parse::<Format>().is_err(), "{bad:?}");
        }
    }
}
