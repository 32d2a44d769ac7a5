//! A node's parameters, validated up front so a bad value is an error, never a panic.

use crate::types::NodeId;
use alloc::string::String;
use alloc::vec::Vec;
use alloc::{format, vec};
use core::fmt;

/// The largest cluster the core accepts (the visualizer still lays 51 nodes out legibly).
pub const MAX_NODES: usize = 51;

#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// This node's id (>= 1).
    pub id: NodeId,
    /// Every voter of the cluster, this node included. No membership changes.
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

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl core::error::Error for ConfigError {}

impl Config {
    pub fn validate(&self) -> Result<(), ConfigError> {
        let err = |s: String| Err(ConfigError(s));
        if self.peers.is_empty() || self.peers.len() > MAX_NODES {
            return err(format!(
                "a cluster has 1 to {MAX_NODES} nodes, got {}",
                self.peers.len()
            ));
        }
        if self.peers.contains(&0) {
            return err("node id 0 is reserved for \"none\"; ids start at 1".into());
        }
        let mut sorted = self.peers.clone();
        sorted.sort_unstable();
        if sorted.windows(2).any(|w| w[0] == w[1]) {
            return err(format!("duplicate node id in peers {:?}", self.peers));
        }
        if !self.peers.contains(&self.id) {
            return err(format!(
                "node {} is not one of the peers {:?}",
                self.id, self.peers
            ));
        }
        if self.election_tick == 0 {
            return err("the election timeout must be at least 1 tick".into());
        }
        if self.heartbeat_tick == 0 {
            return err("the heartbeat interval must be at least 1 tick".into());
        }
        if self.heartbeat_tick >= self.election_tick {
            return err(format!(
                "the heartbeat interval ({} ticks) must be shorter than the election timeout ({} ticks)",
                self.heartbeat_tick, self.election_tick
            ));
        }
        if self.election_tick > 1_000_000 {
            return err("the election timeout must be at most 1000000 ticks".into());
        }
        if self.max_inflight == 0 {
            return err("max_inflight must be at least 1".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
