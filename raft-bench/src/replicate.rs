//! Workload `replicate`: closed-loop throughput of a stable leader.
//!
//! Setup (untimed): fresh cluster, `tick; drive` until a leader exists; its no-op must be
//! applied everywhere within that drive. Measured: ceil(K/B) times, propose one batch of B
//! entries to the leader and drive to quiescence. No ticks in the measured phase, so no
//! heartbeats and no elections: every message is replication work.

use super::cluster::{Cluster, ClusterOpts};
use super::node::{payload, BenchNode, Payload};
use super::report::{on_off, peak_rss_kib, Line, Stopwatch};
use super::rng::Streams;
use raft_core::types::{Index, NodeId, Term};

/// Bounds for the untimed loops, only so a broken implementation cannot hang the run.
const MAX_SETUP_TICKS: u64 = 10_000;
const MAX_EXTRA_TICKS: u64 = 10_000;

#[derive(Clone, Copy, Debug)]
pub struct ReplicateParams {
    pub cluster: ClusterOpts,
    pub batch: u64,
    pub entries: u64,
    pub seed: u64,
}

#[derive(Clone, Debug)]
pub struct ReplicateResult {
    pub implementation: &'static str,
    pub params: ReplicateParams,
    /// Ticks until the first leader; `None` if none was elected.
    pub setup_ticks: u64,
    pub leader: Option<(NodeId, Term)>,
    /// Whether the leader's no-op was applied on every node in the setup drive.
    pub noop_applied: bool,
    pub wall_s: f64,
    pub msgs_delivered: u64,
    pub readies: u64,
    pub rejected: u64,
    pub extra_ticks: u64,
    pub client_entries: u64,
    pub logs_identical: bool,
    pub violations: u64,
    pub leader_unchanged: bool,
    pub peak_rss_kib: u64,
}

impl ReplicateResult {
    pub fn check(&self) -> bool {
        self.leader.is_some()
            && self.noop_applied
            && self.logs_identical
            && self.client_entries == self.params.entries
            && self.violations == 0
            && self.leader_unchanged
    }

    pub fn line(&self) -> String {
        let p = &self.params;
        let k = p.entries.max(1) as f64;
        let batches = p.entries.div_ceil(p.batch.max(1)).max(1) as f64;
        Line::new(&format!(
            "replicate B={} K={} prevote={} checkquorum={}",
            p.batch,
            p.entries,
            on_off(p.cluster.pre_vote),
            on_off(p.cluster.check_quorum)
        ))
        .word("impl", self.implementation)
        .num("entries_per_s", p.entries as f64 / self.wall_s, 0)
        .num("wall_s", self.wall_s, 4)
        .int("msgs_delivered", self.msgs_delivered)
        .num("msgs_per_s", self.msgs_delivered as f64 / self.wall_s, 0)
        .num("msgs_per_entry", self.msgs_delivered as f64 / k, 3)
        .num("msgs_per_batch", self.msgs_delivered as f64 / batches, 2)
        .int("readies", self.readies)
        .num("readies_per_batch", self.readies as f64 / batches, 2)
        .int("rejected", self.rejected)
        .int("setup_ticks", self.setup_ticks)
        .int("extra_ticks", self.extra_ticks)
        .int("leader_term", self.leader.map_or(0, |(_, t)| t))
        .int("peak_rss_kib", self.peak_rss_kib)
        .word("noop_applied", if self.noop_applied { "yes" } else { "no" })
        .word(
            "leader_unchanged",
            if self.leader_unchanged { "yes" } else { "no" },
        )
        .ok("check", self.check())
        .finish()
    }
}

pub fn replicate<N: BenchNode>(params: ReplicateParams) -> ReplicateResult {
    let mut streams = Streams::new(params.seed);
    let mut cluster = Cluster::<N>::new(params.cluster, &mut streams.node_seeds);
    let mut result = ReplicateResult {
        implementation: N::IMPL,
        params,
        setup_ticks: 0,
        leader: None,
        noop_applied: false,
        wall_s: 0.0,
        msgs_delivered: 0,
        readies: 0,
        rejected: 0,
        extra_ticks: 0,
        client_entries: 0,
        logs_identical: false,
        violations: 0,
        leader_unchanged: false,
        peak_rss_kib: 0,
    };

    // Setup: elect a leader.
    let (leader, term) = loop {
        cluster.tick();
        cluster.drive();
        result.setup_ticks += 1;
        if let Some(l) = cluster.leader() {
            break l;
        }
        if result.setup_ticks >= MAX_SETUP_TICKS {
            result.peak_rss_kib = peak_rss_kib();
            return result;
        }
    };
    result.leader = Some((leader, term));
    let base: Index = cluster.last_index(leader).unwrap_or(0);
    result.noop_applied = base >= 1
        && cluster.ledger().client_entries() == 0
        && cluster
            .ids()
            .all(|id| cluster.applied(id).len() as Index == base);

    // Measured phase.
    let batch_size = params.batch.max(1);
    let mut batch: Vec<Payload> = Vec::with_capacity(batch_size as usize);
    let before = cluster.counters();
    let clock = Stopwatch::start();
    let mut seq = 0;
    while seq < params.entries {
        let end = params.entries.min(seq + batch_size);
        batch.clear();
        batch.extend((seq..end).map(payload));
        seq = end;
        if !cluster.propose(leader, &batch) {
            result.rejected += 1;
        }
        cluster.drive();
    }
    result.wall_s = clock.seconds();
    let during = cluster.counters().since(&before);
    result.msgs_delivered = during.delivered;
    result.readies = during.readies;

    // Catch-up, expected to be a no-op: every node must hold the no-op plus K entries.
    let target = base + params.entries;
    while result.extra_ticks < MAX_EXTRA_TICKS
        && !cluster
            .ids()
            .all(|id| cluster.applied(id).len() as Index >= target)
    {
        cluster.tick();
        cluster.drive();
        result.extra_ticks += 1;
    }

    let first = cluster.applied(1);
    result.logs_identical = cluster.ids().all(|id| cluster.applied(id) == first);
    result.client_entries = cluster.ledger().client_entries();
    result.violations = cluster.ledger().violations();
    result.leader_unchanged = cluster.leader() == Some((leader, term));
    result.peak_rss_kib = peak_rss_kib();
    result
}
