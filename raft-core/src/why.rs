//! The rule behind each decision a node takes, as data: the rule that decides also says why,
//! with the facts it weighed, so a reader can follow a vote, an append or a commit back to the
//! paper. A [`Why`] travels with the decision's event ([`crate::Event::why`]) and with the
//! answer it produced ([`crate::Ready::reasons`]); its text names the paper's section
//! (Ongaro and Ousterhout's "In Search of an Understandable Consensus Algorithm", §N) or the
//! thesis's (Ongaro, "Consensus: Bridging Theory and Practice", thesis §N).
//!
//! Where each rule lives:
//! - votes: [`vote_rule`] here, applied by `election.rs`; the lease by `node.rs`;
//! - appends: [`append_rule`] here, applied by `replication.rs`;
//! - commitment: [`commit_rule`] here, applied by `replication.rs` (also on demand:
//!   [`crate::Node::commit_status`]);
//! - step-downs and dropped proposals: `node.rs`, `replication.rs`.

use crate::types::{Index, NodeId, Term};
use alloc::boxed::Box;
use core::fmt;

/// The last entry of a log, as the election restriction compares them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LogPos {
    pub term: Term,
    pub index: Index,
}

impl LogPos {
    /// The election restriction's comparison (§5.4.1): a log whose last entry is this one
    /// is at least as up-to-date as `other`'s if its last term is higher, or equal with an
    /// index at least as high.
    pub fn at_least_as_up_to_date_as(self, other: LogPos) -> bool {
        self.term > other.term || (self.term == other.term && self.index >= other.index)
    }
}

impl fmt::Display for LogPos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[logterm {}, index {}]", self.term, self.index)
    }
}

