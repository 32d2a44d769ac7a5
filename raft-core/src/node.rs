//! A Raft node as a pure state machine (sans-IO): inputs are ticks, messages and client
//! proposals; outputs, handed over in a `Ready` (ready.rs), are what to persist, messages
//! to send, committed entries to apply and events. It never reads a clock, spawns a thread
//! or draws global randomness.
//!
//! Where the rules live:
//! - this file: the node's state, its public interface, the term rules that hold in every
//!   role (`step`), check-quorum's lease and step-down, and the timers (`tick`);
//! - `election.rs`: pre-vote, RequestVote, becoming follower/pre-candidate/candidate/leader;
//! - `replication.rs`: AppendEntries on both sides, commitment, heartbeats, snapshots;
//! - `transfer.rs`: leadership transfer;
//! - `log.rs`: the log's own rules (consistency check, the election restriction, commitment
//!   of own-term entries only);
//! - `tracker.rs` and `quorum.rs`: the configuration, each node's progress, votes and
//!   check-quorum's activity, and the majority arithmetic over them.

use crate::confchange::{ConfChange, ConfChangeError};
use crate::config::{Config, ConfigError};
use crate::event::{DropReason, Event, What};
use crate::log::RaftLog;
use crate::message::{Body, Message, MsgKind};
use crate::rng::Rng;
use crate::storage::Storage;
use crate::tracker::{Configuration, ProgressTracker};
use crate::types::{Bytes, HardState, Index, NodeId, Role, Term, NONE};
use crate::why::Why;
use alloc::vec::Vec;

/// Counters a node keeps about itself (Fabric-style metrics are built from them).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NodeStats {
    /// Client proposals this node appended as leader (entries).
    pub proposals_appended: u64,
    /// Proposals this node dropped (no leader known, or a transfer in progress).
    pub proposals_dropped: u64,
    /// Configuration changes proposed to this node while it led, accepted or refused.
    pub conf_changes_received: u64,
    /// How often the leader this node knows changed, to none included (each "raft.node:
    /// … elected leader / lost leader" line): Fabric's `consensus_etcdraft_leader_changes`,
    /// which an orderer counts at every change of its Raft's soft state `Lead`.
    pub leader_changes: u64,
}

/// Counters summed over a node's lives (a restarted node counts from zero again).
impl core::ops::AddAssign for NodeStats {
    fn add_assign(&mut self, other: NodeStats) {
        self.proposals_appended += other.proposals_appended;
        self.proposals_dropped += other.proposals_dropped;
        self.conf_changes_received += other.conf_changes_received;
        self.leader_changes += other.leader_changes;
    }
}

#[derive(Clone, Debug)]
pub struct Node {
    pub(crate) id: NodeId,
    pub(crate) election_tick: u64,
    pub(crate) heartbeat_tick: u64,
    pub(crate) pre_vote: bool,
    pub(crate) check_quorum: bool,
    pub(crate) max_size_per_msg: usize,

    pub(crate) role: Role,
    /// The leader this node currently follows (NONE when unknown).
    pub(crate) lead: NodeId,
    pub(crate) log: RaftLog,
    /// The configuration, the leader's view of every node's log (valid in the Leader
    /// role), the votes of the current (pre-)election and check-quorum's activity round.
    pub(crate) trk: ProgressTracker,
    /// Ticks since the last reset: for followers and candidates, since the last time they
    /// heard from a leader or voted; for the leader, since the last check-quorum round.
    pub(crate) election_elapsed: u64,
    pub(crate) heartbeat_elapsed: u64,
    pub(crate) randomized_election_timeout: u64,
    /// The node leadership is being transferred to (NONE when no transfer is under way).
    pub(crate) lead_transferee: NodeId,
    /// This leader appended a configuration entry that removes it (or makes it a learner):
    /// it takes no more proposals (see `Node::append_conf_change`).
    pub(crate) leaving: bool,
    pub(crate) rng: Rng,
    pub(crate) stats: NodeStats,

