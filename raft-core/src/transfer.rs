//! Leadership transfer (thesis §3.10): the leader brings the target up to date, then sends
//! it MsgTimeoutNow so it campaigns at once; proposals are refused meanwhile.

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
            self.send(to, term, Body::TimeoutNow);
        } else {
            self.send_append(to, true);
        }
        Ok(())
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
    }
}
