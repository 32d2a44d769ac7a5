//! A light frame's moving parts as numbers.
//!
//! Between two full frames (view.rs, JSON), what the cluster view and the diagram redraw is
//! small: the time, each node's role, term, vote, timer and log indexes, and the messages in
//! flight. At 51 nodes a light JSON frame is about 29 KB of text written here and parsed in
//! the page at every display frame; these numbers go across as one `Float64Array` instead,
//! and the page takes everything else from the last full frame (www/src/controller.js
//! `motionFrame`).
//!
//! That is right only while the rest has not changed: [`slow_key`] hashes what a light frame
//! carries and this does not (the partition, the configuration and each node's place in it,
//! the link settings, whether safety was violated, the node count), and both kinds of frame
//! carry it. When the key differs from the full frame's, the page asks for a full frame.
//!
//! Layout (every value an f64):
//! - header: `now, horizon, leader, term, slow_key, node count, message count`;
//! - per node: `id, up, role, term, vote, lead, election_elapsed, election_timeout,
//!   heartbeat_elapsed, heartbeat_tick, next_tick, transferee, commit, committed_held,
//!   applied, last_index, snap_index, snap_term, vote count`, then `id, granted` for each
//!   vote;
//! - per message: `id, from, to, kind, term, sent, deliver, flags, entries` (flags: 1 lost,
//!   2 duplicate, 4 a rejection).
//!
//! `role` and `kind` are positions in [`ROLES`] and [`KINDS`] (`Sim.motionNames()`).

use crate::view::{conf_view, highest_term, log_indexes, member_of, timer_length, ConfView};
use raft_core::hash::Fnv;
use raft_core::message::MsgKind;
use raft_core::types::Role;
use raft_sim::Cluster;

/// The roles by their position in a node's `role` value; a node that is down is "crashed".
pub const ROLES: [&str; 5] = [
    "follower",
    "pre-candidate",
    "candidate",
    "leader",
    "crashed",
];
/// Values per message.
pub const MESSAGE_STRIDE: usize = 9;
/// Values in the header.
pub const HEADER: usize = 7;
/// Values per node before its votes.
pub const NODE_STRIDE: usize = 19;

/// The message kinds, by their position in a message's `kind` value.
pub fn kinds() -> Vec<&'static str> {
    MsgKind::ALL.iter().map(|k| k.name()).collect()
}

fn role_index(r: Role) -> f64 {
    match r {
        Role::Follower => 0.0,
        Role::PreCandidate => 1.0,
        Role::Candidate => 2.0,
        Role::Leader => 3.0,
    }
}

fn kind_index(k: MsgKind) -> f64 {
    MsgKind::ALL.iter().position(|&x| x == k).unwrap_or(0) as f64
}

/// A hash (32 bits, exact in an f64) of what a full frame carries that the motion does not
/// and a light frame's readers use: when it is unchanged, the motion and the last full
/// frame together make a light frame.
pub fn slow_key(c: &Cluster, conf: &ConfView) -> f64 {
    let mut h = Fnv::new();
    let list = |h: &mut Fnv, ids: &[u64]| {
        h.u64(ids.len() as u64);
        for &id in ids {
            h.u64(id);
        }
    };
    h.u64(c.servers().len() as u64);
    for s in c.servers() {
        h.u64(s.id);
        h.bytes(member_of(conf, s).as_bytes());
    }
    h.u64(conf.from);
    list(&mut h, &conf.voters);
    list(&mut h, &conf.outgoing);
    list(&mut h, &conf.learners);
    list(&mut h, &conf.learners_next);
    h.u64(u64::from(conf.joint) | u64::from(conf.auto_leave) << 1 | u64::from(conf.pending) << 2);
    let groups = c.partition().groups();
    h.u64(groups.len() as u64);
    for g in &groups {
        list(&mut h, g);
    }
    let link = &c.network().default_link;
    h.u64(link.loss.to_bits());
    h.u64(link.latency_min);
    h.u64(link.latency_max);
    h.u64(c.config().tick_us);
    h.u64(u64::from(c.config().pre_vote) | u64::from(c.config().check_quorum) << 1);
    h.u64(u64::from(c.violation().is_some()));
    (h.0 & 0xffff_ffff) as f64
}

/// The motion of cluster `c` now (see the module's layout).
pub fn motion(c: &Cluster, horizon: u64) -> Vec<f64> {
    let leader = c.leader().unwrap_or(0);
    let conf = conf_view(c, leader);
    let servers = c.servers();
    let messages = c.in_flight();
    let mut out = Vec::with_capacity(HEADER + servers.len() * 16 + 64 * MESSAGE_STRIDE);
    out.extend([
        c.now() as f64,
        horizon as f64,
        leader as f64,
        highest_term(c) as f64,
        slow_key(c, &conf),
        servers.len() as f64,
        0.0, // the message count, filled in below
    ]);
    for s in servers {
        let ix = log_indexes(c, s);
        let indexes = [
            ix.commit as f64,
            ix.committed_held as f64,
            ix.applied as f64,
            ix.last_index as f64,
            ix.snap_index as f64,
            ix.snap_term as f64,
        ];
        match s.node() {
            Some(n) => {
                out.extend([
                    s.id as f64,
                    1.0,
                    role_index(n.role()),
                    n.term() as f64,
                    n.vote() as f64,
                    n.leader() as f64,
                    n.election_elapsed() as f64,
                    timer_length(n) as f64,
                    n.heartbeat_elapsed() as f64,
                    n.heartbeat_tick() as f64,
                    s.next_tick as f64,
                    n.lead_transferee() as f64,
                ]);
                out.extend(indexes);
                let at = out.len();
                out.push(0.0);
                let mut count = 0;
                for (id, granted) in n.votes() {
                    out.extend([id as f64, f64::from(u8::from(granted))]);
                    count += 1;
                }
                out[at] = count as f64;
            }
            None => {
                let hs = s.storage().hard_state;
                out.extend([
                    s.id as f64,
                    0.0,
                    4.0,
                    hs.term as f64,
                    hs.vote as f64,
                    0.0,
                    0.0,
                    0.0,
                    0.0,
                    0.0,
                    0.0,
                    0.0,
                ]);
                out.extend(indexes);
                out.push(0.0); // no votes
            }
        }
    }
    let mut count = 0;
    for f in messages {
        let flags =
            u8::from(f.lost) | u8::from(f.duplicate) << 1 | u8::from(f.msg.body.is_reject()) << 2;
        out.extend([
            f.id as f64,
            f.msg.from as f64,
            f.msg.to as f64,
            kind_index(f.msg.kind()),
            f.msg.term as f64,
            f.sent_at as f64,
            f.deliver_at as f64,
            f64::from(flags),
            f.msg.body.entry_count() as f64,
        ]);
        count += 1;
    }
    out[HEADER - 1] = count as f64;
    out
}
