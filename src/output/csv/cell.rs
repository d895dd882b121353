//! How a typed value becomes the text of one CSV cell: empty for a missing value, numbers
//! and dates as the JSONL output writes them, lists joined with `; `, and text that a
//! spreadsheet would run as a formula neutralised.

use chrono::NaiveDate;
use mps_ident::Apn;
use mps_model::blocks::{SourceStatus, TaxPage, TaxStatus};
use mps_model::record::RowStatus;
use mps_model::Priority;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

/// A value that can fill a CSV cell.
pub trait Cell {
    /// The cell's text.
    fn cell(&self) -> String;
}

/// Prefixes text a spreadsheet would evaluate (`=`, `+`, `-`, `@`, tab, CR) with `'`.
pub fn neutralise(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_string(),
    }
}

/// A list of strings as one cell: `A; B`. Not JSON, so a spreadsheet shows it as it reads.
pub fn joined(items: &[String]) -> String {
    neutralise(&items.join("; "))
}

impl Cell for str {
    fn cell(&self) -> String {
        neutralise(self)
    }
}

impl Cell for String {
    fn cell(&self) -> String {
        neutralise(self)
    }
}

impl<T: Cell + ?Sized> Cell for &T {
    fn cell(&self) -> String {
        (**self).cell()
    }
}

impl<T: Cell> Cell for Option<T> {
    fn cell(&self) -> String {
        self.as_ref().map(Cell::cell).unwrap_or_default()
    }
}

macro_rules! plain_cells {
    ($($t:ty),*) => {$(
        impl Cell for $t {
            fn cell(&self) -> String {
                self.to_string()
            }
        }
    )*};
}

plain_cells!(u16, u32, u64, usize, bool, NaiveDate, Apn);

/// Dollars and ratios as the JSONL output writes them (`1172.83`, `0.0`), so a CSV cell and
/// the JSON field it stands for read the same; not a number (never produced) is empty.
impl Cell for f64 {
    fn cell(&self) -> String {
        serde_json::Number::from_f64(*self)
            .map(|n| n.to_string())
            .unwrap_or_default()
    }
}

/// Money as the JSONL output writes it (a JSON number: `1172.83`, `0.0`).
impl Cell for Decimal {
    fn cell(&self) -> String {
        self.to_f64().map(|f| f.cell()).unwrap_or_default()
    }
}

macro_rules! named_cells {
    ($($t:ty),*) => {$(
        impl Cell for $t {
            fn cell(&self) -> String {
                self.as_str().to_string()
            }
        }
    )*};
}

named_cells!(SourceStatus, TaxStatus, TaxPage, RowStatus, Priority);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("+1"), "'+1");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("-2+3"), "'-2+3");
        assert_eq!(neutralise("DOE JOHN"), "DOE JOHN");
    }

    #[test]
    fn values_read_as_their_json() {
        assert_eq!(0.0f64.cell(), "0.0");
        assert_eq!(1172.83f64.cell(), "1172.83");
        assert_eq!(None::<u64>.cell(), "");
        assert_eq!(Some("-1 x".to_string()).cell(), "'-1 x");
        assert_eq!(TaxStatus::Delinquent.cell(), "delinquent");
        assert_eq!(
            NaiveDate::from_ymd_opt(2019, 6, 28).map(|d| d.cell()),
            Some("2019-06-28".to_string())
        );
        assert_eq!(joined(&["A B".into(), "C".into()]), "A B; C");
        assert_eq!(Decimal::new(117_283, 2).cell(), "1172.83");
        assert_eq!(Decimal::new(0, 2).cell(), "0.0");
    }
}