    /// Messages and events produced since the caller last took them (see `ready.rs`).
    pub(crate) out: Outbox,
    /// The term and vote the last Ready handed out (or found on stable storage at start).
    pub(crate) prev_hard_state: HardState,
    /// The leader last reported in a "raft.node: ... leader" event.
    reported_lead: NodeId,
    /// A leader's last configuration entry (or, conservatively, its last index when it was
    /// elected): no second change is accepted until it is applied (etcd's pendingConfIndex).
    pub(crate) pending_conf_index: Index,
    /// The index of the last configuration entry applied: a snapshot records the
    /// configuration in force, so the log is not compacted to before it.
    pub(crate) applied_conf_index: Index,
    /// The last index this leader said it could not commit yet for its term (Figure 8):
    /// said once each.
    pub(crate) commit_held: Index,
}

/// What a node has produced for its caller: messages to send and events to report. Kept
/// apart from the rest of the node so that the rule modules can send while they hold a
/// follower's progress.
#[derive(Clone, Debug)]
pub(crate) struct Outbox {
    id: NodeId,
    record_events: bool,
    pub(crate) msgs: Vec<Message>,
    pub(crate) events: Vec<Event>,
    /// Why an answer in `msgs` says what it says, by its position there (recorded with
    /// the events only).
    pub(crate) reasons: Vec<(usize, Why)>,
}

impl Outbox {
    pub(crate) fn send(&mut self, to: NodeId, term: Term, body: Body) {
        // Built where it goes: `extend` makes room first, then calls the closure, so the
        // message is written into its slot. A `push` built it on the stack first and copied
        // it in, and the copy read back in 16-byte pieces what had just been written in
        // smaller ones, a stall that cost a third of a follower's append (replicate B=1: ~3 %
        // of the run).
        let from = self.id;
        self.msgs.extend(core::iter::once_with(|| Message {
            from,
            to,
            term,
            body,
        }));
    }

    // `event` and `event_because` are inlined so that, where events are not recorded (the
    // benchmarks, the fuzzer), the event built at the call site is dropped there, where its
    // kind is known: no call into `What`'s drop glue for each one.
    #[inline(always)]
    pub(crate) fn event(&mut self, what: What) {
        if self.record_events {
            self.record(what, None);
        }
    }

    /// A decision's event, with the rule's reason.
    #[inline(always)]
    pub(crate) fn event_because(&mut self, what: What, why: Why) {
        if self.record_events {
            self.record(what, Some(why));
        }
    }

    #[inline(never)]
    fn record(&mut self, what: What, why: Option<Why>) {
        self.events.push(Event {
            node: self.id,
            what,
            why,
        });
    }

    /// An answer, with the rule's reason for it (built only when events are recorded: on
    /// the replication path most answers are never explained).
    #[inline(always)]
    pub(crate) fn send_because(
        &mut self,
        to: NodeId,
        term: Term,
        body: Body,
        why: impl FnOnce() -> Why,
    ) {
        self.send(to, term, body);
        if self.record_events {
            self.reasons.push((self.msgs.len() - 1, why()));
        }
    }

    /// Whether events are recorded (to skip building one whose construction costs).
    pub(crate) fn recording(&self) -> bool {
        self.record_events
    }
}

/// Why a proposal was refused locally.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProposeError {
    /// No leader is known: the client should retry later.
    NoLeader,
    /// This leader is handing leadership over and accepts nothing meanwhile.
    Transferring { to: NodeId },
    /// This leader is being removed from the configuration (or made a learner) and accepts
    /// nothing until it has handed over.
    Leaving,
    /// A configuration change is proposed to the leader only (etcd forwards it; we do not).
    NotLeader { leader: NodeId },
    /// Only one configuration change may be pending: the one at `index` is not applied yet.
    ConfChangePending { index: Index, applied: Index },
    /// While joint, the only change accepted is the one that leaves joint consensus.
    ConfChangeWhileJoint,
    /// Leaving joint consensus while not joint.
    ConfChangeNotJoint,
    /// The change cannot apply to the configuration in force.
    ConfChangeInvalid(ConfChangeError),
}

