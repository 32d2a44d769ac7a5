//! Logs as platforms keep them: Fabric 2.x orderer lines (plain, in Docker's json-file
//! with colour codes), etcd's JSON in CRI pod logs (one line cut in pieces) and journald,
//! and a Fabric node whose times are written in CET beside others written in UTC.

use raft_sim::import::diagram::clock_skew;
use raft_sim::import::raft_line::Ids;
use raft_sim::import::story::{self, Input, Story};
use std::path::PathBuf;

fn read(names: &[&str], channel: Option<&str>) -> Story {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/data/wrapped");
    let texts: Vec<(String, &str)> = names
        .iter()
        .map(|n| (std::fs::read_to_string(dir.join(n)).unwrap(), *n))
        .collect();
    let inputs: Vec<Input> = texts
        .iter()
        .map(|(text, name)| Input { name, text })
        .collect();
    let s = story::read(&inputs, channel, Ids::Hex);
    assert!(s.skipped.is_empty(), "{names:?}: {:?}", s.skipped);
    assert!(!s.read.is_empty(), "{names:?}");
    s
}

fn nodes(prefix: &str) -> Vec<String> {
    (1..=5).map(|n| format!("{prefix}-node-{n}.log")).collect()
}

/// What two sets of logs of one run must agree on.
fn outline(s: &Story) -> String {
    let campaigns: Vec<String> = s
        .campaigns
        .iter()
        .map(|c| format!("{} {} {} {:?} {}", c.node, c.pre, c.term, c.granted, c.won))
        .collect();
    format!(
        "{:?} {:?} {:?} {}",
        s.nodes,
        s.leaders,
        s.roles,
        campaigns.join("; ")
    )
}

#[test]
fn fabric_2x_lines_are_read_with_their_channel_and_node() {
    let s = read(&["fabric22-orderer1.log"], Some("channel"));
    assert_eq!(s.read.len(), 7);
    assert_eq!(s.leaders.get(&2), Some(&1));
    assert!(s.read.iter().all(|r| r.time_us.is_some()));
    // Docker's json-file of the same coloured lines: the same story, the same times.
    let d = read(&["docker-orderer1.log"], Some("channel"));
    assert_eq!(outline(&d), outline(&s));
    let times = |s: &Story| s.read.iter().map(|r| r.time_us).collect::<Vec<_>>();
    assert_eq!(times(&d), times(&s));
    assert_eq!(
        s.channels.iter().collect::<Vec<_>>(),
        d.channels.iter().collect::<Vec<_>>()
    );
}

#[test]
fn etcd_json_in_cri_pod_logs_reads_as_the_orderers_lines_of_the_same_run() {
    let fabric = nodes("fabric2x");
    let cri = nodes("cri");
    let f = read(&fabric.iter().map(String::as_str).collect::<Vec<_>>(), None);
    let c = read(&cri.iter().map(String::as_str).collect::<Vec<_>>(), None);
    assert_eq!(outline(&c), outline(&f));
    assert_eq!(
        c.read.len(),
        f.read.len(),
        "the line in pieces is read once"
    );
    assert!(c.leaders.len() >= 2);
    assert!(clock_skew(&c).is_empty());
}

#[test]
fn etcd_json_through_journald() {
    let s = read(&["journal-json.log"], None);
    assert_eq!(s.read.len(), 30);
    assert_eq!(s.leaders.get(&1), Some(&3));
    assert!(s.read.iter().all(|r| r.time_us.is_some()));
}

#[test]
fn a_node_writing_cet_keeps_time_with_nodes_writing_utc() {
    let mut names = nodes("fabric2x");
    names[0] = "fabric-cet-node-1.log".into();
    let s = read(&names.iter().map(String::as_str).collect::<Vec<_>>(), None);
    assert!(clock_skew(&s).is_empty(), "{:?}", clock_skew(&s));
    let utc = read(&["fabric2x-node-1.log"], None);
    let cet = read(&["fabric-cet-node-1.log"], None);
    let times = |s: &Story| s.read.iter().map(|r| r.time_us).collect::<Vec<_>>();
    assert_eq!(times(&cet), times(&utc));
}
