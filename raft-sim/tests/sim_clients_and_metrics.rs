//! The simulated cluster as its readers see it: client requests and their deadline, the
//! Fabric metrics, which entries each node holds committed, and refused commands.

use raft_core::message::MsgKind;
use raft_core::types::NodeId;
use raft_sim::{Arg, Cluster, Command, KvOp, LinkConfig, Selection, SimConfig, Take};

fn cluster(nodes: usize, seed: u64) -> Cluster {
    Cluster::new(SimConfig {
        nodes,
        seed,
        ..SimConfig::default()
    })
    .unwrap()
}

fn set(key: &str, value: &str) -> KvOp {
    KvOp::Set {
        key: key.into(),
        value: value.into(),
    }
}

fn leader(c: &Cluster) -> NodeId {
    c.leader().expect("a leader")
}

fn lines(c: &Cluster) -> Vec<String> {
    c.trace().lines().map(|l| l.to_string()).collect()
}

#[test]
fn a_request_to_an_isolated_leader_times_out_and_is_no_longer_pending() {
    let mut c = cluster(5, 1);
    c.run_until(1_000_000);
    let old = leader(&c);
    c.apply(&Command::Isolate(old.into())).unwrap();
    c.apply(&Command::Request {
        via: None,
        op: set("x", "1"),
    })
    .unwrap();
    let sent = c.now();
    assert_eq!(c.request_tally().pending, 1, "the isolated leader took it");
    c.advance(300_000);
    c.apply(&Command::Heal).unwrap();
    // Still waiting just before the deadline...
    let deadline = sent + c.request_timeout();
    c.run_until(deadline - 20_000);
    assert_eq!(c.request_tally().pending, 1);
    // ...and timed out after it: its entry was overwritten by the next leader's.
    c.run_until(deadline + 20_000);
    let t = c.request_tally();
    assert_eq!(
        (t.pending, t.committed, t.rejected, t.timed_out),
        (0, 0, 1, 1),
        "{t:?}"
    );
    assert!(
        lines(&c)
            .iter()
            .any(|l| l.contains("client request #1 timed out: not committed within 750ms")),
        "{:?}",
        lines(&c)
    );
    assert!(c.servers().iter().all(|s| s.kv.get("x").is_none()));
    // The healed cluster serves the next request.
    c.apply(&Command::Request {
        via: None,
        op: set("y", "2"),
    })
    .unwrap();
    c.advance(500_000);
    let t = c.request_tally();
    assert_eq!((t.pending, t.committed, t.timed_out), (0, 1, 1), "{t:?}");
}

#[test]
fn a_lost_proposal_times_out() {
    let mut c = cluster(3, 2);
    c.run_until(1_000_000);
    let l = leader(&c);
    let f = (1..=3).find(|&n| n != l).unwrap();
    c.apply(&Command::Request {
        via: Some(f.into()),
        op: set("x", "1"),
    })
    .unwrap();
    c.apply(&Command::Drop(Selection::Link {
        from: f.into(),
        to: l.into(),
        kind: Some(MsgKind::Prop),
        take: Take::All,
    }))
    .unwrap();
    c.advance(c.request_timeout() + 20_000);
    let t = c.request_tally();
    assert_eq!((t.pending, t.rejected, t.timed_out), (0, 1, 1), "{t:?}");
}

#[test]
fn a_request_committed_after_its_deadline_is_logged_but_stays_timed_out() {
    let mut c = cluster(3, 2);
    c.run_until(1_000_000);
    let l = leader(&c);
    let f = (1..=3).find(|&n| n != l).unwrap();
    // The follower's messages reach the leader a second late: its forwarded proposal too.
    let slow = LinkConfig {
        latency_min: 1_000_000,
        latency_max: 1_000_000,
        ..LinkConfig::default()
    };
    c.apply(&Command::SetLink {
        from: f,
        to: l,
        link: Some(slow),
    })
    .unwrap();
    c.apply(&Command::Request {
        via: Some(f.into()),
        op: set("x", "1"),
    })
    .unwrap();
    c.advance(2_000_000);
    let t = c.request_tally();
    assert_eq!(
        (t.pending, t.committed, t.timed_out),
        (0, 0, 1),
        "the client gave up after 750ms: {t:?}"
    );
    assert!(
        lines(&c).iter().any(|l| l
            .contains("client request #1 committed at index 2, after its client gave up")),
        "{:?}",
        lines(&c)
    );
    assert_eq!(c.node(l).unwrap().commit(), 2);
}

