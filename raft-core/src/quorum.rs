//! Majority arithmetic, in the manner of etcd raft's `quorum/`: who the voters are, the
//! outcome of a poll of them (an election, check-quorum's activity round), and the highest
//! log index a quorum of them holds.
//!
//! A [`MajorityConfig`] is one set of voters, decided by a simple majority. A
//! [`JointConfig`] is two of them (the incoming and the outgoing voters of a membership
//! change, joint consensus, paper §6): it commits only what both majorities hold (the
//! minimum of the two committed indexes) and wins a poll only when both majorities do. A
//! joint configuration whose outgoing half is empty is just its incoming half.

use crate::nodemap::{NodeMap, NodeSet};
use crate::types::{Index, NodeId};
use alloc::vec::Vec;

/// The size of a majority of `n` voters.
pub fn majority(n: usize) -> usize {
    n / 2 + 1
}

/// The outcome of a poll of the voters (votes in an election) as far as the answers tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VoteResult {
    /// Neither outcome is decided yet: some voters have not answered.
    Pending,
    /// No majority can say yes any more.
    Lost,
    /// A majority said yes.
    Won,
}

/// Where a voter's acknowledged log index comes from (its matchIndex, for a leader).
pub trait AckedIndexer {
    /// The highest index `voter` is known to hold; None when nothing is known of it.
    fn acked_index(&self, voter: NodeId) -> Option<Index>;
}

/// One set of voters, decided by a simple majority.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MajorityConfig {
    voters: NodeSet,
}

impl MajorityConfig {
    pub fn new(voters: impl IntoIterator<Item = NodeId>) -> MajorityConfig {
        MajorityConfig {
            voters: voters.into_iter().collect(),
        }
    }

    pub fn len(&self) -> usize {
        self.voters.len()
    }

    pub fn is_empty(&self) -> bool {
        self.voters.is_empty()
    }

    pub fn contains(&self, id: NodeId) -> bool {
        self.voters.contains(id)
    }

    /// The voters, by id.
    pub fn ids(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.voters.iter()
    }

    /// How many voters make a majority.
    pub fn quorum(&self) -> usize {
        majority(self.voters.len())
    }

    /// The highest index a majority of the voters holds: the (majority)-th largest of their
    /// acknowledged indexes, a voter nothing is known of counting as 0. An empty
    /// configuration holds back nothing (`Index::MAX`), so that in a joint configuration
    /// whose outgoing half is empty the incoming half alone decides. `scratch` is reused to
    /// spare an allocation per call on the leader's hot path.
    pub fn committed_index(&self, acked: &impl AckedIndexer, scratch: &mut Vec<Index>) -> Index {
        if self.voters.is_empty() {
            return Index::MAX;
        }
        let acked = self
            .voters
            .iter()
            .map(|id| acked.acked_index(id).unwrap_or(0));
        committed_index(acked, scratch)
    }

    /// The outcome of a poll from the answers so far (`votes`: true = yes; answers from
    /// nodes that are not voters here do not count). An empty configuration wins every poll.
    pub fn vote_result(&self, votes: &NodeMap<bool>) -> VoteResult {
        let (mut yes, mut no) = (0, 0);
        for (id, &v) in votes.iter() {
            if self.contains(id) {
                if v {
                    yes += 1;
                } else {
                    no += 1;
                }
            }
        }
        self.result_of(yes, no)
    }

    /// The outcome of a poll in which `yes` voters said yes and `no` said no. An empty
    /// configuration wins every poll.
    pub fn result_of(&self, yes: usize, no: usize) -> VoteResult {
        let q = self.quorum();
        if yes >= q || self.voters.is_empty() {
            VoteResult::Won
        } else if self.voters.len() - no < q {
            // Even if every voter yet to answer said yes, no majority is possible any more.
            VoteResult::Lost
        } else {
            VoteResult::Pending
        }
    }
}

