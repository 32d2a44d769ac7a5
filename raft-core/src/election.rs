//! Leader election (paper §5.2, §5.4.1) with etcd's pre-vote and check-quorum extensions.

use crate::event::{VoteDecision, What};
use crate::message::{Body, Message, MsgKind};
use crate::node::Node;
use crate::quorum::VoteResult;
use crate::tracker::Configuration;
use crate::types::{NodeId, Role, Term, NONE};
use crate::why::{vote_rule, VoteAsk, Why};

/// What kind of campaign to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Campaign {
    /// Ask first whether a quorum would vote for us, without touching any term.
    PreElection,
    Election,
    /// Started by MsgTimeoutNow: skips pre-vote and overrides voters' leases.
    Transfer,
}

impl Node {
    /// The election timer fired (or a campaign was forced): start an election.
    pub(crate) fn hup(&mut self, transfer: bool) {
        if self.role == Role::Leader {
            return;
        }
        let term = self.term();
        // A voter of the newest configuration in the log campaigns, and so does a voter of
        // the applied one that the newest leaves out: it may be needed until that one
        // commits (thesis §4.2.2). The votes are counted in the newest (see
        // `Node::log_config`).
        let electorate = self.log_config();
        let in_newest = electorate
            .as_ref()
            .is_some_and(|c| c.voters.contains(self.id));
        if !self.promotable() && !in_newest {
            self.event_because(What::Unpromotable, Why::NotAVoter);
            return;
        }
        if self.has_unapplied_conf_changes() {
            self.event_because(What::CannotCampaignPendingConf { term }, Why::PendingConf);
            return;
        }
        self.event(What::StartingElection { term });
        let kind = if transfer {
            Campaign::Transfer
        } else if self.pre_vote {
            Campaign::PreElection
        } else {
            Campaign::Election
        };
        self.run_campaign(kind, electorate);
    }

    pub(crate) fn run_campaign(&mut self, kind: Campaign, electorate: Option<Configuration>) {
        let (request, term) = if kind == Campaign::PreElection {
            self.become_pre_candidate();
            // A pre-candidate keeps its term but asks about the next one.
            (MsgKind::PreVote, self.term() + 1)
        } else {
            self.become_candidate();
            (MsgKind::Vote, self.term())
        };
        self.trk.set_electorate(electorate);
        // Vote for ourselves first; in a one-node cluster that already decides it.
        let me = self.id;
        let response = request.vote_response();
        self.event(What::ReceivedVoteResponse {
            kind: response,
            from: me,
            term: self.term(),
            reject: false,
        });
        self.trk.record_vote(me, true);
        let (granted, rejected, result) = self.trk.tally_votes();
        if result == VoteResult::Won {
            // As etcd does, the vote that decides an election is followed by the tally.
            let quorum = self.trk.election_quorum();
            self.event(What::VoteTally {
                quorum: Some(quorum),
                kind: response,
                granted,
                rejected,
            });
            self.won_election(kind == Campaign::PreElection);
            return;
        }
        let (last_log_index, last_log_term) = (self.log.last_index(), self.log.last_term());
        let current_term = self.term();
        // The tracker and the outbox are separate fields: no copy of the voter list.
        let Node { trk, out, .. } = self;
        for to in trk.electorate().voters.ids() {
            if to == me {
                continue;
            }
            out.event(What::SentVoteRequest {
                kind: request,
                log_term: last_log_term,
                index: last_log_index,
                to,
                term: current_term,
            });
            let body = if request == MsgKind::PreVote {
                Body::PreVote {
                    last_log_term,
                    last_log_index,
                }
            } else {
                Body::Vote {
                    last_log_term,
                    last_log_index,
                    transfer: kind == Campaign::Transfer,
                }
            };
            out.send(to, term, body);
        }
    }

    fn won_election(&mut self, pre: bool) {
        if pre {
            let electorate = self.log_config();
            self.run_campaign(Campaign::Election, electorate);
        } else {
            self.become_leader();
            self.broadcast_append();
        }
    }

    /// Counts one answer to our (pre-)vote request and acts on the outcome.
    pub(crate) fn poll(&mut self, from: NodeId, kind: MsgKind, granted: bool) {
        let term = self.term();
        self.event(What::ReceivedVoteResponse {
            kind,
            from,
            term,
            reject: !granted,
        });
        self.trk.record_vote(from, granted);
        let (g, r, result) = self.trk.tally_votes();
        let quorum = self.trk.election_quorum();
        self.event(What::VoteTally {
            quorum: Some(quorum),
            kind,
            granted: g,
            rejected: r,
        });
        match result {
            VoteResult::Won => self.won_election(self.role == Role::PreCandidate),
            // A majority said no: wait as a follower for the next timeout (or a leader).
            VoteResult::Lost => self.become_follower(term, NONE),
            VoteResult::Pending => {}
        }
    }

