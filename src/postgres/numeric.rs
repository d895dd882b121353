//! Dollar amounts and ratios as `rust_decimal::Decimal`, which PostgreSQL takes as NUMERIC
//! (rust_decimal's `db-postgres` feature implements `ToSql`/`FromSql` for it; binary COPY
//! and parameters both use that encoding).
//!
//! Money arrives as `Decimal` already (exact cents from the Treasurer's pages); ratios
//! arrive as floats. The two functions here decide what each column is sent.

use rust_decimal::{Decimal, RoundingStrategy};

/// `numeric(14, 2)` holds 12 integer digits.
const MAX_CENTS_COLUMN: Decimal = Decimal::from_parts(276_447_231, 23_283, 0, false, 2);

/// Dollars and cents: the amount with a scale of 2 (rounded half away from zero, should it
/// have more). `None` for amounts a `numeric(14, 2)` column cannot hold (a garbled amount
/// must not fail the whole batch with "numeric field overflow").
pub(crate) fn cents(v: Decimal) -> Option<Decimal> {
    let mut d = v.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    // Only ever adds zeros now: `1234.5` is sent as `1234.50`.
    d.rescale(2);
    (d.abs() <= MAX_CENTS_COLUMN).then_some(d)
}

/// The shortest decimal that reads back as `v` (0.1 stays 0.1, not 0.1000000000000000055).
/// `None` for NaN, infinities and the few floats a `Decimal` cannot hold exactly (beyond
/// about ±7.9e28, or more than 28 decimals).
pub(crate) fn exact(v: f64) -> Option<Decimal> {
    // `Display` for f64 is the shortest round-trip form, never with an exponent.
    v.is_finite()
        .then(|| Decimal::from_str_exact(&v.to_string()).ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(text: &str) -> Decimal {
        Decimal::from_str_exact(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn decimals_keep_their_digits_and_scale() {
        // The values the hand-written encoder was tested with (see tests.rs for the round
        // trip through PostgreSQL).
        for (text, mantissa, scale) in [
            ("12345.678", 12_345_678, 3),
            ("-0.0001", -1, 4),
            ("10000", 10_000, 0),
            ("-0.00", 0, 2),
        ] {
            let d = dec(text);
            assert_eq!((d.mantissa(), d.scale()), (mantissa, scale), "{text}");
        }
        assert!(dec("-0.00").is_zero());
    }

    #[test]
    fn money_rounds_to_cents_and_ratios_stay_short() {
        assert_eq!(MAX_CENTS_COLUMN.to_string(), "999999999999.99");
        let cents_text = |text: &str| cents(dec(text)).map(|d| d.to_string());
        assert_eq!(cents_text("1234.5"), Some("1234.50".into()));
        assert_eq!(cents(dec("1234.5")), Some(dec("1234.50")));
        assert_eq!(cents_text("0.125"), Some("0.13".into()));
        assert_eq!(cents_text("-2.005"), Some("-2.01".into()));
        assert_eq!(exact(0.1).map(|d| d.to_string()), Some("0.1".into()));
        assert_eq!(exact(0.1), Some(dec("0.1")));
        assert_eq!(exact(-16.0).map(|d| d.to_string()), Some("-16".into()));
        assert_eq!(exact(f64::NAN), None);
        assert_eq!(exact(f64::NEG_INFINITY), None);
        assert_eq!(cents(dec("10000000000000")), None);
        assert_eq!(cents(dec("-1000000000000.00")), None);
        assert_eq!(
            cents_text("-999999999999.99"),
            Some("-999999999999.99".into())
        );
        assert_eq!(
            cents_text("999999999999.98"),
            Some("999999999999.98".into())
        );
    }
}
