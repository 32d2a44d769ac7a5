//! The hand-off between a node and its caller, in the manner of raft-rs's and etcd's
//! `Ready` / `Advance`: everything a node produced, in one value, and the one place that
//! says in which order the caller deals with it.

use crate::event::Event;
use crate::message::Message;
use crate::node::Node;
use crate::types::{Entry, HardState, Snapshot};
use crate::why::Why;
use alloc::vec::Vec;

/// What a node has for its caller: what to persist, send, apply and report.
///
/// After any input (`tick`, `step`, `propose`, `campaign`, `transfer_leader`,
/// `report_snapshot`, `compact`), while [`Node::has_ready`] says so, the caller takes
/// [`Node::ready`] and deals with it in this order:
///
/// 1. **Persist** `hard_state`, `entries` and `snapshot` to stable storage. (The node keeps
///    its [`Storage`](crate::Storage) itself and has written them there already; a caller
///    that keeps stable storage elsewhere, a disk, writes them there now.)
/// 2. **Send** `messages`, and only once step 1 is done: a message may promise what was
///    just persisted (a vote, an acknowledged entry).
/// 3. **Apply**: load `snapshot` into the state machine first, then apply
///    `committed_entries` in order.
/// 4. **Report** `events` (etcd's log lines), if it records them.
/// 5. Call [`Node::advance`]: the node takes it that everything was done, and counts the
///    entries handed over as applied; the configuration entries among them take effect
///    (their events come in the next Ready). Nothing of this Ready is handed out again; what the
///    caller did not take of `messages` and `events` is dropped.
///
/// No input may reach the node between `ready` and `advance`: the Ready borrows the node.
/// A snapshot of the application's own (log compaction, [`Node::compact`]) is the caller's
/// doing and is not handed back.
#[derive(Debug)]
pub struct Ready<'a> {
    /// The term and vote, when they changed since the last Ready.
    pub hard_state: Option<HardState>,
    /// Log entries written since the last Ready, in index order. Stored entries at and after
    /// `entries[0].index` are replaced by them (a leader overwrote a conflicting suffix).
    pub entries: &'a [Entry],
    /// A snapshot received from the leader. It replaces the log up to its index; the state
    /// machine loads it before applying any committed entry.
    pub snapshot: Option<Snapshot>,
    /// Messages to send (take them: `out.append(rd.messages)`).
    pub messages: &'a mut Vec<Message>,
    /// Committed entries to apply, in index order, none handed out before.
    pub committed_entries: &'a [Entry],
    /// What the node did, in etcd's wording (empty unless it records events).
    pub events: &'a mut Vec<Event>,
    /// Why answers among `messages` say what they say: (position in `messages`, the rule's
    /// reason), for a vote granted or refused, an append accepted or rejected (empty unless
    /// it records events). Take them with `messages`.
    pub reasons: &'a mut Vec<(usize, Why)>,
}

impl Node {
    /// Whether the node has anything for its caller (see [`Ready`]).
    pub fn has_ready(&self) -> bool {
        !self.out.msgs.is_empty()
            || !self.out.events.is_empty()
            || self.log.storage().hard_state != self.prev_hard_state
            || self.log.has_changes()
            || self.log.has_snapshot_to_apply()
            || self.log.has_entries_to_apply()
    }

