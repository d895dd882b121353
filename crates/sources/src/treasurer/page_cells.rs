//! The cells both Treasurer pages yield, and how they become a [`TaxRecord`]: money and date
//! parsing, payments grouped under their tax year, totals computed in whole cents so that
//! dollars stay cent-exact.

use chrono::NaiveDate;

use mps_ident::Apn;
use mps_model::blocks::{TaxPage, TaxPayment, TaxRecord, TaxStatus, TaxYear};
use rust_decimal::Decimal;

/// One tax year as a page lists it (amounts in cents).
#[derive(Debug, Clone, PartialEq)]
pub struct YearRow {
    pub tax_year: u16,
    pub billed: i64,
    pub paid: i64,
    pub due: i64,
    pub status: TaxStatus,
    pub lien: bool,
}

/// One payment as a page lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct PaymentRow {
    pub tax_year: u16,
    pub date: Option<NaiveDate>,
    pub amount: i64,
    pub description: Option<String>,
}

/// `$1,234.56`, `1234.5`, `($12.00)` or `-$12.00` as cents; `None` when it is not money.
pub fn parse_money(text: &str) -> Option<i64> {
    let t = text.trim();
    let (negative, t) = match t.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        Some(inner) => (true, inner.trim()),
        None => match t.strip_prefix('-') {
            Some(rest) => (true, rest.trim()),
            None => (false, t),
        },
    };
    let t = t.strip_prefix('$').unwrap_or(t).trim();
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    let whole: String = whole.chars().filter(|c| *c != ',').collect();
    let frac_ok = frac.len() <= 2 && frac.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || !frac_ok {
        return None;
    }
    let cents =
        whole.parse::<i64>().ok()?.checked_mul(100)? + format!("{frac:0<2}").parse::<i64>().ok()?;
    Some(if negative { -cents } else { cents })
}

/// `MM/DD/YYYY` (the pages) or `YYYY-MM-DD[T…]` (ISO); `None` for anything else or blank.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    NaiveDate::parse_from_str(t, "%m/%d/%Y")
        .ok()
        .or_else(|| NaiveDate::parse_from_str(t.get(..10)?, "%Y-%m-%d").ok())
}

/// A tax year cell.
pub fn parse_year(text: &str) -> Option<u16> {
    text.trim()
        .parse::<u16>()
        .ok()
        .filter(|y| (1900..=2200).contains(y))
}

fn dollars(cents: i64) -> Decimal {
    Decimal::new(cents, 2)
}

/// Builds the record: years newest first, each with its payments oldest first.
pub fn record(
    apn: Apn,
    mut years: Vec<YearRow>,
    payments: Vec<PaymentRow>,
    page: TaxPage,
) -> TaxRecord {
    years.sort_by_key(|y| std::cmp::Reverse(y.tax_year));
    let total_due: i64 = years.iter().map(|y| y.due).sum();
    let delinquent = years.iter().any(|y| y.status == TaxStatus::Delinquent);
    let years = years
        .into_iter()
        .map(|y| {
            let mut own: Vec<&PaymentRow> = payments
                .iter()
                .filter(|p| p.tax_year == y.tax_year)
                .collect();
            // Pages list payments newest first; the record keeps them in the order made.
            own.sort_by_key(|p| (p.date.is_none(), p.date));
            TaxYear {
                tax_year: y.tax_year,
                billed: Some(dollars(y.billed)),
                paid: Some(dollars(y.paid)),
                due: Some(dollars(y.due)),
                status: y.status,
                lien: y.lien,
                payments: own
                    .into_iter()
                    .map(|p| TaxPayment {
                        tax_year: p.tax_year,
                        date: p.date,
                        amount: dollars(p.amount),
                        description: p.description.clone(),
                    })
                    .collect(),
            }
        })
        .collect();
    TaxRecord {
        apn,
        years,
        total_due: dollars(total_due),
        delinquent,
        page,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_and_dates() {
        assert_eq!(parse_money("$1,234.56"), Some(123_456));
        assert_eq!(parse_money(" 12.5 "), Some(1_250));
        assert_eq!(parse_money("$0.00"), Some(0));
        assert_eq!(parse_money("7"), Some(700));
        assert_eq!(parse_money("($12.00)"), Some(-1_200));
        assert_eq!(parse_money("-$3.01"), Some(-301));
        for bad in ["", "$", "1.234", "12a", "$1,2.3.4", "N/A"] {
            assert_eq!(parse_money(bad), None, "{bad}");
        }
        let d = NaiveDate::from_ymd_opt(2025, 10, 12);
        assert_eq!(parse_date("10/12/2025"), d);
        assert_eq!(parse_date("2025-10-12T00:00:00"), d);
        assert_eq!(parse_date(""), None);
        assert_eq!(parse_year(" 2025 "), Some(2025));
        assert_eq!(parse_year("Total"), None);
    }

    #[test]
    fn totals_are_cent_exact() {
        let apn = Apn::parse("165-28-054").expect("apn");
        let year = |tax_year, due| YearRow {
            tax_year,
            billed: 10,
            paid: 0,
            due,
            status: TaxStatus::Unpaid,
            lien: false,
        };
        let pay = |tax_year, day| PaymentRow {
            tax_year,
            date: NaiveDate::from_ymd_opt(2025, 1, day),
            amount: 5,
            description: None,
        };
        let r = record(
            apn,
            vec![year(2024, 10), year(2025, 20)],
            vec![pay(2025, 9), pay(2025, 2), pay(2023, 1)],
            TaxPage::Legacy,
        );
        assert_eq!(r.total_due, Decimal::new(30, 2));
        assert_eq!(r.years[0].tax_year, 2025);
        let days: Vec<_> = r.years[0].payments.iter().map(|p| p.date).collect();
        assert_eq!(
            days,
            vec![
                NaiveDate::from_ymd_opt(2025, 1, 2),
                NaiveDate::from_ymd_opt(2025, 1, 9)
            ]
        );
        assert!(r.years[1].payments.is_empty());
        assert!(!r.delinquent);
    }
}
