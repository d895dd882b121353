//! Parsers of the legacy ASP.NET pages (county-services.md 2.2, prefix [`ID`]).
//!
//! Each parser checks for the element ids it relies on and reports a missing one by name, so
//! a layout change at the county reads as "the page layout no longer parses" with the element,
//! never as silently empty data. Columns read:
//! * `Summary.aspx?List=All`: `gvTaxYears` [0] year, [1] `Paid`/`Unpaid`, [2] assessed tax,
//!   [3] tax paid, [4] total due; `divBackTaxes` [0] year, [1] status (`Delinquent` marks a
//!   delinquency) and any cell reading "Tax Lien", "available tax lien" or "certified funds";
//! * `Activities.aspx`: `Activities1_gvActs` (or `activityList_gvActs`) [0] tax year,
//!   [1] activity, [2] amount, [3] activity date, [4] payment date.

use scraper::{ElementRef, Html, Selector};

use super::page_cells::{parse_date, parse_money, parse_year, PaymentRow, YearRow};
use mps_ident::Apn;
use mps_model::blocks::TaxStatus;

/// The prefix of the legacy content element ids.
pub const ID: &str = "cphMainContent_cphRightColumn_";

/// What a legacy page turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    /// A parcel page (its `headerSummary` is there).
    Parcel,
    /// "No records found".
    NoRecords,
    /// The session was not accepted: the page carries no parcel data.
    SessionExpired,
    /// None of the above: the layout changed.
    Unknown,
}

fn selector(css: &str) -> Result<Selector, String> {
    Selector::parse(css).map_err(|e| format!("bad selector {css:?}: {e}"))
}

fn by_id<'a>(doc: &'a Html, id: &str) -> Result<Option<ElementRef<'a>>, String> {
    Ok(doc.select(&selector(&format!("#{ID}{id}"))?).next())
}

