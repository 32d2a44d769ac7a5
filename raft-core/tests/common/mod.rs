//! A tiny synchronous network for driving real `Node`s by hand, in the spirit of etcd's
//! `raft_test.go` network: nodes in a `BTreeMap`, one FIFO queue of messages, links that can
//! be cut and healed, nodes that crash (keeping only their stable storage) and restart.
//!
//! Nothing here is random: a network is built from a fixed seed, messages are collected from
//! nodes in id order and delivered first in, first out, so every test replays identically.
//!
//! Safety properties of the paper (Figure 3) are checked as the network runs, so any test
//! that drives it also watches them: Election Safety (one leader per term), Leader
//! Completeness (a new leader holds every committed entry) and State Machine Safety (no two
//! nodes apply different entries at the same index). Log Matching is checked on request.

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use raft_core::{
    Body, Bytes, Config, Entry, HardState, Index, Message, MsgKind, Node, NodeId, ProposeError,
    Role, Snapshot, Storage, Term, Why,
};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// The seed every test network uses (each node forks its own stream from it by id).
pub const SEED: u64 = 0x5EED;

/// The paper's algorithm alone: no pre-vote, no check-quorum (like etcd's raft_paper_test).
pub fn paper_config() -> Config {
    Config {
        election_tick: 10,
        heartbeat_tick: 1,
        pre_vote: false,
        check_quorum: false,
        seed: SEED,
        ..Config::default()
    }
}

/// etcd's extensions switched on or off.
pub fn etcd_config(pre_vote: bool, check_quorum: bool) -> Config {
    Config {
        pre_vote,
        check_quorum,
        ..paper_config()
    }
}

/// A configuration for node `id` of the cluster `1..=n`, from a template.
pub fn config_for(template: &Config, id: NodeId, n: usize) -> Config {
    Config {
        id,
        peers: (1..=n as NodeId).collect(),
        ..template.clone()
    }
}

/// A standalone node of the cluster `1..=n`, for tests that step messages into it by hand.
pub fn lone_node(template: &Config, id: NodeId, n: usize, storage: Storage) -> Node {
    Node::new(config_for(template, id, n), storage).expect("valid test configuration")
}

/// A message as a peer would send it.
pub fn msg(from: NodeId, to: NodeId, term: Term, body: Body) -> Message {
    Message {
        from,
        to,
        term,
        body,
    }
}

/// Entries with the given terms starting at `first`, each carrying its index as its command
/// (so two entries with the same index and term but different origins are told apart).
pub fn entries(first: Index, terms: &[Term]) -> Vec<Entry> {
    terms
        .iter()
        .enumerate()
        .map(|(i, &term)| Entry {
            term,
            index: first + i as Index,
            data: Bytes::from(format!("e{}", first + i as Index).as_str()),
        })
        .collect()
}

/// The (index, term) pairs of a node's log after its snapshot.
pub fn log_terms(node: &Node) -> Vec<(Index, Term)> {
    node.log()
        .entries()
        .iter()
        .map(|e| (e.index, e.term))
        .collect()
}

/// Everything one `Ready` handed over, copied out for a test to look at.
#[derive(Clone, Debug, Default)]
pub struct Handed {
    pub hard_state: Option<HardState>,
    /// Log entries written since the last Ready.
    pub entries: Vec<Entry>,
    pub snapshot: Option<Snapshot>,
    pub messages: Vec<Message>,
    /// Committed entries to apply.
    pub committed: Vec<Entry>,
    /// The events, formatted as etcd log lines.
    pub events: Vec<String>,
    /// Each event's reason (None for an event that is not a decision), in the same order.
    pub event_whys: Vec<Option<Why>>,
    /// Why answers among `messages` say what they say, by position there.
    pub reasons: Vec<(usize, Why)>,
}

/// Takes a node's `Ready` and advances the node, as its caller does, except that what it
/// would send, apply and log is handed to the test instead (stable storage is the node's
/// own: nothing to write).
pub fn take_ready(node: &mut Node) -> Handed {
    let rd = node.ready();
    let handed = Handed {
        hard_state: rd.hard_state,
        entries: rd.entries.to_vec(),
        snapshot: rd.snapshot,
        messages: std::mem::take(rd.messages),
        committed: rd.committed_entries.to_vec(),
        events: rd.events.iter().map(|e| e.to_string()).collect(),
        event_whys: rd.events.iter().map(|e| e.why.clone()).collect(),
        reasons: std::mem::take(rd.reasons),
    };
    node.advance();
    handed
}

