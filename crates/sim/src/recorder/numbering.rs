//! Recording numbers that lead back to their parcel: `YYYY` + a 7-digit sequence.
//!
//! Parcels get a dense index `d` (0..total, about 3.5 million: the parcels of the maps before,
//! plus the parcel number). Each parcel owns two slots a year, the sequence being
//!
//! ```text
//! seq = OFFSET + 2·P(d) + slot        P(d) = (mult·d + shift) mod total
//! ```
//!
//! so a deed (slot 0) and the deed of trust recorded with it (slot 1) get consecutive numbers,
//! as they do at the county, and any number decodes to (year, parcel, slot) with a modular
//! inverse. Sequences below `OFFSET` are never generated: the captured reference numbers
//! (`20180142724`, `20190512345`) live there without colliding. P does not depend on the year,
//! so a parcel's documents share two sequences across years; the Assessor's reference data
//! relies on that (it re-dates a generated deed number by changing only its year).
//!
//! The dense index needs the prefix sums of 49,500 map sizes; they are computed once per seed
//! and shared, because every parcel build asks for its deed number.

use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use chrono::{Datelike, NaiveDate};

use crate::county::County;
use crate::hash::mix;
use crate::layout::{mod_inverse, Key, MAP_COUNT};

/// The smallest generated sequence; lower ones are left to captured numbers.
pub const OFFSET: u64 = 1_000_000;
/// Documents a parcel can have recorded in one year.
pub const SLOTS: u64 = 2;
/// One past the largest 7-digit sequence.
const SEQ_LIMIT: u64 = 10_000_000;
/// Keeps this permutation's stream apart from the generator's own tags.
const TAG_NUMBERING: u64 = 0x5245_434E;

/// The numbering of one county.
#[derive(Debug)]
pub struct Numbering {
    seed: u64,
    /// `prefix[g]`: parcel numbers laid out in maps before `g` (`MAP_COUNT + 1` entries).
    prefix: Vec<u64>,
    total: u64,
    mult: u64,
    mult_inverse: u64,
    shift: u64,
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

impl Numbering {
    fn build(county: &County) -> Numbering {
        let mut prefix = Vec::with_capacity(MAP_COUNT as usize + 1);
        let mut sum = 0u64;
        for g in 0..MAP_COUNT {
            prefix.push(sum);
            sum += u64::from(county.layout.count(g));
        }
        prefix.push(sum);
        let total = sum.max(1);
        // Near the golden ratio of the range, so neighbouring parcels land far apart.
        let mut mult = (total as f64 * 0.618_033_988_7) as u64 | 1;
        while gcd(mult, total) != 1 {
            mult += 2;
        }
        Numbering {
            seed: county.seed,
            prefix,
            total,
            mult,
            mult_inverse: mod_inverse(mult % total, total).unwrap_or(1),
            shift: mix(&[county.seed, TAG_NUMBERING]) % total,
        }
    }

    /// The numbering of `county`, computed on first use for its seed.
    pub fn of(county: &County) -> Arc<Numbering> {
        // A county is a pure function of its seed, so the seed is a sufficient cache key.
        static CACHE: OnceLock<Mutex<Vec<Arc<Numbering>>>> = OnceLock::new();
        let cache = CACHE.get_or_init(|| Mutex::new(Vec::new()));
        let mut cached = cache.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(n) = cached.iter().find(|n| n.seed == county.seed) {
            return n.clone();
        }
        let n = Arc::new(Numbering::build(county));
        if cached.len() >= 8 {
            cached.remove(0);
        }
        cached.push(n.clone());
        n
    }

    /// The dense index of a laid-out key.
    fn dense(&self, key: Key) -> Option<u64> {
        let start = *self.prefix.get(key.0 as usize)?;
        let end = *self.prefix.get(key.0 as usize + 1)?;
        let d = start + u64::from(key.1).checked_sub(1)?;
        (d < end).then_some(d)
    }

    /// The key of a dense index.
    fn key(&self, d: u64) -> Option<Key> {
        if d >= self.total {
            return None;
        }
        let g = self
            .prefix
            .partition_point(|&start| start <= d)
            .checked_sub(1)?;
        let p = d - self.prefix[g] + 1;
        Some((g as u32, u16::try_from(p).ok()?))
    }

