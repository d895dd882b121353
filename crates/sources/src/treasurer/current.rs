//! The current Treasurer page (`/PropertyTaxInformation/?Parcel=`), which JavaScript renders:
//! the script a browser evaluates on it, and the parser of what the script returns.
//!
//! The script waits (polling every 10 ms) until the page shows the not-found column
//! (`#propertyOwnerSearchResultColumn`), an error (`#ptiError`), or a rendered grid (the page
//! marks `#ptiContent.ready`; on a page without that marker, rows in the first
//! `table.k-grid-table` count as rendered). It clicks the 2nd `#ptiNav a` tab (payment history)
//! and waits up to 2 s for a second grid, then resolves with a JSON string:
//! `{"found":true,"summary":[[cells…]…],"payments":[[cells…]…],"owner":…,"situs":…}`,
//! `{"found":false}`, or `{"found":null,"error":"…"}` (also after 20 s without an answer).
//! Summary cells: [1] year, [2] status, [3] assessed tax, [4] paid, [6] due; payment cells:
//! [1] year, [2] description, [3] amount, [4] paid date.

use serde::Deserialize;

use super::page_cells::{parse_date, parse_money, parse_year, record, PaymentRow, YearRow};
use crate::error::SourceError;
use crate::tally::Found;
use mps_ident::Apn;
use mps_model::blocks::{TaxPage, TaxRecord, TaxStatus};

const NAME: &str = "Treasurer";

/// A JavaScript expression evaluating to a Promise of the page's cells as a JSON string.
pub const CURRENT_PAGE_SCRIPT: &str = r#"new Promise(function (resolve) {
  var started = Date.now(), clickedAt = 0;
  function rows(table) {
    if (!table) { return []; }
    return Array.prototype.map.call(table.querySelectorAll('tr'), function (tr) {
      return Array.prototype.map.call(tr.querySelectorAll('td'), function (td) {
        return td.textContent.replace(/\s+/g, ' ').trim();
      });
    }).filter(function (cells) { return cells.length > 0; });
  }
  function after(word) {
    var hs = Array.prototype.filter.call(document.querySelectorAll('h3'), function (h) {
      return h.textContent.indexOf(word) >= 0;
    });
    var next = hs.length ? hs[0].nextElementSibling : null;
    return next ? next.textContent.trim() : null;
  }
  function done(value) { resolve(JSON.stringify(value)); }
  function poll() {
    if (document.querySelector('#propertyOwnerSearchResultColumn')) { return done({found: false}); }
    var err = document.querySelector('#ptiError');
    if (err) { return done({found: null, error: err.textContent.trim()}); }
    var grids = document.querySelectorAll('table.k-grid-table');
    var ready = document.querySelector('#ptiContent.ready') ||
      (grids.length > 0 && rows(grids[0]).length > 0);
    if (ready && grids.length > 0) {
      var tabs = document.querySelectorAll('#ptiNav a');
      if (grids.length < 2 && tabs.length > 1 && !clickedAt) {
        tabs[1].click();
        clickedAt = Date.now();
      }
      if (grids.length >= 2 || (clickedAt && Date.now() - clickedAt > 2000) || tabs.length < 2) {
        return done({found: true, summary: rows(grids[0]), payments: rows(grids[1]),
                     owner: after('Owner'), situs: after('Situs')});
      }
    }
    if (Date.now() - started > 20000) {
      return done({found: null, error: 'the page did not finish rendering within 20 s'});
    }
    setTimeout(poll, 10);
  }
  poll();
})"#;

/// What [`CURRENT_PAGE_SCRIPT`] resolves with.
#[derive(Debug, Deserialize)]
struct PageCells {
    found: Option<bool>,
    #[serde(default)]
    summary: Vec<Vec<String>>,
    #[serde(default)]
    payments: Vec<Vec<String>>,
    #[serde(default)]
    error: Option<String>,
}

fn failed(url: &str, message: String) -> SourceError {
    SourceError::Parse {
        source_name: NAME,
        url: url.to_string(),
        message,
    }
}

/// The status cell: "Paid", "Unpaid", "Delinquent", possibly with " - Tax Lien".
fn status_of(cell: &str) -> (TaxStatus, bool) {
    let lower = cell.to_ascii_lowercase();
    let lien = lower.contains("lien");
    let status = if lower.contains("delinquent") || lien {
        TaxStatus::Delinquent
    } else if lower.contains("unpaid") || lower.contains("due") || !lower.contains("paid") {
        TaxStatus::Unpaid
    } else {
        TaxStatus::Paid
    };
    (status, lien)
}

fn year_row(cells: &[String]) -> Result<YearRow, String> {
    let [_, year, status, billed, paid, _, due, ..] = cells else {
        return Err(format!(
            "a summary grid row has {} cells; expected 7 (year, status, assessed tax, paid, interest, due)",
            cells.len()
        ));
    };
    let money = |cell: &str, what: &str| {
        parse_money(cell).ok_or(format!("summary grid {what} {cell:?} is not an amount"))
    };
    let (status, lien) = status_of(status);
    Ok(YearRow {
        tax_year: parse_year(year).ok_or(format!("summary grid year {year:?} is not a year"))?,
        billed: money(billed, "assessed tax")?,
        paid: money(paid, "amount paid")?,
        due: money(due, "amount due")?,
        status,
        lien,
    })
}

