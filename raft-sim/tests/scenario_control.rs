//! The scenario lines that drive a cluster by hand (starting states, manual mode, ticks,
//! deliveries, drops, messages made by hand) and the expect lines that look at what etcd's
//! unit tests look at: what each does, and what each says when it cannot be done or does not
//! hold.

use raft_sim::scenario::cli::{run_source, Report};

/// Runs `src` (a scenario without a golden log) and returns its report.
fn run(src: &str) -> Report {
    run_source(src, false)
}

/// The errors of a run: parse and run errors, failed expectations.
fn errors(src: &str) -> Vec<String> {
    run(src).errors
}

fn assert_ok(src: &str) {
    let report = run(src);
    assert!(
        report.ok(),
        "{:?}\n{}",
        report.errors,
        report.log.join("\n")
    );
}

/// Three nodes, driven by hand, as etcd's unit tests run them.
const MANUAL: &str =
    "nodes 3\nprevote off\ncheckquorum off\nelection-timeout 10\nheartbeat 1\nmanual on\n";

/// MANUAL with node 1 elected (its first entry committed everywhere).
fn elected() -> String {
    format!("{MANUAL}campaign 1\nstabilize\nexpect leader == 1\n")
}

#[test]
fn in_manual_mode_nothing_happens_by_itself() {
    assert_ok(&format!(
        "{MANUAL}run 10s\nexpect leader == none\nexpect term 1 == 0\ncampaign 1\nrun 10s\n\
         expect messages MsgVote == 2\nexpect role 1 == candidate\nexpect term 1 == 1\n"
    ));
    // Without it, the same cluster elects a leader on its own.
    let auto = "nodes 3\nprevote off\nrun 10s\nexpect leader != none\n";
    assert_ok(auto);
}

#[test]
fn starting_states_are_what_the_nodes_hold() {
    assert_ok(&format!(
        "{MANUAL}state 1 term 3 vote 2 log 1 1 2 commit 2\nsnapshot 2 index 5 term 2\n\
         state 2 log 2 3 commit 6\nexpect term 1 == 3\nexpect vote 1 == 2\n\
         expect log 1 == 1 1 2\nexpect commit 1 == 2\nexpect applied 1 == 2\n\
         expect lastindex 1 == 3\nexpect term 2 == 3\nexpect vote 2 == none\n\
         expect snapshot 2 == 5\nexpect logterm 2 at 5 == 2\nexpect log 2 == 2 3\n\
         expect commit 2 == 6\nexpect log 3 == empty\nexpect term 3 == 0\nexpect violations == 0\n"
    ));
    // `init` gives every other node its log.
    assert_ok(&format!(
        "{MANUAL}init term 2 log 1 2\nstate 3 term 4\nexpect log 1 == 1 2\nexpect term 2 == 2\n\
         expect log 3 == empty\nexpect term 3 == 4\n"
    ));
}

#[test]
fn a_starting_state_for_a_node_the_cluster_lacks_is_refused() {
    // Without `nodes` the parser cannot tell; the cluster (5 nodes by default) can.
    let e = errors("state 7 term 1\n");
    assert_eq!(
        e,
        ["a starting state is given for node 7, but the cluster has nodes 1..=5"]
    );
    let e = errors("state 2 vote 9 term 1\n");
    assert_eq!(e.len(), 1);
    assert!(
        e[0].contains("node 2's starting vote is for node 9, but the cluster has nodes 1..=5"),
        "{e:?}"
    );
}

