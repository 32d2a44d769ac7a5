//! etcd's extensions to the paper's election: pre-vote (Ongaro's thesis §9.6), check-quorum
//! and the leader lease it gives followers, and the event lines etcd logs while electing.

mod common;

use common::*;
use raft_core::{Body, MsgKind, Role, Storage, NONE};

// ----- pre-vote -----

#[test]
fn pre_candidate_keeps_its_term_and_asks_for_term_plus_one() {
    let mut net = Network::with_storages(
        etcd_config(true, false),
        vec![Storage::with_log(1, &[1, 1]); 3],
    );
    net.campaign(1);
    let n = net.node(1);
    assert_eq!(n.role(), Role::PreCandidate);
    assert_eq!((n.term(), n.vote()), (1, NONE));
    let hs = n.clone().into_storage().hard_state;
    assert_eq!((hs.term, hs.vote), (1, NONE), "nothing new to persist");

    let requests = net.take_queue();
    assert_eq!(requests.len(), 2);
    for (m, to) in requests.iter().zip([2, 3]) {
        assert_eq!((m.from, m.to, m.term), (1, to, 2));
        assert_eq!(
            m.body,
            Body::PreVote {
                last_log_term: 1,
                last_log_index: 2
            }
        );
    }
}

#[test]
fn pre_vote_quorum_makes_a_candidate() {
    let mut net = Network::with_storages(
        etcd_config(true, false),
        vec![Storage::with_log(1, &[1, 1]); 3],
    );
    net.campaign(1);
    for m in net.take_queue() {
        net.deliver(m);
    }
    // Granting a pre-vote commits a voter to nothing: no term, no vote.
    for id in [2, 3] {
        assert_eq!((net.node(id).term(), net.node(id).vote()), (1, NONE));
    }
    assert_eq!(
        (net.node(1).role(), net.node(1).term()),
        (Role::PreCandidate, 1)
    );
    let answers = net.take_queue();
    assert_eq!(answers.len(), 2);
    assert!(answers
        .iter()
        .all(|m| m.kind() == MsgKind::PreVoteResp && m.term == 2 && !m.body.is_reject()));

    // One grant plus its own makes a quorum of 3: only now does node 1 raise its term.
    net.deliver(answers[0].clone());
    assert_eq!(net.node(1).role(), Role::Candidate);
    assert_eq!((net.node(1).term(), net.node(1).vote()), (2, 1));
    let requests = net.take_queue();
    assert_eq!(requests.len(), 2);
    assert!(requests
        .iter()
        .all(|m| m.kind() == MsgKind::Vote && m.term == 2));
    for m in requests {
        net.deliver(m);
    }
    net.stabilize();
    assert_eq!(net.leader(), Some(1));
    assert_eq!(net.node(1).term(), 2);
}

#[test]
fn pre_vote_rejected_for_a_stale_log_leaves_every_term_unchanged() {
    let storages = vec![
        Storage::with_log(2, &[1]),
        Storage::with_log(2, &[1, 2]),
        Storage::with_log(2, &[1, 2]),
    ];
    let mut net = Network::with_storages(etcd_config(true, false), storages);
    for id in net.ids() {
        net.events(id);
    }
    net.campaign(1);
    net.stabilize();
    for id in net.ids() {
        assert_eq!(net.node(id).term(), 2, "node {id}");
        assert_eq!(net.node(id).vote(), NONE, "node {id}");
    }
    assert_eq!(net.node(1).role(), Role::Follower);
    assert!(net.events(2).contains(
        &"2 [logterm: 2, index: 2, vote: 0] rejected MsgPreVote from 1 [logterm: 1, index: 1] at term 2"
            .to_string()
    ));
    let lines = net.events(1);
    assert!(lines.contains(&"1 received MsgPreVoteResp rejection from 2 at term 2".to_string()));
    assert!(lines.contains(&"1 became follower at term 2".to_string()));
}

