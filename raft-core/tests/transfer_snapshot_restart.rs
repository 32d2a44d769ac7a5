//! Leadership transfer (thesis §3.10, as etcd does it), log compaction and InstallSnapshot
//! (paper §7), and what survives a crash (Figure 2's persistent state).

mod common;

use common::*;
use raft_core::progress::ProgressState;
use raft_core::{
    Body, Bytes, Index, MsgKind, Node, ProposeError, Role, Snapshot, Storage, TransferError, NONE,
};

// ----- leadership transfer -----

#[test]
fn transfer_to_an_up_to_date_follower_elects_it() {
    let mut net = Network::new(3, etcd_config(true, true));
    net.elect(1);
    let term = net.node(1).term();
    net.events(1);

    assert_eq!(net.node_mut(1).transfer_leader(2), Ok(()));
    assert_eq!(net.node(1).lead_transferee(), 2);
    assert_eq!(
        net.events(1),
        vec![
            format!("1 [term {term}] starts to transfer leadership to 2"),
            "1 sends MsgTimeoutNow to 2 immediately as 2 already has up-to-date log".to_string(),
        ]
    );
    net.stabilize();
    assert_eq!(net.leader(), Some(2));
    assert_eq!(net.node(2).term(), term + 1);
    let old = net.node(1);
    assert_eq!((old.role(), old.leader()), (Role::Follower, 2));
    assert_eq!(old.lead_transferee(), NONE);
    assert!(net
        .events(2)
        .iter()
        .any(|l| l.contains("received MsgTimeoutNow from 1 and starts an election")));
}

#[test]
fn only_a_leader_transfers_and_only_to_a_member() {
    let mut net = Network::new(3, etcd_config(true, true));
    net.elect(1);
    assert_eq!(
        net.node_mut(2).transfer_leader(3),
        Err(TransferError::NotLeader { leader: 1 })
    );
    assert_eq!(
        net.node_mut(1).transfer_leader(9),
        Err(TransferError::UnknownNode(9))
    );
    // To itself: nothing to do.
    assert_eq!(net.node_mut(1).transfer_leader(1), Ok(()));
    assert_eq!(net.node(1).lead_transferee(), NONE);
    assert!(net.take_queue().is_empty());
}

#[test]
fn transfer_to_a_lagging_follower_first_catches_it_up() {
    let mut net = Network::new(3, etcd_config(true, true));
    net.elect(1);
    net.isolate(3);
    for i in 0..3 {
        net.propose(1, &format!("x{i}")).unwrap();
    }
    net.tick_all(3);
    let last = net.node(1).log().last_index();
    assert!(net.node(3).log().last_index() < last);

    net.heal();
    let mark = net.delivered.len();
    net.node_mut(1).transfer_leader(3).unwrap();
    let queued = net.take_queue();
    assert!(
        !queued.iter().any(|m| m.kind() == MsgKind::TimeoutNow),
        "3 must catch up before it is asked to campaign"
    );
    for m in queued {
        net.deliver(m);
    }
    for _ in 0..5 {
        if net.leader() == Some(3) {
            break;
        }
        net.tick_all(1);
    }
    assert_eq!(net.leader(), Some(3));

    // MsgTimeoutNow went out only after 3 acknowledged the leader's last entry.
    let since = &net.delivered[mark..];
    let timeout_now = since
        .iter()
        .position(|m| m.kind() == MsgKind::TimeoutNow)
        .expect("MsgTimeoutNow delivered");
    let caught_up = since
        .iter()
        .position(|m| {
            m.from == 3
                && matches!(m.body, Body::AppResp { index, reject: false, .. } if index == last)
        })
        .expect("3 acknowledged the last entry");
    assert!(caught_up < timeout_now);
    net.assert_logs_match(3);
}

