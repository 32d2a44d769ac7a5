//! The scenario language: scripts that set up a cluster, disturb it and check what happens.
//!
//! A scenario is line based, like etcd's datadriven test files, so that it can be written by hand
//! and diffed. `#` starts a comment anywhere outside a quoted string. A file is:
//!
//! ```text
//! # settings: at the top, each at most once
//! nodes 5                     # 1..=51; 5 when not written, and node ids are checked
//!                             # against it
//! seed 42                     # decimal or 0x-hex
//! prevote on                  # on|off
//! checkquorum off             # on|off
//! election-timeout 10         # ticks; each node draws its timeout from [T, 2T)
//! heartbeat 2                 # ticks; less than election-timeout (defaults: 15 and 5)
//! tick 10ms                   # the length of a tick
//! latency 10ms..30ms          # one-way; a single duration means fixed
//! loss 0.05                   # probabilities, 0..=1
//! duplicate 0.01
//! reorder 0.1
//! snapshot-every 20           # compact after this many applied entries; 0 = never
//! init term 1 log 1 1 1       # every node starts at this term with this log
//! max-inflight 3              # unacknowledged MsgApp a leader keeps per follower (64)
//! manual on                   # nothing happens by itself: nodes tick and messages arrive
//!                             # only on command lines (etcd's datadriven and unit tests)
//! state 2 term 3 vote 1 log 1 1 2 commit 2   # node 2's own starting state, instead of
//!                             # init's; fields in any order, each left out: the last
//!                             # entry's term, no vote, no entries, commit at the snapshot
//! snapshot 3 index 5 term 2   # node 3's log starts with a snapshot up to index 5 (term 2);
//!                             # `state 3 log ...` then lists the entries after it
//!
//! # commands, each optionally timed
//! at 1.5s crash 3             # absolute time; `at +500ms` is relative to the previous line's end
//!                             # (a scenario runs a day of simulated time at most)
//! crash leader                # a node id, or `leader`: whoever leads when the command runs
//! restart 3
//! partition {1,2} {3,4,5}     # nodes not listed form one more group
//! isolate 2
//! heal
//! campaign 3
//! transfer 2
//! request set x=1 via 2       # or `request del x`; without `via`, through the leader
//! drop MsgApp 3->1            # the next MsgApp in flight on that link; also `drop next 3->1`
//!                             # (any kind), `drop 3->1` or `drop all 3->1` (every one on
//!                             # the link), `drop all MsgApp 3->1`, `drop all` (everything);
//!                             # `drop MsgApp 3->1 nth 2`: the second MsgApp to arrive on
//!                             # the link (`next 3->1 nth 2`: of any kind); Export names a
//!                             # message dropped by hand this way unless it was the first
//! deliver 3->1                # deliver now, without moving the clock, what is in flight on
//!                             # that link, in the order it would arrive; the same choices as
//!                             # drop (`deliver MsgApp 3->1`, `deliver next 3->1`, ...);
//!                             # `deliver all`: everything in flight now, once (what those
//!                             # deliveries cause stays in flight)
//! stabilize                   # deliver until nothing is in flight (bounded; no timer fires)
//! tick 2                      # tick node 2's logical clock now (`tick 2 times 5`, at most
//!                             # 100000 times), nothing
//!                             # delivered; `tick-election 2`: until its election timeout
//!                             # elapses (a follower campaigns, a leader ends a check-quorum
//!                             # round); `tick-heartbeat 2`: the heartbeat interval
//! send MsgApp 1->2 term 3 logterm 2 index 5 entries 3 3 commit 4   # a message made by
//!                             # hand, put in flight; fields in any order, `term` required:
//!                             # MsgPreVote, MsgVote: logterm index (MsgVote: transfer);
//!                             # MsgPreVoteResp, MsgVoteResp: reject; MsgApp: logterm index
//!                             # entries commit; MsgAppResp: index reject hint logterm;
//!                             # MsgHeartbeat: commit; MsgSnap: index logterm (of the
//!                             # snapshot's last entry); MsgHeartbeatResp, MsgTimeoutNow
//! run 2s
//! loss 0.2                    # network settings among commands change the network from then on;
//!                             # all four on one line set it in one change (also after `link`):
//!                             # `latency 40ms..120ms loss 0.2 duplicate 0 reorder 0`
//! pause "Node 3 came back"    # a narration stop in the page
//! add 6                       # membership changes, proposed to the leader: add a voter;
//!                             # a new node takes the next id (up to 51) and starts empty
//! add-learner 6               # a learner (receives the log, never votes or counts)
//! promote 6                   # a learner becomes a voter
//! remove 3                    # or `remove leader`
//! change add 6 7 remove 1 2   # one joint change (C_old,new), left automatically;
//!                             # `... explicit`: left only on `leave-joint`
//! leave-joint
//! try add 6                   # a command whose refusal does not stop the script (a leader
//!                             # refusing a membership change logs and counts it all the same)
//!
//! # checks of the moment they run at; numbers take == != < <= > >=, the rest == and != only
//! expect leader == 3          # or none
//! expect term 3 >= 2          # the node's term; without a node, the leader's
//! expect role 3 == follower   # pre-candidate, candidate, leader, crashed
//! expect commit 3 >= 2        # also applied; without a node, the lowest live node's
//! expect value x == 1         # in the leader's store; `none` when absent
//! expect violations == 0      # safety violations found so far
//! expect messages == 0        # in flight; `messages MsgApp == 4` counts one kind,
//!                             # `messages 1->2 == 1` one link, `messages MsgApp 1->2` both
//! expect message 1->2 == MsgApp term 1 logterm 1 index 1 entries 1 commit 1
//!                             # the next message of that kind on the link is exactly this
//!                             # (written as `send` writes it), or `none in flight`
//! expect leader 2 == 1        # the leader node 2 knows (without a node: every live node's)
//! expect log 2 == 1 1 2       # the terms of node 2's entries after its snapshot, or `empty`
//! expect progress 1->2 match == 3   # leader 1's progress for node 2: match, next, inflight,
//!                             # snapshot (the index being sent, 0: none); `state == probe`
//!                             # (probe, replicate, snapshot); `paused == yes` (or no);
//!                             # `leader->2` reads whoever leads then
//! expect transferee 1 == 3    # whom leader 1 is handing leadership to, or none
//! expect vote 2 == 3          # whom node 2 voted for in its current term, or none
//! expect snapshot 1 >= 10     # the index its snapshot covers (0: none)
//! expect lastindex 1 == 12    # the index of its log's last entry
//!                             # (snapshot and lastindex: without a node, the lowest over
//!                             # every node; both read stable storage, so crashed nodes too)
//! expect logterm 1 at 3 == 2  # the term of node 1's entry at index 3
//! expect candidates == {1,3}  # exactly the nodes in that role, in any order, {} for none;
//!                             # also followers, pre-candidates, leaders, crashed
//! expect partition == {1,2} {3,4,5}   # as `partition` writes it; or none
//! expect voters == {1,2,3}    # the leader's configuration (`voters 2`: node 2's): its
//!                             # voters (both halves while joint); `learners == {6}`;
//!                             # `joint == yes` (or no)
//! expect log contains "3 became leader"   # some event-log line since the previous pause
//! expect log count "rejected MsgVote" == 2  # how many lines since the previous pause
//! ----
//! expected event log, verbatim
//! ```
//!
//! [`parse`] turns the text into a [`Scenario`]; `Display` on any part of the tree prints it
//! back in this syntax.

pub mod ast;
mod error;
mod lexer;
pub mod parse;

pub use ast::{
    format_duration, is_valid_key, Action, At, CmpOp, Command, ConfigPart, Expectation,
    ExpectedRole, FlowState, InitState, KvOp, Latency, MemberChange, Micros, NetworkChange,
    NodeSetup, Probability, ProgressValue, Scenario, Selection, Settings, Step, Take, Target,
    Ticks, MAX_NODES,
};
pub use parse::{parse, parse_change, ParseError};

// Running a scenario against the simulated cluster.
pub mod cli;
mod expect;
pub mod export;
pub mod run;