#[test]
fn pre_vote_rejection_wording_matches_etcd() {
    // The returning old leader of the reference log: 2 holds [logterm 5, index 13], 3 asks
    // with [logterm 4, index 12] for term 6 while 2 is at term 5.
    let mut terms = vec![1; 12];
    terms.extend([5]);
    terms[8..12].copy_from_slice(&[4, 4, 4, 4]);
    let mut voter = lone_node(&etcd_config(true, true), 2, 3, Storage::with_log(5, &terms));
    event_lines(&mut voter);
    voter.step(msg(
        3,
        2,
        6,
        Body::PreVote {
            last_log_term: 4,
            last_log_index: 12,
        },
    ));
    let rd = take_ready(&mut voter);
    assert_eq!(
        rd.events,
        vec![
            "2 [logterm: 5, index: 13, vote: 0] rejected MsgPreVote from 3 [logterm: 4, index: 12] at term 5"
        ]
    );
    let reply = rd.messages;
    assert_eq!(reply.len(), 1);
    assert_eq!(reply[0].term, 5);
    assert_eq!(reply[0].body, Body::PreVoteResp { reject: true });
}

#[test]
fn pre_vote_of_a_lower_term_is_answered_so_the_pre_candidate_catches_up() {
    // A node left behind at a lower term must learn the current one from the rejection:
    // if it were ignored, as stale messages usually are, the node would keep asking
    // forever, and nobody else raises terms to tell it (that is what pre-vote prevents).
    let mut behind = lone_node(&etcd_config(true, false), 1, 3, Storage::with_log(2, &[1]));
    behind.campaign();
    let request = outbox(&mut behind).remove(0);
    assert_eq!(request.term, 3);

    let mut voter = lone_node(
        &etcd_config(true, false),
        2,
        3,
        Storage::with_log(5, &[1, 5]),
    );
    voter.step(request);
    let reply = outbox(&mut voter);
    assert_eq!(reply.len(), 1);
    assert_eq!(reply[0].term, 5);
    assert_eq!(reply[0].body, Body::PreVoteResp { reject: true });
    assert_eq!(voter.term(), 5);

    behind.step(reply[0].clone());
    assert_eq!((behind.role(), behind.term()), (Role::Follower, 5));
}

#[test]
fn pre_candidate_that_hears_a_leader_of_its_term_becomes_follower() {
    let mut node = lone_node(&etcd_config(true, false), 1, 3, Storage::with_log(1, &[1]));
    node.campaign();
    assert_eq!(node.role(), Role::PreCandidate);
    node.step(msg(2, 1, 1, Body::Heartbeat { commit: 0 }));
    assert_eq!(node.role(), Role::Follower);
    assert_eq!((node.term(), node.leader()), (1, 2));
}

#[test]
fn pre_vote_lets_a_node_that_fell_behind_complete_an_election() {
    // etcd's TestNodeWithSmallerTermCanCompleteElection: node 3 rejoins, behind in term,
    // just as the leader (node 2) disappears. Pre-vote must not deadlock the cluster.
    let mut net = Network::new(3, etcd_config(true, false));
    net.cut(1, 3);
    net.cut(2, 3);
    net.elect(1);
    net.campaign(3);
    net.stabilize();
    assert_eq!(net.node(3).role(), Role::PreCandidate);
    net.elect(2);
    assert_eq!(net.node(2).term(), 2);
    assert_eq!(net.node(3).term(), 0);

    net.heal();
    net.cut(2, 1);
    net.cut(2, 3);
    net.campaign(3);
    net.stabilize();
    net.campaign(1);
    net.stabilize();
    assert!(
        net.node(1).role() == Role::Leader || net.node(3).role() == Role::Leader,
        "no leader"
    );
}

/// What a rejoining node did to the cluster.
struct Rejoin {
    term_before: u64,
    /// The isolated node's term when it was cut off, and after timing out alone.
    isolated_term_at_cut: u64,
    isolated_term_after: u64,
    elections_while_isolated: usize,
    term_after: u64,
    leader_after: u64,
    /// Whether any node heard of a higher term from the rejoining node.
    saw_higher_term_from_5: bool,
}

