//! A whole cluster on a simulated clock and network. Nodes never know they are simulated;
//! the cluster never knows it is drawn.
//!
//! Two kinds of things happen at a simulated time: a message arrives, or a node's logical
//! clock ticks. Each node ticks every `tick_us`, at its own phase so nodes are not in lock
//! step. Ties are broken by a fixed order (messages by id, then ticks by node id), so a run
//! depends on nothing but the seed and the commands. In manual mode (`SimConfig::manual`)
//! neither happens by itself: only commands tick nodes and deliver messages.

use super::config::{SimConfig, SimConfigError};
use super::kv::{self, Kv};
use super::metrics::{Counters, Metrics};
use super::network::{InFlight, Network, Partition};
use super::trace::{LogItem, SimWhat, Trace};
use crate::check::{Checker, Observation, Violation};
use crate::history::History;
use crate::idmap::IdMap;
use raft_core::config::Config;
use raft_core::event::Event;
use raft_core::message::{Message, MsgKind};
use raft_core::node::{Node, NodeStats};
use raft_core::rng::Rng;
use raft_core::storage::Storage;
use raft_core::types::{Index, NodeId, Role, Term};
use raft_core::why::Why;
use std::cell::Cell;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

// The commands a cluster carries out, in a file of their own (`src/control.rs`); a child
// module, so that they reach the cluster's state without widening what others see of it.
#[path = "control.rs"]
mod control;

/// How many deliveries `stabilize` makes before giving up (heartbeats only start on ticks,
/// which it does not give, so it ends long before this on any real cluster).
pub const STABILIZE_LIMIT: usize = 1_000_000;

/// One server: its node while it is up, its stable storage while it is down.
#[derive(Clone, Debug)]
pub struct Server {
    pub id: NodeId,
    node: Option<Node>,
    storage: Option<Storage>,
    /// The state machine (volatile: rebuilt from the snapshot on restart).
    pub kv: Kv,
    /// When this server's logical clock ticks next.
    pub next_tick: u64,
    /// Counters of earlier incarnations, so metrics survive crashes.
    stats_base: NodeStats,
    /// The last check-quorum round this server read as leader (see `ActiveRound`).
    last_round: ActiveRound,
}

impl Server {
    pub fn node(&self) -> Option<&Node> {
        self.node.as_ref()
    }
    pub fn is_up(&self) -> bool {
        self.node.is_some()
    }
    /// Stable storage: the node's while up, the surviving copy while down.
    pub fn storage(&self) -> &Storage {
        match (&self.node, &self.storage) {
            (Some(n), _) => n.log().storage(),
            (None, Some(s)) => s,
            (None, None) => unreachable_storage(),
        }
    }
    pub fn stats(&self) -> NodeStats {
        let mut s = self.stats_base;
        if let Some(n) = &self.node {
            s += n.stats();
        }
        s
    }
}

/// What a leader last read of its followers' activity, for Fabric's active-nodes gauge.
///
/// Fabric's etcdraft reports as `consensus_etcdraft_active_nodes` what its leader's Raft
/// says: itself plus every follower whose progress is `recent_active` (heard from since
/// check-quorum last cleared the flags, once per election timeout); its followers report
/// the leader's figure and a node that knows no leader reports 0. Fabric reads the flags
/// on every tick and publishes a count only once it has read it on a few ticks in a row,
/// so that the moment after check-quorum clears them does not show: with its timing (a
/// 500 ms tick, a heartbeat every tick) the followers answer within that tick. Here a tick
/// is 10 ms and a heartbeat comes every few ticks, so the answers take several ticks and
/// Fabric's filter would let the dip through; instead a follower counts when it was heard
/// from in the current check-quorum round or in the one before (the flags as they were
/// just before check-quorum last cleared them), which matches what Fabric's gauge shows
/// with its own timing: a crashed or cut-off follower drops out within two election
/// timeouts, a follower that answers a new leader counts at once.
/// Without check-quorum (Fabric always runs with it) the flags are never cleared, as in
/// etcd, and a follower once heard from stays counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct ActiveRound {
    /// The leader's term when it was read.
    term: Term,
    /// Bit `id - 1` for each follower that was `recent_active`.
    heard: u64,
}

/// Bit `id - 1`, for a set of nodes as a `u64` (ids past 64 are left out).
fn bit(id: NodeId) -> u64 {
    1u64.checked_shl(id as u32 - 1).unwrap_or(0)
}

