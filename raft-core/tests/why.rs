//! The rule behind every decision: each reason is produced by the rule that decides (a table
//! per rule), and a node hands it over with the decision's event and with the answer it
//! sends.

mod common;

use common::*;
use raft_core::why::{append_rule, commit_rule, vote_rule, LogPos, VoteAsk};
use raft_core::{Body, Bytes, MsgKind, Node, Role, Storage, Why, NONE};

fn pos(term: u64, index: u64) -> LogPos {
    LogPos { term, index }
}

/// A rule's reason, by its variant's name, for tables.
fn variant(why: &Why) -> &'static str {
    match why {
        Why::VoteGranted { again: false, .. } => "VoteGranted",
        Why::VoteGranted { again: true, .. } => "VoteGrantedAgain",
        Why::PreVoteGranted { .. } => "PreVoteGranted",
        Why::AlreadyVoted { .. } => "AlreadyVoted",
        Why::HasLeader { .. } => "HasLeader",
        Why::LogBehind { .. } => "LogBehind",
        Why::InLease { .. } => "InLease",
        Why::StaleTerm { .. } => "StaleTerm",
        Why::LogMatches { .. } => "LogMatches",
        Why::LogMismatch { .. } => "LogMismatch",
        Why::OverwritesCommitted { .. } => "OverwritesCommitted",
        Why::BelowCommit { .. } => "BelowCommit",
        Why::OnQuorum { .. } => "OnQuorum",
        Why::EarlierTerm { .. } => "EarlierTerm",
        Why::NotOnQuorum { .. } => "NotOnQuorum",
        Why::Committed { .. } => "Committed",
        Why::HigherTerm { .. } => "HigherTerm",
        Why::QuorumInactive { .. } => "QuorumInactive",
        Why::NotAVoter => "NotAVoter",
        Why::PendingConf => "PendingConf",
        Why::SnapshotNotNewer { .. } => "SnapshotNotNewer",
        Why::NoLeader => "NoLeader",
        Why::Transferring { .. } => "Transferring",
        Why::Leaving => "Leaving",
    }
}

