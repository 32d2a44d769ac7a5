//! The state machine every node applies to, and the global ledger that checks State Machine
//! Safety (paper §5.4.3: no two nodes apply different entries at the same index).
//!
//! A node's state machine is its *applied log*: one FNV-1a-64 hash per applied entry, over the
//! entry's term (8 bytes, little endian) followed by its data. Hashing the term as well as the
//! data makes two leaders' no-ops at the same index differ, so a divergent log cannot hide
//! behind identical payloads.

use raft_core::hash::Fnv;
use raft_core::types::{Index, Term};

/// FNV-1a-64 over `term` as 8 little-endian bytes followed by `data`.
pub fn entry_hash(term: Term, data: &[u8]) -> u64 {
    let mut h = Fnv::new();
    h.u64(term);
    h.bytes(data);
    h.0
}

/// For every log index, the hash of the entry the first node to apply it applied there
/// (position `i - 1` holds index `i`), and the count of applications that disagreed since.
#[derive(Debug, Default)]
pub struct Ledger {
    hashes: Vec<u64>,
    client_entries: u64,
    violations: u64,
}

impl Ledger {
    /// The highest index any node has applied.
    pub fn len(&self) -> Index {
        self.hashes.len() as Index
    }

    pub fn is_empty(&self) -> bool {
        self.hashes.is_empty()
    }

    /// How many of the applied indexes (1..=len) carry a client command, that is a non-empty
    /// payload; the rest are leaders' no-ops.
    pub fn client_entries(&self) -> u64 {
        self.client_entries
    }

    /// Applications that broke the rules: a hash differing from the ledger's at that index, or
    /// an index that was not the node's applied length + 1.
    pub fn violations(&self) -> u64 {
        self.violations
    }
}

/// One node's view while it applies: its own applied log and the shared ledger.
pub struct Applier<'a> {
    pub log: &'a mut Vec<u64>,
    pub ledger: &'a mut Ledger,
}

impl Applier<'_> {
    /// Applies the entry at `index`. A gap or a repeat is a violation and is not applied,
    /// so one bug is counted once rather than shifting every later index.
    pub fn apply(&mut self, index: Index, term: Term, data: &[u8]) {
        if index != self.log.len() as Index + 1 {
            self.ledger.violations += 1;
            return;
        }
        let h = entry_hash(term, data);
        let pos = (index - 1) as usize;
        match self.ledger.hashes.get(pos) {
            Some(&first) if first != h => self.ledger.violations += 1,
            Some(_) => {}
            None => {
                // `index` is exactly one past the end: this node's log has index - 1
                // entries, and the ledger is never shorter than any node's log.
                self.ledger.hashes.push(h);
                if !data.is_empty() {
                    self.ledger.client_entries += 1;
                }
            }
        }
        self.log.push(h);
    }
}

/// Whether one log is a prefix of the other (Log Matching as seen by the state machines).
pub fn prefix_consistent(a: &[u64], b: &[u64]) -> bool {
    let n = a.len().min(b.len());
    a[..n] == b[..n]
}

/// Whether every pair of logs is prefix-consistent.
pub fn pairwise_consistent<'a>(logs: impl IntoIterator<Item = &'a [u64]>) -> bool {
    let logs: Vec<&[u64]> = logs.into_iter().collect();
    logs.iter()
        .enumerate()
        .all(|(i, a)| logs[i + 1..].iter().all(|b| prefix_consistent(a, b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_hash_is_over_the_term_bytes_then_the_data() {
        let bytes = [7, 0, 0, 0, 0, 0, 0, 0, b'x', b'y'];
        assert_eq!(entry_hash(7, b"xy"), raft_core::hash::fnv1a(&bytes));
        // Two leaders' no-ops at one index differ by their term.
        assert_ne!(entry_hash(1, b""), entry_hash(2, b""));
    }

    #[test]
    fn ledger_counts_disagreements_and_gaps() {
        let mut ledger = Ledger::default();
        let (mut a, mut b) = (Vec::new(), Vec::new());
        let mut apply = |log: &mut Vec<u64>, index, term, data: &[u8]| {
            Applier {
                log,
                ledger: &mut ledger,
            }
            .apply(index, term, data)
        };
        apply(&mut a, 1, 1, b"");
        apply(&mut a, 2, 1, b"x");
        apply(&mut b, 1, 1, b"");
        apply(&mut b, 2, 2, b"x"); // same index, other term: a violation
        apply(&mut b, 5, 2, b"x"); // a gap: a violation, not applied
        assert_eq!(ledger.violations(), 2);
        assert_eq!(ledger.len(), 2);
        assert_eq!(ledger.client_entries(), 1);
        assert_eq!(b.len(), 2);
    }

    #[test]
    fn prefixes_are_consistent_and_forks_are_not() {
        assert!(pairwise_consistent([&[1, 2, 3][..], &[1, 2], &[]]));
        assert!(!pairwise_consistent([&[1, 2, 3][..], &[1, 4]]));
    }
}
