//! The Treasurer's tax calendar (county-services.md 2.3): when bills go out, when each half
//! falls due and turns delinquent, how interest accrues and when a lien is sold.
//!
//! Deadlines on a weekend move to the next Monday (A.R.S. §42-18052; holidays are ignored, the
//! simulator has no holiday calendar). "Delinquent after 5 pm on day D" is modelled on whole
//! dates: a half is delinquent on any `as_of` later than D.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// Bills at or under this many cents are due in full in the autumn ($100, section 2.3).
pub const SMALL_BILL_CENTS: i64 = 10_000;

/// Delinquent interest: 16 % a year, simple, charged per month or part of a month. The
/// statutory rate is not confirmed by the reference; 16 % is Arizona's long-standing figure.
const INTEREST_PERCENT_PER_YEAR: i64 = 16;

/// A date of the simulated calendar; every caller passes valid month/day pairs.
pub fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
}

/// `d`, or the Monday after when `d` falls on a weekend.
pub fn business_day(d: NaiveDate) -> NaiveDate {
    match d.weekday() {
        Weekday::Sat => d + Duration::days(2),
        Weekday::Sun => d + Duration::days(1),
        _ => d,
    }
}

/// The key dates of one tax year's bill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Calendar {
    /// Bills are mailed in September; a bill exists from this date on.
    pub mailed: NaiveDate,
    /// First half (or a small bill in full) due.
    pub first_due: NaiveDate,
    /// The first half is delinquent on any later date.
    pub first_delinquent_after: NaiveDate,
    pub second_due: NaiveDate,
    /// The second half is delinquent on any later date.
    pub second_delinquent_after: NaiveDate,
    /// A bill of $100 or less is delinquent on any later date.
    pub small_delinquent_after: NaiveDate,
    /// The February tax-lien sale that offers this year's delinquent taxes.
    pub lien_sale: NaiveDate,
}

impl Calendar {
    pub fn for_year(tax_year: u16) -> Calendar {
        let y = i32::from(tax_year);
        Calendar {
            mailed: date(y, 9, 1),
            first_due: business_day(date(y, 10, 1)),
            first_delinquent_after: business_day(date(y, 11, 1)),
            second_due: business_day(date(y + 1, 3, 1)),
            second_delinquent_after: business_day(date(y + 1, 5, 1)),
            small_delinquent_after: business_day(date(y, 12, 31)),
            // Taxes still unpaid after the second half's deadline are sold the next February.
            lien_sale: business_day(date(y + 2, 2, 1)),
        }
    }
}

/// Months of interest owed on an amount delinquent after `deadline`, as of `as_of`: any part
/// of a month counts as a whole month; none before the deadline has passed.
pub fn interest_months(deadline: NaiveDate, as_of: NaiveDate) -> i64 {
    if as_of <= deadline {
        return 0;
    }
    let months = (i64::from(as_of.year()) - i64::from(deadline.year())) * 12
        + i64::from(as_of.month())
        - i64::from(deadline.month());
    months + i64::from(as_of.day() > deadline.day())
}

/// Interest in cents on `principal` cents delinquent for `months`, rounded half up.
pub fn interest_cents(principal: i64, months: i64) -> i64 {
    (principal * INTEREST_PERCENT_PER_YEAR * months + 600) / 1200
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekend_deadlines_move_to_monday() {
        // 1 November 2026 is a Sunday; 1 May 2027 a Saturday.
        let c = Calendar::for_year(2026);
        assert_eq!(c.first_delinquent_after, date(2026, 11, 2));
        assert_eq!(c.second_delinquent_after, date(2027, 5, 3));
        assert_eq!(c.first_due, date(2026, 10, 1));
        assert_eq!(
            Calendar::for_year(2025).first_delinquent_after,
            date(2025, 11, 3)
        );
    }

    #[test]
    fn interest_counts_started_months() {
        let deadline = date(2026, 11, 2);
        assert_eq!(interest_months(deadline, date(2026, 11, 2)), 0);
        assert_eq!(interest_months(deadline, date(2026, 11, 3)), 1);
        assert_eq!(interest_months(deadline, date(2026, 12, 2)), 1);
        assert_eq!(interest_months(deadline, date(2026, 12, 3)), 2);
        assert_eq!(interest_months(deadline, date(2027, 11, 29)), 13);
        // $1,000.00 for 3 months at 16 %: $40.00.
        assert_eq!(interest_cents(100_000, 3), 4_000);
    }
}