/// The messages of a node's `Ready` (the rest of it is dropped).
pub fn outbox(node: &mut Node) -> Vec<Message> {
    take_ready(node).messages
}

/// The events of a node's `Ready`, formatted as etcd log lines (the rest is dropped).
pub fn event_lines(node: &mut Node) -> Vec<String> {
    take_ready(node).events
}

/// What the application on top of one node has seen.
#[derive(Clone, Debug, Default)]
pub struct App {
    /// The last snapshot the node handed over to load.
    pub snapshot: Option<Snapshot>,
    /// Entries applied since the application (re)started, in order.
    pub applied: Vec<Entry>,
}

/// A predicate selecting messages for the network to lose.
type Filter = Box<dyn FnMut(&Message) -> bool>;

pub struct Network {
    template: Config,
    size: usize,
    /// Nodes that joined after the start (ids above `size`), with no configuration of their
    /// own at first: they learn it from the leader.
    joined: Vec<NodeId>,
    nodes: BTreeMap<NodeId, Node>,
    /// Stable storage of crashed nodes, waiting for a restart.
    crashed: BTreeMap<NodeId, Storage>,
    queue: VecDeque<Message>,
    /// Directed links that drop everything.
    cut: BTreeSet<(NodeId, NodeId)>,
    /// Drops any message for which it returns true (a targeted fault).
    filter: Option<Filter>,
    /// Every message handed to a node, in delivery order.
    pub delivered: Vec<Message>,
    /// Every message lost to a cut link, a crashed node or the filter.
    pub dropped: Vec<Message>,
    apps: BTreeMap<NodeId, App>,
    /// Messages each node handed over in a `Ready` that the network has not queued yet.
    sent: BTreeMap<NodeId, Vec<Message>>,
    /// Event lines each node handed over in a `Ready` that the test has not read yet.
    logged: BTreeMap<NodeId, Vec<String>>,
    /// Election Safety: the leader seen in each term.
    leaders: BTreeMap<Term, NodeId>,
    /// The terms whose leader has had its log checked for Leader Completeness.
    checked_leaders: BTreeSet<Term>,
    /// State Machine Safety: the entry applied at each index, by whichever node applied it.
    applied_at: BTreeMap<Index, (Term, Bytes)>,
}

impl Network {
    /// `n` fresh nodes `1..=n` built from `template`.
    pub fn new(n: usize, template: Config) -> Network {
        Network::with_storages(template, vec![Storage::default(); n])
    }

    /// Nodes `1..=storages.len()` starting from the given stable storage (a cluster that
    /// already ran for a while).
    pub fn with_storages(template: Config, storages: Vec<Storage>) -> Network {
        let size = storages.len();
        let mut net = Network {
            template,
            size,
            joined: Vec::new(),
            nodes: BTreeMap::new(),
            crashed: BTreeMap::new(),
            queue: VecDeque::new(),
            cut: BTreeSet::new(),
            filter: None,
            delivered: Vec::new(),
            dropped: Vec::new(),
            apps: BTreeMap::new(),
            sent: BTreeMap::new(),
            logged: BTreeMap::new(),
            leaders: BTreeMap::new(),
            checked_leaders: BTreeSet::new(),
            applied_at: BTreeMap::new(),
        };
        for (i, storage) in storages.into_iter().enumerate() {
            let id = i as NodeId + 1;
            let node = Node::new(net.config(id), storage).expect("valid test configuration");
            net.nodes.insert(id, node);
            net.apps.insert(id, App::default());
        }
        net
    }

    /// Node `id`'s configuration: the cluster at the start, or none for a node that joined.
    pub fn config(&self, id: NodeId) -> Config {
        if self.joined.contains(&id) {
            Config {
                id,
                peers: Vec::new(),
                ..self.template.clone()
            }
        } else {
            config_for(&self.template, id, self.size)
        }
    }

    pub fn ids(&self) -> Vec<NodeId> {
        (1..=self.size as NodeId)
            .chain(self.joined.iter().copied())
            .collect()
    }

