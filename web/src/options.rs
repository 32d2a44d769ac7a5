//! The page's settings and commands, as plain data with errors that name the bad value.

use crate::error::{words, CommandError, OptionsError};
use crate::read::fields;
use raft_core::config::MAX_NODES;
use raft_core::rng::parse_seed;
use raft_core::types::NodeId;
use raft_sim::command::MemberChange;
use raft_sim::float::Float;
use raft_sim::{Arg, Command, KvOp, LinkConfig, Probability, Refusal, SimConfig, Target};
use std::fmt;

/// Cluster settings as the page (or an embed's attributes) gives them. Every field is
/// optional; missing ones take the defaults.
#[derive(Clone, Debug, Default)]
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

fields!(Options, "an object of options, such as {nodes: 5, seed: \"1\"}":
    nodes "nodes" u32, seed "seed" string, prevote "prevote" bool,
    checkquorum "checkquorum" bool, election_ms "electionMs" f64, heartbeat_ms "heartbeatMs" f64,
    latency_min_ms "latencyMinMs" f64, latency_max_ms "latencyMaxMs" f64, loss "loss" f64,
    snapshot_every "snapshotEvery" u32, log_capacity "logCapacity" u32,
);

/// One tick of the nodes' clocks in the page: 10ms of simulated time.
pub const TICK_US: u64 = 10_000;

/// A value the page cannot take: the setting at fault (as the page spells it) and why.
#[derive(Clone, Debug, PartialEq)]
pub enum BadValue {
    /// Not a whole number of nodes from 1 to `MAX_NODES`.
    Nodes { got: usize },
    /// Not a seed (see `raft_core::rng::parse_seed`).
    Seed { got: String },
    /// A time in milliseconds outside [min, max] (or not a number).
    Millis {
        field: &'static str,
        min: f64,
        max: f64,
        got: f64,
    },
    /// Not a probability.
    Probability { field: &'static str, got: f64 },
    /// The latency's minimum above its maximum; `field` is the bound that was given (the
    /// minimum when both were).
    LatencyOrder {
        field: &'static str,
        min_ms: f64,
        max_ms: f64,
    },
    /// The heartbeat interval not shorter than the election timeout; `field` is the one
    /// that was given (the heartbeat when both were).
    Heartbeat {
        field: &'static str,
        heartbeat_ms: u64,
        election_ms: u64,
    },
}

impl BadValue {
    /// The setting at fault, as the page spells it.
    pub fn field(&self) -> &'static str {
        match self {
            BadValue::Nodes { .. } => "nodes",
            BadValue::Seed { .. } => "seed",
            BadValue::Millis { field, .. }
            | BadValue::Probability { field, .. }
            | BadValue::LatencyOrder { field, .. }
            | BadValue::Heartbeat { field, .. } => field,
        }
    }
}

impl fmt::Display for BadValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BadValue::Nodes { got } => {
                write!(f, "nodes must be between 1 and {MAX_NODES}, got {got}")
            }
            BadValue::Seed { got } => write!(
                f,
                "seed must be a whole number from 0 to 18446744073709551615 (or 0x-hex), got {got:?}"
            ),
            BadValue::Millis {
                field,
                min,
                max,
                got,
            } => write!(
                f,
                "{field} must be between {} and {} ms, got {}",
                Float(*min),
                Float(*max),
                Float(*got)
            ),
            BadValue::Probability { field, got } => write!(
                f,
                "{field} must be a probability between 0 and 1, got {}",
                Float(*got)
            ),
            BadValue::LatencyOrder { min_ms, max_ms, .. } => write!(
                f,
                "latencyMinMs ({} ms) must not be above latencyMaxMs ({} ms)",
                Float(*min_ms),
                Float(*max_ms)
            ),
            BadValue::Heartbeat {
                heartbeat_ms,
                election_ms,
                ..
            } => write!(
                f,
                "the heartbeat interval ({heartbeat_ms} ms) must be shorter than the election timeout ({election_ms} ms)"
            ),
        }
    }
}

impl std::error::Error for BadValue {}

impl From<BadValue> for OptionsError {
    fn from(e: BadValue) -> OptionsError {
        OptionsError::new(Some(e.field()), words(&e))
    }
}

impl From<BadValue> for CommandError {
    fn from(e: BadValue) -> CommandError {
        CommandError::new(Some(e.field()), words(&e))
    }
}

fn millis(field: &'static str, got: f64, min: f64, max: f64) -> Result<f64, BadValue> {
    if !got.is_finite() || !(min..=max).contains(&got) {
        return Err(BadValue::Millis {
            field,
            min,
            max,
            got,
        });
    }
    Ok(got)
}

fn ms_to_ticks(field: &'static str, ms: f64) -> Result<u32, BadValue> {
    let ms = millis(field, ms, 10.0, 60_000.0)?;
    Ok((ms * 1000.0 / TICK_US as f64).round() as u32)
}

