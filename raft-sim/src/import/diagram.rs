//! The space-time diagram of imported logs: a `History` the simulator's renderers (SVG,
//! Mermaid, the page's diagram) draw as they draw a run.
//!
//! **Arrows.** etcd logs some messages at both ends: a vote request when sent (`sent
//! MsgVote request to 2`) and when decided (`2 ... cast MsgVote for 3`), the answer when
//! decided and when received (`3 received MsgVoteResp from 2`); a snapshot sent and
//! restored; MsgTimeoutNow sent and received; a rejected append when rejected and when its
//! rejection is received. Ends are matched per link (kind, sender, receiver) in each node's
//! own order, by the candidate's log position where the line gives it, so a match does not
//! depend on the clocks. An end without its other end still gets an arrow
//! (`End::Unlogged`, `End::SendUnlogged`), a typical latency long.
//!
//! **Clocks.** The files come from different machines. Where a matched arrow would arrive
//! before it was sent, the clocks disagree: each node gets the smallest shift that makes
//! every granted vote request (matched by the candidate's log position and term) go
//! forward, relative to the node with most lines, and its times in
//! the history are shifted by it (`Skew` says so).
//!
//! **Lanes.** A node's roles and terms from its `became` lines, a restart where a `newRaft`
//! line follows earlier lines (down from its last line before), commit advances where
//! logged. Lines without times are spaced a millisecond apart in file order.

use super::story::Story;
use crate::history::{End, History, LaneState, MessageRecord, MomentKind};
use raft_core::event::{VoteDecision, What};
use raft_core::message::MsgKind;
use raft_core::types::{NodeId, Role, Term};
use raft_core::why::Why;
use std::collections::{BTreeMap, BTreeSet};

/// A node whose clock disagrees with the reference node's: `shift_us` was added to its
/// times (positive: its clock reads behind the reference's).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Skew {
    pub node: NodeId,
    pub reference: NodeId,
    pub shift_us: i64,
}

/// The diagram's history and what it took to build it.
#[derive(Clone, Debug)]
pub struct Imported {
    pub history: History,
    /// Node id → its lane (the same unless ids are etcd's 64-bit ones).
    pub lanes: BTreeMap<NodeId, NodeId>,
    /// The time (µs since the epoch, as the lines say, after shifts) the history's 0 is.
    pub origin_us: i64,
    /// The last time in the history (µs from `origin_us`).
    pub end: u64,
    pub skew: Vec<Skew>,
    /// Arrows with both ends in the lines, and with one.
    pub matched: usize,
    pub one_ended: usize,
}

/// One end of a message as a line shows it.
#[derive(Clone, Debug)]
struct Side {
    /// The node that logged it, and when (its own clock).
    node: NodeId,
    t: i64,
    /// The other node (for a snapshot's receipt: unknown, 0).
    peer: NodeId,
    term: Term,
    /// The candidate's (last log term, last index) of a vote request, where given; a
    /// snapshot's (index, term).
    key: Option<(u64, u64)>,
    why: Option<Why>,
    /// The line's term is the message's (a vote granted is decided at the candidate's
    /// term; a refusal may be at the voter's, higher or lower).
    exact: bool,
}

/// Sends and receipts per link: (kind, sender, receiver); a snapshot's sender is 0 in the
/// key (its receipt does not name it).
type Links = BTreeMap<(MsgKind, NodeId, NodeId), Vec<Side>>;

/// A message with its ends: send (node's time) and receipt.
struct Arrow {
    kind: MsgKind,
    from: NodeId,
    to: NodeId,
    term: Term,
    sent: Option<i64>,
    received: Option<i64>,
    why: Option<Why>,
    /// A granted vote matched by the candidate's log position and term: a pair the clocks
    /// are judged by. Other kinds pair by order alone,
    /// which one unlogged end can throw off.
    keyed: bool,
}

/// How far ahead in a link's sends a receipt looks for its own (a bound on the work for a
/// link whose sends are mostly unanswered).
const LOOKAHEAD: usize = 64;

fn pre_term(kind: MsgKind, term: Term) -> Term {
    // A pre-candidate asks about the next term without moving to it.
    if kind == MsgKind::PreVote {
        term.saturating_add(1)
    } else {
        term
    }
}

fn response(kind: MsgKind) -> MsgKind {
    if kind == MsgKind::PreVote {
        MsgKind::PreVoteResp
    } else {
        MsgKind::VoteResp
    }
}

