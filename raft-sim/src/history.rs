//! What a space-time diagram of the run draws: every message from its send to its end, and
//! each node's role and term over time, its crashes, restarts and commit-index advances.
//!
//! The history lives inside the `Cluster`, so it is cloned with it and comes back as it was
//! when the timeline seeks to a checkpoint. The cluster feeds it through a few hooks (a
//! message put on the wire, a message's end, a node observed after an input, a crash, a
//! restart, a join); everything else here only reads.
//!
//! **Which arrows a window holds.** A message belongs to the window its *send* falls in:
//! `messages(t0, t1)` gives those sent in `[t0, t1)`, whenever they end. Then every message
//! is in exactly one of a run of adjacent windows (counting arrows against the simulator's
//! sends is exact), and an arrow drawn in a window always starts on it; it may end after `t1`.
//!
//! **The memory bound.** A count, not a time window: the newest `HistoryLimits::messages`
//! messages, and per node the newest `changes_per_node` role changes, commit advances and
//! crash/restart moments. A count bounds memory whatever the cluster does (a time window
//! would not: 51 nodes send about 2,000 messages a simulated second at the page's defaults,
//! a request storm many more); and the lanes are capped per node so that one flapping node
//! does not push the others' history out. What is kept is complete from `complete_from()`
//! on: a front end draws from there.

use crate::cluster::Server;
use raft_core::message::{Message, MsgKind};
use raft_core::types::{Index, NodeId, Role, Term};
use raft_core::why::Why;
use std::collections::{BTreeMap, VecDeque};

/// How much history is kept (see the module's note on the bound).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HistoryLimits {
    /// The newest messages kept.
    pub messages: usize,
    /// Per node, the newest role changes, commit advances and moments kept (each).
    pub changes_per_node: usize,
}

impl HistoryLimits {
    /// The page's bound. 10,000 messages are about 5 simulated seconds of a 51-node cluster
    /// at the page's defaults (a leader's heartbeat and its answer to each of 50 followers
    /// every 50 ms), a minute of a 5-node one: more than a readable diagram shows. With 51
    /// lanes a full history takes about 1.4 MB (at most 2.9 MB counting the lists' slack,
    /// `History::bytes_bound`), and the timeline keeps a copy in each of its checkpoints.
    pub const DEFAULT: HistoryLimits = HistoryLimits {
        messages: 10_000,
        changes_per_node: 200,
    };

    /// Everything: for a scenario run to its end and exported whole (scenarios are short).
    pub const UNBOUNDED: HistoryLimits = HistoryLimits {
        messages: usize::MAX,
        changes_per_node: usize::MAX,
    };
}

/// How a message's arrow ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    /// Still on the wire (it is due at `MessageRecord::due_at`).
    InFlight,
    /// Stepped by its destination.
    Delivered { at: u64 },
    /// Lost by the network: decided when it was sent, it vanished on arrival.
    Lost { at: u64 },
    /// Arrived while a partition cut its link.
    Cut { at: u64 },
    /// Arrived while its destination was down.
    DestinationDown { at: u64 },
    /// Taken off the wire by hand (a `drop` command).
    DroppedByHand { at: u64 },
    /// Imported logs only: the send is in the lines, no line shows its receipt (a message
    /// lost, or one its receiver does not log). Drawn to `due_at`, a typical latency on.
    Unlogged,
    /// Imported logs only: the receipt is in the lines at `at`, no line shows its send
    /// (etcd logs no MsgApp or heartbeat it sends). Drawn from `sent_at`, a typical latency
    /// before.
    SendUnlogged { at: u64 },
}

impl End {
    /// When the arrow ends; None while the message is in flight.
    pub fn at(self) -> Option<u64> {
        match self {
            End::InFlight | End::Unlogged => None,
            End::Delivered { at }
            | End::SendUnlogged { at }
            | End::Lost { at }
            | End::Cut { at }
            | End::DestinationDown { at }
            | End::DroppedByHand { at } => Some(at),
        }
    }

