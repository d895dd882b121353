//! `Numeric`: a decimal sent to PostgreSQL as a binary NUMERIC.
//!
//! The postgres crate has no NUMERIC support of its own (only through rust_decimal), and
//! binary COPY needs every column in its exact binary format, so dollar amounts and ratios
//! are encoded here: base-10000 digit groups, a weight, a sign and a display scale.

use bytes::BytesMut;
use postgres::types::{to_sql_checked, IsNull, ToSql, Type};
use std::error::Error;

const POSITIVE: u16 = 0x0000;
const NEGATIVE: u16 = 0x4000;
/// `numeric(14, 2)` holds 12 integer digits.
const MAX_CENTS_COLUMN: f64 = 999_999_999_999.99;

/// A finite decimal value in PostgreSQL's NUMERIC wire form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Numeric {
    weight: i16,
    sign: u16,
    dscale: u16,
    digits: Vec<i16>,
}

impl Numeric {
    /// Dollars and cents: the value rounded to 2 decimals. `None` for NaN, infinities and
    /// amounts a `numeric(14, 2)` column cannot hold (a garbled amount must not fail the
    /// whole batch with "numeric field overflow").
    pub fn cents(v: f64) -> Option<Numeric> {
        (v.is_finite() && v.abs() < MAX_CENTS_COLUMN)
            .then(|| Numeric::parse(&format!("{v:.2}")))
            .flatten()
    }

    /// The shortest decimal that reads back as `v` (0.1 stays 0.1, not 0.1000000000000000055).
    pub fn exact(v: f64) -> Option<Numeric> {
        v.is_finite()
            .then(|| Numeric::parse(&v.to_string()))
            .flatten()
    }

    /// Parses `-123.4500`-style text (no exponent); `None` if it is anything else.
    pub fn parse(text: &str) -> Option<Numeric> {
        let (negative, body) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (int_part, frac_part) = body.split_once('.').unwrap_or((body, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if (int_part.is_empty() && frac_part.is_empty())
            || !all_digits(int_part)
            || !all_digits(frac_part)
        {
            return None;
        }
        let dscale = u16::try_from(frac_part.len()).ok()?;
        let int_part = int_part.trim_start_matches('0');

        // Integer digits group from the decimal point leftwards, fraction digits rightwards.
        let int_pad = (4 - int_part.len() % 4) % 4;
        let int_text = format!("{}{int_part}", "0".repeat(int_pad));
        let frac_pad = (4 - frac_part.len() % 4) % 4;
        let frac_text = format!("{frac_part}{}", "0".repeat(frac_pad));
        let group = |s: &str| -> Vec<i16> {
            s.as_bytes()
                .chunks(4)
                .map(|c| c.iter().fold(0i16, |acc, b| acc * 10 + i16::from(b - b'0')))
                .collect()
        };
        let int_groups = group(&int_text);
        let mut digits = int_groups.clone();
        digits.extend(group(&frac_text));
        let mut weight = i16::try_from(int_groups.len()).ok()? - 1;

        // Leading zero groups move the weight; trailing ones carry no information.
        let leading = digits.iter().take_while(|d| **d == 0).count();
        digits.drain(..leading);
        weight -= i16::try_from(leading).ok()?;
        while digits.last() == Some(&0) {
            digits.pop();
        }
        let zero = digits.is_empty();
        Some(Numeric {
            weight: if zero { 0 } else { weight },
            sign: if negative && !zero {
                NEGATIVE
            } else {
                POSITIVE
            },
            dscale,
            digits,
        })
    }
}

impl ToSql for Numeric {
    fn to_sql(&self, _: &Type, out: &mut BytesMut) -> Result<IsNull, Box<dyn Error + Sync + Send>> {
        let ndigits = i16::try_from(self.digits.len())?;
        out.extend_from_slice(&ndigits.to_be_bytes());
        out.extend_from_slice(&self.weight.to_be_bytes());
        out.extend_from_slice(&self.sign.to_be_bytes());
        out.extend_from_slice(&self.dscale.to_be_bytes());
        for d in &self.digits {
            out.extend_from_slice(&d.to_be_bytes());
        }
        Ok(IsNull::No)
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::NUMERIC
    }

    to_sql_checked!();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(n: &Numeric) -> (i16, u16, u16, Vec<i16>) {
        (n.weight, n.sign, n.dscale, n.digits.clone())
    }

    #[test]
    fn groups_digits_in_base_10000() {
        let n = Numeric::parse("12345.678").unwrap();
        assert_eq!(parts(&n), (1, POSITIVE, 3, vec![1, 2345, 6780]));
        let n = Numeric::parse("-0.0001").unwrap();
        assert_eq!(parts(&n), (-1, NEGATIVE, 4, vec![1]));
        let n = Numeric::parse("10000").unwrap();
        assert_eq!(parts(&n), (1, POSITIVE, 0, vec![1]));
        let n = Numeric::parse("-0.00").unwrap();
        assert_eq!(parts(&n), (0, POSITIVE, 2, vec![]));
    }

    #[test]
    fn money_rounds_to_cents_and_ratios_stay_short() {
        assert_eq!(Numeric::cents(1234.5), Numeric::parse("1234.50"));
        assert_eq!(Numeric::exact(0.1), Numeric::parse("0.1"));
        assert_eq!(Numeric::cents(f64::NAN), None);
        assert_eq!(Numeric::cents(1e13), None);
        assert_eq!(Numeric::parse("1e5"), None);
        assert_eq!(Numeric::parse("."), None);
    }
}
