//! The run's event log (bounded, for display) and its trace hash (unbounded, for replay
//! checks): same seed and same commands give the same hash, natively and in wasm.

use crate::float::Float;
use raft_core::event::{Category, Event};
use raft_core::hash::Fnv;
use raft_core::message::MsgKind;
use raft_core::types::NodeId;
use raft_core::why::Why;
use std::collections::VecDeque;
use std::fmt;

/// Something the simulator itself did to the cluster (faults and client traffic).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SimWhat {
    Crashed,
    Restarted,
    /// A node new to the cluster started, with empty storage and no configuration.
    Joined,
    /// A membership change was proposed to the leader.
    MembershipChangeProposed {
        change: String,
    },
    Partitioned {
        groups: Vec<Vec<NodeId>>,
    },
    Healed,
    /// One of etcd's extensions switched on or off on every node (`at 3s prevote off`).
    Switched {
        what: String,
    },
    MessageDropped {
        id: u64,
        kind: MsgKind,
        from: NodeId,
        to: NodeId,
    },
    Request {
        id: u64,
        op: String,
    },
    RequestRejected {
        id: u64,
        reason: String,
    },
    RequestCommitted {
        id: u64,
        index: u64,
    },
    /// Not committed by its deadline: its client gave up.
    RequestTimedOut {
        id: u64,
        after_us: u64,
    },
    /// Committed after its client had given up (its outcome was unknown to the client).
    RequestCommittedLate {
        id: u64,
        index: u64,
    },
    NetworkChanged {
        what: String,
    },
    ElectionForced,
    TransferRequested {
        to: NodeId,
    },
    SafetyViolation {
        text: String,
    },
    Note {
        text: String,
    },
    /// Ticked by hand.
    Ticked {
        times: u64,
    },
    /// A message made by hand, put on the wire as if this node had sent it.
    SentByHand {
        id: u64,
        to: NodeId,
        message: String,
    },
    DeliveredByHand {
        id: u64,
        kind: MsgKind,
        from: NodeId,
        to: NodeId,
    },
    /// A message delivered by hand that did not arrive.
    NotDelivered {
        id: u64,
    },
}

/// One line of the log: a node's own event or a simulator action, at a simulated time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogLine {
    /// Position in the whole run (lines dropped from the bounded log keep their numbers).
    pub seq: u64,
    pub time: u64,
    pub item: LogItem,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LogItem {
    Node(Event),
    /// A simulator action; `node` is the node it concerns, 0 for the whole cluster.
    Sim {
        node: NodeId,
        what: SimWhat,
    },
}

impl LogLine {
    pub fn node(&self) -> NodeId {
        match &self.item {
            LogItem::Node(e) => e.node,
            LogItem::Sim { node, .. } => *node,
        }
    }

    /// The rule behind the line's decision, when it is one.
    pub fn why(&self) -> Option<&Why> {
        match &self.item {
            LogItem::Node(e) => e.why.as_ref(),
            LogItem::Sim { .. } => None,
        }
    }

    /// The filter group: the node event categories plus "fault" and "client".
    pub fn category(&self) -> &'static str {
        match &self.item {
            LogItem::Node(e) => e.what.category().as_str(),
            LogItem::Sim { what, .. } => match what {
                SimWhat::Request { .. }
                | SimWhat::RequestRejected { .. }
                | SimWhat::RequestCommitted { .. }
                | SimWhat::RequestTimedOut { .. }
                | SimWhat::RequestCommittedLate { .. } => Category::Proposal.as_str(),
                SimWhat::SafetyViolation { .. } => "safety",
                // A node joining and the change proposed for it are the configuration's
                // story; a transfer asked for, the transfer's.
                SimWhat::Joined | SimWhat::MembershipChangeProposed { .. } => {
                    Category::Config.as_str()
                }
                SimWhat::TransferRequested { .. } => Category::Transfer.as_str(),
                _ => "fault",
            },
        }
    }
}