    /// A one-word key for a front end (`flight`, `delivered`, `lost`, `cut`, `down`,
    /// `dropped`; for imported logs `unlogged`, and `unsent` for a receipt whose send is
    /// not in the lines).
    pub fn key(self) -> &'static str {
        match self.word() {
            "in flight" => "flight",
            "cut by a partition" => "cut",
            "destination down" => "down",
            "dropped by hand" => "dropped",
            "receipt not logged" => "unlogged",
            "send not logged" => "unsent",
            word => word,
        }
    }

    /// A short word for titles and labels.
    pub fn word(self) -> &'static str {
        match self {
            End::InFlight => "in flight",
            End::Delivered { .. } => "delivered",
            End::Lost { .. } => "lost",
            End::Cut { .. } => "cut by a partition",
            End::DestinationDown { .. } => "destination down",
            End::DroppedByHand { .. } => "dropped by hand",
            End::Unlogged => "receipt not logged",
            End::SendUnlogged { .. } => "send not logged",
        }
    }
}

/// One message, as the diagram draws it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MessageRecord {
    /// The simulator's message id (the one `drop #id` names).
    pub id: u64,
    pub kind: MsgKind,
    pub from: NodeId,
    pub to: NodeId,
    pub term: Term,
    pub sent_at: u64,
    /// When the network scheduled it to arrive.
    pub due_at: u64,
    pub end: End,
}

/// What a node's lane shows over a span of time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LaneState {
    Up { role: Role, term: Term },
    Down,
}

/// A stretch of a lane in one state: from `from` until `until` (None: still so).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub node: NodeId,
    pub from: u64,
    pub until: Option<u64>,
    pub state: LaneState,
    /// The id of the last message put on the wire before the span began (0: none). On a
    /// stopped clock (`manual` scenarios) everything happens at one instant, and this is
    /// what orders a role change among the messages.
    pub after_message: u64,
}

/// A moment marked on a lane.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MomentKind {
    Crashed,
    Restarted,
    /// Added to the cluster by a membership change (its lane starts here).
    Joined,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Moment {
    pub node: NodeId,
    pub at: u64,
    pub what: MomentKind,
    /// As `Span::after_message`.
    pub after_message: u64,
}

/// A node's commit index grew to `index`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CommitAdvance {
    pub node: NodeId,
    pub at: u64,
    pub index: Index,
}

/// Something on a lane: when, and after which message (see `Span::after_message`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Mark<T> {
    at: u64,
    after_message: u64,
    what: T,
}

/// One node's lane, each list in time order and capped at `changes_per_node`.
#[derive(Clone, Debug, Default)]
struct Lane {
    /// Each state holds until the next one starts.
    states: VecDeque<Mark<LaneState>>,
    commits: VecDeque<(u64, Index)>,
    moments: VecDeque<Mark<MomentKind>>,
    /// The commit index last seen of this incarnation; None until it is first seen (a
    /// restarted node's commit index starts again from its snapshot: not an advance).
    commit: Option<Index>,
}

/// The recorder (see the module's notes).
#[derive(Clone, Debug)]
pub struct History {
    limits: Option<HistoryLimits>,
    /// In id order, which is also send-time order (ids are handed out as messages are sent).
    messages: VecDeque<MessageRecord>,
    /// Node `id`'s lane at `id - 1`.
    lanes: Vec<Lane>,
    complete_from: u64,
    /// The id of the last message recorded (0: none yet).
    last_message: u64,
    /// The rule behind each answer among `messages` (a vote granted or refused, an append
    /// accepted or rejected), in id order; evicted with its message.
    reasons: VecDeque<(u64, Why)>,
    /// A lane's name where it is not the node's id (imported logs whose ids are etcd's
    /// 64-bit ones: lane 1 is the smallest id).
    names: BTreeMap<NodeId, String>,
}

/// Pushes onto a capped list, dropping the oldest; returns the dropped element.
fn push_capped<T>(list: &mut VecDeque<T>, item: T, cap: usize) -> Option<T> {
    let dropped = if list.len() >= cap.max(1) {
        list.pop_front()
    } else {
        None
    };
    list.push_back(item);
    dropped
}

impl History {
    /// A recorder within `limits`; None records nothing (the fuzzer and the benchmarks pay
    /// one test per hook).
    pub fn new(limits: Option<HistoryLimits>) -> History {
        History {
            limits,
            messages: VecDeque::new(),
            lanes: Vec::new(),
            complete_from: 0,
            reasons: VecDeque::new(),
            last_message: 0,
            names: BTreeMap::new(),
        }
    }

    /// The name lane `node` is drawn with, where it is not its number.
    pub fn name(&self, node: NodeId) -> Option<&str> {
        self.names.get(&node).map(String::as_str)
    }

    // ----- a history built from outside a run (imported logs, `import::diagram`) -----