#[test]
fn active_nodes_is_what_fabric_reports() {
    let mut c = cluster(5, 3);
    c.run_until(1_000_000);
    assert_eq!(c.metrics().active_nodes, 5);
    // Steady, even with slow links: check-quorum clearing the leader's flags every election
    // timeout does not make the count dip.
    c.apply(&Command::SetNetwork(LinkConfig {
        latency_min: 40_000,
        latency_max: 60_000,
        ..LinkConfig::default()
    }))
    .unwrap();
    for _ in 0..300 {
        c.advance(10_000);
        assert_eq!(c.metrics().active_nodes, 5, "at {}", c.now());
    }
    c.apply(&Command::SetNetwork(LinkConfig::default()))
        .unwrap();
    let l = leader(&c);
    let f = (1..=5).find(|&n| n != l).unwrap();
    c.apply(&Command::Crash(f.into())).unwrap();
    // The leader stops counting it once it has not heard from it for a whole check-quorum
    // round: within two election timeouts.
    c.advance(2 * 150_000 + 10_000);
    assert_eq!(c.metrics().active_nodes, 4);
    // With no leader, 0: what every Fabric node that knows no leader reports.
    c.apply(&Command::Crash(l.into())).unwrap();
    assert_eq!(c.leader(), None);
    assert_eq!(c.metrics().active_nodes, 0);
    while c.leader().is_none() {
        c.advance(10_000);
    }
    // A new leader counts its followers as soon as they answer it.
    c.advance(100_000);
    assert_eq!(c.metrics().active_nodes, 3);
    // A leader cut off from the others counts only itself until it steps down.
    let l = leader(&c);
    c.apply(&Command::Isolate(l.into())).unwrap();
    c.advance(2 * 150_000 + 10_000);
    assert_ne!(c.leader(), Some(l));
    assert_eq!(
        c.metrics().active_nodes,
        0,
        "the two left cannot elect a leader"
    );
}

/// Fabric's cluster_size is its consenters, all voters; active_nodes counts over the same
/// voters, so a learner (which the leader hears from as from any follower) is in neither
/// and active_nodes never exceeds cluster_size. Learners have a gauge of their own.
#[test]
fn active_nodes_and_cluster_size_count_the_same_voters_and_learners_apart() {
    use raft_sim::command::MemberChange;
    let mut c = cluster(5, 3);
    c.run_until(1_000_000);
    let m = c.metrics();
    assert_eq!((m.active_nodes, m.cluster_size, m.learners), (5, 5, 0));
    c.apply(&Command::Member(MemberChange::Add {
        node: 6,
        learner: true,
    }))
    .unwrap();
    c.advance(1_000_000);
    assert!(c.node(leader(&c)).unwrap().tracker().config().is_learner(6));
    let m = c.metrics();
    assert_eq!(
        (m.active_nodes, m.cluster_size, m.learners),
        (5, 5, 1),
        "a learner heard from is not an active consenter"
    );
    c.apply(&Command::Member(MemberChange::Add {
        node: 7,
        learner: false,
    }))
    .unwrap();
    c.advance(1_000_000);
    let m = c.metrics();
    assert_eq!((m.active_nodes, m.cluster_size, m.learners), (6, 6, 1));
    let text = m.prometheus("sim");
    for line in [
        "consensus_etcdraft_cluster_size{channel=\"sim\"} 6\n",
        "consensus_etcdraft_active_nodes{channel=\"sim\"} 6\n",
        "raftsim_learners{channel=\"sim\"} 1\n",
    ] {
        assert!(text.contains(line), "{line:?} in\n{text}");
    }
    // A learner cut off changes nothing; a voter cut off drops out of both counts' numerator.
    c.apply(&Command::Isolate(6.into())).unwrap();
    c.advance(2 * 150_000 + 10_000);
    assert_eq!(c.metrics().active_nodes, 6);
    let f = (1..=7).find(|&n| n != leader(&c) && n != 6).unwrap();
    c.apply(&Command::Crash(f.into())).unwrap();
    c.advance(2 * 150_000 + 10_000);
    let m = c.metrics();
    assert_eq!((m.active_nodes, m.cluster_size), (5, 6));
}

