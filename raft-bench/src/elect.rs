//! Workload `elect`: how fast a fresh cluster elects its first leader.
//!
//! M times: build a fresh cluster, then `tick; drive` until a leader exists. The timing covers
//! the whole loop, building and dropping the clusters included.

use super::cluster::{Cluster, ClusterOpts};
use super::node::BenchNode;
use super::report::{on_off, peak_rss_kib, Line, Stopwatch};
use super::rng::Streams;

/// A bound that no correct implementation comes near (an election takes ~11 ticks); it only
/// keeps a broken one from hanging the benchmark. Runs that hit it count as `failed`.
const MAX_TICKS_PER_ELECTION: u64 = 10_000;

#[derive(Clone, Copy, Debug)]
pub struct ElectParams {
    pub cluster: ClusterOpts,
    pub elections: u64,
    pub seed: u64,
}

#[derive(Clone, Debug)]
pub struct ElectResult {
    pub implementation: &'static str,
    pub params: ElectParams,
    pub wall_s: f64,
    pub ticks_sum: u64,
    pub ticks_min: u64,
    pub ticks_max: u64,
    pub term_sum: u64,
    pub msgs_delivered: u64,
    /// Elections that reached `MAX_TICKS_PER_ELECTION` without a leader.
    pub failed: u64,
    pub peak_rss_kib: u64,
}

pub fn elect<N: BenchNode>(params: ElectParams) -> ElectResult {
    let mut streams = Streams::new(params.seed);
    let (mut ticks_sum, mut ticks_min, mut ticks_max) = (0, u64::MAX, 0);
    let (mut term_sum, mut msgs_delivered, mut failed) = (0, 0, 0);
    let clock = Stopwatch::start();
    for _ in 0..params.elections {
        let mut cluster = Cluster::<N>::new(params.cluster, &mut streams.node_seeds);
        let mut ticks = 0;
        let leader = loop {
            cluster.tick();
            cluster.drive();
            ticks += 1;
            if let Some(leader) = cluster.leader() {
                break Some(leader);
            }
            if ticks >= MAX_TICKS_PER_ELECTION {
                break None;
            }
        };
        match leader {
            Some((_, term)) => term_sum += term,
            None => failed += 1,
        }
        ticks_sum += ticks;
        ticks_min = ticks_min.min(ticks);
        ticks_max = ticks_max.max(ticks);
        msgs_delivered += cluster.counters().delivered;
    }
    let wall_s = clock.seconds();
    ElectResult {
        implementation: N::IMPL,
        params,
        wall_s,
        ticks_sum,
        ticks_min: if params.elections == 0 { 0 } else { ticks_min },
        ticks_max,
        term_sum,
        msgs_delivered,
        failed,
        peak_rss_kib: peak_rss_kib(),
    }
}

impl ElectResult {
    pub fn line(&self) -> String {
        let p = &self.params;
        let m = p.elections.max(1) as f64;
        Line::new(&format!(
            "elect M={} prevote={} checkquorum={}",
            p.elections,
            on_off(p.cluster.pre_vote),
            on_off(p.cluster.check_quorum)
        ))
        .word("impl", self.implementation)
        .num("elections_per_s", p.elections as f64 / self.wall_s, 0)
        .num("us_per_election", self.wall_s * 1e6 / m, 2)
        .num("ticks_mean", self.ticks_sum as f64 / m, 2)
        .int("ticks_min", self.ticks_min)
        .int("ticks_max", self.ticks_max)
        .num("term_mean", self.term_sum as f64 / m, 3)
        .int("msgs_delivered", self.msgs_delivered)
        .num("wall_s", self.wall_s, 4)
        .int("peak_rss_kib", self.peak_rss_kib)
        .int("failed", self.failed)
        .ok("check", self.failed == 0)
        .finish()
    }
}
