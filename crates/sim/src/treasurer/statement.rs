//! `DetailedTaxStatement.aspx`: the newest year's bill split into its taxing districts.

use super::bills::{cents, TaxTruth};
use super::html::{esc, money, shell, ID};
use super::page_parts::{districts, links, name_situs_legal, parcel_head};

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