#[test]
fn committed_held_survives_a_crash_and_stops_at_a_divergent_entry() {
    let mut c = cluster(5, 4);
    c.run_until(1_000_000);
    for i in 0..3 {
        c.apply(&Command::Request {
            via: None,
            op: set("k", &i.to_string()),
        })
        .unwrap();
        c.advance(100_000);
    }
    let l = leader(&c);
    let committed = c.node(l).unwrap().commit();
    assert_eq!(committed, 4, "a no-op and three requests");
    assert_eq!(c.committed_last(), committed);
    for s in c.servers() {
        let n = s.node().unwrap();
        assert_eq!(c.committed_held(s.id), committed);
        assert!(c.committed_held(s.id) >= n.commit());
    }
    let f = (1..=5).find(|&n| n != l).unwrap();
    c.apply(&Command::Crash(f.into())).unwrap();
    assert_eq!(
        c.committed_held(f),
        committed,
        "crashed: its log still holds them"
    );
    c.apply(&Command::Restart(f.into())).unwrap();
    assert_eq!(
        c.node(f).unwrap().commit(),
        0,
        "the commit index is volatile"
    );
    assert_eq!(c.committed_held(f), committed);

    // The leader, cut off, appends entries that never commit; the others elect a new
    // leader whose entries at those indexes commit instead.
    c.apply(&Command::Isolate(l.into())).unwrap();
    for i in 0..2 {
        c.apply(&Command::Request {
            via: Some(l.into()),
            op: set("lost", &i.to_string()),
        })
        .unwrap();
    }
    c.advance(1_500_000);
    let new = leader(&c);
    assert_ne!(new, l);
    c.apply(&Command::Request {
        via: None,
        op: set("k", "after"),
    })
    .unwrap();
    c.advance(300_000);
    let old = c.node(l).unwrap();
    assert_eq!(old.log().last_index(), committed + 2);
    assert!(c.committed_last() >= committed + 2);
    assert_eq!(
        c.committed_held(l),
        committed,
        "its own entries above {committed} are not the committed ones"
    );
    assert_eq!(c.committed_held(new), c.node(new).unwrap().commit());
    assert_eq!(c.committed_held(99), 0);
}

#[test]
fn a_refusal_names_the_argument_at_fault() {
    let mut c = cluster(3, 5);
    c.run_until(1_000_000);
    let arg = |c: &mut Cluster, cmd: Command| c.apply(&cmd).unwrap_err().arg;
    assert_eq!(arg(&mut c, Command::Crash(7.into())), Some(Arg::Node));
    assert_eq!(
        arg(
            &mut c,
            Command::Request {
                via: Some(0.into()),
                op: set("x", "1")
            }
        ),
        Some(Arg::Via)
    );
    assert_eq!(
        arg(&mut c, Command::Partition(vec![vec![]])),
        Some(Arg::Groups)
    );
    assert_eq!(
        arg(&mut c, Command::DropMessage(1 << 40)),
        Some(Arg::Message)
    );
    let err = c.apply(&Command::Restart(1.into())).unwrap_err();
    assert_eq!(
        (err.arg, err.to_string().as_str()),
        (Some(Arg::Node), "node 1 is already up")
    );
    for id in 1..=3 {
        c.apply(&Command::Crash(id.into())).unwrap();
    }
    let r = c.apply(&Command::Transfer(2.into())).unwrap_err();
    assert_eq!(
        (r.arg, r.message.as_str()),
        (None, "no leader to transfer leadership from")
    );
}

