//! raft-rs's adapter: `BenchNode` for `RawNode<MemStorage>`, handling Readies exactly as the
//! workload spec's "Ready handling" section (the raft-rs 0.7 protocol of its examples).

use std::sync::OnceLock;

use raft::eraftpb::{ConfState, Entry, Message, MessageType};
use raft::storage::MemStorage;
use raft::{Config, RawNode, StateRole};
use raft_bench::{Applier, BenchNode, NodeOpts, Payload};
use slog::{o, Discard, Logger};

pub struct RsNode(RawNode<MemStorage>);

/// One logger that throws everything away, so logging costs raft-rs nothing.
fn logger() -> &'static Logger {
    static LOGGER: OnceLock<Logger> = OnceLock::new();
    LOGGER.get_or_init(|| Logger::root(Discard, o!()))
}

/// The spec's parameters; the rest are raft-rs defaults (randomized election timeout in
/// [10, 20), skip_bcast_commit and batch_append off, no size limits).
fn config(o: &NodeOpts, applied: u64) -> Config {
    Config {
        id: o.id,
        election_tick: 10,
        heartbeat_tick: 1,
        applied,
        max_size_per_msg: 1 << 20,
        max_inflight_msgs: 256,
        check_quorum: o.check_quorum,
        pre_vote: o.pre_vote,
        ..Config::default()
    }
}

fn start(o: &NodeOpts, storage: MemStorage, applied: u64) -> RsNode {
    let node = RawNode::new(&config(o, applied), storage, logger()).expect("valid bench config");
    RsNode(node)
}

fn apply(sm: &mut Applier<'_>, entries: &[Entry]) {
    for e in entries {
        sm.apply(e.index, e.term, &e.data[..]);
    }
}

impl BenchNode for RsNode {
    type Msg = Message;
    /// MemStorage shares its log and hard state behind an `Arc`: the clone kept at a crash is
    /// what survives when the `RawNode` is dropped.
    type Durable = MemStorage;
    const IMPL: &'static str = "raft-rs";

    fn boot(o: &NodeOpts) -> Self {
        let voters: Vec<u64> = (1..=o.n).collect();
        let storage = MemStorage::new_with_conf_state(ConfState::from((voters, vec![])));
        start(o, storage, 0)
    }

    fn crash(self) -> MemStorage {
        self.0.store().clone()
    }

    fn restart(o: &NodeOpts, storage: MemStorage, applied: u64) -> Self {
        start(o, storage, applied)
    }

    fn tick(&mut self) {
        self.0.tick();
    }

    fn step(&mut self, msg: Message) {
        // Errors (a response from an unknown peer) are ignored, as a transport would.
        let _ = self.0.step(msg);
    }

    fn recipient(msg: &Message) -> u64 {
        msg.to
    }

    fn handle_ready(&mut self, outbox: &mut Vec<Message>, sm: &mut Applier<'_>) -> bool {
        let node = &mut self.0;
        if !node.has_ready() {
            return false;
        }
        // 1. The leader's messages may leave before persisting.
        let mut rd = node.ready();
        outbox.extend(rd.take_messages());
        // 2. No compaction, so never a snapshot.
        assert!(
            rd.snapshot().is_empty(),
            "unexpected snapshot in a workload without compaction"
        );
        // 3. Apply.
        apply(sm, &rd.take_committed_entries());
        // 4 and 5. Persist entries and hard state.
        if !rd.entries().is_empty() {
            node.store()
                .wl()
                .append(rd.entries())
                .expect("append to MemStorage");
        }
        if let Some(hs) = rd.hs() {
            node.store().wl().set_hardstate(hs.clone());
        }
        // 6. Followers' and candidates' messages, only after persisting.
        outbox.extend(rd.take_persisted_messages());
        // 7. The light ready: a new commit index, more messages and entries to apply.
        let mut light = node.advance(rd);
        if let Some(commit) = light.commit_index() {
            node.store().wl().mut_hard_state().set_commit(commit);
        }
        outbox.extend(light.take_messages());
        apply(sm, &light.take_committed_entries());
        node.advance_apply();
        true
    }

    fn propose(&mut self, payloads: &[Payload]) -> bool {
        // One MsgPropose carrying the whole batch, as RawNode::propose builds it for one entry.
        let entries: Vec<Entry> = payloads
            .iter()
            .map(|p| Entry {
                data: p.to_vec().into(),
                ..Default::default()
            })
            .collect();
        let mut m = Message::default();
        m.set_msg_type(MessageType::MsgPropose);
        m.from = self.0.raft.id;
        m.set_entries(entries.into());
        self.0.step(m).is_ok()
    }

    fn is_leader(&self) -> bool {
        self.0.raft.state == StateRole::Leader
    }

    fn term(&self) -> u64 {
        self.0.raft.term
    }

    fn last_index(&self) -> u64 {
        self.0.raft.raft_log.last_index()
    }
}