    /// Everything the node has for its caller since the last [`Node::advance`], to deal
    /// with in the order [`Ready`] states, then `advance`.
    pub fn ready(&mut self) -> Ready<'_> {
        let hs = self.log.storage().hard_state;
        let hard_state = (hs != self.prev_hard_state).then_some(hs);
        self.prev_hard_state = hs;
        let written_from = self.log.take_changed_from();
        let snapshot = self.log.take_snapshot_to_apply();
        let handed_before = self.log.start_applying();
        let log = &self.log;
        Ready {
            hard_state,
            entries: log.slice(written_from, log.last_index()),
            snapshot,
            messages: &mut self.out.msgs,
            committed_entries: log.slice(handed_before + 1, log.committed()),
            events: &mut self.out.events,
            reasons: &mut self.out.reasons,
        }
    }

    /// The caller dealt with the last [`Ready`]: its snapshot and committed entries are
    /// applied, and whatever of its messages and events was not taken is dropped.
    pub fn advance(&mut self) {
        self.out.msgs.clear();
        self.out.events.clear();
        self.out.reasons.clear();
        let before = self.log.applied();
        self.log.applied_all();
        let applied = self.log.applied();
        if applied > before {
            // Configuration entries take effect now that they are applied (membership.rs).
            self.applied_to(before, applied);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::message::Body;
    use crate::storage::Storage;
    use crate::types::{Bytes, Index, NodeId};
    use alloc::boxed::Box;
    use alloc::vec;

    fn node(id: NodeId, storage: Storage) -> Node {
        let cfg = Config {
            id,
            peers: vec![1, 2, 3],
            pre_vote: false,
            ..Config::default()
        };
        Node::new(cfg, storage).unwrap()
    }

    fn from_leader(to: NodeId, body: Body) -> Message {
        Message {
            from: 1,
            to,
            term: 1,
            body,
        }
    }

    fn entry(index: Index) -> Entry {
        Entry {
            term: 1,
            index,
            data: Bytes::from("x"),
        }
    }

    fn indexes(entries: &[Entry]) -> Vec<Index> {
        entries.iter().map(|e| e.index).collect()
    }

    #[test]
    fn a_starting_node_hands_over_its_events_and_nothing_to_persist() {
        let mut n = node(1, Storage::with_log(2, &[1, 2]));
        assert!(n.has_ready());
        let rd = n.ready();
        assert_eq!(rd.hard_state, None, "what storage holds is stored already");
        assert!(rd.entries.is_empty());
        assert!(rd.messages.is_empty() && rd.committed_entries.is_empty());
        assert_eq!(rd.events.len(), 2, "became follower, newRaft");
        n.advance();
        assert!(!n.has_ready());
    }

    #[test]
    fn a_campaign_hands_over_the_new_term_and_vote_with_the_requests() {
        let mut n = node(1, Storage::default());
        n.ready();
        n.advance();
        n.campaign();
        let rd = n.ready();
        assert_eq!(rd.hard_state, Some(HardState { term: 1, vote: 1 }));
        let to: Vec<NodeId> = rd.messages.iter().map(|m| m.to).collect();
        assert_eq!(to, [2, 3]);
        n.advance();
        assert!(!n.has_ready(), "nothing is handed out twice");
    }

    #[test]
    fn written_and_committed_entries_are_handed_out_once() {
        let mut n = node(2, Storage::default());
        n.ready();
        n.advance();
        n.step(from_leader(
            2,
            Body::App {
                prev_log_index: 0,
                prev_log_term: 0,
                entries: vec![entry(1), entry(2)],
                commit: 1,
            },
        ));
        let rd = n.ready();
        assert_eq!(rd.hard_state, Some(HardState { term: 1, vote: 0 }));
        assert_eq!(indexes(rd.entries), [1, 2]);
        assert_eq!(indexes(rd.committed_entries), [1]);
        assert_eq!(rd.messages.len(), 1);
        n.advance();
        assert_eq!(n.applied(), 1);

        n.step(from_leader(2, Body::Heartbeat { commit: 2 }));
        let rd = n.ready();
        assert_eq!(rd.hard_state, None);
        assert!(rd.entries.is_empty());
        assert_eq!(indexes(rd.committed_entries), [2]);
        n.advance();
        assert_eq!(n.applied(), 2);
        assert!(!n.has_ready());
    }

    #[test]
    fn a_snapshot_from_the_leader_is_handed_over_to_persist_and_load() {
        let mut n = node(2, Storage::with_log(1, &[1, 1]));
        n.ready();
        n.advance();
        let snapshot = Snapshot {
            index: 5,
            term: 1,
            data: Bytes::from("state"),
            ..Snapshot::default()
        };
        n.step(from_leader(
            2,
            Body::Snap {
                snapshot: Box::new(snapshot.clone()),
            },
        ));
        let rd = n.ready();
        assert_eq!(rd.snapshot, Some(snapshot));
        assert!(rd.entries.is_empty() && rd.committed_entries.is_empty());
        assert_eq!(rd.messages.len(), 1);
        n.advance();
        assert_eq!((n.commit(), n.applied()), (5, 5));
        assert!(!n.has_ready());
    }

    #[test]
    fn what_the_caller_leaves_of_a_ready_is_dropped() {
        let mut n = node(1, Storage::default());
        n.campaign();
        let rd = n.ready();
        assert!(!rd.messages.is_empty() && !rd.events.is_empty());
        n.advance();
        assert!(!n.has_ready());
        assert!(n.ready().messages.is_empty());
    }
}
