//! "Replay it": a scenario (the simulator's scenario language) that re-creates what a set of
//! lines tells, so the incident can be run again, slowed down and changed in the simulator.
//!
//! What the lines give: the nodes (numbered 1, 2, ... in id order when etcd's 64-bit ids
//! are not small already), pre-vote (on when any pre-vote line appears), check-quorum (on
//! when a lease or a quorum step-down line appears), each node's starting term and log
//! position (its first `newRaft` line: its log as that many entries of its last term, which
//! is what an election compares; its term the one its lines show just before the first
//! scripted step, where that is higher or there is no `newRaft`: a log that begins mid-run,
//! a new cluster's bootstrap), crashes and restarts (a `newRaft` line after earlier
//! lines: down after its last line before, as late as the next election allows: see
//! `crash_late`), each election won (a `campaign` at
//! the time its winner started it; a first election later than the simulator's shortest
//! election timeout brings every step forward by the difference, said in the scenario) and
//! each leadership transfer.
//!
//! What they do not give, and the simulator draws instead: the election timeouts (so a
//! node's own timer may start an election the lines do not show before a scripted one), the
//! network's latencies and losses, and client requests (only their commits are logged).

use super::story::Story;
use raft_core::event::{VoteDecision, What};
use raft_core::message::MsgKind;
use raft_core::types::{NodeId, Role};
use std::collections::BTreeMap;
use std::fmt::{self, Write};

/// Why the lines cannot be made into a scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReplayError {
    /// No node is named in the lines.
    NoNodes,
    /// More nodes than the simulator runs.
    TooManyNodes(usize),
    /// The lines span more time than a replay runs (seconds): a clock far off, or logs
    /// of days.
    TooLong(u64),
}

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplayError::NoNodes => f.write_str("the lines name no node"),
            ReplayError::TooManyNodes(n) => write!(
                f,
                "the lines name {n} nodes; the simulator runs at most {}",
                raft_core::MAX_NODES
            ),
            ReplayError::TooLong(s) => write!(
                f,
                "the lines span {s} s; a replay runs at most {} s (pick the files' stretch \
                 of the incident)",
                MAX_SPAN_US / 1_000_000
            ),
        }
    }
}

impl std::error::Error for ReplayError {}

/// The longest stretch of time a replay covers: an hour of simulated time.
const MAX_SPAN_US: u64 = 3_600_000_000;

/// The longest log written out entry by entry (`init ... log 1 1 1 ...`).
const MAX_LOG: u64 = 1000;

/// A command at a time (µs from the first line).
struct Step {
    at: u64,
    line: String,
}