    /// The 7-digit sequence of `key`'s `slot` (the same every year).
    pub fn sequence(&self, key: Key, slot: u8) -> Option<u64> {
        let d = self.dense(key)?;
        let seq = OFFSET + SLOTS * ((self.mult * d + self.shift) % self.total) + u64::from(slot);
        (u64::from(slot) < SLOTS && seq < SEQ_LIMIT).then_some(seq)
    }

    /// The recording number of `key`'s `slot` in `year`.
    pub fn number(&self, year: i32, key: Key, slot: u8) -> Option<String> {
        let seq = self.sequence(key, slot)?;
        let year = u16::try_from(year)
            .ok()
            .filter(|y| (1000..=9999).contains(y))?;
        Some(recording_number(year, seq))
    }

    /// The number of the deed that made `key`'s owner the owner, recorded on `date`.
    pub fn deed_number(&self, key: Key, date: NaiveDate) -> String {
        self.number(date.year(), key, 0)
            .unwrap_or_else(|| format!("{}{:07}", date.year(), 0))
    }

    /// (year, key, slot) of a generated recording number; `None` for anything else (wrong
    /// length, not digits, a sequence below `OFFSET` or past the parcels).
    pub fn decode(&self, number: &str) -> Option<(i32, Key, u8)> {
        if number.len() != 11 || !number.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let year: i32 = number[..4].parse().ok()?;
        let seq: u64 = number[4..].parse().ok()?;
        let x = seq.checked_sub(OFFSET)?;
        let (y, slot) = (x / SLOTS, (x % SLOTS) as u8);
        if y >= self.total {
            return None;
        }
        let d = (self.mult_inverse * ((y + self.total - self.shift) % self.total)) % self.total;
        Some((year, self.key(d)?, slot))
    }
}

/// `YYYY` and the sequence in 7 digits (`format!("{year}{seq:07}")` for a 4-digit year and a
/// 7-digit sequence), written digit by digit: histories write out many numbers per search.
fn recording_number(year: u16, seq: u64) -> String {
    let mut digits = [b'0'; 11];
    let mut rest = u64::from(year) * 10_000_000 + seq % 10_000_000;
    for d in digits.iter_mut().rev() {
        *d = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
    digits.iter().map(|&d| char::from(d)).collect()
}

impl County {
    /// The recording number of the deed that made `key`'s owner the owner, recorded on `date`.
    ///
    /// The Assessor's `MostCurrentDeed` must be this number for the Recorder to find the deed
    /// by number (the parcel build should set `owner.deed_number` from it).
    pub(crate) fn recorder_deed_number(&self, key: Key, date: NaiveDate) -> String {
        Numbering::of(self).deed_number(key, date)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip_and_fit_seven_digits() {
        for seed in [1, 42, 7777] {
            let county = County::new(seed);
            let n = Numbering::of(&county);
            assert!(
                OFFSET + SLOTS * n.total <= SEQ_LIMIT,
                "seed {seed}: {} parcels do not fit",
                n.total
            );
            for g in (0..MAP_COUNT).step_by(4_999) {
                for p in [1, county.layout.count(g)] {
                    for slot in 0..2u8 {
                        let number = n.number(2015, (g, p), slot).expect("numbered");
                        assert_eq!(number.len(), 11, "{number}");
                        assert_eq!(n.decode(&number), Some((2015, (g, p), slot)));
                    }
                }
            }
        }
    }

    #[test]
    fn numbers_are_written_as_formatting_writes_them() {
        for (year, seq) in [
            (1000, 0),
            (1971, 1_000_000),
            (2025, 9_999_999),
            (9999, 1_234_567),
        ] {
            assert_eq!(recording_number(year, seq), format!("{year}{seq:07}"));
        }
    }

    #[test]
    fn deed_and_its_deed_of_trust_are_consecutive() {
        let county = County::new(42);
        let n = Numbering::of(&county);
        let deed = n.sequence((10, 3), 0).expect("seq");
        assert_eq!(n.sequence((10, 3), 1), Some(deed + 1));
        assert_eq!(
            n.decode("20180142724"),
            None,
            "captured numbers are below OFFSET"
        );
        assert_eq!(n.decode("2018014272"), None);
        assert_eq!(n.decode("2018014272x"), None);
    }
}