/// Why a node decided as it did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Why {
    // ----- votes (§5.2, §5.4.1) and pre-votes (thesis §9.6) -----
    //
    // `pre`: the answer is to a pre-vote (MsgPreVote), which records no vote. Its rule is
    // etcd's: granted when the term asked about is ahead of ours and the log is up to date
    // (`PreVoteGranted`); for a term that is ours already, granted or refused as a vote in
    // it would be (a vote cast or a leader followed in it refuses); for an older term,
    // refused; and ignored in check-quorum's lease. Each reason then names the pre-vote
    // rule and the thesis's section (§9.6) beside the paper's.
    /// A vote granted: none cast for another in this term, and the candidate's log is at
    /// least as up-to-date as ours. (`pre`: a pre-vote for our own term, granted because a
    /// vote would be.)
    VoteGranted {
        term: Term,
        candidate: LogPos,
        mine: LogPos,
        /// The vote had gone to this candidate already (a repeated request).
        again: bool,
        pre: bool,
    },
    /// A pre-vote granted: the term asked about is ahead of ours, and the log is at least as
    /// up-to-date (a pre-vote binds the voter to nothing).
    PreVoteGranted {
        asked: Term,
        term: Term,
        candidate: LogPos,
        mine: LogPos,
    },
    /// One vote per term: it went to another candidate. (`pre`: a pre-vote for that term,
    /// ours already, refused because a vote in it would be.)
    AlreadyVoted { term: Term, vote: NodeId, pre: bool },
    /// A leader is known in this term (etcd's rule: a node that follows a leader votes for
    /// no one else in that term). (`pre`: as for `AlreadyVoted`.)
    HasLeader { term: Term, lead: NodeId, pre: bool },
    /// The election restriction: the candidate's log is behind ours (a pre-vote is refused
    /// for it too: the candidate could not win the election it asks about).
    LogBehind {
        candidate: LogPos,
        mine: LogPos,
        pre: bool,
    },
    /// Check-quorum's lease: we heard from a leader within an election timeout and will not
    /// help depose it (nor, for a pre-vote, say that an election is needed).
    InLease {
        lead: NodeId,
        remaining_ticks: u64,
        pre: bool,
    },
    /// A request from an older term (`pre`: a pre-vote asking about a term older than
    /// ours; `msg_term` is the term asked about).
    StaleTerm {
        msg_term: Term,
        term: Term,
        pre: bool,
    },

    // ----- appends (§5.3) -----
    /// The consistency check passed: our entry at the leader's previous index has its term.
    LogMatches { index: Index, term: Term },
    /// The consistency check failed: no entry there (`have` None: our log ends at `last`),
    /// or one of another term.
    LogMismatch {
        index: Index,
        want: Term,
        have: Option<Term>,
        last: Index,
    },
    /// The leader's entries would overwrite a committed one: a correct leader never asks it.
    OverwritesCommitted { index: Index, committed: Index },
    /// The leader's previous index is below our commit index: committed entries match any
    /// leader's log (Leader Completeness), so we say we hold up to it.
    BelowCommit { index: Index, committed: Index },

    // ----- commitment (§5.3, §5.4.2) -----
    /// Committed: on a quorum, and of the current term.
    OnQuorum { index: Index, term: Term },
    /// Held: on a quorum, but from an earlier term; it commits only with an entry of the
    /// current term (Figure 8).
    EarlierTerm {
        index: Index,
        entry_term: Term,
        term: Term,
    },
    /// Held: not on a quorum yet; `needed` more of `missing` would make one (of the
    /// incoming and the outgoing voters both, while joint).
    NotOnQuorum {
        index: Index,
        holders: Box<[NodeId]>,
        missing: Box<[NodeId]>,
        needed: usize,
    },
    /// At or below the commit index: committed already.
    Committed { index: Index, committed: Index },

    // ----- step-downs -----
    /// A higher term seen: whoever sees one becomes a follower in it (§5.1).
    HigherTerm {
        term: Term,
        msg_term: Term,
        from: NodeId,
    },
    /// Check-quorum: a leader that did not hear from a quorum within an election timeout
    /// steps down.
    QuorumInactive {
        active: Box<[NodeId]>,
        quorum: usize,
    },

    // ----- campaigns and snapshots -----
    /// Not a voter (a learner, or outside the configuration): it never campaigns.
    NotAVoter,
    /// Configuration entries committed but not applied: it would campaign in a
    /// configuration that is no longer the one in force.
    PendingConf,
    /// A snapshot at or below our commit index adds nothing we do not hold.
    SnapshotNotNewer { index: Index, committed: Index },

    // ----- proposals -----
    /// No leader is known to take or forward it.
    NoLeader,
    /// Leadership is being handed to `to`, which would not know it.
    Transferring { to: NodeId },
    /// This leader is being removed from the configuration.
    Leaving,
}

impl Why {
    /// Whether this is the answer to a pre-vote (its rule is the pre-vote's, thesis §9.6).
    pub fn pre_vote(&self) -> bool {
        use Why::*;
        match self {
            PreVoteGranted { .. } => true,
            VoteGranted { pre, .. }
            | AlreadyVoted { pre, .. }
            | HasLeader { pre, .. }
            | LogBehind { pre, .. }
            | InLease { pre, .. }
            | StaleTerm { pre, .. } => *pre,
            _ => false,
        }
    }

