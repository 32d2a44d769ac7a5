//! The scenario parser against malformed input, random syntax trees and random garbage.

use raft_core::message::MsgKind;
use raft_sim::message_spec::{Field, MessageSpec};
use raft_sim::scenario::{
    parse, Action, At, CmpOp, Command, Expectation, ExpectedRole, FlowState, InitState, KvOp,
    Latency, Micros, NetworkChange, NodeSetup, ParseError, Probability, ProgressValue, Scenario,
    Selection, Settings, Step, Take, Target, Ticks,
};

/// Every row: input, line, column, a fragment the message must contain.
const MALFORMED: &[(&str, usize, usize, &str)] = &[
    ("crash x", 1, 7, "expected a node id (1..=5) or \"leader\", found \"x\""),
    ("nodes 5\ncrash x", 2, 7, "expected a node id (1..=5) or \"leader\", found \"x\""),
    ("crsh 3", 1, 1, "unknown command \"crsh\" (did you mean \"crash\"?)"),
    ("at 1s frobnicate", 1, 7, "unknown command \"frobnicate\"; the commands are crash,"),
    ("{1,2}", 1, 1, "expected a command or a setting, found \"{\""),
    ("  ---- ", 1, 3, "must be exactly \"----\""),
    ("run 1.5", 1, 5, "duration \"1.5\" needs a unit: us, ms or s"),
    ("run -5ms", 1, 5, "duration \"-5ms\" cannot be negative"),
    ("run 5min", 1, 5, "unknown unit \"min\"; use us, ms or s"),
    ("run 1.0000001s", 1, 5, "more precise than 1us"),
    ("run 99999999999999999999s", 1, 5, "is too large"),
    ("at 18446744073709s run 1s", 1, 4, "past 86400s, the longest a scenario runs"),
    ("at 86400s run 1us", 1, 15, "past 86400s, the longest a scenario runs"),
    ("at", 1, 3, "expected a time like 10ms, 1.5s or 2500us, found end of line"),
    ("at 1s", 1, 6, "expected a command after the time, found end of line"),
    ("at 2s heal\nat 1s heal", 2, 4, "at 1s would go back in time: the scenario already reaches 2s at line 1"),
    ("at +1s heal\nrun 500ms\nat 1.2s heal", 3, 4, "already reaches 1.5s at line 2"),
    ("nodes 0", 1, 7, "nodes must be between 1 and 51, found 0"),
    ("nodes 52", 1, 7, "nodes must be between 1 and 51, found 52"),
    ("nodes five", 1, 7, "expected the number of nodes (1..=51), found \"five\""),
    ("seed 0xZZ", 1, 6, "expected a seed (a number, decimal or 0x-hex), found \"0xZZ\""),
    ("seed 0x10000000000000000", 1, 6, "does not fit in 64 bits"),
    ("seed 18446744073709551616", 1, 6, "does not fit in 64 bits"),
    ("prevote yes", 1, 9, "expected \"on\" or \"off\", found \"yes\""),
    ("checkquorum offf", 1, 13, "found \"offf\" (did you mean \"off\"?)"),
    ("heal\nnodes 3", 2, 1, "\"nodes\" is a setting and must come before the first command (line 1)"),
    ("seed 1\n\nseed 2", 3, 1, "\"seed\" is already set on line 1"),
    ("loss 0.1\nloss 0.2", 2, 1, "\"loss\" is already set on line 1"),
    ("at 1s nodes 3", 1, 7, "\"nodes\" is a setting: settings go at the top of the file, without \"at\""),
    ("latency 30ms..10ms", 1, 15, "the latency range 30ms..10ms is backwards"),
    ("latency 10ms..", 1, 15, "expected the largest latency like 10ms, 1.5s or 2500us, found end of line"),
    ("latency 10ms 20ms", 1, 14, "expected end of line, found \"20ms\""),
    ("loss 1.5", 1, 6, "loss must be between 0 and 1, found \"1.5\""),
    ("duplicate 5%", 1, 11, "expected a probability between 0 and 1 (like 0.05), found \"5%\""),
    ("reorder 0.0000001", 1, 9, "probability \"0.0000001\" has more than 6 decimal places"),
    ("tick 0ms", 1, 6, "a tick must last at least 1us"),
    ("election-timeout 10ms", 1, 18, "counted in ticks"),
    ("heartbeat 0", 1, 11, "must be at least 1 tick"),
    ("election-timeout 4294967296", 1, 18, "must be at most 4294967295 ticks"),
    ("election-timeout 5\nheartbeat 7", 2, 11, "heartbeat 7 must be less than election-timeout 5 (line 1)"),
    ("init term 2 log 1 3", 1, 19, "entry 2 has term 3, later than the nodes' term 2"),
    ("init term 2 log 2 1", 1, 19, "entry 2 has term 1, less than the term 2 before it"),
    ("init term 2 log 0", 1, 17, "entry 1 has term 0, but entry terms start at 1"),
    ("init log 1", 1, 6, "expected \"term\" (as in \"init term 2 log 1 1 2\"), found \"log\""),
    ("init term 1 log", 1, 16, "expected the terms of the log's entries after \"log\""),
    ("init term 1 lg 1", 1, 13, "expected \"log\" or end of line, found \"lg\""),
    ("nodes 3\npartition {1,2,3}", 2, 11, "a partition needs at least two groups, but this one group holds all 3 nodes"),
    ("partition {1,2} {2,3}", 1, 18, "node 2 appears twice in the partition"),
    ("partition {}", 1, 12, "empty group"),
    ("partition 1,2", 1, 11, "expected a group of nodes like {1,2}, found \"1\""),
    ("partition {1 2}", 1, 14, "expected \",\" or \"}\" in a group, found \"2\""),
    ("partition {1,}", 1, 14, "expected a node id (1..=5), found \"}\""),
    ("partition", 1, 10, "expected a group of nodes like {1,2}, found end of line"),
    ("nodes 4\npartition {1} {5}", 2, 16, "node \"5\" does not exist: node ids are 1..=4"),
    ("drop MsgAppp 1->2", 1, 6, "unknown message kind \"MsgAppp\" (did you mean \"MsgApp\"?); expected \"next\", \"all\", a link like 3->1 or one of MsgPreVote, MsgPreVoteResp, MsgVote"),
    ("drop all Vote 1->2", 1, 10, "unknown message kind \"Vote\" (did you mean \"MsgVote\"?); expected a node id, \"leader\" or one of MsgPreVote"),
    ("drop all next 1->2", 1, 10, "unknown message kind \"next\""),
    ("drop {3}", 1, 6, "expected \"next\", \"all\", a link like 3->1 or one of MsgPreVote, MsgPreVoteResp, MsgVote, MsgVoteResp, MsgApp, MsgAppResp, MsgHeartbeat, MsgHeartbeatResp, MsgSnap, MsgTimeoutNow, MsgProp, found \"{\""),
    ("drop Heartbeat 1->2", 1, 6, "(did you mean \"MsgHeartbeat\"?)"),
    ("drop", 1, 5, "expected \"next\", \"all\", a link like 3->1 or one of MsgPreVote"),
    ("drop MsgApp 1-2", 1, 13, "expected a node id (1..=5) or \"leader\", found \"1-2\""),
    ("drop MsgApp 1 2", 1, 15, "expected \"->\" between the two ends of the link, found \"2\""),
    ("drop all 2->2", 1, 13, "a link joins two different nodes, but both ends are 2"),
    ("drop MsgApp 3->1 nth 0", 1, 22, "places count from 1 (nth 1: the first to arrive)"),
    ("drop MsgApp 3->1 nth -1", 1, 22, "expected a place in the order of arrival (nth 2: the second), found \"-1\""),
    ("drop all MsgApp 3->1 nth 2", 1, 22, "\"nth\" picks one message, but this takes every one on the link; write \"MsgApp 3->1 nth 2\""),
    ("drop 3->1 nth 2", 1, 11, "write \"next 3->1 nth 2\""),
    ("drop MsgApp 3->1 nth 2 nth 3", 1, 24, "expected end of line, found \"nth\""),
    ("request put x=1", 1, 9, "expected \"set\" or \"del\", found \"put\""),
    ("request set 1x=2", 1, 13, "invalid key \"1x\""),
    ("request set héllo=2", 1, 13, "invalid key \"héllo\""),
    ("request set x 1", 1, 15, "expected \"=\" and a value after the key, found \"1\""),
    ("request set =1", 1, 13, "expected a key, found \"=\""),
    ("request set x=", 1, 15, "expected a value, found end of line"),
    ("request set x=a\"b", 1, 16, "a value containing '\"' must be written in double quotes"),
    ("request set x=1 via", 1, 20, "expected a node id (1..=5) or \"leader\", found end of line"),
    ("request del x 3", 1, 15, "expected end of line, found \"3\""),
    ("pause Node 3", 1, 7, "expected the text to show, in double quotes, found \"Node\""),
    ("pause \"abc", 1, 7, "unterminated string"),
    ("pause \"a\\qb\"", 1, 9, "unknown escape \"\\q\""),
    ("pause \"héllo\" x", 1, 15, "expected end of line, found \"x\""),
    ("\tcrash\tx", 1, 8, "found \"x\""),
    ("expect leader = 3", 1, 15, "expected a comparison (==, !=, <, <=, >, >=), found \"=\" (did you mean \"==\"?)"),
    ("expect leader < 3", 1, 15, "the leader can only be compared with == or !=, not <"),
    ("expect leader == nobody", 1, 18, "expected a node id (1..=5) or \"none\", found \"nobody\""),
    ("expect role 3 == boss", 1, 18, "expected a role (follower, pre-candidate, candidate, leader, crashed), found \"boss\""),
    ("expect role 3 == folower", 1, 18, "(did you mean \"follower\"?)"),
    ("expect role == leader", 1, 13, "expected a node id (1..=5), found \"==\""),
    ("expect term x == 2", 1, 13, "expected a node id (1..=5) or a comparison (==, !=, <, <=, >, >=), found \"x\""),
    ("expect term == two", 1, 16, "expected a term, found \"two\""),
    ("expect lead == 3", 1, 8, "unknown expectation \"lead\" (did you mean \"leader\"?)"),
    ("expect", 1, 7, "expected one of leader, term, role, commit, applied, value, violations, messages, message, vote, snapshot, lastindex, logterm, progress, transferee, followers, pre-candidates, candidates, leaders, crashed, partition, log, voters, learners, joint, found end of line"),
    ("expect messages MsgAp == 1", 1, 17, "expected a message kind (like MsgApp), a link (like 1->2) or a comparison (==, !=, <, <=, >, >=), found \"MsgAp\" (did you mean \"MsgApp\"?)"),
    ("expect vote 2 > 3", 1, 15, "a vote can only be compared with == or !=, not >"),
    ("expect vote == 3", 1, 13, "expected a node id (1..=5), found \"==\""),
    ("expect vote 2 == nobody", 1, 18, "expected a node id (1..=5) or \"none\", found \"nobody\""),
    ("nodes 3\nexpect vote 2 == 4", 2, 18, "node \"4\" does not exist: node ids are 1..=3"),
    ("expect snapshot 1 >= ten", 1, 22, "expected a log index, found \"ten\""),
    ("expect lastindex x == 1", 1, 18, "expected a node id (1..=5) or a comparison (==, !=, <, <=, >, >=), found \"x\""),
    ("expect logterm 1 3 == 1", 1, 18, "expected \"at\" and a log index after the node (as in \"logterm 1 at 5 == 1\"), found \"3\""),
    ("expect logterm 1 at == 1", 1, 21, "expected a log index, found \"==\""),
    ("expect logterm at 3 == 1", 1, 16, "expected a node id (1..=5), found \"at\""),
    ("expect logterm 1 at 3 == one", 1, 26, "expected a term, found \"one\""),
    ("expect candidates == 1,3", 1, 22, "expected a set of nodes like {1,3}, or {} for none, found \"1\""),
    ("expect candidates >= {1}", 1, 19, "a set of nodes can only be compared with == or !=, not >="),
    ("expect followers == {1,1}", 1, 24, "node 1 appears twice in the set"),
    ("expect followers == {1} {2}", 1, 25, "expected end of line, found \"{\""),
    ("expect leaders == {1 2}", 1, 22, "expected \",\" or \"}\" in a group, found \"2\""),
    ("expect candidate == {1}", 1, 8, "unknown expectation \"candidate\" (did you mean \"candidates\"?)"),
    ("expect partition ==", 1, 20, "expected a group of nodes like {1,2}, found end of line"),
    ("nodes 3\nexpect partition == {1,2,3}", 2, 21, "a partition needs at least two groups, but this one group holds all 3 nodes"),
    ("expect partition < none", 1, 18, "a partition can only be compared with == or !=, not <"),
    ("expect partition == {}", 1, 22, "empty group"),
    ("expect partition == {1} {1,2}", 1, 26, "node 1 appears twice in the partition"),
    ("expect log has \"x\"", 1, 12, "expected \"contains\", \"count\" or a node id after \"log\", found \"has\""),
    ("expect log contain \"x\"", 1, 12, "(did you mean \"contains\"?)"),
    ("expect log", 1, 11, "expected \"contains\", \"count\" or a node id after \"log\", found end of line"),
    ("expect log contains x", 1, 21, "expected the text to look for, in double quotes, found \"x\""),
    ("expect log contains \"\"", 1, 21, "the text to look for is empty"),
    ("expect log contains \"a\" == 1", 1, 25, "expected end of line, found \"==\""),
    ("expect log count \"x\" == many", 1, 25, "expected a count, found \"many\""),
    ("expect log count \"x\"", 1, 21, "expected a comparison (==, !=, <, <=, >, >=), found end of line"),
    ("expect commit >= -1", 1, 18, "expected a log index, found \"-1\""),
    ("expect value x > 1", 1, 16, "a value can only be compared with == or !="),
    ("expect messages == 1 2", 1, 22, "expected end of line, found \"2\""),
    ("crash 3 4", 1, 9, "expected end of line, found \"4\""),
    ("heal now", 1, 6, "expected end of line, found \"now\""),
    ("restart leader", 1, 9, "\"restart leader\" names no node"),
    ("transfer leader", 1, 10, "\"transfer leader\" would hand leadership to the node that has it"),
    ("nodes 3\n\n# a comment\ncampaign 7", 4, 10, "node \"7\" does not exist: node ids are 1..=3"),
    ("crash 99999999999999999999999", 1, 7, "does not exist: node ids are 1..=5"),
    // Settings of scenario control.
    ("manual yes", 1, 8, "expected \"on\" or \"off\", found \"yes\""),
    ("max-inflight 0", 1, 14, "max-inflight must be at least 1"),
    ("max-inflight many", 1, 14, "expected a number of messages, found \"many\""),
    ("state 2", 1, 8, "expected term, vote, log or commit after the node, found end of line"),
    ("state x term 1", 1, 7, "expected a node id (1..=51), found \"x\""),
    ("nodes 3\nstate 4 term 1", 2, 7, "node \"4\" does not exist: node ids are 1..=3"),
    ("state 2 tem 1", 1, 9, "expected term, vote, log or commit (as in \"state 2 term 3 vote 1 log 1 1 2 commit 2\"), found \"tem\" (did you mean \"term\"?)"),
    ("state 2 term 1 term 2", 1, 16, "\"term\" is already given on this line"),
    ("state 2 term 1 log 1 2", 1, 14, "node 2's term 1 is below the term 2 of its last entry"),
    ("state 2 log 2 1", 1, 15, "entry 2 has term 1, less than the term 2 before it"),
    ("state 2 log 0", 1, 13, "entry 1 has term 0, but entry terms start at 1"),
    ("state 2 log commit 1", 1, 13, "expected the terms of the log's entries, found \"commit\""),
    ("state 2 log 1 1 commit 3", 1, 24, "node 2's commit index 3 is outside its log (0..=2)"),
    ("state 2 vote 9 term 1\nnodes 3", 2, 7, "nodes 3 leaves out node 9, named on line 1"),
    ("nodes 3\nstate 2 vote 4", 2, 14, "node \"4\" does not exist"),
    ("state 2 term 1\nstate 2 vote 1", 2, 7, "node 2's state is already set on line 1"),
    ("snapshot 2 index 5", 1, 19, "expected \"term\" (as in \"snapshot 3 index 5 term 2\"), found end of line"),
    ("snapshot 2 term 5 index 1", 1, 12, "expected \"index\" (as in \"snapshot 3 index 5 term 2\"), found \"term\""),
    ("snapshot 2 index 0 term 1", 1, 18, "a snapshot's index is at least 1"),
    ("snapshot 2 index 5 term 2\nsnapshot 2 index 6 term 2", 2, 10, "node 2's snapshot is already set on line 1"),
    ("snapshot 2 index 5 term 2\nstate 2 log 1", 2, 13, "node 2's log starts with term 1, below the term 2 of its snapshot"),
    ("snapshot 2 index 5 term 2\nstate 2 commit 4", 2, 16, "node 2's commit index 4 is outside its log (5..=5)"),
    ("state 2 term 1\nsnapshot 2 index 5 term 2", 2, 25, "node 2's term 1 is below the term 2 of its last entry (its state is on line 1)"),
    ("state 2 log 1 1 commit 2\nsnapshot 2 index 5 term 1", 2, 18, "node 2's commit index 2 is outside its log (5..=7) (its state is on line 1)"),
    ("at 1s state 2 term 1", 1, 7, "\"state\" is a setting: settings go at the top of the file"),
    // Ticks.
    ("tick 2 times 0", 1, 14, "must be at least 1 tick"),
    ("tick 2 times", 1, 13, "expected how many ticks, found end of line"),
    ("tick 2 twice", 1, 8, "expected \"times\" and a count (as in \"tick 2 times 3\") or end of line, found \"twice\""),
    ("tick 2 times 4294967296", 1, 14, "must be at most 100000 ticks"),
    ("nodes 3\ntick 4", 2, 6, "node \"4\" does not exist: node ids are 1..=3"),
    ("nodes 5\nheal\ntick 10", 3, 6, "node \"10\" does not exist"),
    ("heal\ntick 10ms", 2, 1, "\"tick\" is a setting and must come before the first command (line 1)"),
    ("tick-election", 1, 14, "expected a node id (1..=5) or \"leader\", found end of line"),
    ("tick-heartbeat 1 2", 1, 18, "expected end of line, found \"2\""),
    ("tick-electon 1", 1, 1, "unknown command \"tick-electon\" (did you mean \"tick-election\"?)"),
    // Deliveries.
    ("deliver", 1, 8, "expected \"next\", \"all\", a link like 3->1 or one of MsgPreVote"),
    ("deliver all all", 1, 13, "unknown message kind \"all\""),
    ("deliver 1->1", 1, 12, "a link joins two different nodes, but both ends are 1"),
    ("deliver MsgAp 1->2", 1, 9, "unknown message kind \"MsgAp\" (did you mean \"MsgApp\"?)"),
    ("deliver 1 2", 1, 11, "expected \"->\" between the two ends of the link, found \"2\""),
    ("drop all 1->2 x", 1, 15, "expected end of line, found \"x\""),
    // Messages made by hand.
    ("send MsgApp 1->2", 1, 17, "expected \"term\" and a term: every message carries one (the fields of MsgApp are term, logterm, index, entries, commit)"),
    ("send MsgApp 1->2 term 0", 1, 23, "a message sent by hand has a term of at least 1"),
    ("send MsgAppp 1->2 term 1", 1, 6, "expected a message kind (one of MsgPreVote,"),
    ("send App 1->2 term 1", 1, 6, "found \"App\" (did you mean \"MsgApp\"?)"),
    ("send MsgProp 1->2 term 1", 1, 6, "a MsgProp is not made by hand"),
    ("send MsgApp 2->2 term 1", 1, 16, "a link joins two different nodes, but both ends are 2"),
    ("send MsgApp leader->2 term 1", 1, 13, "expected a node id (1..=5), found \"leader\""),
    ("send MsgHeartbeat 1->2 term 1 entries 1", 1, 31, "MsgHeartbeat has no entries; its fields are term, commit"),
    ("send MsgVote 1->2 term 1 reject", 1, 26, "MsgVote has no reject; its fields are term, logterm, index, transfer"),
    ("send MsgApp 1->2 term 1 tern 2", 1, 25, "expected a field of MsgApp (term, logterm, index, entries, commit), found \"tern\" (did you mean \"term\"?)"),
    ("send MsgApp 1->2 term 1 term 2", 1, 25, "\"term\" is already given on this line"),
    ("send MsgApp 1->2 term 1 entries", 1, 32, "expected the terms of the entries, found end of line"),
    ("send MsgApp 1->2 term 3 entries 3 2", 1, 35, "entry 2 has term 2, less than the term 3 before it"),
    ("send MsgApp 1->2 term 3 logterm 3 index 4 entries 2", 1, 51, "the entries start with term 2, below logterm 3"),
    ("send MsgApp 1->2 term 3 commit x", 1, 32, "expected a log index, found \"x\""),
    // Expectations of scenario control.
    ("expect leader 2 = 1", 1, 17, "found \"=\" (did you mean \"==\"?)"),
    ("expect leader x == 1", 1, 15, "expected a node id (1..=5) or a comparison"),
    ("expect log 2 == ", 1, 16, "expected the terms of the log's entries, or \"empty\", found end of line"),
    ("expect log 2 > 1", 1, 14, "a log can only be compared with == or !=, not >"),
    ("expect log 2 == 2 1", 1, 19, "entry 2 has term 1, less than the term 2 before it"),
    ("expect log 2 == none", 1, 17, "expected the terms of the log's entries, or \"empty\", found \"none\""),
    ("expect progress 1 match == 1", 1, 19, "expected \"->\" between the two ends of the link, found \"match\""),
    ("expect progress 1->1 match == 1", 1, 20, "a leader keeps progress for the other nodes, not for itself (1)"),
    ("expect progress 1->2 mach == 1", 1, 22, "expected what to compare of the progress (match, next, state, paused, inflight, snapshot), found \"mach\" (did you mean \"match\"?)"),
    ("expect progress 1->2 state == probing", 1, 31, "expected a progress state (probe, replicate, snapshot), found \"probing\""),
    ("expect progress 1->2 state < probe", 1, 28, "a progress state can only be compared with == or !=, not <"),
    ("expect progress 1->2 paused == true", 1, 32, "expected whether it is paused (yes, no), found \"true\""),
    ("expect progress 1->2 next >= x", 1, 30, "expected a log index, found \"x\""),
    ("expect progress leader->2 inflight == many", 1, 39, "expected a count, found \"many\""),
    ("expect messages 1->2 MsgApp == 1", 1, 22, "expected a comparison (==, !=, <, <=, >, >=), found \"MsgApp\""),
    ("expect messages MsgApp 1-> == 1", 1, 28, "expected a node id (1..=5), found \"==\""),
    ("expect message 1->2 == MsgApp", 1, 30, "expected \"term\" and a term"),
    ("expect message 1->2 >= MsgApp term 1", 1, 21, "a message can only be compared with == or !=, not >="),
    ("expect message 1->2 == MsgApp term 1 reject", 1, 38, "MsgApp has no reject"),
    ("expect message leader->2 == MsgApp term 1", 1, 16, "expected a node id (1..=5), found \"leader\""),
    ("expect transferee 1 == nobody", 1, 24, "expected a node id (1..=5) or \"none\", found \"nobody\""),
    ("expect transferee == 2", 1, 19, "expected a node id (1..=5), found \"==\""),
];