/// The voters of the configuration `node` knows (both halves while joint), as bits.
fn voter_bits(node: &Node) -> u64 {
    node.tracker()
        .voter_ids()
        .fold(0, |bits, id| bits | bit(id))
}

/// Bit `id - 1` for each follower this leader's progress has `recent_active`.
fn heard_from(node: &Node) -> u64 {
    let me = node.id();
    node.progress()
        .filter(|(id, p)| *id != me && p.recent_active)
        .fold(0, |bits, (id, _)| bits | bit(id))
}

fn unreachable_storage() -> &'static Storage {
    // A server is always either up (node) or down (storage); this keeps the accessor total.
    static EMPTY: std::sync::OnceLock<Storage> = std::sync::OnceLock::new();
    EMPTY.get_or_init(Storage::default)
}

/// How long a client waits for its request to commit, in election timeouts (the base
/// timeout, `election_tick` ticks), before it gives up.
///
/// A client never learns that its request was lost: a proposal dropped on the way to the
/// leader, an entry appended by a leader cut off from the majority and later overwritten
/// by the next leader, or an entry that no leader ever commits all look the same to it:
/// no answer. So, like any real client (etcd's server gives a request 5 s plus two
/// election timeouts before it answers "request timed out"), ours has a deadline: a
/// request not committed within this many election timeouts of being sent counts as
/// timed out (a failure, counted in `RequestTally::rejected` and `timed_out`) and is no
/// longer pending. Five election timeouts leave time for a new leader to be elected (one
/// or two timeouts) and to commit what the old one had replicated, while a request lost
/// in a partition ends visibly instead of staying pending forever.
///
/// The outcome of a timed-out request is unknown to its client, as in etcd: its entry may
/// still commit later (say, over a very slow link). It then takes effect like any
/// committed entry and the log says so, but the tally keeps it as timed out.
pub const REQUEST_TIMEOUT_ELECTIONS: u64 = 5;

/// How many timed-out requests are remembered, to log a late commit of one of them (the
/// oldest are forgotten first; a late commit of a forgotten one is not logged).
const GIVEN_UP_KEPT: usize = 1_000;

/// A client request still waiting for its entry to commit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub id: u64,
    pub via: NodeId,
    pub op: String,
    pub submitted_at: u64,
}

/// How the client requests given so far have fared. Counted as they go: a long run keeps
/// only its pending requests, not a record of every one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RequestTally {
    /// Sent, neither committed nor failed yet (and not past their deadline).
    pub pending: u64,
    /// Committed before their deadline: the client was told they succeeded.
    pub committed: u64,
    /// Failed: refused at once (no leader known, a transfer under way) or timed out.
    pub rejected: u64,
    /// Of `rejected`, those that timed out (see `REQUEST_TIMEOUT_ELECTIONS`).
    pub timed_out: u64,
    /// The highest log index at which an acknowledged (committed) request sits: every
    /// node must apply at least this far once the cluster has healed.
    pub acknowledged_index: Index,
}

/// What `step` did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Happened {
    Delivered { id: u64 },
    Dropped { id: u64 },
    Ticked { node: NodeId },
}

#[derive(Clone, Debug)]
pub struct Cluster {
    cfg: SimConfig,
    now: u64,
    /// How many happenings `step` has performed: a position in the run finer than time
    /// (several things can happen at one microsecond).
    steps: u64,
    servers: Vec<Server>,
    /// Which live server's timer fires next (`Some(None)`: no server is up), or `None` when
    /// unknown: anything that moves a timer or takes a server up or down forgets it
    /// (`timers_moved`), and `next_tick_server` finds it again once. Every happening asks
    /// for it twice, and finding it is a walk over every server (at 51 nodes, a quarter of
    /// the simulator's time before it was kept).
    next_ticker: Cell<Option<Option<usize>>>,
    net: Network,
    in_flight: IdMap<InFlight>,
    /// (deliver_at, id) of every message in flight; dropped ids are skipped lazily.
    queue: BinaryHeap<Reverse<(u64, u64)>>,
    next_msg_id: u64,
    trace: Trace,
    checker: Option<Checker>,
    violation: Option<Violation>,
    counters: Counters,
    /// Requests whose entries have not committed yet, before their deadline (by id, which
    /// is also the order of their deadlines).
    pending_requests: IdMap<Request>,
    /// Requests that timed out, newest `GIVEN_UP_KEPT`, to log a late commit.
    given_up: IdMap<()>,
    requests: RequestTally,
    next_request_id: u64,
    /// The highest commit index any node ever reported: every client request acknowledged
    /// so far is at or below it.
    max_commit: Index,
    /// The committed log as runs of equal terms, (first index, term) ascending, covering
    /// `1..=committed_last`: every entry some node applied (a node applies what it
    /// committed at once, so this reaches the highest commit index of any live node).
    committed_runs: Vec<(Index, Term)>,
    committed_last: Index,
    outbox: Vec<Message>,
    /// Why answers in `outbox` say what they say, by position there (see `Ready::reasons`).
    outbox_reasons: Vec<(usize, Why)>,
    events: Vec<Event>,
    /// What the space-time diagram draws (records nothing unless `SimConfig::history`).
    history: History,
}