#[test]
fn prometheus_keeps_fabric_names_and_marks_the_simulators_own() {
    let mut c = cluster(3, 6);
    c.run_until(1_000_000);
    let text = c.metrics().prometheus("sim");
    for name in [
        "consensus_etcdraft_cluster_size",
        "consensus_etcdraft_active_nodes",
        "consensus_etcdraft_is_leader",
        "consensus_etcdraft_leader_changes",
        "consensus_etcdraft_proposal_failures",
        "consensus_etcdraft_normal_proposals_received",
        "consensus_etcdraft_config_proposals_received",
        "consensus_etcdraft_committed_block_number",
        "consensus_etcdraft_snapshot_block_number",
    ] {
        assert!(text.contains(&format!("# TYPE {name} ")), "{name}:\n{text}");
    }
    assert!(text.contains("consensus_etcdraft_cluster_size{channel=\"sim\"} 3\n"));
    assert!(!text.contains("consensus_etcdraft_messages"), "{text}");
    for name in [
        "raftsim_messages_sent",
        "raftsim_messages_delivered",
        "raftsim_messages_dropped",
    ] {
        assert!(
            text.contains(&format!("# HELP {name} Messages ")),
            "{name}:\n{text}"
        );
        assert!(text.contains(&format!("# TYPE {name} counter\n")));
        assert!(text.contains(&format!("{name}{{channel=\"sim\",type=\"MsgApp\"}} ")));
    }
    let help: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("# HELP raftsim_"))
        .collect();
    assert_eq!(help.len(), 6);
    assert!(text.contains("# TYPE raftsim_learners gauge\n"));
    assert!(text.contains("raftsim_learners{channel=\"sim\"} 0\n"));
    assert!(help
        .iter()
        .all(|l| l.ends_with("From the simulator, not a Fabric metric.")));
}

/// Fabric's gauges are each node's own: with check-quorum off a leader cut off from the
/// majority still reports is_leader 1 beside the new one. A proposal dropped (no leader
/// known) was still received, as Fabric counts a transaction before ordering it.
#[test]
fn is_leader_is_each_nodes_own_and_a_dropped_proposal_was_received() {
    let script = "nodes 5\nseed 7\ncheckquorum off\nprevote off\ncampaign 3\nrun 300ms\npartition {3,4} {1,2,5}\nrun 1500ms\n";
    let report = raft_sim::scenario::cli::run_source(script, false);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let c = report.cluster.expect("ran");
    let m = c.metrics();
    let leaders: Vec<NodeId> = m
        .is_leader
        .iter()
        .filter(|(_, v)| *v == 1)
        .map(|(n, _)| *n)
        .collect();
    assert_eq!(leaders.len(), 2, "{:?}", m.is_leader);
    assert!(leaders.contains(&3));
    assert!(m
        .prometheus("sim")
        .contains("consensus_etcdraft_is_leader{channel=\"sim\",node=\"3\"} 1\n"));

    // No leader at first: a request via node 2 is dropped, received and failed.
    let script = "nodes 3\nseed 1\nrequest set a=1 via 2\nrun 1ms\n";
    let report = raft_sim::scenario::cli::run_source(script, false);
    let m = report.cluster.expect("ran").metrics();
    assert_eq!((m.normal_proposals_received, m.proposal_failures), (1, 1));
}

/// Fabric numbers blocks, not raft entries: a leader's empty entry and a membership change
/// are no blocks, so its committed and snapshot block numbers run below the raft indexes,
/// which the simulator gives as its own gauges.
#[test]
fn block_numbers_count_client_commands_not_raft_entries() {
    let script = "nodes 3\nseed 1\nsnapshot-every 3\nrun 1s\nrequest set a=1\nrequest set b=2\nrequest set c=3\nrequest set d=4\nrun 1s\n";
    let report = raft_sim::scenario::cli::run_source(script, false);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let c = report.cluster.expect("ran");
    let m = c.metrics();
    assert_eq!(
        (m.committed_index, m.committed_block),
        (5, 4),
        "one empty entry, four commands"
    );
    assert_eq!((m.snapshot_index, m.snapshot_block), (3, 2));
    let text = m.prometheus("sim");
    for line in [
        "consensus_etcdraft_committed_block_number{channel=\"sim\"} 4\n",
        "consensus_etcdraft_snapshot_block_number{channel=\"sim\"} 2\n",
        "raftsim_committed_index{channel=\"sim\"} 5\n",
        "raftsim_snapshot_index{channel=\"sim\"} 3\n",
    ] {
        assert!(text.contains(line), "{line}{text}");
    }
    // A node restarted from its snapshot counts the blocks in it, and the ones after.
    let script = format!("{script}crash 2\nrun 200ms\nrestart 2\nrun 1s\n");
    let c = raft_sim::scenario::cli::run_source(&script, false)
        .cluster
        .expect("ran");
    assert_eq!(c.server(2).unwrap().kv.blocks, 4);
}
