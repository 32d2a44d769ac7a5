//! Every scenario file runs here: the golden scenarios under tests/scenarios, etcd raft's
//! tests translated under tests/scenarios/etcd, membership changes under
//! tests/scenarios/membership, and the guided tour's chapters and the docs'
//! examples under www/scenarios. Expect lines must hold and, where a file has one, the event
//! log must equal the golden log after `----` (rewrite it with `raftsim run FILE --update`
//! when behaviour changes on purpose).

use raft_sim::scenario::cli::run_source;
use raft_sim::scenario::run::{config_for, Runner};
use raft_sim::scenario::{parse, Action};
use raft_sim::Timeline;
use std::path::PathBuf;

fn scenario_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/scenarios")
}

fn txt_files(dir: PathBuf) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    files
}

fn scenario_files() -> Vec<PathBuf> {
    let www = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../www/scenarios");
    let mut files = txt_files(scenario_dir());
    files.extend(etcd_files());
    files.extend(txt_files(scenario_dir().join("membership")));
    files.extend(txt_files(www.join("tour")));
    files.extend(txt_files(www.join("docs")));
    files
}

#[test]
fn every_scenario_file_passes_its_expectations_and_golden_log() {
    let files = scenario_files();
    assert!(files.len() >= 15, "scenario files are missing: {files:?}");
    let mut failures = Vec::new();
    for f in &files {
        let src = std::fs::read_to_string(f).unwrap();
        let report = run_source(&src, false);
        if !report.ok() {
            failures.push(format!(
                "{}: {:?} {}",
                f.display(),
                report.errors,
                report.golden_diff.unwrap_or_default()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "failing scenarios:\n{}",
        failures.join("\n")
    );
}

fn etcd_files() -> Vec<PathBuf> {
    txt_files(scenario_dir().join("etcd"))
}

/// Each translation of an etcd raft test names, in its first line, the test it follows: a
/// test function of one of etcd raft's test files, or a datadriven file of its testdata.
#[test]
fn every_etcd_translation_names_the_test_it_follows() {
    let files = etcd_files();
    assert!(files.len() >= 30, "{} etcd translations", files.len());
    for f in &files {
        let src = std::fs::read_to_string(f).unwrap();
        let first = src.lines().next().unwrap_or("");
        let names_test = first.starts_with("# etcd raft: ")
            && (first.contains("_test.go, Test") || first.contains("testdata/"));
        assert!(names_test, "{}: first line {first:?}", f.display());
        let s = parse(&src).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let expects = s
            .steps
            .iter()
            .filter(|s| matches!(s.action, Action::Expect(_)))
            .count();
        assert!(expects >= 3, "{} checks too little", f.display());
    }
}

fn tour_files() -> Vec<PathBuf> {
    txt_files(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../www/scenarios/tour"))
}

/// The page runs a chapter on a rewindable timeline whose event log keeps 2,000 lines
/// (web/src/lib.rs, `Sim::from_script`): `expect log` lines must hold there too, so no step
/// may log more lines than that.
#[test]
fn tour_chapters_pass_with_the_pages_bounded_log() {
    const PAGE_LOG_LINES: usize = 2_000;
    for f in tour_files() {
        let src = std::fs::read_to_string(&f).unwrap();
        let s = parse(&src).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let mut cfg = config_for(&s).unwrap();
        cfg.log_capacity = PAGE_LOG_LINES;
        let mut runner = Runner::on(Timeline::new(cfg).unwrap(), &s);
        runner
            .run()
            .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        assert!(
            runner.failures().is_empty(),
            "{}: {:?}",
            f.display(),
            runner.failures()
        );
    }
}

/// Every narration step of the tour states what it shows: expect lines right before each
/// pause (after the last command that changes the cluster or lets time pass), at least the
/// leader, the term and the commit index among them.
#[test]
fn every_tour_step_has_expect_lines_before_its_pause() {
    for f in tour_files() {
        let s = parse(&std::fs::read_to_string(&f).unwrap()).unwrap();
        let mut subjects: Vec<String> = Vec::new();
        let mut steps = 0;
        for step in &s.steps {
            match &step.action {
                Action::Expect(e) => {
                    let text = e.to_string();
                    subjects.push(text.split(' ').next().unwrap_or("").to_string());
                }
                Action::Pause(_) => {
                    steps += 1;
                    for needed in ["leader", "term", "commit"] {
                        assert!(
                            subjects.iter().any(|s| s == needed),
                            "{} line {}: no expect {needed} before this pause",
                            f.display(),
                            step.line
                        );
                    }
                    subjects.clear();
                }
                _ => subjects.clear(),
            }
        }
        assert!(steps >= 2, "{} has steps", f.display());
    }
}

/// Node 3's lines from the election logged by a real 5-node etcd raft cluster with pre-vote
/// on (every log at [logterm 1, index 5]; node 3 times out first).
const REFERENCE: &str = include_str!("../../tests/data/etcd-election-node3.log");

/// Replaces the voter ids in "received ... from N" lines by a placeholder: which responses
/// arrive first depends on network latency, not on the protocol.
fn mask_responders(line: &str) -> String {
    match line.split_once(" from ") {
        Some((head, tail)) if head.contains("received Msg") => {
            let rest = tail.split_once(' ').map_or("", |(_, r)| r);
            format!("{head} from ? {rest}")
        }
        _ => line.to_string(),
    }
}

#[test]
fn reference_election_node_3_logs_the_same_lines_in_the_same_order() {
    let src = std::fs::read_to_string(scenario_dir().join("reference-election.txt")).unwrap();
    let report = run_source(&src, false);
    assert!(report.ok(), "{:?}", report.errors);
    let ours: Vec<String> = report
        .log
        .iter()
        .filter(|l| l.starts_with("3 ") || l.starts_with("raft.node: 3 "))
        .skip_while(|l| !l.contains("is starting a new election"))
        .filter(|l| !l.contains("committed up to"))
        .map(|l| mask_responders(l))
        .collect();
    let reference: Vec<String> = REFERENCE.lines().map(mask_responders).collect();
    assert_eq!(ours, reference);
    // The self-votes are not masked away: they come first, from 3 itself.
    assert!(report
        .log
        .iter()
        .any(|l| l == "3 received MsgPreVoteResp from 3 at term 1"));
}

#[test]
fn old_leader_returning_with_pre_vote_leaves_the_cluster_term_unchanged() {
    let src = std::fs::read_to_string(scenario_dir().join("old-leader-returns.txt")).unwrap();
    let report = run_source(&src, false);
    assert!(report.ok(), "{:?}", report.errors);
    let c = report.cluster.expect("ran");
    let terms: Vec<u64> = c
        .servers()
        .iter()
        .map(|s| s.node().expect("up").term())
        .collect();
    assert_eq!(
        terms,
        vec![2; 5],
        "every node ends at the term the new leader was elected in"
    );
    assert!(report
        .log
        .iter()
        .any(|l| l.contains("rejected MsgPreVote from 3")));
}