impl Cluster {
    pub fn new(cfg: SimConfig) -> Result<Cluster, SimConfigError> {
        cfg.validate()?;
        let n = cfg.nodes;
        let mut phase_rng = Rng::fork(cfg.seed, 0x7469636b);
        let shared = match &cfg.init {
            Some(init) => Storage::with_log(init.term, &init.terms),
            None => Storage::default(),
        };
        let mut c = Cluster {
            net: Network::new(cfg.seed, cfg.link.clone()),
            servers: Vec::with_capacity(n),
            next_ticker: Cell::new(None),
            now: 0,
            steps: 0,
            in_flight: IdMap::new(),
            queue: BinaryHeap::new(),
            next_msg_id: 1,
            trace: Trace::new(cfg.log_capacity),
            checker: cfg
                .check_safety
                .then(|| Checker::for_members(1..=n as NodeId)),
            violation: None,
            counters: Counters::default(),
            pending_requests: IdMap::new(),
            given_up: IdMap::new(),
            requests: RequestTally::default(),
            next_request_id: 1,
            max_commit: 0,
            committed_runs: Vec::new(),
            committed_last: 0,
            outbox: Vec::new(),
            outbox_reasons: Vec::new(),
            events: Vec::new(),
            history: History::new(cfg.history),
            cfg,
        };
        c.check_states()?;
        for id in 1..=n as NodeId {
            let (node, kv) = c.start_node(id, &shared)?;
            c.servers.push(Server {
                id,
                node: Some(node),
                storage: None,
                kv,
                // Each node's clock starts at a random phase within the first tick.
                next_tick: phase_rng.range(0, c.cfg.tick_us) + 1,
                stats_base: NodeStats::default(),
                last_round: ActiveRound::default(),
            });
        }
        c.timers_moved();
        c.started_committed();
        for i in 0..n {
            c.after_input(i);
        }
        Ok(c)
    }

    /// Node `id`'s configuration. Its peers are the cluster as it started (the configuration
    /// at the start of every log); a node added later starts with none.
    fn node_config(&self, id: NodeId) -> Config {
        let peers = if id as usize <= self.cfg.nodes {
            (1..=self.cfg.nodes as NodeId).collect()
        } else {
            Vec::new()
        };
        Config {
            id,
            peers,
            election_tick: self.cfg.election_tick,
            heartbeat_tick: self.cfg.heartbeat_tick,
            pre_vote: self.cfg.pre_vote,
            check_quorum: self.cfg.check_quorum,
            max_inflight: self.cfg.max_inflight,
            max_size_per_msg: 64 * 1024,
            record_events: self.cfg.record_events,
            seed: self.cfg.seed,
        }
    }

    // ----- what can be observed -----