#[test]
fn proposals_are_dropped_while_a_transfer_is_in_progress() {
    let mut net = Network::new(3, etcd_config(true, true));
    net.elect(1);
    net.isolate(3);
    net.node_mut(1).transfer_leader(3).unwrap();
    net.stabilize();
    let last = net.node(1).log().last_index();
    net.events(1);

    assert_eq!(
        net.propose(1, "x"),
        Err(ProposeError::Transferring { to: 3 })
    );
    assert_eq!(net.node(1).log().last_index(), last);
    assert_eq!(net.node(1).stats().proposals_dropped, 1);
    let term = net.node(1).term();
    assert_eq!(
        net.events(1),
        vec![format!(
            "1 [term {term}] transfer leadership to 3 is in progress; dropping proposal"
        )]
    );
    // A proposal forwarded by a follower meets the same fate.
    net.propose(2, "y").unwrap();
    net.stabilize();
    assert_eq!(net.node(1).log().last_index(), last);
    assert_eq!(net.node(1).stats().proposals_dropped, 2);
}

#[test]
fn transfer_is_aborted_after_an_election_timeout() {
    let mut net = Network::new(3, etcd_config(true, true));
    net.elect(1);
    net.isolate(3);
    net.node_mut(1).transfer_leader(3).unwrap();
    let term = net.node(1).term();
    let t = net.node(1).election_tick() as usize;

    // Node 2 keeps answering, so the leader keeps its quorum throughout.
    net.tick_all(t - 1);
    assert_eq!(net.node(1).lead_transferee(), 3, "still within the timeout");
    net.tick_all(1);
    assert_eq!(net.node(1).lead_transferee(), NONE);

    // Leadership stays, and proposals flow again.
    assert_eq!(
        (net.node(1).role(), net.node(1).term()),
        (Role::Leader, term)
    );
    assert_eq!(net.propose(1, "x"), Ok(()));
    net.stabilize();
    assert_eq!(net.app(2).applied.last().unwrap().data, Bytes::from("x"));
}

#[test]
fn a_second_request_for_the_same_transfer_does_not_extend_it() {
    let mut net = Network::new(3, etcd_config(true, true));
    net.elect(1);
    net.isolate(3);
    net.node_mut(1).transfer_leader(3).unwrap();
    let t = net.node(1).election_tick() as usize;
    net.tick_all(t - 1);
    // Asking again must not restart the clock, or a stuck transfer could last forever.
    net.node_mut(1).transfer_leader(3).unwrap();
    net.tick_all(1);
    assert_eq!(net.node(1).lead_transferee(), NONE);
}

#[test]
fn a_transfer_to_another_node_replaces_the_pending_one() {
    let mut net = Network::new(3, etcd_config(true, true));
    net.elect(1);
    net.isolate(3);
    net.node_mut(1).transfer_leader(3).unwrap();
    // Its MsgTimeoutNow is lost on the way.
    net.stabilize();
    net.heal();
    net.node_mut(1).transfer_leader(2).unwrap();
    assert_eq!(net.node(1).lead_transferee(), 2);
    net.stabilize();
    assert_eq!(net.leader(), Some(2));
}

#[test]
fn transfer_back_to_the_leader_itself_cancels_a_pending_transfer() {
    // etcd's TestLeaderTransferBack: asking the leader to transfer to itself while a
    // transfer is pending aborts that transfer; the leader stays and accepts proposals.
    let mut net = Network::new(3, etcd_config(true, true));
    net.elect(1);
    net.isolate(3);
    net.node_mut(1).transfer_leader(3).unwrap();
    assert_eq!(net.node(1).lead_transferee(), 3);

    assert_eq!(net.node_mut(1).transfer_leader(1), Ok(()));
    assert_eq!(net.node(1).lead_transferee(), NONE);
    assert_eq!(net.node(1).role(), Role::Leader);
    assert_eq!(net.propose(1, "x"), Ok(()));
}

