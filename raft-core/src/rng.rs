//! A small seeded random number generator (SplitMix64).
//!
//! The core never touches global randomness: every node and the simulated network get a
//! generator seeded by the caller, so one seed replays a run bit for bit, natively and in wasm.

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rng {
    state: u64,
}

impl Rng {
    pub const fn new(seed: u64) -> Rng {
        Rng { state: seed }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform float in [0, 1) with 53 bits of precision.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A uniform integer in [lo, hi); `lo` when the range is empty.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            return lo;
        }
        // Lemire's multiply-shift: unbiased enough for timeouts and latencies, and branch-free.
        let span = hi - lo;
        lo + ((self.next_u64() as u128 * span as u128) >> 64) as u64
    }

    /// True with probability `p` (p <= 0 never draws true, p >= 1 always does).
    pub fn chance(&mut self, p: f64) -> bool {
        if p <= 0.0 {
            return false;
        }
        self.next_f64() < p
    }

    /// A generator for a sub-stream (a node, the network), derived so that streams differ.
    pub fn fork(seed: u64, stream: u64) -> Rng {
        let mut r = Rng::new(seed ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03));
        r.next_u64();
        r
    }
}

/// Why a text is not a seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeedError {
    /// Not decimal digits, nor `0x` and hex digits.
    NotANumber,
    /// A number above 2^64 - 1.
    TooLarge,
}

impl core::fmt::Display for SeedError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            SeedError::NotANumber => "a seed is a whole number, decimal or 0x-hex",
            SeedError::TooLarge => "a seed must fit in 64 bits",
        })
    }
}

impl core::error::Error for SeedError {}

/// A seed as people write one: decimal digits, or `0x` (or `0X`) and hex digits, nothing
/// else (no sign, no spaces), at most 2^64 - 1. The one reading of a seed for the scenario
/// language, the page's options and the command lines (which read all their numbers so).
pub fn parse_seed(text: &str) -> Result<u64, SeedError> {
    let (digits, radix) = match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => (hex, 16),
        None => (text, 10),
    };
    if digits.is_empty() {
        return Err(SeedError::NotANumber);
    }
    // Every character is looked at: "99999999999999999999x" is not a number at all.
    let mut n = Some(0u64);
    for b in digits.bytes() {
        let d = char::from(b).to_digit(radix).ok_or(SeedError::NotANumber)?;
        n = n.and_then(|n| n.checked_mul(u64::from(radix))?.checked_add(u64::from(d)));
    }
    n.ok_or(SeedError::TooLarge)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_are_decimal_or_hex() {
        assert_eq!(parse_seed("42"), Ok(42));
        assert_eq!(parse_seed("0x2a"), Ok(42));
        assert_eq!(parse_seed("0X2A"), Ok(42));
        assert_eq!(parse_seed("18446744073709551615"), Ok(u64::MAX));
        assert_eq!(parse_seed("0xFFFFFFFFFFFFFFFF"), Ok(u64::MAX));
        assert_eq!(parse_seed("0x0000000000000000001"), Ok(1));
        assert_eq!(parse_seed("18446744073709551616"), Err(SeedError::TooLarge));
        assert_eq!(parse_seed("0x10000000000000000"), Err(SeedError::TooLarge));
        assert_eq!(
            parse_seed("184467440737095516160x"),
            Err(SeedError::NotANumber)
        );
        for bad in [
            "", "0x", "x1", "-1", "+1", " 1", "1 ", "12x", "0xg", "1_000", "1.0",
        ] {
            assert_eq!(parse_seed(bad), Err(SeedError::NotANumber), "{bad:?}");
        }
    }

    #[test]
    fn same_seed_same_sequence() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
    }

    #[test]
    fn range_stays_in_bounds() {
        let mut r = Rng::new(1);
        for _ in 0..10_000 {
            let x = r.range(10, 20);
            assert!((10..20).contains(&x));
        }
        assert_eq!(r.range(5, 5), 5);
    }

    #[test]
    fn splitmix_matches_reference_values() {
        // First outputs of SplitMix64 seeded with 0, as published with the algorithm.
        let mut r = Rng::new(0);
        assert_eq!(r.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(r.next_u64(), 0x6E78_9E6A_A1B9_65F4);
    }
}