    /// The rule's short name, as a reader would look it up.
    pub fn rule(&self) -> &'static str {
        use Why::*;
        if self.pre_vote() {
            return "pre-vote";
        }
        match self {
            VoteGranted { .. } | AlreadyVoted { .. } | HasLeader { .. } => "one vote per term",
            PreVoteGranted { .. } => "pre-vote",
            LogBehind { .. } => "election restriction",
            InLease { .. } => "leader lease",
            StaleTerm { .. } | HigherTerm { .. } => "terms",
            LogMatches { .. }
            | LogMismatch { .. }
            | BelowCommit { .. }
            | OverwritesCommitted { .. } => "log matching",
            OnQuorum { .. } | EarlierTerm { .. } | NotOnQuorum { .. } | Committed { .. } => {
                "commitment"
            }
            QuorumInactive { .. } => "check-quorum",
            NotAVoter | PendingConf => "membership",
            SnapshotNotNewer { .. } => "snapshots",
            NoLeader => "no leader",
            Transferring { .. } => "leadership transfer",
            Leaving => "membership change",
        }
    }

    /// Where the rule is written: a section of the paper or of the thesis (for a pre-vote,
    /// the thesis's §9.6 first, then the rule it applies).
    pub fn section(&self) -> &'static str {
        use Why::*;
        if self.pre_vote() {
            return match self {
                VoteGranted { again: false, .. } => "thesis §9.6, §5.2, §5.4.1",
                VoteGranted { .. } | AlreadyVoted { .. } | HasLeader { .. } => "thesis §9.6, §5.2",
                LogBehind { .. } => "thesis §9.6, §5.4.1",
                InLease { .. } => "thesis §9.6, §4.2.3",
                StaleTerm { .. } => "thesis §9.6, §5.1",
                _ => "thesis §9.6",
            };
        }
        match self {
            VoteGranted { .. } => "§5.2, §5.4.1",
            AlreadyVoted { .. } | HasLeader { .. } => "§5.2",
            PreVoteGranted { .. } => "thesis §9.6",
            LogBehind { .. } => "§5.4.1",
            InLease { .. } => "thesis §4.2.3",
            StaleTerm { .. } | HigherTerm { .. } => "§5.1",
            LogMatches { .. } | LogMismatch { .. } => "§5.3",
            BelowCommit { .. } | OverwritesCommitted { .. } => "§5.3, §5.4",
            OnQuorum { .. } => "§5.3, §5.4.2",
            NotOnQuorum { .. } | Committed { .. } => "§5.3",
            EarlierTerm { .. } => "§5.4.2, Figure 8",
            QuorumInactive { .. } => "thesis §6.2",
            NotAVoter | PendingConf => "§6",
            SnapshotNotNewer { .. } => "§7",
            NoLeader => "§5.1",
            Transferring { .. } => "thesis §3.10",
            Leaving => "§6",
        }
    }
}

fn ids(f: &mut fmt::Formatter<'_>, ids: &[NodeId]) -> fmt::Result {
    if ids.is_empty() {
        return f.write_str("none");
    }
    for (k, id) in ids.iter().enumerate() {
        if k > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{id}")?;
    }
    Ok(())
}