/// (pre, term, vote, lead, msg_term, candidate's log, my log, granted, reason).
type VoteRow = (bool, u64, u64, u64, u64, LogPos, LogPos, bool, &'static str);
/// (leader's previous entry, my term there, my last index, passed, reason, its text).
type AppendRow = (LogPos, Option<u64>, u64, bool, &'static str, &'static str);

#[test]
fn the_vote_rule_says_why_it_grants_or_refuses() {
    // (pre, term, vote, lead, msg_term, candidate log, my log) -> (grant, reason)
    #[rustfmt::skip]
    let table: &[VoteRow] = &[
        // §5.2: a first vote in the term, to an up-to-date candidate.
        (false, 2, NONE, NONE, 2, pos(1, 3), pos(1, 3), true, "VoteGranted"),
        (false, 2, NONE, NONE, 2, pos(2, 1), pos(1, 9), true, "VoteGranted"),
        // A repeated request from the candidate we voted for.
        (false, 2, 1, NONE, 2, pos(1, 3), pos(1, 3), true, "VoteGrantedAgain"),
        // One vote per term.
        (false, 2, 3, NONE, 2, pos(1, 3), pos(1, 3), false, "AlreadyVoted"),
        // A log that is behind is refused whatever else holds.
        (false, 2, 3, NONE, 2, pos(0, 0), pos(1, 3), false, "LogBehind"),
        // etcd: no vote while following a leader of this term.
        (false, 2, NONE, 3, 2, pos(1, 3), pos(1, 3), false, "HasLeader"),
        // §5.4.1: the election restriction, by last term then by length.
        (false, 2, NONE, NONE, 2, pos(1, 3), pos(2, 1), false, "LogBehind"),
        (false, 2, NONE, NONE, 2, pos(1, 2), pos(1, 3), false, "LogBehind"),
        (false, 2, 1, NONE, 2, pos(1, 2), pos(1, 3), false, "LogBehind"),
        // Pre-vote: a later term, granted on the log alone, whoever we voted for.
        (true, 2, 3, 3, 3, pos(1, 3), pos(1, 3), true, "PreVoteGranted"),
        (true, 2, 3, 3, 3, pos(1, 2), pos(1, 3), false, "LogBehind"),
        // A pre-vote for our own term is answered as a vote in it would be (etcd's
        // `canVote`): refused for a vote cast or a leader followed in it, granted otherwise.
        (true, 2, 3, NONE, 2, pos(1, 3), pos(1, 3), false, "AlreadyVoted"),
        (true, 2, NONE, 3, 2, pos(1, 3), pos(1, 3), false, "HasLeader"),
        (true, 2, NONE, NONE, 2, pos(1, 3), pos(1, 3), true, "VoteGranted"),
        (true, 2, 1, NONE, 2, pos(1, 3), pos(1, 3), true, "VoteGrantedAgain"),
        (true, 2, NONE, NONE, 2, pos(1, 2), pos(1, 3), false, "LogBehind"),
    ];
    for (k, &(pre, term, vote, lead, msg_term, candidate, mine, grant, why)) in
        table.iter().enumerate()
    {
        let ask = VoteAsk {
            pre,
            term,
            vote,
            lead,
            msg_term,
            from: 1,
            candidate,
            mine,
        };
        let (g, w) = vote_rule(&ask);
        assert_eq!((g, variant(&w)), (grant, why), "row {k}: {ask:?} -> {w}");
        // A pre-vote's answer, whichever, names the pre-vote rule (it records no vote).
        assert_eq!(w.pre_vote(), pre, "row {k}: {w}");
        assert_eq!(w.rule() == "pre-vote", pre, "row {k}: {w}");
        assert_eq!(w.section().starts_with("thesis §9.6"), pre, "row {k}: {w}");
    }
}

#[test]
fn a_pre_vote_refusal_names_the_pre_vote_rule_it_applied() {
    let texts = [
        (
            Why::AlreadyVoted {
                term: 2,
                vote: 1,
                pre: true,
            },
            "pre-vote: term 2 asked about is mine already, not a later one, and I voted for 1 \
             in it: a vote would be refused (thesis §9.6, §5.2)",
        ),
        (
            Why::HasLeader {
                term: 2,
                lead: 1,
                pre: true,
            },
            "pre-vote: term 2 asked about is mine already, not a later one, and I follow \
             leader 1 in it: a vote would be refused (thesis §9.6, §5.2)",
        ),
        (
            Why::LogBehind {
                candidate: pos(1, 2),
                mine: pos(2, 5),
                pre: true,
            },
            "pre-vote: candidate's log [logterm 1, index 2] is behind mine [logterm 2, index \
             5]: it could not win the election it asks about (thesis §9.6, §5.4.1)",
        ),
        (
            Why::InLease {
                lead: 1,
                remaining_ticks: 10,
                pre: true,
            },
            "pre-vote: heard from leader 1 within the election timeout (10 ticks left): \
             check-quorum's lease, no election is needed (thesis §9.6, §4.2.3)",
        ),
        (
            Why::StaleTerm {
                msg_term: 2,
                term: 3,
                pre: true,
            },
            "pre-vote: term 2 asked about is older than mine (3) (thesis §9.6, §5.1)",
        ),
    ];
    for (why, text) in texts {
        assert_eq!(why.to_string(), text);
    }
    // The same facts for a vote name the vote's rules.
    let vote = Why::AlreadyVoted {
        term: 2,
        vote: 1,
        pre: false,
    };
    assert_eq!(
        vote.to_string(),
        "one vote per term: already voted for 1 in term 2 (§5.2)"
    );
}

fn pre_vote_request(from: u64, term: u64, last: LogPos) -> raft_core::Message {
    msg(
        from,
        2,
        term,
        Body::PreVote {
            last_log_term: last.term,
            last_log_index: last.index,
        },
    )
}

/// etcd raft's `Step` for MsgPreVote: ignored in check-quorum's lease; refused for a term
/// older than ours; granted for a later term whenever the log is up to date, whoever we
/// voted for; for our own term, as a vote would be. Each answer names the pre-vote rule,
/// and a pre-vote changes neither our term nor our vote.
#[test]
fn a_voter_answers_pre_votes_as_etcd_does_and_says_which_rule() {
    // Node 2 at term 2, voted for 1, log [logterm 1, index 2], no leader known.
    let st = || {
        let mut st = Storage::with_log(1, &[1, 1]);
        st.hard_state = raft_core::HardState { term: 2, vote: 1 };
        st
    };
    let mut n = lone_node(&etcd_config(true, true), 2, 3, st());
    take_ready(&mut n);
    let answer = |h: &Handed| {
        let (at, why) = h
            .reasons
            .first()
            .cloned()
            .expect("an answer with its reason");
        let reject = match h.messages[at].body {
            Body::PreVoteResp { reject } => reject,
            ref b => panic!("not a pre-vote answer: {b:?}"),
        };
        (reject, why)
    };

    // A later term, up to date: granted though we voted for 1 (a pre-vote records nothing).
    n.step(pre_vote_request(3, 3, pos(1, 2)));
    let h = take_ready(&mut n);
    let (reject, why) = answer(&h);
    assert!(!reject, "{why}");
    assert!(
        matches!(
            why,
            Why::PreVoteGranted {
                asked: 3,
                term: 2,
                ..
            }
        ),
        "{why}"
    );
    assert_eq!(
        (n.term(), n.vote()),
        (2, 1),
        "a pre-vote changes neither term nor vote"
    );

    // A later term, log behind: refused by the election restriction, as a pre-vote.
    n.step(pre_vote_request(3, 3, pos(1, 1)));
    let (reject, why) = answer(&take_ready(&mut n));
    assert!(reject);
    assert_eq!(
        why,
        Why::LogBehind {
            candidate: pos(1, 1),
            mine: pos(1, 2),
            pre: true
        }
    );

    // Our own term, in which we voted for 1: refused, as a vote in it would be.
    n.step(pre_vote_request(3, 2, pos(1, 2)));
    let (reject, why) = answer(&take_ready(&mut n));
    assert!(reject);
    assert_eq!(
        why,
        Why::AlreadyVoted {
            term: 2,
            vote: 1,
            pre: true
        }
    );
    assert_eq!(why.rule(), "pre-vote");
    // ... and granted to the node we voted for.
    n.step(pre_vote_request(1, 2, pos(1, 2)));
    let (reject, why) = answer(&take_ready(&mut n));
    assert!(!reject, "{why}");
    assert!(
        matches!(
            why,
            Why::VoteGranted {
                again: true,
                pre: true,
                ..
            }
        ),
        "{why}"
    );

    // An older term: refused with ours.
    n.step(pre_vote_request(3, 1, pos(1, 2)));
    let h = take_ready(&mut n);
    let (reject, why) = answer(&h);
    assert!(reject);
    assert_eq!(
        why,
        Why::StaleTerm {
            msg_term: 1,
            term: 2,
            pre: true
        }
    );
    assert_eq!(h.messages[0].term, 2);

    // Within a leader's lease: ignored, no answer.
    n.step(msg(1, 2, 2, Body::Heartbeat { commit: 0 }));
    take_ready(&mut n);
    n.step(pre_vote_request(3, 3, pos(1, 2)));
    let h = take_ready(&mut n);
    assert!(h.messages.is_empty());
    assert_eq!(
        decision(&h).0,
        Some(Why::InLease {
            lead: 1,
            remaining_ticks: 10,
            pre: true
        })
    );
    assert_eq!((n.term(), n.vote()), (2, 1));
}

#[test]
fn the_append_rule_says_where_the_logs_differ() {
    #[rustfmt::skip]
    let table: &[AppendRow] = &[
        (pos(2, 5), Some(2), 7, true, "LogMatches", "log matching: my entry at index 5 has term 2, as the leader's (§5.3)"),
        (pos(0, 0), Some(0), 0, true, "LogMatches", "log matching: the entries start the log (§5.3)"),
        (pos(3, 5), Some(2), 7, false, "LogMismatch", "log matching: my entry at index 5 has term 2, the leader's has term 3 (§5.3)"),
        (pos(3, 9), None, 7, false, "LogMismatch", "log matching: I have no entry at index 9 (my log ends at 7) (§5.3)"),
    ];
    for &(prev, have, last, ok, name, text) in table {
        let why = match append_rule(prev, have, last) {
            Ok(()) => Why::LogMatches {
                index: prev.index,
                term: prev.term,
            },
            Err(why) => why,
        };
        assert_eq!((name == "LogMatches", variant(&why)), (ok, name));
        assert_eq!(why.to_string(), text);
    }
}

#[test]
fn the_commit_rule_holds_entries_of_earlier_terms() {
    let (ok, why) = commit_rule(7, 3, 3);
    assert!(ok);
    assert_eq!(
        why.to_string(),
        "commitment: index 7 is on a quorum and of the current term 3 (§5.3, §5.4.2)"
    );
    let (ok, why) = commit_rule(4, 2, 4);
    assert!(!ok);
    assert_eq!(
        why.to_string(),
        "commitment: index 4 is on a quorum but from term 2, before the current term 4: it \
         commits only with an entry of term 4 (§5.4.2, Figure 8)"
    );
}

#[test]
fn the_election_restriction_reads_as_the_paper_states_it() {
    let why = Why::LogBehind {
        candidate: pos(1, 3),
        mine: pos(2, 4),
        pre: false,
    };
    assert_eq!(
        why.to_string(),
        "election restriction: candidate's log [logterm 1, index 3] is behind mine [logterm 2, \
         index 4] (§5.4.1)"
    );
}

fn vote_request(from: u64, term: u64, last: LogPos) -> raft_core::Message {
    msg(
        from,
        2,
        term,
        Body::Vote {
            last_log_term: last.term,
            last_log_index: last.index,
            transfer: false,
        },
    )
}

/// The reason of the last decision event in `h` (a higher term, say, comes before the vote
/// it leads to), and the reason attached to its answer.
fn decision(h: &Handed) -> (Option<Why>, Option<Why>) {
    let event = h.event_whys.iter().flatten().last().cloned();
    let answer = h.reasons.first().map(|(_, w)| w.clone());
    (event, answer)
}

#[test]
fn a_voter_hands_its_reason_over_with_the_event_and_the_answer() {
    let mut n = lone_node(&paper_config(), 2, 3, Storage::with_log(1, &[1, 1]));
    take_ready(&mut n);
    n.step(vote_request(1, 2, pos(1, 2)));
    let h = take_ready(&mut n);
    let (event, answer) = decision(&h);
    assert_eq!(event.as_ref().map(variant), Some("VoteGranted"));
    assert_eq!(event, answer, "the answer carries the event's reason");
    let (at, _) = h.reasons[0];
    assert_eq!(h.messages[at].kind(), MsgKind::VoteResp);

    // Another candidate in the same term: one vote per term.
    n.step(vote_request(3, 2, pos(1, 2)));
    let h = take_ready(&mut n);
    assert_eq!(
        decision(&h).1,
        Some(Why::AlreadyVoted {
            term: 2,
            vote: 1,
            pre: false
        })
    );

    // A candidate of a later term whose log is behind: the election restriction.
    n.step(vote_request(3, 3, pos(1, 1)));
    let h = take_ready(&mut n);
    assert_eq!(
        decision(&h).1,
        Some(Why::LogBehind {
            candidate: pos(1, 1),
            mine: pos(1, 2),
            pre: false
        })
    );

    // A request from an older term.
    n.step(vote_request(1, 2, pos(1, 2)));
    let h = take_ready(&mut n);
    assert_eq!(
        decision(&h).1,
        Some(Why::StaleTerm {
            msg_term: 2,
            term: 3,
            pre: false
        })
    );
}

#[test]
fn a_voter_in_a_leaders_lease_says_so_and_sends_nothing() {
    let mut n = lone_node(&etcd_config(false, true), 2, 3, Storage::default());
    n.step(msg(1, 2, 1, Body::Heartbeat { commit: 0 }));
    take_ready(&mut n);
    n.step(vote_request(3, 2, pos(0, 0)));
    let h = take_ready(&mut n);
    assert!(h.messages.is_empty());
    assert_eq!(
        decision(&h).0,
        Some(Why::InLease {
            lead: 1,
            remaining_ticks: 10,
            pre: false
        })
    );
}

#[test]
fn a_follower_says_why_it_accepts_or_rejects_an_append() {
    let mut n = lone_node(&paper_config(), 2, 3, Storage::with_log(2, &[1, 2]));
    take_ready(&mut n);
    let app = |prev: LogPos, commit| {
        msg(
            1,
            2,
            2,
            Body::App {
                prev_log_index: prev.index,
                prev_log_term: prev.term,
                entries: entries(prev.index + 1, &[2]),
                commit,
            },
        )
    };
    n.step(app(pos(2, 2), 0));
    let h = take_ready(&mut n);
    assert_eq!(decision(&h).1, Some(Why::LogMatches { index: 2, term: 2 }));

    n.step(app(pos(1, 3), 0));
    let h = take_ready(&mut n);
    let mismatch = Why::LogMismatch {
        index: 3,
        want: 1,
        have: Some(2),
        last: 3,
    };
    assert_eq!(decision(&h), (Some(mismatch.clone()), Some(mismatch)));

    n.step(app(pos(2, 9), 0));
    let h = take_ready(&mut n);
    assert!(matches!(
        decision(&h).1,
        Some(Why::LogMismatch {
            index: 9,
            have: None,
            last: 3,
            ..
        })
    ));

    // Below the commit index, everything matches.
    n.step(app(pos(2, 3), 3));
    take_ready(&mut n);
    n.step(app(pos(1, 1), 3));
    let h = take_ready(&mut n);
    assert_eq!(
        decision(&h).1,
        Some(Why::BelowCommit {
            index: 1,
            committed: 3
        })
    );
}

#[test]
fn a_new_leader_says_it_holds_an_earlier_terms_entry_until_its_own_commits() {
    // Figure 8: the leader of term 3 finds index 2 (term 2) on a quorum, and commits it
    // only once its own no-op (index 3, term 3) is on one.
    let mut n = lone_node(&paper_config(), 1, 3, Storage::with_log(2, &[1, 2]));
    n.campaign();
    n.step(msg(2, 1, 3, Body::VoteResp { reject: false }));
    assert_eq!(n.role(), Role::Leader);
    take_ready(&mut n);
    let app_resp = |index| Body::AppResp {
        index,
        reject: false,
        hint_index: 0,
        hint_term: 0,
    };
    n.step(msg(2, 1, 3, app_resp(2)));
    let h = take_ready(&mut n);
    assert_eq!(
        h.events,
        ["1 [term 3] cannot commit index 2 yet: it is from term 2"]
    );
    let held = Why::EarlierTerm {
        index: 2,
        entry_term: 2,
        term: 3,
    };
    assert_eq!(decision(&h).0, Some(held.clone()));
    assert_eq!(n.commit_status(2), Some(held));
    assert_eq!(
        n.commit_status(3),
        Some(Why::NotOnQuorum {
            index: 3,
            holders: vec![1].into(),
            missing: vec![2, 3].into(),
            needed: 1
        })
    );
    assert_eq!(
        n.commit_status(3).unwrap().to_string(),
        "commitment: index 3 is not on a quorum yet: held by 1; 1 more of 2, 3 would commit it (§5.3)"
    );
    assert_eq!(n.commit_status(4), None, "no such entry");
    // Said once: the same answer again adds no line.
    n.step(msg(2, 1, 3, app_resp(2)));
    assert!(take_ready(&mut n).events.is_empty());

    n.step(msg(2, 1, 3, app_resp(3)));
    let h = take_ready(&mut n);
    assert_eq!(decision(&h).0, Some(Why::OnQuorum { index: 3, term: 3 }));
    assert_eq!(
        n.commit_status(2),
        Some(Why::Committed {
            index: 2,
            committed: 3
        })
    );
    let mut follower = lone_node(&paper_config(), 2, 3, Storage::with_log(2, &[1, 2]));
    assert_eq!(follower.commit_status(1), None, "a follower does not know");
    take_ready(&mut follower);
}

#[test]
fn step_downs_and_dropped_proposals_say_why() {
    // A leader that hears from no one for an election timeout (check-quorum).
    let mut net = Network::new(3, etcd_config(false, true));
    net.elect(1);
    net.isolate(1);
    net.events(1);
    let mut why = None;
    // (The first round still counts the answers to the election.)
    for _ in 0..25 {
        net.node_mut(1).tick();
        let h = net.handle_ready(1);
        why = why.or(h
            .event_whys
            .into_iter()
            .flatten()
            .find(|w| matches!(w, Why::QuorumInactive { .. })));
    }
    assert_eq!(
        why,
        Some(Why::QuorumInactive {
            active: vec![1].into(),
            quorum: 2
        })
    );
    assert_eq!(net.node(1).role(), Role::Follower);

    // A higher term seen.
    let mut n = lone_node(&paper_config(), 2, 3, Storage::default());
    n.step(msg(1, 2, 4, Body::Heartbeat { commit: 0 }));
    let h = take_ready(&mut n);
    assert_eq!(
        decision(&h).0,
        Some(Why::HigherTerm {
            term: 0,
            msg_term: 4,
            from: 1
        })
    );

    // A proposal with no leader to take it.
    let mut n: Node = lone_node(&paper_config(), 2, 3, Storage::default());
    assert!(n.propose(&[Bytes::from("x")]).is_err());
    let h = take_ready(&mut n);
    assert_eq!(decision(&h).0, Some(Why::NoLeader));
}

#[test]
fn a_learner_asked_to_campaign_and_a_stale_message_say_why() {
    // A learner (node 4 of voters 1..3) told to campaign.
    use raft_core::{ConfState, Snapshot};
    let st = Storage {
        snapshot: Snapshot {
            index: 1,
            term: 1,
            conf: ConfState {
                voters: vec![1, 2, 3],
                learners: vec![4],
                ..ConfState::default()
            },
            ..Snapshot::default()
        },
        hard_state: raft_core::HardState { term: 1, vote: 0 },
        ..Storage::default()
    };
    let mut n = lone_node(&paper_config(), 4, 4, st);
    take_ready(&mut n);
    n.campaign();
    let h = take_ready(&mut n);
    assert_eq!(decision(&h).0, Some(Why::NotAVoter));
    assert_eq!(
        Why::NotAVoter.to_string(),
        "membership: a learner, or a node outside the configuration, never stands for election (§6)"
    );
    // A heartbeat answer from an older term is ignored, and says so.
    let mut n = lone_node(&paper_config(), 2, 3, Storage::with_log(3, &[1]));
    take_ready(&mut n);
    n.step(msg(1, 2, 2, Body::HeartbeatResp));
    let h = take_ready(&mut n);
    assert_eq!(
        decision(&h).0,
        Some(Why::StaleTerm {
            msg_term: 2,
            term: 3,
            pre: false
        })
    );
}
