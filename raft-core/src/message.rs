//! The messages nodes exchange, one struct with a body per kind, named as etcd raft names them.

use crate::types::{Bytes, Entry, Index, NodeId, Snapshot, Term};
use alloc::boxed::Box;
use alloc::vec::Vec;
use core::fmt;

/// A message between two nodes. `term` is the sender's term, except in MsgPreVote, which
/// carries the term the pre-candidate *would* campaign in (its own term + 1), and in a granted
/// MsgPreVoteResp, which echoes that term back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub from: NodeId,
    pub to: NodeId,
    pub term: Term,
    pub body: Body,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    /// Pre-vote request: "would you vote for me if I campaigned?" (Ongaro's thesis §9.6).
    PreVote {
        last_log_term: Term,
        last_log_index: Index,
    },
    PreVoteResp {
        reject: bool,
    },
    /// RequestVote RPC (paper §5.2). `transfer` marks an election started by MsgTimeoutNow,
    /// which voters grant even while they still hear from a leader (§3.10 of the thesis).
    Vote {
        last_log_term: Term,
        last_log_index: Index,
        transfer: bool,
    },
    VoteResp {
        reject: bool,
    },
    /// AppendEntries RPC (paper §5.3).
    App {
        prev_log_index: Index,
        prev_log_term: Term,
        entries: Vec<Entry>,
        commit: Index,
    },
    /// AppendEntries reply. On success `index` is the last index the follower now matches.
    /// On rejection `index` is the rejected prev_log_index and (`hint_index`, `hint_term`)
    /// is the follower's guess of where the logs may agree (fast backtracking).
    AppResp {
        index: Index,
        reject: bool,
        hint_index: Index,
        hint_term: Term,
    },
    /// Heartbeat: an empty AppendEntries that carries the commit index the follower may use.
    Heartbeat {
        commit: Index,
    },
    HeartbeatResp,
    /// InstallSnapshot RPC (paper §7). Boxed: a snapshot (with its configuration) is far
    /// larger than the other bodies, and every message would otherwise be as large.
    Snap {
        snapshot: Box<Snapshot>,
    },
    /// Leadership transfer: "start an election now" (thesis §3.10).
    TimeoutNow,
    /// A client proposal forwarded by a follower to the leader it knows.
    Prop {
        entries: Vec<Bytes>,
    },
}

/// The kind of a message, for logs, metrics and drawing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MsgKind {
    PreVote,
    PreVoteResp,
    Vote,
    VoteResp,
    App,
    AppResp,
    Heartbeat,
    HeartbeatResp,
    Snap,
    TimeoutNow,
    Prop,
}

impl MsgKind {
    pub const ALL: [MsgKind; 11] = [
        MsgKind::PreVote,
        MsgKind::PreVoteResp,
        MsgKind::Vote,
        MsgKind::VoteResp,
        MsgKind::App,
        MsgKind::AppResp,
        MsgKind::Heartbeat,
        MsgKind::HeartbeatResp,
        MsgKind::Snap,
        MsgKind::TimeoutNow,
        MsgKind::Prop,
    ];

    /// etcd raft's name for the message type.
    pub fn name(self) -> &'static str {
        match self {
            MsgKind::PreVote => "MsgPreVote",
            MsgKind::PreVoteResp => "MsgPreVoteResp",
            MsgKind::Vote => "MsgVote",
            MsgKind::VoteResp => "MsgVoteResp",
            MsgKind::App => "MsgApp",
            MsgKind::AppResp => "MsgAppResp",
            MsgKind::Heartbeat => "MsgHeartbeat",
            MsgKind::HeartbeatResp => "MsgHeartbeatResp",
            MsgKind::Snap => "MsgSnap",
            MsgKind::TimeoutNow => "MsgTimeoutNow",
            MsgKind::Prop => "MsgProp",
        }
    }

    pub fn from_name(name: &str) -> Option<MsgKind> {
        MsgKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The position of this kind in [`MsgKind::ALL`], for per-kind counters.
    pub fn ordinal(self) -> usize {
        self as usize
    }

    /// The response kind a vote request is answered with.
    pub fn vote_response(self) -> MsgKind {
        match self {
            MsgKind::PreVote => MsgKind::PreVoteResp,
            _ => MsgKind::VoteResp,
        }
    }
}

impl fmt::Display for MsgKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Body {
    /// A (pre-)vote request's candidate log: its last entry's term and index.
    pub fn candidate_log(&self) -> Option<crate::why::LogPos> {
        match *self {
            Body::PreVote {
                last_log_term,
                last_log_index,
            }
            | Body::Vote {
                last_log_term,
                last_log_index,
                ..
            } => Some(crate::why::LogPos {
                term: last_log_term,
                index: last_log_index,
            }),
            _ => None,
        }
    }

    pub fn kind(&self) -> MsgKind {
        match self {
            Body::PreVote { .. } => MsgKind::PreVote,
            Body::PreVoteResp { .. } => MsgKind::PreVoteResp,
            Body::Vote { .. } => MsgKind::Vote,
            Body::VoteResp { .. } => MsgKind::VoteResp,
            Body::App { .. } => MsgKind::App,
            Body::AppResp { .. } => MsgKind::AppResp,
            Body::Heartbeat { .. } => MsgKind::Heartbeat,
            Body::HeartbeatResp => MsgKind::HeartbeatResp,
            Body::Snap { .. } => MsgKind::Snap,
            Body::TimeoutNow => MsgKind::TimeoutNow,
            Body::Prop { .. } => MsgKind::Prop,
        }
    }

    /// Whether a response says no (a vote refused, an append rejected).
    pub fn is_reject(&self) -> bool {
        matches!(
            self,
            Body::PreVoteResp { reject: true }
                | Body::VoteResp { reject: true }
                | Body::AppResp { reject: true, .. }
        )
    }

    /// How many entries the message carries (MsgApp and MsgProp).
    pub fn entry_count(&self) -> usize {
        match self {
            Body::App { entries, .. } => entries.len(),
            Body::Prop { entries } => entries.len(),
            _ => 0,
        }
    }
}

impl Message {
    pub fn kind(&self) -> MsgKind {
        self.body.kind()
    }
}