/// `rule: the facts (section)`, e.g. `election restriction: candidate's log [logterm 1,
/// index 3] is behind mine [logterm 2, index 4] (§5.4.1)`.
impl fmt::Display for Why {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Why::*;
        write!(f, "{}: ", self.rule())?;
        match self {
            VoteGranted {
                again: true,
                term,
                pre: true,
                ..
            } => write!(
                f,
                "term {term} asked about is mine already, and I voted for this candidate in it"
            )?,
            VoteGranted {
                term,
                candidate,
                mine,
                pre: true,
                ..
            } => write!(
                f,
                "term {term} asked about is mine already, and in it I have voted for no one and follow no leader; candidate's log {candidate} is at least as up-to-date as mine {mine}"
            )?,
            AlreadyVoted {
                term,
                vote,
                pre: true,
            } => write!(
                f,
                "term {term} asked about is mine already, not a later one, and I voted for {vote} in it: a vote would be refused"
            )?,
            HasLeader {
                term,
                lead,
                pre: true,
            } => write!(
                f,
                "term {term} asked about is mine already, not a later one, and I follow leader {lead} in it: a vote would be refused"
            )?,
            LogBehind {
                candidate,
                mine,
                pre: true,
            } => write!(
                f,
                "candidate's log {candidate} is behind mine {mine}: it could not win the election it asks about"
            )?,
            InLease {
                lead,
                remaining_ticks,
                pre: true,
            } => write!(
                f,
                "heard from leader {lead} within the election timeout ({remaining_ticks} ticks left): check-quorum's lease, no election is needed"
            )?,
            StaleTerm {
                msg_term,
                term,
                pre: true,
            } => write!(
                f,
                "term {msg_term} asked about is older than mine ({term})"
            )?,
            VoteGranted {
                again: true, term, ..
            } => write!(f, "already voted for this candidate in term {term}")?,
            VoteGranted {
                term,
                candidate,
                mine,
                ..
            } => write!(
                f,
                "no vote cast yet in term {term}, and candidate's log {candidate} is at least as up-to-date as mine {mine}"
            )?,
            PreVoteGranted {
                asked,
                term,
                candidate,
                mine,
            } => write!(
                f,
                "term {asked} is ahead of mine ({term}), and candidate's log {candidate} is at least as up-to-date as mine {mine}"
            )?,
            AlreadyVoted { term, vote, .. } => {
                write!(f, "already voted for {vote} in term {term}")?
            }
            HasLeader { term, lead, .. } => {
                write!(f, "already following leader {lead} in term {term}")?
            }
            LogBehind {
                candidate, mine, ..
            } => write!(f, "candidate's log {candidate} is behind mine {mine}")?,
            InLease {
                lead,
                remaining_ticks,
                ..
            } => write!(
                f,
                "heard from leader {lead} within the election timeout ({remaining_ticks} ticks left); it is not deposed"
            )?,
            StaleTerm { msg_term, term, .. } => {
                write!(f, "the message is from term {msg_term}, older than mine ({term})")?
            }
            LogMatches { index: 0, .. } => f.write_str("the entries start the log")?,
            LogMatches { index, term } => {
                write!(f, "my entry at index {index} has term {term}, as the leader's")?
            }
            LogMismatch {
                index,
                have: None,
                last,
                ..
            } => write!(f, "I have no entry at index {index} (my log ends at {last})")?,
            LogMismatch {
                index,
                want,
                have: Some(have),
                ..
            } => write!(
                f,
                "my entry at index {index} has term {have}, the leader's has term {want}"
            )?,
            OverwritesCommitted { index, committed } => write!(
                f,
                "the entries would overwrite index {index}, at or below my commit index {committed}"
            )?,
            BelowCommit { index, committed } => write!(
                f,
                "index {index} is below my commit index {committed}, and committed entries are in every leader's log"
            )?,
            OnQuorum { index, term } => write!(
                f,
                "index {index} is on a quorum and of the current term {term}"
            )?,
            EarlierTerm {
                index,
                entry_term,
                term,
            } => write!(
                f,
                "index {index} is on a quorum but from term {entry_term}, before the current term {term}: it commits only with an entry of term {term}"
            )?,
            NotOnQuorum {
                index,
                holders,
                missing,
                needed,
            } => {
                write!(f, "index {index} is not on a quorum yet: held by ")?;
                ids(f, holders)?;
                write!(f, "; {needed} more of ")?;
                ids(f, missing)?;
                f.write_str(" would commit it")?;
            }
            Committed { index, committed } => write!(
                f,
                "index {index} is committed (the commit index is {committed})"
            )?,
            HigherTerm {
                term,
                msg_term,
                from,
            } => write!(
                f,
                "{from} is at term {msg_term}, mine is {term}: a node that sees a higher term becomes a follower"
            )?,
            QuorumInactive { active, quorum } => {
                write!(f, "heard from a quorum of {quorum}? no: in the last election timeout only from ")?;
                ids(f, active)?;
            }
            NotAVoter => f.write_str(
                "a learner, or a node outside the configuration, never stands for election",
            )?,
            PendingConf => f.write_str(
                "configuration changes are committed but not applied yet: a campaign now would count the wrong voters",
            )?,
            SnapshotNotNewer { index, committed } => write!(
                f,
                "the snapshot ends at index {index}, and my commit index {committed} already covers it"
            )?,
            NoLeader => f.write_str("no leader is known to take the proposal")?,
            Transferring { to } => write!(
                f,
                "leadership is being handed to {to}, which would not know the proposal"
            )?,
            Leaving => f.write_str("this leader's removal is in its log: it takes no more proposals")?,
        }
        write!(f, " ({})", self.section())
    }
}