#[test]
fn malformed_inputs_report_line_column_and_cause() {
    assert!(MALFORMED.len() >= 30);
    let mut failures = Vec::new();
    for &(src, line, column, fragment) in MALFORMED {
        match parse(src) {
            Ok(s) => failures.push(format!("{src:?}: parsed as {s:?}")),
            Err(e) => {
                if (e.line, e.column) != (line, column) || !e.message.contains(fragment) {
                    failures.push(format!(
                        "{src:?}: expected {line}:{column} containing {fragment:?}\n  got {}:{} {:?}",
                        e.line, e.column, e.message
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn error_display_shows_the_line_with_a_caret() {
    let e = parse("nodes 5\n  crash x # oops\n").unwrap_err();
    assert_eq!(
        e.to_string(),
        "line 2, column 9: expected a node id (1..=5) or \"leader\", found \"x\"\n    crash x # oops\n          ^"
    );
    let e = parse("pause \"日本語\" extra").unwrap_err();
    assert_eq!(e.column, 13);
    assert!(
        e.to_string()
            .ends_with("\n  pause \"日本語\" extra\n              ^"),
        "{e}"
    );
}

const EXAMPLES: &[&str] = &[
    r#"# Five nodes, pre-vote on: a returning node cannot disrupt the leader.
nodes 5
seed 0x2a
prevote on
checkquorum off
election-timeout 10
heartbeat 2
tick 10ms
latency 10ms..30ms
loss 0.05
duplicate 0.01
reorder 0.1
snapshot-every 20
init term 1 log 1 1 1 1 1

at 1.5s crash 3
crash leader
restart 3
partition {1,2} {3,4,5}
isolate 2
heal
campaign 3
transfer 2
request set x=1 via 2
request set greeting="hello, world" # a comment
request del x
drop MsgApp 3->1
drop all 3->1
drop next leader->2
drop all MsgVote 2 -> 4
stabilize
run 2s
at +500ms latency 5ms..50ms
loss 0.2
pause "Node 3 came back but could not disrupt the leader"
expect leader == 3
expect leader == none
expect term == 2
expect term 3 == 2
expect role 3 == follower
expect commit >= 5
expect commit 2 == 5
expect value x == 1
expect value x == none
expect applied 2 >= 4
expect violations == 0
expect messages == 0
expect messages MsgApp >= 4
expect vote 2 == 3
expect vote 4 == none
expect snapshot 1 >= 10
expect snapshot == 0
expect lastindex 3 == 12
expect lastindex < 5
expect logterm 1 at 3 == 2
expect candidates == {3,1}
expect pre-candidates == {}
expect followers != {2}
expect leaders == {4}
expect crashed == {5}
expect partition == {1,2} {3}
expect partition != none
expect log contains "3 became leader"
expect log count "said \"no\"" >= 2
----
1: became follower at term 1
----
"#,
    "nodes 3\nrun 1s\nexpect leader != none\n",
    "election-timeout 5\nheartbeat 1\nat 100ms campaign 1\nstabilize\nexpect role 1 == leader\nexpect role 2 == follower\n",
    "nodes 7\nat 0s isolate 1\nat +2.5ms heal\nrun 10s\nexpect term 1 >= 2\nrequest set k=\"a \\\"q\\\" \\\\ b\"\npause \"\\ttab\"\n",
    r#"# Scenario control: every node's state set by hand, nothing happening by itself.
nodes 5
max-inflight 3
manual on
snapshot 3 index 5 term 2
state 3 term 3 vote 1 log 2 3 commit 6
state 1 term 2 log 1 2
state 2 vote 1
tick 2
tick 1 times 4
tick-election leader
tick-heartbeat 3
send MsgApp 2->1 term 3 logterm 2 index 2 entries 3 3 commit 4
send MsgVote 1->3 term 4 logterm 2 index 2 transfer
send MsgAppResp 3->1 term 2 index 5 reject hint 3 logterm 2
send MsgSnap 1->4 term 3 index 11 logterm 2
deliver 2->1
deliver next 1->2
deliver MsgApp leader->3
deliver all MsgVote 1->3
deliver all
drop all
drop 3->1
link 1->2 loss 0.5
link 1->2 reset
expect leader 2 == 1
expect log 1 == 1 2 3 3
expect log 4 == empty
expect progress 1->2 match >= 3
expect progress leader->2 next == 4
expect progress 1->3 state == probe
expect progress 1->3 paused != yes
expect progress 1->3 inflight < 3
expect progress 1->4 snapshot == 11
expect messages 1->2 == 0
expect messages MsgApp 1->2 >= 1
expect message 1->2 == MsgApp term 3 logterm 3 index 4 entries 3 commit 4
expect message 2->1 != MsgVoteResp term 3 reject
expect transferee 1 == 3
expect transferee 2 == none
"#,
];

/// Step line numbers follow the layout, which printing changes; everything else must survive.
fn without_lines(mut s: Scenario) -> Scenario {
    for step in &mut s.steps {
        step.line = 0;
    }
    s
}

fn assert_round_trip(s: &Scenario) {
    let text = s.to_string();
    match parse(&text) {
        Ok(back) => assert_eq!(
            without_lines(back),
            without_lines(s.clone()),
            "printed as:\n{text}"
        ),
        Err(e) => panic!("{e}\nprinted as:\n{text}\nfrom {s:#?}"),
    }
}

#[test]
fn examples_parse_and_round_trip() {
    for src in EXAMPLES {
        let s = parse(src).unwrap_or_else(|e| panic!("{e}"));
        assert_round_trip(&s);
        // Printing is canonical: a second round changes nothing, line numbers included.
        let once = s.to_string();
        assert_eq!(parse(&once).unwrap().to_string(), once);
    }
    let s = parse(EXAMPLES[0]).unwrap();
    assert_eq!(s.steps.len(), 49);
    let control = parse(EXAMPLES[4]).unwrap();
    assert_eq!(control.settings.states.len(), 3);
    assert_eq!(control.steps.len(), 32);
    assert_eq!(s.steps[0].line, 16);
    assert_eq!(
        s.golden,
        Some(vec![
            "1: became follower at term 1".to_string(),
            "----".to_string()
        ])
    );
}

/// splitmix64: small, fast and the same everywhere, so a failure reproduces from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`, `n > 0`.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }

    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.index(items.len())]
    }
}

const ODD_CHARS: &[char] = &[
    'a', 'z', 'Q', '0', '9', ' ', ' ', '"', '\\', '#', '=', ',', '{', '}', '-', '>', '.', '+', '<',
    '!', '\t', '\n', '\r', 'é', '→', '日', '\u{0}', '\u{7f}', '\u{200b}', '\u{2028}', '\u{feff}',
    '😀', '\u{301}',
];

fn random_text(rng: &mut Rng, max_len: usize) -> String {
    if rng.chance(5) {
        return "none".to_string();
    }
    let len = rng.index(max_len + 1);
    (0..len).map(|_| rng.pick(ODD_CHARS)).collect()
}

fn random_key(rng: &mut Rng) -> String {
    const FIRST: &[char] = &['a', 'x', 'Z', '_'];
    const REST: &[char] = &['a', 'k', 'Z', '_', '0', '9', '.', '-'];
    let mut key = rng.pick(FIRST).to_string();
    for _ in 0..rng.index(6) {
        key.push(rng.pick(REST));
    }
    key
}

fn random_duration(rng: &mut Rng) -> Micros {
    match rng.below(4) {
        0 => rng.below(1_000),
        1 => rng.below(1_000) * 1_000,
        2 => rng.below(100) * 1_000_000 + rng.below(1_000_000),
        _ => rng.below(10_000_000),
    }
}

fn random_probability(rng: &mut Rng) -> Probability {
    let ppm = match rng.below(3) {
        0 => 0,
        1 => Probability::SCALE,
        _ => rng.below(u64::from(Probability::SCALE) + 1) as u32,
    };
    Probability::from_ppm(ppm).unwrap()
}

fn random_latency(rng: &mut Rng) -> Latency {
    let min = random_duration(rng);
    if rng.chance(30) {
        Latency::fixed(min)
    } else {
        Latency {
            min,
            max: min + random_duration(rng),
        }
    }
}

fn random_settings(rng: &mut Rng) -> Settings {
    let mut s = Settings::default();
    if rng.chance(60) {
        s.nodes = Some(if rng.chance(80) {
            rng.range(1, 7)
        } else {
            rng.range(1, 51)
        });
    }
    if rng.chance(50) {
        s.seed = Some(rng.next());
    }
    if rng.chance(50) {
        s.prevote = Some(rng.chance(50));
    }
    if rng.chance(50) {
        s.check_quorum = Some(rng.chance(50));
    }
    if rng.chance(50) {
        s.election_timeout = Some(rng.range(1, 1000) as u32);
    }
    if rng.chance(50) {
        match s.election_timeout {
            Some(1) => {}
            Some(t) => s.heartbeat = Some(rng.range(1, u64::from(t) - 1) as u32),
            // Below the default election timeout (15 ticks), as the parser wants.
            None => s.heartbeat = Some(rng.range(1, 14) as u32),
        }
    }
    // An election timeout alone is above the default heartbeat (5 ticks).
    if s.heartbeat.is_none() && s.election_timeout.is_some_and(|t| t <= 5) {
        s.election_timeout = Some(6 + rng.below(100) as u32);
    }
    if rng.chance(50) {
        s.tick = Some(random_duration(rng).max(1));
    }
    if rng.chance(50) {
        s.latency = Some(random_latency(rng));
    }
    if rng.chance(50) {
        s.loss = Some(random_probability(rng));
    }
    if rng.chance(50) {
        s.duplicate = Some(random_probability(rng));
    }
    if rng.chance(50) {
        s.reorder = Some(random_probability(rng));
    }
    if rng.chance(50) {
        s.snapshot_every = Some(if rng.chance(50) {
            rng.below(100)
        } else {
            rng.next()
        });
    }
    if rng.chance(50) {
        let term = rng.below(10);
        let mut log = Vec::new();
        let mut t = 1;
        while term > 0 && rng.chance(70) {
            t = rng.range(t, term);
            log.push(t);
        }
        s.init = Some(InitState { term, log });
    }
    if rng.chance(30) {
        s.manual = Some(rng.chance(50));
    }
    if rng.chance(30) {
        s.max_inflight = Some(rng.range(1, 1000));
    }
    for _ in 0..rng.index(3) {
        let node = rng.range(1, s.nodes.unwrap_or(51));
        s.states
            .insert(node, random_setup(rng, s.nodes.unwrap_or(51)));
    }
    s
}

/// A node's starting state the parser accepts: terms and commit consistent with the log.
fn random_setup(rng: &mut Rng, nodes: u64) -> NodeSetup {
    let snapshot = rng.chance(40).then(|| (rng.range(1, 100), rng.range(1, 5)));
    let snap_term = snapshot.map_or(1, |(_, t)| t);
    let log = rng.chance(60).then(|| random_terms(rng, snap_term));
    let mut setup = NodeSetup {
        snapshot,
        log,
        ..NodeSetup::default()
    };
    if rng.chance(50) {
        setup.term = Some(setup.last_term() + rng.below(3));
    }
    if rng.chance(40) {
        setup.vote = Some(rng.range(1, nodes));
    }
    let first = snapshot.map_or(0, |(i, _)| i);
    if rng.chance(50) || !setup.has_state() && snapshot.is_none() {
        setup.commit = Some(rng.range(first, setup.last_index()));
    }
    setup
}

fn random_target(rng: &mut Rng, nodes: u64) -> Target {
    if rng.chance(20) {
        Target::Leader
    } else {
        Target::Node(rng.range(1, nodes))
    }
}

fn random_op(rng: &mut Rng, equality_only: bool) -> CmpOp {
    if equality_only {
        rng.pick(&[CmpOp::Eq, CmpOp::Ne])
    } else {
        rng.pick(&CmpOp::ALL)
    }
}

/// Distinct node ids in a random order, maybe none.
fn random_set(rng: &mut Rng, nodes: u64) -> Vec<u64> {
    let mut ids: Vec<u64> = (1..=nodes).collect();
    for i in (1..ids.len()).rev() {
        ids.swap(i, rng.index(i + 1));
    }
    ids.truncate(rng.index(ids.len() + 1));
    ids
}

/// Text to look for in the log: never empty.
fn random_log_text(rng: &mut Rng) -> String {
    let text = random_text(rng, 12);
    if text.is_empty() {
        "x".to_string()
    } else {
        text
    }
}

fn random_expectation(rng: &mut Rng, nodes: u64) -> Expectation {
    let node = |rng: &mut Rng| rng.chance(50).then(|| rng.range(1, nodes));
    match rng.below(21) {
        20 => Expectation::Transferee {
            node: rng.range(1, nodes),
            op: random_op(rng, true),
            transferee: node(rng),
        },
        8 => Expectation::Vote {
            node: rng.range(1, nodes),
            op: random_op(rng, true),
            vote: node(rng),
        },
        9 => Expectation::Snapshot {
            node: node(rng),
            op: random_op(rng, false),
            value: rng.below(100),
        },
        10 => Expectation::LastIndex {
            node: node(rng),
            op: random_op(rng, false),
            value: rng.next(),
        },
        11 => Expectation::LogTerm {
            node: rng.range(1, nodes),
            index: rng.below(100),
            op: random_op(rng, false),
            value: rng.below(10),
        },
        12 => Expectation::Members {
            role: rng.pick(&ExpectedRole::ALL),
            op: random_op(rng, true),
            nodes: random_set(rng, nodes),
        },
        13 => Expectation::Partition {
            op: random_op(rng, true),
            groups: match random_partition(rng, nodes) {
                Command::Partition(groups) if nodes >= 2 && rng.chance(80) => groups,
                _ => Vec::new(),
            },
        },
        14 => Expectation::LogContains {
            text: random_log_text(rng),
        },
        15 => Expectation::LogCount {
            text: random_log_text(rng),
            op: random_op(rng, false),
            value: rng.below(5),
        },
        0 => Expectation::Leader {
            node: node(rng),
            op: random_op(rng, true),
            leader: node(rng),
        },
        1 => Expectation::Term {
            node: node(rng),
            op: random_op(rng, false),
            value: rng.below(20),
        },
        2 => Expectation::Role {
            node: rng.range(1, nodes),
            op: random_op(rng, true),
            role: rng.pick(&ExpectedRole::ALL),
        },
        3 => Expectation::Commit {
            node: node(rng),
            op: random_op(rng, false),
            value: rng.next(),
        },
        4 => Expectation::Applied {
            node: node(rng),
            op: random_op(rng, false),
            value: rng.below(50),
        },
        5 => Expectation::Value {
            key: random_key(rng),
            op: random_op(rng, true),
            value: rng.chance(70).then(|| random_text(rng, 8)),
        },
        6 => Expectation::Violations {
            op: random_op(rng, false),
            value: rng.below(3),
        },
        16 => Expectation::Messages {
            kind: rng.chance(50).then(|| rng.pick(&MsgKind::ALL)),
            link: random_link(rng, nodes),
            op: random_op(rng, false),
            value: rng.below(30),
        },
        17 => match random_link(rng, nodes) {
            Some((from, to)) => {
                let kind = rng.pick(&MsgKind::ALL);
                Expectation::Message {
                    from,
                    to,
                    op: random_op(rng, true),
                    message: random_message(rng, kind),
                }
            }
            None => Expectation::Violations {
                op: CmpOp::Eq,
                value: 0,
            },
        },
        18 => Expectation::Log {
            node: rng.range(1, nodes),
            op: random_op(rng, true),
            terms: if rng.chance(20) {
                Vec::new()
            } else {
                random_terms(rng, 1)
            },
        },
        _ => {
            let peer = rng.range(1, nodes);
            let leader = match random_target(rng, nodes) {
                Target::Node(id) if id == peer => Target::Leader,
                t => t,
            };
            let value = match rng.below(6) {
                0 => ProgressValue::Match(rng.below(100)),
                1 => ProgressValue::Next(rng.below(100)),
                2 => ProgressValue::Inflight(rng.below(100)),
                3 => ProgressValue::Snapshot(rng.below(100)),
                4 => ProgressValue::State(rng.pick(&FlowState::ALL)),
                _ => ProgressValue::Paused(rng.chance(50)),
            };
            Expectation::Progress {
                leader,
                peer,
                op: random_op(rng, !value.is_ordered()),
                value,
            }
        }
    }
}

fn random_partition(rng: &mut Rng, nodes: u64) -> Command {
    let mut ids: Vec<u64> = (1..=nodes).collect();
    for i in (1..ids.len()).rev() {
        ids.swap(i, rng.index(i + 1));
    }
    ids.truncate(rng.index(ids.len()) + 1);
    let mut groups: Vec<Vec<u64>> = Vec::new();
    for id in ids {
        match groups.last_mut() {
            Some(group) if rng.chance(60) => group.push(id),
            _ => groups.push(vec![id]),
        }
    }
    if groups.len() == 1 && groups[0].len() as u64 == nodes {
        let last = groups[0].pop().unwrap();
        groups.push(vec![last]);
    }
    Command::Partition(groups)
}

fn random_command(rng: &mut Rng, nodes: u64) -> Command {
    let node = |rng: &mut Rng| Target::Node(rng.range(1, nodes));
    match rng.below(15) {
        0 => Command::Crash(random_target(rng, nodes)),
        1 => Command::Restart(node(rng)),
        2 if nodes >= 2 => random_partition(rng, nodes),
        3 => Command::Isolate(random_target(rng, nodes)),
        4 => Command::Campaign(random_target(rng, nodes)),
        5 => Command::Transfer(node(rng)),
        6 => {
            let op = if rng.chance(70) {
                KvOp::Set {
                    key: random_key(rng),
                    value: random_text(rng, 10),
                }
            } else {
                KvOp::Del {
                    key: random_key(rng),
                }
            };
            let via = rng.chance(50).then(|| random_target(rng, nodes));
            Command::Request { via, op }
        }
        7 => Command::Drop(random_selection(rng, nodes)),
        8 => Command::Stabilize,
        9 if rng.chance(25) => Command::SetNetwork(random_link_config(rng)),
        9 => Command::ChangeNetwork(random_change(rng)),
        10 => Command::Deliver(random_selection(rng, nodes)),
        11 => Command::Tick {
            node: random_target(rng, nodes),
            ticks: match rng.below(3) {
                0 => Ticks::Times(rng.range(1, 100) as u32),
                1 => Ticks::Election,
                _ => Ticks::Heartbeat,
            },
        },
        12 => match random_link(rng, nodes) {
            Some((from, to)) => {
                let kinds: Vec<MsgKind> = MsgKind::ALL
                    .into_iter()
                    .filter(|&k| k != MsgKind::Prop)
                    .collect();
                let kind = rng.pick(&kinds);
                let mut message = random_message(rng, kind);
                message.term = message.term.max(1);
                Command::Send { from, to, message }
            }
            None => Command::Heal,
        },
        13 => match random_link(rng, nodes) {
            Some((from, to)) if rng.chance(30) => Command::SetLink {
                from,
                to,
                link: None,
            },
            Some((from, to)) if rng.chance(20) => Command::SetLink {
                from,
                to,
                link: Some(random_link_config(rng)),
            },
            Some((from, to)) => Command::ChangeLink {
                from,
                to,
                change: random_change(rng),
            },
            None => Command::Heal,
        },
        _ => Command::Heal,
    }
}

fn random_action(rng: &mut Rng, nodes: u64) -> Action {
    match rng.below(10) {
        0 => Action::Run(random_duration(rng)),
        1 => Action::Pause(random_text(rng, 20)),
        2 | 3 => Action::Expect(random_expectation(rng, nodes)),
        4 => match random_command(rng, nodes) {
            // A network setting is no command that `try` takes.
            c @ (Command::ChangeNetwork(_) | Command::SetNetwork(_)) => Action::Command(c),
            c => Action::Try(c),
        },
        _ => Action::Command(random_command(rng, nodes)),
    }
}

/// Every setting of a network, as a line that gives all four writes it.
fn random_link_config(rng: &mut Rng) -> raft_sim::LinkConfig {
    [
        NetworkChange::Latency(random_latency(rng)),
        NetworkChange::Loss(random_probability(rng)),
        NetworkChange::Duplicate(random_probability(rng)),
        NetworkChange::Reorder(random_probability(rng)),
    ]
    .iter()
    .fold(raft_sim::LinkConfig::default(), |link, c| {
        c.applied_to(&link)
    })
}

fn random_change(rng: &mut Rng) -> NetworkChange {
    match rng.below(4) {
        0 => NetworkChange::Latency(random_latency(rng)),
        1 => NetworkChange::Loss(random_probability(rng)),
        2 => NetworkChange::Duplicate(random_probability(rng)),
        _ => NetworkChange::Reorder(random_probability(rng)),
    }
}

fn random_selection(rng: &mut Rng, nodes: u64) -> Selection {
    if rng.chance(15) {
        return Selection::All;
    }
    let kind = rng.chance(70).then(|| rng.pick(&MsgKind::ALL));
    let take = if rng.chance(40) {
        Take::All
    } else if rng.chance(50) {
        Take::FIRST
    } else {
        Take::Nth(rng.range(2, 20) as u32)
    };
    let from = random_target(rng, nodes);
    let mut to = random_target(rng, nodes);
    if from == to && from != Target::Leader {
        to = Target::Leader;
    }
    Selection::Link {
        from,
        to,
        kind,
        take,
    }
}

/// Two different node ids, when the cluster has two nodes.
fn random_link(rng: &mut Rng, nodes: u64) -> Option<(u64, u64)> {
    if nodes < 2 {
        return None;
    }
    let from = rng.range(1, nodes);
    let to = (from + rng.range(1, nodes - 1) - 1) % nodes + 1;
    Some((from, to))
}

/// Log terms from `floor` on: at least one, never decreasing.
fn random_terms(rng: &mut Rng, floor: u64) -> Vec<u64> {
    let mut t = floor.max(1);
    (0..rng.range(1, 6))
        .map(|_| {
            t += rng.below(2);
            t
        })
        .collect()
}

/// A message of `kind` with some of its fields set.
fn random_message(rng: &mut Rng, kind: MsgKind) -> MessageSpec {
    let mut m = MessageSpec::new(kind, rng.below(10));
    for &field in Field::of(kind) {
        if rng.chance(50) {
            continue;
        }
        match field {
            Field::Term => {}
            Field::LogTerm => m.log_term = rng.below(5),
            Field::Index => m.index = rng.below(20),
            Field::Entries => {}
            Field::Commit => m.commit = rng.below(20),
            Field::Reject => m.reject = true,
            Field::Hint => m.hint = rng.below(20),
            Field::Transfer => m.transfer = true,
        }
    }
    if Field::of(kind).contains(&Field::Entries) && rng.chance(50) {
        m.entries = random_terms(rng, m.log_term);
    }
    m
}

/// A scenario the parser could have produced: ids in range, time never going back, and so on.
fn random_scenario(rng: &mut Rng) -> Scenario {
    let settings = random_settings(rng);
    let nodes = settings.nodes.unwrap_or(5);
    let mut clock: Micros = 0;
    let mut steps = Vec::new();
    for i in 0..rng.index(25) {
        let at = match rng.below(5) {
            0 => {
                let d = random_duration(rng);
                clock += d;
                Some(At::Relative(d))
            }
            1 => {
                clock += random_duration(rng);
                Some(At::Absolute(clock))
            }
            _ => None,
        };
        let mut action = random_action(rng, nodes);
        let network = |c: &Command| matches!(c, Command::ChangeNetwork(_) | Command::SetNetwork(_));
        if i == 0 && at.is_none() && matches!(&action, Action::Command(c) if network(c)) {
            action = Action::Command(Command::Stabilize);
        }
        if let Action::Run(d) = action {
            clock += d;
        }
        steps.push(Step {
            line: 0,
            at,
            action,
        });
    }
    let golden = rng.chance(40).then(|| {
        (0..rng.index(5))
            .map(|_| {
                let line = random_text(rng, 12).replace(['\n', '\r'], "");
                if rng.chance(10) {
                    "----".to_string()
                } else {
                    line
                }
            })
            .collect()
    });
    Scenario {
        settings,
        steps,
        golden,
    }
}

#[test]
fn random_scenarios_round_trip() {
    let mut rng = Rng(7);
    for _ in 0..5_000 {
        assert_round_trip(&random_scenario(&mut rng));
    }
}

const VOCABULARY: &[&str] = &[
    "nodes",
    "seed",
    "prevote",
    "checkquorum",
    "election-timeout",
    "heartbeat",
    "tick",
    "latency",
    "loss",
    "duplicate",
    "reorder",
    "snapshot-every",
    "init",
    "term",
    "log",
    "at",
    "crash",
    "restart",
    "partition",
    "isolate",
    "heal",
    "campaign",
    "transfer",
    "request",
    "set",
    "del",
    "via",
    "drop",
    "all",
    "next",
    "stabilize",
    "run",
    "pause",
    "expect",
    "manual",
    "max-inflight",
    "state",
    "snapshot",
    "index",
    "term",
    "vote",
    "tick",
    "times",
    "tick-election",
    "tick-heartbeat",
    "deliver",
    "send",
    "logterm",
    "entries",
    "reject",
    "hint",
    "transfer",
    "message",
    "progress",
    "transferee",
    "match",
    "next",
    "paused",
    "inflight",
    "probe",
    "replicate",
    "yes",
    "no",
    "empty",
    "MsgVoteResp",
    "MsgAppResp",
    "MsgSnap",
    "MsgProp",
    "1->2",
    "leader->3",
    "leader",
    "none",
    "role",
    "commit",
    "applied",
    "value",
    "violations",
    "messages",
    "vote",
    "snapshot",
    "lastindex",
    "logterm",
    "followers",
    "pre-candidates",
    "candidates",
    "leaders",
    "crashed",
    "contains",
    "count",
    "{}",
    "follower",
    "pre-candidate",
    "candidate",
    "crashed",
    "on",
    "off",
    "MsgApp",
    "MsgVote",
    "MsgHeartbeat",
    "0",
    "1",
    "3",
    "5",
    "51",
    "52",
    "0x",
    "0xff",
    "18446744073709551615",
    "18446744073709551616",
    "1.5s",
    "10ms",
    "2500us",
    "1.5",
    "0.05",
    "1.0000001",
    "-1",
    "+",
    "{",
    "}",
    ",",
    "->",
    "..",
    "=",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "!",
    "\"",
    "\"text\"",
    "\"\\",
    "#",
    "----",
    "x=1",
    "k=\"v\"",
    "\n",
    "\r\n",
    "\t",
    " ",
    "é",
    "日本",
];

fn random_line(rng: &mut Rng) -> String {
    let mut line = String::new();
    for _ in 0..rng.range(1, 8) {
        if !line.is_empty() && rng.chance(80) {
            line.push(' ');
        }
        line.push_str(rng.pick(VOCABULARY));
    }
    line
}

/// Snaps a byte offset down to a character boundary so that slicing cannot panic.
fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn mutate(rng: &mut Rng, corpus: &[String], input: &mut String) {
    match rng.below(10) {
        // Byte flips can leave invalid UTF-8; the parser only ever sees `&str`, so repair it.
        0 => {
            let mut bytes = std::mem::take(input).into_bytes();
            for _ in 0..rng.range(1, 4) {
                if !bytes.is_empty() {
                    let i = rng.index(bytes.len());
                    bytes[i] = match rng.below(3) {
                        0 => bytes[i] ^ (1 << rng.below(8)),
                        1 => rng.pick(b" \n#\"{}=.-0123456789"),
                        _ => rng.below(256) as u8,
                    };
                }
            }
            *input = String::from_utf8_lossy(&bytes).into_owned();
        }
        1 => {
            let at = floor_boundary(input, rng.index(input.len() + 1));
            input.truncate(at);
        }
        2 => {
            let other = &corpus[rng.index(corpus.len())];
            let cut = floor_boundary(input, rng.index(input.len() + 1));
            let from = floor_boundary(other, rng.index(other.len() + 1));
            *input = format!("{}{}", &input[..cut], &other[from..]);
        }
        3 => {
            let at = floor_boundary(input, rng.index(input.len() + 1));
            let token = rng.pick(VOCABULARY);
            input.insert_str(at, token);
        }
        4 => {
            let at = floor_boundary(input, rng.index(input.len() + 1));
            for _ in 0..rng.range(1, 3) {
                input.insert(at, rng.pick(ODD_CHARS));
            }
        }
        5 => {
            let at = floor_boundary(input, rng.index(input.len() + 1));
            let line = format!("{}\n", random_line(rng));
            let at = input[..at].rfind('\n').map_or(0, |i| i + 1);
            input.insert_str(at, &line);
        }
        6 => {
            let start = floor_boundary(input, rng.index(input.len() + 1));
            let end = floor_boundary(input, start + rng.index(20));
            input.replace_range(start..end, "");
        }
        7 | 8 => {
            // A well-formed command keeps many inputs valid, so that success paths get mutated too.
            let at = floor_boundary(input, rng.index(input.len() + 1));
            let at = input[..at].rfind('\n').map_or(0, |i| i + 1);
            let line = format!("{}\n", random_command(rng, 3));
            input.insert_str(at, &line);
        }
        _ => {
            let random: u32 = rng.below(0x11_0000) as u32;
            let c = char::from_u32(random).unwrap_or('\u{fffd}');
            let at = floor_boundary(input, rng.index(input.len() + 1));
            input.insert(at, c);
        }
    }
}

/// What must hold of an error whatever the input: it points into the text it quotes.
fn check_error(input: &str, e: &ParseError) {
    let body = input.strip_prefix('\u{feff}').unwrap_or(input);
    let line = body
        .split('\n')
        .nth(e.line - 1)
        .map(|l| l.strip_suffix('\r').unwrap_or(l));
    assert_eq!(line, Some(e.source_line.as_str()), "{e:?} for {input:?}");
    assert!(
        e.column >= 1 && e.column <= e.source_line.chars().count() + 1,
        "{e:?} for {input:?}"
    );
    assert!(!e.message.is_empty());
    let _ = e.to_string();
}

#[test]
fn no_input_makes_the_parser_panic() {
    let mut rng = Rng(0x5eed);
    let mut corpus: Vec<String> = EXAMPLES.iter().map(|s| s.to_string()).collect();
    corpus.extend(MALFORMED.iter().map(|(s, ..)| s.to_string()));
    for _ in 0..50 {
        corpus.push(random_scenario(&mut rng).to_string());
    }
    let (mut ok, mut err) = (0, 0);
    for round in 0..200_000 {
        let mut input = if rng.chance(10) {
            (0..rng.range(1, 6))
                .map(|_| random_line(&mut rng) + "\n")
                .collect()
        } else {
            corpus[rng.index(corpus.len())].clone()
        };
        for _ in 0..rng.range(1, 4) {
            mutate(&mut rng, &corpus, &mut input);
        }
        let result = std::panic::catch_unwind(|| parse(&input));
        match result {
            Err(_) => panic!("round {round}: parse panicked on {input:?}"),
            Ok(Ok(s)) => {
                ok += 1;
                assert_round_trip(&s);
            }
            Ok(Err(e)) => {
                err += 1;
                check_error(&input, &e);
            }
        }
    }
    // Both outcomes must be well exercised, or the mutations are too tame or too wild.
    assert!(ok > 4_000 && err > 100_000, "{ok} parsed, {err} rejected");
}

#[test]
fn membership_commands_parse_and_round_trip() {
    use raft_sim::scenario::{ConfigPart, MemberChange};
    let src = "nodes 3
add 4
add-learner 5
promote 5
remove 2
remove leader
change add 6 7 remove 1 3
change remove 4 add 8 explicit
leave-joint
expect voters == {1,2,3,4}
expect voters 4 == {3,4}
expect learners == {}
expect joint 2 == yes
expect commit 8 >= 1
";
    let s = parse(src).unwrap_or_else(|e| panic!("{e}"));
    assert_round_trip(&s);
    let commands: Vec<&Command> = s
        .steps
        .iter()
        .filter_map(|st| match &st.action {
            Action::Command(c) => Some(c),
            _ => None,
        })
        .collect();
    assert_eq!(
        commands[0],
        &Command::Member(MemberChange::Add {
            node: 4,
            learner: false
        })
    );
    assert_eq!(
        commands[4],
        &Command::Member(MemberChange::Remove(Target::Leader))
    );
    assert_eq!(
        commands[6],
        &Command::Member(MemberChange::Joint {
            add: vec![8],
            remove: vec![4],
            explicit: true
        })
    );
    let joint = s.steps.iter().find_map(|st| match &st.action {
        Action::Expect(e @ Expectation::Config { .. }) if e.to_string().starts_with("joint") => {
            Some(e.clone())
        }
        _ => None,
    });
    assert_eq!(
        joint,
        Some(Expectation::Config {
            node: Some(2),
            what: ConfigPart::Joint,
            op: CmpOp::Eq,
            nodes: vec![],
            joint: true
        })
    );

    // A new node takes the next id; a change names at least one node.
    for (src, col, fragment) in [
        ("nodes 3\nadd 5\n", 5, "node \"5\" does not exist"),
        ("nodes 3\nchange\n", 7, "adds or removes at least one node"),
        (
            "nodes 3\nchange explicit 2\n",
            17,
            "expected \"add\" or \"remove\"",
        ),
        ("nodes 3\npromote 4\n", 9, "does not exist"),
        (
            "nodes 3\nexpect joint == maybe\n",
            17,
            "whether it is joint (yes, no)",
        ),
    ] {
        let e = parse(src).unwrap_err();
        assert_eq!((e.line, e.column), (2, col), "{src:?}: {e}");
        assert!(e.to_string().contains(fragment), "{src:?}: {e}");
    }
}