/// The highest index a majority of a set of voters holds, given the index each of them has
/// acknowledged (one per voter, in any order): the (majority)-th largest of them. 0 for no
/// voters. `scratch` is reused to spare an allocation per call.
pub fn committed_index(acked: impl Iterator<Item = Index>, scratch: &mut Vec<Index>) -> Index {
    scratch.clear();
    scratch.extend(acked);
    majority_index(scratch)
}

/// The (majority)-th largest of `acked`, sorting it; 0 when empty.
fn majority_index(acked: &mut [Index]) -> Index {
    if acked.is_empty() {
        return 0;
    }
    // In ascending order, a majority hold the index at len - majority or more. (A full sort
    // of at most MAX_NODES indexes costs what a selection does, and shares its code with
    // the other sorts of node ids.)
    acked.sort_unstable();
    acked[acked.len() - majority(acked.len())]
}

/// The voters of a configuration, possibly in transition: the incoming voters and, during a
/// membership change (joint consensus), the outgoing ones. Both majorities must agree.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JointConfig {
    incoming: MajorityConfig,
    outgoing: MajorityConfig,
}

impl JointConfig {
    /// A configuration that is not in transition: `voters` alone decide.
    pub fn new(voters: MajorityConfig) -> JointConfig {
        JointConfig {
            incoming: voters,
            outgoing: MajorityConfig::default(),
        }
    }

    /// A configuration in transition from `outgoing` to `incoming`.
    pub fn joint(incoming: MajorityConfig, outgoing: MajorityConfig) -> JointConfig {
        JointConfig { incoming, outgoing }
    }

    pub fn incoming(&self) -> &MajorityConfig {
        &self.incoming
    }

    /// The voters being replaced; empty when no membership change is under way.
    pub fn outgoing(&self) -> &MajorityConfig {
        &self.outgoing
    }

    pub fn is_joint(&self) -> bool {
        !self.outgoing.is_empty()
    }

    /// Whether `id` is a voter of either half.
    pub fn contains(&self, id: NodeId) -> bool {
        self.incoming.contains(id) || self.outgoing.contains(id)
    }

    /// Every voter of either half, by id, each once.
    pub fn ids(&self) -> Ids<'_> {
        Ids {
            a: self.incoming.voters.as_slice(),
            b: self.outgoing.voters.as_slice(),
        }
    }

    /// The highest index both majorities hold: the smaller of their committed indexes.
    pub fn committed_index(&self, acked: &impl AckedIndexer, scratch: &mut Vec<Index>) -> Index {
        let incoming = self.incoming.committed_index(acked, scratch);
        if self.outgoing.is_empty() {
            return incoming;
        }
        incoming.min(self.outgoing.committed_index(acked, scratch))
    }

    /// Won when both majorities won, lost as soon as either lost, pending otherwise.
    pub fn vote_result(&self, votes: &NodeMap<bool>) -> VoteResult {
        let incoming = self.incoming.vote_result(votes);
        let outgoing = self.outgoing.vote_result(votes);
        combine(incoming, outgoing)
    }
}

/// The voters of a [`JointConfig`], by id, each once: its two sorted halves merged.
#[derive(Clone, Debug)]
pub struct Ids<'a> {
    a: &'a [NodeId],
    b: &'a [NodeId],
}

impl Iterator for Ids<'_> {
    type Item = NodeId;

    fn next(&mut self) -> Option<NodeId> {
        let (a, b) = (self.a.first().copied(), self.b.first().copied());
        let next = match (a, b) {
            (Some(x), Some(y)) => x.min(y),
            (Some(x), None) => x,
            (None, Some(y)) => y,
            (None, None) => return None,
        };
        if a == Some(next) {
            self.a = &self.a[1..];
        }
        if b == Some(next) {
            self.b = &self.b[1..];
        }
        Some(next)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let (a, b) = (self.a.len(), self.b.len());
        (a.max(b), Some(a + b))
    }
}

