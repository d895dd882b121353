//! What the legacy parcel pages (summary, activities, detailed statement) share: the page head,
//! the owner, situs and legal block, the links between the pages, and the taxing districts a
//! year's bill is split into (the tax area code names them: school district, city, special
//! districts; county-services.md 2.3).

use super::bills::{cents, TaxTruth, TaxYearTruth};
use super::html::{esc, ID};
use crate::hash::mix;

/// The owner, situs and legal block; `sub` is `""` on the summary, `dtlTaxBill_` on the bill.
pub(super) fn name_situs_legal(t: &TaxTruth, sub: &str) -> String {
    let lines: Vec<String> = t.owner_lines.iter().map(|l| esc(l)).collect();
    format!(
        "<div class=\"name-situs-legal\">\n\
         <h4>Owner</h4><div id=\"{ID}{sub}ParcelNASitusLegal_lblNameAddress\">{}</div>\n\
         <h4>Property (Situs) Address</h4><span id=\"{ID}{sub}ParcelNASitusLegal_lblSitusAddress\">{}</span>\n\
         <h4>Legal Description</h4><span id=\"{ID}{sub}ParcelNASitusLegal_lblLegalDescription\">{}</span>\n\
         </div>\n",
        lines.join("<br>"),
        esc(&t.situs),
        esc(&t.legal)
    )
}

/// The head of every parcel page: the form, the hidden view state and the parcel number.
pub(super) fn parcel_head(prefix: &str, t: &TaxTruth, heading: &str) -> String {
    let view_state = format!(
        "{:016x}{:016x}",
        mix(&[0x5653, u64::from(t.apn.book)]),
        mix(&[u64::from(t.apn.map), u64::from(t.apn.parcel)])
    );
    format!(
        "<form method=\"post\" action=\"{prefix}/Parcel/default.aspx?Parcel={compact}\" id=\"form1\">\n\
         <input type=\"hidden\" name=\"__VIEWSTATE\" id=\"__VIEWSTATE\" value=\"/wEPDwU{view_state}\">\n\
         <h2 id=\"{ID}headerSummary\">{heading} {dashed}</h2>\n\
         <span class=\"parcel-num\">{dashed}</span>\n",
        compact = t.apn.compact(),
        dashed = t.apn.dashed(),
    )
}

pub(super) fn links(prefix: &str) -> String {
    format!(
        "<p class=\"parcel-links\">\
         <a id=\"{ID}lnkDetailedTaxStatement\" href=\"{prefix}/Parcel/DetailedTaxStatement.aspx\">Detailed Tax Statement</a> | \
         <a id=\"{ID}lnkActivities\" href=\"{prefix}/Parcel/Activities.aspx\">Activities</a> | \
         <a id=\"{ID}lnkAllYears\" href=\"{prefix}/Parcel/Summary.aspx?List=All\">All Tax Years</a></p>\n</form>\n"
    )
}

/// The taxing districts of a year's bill: (name, rate per $100, cents), summing to the bill.
/// Special districts (the tax area's last two digits) come last; "00" means none.
pub(super) fn districts(y: &TaxYearTruth, area: &str) -> Vec<(String, f64, i64)> {
    let part = |r: std::ops::Range<usize>| area.get(r).unwrap_or("00").to_string();
    let mut shares: Vec<(String, i64)> = vec![
        ("COUNTY PRIMARY".into(), 180),
        (format!("SCHOOL DISTRICT {}", part(0..2)), 430),
        ("COMMUNITY COLLEGE".into(), 110),
        (format!("CITY/TOWN {}", part(2..4)), 150),
        ("STATE EQUALIZATION".into(), 40),
    ];
    let special = part(4..6);
    if special == "00" {
        shares[1].1 += 90;
    } else {
        shares.push((format!("SPECIAL DISTRICTS {special}"), 90));
    }
    let billed = cents(y.billed);
    let mut left = billed;
    let last = shares.len() - 1;
    shares
        .into_iter()
        .enumerate()
        .map(|(i, (name, share))| {
            let amount = if i == last {
                left
            } else {
                billed * share / 1000
            };
            left -= amount;
            (name, y.rate * share as f64 / 1000.0, amount)
        })
        .collect()
}
