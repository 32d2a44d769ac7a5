//! The benchmark harness: workloads shared with tikv/raft-rs
//! (`shared/reference/bench-workloads.md`), used by `raftsim bench` and by the raft-rs
//! comparison in `bench/` (`raft-compare`).
//!
//! The workloads (`elect`, `replicate`, `chaos`) are written once, generic over
//! [`BenchNode`], the adapter for one Raft node. Everything the spec defines above a node —
//! the FIFO network, drive-to-quiescence, the drop stream, crashes and restarts, the applied
//! logs and the safety ledger — is in [`Cluster`], also written once, so raft-core and raft-rs
//! are driven identically. raft-core's adapter is [`CoreNode`]; raft-rs's lives in the
//! separate `bench/` package (`raft-compare`), which reuses everything here.
//!
//! Modules, bottom up: `rng` (the harness SplitMix64 streams), `ledger` (applied logs and
//! State Machine Safety), `node` (the adapter trait), `cluster` (network and faults),
//! `elect` / `replicate` / `chaos` (the workloads), `report` (timing, /proc, result lines),
//! `cli` (options), `core_node` (raft-core's adapter).
//!
//! It reads the wall clock and /proc (`report`), so it is native only: the web crate never
//! depends on it, and raft-core itself reads neither.

mod chaos;
mod cli;
mod cluster;
mod core_node;
mod elect;
mod ledger;
mod node;
mod replicate;
mod report;
mod rng;

pub use chaos::{chaos, ChaosParams, ChaosResult};
pub use cli::{parse, parse_number, parse_with, parse_workload, run, Options, USAGE};
pub use cluster::{Cluster, ClusterOpts, Counters, Loss};
pub use core_node::CoreNode;
pub use elect::{elect, ElectParams, ElectResult};
pub use ledger::{entry_hash, pairwise_consistent, prefix_consistent, Applier, Ledger};
pub use node::{payload, BenchNode, NodeOpts, Payload};
pub use replicate::{replicate, ReplicateParams, ReplicateResult};
pub use report::{cpu_seconds, peak_rss_kib, Stopwatch};
pub use rng::{SplitMix64, Streams, DEFAULT_SEED};

#[cfg(test)]
mod tests {
    //! The workloads at small sizes on raft-core: the checks must pass and the message
    //! counts must be the ones the spec derives for N = 5.
    use super::*;

    fn cluster(on: bool) -> ClusterOpts {
        ClusterOpts {
            n: 5,
            pre_vote: on,
            check_quorum: on,
        }
    }

    #[test]
    fn elect_finds_a_leader_every_time() {
        let r = elect::<CoreNode>(ElectParams {
            cluster: cluster(true),
            elections: 50,
            seed: DEFAULT_SEED,
        });
        assert_eq!(r.failed, 0);
        assert!(r.ticks_min >= 10, "no timeout fires before election_tick");
    }

    #[test]
    fn replicate_costs_sixteen_messages_per_batch() {
        for (on, batch) in [(true, 1), (false, 1), (true, 64)] {
            let r = replicate::<CoreNode>(ReplicateParams {
                cluster: cluster(on),
                batch,
                entries: 640,
                seed: DEFAULT_SEED,
            });
            assert!(r.check(), "{}", r.line());
            assert_eq!(r.msgs_delivered, 16 * 640 / batch, "{}", r.line());
            assert_eq!(r.extra_ticks, 0);
        }
    }

    #[test]
    fn chaos_keeps_logs_consistent_and_settles() {
        let r = chaos::<CoreNode>(ChaosParams {
            cluster: cluster(true),
            period: 100,
            ticks: 3_000,
            drop: 0.05,
            settle_max: 10_000,
            seed: DEFAULT_SEED,
        });
        assert_eq!(r.safety_violations, 0, "{}", r.line());
        assert!(
            r.log_matching && r.converged && r.final_check,
            "{}",
            r.line()
        );
        assert_eq!(r.crashes, 30);
        assert!(r.committed_client_entries > 0);
    }

    #[test]
    fn cli_runs_a_small_workload() {
        let args = "--workload replicate --entries 10 --batch 2".split_whitespace();
        let mut lines = Vec::new();
        run::<CoreNode, ()>(&parse(args).unwrap(), |l| {
            lines.push(l);
            Ok(())
        })
        .unwrap();
        assert_eq!(lines.len(), 1);
        assert!(lines[0].starts_with("replicate B=2 K=10 prevote=on"));
        assert!(lines[0].ends_with("check=OK"), "{}", lines[0]);
    }
}
