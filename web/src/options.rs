//! The page's settings and commands, as plain data with clear errors for bad values.

use raft_core::sim::{Command, KvOp, LinkConfig, SimConfig};
use raft_core::types::NodeId;
use serde::Deserialize;

/// Cluster settings as the page (or an embed's attributes) gives them. Every field is
/// optional; missing ones take the defaults.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Options {
    pub nodes: Option<u32>,
    /// Decimal or 0x-hex text (a u64 does not fit a JS number).
    pub seed: Option<String>,
    pub prevote: Option<bool>,
    pub checkquorum: Option<bool>,
    pub election_ms: Option<f64>,
    pub heartbeat_ms: Option<f64>,
    pub latency_min_ms: Option<f64>,
    pub latency_max_ms: Option<f64>,
    pub loss: Option<f64>,
    pub snapshot_every: Option<u32>,
    pub log_capacity: Option<u32>,
}

/// One tick of the nodes' clocks in the page: 10ms of simulated time.
pub const TICK_US: u64 = 10_000;

pub fn parse_seed(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let parsed = match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => t.parse::<u64>(),
    };
    parsed.map_err(|_| {
        format!(
            "seed must be a whole number from 0 to 18446744073709551615 (or 0x-hex), got {text:?}"
        )
    })
}

fn ms_to_ticks(name: &str, ms: f64) -> Result<u32, String> {
    if !ms.is_finite() || !(10.0..=60_000.0).contains(&ms) {
        return Err(format!("{name} must be between 10 and 60000 ms, got {ms}"));
    }
    Ok((ms * 1000.0 / TICK_US as f64).round() as u32)
}

fn ms_to_us(name: &str, ms: f64) -> Result<u64, String> {
    if !ms.is_finite() || !(0.0..=10_000.0).contains(&ms) {
        return Err(format!("{name} must be between 0 and 10000 ms, got {ms}"));
    }
    Ok((ms * 1000.0).round() as u64)
}

impl Options {
    /// The simulator configuration, or a message naming the bad setting.
    pub fn to_config(&self, fresh_seed: impl FnOnce() -> u64) -> Result<SimConfig, String> {
        let d = SimConfig::default();
        let nodes = self.nodes.unwrap_or(d.nodes as u32) as usize;
        let seed = match &self.seed {
            Some(s) => parse_seed(s)?,
            None => fresh_seed(),
        };
        let election_tick = match self.election_ms {
            Some(ms) => ms_to_ticks("electionMs", ms)?,
            None => d.election_tick,
        };
        let heartbeat_tick = match self.heartbeat_ms {
            Some(ms) => ms_to_ticks("heartbeatMs", ms)?,
            None => d.heartbeat_tick.min(election_tick.saturating_sub(1)).max(1),
        };
        let mut link = d.link.clone();
        if let Some(ms) = self.latency_min_ms {
            link.latency_min = ms_to_us("latencyMinMs", ms)?;
        }
        if let Some(ms) = self.latency_max_ms {
            link.latency_max = ms_to_us("latencyMaxMs", ms)?;
        }
        if let Some(p) = self.loss {
            link.loss = p;
        }
        let cfg = SimConfig {
            nodes,
            seed,
            pre_vote: self.prevote.unwrap_or(d.pre_vote),
            check_quorum: self.checkquorum.unwrap_or(d.check_quorum),
            tick_us: TICK_US,
            election_tick,
            heartbeat_tick,
            link,
            snapshot_every: self.snapshot_every.map_or(40, u64::from),
            log_capacity: self.log_capacity.map_or(2_000, |c| c as usize),
            ..d
        };
        cfg.validate()?;
        Ok(cfg)
    }
}

/// A reader's action, as the page sends it: `{op: "crash", node: 3}` and so on.
#[derive(Clone, Debug, Deserialize)]
#[serde(tag = "op", rename_all = "lowercase", deny_unknown_fields)]
pub enum Action {
    Crash {
        node: NodeId,
    },
    Restart {
        node: NodeId,
    },
    Campaign {
        node: NodeId,
    },
    Transfer {
        node: NodeId,
    },
    Isolate {
        node: NodeId,
    },
    Heal,
    Partition {
        groups: Vec<Vec<NodeId>>,
    },
    Request {
        via: Option<NodeId>,
        key: String,
        /// None deletes the key.
        value: Option<String>,
    },
    Drop {
        id: u64,
    },
    #[serde(rename_all = "camelCase")]
    Network {
        latency_min_ms: f64,
        latency_max_ms: f64,
        loss: f64,
    },
}

impl Action {
    pub fn to_command(&self, current: &LinkConfig) -> Result<Command, String> {
        Ok(match self {
            Action::Crash { node } => Command::Crash(*node),
            Action::Restart { node } => Command::Restart(*node),
            Action::Campaign { node } => Command::Campaign(*node),
            Action::Transfer { node } => Command::Transfer(*node),
            Action::Isolate { node } => Command::Isolate(*node),
            Action::Heal => Command::Heal,
            Action::Partition { groups } => Command::Partition(groups.clone()),
            Action::Request { via, key, value } => {
                if !raft_core::scenario::is_valid_key(key) {
                    return Err(format!(
                        "a key is a letter or _ followed by letters, digits, _ . or -; got {key:?}"
                    ));
                }
                let op = match value {
                    Some(v) => KvOp::Set {
                        key: key.clone(),
                        value: v.clone(),
                    },
                    None => KvOp::Del { key: key.clone() },
                };
                Command::Request { via: *via, op }
            }
            Action::Drop { id } => Command::DropMessage(*id),
            Action::Network {
                latency_min_ms,
                latency_max_ms,
                loss,
            } => Command::SetNetwork(LinkConfig {
                latency_min: ms_to_us("latencyMinMs", *latency_min_ms)?,
                latency_max: ms_to_us("latencyMaxMs", *latency_max_ms)?,
                loss: *loss,
                ..current.clone()
            }),
        })
    }
}
