//! One test per rule of the Raft paper (Figure 2, §5), driving real nodes through their
//! public interface. These run the paper's algorithm alone: pre-vote and check-quorum are off
//! unless a test says otherwise (etcd's extensions have their own file).

mod common;

use common::*;
use raft_core::{
    Body, Bytes, Config, Entry, Message, MsgKind, Node, ProposeError, Role, Storage, NONE,
};
use std::collections::BTreeSet;

fn vote_request(from: u64, to: u64, term: u64, last_log_term: u64, last_log_index: u64) -> Message {
    msg(
        from,
        to,
        term,
        Body::Vote {
            last_log_term,
            last_log_index,
            transfer: false,
        },
    )
}

/// The answer a node gave to a single request: the one message it queued.
fn only_reply(node: &mut Node) -> Message {
    let mut out = outbox(node);
    assert_eq!(out.len(), 1, "expected exactly one reply, got {out:?}");
    out.remove(0)
}

// ----- §5.2 Leader election -----

#[test]
fn candidate_increments_term_and_votes_for_itself() {
    let mut net = Network::new(3, paper_config());
    let term = net.node(1).term();
    net.campaign(1);

    let n = net.node(1);
    assert_eq!(n.role(), Role::Candidate);
    assert_eq!(n.term(), term + 1);
    assert_eq!(n.vote(), 1);
    // The new term and the self-vote are on stable storage before any request goes out.
    let hs = n.clone().into_storage().hard_state;
    assert_eq!((hs.term, hs.vote), (term + 1, 1));
    let votes: Vec<_> = n.votes().collect();
    assert_eq!(votes, vec![(1, true)], "only its own vote so far");

    // ... and it issues RequestVote in parallel to each of the other servers.
    let requests: Vec<_> = net
        .take_queue()
        .into_iter()
        .map(|m| (m.kind(), m.to, m.term))
        .collect();
    assert_eq!(
        requests,
        vec![(MsgKind::Vote, 2, term + 1), (MsgKind::Vote, 3, term + 1)]
    );
}

#[test]
fn follower_that_hears_nothing_for_an_election_timeout_becomes_candidate() {
    let mut node = lone_node(&paper_config(), 1, 3, Storage::default());
    let timeout = node.randomized_election_timeout();
    for _ in 0..timeout - 1 {
        node.tick();
    }
    assert_eq!(node.role(), Role::Follower, "one tick before the timeout");
    node.tick();
    assert_eq!(node.role(), Role::Candidate);
    assert_eq!(node.term(), 1);
}

#[test]
fn election_timeout_is_randomized_between_t_and_2t() {
    // A node's first timeout, across many seeds: always in [T, 2T), and spread over it.
    let mut seen = BTreeSet::new();
    for seed in 0..200 {
        let cfg = Config {
            seed,
            ..config_for(&paper_config(), 1, 3)
        };
        let t = cfg.election_tick as u64;
        let mut node = Node::new(cfg, Storage::default()).unwrap();
        let mut ticks = 0;
        while node.role() == Role::Follower {
            node.tick();
            ticks += 1;
            assert!(
                ticks < 2 * t,
                "seed {seed}: no election after {ticks} ticks"
            );
        }
        assert!(ticks >= t, "seed {seed}: election after only {ticks} ticks");
        seen.insert(ticks);
    }
    let t = paper_config().election_tick as u64;
    let all: BTreeSet<u64> = (t..2 * t).collect();
    assert_eq!(seen, all, "every timeout in [T, 2T) should occur");

    // Each new term draws again, so two nodes that collided once need not collide again.
    let mut node = lone_node(&paper_config(), 1, 3, Storage::default());
    let mut drawn = BTreeSet::new();
    for term in 1..=50 {
        node.step(msg(2, 1, term, Body::Heartbeat { commit: 0 }));
        drawn.insert(node.randomized_election_timeout());
    }
    assert!(drawn.len() > 5, "timeouts redrawn per term: {drawn:?}");
}

#[test]
fn voter_grants_at_most_one_vote_per_term() {
    let mut voter = lone_node(&paper_config(), 1, 3, Storage::default());

    voter.step(vote_request(2, 1, 1, 0, 0));
    let reply = only_reply(&mut voter);
    assert_eq!((reply.to, reply.term), (2, 1));
    assert_eq!(reply.body, Body::VoteResp { reject: false });
    assert_eq!(voter.vote(), 2);

    // First come, first served: another candidate of the same term is refused.
    voter.step(vote_request(3, 1, 1, 0, 0));
    let reply = only_reply(&mut voter);
    assert_eq!((reply.to, reply.term), (3, 1));
    assert_eq!(reply.body, Body::VoteResp { reject: true });
    assert_eq!(voter.vote(), 2);

    // A retransmitted request from the candidate it voted for gets the same answer.
    voter.step(vote_request(2, 1, 1, 0, 0));
    assert_eq!(
        only_reply(&mut voter).body,
        Body::VoteResp { reject: false }
    );

    // A new term is a new ballot.
    voter.step(vote_request(3, 1, 2, 0, 0));
    assert_eq!(
        only_reply(&mut voter).body,
        Body::VoteResp { reject: false }
    );
    assert_eq!((voter.term(), voter.vote()), (2, 3));
}

