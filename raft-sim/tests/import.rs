//! The log reader against the simulator's own logs: every line of a kind it reads comes
//! back as the event that wrote it, across the golden scenarios and fuzz seeds (elections,
//! partitions, crashes, transfers, lost messages), and the lines about elections and
//! leadership are all read.

use raft_core::event::What;
use raft_sim::fuzz::{self, FuzzOptions};
use raft_sim::import::raft_line::{parse, Ids};
use raft_sim::scenario::cli::run_source;
use raft_sim::{Cluster, LogItem};
use std::path::PathBuf;

/// The kinds of line an operator reads an election from: all must be read back.
fn about_elections(w: &What) -> bool {
    matches!(
        w,
        What::Became { .. }
            | What::StartingElection { .. }
            | What::SentVoteRequest { .. }
            | What::ReceivedVoteResponse { .. }
            | What::VoteTally { .. }
            | What::VoteRequestAnswered { .. }
            | What::HigherTerm { .. }
            | What::IgnoredLowerTerm { .. }
            | What::SteppedDownQuorumInactive
            | What::LeaderChanged { .. }
    )
}

/// Checks every node line of `c`'s log; returns (lines read, lines about elections).
fn check(c: &Cluster, name: &str) -> (usize, usize) {
    let (mut read, mut elections) = (0, 0);
    for l in c.trace().lines() {
        let LogItem::Node(e) = &l.item else { continue };
        let text = e.to_string();
        match parse(&text, Ids::Decimal) {
            Some(p) => {
                assert_eq!((p.node, &p.what), (e.node, &e.what), "{name}: {text}");
                read += 1;
            }
            None => assert!(!about_elections(&e.what), "{name}: not read: {text}"),
        }
        elections += usize::from(about_elections(&e.what));
    }
    (read, elections)
}

#[test]
fn the_golden_scenarios_logs_read_back_to_their_events() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/scenarios");
    let mut total = 0;
    for name in [
        "reference-election.txt",
        "old-leader-returns.txt",
        "old-leader-returns-without-prevote.txt",
        "slow-link.txt",
        "churn-on-lossy-links.txt",
    ] {
        let src = std::fs::read_to_string(dir.join(name)).unwrap();
        let report = run_source(&src, false);
        let (read, elections) = check(report.cluster.as_ref().unwrap(), name);
        assert!(
            elections > 0 && read >= elections,
            "{name}: {read} read, {elections} about elections"
        );
        total += read;
    }
    assert!(total > 500, "{total} lines read");
}

#[test]
fn fuzz_seeds_logs_read_back_to_their_events() {
    // (A fuzz run keeps the last lines of its log: those are checked.)
    let opts = FuzzOptions {
        seconds: 20,
        record_events: true,
        ..FuzzOptions::default()
    };
    let mut read = 0;
    for seed in 1..=40 {
        let outcome = fuzz::run_seed(seed, &opts);
        read += check(&outcome.cluster, &format!("seed {seed}")).0;
    }
    assert!(read > 1000, "{read} lines read");
}
