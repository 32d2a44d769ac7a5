//! Membership changes (paper §6, done as etcd raft does them: configuration entries that take
//! effect when applied, joint consensus, learners; elections counted in the newest
//! configuration in the log, and a removed leader that hands over, where we differ), one
//! test per rule, on real nodes driven through the test network.

mod common;

use common::{etcd_config, lone_node, msg, paper_config, take_ready, Network};
use raft_core::{
    Body, ConfChange, ConfChangeSingle::*, Config, Entry, Node, NodeId, ProposeError, Role,
    Storage, Transition,
};

fn voters(node: &Node) -> String {
    node.tracker().config().to_string()
}

fn change(net: &mut Network, leader: NodeId, cc: ConfChange) -> Result<(), ProposeError> {
    net.node_mut(leader).propose_conf_change(cc)
}

/// A three-node cluster led by 1, with nodes 4.. `extra` joined (empty, outside the
/// configuration).
fn cluster(extra: &[NodeId]) -> Network {
    let mut net = Network::new(3, paper_config());
    for &id in extra {
        net.join(id);
    }
    net.elect(1);
    net
}

#[test]
fn config_takes_effect_on_apply() {
    let mut net = cluster(&[4]);
    // Hold back the followers' answers: the entry is appended everywhere, committed nowhere.
    net.drop_if(|m| m.kind() == raft_core::MsgKind::AppResp);
    change(&mut net, 1, ConfChange::new([AddVoter(4)])).unwrap();
    net.stabilize();
    let last = net.node(1).log().last_index();
    assert_eq!(net.node(2).log().last_index(), last, "the entry reached 2");
    assert_eq!(net.node(1).commit(), last - 1, "and is not committed");
    for id in [1, 2, 3] {
        assert_eq!(
            voters(net.node(id)),
            "voters=(1 2 3)",
            "node {id} has not applied it"
        );
    }
    net.clear_filter();
    net.tick_all(2);
    for id in [1, 2, 3, 4] {
        assert_eq!(
            voters(net.node(id)),
            "voters=(1 2 3 4)",
            "node {id} applied it"
        );
    }
}

#[test]
fn the_switch_is_logged_in_etcds_words() {
    let mut net = cluster(&[4]);
    net.events(1);
    change(&mut net, 1, ConfChange::new([AddLearner(4)])).unwrap();
    net.stabilize();
    let lines = net.events(1);
    assert!(
        lines.contains(&"1 switched to configuration voters=(1 2 3) learners=(4)".to_string()),
        "{lines:#?}"
    );
}

#[test]
fn second_conf_change_refused_while_pending() {
    let mut net = cluster(&[4, 5]);
    net.events(1);
    change(&mut net, 1, ConfChange::new([AddVoter(4)])).unwrap();
    let err = change(&mut net, 1, ConfChange::new([AddVoter(5)])).unwrap_err();
    assert_eq!(
        err,
        ProposeError::ConfChangePending {
            index: 2,
            applied: 1
        }
    );
    assert!(net.events(1).contains(
        &"1 ignoring conf change {v5} at config voters=(1 2 3): possible unapplied conf change at index 2 (applied to 1)"
            .to_string()
    ));
    // Once the first is applied, the next one is accepted.
    net.stabilize();
    change(&mut net, 1, ConfChange::new([AddVoter(5)])).unwrap();
    net.stabilize();
    assert_eq!(voters(net.node(1)), "voters=(1 2 3 4 5)");
}

#[test]
fn joint_change_is_refused_while_joint_and_leave_refused_when_not() {
    let mut net = cluster(&[]);
    assert_eq!(
        change(&mut net, 1, ConfChange::leave_joint()),
        Err(ProposeError::ConfChangeNotJoint)
    );
    let explicit = ConfChange {
        transition: Transition::Explicit,
        changes: vec![RemoveNode(3)],
    };
    change(&mut net, 1, explicit).unwrap();
    net.stabilize();
    assert_eq!(voters(net.node(1)), "voters=(1 2)&&(1 2 3)");
    assert_eq!(
        change(&mut net, 1, ConfChange::new([AddVoter(3)])),
        Err(ProposeError::ConfChangeWhileJoint)
    );
    change(&mut net, 1, ConfChange::leave_joint()).unwrap();
    net.stabilize();
    assert_eq!(voters(net.node(1)), "voters=(1 2)");
    assert_eq!(voters(net.node(2)), "voters=(1 2)");
}