#[test]
fn voter_rejects_candidate_with_less_up_to_date_log() {
    // The voter's log ends with (index 3, term 2). §5.4.1: compare last terms first, then
    // lengths.
    let cases = [
        // (candidate last term, candidate last index, granted)
        (1, 5, false), // a longer log of an older term is less up to date
        (2, 2, false), // same last term, shorter
        (2, 3, true),  // identical
        (2, 4, true),  // same last term, longer
        (3, 1, true),  // newer last term, even if shorter
    ];
    for (last_term, last_index, granted) in cases {
        let mut voter = lone_node(&paper_config(), 1, 3, Storage::with_log(2, &[1, 1, 2]));
        voter.step(vote_request(2, 1, 3, last_term, last_index));
        let reply = only_reply(&mut voter);
        assert_eq!(
            reply.body,
            Body::VoteResp { reject: !granted },
            "candidate log (term {last_term}, index {last_index})"
        );
        assert_eq!(voter.vote(), if granted { 2 } else { NONE });
        // Either way the voter adopts the newer term.
        assert_eq!(voter.term(), 3);
    }
}

#[test]
fn granting_a_vote_resets_the_election_timer() {
    let mut voter = lone_node(&paper_config(), 1, 3, Storage::default());
    let timeout = voter.randomized_election_timeout();
    for _ in 0..timeout - 1 {
        voter.tick();
    }
    // Same term as the voter, so the timeout drawn above stays in force.
    voter.step(vote_request(2, 1, 0, 0, 0));
    assert_eq!(voter.vote(), 2);
    assert_eq!(voter.election_elapsed(), 0);
    for _ in 0..timeout - 1 {
        voter.tick();
    }
    assert_eq!(voter.role(), Role::Follower);
}

#[test]
fn candidate_with_votes_from_a_majority_becomes_leader() {
    // 5 voters, the candidate votes for itself; (granted, rejected) from the others.
    let cases: [(&[u64], &[u64], Role); 6] = [
        (&[2, 3], &[], Role::Leader),
        (&[2], &[], Role::Candidate),
        (&[2], &[3, 4], Role::Candidate),
        (&[], &[2, 3], Role::Candidate),
        (&[], &[2, 3, 4], Role::Follower),
        (&[2], &[3, 4, 5], Role::Follower),
    ];
    for (granted, rejected, want) in cases {
        let mut node = lone_node(&paper_config(), 1, 5, Storage::default());
        node.campaign();
        for (&from, reject) in granted
            .iter()
            .map(|f| (f, false))
            .chain(rejected.iter().map(|f| (f, true)))
        {
            node.step(msg(from, 1, 1, Body::VoteResp { reject }));
        }
        assert_eq!(
            node.role(),
            want,
            "granted by {granted:?}, rejected by {rejected:?}"
        );
        // Losing an election does not change the term: the next one will.
        assert_eq!(node.term(), 1);
    }
}

#[test]
fn candidate_that_hears_from_a_leader_of_its_term_becomes_follower() {
    let mut node = lone_node(&paper_config(), 1, 3, Storage::default());
    node.campaign();
    assert_eq!((node.role(), node.term()), (Role::Candidate, 1));
    node.step(msg(
        2,
        1,
        1,
        Body::App {
            prev_log_index: 0,
            prev_log_term: 0,
            entries: vec![],
            commit: 0,
        },
    ));
    assert_eq!(node.role(), Role::Follower);
    assert_eq!((node.term(), node.leader()), (1, 2));
    // It keeps the vote it cast for itself in that term.
    assert_eq!(node.vote(), 1);
}

#[test]
fn split_vote_leads_to_a_new_election_at_a_higher_term() {
    let mut net = Network::new(4, paper_config());
    net.campaign(1);
    net.campaign(2);
    // Node 3 hears from 1 first, node 4 from 2 first: 2 votes each, 3 needed.
    let requests = net.take_queue();
    let order = [(1, 2), (1, 3), (2, 1), (2, 4), (1, 4), (2, 3)];
    for (from, to) in order {
        let m = requests
            .iter()
            .find(|m| m.from == from && m.to == to)
            .unwrap()
            .clone();
        net.deliver(m);
    }
    net.stabilize();
    for id in net.ids() {
        assert_ne!(net.node(id).role(), Role::Leader, "no one has a majority");
        assert_eq!(net.node(id).term(), 1);
    }
    assert_eq!(net.node(3).vote(), 1);
    assert_eq!(net.node(4).vote(), 2);

    // The randomized timeouts break the tie in a later term.
    let leader = net.tick_until_leader(100);
    assert_eq!(net.node(leader).term(), 2);
}