    /// An empty history of everything, to be filled by the `put_*` calls below: messages
    /// first (all at once), then each lane's changes in time order.
    pub(crate) fn unbounded() -> History {
        History::new(Some(HistoryLimits::UNBOUNDED))
    }

    /// Every message, with the rule behind each answer where known; ids are given here
    /// (1, 2, ... in send order).
    pub(crate) fn put_messages(&mut self, mut messages: Vec<(MessageRecord, Option<Why>)>) {
        messages.sort_by_key(|(m, _)| m.sent_at);
        for (k, (mut m, why)) in messages.into_iter().enumerate() {
            m.id = k as u64 + 1;
            self.last_message = m.id;
            if let Some(why) = why {
                self.reasons.push_back((m.id, why));
            }
            self.messages.push_back(m);
        }
    }

    /// The id of the last message sent at or before `at` (what a lane's mark comes after).
    fn message_before(&self, at: u64) -> u64 {
        let k = self.messages.partition_point(|m| m.sent_at <= at);
        if k == 0 {
            0
        } else {
            self.messages[k - 1].id
        }
    }

    /// Lane `node` is in `state` from `at` (nothing when it already is).
    pub(crate) fn put_state(&mut self, node: NodeId, at: u64, state: LaneState) {
        let after_message = self.message_before(at);
        let lane = self.lane_mut(node);
        if lane.states.back().map(|s| s.what) != Some(state) {
            lane.states.push_back(Mark {
                at,
                after_message,
                what: state,
            });
        }
    }

    /// Lane `node`'s commit index reached `index` at `at` (nothing unless it grew).
    pub(crate) fn put_commit(&mut self, node: NodeId, at: u64, index: Index) {
        let lane = self.lane_mut(node);
        if lane.commit.is_none_or(|c| index > c) {
            lane.commits.push_back((at, index));
        }
        lane.commit = Some(lane.commit.map_or(index, |c| c.max(index)));
    }

    /// Lane `node`'s commit index is `index` (a restart's, from storage: not an advance).
    pub(crate) fn put_commit_base(&mut self, node: NodeId, index: Index) {
        self.lane_mut(node).commit = Some(index);
    }

    /// A crash, restart or join on lane `node` at `at`.
    pub(crate) fn put_moment(&mut self, node: NodeId, at: u64, what: MomentKind) {
        let after_message = self.message_before(at);
        let lane = self.lane_mut(node);
        if what != MomentKind::Crashed {
            lane.commit = None;
        }
        lane.moments.push_back(Mark {
            at,
            after_message,
            what,
        });
    }

    /// Lane `node` is drawn (with lanes 1..node), whether or not anything happens on it.
    pub(crate) fn put_lane(&mut self, node: NodeId) {
        self.lane_mut(node);
    }

    /// Lane `node` is drawn as `name`.
    pub(crate) fn put_name(&mut self, node: NodeId, name: String) {
        self.lane_mut(node);
        self.names.insert(node, name);
    }

    pub fn is_recording(&self) -> bool {
        self.limits.is_some()
    }

    pub fn limits(&self) -> Option<HistoryLimits> {
        self.limits
    }

    /// Everything this history holds happened at or after this time is complete: older
    /// messages or lane changes may have been dropped to keep within the limits.
    pub fn complete_from(&self) -> u64 {
        self.complete_from
    }

    /// How many lanes there are: nodes 1..=lanes() have been seen.
    pub fn lanes(&self) -> usize {
        self.lanes.len()
    }

    /// The messages sent in `[t0, t1)`, in send order (see the module's note on windows).
    pub fn messages(&self, t0: u64, t1: u64) -> impl Iterator<Item = &MessageRecord> {
        let first = self.messages.partition_point(|m| m.sent_at < t0);
        self.messages
            .range(first..)
            .take_while(move |m| m.sent_at < t1)
    }

    /// Every message kept, in send order.
    pub fn all_messages(&self) -> impl ExactSizeIterator<Item = &MessageRecord> {
        self.messages.iter()
    }

    /// The rule behind answer `id` (None for a request, or when it was not recorded).
    pub fn why(&self, id: u64) -> Option<&Why> {
        let i = self.reasons.binary_search_by_key(&id, |(m, _)| *m).ok()?;
        Some(&self.reasons[i].1)
    }