/// Every end of a message the lines show, per link, each in its node's line order.
fn sides(story: &Story, times: &[i64]) -> (Links, Links) {
    let (mut sends, mut receipts) = (Links::new(), Links::new());
    for (r, &t) in story.read.iter().zip(times) {
        let n = r.event.node;
        // A candidate's vote for itself is no message.
        if let What::ReceivedVoteResponse { from, .. } = &r.event.what {
            if *from == n {
                continue;
            }
        }
        let why = r.event.why.clone();
        let side = |peer, term, key, why| Side {
            node: n,
            t,
            peer,
            term,
            key,
            why,
            exact: false,
        };
        match &r.event.what {
            What::SentVoteRequest {
                kind,
                log_term,
                index,
                to,
                term,
            } => {
                let mut request =
                    side(*to, pre_term(*kind, *term), Some((*log_term, *index)), None);
                request.exact = *kind == MsgKind::Vote;
                sends.entry((*kind, n, *to)).or_default().push(request);
            }
            What::VoteRequestAnswered {
                decision,
                kind,
                candidate,
                candidate_log_term,
                candidate_index,
                term,
                ..
            } => {
                let in_lease = matches!(decision, VoteDecision::IgnoredInLease { .. });
                let mut receipt = side(
                    *candidate,
                    *term,
                    Some((*candidate_log_term, *candidate_index)),
                    None,
                );
                receipt.exact = *kind == MsgKind::Vote && *decision == VoteDecision::Cast;
                receipts
                    .entry((*kind, *candidate, n))
                    .or_default()
                    .push(receipt.clone());
                // A voter in its lease answers nothing.
                if !in_lease {
                    let mut answer = side(*candidate, *term, None, why);
                    answer.exact = receipt.exact;
                    sends
                        .entry((response(*kind), n, *candidate))
                        .or_default()
                        .push(answer);
                }
            }
            What::ReceivedVoteResponse {
                kind,
                from,
                term,
                reject,
            } => {
                let mut receipt = side(*from, *term, None, None);
                receipt.exact = *kind == MsgKind::VoteResp && !reject;
                receipts.entry((*kind, *from, n)).or_default().push(receipt);
            }
            What::IgnoredLowerTerm {
                kind,
                from,
                msg_term,
                ..
            } => receipts
                .entry((*kind, *from, n))
                .or_default()
                .push(side(*from, *msg_term, None, None)),
            // A vote request's receipt is its decision line, which follows.
            What::HigherTerm {
                kind,
                from,
                msg_term,
                ..
            } if !matches!(kind, MsgKind::Vote | MsgKind::PreVote) => receipts
                .entry((*kind, *from, n))
                .or_default()
                .push(side(*from, *msg_term, None, None)),
            What::RejectedApp { from, .. } => {
                receipts
                    .entry((MsgKind::App, *from, n))
                    .or_default()
                    .push(side(*from, 0, None, None));
                sends
                    .entry((MsgKind::AppResp, n, *from))
                    .or_default()
                    .push(side(*from, 0, None, why));
            }
            What::ReceivedAppRejection { from, .. } => receipts
                .entry((MsgKind::AppResp, *from, n))
                .or_default()
                .push(side(*from, 0, None, None)),
            What::SentSnapshot {
                to, index, term, ..
            } => sends.entry((MsgKind::Snap, 0, *to)).or_default().push(side(
                *to,
                0,
                Some((*index, *term)),
                None,
            )),
            What::RestoredSnapshot { index, term, .. }
            | What::IgnoredSnapshot { index, term, .. } => receipts
                .entry((MsgKind::Snap, 0, n))
                .or_default()
                .push(side(0, 0, Some((*index, *term)), None)),
            What::TransferImmediate { to } | What::TransferAfterCatchUp { to } => sends
                .entry((MsgKind::TimeoutNow, n, *to))
                .or_default()
                .push(side(*to, 0, None, None)),
            What::TimeoutNowReceived { from, term } => receipts
                .entry((MsgKind::TimeoutNow, *from, n))
                .or_default()
                .push(side(*from, *term, None, None)),
            _ => {}
        }
    }
    (sends, receipts)
}