/// The scenario `story`'s lines tell (see the module's notes).
pub fn scenario(story: &Story) -> Result<String, ReplayError> {
    let ids: Vec<NodeId> = story.nodes.iter().copied().filter(|&n| n != 0).collect();
    if ids.is_empty() {
        return Err(ReplayError::NoNodes);
    }
    if ids.len() > raft_core::MAX_NODES {
        return Err(ReplayError::TooManyNodes(ids.len()));
    }
    let small = ids.iter().enumerate().all(|(k, &n)| n == k as NodeId + 1);
    let name: BTreeMap<NodeId, NodeId> = ids
        .iter()
        .enumerate()
        .map(|(k, &n)| (n, k as NodeId + 1))
        .collect();
    let sim = |n: NodeId| name.get(&n).copied();

    let times = super::diagram::line_times(story);
    let origin = times.first().copied().unwrap_or(0);
    let at = |k: usize| times[k].saturating_sub(origin).max(0) as u64;

    let mut prevote = false;
    let mut check_quorum = false;
    // Each node's first newRaft: (term, last index, last term).
    let mut start: BTreeMap<NodeId, (u64, u64, u64)> = BTreeMap::new();
    let mut restarts = super::diagram::Restarts::default();
    let mut end = 0;
    let mut started: BTreeMap<NodeId, u64> = BTreeMap::new();
    // The terms each node's lines tell, in time order: (time, the node's term just before
    // the line, and just after).
    let mut terms: BTreeMap<NodeId, Vec<(u64, u64, u64)>> = BTreeMap::new();
    let mut via_timeout_now: BTreeMap<NodeId, bool> = BTreeMap::new();
    let mut steps: Vec<Step> = Vec::new();
    for (k, r) in story.read.iter().enumerate() {
        let n = r.event.node;
        let t = at(k);
        let restart = restarts.line(n, t, &r.event.what);
        if let Some((before, after)) = terms_around(&r.event.what) {
            terms.entry(n).or_default().push((t, before, after));
        }
        prevote |= match &r.event.what {
            What::Became { role, .. } => *role == Role::PreCandidate,
            What::SentVoteRequest { kind, .. } | What::VoteRequestAnswered { kind, .. } => {
                *kind == MsgKind::PreVote
            }
            _ => false,
        };
        check_quorum |= match &r.event.what {
            What::SteppedDownQuorumInactive => true,
            What::VoteRequestAnswered { decision, .. } => {
                matches!(decision, VoteDecision::IgnoredInLease { .. })
            }
            _ => false,
        };
        match &r.event.what {
            What::NewRaft {
                term,
                last_index,
                last_term,
                ..
            } => match restart {
                None => {
                    start.entry(n).or_insert((*term, *last_index, *last_term));
                }
                Some(before) => {
                    if let Some(s) = sim(n) {
                        // Down from just after its last line (the crash itself is not
                        // logged), up again at its newRaft.
                        let down = (before + 1000).min(t.saturating_sub(1)).max(before);
                        steps.push(Step {
                            at: down,
                            line: format!("crash {s}"),
                        });
                        steps.push(Step {
                            at: t.max(down + 1),
                            line: format!("restart {s}"),
                        });
                    }
                }
            },
            What::StartingElection { .. } => {
                started.insert(n, t);
            }
            What::TimeoutNowReceived { .. } => {
                via_timeout_now.insert(n, true);
            }
            What::Became {
                role: Role::Leader, ..
            } => {
                // An election won: scripted at its start, unless a transfer started it.
                let by_transfer = via_timeout_now.remove(&n).unwrap_or(false);
                if let (false, Some(s), Some(&from)) = (by_transfer, sim(n), started.get(&n)) {
                    steps.push(Step {
                        at: from,
                        line: format!("campaign {s}"),
                    });
                }
            }
            What::TransferStarting { to, .. } => {
                if let Some(s) = sim(*to) {
                    steps.push(Step {
                        at: t,
                        line: format!("transfer {s}"),
                    });
                }
            }
            _ => {}
        }
        end = end.max(t);
    }
    if end > MAX_SPAN_US {
        return Err(ReplayError::TooLong(end / 1_000_000));
    }
    steps.sort_by_key(|s| s.at);
    crash_late(&mut steps);
    steps.sort_by_key(|s| s.at);
    // Each node starts at the term its lines show just before the first scripted step (a
    // log that begins mid-run has no `newRaft`; a new cluster's bootstrap raises the term
    // after it), so that the replay's elections are for the lines' terms.
    let first_step = steps.first().map_or(u64::MAX, |s| s.at);
    for (n, told) in terms {
        let term = match told.iter().take_while(|&&(t, ..)| t < first_step).last() {
            Some(&(_, _, after)) => after,
            None => match told.first() {
                Some(&(_, before, _)) => before,
                None => continue,
            },
        };
        let s = start.entry(n).or_insert((term, 0, 0));
        s.0 = s.0.max(term);
    }
    let shift = first_election_early(&mut steps);

    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Replays {} lines of {} node{}' logs (written by raftsim import --scenario).",
        story.read.len(),
        ids.len(),
        if ids.len() == 1 { "" } else { "s" }
    );
    let _ = writeln!(
        out,
        "# The elections won, crashes, restarts and transfers are the lines'; election timeouts,\n# latencies and client requests are the simulator's own."
    );
    if !small {
        let names: Vec<String> = ids.iter().map(|n| format!("{}={n:x}", name[n])).collect();
        let _ = writeln!(out, "# nodes: {}", names.join(" "));
    }
    if shift > 0 {
        let _ = writeln!(
            out,
            "# Every time is {} ms before the lines' own: the first election won comes before the\n# simulator's election timers could start one of their own.",
            shift / 1000
        );
    }
    let _ = writeln!(out, "nodes {}", ids.len());
    let on = |b: bool| if b { "on" } else { "off" };
    let _ = writeln!(out, "prevote {}", on(prevote));
    let _ = writeln!(out, "checkquorum {}", on(check_quorum));
    write_start(&mut out, &start, &name, ids.len());
    let mut clock = 0;
    for s in &steps {
        // Commands at one time run in the order written.
        clock = clock.max(s.at);
        let _ = writeln!(out, "at {}ms {}", clock / 1000, s.line);
    }
    let _ = writeln!(
        out,
        "at {}ms run 1s",
        end.saturating_sub(shift).max(clock) / 1000
    );
    Ok(out)
}