/// An element's text with runs of whitespace squashed.
fn text(el: ElementRef<'_>) -> String {
    el.text()
        .flat_map(str::split_whitespace)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The data rows of a table: the text of each `td`, header (`th`) rows left out.
fn cells(table: ElementRef<'_>) -> Result<Vec<Vec<String>>, String> {
    let (tr, td) = (selector("tr")?, selector("td")?);
    Ok(table
        .select(&tr)
        .map(|row| row.select(&td).map(text).collect::<Vec<_>>())
        .filter(|row| !row.is_empty())
        .collect())
}

/// Classifies a legacy page.
pub fn page_kind(html: &str) -> PageKind {
    let doc = Html::parse_document(html);
    if matches!(by_id(&doc, "headerSummary"), Ok(Some(_))) {
        return PageKind::Parcel;
    }
    let lower = html.to_ascii_lowercase();
    if lower.contains("no records found") {
        PageKind::NoRecords
    } else if lower.contains("session") && lower.contains("expired") {
        PageKind::SessionExpired
    } else {
        PageKind::Unknown
    }
}

/// Checks the parcel number the page shows (`.parcel-num`), when it shows one: a session
/// bound to another parcel must never pass for this one.
pub fn check_parcel(html: &str, apn: &Apn) -> Result<(), String> {
    let doc = Html::parse_document(html);
    match doc.select(&selector(".parcel-num")?).next().map(text) {
        Some(shown) if Apn::parse(&shown).ok() != Some(*apn) => Err(format!(
            "the page shows parcel {shown:?} instead of {}",
            apn.dashed()
        )),
        _ => Ok(()),
    }
}

/// Every tax year of `Summary.aspx?List=All`, with delinquency and liens from `divBackTaxes`.
pub fn parse_all_years(html: &str) -> Result<Vec<YearRow>, String> {
    let doc = Html::parse_document(html);
    let table = by_id(&doc, "gvTaxYears")?.ok_or(format!("element #{ID}gvTaxYears is missing"))?;
    let mut years = Vec::new();
    for row in cells(table)? {
        let [year, status, billed, paid, due, ..] = row.as_slice() else {
            return Err(format!(
                "a gvTaxYears row has {} cells; expected year, status, assessed tax, tax paid, total due",
                row.len()
            ));
        };
        let money = |cell: &str, what: &str| {
            parse_money(cell).ok_or(format!("gvTaxYears {what} {cell:?} is not an amount"))
        };
        years.push(YearRow {
            tax_year: parse_year(year).ok_or(format!("gvTaxYears year {year:?} is not a year"))?,
            billed: money(billed, "assessed tax")?,
            paid: money(paid, "tax paid")?,
            due: money(due, "total due")?,
            status: if status.eq_ignore_ascii_case("paid") {
                TaxStatus::Paid
            } else {
                TaxStatus::Unpaid
            },
            lien: false,
        });
    }
    match by_id(&doc, "divBackTaxes")? {
        Some(back) => {
            for row in cells(back)? {
                let Some(year) = row.first().and_then(|c| parse_year(c)) else {
                    continue;
                };
                let status = row
                    .get(1)
                    .map(|s| s.to_ascii_lowercase())
                    .unwrap_or_default();
                let all = row.join(" ").to_ascii_lowercase();
                let lien = all.contains("tax lien") || all.contains("certified funds");
                for y in years.iter_mut().filter(|y| y.tax_year == year) {
                    if status.contains("delinquent") || lien {
                        y.status = TaxStatus::Delinquent;
                    }
                    y.lien |= lien;
                }
            }
        }
        // The site lists every unpaid year under back taxes; an unpaid year without the list
        // means the layout moved, and delinquency would be silently lost.
        None if years.iter().any(|y| y.due > 0) => {
            return Err(format!(
                "element #{ID}divBackTaxes is missing although a year is unpaid"
            ))
        }
        None => {}
    }
    Ok(years)
}

/// The payments of `Activities.aspx` (activities that are not payments are skipped).
pub fn parse_payments(html: &str) -> Result<Vec<PaymentRow>, String> {
    let doc = Html::parse_document(html);
    let table = match by_id(&doc, "Activities1_gvActs")? {
        Some(t) => t,
        None => by_id(&doc, "activityList_gvActs")?
            .ok_or(format!("element #{ID}Activities1_gvActs is missing"))?,
    };
    let mut out = Vec::new();
    for row in cells(table)? {
        if row.len() == 1 && row[0].to_ascii_lowercase().contains("no activity records") {
            continue;
        }
        let [year, activity, amount, activity_date, payment_date, ..] = row.as_slice() else {
            return Err(format!(
                "an Activities row has {} cells; expected tax year, activity, amount, activity date, payment date, transaction",
                row.len()
            ));
        };
        if !activity.to_ascii_lowercase().contains("payment") {
            continue;
        }
        out.push(PaymentRow {
            tax_year: parse_year(year).ok_or(format!("Activities year {year:?} is not a year"))?,
            date: parse_date(payment_date).or_else(|| parse_date(activity_date)),
            amount: parse_money(amount)
                .ok_or(format!("Activities amount {amount:?} is not an amount"))?,
            description: Some(activity.clone()),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(inner: &str) -> String {
        format!(
            "<html><body><h2 id=\"{ID}headerSummary\">Tax Summary 165-28-054</h2>\
                 <span class=\"parcel-num\">165-28-054</span>{inner}</body></html>"
        )
    }

    #[test]
    fn all_years_with_back_taxes_and_liens() {
        let html = page(&format!(
            "<table id=\"{ID}gvTaxYears\"><tr><th>Tax Year</th><th>Status</th></tr>\
             <tr><td>2025</td><td>Unpaid</td><td>$1,000.00</td><td>$500.00</td><td>$500.00</td></tr>\
             <tr><td>2023</td><td>Unpaid</td><td>$900.00</td><td>$0.00</td><td>$1,100.00</td></tr>\
             <tr><td>2022</td><td>Paid</td><td>$800.00</td><td>$800.00</td><td>$0.00</td></tr></table>\
             <div id=\"{ID}divBackTaxes\"><table><tr><th>Tax Year</th></tr>\
             <tr><td>2025</td><td>Due</td><td>$500.00</td><td>$500.00</td><td></td></tr>\
             <tr><td>2023</td><td>Delinquent</td><td>$900.00</td><td>$1,100.00</td>\
             <td>This is an available tax lien.</td></tr></table></div>"
        ));
        assert_eq!(page_kind(&html), PageKind::Parcel);
        let years = parse_all_years(&html).expect("parses");
        let got: Vec<_> = years
            .iter()
            .map(|y| (y.tax_year, y.status, y.lien, y.due))
            .collect();
        assert_eq!(
            got,
            vec![
                (2025, TaxStatus::Unpaid, false, 50_000),
                (2023, TaxStatus::Delinquent, true, 110_000),
                (2022, TaxStatus::Paid, false, 0),
            ]
        );
        let apn = Apn::parse("16528054").expect("apn");
        assert!(check_parcel(&html, &apn).is_ok());
        let other = Apn::parse("16528055").expect("apn");
        assert!(check_parcel(&html, &other).is_err());
    }

    #[test]
    fn layout_changes_are_named() {
        let err = parse_all_years(&page("<table id=\"gvYears\"></table>")).expect_err("missing");
        assert!(err.contains("gvTaxYears"), "{err}");
        let unpaid_without_back = page(&format!(
            "<table id=\"{ID}gvTaxYears\"><tr><td>2025</td><td>Unpaid</td><td>$1.00</td>\
             <td>$0.00</td><td>$1.00</td></tr></table>"
        ));
        let err = parse_all_years(&unpaid_without_back).expect_err("no back taxes");
        assert!(err.contains("divBackTaxes"), "{err}");
        let short = page(&format!(
            "<table id=\"{ID}gvTaxYears\"><tr><td>2025</td><td>Paid</td></tr></table>"
        ));
        assert!(parse_all_years(&short).is_err());
        assert!(parse_payments(&page("")).is_err());
        assert_eq!(page_kind("<p>No records found</p>"), PageKind::NoRecords);
        assert_eq!(
            page_kind("<h1>Session Expired</h1><p>Your session has expired</p>"),
            PageKind::SessionExpired
        );
        assert_eq!(page_kind("<p>Under maintenance</p>"), PageKind::Unknown);
    }

    #[test]
    fn payments_only_and_empty_tables() {
        let html = page(&format!(
            "<table id=\"{ID}Activities1_gvActs\"><tr><th>Tax Year</th></tr>\
             <tr><td>2025</td><td><a href=\"x\">Tax Payment</a></td><td>$500.00</td>\
             <td>10/14/2025</td><td>10/12/2025</td><td>0000000001</td></tr>\
             <tr><td>2025</td><td>Tax Bill Mailed</td><td>$1,000.00</td><td>09/01/2025</td><td></td><td></td></tr></table>"
        ));
        let p = parse_payments(&html).expect("parses");
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].amount, 50_000);
        assert_eq!(p[0].date, chrono::NaiveDate::from_ymd_opt(2025, 10, 12));
        let empty = page(&format!(
            "<table id=\"{ID}Activities1_gvActs\"><tr><th>Tax Year</th></tr>\
             <tr><td colspan=\"6\">No activity records</td></tr></table>"
        ));
        assert_eq!(parse_payments(&empty).expect("parses"), vec![]);
    }
}