/// Pairs each link's sends and receipts in order (see the module's notes).
fn pair(mut sends: Links, receipts: Links) -> Vec<Arrow> {
    let mut arrows = Vec::new();
    for ((kind, from, to), got) in receipts {
        let sent = sends.remove(&(kind, from, to)).unwrap_or_default();
        let mut next: usize = 0;
        for r in got {
            // Of the sends it may be (the candidate's log position and the term agree), the
            // nearest in time: a node cut off sends the same request again and again, and
            // the one that got through is the last before the receipt (clocks that
            // disagree by less than an election timeout leave it the nearest).
            // The send matched last may be received again (the network duplicated it).
            let again = next.saturating_sub(1);
            let found = sent
                .iter()
                .enumerate()
                .skip(again)
                .take(LOOKAHEAD)
                .filter(|(_, s)| {
                    (r.key.is_none() || s.key.is_none() || s.key == r.key)
                        && (!(r.exact && s.exact) || s.term == r.term)
                })
                .min_by_key(|(_, s)| (s.t - r.t).unsigned_abs())
                .map(|(k, _)| k);
            match found {
                Some(k) => {
                    // The sends passed over were never received (or not logged so).
                    for s in sent.get(next..k).unwrap_or_default() {
                        arrows.push(one_ended(kind, s, false));
                    }
                    let s = &sent[k];
                    arrows.push(Arrow {
                        kind,
                        from: s.node,
                        to,
                        term: if s.term > 0 { s.term } else { r.term },
                        sent: Some(s.t),
                        received: Some(r.t),
                        why: s.why.clone(),
                        keyed: s.key == r.key && r.exact && s.term == r.term,
                    });
                    next = next.max(k + 1);
                }
                None => {
                    let mut a = one_ended(kind, &r, true);
                    a.from = if from == 0 { r.peer } else { from };
                    arrows.push(a);
                }
            }
        }
        for s in &sent[next.min(sent.len())..] {
            arrows.push(one_ended(kind, s, false));
        }
    }
    for ((kind, _, _), sent) in sends {
        for s in &sent {
            arrows.push(one_ended(kind, s, false));
        }
    }
    arrows
}

fn one_ended(kind: MsgKind, s: &Side, received: bool) -> Arrow {
    let (from, to) = if received {
        (s.peer, s.node)
    } else {
        (s.node, s.peer)
    };
    Arrow {
        kind,
        from,
        to,
        term: s.term,
        sent: (!received).then_some(s.t),
        received: received.then_some(s.t),
        why: s.why.clone(),
        keyed: false,
    }
}

/// Each node's clock shift (see the module's notes): the smallest shifts that make every
/// granted vote (request and answer) go forward, none where all do. A lower bound on the
/// true difference: a message takes some time on the wire that no line shows.
///
/// An arrow that goes back in time is mended by moving its receiver later or its sender
/// earlier: a clock that reads behind shows as the first (each message into that node),
/// one that reads ahead as the second (each message out of it). Mended always one way, a
/// clock ahead had every node it sent to moved instead, and theirs in turn. Both ways are
/// tried, and the one that moves fewer nodes (then less time) is kept: one machine's clock
/// off, the commonest case, is that machine moved alone.
///
/// The node held still is `reference` (the one with most lines) unless holding another
/// moves fewer: the machine whose clock is off may be the one with most lines. Each node of
/// a small cluster is tried (`others`); the shifts are then relative to the one kept.
fn skew(
    arrows: &[Arrow],
    reference: NodeId,
    nodes: &BTreeSet<NodeId>,
) -> (NodeId, BTreeMap<NodeId, i64>) {
    let cost = |d: &BTreeMap<NodeId, i64>| {
        (
            d.len(),
            d.values()
                .map(|v| v.unsigned_abs())
                .fold(0u64, u64::saturating_add),
        )
    };
    let others = nodes
        .iter()
        .copied()
        .filter(|&n| n != reference && nodes.len() <= 16);
    let mut best: Option<(NodeId, BTreeMap<NodeId, i64>)> = None;
    for r in std::iter::once(reference).chain(others) {
        for receivers in [true, false] {
            let d = mend(arrows, r, nodes.len(), receivers);
            // Another node held still must move fewer nodes, not merely less time: the
            // smaller sum of lower bounds would favour hiding an offset.
            let better = |b: &BTreeMap<NodeId, i64>| {
                if r == reference {
                    cost(&d) < cost(b)
                } else {
                    d.len() < b.len()
                }
            };
            if best.as_ref().is_none_or(|(_, b)| better(b)) {
                best = Some((r, d));
            }
            if best.as_ref().is_some_and(|(_, b)| b.is_empty()) {
                return best.unwrap_or_default();
            }
        }
    }
    best.unwrap_or_default()
}

