//! What a node keeps track of about the cluster, in the manner of etcd raft's `tracker/`:
//! the configuration (who votes, who only learns), the leader's view of each node's log
//! ([`Progress`]: matchIndex, nextIndex, flow control), the votes of the current
//! (pre-)election and who was heard from in the current check-quorum round. Everything is
//! keyed by node id; the majority arithmetic itself is `quorum.rs`.
//!
//! The configuration changes through configuration entries (`confchange.rs`): it holds two
//! voter sets while joint (the incoming and the outgoing voters of joint consensus, paper
//! §6), learners, and the learners to be once the joint configuration is left.
//!
//! When a change takes effect: as in etcd raft, when its entry is *applied* (the node's
//! `advance`), not when it is appended as the paper's §6 has it. A leader therefore keeps
//! counting the old majority for the change's own entry; the cost is that a node holds a
//! configuration entry for a while without acting on it, and a second change must wait until
//! the first is applied (only one may be pending). A snapshot carries the configuration in
//! force at its index ([`crate::ConfState`]).

use crate::nodemap::{NodeMap, NodeSet};
use crate::progress::Progress;
use crate::quorum::{self, combine, AckedIndexer, JointConfig, MajorityConfig, VoteResult};
use crate::types::{ConfState, Index, NodeId};
use alloc::boxed::Box;
use alloc::vec::Vec;

/// Who takes part in the cluster, and how.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Configuration {
    /// The voters: those whose votes elect a leader and whose logs commit entries.
    pub voters: JointConfig,
    /// Nodes that receive the log but neither vote nor count towards commitment.
    pub learners: NodeSet,
    /// Outgoing voters that become learners when the joint configuration is left (a node is
    /// never a voter and a learner at once).
    pub learners_next: NodeSet,
    /// Whether the leader leaves the joint configuration by itself once it is applied.
    pub auto_leave: bool,
}

impl Configuration {
    /// A configuration of `voters` only, not in transition.
    pub fn new(voters: impl IntoIterator<Item = NodeId>) -> Configuration {
        Configuration {
            voters: JointConfig::new(MajorityConfig::new(voters)),
            ..Configuration::default()
        }
    }

    /// The configuration a snapshot records.
    pub fn from_conf_state(cs: &ConfState) -> Configuration {
        Configuration {
            voters: JointConfig::joint(
                MajorityConfig::new(cs.voters.iter().copied()),
                MajorityConfig::new(cs.voters_outgoing.iter().copied()),
            ),
            learners: cs.learners.iter().copied().collect(),
            learners_next: cs.learners_next.iter().copied().collect(),
            auto_leave: cs.auto_leave,
        }
    }

    /// The configuration as a snapshot records it.
    pub fn to_conf_state(&self) -> ConfState {
        ConfState {
            voters: self.voters.incoming().ids().collect(),
            voters_outgoing: self.voters.outgoing().ids().collect(),
            learners: self.learners.iter().collect(),
            learners_next: self.learners_next.iter().collect(),
            auto_leave: self.auto_leave,
        }
    }

    /// Whether `id` is a learner (or a learner to be).
    pub fn is_learner(&self, id: NodeId) -> bool {
        self.learners.contains(id) || self.learners_next.contains(id)
    }
}

impl core::fmt::Display for Configuration {
    /// etcd's words: `voters=(1 2 3)&&(1 2) learners=(4) autoleave`.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&crate::confchange::describe(self))
    }
}

/// The configuration, each node's progress, the votes and check-quorum's activity round.
#[derive(Debug)]
pub struct ProgressTracker {
    config: Configuration,
    /// One entry for every voter and learner of `config` (this node's own included) and
    /// no other.
    progress: NodeMap<Progress>,
    /// Answers to the current (pre-)election's vote requests: true = granted.
    votes: NodeMap<bool>,
    /// For a leader elected while its log held configuration entries it had not applied, the
    /// configuration they make, until it has applied them (None otherwise): a commit needs a
    /// quorum of it too, and its members have a progress (see `Node::log_config`).
    pending: Option<Box<Configuration>>,
    /// Who votes in the current (pre-)election, when not `config`'s voters: the
    /// configuration of the newest configuration entry in this node's log, applied or not
    /// (see `Node::log_config`).
    electorate: Option<Box<Configuration>>,
    max_inflight: usize,
    /// Reused by the committed-index computation (the leader's hot path).
    scratch: Vec<Index>,
}

