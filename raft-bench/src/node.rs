//! The one trait an implementation under test provides: how to drive *one* node.
//!
//! Everything above a single node (the network queue, drive-to-quiescence, message loss,
//! crashes, the applied logs and the ledger) lives in [`super::cluster::Cluster`] and is shared
//! by every implementation, so the two implementations cannot differ in how they are driven.

use super::ledger::Applier;
use raft_core::types::{Index, NodeId, Term};

/// A client command: `seq` (u64 LE) followed by `seq ^ 0x9E3779B97F4A7C15` (u64 LE).
pub type Payload = [u8; 16];

/// The payload of the `seq`-th proposal of a run.
pub fn payload(seq: u64) -> Payload {
    let mut p = [0u8; 16];
    p[..8].copy_from_slice(&seq.to_le_bytes());
    p[8..].copy_from_slice(&(seq ^ 0x9E37_79B9_7F4A_7C15).to_le_bytes());
    p
}

/// What a node is built with. The Raft parameters that do not vary (election_tick 10,
/// heartbeat_tick 1, max_size_per_msg 1 MiB, max_inflight 256) are fixed by each
/// implementation's adapter, as the spec lists them.
#[derive(Clone, Copy, Debug)]
pub struct NodeOpts {
    pub id: NodeId,
    /// Cluster size; the voters are 1..=n.
    pub n: u64,
    pub pre_vote: bool,
    pub check_quorum: bool,
    /// A seed for the node's own randomness (the randomized election timeout), drawn from the
    /// harness's `node_seeds` stream. Implementations with an unseeded RNG ignore it.
    pub seed: u64,
}

/// One Raft node as the harness drives it.
pub trait BenchNode: Sized {
    /// A message on the wire (moved, never serialized).
    type Msg;
    /// What survives a crash: the durable log and hard state.
    type Durable;
    /// The name printed in results (`impl=...`).
    const IMPL: &'static str;

    /// A fresh voter with an empty log, term 0 and no vote.
    fn boot(opts: &NodeOpts) -> Self;
    /// A crash: drops all volatile state, keeps what was persisted.
    fn crash(self) -> Self::Durable;
    /// A node rebuilt over the surviving state; `applied` is the length of its durable applied
    /// log, so committed entries up to it are not handed out again.
    fn restart(opts: &NodeOpts, durable: Self::Durable, applied: Index) -> Self;

    fn tick(&mut self);
    fn step(&mut self, msg: Self::Msg);
    /// The id a message is addressed to.
    fn recipient(msg: &Self::Msg) -> NodeId;

    /// Handles pending output once: appends outgoing messages to `outbox`, persists, applies
    /// committed entries through `sm` in index order. Returns whether there was anything to do
    /// (this is what the harness counts as one "ready").
    fn handle_ready(&mut self, outbox: &mut Vec<Self::Msg>, sm: &mut Applier<'_>) -> bool;

    /// Submits `payloads` as one proposal (one MsgProp with all entries) to this node.
    /// Returns false if the node rejected it.
    fn propose(&mut self, payloads: &[Payload]) -> bool;

    fn is_leader(&self) -> bool;
    fn term(&self) -> Term;
    /// The index of the last entry in the node's log.
    fn last_index(&self) -> Index;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_layout() {
        let p = payload(1);
        assert_eq!(u64::from_le_bytes(p[..8].try_into().unwrap()), 1);
        assert_eq!(
            u64::from_le_bytes(p[8..].try_into().unwrap()),
            1 ^ 0x9E37_79B9_7F4A_7C15
        );
    }
}