impl fmt::Display for SimWhat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SimWhat::Crashed => f.write_str("crashed"),
            SimWhat::Restarted => f.write_str("restarted"),
            SimWhat::Joined => f.write_str("started with empty storage and no configuration"),
            SimWhat::MembershipChangeProposed { change } => {
                write!(f, "membership change proposed: {change}")
            }
            SimWhat::Partitioned { groups } => {
                f.write_str("network partitioned into")?;
                for g in groups {
                    let ids: Vec<String> = g.iter().map(|i| i.to_string()).collect();
                    write!(f, " {{{}}}", ids.join(","))?;
                }
                Ok(())
            }
            SimWhat::Healed => f.write_str("network healed"),
            SimWhat::Switched { what } => write!(f, "switched {what} on every node"),
            SimWhat::MessageDropped { id, kind, from, to } => {
                write!(f, "dropped {kind} #{id} from {from} to {to}")
            }
            SimWhat::Request { id, op } => write!(f, "client request #{id}: {op}"),
            SimWhat::RequestRejected { id, reason } => {
                write!(f, "client request #{id} rejected: {reason}")
            }
            SimWhat::RequestCommitted { id, index } => {
                write!(f, "client request #{id} committed at index {index}")
            }
            SimWhat::RequestTimedOut { id, after_us } => write!(
                f,
                "client request #{id} timed out: not committed within {}ms",
                Float(*after_us as f64 / 1000.0)
            ),
            SimWhat::RequestCommittedLate { id, index } => write!(
                f,
                "client request #{id} committed at index {index}, after its client gave up"
            ),
            SimWhat::NetworkChanged { what } => write!(f, "network: {what}"),
            SimWhat::ElectionForced => f.write_str("election timeout forced"),
            SimWhat::TransferRequested { to } => write!(f, "leadership transfer to {to} requested"),
            SimWhat::SafetyViolation { text } => write!(f, "SAFETY VIOLATION: {text}"),
            SimWhat::Note { text } => f.write_str(text),
            SimWhat::Ticked { times: 1 } => f.write_str("ticked once"),
            SimWhat::Ticked { times } => write!(f, "ticked {times} times"),
            SimWhat::SentByHand { id, to, message } => {
                write!(f, "sent #{id} to {to} by hand: {message}")
            }
            SimWhat::DeliveredByHand { id, kind, from, to } => {
                write!(f, "delivered {kind} #{id} from {from} to {to}")
            }
            SimWhat::NotDelivered { id } => write!(
                f,
                "message #{id} did not arrive: it was lost, a partition cuts its link, or its destination is down"
            ),
        }
    }
}

impl fmt::Display for LogLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.item {
            LogItem::Node(e) => e.fmt(f),
            LogItem::Sim { node: 0, what } => write!(f, "sim: {what}"),
            LogItem::Sim { node, what } => write!(f, "sim: {node} {what}"),
        }
    }
}

/// The bounded event log plus the running hash of everything that happened.
#[derive(Clone, Debug)]
pub struct Trace {
    lines: VecDeque<LogLine>,
    capacity: usize,
    next_seq: u64,
    hash: Fnv,
}

impl Trace {
    pub fn new(capacity: usize) -> Trace {
        Trace {
            lines: VecDeque::new(),
            capacity,
            next_seq: 0,
            hash: Fnv::default(),
        }
    }

    pub fn push(&mut self, time: u64, item: LogItem) {
        let line = LogLine {
            seq: self.next_seq,
            time,
            item,
        };
        // Hash the words, not the struct layout: the same text gives the same hash anywhere.
        self.hash.u64(time);
        self.hash.bytes(line.to_string().as_bytes());
        self.next_seq += 1;
        if self.capacity > 0 {
            if self.lines.len() == self.capacity {
                self.lines.pop_front();
            }
            self.lines.push_back(line);
        }
    }

    /// Mixes a message delivery into the hash (deliveries are not log lines).
    pub fn delivered(
        &mut self,
        time: u64,
        id: u64,
        from: NodeId,
        to: NodeId,
        kind: MsgKind,
        term: u64,
    ) {
        self.hash.u64(time);
        self.hash.u64(id);
        self.hash.u64(from);
        self.hash.u64(to);
        self.hash.u64(kind.ordinal() as u64);
        self.hash.u64(term);
    }

    pub fn hash(&self) -> u64 {
        self.hash.0
    }

    /// The lines still held, oldest first.
    pub fn lines(&self) -> impl DoubleEndedIterator<Item = &LogLine> + ExactSizeIterator {
        self.lines.iter()
    }

    /// Lines with seq >= `seq` that are still held.
    pub fn since(&self, seq: u64) -> impl Iterator<Item = &LogLine> {
        let first = self.lines.front().map_or(0, |l| l.seq);
        let skip = seq.saturating_sub(first) as usize;
        self.lines.iter().skip(skip)
    }

    /// Forgets all but the newest `n` lines (the hash and the numbering are kept).
    pub fn keep_last(&mut self, n: usize) {
        while self.lines.len() > n {
            self.lines.pop_front();
        }
    }

    /// The number of lines ever logged.
    pub fn total(&self) -> u64 {
        self.next_seq
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_simulator_line_is_filed_with_the_story_it_belongs_to() {
        let cat = |what: SimWhat| {
            LogLine {
                seq: 0,
                time: 0,
                item: LogItem::Sim { node: 1, what },
            }
            .category()
        };
        assert_eq!(cat(SimWhat::Joined), "config");
        assert_eq!(
            cat(SimWhat::MembershipChangeProposed {
                change: "add 6".into()
            }),
            "config"
        );
        assert_eq!(cat(SimWhat::TransferRequested { to: 2 }), "transfer");
        assert_eq!(cat(SimWhat::Crashed), "fault");
        assert_eq!(
            cat(SimWhat::Request {
                id: 1,
                op: "put".into()
            }),
            "proposal"
        );
    }
}
