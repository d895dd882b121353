//! Durations in the config file: `30s`, `500ms`, `2h` (humantime) or a number of seconds.

use serde::{Deserialize, Deserializer};
use std::time::Duration;

/// Parses `30s`, `1m30s`, `500ms`, or a plain number of seconds (`2.5`).
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    if let Ok(secs) = t.parse::<f64>() {
        return if secs.is_finite() && secs >= 0.0 {
            Ok(Duration::from_secs_f64(secs))
        } else {
            Err(format!("{t:?} is not a duration"))
        };
    }
    humantime::parse_duration(t)
        .map_err(|e| format!("{t:?} is not a duration ({e}); write e.g. 30s, 500ms, 2h"))
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Raw {
    Num(f64),
    Text(String),
}

/// Serde adapter for `Duration` fields.
pub fn de<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    match Raw::deserialize(d)? {
        Raw::Num(n) => parse_duration(&n.to_string()),
        Raw::Text(s) => parse_duration(&s),
    }
    .map_err(serde::de::Error::custom)
}

/// Serde adapter for `Option<Duration>` fields (null or missing means none).
pub fn de_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
    match Option::<Raw>::deserialize(d)? {
        None => Ok(None),
        Some(Raw::Num(n)) => parse_duration(&n.to_string()).map(Some),
        Some(Raw::Text(s)) => parse_duration(&s).map(Some),
    }
    .map_err(serde::de::Error::custom)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert_eq!(parse_duration("30s").unwrap(), Duration::from_secs(30));
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_duration("2.5").unwrap(), Duration::from_millis(2500));
        assert_eq!(parse_duration("2h").unwrap(), Duration::from_secs(7200));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("-1").is_err());
    }
}
