//! Log replication (paper §5.3), commitment (§5.4.2), heartbeats and snapshots (§7): the
//! leader's sending side and the follower's receiving side of AppendEntries/InstallSnapshot.

use crate::event::What;
use crate::log::RaftLog;
use crate::message::{Body, Message};
use crate::node::{Node, Outbox};
use crate::progress::{Progress, ProgressState};
use crate::types::{Bytes, Entry, Index, NodeId, Term};
use crate::why::Why;
use alloc::boxed::Box;
use alloc::string::ToString;
use alloc::vec::Vec;

impl Node {
    // ----- leader side -----

    /// Appends client commands to the leader's own log and replicates them.
    pub(crate) fn propose_as_leader(&mut self, commands: Vec<Bytes>) {
        if self.lead_transferee != crate::types::NONE {
            // etcd refuses proposals during a transfer: the new leader would not know them.
            let to = self.lead_transferee;
            self.drop_proposal(crate::event::DropReason::Transferring { to });
            return;
        }
        if self.leaving {
            self.drop_proposal(crate::event::DropReason::Leaving);
            return;
        }
        if commands.is_empty() {
            return;
        }
        let first = self.log.last_index() + 1;
        self.append_entries(&commands);
        self.stats.proposals_appended += commands.len() as u64;
        let (term, last) = (self.term(), self.log.last_index());
        self.event(What::ProposalAppended { term, first, last });
        self.broadcast_append();
    }

    /// The leader appends entries of its current term to its log (it never overwrites or
    /// deletes its own entries: Leader Append-Only).
    pub(crate) fn append_entries(&mut self, commands: &[Bytes]) {
        let term = self.term();
        let first = self.log.last_index() + 1;
        self.log
            .append(commands.iter().enumerate().map(|(i, data)| Entry {
                term,
                index: first + i as Index,
                data: data.clone(),
            }));
        let last = self.log.last_index();
        if let Some(pr) = self.trk.progress_mut(self.id) {
            pr.maybe_update(last);
        }
        // In a one-node cluster the leader alone is a majority.
        self.maybe_commit();
    }

    /// Advances the commit index to the highest index a quorum holds, provided that entry
    /// is of the current term (§5.4.2). Returns whether it moved.
    pub(crate) fn maybe_commit(&mut self) -> bool {
        let index = self.trk.committed();
        let term = self.term();
        match self.log.maybe_commit(index, term) {
            None => false,
            Some((true, why)) => {
                self.event_because(What::Committed { term, index }, why);
                true
            }
            Some((false, why)) => {
                // Figure 8's situation: said once per index, not on every answer.
                if self.commit_held != index {
                    self.commit_held = index;
                    if let Why::EarlierTerm { entry_term, .. } = why {
                        let what = What::CommitHeld {
                            term,
                            index,
                            entry_term,
                        };
                        self.event_because(what, why);
                    }
                }
                false
            }
        }
    }

    /// Why `index` is or is not committed, as this leader sees it: which voters hold it,
    /// which term it is from and what would commit it (None: not a leader, or no such
    /// entry). The answer to "why isn't index i committed?".
    pub fn commit_status(&self, index: Index) -> Option<Why> {
        if self.role != crate::types::Role::Leader || index == 0 || index > self.log.last_index() {
            return None;
        }
        let committed = self.log.committed();
        if index <= committed {
            return Some(Why::Committed { index, committed });
        }
        let voters = &self.trk.config().voters;
        let holds = |id: NodeId| self.trk.progress(id).is_some_and(|p| p.matched >= index);
        // The acknowledgements each majority still lacks (an empty one, outside a joint
        // configuration, lacks none); while joint, both must be met.
        let lacking = |m: &crate::quorum::MajorityConfig| {
            if m.ids().next().is_none() {
                return 0;
            }
            let have = m.ids().filter(|&id| holds(id)).count();
            m.quorum().saturating_sub(have)
        };
        let needed = lacking(voters.incoming()).max(lacking(voters.outgoing()));
        if needed == 0 {
            let entry_term = self.log.term(index).unwrap_or(0);
            return Some(crate::why::commit_rule(index, entry_term, self.term()).1);
        }
        let holders: Box<[NodeId]> = voters.ids().filter(|&id| holds(id)).collect();
        let missing: Box<[NodeId]> = voters.ids().filter(|&id| !holds(id)).collect();
        Some(Why::NotOnQuorum {
            index,
            holders,
            missing,
            needed,
        })
    }

    pub(crate) fn broadcast_append(&mut self) {
        let (me, term) = (self.id, self.term());
        for (to, pr) in self.trk.iter_mut() {
            if to != me {
                let mut follower = Follower::new(to, pr, term, self.max_size_per_msg);
                follower.send_append(&self.log, &mut self.out, true);
            }
        }
    }

    /// Sends `to` what it is missing (see [`Follower::send_append`]). Returns whether
    /// anything was sent.
    pub(crate) fn send_append(&mut self, to: NodeId, send_if_empty: bool) -> bool {
        let term = self.term();
        let Some(pr) = self.trk.progress_mut(to) else {
            return false;
        };
        Follower::new(to, pr, term, self.max_size_per_msg).send_append(
            &self.log,
            &mut self.out,
            send_if_empty,
        )
    }