    pub fn now(&self) -> u64 {
        self.now
    }
    pub fn steps(&self) -> u64 {
        self.steps
    }
    /// Moves the clock forward without performing anything due meanwhile. Only for replaying
    /// a command at the exact point it was first given (see `Timeline`).
    pub(crate) fn set_now(&mut self, t: u64) {
        self.now = self.now.max(t);
    }
    pub fn config(&self) -> &SimConfig {
        &self.cfg
    }
    pub fn servers(&self) -> &[Server] {
        &self.servers
    }
    pub fn server(&self, id: NodeId) -> Option<&Server> {
        self.servers.get((id as usize).wrapping_sub(1))
    }
    pub fn node(&self, id: NodeId) -> Option<&Node> {
        self.server(id).and_then(Server::node)
    }
    pub fn in_flight(&self) -> impl Iterator<Item = &InFlight> {
        self.in_flight.values()
    }
    pub fn in_flight_count(&self) -> usize {
        self.in_flight.len()
    }
    pub fn trace(&self) -> &Trace {
        &self.trace
    }
    pub(crate) fn trace_mut(&mut self) -> &mut Trace {
        &mut self.trace
    }
    pub fn history(&self) -> &History {
        &self.history
    }
    pub fn trace_hash(&self) -> u64 {
        self.trace.hash()
    }
    pub fn violation(&self) -> Option<&Violation> {
        self.violation.as_ref()
    }
    /// The requests still waiting for their entries to commit.
    pub fn pending_requests(&self) -> impl Iterator<Item = &Request> {
        self.pending_requests.values()
    }
    pub fn request_tally(&self) -> RequestTally {
        RequestTally {
            pending: self.pending_requests.len() as u64,
            ..self.requests
        }
    }
    pub fn partition(&self) -> &Partition {
        &self.net.partition
    }
    pub fn network(&self) -> &Network {
        &self.net
    }
    pub fn counters(&self) -> &Counters {
        &self.counters
    }
    /// The highest commit index ever reported by any node.
    pub fn max_commit(&self) -> Index {
        self.max_commit
    }

    /// The highest index of an entry known committed in the cluster (applied by some node).
    pub fn committed_last(&self) -> Index {
        self.committed_last
    }

    /// The term of the entry committed at `index`, if it is known committed.
    pub fn committed_term(&self, index: Index) -> Option<Term> {
        if index == 0 {
            return Some(0);
        }
        if index > self.committed_last {
            return None;
        }
        let run = self
            .committed_runs
            .partition_point(|&(start, _)| start <= index);
        run.checked_sub(1).map(|r| self.committed_runs[r].1)
    }