#[test]
fn single_node_election_logs_its_own_vote_and_the_tally_as_etcd_does() {
    // Alone, a node's own vote decides the election; etcd logs the tally after it.
    let mut net = Network::new(1, etcd_config(true, true));
    net.events(1);
    net.campaign(1);
    assert_eq!(
        net.events(1),
        vec![
            "1 is starting a new election at term 0",
            "1 became pre-candidate at term 0",
            "1 received MsgPreVoteResp from 1 at term 0",
            "1 [quorum:1] has received 1 MsgPreVoteResp votes and 0 vote rejections",
            "1 became candidate at term 1",
            "1 received MsgVoteResp from 1 at term 1",
            "1 [quorum:1] has received 1 MsgVoteResp votes and 0 vote rejections",
            "1 [term 1] committed up to index 1",
            "1 became leader at term 1",
            "raft.node: 1 elected leader 1 at term 1",
        ]
    );
}

#[test]
fn single_node_cluster_elects_itself_and_commits() {
    for template in [paper_config(), etcd_config(true, true)] {
        let mut net = Network::new(1, template);
        let leader = net.tick_until_leader(30);
        assert_eq!(leader, 1);
        assert_eq!(net.node(1).term(), 1);
        // Its no-op is committed by its own vote alone.
        assert_eq!(net.node(1).commit(), 1);

        assert_eq!(net.propose(1, "x"), Ok(()));
        assert_eq!(net.node(1).commit(), 2);
        let rd = net.handle_ready(1);
        assert_eq!(rd.committed.len(), 1);
        assert_eq!(rd.committed[0].data, Bytes::from("x"));
        assert!(rd.messages.is_empty());
        // Alone, it is its own quorum: check-quorum never deposes it.
        net.tick_all(100);
        assert_eq!((net.node(1).role(), net.node(1).term()), (Role::Leader, 1));
    }
}

#[test]
fn campaigning_while_leader_changes_nothing() {
    let mut net = Network::new(3, paper_config());
    net.elect(1);
    let term = net.node(1).term();
    net.campaign(1);
    assert_eq!(
        (net.node(1).role(), net.node(1).term()),
        (Role::Leader, term)
    );
    assert!(net.take_queue().is_empty());
}

#[test]
fn heartbeats_keep_followers_from_starting_elections() {
    let mut net = Network::new(3, paper_config());
    net.elect(1);
    let term = net.node(1).term();
    net.tick_all(200);
    assert_eq!(net.leader(), Some(1));
    for id in net.ids() {
        assert_eq!(net.node(id).term(), term);
    }
    assert!(!net.delivered_of(MsgKind::Heartbeat, 1, 2).is_empty());
}

// ----- §5.1 Terms -----

#[test]
fn higher_term_turns_any_role_into_follower() {
    let heartbeat = |term| msg(2, 1, term, Body::Heartbeat { commit: 0 });

    // Follower.
    let mut node = lone_node(&paper_config(), 1, 3, Storage::default());
    node.step(heartbeat(5));
    assert_eq!(
        (node.role(), node.term(), node.leader()),
        (Role::Follower, 5, 2)
    );

    // Pre-candidate (pre-vote on): a leader of a higher term ends the pre-election.
    let mut node = lone_node(&etcd_config(true, false), 1, 3, Storage::default());
    node.campaign();
    assert_eq!(node.role(), Role::PreCandidate);
    node.step(heartbeat(5));
    assert_eq!(
        (node.role(), node.term(), node.leader()),
        (Role::Follower, 5, 2)
    );

    // Candidate: even a rejection carries the news of a newer term.
    let mut node = lone_node(&paper_config(), 1, 3, Storage::default());
    node.campaign();
    node.step(msg(3, 1, 7, Body::VoteResp { reject: true }));
    assert_eq!(
        (node.role(), node.term(), node.leader()),
        (Role::Follower, 7, NONE)
    );
    assert_eq!(node.vote(), NONE, "no vote cast yet in term 7");

    // Leader.
    let mut net = Network::new(3, paper_config());
    net.elect(1);
    net.node_mut(1).step(msg(2, 1, 9, Body::HeartbeatResp));
    assert_eq!(net.node(1).role(), Role::Follower);
    assert_eq!(net.node(1).term(), 9);
}