    pub fn message(&self, id: u64) -> Option<&MessageRecord> {
        self.index_of(id).map(|i| &self.messages[i])
    }

    /// Node `node`'s spans that overlap `[t0, t1)`, in time order (lanes tile time: each
    /// span ends where the next begins).
    pub fn spans(&self, node: NodeId, t0: u64, t1: u64) -> impl Iterator<Item = Span> + '_ {
        let states = self.lane(node).map(|l| &l.states);
        states
            .into_iter()
            .flat_map(move |s| {
                (0..s.len()).map(move |i| Span {
                    node,
                    from: s[i].at,
                    until: s.get(i + 1).map(|next| next.at),
                    state: s[i].what,
                    after_message: s[i].after_message,
                })
            })
            // A span of no time (on a stopped clock) overlaps a window it lies in.
            .filter(move |s| {
                let empty_inside = s.until == Some(s.from) && s.from >= t0;
                s.from < t1 && (s.until.is_none_or(|u| u > t0) || empty_inside)
            })
    }

    /// Node `node`'s commit advances in `[t0, t1)`.
    pub fn commits(
        &self,
        node: NodeId,
        t0: u64,
        t1: u64,
    ) -> impl Iterator<Item = CommitAdvance> + '_ {
        self.lane(node)
            .into_iter()
            .flat_map(|l| l.commits.iter())
            .filter(move |(at, _)| (t0..t1).contains(at))
            .map(move |&(at, index)| CommitAdvance { node, at, index })
    }

    /// Node `node`'s crashes, restarts and join in `[t0, t1)`.
    pub fn moments(&self, node: NodeId, t0: u64, t1: u64) -> impl Iterator<Item = Moment> + '_ {
        self.lane(node)
            .into_iter()
            .flat_map(|l| l.moments.iter())
            .filter(move |m| (t0..t1).contains(&m.at))
            .map(move |m| Moment {
                node,
                at: m.at,
                what: m.what,
                after_message: m.after_message,
            })
    }

    /// How many messages and lane entries are held now (for checking the bound).
    pub fn held(&self) -> (usize, usize) {
        let lanes = self
            .lanes
            .iter()
            .map(|l| l.states.len() + l.commits.len() + l.moments.len())
            .sum();
        (self.messages.len(), lanes)
    }

    /// An upper bound on the bytes the held records take for `nodes` lanes within
    /// `limits` (the lists' own slack, up to twice their length, included).
    pub fn bytes_bound(limits: HistoryLimits, nodes: usize) -> usize {
        use std::mem::size_of;
        let lane = size_of::<Mark<LaneState>>()
            + size_of::<(u64, Index)>()
            + size_of::<Mark<MomentKind>>();
        // A message and, for an answer, its reason.
        let message = size_of::<MessageRecord>() + size_of::<(u64, Why)>();
        2 * (limits.messages.saturating_mul(message)
            + nodes
                .saturating_mul(limits.changes_per_node)
                .saturating_mul(lane))
    }

    /// The bytes the lists have reserved now (capacity, not length).
    pub fn bytes_reserved(&self) -> usize {
        use std::mem::size_of;
        self.messages.capacity() * size_of::<MessageRecord>()
            + self.reasons.capacity() * size_of::<(u64, Why)>()
            + self
                .lanes
                .iter()
                .map(|l| {
                    l.states.capacity() * size_of::<Mark<LaneState>>()
                        + l.commits.capacity() * size_of::<(u64, Index)>()
                        + l.moments.capacity() * size_of::<Mark<MomentKind>>()
                })
                .sum::<usize>()
    }

    fn mark<T>(&self, at: u64, what: T) -> Mark<T> {
        Mark {
            at,
            after_message: self.last_message,
            what,
        }
    }

    fn lane(&self, node: NodeId) -> Option<&Lane> {
        self.lanes.get((node as usize).wrapping_sub(1))
    }

    fn lane_mut(&mut self, node: NodeId) -> &mut Lane {
        let i = (node as usize).saturating_sub(1);
        if self.lanes.len() <= i {
            self.lanes.resize_with(i + 1, Lane::default);
        }
        &mut self.lanes[i]
    }

    fn index_of(&self, id: u64) -> Option<usize> {
        let first = self.messages.front()?.id;
        // Ids are consecutive (every message put on the wire is recorded), so the position
        // is the difference; the search only guards that assumption.
        let guess = id.checked_sub(first)? as usize;
        match self.messages.get(guess) {
            Some(m) if m.id == id => Some(guess),
            _ => self.messages.binary_search_by_key(&id, |m| m.id).ok(),
        }
    }

    // ----- the cluster's hooks -----

    /// A message put on the wire now, due at `due_at`; `why`: the rule behind it, for an
    /// answer.
    pub(crate) fn sent(
        &mut self,
        id: u64,
        msg: &Message,
        now: u64,
        due_at: u64,
        why: Option<&Why>,
    ) {
        let Some(limits) = self.limits else {
            return;
        };
        let record = MessageRecord {
            id,
            kind: msg.kind(),
            from: msg.from,
            to: msg.to,
            term: msg.term,
            sent_at: now,
            due_at,
            end: End::InFlight,
        };
        self.last_message = id;
        if let Some(why) = why {
            self.reasons.push_back((id, why.clone()));
        }
        if let Some(old) = push_capped(&mut self.messages, record, limits.messages) {
            // Messages sent at the dropped one's time may be gone too; later ones are kept.
            self.complete_from = self.complete_from.max(old.sent_at + 1);
            while self.reasons.front().is_some_and(|(m, _)| *m <= old.id) {
                self.reasons.pop_front();
            }
        }
    }

    /// Message `id` came off the wire now: delivered unless one of the reasons says not.
    pub(crate) fn arrived(&mut self, id: u64, now: u64, lost: bool, reachable: bool, up: bool) {
        let end = if lost {
            End::Lost { at: now }
        } else if !reachable {
            End::Cut { at: now }
        } else if !up {
            End::DestinationDown { at: now }
        } else {
            End::Delivered { at: now }
        };
        self.ended(id, end);
    }

    /// Message `id` was taken off the wire by hand now.
    pub(crate) fn dropped_by_hand(&mut self, id: u64, now: u64) {
        self.ended(id, End::DroppedByHand { at: now });
    }

    fn ended(&mut self, id: u64, end: End) {
        if !self.is_recording() {
            return;
        }
        if let Some(i) = self.index_of(id) {
            self.messages[i].end = end;
        }
    }

    /// A server as it is now, after an input: records a change of role or term, and a
    /// commit advance.
    pub(crate) fn observe(&mut self, now: u64, server: &Server) {
        let Some(limits) = self.limits else {
            return;
        };
        let Some(node) = server.node() else {
            return;
        };
        let cap = limits.changes_per_node;
        let state = LaneState::Up {
            role: node.role(),
            term: node.term(),
        };
        let commit = node.commit();
        let mark = self.mark(now, state);
        let lane = self.lane_mut(server.id);
        let mut from = None;
        if lane.states.back().map(|s| s.what) != Some(state) {
            from = push_capped(&mut lane.states, mark, cap).map(|_| lane.states[0].at);
        }
        match lane.commit {
            Some(c) if commit > c => {
                if let Some((at, _)) = push_capped(&mut lane.commits, (now, commit), cap) {
                    from = from.max(Some(at + 1));
                }
            }
            _ => {}
        }
        lane.commit = Some(lane.commit.map_or(commit, |c| c.max(commit)));
        if let Some(t) = from {
            self.complete_from = self.complete_from.max(t);
        }
    }

    /// Node `id` crashed now: its lane goes down.
    pub(crate) fn crashed(&mut self, now: u64, id: NodeId) {
        let Some(limits) = self.limits else {
            return;
        };
        let cap = limits.changes_per_node;
        let (down, crashed) = (
            self.mark(now, LaneState::Down),
            self.mark(now, MomentKind::Crashed),
        );
        let lane = self.lane_mut(id);
        lane.commit = None;
        let a = push_capped(&mut lane.states, down, cap).map(|_| lane.states[0].at);
        let b = push_capped(&mut lane.moments, crashed, cap).map(|m| m.at + 1);
        self.complete_from = self.complete_from.max(a.max(b).unwrap_or(0));
    }

    /// Node `id` restarted or joined now (its state follows with the next `observe`).
    pub(crate) fn started(&mut self, now: u64, id: NodeId, what: MomentKind) {
        let Some(limits) = self.limits else {
            return;
        };
        let mark = self.mark(now, what);
        let lane = self.lane_mut(id);
        lane.commit = None;
        if let Some(old) = push_capped(&mut lane.moments, mark, limits.changes_per_node) {
            self.complete_from = self.complete_from.max(old.at + 1);
        }
    }
}