    /// The highest index up to which node `id`'s log (its stable storage, so this holds
    /// for a crashed node too) holds the entries committed in the cluster, whether or not
    /// the node knows they are committed: its commit index is volatile (0 after a restart
    /// until a leader tells it more), this is not. At least its snapshot's index, and for a
    /// live node at least its commit index.
    ///
    /// By Log Matching, holding the committed entry at `i` means holding every committed
    /// entry below `i`, so "holds the committed entry at i" is true up to some index and
    /// false above it: a binary search finds that index.
    pub fn committed_held(&self, id: NodeId) -> Index {
        let Some(server) = self.server(id) else {
            return 0;
        };
        let storage = server.storage();
        let snap = storage.snapshot.index;
        let last = snap + storage.entries.len() as u64;
        let holds = |i: Index| {
            let term = storage.entries[(i - snap - 1) as usize].term;
            self.committed_term(i) == Some(term)
        };
        // Everything a snapshot covers is committed: `lo` always holds.
        let (mut lo, mut hi) = (snap, last.min(self.committed_last).max(snap));
        while lo < hi {
            let mid = lo + (hi - lo).div_ceil(2);
            if holds(mid) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        lo
    }

    /// The live node in the Leader role with the highest term, if any.
    pub fn leader(&self) -> Option<NodeId> {
        self.servers
            .iter()
            .filter_map(|s| s.node.as_ref())
            .filter(|n| n.role() == Role::Leader)
            .max_by_key(|n| (n.term(), std::cmp::Reverse(n.id())))
            .map(|n| n.id())
    }

    pub fn metrics(&self) -> Metrics {
        let leader = self.leader();
        // Fabric's cluster size is its consenter set: the voters of the configuration in
        // force, as the live node that has applied the most knows it (both halves while
        // joint); the cluster as it started when no node is up.
        let conf_node = self
            .servers
            .iter()
            .filter_map(Server::node)
            .max_by_key(|n| n.applied());
        let (cluster_size, learners) = conf_node.map_or((self.cfg.nodes as u64, 0), |n| {
            let t = n.tracker();
            (
                t.voter_ids().count() as u64,
                t.config().learners.len() as u64,
            )
        });
        // The leader's count, which its followers copy; 0 with no leader, as every node that
        // knows none reports (see `ActiveRound`). Over the voters counted in cluster_size
        // only: Fabric's consenters all vote, and a learner (which etcd's leader tracks too,
        // but Fabric has none of) is in no quorum, so counting it would let active_nodes
        // exceed cluster_size and hide a lost majority. Learners are counted apart.
        let voters = conf_node.map_or(0, voter_bits);
        let active = leader.map_or(0, |l| {
            let s = &self.servers[(l - 1) as usize];
            let n = s.node.as_ref().expect("the leader is up");
            let before = if s.last_round.term == n.term() {
                s.last_round.heard
            } else {
                0
            };
            let me = bit(l);
            u64::from((voters & (me | heard_from(n) | before)).count_ones())
        });
        let (mut failures, mut received, mut config_received) = (0, 0, 0);
        for s in &self.servers {
            let st = s.stats();
            failures += st.proposals_dropped;
            // Every normal proposal a node took, whatever became of it (Fabric counts a
            // transaction as received before it is ordered): appended by a leader, or
            // dropped (no leader known, a transfer under way). One forwarded to the leader
            // is counted there.
            received += st.proposals_appended + st.proposals_dropped;
            config_received += st.conf_changes_received;
        }
        let c = &self.counters;
        Metrics {
            cluster_size,
            learners,
            active_nodes: active,
            // Each node's own gauge, as Fabric sets it when the node becomes leader and
            // clears it when it steps down: with check-quorum off an old leader cut off
            // from the majority still reports 1 beside the new one (two leaders, in
            // different terms, are what `count(is_leader > 0)` shows).
            is_leader: self
                .servers
                .iter()
                .map(|s| {
                    (
                        s.id,
                        s.node().is_some_and(|n| n.role() == Role::Leader) as u64,
                    )
                })
                .collect(),
            // Each node's own count, as each Fabric orderer keeps it (summed over the
            // node's lives, as a counter's rate reads across a restart).
            leader_changes: self
                .servers
                .iter()
                .map(|s| (s.id, s.stats().leader_changes))
                .collect(),
            proposal_failures: failures,
            normal_proposals_received: received,
            config_proposals_received: config_received,
            committed_index: self
                .servers
                .iter()
                .filter_map(|s| s.node.as_ref())
                .map(|n| n.commit())
                .max()
                .unwrap_or(0),
            snapshot_index: self
                .servers
                .iter()
                .map(|s| s.storage().snapshot.index)
                .max()
                .unwrap_or(0),
            committed_block: self
                .servers
                .iter()
                .filter(|s| s.is_up())
                .map(|s| s.kv.blocks)
                .max()
                .unwrap_or(0),
            snapshot_block: self
                .servers
                .iter()
                .map(|s| Kv::blocks_in(s.storage().snapshot.data.as_slice()))
                .max()
                .unwrap_or(0),
            messages: MsgKind::ALL
                .iter()
                .map(|&k| {
                    (
                        k.name().to_string(),
                        c.sent.get(k),
                        c.delivered.get(k),
                        c.dropped.get(k),
                    )
                })
                .collect(),
        }
    }

    // ----- running -----

    /// The time of the next scheduled happening (None when nothing can ever happen again).
    pub fn next_time(&self) -> Option<u64> {
        if self.cfg.manual {
            return None;
        }
        let msg = self.queue.peek().map(|Reverse((t, _))| *t);
        let tick = self.next_tick_server().map(|i| self.servers[i].next_tick);
        match (msg, tick) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn next_tick_server(&self) -> Option<usize> {
        if let Some(known) = self.next_ticker.get() {
            return known;
        }
        let next = self.find_next_tick_server();
        self.next_ticker.set(Some(next));
        next
    }

    /// The live server whose timer fires first (the lowest position on a tie).
    fn find_next_tick_server(&self) -> Option<usize> {
        self.servers
            .iter()
            .enumerate()
            .filter(|(_, s)| s.is_up())
            .min_by_key(|(i, s)| (s.next_tick, *i))
            .map(|(i, _)| i)
    }

    /// A server's timer moved, or a server went up or down: the next to tick is unknown.
    fn timers_moved(&self) {
        self.next_ticker.set(None);
    }

    /// Performs the next scheduled happening, moving the clock to its time.
    pub fn step(&mut self) -> Option<Happened> {
        let happened = self.step_inner();
        if happened.is_some() {
            self.steps += 1;
            if !self.pending_requests.is_empty() {
                self.expire_requests();
            }
        }
        happened
    }

    /// How long a client waits for its request (see `REQUEST_TIMEOUT_ELECTIONS`).
    pub fn request_timeout(&self) -> u64 {
        REQUEST_TIMEOUT_ELECTIONS * u64::from(self.cfg.election_tick) * self.cfg.tick_us
    }

    /// Gives up on the requests whose deadline has passed: their clients stop waiting.
    fn expire_requests(&mut self) {
        let timeout = self.request_timeout();
        while let Some(first) = self.pending_requests.first() {
            if self.now < first.submitted_at.saturating_add(timeout) {
                break;
            }
            let Some(r) = self.pending_requests.pop_first() else {
                break;
            };
            self.requests.rejected += 1;
            self.requests.timed_out += 1;
            if self.given_up.len() == GIVEN_UP_KEPT {
                self.given_up.pop_first();
            }
            self.given_up.insert(r.id, ());
            self.sim_line(
                r.via,
                SimWhat::RequestTimedOut {
                    id: r.id,
                    after_us: timeout,
                },
            );
        }
    }

    fn step_inner(&mut self) -> Option<Happened> {
        if self.cfg.manual {
            return None;
        }
        let msg = self.queue.peek().map(|Reverse(k)| *k);
        let tick = self.next_tick_server();
        match (msg, tick) {
            (Some((t, id)), Some(i)) if t <= self.servers[i].next_tick => {
                Some(self.deliver_next(t, id))
            }
            (_, Some(i)) => {
                self.now = self.now.max(self.servers[i].next_tick);
                Some(self.tick(i))
            }
            (Some((t, id)), None) => Some(self.deliver_next(t, id)),
            (None, None) => None,
        }
    }

    /// Runs every happening up to and including time `t`, then sets the clock to `t`.
    pub fn run_until(&mut self, t: u64) {
        while self.next_time().is_some_and(|n| n <= t) {
            self.step();
        }
        self.now = self.now.max(t);
    }

    pub fn advance(&mut self, dt: u64) {
        let t = self.now.saturating_add(dt);
        self.run_until(t);
    }

    /// Delivers messages until none is in flight (timers do not fire meanwhile), like etcd's
    /// datadriven `stabilize`. Gives up after `max_deliveries`; returns how many it made.
    pub fn stabilize(&mut self, max_deliveries: usize) -> usize {
        let mut n = 0;
        while let Some(&Reverse((t, id))) = self.queue.peek() {
            if n >= max_deliveries {
                break;
            }
            // With the clocks stopped by hand, messages arrive now.
            let t = if self.cfg.manual { self.now } else { t };
            self.deliver_next(t, id);
            self.steps += 1;
            n += 1;
        }
        // Timers that would have fired meanwhile are skipped, not replayed in a burst.
        let (now, tick) = (self.now, self.cfg.tick_us);
        for s in &mut self.servers {
            while s.next_tick <= now {
                s.next_tick += tick;
            }
        }
        self.timers_moved();
        n
    }

    fn deliver_next(&mut self, t: u64, id: u64) -> Happened {
        self.queue.pop();
        self.now = self.now.max(t);
        match self.in_flight.remove(id) {
            Some(f) => self.arrive(f),
            // Dropped or delivered by hand while in flight: nothing arrives.
            None => Happened::Dropped { id },
        }
    }

    /// A message taken off the wire reaches its destination now, unless it was lost, the
    /// network is partitioned between its ends or the destination is down.
    fn arrive(&mut self, f: InFlight) -> Happened {
        let id = f.id;
        let (from, to, kind) = (f.msg.from, f.msg.to, f.msg.kind());
        let reachable = self.net.partition.connected(from, to);
        let i = (to - 1) as usize;
        let up = self.servers.get(i).is_some_and(Server::is_up);
        self.history.arrived(id, self.now, f.lost, reachable, up);
        if f.lost || !reachable || !up {
            self.counters.dropped.add(kind);
            if kind == MsgKind::Snap {
                self.report_snapshot(from, to, false);
            }
            return Happened::Dropped { id };
        }
        self.counters.delivered.add(kind);
        self.trace
            .delivered(self.now, id, from, to, kind, f.msg.term);
        if let Some(node) = self.servers[i].node.as_mut() {
            node.step(f.msg);
        }
        self.after_input(i);
        if kind == MsgKind::Snap {
            self.report_snapshot(from, to, true);
        }
        Happened::Delivered { id }
    }

    /// The transport tells the sender whether its snapshot arrived (as etcd's does).
    fn report_snapshot(&mut self, leader: NodeId, to: NodeId, delivered: bool) {
        let i = (leader - 1) as usize;
        if let Some(node) = self.servers.get_mut(i).and_then(|s| s.node.as_mut()) {
            node.report_snapshot(to, delivered);
            self.after_input(i);
        }
    }

    fn tick(&mut self, i: usize) -> Happened {
        self.servers[i].next_tick += self.cfg.tick_us;
        self.timers_moved();
        self.tick_node(i)
    }

    /// One tick of server `i`'s logical clock.
    fn tick_node(&mut self, i: usize) -> Happened {
        let s = &mut self.servers[i];
        if let Some(node) = s.node.as_mut() {
            // A leader's tick that ends a check-quorum round clears the flags: read them
            // first (see `ActiveRound`).
            if node.role() == Role::Leader && node.election_elapsed() + 1 >= node.election_tick() {
                s.last_round = ActiveRound {
                    term: node.term(),
                    heard: heard_from(node),
                };
            }
            node.tick();
        }
        self.after_input(i);
        Happened::Ticked {
            node: self.servers[i].id,
        }
    }

    /// Deals with everything a node produced after an input, one `Ready` at a time in the
    /// order its contract states: stable storage is the node's own (nothing to write),
    /// messages go on the wire, the state machine loads the snapshot and applies committed
    /// entries, the log may be compacted (whose event comes in the next Ready), events are
    /// logged, and the checker looks at the result.
    fn after_input(&mut self, i: usize) {
        // The node has taken its input: its role, term and commit index are what it now has.
        self.history.observe(self.now, &self.servers[i]);
        let now = self.now;
        let server = &mut self.servers[i];
        let (Some(node), kv) = (server.node.as_mut(), &mut server.kv) else {
            return;
        };
        let id = node.id();
        let mut violation = None;
        // The lowest log index the node wrote, and whether its configuration may have
        // changed, for the checker.
        let mut changed_from = Index::MAX;
        let (mut conf_applied, mut restored) = (0, false);
        while node.has_ready() {
            let rd = node.ready();
            let written_from = rd.entries.first().map(|e| e.index);
            let restored_from = rd.snapshot.as_ref().map(|s| s.index + 1);
            changed_from = changed_from.min(written_from.or(restored_from).unwrap_or(Index::MAX));
            let base = self.outbox.len();
            self.outbox.append(rd.messages);
            if self.cfg.record_events {
                self.events.append(rd.events);
                let reasons = rd.reasons.drain(..).map(|(i, why)| (base + i, why));
                self.outbox_reasons.extend(reasons);
            }

            // The state machine: a snapshot first, then committed entries in order.
            if let Some(snap) = rd.snapshot {
                restored = true;
                *kv = Kv::decode(snap.index, snap.data.as_slice());
                if let Some(c) = self.checker.as_mut() {
                    violation = violation.or(c.restored(id, snap.index, snap.term).err());
                }
            }
            for e in rd.committed_entries {
                conf_applied += usize::from(e.kind() == raft_core::types::EntryKind::ConfChange);
                kv.apply(e.index, e.data.as_slice());
                if e.index > self.committed_last {
                    if self.committed_runs.last().map(|r| r.1) != Some(e.term) {
                        self.committed_runs.push((e.index, e.term));
                    }
                    self.committed_last = e.index;
                }
                if let Some(c) = self.checker.as_mut() {
                    violation =
                        violation.or(c.applied(id, e.index, e.term, e.data.as_slice()).err());
                }
                if let Some((req, _)) = kv::decode(e.data.as_slice()) {
                    let line = if self.pending_requests.remove(req).is_some() {
                        self.requests.committed += 1;
                        self.requests.acknowledged_index =
                            self.requests.acknowledged_index.max(e.index);
                        Some(SimWhat::RequestCommitted {
                            id: req,
                            index: e.index,
                        })
                    } else if !self.given_up.is_empty() && self.given_up.remove(req).is_some() {
                        Some(SimWhat::RequestCommittedLate {
                            id: req,
                            index: e.index,
                        })
                    } else {
                        None
                    };
                    if let Some(what) = line {
                        self.trace.push(now, LogItem::Sim { node: id, what });
                    }
                }
            }
            node.advance();

            let every = self.cfg.snapshot_every;
            if every > 0 && node.applied() >= node.log().snapshot().index + every {
                let applied = node.applied();
                node.compact(applied, kv.encode());
            }
        }
        self.max_commit = self.max_commit.max(node.commit());

        if let Some(c) = self.checker.as_mut() {
            let known = c.has_config(id);
            if conf_applied > 0 || restored || !known {
                let voters = &node.tracker().config().voters;
                let (incoming, outgoing) = (voters.incoming().ids(), voters.outgoing().ids());
                // One change applied: a step the checker can judge. Several at once (a joint
                // change and the one that leaves it) pass through configurations it never
                // sees, so the last is taken as it comes.
                let stepped = known && conf_applied == 1 && !restored;
                let checked = c.configured(id, incoming.collect(), outgoing.collect(), stepped);
                violation = violation.or(checked.err());
            }
            let log = node.log();
            let obs = Observation {
                node: id,
                term: node.term(),
                role: node.role(),
                snapshot_index: log.snapshot().index,
                snapshot_term: log.snapshot().term,
                entries: log.entries(),
                changed_from: changed_from.min(log.last_index() + 1),
                commit: node.commit(),
            };
            violation = violation.or(c.observe(&obs).err());
        }

        for e in self.events.drain(..) {
            self.trace.push(now, LogItem::Node(e));
        }
        if let Some(v) = violation {
            self.record_violation(v);
        }
        let mut out = std::mem::take(&mut self.outbox);
        let mut reasons = std::mem::take(&mut self.outbox_reasons)
            .into_iter()
            .peekable();
        for (i, m) in out.drain(..).enumerate() {
            let why = reasons
                .next_if(|(at, _)| *at == i)
                .map(|(_, why)| Box::new(why));
            self.send(m, why);
        }
        self.outbox = out;
        // Applying a configuration change can change the node's role as well (a removed
        // leader steps down): seen after the messages it sent before that.
        self.history.observe(self.now, &self.servers[i]);
    }

    fn record_violation(&mut self, v: Violation) {
        if self.violation.is_none() {
            let text = v.to_string();
            self.trace.push(
                self.now,
                LogItem::Sim {
                    node: 0,
                    what: SimWhat::SafetyViolation { text },
                },
            );
            self.violation = Some(v);
        }
    }

    /// Puts a message on the wire; `why`: the rule behind it, for an answer.
    pub(crate) fn send(&mut self, msg: Message, why: Option<Box<Why>>) {
        let kind = msg.kind();
        self.counters.sent.add(kind);
        let fate = self.net.fate(msg.from, msg.to, self.now);
        if let Some(lat) = fate.duplicate_latency {
            self.enqueue(msg.clone(), lat, false, true, why.clone());
        }
        self.enqueue(msg, fate.latency, fate.lost, false, why);
    }

    fn enqueue(
        &mut self,
        msg: Message,
        latency: u64,
        lost: bool,
        duplicate: bool,
        why: Option<Box<Why>>,
    ) {
        let id = self.next_msg_id;
        self.next_msg_id += 1;
        let deliver_at = self.now + latency;
        self.history
            .sent(id, &msg, self.now, deliver_at, why.as_deref());
        self.queue.push(Reverse((deliver_at, id)));
        self.in_flight.insert(
            id,
            InFlight {
                id,
                sent_at: self.now,
                deliver_at,
                lost,
                duplicate,
                msg,
                why,
            },
        );
    }

    fn sim_line(&mut self, node: NodeId, what: SimWhat) {
        self.trace.push(self.now, LogItem::Sim { node, what });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::{Command, MemberChange};

    /// The next server to tick, as kept between happenings, is always the one a walk over
    /// every server finds: through crashes, restarts, a node joining and `stabilize`.
    #[test]
    fn the_next_ticker_kept_is_the_one_a_walk_finds() {
        let mut c = Cluster::new(SimConfig {
            nodes: 5,
            seed: 3,
            ..SimConfig::default()
        })
        .unwrap();
        let mut rng = Rng::fork(3, 1);
        let mut joined = false;
        for step in 0..30_000u32 {
            let id = rng.range(1, c.servers().len() as u64 + 1);
            let _ = match step % 400 {
                100 => c.apply(&Command::Crash(id.into())),
                200 => c.apply(&Command::Restart(id.into())),
                300 if step > 5_000 && !joined => {
                    joined = true;
                    let node = c.servers().len() as NodeId + 1;
                    c.apply(&Command::Member(MemberChange::Add {
                        node,
                        learner: false,
                    }))
                }
                350 => c.apply(&Command::Stabilize),
                _ => Ok(()),
            };
            assert_eq!(
                c.next_tick_server(),
                c.find_next_tick_server(),
                "after the command at step {step}"
            );
            c.step();
            assert_eq!(
                c.next_tick_server(),
                c.find_next_tick_server(),
                "step {step}"
            );
        }
        assert!(joined && c.servers().len() == 6, "a node joined");
    }
}