#[test]
fn stale_term_messages_are_ignored() {
    let mut node = lone_node(&paper_config(), 1, 3, Storage::with_log(3, &[1, 2]));
    node.tick();
    node.tick();
    let before = log_terms(&node);

    // AppendEntries from a deposed leader: no effect but an answer with the current term
    // (Figure 2: "for leader to update itself"; etcd answers only with pre-vote or
    // check-quorum on); it does not even count as hearing from a leader.
    node.step(msg(
        2,
        1,
        2,
        Body::App {
            prev_log_index: 2,
            prev_log_term: 2,
            entries: entries(3, &[2]),
            commit: 3,
        },
    ));
    assert_eq!(log_terms(&node), before);
    assert_eq!((node.term(), node.leader(), node.commit()), (3, NONE, 0));
    assert_eq!(node.election_elapsed(), 2);
    let out = outbox(&mut node);
    assert_eq!(out.len(), 1, "{out:?}");
    assert_eq!(
        (out[0].to, out[0].term, out[0].kind()),
        (2, 3, MsgKind::AppResp)
    );

    // RequestVote of an older term: no vote, and an answer with the current term "for
    // candidate to update itself" (Figure 2; etcd stays silent here).
    node.step(vote_request(3, 1, 2, 9, 9));
    assert_eq!(node.vote(), NONE);
    let out = outbox(&mut node);
    assert_eq!(out.len(), 1, "{out:?}");
    assert_eq!((out[0].to, out[0].term), (3, 3));
    assert_eq!(out[0].body, Body::VoteResp { reject: true });

    // A vote granted in an older term does not count for the current candidacy.
    node.campaign();
    assert_eq!(node.term(), 4);
    outbox(&mut node);
    node.step(msg(2, 1, 3, Body::VoteResp { reject: false }));
    assert_eq!(node.role(), Role::Candidate);
    assert_eq!(node.votes().find(|(id, _)| *id == 2), None);
}

// ----- §5.3 Log replication -----

#[test]
fn leader_appends_a_noop_entry_when_elected() {
    let mut net = Network::with_storages(paper_config(), vec![Storage::with_log(1, &[1, 1]); 3]);
    net.campaign(1);
    net.stabilize();
    let leader = net.node(1);
    assert_eq!(leader.role(), Role::Leader);
    let last = leader.log().entry(3).expect("a new entry at index 3");
    assert_eq!((last.term, last.index), (2, 3));
    assert!(last.data.is_empty(), "the no-op has no command");
    // Committing it commits the entries of term 1 it follows (§5.4.2, §8).
    for id in net.ids() {
        assert_eq!(net.node(id).commit(), 3);
        assert_eq!(net.app(id).applied.len(), 3);
    }
}

#[test]
fn follower_rejects_append_with_mismatched_prev_log() {
    let append = |prev_log_index, prev_log_term| {
        msg(
            2,
            1,
            3,
            Body::App {
                prev_log_index,
                prev_log_term,
                entries: entries(prev_log_index + 1, &[3]),
                commit: 0,
            },
        )
    };
    let storage = Storage::with_log(2, &[1, 1, 2]);

    // Index 3 holds term 2, not 3.
    let mut node = lone_node(&paper_config(), 1, 3, storage.clone());
    node.step(append(3, 3));
    let reply = only_reply(&mut node);
    assert!(matches!(
        reply.body,
        Body::AppResp {
            index: 3,
            reject: true,
            ..
        }
    ));
    assert_eq!(reply.term, 3);
    assert_eq!(log_terms(&node), vec![(1, 1), (2, 1), (3, 2)]);

    // Index 5 is beyond the log.
    let mut node = lone_node(&paper_config(), 1, 3, storage.clone());
    node.step(append(5, 3));
    assert!(matches!(
        only_reply(&mut node).body,
        Body::AppResp {
            index: 5,
            reject: true,
            ..
        }
    ));
    assert_eq!(node.log().last_index(), 3);

    // The matching entry is accepted (the control case).
    let mut node = lone_node(&paper_config(), 1, 3, storage);
    node.step(append(3, 2));
    assert_eq!(
        only_reply(&mut node).body,
        Body::AppResp {
            index: 4,
            reject: false,
            hint_index: 0,
            hint_term: 0
        }
    );
    assert_eq!(node.log().last_index(), 4);
}

#[test]
fn follower_deletes_conflicting_suffix_and_appends() {
    let mut node = lone_node(
        &paper_config(),
        1,
        3,
        Storage::with_log(2, &[1, 1, 2, 2, 2]),
    );
    let append = |ents: Vec<Entry>| {
        msg(
            2,
            1,
            3,
            Body::App {
                prev_log_index: 2,
                prev_log_term: 1,
                entries: ents,
                commit: 0,
            },
        )
    };
    node.step(append(entries(3, &[3, 3])));
    // Index 3 conflicted: it and everything after it go; the new entries follow.
    assert_eq!(log_terms(&node), vec![(1, 1), (2, 1), (3, 3), (4, 3)]);
    assert_eq!(node.log().entry(3).unwrap().data, Bytes::from("e3"));
    assert!(matches!(
        only_reply(&mut node).body,
        Body::AppResp {
            index: 4,
            reject: false,
            ..
        }
    ));

    // A delayed, shorter copy of the same append must not cut entries it does not mention.
    node.step(append(entries(3, &[3])));
    assert_eq!(log_terms(&node), vec![(1, 1), (2, 1), (3, 3), (4, 3)]);
}

