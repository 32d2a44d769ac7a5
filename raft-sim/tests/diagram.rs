//! The space-time diagram against the simulator: its arrows are the messages sent in the
//! window it shows (counted by the cluster's own message counters, not by the history),
//! the Mermaid text has one arrow line per message, and the SVG is well-formed, standalone
//! and draws one arrow per message.

mod xml;

use raft_sim::diagram::{mermaid, svg, Window};
use raft_sim::history::{End, History, HistoryLimits, LaneState};
use raft_sim::scenario::cli::run_source;
use raft_sim::{Cluster, Command, KvOp, SimConfig, Target, Timeline};
use std::collections::BTreeSet;

fn scenario_file(name: &str) -> String {
    let path = format!("{}/../tests/scenarios/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A scenario file run to its end (its expectations must hold).
fn run_scenario(name: &str) -> Cluster {
    let report = run_source(&scenario_file(name), false);
    assert!(report.ok(), "{name}: {:?}", report.errors);
    report.cluster.expect("a cluster")
}

/// (sent, delivered, dropped) over every kind, from the cluster's counters.
fn counted(c: &Cluster) -> (u64, u64, u64) {
    c.metrics()
        .messages
        .iter()
        .fold((0, 0, 0), |(s, d, x), m| (s + m.1, d + m.2, x + m.3))
}

fn arrow_lines(text: &str) -> usize {
    text.lines()
        .filter(|l| l.contains("->>") || l.contains("-x") || l.contains("-)"))
        .count()
}

/// The SVG is well-formed, refers to nothing outside itself, and has exactly one arrow
/// element, with a title, per message of `ids`.
fn assert_svg_draws(picture: &str, ids: &BTreeSet<u64>, what: &str) {
    if let Err(e) = xml::check(picture) {
        panic!("{what}: the SVG is not well-formed: {e:?}");
    }
    for external in [
        "href",
        "url(",
        "@import",
        "<image",
        "<script",
        "<use",
        "<foreignObject",
    ] {
        assert!(
            !picture.contains(external),
            "{what}: the SVG has {external}"
        );
    }
    let arrows: Vec<&str> = picture
        .lines()
        .filter(|l| l.starts_with("<g class=\"arrow"))
        .collect();
    assert_eq!(arrows.len(), ids.len(), "{what}: arrows in the SVG");
    let drawn: BTreeSet<u64> = arrows
        .iter()
        .map(|l| {
            assert!(
                l.contains("<title>"),
                "{what}: an arrow without a title: {l}"
            );
            let id = l
                .split("data-id=\"")
                .nth(1)
                .and_then(|s| s.split('"').next());
            id.and_then(|s| s.parse().ok()).expect("a data-id")
        })
        .collect();
    assert_eq!(&drawn, ids, "{what}: the arrows' ids");
}

const SCENARIOS: [&str; 8] = [
    "reference-election.txt",
    "churn-on-lossy-links.txt",
    "old-leader-returns.txt",
    "slow-link.txt",
    "etcd/candidate-fallback.txt",
    "etcd/leader-election-in-one-round-rpc-lose.txt",
    "membership/add-voter-catches-up.txt",
    "membership/remove-a-node-while-it-is-down.txt",
];

#[test]
fn the_whole_run_holds_every_message_the_cluster_sent_with_its_end() {
    for name in SCENARIOS {
        let c = run_scenario(name);
        let h = c.history();
        let (sent, delivered, dropped) = counted(&c);
        // No scenario here duplicates messages: each send puts one message on the wire.
        assert_eq!(h.all_messages().len() as u64, sent, "{name}: sent");
        let ends = |f: fn(End) -> bool| h.all_messages().filter(|m| f(m.end)).count() as u64;
        assert_eq!(
            ends(|e| matches!(e, End::Delivered { .. })),
            delivered,
            "{name}: delivered"
        );
        assert_eq!(
            ends(|e| !matches!(e, End::Delivered { .. } | End::InFlight)),
            dropped,
            "{name}: dropped, lost, cut or not delivered"
        );
        assert_eq!(
            ends(|e| e == End::InFlight),
            c.in_flight_count() as u64,
            "{name}: in flight"
        );

        let whole = Window::whole(h, c.now());
        let ids: BTreeSet<u64> = h.messages(whole.from, whole.to).map(|m| m.id).collect();
        assert_eq!(ids.len() as u64, sent, "{name}: the whole window");
        let text = mermaid::render(h, whole);
        assert_eq!(
            arrow_lines(&text),
            ids.len(),
            "{name}: Mermaid arrows\n{text}"
        );
        assert_svg_draws(&svg::render(h, whole), &ids, name);
    }
}

#[test]
fn a_window_holds_the_messages_sent_in_it() {
    for name in [
        "churn-on-lossy-links.txt",
        "old-leader-returns.txt",
        "slow-link.txt",
    ] {
        let mut c = run_scenario(name);
        // The run goes on from where the scenario ended; the counters mark the window's
        // edges: everything up to t - 1 has happened, nothing at t yet.
        let t0 = c.now() + 1_000;
        let t1 = t0 + 700_000;
        c.run_until(t0 - 1);
        let before = counted(&c).0;
        c.run_until(t1 - 1);
        let sent = counted(&c).0 - before;
        c.run_until(t1 + 500_000);
        assert!(sent > 0, "{name}: nothing sent in the window");

        let h = c.history();
        let window = Window { from: t0, to: t1 };
        let ids: BTreeSet<u64> = h.messages(t0, t1).map(|m| m.id).collect();
        assert_eq!(ids.len() as u64, sent, "{name}: messages in [{t0}, {t1})");
        assert!(h.messages(t0, t1).all(|m| (t0..t1).contains(&m.sent_at)));
        let text = mermaid::render(h, window);
        assert_eq!(arrow_lines(&text), ids.len(), "{name}: Mermaid arrows");
        assert_svg_draws(&svg::render(h, window), &ids, name);
    }
}

/// A hand-checked diagram: node 1 campaigns in a three-node cluster on a stopped clock,
/// its vote request to 3 is dropped by hand, 2 votes for it and it leads. Its MsgApp to 3
/// arrives first (the event log has 3 learn of the leader before 2 does): 3's answer makes
/// a majority, so the leader commits and tells 3 at once, and 2 once it answers too. The
/// notes sit among the arrows where they happened, though the clock never moves.
#[test]
fn the_mermaid_text_of_a_small_election() {
    let src = "nodes 3\nprevote off\ncheckquorum off\nmanual on\n\
               campaign 1\ndrop 1->3\nstabilize\n";
    let report = run_source(src, false);
    assert!(report.ok(), "{:?}", report.errors);
    let c = report.cluster.expect("a cluster");
    let text = mermaid::render(c.history(), Window::whole(c.history(), c.now()));
    let want = "\
sequenceDiagram
    %% messages sent from 0.000 s to 0.000 s
    participant N1
    participant N2
    participant N3
    Note over N1: candidate t1
    N1->>N2: MsgVote t1
    N1-xN3: MsgVote t1 (dropped)
    N2->>N1: MsgVoteResp t1
    Note over N1: leader t1
    N1->>N2: MsgApp t1
    N1->>N3: MsgApp t1
    N3->>N1: MsgAppResp t1
    N1->>N3: MsgApp t1
    N3->>N1: MsgAppResp t1
    N2->>N1: MsgAppResp t1
    N1->>N2: MsgApp t1
    N2->>N1: MsgAppResp t1
";
    assert_eq!(text, want);
}

#[test]
fn lanes_show_roles_crashes_restarts_and_commit_advances() {
    let c = run_scenario("old-leader-returns.txt");
    let h = c.history();
    let end = c.now() + 1;
    let text = mermaid::render(h, Window::whole(h, c.now()));
    for line in ["Note over N3: down", "Note over N3: restarted"] {
        assert!(text.contains(line), "no {line:?} in\n{text}");
    }
    let leaders = (1..=5)
        .flat_map(|n| h.spans(n, 0, end))
        .filter(|s| matches!(s.state, LaneState::Up { role, .. } if role == raft_core::types::Role::Leader))
        .count();
    assert!(leaders >= 2, "an old and a new leader: {leaders}");
    // Spans of a lane tile time: each ends where the next starts.
    for n in 1..=5 {
        let spans: Vec<_> = h.spans(n, 0, end).collect();
        for w in spans.windows(2) {
            assert_eq!(w[0].until, Some(w[1].from), "node {n}");
        }
        let commits: Vec<_> = h.commits(n, 0, end).map(|a| a.index).collect();
        assert!(
            commits.windows(2).all(|w| w[0] < w[1]) || n == 3,
            "node {n}: {commits:?}"
        );
        assert!(
            !commits.is_empty(),
            "node {n} never advanced its commit index"
        );
    }
    let picture = svg::render(h, Window::whole(h, c.now()));
    for mark in [
        "class=\"crash\"",
        "class=\"restart\"",
        "class=\"commit\"",
        "class=\"leader\"",
    ] {
        assert!(picture.contains(mark), "no {mark} in the SVG");
    }
}

#[test]
fn recording_can_be_switched_off() {
    let cfg = SimConfig {
        history: None,
        ..SimConfig::default()
    };
    let mut c = Cluster::new(cfg).expect("a cluster");
    c.run_until(2_000_000);
    assert!(!c.history().is_recording());
    assert_eq!(c.history().held(), (0, 0));
    assert_eq!(c.history().lanes(), 0);
}

#[test]
fn seeking_back_restores_the_history_of_that_moment() {
    let mut t = Timeline::new(SimConfig::default()).expect("a timeline");
    t.run_until(3_000_000);
    let at_3s: Vec<_> = t.cluster().history().all_messages().copied().collect();
    t.run_until(9_000_000);
    t.seek(3_000_000);
    let back: Vec<_> = t.cluster().history().all_messages().copied().collect();
    assert_eq!(back, at_3s);
}

/// The bound holds over an hour of the page with the largest cluster it allows, at its
/// defaults (0.1 simulated seconds a second: 360 simulated seconds) with a client request
/// every 100 ms: the history never holds more than its limits, nor reserves more than
/// `bytes_bound`. (The bound is a count: a longer run keeps as much, only newer.)
#[test]
fn a_long_run_of_51_nodes_stays_within_the_bound() {
    let limits = HistoryLimits::DEFAULT;
    let cfg = SimConfig {
        nodes: 51,
        snapshot_every: 40,
        log_capacity: 2_000,
        history: Some(limits),
        ..SimConfig::default()
    };
    let mut c = Cluster::new(cfg).expect("a cluster");
    let bound = History::bytes_bound(limits, 51);
    let mut t = 0;
    let mut most = (0, 0);
    while t < 360_000_000 {
        t += 100_000;
        c.run_until(t);
        let put = Command::Request {
            via: Some(Target::Leader),
            op: KvOp::Set {
                key: "x".into(),
                value: t.to_string(),
            },
        };
        let _ = c.apply(&put);
        let (messages, changes) = c.history().held();
        assert!(messages <= limits.messages, "{messages} messages at {t}");
        assert!(
            changes <= 51 * 3 * limits.changes_per_node,
            "{changes} changes at {t}"
        );
        assert!(c.history().bytes_reserved() <= bound, "at {t}");
        most = (most.0.max(messages), most.1.max(changes));
    }
    assert_eq!(most.0, limits.messages, "the limit was reached");
    assert!(
        counted(&c).0 > 50 * limits.messages as u64,
        "the run sent {} messages",
        counted(&c).0
    );
    assert!(c.history().complete_from() > 0, "old messages were let go");
    assert!(bound <= 4 << 20, "the bound, {bound} bytes, is over 4 MB");
}

/// The lanes agree with the event log, an account kept apart from the history: where the log
/// says a node "became ROLE at term T", its lane shows that role and term from that moment
/// (the last such line of a node at an instant: a single node becomes pre-candidate,
/// candidate and leader in one step, and only the end of the step is seen).
#[test]
fn lanes_change_role_when_the_event_log_says_so() {
    let names = [
        "reference-election.txt",
        "churn-on-lossy-links.txt",
        "old-leader-returns.txt",
        "single-node.txt",
        "membership/remove-leader.txt",
        "membership/add-voter-catches-up.txt",
    ];
    for name in names {
        let report = run_source(&scenario_file(name), true);
        assert!(report.ok(), "{name}: {:?}", report.errors);
        let c = report.cluster.expect("a cluster");
        // (node, time) -> the last (role, term) the log gives it then.
        let mut became = std::collections::BTreeMap::new();
        for line in &report.log {
            let Some((time, rest)) = line.strip_prefix('[').and_then(|l| l.split_once("s] "))
            else {
                continue;
            };
            let words: Vec<&str> = rest.split(' ').collect();
            if let [node, "became", role, "at", "term", term] = words[..] {
                let (whole, frac) = time.trim().split_once('.').expect("a time");
                let us: u64 =
                    whole.parse::<u64>().unwrap() * 1_000_000 + frac.parse::<u64>().unwrap();
                let node: u64 = node.parse().expect("a node");
                became.insert((node, us), (role.to_string(), term.parse::<u64>().unwrap()));
            }
        }
        assert!(!became.is_empty(), "{name}: no role changes in the log");
        for ((node, at), (role, term)) in became {
            // The state the lane shows once the instant is over (a node that becomes
            // pre-candidate again, in the same term, stays on its span).
            let after = c.history().spans(node, 0, at + 1).last().map(|s| s.state);
            let shown = matches!(after, Some(LaneState::Up { role: r, term: t })
                if r.as_str() == role && t == term);
            assert!(shown, "{name}: node {node} became {role} at term {term} at {at}us; its lane shows {after:?}");
        }
    }
}

/// Under loss, duplication, reordering, crashes and partitions every message the history
/// holds ends as the cluster's counters say: each copy on the wire is delivered, dropped
/// (lost, cut, to a down node, by hand) or still in flight, exactly once.
#[test]
fn every_end_matches_the_counters_under_faults() {
    let cfg = SimConfig {
        link: raft_sim::LinkConfig {
            loss: 0.1,
            duplicate: 0.1,
            reorder: 0.1,
            ..raft_sim::LinkConfig::default()
        },
        history: Some(HistoryLimits::UNBOUNDED),
        ..SimConfig::default()
    };
    let mut c = Cluster::new(cfg).expect("a cluster");
    let faults = [
        Command::Crash(Target::Leader),
        Command::Partition(vec![vec![1, 2], vec![3, 4, 5]]),
        Command::Heal,
        Command::Restart(Target::Node(1)),
        Command::Restart(Target::Node(2)),
        Command::Restart(Target::Node(3)),
        Command::Isolate(Target::Node(4)),
        Command::Heal,
    ];
    for (i, fault) in faults.iter().cycle().take(40).enumerate() {
        c.run_until((i as u64 + 1) * 400_000);
        // Refused ones (no leader, already up) change nothing.
        let _ = c.apply(fault);
        let _ = c.apply(&Command::DropMessage(
            c.in_flight().map(|f| f.id).min().unwrap_or(0),
        ));
    }
    let h = c.history();
    let (_, delivered, dropped) = counted(&c);
    let ends = |f: fn(End) -> bool| h.all_messages().filter(|m| f(m.end)).count() as u64;
    assert_eq!(ends(|e| matches!(e, End::Delivered { .. })), delivered);
    assert_eq!(
        ends(|e| !matches!(e, End::Delivered { .. } | End::InFlight)),
        dropped
    );
    assert_eq!(ends(|e| e == End::InFlight), c.in_flight_count() as u64);
    for kind in [
        |e| matches!(e, End::Lost { .. }),
        |e| matches!(e, End::Cut { .. }),
        |e| matches!(e, End::DestinationDown { .. }),
        |e| matches!(e, End::DroppedByHand { .. }),
    ] {
        assert!(ends(kind) > 0, "every way of not arriving happens here");
    }
    // Ids are consecutive: every message put on the wire is there.
    let ids: Vec<u64> = h.all_messages().map(|m| m.id).collect();
    assert!(ids.windows(2).all(|w| w[1] == w[0] + 1));
}
