//! raft-core's adapter: [`BenchNode`] for [`Node`].
//!
//! raft-core persists synchronously inside the node, so every message it emits already
//! reflects durable state and there is nothing to persist here. Handling a [`Ready`] is, in
//! the order its contract states: send its messages, apply its committed entries, then
//! `advance`. One *ready* is counted per node per drive round in which the node had a message
//! to send or an entry to apply.
//!
//! [`Ready`]: raft_core::Ready

use super::ledger::Applier;
use super::node::{BenchNode, NodeOpts, Payload};
use raft_core::types::{Index, NodeId, Role, Term};
use raft_core::{Bytes, Config, Message, Node, Storage};

pub struct CoreNode(Node);

fn config(o: &NodeOpts) -> Config {
    Config {
        id: o.id,
        peers: (1..=o.n).collect(),
        election_tick: 10,
        heartbeat_tick: 1,
        pre_vote: o.pre_vote,
        check_quorum: o.check_quorum,
        max_inflight: 256,
        max_size_per_msg: 1 << 20,
        record_events: false,
        seed: o.seed,
    }
}

impl BenchNode for CoreNode {
    type Msg = Message;
    type Durable = Storage;
    const IMPL: &'static str = "raft-core";

    fn boot(opts: &NodeOpts) -> Self {
        CoreNode(Node::new(config(opts), Storage::default()).expect("valid bench config"))
    }

    fn crash(self) -> Storage {
        self.0.into_storage()
    }

    fn restart(opts: &NodeOpts, durable: Storage, applied: Index) -> Self {
        CoreNode(Node::restart(config(opts), durable, applied).expect("valid bench config"))
    }

    fn tick(&mut self) {
        self.0.tick();
    }

    fn step(&mut self, msg: Message) {
        self.0.step(msg);
    }

    fn recipient(msg: &Message) -> NodeId {
        msg.to
    }

    fn handle_ready(&mut self, outbox: &mut Vec<Message>, sm: &mut Applier<'_>) -> bool {
        if !self.0.has_ready() {
            return false;
        }
        let rd = self.0.ready();
        let sent = !rd.messages.is_empty();
        outbox.append(rd.messages);
        // No compaction in these workloads, so no snapshot can ever be sent.
        assert!(rd.snapshot.is_none(), "unexpected snapshot");
        for e in rd.committed_entries {
            sm.apply(e.index, e.term, e.data.as_slice());
        }
        let applied = !rd.committed_entries.is_empty();
        self.0.advance();
        sent || applied
    }

    fn propose(&mut self, payloads: &[Payload]) -> bool {
        let batch: Vec<Bytes> = payloads.iter().map(|p| Bytes::new(p)).collect();
        self.0.propose(&batch).is_ok()
    }

    fn is_leader(&self) -> bool {
        self.0.role() == Role::Leader
    }

    fn term(&self) -> Term {
        self.0.term()
    }

    fn last_index(&self) -> Index {
        self.0.log().last_index()
    }
}
