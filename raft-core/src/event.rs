//! What a node reports about itself, rendered in etcd raft's own log wording so a reader can
//! hold the visualizer next to a real cluster's logs. Events are structured; the text is
//! produced only when displayed. Node ids print in decimal (etcd prints hex; for ids below
//! 10 the two agree).

use crate::message::MsgKind;
use crate::tracker::Configuration;
use crate::types::{Index, NodeId, Role, Term};
use crate::why::Why;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

/// How a voter answered a (pre-)vote request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VoteDecision {
    Cast,
    Rejected,
    /// Check-quorum: the voter still hears from a leader and will not help depose it.
    IgnoredInLease {
        remaining_ticks: u64,
    },
}

/// Why a proposal was not appended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DropReason {
    NoLeader,
    Transferring { to: NodeId },
    Leaving,
}

/// One log line's worth of what happened inside node `node`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub node: NodeId,
    pub what: What,
    /// For a decision, the rule that took it and the facts it weighed (see `why.rs`). Not
    /// part of the line's etcd wording: shown beside it.
    pub why: Option<Why>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum What {
    /// A node (re)started from its stable storage.
    NewRaft {
        peers: Vec<NodeId>,
        term: Term,
        commit: Index,
        applied: Index,
        last_index: Index,
        last_term: Term,
    },
    Became {
        role: Role,
        term: Term,
    },
    StartingElection {
        term: Term,
    },
    SentVoteRequest {
        kind: MsgKind,
        log_term: Term,
        index: Index,
        to: NodeId,
        term: Term,
    },
    ReceivedVoteResponse {
        kind: MsgKind,
        from: NodeId,
        term: Term,
        reject: bool,
    },
    VoteTally {
        /// etcd wrote the quorum into the line until 3.4 (`[quorum:2]`), not since; the
        /// simulator always knows it, a line read back may not say it.
        quorum: Option<usize>,
        kind: MsgKind,
        granted: usize,
        rejected: usize,
    },
    VoteRequestAnswered {
        decision: VoteDecision,
        log_term: Term,
        index: Index,
        vote: NodeId,
        kind: MsgKind,
        candidate: NodeId,
        candidate_log_term: Term,
        candidate_index: Index,
        term: Term,
    },
    HigherTerm {
        term: Term,
        kind: MsgKind,
        from: NodeId,
        msg_term: Term,
    },
    IgnoredLowerTerm {
        term: Term,
        kind: MsgKind,
        from: NodeId,
        msg_term: Term,
    },
    SteppedDownQuorumInactive,
    /// etcd's node-level leader line: elected (from none), lost (to none) or changed.
    LeaderChanged {
        old: NodeId,
        new: NodeId,
        term: Term,
    },
    RejectedApp {
        log_term: Term,
        index: Index,
        msg_log_term: Term,
        msg_index: Index,
        from: NodeId,
    },
    FoundConflict {
        index: Index,
        existing_term: Term,
        conflicting_term: Term,
    },
    ReceivedAppRejection {
        hint_index: Index,
        hint_term: Term,
        from: NodeId,
        index: Index,
    },
    DecreasedProgress {
        to: NodeId,
        progress: String,
    },
    SentSnapshot {
        first_index: Index,
        commit: Index,
        index: Index,
        term: Term,
        to: NodeId,
        progress: String,
    },
    RestoredSnapshot {
        commit: Index,
        index: Index,
        term: Term,
    },
    IgnoredSnapshot {
        commit: Index,
        index: Index,
        term: Term,
    },
    Compacted {
        index: Index,
        term: Term,
    },
    TransferStarting {
        term: Term,
        to: NodeId,
    },
    TransferImmediate {
        to: NodeId,
    },
    TransferAfterCatchUp {
        to: NodeId,
    },
    TransferTimedOut {
        term: Term,
        to: NodeId,
    },
    TransferAborted {
        term: Term,
        to: NodeId,
    },
    /// A leader that a configuration change removed (or made a learner) hands leadership to
    /// a voter of the new configuration before it steps down.
    TransferOnRemoval {
        term: Term,
        to: NodeId,
    },
    TransferIgnoredSelf,
    TransferIgnoredInProgress {
        term: Term,
        to: NodeId,
    },
    TimeoutNowReceived {
        term: Term,
        from: NodeId,
    },
    DroppedProposal {
        term: Term,
        reason: DropReason,
    },
    ProposalAppended {
        term: Term,
        first: Index,
        last: Index,
    },
    Committed {
        term: Term,
        index: Index,
    },
    /// A leader's quorum holds `index`, but it is from an earlier term: it waits for an
    /// entry of the leader's own term to commit it (Figure 8).
    CommitHeld {
        term: Term,
        index: Index,
        entry_term: Term,
    },
    /// A configuration change took effect (applied, or from a snapshot or stable storage).
    SwitchedConfig {
        config: Configuration,
    },
    /// A leader refused a configuration change.
    IgnoredConfChange {
        change: String,
        config: Configuration,
        reason: String,
    },
    /// A learner, or a node outside the configuration, was asked to campaign.
    Unpromotable,
    /// A node with configuration entries committed but not applied was asked to campaign.
    CannotCampaignPendingConf {
        term: Term,
    },
    /// A leader that applied a joint configuration to be left automatically proposes the
    /// change that leaves it.
    AutoLeaveJoint {
        config: Configuration,
    },
}

