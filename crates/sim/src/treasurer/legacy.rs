//! The legacy ASP.NET WebForms pages, rendered on the server from [`TaxTruth`]: the parcel
//! summary (`default.aspx`, `Summary.aspx[?List=All]`), `Activities.aspx`, and the home,
//! "No records found" and session-expired pages (`DetailedTaxStatement.aspx` is in
//! [`super::statement`], the parts both render in [`super::page_parts`]).
//!
//! Element ids are those of county-services.md 2.2 (prefix [`ID`]). Where the reference is
//! silent the layout is ours and documented here:
//! * `gvTaxYears` on the summary lists the 5 newest years: [0] year, [1] `Paid`/`Unpaid`;
//!   with `?List=All` it lists every year: [0] year, [1] `Paid`/`Unpaid`, [2] assessed tax,
//!   [3] tax paid, [4] total due (interest included);
//! * `divBackTaxes` (only when something is due): [0] year, [1] `Delinquent`/`Due`,
//!   [2] unpaid base tax, [3] amount due, [4] remarks, where a sold certificate reads
//!   "Tax Lien … pay with certified funds" and a state-held one "available tax lien".

use chrono::{Duration, NaiveDate};

use super::bills::{cents, first_half, unpaid_halves, TaxTruth, TaxYearTruth};
use super::calendar::{Calendar, SMALL_BILL_CENTS};
use super::html::{esc, mdy, money, shell, ID};
use super::page_parts::{districts, links, name_situs_legal, parcel_head};
use crate::hash::mix;
use mps_model::blocks::TaxStatus;

/// Years shown on the summary before "View All Tax Years".
const RECENT_YEARS: usize = 5;

/// The parcel search form of the home page.
fn search_form(prefix: &str) -> String {
    format!(
        "<form method=\"get\" action=\"{prefix}/Parcel/default.aspx\" id=\"frmParcelSearch\">\n\
         <label>Parcel number</label>\n\
         <input id=\"txtParcelNumBook\" name=\"txtParcelNumBook\" maxlength=\"3\" size=\"3\">\n\
         <input id=\"txtParcelNumMap\" name=\"txtParcelNumMap\" maxlength=\"2\" size=\"2\">\n\
         <input id=\"txtParcelNumItem\" name=\"txtParcelNumItem\" maxlength=\"3\" size=\"3\">\n\
         <input id=\"txtParcelNumSplit\" name=\"txtParcelNumSplit\" maxlength=\"1\" size=\"1\">\n\
         <input type=\"submit\" id=\"btnGo\" value=\"Go\">\n</form>"
    )
}

pub fn home_page(prefix: &str) -> String {
    shell(
        "Parcel Search",
        "",
        &format!("<h1>Property Tax Information</h1>\n{}", search_form(prefix)),
    )
}

/// What an unknown or malformed parcel number gets (status 200, as the real site answers).
pub fn no_records_page(prefix: &str, asked: &str) -> String {
    shell(
        "Parcel Search",
        "",
        &format!(
            "<h1>Property Tax Information</h1>\n{}\n<div id=\"{ID}pnlNoRecords\">\
             <p>Parcel <b>{}</b>: <span id=\"{ID}lblNoRecords\">No records found</span></p></div>",
            search_form(prefix),
            esc(asked)
        ),
    )
}

/// What a step-2 page shows without a live session: no parcel data at all.
pub fn session_expired_page(prefix: &str) -> String {
    shell(
        "Session Expired",
        "",
        &format!(
            "<h1>Session Expired</h1>\n<p>Your session has expired or no parcel was selected. \
             Please <a href=\"{prefix}/Parcel/default.aspx\">search for a parcel</a> again.</p>"
        ),
    )
}