#[test]
fn timeout_now_after_catch_up_is_logged_in_etcd_wording() {
    let mut net = Network::new(3, etcd_config(true, true));
    net.elect(1);
    net.isolate(3);
    net.propose(1, "x").unwrap();
    net.stabilize();
    net.heal();
    net.events(1);
    net.node_mut(1).transfer_leader(3).unwrap();
    for _ in 0..5 {
        if net.leader() == Some(3) {
            break;
        }
        net.tick_all(1);
    }
    assert_eq!(net.leader(), Some(3));
    let lines = net.events(1);
    assert!(
        lines.contains(&"1 sent MsgTimeoutNow to 3 after received MsgAppResp".to_string()),
        "{lines:#?}"
    );
    assert!(
        !lines.iter().any(|l| l.contains("immediately")),
        "{lines:#?}"
    );
}

#[test]
fn transfer_to_a_follower_that_needs_a_snapshot_sends_it_first() {
    let mut net = Network::new(3, etcd_config(true, true));
    net.elect(1);
    net.isolate(3);
    for i in 0..3 {
        net.propose(1, &format!("x{i}")).unwrap();
        net.stabilize();
    }
    let applied = net.node(1).applied();
    assert!(net.node_mut(1).compact(applied, Bytes::from("s")));
    net.heal();
    net.node_mut(1).transfer_leader(3).unwrap();
    for _ in 0..5 {
        if net.leader() == Some(3) {
            break;
        }
        net.tick_all(1);
    }
    assert_eq!(net.leader(), Some(3));
    let snap = net
        .delivered
        .iter()
        .position(|m| m.kind() == MsgKind::Snap && m.to == 3)
        .expect("a snapshot for 3");
    let timeout_now = net
        .delivered
        .iter()
        .position(|m| m.kind() == MsgKind::TimeoutNow)
        .expect("MsgTimeoutNow for 3");
    assert!(snap < timeout_now);
    assert_eq!(net.app(3).snapshot.as_ref().map(|s| s.index), Some(applied));
}

// ----- snapshots -----

#[test]
fn follower_behind_the_compacted_log_gets_a_snapshot() {
    let mut net = Network::new(3, etcd_config(true, true));
    net.elect(1);
    net.crash(3);
    for i in 0..5 {
        net.propose(1, &format!("x{i}")).unwrap();
        net.stabilize();
    }
    let applied = net.node(1).applied();
    assert_eq!(applied, 6);
    assert!(net.node_mut(1).compact(applied, Bytes::from("state@6")));
    assert_eq!(net.node(1).log().first_index(), applied + 1);
    let term = net.node(1).term();

    net.restart(3);
    net.events(1);
    for _ in 0..5 {
        net.tick_all(1);
    }
    // The entries 3 lacks exist only in the snapshot, so that is what it got.
    assert_eq!(net.delivered_of(MsgKind::Snap, 1, 3).len(), 1);
    let want = Snapshot {
        index: applied,
        term,
        data: Bytes::from("state@6"),
        conf: net.node(1).tracker().config().to_conf_state(),
    };
    assert_eq!(net.app(3).snapshot.as_ref(), Some(&want));
    // Before the snapshot came, 3 applied what it held and heard was committed (the
    // leader's no-op, index 1); what the snapshot covers is never applied entry by entry.
    let applied_by_3: Vec<Index> = net.app(3).applied.iter().map(|e| e.index).collect();
    assert_eq!(applied_by_3, vec![1], "nothing the snapshot covers replays");
    assert_eq!(net.node(3).commit(), applied);
    assert_eq!(net.node(3).applied(), applied);
    assert!(net.events(1).iter().any(|l| l.contains(&format!(
        "sent snapshot[index: {applied}, term: {term}] to 3"
    ))));
    assert!(net.events(3).contains(&format!(
        "3 [commit: {applied}] restored snapshot [index: {applied}, term: {term}]"
    )));

    // Replication resumes from after the snapshot.
    net.propose(1, "after").unwrap();
    net.stabilize();
    net.assert_logs_match(1);
    let applied_by_3: Vec<Index> = net.app(3).applied.iter().map(|e| e.index).collect();
    assert_eq!(applied_by_3, vec![1, applied + 1]);
    assert_eq!(net.app(3).applied[1].data, Bytes::from("after"));
}

