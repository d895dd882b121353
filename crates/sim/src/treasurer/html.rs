//! Small HTML helpers shared by the Treasurer's pages: escaping, money and date formats, and
//! the site's page shell.

use chrono::NaiveDate;

/// The prefix of every legacy content element id (county-services.md 2.2).
pub const ID: &str = "cphMainContent_cphRightColumn_";

pub const SITE_NAME: &str = "Maricopa County Treasurer's Office";

/// Escapes text for element content and double-quoted attributes.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Cents as the site prints dollars: `$1,234.56`.
pub fn money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    let whole = (cents / 100).to_string();
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("{sign}${grouped}.{:02}", cents % 100)
}

/// `MM/DD/YYYY`, as the site prints dates.
pub fn mdy(d: NaiveDate) -> String {
    d.format("%m/%d/%Y").to_string()
}

/// A whole page: the site's header and footer around `body`.
pub fn shell(title: &str, head_extra: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{title} - {site}</title>\n{head_extra}</head>\n<body>\n\
         <header class=\"site-header\">{site}</header>\n\
         {body}\n<footer class=\"site-footer\">&copy; Maricopa County Treasurer</footer>\n\
         </body>\n</html>\n",
        title = esc(title),
        site = esc(SITE_NAME),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(money(0), "$0.00");
        assert_eq!(money(5), "$0.05");
        assert_eq!(money(123_456), "$1,234.56");
        assert_eq!(money(123_456_789), "$1,234,567.89");
        assert_eq!(money(-100), "-$1.00");
        assert_eq!(esc("A&B <\"x\">"), "A&amp;B &lt;&quot;x&quot;&gt;");
    }
}