#[test]
fn follower_commit_is_the_leader_commit_capped_at_its_last_new_entry() {
    // Figure 2, AppendEntries rule 5: commitIndex = min(leaderCommit, index of last new
    // entry).
    let mut node = lone_node(&paper_config(), 1, 3, Storage::default());
    node.step(msg(
        2,
        1,
        1,
        Body::App {
            prev_log_index: 0,
            prev_log_term: 0,
            entries: entries(1, &[1, 1]),
            commit: 10,
        },
    ));
    assert_eq!(node.commit(), 2);
    assert_eq!(take_ready(&mut node).committed.len(), 2);

    // The cap matters when the follower holds entries past the ones the leader vouched
    // for: here 3 and 4 of term 2 come from an old leader and may yet be overwritten, so
    // a leader whose own index 4 is committed must not make them committed.
    let mut node = lone_node(&paper_config(), 1, 3, Storage::with_log(2, &[1, 1, 2, 2]));
    node.step(msg(
        2,
        1,
        3,
        Body::App {
            prev_log_index: 2,
            prev_log_term: 1,
            entries: vec![],
            commit: 4,
        },
    ));
    assert_eq!(node.commit(), 2);
}

#[test]
fn commit_index_advances_once_a_majority_holds_an_entry() {
    let mut net = Network::new(5, paper_config());
    net.elect(1);
    let index = net.node(1).log().last_index() + 1;
    for id in [3, 4, 5] {
        net.cut(1, id);
    }
    net.propose(1, "x").unwrap();
    net.stabilize();
    // Leader and node 2: two of five.
    assert_eq!(net.node(2).log().last_index(), index);
    assert!(net.node(1).commit() < index);

    // A third replica makes a majority.
    net.heal();
    net.cut(1, 4);
    net.cut(1, 5);
    net.tick(1, 1);
    net.stabilize();
    assert_eq!(net.node(3).log().last_index(), index);
    assert_eq!(net.node(1).commit(), index);
    assert_eq!(net.node(4).log().last_index(), index - 1);
    assert_eq!(net.app(1).applied.last().unwrap().data, Bytes::from("x"));
}

#[test]
fn followers_learn_commit_index_from_leader() {
    let mut net = Network::new(3, paper_config());
    net.elect(1);
    net.propose(1, "x").unwrap();
    let index = net.node(1).log().last_index();

    // The entry reaches the followers before the leader knows it is committed.
    for m in net.take_queue() {
        net.deliver(m);
    }
    for id in [2, 3] {
        assert_eq!(net.node(id).log().last_index(), index);
        assert!(net.node(id).commit() < index);
    }

    // The acknowledgements commit it at the leader, which tells node 2 at once; the
    // message that would tell node 3 is lost.
    net.drop_if(|m| m.to == 3 && m.kind() == MsgKind::App);
    net.stabilize();
    assert_eq!(net.node(1).commit(), index);
    assert_eq!(net.node(2).commit(), index);
    assert!(net.node(3).commit() < index);

    // The next heartbeat carries the commit index.
    net.clear_filter();
    net.tick(1, 1);
    net.stabilize();
    assert_eq!(net.node(3).commit(), index);
    assert_eq!(net.app(3).applied.last().unwrap().data, Bytes::from("x"));
}

#[test]
fn leader_backs_up_next_index_past_a_conflicting_term_in_one_round_trip() {
    // Figure 7: the leader for term 8, and follower (f), who holds 3 entries of term 2 and 5
    // of term 3 that no one else has.
    let leader_log = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6];
    let f_log = [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3];
    let storages = vec![
        Storage::with_log(7, &leader_log),
        Storage::with_log(7, &leader_log),
        Storage::with_log(7, &f_log),
    ];
    let mut net = Network::with_storages(paper_config(), storages);
    net.elect(1);
    assert_eq!(net.node(1).term(), 8);

    // One rejection, whose hint lets the leader skip both of (f)'s foreign terms at once.
    let rejections: Vec<_> = net
        .delivered_of(MsgKind::AppResp, 3, 1)
        .into_iter()
        .filter(|m| m.body.is_reject())
        .collect();
    assert_eq!(rejections.len(), 1, "{rejections:?}");
    let appends: Vec<_> = net
        .delivered_of(MsgKind::App, 1, 3)
        .into_iter()
        .map(|m| match &m.body {
            Body::App {
                prev_log_index,
                prev_log_term,
                ..
            } => (*prev_log_index, *prev_log_term),
            _ => unreachable!(),
        })
        .collect();
    // The probe after the leader's log, then straight to the last index both agree on.
    assert_eq!(appends[..2], [(10, 6), (3, 1)]);
    net.assert_logs_match(1);
    assert_eq!(net.node(3).commit(), 11);
}

