//! The harness's own random numbers: SplitMix64, exactly as the workload spec defines it.
//!
//! The harness never uses the Raft implementation's generator, so the crash schedule and the
//! message drops are the same for every implementation and every run with the same seed.

/// The seed used when none is given on the command line.
pub const DEFAULT_SEED: u64 = 0x5EED_0000_0000_0001;

/// SplitMix64 (Steele, Lea and Flood): a 64-bit counter pushed through a mixing function.
#[derive(Clone, Debug)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub const fn new(seed: u64) -> SplitMix64 {
        SplitMix64 { state: seed }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform float in [0, 1): the top 53 bits scaled by 2^-53.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

/// The independent streams a run draws from.
///
/// The spec defines two: `crash` (seeded with `seed`) picks crash victims and `drop` (seeded
/// with `seed + 1`) decides message loss. Keeping them apart means the crash schedule does
/// not depend on how many messages an implementation sends. A third stream, `node_seeds`
/// (`seed + 2`), is ours: it hands a seed to every node an implementation boots, for
/// implementations that take one (raft-core's randomized election timeout); raft-rs ignores
/// it and uses its unseeded thread RNG.
#[derive(Clone, Debug)]
pub struct Streams {
    pub crash: SplitMix64,
    pub drop: SplitMix64,
    pub node_seeds: SplitMix64,
}

impl Streams {
    pub fn new(seed: u64) -> Streams {
        Streams {
            crash: SplitMix64::new(seed),
            drop: SplitMix64::new(seed.wrapping_add(1)),
            node_seeds: SplitMix64::new(seed.wrapping_add(2)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_reference_splitmix64_sequence() {
        // First outputs of the reference C implementation seeded with 0.
        let mut r = SplitMix64::new(0);
        assert_eq!(r.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(r.next_u64(), 0x6E78_9E6A_A1B9_65F4);
    }

    #[test]
    fn floats_are_in_the_unit_interval() {
        let mut r = SplitMix64::new(DEFAULT_SEED);
        for _ in 0..10_000 {
            let x = r.next_f64();
            assert!((0.0..1.0).contains(&x));
        }
    }

    #[test]
    fn streams_are_offset_by_one() {
        let mut s = Streams::new(7);
        assert_eq!(s.crash.next_u64(), SplitMix64::new(7).next_u64());
        assert_eq!(s.drop.next_u64(), SplitMix64::new(8).next_u64());
    }
}
