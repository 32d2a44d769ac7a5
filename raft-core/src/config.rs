//! A node's parameters, validated up front so a bad value is an error, never a panic.

use crate::types::{Index, NodeId, Term};
use alloc::vec;
use alloc::vec::Vec;
use core::fmt;

/// The largest cluster the core accepts (the visualizer still lays 51 nodes out legibly).
pub const MAX_NODES: usize = 51;

#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// This node's id (>= 1).
    pub id: NodeId,
    /// Every voter of the cluster at its start, this node included; empty for a node that
    /// joins a running cluster (it learns the configuration from the leader's log or
    /// snapshot). Stable storage's configuration, when it holds one, takes precedence.
    pub peers: Vec<NodeId>,
    /// Base election timeout in ticks. The timeout actually used is drawn uniformly from
    /// [election_tick, 2 * election_tick) each time the node resets (paper §5.2).
    pub election_tick: u32,
    /// A leader sends heartbeats every `heartbeat_tick` ticks. Must be below election_tick.
    pub heartbeat_tick: u32,
    /// Pre-vote (thesis §9.6): campaign only after a quorum says it would vote for us.
    pub pre_vote: bool,
    /// Check-quorum: a leader steps down when it has not heard from a quorum within an
    /// election timeout, and followers that hear a leader ignore vote requests meanwhile.
    pub check_quorum: bool,
    /// How many MsgApp a leader keeps unacknowledged per follower in the replicate state.
    pub max_inflight: usize,
    /// Bytes of entry data in one MsgApp (at least one entry is always sent).
    pub max_size_per_msg: usize,
    /// Record etcd-style events. Off in benchmarks, where formatting would dominate.
    pub record_events: bool,
    /// Seed of this node's generator (used for randomized election timeouts only).
    pub seed: u64,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            id: 1,
            peers: vec![1],
            election_tick: 10,
            heartbeat_tick: 1,
            pre_vote: true,
            check_quorum: true,
            max_inflight: 256,
            max_size_per_msg: 1 << 20,
            record_events: true,
            seed: 0,
        }
    }
}

/// Why a node cannot start: a parameter out of range, or stable storage that makes no sense.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigError {
    /// `peers` is longer than [`MAX_NODES`].
    ClusterSize { nodes: usize },
    /// Node id 0 stands for "none".
    ReservedId,
    /// A node id appears twice in `peers`.
    DuplicatePeer { peers: Vec<NodeId> },
    /// `id` is not one of `peers`.
    NotAPeer { id: NodeId, peers: Vec<NodeId> },
    /// `election_tick` is 0.
    NoElectionTimeout,
    /// `election_tick` is above 1,000,000.
    ElectionTimeoutTooLong { ticks: u32 },
    /// `heartbeat_tick` is 0.
    NoHeartbeat,
    /// `heartbeat_tick` is not below `election_tick`.
    HeartbeatNotShorter { heartbeat: u32, election: u32 },
    /// `max_inflight` is 0.
    NoInflight,
    /// Storage's log skips or repeats an index.
    LogGap { index: Index, expected: Index },
    /// Storage's log has a term below the one before it.
    LogTermDecreases { index: Index },
    /// Storage's log has a term above the stored current term.
    LogTermAboveCurrent { log_term: Term, term: Term },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::ClusterSize { nodes } => {
                write!(f, "a cluster has 1 to {MAX_NODES} nodes, got {nodes}")
            }
            ConfigError::ReservedId => {
                f.write_str("node id 0 is reserved for \"none\"; ids start at 1")
            }
            ConfigError::DuplicatePeer { peers } => {
                write!(f, "duplicate node id in peers {peers:?}")
            }
            ConfigError::NotAPeer { id, peers } => {
                write!(f, "node {id} is not one of the peers {peers:?}")
            }
            ConfigError::NoElectionTimeout => {
                f.write_str("the election timeout must be at least 1 tick")
            }
            ConfigError::ElectionTimeoutTooLong { .. } => {
                f.write_str("the election timeout must be at most 1000000 ticks")
            }
            ConfigError::NoHeartbeat => f.write_str("the heartbeat interval must be at least 1 tick"),
            ConfigError::HeartbeatNotShorter {
                heartbeat,
                election,
            } => write!(
                f,
                "the heartbeat interval ({heartbeat} ticks) must be shorter than the election timeout ({election} ticks)"
            ),
            ConfigError::NoInflight => f.write_str("max_inflight must be at least 1"),
            ConfigError::LogGap { index, expected } => write!(
                f,
                "stored log has entry {index} where {expected} was expected"
            ),
            ConfigError::LogTermDecreases { index } => {
                write!(f, "stored log term goes down at index {index}")
            }
            ConfigError::LogTermAboveCurrent { log_term, term } => write!(
                f,
                "stored log has term {log_term} above the stored current term {term}"
            ),
        }
    }
}