/// The shifts that make every keyed arrow go forward, each mended by moving its receiver
/// later (`receivers`) or its sender earlier (the reference never moves: the other end
/// does).
fn mend(
    arrows: &[Arrow],
    reference: NodeId,
    nodes: usize,
    receivers: bool,
) -> BTreeMap<NodeId, i64> {
    let timed = || {
        arrows
            .iter()
            .filter_map(|a| match (a.sent, a.received, a.keyed) {
                (Some(ts), Some(tr), true) if a.from != a.to => {
                    Some((a.from, a.to, tr.saturating_sub(ts)))
                }
                _ => None,
            })
    };
    let mut d: BTreeMap<NodeId, i64> = BTreeMap::new();
    // Each round settles at least one more node along a chain of arrows; conflicting
    // constraints (an arrow each way that no shift satisfies) stop at the bound.
    for _ in 0..=nodes {
        let mut changed = false;
        for (a, b, delay) in timed() {
            let (da, db) = (
                d.get(&a).copied().unwrap_or(0),
                d.get(&b).copied().unwrap_or(0),
            );
            let gap = da.saturating_sub(db).saturating_sub(delay);
            if gap <= 0 {
                continue;
            }
            if (receivers && b != reference) || a == reference {
                d.insert(b, db.saturating_add(gap));
            } else {
                d.insert(a, da.saturating_sub(gap));
            }
            changed = true;
        }
        if !changed {
            break;
        }
    }
    d.retain(|_, v| *v != 0);
    d
}

/// Each read line's time (µs, the line's own clock): its own where every line has one,
/// else a millisecond per line in order.
pub(crate) fn line_times(story: &Story) -> Vec<i64> {
    if timed(story) {
        story.read.iter().map(|r| r.time_us.unwrap_or(0)).collect()
    } else {
        (0..story.read.len() as i64).map(|k| k * 1000).collect()
    }
}

/// Whether every line read has a time.
fn timed(story: &Story) -> bool {
    story.read.iter().all(|r| r.time_us.is_some())
}

/// The nodes' clock shifts alone (for the summary).
pub fn clock_skew(story: &Story) -> Vec<Skew> {
    if !timed(story) {
        return Vec::new();
    }
    let times = line_times(story);
    let (sends, receipts) = sides(story, &times);
    let arrows = pair(sends, receipts);
    let (reference, shifts) = skew(&arrows, reference(story), &story.nodes);
    shifts
        .into_iter()
        .map(|(node, shift_us)| Skew {
            node,
            reference,
            shift_us,
        })
        .collect()
}

/// The node with most lines (the smallest id among equals).
fn reference(story: &Story) -> NodeId {
    let mut count: BTreeMap<NodeId, usize> = BTreeMap::new();
    for r in &story.read {
        *count.entry(r.event.node).or_default() += 1;
    }
    count
        .iter()
        .max_by_key(|(n, k)| (**k, std::cmp::Reverse(**n)))
        .map_or(0, |(n, _)| *n)
}

/// Restarts seen in the lines: a `newRaft` line after earlier lines of its node. etcd's
/// `newRaft()` logs `switched to configuration …` (since 3.5) and `became follower at term
/// …` before its own `newRaft …` line: those lines are the start's, not the earlier life's,
/// so a first start is no restart, and a restart's node went down after the line before
/// them.
#[derive(Default)]
pub(crate) struct Restarts {
    /// Per node: its last three lines, newest first: their times and kinds.
    recent: BTreeMap<NodeId, [Option<(u64, StartLine)>; 3]>,
}

/// A line as far as a start is concerned.
#[derive(Clone, Copy, PartialEq, Eq)]
enum StartLine {
    /// `became follower at term …`.
    Follower,
    /// `switched to configuration …`.
    Configuration,
    Other,
}

