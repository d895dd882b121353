//! The Treasurer's ground truth: each tax year's bill, payments, amount due, delinquency and
//! lien, derived from the Assessor's valuations and tax area so the two services agree.
//!
//! Everything is computed in whole cents and converted to dollars at the end, so the figures
//! the pages print and the figures tests compare are the same exact values. A bill is
//! `assessed LPV × rate`, the rate (dollars per $100 of assessed value) coming from the tax
//! area code; payment behaviour comes from hash streams of (seed, parcel, year), and the
//! state of each year follows the calendar relative to the simulated "today" (`as_of`).

use chrono::{Duration, NaiveDate};

use super::calendar::{date, interest_cents, interest_months, Calendar, SMALL_BILL_CENTS};
use crate::hash::{mix, Stream};
use crate::{County, ParcelTruth, ValuationTruth};
use mps_ident::Apn;
use mps_model::blocks::TaxStatus;

/// Stream tags of the Treasurer, far from the small numbers of `hash::tag` so they never collide.
const TAG_PAYER: u64 = 0x5452_4541_5355_0001;
const TAG_YEAR: u64 = 0x5452_4541_5355_0002;
const TAG_RATE: u64 = 0x5452_4541_5355_0003;
const TAG_LIEN: u64 = 0x5452_4541_5355_0004;

/// What the Treasurer's pages say about one parcel.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TaxTruth {
    /// The parcel's APN.
    pub apn: Apn,
    /// The owner's name then the mailing address lines, as `lblNameAddress` prints them.
    pub owner_lines: Vec<String>,
    /// `"10010 N 29TH ST PHOENIX, AZ 85028"`.
    pub situs: String,
    /// The legal description, as the Assessor gives it.
    pub legal: String,
    /// The tax area code, which sets the year's tax rate.
    pub tax_area_code: String,
    /// Years whose bill has been mailed by `as_of`, newest first.
    pub years: Vec<TaxYearTruth>,
}

/// One tax year's bill as of the simulated date.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TaxYearTruth {
    /// The tax year the bill is for.
    pub tax_year: u16,
    /// The Assessor's assessed LPV for the year.
    pub assessed_value: u64,
    /// Dollars per $100 of assessed value (4 decimals).
    pub rate: f64,
    /// Dollars, cents exact.
    pub billed: f64,
    /// Dollars paid by the simulated date.
    pub paid: f64,
    /// Unpaid tax plus interest.
    pub due: f64,
    /// The interest part of `due`.
    pub interest: f64,
    /// Paid (nothing due), unpaid, or delinquent (a part still owed is past its deadline).
    pub status: TaxStatus,
    /// A certificate of purchase was sold or is available (state-held) for this year.
    pub lien: bool,
    /// Of a lien: the certificate was sold to a buyer (otherwise it is an available lien).
    pub lien_sold: bool,
    /// (payment date, dollars, description), oldest first.
    pub payments: Vec<(NaiveDate, f64, String)>,
}

/// Whole cents to dollars.
pub fn dollars(cents: i64) -> f64 {
    cents as f64 / 100.0
}

/// Dollars (made from whole cents) back to cents.
pub fn cents(dollars: f64) -> i64 {
    (dollars * 100.0).round() as i64
}

/// The first half of a bill; the second half is the rest (the odd cent goes first).
pub fn first_half(billed: i64) -> i64 {
    (billed + 1) / 2
}

/// (unpaid first half, unpaid second half) in cents. Payments settle the first half first;
/// a small bill is one amount, reported as the first half.
pub fn unpaid_halves(y: &TaxYearTruth) -> (i64, i64) {
    let (billed, paid) = (cents(y.billed), cents(y.paid));
    if billed <= SMALL_BILL_CENTS {
        return (billed - paid, 0);
    }
    let first = (first_half(billed) - paid).max(0);
    (first, billed - paid - first)
}

impl County {
    /// The Treasurer's truth for a parcel as of `as_of`, or `None` when it does not exist.
    pub fn tax_truth(&self, apn: &Apn, as_of: NaiveDate) -> Option<TaxTruth> {
        self.parcel(apn)
            .map(|parcel| tax_truth_of(self.seed(), &parcel, as_of))
    }
}

/// The Treasurer's truth for an Assessor parcel.
pub fn tax_truth_of(seed: u64, parcel: &ParcelTruth, as_of: NaiveDate) -> TaxTruth {
    let apn = parcel.apn;
    let key = apn_key(&apn);
    let troubled = Stream::new(&[seed, TAG_PAYER, key]).chance(3);
    // Government and exempt-use parcels (use codes 90xx) are billed nothing.
    let exempt = parcel.use_code.starts_with("90");
    let years = parcel
        .valuations
        .iter()
        .filter(|v| Calendar::for_year(v.tax_year).mailed <= as_of)
        .map(|v| year_truth(seed, key, v, exempt, troubled, as_of))
        .collect();
    let o = &parcel.owner;
    let mut owner_lines = vec![o.ownership.clone()];
    owner_lines.extend(o.in_care_of.as_ref().map(|c| format!("C/O {c}")));
    owner_lines.push(o.mailing_address1.clone());
    owner_lines.extend(o.mailing_address2.clone());
    owner_lines.push(format!(
        "{} {} {}",
        o.mailing_city, o.mailing_state, o.mailing_zip
    ));
    TaxTruth {
        apn,
        owner_lines,
        situs: parcel.property_address.clone(),
        legal: parcel.legal_description.clone(),
        tax_area_code: parcel.tax_area_code.clone(),
        years,
    }
}