/// 5 nodes; node 5 is partitioned away while 1..4 elect node 1 and commit entries; node 5
/// times out again and again alone; then it rejoins and campaigns at once.
fn rejoin_after_isolation(pre_vote: bool) -> Rejoin {
    let mut net = Network::with_storages(
        etcd_config(pre_vote, true),
        vec![Storage::with_log(1, &[1, 1]); 5],
    );
    net.isolate(5);
    net.elect(1);
    for i in 0..3 {
        net.propose(1, &format!("x{i}")).unwrap();
        net.stabilize();
    }
    let term_before = net.node(1).term();
    let isolated_term_at_cut = net.node(5).term();
    net.events(5);

    net.tick_all(100);
    assert_eq!(net.leader(), Some(1), "the majority keeps its leader");
    assert_eq!(net.node(1).term(), term_before);
    let elections_while_isolated = net
        .events(5)
        .iter()
        .filter(|l| l.starts_with("5 is starting a new election"))
        .count();
    let isolated_term_after = net.node(5).term();
    for id in net.ids() {
        net.events(id);
    }

    net.heal();
    net.campaign(5);
    net.stabilize();
    net.tick_all(100);
    let leader_after = net.tick_until_leader(200);
    // Whatever happened, the cluster ends up agreeing again, stale node included.
    net.propose(leader_after, "after").unwrap();
    net.stabilize();
    net.assert_logs_match(leader_after);

    let saw_higher_term_from_5 = net.ids().into_iter().any(|id| {
        net.events(id)
            .iter()
            .any(|l| l.contains("message with higher term from 5"))
    });
    Rejoin {
        term_before,
        isolated_term_at_cut,
        isolated_term_after,
        elections_while_isolated,
        term_after: net.node(leader_after).term(),
        leader_after,
        saw_higher_term_from_5,
    }
}

#[test]
fn rejoining_node_with_stale_log_cannot_raise_the_term_with_pre_vote() {
    let r = rejoin_after_isolation(true);
    assert!(r.elections_while_isolated >= 3, "it kept timing out alone");
    // Pre-elections never touch the term, however many fail.
    assert_eq!(r.isolated_term_after, r.isolated_term_at_cut);
    // Back in the cluster, its campaign changes nothing.
    assert!(!r.saw_higher_term_from_5);
    assert_eq!(r.term_after, r.term_before);
    assert_eq!(r.leader_after, 1);
}

#[test]
fn rejoining_node_with_stale_log_raises_the_term_without_pre_vote() {
    let r = rejoin_after_isolation(false);
    assert!(r.elections_while_isolated >= 3, "it kept timing out alone");
    // Each real election it started alone raised its term.
    assert_eq!(
        r.isolated_term_after,
        r.isolated_term_at_cut + r.elections_while_isolated as u64
    );
    assert!(r.isolated_term_after > r.term_before);
    // Back in the cluster, its term deposes the healthy leader ...
    assert!(r.saw_higher_term_from_5);
    assert!(r.term_after > r.term_before);
    assert!(r.term_after >= r.isolated_term_after);
    // ... for nothing: with its stale log it cannot win.
    assert_ne!(r.leader_after, 5);
}

// ----- check-quorum -----

#[test]
fn leader_steps_down_when_it_cannot_hear_a_quorum() {
    let mut net = Network::new(3, etcd_config(true, true));
    net.elect(1);
    let term = net.node(1).term();
    // While followers answer, the leader keeps its role round after round.
    net.tick_all(50);
    assert_eq!(net.node(1).role(), Role::Leader);
    net.events(1);

    net.isolate(1);
    let t = net.node(1).election_tick() as usize;
    let elapsed = net.node(1).election_elapsed() as usize;
    // The round under way counts the answers heard before the cut and passes; the next
    // round hears nobody and fails.
    let mut ticks = 0;
    while net.node(1).role() == Role::Leader {
        net.tick(1, 1);
        ticks += 1;
        assert!(ticks <= 2 * t, "still leader after {ticks} ticks alone");
    }
    assert_eq!(ticks, 2 * t - elapsed);
    assert_eq!(net.node(1).role(), Role::Follower);
    assert_eq!(
        net.node(1).term(),
        term,
        "stepping down does not change the term"
    );
    assert_eq!(net.node(1).leader(), NONE);
    let lines = net.events(1);
    assert!(lines.contains(&"1 stepped down to follower since quorum is not active".to_string()));
    assert!(lines.contains(&format!("raft.node: 1 lost leader 1 at term {term}")));
}

#[test]
fn without_check_quorum_an_isolated_leader_keeps_its_role() {
    let mut net = Network::new(3, etcd_config(true, false));
    net.elect(1);
    net.isolate(1);
    net.tick(1, 100);
    assert_eq!(net.node(1).role(), Role::Leader);
}