/// A configuration's starting states that cannot be: the cluster says which, as a typed
/// error with the words a scenario reports.
#[test]
fn bad_starting_states_are_typed_errors() {
    use raft_sim::{Cluster, NodeState, SimConfig, SimConfigError};
    let state = |node, vote, log: &[u64], commit| NodeState {
        node,
        term: 1,
        vote,
        log: log.to_vec(),
        commit,
        snapshot: (0, 0),
    };
    let refused = |states: Vec<NodeState>| {
        let cfg = SimConfig {
            nodes: 3,
            states,
            ..SimConfig::default()
        };
        let e = Cluster::new(cfg).expect_err("refused");
        (e.clone(), e.to_string())
    };
    assert_eq!(
        refused(vec![state(4, 0, &[], 0)]),
        (
            SimConfigError::StateNotInCluster { node: 4, nodes: 3 },
            "a starting state is given for node 4, but the cluster has nodes 1..=3".into()
        )
    );
    assert_eq!(
        refused(vec![state(2, 0, &[], 0), state(2, 0, &[1], 0)]),
        (
            SimConfigError::TwoStates { node: 2 },
            "node 2 is given two starting states".into()
        )
    );
    assert_eq!(
        refused(vec![state(2, 0, &[1, 1], 3)]),
        (
            SimConfigError::CommitOutsideLog {
                node: 2,
                commit: 3,
                first: 0,
                last: 2
            },
            "node 2's commit index 3 is outside its log (0..=2)".into()
        )
    );
    // Every entry of a starting state is checked, not only the ends (a node restarting on
    // the storage it wrote checks only those).
    assert_eq!(
        refused(vec![state(2, 0, &[1, 3, 2, 3], 0)]),
        (
            SimConfigError::State {
                node: 2,
                error: raft_core::config::ConfigError::LogTermDecreases { index: 3 }
            },
            "node 2's state: stored log term goes down at index 3".into()
        )
    );
    assert_eq!(
        refused(vec![state(2, 9, &[], 0)]),
        (
            SimConfigError::VoteNotInCluster {
                node: 2,
                vote: 9,
                nodes: 3
            },
            "node 2's starting vote is for node 9, but the cluster has nodes 1..=3".into()
        )
    );
}

#[test]
fn ticks_by_hand() {
    // A follower's election timeout, drawn from [10, 20), fires within 19 ticks; `tick` says
    // how many it gave.
    let src = format!(
        "{MANUAL}tick 1\nexpect role 1 == follower\ntick 2 times 3\nexpect role 2 == follower\n\
         tick-election 3\nexpect role 3 == candidate\nexpect term 3 == 1\n\
         expect log contains \"sim: 1 ticked once\"\nexpect log contains \"sim: 2 ticked 3 times\"\n"
    );
    assert_ok(&src);
    // A leader's heartbeat interval, and its check-quorum round.
    assert_ok(&format!(
        "{}drop all\ntick-heartbeat 1\nexpect messages MsgHeartbeat == 2\n",
        elected()
    ));
    let check_quorum = "nodes 3\nprevote off\ncheckquorum on\nelection-timeout 10\nheartbeat 5\n\
                        manual on\ncampaign 1\nstabilize\ntick-election 1\nexpect role 1 == leader\n\
                        tick-election 1\nexpect role 1 == follower\n";
    assert_ok(check_quorum);
}

#[test]
fn deliveries_by_hand() {
    let src = format!(
        "{MANUAL}campaign 1\nexpect messages == 2\n\
         deliver next 1->2\nexpect messages 1->2 == 0\nexpect messages 2->1 == 1\n\
         deliver MsgVoteResp 2->1\nexpect role 1 == leader\n\
         expect messages == 3\n\
         # One MsgApp on a link, then what is left in flight, once: what that causes waits.\n\
         deliver all MsgApp 1->3\nexpect messages MsgApp 1->3 == 0\nexpect messages MsgAppResp 3->1 == 1\n\
         deliver all\nexpect messages MsgVote == 0\nexpect messages MsgApp == 1\n\
         expect messages MsgVoteResp == 1\nexpect messages MsgAppResp == 1\n\
         stabilize\nexpect messages == 0\nexpect commit == 1\n\
         expect log contains \"sim: delivered MsgVote #1 from 1 to 2\"\n"
    );
    assert_ok(&src);
}

#[test]
fn a_message_delivered_by_hand_across_a_partition_does_not_arrive() {
    assert_ok(&format!(
        "{MANUAL}campaign 1\npartition {{1}} {{2,3}}\ndeliver 1->2\nexpect vote 2 == none\n\
         expect log contains \"message #1 did not arrive\"\n"
    ));
}

#[test]
fn drops_by_hand() {
    assert_ok(&format!(
        "{MANUAL}campaign 1\ncampaign 2\nexpect messages == 4\ndrop 1->2\nexpect messages == 3\n\
         drop all\nexpect messages == 0\nexpect log count \"sim: dropped\" == 4\n\
         # Nothing in flight: dropping everything does nothing.\ndrop all\n"
    ));
}