impl Restarts {
    /// Takes node `n`'s next line (at `t`); for a restart, the time of the node's last
    /// line before it (when it went down, as far as the lines tell).
    pub(crate) fn line(&mut self, n: NodeId, t: u64, what: &What) -> Option<u64> {
        let recent = self.recent.entry(n).or_default();
        let restart = if matches!(what, What::NewRaft { .. }) {
            // Newest first: the start's `became follower`, then its configuration.
            let mut before = recent.iter().flatten().peekable();
            before.next_if(|l| l.1 == StartLine::Follower);
            before.next_if(|l| l.1 == StartLine::Configuration);
            before.next().map(|l| l.0)
        } else {
            None
        };
        let kind = match what {
            What::Became {
                role: Role::Follower,
                ..
            } => StartLine::Follower,
            What::SwitchedConfig { .. } => StartLine::Configuration,
            _ => StartLine::Other,
        };
        recent.rotate_right(1);
        recent[0] = Some((t, kind));
        restart
    }
}

/// The largest id drawn as its own lane number; larger ids get lanes 1, 2, ... in order.
const LANE_IDS: NodeId = 64;

/// The diagram of `story`'s lines.
pub fn build(story: &Story) -> Imported {
    let times = line_times(story);
    let (sends, receipts) = sides(story, &times);
    let arrows = pair(sends, receipts);
    let reference = reference(story);
    // Clocks are compared only where every line has a time: an order alone says
    // nothing of them.
    let (reference, shifts) = if timed(story) {
        skew(&arrows, reference, &story.nodes)
    } else {
        (reference, BTreeMap::new())
    };
    let shift = |n: NodeId| shifts.get(&n).copied().unwrap_or(0);

    // Lanes: the node's own id while every id is small.
    let mut ids: Vec<NodeId> = story.nodes.iter().copied().filter(|&n| n != 0).collect();
    for a in &arrows {
        ids.extend([a.from, a.to].into_iter().filter(|&n| n != 0));
    }
    ids.sort_unstable();
    ids.dedup();
    let small = ids.iter().all(|&n| n <= LANE_IDS);
    let lanes: BTreeMap<NodeId, NodeId> = ids
        .iter()
        .enumerate()
        .map(|(k, &n)| (n, if small { n } else { k as NodeId + 1 }))
        .collect();
    let lane = |n: NodeId| lanes.get(&n).copied();

    // Times on the history's clock: shifted, from the first.
    let shifted: Vec<i64> = story
        .read
        .iter()
        .zip(&times)
        .map(|(r, &t)| t.saturating_add(shift(r.event.node)))
        .collect();
    let origin = shifted.iter().copied().min().unwrap_or(0);
    let at = |t: i64| t.saturating_sub(origin).max(0) as u64;

    // A typical latency, for an arrow with one end: the median of the matched ones.
    let mut latencies: Vec<u64> = arrows
        .iter()
        .filter_map(|a| {
            let (ts, tr) = (a.sent?, a.received?);
            Some(
                at(tr.saturating_add(shift(a.to)))
                    .saturating_sub(at(ts.saturating_add(shift(a.from)))),
            )
        })
        .collect();
    latencies.sort_unstable();
    let typical = latencies
        .get(latencies.len() / 2)
        .copied()
        .unwrap_or(1000)
        .max(1);

    let (mut matched, mut one) = (0, 0);
    let mut records = Vec::with_capacity(arrows.len());
    for a in &arrows {
        let (Some(from), Some(to)) = (lane(a.from), lane(a.to)) else {
            continue;
        };
        let (sent_at, due_at, end) = match (a.sent, a.received) {
            (Some(ts), Some(tr)) => {
                matched += 1;
                let (s, r) = (
                    at(ts.saturating_add(shift(a.from))),
                    at(tr.saturating_add(shift(a.to))),
                );
                (s, r.max(s), End::Delivered { at: r.max(s) })
            }
            (Some(ts), None) => {
                one += 1;
                let s = at(ts.saturating_add(shift(a.from)));
                (s, s.saturating_add(typical), End::Unlogged)
            }
            (None, Some(tr)) => {
                one += 1;
                let r = at(tr.saturating_add(shift(a.to)));
                (r.saturating_sub(typical), r, End::SendUnlogged { at: r })
            }
            (None, None) => continue,
        };
        records.push((
            MessageRecord {
                id: 0,
                kind: a.kind,
                from,
                to,
                term: a.term,
                sent_at,
                due_at,
                end,
            },
            a.why.clone(),
        ));
    }
    let mut history = History::unbounded();
    history.put_messages(records);
    // Every node the story knows gets its lane, one that wrote no lines included (a voter
    // only the candidate's lines name): its arrows end on it.
    for &l in lanes.values() {
        history.put_lane(l);
    }
    if !small {
        for (&n, &l) in &lanes {
            history.put_name(l, format!("{n:x}"));
        }
    }

    // Lanes, in time order.
    let mut order: Vec<usize> = (0..story.read.len()).collect();
    order.sort_by_key(|&k| shifted[k]);
    let mut restarts = Restarts::default();
    let mut end = 0;
    // Each lane's states in time order, put into the history after: a restart puts the
    // node down from its last line before, which takes back what came after that (etcd's
    // `became follower` just before `newRaft`), so a lane never goes backwards or overlaps
    // itself, and a leader that crashed is down, not leading, until it restarts.
    let mut states: BTreeMap<NodeId, Vec<(u64, LaneState)>> = BTreeMap::new();
    for k in order {
        let r = &story.read[k];
        let n = r.event.node;
        let t = at(shifted[k]);
        end = end.max(t);
        let Some(l) = lane(n) else { continue };
        let restart = restarts.line(n, t, &r.event.what);
        match &r.event.what {
            What::Became { role, term } => states.entry(l).or_default().push((
                t,
                LaneState::Up {
                    role: *role,
                    term: *term,
                },
            )),
            What::NewRaft { term, commit, .. } => {
                // Lines before it: the node went down after its last one, and restarted.
                let lane_states = states.entry(l).or_default();
                if let Some(before) = restart {
                    lane_states.retain(|&(at, _)| at <= before);
                    lane_states.push((before, LaneState::Down));
                    history.put_moment(l, before, MomentKind::Crashed);
                    history.put_moment(l, t, MomentKind::Restarted);
                }
                lane_states.push((
                    t,
                    LaneState::Up {
                        role: Role::Follower,
                        term: *term,
                    },
                ));
                history.put_commit_base(l, *commit);
            }
            // The node-level line (`raft.node: … elected leader … at term …`) says the
            // node's role where no `became` line has (a log that begins after the
            // election); after a `became` line it repeats it.
            What::LeaderChanged { new, term, .. } if *new != 0 => {
                let role = if *new == n {
                    Role::Leader
                } else {
                    Role::Follower
                };
                let state = LaneState::Up { role, term: *term };
                let lane_states = states.entry(l).or_default();
                if lane_states.last().is_none_or(|&(_, s)| s != state) {
                    lane_states.push((t, state));
                }
            }
            What::Committed { index, .. } => history.put_commit(l, t, *index),
            _ => {}
        }
    }
    for (l, lane_states) in states {
        for (t, state) in lane_states {
            history.put_state(l, t, state);
        }
    }
    for a in history.all_messages() {
        end = end.max(a.end.at().unwrap_or(a.due_at));
    }
    Imported {
        history,
        lanes,
        origin_us: origin,
        end,
        // The story's lines were shifted already where their clocks disagree (Story::settle):
        // those shifts, and any left to make here.
        skew: story
            .clock_shifts
            .iter()
            .copied()
            .chain(shifts.into_iter().map(|(node, shift_us)| Skew {
                node,
                reference,
                shift_us,
            }))
            .collect(),
        matched,
        one_ended: one,
    }
}

