//! `JobId`: the name of one batch job, as users type it after `--resume` and as it appears in
//! file names.

use super::LedgerError;
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// `20261129T081500Z-3f9a`: the UTC creation second, then random hex.
///
/// The time prefix makes ids sort by creation (so `mps jobs list` is newest first by a plain
/// sort) and tells a user at a glance which run an id belongs to; the random suffix keeps two
/// jobs started in the same second apart. Only ASCII digits, `T`, `Z`, `-` and lowercase hex
/// appear, so an id is safe as a file name on every platform, and [`JobId::parse`] refuses
/// anything else (a user-typed `../x` never reaches the file system).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct JobId(String);

const TIME_FORMAT: &str = "%Y%m%dT%H%M%SZ";
/// Length of the time prefix `YYYYMMDDTHHMMSSZ`.
const TIME_LEN: usize = 16;
/// Hex digits in a generated suffix: 65 536 ids per second, and collisions are caught when
/// the job's registry file is created.
const SUFFIX_LEN: usize = 4;
/// Longest suffix accepted from outside, so ids from a future mps with more randomness parse.
const MAX_SUFFIX_LEN: usize = 16;

impl JobId {
    /// A new id for a job created now.
    pub fn generate() -> JobId {
        JobId::at(Utc::now())
    }

    /// A new id for a job created at `time` (random suffix).
    pub fn at(time: DateTime<Utc>) -> JobId {
        let suffix = fastrand::u16(..);
        JobId(format!(
            "{}-{suffix:0SUFFIX_LEN$x}",
            time.format(TIME_FORMAT)
        ))
    }

    /// Validates an id typed by a user (surrounding spaces and upper-case hex are accepted).
    pub fn parse(given: &str) -> Result<JobId, LedgerError> {
        let invalid = || LedgerError::InvalidId {
            given: given.to_string(),
        };
        let s = given.trim().to_ascii_lowercase();
        let (time, suffix) = s.split_once('-').ok_or_else(invalid)?;
        // The time part was lower-cased with the rest; ids spell it `T` and `Z`.
        let time = time.to_ascii_uppercase();
        if time.len() != TIME_LEN || NaiveDateTime::parse_from_str(&time, TIME_FORMAT).is_err() {
            return Err(invalid());
        }
        if suffix.is_empty()
            || suffix.len() > MAX_SUFFIX_LEN
            || !suffix.bytes().all(|b| b.is_ascii_hexdigit())
        {
            return Err(invalid());
        }
        Ok(JobId(format!("{time}-{suffix}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The creation second encoded in the id.
    pub fn created_at(&self) -> Option<DateTime<Utc>> {
        NaiveDateTime::parse_from_str(self.0.get(..TIME_LEN)?, TIME_FORMAT)
            .ok()
            .map(|t| t.and_utc())
    }
}

impl fmt::Display for JobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for JobId {
    type Err = LedgerError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        JobId::parse(s)
    }
}

impl TryFrom<String> for JobId {
    type Error = LedgerError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        JobId::parse(&s)
    }
}

impl From<JobId> for String {
    fn from(id: JobId) -> String {
        id.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn generated_ids_parse_and_carry_their_time() {
        let t = Utc.with_ymd_and_hms(2026, 11, 29, 8, 15, 0).single();
        let Some(t) = t else {
            panic!("valid test date")
        };
        let id = JobId::at(t);
        assert!(id.as_str().starts_with("20261129T081500Z-"), "{id}");
        assert_eq!(id.as_str().len(), TIME_LEN + 1 + SUFFIX_LEN);
        assert_eq!(JobId::parse(id.as_str()).ok(), Some(id.clone()));
        assert_eq!(id.created_at(), Some(t));
    }

    #[test]
    fn ids_sort_by_creation_time() {
        let a = JobId::at(Utc.timestamp_opt(1_000_000_000, 0).unwrap());
        let b = JobId::at(Utc.timestamp_opt(1_000_000_001, 0).unwrap());
        assert!(a < b);
    }

    #[test]
    fn parse_normalises_case_and_spaces() {
        let id = JobId::parse(" 20261129t081500z-3F9A\n").map(|i| i.to_string());
        assert_eq!(id.ok().as_deref(), Some("20261129T081500Z-3f9a"));
    }

    #[test]
    fn parse_refuses_what_is_not_an_id() {
        for bad in [
            "",
            "latest",
            "../20261129T081500Z-3f9a",
            "20261129T081500Z",
            "20261129T081500Z-",
            "20261129T081500Z-xyz",
            "20261129T081500Z-3f9a/..",
            "20261339T081500Z-3f9a",
            "2026-11-29T08:15:00Z-3f9a",
            "20261129T081500Z-0123456789abcdef0",
        ] {
            let err = JobId::parse(bad).err().map(|e| e.to_string());
            assert!(
                err.as_deref().is_some_and(|m| m.contains("invalid job id")),
                "{bad:?} gave {err:?}"
            );
        }
    }

    #[test]
    fn serde_round_trip_validates() {
        let id = JobId::parse("20261129T081500Z-3f9a").ok();
        let json = serde_json::to_string(&id).ok();
        assert_eq!(json.as_deref(), Some("\"20261129T081500Z-3f9a\""));
        assert!(serde_json::from_str::<JobId>("\"../etc\"").is_err());
    }
}