/// A coarse grouping of events, for filtering a log view.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    Election,
    Leader,
    Replication,
    Snapshot,
    Transfer,
    Proposal,
    Config,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Election => "election",
            Category::Leader => "leader",
            Category::Replication => "replication",
            Category::Snapshot => "snapshot",
            Category::Transfer => "transfer",
            Category::Proposal => "proposal",
            Category::Config => "config",
        }
    }
}

impl What {
    pub fn category(&self) -> Category {
        use What::*;
        match self {
            NewRaft { .. }
            | Became { .. }
            | StartingElection { .. }
            | SentVoteRequest { .. }
            | ReceivedVoteResponse { .. }
            | VoteTally { .. }
            | VoteRequestAnswered { .. }
            | HigherTerm { .. }
            | IgnoredLowerTerm { .. }
            | SteppedDownQuorumInactive => Category::Election,
            LeaderChanged { .. } => Category::Leader,
            RejectedApp { .. }
            | FoundConflict { .. }
            | ReceivedAppRejection { .. }
            | DecreasedProgress { .. }
            | Committed { .. }
            | CommitHeld { .. } => Category::Replication,
            SentSnapshot { .. }
            | RestoredSnapshot { .. }
            | IgnoredSnapshot { .. }
            | Compacted { .. } => Category::Snapshot,
            TransferStarting { .. }
            | TransferImmediate { .. }
            | TransferAfterCatchUp { .. }
            | TransferTimedOut { .. }
            | TransferAborted { .. }
            | TransferOnRemoval { .. }
            | TransferIgnoredSelf
            | TransferIgnoredInProgress { .. }
            | TimeoutNowReceived { .. } => Category::Transfer,
            DroppedProposal { .. } | ProposalAppended { .. } => Category::Proposal,
            SwitchedConfig { .. }
            | IgnoredConfChange { .. }
            | Unpromotable
            | CannotCampaignPendingConf { .. }
            | AutoLeaveJoint { .. } => Category::Config,
        }
    }
}

