//! `DetailedTaxStatement.aspx` and the taxing districts a bill is split into (the tax area
//! code names them: school district, city, special districts; county-services.md 2.3).

use super::bills::{cents, TaxTruth, TaxYearTruth};
use super::html::{esc, money, shell, ID};
use super::legacy::{links, name_situs_legal, parcel_head};

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

/// `DetailedTaxStatement.aspx`: the newest year's bill with its districts.
pub fn statement_page(prefix: &str, t: &TaxTruth) -> String {
    let mut body = parcel_head(prefix, t, "Detailed Tax Statement");
    body.push_str(&name_situs_legal(t, "dtlTaxBill_"));
    match t.years.first() {
        None => body.push_str("<p>No tax statement is available for this parcel.</p>\n"),
        Some(y) => {
            let billed = cents(y.billed);
            let exempt = if billed == 0 { y.assessed_value } else { 0 };
            let rows: String = districts(y, &t.tax_area_code)
                .into_iter()
                .map(|(name, rate, amount)| {
                    format!(
                        "<tr><td>{}</td><td>{rate:.4}</td><td>{}</td></tr>\n",
                        esc(&name),
                        money(if billed == 0 { 0 } else { amount })
                    )
                })
                .collect();
            let p = format!("{ID}dtlTaxBill_");
            body.push_str(&format!(
                "<h3>{} Tax Statement</h3>\n\
                 <p>Land assessed value: <span id=\"{p}lblPrimaryLandAssessedValue\">{}</span></p>\n\
                 <p>Exemption: <span id=\"{p}lblPrimaryExemptionAssessedValue\">{}</span></p>\n\
                 <p>Net assessed value: <span id=\"{p}lblPrimaryTotalAssessedValue\">{}</span></p>\n\
                 <table id=\"{p}gvPrimaryDistricts\" class=\"grid\"><tr><th>District</th><th>Rate per $100</th>\
                 <th>Amount</th></tr>\n{rows}</table>\n\
                 <p>Total: <span id=\"{p}lblGrandTotalCurrentYear\">{}</span></p>\n",
                y.tax_year,
                y.assessed_value,
                exempt,
                y.assessed_value - exempt,
                money(billed)
            ));
        }
    }
    body.push_str(&links(prefix));
    shell("Detailed Tax Statement", "", &body)
}
