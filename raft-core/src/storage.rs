//! Stable storage: what survives a crash (paper Figure 2, "persistent state on all servers").
//!
//! The node writes here synchronously before it emits any message that depends on the write,
//! so every message in flight already reflects durable state. A simulated crash keeps this
//! struct and throws the node (role, commit index, leader, progress) away.

use crate::config::ConfigError;
use crate::types::{ConfState, Entry, HardState, Index, Snapshot};
use alloc::boxed::Box;
use alloc::vec::Vec;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Storage {
    /// currentTerm and votedFor.
    pub hard_state: HardState,
    /// The compacted prefix of the log: entries up to `snapshot.index` live only in it.
    pub snapshot: Snapshot,
    /// The log after the snapshot: indexes snapshot.index + 1 ..= snapshot.index + len.
    pub entries: Vec<Entry>,
    /// The last configuration entry the node applied, by index, and the configuration it
    /// made (etcd persists the commit index and its server the configuration; our commit
    /// index is volatile, so this is what keeps a restarted node from campaigning in a
    /// configuration it had already left). None until a change is applied. Boxed, as it is
    /// rarely there and a node (which holds its storage) is moved whole.
    pub applied_conf: Option<Box<(Index, ConfState)>>,
    /// How far the node has applied its log: the configuration entries up to here are in
    /// `applied_conf` (or the snapshot) already, so a restart looks for them only above it
    /// (0 for storage from outside: it looks through the whole log).
    pub applied: Index,
}

impl Storage {
    /// Storage holding `terms.len()` entries with the given terms (indexes 1..), empty
    /// commands, at `term` with no vote: a cluster that has already run for a while.
    pub fn with_log(term: u64, terms: &[u64]) -> Storage {
        Storage {
            hard_state: HardState { term, vote: 0 },
            snapshot: Snapshot::default(),
            entries: terms
                .iter()
                .enumerate()
                .map(|(i, &t)| Entry {
                    term: t,
                    index: i as Index + 1,
                    data: Default::default(),
                })
                .collect(),
            applied_conf: None,
            applied: 0,
        }
    }

    /// Checks every entry: indexes follow the snapshot's without a gap, terms never go
    /// down, and none is above the current term. Linear in the log: for storage that comes
    /// from outside (a scenario's starting state, a test's); a node restarting on the
    /// storage it wrote itself checks only the ends (`check_ends`).
    pub fn check_log(&self) -> Result<(), ConfigError> {
        let mut prev_term = self.snapshot.term;
        for (i, e) in self.entries.iter().enumerate() {
            let expected = self.snapshot.index + i as Index + 1;
            if e.index != expected {
                return Err(ConfigError::LogGap {
                    index: e.index,
                    expected,
                });
            }
            if e.term < prev_term {
                return Err(ConfigError::LogTermDecreases { index: e.index });
            }
            prev_term = e.term;
        }
        self.check_ends()
    }

    /// The constant-time part of `check_log`: the first entry follows the snapshot, the last
    /// is where the count puts it, and neither term is out of order.
    pub fn check_ends(&self) -> Result<(), ConfigError> {
        let (Some(first), Some(last)) = (self.entries.first(), self.entries.last()) else {
            return Ok(());
        };
        let len = self.entries.len() as Index;
        for (e, expected) in [
            (first, self.snapshot.index + 1),
            (last, self.snapshot.index + len),
        ] {
            if e.index != expected {
                return Err(ConfigError::LogGap {
                    index: e.index,
                    expected,
                });
            }
        }
        if first.term < self.snapshot.term || last.term < first.term {
            let at = if first.term < self.snapshot.term {
                first.index
            } else {
                last.index
            };
            return Err(ConfigError::LogTermDecreases { index: at });
        }
        if last.term > self.hard_state.term {
            return Err(ConfigError::LogTermAboveCurrent {
                log_term: last.term,
                term: self.hard_state.term,
            });
        }
        Ok(())
    }
}