#[test]
fn leader_only_commits_entries_of_its_own_term() {
    // Figure 8 (c): S1, leader of term 2, stored index 2 only on itself; S5 led term 3 and
    // stored a different index 2. Now S1 wins term 4 and replicates its term-2 entry.
    let old = |terms: &[u64]| Storage {
        entries: entries(1, terms),
        ..Storage::with_log(3, &[])
    };
    let storages = vec![old(&[1, 2]), old(&[1]), old(&[1]), old(&[1]), old(&[1, 3])];
    let mut net = Network::with_storages(
        Config {
            // One entry per MsgApp, so the term-2 entry and the term-4 no-op travel apart.
            max_size_per_msg: 0,
            ..paper_config()
        },
        storages,
    );
    net.cut(1, 5);
    net.campaign(1);
    // Deliver everything except the messages that would carry the no-op of term 4 to a
    // follower able to accept it: index 2 gets replicated, index 3 does not.
    loop {
        let queue = net.take_queue();
        if queue.is_empty() {
            break;
        }
        for m in queue {
            let carries_noop = matches!(&m.body, Body::App { entries, .. }
                if entries.iter().any(|e| e.term == 4));
            if carries_noop && net.node(m.to).log().term(2) == Some(2) {
                continue;
            }
            net.deliver(m);
        }
    }
    assert_eq!(net.node(1).role(), Role::Leader);
    assert_eq!(net.node(1).term(), 4);
    for id in 1..=4 {
        assert_eq!(net.node(id).log().term(2), Some(2), "node {id}");
    }
    // Index 2 is on a majority (4 of 5), yet it is of term 2: counting replicas must not
    // commit it (nor, therefore, anything before it).
    for id in 1..=4 {
        assert_eq!(
            net.node(id).commit(),
            0,
            "node {id} must not commit index 2"
        );
    }

    // Why (Figure 8 (d)): S1 crashes, S5 can win with the votes of S2, S3, S4 (its last term
    // 3 beats their 2) and overwrite index 2 everywhere.
    net.crash(1);
    net.heal();
    // Its first attempt is at term 4, where everyone already voted for S1; the next wins.
    net.campaign(5);
    net.stabilize();
    assert_eq!(
        (net.node(5).role(), net.node(5).term()),
        (Role::Follower, 4)
    );
    net.campaign(5);
    net.stabilize();
    assert_eq!((net.node(5).role(), net.node(5).term()), (Role::Leader, 5));
    for id in 2..=5 {
        assert_eq!(net.node(id).log().term(2), Some(3), "node {id}");
        assert_eq!(net.node(id).commit(), 3);
    }
    // The harness checks State Machine Safety on every apply; nobody ever applied the
    // term-2 entry, so overwriting it lost nothing committed.
}

#[test]
fn entries_of_earlier_terms_commit_with_the_first_entry_of_the_leaders_term() {
    // The same situation as Figure 8 (c), but this time the no-op gets through.
    let old = |terms: &[u64]| Storage {
        entries: entries(1, terms),
        ..Storage::with_log(3, &[])
    };
    let storages = vec![old(&[1, 2]), old(&[1]), old(&[1]), old(&[1]), old(&[1, 3])];
    let mut net = Network::with_storages(paper_config(), storages);
    net.cut(1, 5);
    net.elect(1);
    for id in 1..=4 {
        assert_eq!(net.node(id).commit(), 3);
        assert_eq!(net.node(id).log().term(2), Some(2));
    }
    // Now the term-2 entry is safe: S5 can no longer win an election.
    net.crash(1);
    net.heal();
    for _ in 0..3 {
        net.campaign(5);
        net.stabilize();
        assert_ne!(net.node(5).role(), Role::Leader);
    }
}

// ----- §5.4 Safety -----

#[test]
fn leader_overwrites_newer_uncommitted_entries_of_other_nodes() {
    // etcd's TestLeaderElectionOverwriteNewerLogs. Node 1 led term 1 and gave its entry to
    // node 2 only; node 3 led term 2 (with the votes of 4 and 5) and wrote an entry no one
    // else got. Neither entry is committed.
    let voted_for_3 = Storage {
        hard_state: raft_core::HardState { term: 2, vote: 3 },
        ..Storage::default()
    };
    let storages = vec![
        Storage::with_log(1, &[1]),
        Storage::with_log(1, &[1]),
        Storage::with_log(2, &[2]),
        voted_for_3.clone(),
        voted_for_3,
    ];
    let mut net = Network::with_storages(paper_config(), storages);
    // Term 2 is taken: node 1 only learns that, and falls back.
    net.campaign(1);
    net.stabilize();
    assert_eq!(
        (net.node(1).role(), net.node(1).term()),
        (Role::Follower, 2)
    );
    // At term 3 it wins, its log being as up to date as a majority's (1, 2, 4, 5 vs 3's).
    net.campaign(1);
    net.stabilize();
    assert_eq!((net.node(1).role(), net.node(1).term()), (Role::Leader, 3));
    for id in net.ids() {
        assert_eq!(log_terms(net.node(id)), vec![(1, 1), (2, 3)], "node {id}");
    }
}