#[test]
fn follower_hearing_a_leader_ignores_vote_requests_lease_not_expired() {
    let mut net = Network::new(3, etcd_config(true, true));
    net.elect(1);
    assert_eq!(
        net.node(2).election_elapsed(),
        0,
        "node 2 just heard the leader"
    );
    net.tick(2, 3);
    for id in net.ids() {
        net.events(id);
    }

    // Node 3 campaigns (its own timer misfired, or it lost a few heartbeats).
    net.campaign(3);
    let requests = net.take_queue();
    let to_2 = requests.into_iter().find(|m| m.to == 2).unwrap();
    net.deliver(to_2);
    let lines = net.events(2);
    assert_eq!(
        lines,
        vec![
            "2 [logterm: 1, index: 1, vote: 1] ignored MsgPreVote from 3 [logterm: 1, index: 1] at term 1: lease is not expired (remaining ticks: 7)"
        ]
    );
    assert!(lines[0].contains("lease is not expired (remaining ticks: 7)"));
    assert!(
        net.outbox(2).is_empty(),
        "an ignored request gets no answer"
    );
    assert_eq!((net.node(2).term(), net.node(2).leader()), (1, 1));

    // The same holds for a real vote request of a higher term (no pre-vote).
    let mut net = Network::new(3, etcd_config(false, true));
    net.elect(1);
    net.events(2);
    net.campaign(3);
    let to_2 = net.take_queue().into_iter().find(|m| m.to == 2).unwrap();
    assert_eq!((to_2.kind(), to_2.term), (MsgKind::Vote, 2));
    net.deliver(to_2);
    let lines = net.events(2);
    assert_eq!(lines.len(), 1);
    assert!(lines[0].ends_with("lease is not expired (remaining ticks: 10)"));
    assert_eq!((net.node(2).term(), net.node(2).vote()), (1, 1));
}

#[test]
fn lease_expires_an_election_timeout_after_the_leader_was_last_heard() {
    let mut net = Network::new(3, etcd_config(true, true));
    net.elect(1);
    net.isolate(1);
    let t = net.node(2).election_tick() as usize;
    // Node 2 hears nothing for a whole election timeout (whatever it sends is lost).
    net.tick(2, t);
    net.take_queue();
    net.campaign(3);
    let to_2 = net.take_queue().into_iter().find(|m| m.to == 2).unwrap();
    net.deliver(to_2);
    let answer = net.take_queue();
    assert_eq!(answer.len(), 1);
    assert_eq!(answer[0].body, Body::PreVoteResp { reject: false });
}

#[test]
fn pre_candidates_grant_each_other_once_the_leader_is_gone() {
    // etcd's TestPreVoteWithCheckQuorum: a pre-candidate no longer follows a leader, so it
    // holds no lease and may grant another pre-candidate's request.
    let mut net = Network::new(3, etcd_config(true, true));
    net.elect(1);
    let term = net.node(1).term();
    net.isolate(1);
    net.campaign(2);
    // Node 3 still holds the lease of the leader it just heard: node 2 gets nowhere.
    net.stabilize();
    assert_eq!(net.node(2).role(), Role::PreCandidate);
    net.campaign(3);
    net.stabilize();
    assert_eq!(net.leader(), Some(3));
    assert_eq!(net.node(3).term(), term + 1);
    assert_eq!(net.node(2).leader(), 3);
}

#[test]
fn transfer_vote_overrides_the_lease() {
    let mut net = Network::new(3, etcd_config(true, true));
    net.elect(1);
    net.node_mut(1).transfer_leader(2).unwrap();
    // Node 2 may only count on node 3, which still hears the leader: its lease must not
    // stand in the way of an election the leader itself asked for.
    let timeout_now = net.take_queue();
    assert_eq!(timeout_now.len(), 1);
    assert_eq!(timeout_now[0].kind(), MsgKind::TimeoutNow);
    net.deliver(timeout_now[0].clone());
    net.cut(1, 2);
    assert_eq!(
        net.node(2).role(),
        Role::Candidate,
        "no pre-vote for a transfer"
    );
    assert_eq!(net.node(3).election_elapsed(), 0);
    net.stabilize();
    assert_eq!(net.node(2).role(), Role::Leader);
    assert_eq!((net.node(3).term(), net.node(3).vote()), (2, 2));
    assert!(!net
        .events(3)
        .iter()
        .any(|l| l.contains("lease is not expired")));
}