#[test]
fn joint_consensus_is_left_automatically() {
    let mut net = cluster(&[4, 5]);
    net.events(1);
    change(&mut net, 1, ConfChange::new([AddVoter(4), AddVoter(5)])).unwrap();
    net.stabilize();
    let lines = net.events(1);
    let pos = |text: &str| {
        lines
            .iter()
            .position(|l| l == text)
            .unwrap_or_else(|| panic!("no line {text:?} in {lines:#?}"))
    };
    let entered = pos("1 switched to configuration voters=(1 2 3 4 5)&&(1 2 3) autoleave");
    let leaving = pos(
        "1 initiating automatic transition out of joint configuration voters=(1 2 3 4 5)&&(1 2 3) autoleave",
    );
    let left = pos("1 switched to configuration voters=(1 2 3 4 5)");
    assert!(entered < leaving && leaving < left);
    for id in 1..=5 {
        assert_eq!(voters(net.node(id)), "voters=(1 2 3 4 5)", "node {id}");
    }
}

/// Leader 1 takes {1,2,3} to {1,4,5} through joint consensus, left explicitly: it stays
/// joint.
fn joint_1_4_5_and_1_2_3() -> Network {
    let mut net = cluster(&[4, 5]);
    let cc = ConfChange {
        transition: Transition::Explicit,
        changes: vec![AddVoter(4), AddVoter(5), RemoveNode(2), RemoveNode(3)],
    };
    change(&mut net, 1, cc).unwrap();
    net.stabilize();
    net
}

#[test]
fn joint_commit_needs_both_majorities() {
    // C_old = {1,2,3}, C_new = {1,4,5}: explicit, so it stays joint.
    let mut net = joint_1_4_5_and_1_2_3();
    assert_eq!(voters(net.node(1)), "voters=(1 4 5)&&(1 2 3)");
    let commit = net.node(1).commit();
    // The new majority alone ({1,4,5}) holds the entry: not committed.
    net.isolate(2);
    net.isolate(3);
    net.propose(1, "x").unwrap();
    net.stabilize();
    assert_eq!(net.node(1).commit(), commit);
    // With 2 back, the old majority {1,2} holds it too.
    net.heal();
    net.isolate(3);
    net.tick_all(2);
    assert_eq!(net.node(1).commit(), commit + 1);
}

#[test]
fn joint_election_needs_both_majorities() {
    let mut net = joint_1_4_5_and_1_2_3();
    // With 1 cut off and 4 unable to reach 2 and 3, 4 and 5 are a majority of the new
    // voters {1,4,5}, but nobody of the old voters {1,2,3} votes for 4.
    net.isolate(1);
    for id in [2, 3] {
        net.cut(4, id);
        net.cut(id, 4);
    }
    net.campaign(4);
    net.stabilize();
    assert_ne!(net.node(4).role(), Role::Leader);
    net.heal();
    net.isolate(1);
    net.campaign(4);
    net.stabilize();
    assert_eq!(
        net.node(4).role(),
        Role::Leader,
        "{{4,5}} and {{2,3}} both voted"
    );
}

#[test]
fn learner_never_votes() {
    let mut net = cluster(&[4]);
    change(&mut net, 1, ConfChange::new([AddLearner(4)])).unwrap();
    net.stabilize();
    // 2 campaigns: vote requests go to the voters only, and a learner's vote does not count.
    net.events(2);
    net.campaign(2);
    let sent: Vec<NodeId> = net.outbox(2).iter().map(|m| m.to).collect();
    assert_eq!(sent, [1, 3]);
    let mut n2 = net.node(2).clone();
    n2.step(msg(4, 2, n2.term(), Body::VoteResp { reject: false }));
    assert_eq!(
        n2.role(),
        Role::Candidate,
        "the learner's vote is not counted"
    );
    assert_eq!(n2.votes().collect::<Vec<_>>(), [(2, true)]);
}