#[cfg(test)]
mod tests {
    use crate::history::LaneState;
    use crate::import::raft_line::Ids;
    use crate::import::story::{read, Input};
    use raft_core::types::Role;

    #[test]
    fn etcd_ids_get_lanes_of_their_own_and_one_ended_arrows_are_drawn() {
        let line = |ms: u64, msg: &str| {
            format!("{{\"level\":\"info\",\"ts\":\"2021-06-01T10:05:41.{ms:03}Z\",\"msg\":\"{msg}\"}}\n")
        };
        let text = [
            line(100, "8e9e05c52164694d became candidate at term 2"),
            line(101, "8e9e05c52164694d [logterm: 1, index: 3] sent MsgVote request to 91bc3c398fb3c146 at term 2"),
            line(101, "8e9e05c52164694d [logterm: 1, index: 3] sent MsgVote request to a1 at term 2"),
            // The voter's clock reads behind: its decision seems to come first.
            line(90, "91bc3c398fb3c146 [logterm: 1, index: 3, vote: 0] cast MsgVote for 8e9e05c52164694d [logterm: 1, index: 3] at term 2"),
            line(120, "8e9e05c52164694d received MsgVoteResp from 91bc3c398fb3c146 at term 2"),
            line(121, "8e9e05c52164694d became leader at term 2"),
            line(150, "a1 [logterm: 1, index: 3] rejected MsgApp [logterm: 2, index: 4] from 8e9e05c52164694d"),
        ]
        .concat();
        let story = read(
            &[Input {
                name: "x",
                text: &text,
            }],
            None,
            Ids::Hex,
        );
        assert!(story.skipped.is_empty(), "{:?}", story.skipped);
        let d = story.history();
        assert_eq!(d.lanes.values().copied().collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(d.history.name(1), Some("a1"));
        assert_eq!(d.history.name(2), Some("8e9e05c52164694d"));
        assert_eq!(d.skew.len(), 1);
        assert_eq!(d.skew[0].node, 0x91bc_3c39_8fb3_c146);
        assert_eq!(d.skew[0].shift_us, 11_000);
        let ends: Vec<&str> = d.history.all_messages().map(|m| m.end.key()).collect();
        // The vote and its answer both ways; the request to a1 never received; the append
        // a1 rejected, whose send is not logged; a1's rejection, whose receipt is not.
        assert_eq!(
            ends.iter().filter(|k| **k == "delivered").count(),
            2,
            "{ends:?}"
        );
        assert!(
            ends.contains(&"unlogged") && ends.contains(&"unsent"),
            "{ends:?}"
        );
        for m in d.history.all_messages() {
            assert!(m.end.at().unwrap_or(m.due_at) >= m.sent_at, "{m:?}");
        }
    }

    #[test]
    fn a_crashed_leader_is_down_until_it_restarts_and_every_node_gets_a_lane() {
        let inputs: Vec<(String, String)> = (1..=5)
            .map(|k| {
                let path = format!(
                    "{}/../www/examples/logs/old-leader-returns/node-{k}.log",
                    env!("CARGO_MANIFEST_DIR")
                );
                (path.clone(), std::fs::read_to_string(&path).unwrap())
            })
            .collect();
        let inputs: Vec<Input> = inputs
            .iter()
            .map(|(name, text)| Input { name, text })
            .collect();
        let story = read(&inputs, None, Ids::Hex);
        let d = story.history();
        for n in 1..=5 {
            let spans: Vec<_> = d.history.spans(n, 0, u64::MAX).collect();
            for w in spans.windows(2) {
                assert!(w[0].from <= w[1].from, "node {n}: {spans:?}");
            }
        }
        // Node 3 led term 2, went quiet (crashed) and came back: down, not leading, while
        // node 5 led.
        let led = |n| {
            d.history
                .spans(n, 0, u64::MAX)
                .filter(|s| {
                    matches!(
                        s.state,
                        LaneState::Up {
                            role: Role::Leader,
                            ..
                        }
                    )
                })
                .map(|s| (s.from, s.until.unwrap_or(u64::MAX)))
                .collect::<Vec<_>>()
        };
        for (a0, a1) in led(3) {
            for (b0, b1) in led(5) {
                assert!(
                    a1 <= b0 || b1 <= a0,
                    "3 {:?} and 5 {:?} both lead",
                    led(3),
                    led(5)
                );
            }
        }
        assert!(d
            .history
            .spans(3, 0, u64::MAX)
            .any(|s| s.state == LaneState::Down));
        let m = story.metrics();
        let steps = |n| m.is_leader.get(&n).cloned().unwrap_or_default();
        let leading_at = |n, t: u64| {
            steps(n)
                .iter()
                .rev()
                .find(|&&(a, _)| a <= t)
                .is_some_and(|&(_, v)| v == 1)
        };
        for &(t, _) in &steps(5) {
            assert!(
                !(leading_at(3, t) && leading_at(5, t)),
                "{:?} {:?}",
                steps(3),
                steps(5)
            );
        }

        // A voter that wrote no lines still gets its lane (the arrows to it end there).
        let node3 = include_str!("../../../tests/data/etcd-election-node3.log");
        let story = read(
            &[Input {
                name: "node3.log",
                text: node3,
            }],
            None,
            Ids::Hex,
        );
        let d = story.history();
        assert_eq!(d.history.lanes(), story.nodes.len());
        let window = crate::diagram::Window {
            from: 0,
            to: d.end + 1,
        };
        let svg = crate::diagram::svg::render(&d.history, window);
        let mermaid = crate::diagram::mermaid::render(&d.history, window);
        for n in 1..=5 {
            assert!(mermaid.contains(&format!("participant N{n}")), "{mermaid}");
        }
        assert!(!svg.is_empty());
    }
}
