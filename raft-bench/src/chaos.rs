//! Workload `chaos`: progress and safety under message loss and a rolling crash.
//!
//! For t = 1..=S: every T ticks restart the node that is down and crash a victim (the leader
//! with probability 1/2); propose one entry if there is a leader; tick; drive with loss p.
//! Then settle: no loss, no proposals, everyone up, until all nodes applied the leader's log.

use super::cluster::{Cluster, ClusterOpts, Loss};
use super::node::{payload, BenchNode};
use super::report::{cpu_seconds, on_off, peak_rss_kib, Line, Stopwatch};
use super::rng::Streams;
use raft_core::types::{Index, NodeId, Term, NONE};

#[derive(Clone, Copy, Debug, Default)]
pub struct ChaosParams {
    pub cluster: ClusterOpts,
    /// Crash period T (ticks); 0 disables crashes.
    pub period: u64,
    /// Number of ticks S.
    pub ticks: u64,
    /// Message drop probability p.
    pub drop: f64,
    /// Upper bound on the settle phase.
    pub settle_max: u64,
    pub seed: u64,
}

#[derive(Clone, Debug, Default)]
pub struct ChaosResult {
    pub implementation: &'static str,
    pub params: ChaosParams,
    pub wall_s: f64,
    pub cpu_s: f64,
    pub committed_index: Index,
    pub committed_client_entries: u64,
    pub proposed: u64,
    pub rejected: u64,
    pub no_leader_ticks: u64,
    pub crashes: u64,
    pub leader_crashes: u64,
    pub leader_terms: u64,
    pub leader_changes: u64,
    pub msgs_delivered: u64,
    pub msgs_dropped: u64,
    pub msgs_lost: u64,
    pub readies: u64,
    pub safety_violations: u64,
    pub log_matching: bool,
    pub settle_ticks: u64,
    pub converged: bool,
    pub final_check: bool,
    pub peak_rss_kib: u64,
}

/// The leader as last observed after a tick, to count new terms and changes of leader.
struct Observed {
    id: NodeId,
    term: Term,
}

pub fn chaos<N: BenchNode>(params: ChaosParams) -> ChaosResult {
    let mut r = ChaosResult {
        implementation: N::IMPL,
        params,
        ..ChaosResult::default()
    };
    let mut streams = Streams::new(params.seed);
    let cpu_start = cpu_seconds();
    let clock = Stopwatch::start();

    let mut cluster = Cluster::<N>::new(params.cluster, &mut streams.node_seeds);
    cluster.set_loss(Some(Loss {
        rng: streams.drop.clone(),
        p: params.drop,
    }));
    let mut seen = Observed { id: NONE, term: 0 };
    let mut seq = 0;
    for t in 1..=params.ticks {
        if params.period > 0 && t % params.period == 0 {
            if let Some(down) = cluster.down() {
                cluster.restart(down, streams.node_seeds.next_u64());
            }
            let victim = pick_victim(&cluster, &mut streams, &mut r);
            cluster.crash(victim);
            r.crashes += 1;
        }
        match cluster.leader() {
            Some((leader, _)) => {
                r.proposed += 1;
                if !cluster.propose(leader, &[payload(seq)]) {
                    r.rejected += 1;
                }
                seq += 1;
            }
            None => r.no_leader_ticks += 1,
        }
        cluster.tick();
        cluster.drive();
        if let Some((id, term)) = cluster.leader() {
            if term > seen.term {
                r.leader_terms += 1;
                if id != seen.id {
                    r.leader_changes += 1;
                }
                seen = Observed { id, term };
            }
        }
    }

    r.wall_s = clock.seconds();
    r.cpu_s = cpu_seconds() - cpu_start;
    let counters = cluster.counters();
    r.msgs_delivered = counters.delivered;
    r.msgs_dropped = counters.dropped;
    r.msgs_lost = counters.lost;
    r.readies = counters.readies;
    r.committed_index = cluster.ledger().len();
    r.committed_client_entries = cluster.ledger().client_entries();
    r.safety_violations = cluster.ledger().violations();
    let live: Vec<NodeId> = cluster.ids().filter(|&id| cluster.is_up(id)).collect();
    r.log_matching = cluster.logs_consistent(live);

    settle(&mut cluster, &mut streams, params.settle_max, &mut r);
    r.peak_rss_kib = peak_rss_kib();
    r
}

/// The crash stream decides: an even draw takes the leader (if any), otherwise a second draw
/// picks among the live non-leaders in ascending id order.
fn pick_victim<N: BenchNode>(
    cluster: &Cluster<N>,
    streams: &mut Streams,
    r: &mut ChaosResult,
) -> NodeId {
    let leader = cluster.leader().map(|(id, _)| id);
    let draw = streams.crash.next_u64();
    if let Some(leader) = leader {
        if draw.is_multiple_of(2) {
            r.leader_crashes += 1;
            return leader;
        }
    }
    let others: Vec<NodeId> = cluster
        .ids()
        .filter(|&id| cluster.is_up(id) && Some(id) != leader)
        .collect();
    others[(streams.crash.next_u64() % others.len() as u64) as usize]
}

/// Everyone up, no loss, no proposals: tick until a leader exists and every node has applied
/// its last index, or `max` ticks pass.
fn settle<N: BenchNode>(
    cluster: &mut Cluster<N>,
    streams: &mut Streams,
    max: u64,
    r: &mut ChaosResult,
) {
    if let Some(down) = cluster.down() {
        cluster.restart(down, streams.node_seeds.next_u64());
    }
    cluster.set_loss(None);
    loop {
        r.converged = cluster.leader().is_some_and(|(leader, _)| {
            let last = cluster.last_index(leader).unwrap_or(0);
            cluster
                .ids()
                .all(|id| cluster.applied(id).len() as Index >= last)
        });
        if r.converged || r.settle_ticks >= max {
            break;
        }
        cluster.tick();
        cluster.drive();
        r.settle_ticks += 1;
    }
    // Covers the settle phase too: a violation there fails final_check, while
    // `safety_violations` stays the count over the S measured ticks.
    r.final_check = cluster.logs_consistent(cluster.ids());
}

impl ChaosResult {
    pub fn line(&self) -> String {
        let p = &self.params;
        Line::new(&format!(
            "chaos T={} S={} p={} prevote={} checkquorum={}",
            p.period,
            p.ticks,
            p.drop,
            on_off(p.cluster.pre_vote),
            on_off(p.cluster.check_quorum)
        ))
        .word("impl", self.implementation)
        .num("wall_s", self.wall_s, 4)
        .num("cpu_s", self.cpu_s, 4)
        .int("committed_index", self.committed_index)
        .int("committed_client_entries", self.committed_client_entries)
        .num(
            "committed_per_s",
            self.committed_client_entries as f64 / self.wall_s,
            0,
        )
        .int("proposed", self.proposed)
        .int("rejected", self.rejected)
        .int("no_leader_ticks", self.no_leader_ticks)
        .int("crashes", self.crashes)
        .int("leader_crashes", self.leader_crashes)
        .int("leader_terms", self.leader_terms)
        .int("leader_changes", self.leader_changes)
        .int("msgs_delivered", self.msgs_delivered)
        .int("msgs_dropped", self.msgs_dropped)
        .int("msgs_lost", self.msgs_lost)
        .int("readies", self.readies)
        .int("safety_violations", self.safety_violations)
        .ok("log_matching", self.log_matching)
        .int("settle_ticks", self.settle_ticks)
        .word("converged", if self.converged { "yes" } else { "no" })
        .ok("final_check", self.final_check)
        .int("peak_rss_kib", self.peak_rss_kib)
        .finish()
    }
}
