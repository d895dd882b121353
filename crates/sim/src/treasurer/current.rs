//! The current Treasurer page, `/PropertyTaxInformation/?Parcel=`: an HTML shell with EMPTY
//! Kendo-style grids, filled in the browser by inline JavaScript from a private JSON endpoint
//! (`/PropertyTaxInformation/api/summary?parcel=`). A plain HTTP GET of the page therefore
//! carries no tax figures, as at the real county.
//!
//! What the script builds (the contract `mps`'s browser script reads):
//! * `#ptiContent` gets the class `ready` once rendering is done (found, not found or error);
//! * found: rows `tr.k-table-row` > `td.k-table-td` > `span.trs-fs-16` in the first
//!   `table.k-grid-table` (summary: [0] blank, [1] tax year, [2] status `Paid` / `Unpaid` /
//!   `Delinquent`, with ` - Tax Lien` appended when a lien exists, [3] assessed tax,
//!   [4] amount paid, [5] interest, [6] amount due) and in the second one (payment history,
//!   always in the DOM, in the pane the 2nd `#ptiNav a` tab shows: [0] blank, [1] year,
//!   [2] `Tax Payment`, [3] amount, [4] paid date `MM/DD/YYYY`), newest first; the owner and
//!   situs fill the elements after the `<h3>Owner</h3>` and `<h3>Situs Address</h3>` headings;
//! * not found: `#propertyOwnerSearchResultColumn` replaces the grids;
//! * the JSON request failed: `#ptiError` holds the message.

use serde_json::{json, Value};

use super::bills::{TaxTruth, TaxYearTruth};
use super::html::{esc, shell};
use mps_model::blocks::TaxStatus;

/// The endpoint's path under the Treasurer prefix.
pub const API_PATH: &str = "/PropertyTaxInformation/api/summary";