#[test]
fn learner_does_not_campaign_and_gets_the_log() {
    let mut net = cluster(&[4]);
    change(&mut net, 1, ConfChange::new([AddLearner(4)])).unwrap();
    net.propose(1, "x").unwrap();
    net.stabilize();
    assert_eq!(
        net.node(4).log().last_index(),
        net.node(1).log().last_index()
    );
    assert_eq!(net.node(4).commit(), net.node(1).commit());
    net.isolate(1);
    net.events(4);
    for _ in 0..100 {
        net.tick(4, 1);
    }
    assert_eq!(net.node(4).role(), Role::Follower);
    net.campaign(4);
    assert_eq!(net.events(4), ["4 is unpromotable and can not campaign"]);
}

#[test]
fn a_joining_node_starts_with_no_configuration_and_never_campaigns() {
    let cfg = Config {
        id: 7,
        peers: vec![],
        ..etcd_config(true, true)
    };
    let mut n = Node::new(cfg, Storage::default()).unwrap();
    assert!(!n.promotable());
    assert_eq!(voters(&n), "voters=()");
    for _ in 0..100 {
        n.tick();
    }
    assert_eq!(n.role(), Role::Follower);
    assert!(take_ready(&mut n).messages.is_empty());
}

#[test]
fn removed_leader_hands_over_then_steps_down() {
    let mut net = cluster(&[]);
    net.events(1);
    change(&mut net, 1, ConfChange::new([RemoveNode(1)])).unwrap();
    // Appended but not applied: still leading, but it takes nothing after its own removal
    // (whoever holds that entry then holds its whole log).
    assert_eq!(net.node(1).role(), Role::Leader);
    assert_eq!(net.propose(1, "x"), Err(ProposeError::Leaving));
    net.stabilize();
    assert_eq!(net.node(1).role(), Role::Follower);
    assert_eq!(voters(net.node(2)), "voters=(2 3)");
    let lines = net.events(1);
    for line in [
        "1 [term 1] is no longer a voter; hands leadership to 2 before stepping down",
        "1 became follower at term 1",
    ] {
        assert!(lines.iter().any(|l| l == line), "{line}: {lines:#?}");
    }
    assert!(
        lines.iter().any(|l| l.contains("MsgTimeoutNow to 2")),
        "{lines:#?}"
    );
    // 2 campaigned at once on MsgTimeoutNow: a leader of the new configuration without
    // waiting for an election timeout. The removed node never campaigns.
    assert_eq!(net.node(2).role(), Role::Leader);
    assert_eq!(voters(net.node(2)), "voters=(2 3)");
    net.tick_all(50);
    assert!(
        net.events(1)
            .iter()
            .all(|l| !l.contains("starting a new election")),
        "the removed node campaigned"
    );
}

#[test]
fn a_removed_leader_hands_over_to_the_most_caught_up_voter() {
    let mut net = cluster(&[]);
    net.events(1);
    // 2 hears nothing of the change; 1 and 3 commit it.
    net.drop_if(|m| m.to == 2);
    change(&mut net, 1, ConfChange::new([RemoveNode(1)])).unwrap();
    net.stabilize();
    let lines = net.events(1);
    assert!(
        lines
            .iter()
            .any(|l| l
                == "1 [term 1] is no longer a voter; hands leadership to 3 before stepping down"),
        "{lines:#?}"
    );
    // 3 campaigned at once; its vote request to 2 was lost, so it wins on the next one.
    assert_eq!(net.node(3).role(), Role::Candidate);
    net.clear_filter();
    assert_eq!(leader_among(&mut net, &[2, 3]), 3);
    net.tick_all(5);
    assert_eq!(
        voters(net.node(2)),
        "voters=(2 3)",
        "3 brought 2 up to date"
    );
}

#[test]
fn elections_are_counted_in_the_newest_configuration_in_the_log() {
    // Node 2 of {1,2,3} holds, not committed, the entry that adds voter 4.
    let mut n = lone_node(&paper_config(), 2, 3, Storage::default());
    add_voter_4_from_leader_1(&mut n, 0);
    take_ready(&mut n);
    assert_eq!(voters(&n), "voters=(1 2 3)", "not applied");
    n.campaign();
    // It asks the voters of {1,2,3,4} (paper §6), and 2 of 4 votes do not elect it.
    let mut asked: Vec<NodeId> = take_ready(&mut n)
        .messages
        .iter()
        .filter(|m| m.kind() == raft_core::MsgKind::Vote)
        .map(|m| m.to)
        .collect();
    asked.sort_unstable();
    assert_eq!(asked, [1, 3, 4]);
    n.step(msg(1, 2, 2, Body::VoteResp { reject: false }));
    assert_eq!(n.role(), Role::Candidate, "2 of 4 is no majority");
    n.step(msg(4, 2, 2, Body::VoteResp { reject: false }));
    assert_eq!(n.role(), Role::Leader);
}

