//! Query-string values for the county services: everything but RFC 3986's unreserved
//! characters is percent-encoded (spaces as `%20`, which both services accept).

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

const UNRESERVED_KEPT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Encodes one query value.
pub fn encode(value: &str) -> String {
    utf8_percent_encode(value, UNRESERVED_KEPT).to_string()
}

#[cfg(test)]
mod tests {
    use super::encode;

    #[test]
    fn values_are_encoded() {
        assert_eq!(encode("10010 N 29TH ST"), "10010%20N%2029TH%20ST");
        assert_eq!(encode("O'BRIEN/SMITH&CO"), "O%27BRIEN%2FSMITH%26CO");
        assert_eq!(encode("MCDANELL-SMITH J_L.~"), "MCDANELL-SMITH%20J_L.~");
    }
}