fn payment_row(cells: &[String]) -> Result<PaymentRow, String> {
    let [_, year, what, amount, date, ..] = cells else {
        return Err(format!(
            "a payment grid row has {} cells; expected 5 (year, description, amount, paid date)",
            cells.len()
        ));
    };
    Ok(PaymentRow {
        tax_year: parse_year(year).ok_or(format!("payment grid year {year:?} is not a year"))?,
        date: parse_date(date),
        amount: parse_money(amount)
            .ok_or(format!("payment grid amount {amount:?} is not an amount"))?,
        description: (!what.is_empty()).then(|| what.clone()),
    })
}

/// Turns the script's JSON into a record (`page: current`); `url` is the page's URL.
pub fn parse_current(apn: Apn, json: &str, url: &str) -> Result<Found<TaxRecord>, SourceError> {
    let cells: PageCells = serde_json::from_str(json).map_err(|e| {
        failed(
            url,
            format!("the page script returned unreadable JSON: {e}"),
        )
    })?;
    match (cells.found, cells.error) {
        (_, Some(e)) => Err(failed(
            url,
            format!("the page did not render its tax grid: {e}"),
        )),
        (Some(false), None) => Ok(Found::NotFound),
        (None, None) => Err(failed(url, "the page script returned no result".into())),
        (Some(true), None) => {
            let years = cells
                .summary
                .iter()
                .map(|r| year_row(r))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|m| failed(url, format!("the page layout no longer parses: {m}")))?;
            let payments = cells
                .payments
                .iter()
                .map(|r| payment_row(r))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|m| failed(url, format!("the page layout no longer parses: {m}")))?;
            Ok(Found::Yes(record(apn, years, payments, TaxPage::Current)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mps_model::blocks::TaxStatus;
    use rust_decimal::Decimal;

    const URL: &str = "http://sim/treasurer/PropertyTaxInformation/?Parcel=16528054";

    fn apn() -> Apn {
        Apn::parse("16528054").expect("apn")
    }

    #[test]
    fn parses_the_script_output() {
        let json = r#"{"found":true,
          "summary":[["","2026","Delinquent","$2,000.00","$0.00","$26.67","$2,026.67"],
                     ["","2024","Delinquent - Tax Lien","$1,800.00","$0.00","$300.00","$2,100.00"],
                     ["","2025","Paid","$1,900.01","$1,900.01","$0.00","$0.00"]],
          "payments":[["","2025","Tax Payment","$950.00","03/02/2026"],
                      ["","2025","Tax Payment","$950.01","10/12/2025"]],
          "owner":"SMITH JOHN","situs":"1 MAIN ST"}"#;
        let Found::Yes(r) = parse_current(apn(), json, URL).expect("parses") else {
            panic!("expected a record");
        };
        assert_eq!(r.page, TaxPage::Current);
        let years: Vec<_> = r
            .years
            .iter()
            .map(|y| (y.tax_year, y.status, y.lien))
            .collect();
        assert_eq!(
            years,
            vec![
                (2026, TaxStatus::Delinquent, false),
                (2025, TaxStatus::Paid, false),
                (2024, TaxStatus::Delinquent, true),
            ]
        );
        assert_eq!(r.years[1].billed, Some(Decimal::new(190_001, 2)));
        assert_eq!(r.years[1].payments.len(), 2);
        assert_eq!(r.years[1].payments[0].amount, Decimal::new(95_001, 2));
        assert_eq!(r.total_due, Decimal::new(412_667, 2));
        assert!(r.delinquent);
    }

    #[test]
    fn not_found_errors_and_bad_cells() {
        assert_eq!(
            parse_current(apn(), r#"{"found":false}"#, URL).ok(),
            Some(Found::NotFound)
        );
        let err =
            parse_current(apn(), r#"{"found":null,"error":"HTTP 503"}"#, URL).expect_err("error");
        assert!(err.to_string().contains("HTTP 503") && err.to_string().contains(URL));
        assert!(parse_current(apn(), "not json", URL).is_err());
        let short = r#"{"found":true,"summary":[["","2025","Paid"]],"payments":[]}"#;
        let err = parse_current(apn(), short, URL).expect_err("short row");
        assert!(err.to_string().contains("no longer parses"), "{err}");
        let empty = r#"{"found":true,"summary":[],"payments":[]}"#;
        let Ok(Found::Yes(r)) = parse_current(apn(), empty, URL) else {
            panic!("a parcel with no bills is still found");
        };
        assert!(r.years.is_empty() && r.total_due.is_zero());
    }

    #[test]
    fn status_cells() {
        assert_eq!(status_of("Paid"), (TaxStatus::Paid, false));
        assert_eq!(status_of("Unpaid"), (TaxStatus::Unpaid, false));
        assert_eq!(status_of("Amount Due"), (TaxStatus::Unpaid, false));
        assert_eq!(status_of("Delinquent"), (TaxStatus::Delinquent, false));
        assert_eq!(
            status_of("Delinquent - Tax Lien"),
            (TaxStatus::Delinquent, true)
        );
    }
}
