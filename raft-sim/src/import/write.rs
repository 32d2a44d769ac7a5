//! A run of the simulator written as a real cluster writes its logs: one file per node, each
//! raft message in Fabric's orderer format or etcd's zap JSON, timed from a fixed start
//! (2024-01-01 00:00:00 UTC plus the simulated time). `raftsim run FILE --format … --out
//! DIR` writes them; reading them back (`story::read`) gives the run's own story, which the
//! round-trip tests check.
//!
//! Node ids are written in hex (`%x`), as etcd writes them: each line is rewritten from the
//! simulator's decimal by the table that reads it (`raft_line::rewrite_ids`), so a cluster of
//! 10 nodes or more reads back with `Ids::Hex` like a real one. Fabric's `node=` field stays
//! decimal, as Fabric writes it.

use super::envelope::{write_fabric, write_zap};
use super::raft_line::{rewrite_ids, Ids};
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
        let decimal = e.to_string();
        // Every line the reader knows is rewritten; one it does not keeps its words.
        let text = rewrite_ids(&decimal, Ids::Decimal, Ids::Hex).unwrap_or(decimal);
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