fn join(ids: &[NodeId]) -> String {
    ids.iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use What::*;
        let id = self.node;
        match &self.what {
            NewRaft { peers, term, commit, applied, last_index, last_term } => write!(
                f,
                "newRaft {id} [peers: [{}], term: {term}, commit: {commit}, applied: {applied}, lastindex: {last_index}, lastterm: {last_term}]",
                join(peers)
            ),
            Became { role, term } => write!(f, "{id} became {role} at term {term}"),
            StartingElection { term } => write!(f, "{id} is starting a new election at term {term}"),
            SentVoteRequest { kind, log_term, index, to, term } => write!(
                f,
                "{id} [logterm: {log_term}, index: {index}] sent {kind} request to {to} at term {term}"
            ),
            ReceivedVoteResponse { kind, from, term, reject: false } => {
                write!(f, "{id} received {kind} from {from} at term {term}")
            }
            ReceivedVoteResponse { kind, from, term, reject: true } => {
                write!(f, "{id} received {kind} rejection from {from} at term {term}")
            }
            VoteTally { quorum: Some(quorum), kind, granted, rejected } => write!(
                f,
                "{id} [quorum:{quorum}] has received {granted} {kind} votes and {rejected} vote rejections"
            ),
            VoteTally { quorum: None, kind, granted, rejected } => {
                write!(f, "{id} has received {granted} {kind} votes and {rejected} vote rejections")
            }
            VoteRequestAnswered {
                decision,
                log_term,
                index,
                vote,
                kind,
                candidate,
                candidate_log_term,
                candidate_index,
                term,
            } => {
                let verb = match decision {
                    VoteDecision::Cast => "cast",
                    VoteDecision::Rejected => "rejected",
                    VoteDecision::IgnoredInLease { .. } => "ignored",
                };
                let prep = if *decision == VoteDecision::Cast { "for" } else { "from" };
                write!(
                    f,
                    "{id} [logterm: {log_term}, index: {index}, vote: {vote}] {verb} {kind} {prep} {candidate} [logterm: {candidate_log_term}, index: {candidate_index}] at term {term}"
                )?;
                if let VoteDecision::IgnoredInLease { remaining_ticks } = decision {
                    write!(f, ": lease is not expired (remaining ticks: {remaining_ticks})")?;
                }
                Ok(())
            }
            HigherTerm { term, kind, from, msg_term } => write!(
                f,
                "{id} [term: {term}] received a {kind} message with higher term from {from} [term: {msg_term}]"
            ),
            IgnoredLowerTerm { term, kind, from, msg_term } => write!(
                f,
                "{id} [term: {term}] ignored a {kind} message with lower term from {from} [term: {msg_term}]"
            ),
            SteppedDownQuorumInactive => write!(f, "{id} stepped down to follower since quorum is not active"),
            LeaderChanged { old, new, term } => match (old, new) {
                (0, n) => write!(f, "raft.node: {id} elected leader {n} at term {term}"),
                (o, 0) => write!(f, "raft.node: {id} lost leader {o} at term {term}"),
                (o, n) => write!(f, "raft.node: {id} changed leader from {o} to {n} at term {term}"),
            },
            RejectedApp { log_term, index, msg_log_term, msg_index, from } => write!(
                f,
                "{id} [logterm: {log_term}, index: {index}] rejected MsgApp [logterm: {msg_log_term}, index: {msg_index}] from {from}"
            ),
            FoundConflict { index, existing_term, conflicting_term } => write!(
                f,
                "{id} found conflict at index {index} [existing term: {existing_term}, conflicting term: {conflicting_term}]"
            ),
            ReceivedAppRejection { hint_index, hint_term, from, index } => write!(
                f,
                "{id} received MsgAppResp(rejected, hint: (index {hint_index}, term {hint_term})) from {from} for index {index}"
            ),
            DecreasedProgress { to, progress } => write!(f, "{id} decreased progress of {to} to [{progress}]"),
            SentSnapshot { first_index, commit, index, term, to, progress } => write!(
                f,
                "{id} [firstindex: {first_index}, commit: {commit}] sent snapshot[index: {index}, term: {term}] to {to} [{progress}]"
            ),
            RestoredSnapshot { commit, index, term } => {
                write!(f, "{id} [commit: {commit}] restored snapshot [index: {index}, term: {term}]")
            }
            IgnoredSnapshot { commit, index, term } => {
                write!(f, "{id} [commit: {commit}] ignored snapshot [index: {index}, term: {term}]")
            }
            Compacted { index, term } => write!(f, "{id} compacted log up to index {index} [term: {term}]"),
            TransferStarting { term, to } => write!(f, "{id} [term {term}] starts to transfer leadership to {to}"),
            TransferImmediate { to } => write!(
                f,
                "{id} sends MsgTimeoutNow to {to} immediately as {to} already has up-to-date log"
            ),
            TransferTimedOut { term, to } => write!(
                f,
                "{id} [term {term}] leadership transfer to {to} timed out after an election timeout"
            ),
            TransferAfterCatchUp { to } => {
                write!(f, "{id} sent MsgTimeoutNow to {to} after received MsgAppResp")
            }
            TransferAborted { term, to } => {
                write!(f, "{id} [term {term}] abort previous transferring leadership to {to}")
            }
            TransferOnRemoval { term, to } => write!(
                f,
                "{id} [term {term}] is no longer a voter; hands leadership to {to} before stepping down"
            ),
            TransferIgnoredSelf => write!(f, "{id} is already leader. Ignored transferring leadership to self"),
            TransferIgnoredInProgress { term, to } => write!(
                f,
                "{id} [term {term}] transfer leadership to {to} is in progress, ignores request to same node {to}"
            ),
            TimeoutNowReceived { term, from } => write!(
                f,
                "{id} [term {term}] received MsgTimeoutNow from {from} and starts an election to get leadership."
            ),
            DroppedProposal { term, reason: DropReason::NoLeader } => {
                write!(f, "{id} no leader at term {term}; dropping proposal")
            }
            DroppedProposal { term, reason: DropReason::Leaving } => write!(
                f,
                "{id} [term {term}] is leaving the configuration; dropping proposal"
            ),
            DroppedProposal { term, reason: DropReason::Transferring { to } } => write!(
                f,
                "{id} [term {term}] transfer leadership to {to} is in progress; dropping proposal"
            ),
            ProposalAppended { term, first, last } if first == last => {
                write!(f, "{id} [term {term}] appended proposal at index {first}")
            }
            ProposalAppended { term, first, last } => {
                write!(f, "{id} [term {term}] appended proposals at index {first}..{last}")
            }
            Committed { term, index } => write!(f, "{id} [term {term}] committed up to index {index}"),
            CommitHeld { term, index, entry_term } => write!(
                f,
                "{id} [term {term}] cannot commit index {index} yet: it is from term {entry_term}"
            ),
            SwitchedConfig { config } => write!(f, "{id} switched to configuration {config}"),
            IgnoredConfChange { change, config, reason } => {
                write!(f, "{id} ignoring conf change {{{change}}} at config {config}: {reason}")
            }
            Unpromotable => write!(f, "{id} is unpromotable and can not campaign"),
            CannotCampaignPendingConf { term } => write!(
                f,
                "{id} cannot campaign at term {term} since there are still pending configuration changes to apply"
            ),
            AutoLeaveJoint { config } => write!(
                f,
                "{id} initiating automatic transition out of joint configuration {config}"
            ),
        }
    }
}