impl core::fmt::Display for ProposeError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ProposeError::NoLeader => f.write_str("no leader is known; proposal dropped"),
            ProposeError::Leaving => {
                f.write_str("the leader is leaving the configuration; proposal dropped")
            }
            ProposeError::Transferring { to } => {
                write!(
                    f,
                    "leadership is being transferred to {to}; proposal dropped"
                )
            }
            ProposeError::NotLeader { leader: NONE } => {
                f.write_str("configuration changes go to the leader, and no leader is known")
            }
            ProposeError::NotLeader { leader } => {
                write!(
                    f,
                    "configuration changes go to the leader; the leader is {leader}"
                )
            }
            ProposeError::ConfChangePending { index, applied } => write!(
                f,
                "possible unapplied conf change at index {index} (applied to {applied})"
            ),
            ProposeError::ConfChangeWhileJoint => {
                f.write_str("must transition out of joint config first")
            }
            ProposeError::ConfChangeNotJoint => {
                f.write_str("not in joint state; refusing empty conf change")
            }
            ProposeError::ConfChangeInvalid(e) => write!(f, "{e}"),
        }
    }
}

impl core::error::Error for ProposeError {}

impl Node {
    /// A node starting for the first time on `storage` (usually empty).
    pub fn new(cfg: Config, storage: Storage) -> Result<Node, ConfigError> {
        Node::restart(cfg, storage, 0)
    }

    /// A node (re)starting from stable storage after a crash. Everything volatile starts
    /// afresh: it is a follower with no leader, and knows committed only the entries the
    /// application says it has applied (`applied`, at least the snapshot).
    pub fn restart(cfg: Config, storage: Storage, applied: Index) -> Result<Node, ConfigError> {
        cfg.validate()?;
        // The ends of the log only: a node restarts on the storage it wrote, and under
        // faults restarts of long logs are frequent (storage from outside is checked whole
        // with `Storage::check_log`).
        storage.check_ends()?;
        let prev_hard_state = storage.hard_state;
        let log = RaftLog::new(storage, applied);
        let next = log.last_index() + 1;
        // The configuration: the peers given, unless stable storage knows better.
        let initial = || Configuration::new(cfg.peers.iter().copied());
        let (config, applied_conf_index, changed) =
            match crate::membership::stored_config(&log, &cfg.peers) {
                Some((config, index)) => {
                    let changed = config != initial();
                    (config, index, changed)
                }
                None => (initial(), 0, false),
            };
        let mut node = Node {
            id: cfg.id,
            trk: ProgressTracker::new(config, next, cfg.max_inflight),
            election_tick: cfg.election_tick as u64,
            heartbeat_tick: cfg.heartbeat_tick as u64,
            pre_vote: cfg.pre_vote,
            check_quorum: cfg.check_quorum,
            max_size_per_msg: cfg.max_size_per_msg,
            role: Role::Follower,
            lead: NONE,
            log,
            election_elapsed: 0,
            heartbeat_elapsed: 0,
            randomized_election_timeout: cfg.election_tick as u64,
            lead_transferee: NONE,
            leaving: false,
            rng: Rng::fork(cfg.seed, cfg.id),
            stats: NodeStats::default(),
            out: Outbox {
                id: cfg.id,
                record_events: cfg.record_events,
                msgs: Vec::new(),
                events: Vec::new(),
                reasons: Vec::new(),
            },
            prev_hard_state,
            reported_lead: NONE,
            pending_conf_index: 0,
            applied_conf_index,
            commit_held: 0,
        };
        if changed {
            let config = node.trk.config().clone();
            node.event(What::SwitchedConfig { config });
        }
        let term = node.term();
        node.become_follower(term, NONE);
        if node.out.recording() {
            let what = What::NewRaft {
                peers: node.trk.voter_ids().collect(),
                term,
                commit: node.log.committed(),
                applied: node.log.applied(),
                last_index: node.log.last_index(),
                last_term: node.log.last_term(),
            };
            node.event(what);
        }
        Ok(node)
    }

    // ----- inputs -----

    /// One tick of the logical clock: followers and candidates count towards an election
    /// timeout, the leader towards its next heartbeat and check-quorum round.
    pub fn tick(&mut self) {
        if self.role == Role::Leader {
            self.tick_heartbeat();
        } else {
            self.tick_election();
        }
        self.after_input();
    }

    /// Handles one message from another node.
    pub fn step(&mut self, m: Message) {
        self.step_message(m);
        self.after_input();
    }