#[test]
fn snapshot_older_than_commit_is_ignored() {
    let mut node = lone_node(
        &etcd_config(true, true),
        2,
        3,
        Storage::with_log(1, &[1, 1, 1, 1, 1]),
    );
    node.step(msg(
        1,
        2,
        1,
        Body::App {
            prev_log_index: 5,
            prev_log_term: 1,
            entries: vec![],
            commit: 5,
        },
    ));
    assert_eq!(node.commit(), 5);
    // The follower applied everything and compacted its own log: a snapshot older than
    // that must not roll its state machine back.
    assert_eq!(take_ready(&mut node).committed.len(), 5);
    assert!(node.compact(5, Bytes::from("mine@5")));
    take_ready(&mut node);

    let old = Snapshot {
        index: 3,
        term: 1,
        data: Bytes::from("old"),
        ..Snapshot::default()
    };
    node.step(msg(
        1,
        2,
        1,
        Body::Snap {
            snapshot: Box::new(old),
        },
    ));
    let rd = take_ready(&mut node);
    assert_eq!(rd.snapshot, None);
    assert_eq!(node.log().snapshot().index, 5);
    assert_eq!(node.log().snapshot().data, Bytes::from("mine@5"));
    assert_eq!((node.commit(), node.applied()), (5, 5));
    assert_eq!(
        rd.events,
        vec!["2 [commit: 5] ignored snapshot [index: 3, term: 1]"]
    );
    // The answer tells the leader how far this follower really is.
    let reply = rd.messages;
    assert_eq!(reply.len(), 1);
    assert!(matches!(
        reply[0].body,
        Body::AppResp {
            index: 5,
            reject: false,
            ..
        }
    ));
}

#[test]
fn failed_snapshot_resumes_probing_from_the_match_index() {
    // etcd (MsgSnapStatus with reject): forget the pending snapshot, then probe. Probing
    // from after a snapshot the follower never received would only earn a rejection.
    let mut net = Network::new(3, etcd_config(true, true));
    net.elect(1);
    net.crash(3);
    for i in 0..3 {
        net.propose(1, &format!("x{i}")).unwrap();
        net.stabilize();
    }
    let applied = net.node(1).applied();
    assert!(net.node_mut(1).compact(applied, Bytes::from("s")));
    net.restart(3);
    // A heartbeat round: 3's answer makes the leader send it a snapshot, held back here.
    net.tick(1, 1);
    let mut snaps = Vec::new();
    loop {
        let queue = net.take_queue();
        if queue.is_empty() {
            break;
        }
        for m in queue {
            if m.kind() == MsgKind::Snap {
                snaps.push(m);
            } else {
                net.deliver(m);
            }
        }
    }
    assert_eq!(snaps.len(), 1, "the leader sent 3 a snapshot");
    let progress_of_3 = |net: &Network| {
        net.node(1)
            .progress()
            .find(|(id, _)| *id == 3)
            .unwrap()
            .1
            .clone()
    };
    let matched = progress_of_3(&net).matched;
    assert!(matches!(
        progress_of_3(&net).state,
        ProgressState::Snapshot { .. }
    ));

    // The transport could not deliver it.
    net.node_mut(1).report_snapshot(3, false);
    let pr = progress_of_3(&net);
    assert_eq!(pr.state, ProgressState::Probe);
    assert_eq!(
        pr.next,
        matched + 1,
        "probe from what 3 is known to hold: {pr}"
    );
}