/// The node's term just before a line and just after it, where the line says them plainly.
fn terms_around(what: &What) -> Option<(u64, u64)> {
    match what {
        What::Became {
            role: Role::Candidate,
            term,
        } => Some((term.saturating_sub(1), *term)),
        What::Became { term, .. }
        | What::StartingElection { term }
        | What::LeaderChanged { term, .. } => Some((*term, *term)),
        // A pre-vote request of a higher term leaves the term as it was.
        What::HigherTerm {
            term,
            kind: MsgKind::PreVote,
            ..
        } => Some((*term, *term)),
        What::HigherTerm { term, msg_term, .. } => Some((*term, *msg_term)),
        _ => None,
    }
}

/// Brings every step forward when the first is an election won that comes later than the
/// simulator's shortest election timeout (a cluster's first election, after its members
/// took their time to start): a node's own timer would otherwise start an election the
/// lines do not show. Returns by how much (µs).
fn first_election_early(steps: &mut [Step]) -> u64 {
    let d = crate::SimConfig::default();
    let latest = (d.tick_us * u64::from(d.election_tick)).saturating_sub(2 * d.tick_us);
    let Some(first) = steps.first() else { return 0 };
    if !first.line.starts_with("campaign ") || first.at <= latest {
        return 0;
    }
    let shift = first.at - latest;
    for s in steps.iter_mut() {
        s.at -= shift;
    }
    shift
}

/// Moves each crash followed by an election (while the node is down) as late as the
/// election allows: the lines show only the node's last line before its crash, and a crash
/// placed early leaves the others' own timers time to start an election the lines do not
/// show. One election timeout and a tick before the scripted campaign, the others' leases
/// on the crashed leader have run out when it starts, and their timers (at least an
/// election timeout after they last heard it) have barely begun to fire.
fn crash_late(steps: &mut [Step]) {
    let d = crate::SimConfig::default();
    let timeout = d.tick_us * u64::from(d.election_tick);
    for k in 0..steps.len() {
        let Some(node) = steps[k].line.strip_prefix("crash ") else {
            continue;
        };
        let restart = format!("restart {node}");
        let election = steps[k + 1..]
            .iter()
            .take_while(|s| s.line != restart)
            .find(|s| s.line.starts_with("campaign "))
            .map(|s| s.at);
        if let Some(e) = election {
            let late = e.saturating_sub(timeout + d.tick_us);
            steps[k].at = steps[k].at.max(late.min(e.saturating_sub(1)));
        }
    }
}

/// The nodes' starting terms and logs: one `init` when every node started alike, else a
/// `state` line per node that logged its start.
fn write_start(
    out: &mut String,
    start: &BTreeMap<NodeId, (u64, u64, u64)>,
    name: &BTreeMap<NodeId, NodeId>,
    nodes: usize,
) {
    let log = |index: u64, term: u64| {
        let v: Vec<String> = (0..index).map(|_| term.to_string()).collect();
        v.join(" ")
    };
    let fits = |&(term, index, last): &(u64, u64, u64)| index <= MAX_LOG && last <= term;
    let first = start.values().next().copied();
    let alike = start.len() == nodes && start.values().all(|s| Some(*s) == first);
    match first {
        Some(s @ (term, index, last)) if alike && fits(&s) => {
            if term > 0 || index > 0 {
                let _ = write!(out, "init term {term}");
                if index > 0 {
                    let _ = write!(out, " log {}", log(index, last));
                }
                let _ = writeln!(out);
            }
        }
        _ => {
            for (n, s @ (term, index, last)) in start {
                if (*term > 0 || *index > 0) && fits(s) {
                    let _ = write!(out, "state {} term {term}", name[n]);
                    if *index > 0 {
                        let _ = write!(out, " log {}", log(*index, *last));
                    }
                    let _ = writeln!(out);
                }
            }
        }
    }
}