#[test]
fn a_later_message_on_a_link_is_named_by_its_place() {
    // Three heartbeats on one link, and a MsgApp among them: `nth` counts those the
    // selection names, in the order they would arrive.
    let src = format!(
        "{MANUAL}latency 10ms
send MsgHeartbeat 1->2 term 1 commit 1
         send MsgApp 1->2 term 1
send MsgHeartbeat 1->2 term 1 commit 2
         send MsgHeartbeat 1->2 term 1 commit 3
         drop MsgHeartbeat 1->2 nth 2
expect log contains \"sim: dropped MsgHeartbeat #3 from 1 to 2\"
         expect messages MsgHeartbeat 1->2 == 2
         deliver MsgHeartbeat 1->2 nth 2
expect commit 2 == 0
         expect log contains \"sim: delivered MsgHeartbeat #4 from 1 to 2\"
         drop next 1->2 nth 2
expect log contains \"sim: dropped MsgApp #2 from 1 to 2\"
         expect message 1->2 == MsgHeartbeat term 1 commit 1
expect messages 1->2 == 1
         drop MsgHeartbeat 1->2 nth 1
expect messages 1->2 == 0
"
    );
    assert_ok(&src);
    let e = errors(&format!(
        "{MANUAL}send MsgHeartbeat 1->2 term 1
send MsgHeartbeat 1->2 term 1
         drop MsgHeartbeat 1->2 nth 3
"
    ));
    assert_eq!(
        e,
        ["line 9: `drop MsgHeartbeat 1->2 nth 3`: only 2 MsgHeartbeat from 1 to 2 are in flight, not 3"]
    );
    let e = errors(&format!(
        "{MANUAL}drop next 1->2 nth 2
"
    ));
    assert_eq!(
        e,
        ["line 7: `drop next 1->2 nth 2`: no message from 1 to 2 is in flight"]
    );
}

#[test]
fn messages_made_by_hand() {
    let src = format!(
        "{MANUAL}state 2 term 1\nsend MsgApp 1->2 term 2 entries 1 2 commit 1\nexpect messages 1->2 == 1\n\
         expect message 1->2 == MsgApp term 2 entries 1 2 commit 1\nexpect term 2 == 1\n\
         deliver 1->2\nexpect term 2 == 2\nexpect leader 2 == 1\nexpect log 2 == 1 2\nexpect commit 2 == 1\n\
         expect message 2->1 == MsgAppResp term 2 index 2\n\
         expect log contains \"sim: 1 sent #1 to 2 by hand: MsgApp term 2 entries 1 2 commit 1\"\n"
    );
    assert_ok(&src);
    // Every kind but MsgProp can be made by hand.
    let every = "MsgPreVote term 1 logterm 1 index 1\nMsgPreVoteResp term 1 reject\n\
                 MsgVote term 1 transfer\nMsgVoteResp term 1\nMsgAppResp term 1 index 1 reject hint 1\n\
                 MsgHeartbeat term 1 commit 1\nMsgHeartbeatResp term 1\nMsgSnap term 1 index 4 logterm 1\n\
                 MsgTimeoutNow term 1";
    for m in every.lines() {
        let (kind, fields) = m.split_once(' ').unwrap();
        assert_ok(&format!(
            "{MANUAL}send {kind} 1->2 {fields}\nexpect message 1->2 == {m}\n\
             expect messages {kind} 1->2 == 1\ndeliver 1->2\n"
        ));
    }
}