    /// A new node `id` with empty storage and no configuration, as a server joining a running
    /// cluster starts (it counts for nothing until a configuration change names it).
    pub fn join(&mut self, id: NodeId) {
        assert!(!self.ids().contains(&id), "node {id} exists already");
        self.joined.push(id);
        let node = Node::new(self.config(id), Storage::default()).expect("valid joining node");
        self.nodes.insert(id, node);
        self.apps.insert(id, App::default());
    }

    pub fn node(&self, id: NodeId) -> &Node {
        self.nodes
            .get(&id)
            .unwrap_or_else(|| panic!("node {id} is crashed"))
    }

    pub fn node_mut(&mut self, id: NodeId) -> &mut Node {
        self.nodes
            .get_mut(&id)
            .unwrap_or_else(|| panic!("node {id} is crashed"))
    }

    pub fn is_up(&self, id: NodeId) -> bool {
        self.nodes.contains_key(&id)
    }

    pub fn app(&self, id: NodeId) -> &App {
        &self.apps[&id]
    }

    /// The leader of the highest term among the running nodes, if any.
    pub fn leader(&self) -> Option<NodeId> {
        self.nodes
            .values()
            .filter(|n| n.role() == Role::Leader)
            .max_by_key(|n| n.term())
            .map(|n| n.id())
    }

    /// The highest term any running node is in.
    pub fn max_term(&self) -> Term {
        self.nodes.values().map(|n| n.term()).max().unwrap_or(0)
    }

    // ----- faults -----

    /// Drops every message between `a` and `b`, both ways.
    pub fn cut(&mut self, a: NodeId, b: NodeId) {
        self.cut.insert((a, b));
        self.cut.insert((b, a));
    }

    /// Cuts every link of `id`: a network partition with `id` alone on one side.
    pub fn isolate(&mut self, id: NodeId) {
        for other in self.ids() {
            if other != id {
                self.cut(id, other);
            }
        }
    }

    /// Restores every link (crashed nodes stay crashed) and removes the filter.
    pub fn heal(&mut self) {
        self.cut.clear();
        self.filter = None;
    }

    /// Drops the messages `f` selects until the next `heal` or `clear_filter`.
    pub fn drop_if(&mut self, f: impl FnMut(&Message) -> bool + 'static) {
        self.filter = Some(Box::new(f));
    }

    pub fn clear_filter(&mut self) {
        self.filter = None;
    }

    /// A crash: only stable storage survives; messages the node had not sent yet are lost.
    pub fn crash(&mut self, id: NodeId) {
        let node = self
            .nodes
            .remove(&id)
            .unwrap_or_else(|| panic!("node {id} is already crashed"));
        self.crashed.insert(id, node.into_storage());
        // The state machine is volatile too; it is rebuilt from snapshot and log on restart.
        self.apps.insert(id, App::default());
        self.sent.remove(&id);
        self.logged.remove(&id);
    }

    /// Restarts a crashed node from its storage. The application has applied nothing beyond
    /// the snapshot, so the node knows no entry committed past it.
    pub fn restart(&mut self, id: NodeId) {
        let storage = self
            .crashed
            .remove(&id)
            .unwrap_or_else(|| panic!("node {id} is not crashed"));
        // Like any application starting up, it loads the snapshot it finds on disk first.
        let snapshot = (storage.snapshot.index > 0).then(|| storage.snapshot.clone());
        self.apps.insert(
            id,
            App {
                snapshot,
                applied: Vec::new(),
            },
        );
        let node = Node::restart(self.config(id), storage, 0).expect("valid stored state");
        self.nodes.insert(id, node);
    }

    // ----- inputs -----

    pub fn tick(&mut self, id: NodeId, times: usize) {
        let node = self.node_mut(id);
        for _ in 0..times {
            node.tick();
        }
    }

    /// Lets `rounds` ticks of time pass for every running node, delivering everything
    /// after each tick (messages are much faster than a tick, as in a healthy cluster).
    pub fn tick_all(&mut self, rounds: usize) {
        for _ in 0..rounds {
            for node in self.nodes.values_mut() {
                node.tick();
            }
            self.stabilize();
        }
    }