/// The outcome of a poll that both halves of a joint configuration must win.
pub fn combine(a: VoteResult, b: VoteResult) -> VoteResult {
    match (a, b) {
        (VoteResult::Won, VoteResult::Won) => VoteResult::Won,
        (VoteResult::Lost, _) | (_, VoteResult::Lost) => VoteResult::Lost,
        _ => VoteResult::Pending,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::collections::BTreeMap;

    impl AckedIndexer for BTreeMap<NodeId, Index> {
        fn acked_index(&self, voter: NodeId) -> Option<Index> {
            self.get(&voter).copied()
        }
    }

    fn acked(pairs: &[(NodeId, Index)]) -> BTreeMap<NodeId, Index> {
        pairs.iter().copied().collect()
    }

    fn votes(pairs: &[(NodeId, bool)]) -> NodeMap<bool> {
        pairs.iter().copied().collect()
    }

    fn voters(ids: &[NodeId]) -> MajorityConfig {
        MajorityConfig::new(ids.iter().copied())
    }

    #[test]
    fn majority_of_cluster_sizes() {
        assert_eq!(majority(1), 1);
        assert_eq!(majority(2), 2);
        assert_eq!(majority(3), 2);
        assert_eq!(majority(4), 3);
        assert_eq!(majority(5), 3);
        assert_eq!(majority(51), 26);
    }

    #[test]
    fn election_is_won_by_a_majority_and_lost_when_one_is_impossible() {
        let five = voters(&[1, 2, 3, 4, 5]);
        assert_eq!(five.result_of(3, 0), VoteResult::Won);
        assert_eq!(five.result_of(2, 2), VoteResult::Pending);
        assert_eq!(five.result_of(2, 3), VoteResult::Lost);
        assert_eq!(voters(&[1]).result_of(1, 0), VoteResult::Won);
        assert_eq!(voters(&[1, 2, 3, 4]).result_of(2, 2), VoteResult::Lost);
        assert_eq!(MajorityConfig::default().result_of(0, 0), VoteResult::Won);
    }

    #[test]
    fn a_poll_counts_only_the_voters_answers() {
        let three = voters(&[1, 2, 3]);
        assert_eq!(three.vote_result(&votes(&[])), VoteResult::Pending);
        assert_eq!(three.vote_result(&votes(&[(1, true)])), VoteResult::Pending);
        assert_eq!(
            three.vote_result(&votes(&[(1, true), (2, true)])),
            VoteResult::Won
        );
        assert_eq!(
            three.vote_result(&votes(&[(1, true), (2, false), (3, false)])),
            VoteResult::Lost
        );
        // Node 9 is no voter: its yes does not make a majority.
        assert_eq!(
            three.vote_result(&votes(&[(1, true), (9, true)])),
            VoteResult::Pending
        );
        assert_eq!(
            MajorityConfig::default().vote_result(&votes(&[])),
            VoteResult::Won
        );
    }

    #[test]
    fn commit_index_is_the_highest_index_on_a_majority() {
        let mut s = Vec::new();
        let five = voters(&[1, 2, 3, 4, 5]);
        let matches = acked(&[(1, 5), (2, 3), (3, 4), (4, 1), (5, 2)]);
        assert_eq!(five.committed_index(&matches, &mut s), 3);
        assert_eq!(voters(&[1]).committed_index(&acked(&[(1, 7)]), &mut s), 7);
        assert_eq!(
            voters(&[1, 2]).committed_index(&acked(&[(1, 7), (2, 2)]), &mut s),
            2
        );
        assert_eq!(
            voters(&[1, 2, 3, 4])
                .committed_index(&acked(&[(1, 9), (2, 9), (3, 1), (4, 1)]), &mut s),
            1
        );
        // A voter nothing is known of holds nothing.
        assert_eq!(
            voters(&[1, 2, 3]).committed_index(&acked(&[(1, 9), (2, 8)]), &mut s),
            8
        );
        assert_eq!(
            voters(&[1, 2, 3]).committed_index(&acked(&[(1, 9)]), &mut s),
            0
        );
        // Indexes of nodes that are not voters do not count.
        assert_eq!(
            voters(&[1, 2, 3]).committed_index(&acked(&[(1, 9), (4, 9), (5, 9)]), &mut s),
            0
        );
        assert_eq!(
            MajorityConfig::default().committed_index(&matches, &mut s),
            Index::MAX
        );
    }

    #[test]
    fn commit_index_of_acknowledged_indexes() {
        let mut s = Vec::new();
        assert_eq!(committed_index([5, 3, 4, 1, 2].into_iter(), &mut s), 3);
        assert_eq!(committed_index([7].into_iter(), &mut s), 7);
        assert_eq!(committed_index([7, 2].into_iter(), &mut s), 2);
        assert_eq!(committed_index([].into_iter(), &mut s), 0);
    }

    #[test]
    fn a_joint_config_commits_what_both_majorities_hold() {
        let mut s = Vec::new();
        let matches = acked(&[(1, 9), (2, 8), (3, 7), (4, 3), (5, 2), (6, 1)]);
        // Not in transition: the incoming voters alone.
        let simple = JointConfig::new(voters(&[1, 2, 3]));
        assert!(!simple.is_joint());
        assert_eq!(simple.committed_index(&matches, &mut s), 8);
        // {1,2,3} holds 8, {3,4,5} holds 3: both hold 3.
        let joint = JointConfig::joint(voters(&[1, 2, 3]), voters(&[3, 4, 5]));
        assert!(joint.is_joint());
        assert_eq!(joint.committed_index(&matches, &mut s), 3);
        // The order of the halves does not matter.
        let swapped = JointConfig::joint(voters(&[3, 4, 5]), voters(&[1, 2, 3]));
        assert_eq!(swapped.committed_index(&matches, &mut s), 3);
        // A node leaving the cluster still counts in the outgoing half.
        let leaving = JointConfig::joint(voters(&[1, 2]), voters(&[1, 2, 6]));
        assert_eq!(leaving.committed_index(&matches, &mut s), 8);
        assert_eq!(
            leaving.ids().collect::<Vec<_>>(),
            [1, 2, 6],
            "each voter once, by id"
        );
        assert_eq!(joint.ids().collect::<Vec<_>>(), [1, 2, 3, 4, 5]);
        assert_eq!(simple.ids().collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(voters(&[3, 1, 2, 1]).ids().collect::<Vec<_>>(), [1, 2, 3]);
        assert!(leaving.contains(6) && !leaving.contains(3));
    }

    #[test]
    fn a_joint_poll_needs_both_majorities() {
        let joint = JointConfig::joint(voters(&[1, 2, 3]), voters(&[3, 4, 5]));
        // A majority of the incoming voters only.
        let v = votes(&[(1, true), (2, true)]);
        assert_eq!(joint.incoming().vote_result(&v), VoteResult::Won);
        assert_eq!(joint.vote_result(&v), VoteResult::Pending);
        // Both majorities (3 counts in both).
        let v = votes(&[(1, true), (3, true), (4, true)]);
        assert_eq!(joint.vote_result(&v), VoteResult::Won);
        // The outgoing majority refuses: lost, whatever the incoming voters say.
        let v = votes(&[(1, true), (2, true), (4, false), (5, false)]);
        assert_eq!(joint.vote_result(&v), VoteResult::Lost);
        // An empty outgoing half wins every poll, so a simple configuration decides alone.
        let simple = JointConfig::new(voters(&[1, 2, 3]));
        assert_eq!(
            simple.vote_result(&votes(&[(1, true), (2, true)])),
            VoteResult::Won
        );
        assert_eq!(
            combine(VoteResult::Won, VoteResult::Pending),
            VoteResult::Pending
        );
        assert_eq!(
            combine(VoteResult::Pending, VoteResult::Lost),
            VoteResult::Lost
        );
    }
}