    /// A client proposal of a batch of commands. A leader appends them; a follower forwards
    /// them to the leader it knows as a MsgProp (as etcd does); with no leader known, or
    /// while leadership is being transferred, they are dropped and an error says why.
    pub fn propose(&mut self, commands: &[Bytes]) -> Result<(), ProposeError> {
        let dropped = self.stats.proposals_dropped;
        let m = Message {
            from: self.id,
            to: self.id,
            term: 0,
            body: Body::Prop {
                entries: commands.to_vec(),
            },
        };
        self.step_message(m);
        self.after_input();
        if self.stats.proposals_dropped == dropped {
            Ok(())
        } else if self.lead_transferee != NONE {
            Err(ProposeError::Transferring {
                to: self.lead_transferee,
            })
        } else if self.leaving {
            Err(ProposeError::Leaving)
        } else {
            Err(ProposeError::NoLeader)
        }
    }

    /// Proposes a membership change to this leader: it appends a configuration entry, which
    /// takes effect on each node when that node applies it. Refused (with etcd's log line)
    /// while another change is not applied yet, while joint (except the change that leaves
    /// it), when leaving joint consensus while not joint, and when the change cannot apply to
    /// the configuration in force. Only the leader accepts changes.
    pub fn propose_conf_change(&mut self, cc: ConfChange) -> Result<(), ProposeError> {
        let result = self.propose_conf_change_inner(cc);
        self.after_input();
        result
    }

    fn propose_conf_change_inner(&mut self, cc: ConfChange) -> Result<(), ProposeError> {
        if self.role != Role::Leader {
            return Err(ProposeError::NotLeader { leader: self.lead });
        }
        self.stats.conf_changes_received += 1;
        if self.lead_transferee != NONE {
            let to = self.lead_transferee;
            self.drop_proposal(DropReason::Transferring { to });
            return Err(ProposeError::Transferring { to });
        }
        let applied = self.log.applied();
        let joint = self.trk.config().voters.is_joint();
        let refused = if self.pending_conf_index > applied {
            Some(ProposeError::ConfChangePending {
                index: self.pending_conf_index,
                applied,
            })
        } else if joint && !cc.is_leave_joint() {
            Some(ProposeError::ConfChangeWhileJoint)
        } else if !joint && cc.is_leave_joint() {
            Some(ProposeError::ConfChangeNotJoint)
        } else {
            cc.apply_to(self.trk.config())
                .err()
                .map(ProposeError::ConfChangeInvalid)
        };
        if let Some(e) = refused {
            if self.out.recording() {
                let what = What::IgnoredConfChange {
                    change: alloc::format!("{cc}"),
                    config: self.trk.config().clone(),
                    reason: alloc::format!("{e}"),
                };
                self.event(what);
            }
            return Err(e);
        }
        self.append_conf_change(&cc);
        self.broadcast_append();
        Ok(())
    }

    /// Switches pre-vote on or off from now on. etcd fixes its extensions when a node
    /// starts; a simulator that asks "what if pre-vote were off from here?" switches them
    /// while it runs. A campaign under way finishes as it began.
    pub fn set_pre_vote(&mut self, on: bool) {
        self.pre_vote = on;
    }

    /// Switches check-quorum on or off from now on (see `set_pre_vote`): with it, a leader
    /// steps down at its next election timeout without a quorum's answers, and voters honour
    /// a leader's lease.
    pub fn set_check_quorum(&mut self, on: bool) {
        self.check_quorum = on;
    }

    /// Starts an election now, as if the election timer had fired (etcd's MsgHup).
    pub fn campaign(&mut self) {
        self.hup(false);
        self.after_input();
    }

    /// The application finished (or failed) sending a snapshot to `to`.
    pub fn report_snapshot(&mut self, to: NodeId, delivered: bool) {
        if self.role != Role::Leader {
            return;
        }
        if let Some(pr) = self.trk.progress_mut(to) {
            if let crate::progress::ProgressState::Snapshot { .. } = pr.state {
                if delivered {
                    // Probe from right after the snapshot.
                    pr.become_probe();
                } else {
                    // It never arrived: probe from what is known to match, as before it.
                    pr.become_replicate();
                    pr.become_probe();
                }
                // Either way, wait for the follower's answer (or a heartbeat reply) before
                // sending more.
                pr.probe_sent = true;
            }
        }
    }

    /// Compacts the log up to `index` (already applied) into a snapshot holding the
    /// application's state `data` (paper §7).
    ///
    /// The snapshot records the configuration in force, which is the one at `index` only if
    /// no configuration entry after `index` was applied: compaction to before the last
    /// applied configuration entry is refused (false).
    pub fn compact(&mut self, index: Index, data: Bytes) -> bool {
        if index < self.applied_conf_index {
            return false;
        }
        let conf = self.trk.config().to_conf_state();
        let done = self.log.compact(index, data, conf);
        if done {
            let term = self.log.snapshot().term;
            self.event(What::Compacted { index, term });
        }
        done
    }