impl core::error::Error for ConfigError {}

impl Config {
    pub fn validate(&self) -> Result<(), ConfigError> {
        let peers = || self.peers.clone();
        if self.peers.len() > MAX_NODES {
            return Err(ConfigError::ClusterSize {
                nodes: self.peers.len(),
            });
        }
        if self.peers.contains(&0) {
            return Err(ConfigError::ReservedId);
        }
        // Without a copy to sort: a node is built at every start and restart, and a
        // cluster has at most MAX_NODES peers.
        let duplicate = self
            .peers
            .iter()
            .enumerate()
            .any(|(i, p)| self.peers[i + 1..].contains(p));
        if duplicate {
            return Err(ConfigError::DuplicatePeer { peers: peers() });
        }
        if self.id == 0 {
            return Err(ConfigError::ReservedId);
        }
        if !self.peers.is_empty() && !self.peers.contains(&self.id) {
            return Err(ConfigError::NotAPeer {
                id: self.id,
                peers: peers(),
            });
        }
        if self.election_tick == 0 {
            return Err(ConfigError::NoElectionTimeout);
        }
        if self.heartbeat_tick == 0 {
            return Err(ConfigError::NoHeartbeat);
        }
        if self.heartbeat_tick >= self.election_tick {
            return Err(ConfigError::HeartbeatNotShorter {
                heartbeat: self.heartbeat_tick,
                election: self.election_tick,
            });
        }
        if self.election_tick > 1_000_000 {
            return Err(ConfigError::ElectionTimeoutTooLong {
                ticks: self.election_tick,
            });
        }
        if self.max_inflight == 0 {
            return Err(ConfigError::NoInflight);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn bad_parameters_are_errors_not_panics() {
        let ok = Config {
            id: 1,
            peers: vec![1, 2, 3],
            ..Config::default()
        };
        assert!(ok.validate().is_ok());
        let cases = [
            Config {
                id: 0,
                peers: vec![],
                ..ok.clone()
            },
            Config {
                peers: (1..=52).collect(),
                ..ok.clone()
            },
            Config {
                peers: vec![0, 1],
                ..ok.clone()
            },
            Config {
                peers: vec![1, 1],
                ..ok.clone()
            },
            Config {
                id: 9,
                ..ok.clone()
            },
            Config {
                election_tick: 0,
                ..ok.clone()
            },
            Config {
                heartbeat_tick: 0,
                ..ok.clone()
            },
            Config {
                heartbeat_tick: 10,
                ..ok.clone()
            },
            Config {
                max_inflight: 0,
                ..ok.clone()
            },
        ];
        for c in cases {
            assert!(c.validate().is_err(), "{c:?} should be rejected");
        }
        let e = Config {
            heartbeat_tick: 10,
            ..ok.clone()
        }
        .validate()
        .unwrap_err();
        assert_eq!(
            e,
            ConfigError::HeartbeatNotShorter {
                heartbeat: 10,
                election: 10
            }
        );
        assert_eq!(
            e.to_string(),
            "the heartbeat interval (10 ticks) must be shorter than the election timeout (10 ticks)"
        );
    }
}
