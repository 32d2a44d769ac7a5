//! FNV-1a, 64 bits: a fixed, portable hash. std's hasher is keyed at random per process, so
//! anything that must come out the same on every run and platform (a run's trace hash, the
//! safety checker's entry hashes and maps, the benchmark ledger) hashes with this one.
//!
//! The protocol itself hashes nothing; this lives here because it is the one crate every
//! other one depends on.

/// The FNV-1a state: feed it bytes, read the hash in `.0` (or with `Hasher::finish`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fnv(pub u64);

impl Fnv {
    /// The FNV-1a 64-bit offset basis.
    pub const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    /// The FNV-1a 64-bit prime.
    pub const PRIME: u64 = 0x0000_0100_0000_01b3;

    #[inline]
    pub const fn new() -> Fnv {
        Fnv(Fnv::OFFSET)
    }

    /// Continues the hash over `data`.
    #[inline]
    pub fn bytes(&mut self, data: &[u8]) {
        for &b in data {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(Fnv::PRIME);
        }
    }

    /// Continues the hash over `x` as 8 little-endian bytes (the same on every platform).
    #[inline]
    pub fn u64(&mut self, x: u64) {
        self.bytes(&x.to_le_bytes());
    }
}

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv::new()
    }
}

impl core::hash::Hasher for Fnv {
    fn write(&mut self, bytes: &[u8]) {
        self.bytes(bytes);
    }

    fn write_u64(&mut self, n: u64) {
        self.u64(n);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// The FNV-1a hash of `data`.
#[inline]
pub fn fnv1a(data: &[u8]) -> u64 {
    let mut h = Fnv::new();
    h.bytes(data);
    h.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_published_test_vectors() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn a_u64_is_its_little_endian_bytes() {
        let mut a = Fnv::new();
        a.u64(0x0102_0304_0506_0708);
        let mut b = Fnv::new();
        b.bytes(&[8, 7, 6, 5, 4, 3, 2, 1]);
        assert_eq!(a, b);
    }
}