    // ----- outputs: `has_ready`, `ready` and `advance` are in ready.rs -----

    /// A crash: stable storage survives, everything else is lost.
    pub fn into_storage(self) -> Storage {
        self.log.into_storage()
    }

    // ----- what can be observed -----

    pub fn id(&self) -> NodeId {
        self.id
    }
    /// The configuration, progress, votes and check-quorum round this node keeps.
    pub fn tracker(&self) -> &ProgressTracker {
        &self.trk
    }
    pub fn role(&self) -> Role {
        self.role
    }
    pub fn term(&self) -> Term {
        self.log.storage().hard_state.term
    }
    pub fn vote(&self) -> NodeId {
        self.log.storage().hard_state.vote
    }
    pub fn leader(&self) -> NodeId {
        self.lead
    }
    pub fn log(&self) -> &RaftLog {
        &self.log
    }
    pub fn commit(&self) -> Index {
        self.log.committed()
    }
    pub fn applied(&self) -> Index {
        self.log.applied()
    }
    pub fn stats(&self) -> NodeStats {
        self.stats
    }
    pub fn pre_vote(&self) -> bool {
        self.pre_vote
    }
    pub fn check_quorum(&self) -> bool {
        self.check_quorum
    }
    /// Ticks counted towards the election timeout (or, for a leader, the check-quorum round).
    pub fn election_elapsed(&self) -> u64 {
        self.election_elapsed
    }
    /// The election timeout drawn for the current term, in ticks.
    pub fn randomized_election_timeout(&self) -> u64 {
        self.randomized_election_timeout
    }
    pub fn heartbeat_elapsed(&self) -> u64 {
        self.heartbeat_elapsed
    }
    pub fn heartbeat_tick(&self) -> u64 {
        self.heartbeat_tick
    }
    pub fn election_tick(&self) -> u64 {
        self.election_tick
    }
    pub fn lead_transferee(&self) -> NodeId {
        self.lead_transferee
    }
    /// The leader's progress for each node (meaningful only while Leader), by node id.
    pub fn progress(&self) -> impl Iterator<Item = (NodeId, &crate::progress::Progress)> {
        self.trk.iter()
    }
    /// Answers received to this node's current (pre-)vote requests (true = granted), by
    /// voter id.
    pub fn votes(&self) -> impl Iterator<Item = (NodeId, bool)> + '_ {
        self.trk.votes()
    }

    // ----- the rules that hold in every role -----

    fn step_message(&mut self, m: Message) {
        let kind = m.kind();
        let term = self.term();
        if m.term == 0 {
            // Local or forwarded proposals carry no term.
        } else if m.term > term {
            if matches!(kind, MsgKind::PreVote | MsgKind::Vote) {
                let transfer = matches!(m.body, Body::Vote { transfer: true, .. });
                // Check-quorum's lease: while we hear from a leader, refuse to help depose it.
                let in_lease = self.check_quorum
                    && self.lead != NONE
                    && self.election_elapsed < self.election_tick;
                if !transfer && in_lease {
                    let remaining_ticks = self.election_tick - self.election_elapsed;
                    let decision = crate::event::VoteDecision::IgnoredInLease { remaining_ticks };
                    let why = Why::InLease {
                        lead: self.lead,
                        remaining_ticks,
                        pre: kind == MsgKind::PreVote,
                    };
                    self.answer_vote(&m, decision, why, None);
                    return;
                }
            }
            match m.body {
                // A pre-vote never changes anyone's term: that is its whole point.
                Body::PreVote { .. } => {}
                // A granted pre-vote echoes the term we would campaign in; keep ours until we win.
                Body::PreVoteResp { reject: false } => {}
                _ => {
                    let what = What::HigherTerm {
                        term,
                        kind,
                        from: m.from,
                        msg_term: m.term,
                    };
                    let why = Why::HigherTerm {
                        term,
                        msg_term: m.term,
                        from: m.from,
                    };
                    self.event_because(what, why);
                    // All servers: a higher term makes us a follower (§5.1). If the sender
                    // is a leader, it is ours.
                    let lead = if matches!(kind, MsgKind::App | MsgKind::Heartbeat | MsgKind::Snap)
                    {
                        m.from
                    } else {
                        NONE
                    };
                    self.become_follower(m.term, lead);
                }
            }
        } else if m.term < term {
            self.step_stale(&m, kind, term);
            return;
        }

        match kind {
            MsgKind::PreVote | MsgKind::Vote => self.handle_vote_request(m),
            _ => match self.role {
                Role::Follower => self.step_follower(m),
                Role::PreCandidate | Role::Candidate => self.step_candidate(m),
                Role::Leader => self.step_leader(m),
            },
        }
    }

    /// A message from an older term (§5.1: rejected). Rare in a healthy cluster, so kept
    /// out of `step_message`'s hot path (it is on every message's way).
    #[cold]
    #[inline(never)]
    fn step_stale(&mut self, m: &Message, kind: MsgKind, term: Term) {
        if matches!(kind, MsgKind::App | MsgKind::Heartbeat) {
            // A stale leader may never learn the new term if we stay silent: pre-vote
            // stops us from raising terms to tell it, and once configurations differ
            // our campaigns may not reach it (we may count voters it does not, or not
            // be able to campaign at all: a learner, a node removed and added again;
            // fuzz seeds 10635 and 131970). Answer with our term so it steps down.
            // (etcd answers only with pre-vote or check-quorum on.)
            let answer = Body::AppResp {
                index: 0,
                reject: false,
                hint_index: 0,
                hint_term: 0,
            };
            let why = Why::StaleTerm {
                msg_term: m.term,
                term,
                pre: false,
            };
            self.out.send_because(m.from, term, answer, || why);
        } else if matches!(kind, MsgKind::PreVote | MsgKind::Vote) {
            // A stale pre-vote is refused with our term. So is a stale vote: the paper's
            // RequestVote answers with currentTerm "for candidate to update itself"
            // (Figure 2); etcd stays silent. With a fixed membership the stale candidate
            // hears the term from another campaign soon, but a voter that the others no
            // longer count (they hold an older or newer configuration) may have no one else
            // to hear it from, and campaigns below the term for ever (fuzz seed 16549). So
            // we answer, as the paper does.
            let why = Why::StaleTerm {
                msg_term: m.term,
                term,
                pre: kind == MsgKind::PreVote,
            };
            let reject = if kind == MsgKind::PreVote {
                Body::PreVoteResp { reject: true }
            } else {
                Body::VoteResp { reject: true }
            };
            self.answer_vote(
                m,
                crate::event::VoteDecision::Rejected,
                why,
                Some((term, reject)),
            );
        } else {
            let what = What::IgnoredLowerTerm {
                term,
                kind,
                from: m.from,
                msg_term: m.term,
            };
            let why = Why::StaleTerm {
                msg_term: m.term,
                term,
                pre: false,
            };
            self.event_because(what, why);
        }
    }

    fn step_follower(&mut self, m: Message) {
        match m.body {
            Body::Prop { entries } => {
                if self.lead == NONE {
                    self.drop_proposal(DropReason::NoLeader);
                } else {
                    let lead = self.lead;
                    self.send(lead, 0, Body::Prop { entries });
                }
            }
            Body::App { .. } | Body::Heartbeat { .. } | Body::Snap { .. } => {
                // Hearing from the leader of our term resets the election timer.
                self.election_elapsed = 0;
                self.lead = m.from;
                self.handle_from_leader(m);
            }
            Body::TimeoutNow => {
                self.event(What::TimeoutNowReceived {
                    term: self.term(),
                    from: m.from,
                });
                self.hup(true);
            }
            // Answers addressed to a leadership or candidacy we no longer hold.
            _ => {}
        }
    }

    fn step_candidate(&mut self, m: Message) {
        match m.body {
            Body::Prop { .. } => self.drop_proposal(DropReason::NoLeader),
            Body::App { .. } | Body::Heartbeat { .. } | Body::Snap { .. } => {
                // Another node won this term (§5.2): follow it.
                self.become_follower(m.term, m.from);
                self.handle_from_leader(m);
            }
            Body::PreVoteResp { reject } if self.role == Role::PreCandidate => {
                self.poll(m.from, MsgKind::PreVoteResp, !reject)
            }
            Body::VoteResp { reject } if self.role == Role::Candidate => {
                self.poll(m.from, MsgKind::VoteResp, !reject)
            }
            _ => {}
        }
    }

    fn step_leader(&mut self, m: Message) {
        // Any message from a follower shows it is alive (check-quorum): the handlers of the
        // answers to MsgApp and MsgHeartbeat mark it in the progress they look up anyway.
        let from = m.from;
        match m.body {
            Body::AppResp {
                index,
                reject,
                hint_index,
                hint_term,
            } => self.handle_append_response(from, index, reject, hint_index, hint_term),
            Body::HeartbeatResp => self.handle_heartbeat_response(from),
            Body::Prop { entries } => {
                self.heard_from(from);
                self.propose_as_leader(entries);
            }
            _ => self.heard_from(from),
        }
    }

    /// Check-quorum: the leader heard from `from` in this round.
    fn heard_from(&mut self, from: NodeId) {
        if from != self.id {
            if let Some(pr) = self.trk.progress_mut(from) {
                pr.recent_active = true;
            }
        }
    }

    fn tick_election(&mut self) {
        self.election_elapsed += 1;
        // A learner, or a node outside both its applied configuration and the newest in its
        // log, never campaigns (etcd's `promotable`, widened by the paper's §6).
        if self.election_elapsed >= self.randomized_election_timeout && self.may_campaign() {
            self.election_elapsed = 0;
            self.hup(false);
        }
    }

    fn tick_heartbeat(&mut self) {
        self.heartbeat_elapsed += 1;
        self.election_elapsed += 1;
        if self.election_elapsed >= self.election_tick {
            self.election_elapsed = 0;
            if self.check_quorum && !self.quorum_active() {
                let term = self.term();
                self.become_follower(term, NONE);
                return;
            }
            // A transfer that did not finish within an election timeout is abandoned, so
            // the leader accepts proposals again.
            if self.lead_transferee != NONE {
                self.transfer_timed_out();
            }
        }
        if self.heartbeat_elapsed >= self.heartbeat_tick {
            self.heartbeat_elapsed = 0;
            self.broadcast_heartbeat();
        }
    }

    /// Check-quorum: did a quorum (counting ourselves) answer during the last election
    /// timeout? Starts the next round.
    /// When it did not, the leader steps down: says so, and why.
    fn quorum_active(&mut self) -> bool {
        let active = self.trk.quorum_active();
        if !active && self.out.recording() {
            let heard = self.trk.iter().filter(|(_, p)| p.recent_active);
            let why = Why::QuorumInactive {
                active: heard.map(|(id, _)| id).collect(),
                quorum: self.trk.config().voters.incoming().quorum(),
            };
            self.event_because(What::SteppedDownQuorumInactive, why);
        }
        self.trk.reset_recent_active(self.id);
        active
    }

    pub(crate) fn drop_proposal(&mut self, reason: DropReason) {
        self.stats.proposals_dropped += 1;
        let term = self.term();
        let why = match reason {
            DropReason::NoLeader => Why::NoLeader,
            DropReason::Transferring { to } => Why::Transferring { to },
            DropReason::Leaving => Why::Leaving,
        };
        self.event_because(What::DroppedProposal { term, reason }, why);
    }

    // ----- helpers shared by the rule modules -----

    pub(crate) fn send(&mut self, to: NodeId, term: Term, body: Body) {
        self.out.send(to, term, body);
    }

    #[inline(always)]
    pub(crate) fn event(&mut self, what: What) {
        self.out.event(what);
    }

    #[inline(always)]
    pub(crate) fn event_because(&mut self, what: What, why: Why) {
        self.out.event_because(what, why);
    }

    pub(crate) fn set_hard_state(&mut self, term: Term, vote: NodeId) {
        let hs = &mut self.log.storage_mut().hard_state;
        hs.term = term;
        hs.vote = vote;
    }

    /// Reports leader changes the way etcd's node layer does, once per input.
    #[inline]
    fn after_input(&mut self) {
        if self.lead != self.reported_lead {
            self.report_leader_change();
        }
    }

    #[cold]
    fn report_leader_change(&mut self) {
        let (old, new, term) = (self.reported_lead, self.lead, self.term());
        self.event(What::LeaderChanged { old, new, term });
        self.reported_lead = new;
        self.stats.leader_changes += 1;
    }
}