/// The page's own script: fetch the JSON, build the rows, mark the page ready.
const PAGE_SCRIPT: &str = r#"
(function () {
  var root = document.getElementById('ptiContent');
  var parcel = root.getAttribute('data-parcel');
  function money(n) {
    return '$' + Number(n).toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  }
  function day(iso) {
    var p = String(iso).slice(0, 10).split('-');
    return p.length === 3 ? p[1] + '/' + p[2] + '/' + p[0] : String(iso);
  }
  function fill(table, rows) {
    var body = table.tBodies[0] || table.appendChild(document.createElement('tbody'));
    rows.forEach(function (cells) {
      var tr = document.createElement('tr');
      tr.className = 'k-table-row k-master-row';
      cells.forEach(function (text) {
        var td = document.createElement('td');
        td.className = 'k-table-td';
        var span = document.createElement('span');
        span.className = 'trs-fs-16';
        span.textContent = text;
        td.appendChild(span);
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll('#ptiNav a'), function (a) {
    a.addEventListener('click', function (e) {
      e.preventDefault();
      var pane = a.getAttribute('data-pane');
      if (!pane) { return; }
      Array.prototype.forEach.call(document.querySelectorAll('.pti-pane'), function (p) {
        p.style.display = p.id === pane ? '' : 'none';
      });
    });
  });
  fetch(root.getAttribute('data-api') + '?parcel=' + encodeURIComponent(parcel), {
    headers: { 'Accept': 'application/json' }
  }).then(function (r) {
    if (!r.ok) { throw new Error('HTTP ' + r.status); }
    return r.json();
  }).then(function (d) {
    if (!d.found) {
      var nf = document.createElement('div');
      nf.id = 'propertyOwnerSearchResultColumn';
      nf.innerHTML = '<p>No parcels were found matching <b></b>.</p>';
      nf.querySelector('b').textContent = parcel;
      var grids = document.getElementById('ptiGrids');
      grids.parentNode.replaceChild(nf, grids);
      root.classList.add('ready');
      return;
    }
    document.getElementById('ptiOwner').textContent = d.owner;
    document.getElementById('ptiSitus').textContent = d.situs;
    var tables = document.querySelectorAll('table.k-grid-table');
    fill(tables[0], d.years.map(function (y) {
      var status = y.status + (y.lien ? ' - Tax Lien' : '');
      return ['', String(y.taxYear), status, money(y.assessedTax), money(y.amountPaid),
              money(y.interestDue), money(y.amountDue)];
    }));
    fill(tables[1], d.payments.map(function (p) {
      return ['', String(p.taxYear), p.description, money(p.amount), day(p.paidDate)];
    }));
    root.classList.add('ready');
  }).catch(function (e) {
    var err = document.createElement('div');
    err.id = 'ptiError';
    err.textContent = 'Tax information could not be loaded: ' + e.message;
    root.appendChild(err);
    root.classList.add('ready');
  });
})();
"#;

/// A Kendo grid: a header table and an empty data table (`table.k-grid-table`).
fn grid(id: &str, headers: &[&str]) -> String {
    let ths: String = headers
        .iter()
        .map(|h| format!("<th class=\"k-header k-table-th\">{}</th>", esc(h)))
        .collect();
    format!(
        "<div id=\"{id}\" class=\"k-grid k-grid-md\">\n\
         <div class=\"k-grid-header\"><table class=\"k-grid-header-table\"><thead><tr>{ths}</tr></thead></table></div>\n\
         <div class=\"k-grid-content\"><table class=\"k-grid-table\" role=\"grid\"><tbody></tbody></table></div>\n</div>"
    )
}

/// The page for `parcel` as typed in the query (possibly empty or unknown: the script decides).
pub fn page(prefix: &str, parcel: &str) -> String {
    let tabs = [
        ("Tax Summary", "ptiSummaryTab"),
        ("Payment History", "ptiPaymentsTab"),
        ("Tax Bill", ""),
        ("Parcel Information", ""),
        ("Tax Liens", ""),
        ("Valuations", ""),
    ];
    let nav: String = tabs
        .iter()
        .map(|(label, pane)| {
            format!(
                "<li class=\"k-item\"><a href=\"#{pane}\" data-pane=\"{pane}\">{label}</a></li>"
            )
        })
        .collect();
    let body = format!(
        "<div id=\"ptiContent\" class=\"pti\" data-parcel=\"{parcel}\" data-api=\"{prefix}{API_PATH}\">\n\
         <h1>Property Tax Information</h1>\n<div class=\"pti-parties\">\n\
         <h3>Owner</h3><div id=\"ptiOwner\" class=\"pti-owner\"></div>\n\
         <h3>Situs Address</h3><div id=\"ptiSitus\" class=\"pti-situs\"></div>\n</div>\n\
         <ul id=\"ptiNav\" class=\"k-tabstrip-items\">{nav}</ul>\n<div id=\"ptiGrids\">\n\
         <div id=\"ptiSummaryTab\" class=\"pti-pane\">\n{}\n</div>\n\
         <div id=\"ptiPaymentsTab\" class=\"pti-pane\" style=\"display:none\">\n{}\n</div>\n</div>\n</div>\n\
         <script>{PAGE_SCRIPT}</script>",
        grid(
            "taxSummaryGrid",
            &["", "Tax Year", "Status", "Assessed Tax", "Amount Paid", "Interest", "Amount Due"]
        ),
        grid(
            "paymentHistoryGrid",
            &["", "Tax Year", "Description", "Amount", "Paid Date"]
        ),
        parcel = esc(parcel),
    );
    shell("Property Tax Information", "", &body)
}

fn status_text(y: &TaxYearTruth) -> &'static str {
    match y.status {
        TaxStatus::Paid => "Paid",
        TaxStatus::Unpaid => "Unpaid",
        TaxStatus::Delinquent => "Delinquent",
    }
}

/// The private JSON behind the page; `truth` is `None` for an unknown parcel.
pub fn summary_json(parcel: &str, truth: Option<&TaxTruth>) -> Value {
    let Some(t) = truth else {
        return json!({"parcel": parcel, "found": false});
    };
    let years: Vec<Value> = t
        .years
        .iter()
        .map(|y| {
            json!({
                "taxYear": y.tax_year,
                "status": status_text(y),
                "lien": y.lien,
                "assessedTax": y.billed,
                "amountPaid": y.paid,
                "interestDue": y.interest,
                "amountDue": y.due,
            })
        })
        .collect();
    let mut payments: Vec<(u16, &(chrono::NaiveDate, f64, String))> = t
        .years
        .iter()
        .flat_map(|y| y.payments.iter().map(move |p| (y.tax_year, p)))
        .collect();
    payments.sort_by_key(|p| std::cmp::Reverse((p.1 .0, p.0)));
    let payments: Vec<Value> = payments
        .into_iter()
        .map(|(year, (day, amount, what))| {
            json!({
                "taxYear": year,
                "description": what,
                "amount": amount,
                "paidDate": format!("{}T00:00:00", day.format("%Y-%m-%d")),
            })
        })
        .collect();
    json!({
        "parcel": t.apn.compact(),
        "found": true,
        "owner": t.owner_lines.join("\n"),
        "situs": t.situs,
        "years": years,
        "payments": payments,
    })
}