#[test]
fn a_leader_elected_with_unapplied_changes_commits_by_both_configurations() {
    let mut net = cluster(&[4]);
    // The change adding voter 4 reaches 2 and 3, but no one learns that it committed.
    net.drop_if(|m| m.from != 1 || m.kind() != raft_core::MsgKind::App || m.to == 4);
    change(&mut net, 1, ConfChange::new([AddVoter(4)])).unwrap();
    net.stabilize();
    net.clear_filter();
    net.crash(1);
    let last = net.node(2).log().last_index();
    assert_eq!(net.node(2).commit(), last - 1);
    // 2 is elected by {1,2,3,4} (3 and 4 vote) while it still applies {1,2,3}; its
    // appends to 4 are lost: 2 and 3 are a majority of {1,2,3} but not of {1,2,3,4}.
    net.drop_if(|m| m.to == 4 && m.kind() == raft_core::MsgKind::App);
    net.campaign(2);
    net.stabilize();
    assert_eq!(net.node(2).role(), Role::Leader);
    assert_eq!(net.node(2).commit(), last - 1, "nothing commits without 4");
    net.clear_filter();
    net.tick_all(5);
    assert!(net.node(2).commit() > last, "with 4, everything commits");
    assert_eq!(voters(net.node(2)), "voters=(1 2 3 4)");
}

#[test]
fn a_node_that_cannot_win_answers_a_stale_leader() {
    // A node that knows no configuration yet (it joined) cannot campaign, so without
    // pre-vote or check-quorum nothing else would bring the leader up to its term.
    let mut cfg = paper_config();
    cfg.peers.clear();
    cfg.id = 4;
    let mut n = Node::new(cfg, Storage::default()).unwrap();
    n.step(msg(1, 4, 5, Body::Heartbeat { commit: 0 }));
    take_ready(&mut n);
    n.step(msg(2, 4, 3, Body::Heartbeat { commit: 0 }));
    let out = take_ready(&mut n).messages;
    assert_eq!(out.len(), 1, "{out:?}");
    assert_eq!(
        (out[0].to, out[0].term, out[0].kind()),
        (2, 5, raft_core::MsgKind::AppResp)
    );
}

#[test]
fn a_leader_leaving_through_joint_consensus_leads_until_joint_is_left() {
    let mut net = cluster(&[4]);
    change(&mut net, 1, ConfChange::new([AddVoter(4), RemoveNode(1)])).unwrap();
    net.stabilize();
    assert_eq!(voters(net.node(2)), "voters=(2 3 4)");
    assert_eq!(net.node(1).role(), Role::Follower);
    leader_among(&mut net, &[2, 3, 4]);
}

/// Ticks until one of `ids` leads (a removed node hears from nobody, so the network's own
/// "everyone agrees" test does not apply).
fn leader_among(net: &mut Network, ids: &[NodeId]) -> NodeId {
    for _ in 0..300 {
        if let Some(&l) = ids.iter().find(|&&id| net.node(id).role() == Role::Leader) {
            return l;
        }
        net.tick_all(1);
    }
    panic!("none of {ids:?} became leader");
}

#[test]
fn transfer_to_a_learner_is_refused() {
    let mut net = cluster(&[4]);
    change(&mut net, 1, ConfChange::new([AddLearner(4)])).unwrap();
    net.stabilize();
    assert_eq!(
        net.node_mut(1).transfer_leader(4),
        Err(raft_core::TransferError::NotAVoter(4))
    );
}

#[test]
fn invalid_changes_are_refused_up_front() {
    let mut net = cluster(&[]);
    assert_eq!(
        change(
            &mut net,
            1,
            ConfChange::new([RemoveNode(1), RemoveNode(2), RemoveNode(3)])
        ),
        Err(ProposeError::ConfChangeInvalid(
            raft_core::ConfChangeError::RemovedAllVoters
        ))
    );
    assert_eq!(
        change(&mut net, 2, ConfChange::new([AddVoter(4)])),
        Err(ProposeError::NotLeader { leader: 1 })
    );
}