#[test]
fn snapshot_whose_last_entry_is_in_the_log_only_advances_commit() {
    let mut node = lone_node(
        &etcd_config(true, true),
        2,
        3,
        Storage::with_log(1, &[1, 1, 1, 1, 1]),
    );
    let snap = Snapshot {
        index: 4,
        term: 1,
        data: Bytes::from("s"),
        ..Snapshot::default()
    };
    node.step(msg(
        1,
        2,
        1,
        Body::Snap {
            snapshot: Box::new(snap),
        },
    ));
    let rd = take_ready(&mut node);
    assert_eq!(rd.snapshot, None);
    assert_eq!(node.log().last_index(), 5, "entries after it are kept");
    assert_eq!(node.commit(), 4);
    assert_eq!(rd.committed.len(), 4);
}

// ----- crash and restart -----

#[test]
fn restart_keeps_term_vote_and_log_but_forgets_role_commit_and_leader() {
    let mut net = Network::new(3, etcd_config(true, true));
    net.elect(1);
    net.propose(1, "x").unwrap();
    net.stabilize();
    let (term, log, commit) = (
        net.node(1).term(),
        log_terms(net.node(1)),
        net.node(1).commit(),
    );
    assert!(commit > 0);

    net.crash(1);
    net.restart(1);
    let n = net.node(1);
    // Persistent state (Figure 2) survives ...
    assert_eq!((n.term(), n.vote()), (term, 1));
    assert_eq!(log_terms(n), log);
    // ... volatile state does not.
    assert_eq!(n.role(), Role::Follower);
    assert_eq!(n.leader(), NONE);
    assert_eq!((n.commit(), n.applied()), (0, 0));
    assert!(net.handle_ready(1).committed.is_empty());

    // A vote cast before a crash is still cast after it: node 2 voted for 1 in this term
    // and must not vote for 3 now.
    net.crash(2);
    net.restart(2);
    assert_eq!(net.node(2).vote(), 1);
    net.node_mut(2).step(msg(
        3,
        2,
        term,
        Body::Vote {
            last_log_term: term,
            last_log_index: 9,
            transfer: false,
        },
    ));
    assert_eq!(net.node(2).vote(), 1);
    let reply = net.outbox(2);
    assert_eq!(reply[0].body, Body::VoteResp { reject: true });

    // The cluster carries on, and the restarted nodes learn the commit index again.
    let leader = net.tick_until_leader(200);
    net.stabilize();
    for id in net.ids() {
        assert!(net.node(id).commit() >= commit, "node {id} relearns commit");
    }
    assert_eq!(
        net.app(1).applied[commit as usize - 1].data,
        Bytes::from("x")
    );
    net.assert_logs_match(leader);
}

#[test]
fn restart_with_an_applied_index_knows_those_entries_committed() {
    let cfg = config_for(&etcd_config(true, true), 1, 3);
    let storage = Storage::with_log(2, &[1, 1, 2, 2]);
    let mut node = Node::restart(cfg.clone(), storage.clone(), 3).unwrap();
    assert_eq!((node.commit(), node.applied()), (3, 3));
    let rd = take_ready(&mut node);
    assert!(rd.committed.is_empty());
    assert!(
        rd.entries.is_empty(),
        "what storage holds is stored already"
    );
    // An applied index beyond the log is clamped to what the log holds.
    let node = Node::restart(cfg, storage, 10).unwrap();
    assert_eq!(node.commit(), 4);
}

#[test]
fn restart_rejects_inconsistent_storage() {
    let cfg = config_for(&etcd_config(true, true), 1, 3);
    // A log whose last term is above the stored current term cannot have been written by
    // a correct node.
    assert!(Node::restart(cfg.clone(), Storage::with_log(1, &[1, 2]), 0).is_err());
    // A vote for a node the configuration does not know is not inconsistent: a node
    // added by an entry this one has not received yet may have asked for it.
    let mut vote_for_newcomer = Storage::with_log(1, &[1]);
    vote_for_newcomer.hard_state.vote = 7;
    let node = Node::restart(cfg, vote_for_newcomer, 0).unwrap();
    assert_eq!(node.vote(), 7);
}