#[test]
fn heartbeat_never_commits_past_what_the_follower_is_known_to_hold() {
    // Node 3 led term 2 and appended index 2 alone. Nodes 1 and 2 then commit a different
    // index 2 in term 3. A heartbeat carrying commit 2 must not make node 3 commit its own,
    // divergent index 2.
    let storages = vec![
        Storage::with_log(2, &[1]),
        Storage::with_log(2, &[1]),
        Storage::with_log(2, &[1, 2]),
    ];
    let mut net = Network::with_storages(paper_config(), storages);
    net.cut(1, 3);
    net.elect(1);
    assert_eq!(net.node(1).commit(), 2);
    net.heal();
    net.tick(1, 1);
    let heartbeat = net
        .take_queue()
        .into_iter()
        .find(|m| m.to == 3)
        .expect("a heartbeat to 3");
    assert!(matches!(heartbeat.body, Body::Heartbeat { commit: 0 }));
    net.deliver(heartbeat);
    assert_eq!(net.node(3).commit(), 0);
    // The answer leads to the repair of node 3's log, then to its commit.
    net.stabilize();
    assert_eq!(log_terms(net.node(3)), vec![(1, 1), (2, 3)]);
    assert_eq!(net.node(3).commit(), 2);
}

#[test]
fn commit_index_never_moves_backwards() {
    let mut node = lone_node(&paper_config(), 1, 3, Storage::default());
    node.step(msg(
        2,
        1,
        1,
        Body::App {
            prev_log_index: 0,
            prev_log_term: 0,
            entries: entries(1, &[1, 1, 1]),
            commit: 3,
        },
    ));
    assert_eq!(node.commit(), 3);
    // A delayed heartbeat and a delayed append carry older commit indexes.
    node.step(msg(2, 1, 1, Body::Heartbeat { commit: 1 }));
    node.step(msg(
        2,
        1,
        1,
        Body::App {
            prev_log_index: 0,
            prev_log_term: 0,
            entries: entries(1, &[1]),
            commit: 1,
        },
    ));
    assert_eq!(node.commit(), 3);
    assert_eq!(node.log().last_index(), 3);
}

#[test]
fn committed_entries_survive_a_leader_crash() {
    let mut net = Network::new(5, paper_config());
    net.elect(1);
    net.cut(1, 4);
    net.cut(1, 5);
    net.propose(1, "x").unwrap();
    net.stabilize();
    let index = net.node(1).commit();
    assert_eq!(
        net.node(1).log().entry(index).unwrap().data,
        Bytes::from("x")
    );

    // Leader Completeness: whoever wins next must hold the committed entry; 4 and 5 lack it
    // and cannot collect a majority.
    net.crash(1);
    net.heal();
    let leader = net.tick_until_leader(200);
    assert!(
        leader == 2 || leader == 3,
        "leader {leader} lacks the entry"
    );
    net.propose(leader, "y").unwrap();
    net.stabilize();
    for id in 2..=5 {
        assert_eq!(
            net.node(id).log().entry(index).unwrap().data,
            Bytes::from("x")
        );
    }
    net.assert_logs_match(leader);
}

#[test]
fn safety_properties_hold_through_partitions_and_crashes() {
    // A scripted storm of partitions, crashes and proposals, with the harness checking
    // Election Safety and State Machine Safety on every step; afterwards the logs converge.
    for template in [
        paper_config(),
        etcd_config(true, true),
        etcd_config(true, false),
    ] {
        let mut net = Network::new(5, template);
        // A fixed linear congruential sequence: deterministic, yet irregular.
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move |n: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) % n
        };
        let mut proposals = 0;
        for round in 0..600 {
            match next(20) {
                0 => net.isolate(next(5) + 1),
                1 | 2 => net.heal(),
                3 => {
                    let id = next(5) + 1;
                    if net.is_up(id) && net.ids().iter().filter(|&&i| net.is_up(i)).count() > 3 {
                        net.crash(id);
                    }
                }
                4 | 5 => {
                    for id in net.ids() {
                        if !net.is_up(id) {
                            net.restart(id);
                            break;
                        }
                    }
                }
                _ => {
                    if let Some(leader) = net.leader() {
                        if net.propose(leader, &format!("c{round}")).is_ok() {
                            proposals += 1;
                        }
                    }
                }
            }
            net.tick_all(1);
        }
        net.heal();
        for id in net.ids() {
            if !net.is_up(id) {
                net.restart(id);
            }
        }
        let leader = net.tick_until_leader(300);
        net.propose(leader, "last").unwrap();
        net.stabilize();
        net.tick_all(5);
        net.assert_logs_match(leader);
        assert!(proposals > 50, "the storm should carry real traffic");
        assert!(net.node(leader).commit() > 50);
    }
}

// ----- Client interaction -----

