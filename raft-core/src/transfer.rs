//! Leadership transfer (thesis §3.10): the leader brings the target up to date, then sends
//! it MsgTimeoutNow so it campaigns at once; proposals are refused meanwhile. A leader that a
//! configuration change removed hands over the same way before it steps down (paper §6).

use crate::event::What;
use crate::message::Body;
use crate::node::Node;
use crate::types::{NodeId, Role, NONE};

/// Why a transfer request was not started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransferError {
    NotLeader {
        leader: NodeId,
    },
    UnknownNode(NodeId),
    /// Leadership goes to voters only (a learner cannot campaign).
    NotAVoter(NodeId),
}

impl core::fmt::Display for TransferError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            TransferError::NotLeader { leader: NONE } => {
                f.write_str("only the leader can transfer leadership, and no leader is known")
            }
            TransferError::NotLeader { leader } => {
                write!(
                    f,
                    "only the leader can transfer leadership; the leader is {leader}"
                )
            }
            TransferError::UnknownNode(id) => write!(f, "node {id} is not in the cluster"),
            TransferError::NotAVoter(id) => {
                write!(f, "node {id} is a learner; leadership goes to voters only")
            }
        }
    }
}

impl core::error::Error for TransferError {}

impl Node {
    /// Asks this leader to hand leadership to `to`.
    pub fn transfer_leader(&mut self, to: NodeId) -> Result<(), TransferError> {
        if self.role != Role::Leader {
            return Err(TransferError::NotLeader { leader: self.lead });
        }
        if self.trk.progress(to).is_none() {
            return Err(TransferError::UnknownNode(to));
        }
        if !self.trk.is_voter(to) {
            return Err(TransferError::NotAVoter(to));
        }
        let term = self.term();
        if self.lead_transferee != NONE {
            if self.lead_transferee == to {
                self.event(What::TransferIgnoredInProgress { term, to });
                return Ok(());
            }
            // A new request replaces the pending one (a request for ourselves cancels it).
            self.abort_leader_transfer();
        }
        if to == self.id {
            self.event(What::TransferIgnoredSelf);
            return Ok(());
        }
        // The transfer must finish within one election timeout, counted from now.
        self.election_elapsed = 0;
        self.lead_transferee = to;
        self.event(What::TransferStarting { term, to });
        let matched = self.trk.progress(to).map_or(0, |pr| pr.matched);
        if matched == self.log.last_index() {
            self.event(What::TransferImmediate { to });
            self.send_timeout_now(to);
        } else {
            self.send_append(to, true);
        }
        Ok(())
    }

    /// Tells the transfer target, whose log now matches ours, to campaign at once. A leader
    /// that is no longer a voter steps down then: it has handed over all it had, and the new
    /// leader may not count it among its followers, so nothing else would ever demote it.
    pub(crate) fn send_timeout_now(&mut self, to: NodeId) {
        let term = self.term();
        self.send(to, term, Body::TimeoutNow);
        if !self.trk.is_voter(self.id) {
            self.lead_transferee = NONE;
            self.become_follower(term, NONE);
        }
    }

    /// This leader applied a configuration that removed it, or made it a learner. Stepping
    /// down at once can leave the cluster without a leader for good: the entries it appended
    /// last, and the news that the change committed, may be on no voter, and while a voter
    /// still counts it in a joint configuration, its longer log refuses that voter its vote
    /// (fuzz seed 10702). So it hands over first (the TODO in etcd's `switchToConfig`): it
    /// takes no more proposals, brings the voter with the longest log up to date and sends
    /// it MsgTimeoutNow, then steps down. It retries with the best voter each time a
    /// handover outlasts an election timeout, and check-quorum still demotes it.
    pub(crate) fn transfer_on_removal(&mut self) {
        let me = self.id;
        let best = self
            .trk
            .config()
            .voters
            .ids()
            .filter(|&id| id != me)
            .max_by_key(|&id| {
                let matched = self.trk.progress(id).map_or(0, |pr| pr.matched);
                (matched, core::cmp::Reverse(id))
            });
        let term = self.term();
        let Some(to) = best else {
            self.become_follower(term, NONE);
            return;
        };
        self.event(What::TransferOnRemoval { term, to });
        self.election_elapsed = 0;
        self.lead_transferee = to;
        // Every follower learns the commit index (the change itself among it) now.
        self.broadcast_append();
        let matched = self.trk.progress(to).map_or(0, |pr| pr.matched);
        if matched == self.log.last_index() {
            self.event(What::TransferImmediate { to });
            self.send_timeout_now(to);
        }
    }

    /// A new transfer request replaces the pending one.
    pub(crate) fn abort_leader_transfer(&mut self) {
        let (term, to) = (self.term(), self.lead_transferee);
        self.event(What::TransferAborted { term, to });
        self.lead_transferee = NONE;
    }

    /// The transfer did not finish within an election timeout: give up and accept
    /// proposals again. (etcd gives up silently; the line is ours, for readers.)
    pub(crate) fn transfer_timed_out(&mut self) {
        let (term, to) = (self.term(), self.lead_transferee);
        self.event(What::TransferTimedOut { term, to });
        self.lead_transferee = NONE;
        if !self.trk.is_voter(self.id) {
            self.transfer_on_removal();
        }
    }
}