    /// Ticks everyone until a leader is known to every running node, or panics.
    pub fn tick_until_leader(&mut self, max_rounds: usize) -> NodeId {
        for _ in 0..max_rounds {
            if let Some(l) = self.leader() {
                if self.nodes.values().all(|n| n.leader() == l) {
                    return l;
                }
            }
            self.tick_all(1);
        }
        panic!("no leader after {max_rounds} ticks");
    }

    pub fn campaign(&mut self, id: NodeId) {
        self.node_mut(id).campaign();
    }

    /// `id` campaigns and the network settles; `id` must end up the leader.
    pub fn elect(&mut self, id: NodeId) {
        self.campaign(id);
        self.stabilize();
        assert_eq!(
            self.node(id).role(),
            Role::Leader,
            "node {id} should have won the election"
        );
    }

    pub fn propose(&mut self, id: NodeId, command: &str) -> Result<(), ProposeError> {
        self.node_mut(id).propose(&[Bytes::from(command)])
    }

    // ----- delivery -----

    /// Handles every running node's `Ready` and moves the messages the nodes sent to the back
    /// of the queue, in id order.
    pub fn collect(&mut self) {
        for id in self.ids() {
            self.handle_ready(id);
        }
        for out in self.sent.values_mut() {
            self.queue.extend(out.drain(..));
        }
    }

    /// Takes the messages node `id` has sent that the network has not queued yet, without
    /// delivering them.
    pub fn outbox(&mut self, id: NodeId) -> Vec<Message> {
        self.handle_ready(id);
        self.sent.remove(&id).unwrap_or_default()
    }

    /// Collects, then takes every queued message out of the network without delivering it
    /// (for tests that reorder or inspect messages before handing them over).
    pub fn take_queue(&mut self) -> Vec<Message> {
        self.collect();
        self.queue.drain(..).collect()
    }

    /// Hands one message to its destination, unless a fault drops it. Like a transport,
    /// tells the sender of a MsgSnap whether it got through.
    pub fn deliver(&mut self, m: Message) {
        let blocked = self.cut.contains(&(m.from, m.to))
            || !self.nodes.contains_key(&m.to)
            || self.filter.as_mut().is_some_and(|f| f(&m));
        let is_snap = m.kind() == MsgKind::Snap;
        let (from, to) = (m.from, m.to);
        if blocked {
            self.dropped.push(m);
        } else {
            self.delivered.push(m.clone());
            self.node_mut(to).step(m);
        }
        if is_snap {
            if let Some(sender) = self.nodes.get_mut(&from) {
                sender.report_snapshot(to, !blocked);
            }
        }
        self.check_leaders();
    }

    /// Loses a message on purpose, telling the sender of a MsgSnap as a transport would.
    pub fn lose(&mut self, m: Message) {
        if m.kind() == MsgKind::Snap {
            if let Some(sender) = self.nodes.get_mut(&m.from) {
                sender.report_snapshot(m.to, false);
            }
        }
        self.dropped.push(m);
    }

    /// Delivers messages until no node has anything left to send, then lets every
    /// application apply what is committed.
    pub fn stabilize(&mut self) {
        let mut budget = 1_000_000;
        loop {
            self.collect();
            let Some(m) = self.queue.pop_front() else {
                // Applying may have produced more (a configuration change's events, a
                // leader leaving joint consensus): settle that too.
                if self.nodes.values().any(|n| n.has_ready()) {
                    continue;
                }
                break;
            };
            self.deliver(m);
            budget -= 1;
            assert!(budget > 0, "the network did not settle");
        }
        self.apply_all();
    }

    // ----- the application -----