impl Clone for ProgressTracker {
    fn clone(&self) -> ProgressTracker {
        ProgressTracker {
            config: self.config.clone(),
            progress: self.progress.clone(),
            votes: self.votes.clone(),
            pending: self.pending.clone(),
            electorate: self.electorate.clone(),
            max_inflight: self.max_inflight,
            // Scratch space holds nothing worth copying.
            scratch: Vec::new(),
        }
    }
}

/// Reads a voter's acknowledged index from its progress (its matchIndex).
struct MatchIndexes<'a>(&'a NodeMap<Progress>);

impl AckedIndexer for MatchIndexes<'_> {
    fn acked_index(&self, voter: NodeId) -> Option<Index> {
        self.0.get(voter).map(|p| p.matched)
    }
}

impl ProgressTracker {
    /// A tracker of `config`; each node's progress starts at nextIndex `next`.
    pub fn new(config: Configuration, next: Index, max_inflight: usize) -> ProgressTracker {
        let ids = config
            .voters
            .ids()
            .chain(config.learners.iter())
            .chain(config.learners_next.iter());
        let progress: NodeMap<Progress> = ids
            .map(|id| (id, Progress::new(next, max_inflight)))
            .collect();
        // Only a leader computes committed indexes: the space is taken on first use.
        let scratch = Vec::new();
        ProgressTracker {
            config,
            progress,
            votes: NodeMap::new(),
            pending: None,
            electorate: None,
            max_inflight,
            scratch,
        }
    }

    pub fn config(&self) -> &Configuration {
        &self.config
    }

    /// Switches to `config` (a change was applied, or a snapshot installed): a node new to
    /// the configuration gets a progress at nextIndex `next`, counted as recently active
    /// (etcd probes it from the leader's last index); one no longer in it loses its
    /// progress; everyone else keeps theirs.
    pub fn switch_config(&mut self, config: Configuration, next: Index) {
        self.config = config;
        self.track_members(next);
    }

    /// Sets the leader's pending configuration (see `pending`); its members new to the
    /// tracker get a progress at nextIndex `next`.
    pub fn set_pending(&mut self, pending: Option<Configuration>, next: Index) {
        if pending.is_none() && self.pending.is_none() {
            // Every role change clears it: nothing to do in the common case.
            return;
        }
        self.pending = pending.map(Box::new);
        self.track_members(next);
    }

    /// Gives every member of the configuration and of the pending one a progress, and no
    /// one else.
    fn track_members(&mut self, next: Index) {
        let max_inflight = self.max_inflight;
        let configs = || core::iter::once(&self.config).chain(self.pending.as_deref());
        let member = |id: NodeId| {
            configs().any(|c| {
                c.voters.contains(id) || c.learners.contains(id) || c.learners_next.contains(id)
            })
        };
        self.progress.retain(member);
        let ids: Vec<NodeId> = configs()
            .flat_map(|c| {
                c.voters
                    .ids()
                    .chain(c.learners.iter())
                    .chain(c.learners_next.iter())
            })
            .collect();
        for id in ids {
            if !self.progress.contains_key(id) {
                let mut pr = Progress::new(next, max_inflight);
                pr.recent_active = true;
                self.progress.insert(id, pr);
            }
        }
    }

    /// Every voter of the configuration (of both halves while in transition), by id.
    pub fn voter_ids(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.config.voters.ids()
    }

    /// Whether `id` is a voter of the configuration.
    pub fn is_voter(&self, id: NodeId) -> bool {
        self.config.voters.contains(id)
    }

