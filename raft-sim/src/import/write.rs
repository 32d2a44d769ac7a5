//! A run of the simulator written as a real cluster writes its logs: one file per node, each
//! raft message in Fabric's orderer format or etcd's zap JSON, timed from a fixed start
//! (2024-01-01 00:00:00 UTC plus the simulated time). `raftsim run FILE --format … --out
//! DIR` writes them; reading them back (`story::read`) gives the run's own story, which the
//! round-trip tests check.
//!
//! Node ids are written as the simulator's log writes them, in decimal: etcd's hex reads
//! the same below 10 (every fuzz cluster and most scenarios); a cluster of 10 nodes or more
//! is read back with `Ids::Decimal`.

use super::envelope::{write_fabric, write_zap};
use crate::{Cluster, LogItem};
use raft_core::types::NodeId;
use std::collections::BTreeMap;

/// 2024-01-01 00:00:00 UTC in µs since the epoch: simulated time 0.
pub const START_US: i64 = 1_704_067_200_000_000;

/// The log formats written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Fabric,
    EtcdJson,
}

impl Format {
    pub fn from_name(name: &str) -> Option<Format> {
        match name {
            "fabric" => Some(Format::Fabric),
            "etcd-json" => Some(Format::EtcdJson),
            _ => None,
        }
    }
}

/// Each node's log of `cluster`'s run (what the trace still holds), in `format`.
pub fn node_logs(cluster: &Cluster, format: Format) -> BTreeMap<NodeId, String> {
    let mut logs: BTreeMap<NodeId, String> = BTreeMap::new();
    let mut seq: BTreeMap<NodeId, u64> = BTreeMap::new();
    for l in cluster.trace().lines() {
        let LogItem::Node(e) = &l.item else { continue };
        let t = START_US + l.time as i64;
        let n = seq.entry(e.node).or_default();
        *n += 1;
        let text = e.to_string();
        let line = match format {
            Format::Fabric => write_fabric(t, *n, &text, "sim", e.node),
            Format::EtcdJson => write_zap(t, &text),
        };
        let log = logs.entry(e.node).or_default();
        log.push_str(&line);
        log.push('\n');
    }
    logs
}