#[test]
fn follower_forwards_proposals_to_its_leader() {
    let mut net = Network::new(3, paper_config());
    net.elect(1);
    assert_eq!(net.propose(2, "x"), Ok(()));
    let forwarded = net.take_queue();
    assert_eq!(forwarded.len(), 1);
    assert_eq!((forwarded[0].from, forwarded[0].to), (2, 1));
    assert_eq!(
        forwarded[0].body,
        Body::Prop {
            entries: vec![Bytes::from("x")]
        }
    );
    net.deliver(forwarded[0].clone());
    net.stabilize();
    for id in net.ids() {
        assert_eq!(
            net.app(id).applied.last().unwrap().data,
            Bytes::from("x"),
            "node {id}"
        );
    }
}

#[test]
fn proposal_without_leader_is_dropped_with_an_error() {
    let mut node = lone_node(&paper_config(), 1, 3, Storage::default());
    event_lines(&mut node);
    assert_eq!(
        node.propose(&[Bytes::from("x")]),
        Err(ProposeError::NoLeader)
    );
    assert_eq!(node.stats().proposals_dropped, 1);
    assert_eq!(node.log().last_index(), 0);
    let rd = take_ready(&mut node);
    assert!(rd.messages.is_empty());
    assert_eq!(rd.events, vec!["1 no leader at term 0; dropping proposal"]);

    // A candidate knows no leader either.
    node.campaign();
    outbox(&mut node);
    assert_eq!(
        node.propose(&[Bytes::from("y")]),
        Err(ProposeError::NoLeader)
    );
    assert_eq!(node.log().last_index(), 0);
    assert!(outbox(&mut node).is_empty());
}

#[test]
fn safety_holds_with_reordered_duplicated_and_lost_messages() {
    // The paper assumes a network that may delay, reorder, duplicate and lose messages.
    // Rounds of ticks with a scrambled delivery order, plus partitions, crashes, compaction
    // and leadership transfers, under the harness's checks (Election Safety, Leader
    // Completeness, State Machine Safety) and Log Matching after every round.
    let mut committed = Vec::new();
    for seed in 0..100u64 {
        for template in [
            paper_config(),
            etcd_config(true, true),
            etcd_config(false, true),
            etcd_config(true, false),
        ] {
            let template = Config {
                max_inflight: 4,
                max_size_per_msg: 8,
                ..template
            };
            let mut net = Network::new(5, template);
            let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
            let mut next = move |n: u64| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state % n
            };
            let mut held: Vec<Message> = Vec::new();
            for round in 0..300 {
                for id in net.ids() {
                    if net.is_up(id) {
                        net.tick(id, 1);
                    }
                }
                match next(40) {
                    38 => net.isolate(next(5) + 1),
                    39 => net.heal(),
                    37 => {
                        if let Some(l) = net.leader() {
                            let _ = net.node_mut(l).transfer_leader(next(5) + 1);
                        }
                    }
                    0 => {
                        let id = next(5) + 1;
                        if net.is_up(id) {
                            net.crash(id);
                        }
                    }
                    1..=3 => {
                        for id in net.ids() {
                            if !net.is_up(id) {
                                net.restart(id);
                            }
                        }
                    }
                    4 => {
                        // The application snapshots what it applied.
                        let id = next(5) + 1;
                        if net.is_up(id) {
                            let applied = net.node(id).applied();
                            let data = Bytes::from(format!("s{applied}").as_str());
                            net.node_mut(id).compact(applied, data);
                        }
                    }
                    _ => {
                        if let Some(l) = net.leader() {
                            let _ = net.propose(l, &format!("c{seed}-{round}"));
                        }
                    }
                }
                // A few passes of scrambled delivery; late messages come back later.
                for _ in 0..4 {
                    let mut batch = net.take_queue();
                    batch.append(&mut held);
                    while !batch.is_empty() {
                        let m = batch.swap_remove(next(batch.len() as u64) as usize);
                        match next(10) {
                            0 => net.lose(m),
                            1 => held.push(m), // delayed
                            2 => {
                                // duplicated
                                net.deliver(m.clone());
                                held.push(m);
                            }
                            _ => net.deliver(m),
                        }
                    }
                    net.apply_all();
                }
                net.check_log_matching();
            }
            // Then a calm network must bring everyone back in line.
            net.heal();
            for m in held {
                net.deliver(m);
            }
            for id in net.ids() {
                if !net.is_up(id) {
                    net.restart(id);
                }
            }
            // (A leadership transfer may still be under way: proposals wait for it.)
            let mut tries = 0;
            let leader = loop {
                let leader = net.tick_until_leader(500);
                if net.propose(leader, "final").is_ok() {
                    break leader;
                }
                tries += 1;
                assert!(tries < 50, "proposals refused for {tries} ticks");
                net.tick_all(1);
            };
            net.tick_all(30);
            net.check_log_matching();
            net.assert_logs_match(leader);
            committed.push(net.node(leader).commit());
        }
    }
    // The storm must not have starved the cluster: most runs commit plenty.
    committed.sort_unstable();
    assert!(
        committed[committed.len() / 2] > 50,
        "median commit {committed:?}"
    );
}
