//! Deterministic hashing for the generator: every value is a pure function of the seed and a key.
//!
//! Nothing is stored per parcel, so the same (seed, key) must always give the same bits. SplitMix64
//! is small, fast and well mixed, which is all a data generator needs (it is not cryptographic).

/// One SplitMix64 step: a bijective mix of a 64-bit value.
pub fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Hashes a key made of several parts (seed, a tag naming the field, coordinates…).
pub fn mix(parts: &[u64]) -> u64 {
    parts
        .iter()
        .fold(0x243F_6A88_85A3_08D3, |acc, &p| splitmix(acc ^ p))
}

/// A short deterministic stream of pseudo-random values drawn from one key.
///
/// A parcel's fields are drawn from a stream in a fixed order; separate concerns (owner, deed,
/// valuations) use separate streams so cheap lookups never have to build the whole parcel.
#[derive(Debug, Clone)]
pub struct Stream {
    state: u64,
}

impl Stream {
    pub fn new(parts: &[u64]) -> Stream {
        Stream { state: mix(parts) }
    }

    /// The stream of `parts` then `last`, given `prefix = mix(parts)`: `mix` is a fold, so a
    /// caller drawing many streams that share their leading parts mixes those once.
    pub fn extend(prefix: u64, last: u64) -> Stream {
        Stream {
            state: splitmix(prefix ^ last),
        }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = splitmix(self.state);
        self.state
    }

    /// A value in `0..n` (`n` > 0; a zero `n` yields 0 rather than dividing by zero).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        self.next_u64() % n
    }

    /// A value in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi.saturating_sub(lo) + 1)
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// A uniform float in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// Tags that keep the streams of different concerns apart.
pub mod tag {
    pub const COUNT: u64 = 1;
    pub const SPLIT: u64 = 2;
    pub const OWNER: u64 = 3;
    pub const PARCEL: u64 = 4;
    pub const MAP: u64 = 5;
    pub const SUBDIVISION: u64 = 6;
    pub const DEED: u64 = 7;
    pub const VALUES: u64 = 8;
    pub const HOME: u64 = 9;
    pub const REGION: u64 = 10;
    pub const OFFSET: u64 = 11;
    pub const SHUFFLE: u64 = 12;
    pub const SAMPLE: u64 = 13;
    pub const FAULT: u64 = 14;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_deterministic_and_distinct() {
        let a: Vec<u64> = (0..4)
            .map(|_| 0)
            .scan(Stream::new(&[1, 2]), |s, _| Some(s.next_u64()))
            .collect();
        let b: Vec<u64> = (0..4)
            .map(|_| 0)
            .scan(Stream::new(&[1, 2]), |s, _| Some(s.next_u64()))
            .collect();
        let c: Vec<u64> = (0..4)
            .map(|_| 0)
            .scan(Stream::new(&[2, 1]), |s, _| Some(s.next_u64()))
            .collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
        let mut extended = Stream::extend(mix(&[1, 2, 3]), 4);
        let mut whole = Stream::new(&[1, 2, 3, 4]);
        assert_eq!(extended.next_u64(), whole.next_u64());
        let mut s = Stream::new(&[9]);
        for _ in 0..1000 {
            let v = s.range(3, 7);
            assert!((3..=7).contains(&v));
            assert!((0.0..1.0).contains(&s.unit()));
        }
    }
}