#[test]
fn snapshot_carries_config() {
    let mut net = cluster(&[4, 5]);
    change(&mut net, 1, ConfChange::new([AddVoter(4)])).unwrap();
    net.stabilize();
    net.propose(1, "x").unwrap();
    net.stabilize();
    let applied = net.node(1).applied();
    assert!(net
        .node_mut(1)
        .compact(applied, raft_core::Bytes::from("state")));
    let conf = &net.node(1).log().snapshot().conf;
    assert_eq!(conf.voters, [1, 2, 3, 4]);
    // A learner joining now gets the snapshot, and the configuration with it.
    change(&mut net, 1, ConfChange::new([AddLearner(5)])).unwrap();
    net.stabilize();
    assert_eq!(net.app(5).snapshot.as_ref().map(|s| s.index), Some(applied));
    assert_eq!(voters(net.node(5)), "voters=(1 2 3 4) learners=(5)");
}

#[test]
fn compaction_before_the_last_applied_change_is_refused() {
    let mut net = cluster(&[4]);
    net.propose(1, "x").unwrap();
    net.stabilize();
    change(&mut net, 1, ConfChange::new([AddVoter(4)])).unwrap();
    net.stabilize();
    let conf_index = net.node(1).log().last_index();
    assert!(!net.node_mut(1).compact(conf_index - 1, Default::default()));
    assert!(net.node_mut(1).compact(conf_index, Default::default()));
}

#[test]
fn a_restarted_node_knows_the_config_from_storage() {
    let mut net = cluster(&[4]);
    change(&mut net, 1, ConfChange::new([AddVoter(4)])).unwrap();
    net.stabilize();
    let applied = net.node(2).applied();
    let storage = net.node(2).clone().into_storage();
    let cfg = net.config(2);
    // Re-applied from the log up to what the application says it applied.
    let n = Node::restart(cfg.clone(), storage.clone(), applied).unwrap();
    assert_eq!(voters(&n), "voters=(1 2 3 4)");
    // Whatever the application says it applied, the configuration the node last applied
    // is on stable storage: a restarted node never falls back to one it had left.
    let n = Node::restart(cfg.clone(), storage.clone(), 0).unwrap();
    assert_eq!(voters(&n), "voters=(1 2 3 4)");
    // Without that record, the change takes effect when it is applied again.
    let mut bare = storage;
    bare.applied_conf = None;
    let mut n = Node::restart(cfg, bare, 0).unwrap();
    assert_eq!(voters(&n), "voters=(1 2 3)");
    n.step(msg(1, 2, n.term(), Body::Heartbeat { commit: applied }));
    let _ = take_ready(&mut n);
    assert_eq!(voters(&n), "voters=(1 2 3 4)");
}

#[test]
fn a_node_does_not_campaign_with_an_unapplied_change_committed() {
    let cfg = paper_config();
    let mut n = lone_node(&cfg, 2, 3, Storage::default());
    add_voter_4_from_leader_1(&mut n, 1);
    // Committed, handed over, not yet applied (no advance).
    let _ = n.ready();
    n.campaign();
    let rd = n.ready();
    let lines: Vec<String> = rd.events.iter().map(|e| e.to_string()).collect();
    assert_eq!(
        lines.last().map(String::as_str),
        Some("2 cannot campaign at term 1 since there are still pending configuration changes to apply")
    );
    n.advance();
    assert_eq!(voters(&n), "voters=(1 2 3 4)");
}

/// Leader 1 of term 1 sends node `n` the entry that adds voter 4 to {1,2,3}, with commit
/// index `commit` (0: not committed; 1: committed).
fn add_voter_4_from_leader_1(n: &mut Node, commit: u64) {
    let cc = Entry {
        term: 1,
        index: 1,
        data: raft_core::confchange::encode_entry(
            &ConfChange::new([AddVoter(4)]),
            &raft_core::Configuration::new([1, 2, 3]),
        ),
    };
    n.step(msg(
        1,
        2,
        1,
        Body::App {
            prev_log_index: 0,
            prev_log_term: 0,
            entries: vec![cc],
            commit,
        },
    ));
}