/// The RequestVote receiver's rule (Figure 2), and its pre-vote twin: grant when we have not
/// voted for someone else in this term (nor follow a leader in it) and the candidate's log
/// is at least as up-to-date as ours (§5.4.1). A pre-vote for a later term can always be
/// granted on the log alone: it commits the voter to nothing; one for our own term is
/// answered as a vote in it would be (etcd's `Step`: `canVote` is a repeat of our vote, or
/// no vote and no leader, or a pre-vote for a later term; then the log must be up to
/// date). Returns whether to grant, and why, the pre-vote's reasons saying so. (The lease
/// and lower terms are decided before: `Node::step_message`.)
pub fn vote_rule(ask: &VoteAsk) -> (bool, Why) {
    let VoteAsk {
        pre,
        term,
        vote,
        lead,
        msg_term,
        from,
        candidate,
        mine,
    } = *ask;
    let up_to_date = candidate.at_least_as_up_to_date_as(mine);
    if !up_to_date {
        // A log that is behind loses whatever else holds (a vote cast, a leader known): of
        // the reasons that refuse it, this is the one that would refuse it in any case.
        return (
            false,
            Why::LogBehind {
                candidate,
                mine,
                pre,
            },
        );
    }
    if pre && msg_term > term {
        let why = Why::PreVoteGranted {
            asked: msg_term,
            term,
            candidate,
            mine,
        };
        return (up_to_date, why);
    }
    if vote == from {
        let why = Why::VoteGranted {
            term,
            candidate,
            mine,
            again: true,
            pre,
        };
        return (up_to_date, why);
    }
    if vote != crate::types::NONE {
        return (false, Why::AlreadyVoted { term, vote, pre });
    }
    if lead != crate::types::NONE {
        return (false, Why::HasLeader { term, lead, pre });
    }
    let why = Why::VoteGranted {
        term,
        candidate,
        mine,
        again: false,
        pre,
    };
    (up_to_date, why)
}

/// What a voter weighs when asked for its (pre-)vote.
#[derive(Clone, Copy, Debug)]
pub struct VoteAsk {
    pub pre: bool,
    /// The voter's term, vote and known leader.
    pub term: Term,
    pub vote: NodeId,
    pub lead: NodeId,
    /// The term the request is for, and who asks.
    pub msg_term: Term,
    pub from: NodeId,
    /// The last entries of the candidate's log and of the voter's.
    pub candidate: LogPos,
    pub mine: LogPos,
}

/// The AppendEntries consistency check (§5.3): the follower's log must hold the leader's
/// previous entry (`prev`) with its term. `have` is our term at that index (None: no entry
/// there), `last` our last index. Refused, it says why; passed, the reason is
/// [`Why::LogMatches`] of `prev` (built only when someone reads it: this is the replication
/// path).
pub fn append_rule(prev: LogPos, have: Option<Term>, last: Index) -> Result<(), Why> {
    if have == Some(prev.term) {
        Ok(())
    } else {
        Err(Why::LogMismatch {
            index: prev.index,
            want: prev.term,
            have,
            last,
        })
    }
}

/// The leader's commit rule (§5.3, §5.4.2) for an index a quorum holds: it commits when it
/// is of the current term; entries of earlier terms commit only under one of the current
/// term (Figure 8). Returns whether it commits, and why.
pub fn commit_rule(index: Index, entry_term: Term, term: Term) -> (bool, Why) {
    if entry_term == term {
        (true, Why::OnQuorum { index, term })
    } else {
        let why = Why::EarlierTerm {
            index,
            entry_term,
            term,
        };
        (false, why)
    }
}
