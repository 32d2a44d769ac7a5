//! Stable storage: what survives a crash (paper Figure 2, "persistent state on all servers").
//!
//! The node writes here synchronously before it emits any message that depends on the write,
//! so every message in flight already reflects durable state. A simulated crash keeps this
//! struct and throws the node (role, commit index, leader, progress) away.

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
                    kind: Default::default(),
                })
                .collect(),
            applied_conf: None,
        }
    }
}