fn current_year(t: &TaxTruth, y: &TaxYearTruth) -> String {
    let (billed, paid, due) = (cents(y.billed), cents(y.paid), cents(y.due));
    let half = if billed <= SMALL_BILL_CENTS {
        billed
    } else {
        first_half(billed)
    };
    let exemption = if billed == 0 && y.assessed_value > 0 {
        "EXEMPT PROPERTY"
    } else {
        "NONE"
    };
    let special: Vec<String> = districts(y, &t.tax_area_code)
        .into_iter()
        .filter(|(name, _, _)| name.starts_with("SPECIAL"))
        .map(|(name, _, amount)| format!("<tr><td>{name}</td><td>{}</td></tr>", money(amount)))
        .collect();
    let special = if special.is_empty() {
        "<tr><td colspan=\"2\">No special districts</td></tr>".to_string()
    } else {
        special.join("\n")
    };
    let year = y.tax_year;
    format!(
        "<div id=\"{ID}pnlCurrentYear\">\n<h3>{year} Tax Year</h3>\n\
         <table id=\"{ID}taxDue1\" class=\"tax-due\"><tr><td>{year}</td><td>Assessed Tax:</td><td>{}</td>\
         <td>Tax Paid:</td><td>{}</td><td>Total Due:</td><td>{}</td></tr></table>\n<dl>\n\
         <dt>Tax Area Code</dt><dd><span id=\"{ID}lblAreaCode\">{}</span></dd>\n\
         <dt>Assessed Tax</dt><dd><span id=\"{ID}lblAssessedTax\">{}</span></dd>\n\
         <dt>Exemption</dt><dd><span id=\"{ID}lblExemptionDescription\">{exemption}</span></dd>\n\
         <dt>Half Tax</dt><dd><span id=\"{ID}lblHalfTax\">{}</span></dd>\n\
         <dt>Tax Paid</dt><dd><span id=\"{ID}lblAssessedTaxPaid\">{}</span></dd>\n\
         <dt>Interest Paid</dt><dd><span id=\"{ID}lblInterestPaid\">$0.00</span></dd>\n\
         <dt>Total Paid</dt><dd><span id=\"{ID}lblTotalPaid\">{}</span></dd>\n</dl>\n\
         <table id=\"{ID}gvSpecialDistricts\" class=\"grid\"><tr><th>Special District</th><th>Amount</th></tr>\n{special}\n</table>\n</div>\n",
        money(billed),
        money(paid),
        money(due),
        esc(&t.tax_area_code),
        money(billed),
        money(half),
        money(paid),
        money(paid),
    )
}

/// The open balance as of `as_of` (the `datePicker` good-through date); empty when nothing
/// is due.
fn open_balance(t: &TaxTruth, as_of: NaiveDate) -> String {
    let open: Vec<&TaxYearTruth> = t.years.iter().filter(|y| y.due > 0.0).collect();
    if open.is_empty() {
        return String::new();
    }
    let mut rows = String::new();
    let (mut total, mut interest) = (0, 0);
    for y in &open {
        let (first, second) = unpaid_halves(y);
        total += first + second;
        interest += cents(y.interest);
        rows.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            y.tax_year,
            money(first),
            money(second),
            money(first + second)
        ));
    }
    format!(
        "<div id=\"{ID}pnlOpen\">\n<table class=\"open-balance\"><tr><th>Tax Year</th><th>First Half</th>\
         <th>Second Half</th><th>Total</th></tr>\n{rows}<tr class=\"footer\"><td>Total</td><td></td><td></td>\
         <td>{}</td></tr></table>\n<p>Interest Due: <span>{}</span></p>\n<p>Fees Due: <span>$0.00</span></p>\n\
         <p>Good through <input type=\"text\" id=\"{ID}datePicker\" value=\"{}\"></p>\n</div>\n",
        money(total),
        money(interest),
        mdy(as_of)
    )
}

fn paid_text(y: &TaxYearTruth) -> &'static str {
    if y.due > 0.0 {
        "Unpaid"
    } else {
        "Paid"
    }
}

fn recent_years(prefix: &str, t: &TaxTruth) -> String {
    let rows: String = t
        .years
        .iter()
        .take(RECENT_YEARS)
        .map(|y| {
            format!(
                "<tr><td><a href=\"{prefix}/Parcel/Summary.aspx?TaxYear={0}\">{0}</a></td><td>{1}</td></tr>\n",
                y.tax_year,
                paid_text(y)
            )
        })
        .collect();
    format!(
        "<div id=\"{ID}divTaxYears\">\n<table id=\"{ID}gvTaxYears\" class=\"grid\"><tr><th>Tax Year</th>\
         <th>Status</th></tr>\n{rows}</table>\n<div id=\"{ID}divViewAdditionalYears\">\
         <a href=\"{prefix}/Parcel/Summary.aspx?List=All\">View All Tax Years</a></div>\n</div>\n"
    )
}

fn remarks(y: &TaxYearTruth) -> String {
    let cal = Calendar::for_year(y.tax_year);
    match (y.lien, y.lien_sold, y.status) {
        (true, true, _) => {
            "Tax Lien: a certificate of purchase has been sold. Please pay with certified funds."
                .into()
        }
        (true, false, _) => {
            "This is an available tax lien (certificate of purchase held by the state).".into()
        }
        (_, _, TaxStatus::Delinquent) => "Interest accrues on the first of each month.".into(),
        _ if cents(y.billed) <= SMALL_BILL_CENTS => format!(
            "Payable without interest through {}.",
            mdy(cal.small_delinquent_after)
        ),
        _ if cents(y.paid) == 0 => format!(
            "First half payable without interest through {}.",
            mdy(cal.first_delinquent_after)
        ),
        _ => format!(
            "Second half payable without interest through {}.",
            mdy(cal.second_delinquent_after)
        ),
    }
}