fn ms_to_us(field: &'static str, ms: f64) -> Result<u64, BadValue> {
    let ms = millis(field, ms, 0.0, 10_000.0)?;
    Ok((ms * 1000.0).round() as u64)
}

fn probability(field: &'static str, p: f64) -> Result<f64, BadValue> {
    if !(0.0..=1.0).contains(&p) {
        return Err(BadValue::Probability { field, got: p });
    }
    Ok(p)
}

/// The network's settings with these latencies and loss.
fn link_with(
    current: &LinkConfig,
    min_ms: Option<f64>,
    max_ms: Option<f64>,
    loss: Option<f64>,
) -> Result<LinkConfig, BadValue> {
    let mut link = current.clone();
    if let Some(ms) = min_ms {
        link.latency_min = ms_to_us("latencyMinMs", ms)?;
    }
    if let Some(ms) = max_ms {
        link.latency_max = ms_to_us("latencyMaxMs", ms)?;
    }
    if link.latency_min > link.latency_max {
        let field = if min_ms.is_some() {
            "latencyMinMs"
        } else {
            "latencyMaxMs"
        };
        return Err(BadValue::LatencyOrder {
            field,
            min_ms: link.latency_min as f64 / 1000.0,
            max_ms: link.latency_max as f64 / 1000.0,
        });
    }
    if let Some(p) = loss {
        // To the millionth, as a scenario writes it: an exported session replays this very
        // network.
        link.loss = Probability::nearest(probability("loss", p)?).as_f64();
    }
    Ok(link)
}

