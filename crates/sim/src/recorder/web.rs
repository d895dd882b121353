//! The Recorder website's document page, which only a browser can read.
//!
//! `GET /recording/document-details.html?recordingNumber={n}` (under `/recorder-web`) is an
//! empty shell: its script fetches `api/document-details?recordingNumber={n}` (a private JSON
//! shape, unlike the public API's) and renders the document into `#documentDetails`, then marks
//! that element `ready`. An unknown number renders a `#notFound` "No document found" instead,
//! and a failed fetch (a 5xx from the endpoint) a `#loadError`, so a reader can tell them apart.
//! Rendered fields carry `data-field` attributes; dates are shown `MM/DD/YYYY`, an empty book
//! or page as an em dash. Anything else under the site is the HTML 404 page.

use serde_json::{json, Value};

use super::truth::DocumentTruth;
use crate::county::County;
use crate::wire::{not_found_page, SimRequest, SimResponse};

const SITE: &str = "Maricopa County Recorder";

/// The path prefix (after the server strips `/recorder-web`) under which the website lives.
pub const WEB_PREFIX: &str = "/web";

/// Answers a website request; `rest` is the path below the site root.
pub fn handle(county: &County, req: &SimRequest, rest: &str) -> SimResponse {
    if req.method != "GET" {
        return SimResponse::html(405, "<h1>405 Method Not Allowed</h1>".into());
    }
    let number = req.param("recordingNumber").unwrap_or("").trim();
    match rest.trim_end_matches('/') {
        "/recording/document-details.html" => SimResponse::html(200, PAGE.to_string()),
        "/recording/api/document-details" => match county.document(number) {
            Some(doc) => SimResponse::json(200, &json!({"document": private_json(&doc)})),
            None => SimResponse::json(404, &json!({"document": null, "error": "not found"})),
        },
        _ => not_found_page(SITE),
    }
}

/// The private endpoint's shape: what the page's script reads, not what the public API sends.
fn private_json(d: &DocumentTruth) -> Value {
    json!({
        "recNum": d.recording_number,
        "recDate": d.recording_date.format("%Y-%m-%d").to_string(),
        "docCodes": d.document_codes,
        "parties": d.parties.iter().map(|p| json!({"name": p.name})).collect::<Vec<_>>(),
        "pages": d.page_amount,
        "book": d.docket_book,
        "page": d.page_map,
        "affidavit": d.affidavit_present,
        "restricted": d.restricted,
    })
}

/// The shell. The script waits a little before rendering, as the real single-page app does
/// after its framework boots, so a reader that does not wait for `ready` sees nothing.
const PAGE: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Document Details | Maricopa County Recorder</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
</head>
<body>
<header class="site-header"><a href="/">Maricopa County Recorder</a></header>
<main>
<h1>Document Details</h1>
<section id="documentDetails" class="loading" aria-busy="true">
<p class="loading-message">Loading document&hellip;</p>
</section>
</main>
<script>
(function () {
  var root = document.getElementById('documentDetails');
  var number = new URLSearchParams(location.search).get('recordingNumber') || '';
  function el(tag, field, text) {
    var e = document.createElement(tag);
    if (field) { e.setAttribute('data-field', field); }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  function row(list, label, value) {
    list.appendChild(el('dt', null, label));
    var dd = el('dd');
    dd.appendChild(value);
    list.appendChild(dd);
  }
  function items(field, values) {
    var ul = el('ul', field);
    values.forEach(function (v) { ul.appendChild(el('li', null, v)); });
    return ul;
  }
  function us(iso) {
    var p = iso.split('-');
    return p[1] + '/' + p[2] + '/' + p[0];
  }
  function render(doc, failed) {
    root.innerHTML = '';
    if (failed) {
      var error = el('p', null, 'The document could not be loaded. Please try again later.');
      error.id = 'loadError';
      error.className = 'error';
      root.appendChild(error);
    } else if (!doc) {
      var none = el('p', null, 'No document found');
      none.id = 'notFound';
      none.className = 'not-found';
      root.appendChild(none);
    } else {
      var dl = el('dl');
      dl.className = 'document-fields';
      row(dl, 'Recording Number', el('span', 'recordingNumber', doc.recNum));
      row(dl, 'Recording Date', el('span', 'recordingDate', us(doc.recDate)));
      row(dl, 'Document Code(s)', items('documentCodes', doc.docCodes));
      row(dl, 'Names', items('names', doc.parties.map(function (p) { return p.name; })));
      row(dl, 'Pages', el('span', 'pageAmount', String(doc.pages)));
      row(dl, 'Docket/Book', el('span', 'docketBook', doc.book ? String(doc.book) : '\u2014'));
      row(dl, 'Page/Map', el('span', 'pageMap', doc.page ? String(doc.page) : '\u2014'));
      row(dl, 'Affidavit of Value', el('span', 'affidavitPresent', doc.affidavit ? 'Yes' : 'No'));
      row(dl, 'Restricted', el('span', 'restricted', doc.restricted ? 'Yes' : 'No'));
      root.appendChild(dl);
      if (doc.restricted) {
        root.appendChild(el('p', null, 'Images of this document are restricted (A.R.S. 11-483).'));
      }
    }
    root.classList.remove('loading');
    root.classList.add('ready');
    root.removeAttribute('aria-busy');
  }
  fetch('api/document-details?recordingNumber=' + encodeURIComponent(number))
    .then(function (r) {
      if (r.status === 404) { return { document: null }; }
      if (!r.ok) { throw new Error('status ' + r.status); }
      return r.json();
    })
    .then(function (data) { setTimeout(function () { render(data.document, false); }, 30); })
    .catch(function () { setTimeout(function () { render(null, true); }, 30); });
})();
</script>
</body>
</html>
"#;