    /// How many votes make a majority of the (incoming) voters: the quorum a log line shows.
    pub fn quorum(&self) -> usize {
        self.config.voters.incoming().quorum()
    }

    // ----- progress -----

    /// The progress of `id`; None when it is not in the configuration.
    pub fn progress(&self, id: NodeId) -> Option<&Progress> {
        self.progress.get(id)
    }

    pub fn progress_mut(&mut self, id: NodeId) -> Option<&mut Progress> {
        self.progress.get_mut(id)
    }

    /// Every node's progress, by id (etcd's `Visit`).
    pub fn iter(&self) -> impl Iterator<Item = (NodeId, &Progress)> {
        self.progress.iter()
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = (NodeId, &mut Progress)> {
        self.progress.iter_mut()
    }

    /// Starts every node's progress afresh at nextIndex `next` (a new term or role): nothing
    /// is known to match, except that node `me` holds its own log up to `next - 1`.
    pub fn reset_progress(&mut self, next: Index, me: NodeId) {
        let max_inflight = self.max_inflight;
        for (id, pr) in self.progress.iter_mut() {
            *pr = Progress::new(next, max_inflight);
            if id == me {
                pr.matched = next - 1;
                pr.recent_active = true;
            }
        }
    }

    /// The highest index a quorum of the voters holds (of both majorities while in
    /// transition), from their match indexes.
    pub fn committed(&mut self) -> Index {
        let ProgressTracker {
            config,
            progress,
            scratch,
            pending,
            ..
        } = self;
        if let Some(pending) = pending.as_deref() {
            // Both the applied configuration and the newest one in the log must hold it.
            let applied = config
                .voters
                .committed_index(&MatchIndexes(progress), scratch);
            let newest = pending
                .voters
                .committed_index(&MatchIndexes(progress), scratch);
            return applied.min(newest);
        }
        if !config.voters.is_joint() && config.learners.is_empty() {
            // Every node tracked is a voter: take their match indexes as they come, without
            // looking each voter up (this runs on every acknowledgement a leader receives).
            return quorum::committed_index(progress.values().map(|p| p.matched), scratch);
        }
        config
            .voters
            .committed_index(&MatchIndexes(progress), scratch)
    }

    // ----- check-quorum -----

    /// Whether the voters heard from in this check-quorum round (`recent_active`, the
    /// leader's own flag always set) form a quorum (of both majorities while in transition).
    pub fn quorum_active(&self) -> bool {
        let active = |half: &MajorityConfig| {
            let heard = half
                .ids()
                .filter(|&id| self.progress.get(id).is_some_and(|p| p.recent_active))
                .count();
            half.result_of(heard, half.len() - heard)
        };
        let voters = &self.config.voters;
        combine(active(voters.incoming()), active(voters.outgoing())) == VoteResult::Won
    }

    /// Starts the next check-quorum round: nobody but `me` has been heard from yet.
    pub fn reset_recent_active(&mut self, me: NodeId) {
        for (id, pr) in self.progress.iter_mut() {
            pr.recent_active = id == me;
        }
    }

    // ----- votes -----

    /// Forgets the votes of the last (pre-)election, and who voted in it.
    pub fn reset_votes(&mut self) {
        self.votes.clear();
        self.electorate = None;
    }

    /// Holds the next (pre-)election among `electorate`'s voters rather than the
    /// configuration's (None: the configuration's).
    pub fn set_electorate(&mut self, electorate: Option<Configuration>) {
        self.electorate = electorate.map(Box::new);
    }

    /// The configuration whose voters decide the current (pre-)election.
    pub fn electorate(&self) -> &Configuration {
        self.electorate.as_deref().unwrap_or(&self.config)
    }

    /// How many votes make a majority of the electorate's (incoming) voters: the quorum a
    /// vote tally's log line shows.
    pub fn election_quorum(&self) -> usize {
        self.electorate().voters.incoming().quorum()
    }

    /// Records `id`'s answer to our vote request. Only a voter's first answer counts
    /// (duplicates are common on a lossy network).
    pub fn record_vote(&mut self, id: NodeId, granted: bool) {
        if self.electorate().voters.contains(id) {
            self.votes.get_or_insert(id, granted);
        }
    }

    /// The votes granted and rejected so far, and what they decide.
    pub fn tally_votes(&self) -> (usize, usize, VoteResult) {
        let granted = self.votes.values().filter(|&&v| v).count();
        let rejected = self.votes.len() - granted;
        let voters = &self.electorate().voters;
        let result = if voters.is_joint() {
            voters.vote_result(&self.votes)
        } else {
            // Only voters' answers are recorded: the counts are the incoming majority's.
            voters.incoming().result_of(granted, rejected)
        };
        (granted, rejected, result)
    }

    /// The answers received in the current (pre-)election, by voter id.
    pub fn votes(&self) -> impl Iterator<Item = (NodeId, bool)> + '_ {
        self.votes.iter().map(|(id, &v)| (id, v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tracker(voters: &[NodeId]) -> ProgressTracker {
        ProgressTracker::new(Configuration::new(voters.iter().copied()), 1, 4)
    }

    /// A tracker of a joint configuration: `incoming` and `outgoing` voters.
    fn joint(incoming: &[NodeId], outgoing: &[NodeId]) -> ProgressTracker {
        let config = Configuration {
            voters: JointConfig::joint(
                MajorityConfig::new(incoming.iter().copied()),
                MajorityConfig::new(outgoing.iter().copied()),
            ),
            ..Configuration::default()
        };
        ProgressTracker::new(config, 1, 4)
    }

    fn set_matches(t: &mut ProgressTracker, matches: &[(NodeId, Index)]) {
        for &(id, m) in matches {
            t.progress_mut(id).unwrap().maybe_update(m);
        }
    }

    #[test]
    fn progress_is_kept_for_every_voter_and_learner_by_id() {
        let mut config = Configuration::new([3, 1, 2]);
        config.learners.insert(7);
        let t = ProgressTracker::new(config, 5, 4);
        assert_eq!(t.iter().map(|(id, _)| id).collect::<Vec<_>>(), [1, 2, 3, 7]);
        assert_eq!(t.voter_ids().collect::<Vec<_>>(), [1, 2, 3]);
        assert!(t.is_voter(2) && !t.is_voter(7));
        assert_eq!(t.progress(7).unwrap().next, 5);
        assert!(t.progress(4).is_none());
    }

    #[test]
    fn committed_index_is_what_a_majority_of_voters_holds() {
        let mut t = tracker(&[1, 2, 3, 4, 5]);
        set_matches(&mut t, &[(1, 9), (2, 7), (3, 5), (4, 2)]);
        assert_eq!(t.committed(), 5);
        set_matches(&mut t, &[(4, 8)]);
        assert_eq!(t.committed(), 7);
    }

    #[test]
    fn learners_do_not_count_towards_commitment() {
        let mut config = Configuration::new([1, 2, 3]);
        config.learners = NodeSet::from([4, 5]);
        let mut t = ProgressTracker::new(config, 1, 4);
        set_matches(&mut t, &[(1, 9), (4, 9), (5, 9)]);
        assert_eq!(t.committed(), 0);
        set_matches(&mut t, &[(2, 3)]);
        assert_eq!(t.committed(), 3);
    }

    #[test]
    fn a_joint_config_commits_the_minimum_of_both_majorities() {
        let mut t = joint(&[1, 2, 3], &[3, 4, 5]);
        assert_eq!(
            t.iter().map(|(id, _)| id).collect::<Vec<_>>(),
            [1, 2, 3, 4, 5]
        );
        // The incoming majority holds 8, the outgoing one only 1.
        set_matches(&mut t, &[(1, 9), (2, 8), (3, 2), (4, 1)]);
        assert_eq!(t.committed(), 1);
        // Now the outgoing majority {3, 4} holds 6: both hold 6.
        set_matches(&mut t, &[(3, 6), (4, 6)]);
        assert_eq!(t.committed(), 6);
    }

    #[test]
    fn a_reset_starts_everyone_afresh_but_knows_its_own_log() {
        let mut t = tracker(&[1, 2, 3]);
        set_matches(&mut t, &[(1, 4), (2, 4), (3, 4)]);
        t.reset_progress(10, 2);
        assert_eq!(t.progress(1).unwrap().matched, 0);
        assert_eq!(t.progress(1).unwrap().next, 10);
        assert_eq!(t.progress(2).unwrap().matched, 9);
        assert!(t.progress(2).unwrap().recent_active);
        assert!(!t.progress(3).unwrap().recent_active);
    }

    #[test]
    fn quorum_activity_counts_the_voters_heard_from() {
        let mut t = tracker(&[1, 2, 3, 4, 5]);
        t.reset_recent_active(1);
        assert!(!t.quorum_active(), "the leader alone is no quorum");
        t.progress_mut(4).unwrap().recent_active = true;
        assert!(!t.quorum_active());
        t.progress_mut(2).unwrap().recent_active = true;
        assert!(t.quorum_active());
        // A new round forgets everyone but the leader.
        t.reset_recent_active(1);
        assert!(!t.quorum_active());
        assert!(t.progress(1).unwrap().recent_active);
        // A one-node cluster is always active.
        let mut single = tracker(&[1]);
        single.reset_recent_active(1);
        assert!(single.quorum_active());
    }

    #[test]
    fn quorum_activity_of_a_joint_config_needs_both_majorities() {
        let mut t = joint(&[1, 2, 3], &[1, 4, 5]);
        t.reset_recent_active(1);
        t.progress_mut(2).unwrap().recent_active = true;
        assert!(!t.quorum_active(), "only the incoming majority is active");
        t.progress_mut(5).unwrap().recent_active = true;
        assert!(t.quorum_active());
    }

    #[test]
    fn votes_are_tallied_once_per_voter() {
        let mut t = tracker(&[1, 2, 3, 4, 5]);
        t.record_vote(1, true);
        assert_eq!(t.tally_votes(), (1, 0, VoteResult::Pending));
        t.record_vote(2, false);
        // A duplicate answer does not change the first one.
        t.record_vote(2, true);
        t.record_vote(9, true);
        assert_eq!(t.tally_votes(), (1, 1, VoteResult::Pending));
        t.record_vote(3, true);
        t.record_vote(4, true);
        assert_eq!(t.tally_votes(), (3, 1, VoteResult::Won));
        assert_eq!(
            t.votes().collect::<Vec<_>>(),
            [(1, true), (2, false), (3, true), (4, true)]
        );
        t.reset_votes();
        assert_eq!(t.tally_votes(), (0, 0, VoteResult::Pending));

        t.record_vote(2, false);
        t.record_vote(3, false);
        t.record_vote(4, false);
        assert_eq!(t.tally_votes(), (0, 3, VoteResult::Lost));
    }

    #[test]
    fn a_single_voter_wins_with_its_own_vote() {
        let mut t = tracker(&[1]);
        t.record_vote(1, true);
        assert_eq!(t.tally_votes(), (1, 0, VoteResult::Won));
        assert_eq!(t.quorum(), 1);
    }

    #[test]
    fn a_joint_election_needs_both_majorities() {
        let mut t = joint(&[1, 2, 3], &[3, 4, 5]);
        t.record_vote(1, true);
        t.record_vote(2, true);
        // A majority of the incoming voters, none yet of the outgoing ones.
        assert_eq!(t.tally_votes(), (2, 0, VoteResult::Pending));
        t.record_vote(4, false);
        t.record_vote(5, false);
        assert_eq!(t.tally_votes(), (2, 2, VoteResult::Lost));

        t.reset_votes();
        for id in [1, 3, 4] {
            t.record_vote(id, true);
        }
        assert_eq!(t.tally_votes(), (3, 0, VoteResult::Won));
    }
}