impl Options {
    /// The simulator configuration, or an error naming the bad option.
    pub fn to_config(&self, fresh_seed: impl FnOnce() -> u64) -> Result<SimConfig, OptionsError> {
        let d = SimConfig::default();
        let nodes = self.nodes.unwrap_or(d.nodes as u32) as usize;
        if nodes == 0 || nodes > MAX_NODES {
            return Err(BadValue::Nodes { got: nodes }.into());
        }
        let seed = match &self.seed {
            Some(s) => parse_seed(s.trim()).map_err(|_| BadValue::Seed { got: s.clone() })?,
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
        if heartbeat_tick >= election_tick {
            let field = if self.heartbeat_ms.is_some() {
                "heartbeatMs"
            } else {
                "electionMs"
            };
            let ms = |ticks: u32| u64::from(ticks) * TICK_US / 1000;
            return Err(BadValue::Heartbeat {
                field,
                heartbeat_ms: ms(heartbeat_tick),
                election_ms: ms(election_tick),
            }
            .into());
        }
        let link = link_with(&d.link, self.latency_min_ms, self.latency_max_ms, self.loss)?;
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
        // Every option was checked above; this is the simulator's own check of the whole.
        cfg.validate()
            .map_err(|e| OptionsError::new(None, words(&e)))?;
        Ok(cfg)
    }
}

/// The ops an action may have, as the page spells them.
pub const OPS: [&str; 15] = [
    "crash",
    "restart",
    "campaign",
    "transfer",
    "isolate",
    "heal",
    "partition",
    "request",
    "drop",
    "network",
    "add",
    "promote",
    "remove",
    "change",
    "leave-joint",
];

/// An action as the page sends it, every property optional and read on its own, so that
/// an error names the property at fault; `into_action` checks that the op is known and
/// has what it needs and nothing else.
#[derive(Clone, Debug, Default)]
pub struct ActionFields {
    pub op: Option<String>,
    /// A node id, or the leader (`"leader"`) for the ops whose command takes either.
    pub node: Option<Target>,
    pub groups: Option<Vec<Vec<NodeId>>>,
    pub via: Option<Target>,
    pub key: Option<String>,
    pub value: Option<String>,
    pub id: Option<u64>,
    pub latency_min_ms: Option<f64>,
    pub latency_max_ms: Option<f64>,
    pub loss: Option<f64>,
    /// `add`: the new node is a learner (default: a voter).
    pub learner: Option<bool>,
    /// `change`: the nodes that come in (new ones take the next ids) and go out.
    pub add: Option<Vec<NodeId>>,
    pub remove: Option<Vec<NodeId>>,
    /// `change`: the joint configuration is left by `leave-joint` rather than by itself.
    pub explicit: Option<bool>,
}

fields!(ActionFields, "an action, an object such as {op: \"crash\", node: 1}":
    op "op" string, node "node" target, groups "groups" groups, via "via" target, key "key" string,
    value "value" string, id "id" u64, latency_min_ms "latencyMinMs" f64,
    latency_max_ms "latencyMaxMs" f64, loss "loss" f64, learner "learner" bool, add "add" ids,
    remove "remove" ids, explicit "explicit" bool,
);

fn need<T>(v: Option<T>, op: &str, field: &str) -> Result<T, CommandError> {
    v.ok_or_else(|| CommandError::new(Some(field), format!("{op} needs {field}")))
}

impl ActionFields {
    /// The simulator's command for this action (`current`: the network's settings now, which
    /// a `network` action changes). The error names the property at fault.
    pub fn into_command(self, current: &LinkConfig) -> Result<Command, CommandError> {
        let op = self.op.as_deref().ok_or_else(|| {
            CommandError::new(
                Some("op"),
                format!("a command needs an op: one of {}", OPS.join(", ")),
            )
        })?;
        let takes: &[&str] = match op {
            "crash" | "restart" | "campaign" | "transfer" | "isolate" => &["node"],
            "heal" => &[],
            "partition" => &["groups"],
            "request" => &["via", "key", "value"],
            "drop" => &["id"],
            "network" => &["latencyMinMs", "latencyMaxMs", "loss"],
            "add" => &["node", "learner"],
            "promote" | "remove" => &["node"],
            "change" => &["add", "remove", "explicit"],
            "leave-joint" => &[],
            _ => {
                return Err(CommandError::new(
                    Some("op"),
                    format!("unknown op {op:?}: expected one of {}", OPS.join(", ")),
                ))
            }
        };
        let given = [
            ("node", self.node.is_some()),
            ("groups", self.groups.is_some()),
            ("via", self.via.is_some()),
            ("key", self.key.is_some()),
            ("value", self.value.is_some()),
            ("id", self.id.is_some()),
            ("latencyMinMs", self.latency_min_ms.is_some()),
            ("latencyMaxMs", self.latency_max_ms.is_some()),
            ("loss", self.loss.is_some()),
            ("learner", self.learner.is_some()),
            ("add", self.add.is_some()),
            ("remove", self.remove.is_some()),
            ("explicit", self.explicit.is_some()),
        ];
        if let Some((field, _)) = given.iter().find(|(f, g)| *g && !takes.contains(f)) {
            return Err(CommandError::new(
                Some(field),
                format!("{op} takes no {field}"),
            ));
        }
        let node = || need(self.node, op, "node");
        // The ops that need the node's id: "leader" names no node they could act on (the
        // scenario language refuses `restart leader` and `transfer leader` for the same
        // reasons).
        let id = |why: &str| match node()? {
            Target::Node(id) => Ok(id),
            Target::Leader => Err(CommandError::new(
                Some("node"),
                format!("{op} needs a node id, not \"leader\": {why}"),
            )),
        };
        Ok(match op {
            "crash" => Command::Crash(node()?),
            "restart" => Command::Restart(id("a crashed node is never the leader")?.into()),
            "campaign" => Command::Campaign(node()?),
            "transfer" => {
                Command::Transfer(id("it would hand leadership to the node that has it")?.into())
            }
            "isolate" => Command::Isolate(node()?),
            "heal" => Command::Heal,
            "partition" => Command::Partition(need(self.groups, op, "groups")?),
            "request" => Command::Request {
                via: self.via,
                op: kv_op(need(self.key, op, "key")?, self.value)?,
            },
            "drop" => Command::DropMessage(need(self.id, op, "id")?),
            "add" => Command::Member(MemberChange::Add {
                node: id("a new node takes the next id")?,
                learner: self.learner.unwrap_or(false),
            }),
            "promote" => Command::Member(MemberChange::Promote(id(
                "the leader is a voter already; promote makes a learner one",
            )?)),
            "remove" => Command::Member(MemberChange::Remove(node()?)),
            "change" => {
                let add = self.add.unwrap_or_default();
                let remove = self.remove.unwrap_or_default();
                if add.is_empty() && remove.is_empty() {
                    return Err(CommandError::new(
                        Some("add"),
                        "change needs a node to add or to remove",
                    ));
                }
                Command::Member(MemberChange::Joint {
                    add,
                    remove,
                    explicit: self.explicit.unwrap_or(false),
                })
            }
            "leave-joint" => Command::Member(MemberChange::LeaveJoint),
            _ => {
                let min = need(self.latency_min_ms, op, "latencyMinMs")?;
                let max = need(self.latency_max_ms, op, "latencyMaxMs")?;
                let loss = need(self.loss, op, "loss")?;
                Command::SetNetwork(link_with(current, Some(min), Some(max), Some(loss))?)
            }
        })
    }
}

/// A client request's command: `set key=value`, or `del key` without a value.
fn kv_op(key: String, value: Option<String>) -> Result<KvOp, CommandError> {
    if !raft_sim::scenario::is_valid_key(&key) {
        return Err(CommandError::new(
            Some("key"),
            format!("a key is a letter or _ followed by letters, digits, _ . or -; got {key:?}"),
        ));
    }
    Ok(match value {
        Some(value) => KvOp::Set { key, value },
        None => KvOp::Del { key },
    })
}

/// The cluster's refusal of an action's command, naming the action's property at fault as
/// the page spells it.
pub fn refused(r: Refusal) -> CommandError {
    let field = match r.arg {
        Some(Arg::Node) => Some("node"),
        Some(Arg::Via) => Some("via"),
        Some(Arg::Groups) => Some("groups"),
        Some(Arg::Message) => Some("id"),
        Some(Arg::From | Arg::To | Arg::Link) | None => None,
    };
    CommandError::new(field, r.message)
}
