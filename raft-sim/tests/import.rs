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

/// The golden scenarios that exercise elections most, run.
fn golden_runs() -> Vec<(&'static str, Cluster)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/scenarios");
    [
        "reference-election.txt",
        "old-leader-returns.txt",
        "old-leader-returns-without-prevote.txt",
        "slow-link.txt",
        "churn-on-lossy-links.txt",
        "single-node.txt",
    ]
    .into_iter()
    .map(|name| {
        let src = std::fs::read_to_string(dir.join(name)).unwrap();
        (
            name,
            run_source(&src, false).cluster.expect("the scenario runs"),
        )
    })
    .collect()
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
    let mut total = 0;
    for (name, cluster) in golden_runs() {
        let (read, elections) = check(&cluster, name);
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

/// A story's campaigns as a sorted list (node, pre-vote, term, won, its grants sorted): the
/// same campaigns whatever order the lines of two readings put them or their grants in.
type CampaignKey = (u64, bool, u64, bool, Vec<u64>);
fn campaigns(s: &raft_sim::import::story::Story) -> Vec<CampaignKey> {
    let mut v: Vec<_> = s
        .campaigns
        .iter()
        .map(|c| {
            let mut g = c.granted.clone();
            g.sort();
            (c.node, c.pre, c.term, c.won, g)
        })
        .collect();
    v.sort();
    v
}

/// A run written as real logs (one file per node) and read back tells the run's own story:
/// each term's leader and each node's roles; with etcd's microsecond times, each campaign
/// with who granted it, too.
fn round_trip(c: &Cluster, name: &str, full: bool) {
    use raft_sim::import::story::{self, Input, Story};
    use raft_sim::import::write::{node_logs, Format};
    let events = c.trace().lines().filter_map(|l| match &l.item {
        LogItem::Node(e) => Some(e.clone()),
        LogItem::Sim { .. } => None,
    });
    let want = Story::from_events(events);
    for format in [Format::Fabric, Format::EtcdJson] {
        let logs = node_logs(c, format);
        let names: Vec<String> = logs.keys().map(|n| format!("node-{n}.log")).collect();
        let inputs: Vec<Input> = logs
            .values()
            .zip(&names)
            .map(|(text, name)| Input { name, text })
            .collect();
        // Ids in hex, as etcd writes them.
        let got = story::read(&inputs, None, Ids::Hex);
        // Every line is read, configurations included.
        assert!(
            got.skipped.is_empty(),
            "{name} {format:?}: {:?}",
            got.skipped
        );
        assert_eq!(
            got.read.len() + got.skipped.len(),
            want.read.len(),
            "{name} {format:?}: every line"
        );
        assert_eq!(
            got.leaders, want.leaders,
            "{name} {format:?}: leaders per term"
        );
        assert_eq!(
            got.roles, want.roles,
            "{name} {format:?}: each node's roles"
        );
        // Fabric's leader_changes, as the run counted it and as the lines tell it, node by
        // node (a run whose log was trimmed, a fuzz run's, has fewer lines than changes).
        if full {
            let counted: Vec<(u64, u64)> = c
                .metrics()
                .leader_changes
                .into_iter()
                .filter(|&(_, k)| k > 0)
                .collect();
            let told: Vec<(u64, u64)> = raft_sim::import::metrics::read(&got)
                .leader_changes
                .into_iter()
                .collect();
            assert_eq!(counted, told, "{name} {format:?}: leader changes per node");
        }
        if format == Format::EtcdJson {
            assert_eq!(campaigns(&got), campaigns(&want), "{name}: campaigns");
        }
    }
}

#[test]
fn golden_scenarios_and_fuzz_seeds_round_trip_through_fabric_and_etcd_logs() {
    for (name, cluster) in golden_runs() {
        round_trip(&cluster, name, true);
    }
    // Clusters of 10 nodes and more: ids `a`, `b`, ... in the lines, as etcd writes them.
    for (nodes, seed) in [(11, 3), (13, 7)] {
        let src = format!(
            "nodes {nodes}\nseed {seed}\nrun 2s\nrequest set x=1\nrun 500ms\ncrash leader\nrun 2s\nrestart 1\nrun 1s\n"
        );
        let c = run_source(&src, false).cluster.expect("the scenario runs");
        let logs = raft_sim::import::write::node_logs(&c, raft_sim::import::write::Format::Fabric);
        assert!(
            logs.values()
                .any(|l| l.contains(" a became ") || l.contains(" b became ")),
            "hex ids"
        );
        round_trip(&c, &format!("{nodes} nodes"), true);
    }
    let opts = FuzzOptions {
        seconds: 10,
        record_events: true,
        ..FuzzOptions::default()
    };
    for seed in 1..=200 {
        let outcome = fuzz::run_seed(seed, &opts);
        round_trip(&outcome.cluster, &format!("seed {seed}"), false);
    }
}

/// 50 MB of Fabric lines (a 5-node election, then a leader's appends and commits, over and
/// over) fed to the reader in 1 MB chunks cut anywhere, as the page's worker feeds it:
/// prints the time. `cargo test --release -p raft-sim --test import -- --ignored --nocapture`.
#[test]
#[ignore]
fn fifty_megabytes_of_fabric_lines_read_in_chunks() {
    use raft_sim::import::reader::Reader;
    let mut text = String::with_capacity(51 << 20);
    let mut ms: u64 = 0;
    let mut term = 1;
    while text.len() < 50 << 20 {
        for line in [
            format!("{} became candidate at term {term}", term % 5 + 1),
            format!("{} [logterm: {}, index: 5] sent MsgVote request to 2 at term {term}", term % 5 + 1, term - 1),
            format!("2 [logterm: {}, index: 5, vote: 0] cast MsgVote for {} [logterm: {}, index: 5] at term {term}", term - 1, term % 5 + 1, term - 1),
            format!("{} received MsgVoteResp from 2 at term {term}", term % 5 + 1),
            format!("{} became leader at term {term}", term % 5 + 1),
            format!("raft.node: 2 elected leader {} at term {term}", term % 5 + 1),
            format!("{} [term {term}] appended proposal at index 6", term % 5 + 1),
            format!("{} [term {term}] committed up to index 6", term % 5 + 1),
        ] {
            ms += 7;
            let node = line.split(' ').next().unwrap_or("1").to_string();
            text.push_str(&format!(
                "2024-01-01 00:{:02}:{:02}.{:03} UTC [orderer.consensus.etcdraft] Infof -> INFO {:03x} {line} channel=mychannel node={node}\n",
                ms / 60_000 % 60,
                ms / 1000 % 60,
                ms % 1000,
                ms % 4096
            ));
        }
        term += 1;
    }
    let started = std::time::Instant::now();
    let mut r = Reader::new(Some("mychannel"), Ids::Hex);
    let k = r.add_input("big.log");
    // 1 MB chunks, wherever that falls in a line.
    push_in_pieces(&mut r, k, &text, || 1 << 20);
    let story = r.finish();
    let took = started.elapsed();
    println!(
        "{} MB, {} lines read, {} not, {} terms: {:.2?}",
        text.len() >> 20,
        story.read.len(),
        story.skipped.len(),
        story.leaders.len(),
        took
    );
    assert!(story.skipped.is_empty());
    let started = std::time::Instant::now();
    let imported = story.history();
    let summary = story.summary();
    let metrics = story.metrics();
    println!(
        "then its diagram ({} arrows), summary ({} bytes) and metrics: {:.2?}",
        imported.history.all_messages().len(),
        summary.len(),
        started.elapsed()
    );
    assert!(!metrics.is_leader.is_empty());
}

/// Each node's etcd-json log of `c` read back with the Reader, chunks cut at `cut` bytes.
fn read_logs(
    logs: &std::collections::BTreeMap<u64, String>,
    ids: Ids,
    cut: usize,
) -> raft_sim::import::story::Story {
    use raft_sim::import::reader::Reader;
    let mut r = Reader::new(None, ids);
    for (n, text) in logs {
        let k = r.add_input(&format!("node-{n}.log"));
        let mut at = 0;
        while at < text.len() {
            let mut end = (at + cut).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            r.push(k, &text[at..end]).unwrap();
            at = end;
        }
    }
    r.finish()
}

#[test]
fn the_diagram_of_a_runs_logs_draws_its_vote_messages_where_the_run_did() {
    use raft_core::message::MsgKind;
    use raft_sim::history::End;
    use raft_sim::import::write::{node_logs, Format};
    let mut arrows = 0;
    for (name, c) in golden_runs() {
        let logs = node_logs(&c, Format::EtcdJson);
        let story = read_logs(&logs, Ids::Hex, 777);
        let imported = story.history();
        assert!(
            imported.skew.is_empty(),
            "{name}: one clock, no skew {:?}",
            imported.skew
        );
        let h = &imported.history;
        // The run's vote messages, by (kind, from, to, term): their send times.
        let origin = story.read[0].time_us.unwrap() - raft_sim::import::write::START_US;
        let votes = |k: MsgKind| matches!(k, MsgKind::Vote | MsgKind::PreVote);
        let mut sim: Vec<(MsgKind, u64, u64, u64, u64)> = c
            .history()
            .all_messages()
            .filter(|m| votes(m.kind))
            .map(|m| (m.kind, m.from, m.to, m.term, m.sent_at - origin as u64))
            .collect();
        sim.sort();
        let mut got: Vec<(MsgKind, u64, u64, u64, u64)> = h
            .all_messages()
            .filter(|m| votes(m.kind) && matches!(m.end, End::Delivered { .. }))
            .map(|m| (m.kind, m.from, m.to, m.term, m.sent_at))
            .collect();
        got.sort();
        // Every matched request is one the run sent, at its time.
        for g in &got {
            assert!(sim.contains(g), "{name}: {g:?} not in the run");
        }
        arrows += got.len();
        // Each lane's roles are the run's (as its lines say them).
        for (&n, &lane) in &imported.lanes {
            assert_eq!(n, lane, "{name}: small ids are their own lanes");
        }
        // A node that restarted is down from its last line before.
        if name == "old-leader-returns.txt" {
            let down = h
                .spans(3, 0, imported.end + 1)
                .any(|s| s.state == raft_sim::history::LaneState::Down);
            assert!(down, "{name}: node 3 crashed and restarted");
        }
        // The renderers draw it.
        let w = raft_sim::diagram::Window {
            from: 0,
            to: imported.end + 1,
        };
        let svg = raft_sim::diagram::svg::render(h, w);
        assert!(svg.contains("<svg"), "{name}");
        let mermaid = raft_sim::diagram::mermaid::render(h, w);
        assert!(mermaid.starts_with("sequenceDiagram"), "{name}");
    }
    assert!(arrows > 50, "{arrows} vote arrows matched");
}

#[test]
fn clocks_that_disagree_are_found_and_shifted() {
    use raft_sim::import::write::{node_logs, Format};
    let (_, c) = golden_runs().remove(0);
    let mut logs = node_logs(&c, Format::EtcdJson);
    let first = read_logs(&logs, Ids::Hex, 1 << 20);
    let before = first.history();
    assert!(before.skew.is_empty());
    // Node 2's machine's clock reads 40 ms behind the others' (every time moved a second on
    // first, so that none goes before midnight).
    let moved = |line: &str, by_us: i64| -> String {
        let ts = line
            .split("\"ts\":\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let (hms, frac) = ts[11..ts.len() - 1].split_once('.').unwrap();
        let p: Vec<i64> = hms.split(':').map(|x| x.parse().unwrap()).collect();
        let us =
            ((p[0] * 60 + p[1]) * 60 + p[2]) * 1_000_000 + frac.parse::<i64>().unwrap() + by_us;
        let (s, f) = (us / 1_000_000, us % 1_000_000);
        let new = format!(
            "{}{:02}:{:02}:{:02}.{f:06}Z",
            &ts[..11],
            s / 3600,
            s / 60 % 60,
            s % 60
        );
        line.replace(ts, &new)
    };
    for (n, log) in logs.iter_mut() {
        let by = if *n == 2 {
            1_000_000 - 40_000
        } else {
            1_000_000
        };
        *log = log.lines().map(|l| moved(l, by) + "\n").collect();
    }
    let story = read_logs(&logs, Ids::Hex, 4096);
    let imported = story.history();
    assert_eq!(imported.skew.len(), 1, "{:?}", imported.skew);
    let s = imported.skew[0];
    assert_eq!(s.node, 2);
    // The smallest shift that makes every granted vote go forward: 40 ms less the
    // quickest latency into node 2 (the simulator's are 10 to 30 ms).
    assert!((10_000..=40_000).contains(&s.shift_us), "{s:?}");
    for m in imported.history.all_messages() {
        assert!(m.end.at().is_none_or(|e| e >= m.sent_at), "{m:?}");
    }
    let summary = story.summary();
    assert!(
        summary.contains("node 2's clock reads at least ") && summary.contains(" behind node "),
        "{summary}"
    );
    // A clock that reads ahead (the candidate's, by 5 s: the requests it sent, keyed by
    // its log position and term, arrive before they were sent): that node is moved, not
    // every node it sent to, and the story is told in the mended order: the same campaigns
    // as with true clocks.
    let off = first
        .campaigns
        .iter()
        .find(|c| !c.pre)
        .expect("an election")
        .node;
    let mut ahead = node_logs(&c, Format::EtcdJson);
    for (n, log) in ahead.iter_mut() {
        let by = if *n == off { 6_000_000 } else { 1_000_000 };
        *log = log.lines().map(|l| moved(l, by) + "\n").collect();
    }
    let story = read_logs(&ahead, Ids::Hex, 4096);
    assert_eq!(story.clock_shifts.len(), 1, "{:?}", story.clock_shifts);
    assert_eq!(story.clock_shifts[0].node, off);
    assert!(
        (-5_000_000..=-4_970_000).contains(&story.clock_shifts[0].shift_us),
        "{:?}",
        story.clock_shifts
    );
    assert_eq!(
        campaigns(&story),
        campaigns(&first),
        "the campaigns as the true clocks tell them"
    );
    assert_eq!(story.leaders, first.leaders);
    assert!(
        story
            .summary()
            .contains(&format!("node {off}'s clock reads at least 49")),
        "{}",
        story.summary()
    );
    let imported = story.history();
    assert_eq!(
        imported.skew, story.clock_shifts,
        "the diagram says the same shift"
    );
    for m in imported.history.all_messages() {
        assert!(m.end.at().is_none_or(|e| e >= m.sent_at), "{m:?}");
    }
}

/// A golden scenario's run, written as logs, read back and made into a scenario again: every
/// replay runs, and the rerun elects the same leader in each term the original's lines show
/// for the scenarios whose story is elections, crashes and restarts (the replay scripts a
/// `campaign` for each election won, and the crashes and restarts).
#[test]
fn a_runs_logs_replay_as_a_scenario_with_the_same_leaders() {
    use raft_sim::import::write::{node_logs, Format};
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/scenarios");
    let mut same = Vec::new();
    for name in [
        "reference-election.txt",
        "old-leader-returns.txt",
        "old-leader-returns-without-prevote.txt",
        "slow-link.txt",
        "churn-on-lossy-links.txt",
        "single-node.txt",
    ] {
        let src = std::fs::read_to_string(dir.join(name)).unwrap();
        let c = run_source(&src, false).cluster.expect("the scenario runs");
        let story = read_logs(&node_logs(&c, Format::Fabric), Ids::Hex, 1 << 16);
        let replay = story.scenario().expect("a scenario");
        let report = run_source(&replay, false);
        assert!(
            report.errors.is_empty(),
            "{name}: {:?}\n{replay}",
            report.errors
        );
        let again = report.cluster.expect("the replay runs");
        let events = again.trace().lines().filter_map(|l| match &l.item {
            LogItem::Node(e) => Some(e.clone()),
            LogItem::Sim { .. } => None,
        });
        let rerun = raft_sim::import::story::Story::from_events(events);
        // Each term of the original: the same leader in the rerun.
        let kept = story
            .leaders
            .iter()
            .all(|(t, l)| rerun.leaders.get(t) == Some(l));
        if kept {
            same.push(name);
        }
    }
    // Not the same: a node cut off by a partition raising its term alone (without pre-vote)
    // and elections lost to a lossy network, which the lines show as campaigns nobody
    // answered: the replay has no partition or loss, so its terms run differently.
    assert_eq!(
        same,
        [
            "reference-election.txt",
            "old-leader-returns.txt",
            "slow-link.txt",
            "single-node.txt"
        ]
    );
}

/// Nothing panics on any input: the golden runs' logs, mangled (bytes flipped, lines cut
/// and joined, numbers made huge, colour codes and JSON quotes thrown in), fed to the
/// reader in chunks cut at random places, then told every way (summary, diagram drawn,
/// metrics, scenario).
#[test]
fn mangled_logs_in_random_chunks_never_panic() {
    use raft_sim::diagram::{mermaid, svg, Window};
    use raft_sim::import::reader::Reader;
    use raft_sim::import::write::{node_logs, Format};
    // xorshift64*: a fixed sequence, so a failure replays.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut rng = move |n: usize| {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        (state.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as usize % n.max(1)
    };
    let inserts = [
        "\n",
        "\u{1b}[31m",
        "\"",
        "{",
        "18446744073709551615",
        "99999999999999999999",
        "-",
        " ",
        "ffffffffffffffff",
        "0",
        "é",
        "\r\n",
        "[",
        "]",
        "(",
        ")",
        "&&",
        ",",
    ];
    let mut logs = Vec::new();
    for (_, c) in golden_runs() {
        for format in [Format::Fabric, Format::EtcdJson] {
            logs.extend(node_logs(&c, format).into_values());
        }
    }
    logs.push(include_str!("../../tests/data/etcd-election-node3.log").to_string());
    for round in 0..60 {
        let mut r = Reader::new(
            None,
            if round % 2 == 0 {
                Ids::Hex
            } else {
                Ids::Decimal
            },
        );
        for k in 0..1 + rng(4) {
            let base = &logs[rng(logs.len())];
            let mut text: Vec<char> = base.chars().collect();
            for _ in 0..rng(200) {
                let at = rng(text.len() + 1);
                match rng(3) {
                    0 if at < text.len() => {
                        text.remove(at);
                    }
                    1 if at < text.len() => text[at] = char::from(b'0' + rng(10) as u8),
                    _ => {
                        let s = inserts[rng(inserts.len())];
                        for (j, ch) in s.chars().enumerate() {
                            text.insert(at + j, ch);
                        }
                    }
                }
            }
            let text: String = text.into_iter().collect();
            let input = r.add_input(&format!("in{k}"));
            push_in_pieces(&mut r, input, &text, || 1 + rng(300));
        }
        let story = r.finish();
        let _ = story.summary();
        let imported = story.history();
        let w = Window {
            from: 0,
            to: imported.end.saturating_add(1),
        };
        let _ = svg::render(&imported.history, w);
        let _ = mermaid::render(&imported.history, w);
        let _ = story.metrics().text();
        if let Ok(replay) = story.scenario() {
            // It parses (run, it need not tell what the mangled lines did).
            if let Err(e) = raft_sim::scenario::parse(&replay) {
                panic!("{e}\n{replay}");
            }
        }
    }
}

/// Feeds `text` to input `input` in pieces of `len()` bytes each, each cut moved on to a
/// character boundary (wherever that falls in a line).
fn push_in_pieces(
    r: &mut raft_sim::import::reader::Reader,
    input: usize,
    text: &str,
    mut len: impl FnMut() -> usize,
) {
    let mut at = 0;
    while at < text.len() {
        let mut end = (at + len()).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        r.push(input, &text[at..end]).unwrap();
        at = end;
    }
}

/// Logs that begin mid-run (no `newRaft`: the nodes' terms are in their lines) and a first
/// election seconds after the lines begin: the replay starts each node at the term its
/// lines show and brings the election before the simulator's own timers, so its rerun
/// elects the same leader in the same term.
#[test]
fn a_replay_of_logs_that_begin_mid_run_keeps_their_terms() {
    let zap = |ms: u64, msg: &str| {
        format!(
            "{{\"level\":\"info\",\"ts\":\"2024-01-01T00:00:{:02}.{:03}Z\",\"logger\":\"raft\",\"msg\":\"{msg}\"}}\n",
            ms / 1000,
            ms % 1000
        )
    };
    let two = [
        zap(
            0,
            "2 [term: 6] received a MsgHeartbeat message with higher term from 1 [term: 7]",
        ),
        zap(3000, "2 is starting a new election at term 7"),
        zap(3000, "2 became candidate at term 8"),
        zap(
            3001,
            "2 [logterm: 7, index: 20] sent MsgVote request to 3 at term 8",
        ),
        zap(3003, "2 received MsgVoteResp from 3 at term 8"),
        zap(3003, "2 became leader at term 8"),
    ]
    .concat();
    let three = [
        zap(100, "raft.node: 3 elected leader 1 at term 7"),
        zap(
            3002,
            "3 [term: 7] received a MsgVote message with higher term from 2 [term: 8]",
        ),
        zap(3002, "3 became follower at term 8"),
    ]
    .concat();
    let story = read_logs(
        &[(2, two), (3, three)].into_iter().collect(),
        Ids::Hex,
        1 << 16,
    );
    assert_eq!(story.leaders.get(&8), Some(&2));
    let replay = story.scenario().expect("a scenario");
    assert!(replay.contains("# Every time is "), "{replay}");
    let again = run_source(&replay, false).cluster.expect("the replay runs");
    let leaders: Vec<String> = again
        .trace()
        .lines()
        .filter_map(|l| match &l.item {
            LogItem::Node(e)
                if matches!(
                    e.what,
                    What::Became {
                        role: raft_core::types::Role::Leader,
                        ..
                    }
                ) =>
            {
                Some(e.to_string())
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        leaders.first().map(String::as_str),
        Some("2 became leader at term 8"),
        "{replay}\n{leaders:?}"
    );
}