    pub(crate) fn broadcast_heartbeat(&mut self) {
        let (me, term) = (self.id, self.term());
        let committed = self.log.committed();
        for (to, pr) in self.trk.iter() {
            if to == me {
                continue;
            }
            // Never tell a follower to commit past what it is known to hold.
            let commit = pr.matched.min(committed);
            self.out.send(to, term, Body::Heartbeat { commit });
        }
    }

    pub(crate) fn handle_append_response(
        &mut self,
        from: NodeId,
        index: Index,
        reject: bool,
        hint_index: Index,
        hint_term: Term,
    ) {
        let term = self.term();
        let Some(pr) = self.trk.progress_mut(from) else {
            return;
        };
        pr.recent_active |= from != self.id;
        let mut follower = Follower::new(from, pr, term, self.max_size_per_msg);
        if reject {
            self.out.event(What::ReceivedAppRejection {
                hint_index,
                hint_term,
                from,
                index,
            });
            // Fast backtracking: jump over the follower's conflicting term in one step.
            let probe = if hint_term > 0 {
                self.log.find_conflict_by_term(hint_index, hint_term).0
            } else {
                hint_index
            };
            let pr = &mut *follower.pr;
            if pr.maybe_decrease_to(index, probe) {
                if self.out.recording() {
                    self.out.event(What::DecreasedProgress {
                        to: from,
                        progress: pr.to_string(),
                    });
                }
                if pr.state == ProgressState::Replicate {
                    pr.become_probe();
                }
                follower.send_append(&self.log, &mut self.out, true);
            }
            return;
        }
        let pr = &mut *follower.pr;
        let was_paused = pr.is_paused();
        if !pr.maybe_update(index) {
            return;
        }
        match pr.state {
            ProgressState::Probe => pr.become_replicate(),
            ProgressState::Snapshot { pending } if pr.matched >= pending => {
                pr.become_probe();
                pr.become_replicate();
            }
            ProgressState::Replicate => pr.free_inflights_to(index),
            ProgressState::Snapshot { .. } => {}
        }
        // The commit index can move only when this follower now holds more than it: a
        // quorum index at or below the commit index commits nothing new (and one that did
        // not move was already tried when it last moved).
        let may_commit = pr.matched > self.log.committed();
        let mut follower = if may_commit || was_paused {
            if may_commit && self.maybe_commit() {
                // Tell everyone at once, so followers apply without waiting for a heartbeat.
                self.broadcast_append();
            } else if was_paused {
                self.send_append(from, true);
            }
            let Some(pr) = self.trk.progress_mut(from) else {
                return;
            };
            Follower::new(from, pr, term, self.max_size_per_msg)
        } else {
            follower
        };
        // Stream whatever else the follower is missing, up to the inflight limit.
        while follower.send_append(&self.log, &mut self.out, false) {}
        let last_index = self.log.last_index();
        if from == self.lead_transferee && follower.pr.matched == last_index {
            // The transferee has caught up: tell it to campaign now.
            self.out.event(What::TransferAfterCatchUp { to: from });
            self.send_timeout_now(from);
        }
    }

    pub(crate) fn handle_heartbeat_response(&mut self, from: NodeId) {
        let term = self.term();
        let Some(pr) = self.trk.progress_mut(from) else {
            return;
        };
        pr.recent_active |= from != self.id;
        pr.probe_sent = false;
        if pr.state == ProgressState::Replicate && pr.is_paused() {
            pr.free_first_inflight();
        }
        if pr.matched < self.log.last_index() {
            Follower::new(from, pr, term, self.max_size_per_msg).send_append(
                &self.log,
                &mut self.out,
                true,
            );
        }
    }

    // ----- follower side -----

    /// A message from the leader of our term: AppendEntries, heartbeat or InstallSnapshot.
    pub(crate) fn handle_from_leader(&mut self, m: Message) {
        let term = self.term();
        match m.body {
            Body::App {
                prev_log_index,
                prev_log_term,
                entries,
                commit,
            } => self.handle_append(
                m.from,
                term,
                prev_log_index,
                prev_log_term,
                &entries,
                commit,
            ),
            Body::Heartbeat { commit } => {
                self.log.commit_to(commit);
                self.send(m.from, term, Body::HeartbeatResp);
            }
            Body::Snap { snapshot } => {
                let (index, s_term) = (snapshot.index, snapshot.term);
                let conf = snapshot.conf.clone();
                if self.log.restore(*snapshot) {
                    // The snapshot's configuration is the one in force at its index.
                    if !conf.voters.is_empty() {
                        let config = crate::tracker::Configuration::from_conf_state(&conf);
                        if config != *self.trk.config() {
                            self.switch_to_config(config);
                        }
                    }
                    let commit = self.log.committed();
                    self.event(What::RestoredSnapshot {
                        commit,
                        index,
                        term: s_term,
                    });
                    let last = self.log.last_index();
                    self.send(
                        m.from,
                        term,
                        Body::AppResp {
                            index: last,
                            reject: false,
                            hint_index: 0,
                            hint_term: 0,
                        },
                    );
                } else {
                    let commit = self.log.committed();
                    let what = What::IgnoredSnapshot {
                        commit,
                        index,
                        term: s_term,
                    };
                    let why = Why::SnapshotNotNewer {
                        index,
                        committed: commit,
                    };
                    self.event_because(what, why);
                    self.send(
                        m.from,
                        term,
                        Body::AppResp {
                            index: commit,
                            reject: false,
                            hint_index: 0,
                            hint_term: 0,
                        },
                    );
                }
            }
            _ => {}
        }
    }