    /// RequestVote receiver (Figure 2) and its pre-vote twin: the rule is `why::vote_rule`.
    pub(crate) fn handle_vote_request(&mut self, m: Message) {
        let Some(candidate) = m.body.candidate_log() else {
            return;
        };
        let pre = m.kind() == MsgKind::PreVote;
        let ask = VoteAsk {
            pre,
            term: self.term(),
            vote: self.vote(),
            lead: self.lead,
            msg_term: m.term,
            from: m.from,
            candidate,
            mine: self.log.last_pos(),
        };
        let (grant, why) = vote_rule(&ask);
        let resp = |reject| {
            if pre {
                Body::PreVoteResp { reject }
            } else {
                Body::VoteResp { reject }
            }
        };
        if grant {
            // Answer in the term asked about, so a pre-candidate counts it.
            self.answer_vote(&m, VoteDecision::Cast, why, Some((m.term, resp(false))));
            if !pre {
                // Granting a vote resets our election timer (§5.2) and is persisted first.
                self.election_elapsed = 0;
                let term = self.term();
                self.set_hard_state(term, m.from);
            }
        } else {
            let term = self.term();
            self.answer_vote(&m, VoteDecision::Rejected, why, Some((term, resp(true))));
        }
    }

    /// Says how a (pre-)vote request was answered and why, then sends the answer (None: it
    /// gets none, as under the lease).
    pub(crate) fn answer_vote(
        &mut self,
        m: &Message,
        decision: VoteDecision,
        why: Why,
        answer: Option<(Term, Body)>,
    ) {
        if self.out.recording() {
            let candidate = m.body.candidate_log().unwrap_or_default();
            let what = What::VoteRequestAnswered {
                decision,
                log_term: self.log.last_term(),
                index: self.log.last_index(),
                vote: self.vote(),
                kind: m.kind(),
                candidate: m.from,
                candidate_log_term: candidate.term,
                candidate_index: candidate.index,
                term: self.term(),
            };
            self.out.event_because(what, why.clone());
        }
        if let Some((term, body)) = answer {
            self.out.send_because(m.from, term, body, || why);
        }
    }

    // ----- role changes -----

    /// Clears everything that belongs to one term and one role.
    fn reset(&mut self, term: u64) {
        if term != self.term() {
            // A new term: we have not voted in it yet.
            self.set_hard_state(term, NONE);
        }
        self.lead = NONE;
        self.election_elapsed = 0;
        self.heartbeat_elapsed = 0;
        // Randomized timeouts make split votes rare (§5.2).
        self.randomized_election_timeout =
            self.rng.range(self.election_tick, 2 * self.election_tick);
        self.lead_transferee = NONE;
        self.leaving = false;
        self.commit_held = 0;
        self.trk.reset_votes();
        let next = self.log.last_index() + 1;
        self.trk.set_pending(None, next);
        let next = self.log.last_index() + 1;
        self.trk.reset_progress(next, self.id);
    }

    pub(crate) fn become_follower(&mut self, term: u64, lead: NodeId) {
        self.reset(term);
        self.lead = lead;
        self.role = Role::Follower;
        self.event(What::Became {
            role: Role::Follower,
            term,
        });
    }

    fn become_pre_candidate(&mut self) {
        // No reset: a pre-candidate changes neither its term nor its vote.
        self.role = Role::PreCandidate;
        self.lead = NONE;
        self.trk.reset_votes();
        let term = self.term();
        self.event(What::Became {
            role: Role::PreCandidate,
            term,
        });
    }

    fn become_candidate(&mut self) {
        // A candidate increments its term and votes for itself (§5.2).
        let term = self.term() + 1;
        self.reset(term);
        let me = self.id;
        self.set_hard_state(term, me);
        self.role = Role::Candidate;
        self.event(What::Became {
            role: Role::Candidate,
            term,
        });
    }

    fn become_leader(&mut self) {
        let term = self.term();
        self.reset(term);
        self.lead = self.id;
        self.role = Role::Leader;
        // Whatever is in the log may hold a configuration change not applied yet: accept no
        // new change until all of it is applied (etcd does the same). Until then, commit
        // only what a quorum of the configuration they make holds too: this leader was
        // elected by that one (see `Node::log_config`), which may be two changes past the
        // applied one (a joint change and the change that leaves it), so a quorum of the
        // applied one alone need not overlap the quorums that elect the next leaders.
        self.pending_conf_index = self.log.last_index();
        let pending = self.log_config();
        self.trk.set_pending(pending, self.log.last_index() + 1);
        if let Some(pr) = self.trk.progress_mut(self.id) {
            pr.become_replicate();
        }
        // A new leader appends a no-op entry of its own term (§8): committing it commits
        // everything before it, which it could not commit by counting replicas alone.
        self.append_entries(&[Default::default()]);
        self.event(What::Became {
            role: Role::Leader,
            term,
        });
    }
}
