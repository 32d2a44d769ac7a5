//! The simulated cluster's settings, checked as a whole before a run starts.

use super::check::Violation;
use super::history::HistoryLimits;
use super::network::{LinkConfig, LinkError};
use raft_core::config::{ConfigError, MAX_NODES};
use raft_core::types::{Index, NodeId, Term};
use std::fmt;

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
    /// Record what the space-time diagram draws, within these limits (`history`); None
    /// records nothing (the fuzzer and the benchmarks).
    pub history: Option<HistoryLimits>,
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
            history: Some(HistoryLimits::DEFAULT),
        }
    }
}

/// Why a cluster cannot be built from a [`SimConfig`].
#[derive(Clone, Debug, PartialEq)]
pub enum SimConfigError {
    /// `nodes` is 0 or above [`MAX_NODES`].
    Nodes { nodes: usize },
    /// `tick_us` is 0.
    NoTick,
    /// `election_tick` is 0.
    NoElectionTimeout,
    /// `heartbeat_tick` is 0 or not below `election_tick`.
    Heartbeat { heartbeat: u32, election: u32 },
    /// The network's settings.
    Link(LinkError),
    /// The initial log's terms go down.
    InitialTermsDecrease,
    /// The initial log has a term above the initial term.
    InitialTermAboveTerm,
    /// A node refused its configuration (a check of raft-core's beyond the ones above).
    Node(ConfigError),
    /// A starting state is given for a node outside the cluster.
    StateNotInCluster { node: NodeId, nodes: usize },
    /// A node is given two starting states.
    TwoStates { node: NodeId },
    /// A node's starting vote is for a node outside the cluster.
    VoteNotInCluster {
        node: NodeId,
        vote: NodeId,
        nodes: usize,
    },
    /// A node's starting commit index is outside its log (`first` is the snapshot's index).
    CommitOutsideLog {
        node: NodeId,
        commit: Index,
        first: Index,
        last: Index,
    },
    /// A node refused its own starting state.
    State { node: NodeId, error: ConfigError },
    /// A node's starting state breaks a safety property the checker holds.
    StatesUnsafe(Violation),
}

impl fmt::Display for SimConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SimConfigError::Nodes { nodes } => {
                write!(f, "nodes must be between 1 and {MAX_NODES}, got {nodes}")
            }
            SimConfigError::NoTick => f.write_str("a tick must last at least 1us"),
            SimConfigError::NoElectionTimeout => {
                f.write_str("the election timeout must be at least 1 tick")
            }
            SimConfigError::Heartbeat {
                heartbeat,
                election,
            } => write!(
                f,
                "the heartbeat interval ({heartbeat} ticks) must be at least 1 and shorter than the election timeout ({election} ticks)"
            ),
            SimConfigError::Link(e) => e.fmt(f),
            SimConfigError::InitialTermsDecrease => {
                f.write_str("the initial log's terms must not decrease")
            }
            SimConfigError::InitialTermAboveTerm => {
                f.write_str("the initial log has an entry with a term above the initial term")
            }
            SimConfigError::Node(e) => e.fmt(f),
            SimConfigError::StateNotInCluster { node, nodes } => write!(
                f,
                "a starting state is given for node {node}, but the cluster has nodes 1..={nodes}"
            ),
            SimConfigError::TwoStates { node } => {
                write!(f, "node {node} is given two starting states")
            }
            SimConfigError::VoteNotInCluster { node, vote, nodes } => write!(
                f,
                "node {node}'s starting vote is for node {vote}, but the cluster has nodes 1..={nodes}"
            ),
            SimConfigError::CommitOutsideLog {
                node,
                commit,
                first,
                last,
            } => write!(
                f,
                "node {node}'s commit index {commit} is outside its log ({first}..={last})"
            ),
            SimConfigError::State { node, error } => write!(f, "node {node}'s state: {error}"),
            SimConfigError::StatesUnsafe(v) => v.fmt(f),
        }
    }
}

impl std::error::Error for SimConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SimConfigError::Link(e) => Some(e),
            SimConfigError::Node(e) => Some(e),
            SimConfigError::State { error, .. } => Some(error),
            SimConfigError::StatesUnsafe(v) => Some(v),
            _ => None,
        }
    }
}

impl From<LinkError> for SimConfigError {
    fn from(e: LinkError) -> SimConfigError {
        SimConfigError::Link(e)
    }
}

impl From<ConfigError> for SimConfigError {
    fn from(e: ConfigError) -> SimConfigError {
        SimConfigError::Node(e)
    }
}

impl SimConfig {
    pub fn validate(&self) -> Result<(), SimConfigError> {
        if self.nodes == 0 || self.nodes > MAX_NODES {
            return Err(SimConfigError::Nodes { nodes: self.nodes });
        }
        if self.tick_us == 0 {
            return Err(SimConfigError::NoTick);
        }
        if self.election_tick == 0 {
            return Err(SimConfigError::NoElectionTimeout);
        }
        if self.heartbeat_tick == 0 || self.heartbeat_tick >= self.election_tick {
            return Err(SimConfigError::Heartbeat {
                heartbeat: self.heartbeat_tick,
                election: self.election_tick,
            });
        }
        self.link.validate()?;
        if let Some(init) = &self.init {
            if init.terms.windows(2).any(|w| w[0] > w[1]) {
                return Err(SimConfigError::InitialTermsDecrease);
            }
            if init.terms.last().is_some_and(|&t| t > init.term) {
                return Err(SimConfigError::InitialTermAboveTerm);
            }
        }
        Ok(())
    }
}