    fn handle_append(
        &mut self,
        from: NodeId,
        term: Term,
        prev_log_index: Index,
        prev_log_term: Term,
        entries: &[Entry],
        commit: Index,
    ) {
        let committed = self.log.committed();
        if prev_log_index < committed {
            // Everything up to our commit index matches any leader's log: say so.
            let why = Why::BelowCommit {
                index: prev_log_index,
                committed,
            };
            let answer = Body::AppResp {
                index: committed,
                reject: false,
                hint_index: 0,
                hint_term: 0,
            };
            self.out.send_because(from, term, answer, || why);
            return;
        }
        match self
            .log
            .maybe_append(prev_log_index, prev_log_term, commit, entries)
        {
            Ok(appended) => {
                if let Some(c) = appended.conflict {
                    self.event(What::FoundConflict {
                        index: c.index,
                        existing_term: c.existing_term,
                        conflicting_term: c.conflicting_term,
                    });
                }
                let answer = Body::AppResp {
                    index: appended.last_new,
                    reject: false,
                    hint_index: 0,
                    hint_term: 0,
                };
                let why = || Why::LogMatches {
                    index: prev_log_index,
                    term: prev_log_term,
                };
                self.out.send_because(from, term, answer, why);
            }
            Err(why) => {
                // Consistency check failed (§5.3): reject, with a hint of where our logs may
                // agree so the leader can skip a whole conflicting term at once.
                let probe = prev_log_index.min(self.log.last_index());
                let (hint_index, hint_term) = self.log.find_conflict_by_term(probe, prev_log_term);
                let log_term = self.log.term(prev_log_index).unwrap_or(0);
                if self.out.recording() {
                    let what = What::RejectedApp {
                        log_term,
                        index: prev_log_index,
                        msg_log_term: prev_log_term,
                        msg_index: prev_log_index,
                        from,
                    };
                    self.out.event_because(what, why.clone());
                }
                let answer = Body::AppResp {
                    index: prev_log_index,
                    reject: true,
                    hint_index,
                    hint_term,
                };
                self.out.send_because(from, term, answer, || why);
            }
        }
    }
}

/// One follower as the leader's sending side sees it: its id and progress, and what every
/// message to it carries (the leader's term, the size limit of a MsgApp).
struct Follower<'a> {
    to: NodeId,
    pr: &'a mut Progress,
    term: Term,
    max_size_per_msg: usize,
}

impl<'a> Follower<'a> {
    fn new(to: NodeId, pr: &'a mut Progress, term: Term, max_size_per_msg: usize) -> Self {
        Follower {
            to,
            pr,
            term,
            max_size_per_msg,
        }
    }

    /// Sends the entries the follower is missing from nextIndex on, or a snapshot when those
    /// are compacted. An empty MsgApp is sent only when `send_if_empty` (to carry the commit
    /// index or probe). Returns whether anything was sent.
    fn send_append(&mut self, log: &RaftLog, out: &mut Outbox, send_if_empty: bool) -> bool {
        if self.pr.is_paused() {
            return false;
        }
        let next = self.pr.next;
        let prev_log_index = next - 1;
        let prev_log_term = log.term(prev_log_index);
        let entries = log.entries_from(next, self.max_size_per_msg);
        match (prev_log_term, entries) {
            (Some(prev_log_term), Some(entries)) => {
                if entries.is_empty() && !send_if_empty {
                    return false;
                }
                self.pr.sent_append(entries.last().map(|e| e.index));
                let commit = log.committed();
                out.send(
                    self.to,
                    self.term,
                    Body::App {
                        prev_log_index,
                        prev_log_term,
                        entries,
                        commit,
                    },
                );
                true
            }
            _ => self.send_snapshot(log, out),
        }
    }

    fn send_snapshot(&mut self, log: &RaftLog, out: &mut Outbox) -> bool {
        if !self.pr.recent_active {
            // A snapshot is expensive; do not send it to a node that may be down.
            return false;
        }
        let snapshot = log.snapshot().clone();
        self.pr.become_snapshot(snapshot.index);
        if out.recording() {
            out.event(What::SentSnapshot {
                first_index: log.first_index(),
                commit: log.committed(),
                index: snapshot.index,
                term: snapshot.term,
                to: self.to,
                progress: self.pr.to_string(),
            });
        }
        out.send(
            self.to,
            self.term,
            Body::Snap {
                snapshot: Box::new(snapshot),
            },
        );
        true
    }
}