    /// Deals with node `id`'s `Ready` as its caller does: its messages wait to be queued
    /// (`collect`), its events to be read (`events`), and its application loads the
    /// snapshot and applies the committed entries. Returns a copy of what it handed over.
    pub fn handle_ready(&mut self, id: NodeId) -> Handed {
        let Some(node) = self.nodes.get_mut(&id) else {
            return Handed::default();
        };
        if !node.has_ready() {
            return Handed::default();
        }
        let handed = take_ready(node);
        self.sent
            .entry(id)
            .or_default()
            .extend(handed.messages.iter().cloned());
        self.logged
            .entry(id)
            .or_default()
            .extend(handed.events.iter().cloned());
        let app = self.apps.get_mut(&id).expect("every node has an app");
        if let Some(s) = &handed.snapshot {
            app.snapshot = Some(s.clone());
        }
        for e in handed.committed.iter().cloned() {
            match self.applied_at.get(&e.index) {
                Some((term, data)) => assert!(
                    *term == e.term && *data == e.data,
                    "State Machine Safety: node {id} applied {e:?} where another node applied \
                     term {term} {data:?}"
                ),
                None => {
                    self.applied_at.insert(e.index, (e.term, e.data.clone()));
                }
            }
            app.applied.push(e);
        }
        handed
    }

    /// The application of `id` loads any snapshot and applies every committed entry.
    pub fn apply(&mut self, id: NodeId) {
        self.handle_ready(id);
    }

    pub fn apply_all(&mut self) {
        for id in self.ids() {
            self.apply(id);
        }
    }

    /// Election Safety on every step, and Leader Completeness whenever a node has just
    /// become leader: its log holds every entry any node has applied (that is, committed),
    /// except what it has compacted into its snapshot.
    fn check_leaders(&mut self) {
        for node in self.nodes.values() {
            if node.role() != Role::Leader {
                continue;
            }
            let term = node.term();
            let first = *self.leaders.entry(term).or_insert(node.id());
            assert_eq!(
                first,
                node.id(),
                "Election Safety: two leaders in term {term}"
            );
            if self.checked_leaders.insert(term) {
                let log = node.log();
                for (&index, (entry_term, data)) in self.applied_at.range(log.first_index()..) {
                    let held = log.entry(index);
                    assert!(
                        held.is_some_and(|e| e.term == *entry_term && e.data == *data),
                        "Leader Completeness: leader {} of term {term} lacks committed entry \
                         {index} (term {entry_term}), has {held:?}",
                        node.id()
                    );
                }
            }
        }
    }

    /// Log Matching (Figure 3): if two logs hold an entry with the same index and term, they
    /// agree on every entry up to it. Checked from the end: the highest index where two
    /// running nodes agree on the term, then every lower index both still hold.
    pub fn check_log_matching(&self) {
        let nodes: Vec<&Node> = self.nodes.values().collect();
        for (i, a) in nodes.iter().enumerate() {
            for b in &nodes[i + 1..] {
                let (la, lb) = (a.log(), b.log());
                let lo = la.first_index().max(lb.first_index());
                let hi = la.last_index().min(lb.last_index());
                let Some(top) = (lo..=hi).rev().find(|&k| la.term(k) == lb.term(k)) else {
                    continue;
                };
                for k in lo..=top {
                    assert_eq!(
                        la.entry(k),
                        lb.entry(k),
                        "Log Matching: nodes {} and {} agree at index {top} but not at {k}",
                        a.id(),
                        b.id()
                    );
                }
            }
        }
    }

    /// The formatted events node `id` recorded since the last call.
    pub fn events(&mut self, id: NodeId) -> Vec<String> {
        assert!(self.is_up(id), "node {id} is crashed");
        self.handle_ready(id);
        self.logged.remove(&id).unwrap_or_default()
    }

    /// Delivered messages of one kind from `from` to `to`.
    pub fn delivered_of(&self, kind: MsgKind, from: NodeId, to: NodeId) -> Vec<&Message> {
        self.delivered
            .iter()
            .filter(|m| m.kind() == kind && m.from == from && m.to == to)
            .collect()
    }

    /// Asserts that every running node holds the same log as `id` (entries and snapshot
    /// boundaries may differ; the terms at each index held by both must agree) and the same
    /// last index.
    pub fn assert_logs_match(&self, id: NodeId) {
        let reference = self.node(id).log();
        for node in self.nodes.values() {
            let log = node.log();
            assert_eq!(
                log.last_index(),
                reference.last_index(),
                "node {} and node {id} end at different indexes",
                node.id()
            );
            let from = log.first_index().max(reference.first_index());
            for i in from..=log.last_index() {
                assert_eq!(
                    log.entry(i),
                    reference.entry(i),
                    "node {} and node {id} differ at index {i}",
                    node.id()
                );
            }
        }
    }
}