#[test]
fn commands_that_cannot_be_carried_out_say_why() {
    let cases = [
        (
            format!("{MANUAL}deliver 1->2\n"),
            "line 7: `deliver all 1->2`: no message from 1 to 2 is in flight",
        ),
        (
            format!("{MANUAL}campaign 1\ndeliver MsgApp 1->2\n"),
            "line 8: `deliver MsgApp 1->2`: no MsgApp from 1 to 2 is in flight",
        ),
        (
            format!("{MANUAL}drop next 2->1\n"),
            "line 7: `drop next 2->1`: no message from 2 to 1 is in flight",
        ),
        (
            format!("{MANUAL}crash 2\ntick 2\n"),
            "line 8: `tick 2`: node 2 is down",
        ),
        (
            format!("{MANUAL}tick-election leader\n"),
            "line 7: `tick-election leader`: there is no leader at 0.000 s",
        ),
        (
            format!("{MANUAL}deliver MsgApp leader->2\n"),
            "line 7: `deliver MsgApp leader->2`: there is no leader at 0.000 s",
        ),
        // (A node id past the cluster, `send MsgApp 1->7` in the default five, is the
        // parser's to refuse, at its column: parse.rs, node_ids_are_checked_against_nodes.)
        (
            "partition {1,2,3,4,5}\n".to_string(),
            // (Known to the parser, as the cluster's size is: said at its column.)
            "line 1, column 11: a partition needs at least two groups, but this one group holds all 5 nodes\n  partition {1,2,3,4,5}\n            ^",
        ),
    ];
    for (src, want) in cases {
        assert_eq!(errors(&src), [want.to_string()], "{src}");
    }
}

/// The message of each expect line that failed, in order.
fn failures(src: &str) -> Vec<String> {
    errors(src)
        .into_iter()
        .map(|e| {
            let prefix = "expectation failed: ";
            let e = e.strip_prefix(prefix).unwrap_or(&e).to_string();
            // "line N: `expect ...`: message"
            e.splitn(3, ": ").nth(2).unwrap_or(&e).to_string()
        })
        .collect()
}

#[test]
fn failed_expectations_of_scenario_control_say_what_was_found() {
    let src = format!(
        "{}expect leader 2 == 3\nexpect log 2 == 1 1\nexpect log 3 != 1\n\
         expect progress 1->2 match == 2\nexpect progress 1->2 next < 2\n\
         expect progress 1->2 state == probe\nexpect progress 1->2 paused == yes\n\
         expect progress 1->2 inflight > 0\nexpect progress 1->2 snapshot != 0\n\
         expect progress 2->1 match == 1\nexpect progress leader->3 match == 1\n\
         expect messages 1->2 == 1\nexpect message 1->2 == MsgApp term 1\n\
         request set x=1\nexpect message 1->2 == MsgApp term 1 logterm 1 index 1 entries 1\n\
         expect message 1->2 != MsgApp term 1 logterm 1 index 1 entries 1 commit 1\n\
         expect transferee 1 == 2\ncrash 3\nexpect leader 3 == 1\n",
        elected()
    );
    assert_eq!(
        failures(&src),
        [
            "expected leader known to 2 == 3, but it is 1 at 0s",
            "expected log of 2 == 1 1, but it is 1 at 0s",
            "expected log of 3 != 1, but it is 1 at 0s",
            "expected match of 2 at leader 1 == 2, but it is 1 at 0s",
            "expected next of 2 at leader 1 < 2, but it is 2 at 0s",
            "expected state of 2 at leader 1 == probe, but it is replicate at 0s",
            "expected paused of 2 at leader 1 == yes, but it is no at 0s",
            "expected inflight of 2 at leader 1 > 0, but it is 0 at 0s",
            "expected snapshot of 2 at leader 1 != 0, but it is 0 at 0s",
            "node 2 keeps no progress: it is a follower at 0s",
            "expected messages in flight from 1 to 2 == 1, but it is 0 at 0s",
            "expected the next MsgApp from 1 to 2 == MsgApp term 1, but it is none in flight at 0s",
            "expected the next MsgApp from 1 to 2 == MsgApp term 1 logterm 1 index 1 entries 1, but it is MsgApp term 1 logterm 1 index 1 entries 1 commit 1 at 0s",
            "expected the next MsgApp from 1 to 2 != MsgApp term 1 logterm 1 index 1 entries 1 commit 1, but it is MsgApp term 1 logterm 1 index 1 entries 1 commit 1 at 0s",
            "expected transferee of 1 == 2, but it is none at 0s",
            "node 3 is down at 0s",
        ]
    );
}

#[test]
fn progress_is_read_from_whoever_leads_when_checked() {
    let src = format!(
        "{MANUAL}expect progress leader->2 match == 0\ncampaign 1\nstabilize\n\
         expect progress leader->2 match == 1\n"
    );
    assert_eq!(
        failures(&src),
        ["expected a leader to read the progress of 2 from, but there is none at 0s"]
    );
}