/// A number naming the parcel in hash keys.
fn apn_key(apn: &Apn) -> u64 {
    let split = apn.split.map_or(0, u64::from);
    ((u64::from(apn.book) * 100 + u64::from(apn.map)) * 1000 + u64::from(apn.parcel)) * 128 + split
}

/// The rate of a tax area in a year, in ten-thousandths of a dollar per $100 of assessed
/// value: 9.0000–13.9999 per area, drifting up to ±0.2 from year to year.
fn rate_units(seed: u64, tax_area: &str, year: u16) -> i64 {
    let area = tax_area
        .bytes()
        .fold(0u64, |h, b| h.wrapping_mul(131).wrapping_add(u64::from(b)));
    let base = 90_000 + (mix(&[seed, TAG_RATE, area]) % 50_000) as i64;
    let drift = (mix(&[seed, TAG_RATE, area, u64::from(year)]) % 4_001) as i64 - 2_000;
    (base + drift).clamp(90_000, 139_999)
}

/// Which part of a bill a payment settles.
#[derive(Debug, Clone, Copy)]
enum Part {
    Full,
    First,
    Second,
}

/// A date in `from..=to`, drawn from `s`.
fn day_between(s: &mut Stream, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = (to - from).num_days().max(0) as u64;
    from + Duration::days(s.below(span + 1) as i64)
}

/// The payments the owner will make for a bill, paid or not yet (dates may lie after as_of).
fn payment_plan(s: &mut Stream, year: u16, billed: i64, troubled: bool) -> Vec<(NaiveDate, Part)> {
    let y = i32::from(year);
    let never = (troubled && s.chance(60)) || s.chance(3);
    let first_only = s.chance(2);
    let full_year = s.chance(45);
    // On-time payers pay before the first deadline; second halves between February and April.
    let autumn = day_between(s, date(y, 9, 20), date(y, 10, 31));
    let spring = day_between(s, date(y + 1, 2, 1), date(y + 1, 4, 30));
    let winter = day_between(s, date(y, 9, 20), date(y, 12, 20));
    if never || billed == 0 {
        Vec::new()
    } else if billed <= SMALL_BILL_CENTS {
        vec![(winter, Part::Full)]
    } else if first_only {
        vec![(autumn, Part::First)]
    } else if full_year {
        vec![(autumn, Part::Full)]
    } else {
        vec![(autumn, Part::First), (spring, Part::Second)]
    }
}

fn year_truth(
    seed: u64,
    key: u64,
    v: &ValuationTruth,
    exempt: bool,
    troubled: bool,
    as_of: NaiveDate,
) -> TaxYearTruth {
    let year = v.tax_year;
    let cal = Calendar::for_year(year);
    let rate = rate_units(seed, &v.tax_area_code, year);
    let assessed = i64::try_from(v.assessed_lpv).unwrap_or(i64::MAX / 200_000);
    let billed = if exempt {
        0
    } else {
        (assessed * rate + 5_000) / 10_000
    };
    let mut s = Stream::new(&[seed, TAG_YEAR, key, u64::from(year)]);
    let first = first_half(billed);
    let payments: Vec<(NaiveDate, i64)> = payment_plan(&mut s, year, billed, troubled)
        .into_iter()
        .filter(|(day, _)| *day <= as_of)
        .map(|(day, part)| {
            let amount = match part {
                Part::Full => billed,
                Part::First => first,
                Part::Second => billed - first,
            };
            (day, amount)
        })
        .collect();
    let paid: i64 = payments.iter().map(|(_, c)| c).sum();
    // (unpaid amount, the date after which it is delinquent), for each part of the bill.
    let owing: Vec<(i64, NaiveDate)> = if billed <= SMALL_BILL_CENTS {
        vec![(billed - paid, cal.small_delinquent_after)]
    } else {
        let first_left = (first - paid).max(0);
        vec![
            (first_left, cal.first_delinquent_after),
            (billed - paid - first_left, cal.second_delinquent_after),
        ]
    };
    let late: Vec<(i64, NaiveDate)> = owing
        .into_iter()
        .filter(|&(amount, deadline)| amount > 0 && as_of > deadline)
        .collect();
    let interest: i64 = late
        .iter()
        .map(|&(amount, deadline)| interest_cents(amount, interest_months(deadline, as_of)))
        .sum();
    let due = billed - paid + interest;
    let delinquent = !late.is_empty();
    let status = match (due, delinquent) {
        (0, _) => TaxStatus::Paid,
        (_, true) => TaxStatus::Delinquent,
        (_, false) => TaxStatus::Unpaid,
    };
    // Taxes still delinquent at the February sale become a certificate of purchase: most are
    // bought, the rest stay with the state as "available" liens.
    let lien = delinquent && as_of >= cal.lien_sale;
    let lien_sold = lien && Stream::new(&[seed, TAG_LIEN, key, u64::from(year)]).chance(70);
    TaxYearTruth {
        tax_year: year,
        assessed_value: v.assessed_lpv,
        rate: rate as f64 / 10_000.0,
        billed: dollars(billed),
        paid: dollars(paid),
        due: dollars(due),
        interest: dollars(interest),
        status,
        lien,
        lien_sold,
        payments: payments
            .into_iter()
            .map(|(day, c)| (day, dollars(c), "Tax Payment".to_string()))
            .collect(),
    }
}