#[test]
fn stale_leader_learns_the_new_term_from_a_follower_reply() {
    // Pre-vote on, check-quorum off: the cut-off leader does not step down by itself, and
    // nobody will raise a term to tell it. Its own heartbeat must get it the news.
    let mut net = Network::new(3, etcd_config(true, false));
    net.elect(1);
    net.isolate(1);
    for _ in 0..100 {
        for id in [2, 3] {
            net.tick(id, 1);
        }
        net.stabilize();
        if net.node(2).role() == Role::Leader || net.node(3).role() == Role::Leader {
            break;
        }
    }
    let new_leader = net.leader().unwrap();
    assert_ne!(new_leader, 1);
    assert_eq!(
        net.node(1).role(),
        Role::Leader,
        "still believes it leads term 1"
    );

    net.heal();
    let mark = net.delivered.len();
    net.tick(1, 1);
    net.stabilize();
    let since_heal = &net.delivered[mark..];
    let node = net.node(1);
    assert_eq!(node.role(), Role::Follower);
    let new_term = net.node(new_leader).term();
    assert!(new_term > 1);
    assert_eq!(node.term(), new_term);
    // The news came from the followers' answers to its heartbeat, not from the new leader.
    for id in [2, 3] {
        let replies: Vec<_> = since_heal
            .iter()
            .filter(|m| m.from == id && m.to == 1 && m.kind() == MsgKind::AppResp)
            .collect();
        assert_eq!(replies.len(), 1, "node {id} answers the stale heartbeat");
        assert_eq!(replies[0].term, new_term);
    }
    assert!(!since_heal.iter().any(|m| m.from == new_leader
        && m.to == 1
        && matches!(m.kind(), MsgKind::App | MsgKind::Heartbeat)));
}

// ----- etcd's log wording -----

#[test]
fn reference_election_logs_node_3s_lines_in_etcd_order_and_wording() {
    // /work/shared/reference/etcd-log-and-metrics.md: 5 nodes at [logterm 1, index 5],
    // pre-vote on, node 3's timer fires first; pre-vote answers arrive from 5 then 2,
    // vote answers from 4 then 5.
    let mut net = Network::with_storages(
        etcd_config(true, true),
        vec![Storage::with_log(1, &[1, 1, 1, 1, 1]); 5],
    );
    for id in net.ids() {
        net.events(id);
    }
    net.campaign(3);
    for m in net.take_queue() {
        net.deliver(m);
    }
    let pre_votes = net.take_queue();
    for from in [5, 2] {
        let m = pre_votes.iter().find(|m| m.from == from).unwrap().clone();
        assert_eq!(m.kind(), MsgKind::PreVoteResp);
        net.deliver(m);
    }
    for m in net.take_queue() {
        assert_eq!(m.kind(), MsgKind::Vote);
        net.deliver(m);
    }
    let votes = net.take_queue();
    for from in [4, 5] {
        let m = votes.iter().find(|m| m.from == from).unwrap().clone();
        assert_eq!(m.kind(), MsgKind::VoteResp);
        net.deliver(m);
    }
    // Node 3's lines from the real etcd raft cluster's election, shared with the scenario test.
    let expected = include_str!("../../tests/data/etcd-election-node3.log").trim_end();
    assert_eq!(net.events(3).join("\n"), expected);
}

#[test]
fn voters_log_their_answers_in_etcd_wording() {
    // The same election, seen from node 5: a pre-vote granted without touching its term,
    // then the real vote, which moves it to term 2 first.
    let mut net = Network::with_storages(
        etcd_config(true, true),
        vec![Storage::with_log(1, &[1, 1, 1, 1, 1]); 5],
    );
    for id in net.ids() {
        net.events(id);
    }
    net.campaign(3);
    net.stabilize();
    assert_eq!(net.leader(), Some(3));
    let expected = "\
5 [logterm: 1, index: 5, vote: 0] cast MsgPreVote for 3 [logterm: 1, index: 5] at term 1
5 [term: 1] received a MsgVote message with higher term from 3 [term: 2]
5 became follower at term 2
5 [logterm: 1, index: 5, vote: 0] cast MsgVote for 3 [logterm: 1, index: 5] at term 2
raft.node: 5 elected leader 3 at term 2";
    let lines = net.events(5);
    assert_eq!(lines[..5].join("\n"), expected);
}
