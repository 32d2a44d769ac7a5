//! Counters named after Hyperledger Fabric's etcdraft metrics, and their Prometheus text.

use raft_core::message::MsgKind;
use raft_core::types::NodeId;
use std::fmt::Write;

/// The name prefix of the simulator's own metrics, which Fabric does not have.
pub const SIM_PREFIX: &str = "raftsim_";

/// Per-kind message counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ByKind(pub [u64; MsgKind::ALL.len()]);

impl ByKind {
    pub fn add(&mut self, kind: MsgKind) {
        self.0[kind.ordinal()] += 1;
    }
    pub fn get(&self, kind: MsgKind) -> u64 {
        self.0[kind.ordinal()]
    }
    pub fn total(&self) -> u64 {
        self.0.iter().sum()
    }
}

/// Cluster-wide counters kept while the simulation runs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    pub sent: ByKind,
    pub delivered: ByKind,
    /// Lost by the network, cut by a partition, addressed to a crashed node, or dropped by hand.
    pub dropped: ByKind,
}

/// A point-in-time reading of every metric.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Metrics {
    /// Fabric's consenter set: the voters of the configuration in force (both halves while
    /// joint). Learners are not in it (Fabric has none: every consenter votes).
    pub cluster_size: u64,
    /// As Fabric's etcdraft reports it: the leader counts itself and the followers it heard
    /// from lately (etcd's `RecentActive`: in the current or the previous check-quorum
    /// round, i.e. within the last one to two election timeouts); 0 while there is no
    /// leader, as every Fabric node that knows no leader reports. Counted over the same
    /// voters as cluster_size (a learner heard from is not counted), so it never exceeds
    /// it: below a majority of cluster_size, the cluster stops committing.
    pub active_nodes: u64,
    /// The learners of the configuration in force: members that receive the log but vote
    /// in no quorum, so in neither cluster_size nor active_nodes (an outgoing voter that
    /// becomes a learner when a joint configuration is left counts as a voter until then).
    /// The simulator's own gauge, not Fabric's.
    pub learners: u64,
    /// One per node, 1 for a node that leads (more than one only with check-quorum off:
    /// an old leader cut off in an older term).
    pub is_leader: Vec<(NodeId, u64)>,
    /// One per node: every change of the leader it knows, to none included (an election
    /// a follower sees counts twice: the old leader lost, the new one heard from), as
    /// each Fabric orderer counts it and as `raftsim import --metrics` reads it from the
    /// `raft.node:` lines.
    pub leader_changes: Vec<(NodeId, u64)>,
    pub proposal_failures: u64,
    pub normal_proposals_received: u64,
    /// Membership changes proposed to a leader, accepted or refused (Fabric counts its
    /// configuration transactions as they reach the chain).
    pub config_proposals_received: u64,
    /// The highest commit index of any live node (the simulator's own gauge).
    pub committed_index: u64,
    /// The highest snapshot index of any node (the simulator's own gauge).
    pub snapshot_index: u64,
    /// Fabric's `committed_block_number`: the most blocks any live node has written, a
    /// block for each client command applied (a leader's empty entry and a membership
    /// change are none), so below the raft index.
    pub committed_block: u64,
    /// Fabric's `snapshot_block_number`: the blocks in the newest snapshot any node holds.
    pub snapshot_block: u64,
    /// Per message kind (etcd names): sent, delivered, dropped. The simulator's own
    /// counters: Fabric has none of these (see `prometheus`).
    pub messages: Vec<(String, u64, u64, u64)>,
}

impl Metrics {
    /// The Prometheus text exposition of these metrics, labelled like Fabric's
    /// (`channel`), with `node` on per-node gauges. Fabric's metrics keep Fabric's names
    /// (`consensus_etcdraft_*`) and help texts; the simulator's message counters, which
    /// Fabric does not have, are named `raftsim_*` and their help says so.
    pub fn prometheus(&self, channel: &str) -> String {
        let mut out = String::new();
        let mut metric = |name: &str, kind: &str, help: &str, samples: &[(String, u64)]| {
            let name = if name.starts_with(SIM_PREFIX) {
                name.to_string()
            } else {
                format!("consensus_etcdraft_{name}")
            };
            let _ = writeln!(out, "# HELP {name} {help}");
            let _ = writeln!(out, "# TYPE {name} {kind}");
            for (labels, v) in samples {
                let _ = writeln!(out, "{name}{{channel=\"{channel}\"{labels}}} {v}");
            }
        };
        let one = |v: u64| vec![(String::new(), v)];
        metric(
            "cluster_size",
            "gauge",
            "Number of nodes in this channel.",
            &one(self.cluster_size),
        );
        metric(
            "active_nodes",
            "gauge",
            "Number of active nodes in this channel.",
            &one(self.active_nodes),
        );
        metric(
            "raftsim_learners",
            "gauge",
            "Learners in the configuration (non-voting members, counted in neither \
             cluster_size nor active_nodes). From the simulator, not a Fabric metric.",
            &one(self.learners),
        );
        let per_node = |v: &[(NodeId, u64)]| -> Vec<(String, u64)> {
            v.iter()
                .map(|(n, k)| (format!(",node=\"{n}\""), *k))
                .collect()
        };
        let leaders = per_node(&self.is_leader);
        metric(
            "is_leader",
            "gauge",
            "The leadership status of the current node: 1 if it is the leader else 0.",
            &leaders,
        );
        metric(
            "leader_changes",
            "counter",
            "The number of leader changes since process start.",
            &per_node(&self.leader_changes),
        );
        metric(
            "proposal_failures",
            "counter",
            "The number of proposal failures.",
            &one(self.proposal_failures),
        );
        metric(
            "normal_proposals_received",
            "counter",
            "The total number of proposals received for normal type transactions.",
            &one(self.normal_proposals_received),
        );
        metric(
            "config_proposals_received",
            "counter",
            "The total number of proposals received for config type transactions.",
            &one(self.config_proposals_received),
        );
        metric(
            "committed_block_number",
            "gauge",
            "The block number of the latest block committed.",
            &one(self.committed_block),
        );
        metric(
            "snapshot_block_number",
            "gauge",
            "The block number of the latest snapshot.",
            &one(self.snapshot_block),
        );
        metric(
            "raftsim_committed_index",
            "gauge",
            "The highest commit index of any live node (a raft log index: leaders' empty \
             entries and membership changes count). From the simulator, not a Fabric metric.",
            &one(self.committed_index),
        );
        metric(
            "raftsim_snapshot_index",
            "gauge",
            "The log index of the newest snapshot any node holds. From the simulator, not a \
             Fabric metric.",
            &one(self.snapshot_index),
        );
        for (name, pick, help) in [
            (
                "raftsim_messages_sent",
                1,
                "Messages sent, by type. From the simulator, not a Fabric metric.",
            ),
            (
                "raftsim_messages_delivered",
                2,
                "Messages delivered, by type. From the simulator, not a Fabric metric.",
            ),
            (
                "raftsim_messages_dropped",
                3,
                "Messages lost, cut by a partition, addressed to a crashed node or dropped by \
                 hand, by type. From the simulator, not a Fabric metric.",
            ),
        ] {
            let samples: Vec<(String, u64)> = self
                .messages
                .iter()
                .map(|m| {
                    let v = match pick {
                        1 => m.1,
                        2 => m.2,
                        _ => m.3,
                    };
                    (format!(",type=\"{}\"", m.0), v)
                })
                .collect();
            metric(name, "counter", help, &samples);
        }
        out
    }
}
