//! The harness's own random numbers: SplitMix64, exactly as the workload spec defines it.
//!
//! The harness never uses the Raft implementation's generator, so the crash schedule and the
//! message drops are the same for every implementation and every run with the same seed.

/// The seed used when none is given on the command line.
pub const DEFAULT_SEED: u64 = 0x5EED_0000_0000_0001;

/// SplitMix64, as the spec defines it: the core's own seeded generator is exactly that
/// algorithm (same outputs, same `next_f64`), so the harness reuses it. Its draws are still
/// the harness's own: a separate instance, never the one a node holds.
pub type SplitMix64 = raft_core::rng::Rng;

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
