//! The simulated cluster's settings, checked as a whole before a run starts.

use super::network::LinkConfig;
use raft_core::config::MAX_NODES;
use raft_core::types::{Index, NodeId, Term};

/// Every node starts with this log at this term (as in etcd's datadriven tests, where a
/// cluster "has already run for a while").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InitialLog {
    pub term: Term,
    pub terms: Vec<Term>,
}

/// One node's stable state when the run starts, in place of `init`'s (a scenario's `state`
/// and `snapshot` lines), as in etcd's unit tests, which build each node's storage by hand.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeState {
    pub node: NodeId,
    pub term: Term,
    /// 0: no vote.
    pub vote: NodeId,
    /// The terms of the entries after the snapshot.
    pub log: Vec<Term>,
    /// At least the snapshot's index, at most the last entry's.
    pub commit: Index,
    /// The index and term of the last entry the snapshot covers; (0, 0): no snapshot.
    pub snapshot: (Index, Term),
}

#[derive(Clone, Debug, PartialEq)]
pub struct SimConfig {
    pub nodes: usize,
    pub seed: u64,
    pub pre_vote: bool,
    pub check_quorum: bool,
    /// Simulated microseconds per tick of the nodes' logical clocks.
    pub tick_us: u64,
    pub election_tick: u32,
    pub heartbeat_tick: u32,
    pub link: LinkConfig,
    /// Compact a node's log once this many applied entries follow its snapshot (0: never).
    pub snapshot_every: u64,
    /// Run the safety checker after every event.
    pub check_safety: bool,
    /// Record etcd-style events (the event log and the trace hash need them).
    pub record_events: bool,
    /// How many log lines the bounded event log keeps (0: keep none, only hash).
    pub log_capacity: usize,
    pub init: Option<InitialLog>,
    /// Nodes that start from a state of their own rather than `init`'s.
    pub states: Vec<NodeState>,
    /// Nothing happens by itself: nodes tick and messages arrive only when a command says so
    /// (`Command::Tick`, `Deliver`, `Stabilize`), as in etcd's datadriven tests.
    pub manual: bool,
    /// How many MsgApp a leader keeps unacknowledged per follower while replicating.
    pub max_inflight: usize,
}

impl Default for SimConfig {
    fn default() -> SimConfig {
        SimConfig {
            nodes: 5,
            seed: 1,
            pre_vote: true,
            check_quorum: true,
            tick_us: 10_000,
            election_tick: 15,
            heartbeat_tick: 5,
            link: LinkConfig::default(),
            snapshot_every: 0,
            check_safety: true,
            record_events: true,
            log_capacity: 5_000,
            init: None,
            states: Vec::new(),
            manual: false,
            max_inflight: 64,
        }
    }
}

impl SimConfig {
    pub fn validate(&self) -> Result<(), String> {
        if self.nodes == 0 || self.nodes > MAX_NODES {
            return Err(format!(
                "nodes must be between 1 and {MAX_NODES}, got {}",
                self.nodes
            ));
        }
        if self.tick_us == 0 {
            return Err("a tick must last at least 1us".into());
        }
        if self.election_tick == 0 {
            return Err("the election timeout must be at least 1 tick".into());
        }
        if self.heartbeat_tick == 0 || self.heartbeat_tick >= self.election_tick {
            return Err(format!(
                "the heartbeat interval ({} ticks) must be at least 1 and shorter than the election timeout ({} ticks)",
                self.heartbeat_tick, self.election_tick
            ));
        }
        self.link.validate()?;
        if let Some(init) = &self.init {
            if init.terms.windows(2).any(|w| w[0] > w[1]) {
                return Err("the initial log's terms must not decrease".into());
            }
            if init.terms.last().is_some_and(|&t| t > init.term) {
                return Err(
                    "the initial log has an entry with a term above the initial term".into(),
                );
            }
        }
        Ok(())
    }
}