fn all_years(t: &TaxTruth) -> String {
    let rows: String = t
        .years
        .iter()
        .map(|y| {
            format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                y.tax_year,
                paid_text(y),
                money(cents(y.billed)),
                money(cents(y.paid)),
                money(cents(y.due))
            )
        })
        .collect();
    let mut out = format!(
        "<div id=\"{ID}divTaxYears\">\n<table id=\"{ID}gvTaxYears\" class=\"grid\"><tr><th>Tax Year</th>\
         <th>Status</th><th>Assessed Tax</th><th>Tax Paid</th><th>Total Due</th></tr>\n{rows}</table>\n</div>\n"
    );
    let back: String = t
        .years
        .iter()
        .filter(|y| y.due > 0.0)
        .map(|y| {
            let status = if y.status == TaxStatus::Delinquent {
                "Delinquent"
            } else {
                "Due"
            };
            format!(
                "<tr><td>{}</td><td>{status}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                y.tax_year,
                money(cents(y.billed) - cents(y.paid)),
                money(cents(y.due)),
                esc(&remarks(y))
            )
        })
        .collect();
    if !back.is_empty() {
        out.push_str(&format!(
            "<div id=\"{ID}divBackTaxes\">\n<h3>Back Taxes</h3>\n<table class=\"grid\"><tr><th>Tax Year</th>\
             <th>Status</th><th>Base Amount</th><th>Amount Due</th><th>Remarks</th></tr>\n{back}</table>\n</div>\n"
        ));
    }
    out
}

/// `default.aspx?Parcel=`, `Summary.aspx` and (with `all`) `Summary.aspx?List=All`.
pub fn summary_page(prefix: &str, t: &TaxTruth, as_of: NaiveDate, all: bool) -> String {
    let mut body = parcel_head(prefix, t, "Tax Summary");
    body.push_str(&name_situs_legal(t, ""));
    if let Some(current) = t.years.first() {
        body.push_str(&current_year(t, current));
    }
    body.push_str(&open_balance(t, as_of));
    body.push_str(&if all {
        all_years(t)
    } else {
        recent_years(prefix, t)
    });
    body.push_str(&links(prefix));
    shell("Parcel Tax Summary", "", &body)
}

/// `Activities.aspx`: every payment, newest first.
pub fn activities_page(prefix: &str, t: &TaxTruth) -> String {
    let mut acts: Vec<(u16, usize, &(NaiveDate, f64, String))> = t
        .years
        .iter()
        .flat_map(|y| {
            y.payments
                .iter()
                .enumerate()
                .map(|(i, p)| (y.tax_year, i, p))
        })
        .collect();
    acts.sort_by_key(|a| std::cmp::Reverse((a.2 .0, a.0, a.1)));
    let parcel =
        u64::from(t.apn.book) * 100_000 + u64::from(t.apn.map) * 1000 + u64::from(t.apn.parcel);
    let rows: String = acts
        .iter()
        .map(|(year, i, (day, amount, what))| {
            let h = mix(&[parcel, u64::from(*year), *i as u64]);
            // Payments post to the roll a few days after they are made.
            let posted = *day + Duration::days((h % 4) as i64);
            let txn = format!("{:010}", h % 10_000_000_000);
            format!(
                "<tr><td>{year}</td><td><a href=\"{prefix}/Parcel/ActivityDetail.aspx?t={txn}\">{}</a></td>\
                 <td>{}</td><td>{}</td><td>{}</td><td>{txn}</td></tr>\n",
                esc(what),
                money(cents(*amount)),
                mdy(posted),
                mdy(*day)
            )
        })
        .collect();
    let rows = if rows.is_empty() {
        "<tr><td colspan=\"6\">No activity records</td></tr>\n".to_string()
    } else {
        rows
    };
    let mut body = parcel_head(prefix, t, "Activities");
    body.push_str(&format!(
        "<table id=\"{ID}Activities1_gvActs\" class=\"grid\"><tr><th>Tax Year</th><th>Activity</th>\
         <th>Amount</th><th>Activity Date</th><th>Payment Date</th><th>Transaction</th></tr>\n{rows}</table>\n"
    ));
    body.push_str(&links(prefix));
    shell("Parcel Activities", "", &body)
}
